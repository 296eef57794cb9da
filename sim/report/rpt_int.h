/* SPDX-License-Identifier: MIT */
/*
 * sim/report/rpt_int.h - the layout of a report, shared by its writers, and
 * the small helpers they have in common (a growing text buffer with XML
 * escaping, time and size formatting, the metric table).
 */
#ifndef PCSIM_RPT_INT_H
#define PCSIM_RPT_INT_H

#include <stdarg.h>

#include "sim/report/report.h"

#define RPT_SCHEMA_VERSION	2	/* 2: explore and fuzz ("search", "not-found") */
#define RPT_SCHEMA_OLDEST	1	/* the oldest a reader accepts */
#define RPT_MAX_SCENARIOS	4096
#define RPT_MAX_TEXT		(256u << 20)	/* bytes of any one report */
#define RPT_MAX_STEPS		PCR_MAX_LOG	/* timeline rows kept per variant */

/* One row of a variant's timeline: a step a task ran, the start of a
 * thread's operation, or a crash point; with file 0's sizes after it. */
enum rpt_step_kind { RPT_STEP = 0, RPT_OP = 1, RPT_CRASH = 2 };

struct rpt_step {
	uint8_t st_kind;		/* enum rpt_step_kind */
	uint8_t st_ret;			/* enum sim_ret of a step */
	uint8_t st_lifetime;		/* power cuts before it */
	char st_task[16];		/* task name */
	char st_what[80];		/* step name, or the operation's text */
	sim_time_t st_time;		/* simulated ns (the clock restarts after a power cut) */
	uint32_t st_wlog;		/* write-log length after it */
	uint64_t st_isize, st_disksize, st_durable;
};

/* What `pcsim explore` or `pcsim fuzz` found in a variant. */
enum rpt_search_kind { RS_EXPLORE = 1, RS_FUZZ = 2 };

struct rpt_repro {
	uint8_t rr_inv;			/* enum pc_invariant */
	char *rr_path;			/* the reproducer scenario */
	char *rr_tape;			/* its tape line, or NULL if it cannot be read */
};

struct rpt_search {
	uint8_t sr_kind;		/* enum rpt_search_kind */
	char sr_strategy[16];		/* exhaustive, random, pct, swarm */
	uint64_t sr_seed;
	unsigned sr_bound;		/* explore exhaustive: preemptions; UINT32_MAX none */
	unsigned sr_depth;		/* pct: bug depth; 0: not pct */
	bool sr_crash, sr_early_events;
	uint64_t sr_execs;		/* executions explored / fuzz runs */
	bool sr_complete;		/* explore: the space (within the bound) was covered */
	uint64_t sr_pruned, sr_bounded, sr_finals;	/* explore */
	uint64_t sr_crash_states, sr_crash_shared;
	uint64_t sr_inv[PC_INV_N];	/* explore: executions breaking each invariant */
	uint32_t sr_inv_mask;		/* invariants broken in some execution */
	uint64_t sr_violating;		/* fuzz: runs that broke an invariant */
	uint64_t sr_first;		/* first violating execution / run (from 1); 0: none */
	char *sr_tape;			/* explore: the first counterexample's tape */
	char *sr_replay;		/* explore: the command that replays it */
	unsigned sr_tape_len, sr_shrunk_len;	/* fuzz: choices as found, shrunk */
	uint32_t sr_shard, sr_nshards;	/* fuzz */
	struct rpt_repro sr_repro[PC_INV_N];	/* fuzz: reproducers saved */
	unsigned sr_nrepro;
	bool sr_replayed;		/* rv_r, rv_steps are the counterexample's run */
	char *sr_note;			/* the search's note, or why there is no replay */
	double sr_seconds;		/* wall time: only shown with wall_time */
};

/* One variant of a scenario: the runner's result (its diagram owned here,
 * its step log converted into rv_steps) and what the report adds. For a
 * searched variant rv_r holds the counterexample's run (when there is one)
 * with the search's verdict, and rv_search what the search found. */
struct rpt_variant {
	struct pcr_result rv_r;
	bool rv_has_name;		/* false: the file's single expect */
	bool rv_ran;			/* false: pcr_run failed (rv_error says why) */
	char *rv_error;			/* a run that could not start, or a run-time error */
	char *rv_replay;
	char rv_knobs[512];		/* the variant's knobs, "k=v k=v" */
	uint32_t rv_bs;			/* block size in bytes (fs, variant and --knob) */
	bool rv_lat_known;		/* the step log was complete: the latencies below hold */
	sim_time_t rv_disksize_lat;	/* the same from i_disksize growing (file 0) */
	struct rpt_step *rv_steps;	/* malloc'd; NULL for variants without violations */
	unsigned rv_nsteps;
	bool rv_steps_cut;		/* the runner's log was full */
	bool rv_not_found;		/* fuzz: the expected failure was not found */
	bool rv_no_metrics;		/* a search without a run to measure */
	struct rpt_search *rv_search;	/* malloc'd; NULL for `pcsim run` */
};

struct rpt_scenario {
	char *rs_path;
	char rs_name[SCN_MAX_NAME + 1];
	char rs_profile[SCN_MAX_NAME + 1];
	char rs_crash[24];		/* crash line kind */
	char *rs_about;			/* the header comment as one paragraph, or NULL */
	char *rs_header;		/* the whole header comment, or NULL */
	unsigned rs_nthreads;
	char rs_thread[SCN_MAX_THREADS][SCN_MAX_NAME + 1];	/* thread names */
	char rs_label[SCN_MAX_THREADS][SCN_MAX_LABEL + 1];	/* and labels */
	char *rs_error;			/* a parse error (no variants) */
	uint64_t rs_hash;		/* FNV-1a 64 of the file's bytes */
	struct rpt_variant *rs_v;
	unsigned rs_nv, rs_cap;
};

struct rpt {
	char rp_command[32];
	char rp_knobs[PCR_MAX_OVERRIDES][2][SCN_MAX_NAME + 1];
	unsigned rp_nknobs;
	int rp_oracle;			/* -1 as the files say, 0 default, 1 strict */
	uint64_t rp_seed;
	char rp_variant[SCN_MAX_NAME + 1];	/* --variant, or "" */
	bool rp_wall_time;
	struct rpt_scenario *rp_s;
	unsigned rp_ns, rp_cap;
};

/* Counts of a report's variants by verdict. */
struct rpt_counts {
	unsigned c_scenarios, c_variants, c_ok, c_bad;
	unsigned c_pass, c_fail_expected, c_unexpected_pass, c_unexpected_fail, c_error;
	unsigned c_not_found;
	unsigned c_parse_errors;
};
void rpt_count(const struct rpt *rp, struct rpt_counts *c);
bool rpt_as_expected(const struct rpt_variant *v);
/* Machine keyword of a verdict: pass, fail-expected, unexpected-pass,
 * unexpected-fail, error, not-found (fuzz). */
const char *rpt_verdict_key(const struct rpt_variant *v);
/* Human text: "PASS", "FAIL as expected", ..., "ERROR". */
const char *rpt_verdict_text(const struct rpt_variant *v);
/* "unreserved-dirty,eof-junk" for a mask; "-" when empty. */
void rpt_inv_list(uint32_t mask, char *buf, size_t len);
/* The variant's name, or "-" for a file without variants. */
const char *rpt_vname(const struct rpt_variant *v);
/* Should the variant get a details section (it broke an invariant, was
 * not as expected, or did not run)? */
bool rpt_has_details(const struct rpt_variant *v);

/* ---- the metrics every form shows ---- */
enum rpt_metric_id {
	RM_DATA_IOS, RM_DATA_BLOCKS, RM_ZERO_BLOCK_IOS, RM_META_IOS, RM_LOG_IOS,
	RM_COMMIT_IOS, RM_FLUSH_IOS, RM_FLUSHES, RM_FUA, RM_COMMITS, RM_SEEKS, RM_SEQ_PCT,
	RM_SIZE_LAT, RM_SIZE_LAT_MEDIAN, RM_SIZE_OPEN, RM_DISKSIZE_LAT, RM_DATA_LAT,
	RM_DATA_LAT_MEDIAN, RM_DATA_OPEN, RM_WLOG, RM_STEPS, RM_SIM_TIME, RM__COUNT
};
struct rpt_metric_def {
	const char *md_key;		/* key in the results JSON (path under "metrics") */
	const char *md_label;		/* column header */
	bool md_time;			/* nanoseconds */
	bool md_from_log;		/* measured on the step log: unknown if it was cut */
	const char *md_help;		/* what it counts, for the legends */
};
extern const struct rpt_metric_def rpt_metric_defs[RM__COUNT];
uint64_t rpt_metric(const struct rpt_variant *v, enum rpt_metric_id id);
/* False for a metric that was not measured: on a step log cut short, the
 * model's data latency (not measured yet), any metric of a search variant
 * without a counterexample run. */
bool rpt_metric_known(const struct rpt_variant *v, enum rpt_metric_id id);
/* A metric's value as text (durations with a unit). */
void rpt_metric_fmt(const struct rpt_variant *v, enum rpt_metric_id id, char *buf, size_t len);

/* ---- text ---- */
struct sbuf {
	char *sb_b;
	size_t sb_len, sb_cap;
	bool sb_oom;			/* an allocation failed or RPT_MAX_TEXT was reached */
};
void sb_init(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_putn(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s escaped for XML/HTML text and attribute values: & < > " ' escaped,
 * control characters but tab and newline dropped, invalid UTF-8 as U+FFFD. */
void sb_xml(struct sbuf *b, const char *s);
/* s for a Markdown table cell: | and newlines escaped, at most max bytes. */
void sb_md(struct sbuf *b, const char *s, size_t max);
/* Detach the text (NUL-terminated, malloc'd); NULL if sb_oom. */
char *sb_take(struct sbuf *b);
/* A valid UTF-8 copy of s (invalid bytes as U+FFFD); malloc'd. */
char *rpt_utf8(const char *s);

/* "0", "400 µs", "5.0002 s" */
void rpt_fmt_time(sim_time_t ns, char *buf, size_t len);
/* "1500", "6.0 KiB", "1.5 MiB" */
void rpt_fmt_bytes(uint64_t n, char *buf, size_t len);
/* A stable id for HTML anchors: "s3-v1". */
void rpt_anchor(unsigned si, unsigned vi, char *buf, size_t len);

/* A new variant of the current scenario: name, knobs, block size and
 * expectation from f; nothing run yet. NULL when out of memory. */
struct rpt_variant *rpt__variant_new(struct rpt *rp, const struct scn_file *f, int vi);
/* The run r into v (v keeps its name): the diagram is taken, the step
 * log converted into rows when v gets details (operation text from g,
 * the file that ran). -1 when out of memory. */
int rpt__variant_take(struct rpt_variant *v, const struct scn_file *g, struct pcr_result *r);

/* ---- searches (explore, fuzz) ---- */
void rpt_search_free(struct rpt_search *sr);
/* explore: "stale-data Sometimes (3 of 784)" per invariant broken,
 * comma-separated; fuzz: "in 5 of 200 runs"; "-" when none. */
void rpt_search_found(const struct rpt_search *sr, char *buf, size_t len);
/* "exhaustive search, bound 2: 784 executions (complete)" */
void rpt_search_line(const struct rpt_search *sr, char *buf, size_t len);
/* Does the report hold searched variants (explore, fuzz)? */
bool rpt_is_search(const struct rpt *rp);

/* Write text (owned, freed; NULL: out of memory) with rpt_write_atomic(). */
int rpt_write_owned(const char *path, char *text, char *err, size_t len);

/* ---- the timeline's layout (shared by the timeline and the size chart,
 * which sit side by side with the same rows) ---- */
#define RPT_MAX_LANES		16
#define RPT_MAX_ROWS		600	/* rows drawn; the rest is summarised */
#define RPT_ROW_H		15	/* px of a step row */
#define RPT_HEAD_H		46	/* px above the first row (lane names, legend) */
#define RPT_GUTTER_W		86	/* px of the time labels, left */
#define RPT_DISK_W		180	/* px of the disk column, right */
#define RPT_CHAR_W		6.4	/* px per character of the step font */

enum rpt_row_kind {
	ROW_STEP,		/* one step, or a looping step run n times */
	ROW_OP,			/* a thread starts an operation */
	ROW_CRASH,		/* the crash point of the violating crash state */
	ROW_POWERCUT,		/* a power cut, journal recovery and mount (race crash row) */
	ROW_GAP,		/* simulated time skipped (timers, sleeps) */
	ROW_MORE,		/* the rows not drawn */
};

struct rpt_row {
	uint8_t w_kind;			/* enum rpt_row_kind */
	bool w_blocked;			/* a step that went to sleep */
	bool w_time_label;		/* the time changed here: label it */
	bool w_wlog_up, w_durable_up;	/* the write log grew / the durable size changed */
	int w_lane;			/* -1: across every lane */
	int w_y, w_h;			/* px */
	unsigned w_first, w_n;		/* rv_steps[w_first .. +w_n) */
	sim_time_t w_time;		/* at the row (ROW_GAP: the time skipped) */
	uint8_t w_lifetime;
	uint32_t w_wlog_from, w_wlog_to;
	uint64_t w_isize, w_disksize, w_durable;	/* file 0 after the row */
};

struct rpt_layout {
	struct rpt_row *l_rows;		/* malloc'd */
	unsigned l_nrows;
	char l_lane[RPT_MAX_LANES][16];
	bool l_kernel[RPT_MAX_LANES];
	int l_lane_x[RPT_MAX_LANES], l_lane_w[RPT_MAX_LANES];
	unsigned l_nlanes;
	int l_width, l_height;		/* of the timeline, px */
	uint64_t l_max_size;		/* largest size on the chart */
	unsigned l_hidden;		/* steps not drawn (RPT_MAX_ROWS) */
};

int rpt_layout_build(const struct rpt_variant *v, struct rpt_layout *l);
void rpt_layout_free(struct rpt_layout *l);

/* ---- HTML pieces ---- */
extern const char rpt_html_style[];
void rpt_svg_timeline(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v,
		      const struct rpt_layout *l);
void rpt_svg_sizes(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l);
void rpt_svg_bytes(struct sbuf *b, const struct rpt_variant *v);

#endif /* PCSIM_RPT_INT_H */
