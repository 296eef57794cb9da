/* Unit tests: stores through a shared mapping (model/ops.c
 * handle_mm_fault/store, model/fs/vfs.c page_mkwrite) against SEMANTICS.md
 * section 3: the first store faults and runs page_mkwrite, which reserves
 * (delalloc) only the blocks up to EOF of the EOF folio and marks every
 * block of the folio dirty; the PTE becomes writable and dirty; later
 * stores need no kernel step until something write-protects the PTE
 * (writeback's folio_clear_dirty_for_io, pagecache_isize_extended); a store
 * past the EOF page is SIGBUS and changes nothing. Block size 1024 (four
 * blocks per page), under ext4, ext4-iomap and xfs. */
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
	unsigned mkwrite;	/* page_mkwrite steps that finished */
	unsigned faults;	/* handle_mm_fault steps that went on to the fault handler
				 * (not skipping to the store, not SIGBUS) */
};

static void observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r)
{
	struct fx *x = ctx;
	size_t n = strlen(step);

	if (r == SIM_DONE && n >= 12 && !strcmp(step + n - 12, "page_mkwrite"))
		x->mkwrite++;
	/* The observer runs before a goto (t_jump) takes effect: handle_mm_fault
	 * jumps to the store (writable PTE) or to the end (SIGBUS). */
	if (r == SIM_DONE && !strcmp(step, "handle_mm_fault") && t->t_jump == 0)
		x->faults++;
}

static int queue(struct fx *x, struct sim_task *t, uint8_t kind, uint64_t off, uint64_t len)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_data = -1 };
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

/* A settled file of `size` bytes: written by a pwrite (written blocks), or
 * made by truncate up from empty (all holes). x must stay in place while
 * the model runs (the step observer points at it). */
static void boot(struct fx *x, enum pc_profile p, uint8_t isx, uint64_t size, bool holes)
{
	struct pc_config cfg;
	struct sim_config sc = { .seed = 0 };
	char err[200];

	memset(x, 0, sizeof(*x));
	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, p);
	cfg.c_knobs.k_bs = 1024;
	cfg.c_knobs.k_isize_extended = isx;
	cfg.c_nfiles = 1;
	cfg.c_file_bytes = 16384;
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = cfg.c_lat_max = 100 * SIM_USEC;
	sc.arena_size = pc_model_arena_size(&cfg);
	x->s = sim_create(&sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, &cfg, err, sizeof(err)));
	x->w = pc_w(x->s);
	x->ip = x->w->w_inode[0];
	queue(x, pc_user_task(x->s, "setup"), holes ? PC_OP_TRUNCATE : PC_OP_PWRITE,
	      holes ? size : 0, holes ? 0 : size);
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	assert_int_equal(x->ip->i_size, size);
	x->a = pc_user_task(x->s, "A");
	sim_set_step_observer(x->s, observe, x);
}

static void map_store(struct fx *x, uint64_t off, uint64_t len)
{
	queue(x, x->a, PC_OP_MMAP, 0, 0);
	queue(x, x->a, PC_OP_STORE, off, len);
	run_task(x->s, x->a);
}

static void store(struct fx *x, uint64_t off, uint64_t len)
{
	queue(x, x->a, PC_OP_STORE, off, len);
	run_task(x->s, x->a);
}

static void assert_states(const struct fx *x, uint32_t b0, uint32_t b1, uint8_t st)
{
	for (uint32_t b = b0; b < b1; b++)
		assert_int_equal(x->ip->i_map[b].e_state, st);
}

/* ---- page_mkwrite: reservation, dirtying, PTE ---- */

/* A first store into the EOF folio of a 2500-byte file of holes faults and
 * runs page_mkwrite once: blocks 0-2 (up to EOF) become delalloc, block 3
 * (wholly past EOF) stays a hole; every block of the folio is dirty, the
 * folio is dirty, and the PTE is present, writable and dirty; the bytes
 * land in the folio. */
static void mkwrite_eof_folio(enum pc_profile p)
{
	struct fx x;
	struct pc_folio *f;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 2500, true);
	f = &x.ip->i_folios[0];

	assert_states(&x, 0, 4, EXT_HOLE);
	map_store(&x, 100, 10);
	assert_int_equal(x.mkwrite, 1);
	assert_int_equal(x.faults, 1);
	assert_states(&x, 0, 3, EXT_DELALLOC);
	assert_int_equal(x.ip->i_map[3].e_state, EXT_HOLE);
	assert_true(f->f_flags & PC_F_DIRTY);
	assert_int_equal(f->f_bdirty, 0xf);
	assert_true(x.ip->i_pte[0].p_present);
	assert_true(x.ip->i_pte[0].p_writable);
	assert_true(x.ip->i_pte[0].p_dirty);
	assert_int_not_equal(f->f_data[100], PC_TAG_ZERO);
	assert_int_equal(f->f_data[109], f->f_data[100]);
	assert_int_equal(f->f_data[110], PC_TAG_ZERO);
	sim_destroy(x.s);
}

static void test_mkwrite_eof_folio_ext4(void **state)
{
	mkwrite_eof_folio(PC_PROF_EXT4);
}

static void test_mkwrite_eof_folio_ext4_iomap(void **state)
{
	mkwrite_eof_folio(PC_PROF_EXT4_IOMAP);
}

static void test_mkwrite_eof_folio_xfs(void **state)
{
	mkwrite_eof_folio(PC_PROF_XFS);
}

/* EOF on a block boundary (2048): blocks 0-1 are reserved, 2-3 are not. */
static void mkwrite_eof_block_boundary(enum pc_profile p)
{
	struct fx x;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 2048, true);

	map_store(&x, 2000, 10);
	assert_states(&x, 0, 2, EXT_DELALLOC);
	assert_states(&x, 2, 4, EXT_HOLE);
	assert_int_equal(x.ip->i_folios[0].f_bdirty, 0xf);
	sim_destroy(x.s);
}

static void test_mkwrite_eof_block_boundary_ext4(void **state)
{
	mkwrite_eof_block_boundary(PC_PROF_EXT4);
}

static void test_mkwrite_eof_block_boundary_xfs(void **state)
{
	mkwrite_eof_block_boundary(PC_PROF_XFS);
}

/* A folio wholly inside EOF is reserved whole, and only that folio. */
static void mkwrite_inside_eof(enum pc_profile p)
{
	struct fx x;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 10000, true);

	map_store(&x, 4096 + 3000, 10);
	assert_states(&x, 0, 4, EXT_HOLE);
	assert_states(&x, 4, 8, EXT_DELALLOC);
	assert_states(&x, 8, 16, EXT_HOLE);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_true(x.ip->i_pte[1].p_writable);
	assert_false(x.ip->i_pte[0].p_present);
	sim_destroy(x.s);
}

static void test_mkwrite_inside_eof_ext4(void **state)
{
	mkwrite_inside_eof(PC_PROF_EXT4);
}

static void test_mkwrite_inside_eof_xfs(void **state)
{
	mkwrite_inside_eof(PC_PROF_XFS);
}

/* ---- later stores ---- */

/* A second store to a page whose PTE is writable needs no fault: no
 * page_mkwrite, hence no new reservation, even after i_size grew (ext4
 * truncate up with isize_extended=off, which leaves the PTE writable): the
 * store lands in block 2, which stays a hole (seed 000, problem 1). */
static void test_second_store_no_fault(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4, PC_ISX_OFF, 2000, true);

	map_store(&x, 100, 10);
	assert_int_equal(x.mkwrite, 1);
	queue(&x, x.a, PC_OP_TRUNCATE, 4000, 0);
	run_task(x.s, x.a);
	assert_int_equal(x.ip->i_size, 4000);
	assert_true(x.ip->i_pte[0].p_writable);
	store(&x, 3000, 10);
	assert_int_equal(x.mkwrite, 1);
	assert_int_equal(x.faults, 1);
	assert_int_equal(x.ip->i_map[2].e_state, EXT_HOLE);
	assert_int_not_equal(x.ip->i_folios[0].f_data[3000], PC_TAG_ZERO);
	sim_destroy(x.s);
}

/* The same with isize_extended=mkclean: pagecache_isize_extended
 * write-protected the PTE, so the second store faults and page_mkwrite
 * reserves up to the new EOF (blocks 2 and 3). */
static void test_second_store_after_mkclean_faults(void **state)
{
	struct fx x;

	boot(&x, PC_PROF_EXT4, PC_ISX_MKCLEAN, 2000, true);

	map_store(&x, 100, 10);
	queue(&x, x.a, PC_OP_TRUNCATE, 4000, 0);
	run_task(x.s, x.a);
	assert_false(x.ip->i_pte[0].p_writable);
	store(&x, 3000, 10);
	assert_int_equal(x.mkwrite, 2);
	assert_states(&x, 0, 4, EXT_DELALLOC);
	assert_true(x.ip->i_pte[0].p_writable);
	sim_destroy(x.s);
}

/* ---- SIGBUS ---- */

/* A store at the first byte past round_up(i_size, PAGE_SIZE) is SIGBUS
 * (x_err = -EFAULT): no fault handler runs, no folio is created, no PTE,
 * no reservation; the last byte of the EOF page (past EOF) is legal and
 * lands in the cache. */
static void sigbus_past_eof_page(enum pc_profile p)
{
	struct fx x;
	int bad, ok;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 2000, true);

	queue(&x, x.a, PC_OP_MMAP, 0, 0);
	bad = queue(&x, x.a, PC_OP_STORE, 4096, 10);
	run_task(x.s, x.a);
	assert_int_equal(x.w->w_ops[bad]->x_err, -14);
	assert_int_equal(x.mkwrite, 0);
	assert_int_equal(x.faults, 0);
	assert_int_equal(x.ip->i_folios[1].f_flags, 0);
	assert_false(x.ip->i_pte[1].p_present);
	assert_false(x.ip->i_pte[0].p_present);
	assert_states(&x, 0, 16, EXT_HOLE);
	assert_int_equal(x.ip->i_size, 2000);
	ok = queue(&x, x.a, PC_OP_STORE, 4095, 1);
	run_task(x.s, x.a);
	assert_int_equal(x.w->w_ops[ok]->x_err, 0);
	assert_int_equal(x.ip->i_folios[0].f_data[4095], x.w->w_ops[ok]->x_src);
	assert_true(x.w->w_srcx[x.w->w_ops[ok]->x_src].x_past_eof);
	assert_int_equal(x.ip->i_size, 2000);
	sim_destroy(x.s);
}

static void test_sigbus_past_eof_page_ext4(void **state)
{
	sigbus_past_eof_page(PC_PROF_EXT4);
}

static void test_sigbus_past_eof_page_xfs(void **state)
{
	sigbus_past_eof_page(PC_PROF_XFS);
}

/* A store without a mapping is SIGBUS too. */
static void test_sigbus_unmapped(void **state)
{
	struct fx x;
	int op;

	boot(&x, PC_PROF_XFS, PC_ISX_MKCLEAN_ZERO, 2000, false);
	op = queue(&x, x.a, PC_OP_STORE, 100, 10);

	run_task(x.s, x.a);
	assert_int_equal(x.w->w_ops[op]->x_err, -14);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_false(x.ip->i_pte[0].p_present);
	sim_destroy(x.s);
}

/* page_mkwrite re-checks the size under the folio lock
 * (folio_mkwrite_check_truncate): a truncate to 0 between the fault and
 * page_mkwrite makes the store fail with -EFAULT; nothing is reserved or
 * dirtied and the PTE is not made writable. */
static void mkwrite_after_truncate(enum pc_profile p)
{
	struct fx x;
	struct sim_task *b;
	const char *next;
	int op;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 2000, false);
	b = pc_user_task(x.s, "B");

	queue(&x, x.a, PC_OP_MMAP, 0, 0);
	run_task(x.s, x.a);
	op = queue(&x, x.a, PC_OP_STORE, 100, 10);
	assert_true(sim_step_task(x.s, x.a));	/* handle_mm_fault: read fault */
	assert_true(x.ip->i_pte[0].p_present);
	assert_false(x.ip->i_pte[0].p_writable);
	next = sim_task_next_step(x.a)->name;
	assert_true(strlen(next) > 12);
	assert_string_equal(next + strlen(next) - 12, "page_mkwrite");
	queue(&x, b, PC_OP_TRUNCATE, 0, 0);
	run_task(x.s, b);
	assert_int_equal(x.ip->i_size, 0);
	run_task(x.s, x.a);
	assert_int_equal(x.w->w_ops[op]->x_err, -14);
	assert_states(&x, 0, 16, EXT_HOLE);
	assert_false(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	assert_false(x.ip->i_pte[0].p_writable);
	sim_destroy(x.s);
}

static void test_mkwrite_after_truncate_ext4(void **state)
{
	mkwrite_after_truncate(PC_PROF_EXT4);
}

static void test_mkwrite_after_truncate_xfs(void **state)
{
	mkwrite_after_truncate(PC_PROF_XFS);
}

/* ---- writeback write-protects ---- */

/* After writeback (fsync) ran folio_clear_dirty_for_io, the PTE is present
 * but write-protected and clean, the folio clean; the next store faults and
 * runs page_mkwrite again, and the PTE is writable again. */
static void writeback_write_protects(enum pc_profile p)
{
	struct fx x;

	boot(&x, p, PC_ISX_MKCLEAN_ZERO, 2000, false);

	map_store(&x, 100, 10);
	assert_int_equal(x.mkwrite, 1);
	queue(&x, x.a, PC_OP_FSYNC, 0, 0);
	run_task(x.s, x.a);
	assert_true(x.ip->i_pte[0].p_present);
	assert_false(x.ip->i_pte[0].p_writable);
	assert_false(x.ip->i_pte[0].p_dirty);
	assert_false(x.ip->i_folios[0].f_flags & (PC_F_DIRTY | PC_F_WRITEBACK));
	store(&x, 200, 10);
	assert_int_equal(x.mkwrite, 2);
	assert_int_equal(x.faults, 2);
	assert_true(x.ip->i_pte[0].p_writable);
	assert_true(x.ip->i_folios[0].f_flags & PC_F_DIRTY);
	sim_destroy(x.s);
}

static void test_writeback_write_protects_ext4(void **state)
{
	writeback_write_protects(PC_PROF_EXT4);
}

static void test_writeback_write_protects_xfs(void **state)
{
	writeback_write_protects(PC_PROF_XFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkwrite_eof_folio_ext4),
		cmocka_unit_test(test_mkwrite_eof_folio_ext4_iomap),
		cmocka_unit_test(test_mkwrite_eof_folio_xfs),
		cmocka_unit_test(test_mkwrite_eof_block_boundary_ext4),
		cmocka_unit_test(test_mkwrite_eof_block_boundary_xfs),
		cmocka_unit_test(test_mkwrite_inside_eof_ext4),
		cmocka_unit_test(test_mkwrite_inside_eof_xfs),
		cmocka_unit_test(test_second_store_no_fault),
		cmocka_unit_test(test_second_store_after_mkclean_faults),
		cmocka_unit_test(test_sigbus_past_eof_page_ext4),
		cmocka_unit_test(test_sigbus_past_eof_page_xfs),
		cmocka_unit_test(test_sigbus_unmapped),
		cmocka_unit_test(test_mkwrite_after_truncate_ext4),
		cmocka_unit_test(test_mkwrite_after_truncate_xfs),
		cmocka_unit_test(test_writeback_write_protects_ext4),
		cmocka_unit_test(test_writeback_write_protects_xfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
