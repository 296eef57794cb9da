/* SPDX-License-Identifier: MIT */
/*
 * sim/core/event.c - the event queue.
 *
 * A binary min-heap of event slots ordered by (ev_time, ev_seq). ev_seq is a
 * counter bumped at every sim_event_at(), so two events for the same time fire
 * in the order they were scheduled (like libuv's timer start_id).
 *
 * Cancellation is lazy: sim_event_cancel() clears ev_live and the slot stays
 * in the heap until it reaches the head, where __sim_event_pop() discards it
 * and frees the slot. An event fired out of order (sim_fire_event_k,
 * sim_fire_event_named) leaves the heap at once. When the free list runs
 * dry, the heap is rebuilt from its live events, which frees every
 * cancelled slot (a live event that never reaches the head must not pin
 * dead ones). A handle carries the slot's generation, so a stale handle
 * (fired or cancelled) never touches a reused slot.
 */
#include <assert.h>
#include <string.h>

#include "sim/core/core_priv.h"

void __sim_events_init(struct sim *s)
{
	struct sim_world *w = s->s_w;

	w->w_nheap = 0;
	w->w_nlive = 0;
	w->w_nfree = w->w_max_events;
	for (uint32_t i = 0; i < w->w_max_events; i++)
		w->w_free[i] = w->w_max_events - 1 - i;	/* pop gives slot 0 first */
}

static bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->ev_time != b->ev_time)
		return a->ev_time < b->ev_time;
	return a->ev_seq < b->ev_seq;
}

static void heap_up(struct sim_world *w, uint32_t i)
{
	uint32_t slot = w->w_heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!ev_before(&w->w_ev[slot], &w->w_ev[w->w_heap[parent]]))
			break;
		w->w_heap[i] = w->w_heap[parent];
		i = parent;
	}
	w->w_heap[i] = slot;
}

static void heap_down(struct sim_world *w, uint32_t i)
{
	uint32_t slot = w->w_heap[i];

	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		const struct sim_event *best = &w->w_ev[slot];

		if (l < w->w_nheap && ev_before(&w->w_ev[w->w_heap[l]], best)) {
			m = l;
			best = &w->w_ev[w->w_heap[l]];
		}
		if (l + 1 < w->w_nheap && ev_before(&w->w_ev[w->w_heap[l + 1]], best))
			m = l + 1;
		if (m == i)
			break;
		w->w_heap[i] = w->w_heap[m];
		i = m;
	}
	w->w_heap[i] = slot;
}

/* Free slot `slot` (no longer live) and bump its generation. */
static void slot_free(struct sim_world *w, uint32_t slot)
{
	w->w_ev[slot].ev_gen++;
	w->w_free[w->w_nfree++] = slot;
}

/* Take heap position i out of the heap (the slot is not freed). */
static void heap_remove_at(struct sim_world *w, uint32_t i)
{
	uint32_t last = w->w_heap[--w->w_nheap];

	if (i == w->w_nheap)
		return;
	w->w_heap[i] = last;
	heap_up(w, i);
	heap_down(w, i);
}

/* Drop every cancelled event from the heap and free its slot. */
static void heap_compact(struct sim_world *w)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < w->w_nheap; i++) {
		uint32_t slot = w->w_heap[i];

		if (w->w_ev[slot].ev_live)
			w->w_heap[n++] = slot;
		else
			slot_free(w, slot);
	}
	w->w_nheap = n;
	for (uint32_t i = n / 2; i-- > 0;)
		heap_down(w, i);
}

struct sim_event_handle sim_event_at(struct sim *s, sim_time_t when, const char *name,
				     sim_event_fn fn, void *arg, uint64_t data)
{
	struct sim_world *w = s->s_w;
	struct sim_event_handle h = { UINT32_MAX, 0 };
	struct sim_event *ev;
	uint32_t slot;

	/* Bounded queue: running out of live slots is a programmer error in
	 * the model. */
	if (w->w_nfree == 0)
		heap_compact(w);
	assert(w->w_nfree > 0 && "event queue full (sim_config.max_events)");
	if (w->w_nfree == 0)
		return h;
	if (when < w->w_now)
		when = w->w_now;
	slot = w->w_free[--w->w_nfree];
	ev = &w->w_ev[slot];
	ev->ev_time = when;
	ev->ev_seq = w->w_seq++;
	ev->ev_fn = fn;
	ev->ev_arg = arg;
	ev->ev_data = data;
	ev->ev_name = name;
	ev->ev_fp = NULL;
	ev->ev_live = true;
	w->w_heap[w->w_nheap] = slot;
	heap_up(w, w->w_nheap++);
	w->w_nlive++;
	h.eh_slot = slot;
	h.eh_gen = ev->ev_gen;
	return h;
}

struct sim_event_handle sim_timer(struct sim *s, sim_time_t delay, const char *name,
				  sim_event_fn fn, void *arg, uint64_t data)
{
	return sim_event_at(s, s->s_w->w_now + delay, name, fn, arg, data);
}

bool sim_event_pending(const struct sim *s, struct sim_event_handle h)
{
	const struct sim_event *ev;

	if (h.eh_slot >= s->s_w->w_max_events)
		return false;
	ev = &s->s_w->w_ev[h.eh_slot];
	return ev->ev_live && ev->ev_gen == h.eh_gen;
}

bool sim_event_cancel(struct sim *s, struct sim_event_handle h)
{
	if (!sim_event_pending(s, h))
		return false;
	s->s_w->w_ev[h.eh_slot].ev_live = false;
	s->s_w->w_nlive--;
	return true;
}

unsigned sim_events_pending(const struct sim *s)
{
	return s->s_w->w_nlive;
}

static void heap_pop_head(struct sim_world *w)
{
	slot_free(w, w->w_heap[0]);
	heap_remove_at(w, 0);
}

/* Drop cancelled events at the head; copy out the earliest live one and free
 * its slot. Returns false when no live event is pending. */
bool __sim_event_pop(struct sim *s, struct sim_event *out)
{
	struct sim_world *w = s->s_w;

	while (w->w_nheap) {
		struct sim_event *ev = &w->w_ev[w->w_heap[0]];
		bool live = ev->ev_live;

		if (live) {
			*out = *ev;
			ev->ev_live = false;
			w->w_nlive--;
		}
		heap_pop_head(w);
		if (live)
			return true;
	}
	return false;
}

/* Earliest live event time, discarding cancelled heads. */
static bool peek_time(struct sim *s, sim_time_t *when)
{
	struct sim_world *w = s->s_w;

	while (w->w_nheap) {
		struct sim_event *ev = &w->w_ev[w->w_heap[0]];

		if (ev->ev_live) {
			*when = ev->ev_time;
			return true;
		}
		heap_pop_head(w);
	}
	return false;
}

bool sim_next_event_time(struct sim *s, sim_time_t *when)
{
	return peek_time(s, when);
}

static void event_fp(const struct sim *s, const struct sim_event *e, struct sim_fp *fp)
{
	memset(fp, 0, sizeof(*fp));
	if (s->s_cfg.early_events && e->ev_fp)
		e->ev_fp(s, e->ev_arg, e->ev_data, fp);
	else
		fp->fp_global = true;
}

void sim_event_set_fp(struct sim *s, struct sim_event_handle h, sim_event_fp_fn fp)
{
	struct sim_world *w = s->s_w;

	if (h.eh_slot < w->w_max_events && w->w_ev[h.eh_slot].ev_gen == h.eh_gen &&
	    w->w_ev[h.eh_slot].ev_live)
		w->w_ev[h.eh_slot].ev_fp = fp;
}

/* The slot of the k-th live event in (time, seq) order, or -1. */
static int32_t kth_event(const struct sim_world *w, uint32_t k)
{
	int32_t prev = -1;

	for (uint32_t i = 0; i <= k; i++) {
		int32_t m = -1;

		for (uint32_t j = 0; j < w->w_nheap; j++) {
			const struct sim_event *e = &w->w_ev[w->w_heap[j]];

			if (!e->ev_live ||
			    (prev >= 0 && !ev_before(&w->w_ev[prev], e)))
				continue;
			if (m < 0 || ev_before(e, &w->w_ev[m]))
				m = (int32_t)w->w_heap[j];
		}
		if (m < 0)
			return -1;
		prev = m;
	}
	return prev;
}

bool sim_event_footprint(struct sim *s, uint32_t k, struct sim_fp *fp)
{
	int32_t slot = kth_event(s->s_w, k);

	if (slot < 0)
		return false;
	event_fp(s, &s->s_w->w_ev[slot], fp);
	return true;
}

bool sim_fire_event_named(struct sim *s, const char *name)
{
	struct sim_world *w = s->s_w;
	struct sim_event *best = NULL, ev;

	for (uint32_t i = 0; i < w->w_nheap; i++) {
		struct sim_event *e = &w->w_ev[w->w_heap[i]];

		if (e->ev_live && e->ev_name && !strcmp(e->ev_name, name) &&
		    (!best || ev_before(e, best)))
			best = e;
	}
	if (!best)
		return false;
	s->s_firing = best->ev_name;
	if (s->s_pre) {
		struct sim_fp g;

		event_fp(s, best, &g);
		s->s_pre(s->s_pre_ctx, NULL, &g);
	}
	ev = *best;
	best->ev_live = false;
	w->w_nlive--;
	for (uint32_t i = 0; i < w->w_nheap; i++)
		if (&w->w_ev[w->w_heap[i]] == best) {
			slot_free(w, w->w_heap[i]);
			heap_remove_at(w, i);
			break;
		}
	if (ev.ev_time > w->w_now)
		w->w_now = ev.ev_time;
	sim_trace(s, SIM_TR_EVENT, -1, ev.ev_name, ev.ev_data, 0);
	ev.ev_fn(s, ev.ev_arg, ev.ev_data);
	return true;
}

/* The k-th pending event in (time, seq) order fires now (k = 0: the
 * earliest). Time moves to its due time if that is later; events due
 * earlier fire late. Exploration uses it so that any pending timer or
 * completion may come first. */
bool sim_fire_event_k(struct sim *s, uint32_t k)
{
	struct sim_world *w = s->s_w;
	uint32_t *idx = s->s_evidx, n = 0;
	struct sim_event *e, ev;

	for (uint32_t i = 0; i < w->w_nheap; i++)
		if (w->w_ev[w->w_heap[i]].ev_live)
			idx[n++] = w->w_heap[i];
	if (k >= n)
		return false;
	/* selection by repeated minimum: n is small and k usually 0 or 1 */
	for (uint32_t i = 0; i <= k; i++) {
		uint32_t m = i;

		for (uint32_t j = i + 1; j < n; j++)
			if (ev_before(&w->w_ev[idx[j]], &w->w_ev[idx[m]]))
				m = j;
		uint32_t t = idx[i];

		idx[i] = idx[m];
		idx[m] = t;
	}
	e = &w->w_ev[idx[k]];
	s->s_firing = e->ev_name;
	if (s->s_pre) {
		struct sim_fp g;

		event_fp(s, e, &g);
		s->s_pre(s->s_pre_ctx, NULL, &g);
	}
	ev = *e;
	e->ev_live = false;
	w->w_nlive--;
	for (uint32_t i = 0; i < w->w_nheap; i++)
		if (w->w_heap[i] == idx[k]) {
			slot_free(w, idx[k]);
			heap_remove_at(w, i);
			break;
		}
	if (ev.ev_time > w->w_now)
		w->w_now = ev.ev_time;
	sim_trace(s, SIM_TR_EVENT, -1, ev.ev_name, ev.ev_data, 0);
	ev.ev_fn(s, ev.ev_arg, ev.ev_data);
	return true;
}

bool sim_fire_next_event(struct sim *s)
{
	struct sim_event ev;
	sim_time_t when;

	if (!peek_time(s, &when))
		return false;
	if (s->s_cfg.time_limit && when > s->s_cfg.time_limit) {
		sim_stop(s, SIM_TIME_LIMIT);
		return false;
	}
	s->s_firing = s->s_w->w_ev[s->s_w->w_heap[0]].ev_name;
	if (s->s_pre) {
		struct sim_fp g;

		event_fp(s, &s->s_w->w_ev[s->s_w->w_heap[0]], &g);
		s->s_pre(s->s_pre_ctx, NULL, &g);
	}
	__sim_event_pop(s, &ev);
	s->s_w->w_now = ev.ev_time;
	sim_trace(s, SIM_TR_EVENT, -1, ev.ev_name, ev.ev_data, 0);
	ev.ev_fn(s, ev.ev_arg, ev.ev_data);
	return true;
}

const char *sim_event_firing(const struct sim *s)
{
	return s->s_firing;
}
