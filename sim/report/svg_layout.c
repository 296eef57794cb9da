/* SPDX-License-Identifier: MIT */
/*
 * sim/report/svg_layout.c - the rows of a variant's timeline.
 *
 * Time runs down the page, one lane per task across it, like the race
 * diagrams of the mailing-list threads: user threads first, then the
 * kernel's tasks (flusher, jbd2, end_io workers, dio), in the order they
 * first ran. Each step is a row in its task's lane. The vertical axis is
 * simulated time: rows go down in the order the steps ran, steps at the
 * same instant are spread out in that order, a jump of the clock (a timer,
 * a sleep, the disk) labels the new time in the gutter, and a jump of a
 * millisecond or more becomes a gap row saying how much time passed.
 *
 *   step rows      a looping step run n times is one row ("x n");
 *   op rows        a thread starts its next operation (the operation text);
 *   power cut      a race crash row with rows after it: recovery, mount,
 *                  and the clock starts again from zero;
 *   crash point    where the violating crash state was taken: the scripted
 *                  crash row, else before the first step whose write-log
 *                  length passes the crash point.
 * Each row carries file 0's i_size, i_disksize and durable size after it
 * and whether the write log grew or the durable size changed there, for
 * the timeline's disk column and the size chart beside it.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

#define LANE_MIN	96
#define LANE_MAX	310
#define GAP_NS		SIM_MSEC

static bool kernel_task(const char *name)
{
	static const char *const k[] = { "flusher", "jbd2", "xfs-cil", "endio", "endio2", "dio",
					 "dio2", "disk", "setup" };

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(name, k[i]))
			return true;
	return false;
}

static int lane_of(const struct rpt_layout *l, const char *name)
{
	for (unsigned i = 0; i < l->l_nlanes; i++)
		if (!strcmp(l->l_lane[i], name))
			return (int)i;
	return -1;
}

/* Lanes: user threads in the order they first ran, then kernel tasks. */
static void lanes(const struct rpt_variant *v, struct rpt_layout *l)
{
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < v->rv_nsteps; i++) {
			const struct rpt_step *st = &v->rv_steps[i];

			if (st->st_kind == RPT_CRASH || !st->st_task[0] ||
			    kernel_task(st->st_task) != (pass == 1) || lane_of(l, st->st_task) >= 0 ||
			    l->l_nlanes == RPT_MAX_LANES)
				continue;
			memcpy(l->l_lane[l->l_nlanes], st->st_task, sizeof(l->l_lane[0]));
			l->l_kernel[l->l_nlanes++] = pass == 1;
		}
}

static void widths(const struct rpt_variant *v, struct rpt_layout *l)
{
	int x = RPT_GUTTER_W;

	for (unsigned k = 0; k < l->l_nlanes; k++) {
		size_t chars = strlen(l->l_lane[k]) + 2;

		for (unsigned i = 0; i < v->rv_nsteps; i++) {
			const struct rpt_step *st = &v->rv_steps[i];
			size_t n = strlen(st->st_what) + (st->st_kind == RPT_STEP ? 5 : 1);

			if (st->st_kind != RPT_CRASH && !strcmp(st->st_task, l->l_lane[k]) && n > chars)
				chars = n;
		}
		l->l_lane_w[k] = (int)((double)chars * RPT_CHAR_W) + 16;
		if (l->l_lane_w[k] < LANE_MIN)
			l->l_lane_w[k] = LANE_MIN;
		if (l->l_lane_w[k] > LANE_MAX)
			l->l_lane_w[k] = LANE_MAX;
		l->l_lane_x[k] = x;
		x += l->l_lane_w[k];
	}
	l->l_width = x + RPT_DISK_W;
}

/* Is the crash row at index i a power cut (threads go on afterwards)? */
static bool power_cut(const struct rpt_variant *v, unsigned i, uint8_t lifetime)
{
	for (unsigned j = i + 1; j < v->rv_nsteps; j++)
		if (v->rv_steps[j].st_kind != RPT_CRASH && v->rv_steps[j].st_lifetime > lifetime)
			return true;
	return false;
}

/* Where the crash-point row goes when no scripted crash row marks it: the
 * first step of the last lifetime past the crash point's write-log entry. */
static unsigned crash_index(const struct rpt_variant *v)
{
	uint8_t last = 0;

	for (unsigned i = 0; i < v->rv_nsteps; i++)
		if (v->rv_steps[i].st_kind == RPT_STEP && v->rv_steps[i].st_lifetime > last)
			last = v->rv_steps[i].st_lifetime;
	for (unsigned i = 0; i < v->rv_nsteps; i++) {
		const struct rpt_step *st = &v->rv_steps[i];

		if (st->st_kind == RPT_CRASH && !power_cut(v, i, last))
			return UINT32_MAX;	/* the script marks it */
		if (st->st_kind == RPT_STEP && st->st_lifetime == last &&
		    st->st_wlog > v->rv_r.r_crash_point)
			return i;
	}
	return v->rv_nsteps;
}

struct cursor {
	sim_time_t time, labelled;
	bool fresh;			/* first row of a lifetime: label the time */
	uint8_t lifetime;
	uint32_t wlog;
	uint64_t isize, disksize, durable;
};

static struct rpt_row *push(struct rpt_layout *l, enum rpt_row_kind kind, int lane,
			    const struct cursor *c)
{
	struct rpt_row *w = &l->l_rows[l->l_nrows++];

	memset(w, 0, sizeof(*w));
	w->w_kind = (uint8_t)kind;
	w->w_lane = lane;
	w->w_time = c->time;
	w->w_lifetime = c->lifetime;
	w->w_isize = c->isize;
	w->w_disksize = c->disksize;
	w->w_durable = c->durable;
	return w;
}

static bool same_loop(const struct rpt_layout *l, const struct rpt_variant *v, unsigned i)
{
	const struct rpt_row *w = l->l_nrows ? &l->l_rows[l->l_nrows - 1] : NULL;
	const struct rpt_step *a, *b = &v->rv_steps[i];

	if (!w || w->w_kind != ROW_STEP)
		return false;
	a = &v->rv_steps[w->w_first + w->w_n - 1];
	return !strcmp(a->st_task, b->st_task) && !strcmp(a->st_what, b->st_what) &&
	       a->st_time == b->st_time;
}

static void step_row(struct rpt_layout *l, const struct rpt_variant *v, unsigned i,
		     struct cursor *c)
{
	const struct rpt_step *st = &v->rv_steps[i];
	struct rpt_row *w;
	uint32_t wlog0 = c->wlog;
	uint64_t durable0 = c->durable;

	if (st->st_time >= c->time + GAP_NS && !c->fresh) {
		w = push(l, ROW_GAP, -1, c);
		w->w_time = st->st_time - c->time;
	}
	c->time = st->st_time;
	c->isize = st->st_isize;
	c->disksize = st->st_disksize;
	c->durable = st->st_durable;
	c->wlog = st->st_wlog;
	if (same_loop(l, v, i)) {
		w = &l->l_rows[l->l_nrows - 1];
		w->w_n++;
	} else {
		w = push(l, ROW_STEP, lane_of(l, st->st_task), c);
		w->w_first = i;
		w->w_n = 1;
		w->w_wlog_from = wlog0;
		w->w_time_label = c->fresh || c->time != c->labelled;
		c->labelled = c->time;
		c->fresh = false;
	}
	w->w_blocked |= st->st_ret == SIM_BLOCKED;
	w->w_isize = c->isize;
	w->w_disksize = c->disksize;
	w->w_durable = c->durable;
	if (c->wlog > wlog0) {
		w->w_wlog_up = true;
		w->w_wlog_to = c->wlog;
	}
	w->w_durable_up |= c->durable != durable0;
}

static void crash_row(struct rpt_layout *l, const struct rpt_variant *v, unsigned i,
		      struct cursor *c)
{
	if (power_cut(v, i, c->lifetime)) {
		push(l, ROW_POWERCUT, -1, c);
		c->lifetime++;
		c->time = 0;
		c->wlog = 0;
		c->fresh = true;
		return;
	}
	push(l, ROW_CRASH, -1, c);
}

static int rows(const struct rpt_variant *v, struct rpt_layout *l)
{
	unsigned at_crash = v->rv_r.r_crash_violation ? crash_index(v) : UINT32_MAX;
	struct cursor c;

	memset(&c, 0, sizeof(c));
	c.fresh = true;
	l->l_rows = calloc((size_t)v->rv_nsteps * 2 + 4, sizeof(*l->l_rows));
	if (!l->l_rows)
		return -1;
	if (v->rv_nsteps) {
		c.isize = v->rv_steps[0].st_isize;
		c.disksize = v->rv_steps[0].st_disksize;
		c.durable = v->rv_steps[0].st_durable;
	}
	for (unsigned i = 0; i < v->rv_nsteps; i++) {
		const struct rpt_step *st = &v->rv_steps[i];

		if (l->l_nrows >= RPT_MAX_ROWS) {
			l->l_hidden = v->rv_nsteps - i;
			push(l, ROW_MORE, -1, &c);
			return 0;
		}
		if (i == at_crash)
			push(l, ROW_CRASH, -1, &c);
		if (st->st_kind == RPT_CRASH) {
			crash_row(l, v, i, &c);
		} else if (st->st_kind == RPT_OP) {
			struct rpt_row *w = push(l, ROW_OP, lane_of(l, st->st_task), &c);

			w->w_first = i;
			w->w_n = 1;
		} else {
			step_row(l, v, i, &c);
		}
	}
	if (at_crash == v->rv_nsteps)
		push(l, ROW_CRASH, -1, &c);
	return 0;
}

static int row_height(const struct rpt_row *w)
{
	switch (w->w_kind) {
	case ROW_OP: return RPT_ROW_H + 5;
	case ROW_CRASH: return 2 * RPT_ROW_H + 2;	/* the label above the line, clear of the step before */
	case ROW_POWERCUT: return 2 * RPT_ROW_H;
	case ROW_GAP: return RPT_ROW_H + 5;
	case ROW_MORE: return RPT_ROW_H + 5;
	default: return RPT_ROW_H;
	}
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

static void place(const struct rpt_variant *v, struct rpt_layout *l)
{
	int y = RPT_HEAD_H;

	for (unsigned i = 0; i < l->l_nrows; i++) {
		struct rpt_row *w = &l->l_rows[i];
		uint64_t m = max3(w->w_isize, w->w_disksize, w->w_durable);

		w->w_y = y;
		w->w_h = row_height(w);
		y += w->w_h;
		if (m > l->l_max_size)
			l->l_max_size = m;
	}
	for (unsigned i = 0; i < v->rv_r.r_nviol; i++) {
		const struct pc_violation *x = &v->rv_r.r_viol[i];

		if (x->v_file == 0 && x->v_len && x->v_off + x->v_len > l->l_max_size)
			l->l_max_size = x->v_off + x->v_len;
	}
	l->l_height = y + 8;
}

int rpt_layout_build(const struct rpt_variant *v, struct rpt_layout *l)
{
	memset(l, 0, sizeof(*l));
	lanes(v, l);
	widths(v, l);
	if (rows(v, l)) {
		rpt_layout_free(l);
		return -1;
	}
	place(v, l);
	return 0;
}

void rpt_layout_free(struct rpt_layout *l)
{
	free(l->l_rows);
	l->l_rows = NULL;
	l->l_nrows = 0;
}
