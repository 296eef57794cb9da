/* Unit tests: block allocation (model/alloc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/alloc.h"

static struct sim *mk(void)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 16 };
	struct sim *s = sim_create(&cfg);

	assert_non_null(s);
	return s;
}

static void test_alloc_lowest_first(void **state)
{
	struct sim *s = mk();
	struct pc_alloc *a = pc_alloc_create(s, 100, 4);

	assert_non_null(a);
	assert_int_equal(pc_alloc_nfree(a), 4);
	assert_true(pc_alloc_is_free(a, 100));
	assert_int_equal(pc_alloc_block(a), 100);
	assert_int_equal(pc_alloc_block(a), 101);
	assert_false(pc_alloc_is_free(a, 100));
	pc_alloc_free(a, 100, 0);	/* immediately reusable */
	assert_true(pc_alloc_is_free(a, 100));
	assert_int_equal(pc_alloc_block(a), 100);	/* lowest again */
	assert_int_equal(pc_alloc_block(a), 102);
	assert_int_equal(pc_alloc_block(a), 103);
	assert_int_equal(pc_alloc_nfree(a), 0);
	assert_int_equal(pc_alloc_block(a), PC_BLK_NONE);	/* ENOSPC */
	assert_int_equal(pc_alloc_block(a), PC_BLK_NONE);
	pc_alloc_free(a, 102, 0);
	assert_int_equal(pc_alloc_block(a), 102);
	sim_destroy(s);
}

static void test_alloc_freed_reusable_after_commit(void **state)
{
	struct sim *s = mk();
	struct pc_alloc *a = pc_alloc_create(s, 10, 3);

	assert_int_equal(pc_alloc_block(a), 10);
	assert_int_equal(pc_alloc_block(a), 11);
	pc_alloc_free(a, 10, 5);	/* freed in transaction 5 */
	pc_alloc_free(a, 11, 6);	/* ... and 6 */
	assert_false(pc_alloc_is_free(a, 10));
	assert_int_equal(pc_alloc_nfree(a), 1);
	/* Not before the freeing transaction commits: block 12 comes out,
	 * then nothing. */
	assert_int_equal(pc_alloc_block(a), 12);
	assert_int_equal(pc_alloc_block(a), PC_BLK_NONE);
	pc_alloc_commit(a, 4);		/* an older transaction: no effect */
	assert_int_equal(pc_alloc_block(a), PC_BLK_NONE);
	pc_alloc_commit(a, 5);
	assert_true(pc_alloc_is_free(a, 10));
	assert_false(pc_alloc_is_free(a, 11));
	assert_int_equal(pc_alloc_nfree(a), 1);
	assert_int_equal(pc_alloc_block(a), 10);
	assert_int_equal(pc_alloc_block(a), PC_BLK_NONE);
	pc_alloc_commit(a, 7);		/* a later commit releases 6's too */
	assert_int_equal(pc_alloc_block(a), 11);
	assert_int_equal(pc_alloc_nfree(a), 0);
	sim_destroy(s);
}

static void test_alloc_reset(void **state)
{
	struct sim *s = mk();
	struct pc_alloc *a = pc_alloc_create(s, 0, 8);

	assert_int_equal(pc_alloc_block(a), 0);
	assert_int_equal(sim_snapshot(s), 0);
	assert_int_equal(pc_alloc_block(a), 1);
	pc_alloc_free(a, 0, 3);
	sim_reset(s);
	assert_int_equal(pc_alloc_nfree(a), 7);
	assert_false(pc_alloc_is_free(a, 0));
	assert_int_equal(pc_alloc_block(a), 1);
	sim_destroy(s);
}

static void test_alloc_bad_args(void **state)
{
	struct sim *s = mk();

	assert_null(pc_alloc_create(s, 0, 0));
	assert_null(pc_alloc_create(s, UINT32_MAX - 2, 8));
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_lowest_first),
		cmocka_unit_test(test_alloc_freed_reusable_after_commit),
		cmocka_unit_test(test_alloc_reset),
		cmocka_unit_test(test_alloc_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
