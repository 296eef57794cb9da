/* Unit tests: the event queue - order, ties, cancellation, timers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/core/sim.h"

struct log {
	uint64_t data[64];
	sim_time_t when[64];
	unsigned n;
};

static void rec(struct sim *s, void *arg, uint64_t data)
{
	struct log *l = arg;

	l->when[l->n] = sim_now(s);
	l->data[l->n++] = data;
}

static struct sim *mk(void)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 4096 };
	struct sim *s = sim_create(&cfg);

	assert_non_null(s);
	return s;
}

static void test_order_by_time(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };

	sim_event_at(s, 300, "e", rec, &l, 3);
	sim_event_at(s, 100, "e", rec, &l, 1);
	sim_event_at(s, 200, "e", rec, &l, 2);
	assert_int_equal(sim_events_pending(s), 3);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(l.n, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(l.data[i], i + 1);
		assert_int_equal(l.when[i], (i + 1) * 100);
	}
	assert_int_equal(sim_now(s), 300);
	assert_int_equal(sim_events_pending(s), 0);
	sim_destroy(s);
}

static void test_ties_fifo(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };

	/* Same time: scheduling order decides, even with many in the heap. */
	for (uint64_t i = 0; i < 40; i++)
		sim_event_at(s, 1000 + (i % 2) * 10, "tie", rec, &l, i);
	sim_run(s);
	assert_int_equal(l.n, 40);
	for (unsigned i = 0; i < 20; i++) {
		assert_int_equal(l.data[i], 2 * i);
		assert_int_equal(l.data[20 + i], 2 * i + 1);
	}
	sim_destroy(s);
}

static void test_cancel_lazy(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };
	struct sim_event_handle a, b, c;

	a = sim_event_at(s, 10, "a", rec, &l, 1);
	b = sim_event_at(s, 20, "b", rec, &l, 2);
	c = sim_event_at(s, 30, "c", rec, &l, 3);
	assert_true(sim_event_cancel(s, b));
	assert_false(sim_event_cancel(s, b));	/* twice: no-op */
	assert_false(sim_event_pending(s, b));
	assert_true(sim_event_pending(s, a));
	assert_int_equal(sim_events_pending(s), 2);
	sim_run(s);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.data[0], 1);
	assert_int_equal(l.data[1], 3);
	/* Fired handles are stale: cancelling them does nothing, even when
	 * their slot is reused by a new event. */
	assert_false(sim_event_cancel(s, a));
	struct sim_event_handle d = sim_event_at(s, 100, "d", rec, &l, 4);
	assert_false(sim_event_cancel(s, c));
	assert_false(sim_event_cancel(s, a));
	assert_true(sim_event_pending(s, d));
	sim_run(s);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.data[2], 4);
	sim_destroy(s);
}

static void test_cancel_head_then_later(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };
	struct sim_event_handle h[8];

	for (unsigned i = 0; i < 8; i++)
		h[i] = sim_event_at(s, 100 - i * 10, "x", rec, &l, i);
	/* Cancel every other one, including the current head (i == 7). */
	for (unsigned i = 1; i < 8; i += 2)
		assert_true(sim_event_cancel(s, h[i]));
	sim_run(s);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.data[0], 6);
	assert_int_equal(l.data[1], 4);
	assert_int_equal(l.data[2], 2);
	assert_int_equal(l.data[3], 0);
	sim_destroy(s);
}

static void chain(struct sim *s, void *arg, uint64_t data)
{
	struct log *l = arg;

	rec(s, arg, data);
	if (data < 5)
		sim_timer(s, 7, "chain", chain, l, data + 1);
}

static void test_timers_relative(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };

	sim_timer(s, 3, "chain", chain, &l, 0);
	sim_run(s);
	assert_int_equal(l.n, 6);
	assert_int_equal(sim_now(s), 3 + 5 * 7);
	sim_destroy(s);
}

static void test_past_time_clamped(void **state)
{
	struct sim *s = mk();
	struct log l = { 0 };

	sim_event_at(s, 50, "a", rec, &l, 1);
	sim_run(s);
	sim_event_at(s, 10, "late", rec, &l, 2);	/* in the past: fires now */
	sim_run(s);
	assert_int_equal(l.when[1], 50);
	sim_destroy(s);
}

/* Events fired out of order, and cancelled ones, never pin slots behind a
 * live event that stays at the head: far more than SIM_MAX_EVENTS of them
 * go through the queue, and the head event still fires last. */
static void count(struct sim *s, void *arg, uint64_t data)
{
	uint64_t *n = arg;

	*n += data;
}

static void test_out_of_order_frees_slots(void **state)
{
	struct sim *s = mk();
	uint64_t later = 0, head = 0;

	sim_event_at(s, 1, "head", count, &head, 1);
	for (uint32_t i = 0; i < 4 * SIM_MAX_EVENTS; i++) {
		sim_event_at(s, 10 + i, "later", count, &later, 1);
		sim_event_cancel(s, sim_event_at(s, 5 + i, "cancelled", count, &later, 1000));
		assert_true(sim_fire_event_k(s, 1));	/* "later", not the head */
	}
	assert_int_equal(later, 4 * SIM_MAX_EVENTS);
	assert_int_equal(sim_events_pending(s), 1);
	assert_true(sim_fire_next_event(s));
	assert_int_equal(head, 1);
	assert_int_equal(sim_events_pending(s), 0);
	sim_destroy(s);
}

static void test_time_limit(void **state)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 4096, .time_limit = 150 };
	struct sim *s = sim_create(&cfg);
	struct log l = { 0 };

	sim_event_at(s, 100, "a", rec, &l, 1);
	sim_event_at(s, 200, "b", rec, &l, 2);
	assert_int_equal(sim_run(s), SIM_TIME_LIMIT);
	assert_int_equal(l.n, 1);
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_by_time),
		cmocka_unit_test(test_ties_fifo),
		cmocka_unit_test(test_cancel_lazy),
		cmocka_unit_test(test_cancel_head_then_later),
		cmocka_unit_test(test_timers_relative),
		cmocka_unit_test(test_past_time_clamped),
		cmocka_unit_test(test_time_limit),
		cmocka_unit_test(test_out_of_order_frees_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
