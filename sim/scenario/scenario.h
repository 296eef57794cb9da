/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/scenario.h - the scenario language: parse, validate, print.
 *
 * A .scn file is what a file system developer writes instead of a mail race
 * diagram, and what pcsim prints back when it finds a bug (the language is
 * described in docs/scenario-language.md). This header holds the syntax tree,
 * the input limits, the vocabulary the model layer supplies, and the API:
 *
 *   text --scn_parse()--> struct scn_file --scn_print()--> text
 *
 * scn_parse() reads the text, builds the tree, then validates it against the
 * vocabulary (profiles, knobs and their values, the steps each operation
 * expands into). On failure it returns -1 with exactly one precise error in
 * struct scn_diag (file:line:col, the line, a caret, what was expected).
 *
 * The printer writes the canonical form: print(parse(x)) is a fixed point,
 * and parse(print(x)) is a tree scn_equal() to parse(x). Positions and the
 * fields validation resolves (task kinds, thread and op indexes) are not
 * part of equality.
 *
 * Ownership: scn_parse() returns one malloc'd tree; every array and comment in
 * it is malloc'd and freed by scn_free(). Name fields are fixed arrays.
 */
#ifndef PCSIM_SCENARIO_H
#define PCSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- limits (each has its own error message) ---- */
#define SCN_MAX_FILE_BYTES	(1u << 20)	/* input and canonical form */
#define SCN_MAX_LINE		4096		/* bytes per line, without the line end */
#define SCN_MAX_LINES		65536
#define SCN_MAX_NAME		64		/* any name, knob value, step */
#define SCN_MAX_LABEL		128		/* thread label, bytes */
#define SCN_MAX_THREADS		8
#define SCN_MAX_OPS		256		/* per thread, and in setup */
#define SCN_MAX_ROWS		4096		/* race rows, schedule items */
#define SCN_MAX_VARIANTS	32
#define SCN_MAX_KNOBS		24		/* KNOB=VALUE per line */
#define SCN_MAX_METRICS		32
#define SCN_MAX_SURVIVORS	256		/* write ids in 'persist survivors' */
#define SCN_MAX_WRITE_ID	1000000u
#define SCN_MAX_BYTES		(64ull << 20)	/* offset, length, size, offset+length */
#define SCN_MAX_DURATION_NS	(3600ull * 1000000000ull)	/* one hour */
#define SCN_MAX_KNOB_NUMBER	0xffffffffull
#define SCN_MAX_SUBSET_WRITES	24		/* persist all-subsets max=N */
#define SCN_MAX_SAMPLES		1000000u	/* persist sample=N */
#define SCN_MAX_METRIC_VALUE	(1ull << 40)
/* race columns: threads + kernel tasks (flusher jbd2 endio disk dio) */
#define SCN_MAX_COLUMNS		(SCN_MAX_THREADS + (SCN_TASK_NONE - SCN_TASK_FLUSHER))

/* ---- operations (fixed by the language) ---- */
enum scn_op_kind {
	SCN_OP_PWRITE,		/* pwrite FILE OFF LEN [flags] [data=PATTERN] */
	SCN_OP_APPEND,		/* append FILE LEN [data=PATTERN] */
	SCN_OP_READ,		/* read FILE OFF LEN */
	SCN_OP_MMAP,		/* mmap FILE */
	SCN_OP_MUNMAP,		/* munmap FILE */
	SCN_OP_STORE,		/* store FILE OFF LEN [data=PATTERN] */
	SCN_OP_LOAD,		/* load FILE OFF LEN */
	SCN_OP_MSYNC,		/* msync FILE OFF LEN [sync|async] */
	SCN_OP_TRUNCATE,	/* truncate FILE SIZE */
	SCN_OP_FALLOCATE,	/* fallocate FILE OFF LEN [keep-size] */
	SCN_OP_PUNCH,		/* punch FILE OFF LEN */
	SCN_OP_ZERO_RANGE,	/* zero-range FILE OFF LEN */
	SCN_OP_FSYNC,		/* fsync FILE */
	SCN_OP_FDATASYNC,	/* fdatasync FILE */
	SCN_OP_SYNC_FILE_RANGE,	/* sync-file-range FILE OFF LEN [wait-before] [write] [wait-after] */
	SCN_OP_SYNC,		/* sync */
	SCN_OP_IO_WAIT,		/* io-wait FILE (reap AIO) */
	SCN_OP_SLEEP,		/* sleep DURATION */
	SCN_OP__COUNT
};

/* Operation flags (o_flags); which op takes which is fixed by the language. */
#define SCN_F_WRITETHROUGH	(1u << 0)	/* pwrite */
#define SCN_F_DSYNC		(1u << 1)	/* pwrite */
#define SCN_F_SYNC		(1u << 2)	/* pwrite */
#define SCN_F_DIRECT		(1u << 3)	/* pwrite */
#define SCN_F_AIO		(1u << 4)	/* pwrite */
#define SCN_F_MS_SYNC		(1u << 5)	/* msync "sync" */
#define SCN_F_MS_ASYNC		(1u << 6)	/* msync "async" */
#define SCN_F_KEEP_SIZE		(1u << 7)	/* fallocate */
#define SCN_F_WAIT_BEFORE	(1u << 8)	/* sync-file-range */
#define SCN_F_WRITE		(1u << 9)	/* sync-file-range */
#define SCN_F_WAIT_AFTER	(1u << 10)	/* sync-file-range */

/* data=PATTERN of a write or store. DEFAULT (no data=) and UNIQUE mean the
 * same to the model; the tree keeps which one was written. */
enum scn_data { SCN_DATA_DEFAULT, SCN_DATA_UNIQUE, SCN_DATA_ZERO, SCN_DATA_BYTE };

/*
 * How a number or a duration was spelt, so that the printer writes it back the
 * same way ("4096" stays 4096, "4k" stays 4k, "1000ms" stays 1000ms). AUTO, for
 * values built by code: decimal, or k / m for exact multiples of 1024 /
 * 1048576; a duration in the largest unit that divides it.
 */
enum scn_style {
	SCN_STYLE_AUTO,
	SCN_STYLE_DEC, SCN_STYLE_HEX, SCN_STYLE_K, SCN_STYLE_M,		/* numbers */
	SCN_STYLE_NS, SCN_STYLE_US, SCN_STYLE_MS, SCN_STYLE_S,		/* durations */
};

struct scn_pos {
	uint32_t line;	/* 1-based; 0: not from a file */
	uint32_t col;	/* 1-based byte column */
};

struct scn_op {
	enum scn_op_kind o_kind;
	char o_file[SCN_MAX_NAME + 1];	/* "" for sync and sleep */
	uint64_t o_off;		/* bytes */
	uint64_t o_len;		/* bytes; append's LEN; sync-file-range 0 = to EOF */
	uint64_t o_size;	/* truncate SIZE, bytes */
	uint64_t o_ns;		/* sleep, nanoseconds */
	enum scn_style o_off_style, o_len_style, o_size_style, o_ns_style;
	uint32_t o_flags;	/* SCN_F_* */
	enum scn_data o_data;
	uint8_t o_byte;		/* SCN_DATA_BYTE */
	char *o_comment;	/* comment lines above it ('\n'-joined, no '#'), or NULL */
	struct scn_pos o_pos;
};

struct scn_knob {
	char k_name[SCN_MAX_NAME + 1];
	char k_value[SCN_MAX_NAME + 1];	/* as written */
	struct scn_pos k_pos;
};

/* ---- invariants (SEMANTICS.md section 10) ---- */
enum scn_invariant {
	SCN_INV_STALE_DATA,
	SCN_INV_EOF_JUNK,
	SCN_INV_UNRESERVED_DIRTY,
	SCN_INV_LOST_WRITE,
	SCN_INV_NOT_DURABLE,
	SCN_INV_ISIZE_UNLOCKED,
	SCN_INV_DEADLOCK,
	SCN_INV_JOURNAL,
	SCN_INV_ERASED_DATA,
	SCN_INV__COUNT
};

struct scn_expect {
	bool e_fail;		/* expect fail INV... (else expect pass) */
	uint32_t e_invariants;	/* bit (1u << enum scn_invariant); non-zero iff e_fail */
};

/* ---- tasks ---- */
enum scn_task_kind {
	SCN_TASK_THREAD,	/* a scenario thread ("user") */
	SCN_TASK_FLUSHER,
	SCN_TASK_JBD2,
	SCN_TASK_ENDIO,
	SCN_TASK_DISK,
	SCN_TASK_DIO,		/* the direct I/O completion worker (s_dio_done_wq) */
	SCN_TASK_NONE,		/* crash items; unresolved */
};

struct scn_thread {
	char t_name[SCN_MAX_NAME + 1];
	bool t_has_label;
	char t_label[SCN_MAX_LABEL + 1];
	struct scn_op *t_ops;
	uint32_t t_nops, t_cap;
	char *t_comment;
	struct scn_pos t_pos;
};

/* ---- the race / schedule ---- */
enum scn_item_kind {
	SCN_ITEM_OP,	/* start the task's next operation (si_op) */
	SCN_ITEM_STEP,	/* run the task through one step (si_step) */
	SCN_ITEM_STAR,	/* run the task until it blocks or ends its operation */
	SCN_ITEM_CRASH,	/* the crash point (si_task is "") */
};

struct scn_item {
	enum scn_item_kind si_kind;
	char si_task[SCN_MAX_NAME + 1];
	char si_step[SCN_MAX_NAME + 1];
	struct scn_op si_op;
	struct scn_pos si_pos;
	/* resolved by validation, not compared */
	enum scn_task_kind si_task_kind;
	int32_t si_thread;	/* index in f_threads, or -1 */
	int32_t si_op_index;	/* the thread op this item starts or runs in, or -1 */
};

/* A race diagram column (header cell). */
struct scn_column {
	char c_name[SCN_MAX_NAME + 1];
	struct scn_pos c_pos;
	enum scn_task_kind c_kind;	/* resolved */
	int32_t c_thread;		/* resolved; -1 for kernel tasks */
};

enum scn_sched_form { SCN_SCHED_NONE, SCN_SCHED_RACE, SCN_SCHED_LINEAR };

enum scn_crash_kind {
	SCN_CRASH_UNSET,
	SCN_CRASH_EVERY_EVENT,
	SCN_CRASH_NONE,
	SCN_CRASH_AFTER,	/* after TASK:STEP */
	SCN_CRASH_AFTER_EACH_OP,
};

enum scn_persist_kind {
	SCN_PERSIST_UNSET,
	SCN_PERSIST_ALL_SUBSETS,	/* [max=N] */
	SCN_PERSIST_PREFIX,
	SCN_PERSIST_SAMPLE,		/* sample=N */
	SCN_PERSIST_SURVIVORS,		/* survivors ID... | survivors none */
};

enum scn_oracle_kind { SCN_ORACLE_UNSET, SCN_ORACLE_DEFAULT, SCN_ORACLE_STRICT };
enum scn_cache { SCN_CACHE_UNSET, SCN_CACHE_VOLATILE, SCN_CACHE_NONE };
enum scn_tear { SCN_TEAR_UNSET, SCN_TEAR_ON, SCN_TEAR_OFF };

struct scn_variant {
	char v_name[SCN_MAX_NAME + 1];
	struct scn_knob *v_knobs;
	uint32_t v_nknobs, v_cap;
	struct scn_expect v_expect;
	char *v_comment;
	struct scn_pos v_pos;
};

struct scn_metric {
	char m_name[SCN_MAX_NAME + 1];
	bool m_is_duration;	/* m_value in ns, else a count or bytes */
	uint64_t m_value;
	enum scn_style m_style;
	char *m_comment;
	struct scn_pos m_pos;
};

/* One top-level line that appears at most once: presence, where, comment. */
struct scn_line_info {
	bool present;
	struct scn_pos pos;
	char *comment;
};

struct scn_file {
	char *f_header;		/* header comment block, or NULL */
	bool f_header_blank;	/* a blank line follows the header */
	char *f_trailer;	/* comments after the last item, or NULL */
	char f_default_name[SCN_MAX_NAME + 1];	/* from the path; not compared */

	struct scn_line_info f_scenario;
	char f_name[SCN_MAX_NAME + 1];

	struct scn_line_info f_fs;
	char f_profile[SCN_MAX_NAME + 1];
	struct scn_pos f_profile_pos;
	struct scn_knob *f_knobs;
	uint32_t f_nknobs, f_knobs_cap;

	struct scn_line_info f_disk;
	enum scn_cache f_disk_cache;
	bool f_disk_has_latency;
	uint64_t f_disk_latency_min_ns, f_disk_latency_max_ns;
	enum scn_style f_disk_latency_min_style, f_disk_latency_max_style;
	enum scn_tear f_disk_tear;

	struct scn_line_info f_setup;
	bool f_setup_nosync;
	struct scn_op *f_setup_ops;
	uint32_t f_setup_nops, f_setup_cap;

	struct scn_thread *f_threads;
	uint32_t f_nthreads, f_threads_cap;

	struct scn_line_info f_sched;	/* race or schedule line */
	enum scn_sched_form f_sched_form;
	struct scn_column *f_columns;	/* race header */
	uint32_t f_ncolumns, f_columns_cap;
	struct scn_item *f_items;
	uint32_t f_nitems, f_items_cap;

	struct scn_line_info f_crash;
	enum scn_crash_kind f_crash_kind;
	char f_crash_task[SCN_MAX_NAME + 1];	/* SCN_CRASH_AFTER */
	char f_crash_step[SCN_MAX_NAME + 1];
	struct scn_pos f_crash_task_pos;

	struct scn_line_info f_persist;
	enum scn_persist_kind f_persist_kind;
	uint32_t f_persist_max;		/* all-subsets max=N; 0: not given */
	uint32_t f_persist_samples;	/* sample=N */
	uint32_t *f_survivors;		/* write ids, strictly increasing */
	uint32_t f_nsurvivors, f_survivors_cap;

	struct scn_line_info f_oracle;
	enum scn_oracle_kind f_oracle_kind;

	/* tape T1 s2/7 ...: run exactly these choices instead of the race
	 * (reproducers written by pcsim fuzz / explore); malloc'd or NULL */
	struct scn_line_info f_tape_info;
	char *f_tape;
	struct scn_pos f_tape_pos;

	struct scn_variant *f_variants;
	uint32_t f_nvariants, f_variants_cap;

	struct scn_line_info f_expect;
	struct scn_expect f_expect_v;

	struct scn_metric *f_metrics;
	uint32_t f_nmetrics, f_metrics_cap;
};

/* ---- the vocabulary: what the model layer knows ---- */
/*
 * The parser knows the language (sections, operations, invariants); the model
 * knows profiles, knobs and steps. Lists are NULL-terminated arrays of names
 * with static storage duration (or at least alive until the call returns).
 */
struct scn_vocab {
	const char *const *profiles;
	/* knob names valid for profile, or NULL if the profile is unknown */
	const char *const *(*knobs)(const char *profile);
	/* allowed values, or NULL meaning "any unsigned number (k/m suffix)" */
	const char *const *(*knob_values)(const char *profile, const char *knob);
	/*
	 * Optional: checks the value of a knob knob_values gives no list for
	 * (a number, a duration such as commit=5s); 0 when the model accepts
	 * it, else -1 with what it expects in why. NULL: any unsigned number.
	 */
	int (*knob_value)(const char *profile, const char *knob, const char *value, char *why,
			  size_t len);
	/*
	 * Step names a task runs under profile with these knob settings (the fs
	 * line with a variant's knobs applied). task_kind is "user" for scenario
	 * threads (op is the operation, flags included) or one of "flusher",
	 * "jbd2", "endio", "disk" (op is NULL). NULL means no steps.
	 */
	const char *const *(*steps)(const char *profile, const struct scn_knob *knobs,
				    size_t nknobs, const char *task_kind,
				    const struct scn_op *op);
	/* metric names, or NULL: metric names are not checked */
	const char *const *metrics;
};

/* ---- errors ---- */
#define SCN_DIAG_PATH	256
#define SCN_DIAG_MSG	512
#define SCN_DIAG_NOTE	2048

struct scn_diag {
	char d_path[SCN_DIAG_PATH];
	uint32_t d_line;		/* 1-based; 0: the error has no position */
	uint32_t d_col;			/* 1-based byte column */
	uint32_t d_len;			/* bytes to underline (>= 1) */
	char d_message[SCN_DIAG_MSG];	/* "unknown knob 'x' ...; did you mean 'y'?" */
	char d_note[SCN_DIAG_NOTE];	/* "expected: ..." or "known ...: a, b", or "" */
	bool d_has_source;
	char d_source[SCN_MAX_LINE + 1];	/* the line, control bytes shown as '?' */
};

/* ---- API ---- */

/*
 * Parse and validate text[0, len) (need not be NUL-terminated). path names the
 * file in errors and gives the default scenario name (may be NULL). vocab may
 * be NULL: then profiles, knobs, steps and metrics are not checked. Returns 0
 * and a tree in *out, or -1 with *out = NULL and the error in *diag (diag may
 * be NULL).
 */
int scn_parse(const char *path, const char *text, size_t len,
	      const struct scn_vocab *vocab, struct scn_file **out,
	      struct scn_diag *diag);
void scn_free(struct scn_file *f);

/* The canonical text, malloc'd and NUL-terminated; NULL if out of memory. */
char *scn_print_str(const struct scn_file *f);
/* Write the canonical text; 0 or -1 (out of memory or write error). */
int scn_print(const struct scn_file *f, FILE *out);

/* Equal trees: everything but positions and resolved fields. */
bool scn_equal(const struct scn_file *a, const struct scn_file *b);
/* Same operation (how its numbers were spelt does not matter). */
bool scn_op_equal(const struct scn_op *a, const struct scn_op *b);

/* "file:line:col: error: ...", the line, a caret, the note; malloc'd. */
char *scn_diag_str(const struct scn_diag *d);
void scn_diag_print(const struct scn_diag *d, FILE *out);

/* The scenario's name: the 'scenario' line, else from the file name. */
const char *scn_name(const struct scn_file *f);
/* Operation text as in a race cell ("pwrite f 6000 100 writethrough"); returns
 * the length it needs (like snprintf). */
size_t scn_op_format(const struct scn_op *op, char *buf, size_t size);
const char *scn_op_name(enum scn_op_kind k);
const char *scn_invariant_name(enum scn_invariant inv);
/* "user", "flusher", "jbd2", "endio", "disk", "dio" (the vocab's task_kind) */
const char *scn_task_kind_name(enum scn_task_kind k);

/* For reproducers built by the explorer: append to a parsed tree. */
int scn_append_item(struct scn_file *f, const struct scn_item *it);
int scn_append_survivor(struct scn_file *f, uint32_t write_id);

/* The name in the NULL-terminated list names closest to word (a small edit
 * distance), or NULL: for "did you mean" hints outside scenario files. */
const char *scn_suggest(const char *word, const char *const *names);

#endif /* PCSIM_SCENARIO_H */
