/* SPDX-License-Identifier: MIT */
/*
 * model/dio.c - direct I/O and RWF_WRITETHROUGH (seed 000).
 *
 * Kernel: fs/iomap/direct-io.c (__iomap_dio_rw, iomap_dio_complete,
 * iomap_dio_complete_work), fs/ext4/file.c (ext4_dio_write_iter,
 * ext4_dio_write_end_io, ext4_handle_inode_extension), fs/xfs/xfs_file.c
 * (xfs_dio_write_end_io, xfs_dio_endio_set_isize), and the
 * RWF_WRITETHROUGH series (v1 read in code, v2/v3 from the thread).
 *
 *   submit (inode_dio_begin) --all bios done-->
 *     sync kiocb or IOMAP_DIO_FORCE_WAIT: the submitter wakes and runs
 *       iomap_dio_complete (->end_io, then inode_dio_end) under its locks;
 *     AIO: iomap_dio_complete_work on s_dio_done_wq, holding no inode lock.
 *
 * Writethrough copies into the folio, then writes the folio range through
 * the direct I/O backend; ->end_io updates the size. v2: for AIO the end_io
 * runs in the workqueue and updates i_size without i_rwsem, modelled as two
 * steps (read i_size, write i_size) so a racing size change is lost; no
 * pagecache_isize_extended. v3: extending writes always complete
 * synchronously, and pagecache_isize_extended follows ->end_io when the I/O
 * succeeded. Knobs: wt_endio=async|sync, wt_isize_extended=off|on.
 */
#include <assert.h>
#include <string.h>

#include "model/fs/fs.h"

#define CTX(arg) ((struct pc_opctx *)(arg))

/* Must the submitter wait for completion (sync kiocb, FORCE_WAIT)? */
static bool dio_must_wait(const struct pc_opctx *x)
{
	const struct pc_world *w = x->x_w;
	const struct pc_inode *ip = x->x_ip;
	bool extending = x->x_end > ip->i_size || x->x_end > ip->i_disksize;
	bool unaligned = x->x_pos % w->w_bs || x->x_end % w->w_bs;

	if (!(x->o.o_flags & PC_OF_AIO))
		return true;
	if (x->o.o_flags & PC_OF_WRITETHROUGH)
		return extending && w->w_k.k_wt_endio_sync;	/* v3 */
	if (w->w_k.k_profile == PC_PROF_XFS)
		return extending && unaligned;
	return extending || unaligned;	/* ext4 */
}

/* Block-aligned data for [a, b) of the file: src over [pos, end), the
 * rest from the cache (writethrough) or from disk/zeros (direct). */
static void build_block(struct sim *s, struct pc_opctx *x, uint32_t b, pc_tag_t *out,
			bool from_cache)
{
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint64_t bpos = (uint64_t)b * w->w_bs;

	if (from_cache) {
		struct pc_folio *f = __pc_folio(ip, (uint32_t)(bpos / PC_PAGE_SIZE));

		memcpy(out, f->f_data + bpos % PC_PAGE_SIZE, w->w_bs * sizeof(*out));
		return;
	}
	if (ip->i_map[b].e_state == EXT_WRITTEN)
		memcpy(out, pc_disk_read(w->w_disk, ip->i_map[b].e_pblk), w->w_bs * sizeof(*out));
	else
		memset(out, 0, w->w_bs * sizeof(*out));
	for (uint32_t k = 0; k < w->w_bs; k++)
		if (bpos + k >= x->x_pos && bpos + k < x->x_end)
			out[k] = x->x_src;
}

static struct pc_ioend *dio_ioend(struct sim *s, struct pc_opctx *x)
{
	struct pc_ioend *io = x->x_io;

	if (!io) {
		io = x->x_io = __pc_ioend_alloc(s, x->x_ip);
		io->io_dio = true;
		io->io_wt = (x->o.o_flags & PC_OF_WRITETHROUGH) != 0;
		io->io_off = x->x_pos;
		io->io_len = x->x_end - x->x_pos;
		io->io_first_page = 1;
		io->io_last_page = 0;	/* no folios unless writethrough adds them */
		io->io_old_size = x->x_ip->i_size;
		io->io_src = x->x_src;
		io->io_owner = x->x_task;
		io->io_sync = dio_must_wait(x);
		io->io_aio = (x->o.o_flags & PC_OF_AIO) != 0;
		io->io_unwritten = true;
		x->x_ip->i_dio_count++;	/* inode_dio_begin */
		if (io->io_aio)
			x->x_ip->i_aio_pending++;
	}
	return io;
}

/* Allocate blocks [b0, b1] (unwritten) in a handle; false if t sleeps. */
static bool dio_alloc(struct sim *s, struct sim_task *t, struct pc_opctx *x, uint32_t b0,
		      uint32_t b1)
{
	if (!__pc_journal_start(s, t, x))
		return false;
	/* ext4_dio_write_iter: an extending direct write puts the inode on
	 * the orphan list first (ext4_orphan_add, fs/ext4/file.c), so blocks
	 * allocated past the on-disk size are freed at mount
	 * (ext4_orphan_cleanup) if the size never got logged. The model adds
	 * it in the allocating handle. */
	if (x->x_w->w_k.k_profile != PC_PROF_XFS && !(x->o.o_flags & PC_OF_WRITETHROUGH) &&
	    (x->x_end > x->x_ip->i_size || x->x_end > x->x_ip->i_disksize)) {
		x->x_ip->i_orphan = true;
		__pc_mark_inode_dirty(s, x->x_ip, x->x_h, true);
	}
	x->x_err = __pc_alloc_range(s, x->x_ip, b0, b1 + 1, EXT_UNWRITTEN, x->x_h);
	__pc_journal_stop(s, x);
	return true;
}

/* Submit the blocks [b0, b1], one bio per contiguous disk run. */
static void dio_submit(struct sim *s, struct pc_opctx *x, uint32_t b0, uint32_t b1,
		       bool from_cache)
{
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	struct pc_ioend *io = dio_ioend(s, x);
	pc_tag_t buf[PC_PAGE_SIZE];

	for (uint32_t b = b0; b <= b1;) {
		uint32_t n = 0;

		while (b + n <= b1 && n < PC_PAGE_SIZE / w->w_bs &&
		       ip->i_map[b + n].e_pblk == ip->i_map[b].e_pblk + n) {
			build_block(s, x, b + n, buf + n * w->w_bs, from_cache);
			n++;
		}
		__pc_submit_ioend(s, io, b, ip->i_map[b].e_pblk, n, buf, PC_BIO_DATA, false);
		b += n;
	}
}

/* __iomap_dio_rw: flush and drop the cache over the range, allocate,
 * submit. x_zphase 0 flush and wait, 1 invalidate, 2 allocate + submit. */
PC_STEP(__pc_st_iomap_dio_rw)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	uint32_t b0 = __pc_blk_of(w, x->x_pos), b1 = __pc_blk_of(w, x->x_end - 1);
	enum sim_ret r;

	if (x->x_zphase == 0) {
		r = __pc_write_and_wait(s, t, x, x->x_pos, x->x_end - 1, true);
		if (r != SIM_DONE)
			return r;
		x->x_zphase = 1;
	}
	/* kiocb_invalidate_pages: drop the whole pages (waiting for any
	 * writeback started since the flush). */
	if (x->x_zphase == 1 &&
	    !__pc_truncate_pagecache_range(s, t, x->x_ip, x->x_pos / PC_PAGE_SIZE * PC_PAGE_SIZE,
					   (x->x_end + PC_PAGE_SIZE - 1) / PC_PAGE_SIZE *
						   PC_PAGE_SIZE,
					   &x->x_tcursor))
		return SIM_BLOCKED;
	x->x_zphase = 2;
	if (!dio_alloc(s, t, x, b0, b1))
		return SIM_BLOCKED;
	x->x_zphase = 0;
	__pc_oracle_record(s, x->x_ip, x->x_pos, x->x_end - x->x_pos, x->x_src);
	__pc_lat_copy(s, x->x_ip, x->x_pos, x->x_end - x->x_pos, x->x_src);
	dio_submit(s, x, b0, b1, false);
	if (!x->x_io->io_sync)
		__pc_goto(t, "inode_unlock");
	return SIM_DONE;
}

/* iomap_writethrough_iter, one folio per call: write_begin, copy (the
 * folio stays clean), allocate, write the blocks through, unlock. */
PC_STEP(__pc_st_iomap_writethrough_iter)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
	uint64_t end = x->x_end < fend ? x->x_end : fend;
	struct pc_folio *f = __pc_folio(ip, index);
	struct pc_ioend *io;
	bool first;

	if (!__pc_folio_locked_by(f, t)) {
		if (!__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		__pc_folio_get(s, ip, index);
		__pc_prepare_partial_blocks(s, ip, index, x->x_pos, end);
		__pc_copy_in(s, ip, x->x_pos, end - x->x_pos, x->x_src);
		__pc_oracle_record(s, ip, x->x_pos, end - x->x_pos, x->x_src);
	}
	if (!dio_alloc(s, t, x, __pc_blk_of(w, x->x_pos), __pc_blk_of(w, end - 1)))
		return SIM_BLOCKED;	/* the folio stays locked */
	/* The written blocks are uptodate and clean. */
	for (uint32_t b = __pc_blk_of(w, x->x_pos); b <= __pc_blk_of(w, end - 1); b++) {
		f->f_buptodate |= (uint8_t)(1u << (b % w->w_bpp));
		f->f_bdirty &= (uint8_t)~(1u << (b % w->w_bpp));
	}
	first = !x->x_io;
	io = dio_ioend(s, x);
	/* The submitter's reference (dio->ref starts at 1 in __iomap_dio_rw,
	 * fs/iomap/direct-io.c): the bios of the folios written so far may
	 * all complete while this loop sleeps or yields between folios;
	 * without it the ioend completed (and its slot was reused) before
	 * the later folios' bios were submitted. */
	if (first)
		io->io_nbios++;
	if (io->io_first_page > io->io_last_page)
		io->io_first_page = index;
	io->io_last_page = index;
	f->f_wb_bios++;
	f->f_flags |= PC_F_WRITEBACK;
	dio_submit(s, x, __pc_blk_of(w, x->x_pos), __pc_blk_of(w, end - 1), true);
	__pc_folio_unlock(s, t, f);
	x->x_pos = end;
	if (x->x_pos < x->x_end)
		return SIM_AGAIN;
	x->x_pos = io->io_off;
	/* Drop the submitter's reference. The last folio's bios were
	 * submitted in this same step (no completion event fires inside a
	 * step), so they hold the ioend, and the last of them to complete
	 * completes it, as iomap_dio_bio_end_io does on the final dio->ref. */
	assert(io->io_nbios > 1);
	io->io_nbios--;
	if (!io->io_sync)
		__pc_goto(t, "inode_unlock");
	return SIM_DONE;
}

/* The operation an AIO ioend completes. */
static struct pc_opctx *dio_op(const struct pc_ioend *io)
{
	const struct pc_world *w = io->io_inode->i_w;
	uint32_t op = w->w_src[io->io_src].src_op;

	return op < w->w_nops ? w->w_ops[op] : NULL;
}

/* Does the completion work run generic_write_sync (iomap_dio_complete with
 * IOMAP_DIO_NEED_SYNC: an O_DSYNC/O_SYNC direct write)? Not modelled for a
 * write-through AIO write (its folios end writeback only when the work
 * finishes). */
static bool dio_work_syncs(const struct pc_ioend *io)
{
	const struct pc_opctx *x = dio_op(io);

	return io->io_aio && !io->io_wt && x && (x->o.o_flags & (PC_OF_DSYNC | PC_OF_SYNC));
}

/* Completion of all of an ioend's bios (bio context). */
void __pc_dio_endio(struct sim *s, struct pc_ioend *io)
{
	struct pc_world *w = io->io_inode->i_w;
	extern const struct sim_op_desc __pc_dio_work_desc[5];

	if (io->io_sync) {
		sim_wake_all(s, &io->io_wq);
		return;
	}
	io->io_state = 3;
	if (io->io_wt && !w->w_k.k_wt_endio_sync)
		io->io_work.w_desc = &__pc_dio_work_desc[w->w_k.k_wt_isize_extended ? 2 : 1];
	else if (dio_work_syncs(io))
		io->io_work.w_desc = &__pc_dio_work_desc[w->w_k.k_profile == PC_PROF_XFS ? 4 : 3];
	else
		io->io_work.w_desc = &__pc_dio_work_desc[0];
	io->io_work.w_arg = io;
	__pc_queue_work(s, &w->w_dio_wq, &io->io_work);
}

/* Wait for the bios (sync kiocb / FORCE_WAIT). */
PC_STEP(__pc_st_iomap_dio_wait)
{
	struct pc_opctx *x = arg;

	if (!x->x_io || x->x_io->io_state >= 2)
		return SIM_DONE;
	sim_wait(s, t, &x->x_io->io_wq);
	return SIM_BLOCKED;
}

/* ->end_io: convert unwritten blocks and update the size, in a handle.
 * ext4_handle_inode_extension holds i_rwsem (asserted); XFS
 * xfs_dio_endio_set_isize re-checks and writes i_size under i_flags_lock,
 * which serializes size updates without i_rwsem. */
static enum sim_ret dio_end_io(struct sim *s, struct sim_task *t, struct pc_ioend *io)
{
	struct pc_inode *ip = io->io_inode;
	struct pc_world *w = ip->i_w;
	uint64_t end = io->io_off + io->io_len;
	bool dirty = false;

	if (!io->io_h) {
		io->io_h = jbd2_journal_start(s, t, w->w_j);
		if (!io->io_h)
			return SIM_BLOCKED;
	}
	if (io->io_status == 0) {
		for (uint32_t b = __pc_blk_of(w, io->io_off); b <= __pc_blk_of(w, end - 1); b++)
			if (ip->i_map[b].e_state == EXT_UNWRITTEN) {
				ip->i_map[b].e_state = EXT_WRITTEN;
				dirty = true;
			}
		if (end > ip->i_size) {
			bool flags_lock = w->w_k.k_profile == PC_PROF_XFS;

			__pc_i_size_write_by(s, t, ip, end, flags_lock, io->io_src);
		}
		if (end > ip->i_disksize) {
			ip->i_disksize = end < ip->i_size ? end : ip->i_size;
			dirty = true;
		}
	}
	/* ext4_handle_inode_extension: the size and ext4_orphan_del in one
	 * handle (fs/ext4/file.c); on an error too (the model does not
	 * truncate what a failed write allocated). */
	if (ip->i_orphan && !io->io_wt && w->w_k.k_profile != PC_PROF_XFS) {
		ip->i_orphan = false;
		dirty = true;
	}
	if (dirty)
		__pc_mark_inode_dirty(s, ip, io->io_h, true);
	jbd2_journal_stop(s, w->w_j, io->io_h);
	io->io_h = NULL;
	return SIM_DONE;
}

PC_STEP(__pc_st_iomap_dio_complete)
{
	struct pc_opctx *x = arg;

	if (!x->x_io)
		return SIM_DONE;
	/* iomap_dio_complete returns dio->error: the write fails with -EIO
	 * (the writethrough patch sets written = 0), and an O_DSYNC write
	 * that failed promises nothing (model/oracle.c __pc_promise). */
	if (x->x_io->io_status)
		x->x_err = x->x_io->io_status;
	return dio_end_io(s, t, x->x_io);
}

/* v3: after ->end_io, pagecache_isize_extended(old size, pos) when the
 * I/O succeeded and the write started past the old EOF. */
PC_STEP(__pc_st_wt_isize_extended)
{
	struct pc_opctx *x = arg;
	struct pc_ioend *io = x->x_io;
	bool blocked = false;

	if (io && io->io_status == 0 && io->io_old_size < io->io_off)
		__pc_pagecache_isize_extended(s, t, x->x_ip, io->io_old_size, io->io_off,
					      &blocked);
	return blocked ? SIM_BLOCKED : SIM_DONE;
}

/* inode_dio_end proper: i_dio_count and inode_dio_wait's waiters. */
static void dio_count_end(struct sim *s, struct pc_ioend *io)
{
	struct pc_inode *ip = io->io_inode;

	assert(ip->i_dio_count > 0);
	if (--ip->i_dio_count == 0)
		sim_wake_all(s, &ip->i_dio_wq);
}

/* The AIO completion (ki_complete -> aio_complete_rw: the response
 * io_getevents reaps) and the end of the ioend. */
static void dio_aio_done(struct sim *s, struct pc_ioend *io)
{
	struct pc_inode *ip = io->io_inode;

	if (io->io_aio) {
		struct pc_world *w = ip->i_w;

		ip->i_aio_pending--;
		sim_wake_all(s, &ip->i_aio_wq);
		if (w->w_srcx[io->io_src].x_resp == UINT64_MAX) {
			w->w_srcx[io->io_src].x_resp = ++w->w_hb;
			__pc_size_op_done(w, io->io_src);
		}
		if (w->w_src[io->io_src].src_op < w->w_nops)
			__pc_lat_op_end(s, w->w_ops[w->w_src[io->io_src].src_op]);
	}
	__pc_ioend_finish(s, io);
}

static void dio_done(struct sim *s, struct pc_ioend *io)
{
	dio_count_end(s, io);
	dio_aio_done(s, io);
}

/* inode_dio_end (after ->end_io, in iomap_dio_complete). */
PC_STEP(__pc_st_inode_dio_end)
{
	struct pc_opctx *x = arg;

	if (x->x_io && x->x_io->io_sync) {
		dio_done(s, x->x_io);
		x->x_io = NULL;
	}
	return SIM_DONE;
}

/* ---- the completion work on s_dio_done_wq ---- */
static enum sim_ret w_end_io(struct sim *s, struct sim_task *t, void *arg)
{
	return dio_end_io(s, t, arg);
}

/* v2, lock-less: read i_size ... */
static enum sim_ret w_wt_size_read(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;

	io->io_seen_size = io->io_inode->i_size;
	return SIM_DONE;
}

/* ... then write it, without i_rwsem: a size set in between is lost. */
static enum sim_ret w_wt_size_write(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_inode *ip = io->io_inode;
	struct pc_world *w = ip->i_w;
	uint64_t end = io->io_off + io->io_len;
	bool dirty = false;

	if (!io->io_h) {
		io->io_h = jbd2_journal_start(s, t, w->w_j);
		if (!io->io_h)
			return SIM_BLOCKED;
	}
	if (io->io_status == 0) {
		for (uint32_t b = __pc_blk_of(w, io->io_off); b <= __pc_blk_of(w, end - 1); b++)
			if (ip->i_map[b].e_state == EXT_UNWRITTEN) {
				ip->i_map[b].e_state = EXT_WRITTEN;
				dirty = true;
			}
		if (end > io->io_seen_size) {
			__pc_i_size_write_by(s, t, ip, end, false, io->io_src);
			ip->i_disksize = end;
			dirty = true;
		}
	}
	if (dirty)
		__pc_mark_inode_dirty(s, ip, io->io_h, true);
	jbd2_journal_stop(s, w->w_j, io->io_h);
	io->io_h = NULL;
	return SIM_DONE;
}

static enum sim_ret w_isize_extended(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	bool blocked = false;

	if (io->io_status == 0 && io->io_old_size < io->io_off)
		__pc_pagecache_isize_extended(s, t, io->io_inode, io->io_old_size, io->io_off,
					      &blocked);
	return blocked ? SIM_BLOCKED : SIM_DONE;
}

static enum sim_ret w_dio_end(struct sim *s, struct sim_task *t, void *arg)
{
	dio_done(s, arg);
	return SIM_DONE;
}

/* An O_DSYNC/O_SYNC AIO direct write: iomap_dio_complete runs
 * inode_dio_end, then generic_write_sync (include/linux/fs.h) ->
 * vfs_fsync_range over the bytes written, in the completion work; only
 * then iomap_dio_complete_work calls ki_complete (fs/iomap/direct-io.c).
 * A failed write (dio->error) is not synced and promises nothing. */
static enum sim_ret w_dio_end_count(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_opctx *x = dio_op(io);

	if (io->io_status && x)
		x->x_err = io->io_status;
	dio_count_end(s, io);
	return SIM_DONE;
}

static enum sim_ret w_sync_write_wait(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_opctx *x = dio_op(io);

	if (!x || io->io_status)
		return SIM_DONE;
	return __pc_st_file_write_and_wait_range(s, t, x);
}

static enum sim_ret w_sync_journal(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_ioend *io = arg;
	struct pc_opctx *x = dio_op(io);

	if (!x || io->io_status)
		return SIM_DONE;
	return __pc_st_fsync_journal(s, t, x);
}

static enum sim_ret w_aio_complete(struct sim *s, struct sim_task *t, void *arg)
{
	dio_aio_done(s, arg);
	return SIM_DONE;
}

#define DIO_SYNC_WORK(fsync_name)                                               \
	{ "iomap_dio_complete_work", 5,                                         \
	  { { "iomap_dio_complete", w_end_io, NULL },                           \
	    { "inode_dio_end", w_dio_end_count, NULL },                         \
	    { "file_write_and_wait_range", w_sync_write_wait, NULL },           \
	    { fsync_name, w_sync_journal, NULL },                               \
	    { "aio_complete_rw", w_aio_complete, NULL } } }

const struct sim_op_desc __pc_dio_work_desc[5] = {
	{ "iomap_dio_complete_work", 2,
	  { { "iomap_dio_complete", w_end_io, NULL }, { "inode_dio_end", w_dio_end, NULL } } },
	{ "iomap_dio_complete_work", 3,
	  { { "pcsim:wt_endio_i_size_read", w_wt_size_read, NULL },
	    { "pcsim:wt_endio_i_size_write", w_wt_size_write, NULL },
	    { "inode_dio_end", w_dio_end, NULL } } },
	{ "iomap_dio_complete_work", 4,
	  { { "pcsim:wt_endio_i_size_read", w_wt_size_read, NULL },
	    { "pcsim:wt_endio_i_size_write", w_wt_size_write, NULL },
	    { "pagecache_isize_extended", w_isize_extended, NULL },
	    { "inode_dio_end", w_dio_end, NULL } } },
	DIO_SYNC_WORK("ext4_fsync_journal"),
	DIO_SYNC_WORK("xfs_fsync_flush_log"),
};

unsigned __pc_dio_steps(const struct pc_world *w, const char **names, unsigned max)
{
	const struct sim_op_desc *d = &__pc_dio_work_desc[0];
	unsigned n = 0;

	for (unsigned i = 0; i < d->nsteps && n < max; i++)
		names[n++] = d->steps[i].name;
	d = &__pc_dio_work_desc[w->w_k.k_profile == PC_PROF_XFS ? 4 : 3];
	for (unsigned i = 2; i < d->nsteps && n < max; i++)
		names[n++] = d->steps[i].name;	/* O_DSYNC AIO: generic_write_sync */
	if (w->w_k.k_writethrough && !w->w_k.k_wt_endio_sync) {
		d = &__pc_dio_work_desc[w->w_k.k_wt_isize_extended ? 2 : 1];
		for (unsigned i = 0; i < d->nsteps && n < max; i++)
			names[n++] = d->steps[i].name;
	}
	return n;
}
