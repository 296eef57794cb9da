/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/search.c - stateless search over a simulation's choices
 * (see search.h).
 *
 * Exhaustive search keeps one frame per choice point of the current
 * execution:
 *
 *   frame: domain (enabled tasks, or n options), the alternative taken,
 *          the alternatives already explored ("done"), the sleep set on
 *          arrival, the task that ran last, preemptions so far.
 *
 * The sleep set carried to a child is the frame's sleep set plus its done
 * alternatives (they were explored in a sibling), minus every task whose
 * next step is dependent with a step executed since (the pre-step hook
 * filters it step by step). An alternative in the sleep set is never
 * chosen; a choice point whose every alternative sleeps ends the
 * execution as pruned.
 *
 * A preemption is choosing a task (or an early event) while the task that
 * ran the previous step is still enabled; alternatives over the bound are
 * skipped and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/explore/search.h"

#define PCS_MAX_FRAMES (1u << 20)
#define NONE_V UINT64_MAX

struct frame {
	char f_kind;
	uint32_t f_n;
	uint64_t f_mask;
	uint64_t f_chosen;
	uint64_t f_done;	/* bit per alternative value (< 64) */
	uint64_t f_sleep;
	int16_t f_prev;		/* task that ran before the choice, -1 none */
	uint16_t f_preempts;
};

struct pcs {
	struct sim *x_s;
	struct pcs_opts x_o;
	struct frame *x_f;
	uint32_t x_nf, x_cap;
	uint32_t x_depth, x_prefix;
	bool x_started, x_done, x_blocked;
	uint64_t x_sleep;		/* current sleep set */
	int16_t x_last;
	uint16_t x_preempts;
	struct sim_tape x_tape;
	struct pcs_event *x_ev;
	unsigned x_nev, x_evcap;
	uint64_t x_exec, x_rng;
	uint32_t x_prio[64];
	uint64_t x_change[16];
	unsigned x_nchange;
	uint64_t x_decisions, x_est;
	struct sim_tape x_replay;
	bool x_have_replay;
	uint64_t x_bounded, x_pruned;
};

static uint64_t bit(uint64_t v)
{
	return v < 64 ? 1ULL << v : 0;
}

static bool is_preemption(const struct frame *f, uint64_t v)
{
	return f->f_kind == SIM_CH_SCHED && f->f_prev >= 0 && v != (uint64_t)f->f_prev &&
	       (f->f_mask & bit((uint64_t)f->f_prev));
}

/* The next alternative of frame f, in order: the task that ran last
 * (no preemption), then by id, then the early event. */
static uint64_t next_alternative(struct pcs *x, struct frame *f)
{
	if (f->f_kind != SIM_CH_SCHED) {
		for (uint64_t v = 0; v < f->f_n && v < 64; v++)
			if (!(f->f_done & bit(v)))
				return v;
		return NONE_V;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint64_t m = f->f_mask & ~f->f_done;

		if (pass == 0)
			m &= f->f_prev >= 0 ? bit((uint64_t)f->f_prev) : 0;
		while (m) {
			uint64_t v = (uint64_t)__builtin_ctzll(m);

			m &= m - 1;
			if (f->f_sleep & bit(v))
				continue;
			if (is_preemption(f, v) && f->f_preempts >= x->x_o.s_preempt_bound) {
				f->f_done |= bit(v);
				x->x_bounded++;
				continue;
			}
			return v;
		}
	}
	return NONE_V;
}

static uint64_t first_enabled(const struct sim_choice *c)
{
	uint64_t m = c->c_mask & ~bit(SIM_EVENT_BIT);

	if (c->c_kind != SIM_CH_SCHED)
		return 0;
	return (uint64_t)__builtin_ctzll(m ? m : c->c_mask);
}

static void set_child_state(struct pcs *x, const struct frame *f, uint64_t v)
{
	if (f->f_kind == SIM_CH_SCHED) {
		x->x_sleep = x->x_o.s_sleep_sets ? (f->f_sleep | f->f_done) & ~bit(v) : 0;
		x->x_preempts = (uint16_t)(f->f_preempts + (is_preemption(f, v) ? 1 : 0));
	}
}

static uint64_t ex_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct pcs *x = ctx;
	uint32_t i = x->x_depth++;
	struct frame *f;
	uint64_t v;

	if (i < x->x_prefix) {
		f = &x->x_f[i];
		if (f->f_kind != c->c_kind ||
		    (c->c_kind == SIM_CH_SCHED ? f->f_mask != c->c_mask : f->f_n != c->c_n)) {
			x->x_blocked = true;	/* the program is not deterministic */
			sim_stop(s, SIM_DIVERGED);
			return first_enabled(c);
		}
		set_child_state(x, f, f->f_chosen);
		return f->f_chosen;
	}
	if (x->x_nf == x->x_cap) {
		uint32_t cap = x->x_cap ? x->x_cap * 2 : 256;
		struct frame *n = cap <= PCS_MAX_FRAMES ? realloc(x->x_f, cap * sizeof(*n)) : NULL;

		if (!n) {
			x->x_blocked = true;
			sim_stop(s, SIM_STEP_LIMIT);
			return first_enabled(c);
		}
		x->x_f = n;
		x->x_cap = cap;
	}
	f = &x->x_f[x->x_nf++];
	memset(f, 0, sizeof(*f));
	f->f_kind = c->c_kind;
	f->f_n = c->c_n;
	f->f_mask = c->c_mask;
	f->f_prev = x->x_last;
	f->f_preempts = x->x_preempts;
	f->f_sleep = c->c_kind == SIM_CH_SCHED && x->x_o.s_sleep_sets ? x->x_sleep & c->c_mask : 0;
	v = next_alternative(x, f);
	if (v == NONE_V) {
		/* Every alternative sleeps (or is over the bound): an
		 * equivalent execution was explored already. */
		x->x_blocked = true;
		sim_stop(s, SIM_STOPPED);
		return first_enabled(c);
	}
	f->f_chosen = v;
	f->f_done |= bit(v);
	set_child_state(x, f, v);
	return v;
}

/* ---- random and PCT ---- */

static uint64_t rnd(struct pcs *x, uint64_t n)
{
	return n ? sim_splitmix64(&x->x_rng) % n : 0;
}

static uint64_t pick_bit(struct pcs *x, uint64_t m)
{
	uint64_t k = rnd(x, (uint64_t)__builtin_popcountll(m));

	while (k--)
		m &= m - 1;
	return (uint64_t)__builtin_ctzll(m);
}

static uint64_t rand_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct pcs *x = ctx;

	x->x_decisions++;
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t tasks = c->c_mask & ~bit(SIM_EVENT_BIT);

		/* An early event (a timer or completion firing before runnable
		 * tasks move) one time in eight: otherwise pending I/O would
		 * complete almost at once and long windows would never open. */
		if (tasks && (c->c_mask & bit(SIM_EVENT_BIT)) && rnd(x, 8) == 0)
			return SIM_EVENT_BIT;
		return pick_bit(x, tasks ? tasks : c->c_mask);
	}
	return rnd(x, c->c_n);
}

/* PCT: the enabled task with the highest priority runs; at the d-1 change
 * points the running task drops below every initial priority. */
static uint64_t pct_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct pcs *x = ctx;
	uint64_t m = c->c_mask, best = 0;
	uint32_t bp = 0;

	if (c->c_kind != SIM_CH_SCHED)
		return rnd(x, c->c_n);
	x->x_decisions++;
	while (m) {
		uint64_t v = (uint64_t)__builtin_ctzll(m);

		m &= m - 1;
		if (x->x_prio[v] >= bp) {
			bp = x->x_prio[v];
			best = v;
		}
	}
	for (unsigned j = 0; j < x->x_nchange; j++)
		if (x->x_change[j] == x->x_decisions)
			x->x_prio[best] = j + 1;	/* lower than every initial one */
	return best;
}

static void pct_prepare(struct pcs *x)
{
	unsigned d = x->x_o.s_pct_depth ? x->x_o.s_pct_depth : 1;

	for (unsigned i = 0; i < 64; i++)
		x->x_prio[i] = 100 + (uint32_t)rnd(x, 1u << 20) * 64 + i;	/* distinct */
	x->x_nchange = d - 1 < 16 ? d - 1 : 16;
	for (unsigned j = 0; j < x->x_nchange; j++)
		x->x_change[j] = 1 + rnd(x, x->x_est ? x->x_est : 1000);
}

/* ---- bookkeeping of executed steps ---- */

static void pre_step(void *ctx, const struct sim_task *t, const struct sim_fp *fp)
{
	struct pcs *x = ctx;
	uint64_t m;

	if (x->x_nev == x->x_evcap) {
		unsigned cap = x->x_evcap ? x->x_evcap * 2 : 1024;
		struct pcs_event *n = realloc(x->x_ev, cap * sizeof(*n));

		if (n) {
			x->x_ev = n;
			x->x_evcap = cap;
		}
	}
	if (x->x_nev < x->x_evcap) {
		struct pcs_event *e = &x->x_ev[x->x_nev++];

		const struct sim_step *st = t ? sim_task_next_step(t) : NULL;

		e->e_task = t ? (int16_t)t->t_id : -1;
		e->e_index = t ? (uint16_t)t->t_steps : 0;
		e->e_step = st ? st->name : NULL;
		e->e_fp = *fp;
	}
	if (!t) {
		x->x_sleep = 0;
		return;
	}
	if (x->x_sleep & bit(t->t_id)) {
		/* A sleeping task runs (it was the only one enabled): this
		 * execution is equivalent to one explored already. */
		x->x_blocked = true;
		sim_stop(x->x_s, SIM_STOPPED);
		return;
	}
	x->x_last = (int16_t)t->t_id;
	m = x->x_sleep;
	while (m) {
		uint64_t b = (uint64_t)__builtin_ctzll(m);
		const struct sim_task *o;
		struct sim_fp ofp;

		m &= m - 1;
		o = b < SIM_EVENT_BIT ? sim_task(x->x_s, (unsigned)b) : NULL;
		if (!o || o == t) {
			x->x_sleep &= ~bit(b);
			continue;
		}
		sim_task_footprint(x->x_s, o, &ofp);
		if (sim_fp_dependent(&ofp, fp))
			x->x_sleep &= ~bit(b);
	}
}

/* ---- the driver ---- */

struct pcs *pcs_new(struct sim *s, const struct pcs_opts *o)
{
	struct pcs *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->x_s = s;
	x->x_o = *o;
	if (!x->x_o.s_bounded)
		x->x_o.s_preempt_bound = UINT32_MAX;
	sim_tape_init(&x->x_tape);
	sim_tape_init(&x->x_replay);
	return x;
}

void pcs_free(struct pcs *x)
{
	if (!x)
		return;
	sim_set_pre_step(x->x_s, NULL, NULL);
	sim_set_chooser(x->x_s, NULL);
	sim_record(x->x_s, NULL);
	sim_replay(x->x_s, NULL);
	sim_tape_free(&x->x_tape);
	sim_tape_free(&x->x_replay);
	free(x->x_f);
	free(x->x_ev);
	free(x);
}

int pcs_set_replay(struct pcs *x, const char *tape, size_t *errpos)
{
	if (sim_tape_parse(&x->x_replay, tape, errpos))
		return -1;
	x->x_have_replay = true;
	return 0;
}

/* Exhaustive: move to the next unexplored branch; false when none. */
static bool backtrack(struct pcs *x)
{
	while (x->x_nf > 0) {
		struct frame *f = &x->x_f[x->x_nf - 1];
		uint64_t v = next_alternative(x, f);

		if (v != NONE_V) {
			f->f_chosen = v;
			f->f_done |= bit(v);
			x->x_prefix = x->x_nf;
			return true;
		}
		x->x_nf--;
	}
	return false;
}

bool pcs_next(struct pcs *x)
{
	struct sim *s = x->x_s;
	struct sim_chooser ch = { NULL, x };

	if (x->x_done)
		return false;
	if (x->x_have_replay) {
		if (x->x_started) {
			x->x_done = true;
			return false;
		}
	} else if (x->x_o.s_strategy == PCS_EXHAUSTIVE && x->x_started && !backtrack(x)) {
		x->x_done = true;
		return false;
	}
	x->x_started = true;
	x->x_exec++;
	sim_reset(s);
	sim_tape_clear(&x->x_tape);
	x->x_depth = 0;
	x->x_sleep = 0;
	x->x_last = -1;
	x->x_preempts = 0;
	x->x_nev = 0;
	x->x_blocked = false;
	x->x_decisions = 0;
	x->x_rng = x->x_o.s_seed ^ (x->x_exec * 0x9e3779b97f4a7c15ULL);
	switch (x->x_o.s_strategy) {
	case PCS_EXHAUSTIVE:
		ch.choose = ex_choose;
		break;
	case PCS_RANDOM:
		ch.choose = rand_choose;
		break;
	case PCS_PCT:
		pct_prepare(x);
		ch.choose = pct_choose;
		break;
	}
	if (x->x_have_replay) {
		ch.choose = NULL;
		sim_replay(s, &x->x_replay);
	}
	sim_set_chooser(s, &ch);
	sim_record(s, &x->x_tape);
	sim_set_pre_step(s, pre_step, x);
	sim_run(s);
	if (x->x_blocked)
		x->x_pruned++;
	if (!x->x_est)
		x->x_est = x->x_decisions + 1;
	return true;
}

void pcs_set_exec(struct pcs *x, uint64_t n)
{
	x->x_exec = n ? n - 1 : 0;
}

struct lenient {
	const struct sim_tape *l_tp;
	uint32_t l_pos;
};

static uint64_t lenient_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct lenient *l = ctx;
	uint64_t v;

	if (l->l_pos >= l->l_tp->tp_len)
		return first_enabled(c);
	v = l->l_tp->tp_e[l->l_pos++].te_value;
	if (c->c_kind == SIM_CH_SCHED ? !(c->c_mask & bit(v)) : v >= c->c_n)
		return first_enabled(c);
	return v;
}

void pcs_run_lenient(struct pcs *x, const struct sim_tape *tp)
{
	struct lenient l = { tp, 0 };
	struct sim_chooser ch = { lenient_choose, &l };
	struct sim *s = x->x_s;

	sim_reset(s);
	sim_tape_clear(&x->x_tape);
	x->x_nev = 0;
	x->x_blocked = false;
	sim_replay(s, NULL);
	sim_set_chooser(s, &ch);
	sim_record(s, &x->x_tape);
	sim_set_pre_step(s, pre_step, x);
	x->x_sleep = 0;
	sim_run(s);
	sim_set_chooser(s, NULL);
}

bool pcs_pruned(const struct pcs *x)
{
	return x->x_blocked;
}

const struct sim_tape *pcs_tape(const struct pcs *x)
{
	return &x->x_tape;
}

const struct pcs_event *pcs_events(const struct pcs *x, unsigned *n)
{
	*n = x->x_nev;
	return x->x_ev;
}

uint64_t pcs_bounded(const struct pcs *x)
{
	return x->x_bounded;
}

uint64_t pcs_pruned_total(const struct pcs *x)
{
	return x->x_pruned;
}
