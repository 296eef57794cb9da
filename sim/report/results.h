/* SPDX-License-Identifier: MIT */
/*
 * sim/report/results.h - reading a results JSON back (what `pcsim run
 * --json` wrote), and comparing two of them (`pcsim diff`).
 *
 * res_load() checks every field it uses and names the first one that is
 * wrong by its path in the document ("scenarios[3].variants[1].verdict:
 * expected a string"); a file that is not JSON at all is reported with
 * jansson's line and column. Nothing in a malformed file can crash it.
 *
 * res_diff() matches variants by scenario name and variant name and lists
 * what changed: verdicts, violations that are new or fixed (a violation is
 * its invariant, file, byte range and whether it was after a crash),
 * metrics that moved by more than a threshold, and variants only one side
 * has. A regression is a verdict that went from as expected to not, a new
 * violation in a variant both sides ran, or a new variant not as expected.
 */
#ifndef PCSIM_RESULTS_H
#define PCSIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RES_MAX_VARIANTS	100000
#define RES_MAX_VIOLATIONS	64	/* per variant */
#define RES_MAX_METRICS		64	/* per variant */
#define RES_MAX_FILE		(256u << 20)

struct res_viol {
	char vi_inv[32];
	int64_t vi_file, vi_off, vi_len;
	bool vi_crash;
};

struct res_metric {
	char rm_key[48];		/* "ios.data", "crash_states.checked" */
	double rm_val;
};

struct res_variant {
	char *rv_scenario;		/* scenario name */
	char *rv_path;
	char *rv_name;			/* variant name, "-" for a file without variants */
	char rv_verdict[24];		/* pass, fail-expected, unexpected-pass, ... */
	bool rv_as_expected;
	struct res_viol *rv_viol;
	unsigned rv_nviol;
	struct res_metric *rv_m;
	unsigned rv_nm;
};

struct res_doc {
	char rd_version[32];		/* pcsim_version */
	char rd_knobs[512];		/* options.knobs as "k=v k=v" */
	struct res_variant *rd_v;
	unsigned rd_nv;
};

/* Load and check. Returns 0, or -1 with "NAME: where: what" in err. */
int res_load(const char *path, struct res_doc *d, char *err, size_t len);
int res_load_str(const char *name, const char *text, size_t n, struct res_doc *d, char *err,
		 size_t len);
void res_free(struct res_doc *d);

enum res_change_kind {
	RC_VERDICT,		/* the verdict changed */
	RC_NEW_VIOL,		/* a violation NEW has and BASE had not */
	RC_FIXED_VIOL,		/* a violation BASE had and NEW has not */
	RC_METRIC,		/* a metric moved past the threshold */
	RC_ADDED,		/* a variant only NEW has */
	RC_REMOVED,		/* a variant only BASE has */
};

struct res_change {
	uint8_t rc_kind;		/* enum res_change_kind */
	bool rc_regression;
	const struct res_variant *rc_a, *rc_b;	/* BASE's and NEW's (one may be NULL) */
	const struct res_viol *rc_viol;
	const char *rc_metric;
	double rc_va, rc_vb;
};

struct res_diff {
	struct res_change *rf_c;	/* in NEW's order, kinds grouped by the writers */
	unsigned rf_n, rf_cap;
	unsigned rf_regressions;
	unsigned rf_matched;		/* variants both sides have */
	double rf_threshold;		/* percent */
	bool rf_knobs_differ;
};

/* Compare base and new; threshold in percent (a metric from 0 to non-zero
 * always counts). Returns 0, or -1 when out of memory. */
int res_diff(const struct res_doc *base, const struct res_doc *neu, double threshold,
	     struct res_diff *out);
void res_diff_free(struct res_diff *d);

/* The comparison as text, Markdown or an HTML page (malloc'd). */
enum res_format { RES_TEXT, RES_MARKDOWN, RES_HTML };
char *res_diff_format(const struct res_diff *d, const struct res_doc *base,
		      const struct res_doc *neu, const char *base_name, const char *new_name,
		      enum res_format fmt);

#endif /* PCSIM_RESULTS_H */
