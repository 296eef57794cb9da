/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/repro.c - the race diagram of a failing run (see repro.h).
 *
 * The run's steps of the scenario's threads, in order, cut into blocks (the
 * longest runs of one thread's steps; kernel tasks and events in between do
 * not cut a block). Each block says, in the race language:
 *
 *   an operation starting in it     its operation row;
 *   an operation it leaves midway   the step it stopped after (the row runs
 *                                   the thread through that step), or '*'
 *                                   if the thread blocked there;
 *   an operation started earlier    '*' when it ends in this block.
 *
 * The diagram says nothing of kernel tasks and events: under `pcsim run`
 * they move only while a scripted thread waits, and after the script in the
 * default order. So the diagram is a candidate, run like `pcsim run` runs it:
 * it stands only if the same invariant breaks. Then rows go one at a time,
 * last first, each deletion kept if the failure stays (a row the validator
 * rejects, an operation row whose steps remain, counts as not failing).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/explore/repro.h"

#define REPRO_MAX_ROWS 512

struct synth {
	struct scn_item *sy_rows;
	uint32_t sy_n;
	int sy_thread[SIM_MAX_TASKS];	/* task id -> thread index, -1 kernel */
	uint32_t sy_offset[SCN_MAX_THREADS];	/* ops of earlier lifetimes */
	int32_t sy_started[SCN_MAX_THREADS];	/* op index of the last op row */
	bool sy_open[SCN_MAX_THREADS];	/* that op was left midway by a row */
};

static bool add_row(const struct scn_file *g, struct synth *sy, enum scn_item_kind k, int ti,
		    const char *step, int32_t op)
{
	struct scn_item *it;

	if (sy->sy_n >= REPRO_MAX_ROWS)
		return false;
	it = &sy->sy_rows[sy->sy_n++];
	memset(it, 0, sizeof(*it));
	it->si_kind = k;
	snprintf(it->si_task, sizeof(it->si_task), "%s", g->f_threads[ti].t_name);
	if (step)
		snprintf(it->si_step, sizeof(it->si_step), "%s", step);
	if (k == SCN_ITEM_OP) {
		it->si_op = g->f_threads[ti].t_ops[op];
		it->si_op.o_comment = NULL;
	}
	return true;
}

/* The next step of task ev[i].e_task after i, or -1. */
static int next_of(const struct pcs_event *ev, unsigned n, unsigned i)
{
	for (unsigned j = i + 1; j < n; j++)
		if (ev[j].e_task == ev[i].e_task)
			return (int)j;
	return -1;
}

/* Did the operation of step i end before the task's next step? */
static bool op_ends(struct sim *s, const struct pcs_event *ev, unsigned n, unsigned i)
{
	int j = next_of(ev, n, i);

	if (j >= 0)
		return ev[j].e_opi != ev[i].e_opi;
	return ev[i].e_ret == SIM_DONE && sim_task(s, (unsigned)ev[i].e_task)->t_opi > ev[i].e_opi;
}

/* The rows of one block: steps first..last (indexes into ev) of thread ti. */
static bool block_rows(const struct scn_file *g, struct synth *sy, struct sim *s,
		       const struct pcs_event *ev, unsigned n, const unsigned *idx, unsigned nidx,
		       int ti)
{
	const struct pcs_event *last = &ev[idx[nidx - 1]];

	for (unsigned k = 0; k < nidx; k++) {
		const struct pcs_event *e = &ev[idx[k]];
		int32_t op = (int32_t)(sy->sy_offset[ti] + e->e_opi);

		if (op == sy->sy_started[ti])
			continue;
		if (sy->sy_open[ti] && !add_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0))
			return false;	/* finish the op a row left midway */
		if (op >= (int32_t)g->f_threads[ti].t_nops ||
		    !add_row(g, sy, SCN_ITEM_OP, ti, NULL, op))
			return false;
		sy->sy_started[ti] = op;
		sy->sy_open[ti] = false;
	}
	if (op_ends(s, ev, n, idx[nidx - 1])) {
		if (sy->sy_open[ti] && !add_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0))
			return false;
		sy->sy_open[ti] = false;
		return true;
	}
	sy->sy_open[ti] = true;
	if (last->e_ret == SIM_BLOCKED)
		return add_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0);
	return last->e_step && add_row(g, sy, SCN_ITEM_STEP, ti, last->e_step, 0);
}

static bool synthesize(const struct scn_file *g, struct synth *sy, struct sim *s,
		       const struct pcs_event *ev, unsigned n)
{
	unsigned *idx = malloc((n ? n : 1) * sizeof(*idx)), nidx = 0;
	int cur = -1;
	bool ok = idx != NULL;

	for (unsigned id = 0; id < SIM_MAX_TASKS; id++) {
		const struct sim_task *t = sim_task(s, id);

		sy->sy_thread[id] = -1;
		for (uint32_t ti = 0; t && !t->t_kernel && ti < g->f_nthreads; ti++)
			if (!strcmp(g->f_threads[ti].t_name, t->t_name)) {
				sy->sy_thread[id] = (int)ti;
				sy->sy_offset[ti] = g->f_threads[ti].t_nops - t->t_nops;
			}
	}
	for (uint32_t ti = 0; ti < SCN_MAX_THREADS; ti++)
		sy->sy_started[ti] = -1;
	for (unsigned i = 0; ok && i <= n; i++) {
		int ti = i < n && ev[i].e_task >= 0 ? sy->sy_thread[ev[i].e_task] : -1;

		if (i < n && ti < 0)
			continue;	/* a kernel task or an event */
		if (nidx && (i == n || ti != cur)) {
			ok = block_rows(g, sy, s, ev, n, idx, nidx, cur);
			nidx = 0;
		}
		if (i < n) {
			cur = ti;
			idx[nidx++] = i;
		}
	}
	free(idx);
	return ok;
}

/* Does `pcsim run` on g fail with inv? */
static bool still_fails(const struct scn_file *g, const char *path, int inv, unsigned *runs)
{
	char *text = scn_print_str(g), err[600];
	struct pcr_opts o = { .oracle = -1 };
	struct scn_file *h = NULL;
	struct scn_diag d;
	struct pcr_result r;
	bool fails = false;

	(*runs)++;
	if (text && scn_parse(path, text, strlen(text), &pcr_vocab, &h, &d) == 0 &&
	    pcr_run(h, path, h->f_nvariants ? 0 : -1, &o, &r, err, sizeof(err)) == 0) {
		fails = !r.r_error[0] && (r.r_inv_mask & (1u << inv));
		pcr_result_free(&r);
	}
	scn_free(h);
	free(text);
	return fails;
}

/* g's race: the first base items, then rows keep[0..n) of sy. */
static bool set_rows(struct scn_file *g, uint32_t base, const struct synth *sy,
		     const bool *keep)
{
	g->f_nitems = base;
	for (uint32_t i = 0; i < sy->sy_n; i++)
		if (keep[i] && scn_append_item(g, &sy->sy_rows[i]))
			return false;
	g->f_sched.present = g->f_nitems > 0;
	g->f_sched_form = g->f_nitems ? SCN_SCHED_RACE : SCN_SCHED_NONE;
	if (!g->f_nitems)
		g->f_ncolumns = 0;
	return true;
}

bool __pcf_race_reproducer(struct scn_file *g, const char *path, int inv, struct sim *s,
			   const struct pcs_event *ev, unsigned n, unsigned budget)
{
	struct synth sy = { .sy_rows = calloc(REPRO_MAX_ROWS, sizeof(struct scn_item)) };
	bool *keep = calloc(REPRO_MAX_ROWS, sizeof(bool)), ok = false;
	uint32_t base = g->f_nitems;
	enum scn_sched_form form = g->f_sched_form;
	bool present = g->f_sched.present;
	unsigned runs = 0;

	if (!sy.sy_rows || !keep || !synthesize(g, &sy, s, ev, n))
		goto out;
	/* The default order first: no rows at all. */
	if (!set_rows(g, base, &sy, keep))
		goto out;
	if (still_fails(g, path, inv, &runs)) {
		ok = true;
		goto out;
	}
	for (uint32_t i = 0; i < sy.sy_n; i++)
		keep[i] = true;
	if (!set_rows(g, base, &sy, keep) || !still_fails(g, path, inv, &runs))
		goto out;
	ok = true;
	for (uint32_t i = sy.sy_n; i-- > 0 && runs < budget;) {
		keep[i] = false;
		if (!set_rows(g, base, &sy, keep) || !still_fails(g, path, inv, &runs))
			keep[i] = true;
	}
	ok = set_rows(g, base, &sy, keep);
out:
	if (!ok) {
		g->f_nitems = base;
		g->f_sched_form = form;
		g->f_sched.present = present;
	}
	free(sy.sy_rows);
	free(keep);
	return ok;
}
