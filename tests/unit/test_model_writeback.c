/* Unit tests: writeback (model/writeback.c) against SEMANTICS.md section 4
 * and section 10 (unreserved-dirty): EOF handling (the straddling folio is
 * zeroed past i_size in the page cache before I/O; a folio wholly past EOF
 * is dropped without I/O), dirty blocks over holes, delalloc allocation and
 * unwritten conversion at I/O completion, the flusher's dirty_expire /
 * dirty_writeback timing, and filemap_write_and_wait_range waiting for
 * every folio under writeback. Block size 1024. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

#define MAX_T 16

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;	/* file 0 */
	struct sim_task *a;
	/* step observer */
	sim_time_t wb_start[PC_MAX_FILES];	/* first time folio 0 was under writeback */
	sim_time_t wakes[MAX_T];		/* flusher passes */
	unsigned nwakes;
	unsigned waits_done;			/* file_write_and_wait_range returned */
	unsigned waits_done_busy;		/* ... while a folio was under writeback */
	unsigned npasses;			/* flusher passes ended (requeue_inode) */
	uint32_t wb_now;			/* file 0: folios under writeback after the last step */
	uint32_t order[32];			/* file 0: folios in the order writeback started */
	unsigned norder;
};

static bool any_writeback(const struct pc_inode *ip)
{
	for (uint32_t i = 0; i < ip->i_npages; i++)
		if (ip->i_folios[i].f_flags & PC_F_WRITEBACK)
			return true;
	return false;
}

static void observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r)
{
	struct fx *x = ctx;

	for (unsigned f = 0; f < x->w->w_ninodes; f++)
		if (!x->wb_start[f] && (x->w->w_inode[f]->i_folios[0].f_flags & PC_F_WRITEBACK))
			x->wb_start[f] = sim_now(x->s);
	if (!strcmp(step, "wb_check_old_data_flush") && x->nwakes < MAX_T)
		x->wakes[x->nwakes++] = sim_now(x->s);
	if (!strcmp(step, "requeue_inode"))
		x->npasses++;
	for (uint32_t i = 0; i < x->ip->i_npages && i < 32; i++) {
		bool wb = x->ip->i_folios[i].f_flags & PC_F_WRITEBACK;

		if (wb && !(x->wb_now & (1u << i)) && x->norder < 32)
			x->order[x->norder++] = i;
		x->wb_now = wb ? x->wb_now | (1u << i) : x->wb_now & ~(1u << i);
	}
	if (t == x->a && r == SIM_DONE && !strcmp(step, "file_write_and_wait_range")) {
		x->waits_done++;
		x->waits_done_busy += any_writeback(x->ip);
	}
}

static void cfg_init(struct pc_config *cfg, enum pc_profile p, unsigned nfiles)
{
	memset(cfg, 0, sizeof(*cfg));
	pc_knobs_default(&cfg->c_knobs, p);
	cfg->c_knobs.k_bs = 1024;
	cfg->c_nfiles = nfiles;
	cfg->c_file_bytes = 16384;
	cfg->c_volatile_cache = true;
	cfg->c_lat_min = cfg->c_lat_max = 100 * SIM_USEC;
}

static int queue(struct fx *x, struct sim_task *t, uint8_t kind, uint8_t file, uint64_t off,
		 uint64_t len, uint32_t flags, int16_t data)
{
	struct pc_opspec o = { .o_kind = kind, .o_file = file, .o_off = off, .o_len = len,
			       .o_flags = flags, .o_data = data };
	char err[200];
	int n;

	if (kind == PC_OP_SLEEP)
		o.o_dur = off * SIM_SEC;
	n = pc_queue_op(x->s, t, &o, err, sizeof(err));
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

/* A model whose file 0 holds `size` bytes of one settled pwrite (none for
 * size 0). x must stay in place (the step observer points at it). */
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
	if (size)
		queue(x, pc_user_task(x->s, "setup"), PC_OP_PWRITE, 0, 0, size, 0, -1);
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->a = pc_user_task(x->s, "A");
	sim_set_step_observer(x->s, observe, x);
}

static void boot_p(struct fx *x, enum pc_profile p, uint8_t isx, uint64_t size)
{
	struct pc_config cfg;

	cfg_init(&cfg, p, 1);
	cfg.c_knobs.k_isize_extended = isx;
	boot(x, &cfg, size);
}

static unsigned count_viol(const struct fx *x, enum pc_invariant inv, uint64_t *off,
			   uint64_t *len)
{
	const struct pc_violation *v;
	unsigned n = pc_violations(x->s, &v), k = 0;

	for (unsigned i = 0; i < n; i++)
		if (v[i].v_inv == inv) {
			if (off)
				*off = v[i].v_off;
			if (len)
				*len = v[i].v_len;
			k++;
		}
	return k;
}

static uint64_t data_bios(const struct fx *x)
{
	struct pc_metrics m;

	pc_model_metrics(x->s, &m);
	return m.m_ios[PC_BIO_DATA];
}

/* ---- EOF handling ---- */

/* Junk stored through mmap past EOF (bytes [1500, 2400) of a 1500-byte
 * file) is zeroed in the page cache by writeback ([i_size, folio end) of the
 * straddling folio) before the I/O: the disk block holding EOF has zeros
 * past EOF, the bytes below EOF are the store's, and a later truncate up
 * reads zeros even with isize_extended=off (the zeroing was writeback's;
 * ext4 itself zeroes only the old EOF block, not [2048, 2400)). */
static void eof_zeroed_before_io(enum pc_profile p)
{
	struct fx x;
	const pc_tag_t *blk;
	pc_tag_t st;
	uint8_t buf[4000];
	int op;

	boot_p(&x, p, PC_ISX_OFF, 1500);
	queue(&x, x.a, PC_OP_MMAP, 0, 0, 0, 0, -1);
	op = queue(&x, x.a, PC_OP_STORE, 0, 1400, 1000, 0, 0xee);
	run_task(x.s, x.a);
	st = x.w->w_ops[op]->x_src;
	assert_int_equal(x.ip->i_folios[0].f_data[2399], st);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, 0, -1);
	run_task(x.s, x.a);
	for (uint32_t o = 1400; o < 1500; o++)
		assert_int_equal(x.ip->i_folios[0].f_data[o], st);
	for (uint32_t o = 1500; o < PC_PAGE_SIZE; o++)
		assert_int_equal(x.ip->i_folios[0].f_data[o], PC_TAG_ZERO);
	assert_int_equal(x.ip->i_map[1].e_state, EXT_WRITTEN);
	blk = pc_disk_read(x.w->w_disk, x.ip->i_map[1].e_pblk);
	for (uint32_t k = 376; k < 476; k++)
		assert_int_equal(blk[k], st);
	for (uint32_t k = 476; k < 1024; k++)
		assert_int_equal(blk[k], PC_TAG_ZERO);
	queue(&x, x.a, PC_OP_TRUNCATE, 0, 4000, 0, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(pc_model_read(x.s, 0, 0, 4000, buf), 4000);
	for (uint32_t o = 1400; o < 1500; o++)
		assert_int_equal(buf[o], 0xee);
	for (uint32_t o = 1500; o < 4000; o++)
		assert_int_equal(buf[o], 0);
	pc_model_finish(x.s);
	assert_int_equal(count_viol(&x, PC_INV_EOF_JUNK, NULL, NULL), 0);
	sim_destroy(x.s);
}

static void test_eof_zeroed_before_io_ext4(void **state)
{
	eof_zeroed_before_io(PC_PROF_EXT4);
}

static void test_eof_zeroed_before_io_xfs(void **state)
{
	eof_zeroed_before_io(PC_PROF_XFS);
}

/* A dirty folio wholly past EOF (here: folio 2 dirtied by a store, then
 * i_size set to 8192 by hand, as when a size goes backwards without
 * truncate_pagecache) is dropped by writeback: cleaned, its blocks' dirty
 * bits cleared, its PTE write-protected, and no data I/O is submitted; its
 * disk blocks keep their old contents. */
static void test_folio_past_eof_dropped(void **state)
{
	struct fx x;
	uint64_t bios;
	pc_tag_t old;
	int op;

	boot_p(&x, PC_PROF_XFS, PC_ISX_MKCLEAN_ZERO, 12288);
	old = pc_disk_read(x.w->w_disk, x.ip->i_map[8].e_pblk)[0];
	queue(&x, x.a, PC_OP_MMAP, 0, 0, 0, 0, -1);
	queue(&x, x.a, PC_OP_STORE, 0, 8192, 10, 0, -1);
	run_task(x.s, x.a);
	assert_true(x.ip->i_folios[2].f_flags & PC_F_DIRTY);
	x.ip->i_size = 8192;
	bios = data_bios(&x);
	op = queue(&x, x.a, PC_OP_SYNC_FILE_RANGE, 0, 0, 12288, PC_OF_WRITE, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.w->w_ops[op]->x_err, 0);
	assert_int_equal(data_bios(&x), bios);
	assert_false(x.ip->i_folios[2].f_flags & (PC_F_DIRTY | PC_F_WRITEBACK));
	assert_int_equal(x.ip->i_folios[2].f_bdirty, 0);
	assert_false(x.ip->i_pte[2].p_writable);
	assert_false(x.ip->i_pte[2].p_dirty);
	assert_int_equal(pc_disk_read(x.w->w_disk, x.ip->i_map[8].e_pblk)[0], old);
	sim_destroy(x.s);
}

/* ---- dirty blocks over holes ---- */

/* ext4, isize_extended=off: page_mkwrite at i_size 2000 reserved blocks
 * 0-1 only; truncate up to 4096 leaves the PTE writable; a store into
 * block 2 (a hole) needs no fault. Writeback then meets block 2 dirty over
 * a hole inside i_size with non-zero bytes: unreserved-dirty fires for
 * exactly that block, and the data is dropped (the block stays a hole, so
 * the disk reads zeros; its dirty bit is cleared). Block 3 is dirty over a
 * hole too, but holds zeros: nothing fires for it. With data=0 the store
 * into block 2 loses nothing and nothing fires at all. */
static void store_into_hole(int16_t data, bool expect_violation)
{
	struct fx x;
	uint64_t off = 0, len = 0;

	boot_p(&x, PC_PROF_EXT4, PC_ISX_OFF, 2000);
	queue(&x, x.a, PC_OP_MMAP, 0, 0, 0, 0, -1);
	queue(&x, x.a, PC_OP_STORE, 0, 100, 10, 0, -1);
	queue(&x, x.a, PC_OP_TRUNCATE, 0, 4096, 0, 0, -1);
	queue(&x, x.a, PC_OP_STORE, 0, 3000, 10, 0, data);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_map[2].e_state, EXT_HOLE);
	assert_int_equal(x.ip->i_map[3].e_state, EXT_HOLE);
	assert_int_equal(x.ip->i_folios[0].f_bdirty, 0xf);
	assert_int_equal(count_viol(&x, PC_INV_UNRESERVED_DIRTY, NULL, NULL), 0);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, 0, -1);
	run_task(x.s, x.a);
	if (expect_violation) {
		assert_int_equal(count_viol(&x, PC_INV_UNRESERVED_DIRTY, &off, &len), 1);
		assert_int_equal(off, 2048);
		assert_int_equal(len, 1024);
	} else {
		assert_int_equal(count_viol(&x, PC_INV_UNRESERVED_DIRTY, NULL, NULL), 0);
	}
	assert_int_equal(x.ip->i_map[2].e_state, EXT_HOLE);
	assert_int_equal(x.ip->i_map[3].e_state, EXT_HOLE);
	assert_int_equal(x.ip->i_folios[0].f_bdirty, 0);
	assert_false(x.ip->i_folios[0].f_flags & (PC_F_DIRTY | PC_F_WRITEBACK));
	sim_destroy(x.s);
}

static void test_unreserved_dirty_nonzero(void **state)
{
	store_into_hole(-1, true);
}

static void test_unreserved_dirty_zeros_fine(void **state)
{
	store_into_hole(0, false);
}

/* ---- allocation and conversion ---- */

/* A buffered write into an empty file reserves delalloc blocks; writeback
 * (sync_file_range WRITE, which does not wait) allocates them as unwritten
 * extents with real disk blocks and submits the I/O with the folio under
 * writeback; after the I/O and its end_io the blocks are written, the
 * folio's writeback has ended and the disk holds the data. */
static void delalloc_convert(enum pc_profile p)
{
	struct fx x;
	pc_tag_t src;
	int op;

	boot_p(&x, p, PC_ISX_MKCLEAN_ZERO, 0);
	op = queue(&x, x.a, PC_OP_PWRITE, 0, 0, 4096, 0, -1);
	run_task(x.s, x.a);
	src = x.w->w_ops[op]->x_src;
	for (uint32_t b = 0; b < 4; b++)
		assert_int_equal(x.ip->i_map[b].e_state, EXT_DELALLOC);
	queue(&x, x.a, PC_OP_SYNC_FILE_RANGE, 0, 0, 4096, PC_OF_WRITE, -1);
	run_task(x.s, x.a);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK);
	for (uint32_t b = 0; b < 4; b++) {
		assert_int_equal(x.ip->i_map[b].e_state, EXT_UNWRITTEN);
		assert_true(x.ip->i_map[b].e_pblk >= x.w->w_data_first);
		assert_true(x.ip->i_map[b].e_pblk < x.w->w_data_first + x.w->w_data_n);
	}
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK);
	for (uint32_t b = 0; b < 4; b++) {
		assert_int_equal(x.ip->i_map[b].e_state, EXT_WRITTEN);
		assert_int_equal(pc_disk_read(x.w->w_disk, x.ip->i_map[b].e_pblk)[7], src);
	}
	sim_destroy(x.s);
}

static void test_delalloc_convert_ext4(void **state)
{
	delalloc_convert(PC_PROF_EXT4);
}

static void test_delalloc_convert_ext4_iomap(void **state)
{
	delalloc_convert(PC_PROF_EXT4_IOMAP);
}

static void test_delalloc_convert_xfs(void **state)
{
	delalloc_convert(PC_PROF_XFS);
}

/* ---- the flusher ---- */

/* The flusher wakes every dirty_writeback and writes only inodes dirtied
 * at least dirty_expire ago: file 0 dirtied at T0 is first under writeback
 * at T0 + expire (rounded up to a wake), file 1 dirtied at T0 + 10 s at
 * T0 + 10 s + expire; every wake is dirty_writeback after the previous one. */
static void flusher_timing(sim_time_t expire, sim_time_t period, sim_time_t want0,
			   sim_time_t want1)
{
	struct pc_config cfg;
	struct fx x;
	sim_time_t t0;

	cfg_init(&cfg, PC_PROF_XFS, 2);
	cfg.c_knobs.k_dirty_expire = expire;
	cfg.c_knobs.k_dirty_writeback = period;
	boot(&x, &cfg, 0);
	t0 = sim_now(x.s);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 100, 0, -1);
	queue(&x, x.a, PC_OP_SLEEP, 0, 10, 0, 0, -1);
	queue(&x, x.a, PC_OP_PWRITE, 1, 0, 100, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.w->w_inode[1]->i_dirtied_when, t0 + 10 * SIM_SEC);
	assert_int_equal(x.wb_start[0] - t0, want0);
	assert_int_equal(x.wb_start[1] - t0, want1);
	assert_true(x.nwakes >= 2);
	assert_int_equal(x.wakes[0] - t0, period);
	for (unsigned i = 1; i < x.nwakes; i++)
		assert_int_equal(x.wakes[i] - x.wakes[i - 1], period);
	assert_int_equal(x.wakes[x.nwakes - 1] - t0, want1);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	sim_destroy(x.s);
}

static void test_flusher_default(void **state)
{
	flusher_timing(30 * SIM_SEC, 5 * SIM_SEC, 30 * SIM_SEC, 40 * SIM_SEC);
}

static void test_flusher_knobs(void **state)
{
	flusher_timing(12 * SIM_SEC, 5 * SIM_SEC, 15 * SIM_SEC, 25 * SIM_SEC);
}

/* ---- range-cyclic writeback (mapping->writeback_index) ---- */

/* One flusher pass (a scripted kick: every dirty inode), then the disk and
 * the end_io work until no folio of file 0 is under writeback. */
static void flusher_pass(struct fx *x)
{
	unsigned n = x->npasses;

	pc_kick_flusher(x->s);
	for (unsigned guard = 0; x->npasses == n; guard++) {
		assert_true(guard < 100000);
		assert_true(sim_step(x->s));
	}
	for (unsigned guard = 0; any_writeback(x->ip); guard++) {
		assert_true(guard < 100000);
		assert_true(sim_step(x->s));
	}
}

static uint32_t dirty_mask(const struct fx *x)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < x->ip->i_npages; i++)
		if (x->ip->i_folios[i].f_flags & PC_F_DIRTY)
			m |= 1u << i;
	return m;
}

/* iomap (writeback_iter), wb_chunk=2, four dirty folios: pass 1 writes
 * folios 0 and 1 and stops, writeback_index = 2. Folio 0 is dirtied again.
 * Pass 2 starts at 2, not at 0: it writes folios 2 and 3 while folio 0
 * stays dirty, and runs out again (writeback_index = 4). Pass 3 starts at
 * 4, finds nothing and does not go back: writeback_index = 0, folio 0 still
 * dirty. Pass 4 writes it. (Before range-cyclic writeback every pass
 * started at 0 and pass 2 wrote folio 0 first.) */
static void range_cyclic_iomap(enum pc_profile p)
{
	struct pc_config cfg;
	struct fx x;

	cfg_init(&cfg, p, 1);
	cfg.c_knobs.k_wb_chunk = 2;
	boot(&x, &cfg, 0);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 16384, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(dirty_mask(&x), 0xf);
	flusher_pass(&x);
	assert_int_equal(dirty_mask(&x), 0xc);
	assert_int_equal(x.ip->i_wb_index, 2);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 100, 0, -1);
	run_task(x.s, x.a);
	flusher_pass(&x);
	assert_int_equal(dirty_mask(&x), 0x1);
	assert_int_equal(x.ip->i_wb_index, 4);
	flusher_pass(&x);
	assert_int_equal(dirty_mask(&x), 0x1);
	assert_int_equal(x.ip->i_wb_index, 0);
	flusher_pass(&x);
	assert_int_equal(dirty_mask(&x), 0);
	assert_int_equal(x.ip->i_wb_index, 0);
	assert_int_equal(x.norder, 5);
	assert_int_equal(x.order[0], 0);
	assert_int_equal(x.order[1], 1);
	assert_int_equal(x.order[2], 2);
	assert_int_equal(x.order[3], 3);
	assert_int_equal(x.order[4], 0);
	sim_destroy(x.s);
}

static void test_range_cyclic_xfs(void **state)
{
	range_cyclic_iomap(PC_PROF_XFS);
}

static void test_range_cyclic_ext4_iomap(void **state)
{
	range_cyclic_iomap(PC_PROF_EXT4_IOMAP);
}

/* ext4 (buffer_head, ext4_do_writepages), no chunk: an fsync of folios 0
 * and 1 (a whole-file range) leaves writeback_index after the last folio
 * it wrote, 2. With folios 0 and 2 dirty, the flusher's range_cyclic pass
 * writes folio 2 first, then goes back ("cycled") for folio 0 in the same
 * call and stores the page after it: writeback_index = 1. iomap leaves
 * writeback_index alone in fsync and writes 0 then 2. */
static void range_cyclic_wrap(enum pc_profile p, uint32_t first, uint32_t second, uint32_t idx)
{
	struct pc_config cfg;
	struct fx x;

	cfg_init(&cfg, p, 1);
	boot(&x, &cfg, 0);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 8192, 0, -1);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_wb_index, p == PC_PROF_EXT4 ? 2 : 0);
	x.norder = 0;
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 100, 0, -1);
	queue(&x, x.a, PC_OP_PWRITE, 0, 8192, 100, 0, -1);
	run_task(x.s, x.a);
	assert_int_equal(dirty_mask(&x), 0x5);
	flusher_pass(&x);
	assert_int_equal(dirty_mask(&x), 0);
	assert_int_equal(x.norder, 2);
	assert_int_equal(x.order[0], first);
	assert_int_equal(x.order[1], second);
	assert_int_equal(x.ip->i_wb_index, idx);
	sim_destroy(x.s);
}

static void test_range_cyclic_wrap_ext4(void **state)
{
	range_cyclic_wrap(PC_PROF_EXT4, 2, 0, 1);
}

static void test_range_cyclic_no_wrap_xfs(void **state)
{
	range_cyclic_wrap(PC_PROF_XFS, 0, 2, 0);
}

/* sync (the settle's) writes every inode back and takes the clean ones off
 * the dirty list (writeback_sb_inodes -> requeue_inode), so a write 3 s
 * later stamps a new dirtied_when and expires 30 s after itself, not at the
 * first wake after it (it did: the setup's dirtied_when stayed). */
static void test_sync_cleans_inode(void **state)
{
	struct fx x;
	sim_time_t t1;

	boot_p(&x, PC_PROF_XFS, PC_ISX_MKCLEAN_ZERO, 1500);
	assert_false(x.ip->i_dirty);
	queue(&x, x.a, PC_OP_SLEEP, 0, 3, 0, 0, -1);
	run_task(x.s, x.a);
	t1 = sim_now(x.s);
	queue(&x, x.a, PC_OP_PWRITE, 0, 100, 100, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.ip->i_dirtied_when, t1);
	assert_true(x.nwakes >= 6);
	assert_int_equal(x.wb_start[0] - t1, 30 * SIM_SEC);
	sim_destroy(x.s);
}

/* ---- jbd2 ordered data ---- */

/* ext4 (data=ordered), blocks of 1024: folio 0 is under writeback (a
 * sync_file_range of an overwrite) when truncate up zeroes the old EOF
 * block's tail [1500, 2048) in it and files the range as ordered data. The
 * commit's journal_submit_data_buffers is WB_SYNC_ALL
 * (ext4_normal_submit_inode_data_buffers -> mpage_prepare_extent_to_map):
 * it waits for that writeback and then writes the folio again, so a write
 * of block 1 carrying the zeroed tail is submitted before the commit record
 * that logs the new size (the flusher would write it only 30 s later). (It skipped the folio as WB_SYNC_NONE does: the
 * zeroes reached the disk only with a later writeback, after the commit.) */
static void test_ordered_data_waits_writeback(void **state)
{
	struct fx x;
	struct sim_task *j;
	uint32_t zero_write = UINT32_MAX, commit = UINT32_MAX;
	pc_blk_t pblk;

	boot_p(&x, PC_PROF_EXT4, PC_ISX_MKCLEAN_ZERO, 1500);
	pblk = x.ip->i_map[1].e_pblk;
	queue(&x, x.a, PC_OP_PWRITE, 0, 100, 100, 0, -1);
	queue(&x, x.a, PC_OP_SYNC_FILE_RANGE, 0, 0, 4096, PC_OF_WRITE, -1);
	while (sim_task_has_work(x.a) && x.a->t_state == SIM_TASK_RUNNABLE)
		assert_true(sim_step_task(x.s, x.a));
	assert_true(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK);
	queue(&x, x.a, PC_OP_TRUNCATE, 0, 6000, 0, 0, -1);
	while (sim_task_has_work(x.a) && x.a->t_state == SIM_TASK_RUNNABLE)
		assert_true(sim_step_task(x.s, x.a));
	assert_false(sim_task_has_work(x.a));
	assert_int_equal(x.ip->i_disksize, 6000);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	pc_kick_commit(x.s);
	j = pc_kernel_task(x.s, "jbd2");
	for (unsigned guard = 0; j->t_state == SIM_TASK_RUNNABLE; guard++) {
		assert_true(guard < 100);
		assert_true(sim_step_task(x.s, j));
	}
	assert_int_equal(j->t_state, SIM_TASK_BLOCKED);
	assert_string_equal(sim_task_next_step(j)->name, "journal_submit_data_buffers");
	assert_int_equal(sim_run(x.s), SIM_OK);
	for (uint32_t i = 0; i < pc_wlog_len(x.s); i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(x.w->w_disk, i);
		const pc_tag_t *d;

		if (e->wl_type != PC_WL_SUBMIT)
			continue;
		if (e->wl_kind == PC_BIO_COMMIT && commit == UINT32_MAX)
			commit = i;
		if (e->wl_kind != PC_BIO_DATA || pblk < e->wl_blk || pblk >= e->wl_blk + e->wl_nblk)
			continue;
		d = pc_disk_wlog_data(x.w->w_disk, e->wl_data) + (pblk - e->wl_blk) * 1024;
		if (zero_write == UINT32_MAX && d[1500 - 1024] == PC_TAG_ZERO && d[1023] == PC_TAG_ZERO)
			zero_write = i;
	}
	assert_int_not_equal(commit, UINT32_MAX);
	assert_true(zero_write < commit);
	sim_destroy(x.s);
}

/* ---- waiting for writeback ---- */

/* B starts writeback of both folios without waiting (sync_file_range
 * WRITE). A's fsync then finds them clean but under writeback:
 * filemap_write_and_wait_range blocks, and returns only once no folio of
 * the file is under writeback (xfs: after the end_io conversion). With
 * bug=fsync-no-wait it returns while the I/O is in flight: the check below
 * sees it. */
static void write_and_wait(uint8_t bug, bool expect_wait)
{
	struct pc_config cfg;
	struct fx x;
	struct sim_task *b;

	cfg_init(&cfg, PC_PROF_XFS, 1);
	cfg.c_knobs.k_bug = bug;
	boot(&x, &cfg, 0);
	b = pc_user_task(x.s, "B");
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 8192, 0, -1);
	run_task(x.s, x.a);
	queue(&x, b, PC_OP_SYNC_FILE_RANGE, 0, 0, 8192, PC_OF_WRITE, -1);
	run_task(x.s, b);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK);
	assert_true(x.ip->i_folios[1].f_flags & PC_F_WRITEBACK);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, 0, -1);
	assert_true(sim_step_task(x.s, x.a));
	if (expect_wait) {
		assert_int_equal(x.a->t_state, SIM_TASK_BLOCKED);
		assert_string_equal(sim_task_next_step(x.a)->name, "file_write_and_wait_range");
	}
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.waits_done, 1);
	assert_int_equal(x.waits_done_busy, expect_wait ? 0 : 1);
	assert_false(any_writeback(x.ip));
	assert_int_equal(x.ip->i_map[7].e_state, EXT_WRITTEN);
	sim_destroy(x.s);
}

static void test_write_and_wait(void **state)
{
	write_and_wait(PC_BUG_NONE, true);
}

static void test_write_and_wait_bug_no_wait(void **state)
{
	write_and_wait(PC_BUG_FSYNC_NO_WAIT, false);
}

/* ---- ranged sync paths ---- */

/* An O_DSYNC write syncs only the bytes it wrote (generic_write_sync ->
 * vfs_fsync_range(file, pos - count, pos - 1)): A's earlier buffered
 * write at 8192 stays dirty, the dsync write's own folio is clean, and its
 * promise covers [0, 100) with the size only as far as that range. The
 * same for msync(MS_SYNC) of [0, 4096). (The model wrote back the whole
 * file before.) */
static void dsync_ranged(enum pc_profile p)
{
	struct pc_config cfg;
	struct fx x;
	const struct pc_promise *pr;

	cfg_init(&cfg, p, 1);
	boot(&x, &cfg, 0);
	queue(&x, x.a, PC_OP_PWRITE, 0, 8192, 100, 0, -1);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 100, PC_OF_DSYNC, -1);
	run_task(x.s, x.a);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_true(x.ip->i_folios[2].f_flags & PC_F_DIRTY);
	assert_int_equal(x.w->w_npromise, 1);
	pr = &x.w->w_promise[0];
	assert_int_equal(pr->pr_off, 0);
	assert_int_equal(pr->pr_len, 100);
	assert_int_equal(pr->pr_size, 100);
	queue(&x, x.a, PC_OP_MMAP, 0, 0, 0, 0, -1);
	queue(&x, x.a, PC_OP_STORE, 0, 200, 10, 0, 0x5a);
	queue(&x, x.a, PC_OP_MSYNC, 0, 0, 4096, PC_OF_MS_SYNC, -1);
	run_task(x.s, x.a);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_true(x.ip->i_folios[2].f_flags & PC_F_DIRTY);
	assert_int_equal(x.w->w_npromise, 2);
	pr = &x.w->w_promise[1];
	assert_int_equal(pr->pr_off, 0);
	assert_int_equal(pr->pr_len, 4096);
	assert_int_equal(pr->pr_size, 4096);
	assert_int_equal(sim_run(x.s), SIM_OK);
	sim_destroy(x.s);
}

static void test_dsync_ranged_ext4(void **state)
{
	dsync_ranged(PC_PROF_EXT4);
}

static void test_dsync_ranged_ext4_iomap(void **state)
{
	dsync_ranged(PC_PROF_EXT4_IOMAP);
}

static void test_dsync_ranged_xfs(void **state)
{
	dsync_ranged(PC_PROF_XFS);
}

/* ---- RWF_WRITETHROUGH: one ioend over several folios ---- */

/* A write-through of two folios submits one folio per step of
 * iomap_writethrough_iter. If folio 0's bio completes before folio 1 is
 * submitted (here forced: the disk completes it between the two calls),
 * the ioend must not complete yet: the submitter holds a reference on it
 * until every folio is submitted (dio->ref, fs/iomap/direct-io.c). Before
 * the fix the ioend's bio count fell to 0 and it completed early: a sync
 * write returned with folio 1's bio in flight and its folio no longer
 * under writeback; an AIO write (v2, wt_endio=async) queued its
 * completion work twice and ran inode_dio_end twice (the assertion
 * i_dio_count > 0 in model/dio.c; pcsim fuzz --generate found it). */
enum wt_mode { WT_SYNC, WT_AIO, WT_REUSE };

static void wt_two_folios(enum wt_mode mode)
{
	bool aio = mode == WT_AIO;
	struct pc_config cfg;
	struct fx x;
	unsigned guard = 0;

	cfg_init(&cfg, PC_PROF_XFS, 1);
	cfg.c_knobs.k_writethrough = true;
	cfg.c_knobs.k_wt_endio_sync = false;	/* v2: AIO completes in the dio work */
	cfg.c_knobs.k_wt_isize_extended = false;
	boot(&x, &cfg, 9000);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 8192, PC_OF_WRITETHROUGH | (aio ? PC_OF_AIO : 0),
	      -1);
	/* A runs up to its first call of iomap_writethrough_iter: folio 0
	 * submitted, folio 1 not yet. */
	while (!(x.ip->i_folios[0].f_flags & PC_F_WRITEBACK)) {
		assert_true(++guard < 1000);
		if (x.a->t_state == SIM_TASK_RUNNABLE)
			assert_true(sim_step_task(x.s, x.a));
		else
			assert_true(sim_step(x.s));
	}
	assert_false(x.ip->i_folios[1].f_flags & PC_F_WRITEBACK);
	assert_int_equal(pc_disk_inflight(x.w->w_disk), 1);
	/* The disk completes folio 0's bio before A goes on. */
	while (pc_disk_inflight(x.w->w_disk))
		assert_true(sim_fire_next_event(x.s));
	run_task(x.s, x.a);
	if (mode == WT_REUSE) {
		/* A buffered write-back next: its ioend takes the first free
		 * slot. Before the fix that was the write-through's, finished
		 * early, and folio 1's late bio completed the new ioend (its
		 * folio_end_writeback twice: f_wb_bios > 0 in model/folio.c). */
		queue(&x, x.a, PC_OP_PWRITE, 0, 8192, 100, 0, -1);
		queue(&x, x.a, PC_OP_FSYNC, 0, 0, 0, 0, -1);
		assert_int_equal(sim_run(x.s), SIM_OK);
		assert_int_equal(x.ip->i_folios[2].f_wb_bios, 0);
		sim_destroy(x.s);
		return;
	}
	if (!aio) {
		/* The sync write returns only when every bio has completed. */
		assert_int_equal(pc_disk_inflight(x.w->w_disk), 0);
		assert_false(x.ip->i_folios[1].f_flags & PC_F_WRITEBACK);
	}
	queue(&x, x.a, PC_OP_IO_WAIT, 0, 0, 0, 0, -1);
	queue(&x, x.a, PC_OP_PWRITE, 0, 0, 1024, PC_OF_DIRECT | PC_OF_AIO, -1);
	queue(&x, x.a, PC_OP_IO_WAIT, 0, 0, 0, 0, -1);
	assert_int_equal(sim_run(x.s), SIM_OK);
	assert_int_equal(x.ip->i_dio_count, 0);
	assert_int_equal(x.ip->i_aio_pending, 0);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(x.ip->i_folios[i].f_wb_bios, 0);
		assert_false(x.ip->i_folios[i].f_flags & PC_F_WRITEBACK);
	}
	sim_destroy(x.s);
}

static void test_wt_two_folios_sync(void **state)
{
	wt_two_folios(WT_SYNC);
}

static void test_wt_two_folios_aio(void **state)
{
	wt_two_folios(WT_AIO);
}

static void test_wt_two_folios_reuse(void **state)
{
	wt_two_folios(WT_REUSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eof_zeroed_before_io_ext4),
		cmocka_unit_test(test_eof_zeroed_before_io_xfs),
		cmocka_unit_test(test_folio_past_eof_dropped),
		cmocka_unit_test(test_unreserved_dirty_nonzero),
		cmocka_unit_test(test_unreserved_dirty_zeros_fine),
		cmocka_unit_test(test_delalloc_convert_ext4),
		cmocka_unit_test(test_delalloc_convert_ext4_iomap),
		cmocka_unit_test(test_delalloc_convert_xfs),
		cmocka_unit_test(test_flusher_default),
		cmocka_unit_test(test_flusher_knobs),
		cmocka_unit_test(test_range_cyclic_xfs),
		cmocka_unit_test(test_range_cyclic_ext4_iomap),
		cmocka_unit_test(test_range_cyclic_wrap_ext4),
		cmocka_unit_test(test_range_cyclic_no_wrap_xfs),
		cmocka_unit_test(test_sync_cleans_inode),
		cmocka_unit_test(test_ordered_data_waits_writeback),
		cmocka_unit_test(test_write_and_wait),
		cmocka_unit_test(test_write_and_wait_bug_no_wait),
		cmocka_unit_test(test_dsync_ranged_ext4),
		cmocka_unit_test(test_dsync_ranged_ext4_iomap),
		cmocka_unit_test(test_dsync_ranged_xfs),
		cmocka_unit_test(test_wt_two_folios_sync),
		cmocka_unit_test(test_wt_two_folios_aio),
		cmocka_unit_test(test_wt_two_folios_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
