/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/repro.c - the race diagram of a failing run (see repro.h).
 *
 * 1. The run again, from its tape, watched: every step (task, step name,
 *    operation, what it returned, footprint) and every event (its name; for
 *    a disk completion, which in-flight bio completed).
 * 2. The whole run as race rows, cut into blocks (the longest runs of one
 *    lane: a scenario thread, a kernel task, the disk). Each block says, in
 *    the race language:
 *      a thread's operation starting in it     its operation row;
 *      an operation (or a kernel task's work)  the step it stopped after (the
 *        left midway                           row runs the task through that
 *                                              step), or '*' if it blocked;
 *      an operation started earlier            '*' when it ends in the block;
 *      a disk completion                       'disk *' when it was the first
 *                                              bio in flight, else its kind
 *                                              (which completes every bio of
 *                                              that kind in flight: their own
 *                                              completions are then no rows).
 *    Timers firing are not rows: the kernel task they wake has rows, and a
 *    flusher or jbd2 row kicks its task; a flusher pass that wrote nothing
 *    is no row (a flusher row is a pass over every dirty inode). Rows of
 *    tasks the language has no lane for (a second end_io worker) are left
 *    out.
 * 3. The slice, checked: `pcsim run` on the rows must break the same
 *    invariant on the same bytes. No rows at all first (the default order
 *    of `pcsim run` may fail already); else every row; then the footprint
 *    slice: kernel and disk rows none of whose steps touch the inode, the
 *    folios of the bytes, the disk or the journal the violation depends on
 *    go at once; then rows go in chunks, halving the chunk size down to one
 *    row, each deletion kept only if the failure stays.
 * 4. A violation in a crash state: `persist survivors` pins the crash state
 *    pcsim run found broken, kept when the failure stays with it.
 * 5. At most 80 columns (__pcf_fit_80): one variant's knobs move to the fs
 *    line while its line is too long; a race too wide for a diagram is
 *    written in the schedule form.
 * pcx_slice_file does 3-5 on the rows of a file's own race (pcsim run -v,
 * --mail), crash rows never deleted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/pc.h"
#include "sim/explore/repro.h"

#define REPRO_MAX_ROWS 1024
#define CAP_MAX_EVENTS 20000

struct cap_ev {
	int16_t c_task;		/* -1: an event */
	const char *c_step;	/* step name, or the event's name */
	uint16_t c_opi;
	uint8_t c_ret;
	int8_t c_bio_kind;	/* disk_complete: the kind of bio it completed, -1 */
	bool c_bio_first;	/* ... and it was the first in flight */
	uint32_t c_bio_id;	/* ... its id */
	uint8_t c_nflight;	/* the bios in flight before it (the first 16) */
	uint8_t c_flight_kind[16];
	uint32_t c_flight_id[16];
	uint32_t c_wlog;	/* write-log length before it */
	struct sim_fp c_fp;
};

struct cap {
	struct sim *k_s;
	struct cap_ev *k_ev;
	unsigned k_n;
	bool k_overflow;
	const struct sim_tape *k_tp;
	uint32_t k_pos;
	int k_disk;		/* index of a disk completion not yet resolved, -1 */
	uint32_t k_ids[256];	/* bios in flight before it */
	uint8_t k_kinds[256];
	unsigned k_nids;
	uint32_t k_end_wlog;	/* write-log length at the end of the run */
};

static uint64_t default_choice(const struct sim_choice *c)
{
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t m = c->c_mask & ~(1ULL << SIM_EVENT_BIT);

		return (uint64_t)__builtin_ctzll(m ? m : c->c_mask);
	}
	return 0;
}

static uint64_t cap_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct cap *k = ctx;
	uint64_t v = default_choice(c);

	(void)s;
	if (k->k_pos < k->k_tp->tp_len) {
		uint64_t t = k->k_tp->tp_e[k->k_pos++].te_value;

		if (c->c_kind == SIM_CH_SCHED ? t < 64 && (c->c_mask & (1ULL << t)) : t < c->c_n)
			v = t;
	}
	return v;
}

/* Which bio the pending disk completion took: the one gone from flight. */
static void resolve_disk(struct cap *k)
{
	struct cap_ev *e;

	if (k->k_disk < 0)
		return;
	e = &k->k_ev[k->k_disk];
	for (unsigned i = 0; i < k->k_nids; i++) {
		bool there = false;

		for (uint32_t j = 0; !there && pc_disk_inflight_bio(k->k_s, j); j++)
			there = pc_disk_inflight_bio(k->k_s, j)->bi_id == k->k_ids[i];
		if (!there) {
			e->c_bio_kind = (int8_t)k->k_kinds[i];
			e->c_bio_first = i == 0;
			e->c_bio_id = k->k_ids[i];
			break;
		}
	}
	k->k_disk = -1;
}

static void cap_pre(void *ctx, const struct sim_task *t, const struct sim_fp *fp)
{
	struct cap *k = ctx;
	struct cap_ev *e;
	const struct sim_step *st;

	resolve_disk(k);
	if (k->k_n == CAP_MAX_EVENTS) {
		k->k_overflow = true;
		return;
	}
	e = &k->k_ev[k->k_n++];
	memset(e, 0, sizeof(*e));
	e->c_bio_kind = -1;
	e->c_fp = *fp;
	e->c_ret = SIM_DONE;
	e->c_wlog = pc_wlog_len(k->k_s);
	if (t) {
		st = sim_task_next_step(t);
		e->c_task = (int16_t)t->t_id;
		e->c_step = st ? st->name : NULL;
		e->c_opi = t->t_opi;
		return;
	}
	e->c_task = -1;
	e->c_step = sim_event_firing(k->k_s);
	if (e->c_step && !strcmp(e->c_step, "disk_complete")) {
		k->k_disk = (int)k->k_n - 1;
		k->k_nids = 0;
		for (uint32_t j = 0; k->k_nids < 256 && pc_disk_inflight_bio(k->k_s, j); j++) {
			k->k_ids[k->k_nids] = pc_disk_inflight_bio(k->k_s, j)->bi_id;
			k->k_kinds[k->k_nids++] = pc_disk_inflight_bio(k->k_s, j)->bi_kind;
		}
		for (unsigned j = 0; j < k->k_nids && j < 16; j++) {
			e->c_flight_id[j] = k->k_ids[j];
			e->c_flight_kind[j] = k->k_kinds[j];
			e->c_nflight = (uint8_t)(j + 1);
		}
	}
}

static void cap_post(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r)
{
	struct cap *k = ctx;

	(void)step;
	if (k->k_n && k->k_ev[k->k_n - 1].c_task == (int16_t)t->t_id)
		k->k_ev[k->k_n - 1].c_ret = (uint8_t)r;
}

/* Replay tp in s, watched; then the end-of-run checks and every crash
 * state (as fuzz and explore check them), and the first violation of inv
 * into tg. False when the run does not break inv. */
static bool capture(struct cap *k, struct sim *s, const struct sim_tape *tp, int inv,
		    struct pcf_target *tg)
{
	struct sim_chooser ch = { cap_choose, k };
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 256,
				.p_dedup = PC_DEDUP_POINT };
	const struct pc_violation *v;
	unsigned nv;
	bool complete, found = false;
	uint64_t dups;

	k->k_s = s;
	k->k_tp = tp;
	k->k_disk = -1;
	sim_reset(s);
	sim_replay(s, NULL);
	sim_record(s, NULL);
	sim_set_chooser(s, &ch);
	sim_set_pre_step(s, cap_pre, k);
	sim_set_step_observer(s, cap_post, k);
	sim_run(s);
	resolve_disk(k);
	k->k_end_wlog = pc_wlog_len(s);
	sim_set_chooser(s, NULL);
	sim_set_pre_step(s, NULL, NULL);
	sim_set_step_observer(s, NULL, NULL);
	pc_model_finish(s);
	nv = pc_violations(s, &v);
	for (unsigned i = 0; i < nv && !found; i++)
		found = v[i].v_inv == inv;
	if (!found) {
		pc_model_check_crashes(s, 0, pc_wlog_len(s), &p, &complete, &dups);
		nv = pc_violations(s, &v);
	}
	for (unsigned i = 0; i < nv; i++)
		if (v[i].v_inv == inv) {
			tg->t_inv = inv;
			tg->t_file = v[i].v_file;
			tg->t_off = v[i].v_off;
			tg->t_len = v[i].v_len;
			tg->t_crash = v[i].v_crash;
			return !k->k_overflow;
		}
	return false;
}

/* ---- the rows ---- */

enum lane_kind { LANE_NONE, LANE_THREAD, LANE_KERNEL, LANE_DISK };

struct row {
	struct scn_item r_item;
	bool r_kernel;		/* a kernel task's or the disk's row */
	bool r_touches;		/* a step of it touches what the violation names */
};

struct synth {
	struct row *sy_rows;
	uint32_t sy_n;
	int sy_thread[SIM_MAX_TASKS];	/* task id -> thread index, -1 */
	uint32_t sy_offset[SCN_MAX_THREADS];	/* ops of earlier lifetimes */
	int32_t sy_started[SCN_MAX_THREADS];	/* op index of the last op row */
	bool sy_open[SCN_MAX_THREADS];	/* that op was left midway by a row */
	const struct pcf_target *sy_tg;
	uint32_t sy_done[256];	/* bios a kind row completed before their turn */
	unsigned sy_ndone;
};

static struct row *add_row(struct synth *sy, enum scn_item_kind k, const char *task,
			   const char *step)
{
	struct row *r;

	if (sy->sy_n >= REPRO_MAX_ROWS)
		return NULL;
	r = &sy->sy_rows[sy->sy_n++];
	memset(r, 0, sizeof(*r));
	r->r_item.si_kind = k;
	snprintf(r->r_item.si_task, sizeof(r->r_item.si_task), "%s", task);
	if (step)
		snprintf(r->r_item.si_step, sizeof(r->r_item.si_step), "%s", step);
	return r;
}

static bool add_thread_row(const struct scn_file *g, struct synth *sy, enum scn_item_kind k,
			   int ti, const char *step, int32_t op)
{
	struct row *r = add_row(sy, k, g->f_threads[ti].t_name, step);

	if (!r)
		return false;
	if (k == SCN_ITEM_OP) {
		r->r_item.si_op = g->f_threads[ti].t_ops[op];
		r->r_item.si_op.o_comment = NULL;
	}
	return true;
}

/* Does footprint fp touch an object the violation depends on: the file's
 * inode, a folio holding its bytes, and for a crash state the disk and the
 * journal? A step without a footprint touches everything. */
static bool touches(const struct pcf_target *tg, const struct sim_fp *fp)
{
	uint32_t first = (uint32_t)(tg->t_off / PC_PAGE_SIZE);
	uint32_t last = (uint32_t)((tg->t_off + (tg->t_len ? tg->t_len : 1) - 1) / PC_PAGE_SIZE);

	if (fp->fp_global)
		return true;
	for (unsigned i = 0; i < fp->fp_n; i++) {
		uint32_t o = fp->fp_obj[i], kind = o >> 24, file = (o >> 20) & 0xf, n = o & 0xfffff;

		if (kind == PC_OBJ_INODE && file == tg->t_file)
			return true;
		if ((kind == PC_OBJ_FOLIO || kind == PC_OBJ_PTE) && file == tg->t_file &&
		    n >= first && n <= last)
			return true;
		if (tg->t_crash && (kind == PC_OBJ_DISK || kind == PC_OBJ_JOURNAL))
			return true;
	}
	return false;
}

/* Did the operation of step i end before the task's next step? */
static bool op_ends(struct sim *s, const struct cap_ev *ev, unsigned n, unsigned i)
{
	for (unsigned j = i + 1; j < n; j++)
		if (ev[j].c_task == ev[i].c_task)
			return ev[j].c_opi != ev[i].c_opi;
	return ev[i].c_ret == SIM_DONE && sim_task(s, (unsigned)ev[i].c_task)->t_opi > ev[i].c_opi;
}

/* The rows of one thread block: steps idx[0..nidx) of thread ti. */
static bool thread_block(const struct scn_file *g, struct synth *sy, struct sim *s,
			 const struct cap_ev *ev, unsigned n, const unsigned *idx, unsigned nidx,
			 int ti)
{
	const struct cap_ev *last = &ev[idx[nidx - 1]];

	for (unsigned k = 0; k < nidx; k++) {
		int32_t op = (int32_t)(sy->sy_offset[ti] + ev[idx[k]].c_opi);

		if (op == sy->sy_started[ti])
			continue;
		if (sy->sy_open[ti] && !add_thread_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0))
			return false;	/* finish the op a row left midway */
		if (op >= (int32_t)g->f_threads[ti].t_nops ||
		    !add_thread_row(g, sy, SCN_ITEM_OP, ti, NULL, op))
			return false;
		sy->sy_started[ti] = op;
		sy->sy_open[ti] = false;
	}
	if (op_ends(s, ev, n, idx[nidx - 1])) {
		if (sy->sy_open[ti] && !add_thread_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0))
			return false;
		sy->sy_open[ti] = false;
		return true;
	}
	sy->sy_open[ti] = true;
	if (last->c_ret == SIM_BLOCKED)
		return add_thread_row(g, sy, SCN_ITEM_STAR, ti, NULL, 0);
	return last->c_step && add_thread_row(g, sy, SCN_ITEM_STEP, ti, last->c_step, 0);
}

/* The row of a kernel block: the task runs through its last step, or '*'
 * when that step blocked. */
static bool kernel_block(struct synth *sy, const char *name, const struct cap_ev *ev,
			 unsigned n, uint32_t end_wlog, const unsigned *idx, unsigned nidx)
{
	const struct cap_ev *last = &ev[idx[nidx - 1]];
	bool star = last->c_ret == SIM_BLOCKED || !last->c_step;
	uint32_t after = idx[nidx - 1] + 1 < n ? ev[idx[nidx - 1] + 1].c_wlog : end_wlog;
	struct row *r;

	/* A flusher row is a writeback pass over every dirty inode; a pass
	 * its timer started that wrote nothing is no row. */
	if (!strcmp(name, "flusher") && after == ev[idx[0]].c_wlog)
		return true;
	r = add_row(sy, star ? SCN_ITEM_STAR : SCN_ITEM_STEP, name, star ? NULL : last->c_step);
	if (!r)
		return false;
	r->r_kernel = true;
	for (unsigned k = 0; k < nidx; k++)
		r->r_touches |= touches(sy->sy_tg, &ev[idx[k]].c_fp);
	return true;
}

static bool done_early(const struct synth *sy, uint32_t id)
{
	for (unsigned i = 0; i < sy->sy_ndone; i++)
		if (sy->sy_done[i] == id)
			return true;
	return false;
}

/* A disk completion as `pcsim run` says it: '*' completes the first bio in
 * flight, a kind every bio of that kind in flight (so the later
 * completions of the others are no rows). Completions a kind row did
 * already: no row (*skip). */
static bool disk_row(struct synth *sy, const struct cap_ev *e, bool *skip)
{
	static const char *const kinds[] = { "data", "zero", "meta", "log", "commit", "flush" };
	bool star = e->c_bio_kind < 0 || e->c_bio_kind >= 6;
	struct row *r;

	*skip = e->c_bio_kind >= 0 && done_early(sy, e->c_bio_id);
	if (*skip)
		return true;
	for (unsigned j = 0; !star && j < e->c_nflight; j++)
		if (!done_early(sy, e->c_flight_id[j])) {
			star = e->c_flight_id[j] == e->c_bio_id;
			break;
		}
	for (unsigned j = 0; !star && j < e->c_nflight && sy->sy_ndone < 256; j++)
		if (e->c_flight_kind[j] == e->c_bio_kind && e->c_flight_id[j] != e->c_bio_id &&
		    !done_early(sy, e->c_flight_id[j]))
			sy->sy_done[sy->sy_ndone++] = e->c_flight_id[j];
	r = add_row(sy, star ? SCN_ITEM_STAR : SCN_ITEM_STEP, "disk",
		    star ? NULL : kinds[e->c_bio_kind]);
	if (!r)
		return false;
	r->r_kernel = true;
	r->r_touches = touches(sy->sy_tg, &e->c_fp);
	return true;
}

static bool is_lane_name(const char *name)
{
	return !strcmp(name, "flusher") || !strcmp(name, "jbd2") || !strcmp(name, "endio") ||
	       !strcmp(name, "dio");
}

static bool synthesize(const struct scn_file *g, struct synth *sy, struct sim *s,
		       const struct cap_ev *ev, unsigned n, uint32_t end_wlog)
{
	unsigned *idx = malloc((n ? n : 1) * sizeof(*idx)), nidx = 0;
	int cur = -2;		/* lane of the open block: thread index, or -1 - task id */
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
		int lane = -2;
		bool disk = false;

		if (i < n && ev[i].c_task >= 0) {
			const struct sim_task *t = sim_task(s, (unsigned)ev[i].c_task);

			if (sy->sy_thread[ev[i].c_task] >= 0)
				lane = sy->sy_thread[ev[i].c_task];
			else if (t && t->t_kernel && is_lane_name(t->t_name))
				lane = -1 - ev[i].c_task;
			else
				continue;	/* no lane for it */
		} else if (i < n) {
			if (!ev[i].c_step || strcmp(ev[i].c_step, "disk_complete"))
				continue;	/* a timer: the task it wakes has rows */
			if (ev[i].c_bio_kind >= 0 && done_early(sy, ev[i].c_bio_id))
				continue;	/* a kind row completed it */
			disk = true;
		}
		if (nidx && (i == n || disk || lane != cur)) {
			if (cur >= 0)
				ok = thread_block(g, sy, s, ev, n, idx, nidx, cur);
			else
				ok = kernel_block(sy, sim_task(s, (unsigned)(-1 - cur))->t_name, ev,
						  n, end_wlog, idx, nidx);
			nidx = 0;
		}
		if (ok && disk) {
			bool skip;

			ok = disk_row(sy, &ev[i], &skip);
		}
		if (i < n && !disk) {
			cur = lane;
			idx[nidx++] = i;
		}
	}
	free(idx);
	return ok;
}

/* ---- checking ---- */

bool __pcf_run_breaks(const struct scn_file *g, const char *path, const struct pcf_target *tg)
{
	char *text = scn_print_str(g), err[600];
	struct pcr_opts o = { .oracle = -1 };
	struct scn_file *h = NULL;
	struct scn_diag d;
	struct pcr_result r;
	bool breaks = false;

	if (text && scn_parse(path, text, strlen(text), &pcr_vocab, &h, &d) == 0 &&
	    pcr_run(h, path, h->f_nvariants ? 0 : -1, &o, &r, err, sizeof(err)) == 0) {
		for (unsigned i = 0; !r.r_error[0] && i < r.r_nviol; i++)
			breaks |= r.r_viol[i].v_inv == tg->t_inv && r.r_viol[i].v_file == tg->t_file &&
				  r.r_viol[i].v_off == tg->t_off && r.r_viol[i].v_len == tg->t_len;
		pcr_result_free(&r);
	}
	scn_free(h);
	free(text);
	return breaks;
}

/* g's race: the first base items, then rows keep[0..n) of sy. */
static bool set_rows(struct scn_file *g, uint32_t base, const struct synth *sy,
		     const bool *keep)
{
	g->f_nitems = base;
	g->f_ncolumns = 0;	/* lanes from the rows: a lane with no row is left out */
	for (uint32_t i = 0; i < sy->sy_n; i++)
		if (keep[i] && scn_append_item(g, &sy->sy_rows[i].r_item))
			return false;
	g->f_sched.present = g->f_nitems > 0;
	g->f_sched_form = g->f_nitems ? SCN_SCHED_RACE : SCN_SCHED_NONE;
	return true;
}

struct slicer {
	struct scn_file *g;
	const char *path;
	uint32_t base;
	const struct synth *sy;
	const struct pcf_target *tg;
	unsigned runs, budget;
};

static bool try_rows(struct slicer *c, const bool *keep)
{
	c->runs++;
	return set_rows(c->g, c->base, c->sy, keep) && __pcf_run_breaks(c->g, c->path, c->tg);
}

static unsigned count(const bool *keep, uint32_t n)
{
	unsigned k = 0;

	for (uint32_t i = 0; i < n; i++)
		k += keep[i];
	return k;
}

static void pin_survivors(struct scn_file *g, const char *path, const struct pcf_target *tg);

/* Greedy: chunks of kept rows (not fixed ones), halving down to one row,
 * last first; a deletion stays when the failure does. cand: scratch. */
static void greedy(struct slicer *c, bool *keep, const bool *fixed, bool *cand)
{
	uint32_t n = c->sy->sy_n;
	unsigned movable = 0;

	for (uint32_t i = 0; i < n; i++)
		movable += keep[i] && !(fixed && fixed[i]);
	for (unsigned len = movable / 2 ? movable / 2 : 1; len >= 1 && c->runs < c->budget;
	     len /= 2) {
		uint32_t end = n;

		while (end > 0 && c->runs < c->budget) {
			uint32_t at = end, got = 0;

			while (at > 0 && got < len)
				if (keep[--at] && !(fixed && fixed[at]))
					got++;
			if (!got)
				break;
			memcpy(cand, keep, n * sizeof(bool));
			for (uint32_t i = at; i < end; i++)
				if (!(fixed && fixed[i]))
					cand[i] = false;
			if (try_rows(c, cand))
				memcpy(keep, cand, n * sizeof(bool));
			end = at;
		}
	}
}

bool __pcf_race_reproducer(struct scn_file *g, const char *path, int inv, struct sim *s,
			   const struct sim_tape *tp, unsigned budget, struct pcf_target *tg,
			   struct pcf_slice *sl)
{
	struct cap k = { .k_ev = calloc(CAP_MAX_EVENTS, sizeof(struct cap_ev)) };
	struct synth sy = { .sy_rows = calloc(REPRO_MAX_ROWS, sizeof(struct row)), .sy_tg = tg };
	bool *keep = calloc(REPRO_MAX_ROWS, sizeof(bool)), ok = false;
	bool *cand = calloc(REPRO_MAX_ROWS, sizeof(bool));
	struct slicer c = { g, path, g->f_nitems, &sy, tg, 0, budget };
	enum scn_sched_form form = g->f_sched_form;
	bool present = g->f_sched.present;
	uint32_t ncols = g->f_ncolumns;

	memset(sl, 0, sizeof(*sl));
	if (!k.k_ev || !sy.sy_rows || !keep || !cand || !capture(&k, s, tp, inv, tg) ||
	    !synthesize(g, &sy, s, k.k_ev, k.k_n, k.k_end_wlog))
		goto out;
	sl->sl_candidate = sy.sy_n;
	/* The default order first: no rows at all. */
	if (try_rows(&c, keep)) {
		ok = true;
		goto out;
	}
	for (uint32_t i = 0; i < sy.sy_n; i++)
		keep[i] = true;
	if (!try_rows(&c, keep))
		goto out;
	ok = true;
	/* The footprint slice: kernel and disk rows that touch nothing the
	 * violation names, all at once. */
	memcpy(cand, keep, sy.sy_n * sizeof(bool));
	for (uint32_t i = 0; i < sy.sy_n; i++)
		if (sy.sy_rows[i].r_kernel && !sy.sy_rows[i].r_touches)
			cand[i] = false;
	if (count(cand, sy.sy_n) < sy.sy_n && try_rows(&c, cand)) {
		memcpy(keep, cand, sy.sy_n * sizeof(bool));
		sl->sl_footprint = count(keep, sy.sy_n);
	}
	greedy(&c, keep, NULL, cand);
	ok = set_rows(g, c.base, &sy, keep);
	sl->sl_rows = count(keep, sy.sy_n);
out:
	sl->sl_runs = c.runs;
	if (!ok) {
		g->f_nitems = c.base;
		g->f_sched_form = form;
		g->f_sched.present = present;
		g->f_ncolumns = ncols;
	}
	free(k.k_ev);
	free(sy.sy_rows);
	free(keep);
	free(cand);
	return ok;
}

/* ---- 80 columns ---- */

/* The widest line of the race section of a printed file (from "race" to
 * the next blank line). */
static size_t widest_race_line(const char *text)
{
	size_t w = 0, cur = 0;
	const char *p = text ? strstr(text, "\nrace\n") : NULL;

	for (; p && *p && strncmp(p, "\n\n", 2); p++) {
		if (*p == '\n') {
			w = cur > w ? cur : w;
			cur = 0;
		} else {
			cur++;
		}
	}
	return cur > w ? cur : w;
}

/* The width of the printed line that starts with prefix, 0 if none. */
static size_t line_width(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t w = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, n))
			return w;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int knob_set(struct scn_knob **k, uint32_t *n, uint32_t *cap, const char *name,
		    const char *value);

/* One variant's line over 80 columns: its knobs move to the fs line, one
 * at a time while that line stays within 80 (a variant's knobs apply on
 * top of the fs line's, so with one variant the run is the same). */
static void fit_variant(struct scn_file *g)
{
	struct scn_variant *v = &g->f_variants[0];

	for (uint32_t i = 0; i < v->v_nknobs;) {
		char *text = scn_print_str(g);
		size_t vw = text ? line_width(text, "variant ") : 0;
		struct scn_knob *saved;
		uint32_t nsaved = g->f_nknobs;
		bool fits;

		free(text);
		if (vw <= 80)
			return;
		saved = malloc((g->f_nknobs ? g->f_nknobs : 1) * sizeof(*saved));
		if (!saved)
			return;
		memcpy(saved, g->f_knobs, g->f_nknobs * sizeof(*saved));
		if (knob_set(&g->f_knobs, &g->f_nknobs, &g->f_knobs_cap, v->v_knobs[i].k_name,
			     v->v_knobs[i].k_value)) {
			free(saved);
			return;
		}
		text = scn_print_str(g);
		fits = text && line_width(text, "fs ") <= 80;
		free(text);
		if (fits) {
			memmove(&v->v_knobs[i], &v->v_knobs[i + 1],
				(v->v_nknobs - i - 1) * sizeof(*v->v_knobs));
			v->v_nknobs--;
		} else {
			memcpy(g->f_knobs, saved, nsaved * sizeof(*saved));
			g->f_nknobs = nsaved;
			i++;
		}
		free(saved);
	}
}

void __pcf_fit_80(struct scn_file *g)
{
	char *text;

	if (g->f_nvariants == 1)
		fit_variant(g);
	if (g->f_sched_form != SCN_SCHED_RACE)
		return;
	text = scn_print_str(g);
	if (text && widest_race_line(text) > 80)
		g->f_sched_form = SCN_SCHED_LINEAR;
	free(text);
}

/* ---- the reproducer file ---- */

/* Set knob name=value in a knob list (a variant's, or the fs line's),
 * replacing a knob of that name. */
static int knob_set(struct scn_knob **k, uint32_t *n, uint32_t *cap, const char *name,
		    const char *value)
{
	uint32_t i;

	for (i = 0; i < *n && strcmp((*k)[i].k_name, name); i++)
		;
	if (i == *n) {
		if (*n == *cap) {
			uint32_t c = *cap ? *cap * 2 : 4;
			struct scn_knob *m = realloc(*k, c * sizeof(*m));

			if (!m)
				return -1;
			*k = m;
			*cap = c;
		}
		memset(&(*k)[i], 0, sizeof((*k)[i]));
		snprintf((*k)[i].k_name, sizeof((*k)[i].k_name), "%s", name);
		(*n)++;
	}
	snprintf((*k)[i].k_value, sizeof((*k)[i].k_value), "%s", value);
	return 0;
}

/* The name of model file fi: files are numbered as the runner meets them
 * (setup, then each thread's operations). */
const char *__pcf_file_name(const struct scn_file *f, unsigned fi)
{
	const char *seen[PC_MAX_FILES];
	unsigned n = 0;

	for (uint32_t t = 0; t <= f->f_nthreads; t++) {
		const struct scn_op *ops = t == 0 ? f->f_setup_ops : f->f_threads[t - 1].t_ops;
		uint32_t nops = t == 0 ? f->f_setup_nops : f->f_threads[t - 1].t_nops;

		for (uint32_t i = 0; i < nops; i++) {
			unsigned j;

			for (j = 0; j < n && strcmp(seen[j], ops[i].o_file); j++)
				;
			if (j == n && n < PC_MAX_FILES && ops[i].o_file[0])
				seen[n++] = ops[i].o_file;
		}
	}
	return fi < n ? seen[fi] : "?";
}

/* The scenario of path/text with variant vi only (or its single
 * expectation), expecting inv alone, with oo's knob overrides on the
 * variant (or the fs line). NULL + message. */
static struct scn_file *one_variant(const char *path, const char *text, size_t text_len, int vi,
				    int inv, const struct pcr_opts *oo, char *err, size_t len)
{
	struct scn_file *g = NULL;
	struct scn_diag d;

	if (scn_parse(path, text, text_len, &pcr_vocab, &g, &d)) {
		snprintf(err, len, "cannot rebuild %s", path);
		return NULL;
	}
	if (vi >= 0) {
		for (uint32_t i = 0; i < g->f_nvariants; i++)
			if ((int)i != vi) {
				free(g->f_variants[i].v_knobs);
				free(g->f_variants[i].v_comment);
			}
		if (vi > 0)
			g->f_variants[0] = g->f_variants[vi];
		g->f_nvariants = 1;
		g->f_variants[0].v_expect.e_fail = true;
		g->f_variants[0].v_expect.e_invariants = 1u << inv;
	} else {
		g->f_expect.present = true;
		g->f_expect_v.e_fail = true;
		g->f_expect_v.e_invariants = 1u << inv;
	}
	/* The knobs the run had beyond the file's (--knob, and a swarm
	 * batch's configuration), so that pcsim run replays it. */
	for (unsigned i = 0; i < oo->noverrides; i++) {
		/* xfs names the log's interval after its log worker (the model
		 * accepts "commit" there too; a scenario file does not). */
		bool xlog = !strcmp(oo->override_name[i], "commit") && !strcmp(g->f_profile, "xfs");
		const char *kn = xlog ? "log_worker" : oo->override_name[i];
		const char *v = oo->override_value[i];
		size_t vl = strlen(v);
		char kv[sizeof(oo->override_value[0]) + 2];
		int r;

		/* commit's bare number is seconds, log_worker's centiseconds */
		snprintf(kv, sizeof(kv), "%s%s", v,
			 xlog && vl && isdigit((unsigned char)v[vl - 1]) ? "s" : "");
		r = vi >= 0 ? knob_set(&g->f_variants[0].v_knobs, &g->f_variants[0].v_nknobs,
				       &g->f_variants[0].v_cap, kn, kv)
			    : knob_set(&g->f_knobs, &g->f_nknobs, &g->f_knobs_cap, kn, kv);

		if (r) {
			snprintf(err, len, "out of memory");
			scn_free(g);
			return NULL;
		}
	}
	return g;
}

char *__pcf_reproducer(const struct pcf_repro_in *in, struct pcf_repro_out *out, char *err,
		       size_t len)
{
	struct scn_file *g = NULL;
	size_t need = sim_tape_format(in->ri_tp, NULL, 0) + 1;
	char *tape = malloc(need), *hdr = malloc(2048), *text = NULL;
	const char *vname = in->ri_vi >= 0 ? in->ri_f->f_variants[in->ri_vi].v_name : NULL;
	uint32_t base;
	int at;

	memset(out, 0, sizeof(*out));
	if (!tape || !hdr) {
		snprintf(err, len, "out of memory");
		goto done;
	}
	g = one_variant(in->ri_path, in->ri_text, in->ri_text_len, in->ri_vi, in->ri_inv,
			in->ri_oo, err, len);
	if (!g)
		goto done;
	sim_tape_format(in->ri_tp, tape, need);
	g->f_persist.present = false;
	g->f_persist_kind = SCN_PERSIST_UNSET;
	base = pcr_last_cut(g);
	for (uint32_t i = base; i < g->f_nitems; i++)
		free(g->f_items[i].si_op.o_comment);
	g->f_nitems = base;
	if (!g->f_nitems) {
		g->f_ncolumns = 0;
		g->f_sched_form = SCN_SCHED_NONE;
		g->f_sched.present = false;
	}
	out->ro_race = __pcf_race_reproducer(g, in->ri_path, in->ri_inv, in->ri_s, in->ri_tp,
					     in->ri_budget, &out->ro_tg, &out->ro_sl);
	if (out->ro_race)
		pin_survivors(g, in->ri_path, &out->ro_tg);
	if (!out->ro_race && need > SCN_MAX_LINE - 16) {
		snprintf(err, len, "the run is too long for a tape line (%zu bytes)", need);
		goto done;
	}
	for (uint32_t i = 0; i < g->f_nitems; i++)
		out->ro_rows += g->f_items[i].si_kind != SCN_ITEM_CRASH;
	{
		const char *leaf = strrchr(in->ri_path, '/');
		const char *shown = strlen(in->ri_path) + 7 <= 80 ? in->ri_path
				    : leaf ? leaf + 1 : in->ri_path;

		at = snprintf(hdr, 2048,
			      " Reproducer written by %s\n"
			      " from %s%s%s.\n",
			      in->ri_found_by, shown,
			      vname && strlen(shown) + strlen(vname) + 17 <= 80 ? " variant " : "",
			      vname && strlen(shown) + strlen(vname) + 17 <= 80 ? vname : "");
		if (out->ro_tg.t_len)
			at += snprintf(hdr + at, 2048 - (size_t)at, " %s: bytes %llu-%llu of %s%s.\n",
				       pc_invariant_names[in->ri_inv],
				       (unsigned long long)out->ro_tg.t_off,
				       (unsigned long long)(out->ro_tg.t_off + out->ro_tg.t_len - 1),
				       __pcf_file_name(g, out->ro_tg.t_file),
				       out->ro_tg.t_crash ? " after a crash" : "");
		else
			at += snprintf(hdr + at, 2048 - (size_t)at, " %s%s.\n",
				       pc_invariant_names[in->ri_inv],
				       out->ro_tg.t_crash ? " after a crash" : "");
		if (vname && strlen(shown) + strlen(vname) + 17 > 80)
			at += snprintf(hdr + at, 2048 - (size_t)at, " Variant %s.\n", vname);
	}
	if (out->ro_race && out->ro_sl.sl_rows)
		at += snprintf(hdr + at, 2048 - (size_t)at,
			       " The race keeps %u of the run's %u rows: those the failure needs\n"
			       " (pcsim run breaks the same invariant on the same bytes with\n"
			       " them); the rest runs in the default order after it.\n",
			       out->ro_sl.sl_rows, out->ro_sl.sl_candidate);
	else if (out->ro_race)
		at += snprintf(hdr + at, 2048 - (size_t)at,
			       " The default order of pcsim run fails: no race rows are needed.\n");
	else
		at += snprintf(hdr + at, 2048 - (size_t)at,
			       " No race diagram replays this run: the tape line decides every\n"
			       " choice of the last lifetime (past its end, the default one).\n");
	if (in->ri_out) {
		const char *leaf = strrchr(in->ri_out, '/');

		leaf = leaf ? leaf + 1 : in->ri_out;
		if (strlen(in->ri_out) + 20 <= 80)
			snprintf(hdr + at, 2048 - (size_t)at, " replay: pcsim run %s", in->ri_out);
		else if (strlen(in->ri_out) + 14 <= 80)
			snprintf(hdr + at, 2048 - (size_t)at, " replay:\n   pcsim run %s", in->ri_out);
		else if (strlen(leaf) + 14 <= 80)
			snprintf(hdr + at, 2048 - (size_t)at, " replay:\n   pcsim run %s", leaf);
		else
			snprintf(hdr + at, 2048 - (size_t)at, " replay: pcsim run on this file");
	}
	else if (at > 0 && hdr[at - 1] == '\n')
		hdr[at - 1] = 0;
	free(g->f_header);
	g->f_header = hdr;
	hdr = NULL;
	g->f_header_blank = true;
	if (!out->ro_race) {
		g->f_tape_info.present = true;
		g->f_tape = tape;
		tape = NULL;
	}
	__pcf_fit_80(g);
	text = scn_print_str(g);
done:
	free(tape);
	free(hdr);
	scn_free(g);
	return text;
}

/* ---- the crash state, and a file's own race ---- */

/* A violation found in a crash state: pin that state with `persist
 * survivors` (the writes that reached the media in the first crash state
 * pcsim run found broken), kept when pcsim run still breaks tg with it. */
static void pin_survivors(struct scn_file *g, const char *path, const struct pcf_target *tg)
{
	char *text = scn_print_str(g), err[600];
	struct pcr_opts o = { .oracle = -1 };
	struct scn_file *h = NULL;
	struct scn_diag d;
	struct pcr_result r;
	struct scn_line_info info = g->f_persist;
	enum scn_persist_kind kind = g->f_persist_kind;
	uint32_t nsurv = g->f_nsurvivors;
	bool ok = false;

	if (!tg->t_crash || nsurv || !text ||
	    scn_parse(path, text, strlen(text), &pcr_vocab, &h, &d) ||
	    pcr_run(h, path, h->f_nvariants ? 0 : -1, &o, &r, err, sizeof(err))) {
		scn_free(h);
		free(text);
		return;
	}
	if (r.r_crash_violation && !r.r_error[0]) {
		ok = true;
		g->f_persist.present = true;
		g->f_persist_kind = SCN_PERSIST_SURVIVORS;
		for (unsigned i = 0; ok && i < r.r_nsurvivors; i++)
			ok = scn_append_survivor(g, r.r_survivors[i]) == 0;
		ok = ok && __pcf_run_breaks(g, path, tg);
	}
	if (!ok) {
		g->f_persist = info;
		g->f_persist_kind = kind;
		g->f_nsurvivors = nsurv;
	}
	pcr_result_free(&r);
	scn_free(h);
	free(text);
}

char *pcx_slice_file(const char *path, const char *text, size_t text_len, int vi,
		       const struct pcr_opts *o, const struct pcf_target *tg, unsigned budget,
		       struct pcf_slice *sl, char *err, size_t len)
{
	struct scn_file *g = one_variant(path, text, text_len, vi, tg->t_inv, o, err, len);
	struct synth sy = { .sy_tg = tg };
	bool *keep = NULL, *fixed = NULL, *cand = NULL;
	struct slicer c = { g, path, 0, &sy, tg, 0, budget };
	char *out = NULL;

	memset(sl, 0, sizeof(*sl));
	if (!g)
		return NULL;
	if (g->f_tape) {
		snprintf(err, len, "a file with a tape line is replayed as it is, not sliced");
		goto done;
	}
	sy.sy_n = g->f_nitems;
	sy.sy_rows = calloc(sy.sy_n + 1, sizeof(*sy.sy_rows));
	keep = calloc(sy.sy_n + 1, sizeof(bool));
	fixed = calloc(sy.sy_n + 1, sizeof(bool));
	cand = calloc(sy.sy_n + 1, sizeof(bool));
	if (!sy.sy_rows || !keep || !fixed || !cand) {
		snprintf(err, len, "out of memory");
		goto done;
	}
	for (uint32_t i = 0; i < sy.sy_n; i++) {
		sy.sy_rows[i].r_item = g->f_items[i];
		sy.sy_rows[i].r_item.si_op.o_comment = NULL;
		keep[i] = true;
		/* crash rows stay: they decide the lifetimes and the crash point */
		fixed[i] = g->f_items[i].si_kind == SCN_ITEM_CRASH;
		sl->sl_candidate += !fixed[i];
	}
	for (uint32_t i = 0; i < sy.sy_n; i++)
		free(g->f_items[i].si_op.o_comment);
	if (!try_rows(&c, keep)) {
		snprintf(err, len, "pcsim run on the file's race alone does not break %s on the "
			 "same bytes", pc_invariant_names[tg->t_inv]);
		goto done;
	}
	greedy(&c, keep, fixed, cand);
	if (!set_rows(g, 0, &sy, keep)) {
		snprintf(err, len, "out of memory");
		goto done;
	}
	for (uint32_t i = 0; i < sy.sy_n; i++)
		sl->sl_rows += keep[i] && !fixed[i];
	pin_survivors(g, path, tg);
	__pcf_fit_80(g);
	if (!__pcf_run_breaks(g, path, tg)) {
		snprintf(err, len, "the sliced file does not break %s on the same bytes",
			 pc_invariant_names[tg->t_inv]);
		goto done;
	}
	out = scn_print_str(g);
done:
	sl->sl_runs = c.runs;
	free(sy.sy_rows);
	free(keep);
	free(fixed);
	free(cand);
	scn_free(g);
	return out;
}
