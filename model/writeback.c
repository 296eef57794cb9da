/* SPDX-License-Identifier: MIT */
/*
 * model/writeback.c - writeback: the flusher, the per-folio writeback walk
 * (writeback_iter + the file system's writepages), ioends, bio completion,
 * and waiting for writeback.
 *
 * Kernel: mm/page-writeback.c (writeback_iter, folio_clear_dirty_for_io),
 * fs/fs-writeback.c (wb_workfn, wb_check_old_data_flush, wb_writeback),
 * fs/iomap/buffered-io.c + ioend.c (iomap_writepages, iomap_writeback_folio,
 * iomap_writeback_handle_eof, iomap_add_to_ioend), fs/ext4/inode.c
 * (ext4_do_writepages, mpage_submit_folio), fs/ext4/page-io.c
 * (ext4_bio_write_folio, ext4_end_bio), fs/xfs/xfs_aops.c (xfs_map_blocks,
 * xfs_end_ioend_write, xfs_setfilesize).
 *
 * One call of __pc_writeback_step() writes back at most one folio, so other
 * tasks interleave between folios as they do in the kernel, where the folio
 * lock is dropped between folios. Per folio, in ascending index order from
 * the range start (a range_cyclic pass: from mapping->writeback_index, see
 * wb_inode_begin below):
 *
 *   folio_lock (blocking, also for WB_SYNC_NONE)
 *   not dirty -> skip; under writeback -> WB_SYNC_NONE skips, WB_SYNC_ALL waits
 *   folio_clear_dirty_for_io: folio_mkclean; a cleaned PTE re-dirties every
 *       block (iomap_dirty_folio / block_dirty_folio); clear the dirty flag
 *   EOF: a folio wholly past i_size is dropped (no I/O, no redirty); a folio
 *       straddling i_size has [i_size, folio end) zeroed in the cache
 *   map each dirty block below the EOF block:
 *       HOLE       no reservation: nothing is written, the dirty bit is
 *                  cleared ("a hole? we can safely clear the dirty bit"):
 *                  the bytes are lost -> unreserved-dirty if they are not
 *                  zeros (docs/model.md: no path allocates, nobody warns)
 *       DELALLOC   allocate (unwritten, converted at end_io); ext4 raises
 *                  i_disksize at submission in the same handle
 *       UNWRITTEN  write; convert at end_io
 *       WRITTEN    write
 *   submit one bio per contiguous run of disk blocks, each with its ioend
 *   folio_unlock
 */
#include <assert.h>
#include <string.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

static const struct sim_op_desc *endio_desc(const struct pc_world *w);

/* ---- the dirty list and the flusher (fs/fs-writeback.c) ---- */

static void flusher_timer(struct sim *s, void *arg, uint64_t data)
{
	struct pc_world *w = arg;

	w->w_flusher_timer = false;
	w->w_flusher_kick = true;
	sim_task_kick(s, w->w_flusher);
}

/* Knob bg_writeback=on: dirty pages over the background threshold
 * (balance_dirty_pages -> wb_start_background_writeback, fs/fs-writeback.c)
 * start a writeback pass that ignores the 30 s expiry, at a moment no
 * scenario controls. Modelled as a timer armed with the periodic one: at
 * its own time it writes everything dirty, and since explore and fuzz may
 * fire any pending event early, they try it between any two steps. */
static void bg_writeback_timer(struct sim *s, void *arg, uint64_t data)
{
	struct pc_world *w = arg;

	w->w_bg_timer = false;
	pc_kick_flusher(s);
}

static void flusher_arm(struct sim *s, struct pc_world *w)
{
	if (!w->w_settled)
		return;
	if (w->w_k.k_bg_writeback && !w->w_bg_timer) {
		w->w_bg_timer = true;
		sim_event_set_fp(s,
				 sim_timer(s, w->w_k.k_dirty_writeback,
					   "wb_start_background_writeback", bg_writeback_timer, w, 0),
				 __pc_fp_timer);
	}
	if (w->w_flusher_timer)
		return;
	w->w_flusher_timer = true;
	sim_event_set_fp(s, sim_timer(s, w->w_k.k_dirty_writeback, "wb_wakeup_delayed",
				      flusher_timer, w, 0),
			 __pc_fp_timer);
}

/* __mark_inode_dirty(I_DIRTY_PAGES): dirtied_when is set when the inode
 * goes from clean to dirty. */
void __pc_inode_dirtied(struct sim *s, struct pc_inode *ip)
{
	if (!ip->i_dirty) {
		ip->i_dirty = true;
		ip->i_dirtied_when = sim_now(s);
	}
	flusher_arm(s, ip->i_w);
}

static bool inode_has_dirty(const struct pc_inode *ip)
{
	for (uint32_t i = 0; i < ip->i_npages; i++)
		if (ip->i_folios[i].f_flags & PC_F_DIRTY || ip->i_pte[i].p_dirty)
			return true;
	return false;
}

void __pc_wbc_init(struct pc_wbc *wbc, struct pc_inode *ip, uint64_t start, uint64_t end,
		   bool sync_all, bool can_map)
{
	memset(wbc, 0, sizeof(*wbc));
	if (ip && end != UINT64_MAX)
		__pc_folio_round(ip, &start, &end);	/* whole folios (writeback_iter) */
	wbc->wb_start = start;
	wbc->wb_end = end;
	wbc->wb_index = (uint32_t)(start / PC_PAGE_SIZE);
	wbc->wb_last = UINT32_MAX;
	wbc->wb_sync_all = sync_all;
	wbc->wb_can_map = can_map;
	wbc->wb_file = ip ? ip->i_ino : 0;
}

/* wb_check_old_data_flush: kupdate-style writeback of inodes dirtied more
 * than dirty_expire ago (all their pages, not only the old ones). */
static enum sim_ret st_wb_check_old_data_flush(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	sim_time_t now = sim_now(s);

	__pc_wbc_init(&x->x_wbc, w->w_inode[0], 0, UINT64_MAX, false, true);
	x->x_wbc.wb_all_files = true;
	x->x_wbc.wb_expired_only = true;
	/* kupdate and background works are range_cyclic (wb_check_old_data_flush,
	 * wb_check_background_flush, wb_check_start_all in fs/fs-writeback.c). */
	x->x_wbc.wb_cyclic = true;
	x->x_wbc.wb_cutoff = now > w->w_k.k_dirty_expire ? now - w->w_k.k_dirty_expire : 0;
	if (w->w_flusher_all)
		x->x_wbc.wb_cutoff = now;
	w->w_flusher_all = false;
	w->w_last_flush = now;
	return SIM_DONE;
}

static enum sim_ret st_writeback_sb_inodes(struct sim *s, struct sim_task *t, void *arg)
{
	return __pc_writeback_step(s, t, arg);
}

/* requeue_inode (fs/fs-writeback.c), after a writeback pass over every
 * inode: a clean inode leaves the dirty list (its next dirtying stamps a
 * new dirtied_when); true if some inode is still dirty. */
bool __pc_inodes_requeue(struct sim *s)
{
	struct pc_world *w = pc_w(s);
	bool any = false;

	for (unsigned i = 0; i < w->w_ninodes; i++) {
		struct pc_inode *ip = w->w_inode[i];

		if (!inode_has_dirty(ip))
			ip->i_dirty = false;
		any |= ip->i_dirty;
	}
	return any;
}

/* requeue_inode: inodes still dirty stay on the list; re-arm the timer. */
static enum sim_ret st_requeue_inode(struct sim *s, struct sim_task *t, void *arg)
{
	if (__pc_inodes_requeue(s))
		flusher_arm(s, pc_w(s));
	return SIM_DONE;
}

static const struct sim_op_desc wb_workfn_desc = {
	"wb_workfn", 3, { { "wb_check_old_data_flush", st_wb_check_old_data_flush,
			    __pc_fp_wb_check_old },
			  { "writeback_sb_inodes", st_writeback_sb_inodes, NULL },
			  { "requeue_inode", st_requeue_inode, NULL } }
};

static bool flusher_next(struct sim *s, struct sim_task *t, struct sim_op *op)
{
	struct pc_world *w = pc_w(s);

	if (!w->w_flusher_kick)
		return false;
	w->w_flusher_kick = false;
	memset(w->w_flusher_ctx, 0, sizeof(*w->w_flusher_ctx));
	w->w_flusher_ctx->x_w = w;
	w->w_flusher_ctx->x_task = t;
	op->op_desc = &wb_workfn_desc;
	op->op_arg = w->w_flusher_ctx;
	op->op_id = 0;
	return true;
}

void pc_kick_flusher(struct sim *s)
{
	struct pc_world *w = pc_w(s);

	w->w_flusher_kick = true;
	w->w_flusher_all = true;
	sim_task_kick(s, w->w_flusher);
}

void __pc_flusher_init(struct sim *s)
{
	struct pc_world *w = pc_w(s);

	w->w_flusher = sim_task_create(s, "flusher", true);
	w->w_flusher_ctx = sim_alloc(s, sizeof(*w->w_flusher_ctx));
	w->w_jbd2_ctx = sim_alloc(s, sizeof(*w->w_jbd2_ctx));
	assert(w->w_flusher && w->w_flusher_ctx && w->w_jbd2_ctx);
	sim_task_set_daemon(s, w->w_flusher, flusher_next);
}

/* ---- workqueues (kernel/workqueue.c) ---- */

/* The first queued item a worker may run. A work item never runs on two
 * workers at once (kernel/workqueue.c: a work queued again while it runs
 * waits for that run to end), so an inode's completion work queued again
 * while another worker runs it is passed over. */
static struct pc_work *wq_take(struct pc_workqueue *wq, struct sim_task *t)
{
	for (uint32_t i = wq->wq_head; i != wq->wq_tail; i++) {
		struct pc_work *wk = wq->wq_items[i % PC_MAX_WORK];
		struct pc_inode *ip = wq->wq_per_inode ? wk->w_arg : NULL;

		if (ip && ip->i_cw_task && ip->i_cw_task != t)
			continue;
		for (uint32_t j = i; j != wq->wq_head; j--)
			wq->wq_items[j % PC_MAX_WORK] = wq->wq_items[(j - 1) % PC_MAX_WORK];
		wq->wq_head++;
		if (ip)
			ip->i_cw_task = t;
		return wk;
	}
	return NULL;
}

static bool worker_next(struct sim *s, struct sim_task *t, struct sim_op *op)
{
	struct pc_workqueue *wq = t->t_priv;
	struct pc_work *wk = wq_take(wq, t);

	if (!wk)
		return false;
	wk->w_state = 2;
	wk->w_done_wq.wq_owners = 1ULL << t->t_id;
	op->op_desc = wk->w_desc;
	op->op_arg = wk->w_arg;
	op->op_id = 0;
	return true;
}

void __pc_workqueue_init(struct sim *s, struct pc_workqueue *wq, const char *name,
			 unsigned nworkers, const char *const *names)
{
	wq->wq_name = name;
	sim_wq_init(&wq->wq_idle, name, PC_OBJ(PC_OBJ_WQ, 0, 0));
	for (unsigned i = 0; i < nworkers && i < PC_MAX_WORKERS; i++) {
		struct sim_task *t = sim_task_create(s, names[i], true);

		assert(t);
		t->t_priv = wq;
		sim_task_set_daemon(s, t, worker_next);
		wq->wq_workers[wq->wq_nworkers++] = t;
	}
}

static uint64_t wq_worker_mask(const struct pc_workqueue *wq)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < wq->wq_nworkers; i++)
		m |= 1ULL << wq->wq_workers[i]->t_id;
	return m;
}

/* queue_work: FIFO; an ordered workqueue (one worker, max_active 1) runs
 * items one at a time in queueing order. */
void __pc_queue_work(struct sim *s, struct pc_workqueue *wq, struct pc_work *wk)
{
	assert(wq->wq_tail - wq->wq_head < PC_MAX_WORK);
	wk->w_state = 1;
	sim_wq_init(&wk->w_done_wq, "flush_work", PC_OBJ(PC_OBJ_WQ, 0, 1));
	wk->w_done_wq.wq_owners = wq_worker_mask(wq);
	wq->wq_items[wq->wq_tail++ % PC_MAX_WORK] = wk;
	for (unsigned i = 0; i < wq->wq_nworkers; i++)
		sim_task_kick(s, wq->wq_workers[i]);
}

/* flush_work: true if w has run; else t sleeps until it has. The waits-for
 * edges go to the workers that can run it (not t itself on an unbound
 * queue, since another worker can). */
bool __pc_flush_work(struct sim *s, struct sim_task *t, struct pc_workqueue *wq,
		     struct pc_work *wk)
{
	if (wk->w_state == 0 || wk->w_state == 3)
		return true;
	if (wk->w_state == 1) {
		uint64_t m = wq_worker_mask(wq);

		if (wq->wq_nworkers > 1)
			m &= ~(1ULL << t->t_id);
		wk->w_done_wq.wq_owners = m;
	}
	sim_wait(s, t, &wk->w_done_wq);
	return false;
}

static void work_done(struct sim *s, struct pc_work *wk)
{
	wk->w_state = 3;
	wk->w_done_wq.wq_owners = 0;
	sim_wake_all(s, &wk->w_done_wq);
}

/* ---- ioends and bio completion ---- */

struct pc_ioend *__pc_ioend_alloc(struct sim *s, struct pc_inode *ip)
{
	struct pc_world *w = ip->i_w;

	for (unsigned i = 0; i < w->w_ioend_cap; i++) {
		struct pc_ioend *io = &w->w_ioend[i];

		if (io->io_state == 0 || io->io_state == 4) {
			memset(io, 0, sizeof(*io));
			io->io_inode = ip;
			io->io_state = 1;
			io->io_seq = ++w->w_ioend_seq;
			sim_wq_init(&io->io_wq, "iomap_dio_wait", PC_OBJ(PC_OBJ_BIO, ip->i_ino, i));
			return io;
		}
	}
	assert(!"ioend pool exhausted (PC_MAX_IOENDS)");
	return NULL;
}

/* Does completing this ioend need process context (a work item)? */
static bool ioend_needs_work(const struct pc_ioend *io)
{
	const struct pc_world *w = io->io_inode->i_w;

	if (io->io_dio)
		return false;	/* direct I/O completion: see dio.c */
	if (io->io_unwritten || io->io_status)
		return true;
	if (io->io_append && w->w_k.k_profile != PC_PROF_EXT4)
		return true;	/* xfs_setfilesize / ext4-iomap disksize update */
	if (io->io_zero && w->w_k.k_profile == PC_PROF_EXT4_IOMAP &&
	    io->io_inode->i_disksize_pending)
		return true;
	return false;
}

static void zero_io_state(struct sim *s, struct pc_ioend *io, uint8_t st)
{
	struct pc_inode *ip = io->io_inode;

	if (io->io_zero && ip->i_zero.z_state < st) {
		ip->i_zero.z_state = st;
		sim_wake_all(s, &ip->i_zero.z_wq);
	}
}

/* A buffered write-back I/O failed: iomap_finish_folio_write (fs/iomap/
 * ioend.c) and ext4_finish_bio (fs/ext4/page-io.c) call mapping_set_error,
 * which bumps the mapping's errseq (lib/errseq.c); the folio ends
 * writeback clean, so nothing writes those blocks again unless they are
 * dirtied again. The next fsync reports -EIO (file_check_and_advance_wb_err
 * in file_write_and_wait_range, mm/filemap.c) and promises nothing; later
 * ones return 0 without covering the lost blocks. A direct or write-through
 * I/O returns its error to the writer (iomap_dio_complete) instead, but
 * its blocks are just as lost to later fsyncs: they are marked too. */
static void ioend_set_error(struct pc_ioend *io)
{
	struct pc_inode *ip = io->io_inode;
	struct pc_world *w = ip->i_w;
	uint64_t end = io->io_off + io->io_len;

	if (!io->io_dio)
		ip->i_wb_err++;
	for (uint64_t b = io->io_off / w->w_bs; b * w->w_bs < end; b++) {
		uint32_t index = (uint32_t)(b / w->w_bpp);

		if (index < ip->i_npages)
			__pc_folio(ip, index)->f_bfailed |= (uint8_t)(1u << (b % w->w_bpp));
	}
}

/* iomap_finish_ioends / ext4_finish_bio: folio_end_writeback per folio. */
void __pc_ioend_finish(struct sim *s, struct pc_ioend *io)
{
	if (io->io_status)
		ioend_set_error(io);
	for (uint32_t p = io->io_first_page; p <= io->io_last_page; p++)
		__pc_folio_end_writeback(s, io->io_inode, p);
	zero_io_state(s, io, Z_DONE);
	io->io_state = 4;
	if (io->io_work.w_state)
		work_done(s, &io->io_work);
}

/* bio end_io, in the disk's completion event (no sleeping allowed):
 * iomap's ioend_writeback_end_bio / xfs_end_bio / ext4_end_bio. */
static void pc_bio_endio(struct sim *s, struct pc_bio *bio)
{
	struct pc_ioend *io = bio->bi_private;
	struct pc_world *w = io->io_inode->i_w;

	if (bio->bi_status)
		io->io_status = bio->bi_status;
	pc_bio_put(w->w_disk, bio);
	if (io->io_nbios && --io->io_nbios)
		return;	/* more bios of this ioend in flight */
	io->io_state = 2;
	zero_io_state(s, io, Z_COMPLETED);
	if (io->io_dio) {
		__pc_dio_endio(s, io);
		return;
	}
	if (ioend_needs_work(io)) {
		struct pc_inode *ip = io->io_inode;

		/* xfs_end_bio / ext4_add_complete_io / ext4_iomap_end_bio: on the
		 * inode's list; the inode's work is queued when the list was empty
		 * (queue_work of a pending work does nothing). */
		io->io_state = 3;
		assert(ip->i_cw_nlist < PC_MAX_IOENDS);
		ip->i_cw_list[ip->i_cw_nlist++] = io;
		if (ip->i_cw_nlist == 1 && ip->i_cw_work.w_state != 1) {
			ip->i_cw_work.w_desc = endio_desc(w);
			ip->i_cw_work.w_arg = ip;
			__pc_queue_work(s, &w->w_endio_wq, &ip->i_cw_work);
		}
	} else {
		__pc_ioend_finish(s, io);
	}
}

/* Submit one bio of io: disk blocks [pblk, pblk + nblk) holding file
 * blocks [fblk, fblk + nblk), data from data. */
void __pc_submit_ioend(struct sim *s, struct pc_ioend *io, uint32_t fblk, pc_blk_t pblk,
		       uint32_t nblk, const pc_tag_t *data, uint8_t kind, bool pages)
{
	struct pc_world *w = io->io_inode->i_w;
	struct pc_bio *bio = pc_bio_alloc(s, w->w_disk);

	assert(bio && "bio pool exhausted");
	bio->bi_op = PC_REQ_WRITE;
	bio->bi_kind = kind;
	bio->bi_blk = pblk;
	bio->bi_nblk = nblk;
	bio->bi_end_io = pc_bio_endio;
	bio->bi_end_io_fp = __pc_fp_ioend_bio;
	bio->bi_private = io;
	bio->bi_pages = pages ? data : NULL;
	io->io_bio = bio->bi_id;
	io->io_nbios++;
	if (kind == PC_BIO_ZERO)
		w->w_m.m_zero_ios++;
	pc_disk_submit(s, w->w_disk, bio, data);
	__pc_lat_submit(s, io->io_inode, fblk, bio);
}

/* ---- end_io work (process context) ---- */

/* ext4-iomap: before raising i_disksize past the zeroed block, wait for
 * its I/O (zero_eof=wait|deferred): for the bio, or for its end_io work
 * (knob zero_wait). zero_eof=submit does not wait (patch 17/23's TODO). */
static enum sim_ret st_ext4_iomap_wait_zero(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_inode *ip = io->io_inode;
	struct pc_world *w = ip->i_w;
	uint8_t need = w->w_k.k_zero_wait == PC_ZW_BIO ? Z_COMPLETED : Z_DONE;

	if (w->w_k.k_profile != PC_PROF_EXT4_IOMAP || w->w_k.k_zero_eof == PC_ZE_SUBMIT ||
	    io->io_zero || !io->io_append)
		return SIM_DONE;
	if (ip->i_zero.z_state < Z_SUBMITTED || ip->i_zero.z_state >= need ||
	    io->io_off + io->io_len <= ip->i_zero.z_start)
		return SIM_DONE;
	/* Waiting for the zero ioend's work: the owners are the end_io
	 * workers that can run it. */
	ip->i_zero.z_wq.wq_owners = 0;
	if (need == Z_DONE && ip->i_zero.z_state == Z_COMPLETED) {
		uint64_t m = 0;

		/* Only the inode's own completion work finishes the zero ioend,
		 * and this worker is running it: its next run comes after this
		 * one returns, on any workqueue. */
		if (ip->i_cw_task == t)
			m = 1ULL << t->t_id;
		else
			for (unsigned i = 0; i < w->w_endio_wq.wq_nworkers; i++)
				m |= 1ULL << w->w_endio_wq.wq_workers[i]->t_id;
		ip->i_zero.z_wq.wq_owners = m;
	}
	sim_wait(s, t, &ip->i_zero.z_wq);
	return SIM_BLOCKED;
}

/* xfs_end_ioend_write / ext4_end_io_end / the ext4-iomap end_io: convert
 * unwritten extents and raise the on-disk size, in one transaction. ext4
 * runs it in the handle reserved at submission (io_end->handle,
 * jbd2_journal_start_reserved), which joins even a T_LOCKED transaction:
 * ext4_do_writepages waits for folio writeback (WB_SYNC_ALL) while holding
 * its own handle, and that writeback ends only after this conversion. The
 * model does the same for every profile; for XFS it stands for a log whose
 * transactions never wait for other open transactions to close. */
static enum sim_ret st_end_io_convert(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_inode *ip = io->io_inode;
	struct pc_world *w = ip->i_w;
	bool dirty = false;

	if (!io->io_h)
		io->io_h = jbd2_journal_start_reserved(s, t, w->w_j);
	if (io->io_status == 0) {
		uint32_t b0 = __pc_blk_of(w, io->io_off);
		uint32_t b1 = __pc_blk_of(w, io->io_off + io->io_len - 1) + 1;

		if (io->io_unwritten)
			for (uint32_t b = b0; b < b1 && b < ip->i_nblocks; b++)
				if (ip->i_map[b].e_state == EXT_UNWRITTEN) {
					ip->i_map[b].e_state = EXT_WRITTEN;
					dirty = true;
				}
		/* xfs_setfilesize: never past the in-core EOF. */
		if (io->io_append || (io->io_zero && ip->i_disksize_pending)) {
			uint64_t nsz = io->io_off + io->io_len;

			if (io->io_zero && ip->i_disksize_pending) {
				nsz = ip->i_size;
				ip->i_disksize_pending = false;
			}
			if (nsz > ip->i_size)
				nsz = ip->i_size;
			if (nsz > ip->i_disksize && w->w_k.k_profile != PC_PROF_EXT4) {
				ip->i_disksize = nsz;
				dirty = true;
			}
		}
	}
	if (dirty)
		__pc_mark_inode_dirty(s, ip, io->io_h, true);
	jbd2_journal_stop(s, w->w_j, io->io_h);
	io->io_h = NULL;
	return SIM_DONE;
}


/*
 * The inode's completion work (fs/xfs/xfs_aops.c xfs_end_io; fs/ext4/
 * page-io.c ext4_end_io_rsv_work -> ext4_do_flush_completed_IO; the 2026
 * series' ext4_iomap_end_io): take the inode's whole list of completed
 * ioends (list_replace_init), sort it by offset (iomap_sort_ioends,
 * list_sort with ext4_ioend_compare) and finish the ioends one after
 * another. The per-ioend steps get the batch's current ioend. A work item
 * never runs on two workers at once (wq_take), so ioends completed while it
 * runs wait for its next run. Not modelled: iomap_ioend_try_merge /
 * ext4_try_to_merge (adjacent ioends finished as one).
 */
static enum sim_ret st_cw_take(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_inode *ip = arg;

	ip->i_cw_n = 0;
	ip->i_cw_cur = 0;
	for (uint16_t i = 0; i < ip->i_cw_nlist; i++) {
		struct pc_ioend *io = ip->i_cw_list[i];
		uint16_t k = ip->i_cw_n++;

		while (k && ip->i_cw_batch[k - 1]->io_off > io->io_off) {
			ip->i_cw_batch[k] = ip->i_cw_batch[k - 1];
			k--;
		}
		ip->i_cw_batch[k] = io;
	}
	ip->i_cw_nlist = 0;
	ip->i_cw_work.w_state = 2;
	if (ip->i_cw_n > 1)
		sim_trace_note(s, t->t_id, "ioend_batch", ip->i_ino, ip->i_cw_n,
			       "the completion work took the inode's ioends, sorted by offset");
	if (ip->i_cw_n == 0)
		__pc_goto_end(t);
	return SIM_DONE;
}

static struct pc_ioend *cw_cur(const struct pc_inode *ip)
{
	return ip->i_cw_batch[ip->i_cw_cur];
}

static enum sim_ret st_cw_wait_zero(struct sim *s, struct sim_task *t, void *arg)
{
	return st_ext4_iomap_wait_zero(s, t, cw_cur(arg));
}

static enum sim_ret st_cw_convert(struct sim *s, struct sim_task *t, void *arg)
{
	return st_end_io_convert(s, t, cw_cur(arg));
}

/* Finish the current ioend; back to the first per-ioend step for the
 * next one; the work returns after the last. */
static enum sim_ret st_cw_finish(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_inode *ip = arg;

	__pc_ioend_finish(s, cw_cur(ip));
	if (++ip->i_cw_cur < ip->i_cw_n) {
		sim_task_goto(t, 1);
		return SIM_DONE;
	}
	ip->i_cw_task = NULL;
	ip->i_cw_n = ip->i_cw_cur = 0;
	if (ip->i_cw_work.w_state == 2)
		work_done(s, &ip->i_cw_work);
	return SIM_DONE;
}

static void fp_cw_take(const struct sim *s, const struct sim_task *t, const void *arg,
		       struct sim_fp *fp)
{
	__pc_fp_cw_inode(s, t, arg, fp);
}

static void fp_cw_ioend_inode(const struct sim *s, const struct sim_task *t, const void *arg,
			      struct sim_fp *fp)
{
	__pc_fp_ioend_inode(s, t, cw_cur(arg), fp);
}

static void fp_cw_convert(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp)
{
	__pc_fp_end_io_convert(s, t, cw_cur(arg), fp);
}

static void fp_cw_finish(const struct sim *s, const struct sim_task *t, const void *arg,
			 struct sim_fp *fp)
{
	__pc_fp_cw_inode(s, t, arg, fp);
	__pc_fp_finish_ioends(s, t, cw_cur(arg), fp);
}

static const struct sim_op_desc endio_xfs = {
	"xfs_end_io", 3, { { "iomap_sort_ioends", st_cw_take, fp_cw_take },
			   { "xfs_end_ioend_write", st_cw_convert, fp_cw_convert },
			   { "iomap_finish_ioends", st_cw_finish, fp_cw_finish } }
};
static const struct sim_op_desc endio_ext4 = {
	"ext4_end_io_rsv_work", 3, { { "ext4_do_flush_completed_IO", st_cw_take, fp_cw_take },
				     { "ext4_convert_unwritten_io_end_vec", st_cw_convert,
				       fp_cw_convert },
				     { "ext4_finish_bio", st_cw_finish, fp_cw_finish } }
};
static const struct sim_op_desc endio_ext4_iomap = {
	"ext4_iomap_end_io", 4, { { "iomap_sort_ioends", st_cw_take, fp_cw_take },
				  { "pcsim:ext4_iomap_wait_zero_eof", st_cw_wait_zero,
				    fp_cw_ioend_inode },
				  { "pcsim:ext4_iomap_end_ioend", st_cw_convert, fp_cw_convert },
				  { "iomap_finish_ioends", st_cw_finish, fp_cw_finish } }
};

static const struct sim_op_desc *endio_desc(const struct pc_world *w)
{
	switch (w->w_k.k_profile) {
	case PC_PROF_XFS:
		return &endio_xfs;
	case PC_PROF_EXT4_IOMAP:
		return &endio_ext4_iomap;
	default:
		return &endio_ext4;
	}
}

unsigned __pc_endio_steps(const struct pc_world *w, const char **names, unsigned max);
unsigned __pc_endio_steps(const struct pc_world *w, const char **names, unsigned max)
{
	const struct sim_op_desc *d = endio_desc(w);
	unsigned n = 0;

	for (unsigned i = 0; i < d->nsteps && n < max; i++)
		names[n++] = d->steps[i].name;
	return n;
}

/* ---- the per-folio writeback walk ---- */

/* Next folio index >= from in [start, end] that writeback must look at. */
static bool next_candidate(const struct pc_inode *ip, const struct pc_wbc *wbc, uint32_t *idx)
{
	uint64_t last = wbc->wb_end / PC_PAGE_SIZE;

	if (last > wbc->wb_last)
		last = wbc->wb_last;
	if (wbc->wb_stop)
		return false;

	for (uint32_t i = wbc->wb_index; i < ip->i_npages && i <= last; i++) {
		const struct pc_folio *f = &ip->i_folios[i];

		if ((f->f_flags & PC_F_DIRTY) || ip->i_pte[i].p_dirty) {
			*idx = i;
			return true;
		}
	}
	return false;
}

/* Does folio index hold dirty delalloc blocks that writeback must map? */
static bool folio_needs_map(const struct pc_inode *ip, uint32_t index)
{
	const struct pc_world *w = ip->i_w;
	const struct pc_folio *f = &ip->i_folios[index];

	for (uint32_t k = 0; k < w->w_bpp; k++) {
		uint32_t b = index * w->w_bpp + k;

		if ((f->f_bdirty & (1u << k)) &&
		    (ip->i_map[b].e_state == EXT_DELALLOC ||
		     /* ext4 buffer_head maps unwritten buffers too
		      * (mpage_add_bh_to_extent), in the handle */
		     (w->w_k.k_profile == PC_PROF_EXT4 && ip->i_map[b].e_state == EXT_UNWRITTEN)))
			return true;
	}
	return f->f_bdirty == 0 && ip->i_pte[index].p_dirty;	/* mkclean may dirty all */
}

static bool tags_zero(const pc_tag_t *tags, uint32_t n, const struct sim *s, uint64_t off)
{
	for (uint32_t i = 0; i < n; i++)
		if (tags[i] != PC_TAG_ZERO && pc_byte_value(s, tags[i], off + i) != 0)
			return false;
	return true;
}

/* Map the dirty blocks of a locked folio and submit them. end_pos is the
 * in-core EOF clamp. Returns true if the folio was redirtied (blocks that
 * could not be written now). */
static bool writeback_folio_map(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				struct pc_inode *ip, uint32_t index, uint64_t end_pos)
{
	struct pc_world *w = ip->i_w;
	struct pc_folio *f = __pc_folio(ip, index);
	uint64_t fpos = (uint64_t)index * PC_PAGE_SIZE;
	bool redirty = false, alloc = false, conv = false;
	uint32_t run_k = 0, run_n = 0;
	pc_blk_t run_p = 0;
	bool run_unwritten = false;

	for (uint32_t k = 0; k <= w->w_bpp; k++) {
		uint32_t b = index * w->w_bpp + k;
		uint64_t bpos = fpos + (uint64_t)k * w->w_bs;
		struct pc_extent *e = k < w->w_bpp ? &ip->i_map[b] : NULL;
		bool write = false;

		if (e && (f->f_bdirty & (1u << k)) && bpos < end_pos) {
			switch (e->e_state) {
			case EXT_HOLE:
				if (bpos < ip->i_size &&
				    !tags_zero(f->f_data + k * w->w_bs, w->w_bs, s, bpos))
					__pc_violation(s, PC_INV_UNRESERVED_DIRTY, ip->i_ino, bpos,
						       w->w_bs, f->f_data[k * w->w_bs], false, 0,
						       "writeback of file %u met dirty block %u "
						       "(bytes %llu-%llu) inside i_size %llu with no "
						       "reservation or allocation: the file system "
						       "maps a hole, clears the dirty bit and drops "
						       "the data",
						       ip->i_ino, b, (unsigned long long)bpos,
						       (unsigned long long)(bpos + w->w_bs - 1),
						       (unsigned long long)ip->i_size);
				f->f_bdirty &= (uint8_t)~(1u << k);
				__pc_lat_discard(s, ip, b);
				break;
			case EXT_DELALLOC:
				if (!x->x_wbc.wb_can_map) {
					redirty = true;
					break;
				}
				if (__pc_alloc_range(s, ip, b, b + 1, EXT_UNWRITTEN, x->x_h))
					break;
				alloc = true;
				write = true;
				break;
			case EXT_UNWRITTEN:
				if (!x->x_wbc.wb_can_map) {
					redirty = true;
					break;
				}
				conv = true;	/* mapped for conversion, as delalloc */
				write = true;
				break;
			case EXT_WRITTEN:
				write = true;
				break;
			}
		} else if (e && (f->f_bdirty & (1u << k))) {
			f->f_bdirty &= (uint8_t)~(1u << k);	/* past EOF */
			__pc_lat_discard(s, ip, b);
		}
		/* Close the current run if this block does not extend it. */
		if (run_n && (!write || e->e_pblk != run_p + run_n ||
			      run_unwritten != (e->e_state == EXT_UNWRITTEN))) {
			struct pc_ioend *io = __pc_ioend_alloc(s, ip);
			uint64_t off = fpos + (uint64_t)run_k * w->w_bs;

			io->io_off = off;
			io->io_len = (uint64_t)run_n * w->w_bs;
			if (off + io->io_len > end_pos)
				io->io_len = end_pos - off;	/* io_size clamped to EOF */
			io->io_first_page = io->io_last_page = index;
			io->io_unwritten = run_unwritten;
			io->io_append = off + io->io_len > ip->i_disksize;
			if (ip->i_zero.z_state == Z_DIRTY && ip->i_zero.z_start >= off &&
			    ip->i_zero.z_start < off + (uint64_t)run_n * w->w_bs) {
				io->io_zero = true;
				ip->i_zero.z_state = Z_SUBMITTED;
			}
			f->f_wb_bios++;
			f->f_flags |= PC_F_WRITEBACK;
			__pc_submit_ioend(s, io, index * w->w_bpp + run_k, run_p, run_n,
					  f->f_data + run_k * w->w_bs,
					  x->x_wbc.wb_zero || io->io_zero ? PC_BIO_ZERO
									 : PC_BIO_DATA,
					  true);
			run_n = 0;
		}
		if (write) {
			if (!run_n) {
				run_k = k;
				run_p = e->e_pblk;
				run_unwritten = e->e_state == EXT_UNWRITTEN;
			}
			run_n++;
			f->f_bdirty &= (uint8_t)~(1u << k);
		}
	}
	/* ext4 delalloc: i_disksize rises at submission, in the allocating
	 * handle (mpage_map_and_submit_extent -> update_disksize). Unwritten
	 * blocks (fallocate) go the same way: mpage_add_bh_to_extent takes
	 * delayed and unwritten buffers alike, so their extent is mapped and
	 * the on-disk size updated too (fs/ext4/inode.c). */
	if ((alloc || conv) && w->w_k.k_profile == PC_PROF_EXT4 && x->x_h) {
		uint64_t dsz = fpos + PC_PAGE_SIZE < ip->i_size ? fpos + PC_PAGE_SIZE : ip->i_size;

		if (dsz > ip->i_disksize) {
			ip->i_disksize = dsz;
			__pc_mark_inode_dirty(s, ip, x->x_h, true);
		}
	}
	if (redirty)
		__pc_folio_mark_dirty(s, ip, index, 0);
	return redirty;
}

/* ext4-iomap zero_eof=deferred with deferred_wb_ordered=on: Ojaswin
 * Mujoo's rule (seed 002, not in any tree): "during writeback we will have
 * to submit the ordered data if we are writing back data beyond the
 * i_disksize". In ->writepages, whatever range or start the pass has
 * (sync_file_range, an O_DSYNC write's or msync's range, a range-cyclic
 * pass), a folio with data past i_disksize makes the pass write the
 * still-dirty zeroed EOF block's folio first, when that folio lies below
 * it (else index order reaches it anyway). True with *z its index. */
static bool wb_ordered_first(const struct pc_world *w, const struct pc_inode *ip,
			     const struct pc_wbc *wbc, uint32_t index, uint32_t *z)
{
	if (w->w_k.k_profile != PC_PROF_EXT4_IOMAP || w->w_k.k_zero_eof != PC_ZE_DEFERRED ||
	    !w->w_k.k_deferred_wb_ordered || wbc->wb_resume || ip->i_zero.z_state != Z_DIRTY)
		return false;
	*z = (uint32_t)(ip->i_zero.z_start / PC_PAGE_SIZE);
	if (*z >= index || (uint64_t)(index + 1) * PC_PAGE_SIZE <= ip->i_disksize)
		return false;
	return (ip->i_folios[*z].f_flags & PC_F_DIRTY) || ip->i_pte[*z].p_dirty;
}

/* ---- where a pass starts and stops: mapping->writeback_index ----
 *
 * A range_cyclic pass (the flusher's kupdate and background works) starts
 * at mapping->writeback_index instead of the range start. The two
 * ->writepages of the profiles differ in what they do next:
 *
 *   iomap (EI, X): iomap_writepages -> writeback_iter (mm/page-writeback.c)
 *       walks [writeback_index, EOF] and does not come back to the start
 *       of the file (lock order: ascending index only). Having found no
 *       further folio it sets writeback_index to 0; a WB_SYNC_NONE pass
 *       whose nr_to_write ran out stores the index after the last folio it
 *       wrote (folio_next_index). Only range_cyclic passes store it.
 *   ext4 (E): ext4_do_writepages (fs/ext4/inode.c) walks [writeback_index,
 *       EOF] and then, if it did not start at 0 and nr_to_write is left,
 *       goes back for [0, writeback_index) in the same call ("cycled").
 *       At the end it stores mpd->start_pos, i.e. the page after the last
 *       folio written (mpage_folio_done), or where the last leg started
 *       if that leg wrote nothing; for range_cyclic passes, and also for
 *       whole-file ranges (0..LLONG_MAX: fsync, sync) that did not run
 *       out of nr_to_write. A mapping without dirty folios returns early
 *       and keeps it.
 *
 * nr_to_write is write_chunk of writeback_sb_inodes (fs/fs-writeback.c,
 * writeback_chunk_size: LONG_MAX for WB_SYNC_ALL and tagged passes, else at
 * least MIN_WRITEBACK_PAGES, 4 MiB). Modelled files hold at most 4 MiB, so
 * it is unlimited unless the knob wb_chunk=N gives the flusher's passes a
 * chunk of N pages per inode; see docs/model.md section 7 for what the
 * model does after a chunk ran out. */

static bool wb_range_whole(const struct pc_wbc *wbc)
{
	return !wbc->wb_cyclic && wbc->wb_start == 0 && wbc->wb_end >= UINT64_MAX / 2;
}

/* The first call of ->writepages for ip in this pass. */
static void wb_inode_begin(struct sim *s, struct sim_task *t, const struct pc_world *w,
			   const struct pc_inode *ip, struct pc_wbc *wbc)
{
	wbc->wb_begun = true;
	wbc->wb_stop = false;
	wbc->wb_tagged = inode_has_dirty(ip);
	wbc->wb_last = UINT32_MAX;
	wbc->wb_left = wbc->wb_cyclic ? w->w_k.k_wb_chunk : 0;
	if (wbc->wb_cyclic) {
		wbc->wb_index = ip->i_wb_index;
		/* only ext4_do_writepages comes back for [0, first) */
		wbc->wb_cycled = wbc->wb_index == 0 || w->w_k.k_profile != PC_PROF_EXT4;
		if (wbc->wb_index)
			sim_trace_note(s, t->t_id, "writeback_index", ip->i_ino, wbc->wb_index,
				       "range_cyclic pass starts at mapping->writeback_index");
	}
	wbc->wb_first = wbc->wb_index;
	wbc->wb_next_pos = wbc->wb_index;
}

/* No further folio in the current leg: ext4's wrap to [0, first). */
static bool wb_inode_wrap(struct sim *s, struct sim_task *t, const struct pc_inode *ip,
			  struct pc_wbc *wbc)
{
	if (!wbc->wb_cyclic || wbc->wb_cycled || wbc->wb_stop)
		return false;
	wbc->wb_cycled = true;
	wbc->wb_index = 0;
	wbc->wb_last = wbc->wb_first - 1;
	wbc->wb_next_pos = 0;
	sim_trace_note(s, t->t_id, "writeback_cycled", ip->i_ino, wbc->wb_first,
		       "ext4_do_writepages goes back for the pages before writeback_index");
	return true;
}

/* The end of ->writepages for ip: store writeback_index as above. */
static void wb_inode_end(const struct pc_world *w, struct pc_inode *ip, struct pc_wbc *wbc)
{
	if (!wbc->wb_begun)
		return;
	wbc->wb_begun = false;
	if (w->w_k.k_profile == PC_PROF_EXT4) {
		if ((wbc->wb_cyclic || wb_range_whole(wbc)) && wbc->wb_tagged)
			ip->i_wb_index = wbc->wb_next_pos;
	} else if (wbc->wb_cyclic) {
		ip->i_wb_index = wbc->wb_stop ? wbc->wb_next_pos : 0;
	}
}

/* One folio of a writeback walk (see the comment at the top). */
enum sim_ret __pc_writeback_step(struct sim *s, struct sim_task *t, struct pc_opctx *x)
{
	struct pc_world *w = x->x_w;
	struct pc_wbc *wbc = &x->x_wbc;
	struct pc_inode *ip;
	struct pc_folio *f;
	uint32_t index, z;
	uint64_t isize, end_pos, fpos;

	if (wbc->wb_resume) {
		/* deferred_wb_ordered: back in the zeroed block's folio after a
		 * sleep, unless someone else wrote it meanwhile. */
		ip = w->w_inode[wbc->wb_file];
		index = wbc->wb_index;
		f = &ip->i_folios[index];
		if ((f->f_flags & PC_F_DIRTY) || ip->i_pte[index].p_dirty)
			goto have;
		wbc->wb_index = wbc->wb_resume - 1;
		wbc->wb_resume = 0;
	}
	for (;;) {
		ip = w->w_inode[wbc->wb_file];
		if (!wbc->wb_expired_only || (ip->i_dirty && ip->i_dirtied_when <= wbc->wb_cutoff)) {
			if (!wbc->wb_begun)
				wb_inode_begin(s, t, w, ip, wbc);
			if (next_candidate(ip, wbc, &index))
				break;
			if (wb_inode_wrap(s, t, ip, wbc))
				continue;
		}
		wb_inode_end(w, ip, wbc);	/* no-op unless its walk began */
		if (!wbc->wb_all_files || wbc->wb_file + 1u >= w->w_ninodes) {
			__pc_journal_stop(s, x);
			return SIM_DONE;
		}
		wbc->wb_file++;
		wbc->wb_index = 0;
	}
	if (wb_ordered_first(w, ip, wbc, index, &z)) {
		sim_trace_note(s, t->t_id, "wb_ordered_zero", z, index,
			       "writeback past i_disksize writes the zeroed block first");
		wbc->wb_resume = index + 1;
		index = z;
	}
	wbc->wb_index = index;
have:
	f = __pc_folio(ip, index);
	/* ext4_do_writepages starts its handle before locking folios. */
	if (!x->x_h && wbc->wb_can_map && folio_needs_map(ip, index) &&
	    !__pc_folio_locked_by(f, t) && !__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return SIM_BLOCKED;
	if (!(f->f_flags & PC_F_DIRTY) && !ip->i_pte[index].p_dirty)
		goto next;
	if (f->f_flags & PC_F_WRITEBACK) {
		if (!wbc->wb_sync_all)
			goto next;
		if (!__pc_folio_wait_writeback(s, t, ip, index))
			return SIM_BLOCKED;	/* the folio stays locked, as in the kernel */
	}
	/* folio_clear_dirty_for_io */
	if (__pc_folio_mkclean(s, ip, index))
		__pc_folio_mark_dirty(s, ip, index, (uint8_t)((1u << w->w_bpp) - 1));
	f->f_flags &= (uint8_t)~PC_F_DIRTY;
	/* iomap_writeback_handle_eof / mpage_submit_folio */
	isize = ip->i_size;
	fpos = (uint64_t)index * PC_PAGE_SIZE;
	if (fpos >= isize) {
		for (uint32_t k = 0; k < w->w_bpp; k++)
			if (f->f_bdirty & (1u << k))
				__pc_lat_discard(s, ip, index * w->w_bpp + k);
		f->f_bdirty = 0;
		goto written;
	}
	end_pos = fpos + PC_PAGE_SIZE;
	if (end_pos > isize) {
		__pc_folio_zero(ip, index, (uint32_t)(isize - fpos), PC_PAGE_SIZE);
		end_pos = isize;
	}
	writeback_folio_map(s, t, x, ip, index, end_pos);
written:
	/* writeback_iter's next call / mpage_folio_done: one more folio */
	wbc->wb_next_pos = index + 1;
	if (wbc->wb_left && --wbc->wb_left == 0) {
		wbc->wb_stop = true;
		wbc->wb_resume = 0;
		sim_trace_note(s, t->t_id, "writeback_index", ip->i_ino, index + 1,
			       "nr_to_write ran out: the next range_cyclic pass starts here");
	}
next:
	__pc_folio_unlock(s, t, f);
	__pc_journal_stop(s, x);
	wbc->wb_index = index + 1;
	if (wbc->wb_resume) {
		wbc->wb_index = wbc->wb_resume - 1;
		wbc->wb_resume = 0;
	}
	return SIM_AGAIN;
}

/* __filemap_fdatawait_range: wait until no folio in [start, end] is under
 * writeback (started by anyone). */
enum sim_ret __pc_wait_range_step(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				  uint64_t start, uint64_t end)
{
	__pc_folio_round(ip, &start, &end);	/* a folio's writeback ends as one */
	for (uint64_t p = start / PC_PAGE_SIZE; p <= end / PC_PAGE_SIZE && p < ip->i_npages; p++)
		if (!__pc_folio_wait_writeback(s, t, ip, (uint32_t)p))
			return SIM_BLOCKED;
	return SIM_DONE;
}

/* ---- jbd2 ordered data (fs/ext4/inode.c ext4_normal_submit_inode_data_buffers,
 * ext4_journal_finish_inode_data_buffers) ---- */

/* ext4_normal_submit_inode_data_buffers: ext4_do_writepages over the
 * jinode's range with WB_SYNC_ALL and can_map = 0. mpage_prepare_extent_to_map
 * locks every dirty folio (sleeping on a folio locked by someone else) and,
 * for a data-integrity pass, waits for a folio under writeback and then
 * writes what was dirtied again; with can_map = 0 delalloc and unwritten
 * blocks are left dirty (no allocation). Runs in the commit thread's step;
 * its progress (w_jbd2_ctx) survives the sleeps: false when t sleeps, true
 * when the range is submitted. */
bool __pc_jbd2_submit_inode_data(struct sim *s, struct sim_task *t, void *fs,
				 struct jbd2_inode *ji, uint64_t start, uint64_t end)
{
	struct pc_inode *ip = ji->i_owner;
	struct pc_world *w = ip->i_w;
	struct pc_opctx *x = w->w_jbd2_ctx;

	if (!x->x_phase || x->x_ip != ip) {
		memset(x, 0, sizeof(*x));
		x->x_w = w;
		x->x_ip = ip;
		x->x_task = t;
		__pc_wbc_init(&x->x_wbc, ip, start, end, true, false);
		x->x_phase = 1;
	}
	for (unsigned guard = 0; guard <= ip->i_npages; guard++) {
		enum sim_ret r = __pc_writeback_step(s, t, x);

		if (r == SIM_BLOCKED)
			return false;
		if (r == SIM_DONE)
			break;
	}
	x->x_phase = 0;
	return true;
}

bool __pc_jbd2_wait_inode_data(struct sim *s, struct sim_task *t, void *fs,
			       struct jbd2_inode *ji, uint64_t start, uint64_t end)
{
	return __pc_wait_range_step(s, t, ji->i_owner, start, end) == SIM_DONE;
}
