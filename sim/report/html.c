/* SPDX-License-Identifier: MIT */
/*
 * sim/report/html.c - the HTML report: one self-contained page (inline CSS
 * and SVG, nothing fetched) that a kernel developer opens from a CI run.
 *
 *   header     the verdict count, the run's options
 *   summary    every variant: expectation, verdict, invariants, crash
 *              states and the headline costs; rows link to the details
 *   details    per variant that broke an invariant or missed its
 *              expectation (those first): the replay command, the
 *              violations with their bytes and where they came from, a byte
 *              map, the timeline beside the size chart, the metrics, and
 *              the race diagram as run
 *
 * The markup is also well-formed XML (every element closed, only the XML
 * entities), so xmllint can check it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

static void verdict_badge(struct sbuf *b, const struct rpt_variant *v)
{
	sb_printf(b, "<span class=\"v %s\">%s</span>", rpt_verdict_key(v), rpt_verdict_text(v));
}

static void expected(struct sbuf *b, const struct pcr_result *r)
{
	char inv[160];

	if (!r->r_expect_fail) {
		sb_puts(b, "pass");
		return;
	}
	rpt_inv_list(r->r_expect_mask, inv, sizeof(inv));
	sb_printf(b, "fail <span class=\"inv\">%s</span>", inv);
}

static void header(struct sbuf *b, const struct rpt *rp, const struct rpt_counts *c)
{
	sb_printf(b, "<header>\n<h1>pcsim %s<span class=\"ver\">%s</span></h1>\n", rp->rp_command,
		  PCSIM_VERSION);
	sb_puts(b, "<p class=\"opts\">");
	sb_printf(b, "%u scenario files · %u variants · oracle %s · seed %llu", c->c_scenarios,
		  c->c_variants, rp->rp_oracle < 0 ? "as each file says" : rp->rp_oracle ? "strict"
											   : "default",
		  (unsigned long long)rp->rp_seed);
	for (unsigned i = 0; i < rp->rp_nknobs; i++) {
		sb_puts(b, " · --knob ");
		sb_xml(b, rp->rp_knobs[i][0]);
		sb_puts(b, "=");
		sb_xml(b, rp->rp_knobs[i][1]);
	}
	if (rp->rp_variant[0]) {
		sb_puts(b, " · --variant ");
		sb_xml(b, rp->rp_variant);
	}
	sb_puts(b, "</p>\n");
	if (c->c_bad || c->c_parse_errors)
		sb_printf(b, "<div class=\"status bad\">%u of %u verdicts not as expected%s</div>\n",
			  c->c_bad, c->c_variants, c->c_parse_errors ? ", parse errors" : "");
	else
		sb_printf(b, "<div class=\"status ok\">all %u verdicts as expected</div>\n",
			  c->c_variants);
	sb_printf(b, "<div><span class=\"chip\">PASS %u</span><span class=\"chip\">FAIL as "
		  "expected %u</span><span class=\"chip\">UNEXPECTED FAIL %u</span><span "
		  "class=\"chip\">UNEXPECTED PASS %u</span><span class=\"chip\">ERROR %u</span>",
		  c->c_pass, c->c_fail_expected, c->c_unexpected_fail, c->c_unexpected_pass,
		  c->c_error + c->c_parse_errors);
	if (c->c_not_found)
		sb_printf(b, "<span class=\"chip\">NOT FOUND %u</span>", c->c_not_found);
	sb_puts(b, "</div>\n</header>\n");
}

/* The summary's cells of a searched variant: executions, crash states,
 * what was found (explore: how often). */
static void search_cells(struct sbuf *b, const struct rpt_search *sr)
{
	char found[400];

	rpt_search_found(sr, found, sizeof(found));
	sb_printf(b, "<td>%s</td><td class=\"n\">%llu%s</td><td class=\"n\">%llu</td>"
		  "<td class=\"inv\">", sr->sr_strategy, (unsigned long long)sr->sr_execs,
		  sr->sr_kind == RS_EXPLORE ? (sr->sr_complete ? " (complete)" : " (not complete)")
					    : "",
		  (unsigned long long)sr->sr_crash_states);
	sb_xml(b, found);
	sb_puts(b, "</td>");
}

static void sum_cells(struct sbuf *b, const struct rpt_variant *v, unsigned si, unsigned vi)
{
	static const enum rpt_metric_id cols[] = { RM_DATA_IOS, RM_ZERO_BLOCK_IOS, RM_COMMITS,
						   RM_FLUSHES, RM_SEQ_PCT, RM_SIM_TIME };
	char inv[160], a[32], m[48];

	rpt_anchor(si, vi, a, sizeof(a));
	sb_puts(b, "<td>");
	if (rpt_has_details(v))
		sb_printf(b, "<a href=\"#%s\">", a);
	sb_xml(b, rpt_vname(v));
	sb_puts(b, rpt_has_details(v) ? "</a></td><td class=\"x\">" : "</td><td class=\"x\">");
	expected(b, &v->rv_r);
	sb_puts(b, "</td><td>");
	verdict_badge(b, v);
	rpt_inv_list(v->rv_r.r_inv_mask, inv, sizeof(inv));
	sb_printf(b, "</td><td class=\"inv\">%s</td>", inv);
	if (v->rv_search) {
		search_cells(b, v->rv_search);
		return;
	}
	if (v->rv_ran)
		sb_printf(b, "<td class=\"n\">%llu%s</td>", (unsigned long long)v->rv_r.r_crash_states,
			  v->rv_r.r_crash_states && !v->rv_r.r_crash_complete ? " (sampled)" : "");
	else
		sb_puts(b, "<td class=\"n\">-</td>");
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
		rpt_metric_fmt(v, cols[k], m, sizeof(m));
		sb_printf(b, "<td class=\"n\">%s</td>", m);
	}
}

/* Before the table: the variants not as expected, each a link. */
static void callout(struct sbuf *b, const struct rpt *rp)
{
	bool any = false;

	for (unsigned i = 0; i < rp->rp_ns; i++)
		for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++) {
			const struct rpt_variant *v = &rp->rp_s[i].rs_v[k];
			char a[32], inv[160];

			if (rpt_as_expected(v))
				continue;
			if (!any)
				sb_puts(b, "<div class=\"callout\"><b>Not as expected</b><ul>\n");
			any = true;
			rpt_anchor(i, k, a, sizeof(a));
			rpt_inv_list(v->rv_r.r_inv_mask, inv, sizeof(inv));
			sb_printf(b, "<li><a href=\"#%s\">", a);
			sb_xml(b, rp->rp_s[i].rs_name);
			sb_puts(b, " / ");
			sb_xml(b, rpt_vname(v));
			sb_puts(b, "</a> ");
			verdict_badge(b, v);
			sb_printf(b, " <span class=\"inv\">%s</span> expected ", inv);
			expected(b, &v->rv_r);
			sb_puts(b, "</li>\n");
		}
	if (any)
		sb_puts(b, "</ul></div>\n");
}

static void summary(struct sbuf *b, const struct rpt *rp)
{
	bool search = rpt_is_search(rp);

	callout(b, rp);
	sb_puts(b, "<h2>Summary</h2>\n<div class=\"tw\"><table class=\"sum\"><thead><tr><th>scenario</th>"
		   "<th>variant</th><th>expected</th><th>verdict</th><th>invariants broken</th>");
	if (search)
		sb_printf(b, "<th>strategy</th><th>%s</th><th>crash states</th><th>found</th>",
			  strcmp(rp->rp_command, "fuzz") ? "executions" : "runs");
	else
		sb_puts(b, "<th>crash states</th><th>data I/Os</th><th>zero-block I/Os</th>"
			   "<th>commits</th><th>flushes</th><th>sequential %</th><th>sim time</th>");
	sb_puts(b, "</tr></thead>\n<tbody>\n");
	for (unsigned i = 0; i < rp->rp_ns; i++) {
		const struct rpt_scenario *s = &rp->rp_s[i];
		unsigned rows = s->rs_nv ? s->rs_nv : 1;

		for (unsigned k = 0; k < rows; k++) {
			const struct rpt_variant *v = s->rs_nv ? &s->rs_v[k] : NULL;

			sb_printf(b, "<tr%s>", !v || !rpt_as_expected(v) ? " class=\"bad\"" : "");
			if (k == 0) {
				sb_printf(b, "<td class=\"scn\" rowspan=\"%u\">", rows);
				sb_xml(b, s->rs_name);
				sb_puts(b, "<span class=\"p\">");
				sb_xml(b, s->rs_path);
				sb_puts(b, "</span></td>");
			}
			if (v)
				sum_cells(b, v, i, k);
			else
				sb_printf(b, "<td colspan=\"%u\"><span class=\"v error\">PARSE ERROR"
					  "</span></td>", search ? 8 : 11);
			sb_puts(b, "</tr>\n");
		}
	}
	sb_puts(b, "</tbody></table></div>\n");
}

static void violations(struct sbuf *b, const struct pcr_result *r)
{
	if (!r->r_nviol)
		return;
	sb_puts(b, "<h4>Invariants broken</h4>\n<table class=\"viol\"><thead><tr><th>invariant</th>"
		   "<th>bytes</th><th>when</th><th>where the bytes came from</th><th>what the "
		   "oracle saw</th></tr></thead><tbody>\n");
	for (unsigned i = 0; i < r->r_nviol; i++) {
		const struct pc_violation *x = &r->r_viol[i];

		sb_printf(b, "<tr><td class=\"inv\">%s</td><td class=\"mono\">", pc_invariant_names[x->v_inv]);
		if (x->v_len)
			sb_printf(b, "file %u [%llu, %llu)<br/>%llu bytes", x->v_file,
				  (unsigned long long)x->v_off,
				  (unsigned long long)(x->v_off + x->v_len), (unsigned long long)x->v_len);
		else
			sb_puts(b, "-");
		if (x->v_crash)
			sb_printf(b, "</td><td>after a crash at write-log entry %u</td><td>",
				  x->v_crash_point);
		else
			sb_printf(b, "</td><td>step %llu of the run</td><td>", (unsigned long long)x->v_step);
		sb_xml(b, r->r_viol_from[i][0] ? r->r_viol_from[i] : "-");
		sb_puts(b, "</td><td>");
		sb_xml(b, x->v_msg);
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</tbody></table>\n");
}

static void metrics_table(struct sbuf *b, const struct rpt_variant *v)
{
	char m[48];

	if (!v->rv_ran)
		return;
	sb_puts(b, "<h4>Metrics</h4>\n<table class=\"met\"><tbody>\n");
	for (int id = 0; id < RM__COUNT; id++) {
		rpt_metric_fmt(v, (enum rpt_metric_id)id, m, sizeof(m));
		sb_printf(b, "%s<td class=\"k\">%s</td><td class=\"n\">%s</td>%s",
			  id % 3 == 0 ? "<tr>" : "", rpt_metric_defs[id].md_label, m,
			  id % 3 == 2 || id + 1 == RM__COUNT ? "</tr>\n" : "");
	}
	sb_puts(b, "</tbody></table>\n");
}

static void timeline(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v)
{
	struct rpt_layout l;

	if (!v->rv_nsteps || rpt_layout_build(v, &l))
		return;
	sb_puts(b, "<h4>Timeline</h4>\n<div class=\"legend\"><span>time runs down; one lane per "
		   "task</span><span><i class=\"sw\" style=\"background:#fff;border:1px dashed "
		   "#59636e\"></i>step that went to sleep</span><span><i class=\"sw\" "
		   "style=\"background:#3b6fd8\"></i>write log grew</span><span><i class=\"sw\" "
		   "style=\"background:#1a7f37\"></i>file 0's durable size changed</span><span>"
		   "<i class=\"sw\" style=\"background:#cf222e\"></i>crash point</span></div>\n"
		   "<div class=\"tlwrap\">\n");
	rpt_svg_timeline(b, s, v, &l);
	rpt_svg_sizes(b, v, &l);
	sb_puts(b, "</div>\n");
	if (v->rv_steps_cut)
		sb_puts(b, "<p class=\"meta\">The run's step log was full: later steps are not "
			   "shown.</p>\n");
	rpt_layout_free(&l);
}

/* What a search did and found: its settings and counts, per invariant how
 * often (explore) or whether (fuzz), the first counterexample's tape or
 * the reproducers saved. */
static void search_details(struct sbuf *b, const struct rpt_search *sr)
{
	char line[300];

	rpt_search_line(sr, line, sizeof(line));
	sb_puts(b, "<h4>Search</h4>\n<p class=\"meta\">");
	sb_xml(b, line);
	sb_printf(b, " · %llu crash states", (unsigned long long)sr->sr_crash_states);
	if (sr->sr_kind == RS_EXPLORE)
		sb_printf(b, " · %llu pruned by sleep sets · %llu alternatives over the bound · "
			  "%llu distinct final states", (unsigned long long)sr->sr_pruned,
			  (unsigned long long)sr->sr_bounded, (unsigned long long)sr->sr_finals);
	if (sr->sr_first)
		sb_printf(b, " · first violation in %s %llu",
			  sr->sr_kind == RS_EXPLORE ? "execution" : "run",
			  (unsigned long long)sr->sr_first);
	sb_puts(b, "</p>\n");
	if (sr->sr_kind == RS_EXPLORE) {
		sb_puts(b, "<table class=\"met\"><thead><tr><th>invariant</th><th></th>"
			   "<th>executions</th></tr></thead><tbody>\n");
		for (int k = 0; k < PC_INV_N; k++)
			sb_printf(b, "<tr><td class=\"inv\">%s</td><td>%s</td><td class=\"n\">%llu"
				  "</td></tr>\n", pc_invariant_names[k],
				  !sr->sr_inv[k] ? "Never" : sr->sr_inv[k] == sr->sr_execs
							     ? "Always" : "Sometimes",
				  (unsigned long long)sr->sr_inv[k]);
		sb_puts(b, "</tbody></table>\n");
	}
	if (sr->sr_tape) {
		sb_puts(b, "<p class=\"meta\">tape of the first counterexample:</p><pre "
			   "class=\"diagram\">");
		sb_xml(b, sr->sr_tape);
		sb_puts(b, "</pre>\n");
	}
	for (unsigned i = 0; i < sr->sr_nrepro; i++) {
		sb_printf(b, "<p class=\"meta\">reproducer of <span class=\"inv\">%s</span>: "
			  "<code>", pc_invariant_names[sr->sr_repro[i].rr_inv]);
		sb_xml(b, sr->sr_repro[i].rr_path);
		sb_puts(b, "</code></p>\n");
	}
	if (sr->sr_note) {
		sb_puts(b, "<p class=\"meta\">note: ");
		sb_xml(b, sr->sr_note);
		sb_puts(b, "</p>\n");
	}
}

/* The start of a paragraph, cut at a word near max bytes. */
static void lead(struct sbuf *b, const char *text, size_t max)
{
	size_t n = strlen(text);
	char *cut;

	if (n <= max) {
		sb_xml(b, text);
		return;
	}
	while (max > 40 && text[max] != ' ')
		max--;
	cut = strndup(text, max);
	if (cut)
		sb_xml(b, cut);
	sb_puts(b, " …");
	free(cut);
}

static void details(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v,
		    unsigned si, unsigned vi)
{
	char a[32];

	rpt_anchor(si, vi, a, sizeof(a));
	sb_printf(b, "<article id=\"%s\" class=\"%s\">\n<h3>", a,
		  !v->rv_ran ? "error" : rpt_as_expected(v) ? "expected" : "bad");
	sb_xml(b, s->rs_name);
	sb_puts(b, " / ");
	sb_xml(b, rpt_vname(v));
	sb_puts(b, " ");
	verdict_badge(b, v);
	sb_puts(b, "</h3>\n");
	if (s->rs_about) {
		sb_puts(b, "<p class=\"about\">");
		lead(b, s->rs_about, 260);
		sb_puts(b, "</p>\n");
	}
	if (s->rs_header && strchr(s->rs_header, '\n')) {
		sb_puts(b, "<details><summary>the scenario's notes</summary><pre class=\"diagram\">");
		sb_xml(b, s->rs_header);
		sb_puts(b, "</pre></details>\n");
	}
	sb_puts(b, "<p class=\"meta\">");
	sb_xml(b, s->rs_path);
	sb_puts(b, " · ");
	sb_xml(b, s->rs_profile);
	if (v->rv_knobs[0]) {
		sb_puts(b, " · ");
		sb_xml(b, v->rv_knobs);
	}
	sb_puts(b, " · expected ");
	expected(b, &v->rv_r);
	if (v->rv_search)
		sb_printf(b, " · %llu crash states checked by the search",
			  (unsigned long long)v->rv_search->sr_crash_states);
	else if (v->rv_ran)
		sb_printf(b, " · %llu crash states%s", (unsigned long long)v->rv_r.r_crash_states,
			  v->rv_r.r_crash_complete ? " (complete)" : "");
	sb_puts(b, "</p>\n");
	if (v->rv_error) {
		sb_puts(b, "<p class=\"err\">");
		sb_xml(b, v->rv_error);
		sb_puts(b, "</p>\n");
	}
	if (v->rv_replay) {
		sb_puts(b, "<pre class=\"replay\">$ ");
		sb_xml(b, v->rv_replay);
		sb_puts(b, "</pre>\n");
	}
	if (v->rv_search)
		search_details(b, v->rv_search);
	violations(b, &v->rv_r);
	if (v->rv_r.r_nviol) {
		sb_puts(b, "<h4>Offending bytes</h4>\n");
		rpt_svg_bytes(b, v);
	}
	timeline(b, s, v);
	metrics_table(b, v);
	if (v->rv_r.r_diagram) {
		sb_puts(b, "<details><summary>race diagram of the run</summary><pre class=\"diagram\">");
		sb_xml(b, v->rv_r.r_diagram);
		sb_puts(b, "</pre></details>\n");
	}
	sb_puts(b, "</article>\n");
}

static void all_details(struct sbuf *b, const struct rpt *rp)
{
	bool any = false;

	/* those not as expected first, then the expected failures */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < rp->rp_ns; i++)
			for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++) {
				const struct rpt_variant *v = &rp->rp_s[i].rs_v[k];

				if (!rpt_has_details(v) || rpt_as_expected(v) != (pass == 1))
					continue;
				if (!any)
					sb_puts(b, "<h2>Failures</h2>\n");
				any = true;
				details(b, &rp->rp_s[i], v, i, k);
			}
	for (unsigned i = 0; i < rp->rp_ns; i++)
		if (rp->rp_s[i].rs_error) {
			sb_puts(b, "<h2>Parse errors</h2>\n<p class=\"err\">");
			sb_xml(b, rp->rp_s[i].rs_error);
			sb_puts(b, "</p>\n");
		}
}

char *rpt_html_str(const struct rpt *rp)
{
	struct rpt_counts c;
	struct sbuf b;

	rpt_count(rp, &c);
	sb_init(&b);
	sb_printf(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
		      "<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" "
		      "content=\"width=device-width, initial-scale=1\"/>\n<title>pcsim %s: %u of %u "
		      "verdicts as expected</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		  rp->rp_command, c.c_ok, c.c_variants, rpt_html_style);
	header(&b, rp, &c);
	sb_puts(&b, "<main>\n");
	summary(&b, rp);
	all_details(&b, rp);
	sb_printf(&b, "</main>\n<footer>pcsim %s · a deterministic simulator of the Linux page "
		      "cache, writeback and jbd2 · the same inputs give this page byte for byte"
		      "</footer>\n</body>\n</html>\n", PCSIM_VERSION);
	return sb_take(&b);
}

/* DIR (created, with its parents) gets index.html; a path ending in .html
 * is the file itself. */
static int html_target(const char *arg, char *out, size_t len, char *err, size_t elen)
{
	size_t n = strlen(arg);
	char dir[4096];

	if (n > 5 && !strcmp(arg + n - 5, ".html")) {
		snprintf(out, len, "%s", arg);
		return 0;
	}
	if (n + 12 > sizeof(dir)) {
		snprintf(err, elen, "%s: path too long", arg);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", arg);
	for (char *p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, elen, "%s: %s", dir, strerror(errno));
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	snprintf(out, len, "%s/index.html", arg);
	return 0;
}

int rpt_write_html(const struct rpt *rp, const char *html_path, char *err, size_t len)
{
	char path[4200];

	if (html_target(html_path, path, sizeof(path), err, len))
		return -1;
	return rpt_write_owned(path, rpt_html_str(rp), err, len);
}
