/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/print.c - the canonical text of a tree.
 *
 * Layout, in this order, groups separated by one blank line:
 *
 *   header comment block (a blank line after it if the source had one)
 *   scenario / fs / disk
 *   setup block
 *   thread blocks
 *   race diagram or schedule line
 *   crash / persist / oracle
 *   variants (a table: name, knob columns, expect) / expect / metrics
 *   trailer comments
 *
 * Section keywords are padded to 11 columns; operation keywords in a block to
 * 8, or to the longest keyword of the block plus one (sync-file-range aside,
 * at most 11); race columns to their
 * widest cell plus 4. Numbers and durations print as they were spelt (enum
 * scn_style). The output never has trailing blanks, and every line stays within
 * SCN_MAX_LINE (the limits on names and counts see to it).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

#define SCN_KW_WIDTH	11
#define SCN_WRAP	80
#define SCN_OP_WIDTH	8
#define SCN_OP_WIDEST	10	/* zero-range */

static void scn_comment(struct scn_buf *b, const char *comment, const char *indent)
{
	const char *p = comment, *nl;
	size_t n;

	if (!comment)
		return;
	for (;;) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (strlen(indent) + 1 + n <= SCN_MAX_LINE)
			scn__buf_puts(b, indent);
		scn__buf_put(b, "#", 1);
		scn__buf_put(b, p, n);
		scn__buf_put(b, "\n", 1);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void scn_kw(struct scn_buf *b, const struct scn_line_info *li, const char *kw)
{
	size_t n = strlen(kw);

	scn_comment(b, li ? li->comment : NULL, "");
	scn__buf_puts(b, kw);
	scn__buf_spaces(b, n < SCN_KW_WIDTH ? SCN_KW_WIDTH - n : 1);
}

static void scn_knob_list(struct scn_buf *b, const struct scn_knob *k, uint32_t n,
			  const char *sep)
{
	for (uint32_t i = 0; i < n; i++)
		scn__buf_printf(b, "%s%s=%s", sep, k[i].k_name, k[i].k_value);
}

static void scn_print_head(struct scn_buf *b, const struct scn_file *f)
{
	char lo[32], hi[32];
	const char *sep = "";

	if (f->f_scenario.present) {
		scn_kw(b, &f->f_scenario, "scenario");
		scn__buf_printf(b, "%s\n", f->f_name);
	}
	if (f->f_fs.present) {
		scn_kw(b, &f->f_fs, "fs");
		scn__buf_puts(b, f->f_profile);
		scn_knob_list(b, f->f_knobs, f->f_nknobs, "  ");
		scn__buf_puts(b, "\n");
	}
	if (!f->f_disk.present)
		return;
	scn_kw(b, &f->f_disk, "disk");
	if (f->f_disk_cache != SCN_CACHE_UNSET) {
		scn__buf_printf(b, "cache=%s",
				f->f_disk_cache == SCN_CACHE_NONE ? "none" : "volatile");
		sep = "  ";
	}
	if (f->f_disk_has_latency) {
		scn__fmt_duration(lo, sizeof(lo), f->f_disk_latency_min_ns,
				  f->f_disk_latency_min_style);
		scn__fmt_duration(hi, sizeof(hi), f->f_disk_latency_max_ns,
				  f->f_disk_latency_max_style);
		if (!strcmp(lo, hi))
			scn__buf_printf(b, "%slatency=%s", sep, lo);
		else
			scn__buf_printf(b, "%slatency=%s-%s", sep, lo, hi);
		sep = "  ";
	}
	if (f->f_disk_tear != SCN_TEAR_UNSET)
		scn__buf_printf(b, "%stear=%s", sep, f->f_disk_tear == SCN_TEAR_ON ? "on" : "off");
	scn__buf_puts(b, "\n");
}

/* A block's operations, keywords padded alike: to 8 columns, or to the longest
 * keyword of the block plus one (sync-file-range, 15 bytes, is not counted). */
static void scn_print_ops(struct scn_buf *b, const struct scn_op *ops, uint32_t n)
{
	size_t width = SCN_OP_WIDTH;

	for (uint32_t i = 0; i < n; i++) {
		size_t kw = strlen(scn_op_name(ops[i].o_kind));

		if (kw <= SCN_OP_WIDEST && kw + 1 > width)
			width = kw + 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		scn_comment(b, ops[i].o_comment, "    ");
		scn__buf_puts(b, "    ");
		scn__op_text(b, &ops[i], width);
		scn__buf_puts(b, "\n");
	}
}

static void scn_print_setup(struct scn_buf *b, const struct scn_file *f)
{
	if (!f->f_setup.present)
		return;
	scn_comment(b, f->f_setup.comment, "");
	scn__buf_puts(b, f->f_setup_nosync ? "setup nosync\n" : "setup\n");
	scn_print_ops(b, f->f_setup_ops, f->f_setup_nops);
}

static void scn_print_label(struct scn_buf *b, const char *s)
{
	scn__buf_puts(b, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			scn__buf_put(b, "\\", 1);
		scn__buf_put(b, s, 1);
	}
	scn__buf_puts(b, "\"");
}

static void scn_print_threads(struct scn_buf *b, const struct scn_file *f)
{
	for (uint32_t i = 0; i < f->f_nthreads; i++) {
		const struct scn_thread *t = &f->f_threads[i];

		scn_comment(b, t->t_comment, "");
		scn__buf_printf(b, "thread %s", t->t_name);
		if (t->t_has_label)
			scn_print_label(b, t->t_label);
		scn__buf_puts(b, "\n");
		scn_print_ops(b, t->t_ops, t->t_nops);
	}
}

/* ---- race diagram ---- */

struct scn_diagram {
	const char *dg_name[SCN_RACE_COLUMNS];
	size_t dg_width[SCN_RACE_COLUMNS];
	uint32_t dg_n;
};

static uint32_t scn_column_of(const struct scn_diagram *d, const struct scn_item *it)
{
	if (it->si_kind == SCN_ITEM_CRASH)
		return 0;
	for (uint32_t j = 0; j < d->dg_n; j++)
		if (!strcmp(d->dg_name[j], it->si_task))
			return j;
	return 0;
}

static void scn_cell_text(struct scn_buf *b, const struct scn_item *it)
{
	switch (it->si_kind) {
	case SCN_ITEM_OP:
		scn__op_text(b, &it->si_op, 0);
		break;
	case SCN_ITEM_STEP:
		scn__buf_printf(b, "  %s", it->si_step);
		break;
	case SCN_ITEM_STAR:
		scn__buf_puts(b, "  *");
		break;
	case SCN_ITEM_CRASH:
		scn__buf_puts(b, "  crash");
		break;
	}
}

/* One row: text in column col, every separator, no trailing blanks. */
static void scn_row(struct scn_buf *b, const struct scn_diagram *d, uint32_t col,
		    const char *text, size_t len)
{
	scn__buf_puts(b, "    ");
	for (uint32_t j = 0; j < d->dg_n; j++) {
		size_t n = j == col ? len : 0;

		if (j > 0)
			scn__buf_puts(b, "| ");
		if (n)
			scn__buf_put(b, text, n);
		if (j + 1 < d->dg_n)
			scn__buf_spaces(b, d->dg_width[j] + 4 - n);
	}
	scn__buf_rtrim(b);
	scn__buf_puts(b, "\n");
}

static void scn_print_race(struct scn_buf *b, const struct scn_file *f)
{
	struct scn_diagram d = { .dg_n = 0 };
	struct scn_buf cell = { 0 };

	d.dg_n = scn__race_columns(f, d.dg_name);
	for (uint32_t j = 0; j < d.dg_n; j++)
		d.dg_width[j] = strlen(d.dg_name[j]);
	for (uint32_t i = 0; i < f->f_nitems; i++) {
		uint32_t j = scn_column_of(&d, &f->f_items[i]);

		cell.b_len = 0;
		scn_cell_text(&cell, &f->f_items[i]);
		if (cell.b_len > d.dg_width[j])
			d.dg_width[j] = cell.b_len;
	}
	scn__buf_puts(b, "race\n");
	for (uint32_t j = 0; j < d.dg_n; j++) {
		if (j > 0)
			scn__buf_puts(b, "| ");
		scn__buf_puts(b, j == 0 ? "    " : "");
		scn__buf_puts(b, d.dg_name[j]);
		if (j + 1 < d.dg_n)
			scn__buf_spaces(b, d.dg_width[j] + 4 - strlen(d.dg_name[j]));
	}
	scn__buf_rtrim(b);
	scn__buf_puts(b, "\n");
	for (uint32_t i = 0; i < f->f_nitems; i++) {
		cell.b_len = 0;
		scn_cell_text(&cell, &f->f_items[i]);
		scn_row(b, &d, scn_column_of(&d, &f->f_items[i]), cell.b_text ? cell.b_text : "",
			cell.b_len);
	}
	if (cell.b_oom)
		b->b_oom = true;
	scn__buf_free(&cell);
}

/* ---- linear schedule ---- */

static void scn_sched_item_text(struct scn_buf *b, const struct scn_item *it)
{
	switch (it->si_kind) {
	case SCN_ITEM_OP:
		scn__buf_printf(b, "%s:(", it->si_task);
		scn__op_text(b, &it->si_op, 0);
		scn__buf_puts(b, ")");
		break;
	case SCN_ITEM_STEP:
		scn__buf_printf(b, "%s:%s", it->si_task, it->si_step);
		break;
	case SCN_ITEM_STAR:
		scn__buf_printf(b, "%s:*", it->si_task);
		break;
	case SCN_ITEM_CRASH:
		scn__buf_puts(b, "crash");
		break;
	}
}

static void scn_print_schedule(struct scn_buf *b, const struct scn_file *f)
{
	struct scn_buf item = { 0 };
	size_t col;

	scn_kw(b, NULL, "schedule");
	col = SCN_KW_WIDTH;
	for (uint32_t i = 0; i < f->f_nitems; i++) {
		item.b_len = 0;
		scn_sched_item_text(&item, &f->f_items[i]);
		if (item.b_oom)
			break;
		if (i > 0 && col + 1 + item.b_len > SCN_WRAP) {
			scn__buf_puts(b, "\n    ");
			col = 4;
		} else if (i > 0) {
			scn__buf_puts(b, " ");
			col++;
		}
		scn__buf_put(b, item.b_text, item.b_len);
		col += item.b_len;
	}
	scn__buf_rtrim(b);
	scn__buf_puts(b, "\n");
	if (item.b_oom)
		b->b_oom = true;
	scn__buf_free(&item);
}

static void scn_print_sched(struct scn_buf *b, const struct scn_file *f)
{
	if (!f->f_sched.present)
		return;
	scn_comment(b, f->f_sched.comment, "");
	if (f->f_sched_form == SCN_SCHED_RACE)
		scn_print_race(b, f);
	else
		scn_print_schedule(b, f);
}

/* ---- crash, persist, oracle ---- */

static void scn_print_crash(struct scn_buf *b, const struct scn_file *f)
{
	static const char *const kinds[] = {
		[SCN_CRASH_UNSET] = "none", [SCN_CRASH_EVERY_EVENT] = "every-event",
		[SCN_CRASH_NONE] = "none", [SCN_CRASH_AFTER] = "after",
		[SCN_CRASH_AFTER_EACH_OP] = "after-each-op",
	};

	if (!f->f_crash.present)
		return;
	scn_kw(b, &f->f_crash, "crash");
	scn__buf_puts(b, kinds[f->f_crash_kind]);
	if (f->f_crash_kind == SCN_CRASH_AFTER)
		scn__buf_printf(b, " %s:%s", f->f_crash_task, f->f_crash_step);
	scn__buf_puts(b, "\n");
}

static void scn_print_persist(struct scn_buf *b, const struct scn_file *f)
{
	if (!f->f_persist.present)
		return;
	scn_kw(b, &f->f_persist, "persist");
	switch (f->f_persist_kind) {
	case SCN_PERSIST_UNSET:
	case SCN_PERSIST_ALL_SUBSETS:
		scn__buf_puts(b, "all-subsets");
		if (f->f_persist_max)
			scn__buf_printf(b, " max=%u", f->f_persist_max);
		break;
	case SCN_PERSIST_PREFIX:
		scn__buf_puts(b, "prefix");
		break;
	case SCN_PERSIST_SAMPLE:
		scn__buf_printf(b, "sample=%u", f->f_persist_samples);
		break;
	case SCN_PERSIST_SURVIVORS:
		scn__buf_puts(b, "survivors");
		if (!f->f_nsurvivors)
			scn__buf_puts(b, " none");
		for (uint32_t i = 0; i < f->f_nsurvivors; i++)
			scn__buf_printf(b, " %u", f->f_survivors[i]);
		break;
	}
	scn__buf_puts(b, "\n");
}

static void scn_print_run(struct scn_buf *b, const struct scn_file *f)
{
	scn_print_crash(b, f);
	scn_print_persist(b, f);
	if (f->f_oracle.present) {
		scn_kw(b, &f->f_oracle, "oracle");
		scn__buf_puts(b, f->f_oracle_kind == SCN_ORACLE_STRICT ? "strict\n" : "default\n");
	}
	if (f->f_tape_info.present && f->f_tape) {
		scn_kw(b, &f->f_tape_info, "tape");
		scn__buf_puts(b, f->f_tape);
		scn__buf_puts(b, "\n");
	}
}

/* ---- variants, expect, metrics ---- */

/* "pass" or "fail INVARIANT..." (invariants in their canonical order) */
static void scn_verdict_text(struct scn_buf *b, const struct scn_expect *e)
{
	scn__buf_puts(b, e->e_fail ? "fail" : "pass");
	for (unsigned i = 0; e->e_fail && i < SCN_INV__COUNT; i++)
		if (e->e_invariants & (1u << i))
			scn__buf_printf(b, " %s", scn__invariant_names[i]);
}

/* Do all variants set the same knobs in the same order? */
static bool scn_variants_uniform(const struct scn_file *f)
{
	const struct scn_variant *v0 = &f->f_variants[0];

	for (uint32_t i = 1; i < f->f_nvariants; i++) {
		const struct scn_variant *v = &f->f_variants[i];

		if (v->v_nknobs != v0->v_nknobs)
			return false;
		for (uint32_t j = 0; j < v->v_nknobs; j++)
			if (strcmp(v->v_knobs[j].k_name, v0->v_knobs[j].k_name))
				return false;
	}
	return true;
}

static size_t scn_knob_len(const struct scn_knob *k)
{
	return strlen(k->k_name) + 1 + strlen(k->k_value);
}

/*
 * The variant lines as a table: name, knobs, expect. When every variant sets
 * the same knobs, each knob is its own column (the buggy and the fixed value
 * line up); otherwise the knobs of a line are one column.
 */
static void scn_variant_widths(const struct scn_file *f, bool uniform, size_t *kw,
			       size_t *name_w, size_t *total)
{
	*name_w = 0;
	*total = 0;
	for (uint32_t j = 0; j < SCN_MAX_KNOBS; j++)
		kw[j] = 0;
	for (uint32_t i = 0; i < f->f_nvariants; i++) {
		const struct scn_variant *v = &f->f_variants[i];
		size_t line = 0;

		if (strlen(v->v_name) > *name_w)
			*name_w = strlen(v->v_name);
		for (uint32_t j = 0; j < v->v_nknobs && j < SCN_MAX_KNOBS; j++) {
			line += scn_knob_len(&v->v_knobs[j]) + (j ? 1 : 0);
			if (scn_knob_len(&v->v_knobs[j]) > kw[j])
				kw[j] = scn_knob_len(&v->v_knobs[j]);
		}
		if (line > *total)
			*total = line;
	}
	if (!uniform)
		return;
	*total = 0;
	for (uint32_t j = 0; j < f->f_variants[0].v_nknobs && j < SCN_MAX_KNOBS; j++)
		*total += kw[j] + (j ? 1 : 0);
}

static void scn_print_variant(struct scn_buf *b, const struct scn_variant *v, bool uniform,
			      const size_t *kw, size_t name_w, size_t total)
{
	size_t used = 0;

	scn_comment(b, v->v_comment, "");
	scn__buf_printf(b, "variant %s", v->v_name);
	scn__buf_spaces(b, name_w - strlen(v->v_name) + 2);
	for (uint32_t j = 0; j < v->v_nknobs && j < SCN_MAX_KNOBS; j++) {
		size_t w = scn_knob_len(&v->v_knobs[j]);

		if (j) {
			scn__buf_spaces(b, 1);
			used++;
		}
		scn__buf_printf(b, "%s=%s", v->v_knobs[j].k_name, v->v_knobs[j].k_value);
		if (uniform) {
			scn__buf_spaces(b, kw[j] - w);
			used += kw[j];
		} else {
			used += w;
		}
	}
	if (total)
		scn__buf_spaces(b, total - used + 3);
	scn__buf_puts(b, "expect ");
	scn_verdict_text(b, &v->v_expect);
	scn__buf_puts(b, "\n");
}

static void scn_print_variants(struct scn_buf *b, const struct scn_file *f)
{
	size_t kw[SCN_MAX_KNOBS], name_w, total;
	bool uniform;

	if (!f->f_nvariants)
		return;
	uniform = scn_variants_uniform(f);
	scn_variant_widths(f, uniform, kw, &name_w, &total);
	for (uint32_t i = 0; i < f->f_nvariants; i++)
		scn_print_variant(b, &f->f_variants[i], uniform, kw, name_w, total);
}

static void scn_print_verdicts(struct scn_buf *b, const struct scn_file *f)
{
	char num[32];

	scn_print_variants(b, f);
	if (f->f_expect.present) {
		scn_kw(b, &f->f_expect, "expect");
		scn_verdict_text(b, &f->f_expect_v);
		scn__buf_puts(b, "\n");
	}
	for (uint32_t i = 0; i < f->f_nmetrics; i++) {
		const struct scn_metric *m = &f->f_metrics[i];

		scn_comment(b, m->m_comment, "");
		scn_kw(b, NULL, "metric");
		if (m->m_is_duration)
			scn__fmt_duration(num, sizeof(num), m->m_value, m->m_style);
		else
			scn__fmt_bytes(num, sizeof(num), m->m_value, m->m_style);
		scn__buf_printf(b, "%s <= %s\n", m->m_name, num);
	}
}

/* ---- the whole file ---- */

typedef void (*scn_group_fn)(struct scn_buf *b, const struct scn_file *f);

char *scn_print_str(const struct scn_file *f)
{
	static const scn_group_fn groups[] = {
		scn_print_head, scn_print_setup, scn_print_threads,
		scn_print_sched, scn_print_run, scn_print_verdicts,
	};
	struct scn_buf b = { 0 }, g = { 0 };
	bool any = false;

	if (f->f_header) {
		const char *first = f->f_scenario.present ? f->f_scenario.comment : f->f_fs.comment;

		scn_comment(&b, f->f_header, "");
		if (f->f_header_blank || first)
			scn__buf_puts(&b, "\n");
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		g.b_len = 0;
		groups[i](&g, f);
		if (g.b_oom)
			b.b_oom = true;
		if (!g.b_len)
			continue;
		if (any)
			scn__buf_puts(&b, "\n");
		scn__buf_put(&b, g.b_text, g.b_len);
		any = true;
	}
	scn__buf_free(&g);
	if (f->f_trailer) {
		scn__buf_puts(&b, "\n");
		scn_comment(&b, f->f_trailer, "");
	}
	return scn__buf_take(&b);
}

int scn_print(const struct scn_file *f, FILE *out)
{
	char *s = scn_print_str(f);
	size_t n;

	if (!s)
		return -1;
	n = strlen(s);
	if (fwrite(s, 1, n, out) != n) {
		free(s);
		return -1;
	}
	free(s);
	return 0;
}
