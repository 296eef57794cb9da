/* Check (fork mode): determinism of the engine on a synthetic workload. */
#include <check.h>
#include <stdlib.h>

#include "sim/core/demo.h"
#include "sim/core/sim.h"
#include "check_util.h"

static uint64_t run_once(uint64_t seed, unsigned tasks, unsigned ops, uint64_t *steps)
{
	struct sim_config cfg = { .seed = seed, .arena_size = 1 << 20 };
	struct sim_demo_cfg dc = { .tasks = tasks, .ops = ops, .locks = 3, .random = true };
	struct sim *s = sim_create(&cfg);
	uint64_t h;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_demo_setup(s, &dc), 0);
	sim_set_chooser(s, &sim_demo_random_chooser);
	ck_assert_int_eq(sim_run(s), SIM_OK);
	h = sim_trace_hash(s);
	*steps = sim_steps(s);
	/* Nothing left pending at the end of a run. */
	ck_assert_uint_eq(sim_events_pending(s), 0);
	ck_assert_uint_eq(sim_runnable_mask(s), 0);
	sim_destroy(s);
	return h;
}

START_TEST(same_workload_twice_same_hash)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		uint64_t st1, st2;
		uint64_t a = run_once(seed, 6, 40, &st1);
		uint64_t b = run_once(seed, 6, 40, &st2);

		ck_assert_uint_eq(a, b);
		ck_assert_uint_eq(st1, st2);
	}
}
END_TEST

START_TEST(seeds_change_the_schedule)
{
	uint64_t st;
	uint64_t a = run_once(1, 6, 40, &st), b = run_once(2, 6, 40, &st);

	ck_assert_uint_ne(a, b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("determinism");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, same_workload_twice_same_hash);
	tcase_add_test(tc, seeds_change_the_schedule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
