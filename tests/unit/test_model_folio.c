/* Unit tests: the page cache helpers of model/folio.c against
 * SEMANTICS.md section 2 (pagecache_isize_extended) and kernel-notes 1
 * (truncate_pagecache): every early return of pagecache_isize_extended,
 * folio_mkclean moving PTE dirtiness to the folio, the mkclean+zero range
 * and its "dirty folios only" rule, the isize_extended knob, and
 * truncate_pagecache's zeroing of the partial folio, dropping of whole
 * folios past EOF (after waiting for their writeback) and keeping of the
 * partial folio's PTE.
 *
 * White-box: a model is driven through a real setup (a 1500-byte file,
 * block size 1024, so the EOF folio 0 straddles EOF inside block 1), then
 * the EOF folio's flags, bytes and PTE are set by hand and the helper is
 * called directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

#define EOF0 1500u	/* file size after the setup */

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;
	struct sim_task *t;	/* the caller of the helpers (holds nothing) */
	pc_tag_t data;		/* tag of the setup write: bytes [0, EOF0) */
	pc_tag_t junk;		/* a tag planted past EOF */
};

static void cfg_init(struct pc_config *cfg, enum pc_profile p, uint32_t bs, uint8_t isx)
{
	memset(cfg, 0, sizeof(*cfg));
	pc_knobs_default(&cfg->c_knobs, p);
	cfg->c_knobs.k_bs = bs;
	cfg->c_knobs.k_isize_extended = isx;
	cfg->c_nfiles = 1;
	cfg->c_file_bytes = 16384;
	cfg->c_volatile_cache = true;
	cfg->c_lat_min = cfg->c_lat_max = 100 * SIM_USEC;
}

static void queue(struct sim *s, struct sim_task *t, uint8_t kind, uint64_t off, uint64_t len)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_data = -1 };
	char err[200];

	assert_true(pc_queue_op(s, t, &o, err, sizeof(err)) >= 0);
}

/* Run t's queued operations to completion; other tasks and events run only
 * while t is blocked. */
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

/* A model with a settled file of `size` bytes written by one pwrite. */
static struct fx boot(enum pc_profile p, uint32_t bs, uint8_t isx, uint64_t size)
{
	struct pc_config cfg;
	struct sim_config sc = { .seed = 0 };
	struct sim_task *setup;
	struct fx x;
	char err[200];

	memset(&x, 0, sizeof(x));
	cfg_init(&cfg, p, bs, isx);
	sc.arena_size = pc_model_arena_size(&cfg);
	x.s = sim_create(&sc);
	assert_non_null(x.s);
	assert_non_null(pc_model_create(x.s, &cfg, err, sizeof(err)));
	setup = pc_user_task(x.s, "setup");
	queue(x.s, setup, PC_OP_PWRITE, 0, size);
	assert_int_equal(pc_model_settle(x.s, err, sizeof(err)), 0);
	x.w = pc_w(x.s);
	x.ip = x.w->w_inode[0];
	x.t = pc_user_task(x.s, "T");
	x.data = x.ip->i_folios[0].f_data[0];
	assert_int_not_equal(x.data, PC_TAG_ZERO);
	x.junk = __pc_new_source(x.s, NULL, PC_SRC_STORE, 0, size, 100, 0xee);
	assert_int_not_equal(x.junk, PC_TAG_ZERO);
	assert_int_equal(x.ip->i_size, size);
	return x;
}

static void teardown_fx(struct fx *x)
{
	sim_destroy(x->s);
}

/* Folio `index`: cached and uptodate, junk in [from, to) of it (offsets in
 * the folio), dirty or clean, and its PTE as given. */
static void plant(struct fx *x, uint32_t index, uint32_t from, uint32_t to, bool dirty,
		  bool pte_present, bool pte_writable)
{
	struct pc_folio *f = &x->ip->i_folios[index];
	uint8_t all = (uint8_t)((1u << x->w->w_bpp) - 1);

	f->f_flags = PC_F_CACHED | PC_F_UPTODATE;
	f->f_buptodate = all;
	f->f_bdirty = 0;
	for (uint32_t o = from; o < to; o++)
		f->f_data[o] = x->junk;
	if (dirty) {
		f->f_flags |= PC_F_DIRTY;
		f->f_bdirty = all;
	}
	x->ip->i_pte[index].p_present = pte_present;
	x->ip->i_pte[index].p_writable = pte_writable;
	x->ip->i_pte[index].p_dirty = pte_writable;
}

static void isx(struct fx *x, uint64_t from, uint64_t to)
{
	bool blocked = true;

	if (to > x->ip->i_size)
		x->ip->i_size = to;	/* the contract: called after i_size became `to` */
	__pc_pagecache_isize_extended(x->s, x->t, x->ip, from, to, &blocked);
	assert_false(blocked);
	assert_int_equal(x->ip->i_folios[from / PC_PAGE_SIZE].f_lock.rw_writer, -1);
}

static uint32_t count_tag(const struct fx *x, uint32_t index, uint32_t from, uint32_t to,
			  pc_tag_t tag)
{
	uint32_t n = 0;

	for (uint32_t o = from; o < to; o++)
		n += x->ip->i_folios[index].f_data[o] == tag;
	return n;
}

/* Folio 0 exactly as plant(dirty, writable PTE) left it: nothing happened. */
static void assert_untouched(const struct fx *x, bool dirty, bool writable)
{
	const struct pc_folio *f = &x->ip->i_folios[0];

	assert_int_equal(count_tag(x, 0, 0, EOF0, x->data), EOF0);
	assert_int_equal(count_tag(x, 0, EOF0, PC_PAGE_SIZE, x->junk), PC_PAGE_SIZE - EOF0);
	assert_int_equal(!!(f->f_flags & PC_F_DIRTY), dirty);
	assert_int_equal(x->ip->i_pte[0].p_writable, writable);
	assert_int_equal(x->ip->i_pte[0].p_dirty, writable);
	assert_true(x->ip->i_pte[0].p_present);
}

/* ---- pagecache_isize_extended: early returns ---- */

/* Step 1: from >= to returns at once (a dirty folio with a writable PTE
 * keeps both, and its junk). */
static void test_isx_from_ge_to(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, 3000, 3000);
	assert_untouched(&x, true, true);
	isx(&x, 3000, 2000);
	assert_untouched(&x, true, true);
	teardown_fx(&x);
}

/* Step 1: block size >= page size returns at once (no block of the EOF
 * page can appear). */
static void test_isx_bs_ge_page(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 4096, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, EOF0, 9000);
	assert_untouched(&x, true, true);
	teardown_fx(&x);
}

/* Step 2: growth that stays inside the old EOF block (to <=
 * round_up(from, bs)) returns; one byte more acts. */
static void test_isx_inside_eof_block(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, EOF0, 2000);
	assert_untouched(&x, true, true);
	isx(&x, EOF0, 2048);
	assert_untouched(&x, true, true);
	/* 2049 > round_up(1500, 1024): the PTE is write-protected and
	 * [1500, 2049) zeroed. */
	isx(&x, EOF0, 2049);
	assert_false(x.ip->i_pte[0].p_writable);
	assert_int_equal(count_tag(&x, 0, EOF0, 2049, PC_TAG_ZERO), 2049 - EOF0);
	assert_int_equal(count_tag(&x, 0, 2049, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE - 2049);
	teardown_fx(&x);
}

/* Step 2: round_up(from, bs) page aligned returns (no new block appears in
 * the straddling page); from on a block boundary inside the page acts. */
static void test_isx_rounded_page_aligned(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, 3073, 9000);	/* round_up = 4096 */
	assert_untouched(&x, true, true);
	isx(&x, 4096, 9000);
	assert_untouched(&x, true, true);
	isx(&x, 3072, 9000);	/* round_up = 3072: acts */
	assert_false(x.ip->i_pte[0].p_writable);
	assert_int_equal(count_tag(&x, 0, 3072, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - 3072);
	assert_int_equal(count_tag(&x, 0, EOF0, 3072, x.junk), 3072 - EOF0);
	teardown_fx(&x);
}

/* Step 3: the folio at `from` not cached: return (nothing is created, no
 * PTE is touched). The PTE of page 1 is planted writable so that a missing
 * check would be seen write-protecting it. */
static void test_isx_not_cached(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	assert_int_equal(x.ip->i_folios[1].f_flags, 0);
	x.ip->i_pte[1].p_present = x.ip->i_pte[1].p_writable = true;
	isx(&x, 5000, 7000);
	assert_int_equal(x.ip->i_folios[1].f_flags, 0);
	assert_true(x.ip->i_pte[1].p_writable);
	teardown_fx(&x);
}

/* The folio lock is taken: with the folio locked by another task the
 * caller sleeps (blocked), and nothing changed yet. */
static void test_isx_waits_for_folio_lock(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);
	struct sim_task *holder = pc_user_task(x.s, "H");
	struct pc_folio *f = &x.ip->i_folios[0];
	bool blocked = false;

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	queue(x.s, x.t, PC_OP_SLEEP, 0, 0);	/* makes T runnable, as inside a step */
	assert_true(__pc_folio_lock(x.s, holder, f));
	x.ip->i_size = 9000;
	__pc_pagecache_isize_extended(x.s, x.t, x.ip, EOF0, 9000, &blocked);
	assert_true(blocked);
	assert_int_equal(x.t->t_state, SIM_TASK_BLOCKED);
	assert_untouched(&x, true, true);
	__pc_folio_unlock(x.s, holder, f);
	assert_int_equal(x.t->t_state, SIM_TASK_RUNNABLE);
	teardown_fx(&x);
}

/* ---- pagecache_isize_extended: effects ---- */

/* Step 4: folio_mkclean write-protects and cleans a writable PTE, and the
 * folio (clean before) becomes dirty with every uptodate block dirty, so
 * the next store faults into page_mkwrite with the new size. */
static void test_isx_mkclean_redirties(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN, EOF0);
	struct pc_folio *f = &x.ip->i_folios[0];

	plant(&x, 0, EOF0, PC_PAGE_SIZE, false, true, true);
	x.ip->i_dirty = false;
	isx(&x, EOF0, 9000);
	assert_true(x.ip->i_pte[0].p_present);
	assert_false(x.ip->i_pte[0].p_writable);
	assert_false(x.ip->i_pte[0].p_dirty);
	assert_true(f->f_flags & PC_F_DIRTY);
	assert_int_equal(f->f_bdirty, (1u << x.w->w_bpp) - 1);
	assert_true(x.ip->i_dirty);
	/* mkclean does not zero */
	assert_int_equal(count_tag(&x, 0, EOF0, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE - EOF0);
	teardown_fx(&x);
}

/* isize_extended=mkclean on a dirty folio with a writable PTE: the PTE is
 * write-protected, no byte is zeroed. */
static void test_isx_mkclean_no_zero(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, EOF0, 3000);
	assert_false(x.ip->i_pte[0].p_writable);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_int_equal(count_tag(&x, 0, EOF0, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE - EOF0);
	teardown_fx(&x);
}

/* Step 5 (mkclean+zero): a dirty folio has exactly [from, to) zeroed when
 * `to` is inside the folio; bytes below the old EOF and past `to` keep
 * their contents. */
static void test_isx_zero_dirty_to_inside(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, false, false);
	isx(&x, EOF0, 3000);
	assert_int_equal(count_tag(&x, 0, 0, EOF0, x.data), EOF0);
	assert_int_equal(count_tag(&x, 0, EOF0, 3000, PC_TAG_ZERO), 3000 - EOF0);
	assert_int_equal(count_tag(&x, 0, 3000, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE - 3000);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	teardown_fx(&x);
}

/* Step 5: with `to` past the folio, zeroing stops at the folio end; the
 * next folio is not touched. */
static void test_isx_zero_dirty_to_past_folio(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, false, false);
	plant(&x, 1, 0, PC_PAGE_SIZE, true, false, false);
	isx(&x, EOF0, 9000);
	assert_int_equal(count_tag(&x, 0, 0, EOF0, x.data), EOF0);
	assert_int_equal(count_tag(&x, 0, EOF0, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - EOF0);
	assert_int_equal(count_tag(&x, 1, 0, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE);
	teardown_fx(&x);
}

/* Step 5: a clean folio (no PTE to clean) is not zeroed: writeback already
 * zeroed its post-EOF part, and it stays clean. */
static void test_isx_clean_not_zeroed(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, false, true, false);
	isx(&x, EOF0, 9000);
	assert_int_equal(count_tag(&x, 0, EOF0, PC_PAGE_SIZE, x.junk), PC_PAGE_SIZE - EOF0);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	teardown_fx(&x);
}

/* Steps 4 then 5: a clean folio with a writable PTE is re-dirtied by
 * mkclean and therefore zeroed (the dirty test comes after mkclean). */
static void test_isx_mkclean_then_zero(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, false, true, true);
	isx(&x, EOF0, 9000);
	assert_false(x.ip->i_pte[0].p_writable);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_int_equal(count_tag(&x, 0, EOF0, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - EOF0);
	teardown_fx(&x);
}

/* isize_extended=off (the bug): nothing at all, even where today's kernel
 * would write-protect and zero. */
static void test_isx_off(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_OFF, EOF0);

	plant(&x, 0, EOF0, PC_PAGE_SIZE, true, true, true);
	isx(&x, EOF0, 9000);
	assert_untouched(&x, true, true);
	teardown_fx(&x);
}

/* ---- truncate_pagecache ---- */

/* Map pages [0, n) of file 0 writable through real stores (faults and
 * page_mkwrite). */
static void touch_pages(struct fx *x, uint32_t n)
{
	queue(x->s, x->t, PC_OP_MMAP, 0, 0);
	for (uint32_t i = 0; i < n; i++)
		queue(x->s, x->t, PC_OP_STORE, (uint64_t)i * PC_PAGE_SIZE + 100, 10);
	run_task(x->s, x->t);
	for (uint32_t i = 0; i < n; i++)
		assert_true(x->ip->i_pte[i].p_writable);
}

/* truncate_pagecache(5000): [5000, 8192) of the partial folio 1 is zeroed
 * in the cache, [4096, 5000) kept; folio 2 (wholly past the new EOF page)
 * is dropped and unmapped; the partial folio keeps its writable PTE; folio
 * 0 is untouched. */
static void test_truncate_pagecache_partial(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, 12288);
	uint32_t cursor = 0;
	pc_tag_t t1;

	touch_pages(&x, 3);
	t1 = x.ip->i_folios[1].f_data[0];
	assert_int_not_equal(t1, PC_TAG_ZERO);
	assert_true(__pc_truncate_pagecache(x.s, x.t, x.ip, 5000, &cursor));
	assert_int_equal(cursor, 0);
	/* [0, 100) and [110, 904) of folio 1: the setup's data (the store
	 * wrote [100, 110)) */
	assert_int_equal(count_tag(&x, 1, 0, 100, t1) + count_tag(&x, 1, 110, 904, t1), 894);
	assert_int_equal(count_tag(&x, 1, 0, 904, PC_TAG_ZERO), 0);
	assert_int_equal(count_tag(&x, 1, 904, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - 904);
	assert_true(x.ip->i_folios[1].f_flags & PC_F_CACHED);
	assert_true(x.ip->i_pte[1].p_present);
	assert_true(x.ip->i_pte[1].p_writable);
	assert_int_equal(x.ip->i_folios[2].f_flags, 0);
	assert_int_equal(x.ip->i_folios[2].f_bdirty, 0);
	assert_false(x.ip->i_pte[2].p_present);
	assert_false(x.ip->i_pte[2].p_writable);
	assert_true(x.ip->i_pte[0].p_writable);
	assert_int_equal(count_tag(&x, 0, 0, PC_PAGE_SIZE, PC_TAG_ZERO), 0);
	teardown_fx(&x);
}

/* truncate_pagecache to a page boundary: no folio is zeroed, the folios
 * from the boundary on are dropped. */
static void test_truncate_pagecache_aligned(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, 12288);
	uint32_t cursor = 0;

	touch_pages(&x, 3);
	assert_true(__pc_truncate_pagecache(x.s, x.t, x.ip, 8192, &cursor));
	assert_int_equal(count_tag(&x, 1, 0, PC_PAGE_SIZE, PC_TAG_ZERO), 0);
	assert_true(x.ip->i_pte[1].p_writable);
	assert_int_equal(x.ip->i_folios[2].f_flags, 0);
	assert_false(x.ip->i_pte[2].p_present);
	teardown_fx(&x);
}

/* truncate_pagecache waits for writeback of every folio it drops or
 * zeroes (truncate_inode_pages_range: folio_lock + folio_wait_writeback):
 * with folio 2 under writeback, truncate_pagecache(5000) zeroes the partial
 * folio 1, then sleeps on folio 2 holding its lock, and keeps its place in
 * *cursor; folio 2 is still cached. When the writeback ends, the next call
 * drops folio 2 and does not zero folio 1 again (a store made meanwhile
 * through the still-writable PTE of folio 1 survives). */
static void test_truncate_pagecache_waits_writeback(void **state)
{
	struct fx x = boot(PC_PROF_XFS, 1024, PC_ISX_MKCLEAN_ZERO, 12288);
	struct pc_folio *f2 = &x.ip->i_folios[2];
	uint32_t cursor = 0;

	touch_pages(&x, 3);
	queue(x.s, x.t, PC_OP_SLEEP, 0, 0);	/* makes T runnable, as inside a step */
	f2->f_flags |= PC_F_WRITEBACK;
	f2->f_wb_bios = 1;
	assert_false(__pc_truncate_pagecache(x.s, x.t, x.ip, 5000, &cursor));
	assert_int_equal(cursor, 3);
	assert_int_equal(x.t->t_state, SIM_TASK_BLOCKED);
	assert_true(__pc_folio_locked_by(f2, x.t));
	assert_true(f2->f_flags & PC_F_CACHED);
	assert_int_equal(count_tag(&x, 1, 904, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - 904);
	x.ip->i_folios[1].f_data[1000] = x.junk;	/* a store meanwhile */
	__pc_folio_end_writeback(x.s, x.ip, 2);
	assert_int_equal(x.t->t_state, SIM_TASK_RUNNABLE);
	assert_true(__pc_truncate_pagecache(x.s, x.t, x.ip, 5000, &cursor));
	assert_int_equal(cursor, 0);
	assert_int_equal(f2->f_flags, 0);
	assert_false(x.ip->i_pte[2].p_present);
	assert_false(__pc_folio_locked_by(f2, x.t));
	assert_int_equal(x.ip->i_folios[1].f_data[1000], x.junk);
	teardown_fx(&x);
}

/* A real truncate down (ext4 and xfs): the same cache effects, plus the new
 * size; the partial folio's PTE survives the whole operation. */
static void truncate_op(enum pc_profile p)
{
	struct fx x = boot(p, 1024, PC_ISX_MKCLEAN_ZERO, 12288);

	touch_pages(&x, 3);
	queue(x.s, x.t, PC_OP_TRUNCATE, 5000, 0);
	run_task(x.s, x.t);
	assert_int_equal(x.ip->i_size, 5000);
	assert_int_equal(count_tag(&x, 1, 904, PC_PAGE_SIZE, PC_TAG_ZERO), PC_PAGE_SIZE - 904);
	assert_true(x.ip->i_pte[1].p_present);
	assert_false(x.ip->i_folios[2].f_flags & PC_F_CACHED);
	assert_false(x.ip->i_pte[2].p_present);
	teardown_fx(&x);
}

static void test_truncate_op_ext4(void **state)
{
	truncate_op(PC_PROF_EXT4);
}

static void test_truncate_op_xfs(void **state)
{
	truncate_op(PC_PROF_XFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isx_from_ge_to),
		cmocka_unit_test(test_isx_bs_ge_page),
		cmocka_unit_test(test_isx_inside_eof_block),
		cmocka_unit_test(test_isx_rounded_page_aligned),
		cmocka_unit_test(test_isx_not_cached),
		cmocka_unit_test(test_isx_waits_for_folio_lock),
		cmocka_unit_test(test_isx_mkclean_redirties),
		cmocka_unit_test(test_isx_mkclean_no_zero),
		cmocka_unit_test(test_isx_zero_dirty_to_inside),
		cmocka_unit_test(test_isx_zero_dirty_to_past_folio),
		cmocka_unit_test(test_isx_clean_not_zeroed),
		cmocka_unit_test(test_isx_mkclean_then_zero),
		cmocka_unit_test(test_isx_off),
		cmocka_unit_test(test_truncate_pagecache_partial),
		cmocka_unit_test(test_truncate_pagecache_aligned),
		cmocka_unit_test(test_truncate_pagecache_waits_writeback),
		cmocka_unit_test(test_truncate_op_ext4),
		cmocka_unit_test(test_truncate_op_xfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
