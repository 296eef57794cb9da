/* Unit tests: the durability latency metrics (model/latency.c).
 *
 * Data durable after: from a write's response to its blocks being written
 * by a completed bio and flushed (or FUA, or cache=none). Size durable
 * after: from the response of an operation that grew the file to a
 * durable commit logging that size. Seed 002's cost: with ext4-iomap
 * zero_eof=deferred the size set by a truncate up is durable only after
 * the zeroed block's writeback (about 35 s) instead of the next commit
 * (about 5 s). Block size 1024, volatile cache, default timers (flusher
 * every 5 s, expiry 30 s, commit 5 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/model_priv.h"

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct sim_task *a;
	struct pc_metrics m;
};

static void cfg_init(struct pc_config *cfg, enum pc_profile p)
{
	memset(cfg, 0, sizeof(*cfg));
	pc_knobs_default(&cfg->c_knobs, p);
	cfg->c_knobs.k_bs = 1024;
	cfg->c_nfiles = 1;
	cfg->c_file_bytes = 16384;
	cfg->c_volatile_cache = true;
	cfg->c_lat_min = cfg->c_lat_max = 100 * SIM_USEC;
}

static void queue(struct fx *x, uint8_t kind, uint64_t off, uint64_t len, uint32_t flags,
		  sim_time_t dur)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_flags = flags,
			       .o_dur = dur, .o_data = -1 };
	char err[200];

	assert_true(pc_queue_op(x->s, x->a, &o, err, sizeof(err)) >= 0);
}

/* A settled 1500-byte file; thread A. */
static void boot(struct fx *x, const struct pc_config *cfg)
{
	struct sim_config sc = { .seed = 0 };
	struct pc_opspec o = { .o_kind = PC_OP_PWRITE, .o_off = 0, .o_len = 1500, .o_data = -1 };
	char err[200];

	memset(x, 0, sizeof(*x));
	sc.arena_size = pc_model_arena_size(cfg);
	x->s = sim_create(&sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, cfg, err, sizeof(err)));
	x->w = pc_w(x->s);
	assert_true(pc_queue_op(x->s, pc_user_task(x->s, "setup"), &o, err, sizeof(err)) >= 0);
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->a = pc_user_task(x->s, "A");
}

static void boot_p(struct fx *x, enum pc_profile p)
{
	struct pc_config cfg;

	cfg_init(&cfg, p);
	boot(x, &cfg);
}

static void run(struct fx *x)
{
	assert_int_equal(sim_run(x->s), SIM_OK);
	pc_model_metrics(x->s, &x->m);
}

/* An append no one syncs: written back once the inode expired (30 s, the
 * flusher wakes every 5 s), flushed by the commit that logs its new size
 * (5 s later on ext4; on xfs the log worker forces the log 30 s later,
 * xfs_syncd_centisecs). Both latencies are measured from the write's
 * response and are the same here: the commit record's preflush makes the
 * data durable and its FUA the size. */
static void append_unsynced(enum pc_profile p)
{
	struct fx x;

	boot_p(&x, p);
	queue(&x, PC_OP_PWRITE, 1500, 1500, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 1);
	assert_int_equal(x.m.m_data_lat_open + x.m.m_data_lat_dropped, 0);
	assert_true(x.m.m_data_lat_max > 30 * SIM_SEC);
	assert_true(x.m.m_data_lat_max <= (p == PC_PROF_XFS ? 66 : 41) * SIM_SEC);
	assert_int_equal(x.m.m_data_lat_mean, x.m.m_data_lat_max);
	assert_int_equal(x.m.m_data_lat_median, x.m.m_data_lat_max);
	assert_int_equal(x.m.m_disksize_lat_n, 1);
	assert_int_equal(x.m.m_disksize_lat_open, 0);
	assert_true(x.m.m_disksize_lat_max > 30 * SIM_SEC);
	assert_true(x.m.m_disksize_lat_max <= x.m.m_data_lat_max);
	sim_destroy(x.s);
}

static void test_append_unsynced_ext4(void **state)
{
	append_unsynced(PC_PROF_EXT4);
}

static void test_append_unsynced_xfs(void **state)
{
	append_unsynced(PC_PROF_XFS);
}

/* O_DSYNC: the data and the size are durable before the write returns. */
static void test_dsync_zero(void **state)
{
	struct fx x;

	boot_p(&x, PC_PROF_EXT4_IOMAP);
	queue(&x, PC_OP_PWRITE, 1500, 1500, PC_OF_DSYNC, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 1);
	assert_int_equal(x.m.m_data_lat_max, 0);
	assert_int_equal(x.m.m_disksize_lat_n, 1);
	assert_int_equal(x.m.m_disksize_lat_max, 0);
	sim_destroy(x.s);
}

/* An overwrite, then fsync 2 s later: durable at the fsync's flush, a
 * little over 2 s after the write returned; no size grew. */
static void test_fsync_later(void **state)
{
	struct fx x;

	boot_p(&x, PC_PROF_XFS);
	queue(&x, PC_OP_PWRITE, 100, 200, 0, 0);
	queue(&x, PC_OP_SLEEP, 0, 0, 0, 2 * SIM_SEC);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 1);
	assert_true(x.m.m_data_lat_max > 2 * SIM_SEC);
	assert_true(x.m.m_data_lat_max < 2 * SIM_SEC + 10 * SIM_MSEC);
	assert_int_equal(x.m.m_disksize_lat_n, 0);
	sim_destroy(x.s);
}

/* Direct I/O: the data goes in the write's own bio; durable at the next
 * flush (here the fsync), not at the bio's completion. */
static void test_direct_needs_flush(void **state)
{
	struct fx x;

	boot_p(&x, PC_PROF_EXT4);
	queue(&x, PC_OP_PWRITE, 0, 1024, PC_OF_DIRECT, 0);
	queue(&x, PC_OP_SLEEP, 0, 0, 0, 1 * SIM_SEC);
	queue(&x, PC_OP_FSYNC, 0, 0, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 1);
	assert_true(x.m.m_data_lat_max > 1 * SIM_SEC);
	assert_true(x.m.m_data_lat_max < 1 * SIM_SEC + 10 * SIM_MSEC);
	sim_destroy(x.s);
}

/* A write truncated away before writeback never becomes durable: counted
 * as dropped, not measured; the size it set is no longer awaited. */
static void test_truncated_dropped(void **state)
{
	struct fx x;

	boot_p(&x, PC_PROF_EXT4_IOMAP);
	queue(&x, PC_OP_PWRITE, 1500, 1500, 0, 0);
	queue(&x, PC_OP_TRUNCATE, 1000, 0, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 0);
	assert_int_equal(x.m.m_data_lat_dropped, 1);
	assert_int_equal(x.m.m_disksize_lat_n, 0);
	assert_int_equal(x.m.m_disksize_lat_open, 0);
	sim_destroy(x.s);
}

/* cache=none: completed is durable, no flush needed; an append on
 * ext4-iomap is durable at its writeback (expiry + flusher period). */
static void test_cache_none(void **state)
{
	struct pc_config cfg;
	struct fx x;

	cfg_init(&cfg, PC_PROF_EXT4_IOMAP);
	cfg.c_volatile_cache = false;
	boot(&x, &cfg);
	queue(&x, PC_OP_PWRITE, 100, 100, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_data_lat_n, 1);
	assert_true(x.m.m_data_lat_max >= 30 * SIM_SEC);
	assert_true(x.m.m_data_lat_max < 36 * SIM_SEC);
	sim_destroy(x.s);
}

/* Seed 002 (SEMANTICS 9.6): truncate up on ext4-iomap. zero_eof=submit and
 * wait log the new size in the truncate's handle: durable at the next
 * commit (5 s). deferred leaves i_disksize until the zeroed block's
 * end_io, after the flusher wrote it back (expiry 30 s), then commits:
 * about 35 s. */
static sim_time_t truncate_up_size_lat(uint8_t zero_eof)
{
	struct pc_config cfg;
	struct fx x;
	sim_time_t lat;

	cfg_init(&cfg, PC_PROF_EXT4_IOMAP);
	cfg.c_knobs.k_zero_eof = zero_eof;
	boot(&x, &cfg);
	queue(&x, PC_OP_TRUNCATE, 6000, 0, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_disksize_lat_n, 1);
	assert_int_equal(x.m.m_disksize_lat_open, 0);
	assert_int_equal(x.m.m_data_lat_n, 0);
	lat = x.m.m_disksize_lat_max;
	sim_destroy(x.s);
	return lat;
}

static void test_truncate_up_deferred_35s(void **state)
{
	sim_time_t submit = truncate_up_size_lat(PC_ZE_SUBMIT);
	sim_time_t wait = truncate_up_size_lat(PC_ZE_WAIT);
	sim_time_t deferred = truncate_up_size_lat(PC_ZE_DEFERRED);

	assert_true(submit >= 5 * SIM_SEC && submit < 6 * SIM_SEC);
	assert_true(wait >= 5 * SIM_SEC && wait < 6 * SIM_SEC);
	assert_true(deferred > 30 * SIM_SEC && deferred <= 41 * SIM_SEC);
}

/* Extending fallocate behaves like truncate up; keep-size sets no size. */
static void test_fallocate(void **state)
{
	struct pc_config cfg;
	struct fx x;

	cfg_init(&cfg, PC_PROF_EXT4_IOMAP);
	cfg.c_knobs.k_zero_eof = PC_ZE_DEFERRED;
	boot(&x, &cfg);
	queue(&x, PC_OP_FALLOCATE, 1500, 4000, PC_OF_KEEP_SIZE, 0);
	queue(&x, PC_OP_FALLOCATE, 1500, 4000, 0, 0);
	run(&x);
	assert_int_equal(x.m.m_disksize_lat_n, 1);
	assert_true(x.m.m_disksize_lat_max > 30 * SIM_SEC);
	sim_destroy(x.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_unsynced_ext4),
		cmocka_unit_test(test_append_unsynced_xfs),
		cmocka_unit_test(test_dsync_zero),
		cmocka_unit_test(test_fsync_later),
		cmocka_unit_test(test_direct_needs_flush),
		cmocka_unit_test(test_truncated_dropped),
		cmocka_unit_test(test_cache_none),
		cmocka_unit_test(test_truncate_up_deferred_35s),
		cmocka_unit_test(test_fallocate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
