/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/ast.c - the tree: free, equality, operation text, appends.
 *
 * Equality is what the round trip promises: parse(print(x)) is scn_equal to
 * parse(x). It covers every field the printer writes (comments included)
 * and ignores positions and what validation resolves.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

static void scn_free_ops(struct scn_op *ops, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(ops[i].o_comment);
	free(ops);
}

void scn_free(struct scn_file *f)
{
	if (!f)
		return;
	free(f->f_header);
	free(f->f_trailer);
	free(f->f_scenario.comment);
	free(f->f_fs.comment);
	free(f->f_knobs);
	free(f->f_disk.comment);
	free(f->f_setup.comment);
	scn_free_ops(f->f_setup_ops, f->f_setup_nops);
	for (uint32_t i = 0; i < f->f_nthreads; i++) {
		free(f->f_threads[i].t_comment);
		scn_free_ops(f->f_threads[i].t_ops, f->f_threads[i].t_nops);
	}
	free(f->f_threads);
	free(f->f_sched.comment);
	free(f->f_columns);
	for (uint32_t i = 0; i < f->f_nitems; i++)
		free(f->f_items[i].si_op.o_comment);
	free(f->f_items);
	free(f->f_crash.comment);
	free(f->f_persist.comment);
	free(f->f_survivors);
	free(f->f_oracle.comment);
	free(f->f_tape_info.comment);
	free(f->f_tape);
	for (uint32_t i = 0; i < f->f_nvariants; i++) {
		free(f->f_variants[i].v_comment);
		free(f->f_variants[i].v_knobs);
	}
	free(f->f_variants);
	free(f->f_expect.comment);
	for (uint32_t i = 0; i < f->f_nmetrics; i++)
		free(f->f_metrics[i].m_comment);
	free(f->f_metrics);
	free(f);
}

/* ---- equality ---- */

static bool scn_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

bool scn_op_equal(const struct scn_op *a, const struct scn_op *b)
{
	return a->o_kind == b->o_kind && !strcmp(a->o_file, b->o_file) &&
	       a->o_off == b->o_off && a->o_len == b->o_len && a->o_size == b->o_size &&
	       a->o_ns == b->o_ns && a->o_flags == b->o_flags && a->o_data == b->o_data &&
	       (a->o_data != SCN_DATA_BYTE || a->o_byte == b->o_byte);
}

/* The tree keeps how numbers were spelt: equal trees print the same. */
static bool scn_op_same(const struct scn_op *a, const struct scn_op *b)
{
	return scn_op_equal(a, b) && a->o_off_style == b->o_off_style &&
	       a->o_len_style == b->o_len_style && a->o_size_style == b->o_size_style &&
	       a->o_ns_style == b->o_ns_style;
}

static bool scn_ops_equal(const struct scn_op *a, uint32_t na, const struct scn_op *b,
			  uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (!scn_op_same(&a[i], &b[i]) || !scn_str_eq(a[i].o_comment, b[i].o_comment))
			return false;
	return true;
}

static bool scn_knobs_equal(const struct scn_knob *a, uint32_t na, const struct scn_knob *b,
			    uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (strcmp(a[i].k_name, b[i].k_name) || strcmp(a[i].k_value, b[i].k_value))
			return false;
	return true;
}

static bool scn_info_equal(const struct scn_line_info *a, const struct scn_line_info *b)
{
	return a->present == b->present && scn_str_eq(a->comment, b->comment);
}

static bool scn_expect_equal(const struct scn_expect *a, const struct scn_expect *b)
{
	return a->e_fail == b->e_fail && a->e_invariants == b->e_invariants;
}

static bool scn_item_equal(const struct scn_item *a, const struct scn_item *b)
{
	if (a->si_kind != b->si_kind || strcmp(a->si_task, b->si_task))
		return false;
	if (a->si_kind == SCN_ITEM_STEP)
		return !strcmp(a->si_step, b->si_step);
	if (a->si_kind == SCN_ITEM_OP)
		return scn_op_same(&a->si_op, &b->si_op);
	return true;
}

static bool scn_head_equal(const struct scn_file *a, const struct scn_file *b)
{
	return scn_str_eq(a->f_header, b->f_header) &&
	       (!a->f_header || a->f_header_blank == b->f_header_blank) &&
	       scn_str_eq(a->f_trailer, b->f_trailer) &&
	       scn_info_equal(&a->f_scenario, &b->f_scenario) &&
	       !strcmp(a->f_name, b->f_name) && scn_info_equal(&a->f_fs, &b->f_fs) &&
	       !strcmp(a->f_profile, b->f_profile) &&
	       scn_knobs_equal(a->f_knobs, a->f_nknobs, b->f_knobs, b->f_nknobs) &&
	       scn_info_equal(&a->f_disk, &b->f_disk) && a->f_disk_cache == b->f_disk_cache &&
	       a->f_disk_has_latency == b->f_disk_has_latency &&
	       a->f_disk_latency_min_ns == b->f_disk_latency_min_ns &&
	       a->f_disk_latency_max_ns == b->f_disk_latency_max_ns &&
	       (!a->f_disk_has_latency ||
		(a->f_disk_latency_min_style == b->f_disk_latency_min_style &&
		 a->f_disk_latency_max_style == b->f_disk_latency_max_style)) &&
	       a->f_disk_tear == b->f_disk_tear && scn_info_equal(&a->f_setup, &b->f_setup) &&
	       a->f_setup_nosync == b->f_setup_nosync &&
	       scn_ops_equal(a->f_setup_ops, a->f_setup_nops, b->f_setup_ops, b->f_setup_nops);
}

static bool scn_threads_equal(const struct scn_file *a, const struct scn_file *b)
{
	if (a->f_nthreads != b->f_nthreads)
		return false;
	for (uint32_t i = 0; i < a->f_nthreads; i++) {
		const struct scn_thread *x = &a->f_threads[i], *y = &b->f_threads[i];

		if (strcmp(x->t_name, y->t_name) || x->t_has_label != y->t_has_label ||
		    strcmp(x->t_label, y->t_label) || !scn_str_eq(x->t_comment, y->t_comment) ||
		    !scn_ops_equal(x->t_ops, x->t_nops, y->t_ops, y->t_nops))
			return false;
	}
	return true;
}

static void scn_add_column(const char **names, uint32_t *n, const char *name)
{
	for (uint32_t j = 0; j < *n; j++)
		if (!strcmp(names[j], name))
			return;
	if (*n < SCN_RACE_COLUMNS)
		names[(*n)++] = name;
}

uint32_t scn__race_columns(const struct scn_file *f, const char **names)
{
	uint32_t n = 0;

	for (uint32_t j = 0; j < f->f_ncolumns; j++)
		scn_add_column(names, &n, f->f_columns[j].c_name);
	for (uint32_t i = 0; i < f->f_nitems; i++)
		if (f->f_items[i].si_kind != SCN_ITEM_CRASH)
			scn_add_column(names, &n, f->f_items[i].si_task);
	if (!n)
		scn_add_column(names, &n, f->f_nthreads ? f->f_threads[0].t_name : "flusher");
	return n;
}

static bool scn_columns_equal(const struct scn_file *a, const struct scn_file *b)
{
	const char *x[SCN_RACE_COLUMNS], *y[SCN_RACE_COLUMNS];
	uint32_t nx = scn__race_columns(a, x), ny = scn__race_columns(b, y);

	if (nx != ny)
		return false;
	for (uint32_t j = 0; j < nx; j++)
		if (strcmp(x[j], y[j]))
			return false;
	return true;
}

static bool scn_sched_equal(const struct scn_file *a, const struct scn_file *b)
{
	if (!scn_info_equal(&a->f_sched, &b->f_sched) || a->f_sched_form != b->f_sched_form ||
	    a->f_nitems != b->f_nitems)
		return false;
	if (a->f_sched_form == SCN_SCHED_RACE && !scn_columns_equal(a, b))
		return false;
	for (uint32_t i = 0; i < a->f_nitems; i++)
		if (!scn_item_equal(&a->f_items[i], &b->f_items[i]))
			return false;
	return true;
}

static bool scn_tail_equal(const struct scn_file *a, const struct scn_file *b)
{
	if (!scn_info_equal(&a->f_crash, &b->f_crash) || a->f_crash_kind != b->f_crash_kind ||
	    strcmp(a->f_crash_task, b->f_crash_task) || strcmp(a->f_crash_step, b->f_crash_step) ||
	    !scn_info_equal(&a->f_persist, &b->f_persist) ||
	    a->f_persist_kind != b->f_persist_kind || a->f_persist_max != b->f_persist_max ||
	    a->f_persist_samples != b->f_persist_samples ||
	    a->f_nsurvivors != b->f_nsurvivors ||
	    (a->f_nsurvivors && memcmp(a->f_survivors, b->f_survivors,
				       a->f_nsurvivors * sizeof(*a->f_survivors))) ||
	    !scn_info_equal(&a->f_oracle, &b->f_oracle) ||
	    !scn_info_equal(&a->f_tape_info, &b->f_tape_info) ||
	    (a->f_tape || b->f_tape) != (a->f_tape && b->f_tape) ||
	    (a->f_tape && strcmp(a->f_tape, b->f_tape)) ||
	    a->f_oracle_kind != b->f_oracle_kind || !scn_info_equal(&a->f_expect, &b->f_expect) ||
	    !scn_expect_equal(&a->f_expect_v, &b->f_expect_v) ||
	    a->f_nvariants != b->f_nvariants || a->f_nmetrics != b->f_nmetrics)
		return false;
	for (uint32_t i = 0; i < a->f_nvariants; i++) {
		const struct scn_variant *x = &a->f_variants[i], *y = &b->f_variants[i];

		if (strcmp(x->v_name, y->v_name) || !scn_str_eq(x->v_comment, y->v_comment) ||
		    !scn_expect_equal(&x->v_expect, &y->v_expect) ||
		    !scn_knobs_equal(x->v_knobs, x->v_nknobs, y->v_knobs, y->v_nknobs))
			return false;
	}
	for (uint32_t i = 0; i < a->f_nmetrics; i++) {
		const struct scn_metric *x = &a->f_metrics[i], *y = &b->f_metrics[i];

		if (strcmp(x->m_name, y->m_name) || !scn_str_eq(x->m_comment, y->m_comment) ||
		    x->m_is_duration != y->m_is_duration || x->m_value != y->m_value ||
		    x->m_style != y->m_style)
			return false;
	}
	return true;
}

bool scn_equal(const struct scn_file *a, const struct scn_file *b)
{
	return scn_head_equal(a, b) && scn_threads_equal(a, b) && scn_sched_equal(a, b) &&
	       scn_tail_equal(a, b);
}

/* ---- operation text ---- */

static void scn_op_arg_text(struct scn_buf *b, const struct scn_op *op, enum scn_arg a)
{
	char num[32];

	switch (a) {
	case SCN_ARG_FILE:
		scn__buf_puts(b, op->o_file);
		return;
	case SCN_ARG_OFF:
		scn__fmt_bytes(num, sizeof(num), op->o_off, op->o_off_style);
		break;
	case SCN_ARG_LEN:
		scn__fmt_bytes(num, sizeof(num), op->o_len, op->o_len_style);
		break;
	case SCN_ARG_SIZE:
		scn__fmt_bytes(num, sizeof(num), op->o_size, op->o_size_style);
		break;
	case SCN_ARG_DURATION:
		scn__fmt_duration(num, sizeof(num), op->o_ns, op->o_ns_style);
		break;
	}
	scn__buf_puts(b, num);
}

void scn__op_text(struct scn_buf *b, const struct scn_op *op, size_t kw_width)
{
	const struct scn_op_desc *d = scn__op_desc(op->o_kind);
	size_t kw;

	if (!d) {
		scn__buf_puts(b, "?");
		return;
	}
	kw = strlen(d->od_name);
	scn__buf_puts(b, d->od_name);
	for (unsigned i = 0; i < d->od_nargs; i++) {
		scn__buf_spaces(b, i == 0 && kw + 1 < kw_width ? kw_width - kw : 1);
		scn_op_arg_text(b, op, d->od_args[i]);
	}
	for (unsigned i = 0; i < d->od_nflags; i++)
		if (op->o_flags & d->od_flags[i].fd_bit)
			scn__buf_printf(b, " %s", d->od_flags[i].fd_name);
	if (op->o_data == SCN_DATA_ZERO)
		scn__buf_puts(b, " data=zero");
	else if (op->o_data == SCN_DATA_UNIQUE)
		scn__buf_puts(b, " data=unique");
	else if (op->o_data == SCN_DATA_BYTE)
		scn__buf_printf(b, " data=0x%02x", op->o_byte);
}

size_t scn_op_format(const struct scn_op *op, char *buf, size_t size)
{
	struct scn_buf b = { 0 };
	size_t n;

	scn__op_text(&b, op, 0);
	if (b.b_oom) {
		scn__buf_free(&b);
		if (size)
			buf[0] = '\0';
		return 0;
	}
	n = b.b_len;
	if (size) {
		size_t m = n < size - 1 ? n : size - 1;

		memcpy(buf, b.b_text, m);
		buf[m] = '\0';
	}
	scn__buf_free(&b);
	return n;
}

const char *scn_name(const struct scn_file *f)
{
	return f->f_scenario.present ? f->f_name : f->f_default_name;
}

/* ---- appends for reproducers ---- */

int scn_append_item(struct scn_file *f, const struct scn_item *it)
{
	void *grown;

	if (f->f_nitems >= SCN_MAX_ROWS)
		return -1;
	grown = scn__grow(f->f_items, &f->f_items_cap, f->f_nitems, sizeof(*f->f_items));
	if (!grown)
		return -1;
	f->f_items = grown;
	f->f_items[f->f_nitems] = *it;
	f->f_items[f->f_nitems].si_op.o_comment = NULL;
	f->f_nitems++;
	return 0;
}

int scn_append_survivor(struct scn_file *f, uint32_t write_id)
{
	void *grown;

	if (f->f_nsurvivors >= SCN_MAX_SURVIVORS || write_id == 0 || write_id > SCN_MAX_WRITE_ID ||
	    (f->f_nsurvivors && write_id <= f->f_survivors[f->f_nsurvivors - 1]))
		return -1;
	grown = scn__grow(f->f_survivors, &f->f_survivors_cap, f->f_nsurvivors,
			  sizeof(*f->f_survivors));
	if (!grown)
		return -1;
	f->f_survivors = grown;
	f->f_survivors[f->f_nsurvivors++] = write_id;
	return 0;
}
