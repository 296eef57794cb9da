/* Unit tests: the oracle (model/oracle.c and the checks of model/model.c)
 * against SEMANTICS.md section 10: eof-junk (a store past EOF that
 * happened-before the extension shows inside the new size; a store
 * concurrent with the extension only under oracle=strict), stale-data
 * after a crash (durable metadata mapping a block whose data never reached
 * the disk), erased-data after a crash (the file's own bytes under a
 * durable zero range: a violation only where the profile's guarantee row,
 * model/guarantee.c, or a promise covers the zeros), and lost-write (a completed write's bytes past a size that
 * went backwards), each with the control run that must stay clean. Block
 * size 1024. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;
	struct sim_task *a, *b;
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

static int queue(struct fx *x, struct sim_task *t, uint8_t kind, uint64_t off, uint64_t len,
		 uint32_t flags, int16_t data)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_flags = flags,
			       .o_data = data };
	char err[200];
	int n = pc_queue_op(x->s, t, &o, err, sizeof(err));

	assert_true(n >= 0);
	return n;
}

static void run_task(struct sim *s, struct sim_task *t)
{
	for (unsigned guard = 0; sim_task_has_work(t); guard++) {
		assert_true(guard < 100000);
		if (t->t_state == SIM_TASK_RUNNABLE)
			assert_true(sim_step_task(s, t));
		else
			assert_true(sim_step(s));
	}
}

/* A settled file of `size` bytes from one pwrite (data -1: unique bytes). */
static void boot(struct fx *x, const struct pc_config *cfg, uint64_t size)
{
	struct sim_config sc = { .seed = 0 };
	char err[200];

	memset(x, 0, sizeof(*x));
	sc.arena_size = pc_model_arena_size(cfg);
	x->s = sim_create(&sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, cfg, err, sizeof(err)));
	x->w = pc_w(x->s);
	x->ip = x->w->w_inode[0];
	queue(x, pc_user_task(x->s, "setup"), PC_OP_PWRITE, 0, size, 0, -1);
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->a = pc_user_task(x->s, "A");
	x->b = pc_user_task(x->s, "B");
}

/* Violations of inv (crash: only those found in crash states, or only run
 * time ones); the range of the last one. */
static unsigned count_viol(const struct fx *x, enum pc_invariant inv, int crash, uint64_t *off,
			   uint64_t *len)
{
	const struct pc_violation *v;
	unsigned n = pc_violations(x->s, &v), k = 0;

	for (unsigned i = 0; i < n; i++) {
		if (v[i].v_inv != inv || (crash >= 0 && v[i].v_crash != (crash != 0)))
			continue;
		if (off)
			*off = v[i].v_off;
		if (len)
			*len = v[i].v_len;
		k++;
	}
	return k;
}

/* ---- eof-junk ---- */

/* ext4, seed 000 "problem 2": A stores 0xee at [3000, 3100) through mmap
 * past EOF (1500), then truncates up to 6000 and reads. The store
 * happened-before the extension, so the new range must read zero: with
 * isize_extended=off or mkclean the junk shows (eof-junk, at the read,
 * within the stored range); today's mkclean+zero clears it and nothing
 * fires. */
static void eof_junk_truncate_up(uint8_t isx, bool junk)
{
	struct pc_config cfg;
	struct fx x;
	uint64_t off = 0, len = 0;
	uint8_t buf[6000];

	cfg_init(&cfg, PC_PROF_EXT4);
	cfg.c_knobs.k_isize_extended = isx;
	boot(&x, &cfg, 1500);
	queue(&x, x.a, PC_OP_MMAP, 0, 0, 0, -1);
	queue(&x, x.a, PC_OP_STORE, 3000, 100, 0, 0xee);
	queue(&x, x.a, PC_OP_TRUNCATE, 6000, 0, 0, -1);
	queue(&x, x.a, PC_OP_READ, 0, 6000, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(pc_model_read(x.s, 0, 0, 6000, buf), 6000);
	assert_int_equal(buf[3000], junk ? 0xee : 0);
	assert_int_equal(buf[3099], junk ? 0xee : 0);
	assert_int_equal(count_viol(&x, PC_INV_EOF_JUNK, 0, &off, &len), junk ? 1 : 0);
	if (junk) {
		assert_true(off >= 3000 && off + len <= 3100);
		assert_true(len > 0);
	}
	pc_model_finish(x.s);
	assert_int_equal(count_viol(&x, PC_INV_STALE_DATA, -1, NULL, NULL), 0);
	assert_int_equal(count_viol(&x, PC_INV_LOST_WRITE, -1, NULL, NULL), 0);
	sim_destroy(x.s);
}

static void test_eof_junk_isx_off(void **state)
{
	eof_junk_truncate_up(PC_ISX_OFF, true);
}

static void test_eof_junk_isx_mkclean(void **state)
{
	eof_junk_truncate_up(PC_ISX_MKCLEAN, true);
}

static void test_eof_junk_isx_today(void **state)
{
	eof_junk_truncate_up(PC_ISX_MKCLEAN_ZERO, false);
}

/* xfs, seed 000 (xfs_file_write_zero_eof): A's extending write 6000+100
 * zeroes [1500, 6000); then B maps and stores 0xee at [1600, 1700); then A
 * raises i_size. With isize_extended=mkclean the junk stays inside the new
 * size. B's store is concurrent with A's write: the default
 * (happens-before) oracle allows it, oracle=strict flags eof-junk; with
 * mkclean+zero it is zeroed and even strict is clean. */
static void zero_eof_vs_mmap(uint8_t isx, bool strict, bool flagged)
{
	struct pc_config cfg;
	struct fx x;
	uint8_t buf[1];

	cfg_init(&cfg, PC_PROF_XFS);
	cfg.c_knobs.k_isize_extended = isx;
	cfg.c_knobs.k_strict = strict;
	boot(&x, &cfg, 1500);
	queue(&x, x.a, PC_OP_PWRITE, 6000, 100, 0, -1);
	queue(&x, x.b, PC_OP_MMAP, 0, 0, 0, -1);
	queue(&x, x.b, PC_OP_STORE, 1600, 100, 0, 0xee);
	for (unsigned guard = 0; strcmp(sim_task_next_step(x.a)->name, "iomap_iter"); guard++) {
		assert_true(guard < 100);
		assert_true(sim_step_task(x.s, x.a));
	}
	assert_int_equal(x.ip->i_size, 1500);
	run_task(x.s, x.b);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_size, 6100);
	assert_int_equal(sim_run(x.s), SIM_OK);
	pc_model_finish(x.s);
	assert_int_equal(pc_model_read(x.s, 0, 1650, 1, buf), 1);
	assert_int_equal(buf[0], isx == PC_ISX_MKCLEAN ? 0xee : 0);
	assert_int_equal(count_viol(&x, PC_INV_EOF_JUNK, 0, NULL, NULL) > 0, flagged);
	sim_destroy(x.s);
}

static void test_zero_eof_vs_mmap_default(void **state)
{
	zero_eof_vs_mmap(PC_ISX_MKCLEAN, false, false);
}

static void test_zero_eof_vs_mmap_strict(void **state)
{
	zero_eof_vs_mmap(PC_ISX_MKCLEAN, true, true);
}

static void test_zero_eof_vs_mmap_strict_today(void **state)
{
	zero_eof_vs_mmap(PC_ISX_MKCLEAN_ZERO, true, false);
}

/* ---- stale-data after a crash ---- */

/* ext4: fallocate [1024, 2048) gives block 1 an unwritten extent (reads as
 * zeros) and size 2048; fsync commits it. If block 1 is instead logged as
 * written although no data write to it ever reached the disk (the state is
 * set by hand before the commit, as a conversion run ahead of its I/O
 * would), every crash state after the commit exposes the disk block's
 * stale contents inside the file: stale-data, in crash states only, over
 * [1024, 2048). The unwritten control run is clean in every crash state. */
static void crash_stale(bool premature_written, bool flagged)
{
	struct pc_config cfg;
	struct fx x;
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1024,
				.p_dedup = PC_DEDUP_POINT };
	bool complete = false;
	uint64_t off = 0, len = 0, n;

	cfg_init(&cfg, PC_PROF_EXT4);
	boot(&x, &cfg, 1024);
	queue(&x, x.a, PC_OP_FALLOCATE, 1024, 1024, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_size, 2048);
	assert_int_equal(x.ip->i_map[1].e_state, EXT_UNWRITTEN);
	if (premature_written)
		x.ip->i_map[1].e_state = EXT_WRITTEN;
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	n = pc_model_check_crashes(x.s, 0, pc_wlog_len(x.s), &p, &complete, NULL);
	assert_true(n > 1);
	assert_true(complete);
	assert_int_equal(count_viol(&x, PC_INV_STALE_DATA, 1, &off, &len) > 0, flagged);
	assert_int_equal(count_viol(&x, PC_INV_STALE_DATA, 0, NULL, NULL), 0);
	assert_int_equal(count_viol(&x, PC_INV_JOURNAL, -1, NULL, NULL), 0);
	/* a foreign block is never the file's own earlier bytes */
	assert_int_equal(count_viol(&x, PC_INV_ERASED_DATA, -1, NULL, NULL), 0);
	if (flagged) {
		assert_int_equal(off, 1024);
		assert_int_equal(len, 1024);
	}
	sim_destroy(x.s);
}

static void test_crash_stale_data(void **state)
{
	crash_stale(true, true);
}

static void test_crash_unwritten_clean(void **state)
{
	crash_stale(false, false);
}

/* ---- erased-data after a crash ---- */

/* Crash states after `zero-range 5000 2000` over a settled file of 16384
 * bytes (block size 1024: partial blocks 4 [5000, 5120) and 6 [6144, 7000),
 * block 5 whole), followed by an O_DSYNC write elsewhere (12000, a later
 * folio) whose log force makes the zero range's transaction durable, or by
 * an fsync (fsync: a promise over the zeroed bytes). lose: the zeroing is
 * lost by hand after the zero range (folio 1 marked clean, as a model that
 * forgot to write it would leave it), so the disk keeps the old bytes.
 * old_seen: some crash state after the transaction shows an old byte of
 * the partial block at 5000. */
struct erase_view {
	bool old_seen;
};

static void erase_view_fn(void *ctx, const struct sim *s, const struct pc_crash_view *v)
{
	struct erase_view *ev = ctx;

	(void)s;
	if (v->cv_size[0] >= 7000 && v->cv_bytes[0] && v->cv_bytes[0][5500] == 0 &&
	    v->cv_bytes[0][5000] != 0)
		ev->old_seen = true;
}

static void zero_range_crash(enum pc_profile prof, bool lose, bool fsync, bool flagged,
			     const char *why)
{
	struct pc_config cfg;
	struct fx x;
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 4096,
				.p_dedup = PC_DEDUP_POINT };
	struct erase_view ev = { false };
	const struct pc_violation *v;
	bool complete = false;
	uint64_t off = 0, len = 0;
	unsigned n;

	cfg_init(&cfg, prof);
	boot(&x, &cfg, 16384);
	queue(&x, x.a, PC_OP_ZERO_RANGE, 5000, 2000, 0, -1);
	run_task(x.s, x.a);
	if (lose) {
		struct pc_folio *f = &x.ip->i_folios[1];

		f->f_flags &= (uint8_t)~PC_F_DIRTY;
		f->f_bdirty = 0;
	}
	if (fsync)
		queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, -1);
	else
		queue(&x, x.a, PC_OP_PWRITE, 12000, 100, PC_OF_DSYNC, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	pc_model_finish(x.s);
	assert_true(pc_model_check_crashes_view(x.s, 0, pc_wlog_len(x.s), &p, &complete, NULL,
						erase_view_fn, &ev) > 1);
	assert_true(complete);
	assert_int_equal(count_viol(&x, PC_INV_STALE_DATA, -1, NULL, NULL), 0);
	assert_int_equal(count_viol(&x, PC_INV_ERASED_DATA, 0, NULL, NULL), 0);
	assert_int_equal(count_viol(&x, PC_INV_ERASED_DATA, 1, &off, &len) > 0, flagged);
	assert_int_equal(count_viol(&x, PC_INV_NOT_DURABLE, 1, NULL, NULL) > 0, lose && fsync);
	if (flagged) {
		assert_true((off >= 5000 && off + len <= 5120) || (off >= 6144 && off + len <= 7000));
		n = pc_violations(x.s, &v);
		for (unsigned i = 0; i < n; i++)
			if (v[i].v_inv == PC_INV_ERASED_DATA)
				assert_non_null(strstr(v[i].v_msg, why));
	}
	/* the old bytes are on the disk under the durable unmap exactly
	 * where the zeroing was not written */
	assert_int_equal(ev.old_seen, lose || prof == PC_PROF_XFS);
	sim_destroy(x.s);
}

/* XFS (xfs_falloc_zero_range -> xfs_free_file_space): the partial blocks
 * are zeroed in the page cache only and nothing writes them before the
 * unmap transaction; the O_DSYNC write's log force makes that transaction
 * durable with the old bytes on the disk. The kernel shows them too (pcsim
 * kernel --fs xfs --bs 1024, docs/crashdiff.md): not a violation (before
 * the guarantee table: stale-data). */
static void test_xfs_zero_range_partial_not_durable(void **state)
{
	zero_range_crash(PC_PROF_XFS, false, false, false, NULL);
}

/* ext4 orders the zeroed partial blocks with the transaction
 * (ext4_jbd2_inode_add_write): the commit writes them first, no state
 * shows old bytes. */
static void test_ext4_zero_range_partial_ordered(void **state)
{
	zero_range_crash(PC_PROF_EXT4, false, false, false, NULL);
}

/* ...and a model that loses the ordered zeroing is caught by the ext4
 * zero-range row of the table. */
static void test_ext4_zero_range_lost_zeroing(void **state)
{
	zero_range_crash(PC_PROF_EXT4, true, false, true, "guarantee ext4/zero-range");
}

/* The same lost zeroing on XFS is what XFS allows (no row guarantees it). */
static void test_xfs_zero_range_lost_zeroing_allowed(void **state)
{
	zero_range_crash(PC_PROF_XFS, true, false, false, NULL);
}

/* With an fsync after the zero range, the promise covers the zeros: a lost
 * zeroing is erased-data naming the promise (and not-durable) on XFS too. */
static void test_xfs_zero_range_lost_zeroing_promised(void **state)
{
	zero_range_crash(PC_PROF_XFS, true, true, true, "promised by fsync");
}

/* The kind each erased byte keeps (i_erase_kind), which picks the row of
 * the guarantee table: xfs, block size 1024. A zero range's partial blocks
 * are zero-range, the block wholly inside it whole-block; a truncate down's
 * new EOF block tail truncate-down, the blocks past it whole-block (the
 * zero range's too: a byte keeps its latest erase); an extending write's
 * zeroing of that tail extend-write. */
static void test_erase_kinds(void **state)
{
	struct pc_config cfg;
	struct fx x;

	cfg_init(&cfg, PC_PROF_XFS);
	boot(&x, &cfg, 16384);
	queue(&x, x.a, PC_OP_ZERO_RANGE, 5000, 2000, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_erase_kind[4999], PC_ERASE_NONE);
	assert_int_equal(x.ip->i_erase_kind[5000], PC_ERASE_ZERO_RANGE);
	assert_int_equal(x.ip->i_erase_kind[5500], PC_ERASE_WHOLE_BLOCK);
	assert_int_equal(x.ip->i_erase_kind[6999], PC_ERASE_ZERO_RANGE);
	assert_int_equal(x.ip->i_erase_kind[7000], PC_ERASE_NONE);
	queue(&x, x.a, PC_OP_TRUNCATE, 3000, 0, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_erase_kind[3000], PC_ERASE_TRUNCATE_DOWN);
	assert_int_equal(x.ip->i_erase_kind[3071], PC_ERASE_TRUNCATE_DOWN);
	assert_int_equal(x.ip->i_erase_kind[3072], PC_ERASE_WHOLE_BLOCK);
	queue(&x, x.a, PC_OP_PWRITE, 10000, 10, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_erase_kind[3000], PC_ERASE_EXTEND_WRITE);
	assert_int_equal(x.ip->i_erase_kind[8192], PC_ERASE_WHOLE_BLOCK);
	assert_int_equal(sim_run(x.s), SIM_OK);
	pc_model_finish(x.s);
	assert_int_equal(count_viol(&x, PC_INV_ERASED_DATA, -1, NULL, NULL), 0);
	sim_destroy(x.s);
}

/* ---- lost-write ---- */

/* A completed pwrite of [0, 3000) and then i_size set back to 2000 by hand
 * (a size that went backwards with no truncate): at the end of the run its
 * bytes [2000, 3000) are past EOF: lost-write over exactly that range. A
 * real truncate to 2000 erases them: nothing fires. */
static void size_backwards(bool truncate, bool flagged)
{
	struct pc_config cfg;
	struct fx x;
	uint64_t off = 0, len = 0;

	cfg_init(&cfg, PC_PROF_XFS);
	boot(&x, &cfg, 1024);
	queue(&x, x.a, PC_OP_PWRITE, 0, 3000, 0, -1);
	if (truncate)
		queue(&x, x.a, PC_OP_TRUNCATE, 2000, 0, 0, -1);
	run_task(x.s, x.a);
	if (!truncate)
		x.ip->i_size = 2000;
	assert_int_equal(sim_run(x.s), SIM_OK);
	pc_model_finish(x.s);
	assert_int_equal(count_viol(&x, PC_INV_LOST_WRITE, 0, &off, &len) > 0, flagged);
	if (flagged) {
		assert_int_equal(off, 2000);
		assert_int_equal(len, 1000);
	}
	sim_destroy(x.s);
}

static void test_lost_write_size_backwards(void **state)
{
	size_backwards(false, true);
}

static void test_no_lost_write_after_truncate(void **state)
{
	size_backwards(true, false);
}

/* The same through a real race (seed 000, writethrough v2, AIO): A's AIO
 * writethrough of [4096, 8192) completes in the dio workqueue, which reads
 * i_size (4096); B's extending write then moves it to 12100; the
 * completion writes 8192 without i_rwsem: the size went backwards and B's
 * completed bytes [12000, 12100) are past EOF (lost-write, and
 * isize-unlocked beside it). */
static void test_lost_write_wt_v2_race(void **state)
{
	struct pc_config cfg;
	struct fx x;
	struct sim_task *dio;
	uint64_t off = 0, len = 0;

	cfg_init(&cfg, PC_PROF_EXT4_IOMAP);
	cfg.c_knobs.k_writethrough = true;
	cfg.c_knobs.k_wt_endio_sync = false;
	cfg.c_knobs.k_wt_isize_extended = false;
	boot(&x, &cfg, 4096);
	queue(&x, x.a, PC_OP_PWRITE, 4096, 4096, PC_OF_WRITETHROUGH | PC_OF_AIO, -1);
	queue(&x, x.a, PC_OP_IO_WAIT, 0, 0, 0, -1);
	for (unsigned guard = 0; x.a->t_state == SIM_TASK_RUNNABLE; guard++) {
		assert_true(guard < 1000);
		assert_true(sim_step_task(x.s, x.a));
	}
	assert_string_equal(sim_task_next_step(x.a)->name, "io_getevents");
	dio = pc_kernel_task(x.s, "dio");
	for (unsigned guard = 0; dio->t_state != SIM_TASK_RUNNABLE; guard++) {
		assert_true(guard < 100);
		assert_true(sim_fire_next_event(x.s));
	}
	assert_string_equal(sim_task_next_step(dio)->name, "pcsim:wt_endio_i_size_read");
	assert_true(sim_step_task(x.s, dio));
	queue(&x, x.b, PC_OP_PWRITE, 12000, 100, 0, -1);
	run_task(x.s, x.b);
	assert_int_equal(x.ip->i_size, 12100);
	assert_string_equal(sim_task_next_step(dio)->name, "pcsim:wt_endio_i_size_write");
	assert_true(sim_step_task(x.s, dio));
	assert_int_equal(x.ip->i_size, 8192);
	assert_int_equal(sim_run(x.s), SIM_OK);
	pc_model_finish(x.s);
	assert_true(count_viol(&x, PC_INV_LOST_WRITE, 0, &off, &len) > 0);
	assert_int_equal(off, 12000);
	assert_int_equal(len, 100);
	assert_true(count_viol(&x, PC_INV_ISIZE_UNLOCKED, 0, NULL, NULL) > 0);
	sim_destroy(x.s);
}

/* ---- durability promises: how many are kept ---- */

/* fsync-like operations spread over enough threads (64 operations each). */
static void queue_fsyncs(struct fx *x, unsigned n)
{
	struct sim_task *t = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (i % 60 == 0) {
			char name[16];

			snprintf(name, sizeof(name), "S%u", i / 60);
			t = pc_user_task(x->s, name);
		}
		queue(x, t, PC_OP_FSYNC, 0, 0, 0, -1);
	}
}

/* 40 fsyncs that promise nothing new, then an overwrite and an fsync that
 * skips the flush (bug=fsync-no-flush): the 41st promise must be checked,
 * so a crash state that lost the write is not-durable. (Promises after the
 * 32nd were dropped without a word: no violation.) */
static void test_promise_after_many_checked(void **state)
{
	struct pc_config cfg;
	struct fx x;
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1024,
				.p_dedup = PC_DEDUP_POINT };
	bool complete = false;

	cfg_init(&cfg, PC_PROF_EXT4);
	cfg.c_knobs.k_bug = PC_BUG_FSYNC_NO_FLUSH;
	boot(&x, &cfg, 2048);
	queue_fsyncs(&x, 40);
	assert_int_equal(sim_run(x.s), SIM_OK);
	queue(&x, x.a, PC_OP_PWRITE, 0, 100, 0, -1);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.w->w_npromise, 41);
	assert_null(pc_model_limit(x.s));
	pc_model_check_crashes(x.s, 0, pc_wlog_len(x.s), &p, &complete, NULL);
	assert_true(count_viol(&x, PC_INV_NOT_DURABLE, 1, NULL, NULL) > 0);
	sim_destroy(x.s);
}

/* One promise more than PC_MAX_PROMISES stops the run with the reason: the
 * engine reports SIM_STEP_LIMIT and pc_model_limit says which bound. */
static void test_promise_limit_stops(void **state)
{
	struct pc_config cfg;
	struct fx x;
	const char *why;

	cfg_init(&cfg, PC_PROF_XFS);
	boot(&x, &cfg, 2048);
	assert_null(pc_model_limit(x.s));
	queue_fsyncs(&x, PC_MAX_PROMISES + 1);
	assert_int_equal(sim_run(x.s), SIM_STEP_LIMIT);
	assert_int_equal(x.w->w_npromise, PC_MAX_PROMISES);
	why = pc_model_limit(x.s);
	assert_non_null(why);
	assert_non_null(strstr(why, "PC_MAX_PROMISES"));
	sim_destroy(x.s);
}

/* pc_byte_values (the batched form the state hash uses) gives what
 * pc_byte_value gives, byte for byte: unique patterns, constant sources,
 * zeros, past 256-byte and larger boundaries. */
static void test_byte_values_match(void **state)
{
	struct pc_config cfg;
	struct fx x;
	pc_tag_t tags[3000];
	uint8_t got[3000];
	uint64_t r = 5;

	cfg_init(&cfg, PC_PROF_XFS);
	boot(&x, &cfg, 8192);
	queue(&x, x.a, PC_OP_PWRITE, 100, 10, 0, 0x5a);	/* a constant source */
	for (int round = 0; round < 40; round++) {
		uint64_t off = sim_splitmix64(&r) % (1ULL << (round % 3 ? 16 : 40));
		uint32_t n = 1 + (uint32_t)(sim_splitmix64(&r) % 3000);

		for (uint32_t i = 0; i < n; i++) {
			uint64_t v = sim_splitmix64(&r);

			/* runs of one tag, changes, zeros, tags past the sources */
			tags[i] = i && v % 5 ? tags[i - 1] : (pc_tag_t)(v >> 20) % (x.w->w_nsrc + 3);
		}
		pc_byte_values(x.s, tags, off, n, got);
		for (uint32_t i = 0; i < n; i++)
			assert_int_equal(got[i], pc_byte_value(x.s, tags[i], off + i));
	}
	sim_destroy(x.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_values_match),
		cmocka_unit_test(test_promise_after_many_checked),
		cmocka_unit_test(test_promise_limit_stops),
		cmocka_unit_test(test_eof_junk_isx_off),
		cmocka_unit_test(test_eof_junk_isx_mkclean),
		cmocka_unit_test(test_eof_junk_isx_today),
		cmocka_unit_test(test_zero_eof_vs_mmap_default),
		cmocka_unit_test(test_zero_eof_vs_mmap_strict),
		cmocka_unit_test(test_zero_eof_vs_mmap_strict_today),
		cmocka_unit_test(test_crash_stale_data),
		cmocka_unit_test(test_crash_unwritten_clean),
		cmocka_unit_test(test_xfs_zero_range_partial_not_durable),
		cmocka_unit_test(test_ext4_zero_range_partial_ordered),
		cmocka_unit_test(test_ext4_zero_range_lost_zeroing),
		cmocka_unit_test(test_xfs_zero_range_lost_zeroing_allowed),
		cmocka_unit_test(test_xfs_zero_range_lost_zeroing_promised),
		cmocka_unit_test(test_erase_kinds),
		cmocka_unit_test(test_lost_write_size_backwards),
		cmocka_unit_test(test_no_lost_write_after_truncate),
		cmocka_unit_test(test_lost_write_wt_v2_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
