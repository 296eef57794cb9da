/* Unit tests: the stateless search (sim/explore/search.c) on the engine's
 * synthetic workload. The reduction must explore exactly one complete
 * execution per equivalence class (same order of every pair of dependent
 * steps), and every class the unreduced search finds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/demo.h"
#include "sim/explore/search.h"

#define MAX_CLASSES 200000

struct classes {
	uint64_t *k;
	size_t n, cap;
};

static bool add_class(struct classes *c, uint64_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->k[i] == key)
			return false;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->k = realloc(c->k, c->cap * sizeof(*c->k));
		assert_non_null(c->k);
	}
	c->k[c->n++] = key;
	return true;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t st = a * 0x9e3779b97f4a7c15ULL ^ b;

	return sim_splitmix64(&st);
}

/* The equivalence class of an execution: the set of ordered pairs of
 * dependent steps, hashed order-independently. Steps are named by (task,
 * index in the task); events by their rank among events. */
static uint64_t class_key(const struct pcs_event *ev, unsigned n)
{
	uint64_t sum = 0, cnt = 0;
	unsigned evrank[4096];
	unsigned ne = 0;

	assert_true(n <= 4096);
	for (unsigned i = 0; i < n; i++)
		evrank[i] = ev[i].e_task < 0 ? ne++ : 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++) {
			bool dep = (ev[i].e_task >= 0 && ev[i].e_task == ev[j].e_task) ||
				   sim_fp_dependent(&ev[i].e_fp, &ev[j].e_fp);
			uint64_t a, b;

			if (!dep)
				continue;
			a = ev[i].e_task < 0 ? mix(0xe0, evrank[i])
					     : mix((uint64_t)ev[i].e_task, ev[i].e_index);
			b = ev[j].e_task < 0 ? mix(0xe0, evrank[j])
					     : mix((uint64_t)ev[j].e_task, ev[j].e_index);
			sum += mix(a, b);
			cnt++;
		}
	return mix(sum, cnt);
}

static struct sim *demo(unsigned tasks, unsigned ops)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 20 };
	struct sim_demo_cfg dc = { .tasks = tasks, .ops = ops, .locks = 2 };
	struct sim *s = sim_create(&cfg);

	assert_non_null(s);
	assert_int_equal(sim_demo_setup(s, &dc), 0);
	assert_int_equal(sim_snapshot(s), 0);
	return s;
}

struct outcome {
	uint64_t execs, pruned;
	struct classes cls;
	bool dup;	/* a class explored twice */
};

static void search(struct sim *s, bool sleep, struct outcome *o)
{
	struct pcs_opts po = { .s_strategy = PCS_EXHAUSTIVE, .s_sleep_sets = sleep };
	struct pcs *x = pcs_new(s, &po);

	memset(o, 0, sizeof(*o));
	while (pcs_next(x)) {
		const struct pcs_event *ev;
		unsigned n;

		if (pcs_pruned(x)) {
			o->pruned++;
			continue;
		}
		assert_int_equal(sim_status(s), SIM_OK);
		ev = pcs_events(x, &n);
		if (!add_class(&o->cls, class_key(ev, n)))
			o->dup = true;
		o->execs++;
		assert_true(o->execs < MAX_CLASSES);
	}
	pcs_free(x);
}

static void check_reduction(unsigned tasks, unsigned ops)
{
	struct sim *s = demo(tasks, ops);
	struct outcome full, red;

	search(s, false, &full);
	search(s, true, &red);
	print_message("tasks=%u ops=%u: unreduced %llu executions, %zu classes; reduced %llu "
		      "executions (+%llu pruned), %zu classes\n",
		      tasks, ops, (unsigned long long)full.execs, full.cls.n,
		      (unsigned long long)red.execs, (unsigned long long)red.pruned, red.cls.n);
	/* The reduction explores each class exactly once ... */
	assert_false(red.dup);
	assert_int_equal(red.execs, red.cls.n);
	/* ... and misses none. */
	assert_int_equal(red.cls.n, full.cls.n);
	for (size_t i = 0; i < full.cls.n; i++) {
		bool found = false;

		for (size_t j = 0; j < red.cls.n && !found; j++)
			found = red.cls.k[j] == full.cls.k[i];
		assert_true(found);
	}
	/* It must actually reduce something on these workloads. */
	assert_true(red.execs < full.execs);
	free(full.cls.k);
	free(red.cls.k);
	sim_destroy(s);
}

static void test_reduction_2x3(void **state)
{
	check_reduction(2, 3);
}

static void test_reduction_3x3(void **state)
{
	check_reduction(3, 3);
}

static void test_replay_tape(void **state)
{
	struct sim *s = demo(2, 3);
	struct pcs_opts po = { .s_strategy = PCS_RANDOM, .s_seed = 5 };
	struct pcs *x = pcs_new(s, &po);
	char buf[65536];
	uint64_t h;
	size_t at;

	assert_true(pcs_next(x));
	h = sim_trace_hash(s);
	sim_tape_format(pcs_tape(x), buf, sizeof(buf));
	pcs_free(x);
	x = pcs_new(s, &po);
	assert_int_equal(pcs_set_replay(x, buf, &at), 0);
	assert_true(pcs_next(x));
	assert_int_equal(sim_trace_hash(s), h);
	assert_false(pcs_next(x));
	pcs_free(x);
	sim_destroy(s);
}

static void test_preemption_bound(void **state)
{
	struct sim *s = demo(3, 2);
	struct pcs_opts b0 = { .s_strategy = PCS_EXHAUSTIVE, .s_bounded = true,
			       .s_preempt_bound = 0 };
	struct pcs_opts b9 = { .s_strategy = PCS_EXHAUSTIVE, .s_bounded = true,
			       .s_preempt_bound = 9 };
	uint64_t n0 = 0, n9 = 0;
	struct pcs *x = pcs_new(s, &b0);

	while (pcs_next(x))
		n0++;
	assert_true(pcs_bounded(x) > 0);
	pcs_free(x);
	x = pcs_new(s, &b9);
	while (pcs_next(x))
		n9++;
	pcs_free(x);
	assert_true(n0 >= 1 && n0 < n9);
	sim_destroy(s);
}

static void test_pct_and_random_run(void **state)
{
	struct sim *s = demo(3, 4);
	struct pcs_opts pct = { .s_strategy = PCS_PCT, .s_pct_depth = 3, .s_seed = 9 };
	struct pcs *x = pcs_new(s, &pct);
	uint64_t first = 0;
	bool differ = false;

	for (int i = 0; i < 20; i++) {
		assert_true(pcs_next(x));
		assert_int_equal(sim_status(s), SIM_OK);
		if (!i)
			first = sim_trace_hash(s);
		else if (sim_trace_hash(s) != first)
			differ = true;
	}
	assert_true(differ);	/* different priorities, different schedules */
	pcs_free(x);
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduction_2x3),
		cmocka_unit_test(test_reduction_3x3),
		cmocka_unit_test(test_replay_tape),
		cmocka_unit_test(test_preemption_bound),
		cmocka_unit_test(test_pct_and_random_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
