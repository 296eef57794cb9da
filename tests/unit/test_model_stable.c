/* Unit tests: stable pages (issue 11 item 6; knob stable_pages, model/
 * disk.c device_read_pages, model/folio.c __pc_folio_wait_stable).
 * A folio's write-back I/O is in flight (sync_file_range WRITE) when the
 * same task stores into it through a mapping, or write()s into it:
 *   - stable_pages=off: ->page_mkwrite and write_begin do not wait, the
 *     bytes land while the folio is under writeback, and the in-flight
 *     write carries them to the disk (the device reads the folio at the
 *     completion);
 *   - stable_pages=on: ->page_mkwrite (after dirtying the folio) and
 *     write_begin wait in folio_wait_stable until the writeback ended; the
 *     disk holds the bytes submitted, the new ones only in the cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fx.h"
#include "sim/explore/runner.h"
#include "sim/scenario/scenario.h"

static void boot(struct fx *x, enum pc_profile p, bool stable)
{
	static const char *const on[] = { "stable_pages=on", NULL };
	static const char *const off[] = { "stable_pages=off", NULL };

	fx_boot(x, p, stable ? on : off, 1000 * SIM_USEC);
}

static bool under_writeback(const struct fx *x)
{
	return x->ip->i_folios[0].f_flags & PC_F_WRITEBACK;
}

/* Byte off of file block 0 as the disk holds it now. */
static uint8_t disk_byte(const struct fx *x, uint64_t off)
{
	return pc_byte_value(x->s, pc_disk_read(x->w->w_disk, x->ip->i_map[0].e_pblk)[off], off);
}

/* kind: PC_OP_STORE (through a mapping) or PC_OP_PWRITE. */
static void change_in_flight(enum pc_profile p, bool stable, uint8_t kind)
{
	struct fx x;
	uint8_t buf[100];

	boot(&x, p, stable);
	fx_queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x11);
	fx_queue(&x, PC_OP_SYNC_FILE_RANGE, 0, 4096, PC_OF_WRITE, -1);
	if (kind == PC_OP_STORE)
		fx_queue(&x, PC_OP_MMAP, 0, 0, 0, -1);
	fx_run_a(&x);
	assert_true(under_writeback(&x));
	fx_queue(&x, kind, 0, 100, 0, 0x33);
	if (!stable) {
		/* Nothing waits: the bytes land with the I/O in flight. */
		assert_int_equal(fx_run_a(&x), 0);
		assert_true(under_writeback(&x));
		while (under_writeback(&x))
			assert_true(sim_step(x.s));
		assert_int_equal(disk_byte(&x, 0), 0x33);
		assert_int_equal(disk_byte(&x, 99), 0x33);
	} else {
		/* folio_wait_stable: A sleeps until the writeback ended. */
		assert_true(fx_run_a(&x) > 0);
		assert_false(under_writeback(&x));
		assert_int_equal(disk_byte(&x, 0), 0x11);
	}
	assert_int_equal(disk_byte(&x, 100), 0x11);
	assert_int_equal(pc_model_read(x.s, 0, 0, 100, buf), 100);
	assert_int_equal(buf[0], 0x33);
	assert_int_equal(buf[99], 0x33);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_store_off_ext4(void **state)
{
	change_in_flight(PC_PROF_EXT4, false, PC_OP_STORE);
}

static void test_store_on_ext4(void **state)
{
	change_in_flight(PC_PROF_EXT4, true, PC_OP_STORE);
}

static void test_store_off_xfs(void **state)
{
	change_in_flight(PC_PROF_XFS, false, PC_OP_STORE);
}

static void test_store_on_xfs(void **state)
{
	change_in_flight(PC_PROF_XFS, true, PC_OP_STORE);
}

static void test_write_off_ext4(void **state)
{
	change_in_flight(PC_PROF_EXT4, false, PC_OP_PWRITE);
}

static void test_write_on_ext4(void **state)
{
	change_in_flight(PC_PROF_EXT4, true, PC_OP_PWRITE);
}

static void test_write_off_ext4_iomap(void **state)
{
	change_in_flight(PC_PROF_EXT4_IOMAP, false, PC_OP_PWRITE);
}

static void test_write_on_ext4_iomap(void **state)
{
	change_in_flight(PC_PROF_EXT4_IOMAP, true, PC_OP_PWRITE);
}

/* xfs truncate up: xfs_zero_range zeroes the old EOF block's tail (a
 * written block) through iomap_zero_range, whose iomap_write_begin waits in folio_wait_stable
 * only with stable_pages=on: when the step after it comes, the folio is
 * still under writeback with off, no longer with on. */
static void zero_range_in_flight(bool stable)
{
	struct fx x;

	boot(&x, PC_PROF_XFS, stable);
	/* Block 0 written (no hole or unwritten block in the zeroed range,
	 * so iomap_zero_range does not flush), then rewritten and its
	 * write-back started. */
	fx_queue(&x, PC_OP_PWRITE, 0, 1000, 0, 0x11);
	fx_queue(&x, PC_OP_FSYNC, 0, 0, 0, -1);
	fx_queue(&x, PC_OP_PWRITE, 0, 1000, 0, 0x22);
	fx_queue(&x, PC_OP_SYNC_FILE_RANGE, 0, 1000, PC_OF_WRITE, -1);
	fx_run_a(&x);
	assert_true(under_writeback(&x));
	fx_queue(&x, PC_OP_TRUNCATE, 3000, 0, 0, -1);
	fx_step_until(&x, "truncate_setsize");
	assert_int_equal(under_writeback(&x), !stable);
	fx_finish_clean(&x);
	sim_destroy(x.s);
}

static void test_zero_range_off_xfs(void **state)
{
	zero_range_in_flight(false);
}

static void test_zero_range_on_xfs(void **state)
{
	zero_range_in_flight(true);
}

static void test_knob_values(void **state)
{
	struct pc_knobs k;
	char err[200];

	pc_knobs_default(&k, PC_PROF_XFS);
	assert_false(k.k_stable_pages);
	assert_int_equal(pc_knob_set(&k, "stable_pages", "yes", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "known: off on"));
	assert_int_equal(pc_knob_set(&k, "stable_pages", "on", err, sizeof(err)), 0);
	assert_true(k.k_stable_pages);
}

/* A scenario file's bad value is reported at its file:line:col by the
 * model's own knob vocabulary (the one --knob uses). */
static void test_knob_in_scenario(void **state)
{
	const char *bad = "scenario x\nfs         xfs  stable_pages=maybe\n\n"
			  "thread A\n    fsync f\n\nexpect pass\n";
	const char *good = "scenario x\nfs         ext4  stable_pages=on\n\n"
			   "thread A\n    fsync f\n\nexpect pass\n";
	struct scn_file *f = NULL;
	struct scn_diag dg;

	assert_int_not_equal(scn_parse("s.scn", bad, strlen(bad), &pcr_vocab, &f, &dg), 0);
	assert_int_equal(dg.d_line, 2);
	assert_int_equal(dg.d_col, 30);
	assert_non_null(strstr(dg.d_message, "bad value 'maybe' for knob 'stable_pages'"));
	assert_non_null(strstr(dg.d_note, "off, on"));
	assert_int_equal(scn_parse("s.scn", good, strlen(good), &pcr_vocab, &f, &dg), 0);
	scn_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_off_ext4),
		cmocka_unit_test(test_store_on_ext4),
		cmocka_unit_test(test_store_off_xfs),
		cmocka_unit_test(test_store_on_xfs),
		cmocka_unit_test(test_write_off_ext4),
		cmocka_unit_test(test_write_on_ext4),
		cmocka_unit_test(test_write_off_ext4_iomap),
		cmocka_unit_test(test_write_on_ext4_iomap),
		cmocka_unit_test(test_zero_range_off_xfs),
		cmocka_unit_test(test_zero_range_on_xfs),
		cmocka_unit_test(test_knob_values),
		cmocka_unit_test(test_knob_in_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
