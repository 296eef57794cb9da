/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/search.c - stateless search over a simulation's choices
 * (see search.h).
 *
 * Exhaustive search keeps one frame per choice point of the current
 * execution (struct pcs_frame, search_priv.h): its domain, the alternative
 * taken, the alternatives explored, to explore (backtrack), asleep and cut
 * by the bound, the task that ran last, the deviations so far.
 *
 *   new frame     take the first alternative: the task that ran last (no
 *                 preemption), else the lowest task id, the early event
 *                 last; never a sleeping one;
 *   execution     pre_step() records every step and event with its
 *                 footprint, the frame that chose it and the step that made
 *                 its task runnable, and keeps the sleep set;
 *   end           with DPOR, dpor.c adds to the frames' backtrack sets;
 *   backtrack     the deepest frame with an alternative left (in backtrack,
 *                 not done, not asleep, within the bound) takes it; frames
 *                 above it are dropped.
 *
 * The sleep set carried to a child is the frame's sleep set plus its done
 * alternatives (explored in a sibling), minus every task whose next step is
 * dependent with a step executed since (pre_step filters it step by step).
 * An alternative in the sleep set is never chosen; a choice point whose
 * every alternative sleeps ends the execution as pruned. Alternatives cut
 * by the bound are not done, so never asleep.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/explore/search_priv.h"

#define PCS_MAX_FRAMES (1u << 20)
#define PCS_MAX_EVENTS (1u << 22)	/* steps recorded per execution */
#define NONE_V UINT64_MAX

struct pcs {
	struct sim *x_s;
	struct pcs_opts x_o;
	struct pcs_frame *x_f;
	uint32_t x_nf, x_cap;
	uint32_t x_depth, x_prefix;
	bool x_started, x_done, x_blocked;
	uint64_t x_sleep;		/* current sleep set */
	int16_t x_last;
	uint16_t x_preempts;
	uint16_t x_defer[2];		/* passed-over events, bios still pending */
	int32_t x_sched_frame;		/* frame of the scheduling choice just made */
	int32_t x_enabler[64];		/* per task: step that made it runnable */
	uint64_t x_runnable;		/* runnable mask before the last step */
	struct sim_tape x_tape;
	struct pcs_event *x_ev;
	unsigned x_nev, x_evcap;
	bool x_ev_overflow;
	struct pcs_dpor *x_dpor;
	uint64_t x_exec, x_rng;
	uint32_t x_prio[64];
	uint64_t x_change[16];
	unsigned x_nchange;
	uint64_t x_decisions, x_est;
	struct sim_tape x_replay;
	bool x_have_replay;
	uint64_t x_bounded, x_pruned, x_skipped, x_fallbacks;
};

static uint64_t bit(uint64_t v)
{
	return v < 64 ? 1ULL << v : 0;
}

/* Deviations that choosing v at f costs: for a scheduling choice 1 unless
 * v is the default; for a data choice the options newly passed over. */
static unsigned cost(const struct pcs_frame *f, uint64_t v)
{
	if (f->f_kind == SIM_CH_SCHED)
		return v != __pcs_default_alt(f);
	return v < f->f_defer ? 0 : (unsigned)(v - f->f_defer);
}

/* Which deferral counter a data choice kind uses: events, completions. */
static unsigned defer_slot(char kind)
{
	return kind == SIM_CH_EVENT ? 0 : 1;
}

/* The domain of f as a mask (options >= 64 of a data choice are not
 * explored: a disk has fewer bios in flight in every scenario). */
static uint64_t domain(const struct pcs_frame *f)
{
	if (f->f_kind == SIM_CH_SCHED)
		return f->f_mask;
	return f->f_n >= 64 ? ~0ULL : bit(f->f_n) - 1;
}

/* The next alternative of frame f, in order: the default one, then by
 * task id, the early event last; for data choices by index. Only alternatives in the backtrack set, not done, not asleep;
 * those over the bound are marked and counted. */
static uint64_t next_alternative(struct pcs *x, struct pcs_frame *f)
{
	for (int pass = 0; pass < 2; pass++) {
		uint64_t m = f->f_backtrack & ~f->f_done & ~f->f_bounded & ~f->f_sleep;

		if (pass == 0)
			m &= bit(__pcs_default_alt(f));
		while (m) {
			uint64_t v = (uint64_t)__builtin_ctzll(m);

			m &= m - 1;
			if (f->f_preempts + cost(f, v) > x->x_o.s_preempt_bound) {
				f->f_bounded |= bit(v);
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

static void set_child_state(struct pcs *x, const struct pcs_frame *f, uint32_t i, uint64_t v)
{
	if (f->f_kind == SIM_CH_SCHED) {
		x->x_sleep = x->x_o.s_sleep_sets
				     ? (f->f_sleep | (f->f_done & ~f->f_partial)) & ~bit(v) : 0;
		x->x_sched_frame = (int32_t)i;
	}
	x->x_preempts = (uint16_t)(f->f_preempts + cost(f, v));
	if (f->f_kind != SIM_CH_SCHED)
		x->x_defer[defer_slot(f->f_kind)] =
			(uint16_t)(v < f->f_defer ? (uint64_t)f->f_defer - 1 : v);
}

static struct pcs_frame *push_frame(struct pcs *x, const struct sim_choice *c)
{
	struct pcs_frame *f;

	if (x->x_nf == x->x_cap) {
		uint32_t cap = x->x_cap ? x->x_cap * 2 : 256;
		struct pcs_frame *n = cap <= PCS_MAX_FRAMES ? realloc(x->x_f, cap * sizeof(*n)) : NULL;

		if (!n)
			return NULL;
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
	f->f_defer = c->c_kind == SIM_CH_SCHED ? 0 : x->x_defer[defer_slot(c->c_kind)];
	f->f_sleep = c->c_kind == SIM_CH_SCHED && x->x_o.s_sleep_sets ? x->x_sleep & c->c_mask : 0;
	/* Without DPOR every alternative is to be explored; with it, a
	 * scheduling choice point explores what the races ask for. */
	f->f_backtrack = domain(f);
	return f;
}

static uint64_t ex_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct pcs *x = ctx;
	uint32_t i = x->x_depth++;
	struct pcs_frame *f;
	uint64_t v;

	if (i < x->x_prefix) {
		f = &x->x_f[i];
		if (f->f_kind != c->c_kind ||
		    (c->c_kind == SIM_CH_SCHED ? f->f_mask != c->c_mask : f->f_n != c->c_n)) {
			x->x_blocked = true;	/* the program is not deterministic */
			sim_stop(s, SIM_DIVERGED);
			return first_enabled(c);
		}
		set_child_state(x, f, i, f->f_chosen);
		return f->f_chosen;
	}
	f = push_frame(x, c);
	if (!f) {
		x->x_blocked = true;
		sim_stop(s, SIM_STEP_LIMIT);
		return first_enabled(c);
	}
	v = next_alternative(x, f);
	if (v == NONE_V) {
		/* Every alternative sleeps: an equivalent execution was
		 * explored already. */
		x->x_blocked = true;
		sim_stop(s, SIM_STOPPED);
		return first_enabled(c);
	}
	f->f_chosen = v;
	f->f_done |= bit(v);
	if (x->x_o.s_dpor && f->f_kind == SIM_CH_SCHED)
		f->f_backtrack = bit(v);
	set_child_state(x, f, i, v);
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
 * points the running task drops below every initial priority. Firing a
 * pending event early is not a task with a priority (the highest would
 * starve every task while timers keep firing): as in the random walk, one
 * time in eight. */
static uint64_t pct_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct pcs *x = ctx;
	uint64_t m = c->c_mask & ~bit(SIM_EVENT_BIT), best = 0;
	uint32_t bp = 0;

	if (c->c_kind != SIM_CH_SCHED)
		return rnd(x, c->c_n);
	x->x_decisions++;
	if (!m)
		return SIM_EVENT_BIT;
	if ((c->c_mask & bit(SIM_EVENT_BIT)) && rnd(x, 8) == 0)
		return SIM_EVENT_BIT;
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

static void record_event(struct pcs *x, const struct sim_task *t, const struct sim_fp *fp)
{
	struct pcs_event *e;
	const struct sim_step *st;

	if (x->x_nev == x->x_evcap) {
		unsigned cap = x->x_evcap ? x->x_evcap * 2 : 1024;
		struct pcs_event *n = cap <= PCS_MAX_EVENTS ? realloc(x->x_ev, cap * sizeof(*n))
							    : NULL;

		if (!n) {
			x->x_ev_overflow = true;
			return;
		}
		x->x_ev = n;
		x->x_evcap = cap;
	}
	e = &x->x_ev[x->x_nev++];
	st = t ? sim_task_next_step(t) : NULL;
	e->e_task = t ? (int16_t)t->t_id : -1;
	e->e_index = t ? (uint16_t)t->t_steps : 0;
	e->e_step = st ? st->name : NULL;
	e->e_fp = *fp;
	e->e_frame = x->x_sched_frame;
	e->e_enabler = t && t->t_id < 64 ? x->x_enabler[t->t_id] : -1;
	e->e_opi = t ? t->t_opi : 0;
	e->e_pc = t ? t->t_pc : 0;
	e->e_ret = SIM_DONE;
}

/* After a step: what it returned, on the event pre_step recorded. */
static void post_step(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r)
{
	struct pcs *x = ctx;

	if (x->x_nev && x->x_ev[x->x_nev - 1].e_task == (int16_t)t->t_id)
		x->x_ev[x->x_nev - 1].e_ret = (uint8_t)r;
}

/* Called before every step (t) and event (t == NULL). */
static void pre_step(void *ctx, const struct sim_task *t, const struct sim_fp *fp)
{
	struct pcs *x = ctx;
	uint64_t now = sim_runnable_mask(x->x_s), m;

	/* Tasks runnable now and not before the previous step: that step
	 * woke or kicked them. */
	for (m = x->x_nev ? now & ~x->x_runnable : 0; m; m &= m - 1)
		x->x_enabler[__builtin_ctzll(m)] = (int32_t)x->x_nev - 1;
	x->x_runnable = now;
	if (!x->x_ev_overflow)
		record_event(x, t, fp);
	x->x_sched_frame = -1;
	if (!t && fp->fp_global) {
		x->x_sleep = 0;
		return;
	}
	if (t && (x->x_sleep & bit(t->t_id))) {
		/* A sleeping task runs (it was the only one enabled): this
		 * execution is equivalent to one explored already. */
		x->x_blocked = true;
		sim_stop(x->x_s, SIM_STOPPED);
		return;
	}
	if (t)
		x->x_last = (int16_t)t->t_id;
	m = x->x_sleep;
	while (m) {
		uint64_t b = (uint64_t)__builtin_ctzll(m);
		const struct sim_task *o;
		struct sim_fp ofp;

		m &= m - 1;
		o = b < SIM_EVENT_BIT ? sim_task(x->x_s, (unsigned)b) : NULL;
		if (!o || o == t) {	/* the event alternative, or t itself */
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
	if (x->x_o.s_dpor) {
		x->x_o.s_sleep_sets = true;
		x->x_dpor = __pcs_dpor_new();
		if (!x->x_dpor) {
			free(x);
			return NULL;
		}
	}
	sim_tape_init(&x->x_tape);
	sim_tape_init(&x->x_replay);
	return x;
}

void pcs_free(struct pcs *x)
{
	if (!x)
		return;
	sim_set_pre_step(x->x_s, NULL, NULL);
	sim_set_step_observer(x->x_s, NULL, NULL);
	sim_set_chooser(x->x_s, NULL);
	sim_record(x->x_s, NULL);
	sim_replay(x->x_s, NULL);
	sim_tape_free(&x->x_tape);
	sim_tape_free(&x->x_replay);
	free(x->x_f);
	free(x->x_ev);
	__pcs_dpor_free(x->x_dpor);
	free(x);
}

int pcs_set_replay(struct pcs *x, const char *tape, size_t *errpos)
{
	if (sim_tape_parse(&x->x_replay, tape, errpos))
		return -1;
	x->x_have_replay = true;
	return 0;
}

/* The alternatives of a scheduling frame that DPOR never asked for: those
 * the bound allows count as left out by DPOR, the others as cut by the
 * bound (they would have been), so the counts compare across reductions. */
static void count_left_out(struct pcs *x, const struct pcs_frame *f)
{
	uint64_t m = f->f_mask & ~f->f_backtrack & ~f->f_done & ~f->f_sleep & ~f->f_bounded;

	for (; m; m &= m - 1) {
		uint64_t v = (uint64_t)__builtin_ctzll(m);

		if (f->f_preempts + cost(f, v) > x->x_o.s_preempt_bound)
			x->x_bounded++;
		else
			x->x_skipped++;
	}
}

/* Exhaustive: move to the next unexplored branch; false when none. A
 * scheduling frame left behind counts the alternatives DPOR did not need. */
static bool backtrack(struct pcs *x)
{
	while (x->x_nf > 0) {
		struct pcs_frame *f = &x->x_f[x->x_nf - 1];
		uint64_t v = next_alternative(x, f);

		if (v != NONE_V) {
			f->f_chosen = v;
			f->f_done |= bit(v);
			x->x_prefix = x->x_nf;
			return true;
		}
		if (f->f_kind == SIM_CH_SCHED)
			count_left_out(x, f);
		if ((f->f_bounded | f->f_partial) && x->x_nf > 1)
			x->x_f[x->x_nf - 2].f_partial |= bit(x->x_f[x->x_nf - 2].f_chosen);
		x->x_nf--;
	}
	return false;
}

/* DPOR: the races of the execution just run extend the backtrack sets;
 * an execution that cannot be analysed backtracks everywhere. */
static void dpor_update(struct pcs *x)
{
	if (!x->x_ev_overflow && __pcs_dpor_analyse(x->x_dpor, x->x_ev, x->x_nev,
						     sim_ntasks(x->x_s), x->x_f, x->x_nf,
						     x->x_o.s_preempt_bound))
		return;
	x->x_fallbacks++;
	for (uint32_t i = 0; i < x->x_nf; i++)
		if (x->x_f[i].f_kind == SIM_CH_SCHED)
			x->x_f[i].f_backtrack = x->x_f[i].f_mask;
}

static void reset_run(struct pcs *x)
{
	sim_reset(x->x_s);
	sim_tape_clear(&x->x_tape);
	x->x_depth = 0;
	x->x_sleep = 0;
	x->x_last = -1;
	x->x_preempts = 0;
	x->x_defer[0] = x->x_defer[1] = 0;
	x->x_nev = 0;
	x->x_ev_overflow = false;
	x->x_blocked = false;
	x->x_decisions = 0;
	x->x_sched_frame = -1;
	x->x_runnable = 0;
	for (unsigned i = 0; i < 64; i++)
		x->x_enabler[i] = -1;
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
	reset_run(x);
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
	sim_set_step_observer(s, post_step, x);
	sim_run(s);
	if (x->x_blocked)
		x->x_pruned++;
	if (x->x_o.s_strategy == PCS_EXHAUSTIVE && x->x_o.s_dpor && !x->x_have_replay)
		dpor_update(x);
	if (!x->x_est)
		x->x_est = x->x_decisions + 1;
	return true;
}

void pcs_set_exec(struct pcs *x, uint64_t n)
{
	x->x_exec = n ? n - 1 : 0;
}

struct lenient {
	struct pcs *l_x;
	const struct sim_tape *l_tp;
	uint32_t l_pos;
};

/* Count the deviations of choosing v at c, as the exhaustive search does. */
static void count_deviation(struct pcs *x, const struct sim_choice *c, uint64_t v)
{
	struct pcs_frame f = { .f_kind = c->c_kind, .f_n = c->c_n, .f_mask = c->c_mask,
			       .f_prev = x->x_last, .f_preempts = x->x_preempts };

	if (c->c_kind != SIM_CH_SCHED)
		f.f_defer = x->x_defer[defer_slot(c->c_kind)];
	set_child_state(x, &f, 0, v);
	x->x_sleep = 0;
	x->x_sched_frame = -1;
}

static uint64_t lenient_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct lenient *l = ctx;
	uint64_t v = first_enabled(c);

	if (l->l_pos < l->l_tp->tp_len) {
		uint64_t t = l->l_tp->tp_e[l->l_pos++].te_value;

		if (c->c_kind == SIM_CH_SCHED ? (c->c_mask & bit(t)) != 0 : t < c->c_n)
			v = t;
	}
	count_deviation(l->l_x, c, v);
	return v;
}

/* ---- estimation (Knuth, "Estimating the efficiency of backtrack
 * programs", 1975, with importance sampling; GenMC's estimation mode): a
 * random walk down the bounded tree, weighted by 1 / the probability of
 * each choice taken; the mean weight over walks is an unbiased estimate of
 * the tree's leaves (executions of the unreduced search within the bound).
 * A uniform choice would leave the default schedule at once and spend the
 * bound near the root, where few executions are; so a walk deviates with
 * probability (deviations left) / (choice points left, from the previous
 * walks' mean length), at most 1/2, and otherwise takes the default. */

struct estimate {
	struct pcs *e_x;
	double e_weight;
	double e_len;		/* choice points of a walk, mean so far (0: unknown) */
	uint32_t e_at;		/* choice points met in this walk */
	bool e_default_only;	/* calibration: every choice the default */
};

static uint64_t est_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct estimate *e = ctx;
	struct pcs *x = e->e_x;
	struct pcs_frame f = { .f_kind = c->c_kind, .f_n = c->c_n, .f_mask = c->c_mask,
			       .f_prev = x->x_last, .f_preempts = x->x_preempts };
	uint64_t m = 0, v, d, dev;
	uint32_t at = e->e_at++;

	(void)s;
	if (c->c_kind != SIM_CH_SCHED)
		f.f_defer = x->x_defer[defer_slot(c->c_kind)];
	d = __pcs_default_alt(&f);
	for (uint64_t dm = domain(&f); dm; dm &= dm - 1) {
		uint64_t a = (uint64_t)__builtin_ctzll(dm);

		if (f.f_preempts + cost(&f, a) <= x->x_o.s_preempt_bound)
			m |= bit(a);
	}
	m |= bit(d);	/* the default never costs */
	dev = m & ~bit(d);
	if (e->e_default_only || !dev) {
		v = d;
	} else {
		double left = x->x_o.s_preempt_bound == UINT32_MAX
				      ? 1e9 : (double)x->x_o.s_preempt_bound - f.f_preempts;
		double rest = e->e_len - at > 1 ? e->e_len - at : 1;
		double q = left > 0 ? left / rest : 0.5;

		if (q > 0.5)
			q = 0.5;
		if (q < 0.01)
			q = 0.01;
		if ((double)(sim_splitmix64(&x->x_rng) >> 11) / 9007199254740992.0 < q) {
			v = pick_bit(x, dev);
			e->e_weight *= (double)__builtin_popcountll(dev) / q;
		} else {
			v = d;
			e->e_weight /= 1 - q;
		}
	}
	set_child_state(x, &f, 0, v);
	x->x_sleep = 0;
	x->x_sched_frame = -1;
	return v;
}

static double est_walk(struct pcs *x, struct estimate *e)
{
	struct sim_chooser ch = { est_choose, e };
	struct sim *s = x->x_s;

	reset_run(x);
	e->e_weight = 1.0;
	e->e_at = 0;
	sim_replay(s, NULL);
	sim_set_chooser(s, &ch);
	sim_record(s, &x->x_tape);
	sim_set_pre_step(s, pre_step, x);
	sim_set_step_observer(s, post_step, x);
	sim_run(s);
	sim_set_chooser(s, NULL);
	return e->e_weight;
}

double pcs_estimate_probe(struct pcs *x, uint64_t seed, double *len)
{
	struct estimate e = { .e_x = x, .e_len = *len };
	double w;

	if (*len <= 0) {
		/* the default schedule first: how many choice points a walk has */
		e.e_default_only = true;
		est_walk(x, &e);
		e.e_len = e.e_at;
		e.e_default_only = false;
	}
	x->x_rng = seed;
	w = est_walk(x, &e);
	*len = *len <= 0 ? e.e_len : 0.9 * *len + 0.1 * e.e_at;
	return w;
}

void pcs_run_lenient(struct pcs *x, const struct sim_tape *tp)
{
	struct lenient l = { x, tp, 0 };
	struct sim_chooser ch = { lenient_choose, &l };
	struct sim *s = x->x_s;

	reset_run(x);
	sim_replay(s, NULL);
	sim_set_chooser(s, &ch);
	sim_record(s, &x->x_tape);
	sim_set_pre_step(s, pre_step, x);
	sim_set_step_observer(s, post_step, x);
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

unsigned pcs_deviations(const struct pcs *x)
{
	return x->x_preempts;
}

uint64_t pcs_dpor_skipped(const struct pcs *x)
{
	return x->x_skipped;
}

uint64_t pcs_dpor_fallbacks(const struct pcs *x)
{
	return x->x_fallbacks;
}
