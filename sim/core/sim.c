/* SPDX-License-Identifier: MIT */
/*
 * sim/core/sim.c - the simulation context, the arena, the run loop and the
 * single entry for nondeterminism (sim_choose).
 *
 * Run loop, one decision per sim_step():
 *
 *   enabled = runnable tasks (+ "fire next event" if early_events and one
 *             is pending)
 *   enabled empty  -> fire the earliest event (time jumps to it), or stop:
 *                     SIM_OK if every task with work is idle, else DEADLOCK
 *   one option     -> take it, no choice recorded
 *   several        -> sim_choose(SIM_CH_SCHED, enabled): replayed from the
 *                     tape, else decided by the chooser (default: lowest id)
 *
 * A step that blocks triggers a waits-for cycle check at once, so a deadlock
 * is reported where it forms, not when the run runs dry.
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/core_priv.h"

#define ALIGN 16

static size_t align_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void *sim_alloc(struct sim *s, size_t size)
{
	size_t at = align_up(s->s_arena_used);
	void *p;

	if (size > s->s_arena_size || at > s->s_arena_size - size)
		return NULL;
	p = s->s_arena + at;
	memset(p, 0, size);
	s->s_arena_used = at + size;
	return p;
}

size_t sim_arena_used(const struct sim *s)
{
	return s->s_arena_used;
}

struct sim *sim_create(const struct sim_config *cfg)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct sim_world *w;
	uint32_t nev = cfg->max_events > SIM_MAX_EVENTS ? cfg->max_events : SIM_MAX_EVENTS;
	size_t engine = align_up(sizeof(struct sim_world)) +
			align_up(nev * sizeof(struct sim_event)) +
			2 * align_up(nev * sizeof(uint32_t)) + 4 * ALIGN;

	if (!s)
		return NULL;
	s->s_cfg = *cfg;
	if (!s->s_cfg.step_limit)
		s->s_cfg.step_limit = SIM_DEFAULT_STEP_LIMIT;
	s->s_page = __sim_page_size();
	s->s_arena_size = engine + cfg->arena_size;
	/* Whole pages, zeroed by the kernel and committed only when touched:
	 * an arena sized generously costs nothing until used. */
	s->s_map_bytes = (s->s_arena_size + s->s_page - 1) / s->s_page * s->s_page;
	s->s_arena = __sim_arena_map(s->s_map_bytes);
	s->s_evidx = malloc(nev * sizeof(*s->s_evidx));
	if (!s->s_arena || !s->s_evidx) {
		__sim_arena_unmap(s->s_arena, s->s_map_bytes);
		free(s->s_evidx);
		free(s);
		return NULL;
	}
	w = sim_alloc(s, sizeof(*w));
	s->s_w = w;
	w->w_max_events = nev;
	w->w_ev = sim_alloc(s, nev * sizeof(*w->w_ev));
	w->w_heap = sim_alloc(s, nev * sizeof(*w->w_heap));
	w->w_free = sim_alloc(s, nev * sizeof(*w->w_free));
	__sim_events_init(s);
	__sim_prng_seed(s, cfg->seed);
	w->w_trace_hash = SIM_HASH_INIT;
	return s;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	__sim_wt_destroy(s);
	__sim_arena_unmap(s->s_arena, s->s_map_bytes);
	free(s->s_snap);
	free(s->s_evidx);
	free(s->s_cmp[0]);
	free(s->s_cmp[1]);
	free(s);
}

/* The snapshot holds whole pages (the pages covering the used arena), so a
 * dirty page is restored with one copy whatever part of it was written. */
int sim_snapshot(struct sim *s)
{
	size_t pages = (s->s_arena_used + s->s_page - 1) / s->s_page;
	size_t bytes = pages * s->s_page;
	unsigned char *n;

	__sim_wt_release(s);
	n = realloc(s->s_snap, bytes ? bytes : 1);
	if (!n)
		return -1;
	s->s_snap = n;
	memcpy(s->s_snap, s->s_arena, bytes);
	s->s_snap_used = s->s_arena_used;
	s->s_snap_pages = pages;
	__sim_wt_arm(s, pages);
	return 0;
}

void sim_reset(struct sim *s)
{
	assert(s->s_snap && "sim_reset without sim_snapshot");
	if (s->s_wt_armed) {
		s->s_last_reset_bytes = __sim_wt_restore(s);
	} else {
		/* untracked (PCSIM_FULL_RESET, or released by a commute check or
		 * a snapshot): the whole snapshot, then track again */
		memcpy(s->s_arena, s->s_snap, s->s_snap_pages * s->s_page);
		s->s_last_reset_bytes = s->s_snap_pages * s->s_page;
		if (s->s_wt_all)
			__sim_wt_arm(s, s->s_snap_pages);
	}
	s->s_arena_used = s->s_snap_used;
	s->s_divergence[0] = '\0';
	if (s->s_replay)
		s->s_replay->tp_pos = 0;
}

size_t sim_reset_bytes(const struct sim *s)
{
	return s->s_last_reset_bytes;
}

bool sim_write_tracking(const struct sim *s)
{
	return s->s_wt_armed;
}

/* Scratch buffer i of at least n bytes, kept across calls (the footprint
 * check runs thousands of pairs: no allocation and page faults each). */
static unsigned char *cmp_buf(struct sim *s, unsigned i, size_t n)
{
	if (n > s->s_cmp_cap[i]) {
		unsigned char *b = realloc(s->s_cmp[i], n);

		if (!b)
			return NULL;
		s->s_cmp[i] = b;
		s->s_cmp_cap[i] = n;
	}
	return s->s_cmp[i];
}

/* The world after one order of a pair, normalised (norm may clear what
 * legitimately follows the interleaving), for arena_same; NULL: no memory. */
static unsigned char *arena_take(struct sim *s, void (*norm)(struct sim *s), size_t *len)
{
	unsigned char *w;

	if (norm)
		norm(s);
	*len = s->s_arena_used;
	w = cmp_buf(s, 1, *len ? *len : 1);
	if (w)
		memcpy(w, s->s_arena, *len);
	return w;
}

/* The world now, normalised, against first: byte for byte (an exact
 * comparison, and cheaper than hashing both), less the trace hash (it
 * hashes the order of trace records). The arena is restored by the
 * caller. */
static bool arena_same(struct sim *s, void (*norm)(struct sim *s), const unsigned char *first,
		       size_t len)
{
	size_t th = offsetof(struct sim_world, w_trace_hash), te = th + sizeof(uint64_t);

	if (norm)
		norm(s);
	if (s->s_arena_used != len)
		return false;
	if (len <= te)
		return memcmp(s->s_arena, first, len) == 0;
	return memcmp(s->s_arena, first, th) == 0 &&
	       memcmp(s->s_arena + te, first + te, len - te) == 0;
}

/* One of the two moves sim_check_commute* compares: a task's next step, or
 * the k-th pending event fired. */
struct move {
	struct sim_task *m_task;	/* NULL: the event */
	uint32_t m_event;
};

static bool move_run(struct sim *s, const struct move *m)
{
	return m->m_task ? sim_step_task(s, m->m_task) : sim_fire_event_k(s, m->m_event);
}

/* Run x then y, and y then x, from the same world; compare the worlds.
 * 1: they differ, 0: equal, -1: an order could not run (or the world
 * stopped after x, when stop_ends). The world is restored either way. */
static int commute(struct sim *s, const struct move *x, const struct move *y,
		   void (*norm)(struct sim *s), bool stop_ends)
{
	size_t used = s->s_arena_used, len = 0;
	unsigned char *save = cmp_buf(s, 0, used ? used : 1), *first = NULL;
	int rc = -1;

	if (!save)
		return -1;
	/* the whole world is copied back and forth: stop tracking (the next
	 * reset copies the whole snapshot and tracks again) */
	__sim_wt_release(s);
	memcpy(save, s->s_arena, used);
	if (move_run(s, x) && !(stop_ends && s->s_w->w_stopped) && move_run(s, y)) {
		first = arena_take(s, norm, &len);
		memcpy(s->s_arena, save, used);
		s->s_arena_used = used;
		if (first && move_run(s, y) && move_run(s, x))
			rc = !arena_same(s, norm, first, len);
	}
	memcpy(s->s_arena, save, used);
	s->s_arena_used = used;
	return rc;
}

int sim_check_commute(struct sim *s, struct sim_task *a, struct sim_task *b,
		      void (*norm)(struct sim *s))
{
	struct move x = { .m_task = a }, y = { .m_task = b };

	return commute(s, &x, &y, norm, false);
}

int sim_check_commute_event(struct sim *s, struct sim_task *a, uint32_t k,
			    void (*norm)(struct sim *s))
{
	struct move x = { .m_task = a }, y = { .m_event = k };

	return commute(s, &x, &y, norm, true);
}

sim_time_t sim_now(const struct sim *s)
{
	return s->s_w->w_now;
}

uint64_t sim_steps(const struct sim *s)
{
	return s->s_w->w_steps;
}

void sim_set_priv(struct sim *s, void *priv)
{
	s->s_w->w_priv = priv;
}

void *sim_priv(const struct sim *s)
{
	return s->s_w->w_priv;
}

void sim_set_chooser(struct sim *s, const struct sim_chooser *c)
{
	if (c)
		s->s_chooser = *c;
	else
		memset(&s->s_chooser, 0, sizeof(s->s_chooser));
}

void sim_record(struct sim *s, struct sim_tape *tp)
{
	s->s_record = tp;
}

void sim_replay(struct sim *s, struct sim_tape *tp)
{
	s->s_replay = tp;
	if (tp)
		tp->tp_pos = 0;
}

const char *sim_divergence(const struct sim *s)
{
	return s->s_divergence;
}

void sim_stop(struct sim *s, enum sim_status why)
{
	if (!s->s_w->w_stopped) {
		s->s_w->w_stopped = true;
		s->s_w->w_status = why;
	}
}

enum sim_status sim_status(const struct sim *s)
{
	return s->s_w->w_status;
}

struct sim_task *sim_current(const struct sim *s)
{
	return s->s_w->w_cur;
}

uint64_t sim_runnable_mask(const struct sim *s)
{
	return s->s_w->w_runnable;
}

/* Default decision: the lowest enabled task, the event only when alone. */
static uint64_t default_choice(const struct sim_choice *c)
{
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t tasks = c->c_mask & ~(1ULL << SIM_EVENT_BIT);

		return (uint64_t)__builtin_ctzll(tasks ? tasks : c->c_mask);
	}
	return 0;
}

static bool choice_valid(const struct sim_choice *c, uint64_t v)
{
	if (c->c_kind == SIM_CH_SCHED)
		return v < 64 && (c->c_mask & (1ULL << v));
	return v < c->c_n;
}

static void describe(char *buf, size_t len, char kind, uint32_t n, uint64_t mask)
{
	if (kind == SIM_CH_SCHED)
		snprintf(buf, len, "s/%" PRIx64, mask);
	else
		snprintf(buf, len, "%c/%" PRIu32, kind, n);	/* p, c, w, e */
}

static void diverge(struct sim *s, uint32_t at, const struct sim_tape_entry *e,
		    const struct sim_choice *c)
{
	char want[40], got[40];

	describe(want, sizeof(want), e->te_kind, e->te_n, e->te_mask);
	describe(got, sizeof(got), c->c_kind, c->c_n, c->c_mask);
	snprintf(s->s_divergence, sizeof(s->s_divergence),
		 "replay diverged at choice %" PRIu32 " (step %" PRIu64 ", t=%" PRIu64
		 "ns): tape recorded %s, program offers %s",
		 at, s->s_w->w_steps, s->s_w->w_now, want, got);
	sim_stop(s, SIM_DIVERGED);
}

uint64_t sim_choose(struct sim *s, char kind, uint32_t n, uint64_t mask, uint32_t label)
{
	struct sim_choice c = { kind, n, mask, label };
	struct sim_tape *rp = s->s_replay;
	uint64_t v;

	if (kind == SIM_CH_SCHED ? __builtin_popcountll(mask) <= 1 : n <= 1)
		return default_choice(&c);
	if (rp && rp->tp_pos < rp->tp_len) {
		const struct sim_tape_entry *e = &rp->tp_e[rp->tp_pos];

		if (e->te_kind != kind || (kind == SIM_CH_SCHED ? e->te_mask != mask : e->te_n != n)) {
			diverge(s, rp->tp_pos, e, &c);
			return default_choice(&c);
		}
		rp->tp_pos++;
		v = e->te_value;
	} else if (s->s_chooser.choose) {
		v = s->s_chooser.choose(s, s->s_chooser.ctx, &c);
		if (!choice_valid(&c, v))
			v = default_choice(&c);
	} else {
		v = default_choice(&c);
	}
	if (s->s_record) {
		struct sim_tape_entry e = { .te_kind = kind, .te_n = n, .te_mask = mask,
					    .te_value = v };

		if (sim_tape_push(s->s_record, &e))
			sim_stop(s, SIM_STEP_LIMIT);
	}
	sim_trace(s, SIM_TR_CHOICE, -1, kind == SIM_CH_SCHED ? "sched" : "pick", v,
		  kind == SIM_CH_SCHED ? mask : n);
	return v;
}

static void run_task(struct sim *s, struct sim_task *t)
{
	char why[256];

	__sim_task_run_step(s, t);
	if (t->t_state == SIM_TASK_BLOCKED && sim_deadlock_check(s, why, sizeof(why)) &&
	    strncmp(why, "waits-for", 9) == 0) {
		sim_trace_note(s, t->t_id, "deadlock", 0, 0, "%s", why);
		sim_stop(s, SIM_DEADLOCK);
	}
	if (s->s_w->w_steps >= s->s_cfg.step_limit)
		sim_stop(s, SIM_STEP_LIMIT);
}

bool sim_step_task(struct sim *s, struct sim_task *t)
{
	if (s->s_w->w_stopped || t->t_state != SIM_TASK_RUNNABLE)
		return false;
	run_task(s, t);
	return true;
}

bool sim_step(struct sim *s)
{
	struct sim_world *w = s->s_w;
	uint64_t mask;
	uint64_t v;

	if (w->w_stopped)
		return false;
	mask = w->w_runnable;
	if (!mask) {
		char why[256];

		if (s->s_cfg.early_events && w->w_nlive > 1) {
			uint64_t k = sim_choose(s, SIM_CH_EVENT, w->w_nlive, 0, 0);

			if (!w->w_stopped && sim_fire_event_k(s, (uint32_t)k))
				return !w->w_stopped;
		}
		if (sim_fire_next_event(s))
			return !w->w_stopped;
		if (w->w_stopped)
			return false;
		if (sim_deadlock_check(s, why, sizeof(why))) {
			sim_trace_note(s, -1, "deadlock", 0, 0, "%s", why);
			sim_stop(s, SIM_DEADLOCK);
		} else {
			w->w_status = SIM_OK;	/* quiescent; more work may be added */
		}
		return false;
	}
	if (s->s_cfg.early_events && w->w_nlive)
		mask |= 1ULL << SIM_EVENT_BIT;
	v = sim_choose(s, SIM_CH_SCHED, 0, mask, 0);
	if (w->w_stopped)
		return false;
	if (v == SIM_EVENT_BIT) {
		uint64_t k = w->w_nlive > 1 ? sim_choose(s, SIM_CH_EVENT, w->w_nlive, 0, 0) : 0;

		if (!w->w_stopped)
			sim_fire_event_k(s, (uint32_t)k);
	} else {
		run_task(s, w->w_tasks[v]);
	}
	return !w->w_stopped;
}

enum sim_status sim_run(struct sim *s)
{
	while (sim_step(s))
		;
	return s->s_w->w_status;
}
