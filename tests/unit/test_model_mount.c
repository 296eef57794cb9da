/* Unit tests: what the mount after a power cut keeps of the block map
 * (model.c pc_model_mount, issue 11 item 9).
 *   - fallocate(KEEP_SIZE) blocks past EOF stay allocated (unwritten) across
 *     the power cut and mount, on every profile; a later truncate up reads
 *     zeros there and allocates nothing new. Before, the mount freed every
 *     block past EOF.
 *   - ext4's orphan list: a shrinking truncate adds the inode in its size
 *     handle (ext4_orphan_add) and ext4_truncate removes it in the handle
 *     that frees the blocks (ext4_orphan_del); the flag is logged with the
 *     inode, and the mount frees the blocks past EOF only for an inode that
 *     is on the list (ext4_orphan_cleanup). An extending direct write is on
 *     the list from its allocation to its size update. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fx.h"

static void boot(struct fx *x, enum pc_profile p)
{
	fx_boot(x, p, NULL, 100 * SIM_USEC);
}

/* The power goes after everything queued ran; the disk's durable image
 * is recovered and mounted in a fresh model (as a scenario's crash row
 * followed by more rows, sim/explore/runner.c remount). */
static void power_cut_and_mount(struct fx *x)
{
	char err[300];
	pc_tag_t *img = pc_model_power_cut(x->s, false, err, sizeof(err));
	struct sim *s2;

	assert_non_null(img);
	s2 = sim_create(&x->sc);
	assert_non_null(s2);
	assert_non_null(pc_model_create(s2, &x->cfg, err, sizeof(err)));
	if (pc_model_mount(s2, x->s, img, err, sizeof(err)))
		fail_msg("mount: %s", err);
	free(img);
	sim_destroy(x->s);
	x->s = s2;
	x->w = pc_w(s2);
	x->ip = x->w->w_inode[0];
	x->a = pc_user_task(s2, "A");
}

static unsigned mapped_blocks(const struct fx *x)
{
	unsigned n = 0;

	for (uint32_t b = 0; b < x->ip->i_nblocks; b++)
		n += x->ip->i_map[b].e_state == EXT_UNWRITTEN || x->ip->i_map[b].e_state == EXT_WRITTEN;
	return n;
}

/* pwrite 0 4096; fallocate keep-size [4096, 16384); fsync; power cut;
 * mount: the three preallocated blocks are still unwritten extents past
 * EOF, counted as in use by the allocator; a truncate up to 16384 reads
 * zeros and allocates nothing. */
static void keep_size_survives(enum pc_profile p)
{
	struct fx x;
	pc_blk_t pb[4];

	boot(&x, p);
	fx_queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x11);
	fx_queue(&x, PC_OP_FALLOCATE, 4096, 12288, PC_OF_KEEP_SIZE, -1);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.ip->i_size, 4096);
	for (uint32_t b = 1; b < 4; b++)
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
	for (uint32_t b = 0; b < 4; b++)
		pb[b] = x.ip->i_map[b].e_pblk;

	power_cut_and_mount(&x);
	assert_int_equal(x.ip->i_size, 4096);
	assert_int_equal(x.ip->i_map[0].e_state, EXT_WRITTEN);
	for (uint32_t b = 1; b < 4; b++) {
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
		assert_int_equal(x.ip->i_map[b].e_pblk, pb[b]);
	}
	assert_int_equal(mapped_blocks(&x), 4);

	fx_queue(&x, PC_OP_TRUNCATE, 16384, 0, 0, -1);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.ip->i_size, 16384);
	assert_int_equal(mapped_blocks(&x), 4);
	for (uint32_t b = 1; b < 4; b++)
		assert_int_equal(x.ip->i_map[b].e_pblk, pb[b]);
	fx_expect_bytes(&x, 0, 4096, 0x11);
	fx_expect_bytes(&x, 4096, 12288, 0);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_keep_size_survives_ext4(void **state)
{
	keep_size_survives(PC_PROF_EXT4);
}

static void test_keep_size_survives_ext4_iomap(void **state)
{
	keep_size_survives(PC_PROF_EXT4_IOMAP);
}

static void test_keep_size_survives_xfs(void **state)
{
	keep_size_survives(PC_PROF_XFS);
}

/* ext4 truncate down: on the orphan list from the size handle (the
 * "i_size_write" step of mainline ext4_setattr, "ext4_set_inode_size" of
 * the 2026 tree) to ext4_truncate's handle. */
static void truncate_orphan(enum pc_profile p, const char *size_step)
{
	struct fx x;

	boot(&x, p);
	fx_queue(&x, PC_OP_PWRITE, 0, 16384, 0, 0x22);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	fx_queue(&x, PC_OP_TRUNCATE, 4096, 0, 0, -1);
	fx_step_until(&x, size_step);
	assert_false(x.ip->i_orphan);
	fx_step_until(&x, "truncate_pagecache");
	assert_true(x.ip->i_orphan);
	assert_int_equal(x.ip->i_disksize, 4096);
	assert_int_equal(mapped_blocks(&x), 4);	/* not freed yet */
	fx_step_until(&x, "ext4_truncate");
	assert_true(x.ip->i_orphan);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_false(x.ip->i_orphan);
	assert_int_equal(mapped_blocks(&x), 1);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_truncate_orphan_ext4(void **state)
{
	truncate_orphan(PC_PROF_EXT4, "i_size_write");
}

static void test_truncate_orphan_ext4_iomap(void **state)
{
	truncate_orphan(PC_PROF_EXT4_IOMAP, "ext4_set_inode_size");
}

/* The mount reads the orphan flag back from the logged inode: an inode
 * logged while on the list (the state a crash between the truncate's size
 * handle and ext4_truncate's handle leaves) loses its blocks past EOF at
 * the mount, the keep-size blocks included; on xfs the flag is never set
 * and nothing is freed. */
static void test_orphan_cleanup_at_mount(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4);
	x.ip->i_orphan = true;	/* as ext4_orphan_add: logged with the inode */
	fx_queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x33);
	fx_queue(&x, PC_OP_FALLOCATE, 4096, 12288, PC_OF_KEEP_SIZE, -1);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(mapped_blocks(&x), 4);
	power_cut_and_mount(&x);
	assert_false(x.ip->i_orphan);
	assert_int_equal(x.ip->i_size, 4096);
	assert_int_equal(mapped_blocks(&x), 1);
	for (uint32_t b = 1; b < 4; b++)
		assert_int_equal(x.ip->i_map[b].e_state, EXT_HOLE);
	fx_expect_bytes(&x, 0, 4096, 0x33);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

/* ext4 extending direct write: on the orphan list from the allocating
 * handle to the size update at completion (ext4_dio_write_iter,
 * ext4_handle_inode_extension); xfs never. */
static void dio_orphan(enum pc_profile p)
{
	struct fx x;
	bool seen = false;

	boot(&x, p);
	fx_queue(&x, PC_OP_PWRITE, 0, 8192, PC_OF_DIRECT, 0x44);
	for (unsigned guard = 0; sim_task_has_work(x.a); guard++) {
		assert_true(guard < 100000);
		seen |= x.ip->i_orphan;
		if (x.a->t_state == SIM_TASK_RUNNABLE)
			assert_true(sim_step_task(x.s, x.a));
		else
			assert_true(sim_step(x.s));
	}
	assert_int_equal(seen, p != PC_PROF_XFS);
	assert_false(x.ip->i_orphan);
	assert_int_equal(x.ip->i_disksize, 8192);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_dio_orphan_ext4(void **state)
{
	dio_orphan(PC_PROF_EXT4);
}

static void test_dio_orphan_xfs(void **state)
{
	dio_orphan(PC_PROF_XFS);
}

/* A truncate to the same size frees the preallocated blocks past EOF
 * (ext4_setattr calls ext4_truncate "to truncate possible preallocated
 * blocks"; xfs_setattr_size truncates when newsize <= oldsize), after a
 * mount too. */
static void same_size_truncate_frees(enum pc_profile p)
{
	struct fx x;

	boot(&x, p);
	fx_queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x55);
	fx_queue(&x, PC_OP_FALLOCATE, 4096, 12288, PC_OF_KEEP_SIZE, -1);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	power_cut_and_mount(&x);
	assert_int_equal(mapped_blocks(&x), 4);
	fx_queue(&x, PC_OP_TRUNCATE, 4096, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(mapped_blocks(&x), 1);
	assert_false(x.ip->i_orphan);
	fx_expect_bytes(&x, 0, 4096, 0x55);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_same_size_truncate_frees_ext4(void **state)
{
	same_size_truncate_frees(PC_PROF_EXT4);
}

static void test_same_size_truncate_frees_xfs(void **state)
{
	same_size_truncate_frees(PC_PROF_XFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_size_survives_ext4),
		cmocka_unit_test(test_keep_size_survives_ext4_iomap),
		cmocka_unit_test(test_keep_size_survives_xfs),
		cmocka_unit_test(test_truncate_orphan_ext4),
		cmocka_unit_test(test_truncate_orphan_ext4_iomap),
		cmocka_unit_test(test_orphan_cleanup_at_mount),
		cmocka_unit_test(test_dio_orphan_ext4),
		cmocka_unit_test(test_dio_orphan_xfs),
		cmocka_unit_test(test_same_size_truncate_frees_ext4),
		cmocka_unit_test(test_same_size_truncate_frees_xfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
