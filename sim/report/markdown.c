/* SPDX-License-Identifier: MIT */
/*
 * sim/report/markdown.c - Markdown: a short summary for a pull request
 * comment or a mail (--markdown). The metrics tables (--metrics-md) are
 * in metrics_md.c.
 *
 * The summary says how many verdicts matched, lists every variant that
 * did not with its findings and replay command, and names the expected
 * failures on one line; for explore and fuzz a table says what each
 * variant's search did and found.
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

	sb_printf(b, "\n| variant | verdict | search | broke | found |\n|---|---|---|---|---|\n");
	for (unsigned i = 0; i < rp->rp_ns; i++)
		for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++) {
			const struct rpt_variant *v = &rp->rp_s[i].rs_v[k];
			char line[300], found[400], inv[160];

			if (!v->rv_search || rows++ >= MD_MAX_SEARCH_ROWS)
				continue;
			rpt_search_line(v->rv_search, line, sizeof(line));
			rpt_search_found(v->rv_search, found, sizeof(found));
			rpt_inv_list(v->rv_r.r_inv_mask, inv, sizeof(inv));
			sb_puts(b, "| ");
			sb_md(b, rp->rp_s[i].rs_name, SCN_MAX_NAME);
			sb_puts(b, " / ");
			sb_md(b, rpt_vname(v), SCN_MAX_NAME);
			sb_printf(b, " | %s | ", rpt_verdict_text(v));
			sb_md(b, line, sizeof(line));
			sb_printf(b, " | `%s` | ", inv);
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
