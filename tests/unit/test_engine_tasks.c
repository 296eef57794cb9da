/* Unit tests: tasks, steps, blocking and wake-up, locks, deadlock, reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/demo.h"
#include "sim/core/sim.h"

struct w {
	struct sim_wq wq;
	struct sim_rwsem l0, l1;
	int flag;
	int loops;
	char order[64];
	unsigned n;
};

static struct sim *mk(struct w **wp)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 16 };
	struct sim *s = sim_create(&cfg);
	struct w *w;

	assert_non_null(s);
	w = sim_alloc(s, sizeof(*w));
	assert_non_null(w);
	sim_wq_init(&w->wq, "flag_wq", 1);
	sim_rwsem_init(&w->l0, "l0", 10);
	sim_rwsem_init(&w->l1, "l1", 11);
	sim_set_priv(s, w);
	*wp = w;
	return s;
}

static void mark(struct sim *s, struct sim_task *t)
{
	struct w *w = sim_priv(s);

	if (w->n < sizeof(w->order) - 1)
		w->order[w->n++] = t->t_name[0];
}

static enum sim_ret st_wait_flag(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	mark(s, t);
	if (!w->flag) {
		sim_wait(s, t, &w->wq);
		return SIM_BLOCKED;
	}
	return SIM_DONE;
}

static enum sim_ret st_set_flag(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	mark(s, t);
	w->flag = 1;
	sim_wake_all(s, &w->wq);
	return SIM_DONE;
}

static enum sim_ret st_loop3(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	mark(s, t);
	return ++w->loops < 3 ? SIM_AGAIN : SIM_DONE;
}

static enum sim_ret st_skip_to_end(struct sim *s, struct sim_task *t, void *arg)
{
	mark(s, t);
	sim_task_goto(t, 3);
	return SIM_DONE;
}

static enum sim_ret st_never(struct sim *s, struct sim_task *t, void *arg)
{
	fail_msg("step after goto must not run");
	return SIM_DONE;
}

static enum sim_ret st_l0(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	return sim_down_write(s, t, &w->l0) ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret st_l1(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	return sim_down_write(s, t, &w->l1) ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret st_r0(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	mark(s, t);
	return sim_down_read(s, t, &w->l0) ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret st_unlock_all(struct sim *s, struct sim_task *t, void *arg)
{
	struct w *w = arg;

	if (sim_rwsem_held_excl(&w->l1, t))
		sim_up_write(s, t, &w->l1);
	if (sim_rwsem_held_excl(&w->l0, t))
		sim_up_write(s, t, &w->l0);
	if (sim_rwsem_held(&w->l0, t))
		sim_up_read(s, t, &w->l0);
	return SIM_DONE;
}

static const struct sim_op_desc op_wait = { "wait", 1, { { "wait_flag", st_wait_flag, NULL } } };
static const struct sim_op_desc op_set = { "set", 1, { { "set_flag", st_set_flag, NULL } } };
static const struct sim_op_desc op_loop = {
	"loop", 3, { { "skip", st_skip_to_end, NULL }, { "never", st_never, NULL },
		     { "never2", st_never, NULL } }
};
static const struct sim_op_desc op_again = { "again", 1, { { "loop3", st_loop3, NULL } } };
static const struct sim_op_desc op_ab = {
	"ab", 3, { { "lock0", st_l0, NULL }, { "lock1", st_l1, NULL },
		   { "unlock", st_unlock_all, NULL } }
};
static const struct sim_op_desc op_ba = {
	"ba", 3, { { "lock1", st_l1, NULL }, { "lock0", st_l0, NULL },
		   { "unlock", st_unlock_all, NULL } }
};
static const struct sim_op_desc op_read = {
	"read", 2, { { "read0", st_r0, NULL }, { "unlock", st_unlock_all, NULL } }
};

static void test_block_and_wake(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *a = sim_task_create(s, "A", false);
	struct sim_task *b = sim_task_create(s, "B", false);

	sim_task_add_op(s, a, &op_wait, w, 0);
	sim_task_add_op(s, b, &op_set, w, 0);
	/* Lowest id first: A runs, blocks; B sets the flag and wakes A; A
	 * re-runs the same step and finishes. */
	assert_int_equal(sim_run(s), SIM_OK);
	assert_string_equal(w->order, "ABA");
	assert_false(sim_task_has_work(a));
	assert_int_equal(a->t_state, SIM_TASK_IDLE);
	assert_int_equal(w->wq.wq_waiters, 0);
	sim_destroy(s);
}

static void test_again_and_goto(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *a = sim_task_create(s, "A", false);

	sim_task_add_op(s, a, &op_again, w, 0);
	sim_task_add_op(s, a, &op_loop, w, 1);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(w->loops, 3);
	assert_string_equal(w->order, "AAAA");
	assert_int_equal(sim_steps(s), 4);
	sim_destroy(s);
}

static void test_rwsem_waits_for(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *a = sim_task_create(s, "A", false);
	struct sim_task *b = sim_task_create(s, "B", false);
	struct sim_task *c = sim_task_create(s, "C", false);

	sim_task_add_op(s, a, &op_ab, w, 0);
	sim_task_add_op(s, b, &op_read, w, 0);
	sim_task_add_op(s, c, &op_read, w, 0);
	assert_true(sim_step_task(s, a));	/* A holds l0 exclusive */
	assert_true(sim_step_task(s, b));	/* B blocks reading l0 */
	assert_int_equal(b->t_state, SIM_TASK_BLOCKED);
	assert_ptr_equal(b->t_wait, &w->l0.rw_wq);
	assert_int_equal(w->l0.rw_wq.wq_owners, 1ULL << a->t_id);
	assert_false(sim_step_task(s, b));	/* not runnable */
	assert_int_equal(sim_run(s), SIM_OK);
	/* Both readers got it, shared, after A let go. */
	assert_int_equal(w->l0.rw_readers, 0);
	assert_int_equal(w->l0.rw_writer, -1);
	sim_destroy(s);
}

static void test_deadlock_cycle(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *a = sim_task_create(s, "A", false);
	struct sim_task *b = sim_task_create(s, "B", false);
	char why[256];

	sim_task_add_op(s, a, &op_ab, w, 0);
	sim_task_add_op(s, b, &op_ba, w, 0);
	assert_true(sim_step_task(s, a));	/* A: l0 */
	assert_true(sim_step_task(s, b));	/* B: l1 */
	assert_true(sim_step_task(s, a));	/* A waits for l1 (held by B) */
	assert_false(sim_deadlock_check(s, why, sizeof(why)));
	assert_true(sim_step_task(s, b));	/* B waits for l0: cycle */
	assert_int_equal(sim_status(s), SIM_DEADLOCK);
	assert_true(sim_deadlock_check(s, why, sizeof(why)));
	assert_non_null(strstr(why, "waits-for cycle"));
	assert_non_null(strstr(why, "A waits on l1"));
	assert_non_null(strstr(why, "B waits on l0"));
	sim_destroy(s);
}

static void test_deadlock_all_blocked(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *a = sim_task_create(s, "A", false);
	char why[256];

	sim_task_add_op(s, a, &op_wait, w, 0);	/* nobody will set the flag */
	assert_int_equal(sim_run(s), SIM_DEADLOCK);
	assert_true(sim_deadlock_check(s, why, sizeof(why)));
	assert_non_null(strstr(why, "all tasks blocked with work left"));
	assert_non_null(strstr(why, "A waits on flag_wq"));
	sim_destroy(s);
}

static bool never_work(struct sim *s, struct sim_task *t, struct sim_op *op)
{
	return false;
}

static void test_idle_daemon_is_not_deadlock(void **state)
{
	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *d = sim_task_create(s, "flusher", true);
	struct sim_task *a = sim_task_create(s, "A", false);

	assert_int_equal(sim_task_set_daemon(s, d, never_work), 0);
	sim_task_add_op(s, a, &op_set, w, 0);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(d->t_state, SIM_TASK_IDLE);
	sim_destroy(s);
}

static void test_snapshot_reset(void **state)
{
	struct sim_config cfg = { .seed = 9, .arena_size = 1 << 20 };
	struct sim_demo_cfg dc = { .tasks = 5, .ops = 30, .locks = 3, .random = true };
	struct sim *s = sim_create(&cfg);
	uint64_t h1, h2, steps1, total1;

	assert_int_equal(sim_demo_setup(s, &dc), 0);
	sim_set_chooser(s, &sim_demo_random_chooser);
	assert_int_equal(sim_snapshot(s), 0);
	assert_int_equal(sim_run(s), SIM_OK);
	h1 = sim_trace_hash(s);
	steps1 = sim_steps(s);
	total1 = sim_demo_total(s);
	assert_true(steps1 > 100);
	sim_reset(s);
	assert_int_equal(sim_steps(s), 0);
	assert_int_equal(sim_now(s), 0);
	assert_int_equal(sim_demo_total(s), 0);
	assert_int_equal(sim_run(s), SIM_OK);
	h2 = sim_trace_hash(s);
	assert_int_equal(h1, h2);
	assert_int_equal(sim_steps(s), steps1);
	assert_int_equal(sim_demo_total(s), total1);
	sim_destroy(s);
}

static void test_step_limit(void **state)
{
	struct sim_config cfg = { .seed = 9, .arena_size = 1 << 20, .step_limit = 50 };
	struct sim_demo_cfg dc = { .tasks = 3, .ops = 30, .locks = 2 };
	struct sim *s = sim_create(&cfg);

	assert_int_equal(sim_demo_setup(s, &dc), 0);
	assert_int_equal(sim_run(s), SIM_STEP_LIMIT);
	assert_int_equal(sim_steps(s), 50);
	sim_destroy(s);
}

static void fp_r(const struct sim *s, const struct sim_task *t, const void *arg,
		 struct sim_fp *fp)
{
	sim_fp_add(fp, 7, SIM_READ);
}

static void test_footprints(void **state)
{
	struct sim_fp a = { 0 }, b = { 0 }, c = { 0 }, g = { 0 };

	sim_fp_add(&a, 7, SIM_READ);
	sim_fp_add(&b, 7, SIM_READ);
	sim_fp_add(&c, 7, SIM_WRITE);
	g.fp_global = true;
	assert_false(sim_fp_dependent(&a, &b));	/* read/read commute */
	assert_true(sim_fp_dependent(&a, &c));	/* read/write do not */
	assert_true(sim_fp_dependent(&a, &g));
	sim_fp_add(&b, 8, SIM_WRITE);
	sim_fp_add(&b, 8, SIM_READ);
	assert_int_equal(b.fp_n, 2);
	assert_int_equal(b.fp_mode[1], SIM_READ | SIM_WRITE);
	for (uint32_t i = 0; i < SIM_MAX_FP + 2; i++)
		sim_fp_add(&a, 100 + i, SIM_READ);
	assert_true(a.fp_global);	/* overflow is conservative */

	struct w *w;
	struct sim *s = mk(&w);
	struct sim_task *t = sim_task_create(s, "A", false);
	static const struct sim_op_desc op = { "r", 1, { { "r", st_set_flag, fp_r } } };
	struct sim_fp f;

	sim_task_add_op(s, t, &op, w, 0);
	sim_task_footprint(s, t, &f);
	assert_false(f.fp_global);
	assert_int_equal(f.fp_n, 1);
	assert_int_equal(f.fp_obj[0], 7);
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_and_wake),
		cmocka_unit_test(test_again_and_goto),
		cmocka_unit_test(test_rwsem_waits_for),
		cmocka_unit_test(test_deadlock_cycle),
		cmocka_unit_test(test_deadlock_all_blocked),
		cmocka_unit_test(test_idle_daemon_is_not_deadlock),
		cmocka_unit_test(test_snapshot_reset),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_footprints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
