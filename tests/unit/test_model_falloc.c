/* Unit tests: punch hole, zero range and truncate against the page cache
 * they drop (model/fs/falloc.c, model/folio.c truncate_pagecache_range,
 * the iomap_zero_range of model/ops.c). Each test pins a mismatch the
 * differential test (tests/differential/diff_kernel.c) found against the
 * host kernel:
 *   - truncate_pagecache_range waits for writeback of every folio it drops,
 *     so an ioend of the old contents cannot complete after the blocks were
 *     freed or converted and turn a block that was never written (stale
 *     disk contents) into a written one;
 *   - iomap_zero_range leaves holes and unwritten blocks alone, so a folio
 *     re-created over them is never marked uptodate with old bytes;
 *   - ext4_zero_range converts written blocks to unwritten in place and
 *     zeroes the old EOF block before dropping the cache;
 *   - ext4_punch_hole raises i_disksize before dropping the folio that
 *     would have raised it at writeback.
 * Every test ends with the model's oracle clean (no stale-data, no
 * unreserved-dirty) and the file's bytes read back through pc_model_read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;
	struct sim_task *a;
};

static void boot(struct fx *x, enum pc_profile p, uint32_t bs)
{
	struct pc_config cfg;
	struct sim_config sc = { .seed = 0 };
	char err[200];

	memset(x, 0, sizeof(*x));
	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, p);
	cfg.c_knobs.k_bs = bs;
	cfg.c_nfiles = 1;
	cfg.c_file_bytes = 65536;
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = cfg.c_lat_max = 100 * SIM_USEC;
	sc.arena_size = pc_model_arena_size(&cfg);
	x->s = sim_create(&sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, &cfg, err, sizeof(err)));
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->w = pc_w(x->s);
	x->ip = x->w->w_inode[0];
	x->a = pc_user_task(x->s, "A");
}

static int queue(struct fx *x, uint8_t kind, uint64_t off, uint64_t len, uint32_t flags,
		 int16_t data)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_flags = flags,
			       .o_data = data };
	char err[200];
	int n = pc_queue_op(x->s, x->a, &o, err, sizeof(err));

	assert_true(n >= 0);
	return n;
}

/* Run A's queued operations; other tasks and events run only while A is
 * blocked (so an I/O started by A is still in flight when A goes on,
 * unless A waits for it). */
static void run_a(struct fx *x)
{
	for (unsigned guard = 0; sim_task_has_work(x->a); guard++) {
		assert_true(guard < 100000);
		if (x->a->t_state == SIM_TASK_RUNNABLE)
			assert_true(sim_step_task(x->s, x->a));
		else
			assert_true(sim_step(x->s));
	}
}

/* Run everything left, then the end-of-run checks: no violation at all. */
static void finish_clean(struct fx *x)
{
	const struct pc_violation *v;
	unsigned n;

	assert_int_equal(sim_run(x->s), SIM_OK);
	pc_model_finish(x->s);
	n = pc_violations(x->s, &v);
	if (n)
		fail_msg("%s: %s", pc_invariant_names[v[0].v_inv], v[0].v_msg);
}

/* The bytes [off, off+len) of the file all equal b. */
static void expect_bytes(struct fx *x, uint64_t off, uint64_t len, uint8_t b)
{
	static uint8_t buf[65536];

	assert_int_equal(pc_model_read(x->s, 0, off, len, buf), len);
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != b)
			fail_msg("byte %llu is 0x%02x, not 0x%02x", (unsigned long long)(off + i),
				 buf[i], b);
}

static bool any_writeback(const struct fx *x)
{
	for (uint32_t i = 0; i < x->ip->i_npages; i++)
		if (x->ip->i_folios[i].f_flags & PC_F_WRITEBACK)
			return true;
	return false;
}

/* 8192 bytes of 0x11 written with sync_file_range(WRITE): the delalloc
 * blocks got unwritten extents and the I/O is in flight, its end_io (the
 * conversion) still to come. */
static void write_in_flight(struct fx *x)
{
	queue(x, PC_OP_PWRITE, 0, 8192, 0, 0x11);
	queue(x, PC_OP_SYNC_FILE_RANGE, 0, 8192, PC_OF_WRITE, -1);
	run_a(x);
	assert_true(any_writeback(x));
	assert_int_equal(x->ip->i_map[1].e_state, EXT_UNWRITTEN);
}

/* ---- truncate_pagecache_range waits for writeback ---- */

/* Zero range over blocks whose I/O is in flight (seed 21000282 of the
 * differential test: "stale contents of disk block 265"): the operation
 * waits for the writeback of the folios it drops, so the old ioend's
 * conversion happens before the blocks are converted again, and the range
 * reads as zeros. */
static void zero_range_in_flight(enum pc_profile p, uint32_t bs)
{
	struct fx x;

	boot(&x, p, bs);
	write_in_flight(&x);
	queue(&x, PC_OP_ZERO_RANGE, 1024, 4096, 0, -1);
	run_a(&x);
	assert_false(x.ip->i_folios[1].f_flags & PC_F_WRITEBACK);
	finish_clean(&x);
	/* The whole blocks inside stay unwritten once every I/O is done (an
	 * old ioend converting them would have made them written over blocks
	 * nobody wrote; the cache may still show zeros, the disk would not). */
	for (uint32_t b = 1024 / bs + (1024 % bs != 0); b < 5120 / bs; b++)
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
	expect_bytes(&x, 0, 1024, 0x11);
	expect_bytes(&x, 1024, 4096, 0);
	expect_bytes(&x, 5120, 3072, 0x11);
	sim_destroy(x.s);
}

static void test_zero_range_in_flight_ext4(void **state)
{
	zero_range_in_flight(PC_PROF_EXT4, 1024);
	zero_range_in_flight(PC_PROF_EXT4, 4096);
}

static void test_zero_range_in_flight_ext4_iomap(void **state)
{
	zero_range_in_flight(PC_PROF_EXT4_IOMAP, 1024);
}

static void test_zero_range_in_flight_xfs(void **state)
{
	zero_range_in_flight(PC_PROF_XFS, 1024);
	zero_range_in_flight(PC_PROF_XFS, 4096);
}

/* Truncate to 0 and fallocate while the old I/O is in flight (seed 3000970:
 * "pwrite; truncate 0; fallocate 0 2048" showed stale block contents): the
 * truncate waits in truncate_pagecache, the fallocated blocks stay
 * unwritten and read as zeros. */
static void truncate_fallocate_in_flight(enum pc_profile p)
{
	struct fx x;

	boot(&x, p, 1024);
	write_in_flight(&x);
	queue(&x, PC_OP_TRUNCATE, 0, 0, 0, -1);
	queue(&x, PC_OP_FALLOCATE, 0, 2048, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_map[0].e_state, EXT_UNWRITTEN);
	assert_int_equal(x.ip->i_map[1].e_state, EXT_UNWRITTEN);
	finish_clean(&x);
	assert_int_equal(x.ip->i_map[1].e_state, EXT_UNWRITTEN);
	expect_bytes(&x, 0, 2048, 0);
	sim_destroy(x.s);
}

static void test_truncate_fallocate_in_flight_ext4(void **state)
{
	truncate_fallocate_in_flight(PC_PROF_EXT4);
}

static void test_truncate_fallocate_in_flight_ext4_iomap(void **state)
{
	truncate_fallocate_in_flight(PC_PROF_EXT4_IOMAP);
}

static void test_truncate_fallocate_in_flight_xfs(void **state)
{
	truncate_fallocate_in_flight(PC_PROF_XFS);
}

/* Punch, then fallocate keep-size over the punched blocks, while the old
 * I/O is in flight: the reallocated blocks read as zeros. */
static void punch_fallocate_in_flight(enum pc_profile p)
{
	struct fx x;

	boot(&x, p, 1024);
	write_in_flight(&x);
	queue(&x, PC_OP_PUNCH, 2048, 4096, 0, -1);
	queue(&x, PC_OP_FALLOCATE, 2048, 4096, PC_OF_KEEP_SIZE, -1);
	run_a(&x);
	finish_clean(&x);
	for (uint32_t b = 2; b < 6; b++)
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
	expect_bytes(&x, 0, 2048, 0x11);
	expect_bytes(&x, 2048, 4096, 0);
	expect_bytes(&x, 6144, 2048, 0x11);
	sim_destroy(x.s);
}

static void test_punch_fallocate_in_flight_ext4(void **state)
{
	punch_fallocate_in_flight(PC_PROF_EXT4);
}

static void test_punch_fallocate_in_flight_xfs(void **state)
{
	punch_fallocate_in_flight(PC_PROF_XFS);
}

/* ---- iomap_zero_range skips holes ---- */

/* xfs, bs 1024 (seed 68: "pwrite 7462 10174; zero-range 12288 1343"):
 * xfs_free_file_space drops folio 3, unmaps block 12 and zeroes the
 * partial block 13 through a new folio 3. Block 12 (a hole now) must not be
 * marked uptodate with the folio's old bytes. */
static void test_xfs_zero_range_skips_hole(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_XFS, 1024);
	queue(&x, PC_OP_PWRITE, 7462, 10174, 0, 0x22);
	queue(&x, PC_OP_ZERO_RANGE, 12288, 1343, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_map[12].e_state, EXT_UNWRITTEN);
	finish_clean(&x);
	expect_bytes(&x, 7462, 12288 - 7462, 0x22);
	expect_bytes(&x, 12288, 1343, 0);
	expect_bytes(&x, 13631, 17636 - 13631, 0x22);
	sim_destroy(x.s);
}

/* xfs punch reaching past EOF (seed 248): block 44 is unmapped, the
 * partial block 45 zeroed up to EOF; no dirty block over the hole. */
static void test_xfs_punch_to_eof(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_XFS, 1024);
	queue(&x, PC_OP_PWRITE, 45542, 545, 0, 0x33);
	queue(&x, PC_OP_PUNCH, 43927, 2221, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_map[44].e_state, EXT_HOLE);
	finish_clean(&x);
	expect_bytes(&x, 0, 46087, 0);
	sim_destroy(x.s);
}

/* ---- ext4_zero_range ---- */

/* Whole written blocks inside the range become unwritten on the same disk
 * blocks (ext4_alloc_file_blocks with CONVERT_UNWRITTEN): nothing is freed
 * or reallocated. */
static void test_ext4_zero_range_converts_in_place(void **state)
{
	struct fx x;
	pc_blk_t pblk[4];

	boot(&x, PC_PROF_EXT4, 1024);
	queue(&x, PC_OP_PWRITE, 0, 8192, 0, 0x44);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	run_a(&x);
	for (uint32_t b = 2; b < 6; b++) {
		assert_int_equal(x.ip->i_map[b].e_state, EXT_WRITTEN);
		pblk[b - 2] = x.ip->i_map[b].e_pblk;
	}
	queue(&x, PC_OP_ZERO_RANGE, 2048, 4096, 0, -1);
	run_a(&x);
	for (uint32_t b = 2; b < 6; b++) {
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
		assert_int_equal(x.ip->i_map[b].e_pblk, pblk[b - 2]);
	}
	finish_clean(&x);
	expect_bytes(&x, 0, 2048, 0x44);
	expect_bytes(&x, 2048, 4096, 0);
	expect_bytes(&x, 6144, 2048, 0x44);
	sim_destroy(x.s);
}

/* An aligned zero range that extends the file from inside its old EOF
 * block (seed 1023: "pwrite 11241 24576; truncate 12725; zero-range 12288
 * 4096"): the old EOF block is zeroed before the cache over the range is
 * dropped, so its written bytes below the old EOF are not read back into a
 * dirty folio over the block that is then converted to unwritten. */
static void test_ext4_zero_range_aligned_extending(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4, 4096);
	queue(&x, PC_OP_PWRITE, 11241, 24576, 0, 0x55);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	queue(&x, PC_OP_TRUNCATE, 12725, 0, 0, -1);
	queue(&x, PC_OP_ZERO_RANGE, 12288, 4096, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_size, 16384);
	finish_clean(&x);
	expect_bytes(&x, 11241, 12288 - 11241, 0x55);
	expect_bytes(&x, 12288, 4096, 0);
	sim_destroy(x.s);
}

/* ---- ext4_punch_hole ---- */

/* ext4_update_disksize_before_punch: delalloc data past i_disksize whose
 * folios the punch drops would have raised i_disksize at writeback; the
 * punch raises it to min(i_size, end) first. The range then reads as
 * zeros, the rest keeps its data. */
static void test_ext4_punch_raises_disksize(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4, 1024);
	queue(&x, PC_OP_PWRITE, 0, 8192, 0, 0x66);
	run_a(&x);
	assert_int_equal(x.ip->i_disksize, 0);
	queue(&x, PC_OP_PUNCH, 4096, 1024, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_disksize, 5120);
	assert_int_equal(x.ip->i_map[4].e_state, EXT_HOLE);
	finish_clean(&x);
	expect_bytes(&x, 0, 4096, 0x66);
	expect_bytes(&x, 4096, 1024, 0);
	expect_bytes(&x, 5120, 3072, 0x66);
	sim_destroy(x.s);
}

/* Mainline ext4 (6.18): the partial block a punch zeroes is ordered data
 * of the running transaction (ext4_zero_partial_blocks(handle, ...) ->
 * ext4_jbd2_inode_add_write), so its zeroes reach the disk before the
 * commit that frees the punched blocks. The 2026 series zeroes it without
 * a handle and orders only a truncate down's partial block: ext4-iomap
 * files no jinode. */
static void punch_partial_ordered(enum pc_profile p, bool ordered)
{
	struct fx x;

	boot(&x, p, 1024);
	queue(&x, PC_OP_PWRITE, 0, 8192, 0, 0x66);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_map[1].e_state, EXT_WRITTEN);
	assert_int_equal(x.ip->i_jinode.i_transaction, 0);
	queue(&x, PC_OP_PUNCH, 1500, 3000, 0, -1);
	run_a(&x);
	if (ordered) {
		assert_true(x.ip->i_jinode.i_flags & JI_WRITE_DATA);
		assert_int_not_equal(x.ip->i_jinode.i_transaction, 0);
		assert_true(x.ip->i_jinode.i_dirty_start <= 1500);
		assert_true(x.ip->i_jinode.i_dirty_end >= 4499);
	} else {
		assert_int_equal(x.ip->i_jinode.i_transaction, 0);
	}
	finish_clean(&x);
	expect_bytes(&x, 0, 1500, 0x66);
	expect_bytes(&x, 1500, 3000, 0);
	expect_bytes(&x, 4500, 3692, 0x66);
	sim_destroy(x.s);
}

static void test_ext4_punch_partial_ordered(void **state)
{
	punch_partial_ordered(PC_PROF_EXT4, true);
}

static void test_ei_punch_partial_not_ordered(void **state)
{
	punch_partial_ordered(PC_PROF_EXT4_IOMAP, false);
}

/* ext4_do_fallocate takes the range's end as the new size when it is past
 * i_size *or past i_disksize* (fs/ext4/extents.c), and
 * ext4_update_inode_size raises i_disksize alone when the end lies inside
 * i_size: a delalloc append (i_size 8192, i_disksize 4096) then an
 * allocation of [0, 6000) logs i_disksize 6000. (The model raised
 * nothing for a range ending inside i_size.) */
static void test_ext4_fallocate_raises_disksize_inside_isize(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4, 1024);
	queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x66);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	queue(&x, PC_OP_PWRITE, 4096, 4096, 0, 0x77);
	run_a(&x);
	assert_int_equal(x.ip->i_size, 8192);
	assert_int_equal(x.ip->i_disksize, 4096);
	queue(&x, PC_OP_FALLOCATE, 0, 6000, 0, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_size, 8192);
	assert_int_equal(x.ip->i_disksize, 6000);
	queue(&x, PC_OP_FALLOCATE, 0, 7000, PC_OF_KEEP_SIZE, -1);
	run_a(&x);
	assert_int_equal(x.ip->i_disksize, 6000);
	finish_clean(&x);
	sim_destroy(x.s);
}

/* XFS fallocate calls xfs_falloc_setsize (xfs_vn_setattr_size: zero, size,
 * write and wait [i_disk_size, size), transaction) only when the range ends
 * past EOF without FALLOC_FL_KEEP_SIZE (xfs_falloc_newsize). A delalloc
 * append (8192 -> 9000, i_disk_size still 8192) is left dirty by a
 * keep-size allocation and by one inside EOF; a growing allocation writes
 * and waits it before logging the new size. (Every allocation ran the
 * write-and-wait, and a setattr transaction.) */
static void xfs_falloc_setsize(uint64_t off, uint64_t len, uint32_t flags, bool setsize)
{
	struct fx x;
	struct pc_folio *f;
	uint64_t size0;

	boot(&x, PC_PROF_XFS, 1024);
	queue(&x, PC_OP_PWRITE, 0, 8192, 0, 0xab);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	queue(&x, PC_OP_PWRITE, 8192, 808, 0, 0xcd);
	run_a(&x);
	f = &x.ip->i_folios[2];
	assert_true(f->f_flags & PC_F_DIRTY);
	assert_int_equal(x.ip->i_disksize, 8192);
	size0 = x.ip->i_size;
	queue(&x, PC_OP_FALLOCATE, off, len, flags, -1);
	run_a(&x);
	if (setsize) {
		assert_false(f->f_flags & (PC_F_DIRTY | PC_F_WRITEBACK));
		assert_int_equal(x.ip->i_size, off + len);
		assert_int_equal(x.ip->i_disksize, off + len);
	} else {
		assert_true(f->f_flags & PC_F_DIRTY);
		assert_int_equal(x.ip->i_size, size0);
		assert_int_equal(x.ip->i_disksize, 8192);
	}
	finish_clean(&x);
	expect_bytes(&x, 8192, 808, 0xcd);
	sim_destroy(x.s);
}

static void test_xfs_falloc_keep_size_no_setsize(void **state)
{
	xfs_falloc_setsize(12288, 4096, PC_OF_KEEP_SIZE, false);
}

static void test_xfs_falloc_inside_eof_no_setsize(void **state)
{
	xfs_falloc_setsize(1024, 2048, 0, false);
}

static void test_xfs_falloc_growing_setsize(void **state)
{
	xfs_falloc_setsize(12288, 4096, 0, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xfs_falloc_keep_size_no_setsize),
		cmocka_unit_test(test_xfs_falloc_inside_eof_no_setsize),
		cmocka_unit_test(test_xfs_falloc_growing_setsize),
		cmocka_unit_test(test_zero_range_in_flight_ext4),
		cmocka_unit_test(test_zero_range_in_flight_ext4_iomap),
		cmocka_unit_test(test_zero_range_in_flight_xfs),
		cmocka_unit_test(test_truncate_fallocate_in_flight_ext4),
		cmocka_unit_test(test_truncate_fallocate_in_flight_ext4_iomap),
		cmocka_unit_test(test_truncate_fallocate_in_flight_xfs),
		cmocka_unit_test(test_punch_fallocate_in_flight_ext4),
		cmocka_unit_test(test_punch_fallocate_in_flight_xfs),
		cmocka_unit_test(test_xfs_zero_range_skips_hole),
		cmocka_unit_test(test_xfs_punch_to_eof),
		cmocka_unit_test(test_ext4_zero_range_converts_in_place),
		cmocka_unit_test(test_ext4_zero_range_aligned_extending),
		cmocka_unit_test(test_ext4_punch_raises_disksize),
		cmocka_unit_test(test_ext4_punch_partial_ordered),
		cmocka_unit_test(test_ei_punch_partial_not_ordered),
		cmocka_unit_test(test_ext4_fallocate_raises_disksize_inside_isize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
