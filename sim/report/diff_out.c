/* SPDX-License-Identifier: MIT */
/*
 * sim/report/diff_out.c - a comparison of two results documents as plain
 * text (the terminal), Markdown (a pull request comment) or an HTML page.
 *
 * Every form has the same sections, each change one row of three cells:
 * the variant ("scenario / variant"), what changed, and a note (a metric's
 * relative change, "regression").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/results.h"
#include "sim/report/rpt_int.h"

static const struct {
	enum res_change_kind kind;
	const char *title;
} sections[] = {
	{ RC_VERDICT, "verdicts changed" },
	{ RC_NEW_VIOL, "new violations" },
	{ RC_FIXED_VIOL, "fixed violations" },
	{ RC_METRIC, "metric deltas" },
	{ RC_ADDED, "variants only in NEW" },
	{ RC_REMOVED, "variants only in BASE" },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static const char *verdict_text(const char *key)
{
	static const char *const k[][2] = {
		{ "pass", "PASS" }, { "fail-expected", "FAIL as expected" },
		{ "unexpected-pass", "UNEXPECTED PASS" }, { "unexpected-fail", "UNEXPECTED FAIL" },
		{ "error", "ERROR" }, { "not-found", "NOT FOUND" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(key, k[i][0]))
			return k[i][1];
	return key;
}

static void num(const char *key, double v, char *buf, size_t len)
{
	size_t n = strlen(key);

	if (n > 3 && !strcmp(key + n - 3, "_ns") && v >= 0 && v < 1.8e19)
		rpt_fmt_time((sim_time_t)v, buf, len);
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
}

/* The three cells of a change. */
static void cells(const struct res_change *c, char *who, size_t wl, char *what, size_t tl,
		  char *note, size_t nl)
{
	const struct res_variant *v = c->rc_b ? c->rc_b : c->rc_a;
	const struct res_viol *x = c->rc_viol;
	char a[48], b[48];

	snprintf(who, wl, "%s / %s", v->rv_scenario, v->rv_name);
	snprintf(note, nl, "%s", c->rc_regression ? "regression" : "");
	switch (c->rc_kind) {
	case RC_VERDICT:
		snprintf(what, tl, "%s → %s", verdict_text(c->rc_a->rv_verdict),
			 verdict_text(c->rc_b->rv_verdict));
		break;
	case RC_NEW_VIOL:
	case RC_FIXED_VIOL:
		snprintf(what, tl, "%s bytes %lld-%lld of file %lld%s", x->vi_inv,
			 (long long)x->vi_off, (long long)(x->vi_off + x->vi_len - 1),
			 (long long)x->vi_file, x->vi_crash ? " after a crash" : "");
		if (!x->vi_len)
			snprintf(what, tl, "%s", x->vi_inv);
		break;
	case RC_METRIC:
		num(c->rc_metric, c->rc_va, a, sizeof(a));
		num(c->rc_metric, c->rc_vb, b, sizeof(b));
		snprintf(what, tl, "%s: %s → %s", c->rc_metric, a, b);
		if (c->rc_va != 0)
			snprintf(note, nl, "%+.1f%%", (c->rc_vb - c->rc_va) * 100.0 / fabs(c->rc_va));
		else
			snprintf(note, nl, "new");
		break;
	default:
		snprintf(what, tl, "%s", verdict_text(v->rv_verdict));
		break;
	}
}

static unsigned count(const struct res_diff *d, enum res_change_kind k)
{
	unsigned n = 0;

	for (unsigned i = 0; i < d->rf_n; i++)
		n += d->rf_c[i].rc_kind == k;
	return n;
}

static void title(char *buf, size_t len, const struct res_diff *d, size_t s)
{
	if (sections[s].kind == RC_METRIC)
		snprintf(buf, len, "%s beyond %g%% (%u)", sections[s].title, d->rf_threshold,
			 count(d, sections[s].kind));
	else
		snprintf(buf, len, "%s (%u)", sections[s].title, count(d, sections[s].kind));
}

static void verdict_line(struct sbuf *b, const struct res_diff *d)
{
	unsigned n = 0;

	/* regressing variants: changes of one variant are adjacent by kind,
	 * so count distinct variants over the regression changes */
	for (unsigned i = 0; i < d->rf_n; i++) {
		const struct res_change *c = &d->rf_c[i];
		bool seen = false;

		for (unsigned j = 0; c->rc_regression && j < i; j++)
			seen |= d->rf_c[j].rc_regression && d->rf_c[j].rc_b == c->rc_b;
		n += c->rc_regression && !seen;
	}
	if (n)
		sb_printf(b, "%u of %u variants regressed (%u regression%s)", n,
			  d->rf_matched + count(d, RC_ADDED), d->rf_regressions,
			  d->rf_regressions > 1 ? "s" : "");
	else
		sb_printf(b, "no regression in %u variants compared", d->rf_matched);
}

/* ---- plain text ---- */

static void text(struct sbuf *b, const struct res_diff *d, const struct res_doc *base,
		 const struct res_doc *neu, const char *bn, const char *nn)
{
	sb_printf(b, "pcsim diff: BASE %s (pcsim %s), NEW %s (pcsim %s)\n", bn, base->rd_version,
		  nn, neu->rd_version);
	if (d->rf_knobs_differ)
		sb_printf(b, "knobs: BASE %s, NEW %s\n", base->rd_knobs[0] ? base->rd_knobs : "(none)",
			  neu->rd_knobs[0] ? neu->rd_knobs : "(none)");
	for (size_t s = 0; s < NSECTIONS; s++) {
		char t[96];

		if (!count(d, sections[s].kind))
			continue;
		title(t, sizeof(t), d, s);
		sb_printf(b, "\n%s:\n", t);
		for (unsigned i = 0; i < d->rf_n; i++) {
			char who[200], what[200], note[48];

			if (d->rf_c[i].rc_kind != sections[s].kind)
				continue;
			cells(&d->rf_c[i], who, sizeof(who), what, sizeof(what), note, sizeof(note));
			sb_printf(b, "  %-44s %-50s %s\n", who, what, note);
		}
	}
	sb_puts(b, d->rf_n ? "\n" : "no changes\n");
	verdict_line(b, d);
	sb_puts(b, "\n");
}

/* ---- Markdown ---- */

/* Metric deltas: one row per variant, the metrics in one cell. */
static void md_metrics(struct sbuf *b, const struct res_diff *d)
{
	const struct res_variant *prev = NULL;

	for (unsigned i = 0; i < d->rf_n; i++) {
		const struct res_change *c = &d->rf_c[i];
		char who[200], what[200], note[48];

		if (c->rc_kind != RC_METRIC)
			continue;
		cells(c, who, sizeof(who), what, sizeof(what), note, sizeof(note));
		if (c->rc_b != prev) {
			sb_puts(b, prev ? " |\n| " : "| ");
			sb_md(b, who, sizeof(who));
			sb_puts(b, " | ");
		} else {
			sb_puts(b, ", ");
		}
		sb_md(b, what, sizeof(what));
		sb_printf(b, " (%s)", note);
		prev = c->rc_b;
	}
	if (prev)
		sb_puts(b, " |\n");
}

static void markdown(struct sbuf *b, const struct res_diff *d, const struct res_doc *base,
		     const struct res_doc *neu, const char *bn, const char *nn)
{
	sb_printf(b, "### %s pcsim diff: ", d->rf_regressions ? "❌" : "✅");
	verdict_line(b, d);
	sb_puts(b, "\n\nBASE `");
	sb_md(b, bn, 200);
	sb_printf(b, "` (pcsim %s) → NEW `", base->rd_version);
	sb_md(b, nn, 200);
	sb_printf(b, "` (pcsim %s)", neu->rd_version);
	if (d->rf_knobs_differ)
		sb_printf(b, "; knobs `%s` → `%s`", base->rd_knobs[0] ? base->rd_knobs : "(none)",
			  neu->rd_knobs[0] ? neu->rd_knobs : "(none)");
	sb_puts(b, "\n");
	for (size_t s = 0; s < NSECTIONS; s++) {
		char t[96];

		if (!count(d, sections[s].kind))
			continue;
		title(t, sizeof(t), d, s);
		if (sections[s].kind == RC_METRIC) {
			sb_printf(b, "\n**%s**\n\n| variant | metrics |\n|---|---|\n", t);
			md_metrics(b, d);
			continue;
		}
		sb_printf(b, "\n**%s**\n\n| variant | change | |\n|---|---|---|\n", t);
		for (unsigned i = 0; i < d->rf_n; i++) {
			char who[200], what[200], note[48];

			if (d->rf_c[i].rc_kind != sections[s].kind)
				continue;
			cells(&d->rf_c[i], who, sizeof(who), what, sizeof(what), note, sizeof(note));
			sb_puts(b, "| ");
			sb_md(b, who, sizeof(who));
			sb_puts(b, " | ");
			sb_md(b, what, sizeof(what));
			sb_printf(b, " | %s%s%s |\n", !strcmp(note, "regression") ? "**" : "", note,
				  !strcmp(note, "regression") ? "**" : "");
		}
	}
}

/* ---- HTML ---- */

static void html(struct sbuf *b, const struct res_diff *d, const struct res_doc *base,
		 const struct res_doc *neu, const char *bn, const char *nn)
{
	sb_printf(b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
		     "<head>\n<meta charset=\"utf-8\"/>\n<title>pcsim diff</title>\n<style>\n%s"
		     "</style>\n</head>\n<body>\n<header>\n<h1>pcsim diff<span class=\"ver\">%s"
		     "</span></h1>\n<p class=\"opts\">BASE ", rpt_html_style, PCSIM_VERSION);
	sb_xml(b, bn);
	sb_printf(b, " (pcsim %s) → NEW ", base->rd_version);
	sb_xml(b, nn);
	sb_printf(b, " (pcsim %s)", neu->rd_version);
	if (d->rf_knobs_differ) {
		sb_puts(b, " · knobs ");
		sb_xml(b, base->rd_knobs[0] ? base->rd_knobs : "(none)");
		sb_puts(b, " → ");
		sb_xml(b, neu->rd_knobs[0] ? neu->rd_knobs : "(none)");
	}
	sb_printf(b, "</p>\n<div class=\"status %s\">", d->rf_regressions ? "bad" : "ok");
	verdict_line(b, d);
	sb_puts(b, "</div>\n</header>\n<main>\n");
	for (size_t s = 0; s < NSECTIONS; s++) {
		char t[96];

		if (!count(d, sections[s].kind))
			continue;
		title(t, sizeof(t), d, s);
		sb_printf(b, "<h2>%s</h2>\n<table class=\"sum\"><tbody>\n", t);
		for (unsigned i = 0; i < d->rf_n; i++) {
			char who[200], what[200], note[48];

			if (d->rf_c[i].rc_kind != sections[s].kind)
				continue;
			cells(&d->rf_c[i], who, sizeof(who), what, sizeof(what), note, sizeof(note));
			sb_printf(b, "<tr%s><td>", d->rf_c[i].rc_regression ? " class=\"bad\"" : "");
			sb_xml(b, who);
			sb_puts(b, "</td><td class=\"mono\">");
			sb_xml(b, what);
			sb_puts(b, "</td><td>");
			sb_xml(b, note);
			sb_puts(b, "</td></tr>\n");
		}
		sb_puts(b, "</tbody></table>\n");
	}
	if (!d->rf_n)
		sb_puts(b, "<p>No changes.</p>\n");
	sb_puts(b, "</main>\n</body>\n</html>\n");
}

char *res_diff_format(const struct res_diff *d, const struct res_doc *base,
		      const struct res_doc *neu, const char *base_name, const char *new_name,
		      enum res_format fmt)
{
	struct sbuf b;

	sb_init(&b);
	if (fmt == RES_MARKDOWN)
		markdown(&b, d, base, neu, base_name, new_name);
	else if (fmt == RES_HTML)
		html(&b, d, base, neu, base_name, new_name);
	else
		text(&b, d, base, neu, base_name, new_name);
	return sb_take(&b);
}
