/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/dpor.c - source-set dynamic partial-order reduction: the race
 * analysis of one execution (see search_priv.h).
 *
 * Processes are the tasks plus one pseudo-process for events (timers and
 * completions firing, bit 63 of a scheduling mask); an event's footprint is
 * global unless the model gave it one (sim_event_set_fp, only with pending
 * events as choices). An execution is the sequence of its steps and events;
 * for each, in order:
 *
 *   1. its direct predecessors: per other process the latest event whose
 *      footprint conflicts with it (same object, one of them writes, or
 *      either global), the previous event of its own process, and the event
 *      that last made its task runnable (a wake-up or a kick: an enabling
 *      edge, so a task is never reordered before what woke it);
 *   2. its vector clock: the join of theirs (happens-before);
 *   3. its races: the conflicting predecessors not happening before
 *      another predecessor (at most one per process);
 *   4. for each race (e, e'), if the choice point before e could have run
 *      something else: v = notdep(e).e' (the events after e that do not
 *      happen after e, then e'); I = the processes whose first event in v
 *      has no predecessor in v. Unless a process of I is explored, to be
 *      explored or asleep at that choice point, add one (e''s own if it is
 *      in I).
 *
 * A race is reversible only when e''s task was runnable before e, or was
 * made runnable by an event that does not happen after e; otherwise it is
 * skipped. Per-object tables keep the latest read and write of each process
 * so step 1 costs O(footprint x processes), not O(execution).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/explore/search_priv.h"

#define DP_MAX_EVENTS (1u << 16)	/* longer executions are not analysed */
#define DP_MAX_OBJS   (1u << 14)	/* distinct objects in one execution */
#define DP_NPROC_MAX  (SIM_MAX_TASKS + 1)

struct dp_obj {
	uint32_t o_id;
	bool o_used;
	uint32_t o_at;		/* first of 2 * nproc slots in d_acc: writes, reads */
};

struct pcs_dpor {
	unsigned d_np;			/* processes: tasks + the event process */
	uint32_t *d_vc;			/* [n][np] local index (1-based) of the latest
					 * event of each process that happens before */
	uint32_t *d_lidx;		/* [n] the event's local index in its process */
	int32_t *d_prev;		/* [n] previous event of the same process */
	size_t d_cap_ev, d_cap_vc;
	struct dp_obj *d_obj;		/* open addressing on o_id */
	uint32_t *d_slots;		/* slots of d_obj in use, to clear them */
	int32_t *d_acc;			/* per object: [np] last write, [np] last read */
	uint32_t d_nobj, d_cap_obj;
	int32_t d_last[DP_NPROC_MAX];	/* latest event of each process */
	int32_t d_glob[DP_NPROC_MAX];	/* latest global-footprint event */
	uint32_t d_cnt[DP_NPROC_MAX];
};

static uint64_t bit(unsigned v)
{
	return v < 64 ? 1ULL << v : 0;
}

struct pcs_dpor *__pcs_dpor_new(void)
{
	return calloc(1, sizeof(struct pcs_dpor));
}

void __pcs_dpor_free(struct pcs_dpor *d)
{
	if (!d)
		return;
	free(d->d_vc);
	free(d->d_lidx);
	free(d->d_prev);
	free(d->d_obj);
	free(d->d_slots);
	free(d->d_acc);
	free(d);
}

/* The process of an event: its task, or the event process (np - 1). */
static unsigned proc_of(const struct pcs_dpor *d, const struct pcs_event *e)
{
	return e->e_task >= 0 ? (unsigned)e->e_task : d->d_np - 1;
}

/* The bit of process p in a scheduling mask. */
static uint64_t proc_bit(const struct pcs_dpor *d, unsigned p)
{
	return p == d->d_np - 1 ? bit(SIM_EVENT_BIT) : bit(p);
}

static uint32_t *vc(const struct pcs_dpor *d, int32_t i)
{
	return d->d_vc + (size_t)i * d->d_np;
}

/* Does event a happen before (or equal) event b? */
static bool hb(const struct pcs_dpor *d, const struct pcs_event *ev, int32_t a, int32_t b)
{
	return vc(d, b)[proc_of(d, &ev[a])] >= d->d_lidx[a];
}

static bool reserve(struct pcs_dpor *d, unsigned n)
{
	size_t need_vc = (size_t)n * d->d_np;

	if (n > d->d_cap_ev) {
		size_t cap = d->d_cap_ev ? d->d_cap_ev : 1024;
		uint32_t *l;
		int32_t *p;

		while (cap < n)
			cap *= 2;
		l = realloc(d->d_lidx, cap * sizeof(*l));
		if (l)
			d->d_lidx = l;
		p = l ? realloc(d->d_prev, cap * sizeof(*p)) : NULL;
		if (!p)
			return false;
		d->d_prev = p;
		d->d_cap_ev = cap;
	}
	if (need_vc > d->d_cap_vc) {
		size_t cap = d->d_cap_vc ? d->d_cap_vc : 16384;
		uint32_t *v;

		while (cap < need_vc)
			cap *= 2;
		v = realloc(d->d_vc, cap * sizeof(*v));
		if (!v)
			return false;
		d->d_vc = v;
		d->d_cap_vc = cap;
	}
	return true;
}

/* The object table, allocated once at its bound. */
static bool objs_init(struct pcs_dpor *d)
{
	if (d->d_obj)
		return true;
	d->d_cap_obj = DP_MAX_OBJS;
	d->d_obj = calloc(d->d_cap_obj, sizeof(*d->d_obj));
	d->d_slots = malloc((size_t)d->d_cap_obj / 2 * sizeof(*d->d_slots));
	d->d_acc = malloc((size_t)d->d_cap_obj / 2 * 2 * DP_NPROC_MAX * sizeof(*d->d_acc));
	if (d->d_obj && d->d_slots && d->d_acc)
		return true;
	free(d->d_obj);
	free(d->d_slots);
	free(d->d_acc);
	d->d_obj = NULL;
	d->d_slots = NULL;
	d->d_acc = NULL;
	return false;
}

static void objs_reset(struct pcs_dpor *d)
{
	for (uint32_t k = 0; k < d->d_nobj; k++)
		d->d_obj[d->d_slots[k]].o_used = false;
	d->d_nobj = 0;
}

/* The access table of object id; NULL when the table is full. */
static int32_t *obj_acc(struct pcs_dpor *d, uint32_t id)
{
	uint32_t i;

	for (i = (id * 2654435761u) & (d->d_cap_obj - 1); d->d_obj[i].o_used;
	     i = (i + 1) & (d->d_cap_obj - 1))
		if (d->d_obj[i].o_id == id)
			return d->d_acc + d->d_obj[i].o_at;
	if (d->d_nobj >= d->d_cap_obj / 2)
		return NULL;	/* keep the load at one half */
	d->d_obj[i].o_used = true;
	d->d_obj[i].o_id = id;
	d->d_slots[d->d_nobj] = i;
	d->d_obj[i].o_at = d->d_nobj++ * 2 * d->d_np;
	for (unsigned k = 0; k < 2 * d->d_np; k++)
		d->d_acc[d->d_obj[i].o_at + k] = -1;
	return d->d_acc + d->d_obj[i].o_at;
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* Per other process, the latest event conflicting with ev[j]. False when
 * the object table is full. */
static bool conflicts(struct pcs_dpor *d, const struct pcs_event *e, unsigned p, int32_t *cand)
{
	const struct sim_fp *fp = &e->e_fp;

	for (unsigned q = 0; q < d->d_np; q++)
		cand[q] = q == p ? -1 : fp->fp_global ? d->d_last[q] : d->d_glob[q];
	if (fp->fp_global)
		return true;
	for (unsigned k = 0; k < fp->fp_n; k++) {
		int32_t *acc = obj_acc(d, fp->fp_obj[k]);

		if (!acc)
			return false;
		for (unsigned q = 0; q < d->d_np; q++) {
			if (q == p)
				continue;
			cand[q] = max32(cand[q], acc[q]);	/* their writes */
			if (fp->fp_mode[k] & SIM_WRITE)
				cand[q] = max32(cand[q], acc[d->d_np + q]);	/* their reads */
		}
	}
	return true;
}

static void record_access(struct pcs_dpor *d, const struct pcs_event *e, unsigned p, int32_t j)
{
	const struct sim_fp *fp = &e->e_fp;

	d->d_last[p] = j;
	if (fp->fp_global) {
		d->d_glob[p] = j;
		return;
	}
	for (unsigned k = 0; k < fp->fp_n; k++) {
		int32_t *acc = obj_acc(d, fp->fp_obj[k]);	/* found in conflicts() */

		if (fp->fp_mode[k] & SIM_WRITE)
			acc[p] = j;
		if (fp->fp_mode[k] & SIM_READ)
			acc[d->d_np + p] = j;
	}
}

/* I: the processes whose first event in notdep(c).e' has no happens-before
 * predecessor in it, as a scheduling mask. */
static uint64_t initials(const struct pcs_dpor *d, const struct pcs_event *ev, int32_t c,
			 int32_t j)
{
	int32_t first[DP_NPROC_MAX];
	uint64_t init = 0, seen = 0;
	unsigned pj = proc_of(d, &ev[j]);

	for (int32_t u = c + 1; u <= j; u++) {
		unsigned pu = proc_of(d, &ev[u]);
		bool pred = false;

		if (u < j && hb(d, ev, c, u))
			continue;	/* happens after c: not in notdep */
		if (u == j && (seen & bit(pj)))
			break;		/* e''s process has an event in notdep */
		if (seen & bit(pu))
			continue;
		for (unsigned q = 0; q < d->d_np && !pred; q++)
			if ((seen & bit(q)) && vc(d, u)[q] >= d->d_lidx[first[q]])
				pred = true;
		seen |= bit(pu);
		first[pu] = u;
		if (!pred)
			init |= proc_bit(d, pu);
	}
	return init;
}

/* Was e''s task runnable before c, or made runnable by an event that does
 * not happen after c? */
static bool reversible(const struct pcs_dpor *d, const struct pcs_event *ev,
		       const struct pcs_frame *fr, int32_t c, int32_t j)
{
	int32_t u = j, en;

	if (fr->f_mask & proc_bit(d, proc_of(d, &ev[j])))
		return true;
	while (d->d_prev[u] > c)
		u = d->d_prev[u];	/* its first event after c */
	en = ev[u].e_enabler;
	return en > c && !hb(d, ev, c, en);
}

/* The alternatives of scheduling frame fr that the bound cuts. */
static uint64_t over_bound(const struct pcs_frame *fr, unsigned bound)
{
	if (fr->f_preempts >= bound)
		return fr->f_mask & ~bit((unsigned)__pcs_default_alt(fr));
	return 0;
}

/* Make frame fr explore one of the processes in init (already in its
 * domain) unless one is explored, to be explored or asleep there; prefer
 * pj, and alternatives within the bound. Under a bound, pj itself is added
 * when the bound allows it even if another initial is explored: that one
 * covers the reversal only through executions that may be over the bound. */
static void cover(struct pcs_frame *fr, uint64_t init, uint64_t pj, unsigned bound)
{
	uint64_t ok = init & ~over_bound(fr, bound), pick, have;

	have = fr->f_backtrack | fr->f_done | fr->f_sleep;
	if (bound != UINT32_MAX && (ok & pj) && !(have & pj)) {
		fr->f_backtrack |= pj;
		return;
	}
	if ((ok & have) || (!ok && (init & have)))
		return;		/* covered, or added already and cut */
	pick = ok ? ok : init;
	fr->f_backtrack |= pick & pj ? pj : pick & -pick;
}

static void race(struct pcs_dpor *d, const struct pcs_event *ev, int32_t c, int32_t j,
		 struct pcs_frame *f, uint32_t nf, unsigned bound)
{
	struct pcs_frame *fr;
	uint64_t init, pj = proc_bit(d, proc_of(d, &ev[j]));
	int32_t b;

	if (ev[c].e_frame < 0 || (uint32_t)ev[c].e_frame >= nf)
		return;		/* nothing else could run before c */
	fr = &f[ev[c].e_frame];
	if (fr->f_kind != SIM_CH_SCHED || !reversible(d, ev, fr, c, j))
		return;
	init = initials(d, ev, c, j);
	if (!(init & fr->f_mask))
		return;
	cover(fr, init & fr->f_mask, pj, bound);
	if (bound == UINT32_MAX)
		return;
	/* Under a bound, also where c's task was switched to: choosing another
	 * task there costs no more than the switch that happened, and the
	 * reversal may need fewer preemptions from there (Coons et al.). */
	for (b = c; b > 0 && ev[c].e_task >= 0 && ev[b - 1].e_task == ev[c].e_task; b--)
		;
	if (ev[b].e_frame >= 0 && ev[b].e_frame != ev[c].e_frame && (uint32_t)ev[b].e_frame < nf &&
	    f[ev[b].e_frame].f_kind == SIM_CH_SCHED) {
		fr = &f[ev[b].e_frame];
		if (fr->f_mask & pj)
			cover(fr, pj, pj, bound);	/* e''s task itself */
		else if (fr->f_mask & init)
			cover(fr, fr->f_mask & init, pj, bound);
	}
}

/* Vector clock and races of ev[j]; false when the object table is full. */
static bool analyse_one(struct pcs_dpor *d, const struct pcs_event *ev, int32_t j,
			struct pcs_frame *f, uint32_t nf, unsigned bound)
{
	unsigned p = proc_of(d, &ev[j]);
	int32_t cand[DP_NPROC_MAX], prev = d->d_last[p], en = ev[j].e_enabler;
	uint32_t *v = vc(d, j);

	if (!conflicts(d, &ev[j], p, cand))
		return false;
	memset(v, 0, d->d_np * sizeof(*v));
	for (unsigned q = 0; q <= d->d_np; q++) {
		int32_t from = q < d->d_np ? cand[q] : en >= 0 && en < j ? en : -1;

		if (from < 0)
			continue;
		for (unsigned r = 0; r < d->d_np; r++)
			v[r] = vc(d, from)[r] > v[r] ? vc(d, from)[r] : v[r];
	}
	if (prev >= 0)
		for (unsigned r = 0; r < d->d_np; r++)
			v[r] = vc(d, prev)[r] > v[r] ? vc(d, prev)[r] : v[r];
	d->d_cnt[p]++;
	d->d_lidx[j] = d->d_cnt[p];
	d->d_prev[j] = prev;
	v[p] = d->d_lidx[j];
	for (unsigned q = 0; q < d->d_np; q++) {
		int32_t c = cand[q];
		bool direct = c >= 0;

		/* c races with j unless it happens before another direct
		 * predecessor of j. */
		for (unsigned r = 0; r < d->d_np && direct; r++)
			if (r != q && cand[r] >= 0 && hb(d, ev, c, cand[r]))
				direct = false;
		if (direct && prev >= 0 && hb(d, ev, c, prev))
			direct = false;
		if (direct && en >= 0 && en < j && en != c && hb(d, ev, c, en))
			direct = false;
		if (direct)
			race(d, ev, c, j, f, nf, bound);
	}
	record_access(d, &ev[j], p, j);
	return true;
}

bool __pcs_dpor_analyse(struct pcs_dpor *d, const struct pcs_event *ev, unsigned n,
			unsigned ntasks, struct pcs_frame *f, uint32_t nf, unsigned bound)
{
	if (n > DP_MAX_EVENTS || ntasks > SIM_MAX_TASKS)
		return false;
	d->d_np = ntasks + 1;
	if (!reserve(d, n) || !objs_init(d))
		return false;
	objs_reset(d);
	for (unsigned q = 0; q < d->d_np; q++) {
		d->d_last[q] = -1;
		d->d_glob[q] = -1;
		d->d_cnt[q] = 0;
	}
	for (unsigned j = 0; j < n; j++)
		if (!analyse_one(d, ev, (int32_t)j, f, nf, bound))
			return false;
	return true;
}
