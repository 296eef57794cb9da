/* SPDX-License-Identifier: MIT */
/*
 * model/footprint.c - what each profile step reads and writes, for the
 * partial-order reductions of pcsim explore (sim/explore/search.c, dpor.c).
 *
 * A footprint function runs just before its step, on the current state, and
 * names the objects (PC_OBJ in model/pc.h) the step may read or write. An
 * over-approximation is sound; a missing object is a soundness bug, which
 * the commutation check (pc_fp_check, tests/scenario/check_reduction.c)
 * looks for. A step not listed in steps[] below keeps no footprint (NULL):
 * the engine reads that as dependent with everything. That is the case for
 * every step that submits I/O or waits for it to be written, touches the
 * block allocator, erases bytes in the oracle (size changes, truncate,
 * punch), for the flusher's writeback walk and requeue, the direct I/O
 * completion work, AIO, and jbd2's steps that call the file system back:
 * each of those changes what a crash would leave on disk or what the
 * post-crash oracle reads (write log, promises, erase steps), so keeping
 * them global orders them all among themselves and with every other step.
 *
 * Declared besides the operation steps: the bio completion event (disk.c
 * disk_complete_fp: DISK, EVQ, LAT, and each in-flight bio's
 * bi_end_io_fp, below and in jbd2.c, ops.c), the buffered end_io work's
 * steps, the flusher's first step, and the timers (EVQ). Every completion
 * writes DISK, as does every jbd2 step that submits: write-log appends stay
 * totally ordered.
 *
 * Objects:
 *   PC_OBJ_INODE(f)     i_size, i_disksize, the extent map, i_mapped,
 *                       i_dio_count and the wait queues on the inode;
 *   PC_OBJ_RWSEM(f)     i_rwsem;  PC_OBJ_INVAL(f): invalidate_lock;
 *   PC_OBJ_FOLIO(f, n)  folio n (flags, data, block bits, its lock and
 *                       writeback wait queue), PTE n, and the oracle's
 *                       per-byte ghost state of page n (i_last, erases);
 *   PC_OBJ_DISK         the disk image, the write log, the bio pool (read by
 *                       read_folio, the latency tracker; written by every
 *                       completion; a submitting step writes it or is
 *                       global);
 *   PC_OBJ_HB           the oracle's history: invocation and response
 *                       stamps (the op hook, model.c), w_hb, x_past_eof,
 *                       the sizes ops set for the promises (i_szdone,
 *                       i_szrun: written by size changes, which are
 *                       global, and by the op hook);
 *   PC_OBJ_EVQ          the event queue and the clock: the inode dirty state
 *                       and the flusher's timers (__mark_inode_dirty ->
 *                       flusher_arm schedules events), read by every step
 *                       that reads the time; every event with a footprint
 *                       writes it (an event moves the clock);
 *   PC_OBJ_LAT          the durability-latency ghost state (latency.c);
 *   PC_OBJ_JOURNAL      the journal (jbd2.c; its commit steps declare it);
 *   PC_OBJ_WQ           the workqueues and their workers (queue_work,
 *                       work_done, a worker taking its next item), and a
 *                       blocked op's own wait queue (flush_endio).
 *
 * Recording a violation is treated as commuting: verdicts read only the set
 * of invariants broken (w_viol_mask), which is a union.
 */
#include "model/fs/fs.h"

#define CTX(arg) ((const struct pc_opctx *)(arg))

static unsigned file_of(const void *arg)
{
	return CTX(arg)->x_ip->i_ino;
}

static void add(struct sim_fp *fp, unsigned kind, unsigned file, uint32_t n, enum sim_access m)
{
	sim_fp_add(fp, PC_OBJ(kind, file, n), m);
}

/* The op hook (model.c op_hook) stamps the invocation before the first step
 * and the response after the last, and the latency tracker notes both with
 * the time (the clock: EVQ, which events write). */
static void op_stamps(struct sim_fp *fp)
{
	sim_fp_add(fp, PC_OBJ(PC_OBJ_HB, 0, 0), SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_LAT, 0, 0), SIM_WRITE);	/* __pc_lat_op_* */
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_READ);
}

/* A first or last step of an operation (a loop back to step 0 is covered
 * too: over-approximation). A step that may end the operation early
 * (__pc_goto_end) calls op_stamps itself. */
static void op_edge(const struct sim_task *t, struct sim_fp *fp)
{
	const struct sim_op *op = sim_task_cur_op(t);

	if (!op || t->t_pc == 0 || t->t_pc + 1u >= op->op_desc->nsteps)
		op_stamps(fp);
}

/* The folio the op's cursor is on; false (footprint made global) when it
 * is outside the modelled file. */
static bool folio_at(const void *arg, uint64_t pos, struct sim_fp *fp, enum sim_access m)
{
	const struct pc_inode *ip = CTX(arg)->x_ip;
	uint64_t index = pos / PC_PAGE_SIZE;

	if (index >= ip->i_npages) {
		fp->fp_global = true;
		return false;
	}
	add(fp, PC_OBJ_FOLIO, ip->i_ino, (uint32_t)index, m);
	return true;
}

static uint64_t chunk_end(const struct pc_opctx *x)
{
	uint64_t fend = (x->x_pos / PC_PAGE_SIZE + 1) * PC_PAGE_SIZE;

	return x->x_end < fend ? x->x_end : fend;
}

/* ---- locks (ops.c) ---- */
/* inode_lock / inode_unlock: down_write / up_write of i_rwsem (and the
 * wake of its waiters). */
static void fp_rwsem(const struct sim *s, const struct sim_task *t, const void *arg,
		     struct sim_fp *fp)
{
	add(fp, PC_OBJ_RWSEM, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
	if ((CTX(arg)->o.o_flags & PC_OF_AIO) && CTX(arg)->x_io)
		op_stamps(fp);	/* inode_unlock ends a queued AIO write (ops.c) */
}

/* inode_lock of a truncate: the rwsem, and i_size read for the path. */
static void fp_setattr_lock(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp);

/* filemap_invalidate_lock / unlock. */
static void fp_inval(const struct sim *s, const struct sim_task *t, const void *arg,
		     struct sim_fp *fp)
{
	add(fp, PC_OBJ_INVAL, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* inode_dio_wait: reads i_dio_count; sleeping adds to the inode's wait
 * queue. Also generic_write_checks (reads i_size, i_disksize) and
 * ext4_mark_inode_dirty when i_disksize did not move. */
static void fp_inode_read(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, CTX(arg)->x_ip->i_dio_count ? SIM_WRITE : SIM_READ);
	op_edge(t, fp);
}

static void fp_setattr_lock(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	fp_rwsem(s, t, arg, fp);
	fp_inode_read(s, t, arg, fp);
}

/* xfs_file_write_zero_eof, first half: i_size, i_dio_count (sleeping on
 * the inode's dio wait queue), MMAPLOCK taken exclusive. */
static void fp_write_zero_eof_check(const struct sim *s, const struct sim_task *t,
				    const void *arg, struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	add(fp, PC_OBJ_INVAL, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* io_getevents: i_aio_pending, sleeping on the inode's AIO wait queue
 * (the completions that change them are global). */
static void fp_inode_wait(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* ext4_da_do_write_end: logging a moved i_disksize joins the journal. */
static void fp_ext4_mark_inode_dirty(const struct sim *s, const struct sim_task *t,
				     const void *arg, struct sim_fp *fp)
{
	if (CTX(arg)->x_ip->i_disksize != CTX(arg)->x_new_size) {
		fp->fp_global = true;
		return;
	}
	fp_inode_read(s, t, arg, fp);
}

/* ---- the buffered write loop ---- */
/* iomap_iter (->iomap_begin): delalloc reservation in the extent map. */
static void fp_iomap_iter(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* iomap_write_begin / ext4_da_write_begin: folio lock, filemap_get_folio,
 * partial blocks zeroed or read (extent map, i_size, the disk image); ext4
 * also reserves delalloc blocks in the extent map. */
static void fp_write_begin(const struct sim *s, const struct sim_task *t, const void *arg,
			   struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	add(fp, PC_OBJ_INODE, file_of(arg), 0,
	    x->x_w->w_k.k_profile == PC_PROF_EXT4 ? SIM_WRITE : SIM_READ);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);
	folio_at(arg, x->x_pos, fp, SIM_WRITE);
	op_edge(t, fp);
}

/* copy_folio_from_iter_atomic + write_end: folio data and block bits, the
 * oracle's i_last for the chunk (same folio), the latency tracker,
 * folio_mark_dirty -> __mark_inode_dirty -> flusher_arm. */
static void fp_write_end(const struct sim *s, const struct sim_task *t, const void *arg,
			 struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	folio_at(arg, x->x_pos, fp, SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_LAT, 0, 0), SIM_WRITE);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);	/* latency: the write log's length */
	op_edge(t, fp);
}

/* i_size_write: extending the size erases [old, new) in the oracle (a new
 * history stamp, the erase's step and transaction: crash-relevant); that
 * case stays global. Otherwise it only reads i_size. */
static void fp_i_size_write(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	if (chunk_end(x) > x->x_ip->i_size) {
		fp->fp_global = true;
		return;
	}
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	op_edge(t, fp);
}

/* folio_unlock (and its waiters' wake). */
static void fp_folio_unlock(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	folio_at(arg, CTX(arg)->x_pos, fp, SIM_WRITE);
	op_edge(t, fp);
}

/* pagecache_isize_extended: with work to do (mkclean, zeroing, maybe
 * writeback) global; else it only advances the op's own cursor. */
static void fp_isize_extended(const struct sim *s, const struct sim_task *t, const void *arg,
			      struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	if (x->x_grew && x->x_old_size < x->x_pos) {
		fp->fp_global = true;
		return;
	}
	op_edge(t, fp);
}

/* ---- reads and the mapping ---- */
/* filemap_read: i_size, the folio (read in under its lock when not
 * uptodate: extent map, disk), the oracle's check of the bytes (i_last and
 * erases of the page, other operations' stamps). */
static void fp_filemap_read(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;
	uint64_t pos = x->x_pos < x->o.o_off ? x->o.o_off : x->x_pos;
	uint64_t end = x->o.o_off + x->o.o_len;

	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	op_edge(t, fp);
	if (end > x->x_ip->i_size)
		end = x->x_ip->i_size;
	if (pos >= end)
		return;
	folio_at(arg, pos, fp, SIM_WRITE);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_HB, 0, 0), SIM_READ);
}

/* mmap_region: i_mapped. */
static void fp_mmap(const struct sim *s, const struct sim_task *t, const void *arg,
		    struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* handle_mm_fault: i_mapped, i_size, the PTE, the folio (read in), the
 * disk; SIGBUS ends the operation (a response stamp). */
static void fp_fault(const struct sim *s, const struct sim_task *t, const void *arg,
		     struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;
	uint64_t pos = x->x_pos < x->o.o_off ? x->o.o_off : x->x_pos;

	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);
	op_stamps(fp);
	folio_at(arg, pos, fp, SIM_WRITE);
}

/* ->page_mkwrite: invalidate_lock shared, the folio lock, i_size, delalloc
 * reservation (extent map), read_folio (disk), folio_mark_dirty (dirty
 * state, flusher_arm), the PTE; past EOF it ends the operation. */
static void fp_page_mkwrite(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	add(fp, PC_OBJ_INVAL, file_of(arg), 0, SIM_WRITE);
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
	op_stamps(fp);
	folio_at(arg, x->x_pos, fp, SIM_WRITE);
}

/* The store instruction: folio data and PTE of its page, i_size (a store
 * past EOF marks its source, which the oracle reads: history), the oracle's
 * i_last, the latency tracker. */
static void fp_store(const struct sim *s, const struct sim_task *t, const void *arg,
		     struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	folio_at(arg, x->x_pos, fp, SIM_WRITE);
	add(fp, PC_OBJ_DISK, 0, 0, SIM_READ);	/* latency: the write log's length */
	op_stamps(fp);	/* latency (and the clock); a store past EOF marks its source */
	op_edge(t, fp);
}

/* A load: i_size, the folio's bytes and the oracle's check of them. */
static void fp_load(const struct sim *s, const struct sim_task *t, const void *arg,
		    struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_READ);
	folio_at(arg, x->x_pos, fp, SIM_READ);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_HB, 0, 0), SIM_READ);
	op_edge(t, fp);
}

/* msync(MS_ASYNC): nothing but the op's own stamps. */
static void fp_nop(const struct sim *s, const struct sim_task *t, const void *arg,
		   struct sim_fp *fp)
{
	op_edge(t, fp);
}

static void fp_ioend(const struct pc_ioend *io, struct sim_fp *fp);

/* schedule_timeout: arms its timer (the event queue), reads x_woken, which
 * that timer (EVQ) sets. */
static void fp_schedule_timeout(const struct sim *s, const struct sim_task *t, const void *arg,
				struct sim_fp *fp)
{
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
	op_edge(t, fp);
}

/* iomap_dio_wait: the ioend's state and wait queue, which its completion
 * (the event or the work item, both writing the ioend's INODE) change. */
static void fp_dio_wait(const struct sim *s, const struct sim_task *t, const void *arg,
			struct sim_fp *fp)
{
	add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
	op_edge(t, fp);
}

/* inode_dio_end: for a sync ioend, dio_done: i_dio_count, i_aio_pending and
 * their wait queues, an AIO's response stamp (HB, LAT), then what
 * __pc_ioend_finish touches (fp_ioend); otherwise nothing. */
static void fp_inode_dio_end(const struct sim *s, const struct sim_task *t, const void *arg,
			     struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	if (x->x_io && x->x_io->io_sync) {
		add(fp, PC_OBJ_INODE, file_of(arg), 0, SIM_WRITE);
		fp_ioend(x->x_io, fp);
		op_stamps(fp);
	}
	op_edge(t, fp);
}

/* Events: a timer that only flips a flag the flusher reads and kicks it
 * (wb_wakeup_delayed, wb_start_background_writeback), or wakes the sleeper
 * of schedule_timeout. The woken or kicked task's own steps are global, and
 * the search orders them after the event (an enabling edge). */
void __pc_fp_timer(const struct sim *s, void *arg, uint64_t data, struct sim_fp *fp)
{
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
}

/* ---- bio completions (the disk's "disk_complete" event, disk.c, declares
 * DISK, EVQ and LAT; these add what each bi_end_io touches) ---- */
/* pc_bio_endio (writeback.c) for a write-back or direct I/O ioend: the
 * ioend, the inode (i_zero state and its wait queue, i_wb_err), the folios
 * of the ioend (folio_end_writeback, f_bfailed on error), queue_work on the
 * end_io or dio workqueue (kicks its workers) or the wake of a sync DIO
 * waiter. Many folios: global. */
static void fp_ioend(const struct pc_ioend *io, struct sim_fp *fp)
{
	const struct pc_inode *ip = io->io_inode;
	uint32_t first = UINT32_MAX, last = 0;

	if (io->io_first_page <= io->io_last_page) {
		first = io->io_first_page;
		last = io->io_last_page;
	}
	if (io->io_len) {
		uint32_t a = (uint32_t)(io->io_off / PC_PAGE_SIZE);
		uint32_t b = (uint32_t)((io->io_off + io->io_len - 1) / PC_PAGE_SIZE);

		first = a < first ? a : first;
		last = b > last ? b : last;
	}
	add(fp, PC_OBJ_INODE, ip->i_ino, 0, SIM_WRITE);
	add(fp, PC_OBJ_WQ, 0, 0, SIM_WRITE);
	if (first > last)
		return;
	if (last - first >= 8) {
		fp->fp_global = true;
		return;
	}
	for (uint32_t p = first; p <= last && p < ip->i_npages; p++)
		add(fp, PC_OBJ_FOLIO, ip->i_ino, p, SIM_WRITE);
}

void __pc_fp_ioend_bio(const struct pc_bio *bio, struct sim_fp *fp)
{
	fp_ioend(bio->bi_private, fp);
}

/* ---- the end_io work items (writeback.c, on the end_io workqueue's
 * workers; kernel tasks: no op stamps) ---- */
/* ---- the flusher (writeback.c wb_workfn; a kernel task: no stamps) ---- */
/* wb_check_old_data_flush: the clock, the flags its timers set
 * (w_flusher_all), w_last_flush, and its own context. */
void __pc_fp_wb_check_old(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp)
{
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
}

/* iomap_finish_ioends / ext4_finish_bio (__pc_ioend_finish): what the
 * completion above touches (folio_end_writeback, f_bfailed, i_wb_err, the
 * zeroing state, work_done's wake); the last step of the work item, so
 * the worker also takes its next item from the workqueue (worker_next). */
void __pc_fp_finish_ioends(const struct sim *s, const struct sim_task *t, const void *arg,
			   struct sim_fp *fp)
{
	fp_ioend(arg, fp);
}

/* ext4_iomap_wait_zero_eof: the inode's zeroing state, sleeping on its
 * wait queue. */
void __pc_fp_ioend_inode(const struct sim *s, const struct sim_task *t, const void *arg,
			 struct sim_fp *fp)
{
	const struct pc_ioend *io = arg;

	add(fp, PC_OBJ_INODE, io->io_inode->i_ino, 0, SIM_WRITE);
}

/* The inode's completion work taking or leaving its batch: the inode (its
 * list, the running worker) and the workqueue. arg is the inode. */
void __pc_fp_cw_inode(const struct sim *s, const struct sim_task *t, const void *arg,
		      struct sim_fp *fp)
{
	const struct pc_inode *ip = arg;

	add(fp, PC_OBJ_INODE, ip->i_ino, 0, SIM_WRITE);
	add(fp, PC_OBJ_WQ, 0, 0, SIM_WRITE);
}

/* xfs_end_ioend_write / ext4 conversion: a (reserved) handle of the
 * running transaction, the extent map, i_disksize, ext4_mark_inode_dirty
 * (journal), jbd2_journal_stop (may start a commit: kicks jbd2, the commit
 * timer, the clock). */
void __pc_fp_end_io_convert(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	const struct pc_ioend *io = arg;

	add(fp, PC_OBJ_INODE, io->io_inode->i_ino, 0, SIM_WRITE);
	add(fp, PC_OBJ_JOURNAL, 0, 0, SIM_WRITE);
	add(fp, PC_OBJ_EVQ, 0, 0, SIM_WRITE);
	add(fp, PC_OBJ_WQ, 0, 0, SIM_WRITE);
}

static const struct {
	sim_step_fn fn;
	sim_fp_fn fp;
} steps[] = {
	{ __pc_st_inode_lock, fp_rwsem },
	{ __pc_st_setattr_inode_lock, fp_setattr_lock },
	{ __pc_st_inode_unlock, fp_rwsem },
	{ __pc_st_invalidate_lock, fp_inval },
	{ __pc_st_invalidate_unlock, fp_inval },
	{ __pc_st_inode_dio_wait, fp_inode_read },
	{ __pc_st_inode_dio_wait_shrink, fp_inode_read },
	{ __pc_st_generic_write_checks, fp_inode_read },
	{ __pc_st_ext4_mark_inode_dirty, fp_ext4_mark_inode_dirty },
	{ __pc_st_iomap_iter, fp_iomap_iter },
	{ __pc_st_iomap_write_begin, fp_write_begin },
	{ __pc_st_ext4_da_write_begin, fp_write_begin },
	{ __pc_st_write_end, fp_write_end },
	{ __pc_st_i_size_write, fp_i_size_write },
	{ __pc_st_folio_unlock, fp_folio_unlock },
	{ __pc_st_pagecache_isize_extended, fp_isize_extended },
	{ __pc_st_filemap_read, fp_filemap_read },
	{ __pc_st_mmap, fp_mmap },
	{ __pc_st_handle_mm_fault, fp_fault },
	{ __pc_st_page_mkwrite, fp_page_mkwrite },
	{ __pc_st_store, fp_store },
	{ __pc_st_load, fp_load },
	{ __pc_st_nop, fp_nop },
	{ __pc_st_write_zero_eof_check, fp_write_zero_eof_check },
	{ __pc_st_io_getevents, fp_inode_wait },
	{ __pc_st_schedule_timeout, fp_schedule_timeout },
	{ __pc_st_iomap_dio_wait, fp_dio_wait },
	{ __pc_st_inode_dio_end, fp_inode_dio_end },
};

sim_fp_fn __pc_step_fp(sim_step_fn fn)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].fn == fn)
			return steps[i].fp;
	return NULL;
}
