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

#include "model/fs/fs.h"
#include "model/model_priv.h"
#include "sim/explore/runner.h"
#include "sim/scenario/scenario.h"

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;
	struct sim_task *a;
};

static void boot(struct fx *x, enum pc_profile p, bool stable)
{
	struct pc_config cfg;
	struct sim_config sc = { .seed = 0 };
	char err[200];

	memset(x, 0, sizeof(*x));
	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, p);
	assert_int_equal(pc_knob_set(&cfg.c_knobs, "stable_pages", stable ? "on" : "off", err,
				     sizeof(err)), 0);
	cfg.c_nfiles = 1;
	cfg.c_file_bytes = 65536;
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = cfg.c_lat_max = 1000 * SIM_USEC;
	sc.arena_size = pc_model_arena_size(&cfg);
	x->s = sim_create(&sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, &cfg, err, sizeof(err)));
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->w = pc_w(x->s);
	x->ip = x->w->w_inode[0];
	x->a = pc_user_task(x->s, "A");
}

static void queue(struct fx *x, uint8_t kind, uint64_t off, uint64_t len, uint32_t flags,
		  int16_t data)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_flags = flags,
			       .o_data = data };
	char err[200];

	assert_true(pc_queue_op(x->s, x->a, &o, err, sizeof(err)) >= 0);
}

/* Run A's queued operations; other tasks and events run only while A is
 * blocked. Returns how many times A was found blocked. */
static unsigned run_a(struct fx *x)
{
	unsigned blocked = 0;

	for (unsigned guard = 0; sim_task_has_work(x->a); guard++) {
		assert_true(guard < 100000);
		if (x->a->t_state == SIM_TASK_RUNNABLE) {
			assert_true(sim_step_task(x->s, x->a));
		} else {
			blocked++;
			assert_true(sim_step(x->s));
		}
	}
	return blocked;
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

/* kind: PC_OP_STORE (through a mapping) or PC_OP_PWRITE. */
static void change_in_flight(enum pc_profile p, bool stable, uint8_t kind)
{
	struct fx x;
	uint8_t buf[100];

	boot(&x, p, stable);
	queue(&x, PC_OP_PWRITE, 0, 4096, 0, 0x11);
	queue(&x, PC_OP_SYNC_FILE_RANGE, 0, 4096, PC_OF_WRITE, -1);
	if (kind == PC_OP_STORE)
		queue(&x, PC_OP_MMAP, 0, 0, 0, -1);
	run_a(&x);
	assert_true(under_writeback(&x));
	queue(&x, kind, 0, 100, 0, 0x33);
	if (!stable) {
		/* Nothing waits: the bytes land with the I/O in flight. */
		assert_int_equal(run_a(&x), 0);
		assert_true(under_writeback(&x));
		while (under_writeback(&x))
			assert_true(sim_step(x.s));
		assert_int_equal(disk_byte(&x, 0), 0x33);
		assert_int_equal(disk_byte(&x, 99), 0x33);
	} else {
		/* folio_wait_stable: A sleeps until the writeback ended. */
		assert_true(run_a(&x) > 0);
		assert_false(under_writeback(&x));
		assert_int_equal(disk_byte(&x, 0), 0x11);
	}
	assert_int_equal(disk_byte(&x, 100), 0x11);
	assert_int_equal(pc_model_read(x.s, 0, 0, 100, buf), 100);
	assert_int_equal(buf[0], 0x33);
	assert_int_equal(buf[99], 0x33);
	finish_clean(&x);
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
		cmocka_unit_test(test_knob_values),
		cmocka_unit_test(test_knob_in_scenario),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
