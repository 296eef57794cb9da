/* SPDX-License-Identifier: MIT */
/*
 * model/fs/vfs.c - size changes, EOF zeroing, allocation and page faults,
 * with the per-profile differences each step names (punch hole and zero
 * range: falloc.c).
 *
 * Kernel: fs/ext4/inode.c (ext4_block_zero_eof, ext4_setattr,
 * ext4_truncate_up, ext4_da_write_begin, ext4_page_mkwrite), fs/ext4/
 * extents.c (ext4_alloc_file_blocks),
 * fs/xfs/xfs_iops.c (xfs_vn_setattr_size), fs/xfs/xfs_file.c
 * (xfs_file_write_zero_eof, xfs_filemap_page_mkwrite), fs/xfs/
 * xfs_bmap_util.c (xfs_alloc_file_space),
 * fs/iomap/buffered-io.c (iomap_page_mkwrite), mm/truncate.c
 * (truncate_setsize), and for ext4-iomap the v4 series of seed 002
 * (ext4_iomap_submit_zero_block, patch 17/23).
 */
#include <assert.h>
#include <string.h>

#include "model/fs/fs.h"

#define CTX(arg) ((struct pc_opctx *)(arg))

static bool is_ext4ish(const struct pc_world *w)
{
	return w->w_k.k_profile == PC_PROF_EXT4 || w->w_k.k_profile == PC_PROF_EXT4_IOMAP;
}

/* generic_write_checks: the write's range; O_APPEND writes at i_size. */
PC_STEP(__pc_st_generic_write_checks)
{
	struct pc_opctx *x = arg;

	x->x_pos = x->o.o_kind == PC_OP_APPEND ? x->x_ip->i_size : x->o.o_off;
	x->x_end = x->x_pos + x->o.o_len;
	x->x_old_size = x->x_ip->i_size;
	x->x_zfrom = x->x_pos > x->x_ip->i_size ? x->x_ip->i_size : 0;
	x->x_zphase = 0;
	x->x_phase = 0;
	x->x_new_size = x->x_ip->i_disksize;
	/* Only a write starting past EOF zeroes the old EOF block (its
	 * zeroing steps are on PC_PATH_UP, profile.c). */
	x->x_path = x->x_pos > x->x_ip->i_size ? PC_PATH_UP : PC_PATH_SAME;
	return SIM_DONE;
}

/*
 * The old EOF block's tail [from, end of block), per profile:
 *   ext4        ext4_block_zero_eof: nothing for a hole; else zero it in the
 *               cache, dirty it, and (data=ordered, written block) add the
 *               range to the running transaction's ordered data in its own
 *               handle (ext4_jbd2_inode_add_write);
 *   ext4-iomap  the same zeroing, no ordered data; zero_eof=submit|wait:
 *               ext4_iomap_submit_zero_block writes it at once (no wait);
 *               deferred: leave it dirty for writeback;
 *   xfs         iomap_zero_range / iomap_truncate_page.
 * x_zphase carries the progress.
 */
enum sim_ret __pc_zero_eof_block(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t from)
{
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint64_t bend = (from / w->w_bs + 1) * w->w_bs;
	uint32_t b = __pc_blk_of(w, from), index = (uint32_t)(from / PC_PAGE_SIZE);
	struct pc_folio *f = __pc_folio(ip, index);
	enum sim_ret r;

	if (from % w->w_bs == 0 || b >= ip->i_nblocks)
		return SIM_DONE;
	if (!is_ext4ish(w)) {
		bool dz = false;

		r = __pc_zero_range_step(s, t, x, from, bend - from, &dz);
		x->x_did_zero |= dz;
		return r;
	}
	switch (x->x_zphase) {
	case 0:	/* ext4_load_tail_bh + folio_zero_range + mark_buffer_dirty */
		if (ip->i_map[b].e_state == EXT_HOLE)
			return SIM_DONE;	/* a hole: nothing to zero */
		if (!__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		__pc_folio_get(s, ip, index);
		__pc_folio_read_blocks(s, ip, index, (uint8_t)(1u << (b % w->w_bpp)));
		__pc_folio_zero(ip, index, (uint32_t)(from % PC_PAGE_SIZE),
				(uint32_t)(bend - (uint64_t)index * PC_PAGE_SIZE));
		__pc_folio_mark_dirty(s, ip, index, (uint8_t)(1u << (b % w->w_bpp)));
		/* ext4-iomap: track the zeroed block from the moment it is
		 * dirty, under the folio lock, so any writeback of it after
		 * this step carries io_zero (a flusher pass before phase 1
		 * must not write it untracked). Zeroing again a tail whose
		 * zero write is still in flight (Z_SUBMITTED, or Z_COMPLETED
		 * with its end_io to run) keeps the tracker on that write: it
		 * already carries these zeros, and it is the I/O an
		 * i_disksize raise past the boundary must wait for (patch
		 * 17/23's TODO, seed 002). Going back to Z_DIRTY forgot it:
		 * a WB_SYNC_NONE pass skips the folio under writeback
		 * (writeback_iter, mm/page-writeback.c), writes the blocks
		 * past i_disksize, and their end_io raised the size with the
		 * zeros still in flight. */
		if (w->w_k.k_profile == PC_PROF_EXT4_IOMAP && ip->i_map[b].e_state == EXT_WRITTEN &&
		    !((ip->i_zero.z_state == Z_SUBMITTED || ip->i_zero.z_state == Z_COMPLETED) &&
		      (f->f_flags & PC_F_WRITEBACK) && from >= ip->i_zero.z_start &&
		      bend <= ip->i_zero.z_end)) {
			ip->i_zero.z_start = from;
			ip->i_zero.z_end = bend;
			ip->i_zero.z_state = Z_DIRTY;
		}
		__pc_folio_unlock(s, t, f);
		__pc_oracle_record(s, ip, from, bend - from, 0);
		x->x_did_zero = true;
		if (ip->i_map[b].e_state != EXT_WRITTEN)
			return SIM_DONE;	/* zero_written is false */
		x->x_zphase = 1;
		return SIM_AGAIN;
	case 1:
		if (w->w_k.k_profile == PC_PROF_EXT4) {
			/* ext4_jbd2_inode_add_write in its own handle */
			if (!__pc_journal_start(s, t, x))
				return SIM_BLOCKED;
			jbd2_journal_inode_ranged_write(w->w_j, x->x_h, &ip->i_jinode, from,
							bend - from);
			__pc_journal_stop(s, x);
			x->x_zphase = 0;
			return SIM_DONE;
		}
		if (w->w_k.k_zero_eof == PC_ZE_DEFERRED) {
			x->x_zphase = 0;
			return SIM_DONE;
		}
		/* ext4_iomap_submit_zero_block: folio_wait_writeback, then
		 * filemap_fdatawrite_range(from, end - 1) if still dirty. */
		if (!__pc_folio_wait_writeback(s, t, ip, index))
			return SIM_BLOCKED;
		if (!(f->f_flags & PC_F_DIRTY)) {
			x->x_zphase = 0;
			return SIM_DONE;
		}
		__pc_wbc_init(&x->x_wbc, ip, from, bend - 1, true, true);
		x->x_wbc.wb_zero = true;
		x->x_zphase = 2;
		return SIM_AGAIN;
	default:
		r = __pc_writeback_step(s, t, x);
		if (r == SIM_DONE)
			x->x_zphase = 0;
		return r;
	}
}

/* ext4-iomap: file blocks [b0, b1) of ip stop holding written data (freed
 * by truncate or punch, converted to unwritten by zero range) in the
 * handle h. A zeroed EOF block among them guards nothing any more: its old
 * tail can no longer show through the file. The tracker goes back to
 * Z_NONE (it stayed Z_DIRTY for ever, with no I/O to come), and a deferred
 * i_disksize raise waiting for its end_io happens now, in h. (The callers
 * waited for the block's writeback first, truncate_pagecache and friends,
 * so a zero I/O in flight, whose completion does the raise, is not
 * expected here; it would be left alone.) */
void __pc_zero_eof_forget(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1,
			  struct jbd2_handle *h)
{
	struct pc_world *w = ip->i_w;
	uint32_t zb = __pc_blk_of(w, ip->i_zero.z_start);

	if (ip->i_zero.z_state != Z_DIRTY || zb < b0 || zb >= b1)
		return;	/* nothing tracked, or its I/O will finish the job */
	ip->i_zero.z_state = Z_NONE;
	sim_wake_all(s, &ip->i_zero.z_wq);
	if (!ip->i_disksize_pending)
		return;
	ip->i_disksize_pending = false;
	if (ip->i_size > ip->i_disksize) {
		ip->i_disksize = ip->i_size;
		if (h)
			__pc_mark_inode_dirty(s, ip, h, true);
	}
}

/* xfs_file_write_zero_eof, first half: pos past EOF? wait for direct I/O
 * (AIO completions may move EOF), take MMAPLOCK exclusive. */
PC_STEP(__pc_st_write_zero_eof_check)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;

	if (x->x_pos <= ip->i_size) {
		x->x_zfrom = 0;
		return SIM_DONE;
	}
	if (ip->i_dio_count) {
		sim_wait(s, t, &ip->i_dio_wq);
		return SIM_BLOCKED;
	}
	if (!sim_down_write(s, t, &ip->i_mmap_lock))
		return SIM_BLOCKED;
	x->x_zfrom = ip->i_size;
	x->x_phase = 0;
	return SIM_DONE;
}

/* ... second half: iomap_zero_range(i_size, pos - i_size), drop MMAPLOCK.
 * Between here and i_size_write in iomap_write_iter, faults can run. */
PC_STEP(__pc_st_eof_zero_range)
{
	struct pc_opctx *x = arg;
	bool dz = false;
	enum sim_ret r;

	if (!x->x_zfrom && !sim_rwsem_held_excl(&x->x_ip->i_mmap_lock, t))
		return SIM_DONE;
	r = __pc_zero_range_step(s, t, x, x->x_zfrom, x->x_pos - x->x_zfrom, &dz);
	if (r != SIM_DONE)
		return r;
	x->x_phase = 0;
	if (sim_rwsem_held_excl(&x->x_ip->i_mmap_lock, t))
		sim_up_write(s, t, &x->x_ip->i_mmap_lock);
	return SIM_DONE;
}

/* ext4_block_zero_eof as a step of write/truncate/fallocate: the old EOF
 * block when the operation starts past it. */
PC_STEP(__pc_st_zero_eof_op)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t target;

	if (x->x_zphase == 0 && !x->x_size_done) {
		switch (x->o.o_kind) {
		case PC_OP_TRUNCATE:
			target = x->o.o_off;
			break;
		case PC_OP_FALLOCATE:
		case PC_OP_ZERO_RANGE:
			target = (x->o.o_flags & PC_OF_KEEP_SIZE) ? 0 : x->o.o_off + x->o.o_len;
			break;
		default:
			target = x->x_pos;
			break;
		}
		x->x_size_done = true;
		x->x_zfrom = target > ip->i_size ? ip->i_size : 0;
		/* xfs_setattr_size, truncate down: xfs_truncate_page ->
		 * iomap_truncate_page zeroes the new EOF block's tail and dirties
		 * it (fs/xfs/xfs_iops.c); it reaches the disk with the next
		 * writeback of that folio, not before the size transaction
		 * (the write-and-wait range [i_disk_size, newsize - 1] is empty).
		 * The step is `xfs_truncate_page` on that path. */
		if (x->o.o_kind == PC_OP_TRUNCATE && !is_ext4ish(x->x_w) && target < ip->i_size)
			x->x_zfrom = target;
	}
	if (x->x_zfrom) {
		enum sim_ret r = __pc_zero_eof_block(s, t, x, x->x_zfrom);

		if (r != SIM_DONE)
			return r;
	}
	x->x_size_done = false;
	return SIM_DONE;
}

/* filemap_write_and_wait_range over the write's range (direct I/O and
 * writethrough flush the cache before writing around it). */
PC_STEP(__pc_st_range_write_and_wait)
{
	struct pc_opctx *x = arg;

	return __pc_write_and_wait(s, t, x, x->x_pos, x->x_end - 1, true);
}

/* Raise i_disksize to size in a handle. ext4-iomap first deals with the
 * zeroed EOF block: submit does nothing (the TODO of patch 17/23), wait
 * waits for its I/O, deferred leaves i_disksize for the zero block's
 * end_io to raise. */
/* ext4-iomap, before raising i_disksize to size past the zeroed EOF block:
 * submit does nothing (the TODO of patch 17/23), wait waits for the zero
 * I/O (its bio, or its end_io work: knob zero_wait), deferred leaves the
 * raise to the zero block's end_io. SIM_DONE with *defer set: do not raise. */
static enum sim_ret zero_eof_gate(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				  uint64_t size, bool *defer)
{
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint8_t need = w->w_k.k_zero_wait == PC_ZW_BIO ? Z_COMPLETED : Z_DONE;

	*defer = false;
	if (w->w_k.k_profile != PC_PROF_EXT4_IOMAP || ip->i_zero.z_state < Z_DIRTY ||
	    ip->i_zero.z_state >= Z_DONE || ip->i_zero.z_start >= size)
		return SIM_DONE;
	/* deferred: only while the zero bio has not completed, since its
	 * completion is what sees i_disksize_pending and queues the end_io
	 * work that raises it. Once completed, the commit's preflush orders
	 * it before the size: raise now (waiting for an end_io that already
	 * ran would wait for ever). */
	if (w->w_k.k_zero_eof == PC_ZE_DEFERRED) {
		*defer = ip->i_zero.z_state <= Z_SUBMITTED;
		return SIM_DONE;
	}
	if (w->w_k.k_zero_eof == PC_ZE_WAIT && ip->i_zero.z_state >= Z_SUBMITTED &&
	    ip->i_zero.z_state < need) {
		ip->i_zero.z_wq.wq_owners = 0;
		sim_wait(s, t, &ip->i_zero.z_wq);
		return SIM_BLOCKED;
	}
	return SIM_DONE;
}

/* Raise i_disksize to size in a handle (after the ext4-iomap gate). */
enum sim_ret __pc_raise_disksize(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t size)
{
	struct pc_inode *ip = x->x_ip;
	bool defer;

	if (!x->x_h && zero_eof_gate(s, t, x, size, &defer) != SIM_DONE)
		return SIM_BLOCKED;
	if (!x->x_h && defer) {
		ip->i_disksize_pending = true;
		return SIM_DONE;
	}
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	if (size != ip->i_disksize) {
		ip->i_disksize = size;
		__pc_mark_inode_dirty(s, ip, x->x_h, true);
	}
	__pc_journal_stop(s, x);
	return SIM_DONE;
}

static uint64_t op_new_size(const struct pc_opctx *x)
{
	if (x->o.o_kind == PC_OP_TRUNCATE)
		return x->o.o_off;
	if (x->o.o_kind == PC_OP_FALLOCATE || x->o.o_kind == PC_OP_ZERO_RANGE) {
		uint64_t e = x->o.o_off + x->o.o_len;

		if (x->o.o_flags & PC_OF_KEEP_SIZE || e <= x->x_ip->i_size)
			return x->x_ip->i_size;
		return e;
	}
	return x->x_ip->i_size;
}

/* Record a size change for the oracle: a shrink erases [new, old). */
static void size_change(struct sim *s, struct sim_task *t, struct pc_opctx *x, uint64_t nsz)
{
	struct pc_inode *ip = x->x_ip;

	if (nsz < ip->i_size)
		__pc_oracle_record(s, ip, nsz, ip->i_size - nsz, x->x_src);
	__pc_i_size_write(s, t, ip, nsz, false);
}

/* ext4_set_inode_size (truncate) / ext4_update_inode_size (fallocate):
 * i_size and i_disksize together, in a handle. */
PC_STEP(__pc_st_set_size)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	bool defer = false;

	if (!x->x_size_done) {
		x->x_new_size = op_new_size(x);
		x->x_old_size = ip->i_size;
		if (x->x_new_size == ip->i_size) {
			/* ext4_do_fallocate / ext4_zero_range take the range's
			 * end as the new size when it is past i_size or past
			 * i_disksize (fs/ext4/extents.c), and
			 * ext4_update_inode_size raises each size that is
			 * below it: a range ending inside i_size but past
			 * i_disksize raises i_disksize alone. */
			uint64_t e = x->o.o_off + x->o.o_len;

			if ((x->o.o_kind == PC_OP_FALLOCATE || x->o.o_kind == PC_OP_ZERO_RANGE) &&
			    !(x->o.o_flags & PC_OF_KEEP_SIZE) && e > ip->i_disksize)
				return __pc_raise_disksize(s, t, x, e);
			return SIM_DONE;
		}
		x->x_size_done = true;
	}
	/* ext4_setattr: the handle first, then i_size and i_disksize
	 * together under i_data_sem (ext4_set_inode_size), so writeback
	 * never sees the new size without the handle. */
	if (!x->x_h && x->x_new_size > ip->i_disksize &&
	    zero_eof_gate(s, t, x, x->x_new_size, &defer) != SIM_DONE)
		return SIM_BLOCKED;
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	/* ext4_setattr, mainline and the 2026 tree: a shrinking truncate puts
	 * the inode on the orphan list in its size handle (ext4_orphan_add,
	 * fs/ext4/orphan.c), so a crash before ext4_truncate freed the blocks
	 * past the new EOF leaves the mount (ext4_orphan_cleanup) to finish. */
	if (x->o.o_kind == PC_OP_TRUNCATE && x->x_new_size < ip->i_size && is_ext4ish(x->x_w))
		ip->i_orphan = true;
	size_change(s, t, x, x->x_new_size);
	/* Both sizes are the new one now, unless deferred: nothing is left to
	 * raise later. */
	ip->i_disksize_pending = defer;
	if (!defer && x->x_new_size != ip->i_disksize)
		ip->i_disksize = x->x_new_size;
	__pc_mark_inode_dirty(s, ip, x->x_h, true);
	__pc_journal_stop(s, x);
	x->x_size_done = false;
	return SIM_DONE;
}

/* truncate_setsize (xfs): i_size_write, pagecache_isize_extended when
 * growing, truncate_pagecache. */
PC_STEP(__pc_st_truncate_setsize)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	bool blocked = false;

	if (!x->x_size_done) {
		x->x_new_size = op_new_size(x);
		x->x_old_size = ip->i_size;
		if (x->x_new_size == ip->i_size)
			return SIM_DONE;
		size_change(s, t, x, x->x_new_size);
		x->x_size_done = true;
	}
	/* x_tcursor != 0: truncate_pagecache slept; pagecache_isize_extended
	 * is done. */
	if (x->x_new_size > x->x_old_size && !x->x_tcursor)
		__pc_pagecache_isize_extended(s, t, ip, x->x_old_size, x->x_new_size, &blocked);
	if (blocked)
		return SIM_BLOCKED;
	if (!__pc_truncate_pagecache(s, t, ip, x->x_new_size, &x->x_tcursor))
		return SIM_BLOCKED;
	x->x_size_done = false;
	/* xfs_vn_setattr_size writes and waits [i_disk_size, new size) only
	 * if it zeroed something or the size grows past a stale
	 * i_disk_size: otherwise filemap_write_and_wait_range is not called
	 * and its step neither runs nor shows. */
	if (!(x->x_did_zero || (x->x_new_size > ip->i_disksize && x->x_old_size != ip->i_disksize)) ||
	    x->x_new_size == 0)
		__pc_goto(t, "xfs_trans_commit");
	return SIM_DONE;
}

/* inode_lock of a truncate (do_truncate takes i_rwsem before
 * notify_change -> ->setattr), then the path ext4_setattr /
 * xfs_vn_setattr_size take by the new size against i_size, which i_rwsem
 * now keeps still: only the steps on it run (profile.c). */
PC_STEP(__pc_st_setattr_inode_lock)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	enum sim_ret r = __pc_st_inode_lock(s, t, arg);

	if (r != SIM_DONE)
		return r;
	x->x_old_size = ip->i_size;
	x->x_new_size = x->o.o_off;
	if (x->o.o_off > ip->i_size)
		x->x_path = ip->i_size % x->x_w->w_bs ? PC_PATH_UP_ZERO : PC_PATH_UP;
	else
		x->x_path = x->o.o_off < ip->i_size ? PC_PATH_DOWN : PC_PATH_SAME;
	return SIM_DONE;
}

/* pagecache_isize_extended(old, new) after an ext4 truncate up / extending
 * fallocate (outside the handle). */
PC_STEP(__pc_st_isize_extended_op)
{
	struct pc_opctx *x = arg;
	bool blocked = false;

	if (x->x_new_size > x->x_old_size)
		__pc_pagecache_isize_extended(s, t, x->x_ip, x->x_old_size, x->x_new_size,
					      &blocked);
	return blocked ? SIM_BLOCKED : SIM_DONE;
}

/* truncate_pagecache(inode, i_size) in ext4_setattr (waits for writeback
 * of the folios it drops or zeroes). ext4 (mainline) runs it on every
 * path, so a truncate up zeroes [new size, end of page) of the new EOF
 * folio too; ext4-iomap (ext4_truncate_up) only shrinking. */
PC_STEP(__pc_st_truncate_pagecache)
{
	struct pc_opctx *x = arg;

	if (!__pc_truncate_pagecache(s, t, x->x_ip, x->x_ip->i_size, &x->x_tcursor))
		return SIM_BLOCKED;
	return SIM_DONE;
}

/* An XFS allocation (fallocate, zero range) whose range ends inside EOF:
 * xfs_falloc_newsize leaves new_size 0 and xfs_falloc_setsize does
 * nothing, so none of xfs_vn_setattr_size's steps run. truncate_setsize
 * (the first of them) set x_old_size and x_new_size. */
static bool xfs_falloc_no_size(const struct pc_opctx *x)
{
	return (x->o.o_kind == PC_OP_FALLOCATE || x->o.o_kind == PC_OP_ZERO_RANGE) &&
	       x->x_new_size <= x->x_old_size;
}

/* xfs_vn_setattr_size: before logging a size beyond i_disk_size, write and
 * wait [i_disk_size, new size) (also the zeroed block). */
PC_STEP(__pc_st_size_write_and_wait)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;

	if (x->x_phase == 0 && xfs_falloc_no_size(x))
		return SIM_DONE;
	if (x->x_phase == 0 && !(x->x_did_zero || (x->x_new_size > ip->i_disksize &&
						    x->x_old_size != ip->i_disksize)))
		return SIM_DONE;
	/* filemap_write_and_wait_range(i_disk_size, newsize - 1): nothing when
	 * the on-disk size is already past the new EOF (mm/filemap.c returns at
	 * once for lend < lstart), as on a truncate down. */
	if (x->x_new_size == 0 || ip->i_disksize > x->x_new_size - 1)
		return SIM_DONE;
	return __pc_write_and_wait(s, t, x, ip->i_disksize, x->x_new_size - 1, true);
}

/* Has any block past the one holding byte size - 1 a disk block? */
static bool mapped_past(const struct pc_inode *ip, uint64_t size)
{
	const struct pc_world *w = ip->i_w;

	for (uint32_t b = (uint32_t)((size + w->w_bs - 1) / w->w_bs); b < ip->i_nblocks; b++)
		if (ip->i_map[b].e_state == EXT_UNWRITTEN || ip->i_map[b].e_state == EXT_WRITTEN)
			return true;
	return false;
}

/* ext4_truncate (zero the new EOF block's tail, free blocks past it) /
 * the xfs setattr transaction (i_disk_size = new size, xfs_itruncate_extents). */
PC_STEP(__pc_st_truncate_blocks)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint64_t nsz = x->x_new_size;

	if (x->o.o_kind == PC_OP_TRUNCATE && x->x_zphase == 0 && !x->x_h)
		nsz = x->x_new_size = x->o.o_off;
	if (is_ext4ish(w) && nsz > x->x_old_size)
		return SIM_DONE;	/* ext4: only the shrink and same-size paths get here */
	/* ext4_setattr calls ext4_truncate for an unchanged size too, to free
	 * blocks preallocated past EOF (fallocate KEEP_SIZE); the model runs
	 * it only when there are such blocks, and without the EOF block
	 * zeroing of ext4_truncate (the cache past EOF stays as it is). */
	if (is_ext4ish(w) && nsz == x->x_old_size && !x->x_h && !mapped_past(ip, nsz))
		return SIM_DONE;
	if (!is_ext4ish(w) && xfs_falloc_no_size(x))
		return SIM_DONE;	/* no xfs_falloc_setsize: no transaction */
	if (is_ext4ish(w) && nsz % w->w_bs && nsz < x->x_old_size) {
		enum sim_ret r = __pc_zero_eof_block(s, t, x, nsz);

		if (r != SIM_DONE)
			return r;
	}
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	/* ext4_ext_truncate / xfs_itruncate_extents: everything past the
	 * new EOF block goes, preallocated blocks included (also for an
	 * unchanged size: xfs_setattr_size truncates when newsize <= oldsize). */
	if (nsz <= x->x_old_size)
		__pc_free_range(s, ip, (uint32_t)((nsz + w->w_bs - 1) / w->w_bs), ip->i_nblocks,
				x->x_h);
	/* xfs_setattr_size logs the new size. */
	if (!is_ext4ish(w) && nsz != ip->i_disksize)
		ip->i_disksize = nsz;
	/* ext4_truncate ends with ext4_orphan_del in the handle that freed
	 * the blocks (fs/ext4/inode.c, fs/ext4/orphan.c). */
	if (is_ext4ish(w))
		ip->i_orphan = false;
	__pc_mark_inode_dirty(s, ip, x->x_h, true);
	__pc_journal_stop(s, x);
	return SIM_DONE;
}

/* ext4_alloc_file_blocks / xfs_alloc_file_space: unwritten extents over
 * the holes of the range, in a handle. */
PC_STEP(__pc_st_alloc_file_space)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	uint64_t end = x->o.o_off + x->o.o_len;

	/* xfs_falloc_newsize: only a range ending past EOF without
	 * FALLOC_FL_KEEP_SIZE calls xfs_falloc_setsize (its steps are on
	 * PC_PATH_UP, profile.c). */
	if (!is_ext4ish(w))
		x->x_path = !(x->o.o_flags & PC_OF_KEEP_SIZE) && end > x->x_ip->i_size ? PC_PATH_UP
											: PC_PATH_SAME;
	if (!x->o.o_len)
		return SIM_DONE;
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	x->x_err = __pc_alloc_range(s, x->x_ip, __pc_blk_of(w, x->o.o_off),
				    __pc_blk_of(w, end - 1) + 1, EXT_UNWRITTEN, x->x_h);
	__pc_journal_stop(s, x);
	return SIM_DONE;
}

/*
 * ->page_mkwrite for the folio at x_pos, per profile:
 *   ext4_page_mkwrite (delalloc): invalidate_lock shared; block_page_mkwrite:
 *     folio_lock; -EFAULT if folio_pos >= i_size; end = min(folio size,
 *     i_size - folio_pos); delalloc reservation only for blocks in [0, end);
 *     block_commit_write; folio_mark_dirty -> block_dirty_folio marks every
 *     buffer dirty, the unreserved past-EOF ones too;
 *   iomap_page_mkwrite (xfs via xfs_filemap_page_mkwrite, ext4-iomap):
 *     MMAPLOCK shared; folio_lock; length up to EOF for the EOF folio;
 *     reserve only [folio_pos, +len); iomap_dirty_folio marks every block
 *     dirty.
 * Then the PTE becomes writable and dirty (do_page_mkwrite/wp_page_shared).
 */
#define PC_MKWRITE_STABLE	0x200u	/* x_phase: dirtied, in folio_wait_stable */

PC_STEP(__pc_st_page_mkwrite)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t fpos = (uint64_t)index * PC_PAGE_SIZE, len;
	struct pc_folio *f = __pc_folio(ip, index);
	uint8_t all = (uint8_t)((1u << w->w_bpp) - 1);

	if (x->o.o_kind == PC_OP_LOAD)
		return SIM_DONE;
	if (x->x_phase == PC_MKWRITE_STABLE) {
		/* Marked dirty, waiting in folio_wait_stable. */
		if (!__pc_folio_wait_stable(s, t, ip, index))
			return SIM_BLOCKED;
		x->x_phase = 0;
		goto writable;
	}
	if (!sim_rwsem_held(&ip->i_mmap_lock, t) && !sim_down_read(s, t, &ip->i_mmap_lock))
		return SIM_BLOCKED;
	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return SIM_BLOCKED;
	if (fpos >= ip->i_size) {	/* folio_mkwrite_check_truncate */
		x->x_err = -14;
		__pc_folio_unlock(s, t, f);
		sim_up_read(s, t, &ip->i_mmap_lock);
		__pc_goto_end(t);
		return SIM_DONE;
	}
	__pc_folio_get(s, ip, index);
	__pc_folio_read_blocks(s, ip, index, all);
	len = ip->i_size - fpos < PC_PAGE_SIZE ? ip->i_size - fpos : PC_PAGE_SIZE;
	for (uint32_t b = index * w->w_bpp; b <= __pc_blk_of(w, fpos + len - 1); b++)
		if (ip->i_map[b].e_state == EXT_HOLE)
			ip->i_map[b].e_state = EXT_DELALLOC;
	__pc_folio_mark_dirty(s, ip, index, all);
	/* iomap_page_mkwrite, block_page_mkwrite (ext4_page_mkwrite) and
	 * filemap_page_mkwrite end with folio_wait_stable after dirtying the
	 * folio, still locked (fs/iomap/buffered-io.c, fs/buffer.c,
	 * mm/filemap.c); only then does the fault make the PTE writable. */
	if (!__pc_folio_wait_stable(s, t, ip, index)) {
		x->x_phase = PC_MKWRITE_STABLE;
		return SIM_BLOCKED;
	}
writable:
	ip->i_pte[index].p_present = true;
	ip->i_pte[index].p_writable = true;
	ip->i_pte[index].p_dirty = true;
	__pc_folio_unlock(s, t, f);
	sim_up_read(s, t, &ip->i_mmap_lock);
	return SIM_DONE;
}

/* ext4_da_write_begin: lock the folio, delalloc-reserve the holes the
 * write covers (ext4_da_get_block_prep), prepare partial blocks. */
PC_STEP(__pc_st_ext4_da_write_begin)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
	uint64_t end = x->x_end < fend ? x->x_end : fend;
	struct pc_folio *f = __pc_folio(ip, index);

	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return SIM_BLOCKED;
	/* ext4_da_write_begin gets the folio with FGP_WRITEBEGIN, which
	 * includes FGP_STABLE: folio_wait_stable in __filemap_get_folio
	 * (mm/filemap.c), the folio locked. */
	if (!__pc_folio_wait_stable(s, t, ip, index))
		return SIM_BLOCKED;
	__pc_folio_get_write(s, ip, x->x_pos, x->x_end - x->x_pos);
	for (uint32_t b = __pc_blk_of(w, x->x_pos); b <= __pc_blk_of(w, end - 1); b++)
		if (ip->i_map[b].e_state == EXT_HOLE)
			ip->i_map[b].e_state = EXT_DELALLOC;
	__pc_prepare_partial_blocks(s, ip, index, x->x_pos, end);
	return SIM_DONE;
}

/* ext4_da_do_write_end, last part: if i_disksize moved, log it. */
PC_STEP(__pc_st_ext4_mark_inode_dirty)
{
	struct pc_opctx *x = arg;

	if (x->x_ip->i_disksize == x->x_new_size)
		return SIM_DONE;	/* i_disksize did not move */
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	__pc_mark_inode_dirty(s, x->x_ip, x->x_h, true);
	__pc_journal_stop(s, x);
	return SIM_DONE;
}
