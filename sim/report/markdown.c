/* SPDX-License-Identifier: MIT */
/*
 * sim/report/markdown.c - Markdown: a short summary for a pull request
 * comment or a mail (--markdown), and the metrics tables (--metrics-md)
 * that docs/perf.md is made of.
 *
 * The summary says how many verdicts matched, lists every variant that
 * did not with its findings and replay command, and names the expected
 * failures on one line. The metrics document has one table per directory
 * of scenario files, a row per variant, the costs as columns, so the
 * designs of one workload sit side by side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

#define MD_MAX_LISTED	20	/* variants detailed in the summary */
#define MD_CELL		160	/* bytes of a message in a cell */
#define MD_MAX_SEARCH_ROWS	40	/* variants in the table of an explore / fuzz run */

static void expected_md(struct sbuf *b, const struct pcr_result *r)
{
	char inv[160];

	rpt_inv_list(r->r_expect_mask, inv, sizeof(inv));
	if (r->r_expect_fail)
		sb_printf(b, "fail `%s`", inv);
	else
		sb_puts(b, "pass");
}

static void finding(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v)
{
	const struct pcr_result *r = &v->rv_r;
	char inv[160];

	rpt_inv_list(r->r_inv_mask, inv, sizeof(inv));
	sb_puts(b, "- **");
	sb_md(b, s->rs_name, SCN_MAX_NAME);
	sb_puts(b, " / ");
	sb_md(b, rpt_vname(v), SCN_MAX_NAME);
	sb_printf(b, "**: %s, expected ", rpt_verdict_text(v));
	expected_md(b, r);
	sb_printf(b, ", broke `%s`\n", inv);
	if (v->rv_error) {
		sb_puts(b, "  - error: ");
		sb_md(b, v->rv_error, MD_CELL);
		sb_puts(b, "\n");
	}
	for (unsigned i = 0; i < r->r_nviol && i < 3; i++) {
		const struct pc_violation *x = &r->r_viol[i];

		sb_printf(b, "  - `%s`", pc_invariant_names[x->v_inv]);
		if (x->v_len)
			sb_printf(b, " bytes %llu-%llu of file %u%s", (unsigned long long)x->v_off,
				  (unsigned long long)(x->v_off + x->v_len - 1), x->v_file,
				  x->v_crash ? " after a crash" : "");
		sb_puts(b, ": ");
		sb_md(b, x->v_msg, MD_CELL);
		sb_puts(b, "\n");
	}
	if (v->rv_replay) {
		sb_puts(b, "  - replay: `");
		sb_md(b, v->rv_replay, 400);
		sb_puts(b, "`\n");
	}
}

/* explore / fuzz: a row per variant, what the search did and found. */
static void searches(struct sbuf *b, const struct rpt *rp)
{
	unsigned rows = 0;

	sb_printf(b, "\n| variant | verdict | search | found |\n|---|---|---|---|\n");
	for (unsigned i = 0; i < rp->rp_ns; i++)
		for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++) {
			const struct rpt_variant *v = &rp->rp_s[i].rs_v[k];
			char line[300], found[400];

			if (!v->rv_search || rows++ >= MD_MAX_SEARCH_ROWS)
				continue;
			rpt_search_line(v->rv_search, line, sizeof(line));
			rpt_search_found(v->rv_search, found, sizeof(found));
			sb_puts(b, "| ");
			sb_md(b, rp->rp_s[i].rs_name, SCN_MAX_NAME);
			sb_puts(b, " / ");
			sb_md(b, rpt_vname(v), SCN_MAX_NAME);
			sb_printf(b, " | %s | ", rpt_verdict_text(v));
			sb_md(b, line, sizeof(line));
			sb_puts(b, " | ");
			sb_md(b, found, sizeof(found));
			sb_puts(b, " |\n");
		}
	if (rows > MD_MAX_SEARCH_ROWS)
		sb_printf(b, "\n… and %u more variants (see the JSON or HTML report)\n",
			  rows - MD_MAX_SEARCH_ROWS);
}

static void expected_failures(struct sbuf *b, const struct rpt *rp, unsigned n)
{
	unsigned k = 0;

	if (!n)
		return;
	sb_printf(b, "\nExpected failures (%u): ", n);
	for (unsigned i = 0; i < rp->rp_ns; i++)
		for (unsigned j = 0; j < rp->rp_s[i].rs_nv; j++) {
			const struct rpt_variant *v = &rp->rp_s[i].rs_v[j];
			char inv[160];

			if (!rpt_as_expected(v) || !v->rv_r.r_failed)
				continue;
			rpt_inv_list(v->rv_r.r_inv_mask, inv, sizeof(inv));
			sb_puts(b, k++ ? ", " : "");
			sb_md(b, rp->rp_s[i].rs_name, SCN_MAX_NAME);
			sb_puts(b, "/");
			sb_md(b, rpt_vname(v), SCN_MAX_NAME);
			sb_printf(b, " (`%s`)", inv);
		}
	sb_puts(b, "\n");
}

char *rpt_markdown_str(const struct rpt *rp)
{
	struct rpt_counts c;
	struct sbuf b;
	unsigned listed = 0;

	rpt_count(rp, &c);
	sb_init(&b);
	if (c.c_bad || c.c_parse_errors)
		sb_printf(&b, "### ❌ pcsim %s: %u of %u verdicts not as expected\n\n", rp->rp_command,
			  c.c_bad, c.c_variants);
	else
		sb_printf(&b, "### ✅ pcsim %s: all %u verdicts as expected\n\n", rp->rp_command,
			  c.c_variants);
	sb_printf(&b, "pcsim %s · %u scenario files · %u variants: %u PASS, %u FAIL as expected, "
		      "%u UNEXPECTED FAIL, %u UNEXPECTED PASS, %u ERROR", PCSIM_VERSION, c.c_scenarios,
		  c.c_variants, c.c_pass, c.c_fail_expected, c.c_unexpected_fail,
		  c.c_unexpected_pass, c.c_error);
	if (c.c_not_found)
		sb_printf(&b, ", %u NOT FOUND", c.c_not_found);
	for (unsigned i = 0; i < rp->rp_nknobs; i++)
		sb_printf(&b, " · `--knob %s=%s`", rp->rp_knobs[i][0], rp->rp_knobs[i][1]);
	sb_puts(&b, "\n");
	if (rpt_is_search(rp))
		searches(&b, rp);
	if (c.c_bad)
		sb_puts(&b, "\n**Not as expected:**\n\n");
	for (unsigned i = 0; i < rp->rp_ns; i++)
		for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++)
			if (!rpt_as_expected(&rp->rp_s[i].rs_v[k]) && listed++ < MD_MAX_LISTED)
				finding(&b, &rp->rp_s[i], &rp->rp_s[i].rs_v[k]);
	if (listed > MD_MAX_LISTED)
		sb_printf(&b, "- … and %u more (see the HTML report)\n", listed - MD_MAX_LISTED);
	for (unsigned i = 0; i < rp->rp_ns; i++)
		if (rp->rp_s[i].rs_error) {
			sb_puts(&b, "\n**Parse error:**\n\n```\n");
			sb_puts(&b, rp->rp_s[i].rs_error);
			sb_puts(&b, "\n```\n");
		}
	expected_failures(&b, rp, c.c_fail_expected);
	return sb_take(&b);
}

int rpt_write_markdown(const struct rpt *rp, const char *path, char *err, size_t len)
{
	return rpt_write_owned(path, rpt_markdown_str(rp), err, len);
}

/* ---- the metrics document ---- */

static const enum rpt_metric_id md_cols[] = {
	RM_DATA_IOS, RM_DATA_BLOCKS, RM_ZERO_BLOCK_IOS, RM_LOG_IOS, RM_COMMIT_IOS, RM_META_IOS,
	RM_FLUSHES, RM_FUA, RM_COMMITS, RM_SEQ_PCT, RM_SIZE_LAT, RM_DISKSIZE_LAT, RM_SIM_TIME,
};
#define MD_NCOLS (sizeof(md_cols) / sizeof(md_cols[0]))

static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

static void table_head(struct sbuf *b, const char *path)
{
	sb_printf(b, "\n## `%.*s`\n\n", (int)dir_len(path), dir_len(path) ? path : ".");
	sb_puts(b, "| scenario | design | verdict |");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_printf(b, " %s |", rpt_metric_defs[md_cols[k]].md_label);
	sb_puts(b, "\n|---|---|---|");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_puts(b, "---:|");
	sb_puts(b, "\n");
}

static void table_row(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v)
{
	char m[48];

	sb_puts(b, "| ");
	sb_md(b, s->rs_name, SCN_MAX_NAME);
	sb_puts(b, " | ");
	sb_md(b, s->rs_profile, SCN_MAX_NAME);
	if (v->rv_knobs[0]) {
		sb_puts(b, " ");
		sb_md(b, v->rv_knobs, MD_CELL);
	} else if (v->rv_has_name) {
		sb_puts(b, " ");
		sb_md(b, rpt_vname(v), SCN_MAX_NAME);
	}
	sb_printf(b, " | %s |", rpt_verdict_text(v));
	for (size_t k = 0; k < MD_NCOLS; k++) {
		rpt_metric_fmt(v, md_cols[k], m, sizeof(m));
		sb_printf(b, " %s |", m);
	}
	sb_puts(b, "\n");
}

static void abouts(struct sbuf *b, const struct rpt *rp, unsigned from, unsigned to)
{
	sb_puts(b, "\n");
	for (unsigned i = from; i < to; i++)
		if (rp->rp_s[i].rs_about) {
			sb_puts(b, "- **");
			sb_md(b, rp->rp_s[i].rs_name, SCN_MAX_NAME);
			sb_puts(b, "**: ");
			sb_md(b, rp->rp_s[i].rs_about, 600);
			sb_puts(b, "\n");
		}
}

char *rpt_metrics_md_str(const struct rpt *rp)
{
	struct sbuf b;
	unsigned start = 0;

	sb_init(&b);
	sb_printf(&b, "# pcsim metrics\n\nGenerated by `pcsim %s --metrics-md` (pcsim %s) from "
		      "%u scenario files; do not edit by hand.\n", rp->rp_command, PCSIM_VERSION,
		  rp->rp_ns);
	for (unsigned i = 0; i < rp->rp_ns; i++) {
		const struct rpt_scenario *s = &rp->rp_s[i];
		bool new_dir = i == 0 || dir_len(s->rs_path) != dir_len(rp->rp_s[i - 1].rs_path) ||
			       strncmp(s->rs_path, rp->rp_s[i - 1].rs_path, dir_len(s->rs_path));

		if (new_dir) {
			if (i)
				abouts(&b, rp, start, i);
			start = i;
			table_head(&b, s->rs_path);
		}
		for (unsigned k = 0; k < s->rs_nv; k++)
			table_row(&b, s, &s->rs_v[k]);
	}
	if (rp->rp_ns)
		abouts(&b, rp, start, rp->rp_ns);
	sb_puts(&b, "\n## Columns\n\n");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_printf(&b, "- **%s**: %s\n", rpt_metric_defs[md_cols[k]].md_label,
			  rpt_metric_defs[md_cols[k]].md_help);
	sb_puts(&b, "\nA design is the file system profile and the variant's knobs; ext4 is the "
		    "buffer_head path in data=ordered mode. Times are simulated; \"-\" is a value "
		    "the run could not measure (its step log was full).\n");
	return sb_take(&b);
}

int rpt_write_metrics_md(const struct rpt *rp, const char *path, char *err, size_t len)
{
	return rpt_write_owned(path, rpt_metrics_md_str(rp), err, len);
}
