/* SPDX-License-Identifier: MIT */
/*
 * model/ops.c - steps shared by every profile: locks, the iomap buffered
 * write loop, reads, page faults and stores through a shared mapping,
 * waiting for writeback, fsync's generic half, sleeping.
 *
 * Each step is named after the kernel function it models and takes the
 * operation's context (struct pc_opctx). Steps that loop (one folio per
 * call) return SIM_AGAIN; steps that must wait put the task on a wait queue
 * and return SIM_BLOCKED, and are re-run from the top when woken, so they
 * keep their progress in the context (x_pos, x_phase).
 */
#include <assert.h>
#include <string.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

#define CTX(arg) ((struct pc_opctx *)(arg))

/* Find the step named name in the task's current operation and jump there
 * after this step (loops in a profile table). */
void __pc_goto(struct sim_task *t, const char *name)
{
	const struct sim_op *op = sim_task_cur_op(t);

	for (unsigned i = 0; i < op->op_desc->nsteps; i++)
		if (!strcmp(op->op_desc->steps[i].name, name)) {
			sim_task_goto(t, i);
			return;
		}
	assert(!"goto: no such step in this operation");
}

/* Finish the operation after this step. */
void __pc_goto_end(struct sim_task *t)
{
	sim_task_goto(t, sim_task_cur_op(t)->op_desc->nsteps);
}

/* ---- footprints ---- */
void __pc_fp_inode(const struct sim *s, const struct sim_task *t, const void *arg,
		   struct sim_fp *fp)
{
	const struct pc_opctx *x = arg;

	sim_fp_add(fp, PC_OBJ(PC_OBJ_INODE, x->o.o_file, 0), SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_RWSEM, x->o.o_file, 0), SIM_WRITE);
}

/* ---- locks ---- */
enum sim_ret __pc_st_inode_lock(struct sim *s, struct sim_task *t, void *arg)
{
	return sim_down_write(s, t, &CTX(arg)->x_ip->i_rwsem) ? SIM_DONE : SIM_BLOCKED;
}

/* An AIO write whose completion was queued (-EIOCBQUEUED): its
 * generic_write_sync runs in the completion work (dio.c), not in the
 * submitter after inode_unlock. */
static bool aio_queued(const struct pc_opctx *x, const struct sim_task *t)
{
	return (x->o.o_flags & PC_OF_AIO) && x->x_io && !t->t_kernel;
}

enum sim_ret __pc_st_inode_unlock(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;

	if (sim_rwsem_held_excl(&x->x_ip->i_rwsem, t))
		sim_up_write(s, t, &x->x_ip->i_rwsem);
	if (aio_queued(x, t))
		__pc_goto_end(t);	/* the write returns -EIOCBQUEUED */
	return SIM_DONE;
}

enum sim_ret __pc_st_invalidate_lock(struct sim *s, struct sim_task *t, void *arg)
{
	return sim_down_write(s, t, &CTX(arg)->x_ip->i_mmap_lock) ? SIM_DONE : SIM_BLOCKED;
}

enum sim_ret __pc_st_invalidate_unlock(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;

	if (sim_rwsem_held_excl(&x->x_ip->i_mmap_lock, t))
		sim_up_write(s, t, &x->x_ip->i_mmap_lock);
	return SIM_DONE;
}

/* inode_dio_wait (fs/inode.c): wait until no direct I/O is in flight. */
enum sim_ret __pc_st_inode_dio_wait(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_inode *ip = CTX(arg)->x_ip;

	if (ip->i_dio_count == 0)
		return SIM_DONE;
	sim_wait(s, t, &ip->i_dio_wq);
	return SIM_BLOCKED;
}

/* ext4_setattr waits for direct I/O only when shrinking. */
enum sim_ret __pc_st_inode_dio_wait_shrink(struct sim *s, struct sim_task *t, void *arg)
{
	if (CTX(arg)->o.o_off >= CTX(arg)->x_ip->i_size)
		return SIM_DONE;
	return __pc_st_inode_dio_wait(s, t, arg);
}

/* ---- the iomap buffered write loop (fs/iomap/buffered-io.c) ---- */

/* The current chunk: [x_pos, chunk_end) inside one folio. */
static uint64_t chunk_end(const struct pc_opctx *x)
{
	uint64_t fend = (x->x_pos / PC_PAGE_SIZE + 1) * PC_PAGE_SIZE;

	return x->x_end < fend ? x->x_end : fend;
}

/* ->iomap_begin for a buffered write (xfs_buffered_write_iomap_begin,
 * ext4_iomap_buffered_write_begin): delalloc reservation of the holes under
 * the chunk. */
enum sim_ret __pc_st_iomap_iter(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint32_t b1 = __pc_blk_of(w, chunk_end(x) - 1);

	for (uint32_t b = __pc_blk_of(w, x->x_pos); b <= b1; b++)
		if (ip->i_map[b].e_state == EXT_HOLE)
			ip->i_map[b].e_state = EXT_DELALLOC;
	return SIM_DONE;
}

/* Prepare the blocks of a locked folio that [pos, end) only partly covers:
 * blocks that are not uptodate are zeroed when there is nothing on disk
 * for them (hole, delalloc, unwritten) or they start at or past EOF, and
 * read otherwise (__iomap_write_begin; __block_write_begin_int). */
void __pc_prepare_partial_blocks(struct sim *s, struct pc_inode *ip, uint32_t index,
				 uint64_t pos, uint64_t end)
{
	struct pc_world *w = ip->i_w;
	struct pc_folio *f = __pc_folio(ip, index);
	uint64_t fpos = (uint64_t)index * PC_PAGE_SIZE;

	if (pos <= fpos && end >= fpos + PC_PAGE_SIZE)
		return;	/* the whole folio is overwritten */
	for (uint32_t k = 0; k < w->w_bpp; k++) {
		uint64_t bs = fpos + (uint64_t)k * w->w_bs, be = bs + w->w_bs;
		uint32_t b = index * w->w_bpp + k;

		if (f->f_buptodate & (1u << k))
			continue;
		if (be <= pos || bs >= end || (pos <= bs && end >= be))
			continue;	/* untouched, or wholly overwritten */
		if (ip->i_map[b].e_state != EXT_WRITTEN || bs >= ip->i_size) {
			__pc_folio_zero(ip, index, k * w->w_bs, (k + 1) * w->w_bs);
			f->f_buptodate |= (uint8_t)(1u << k);
		} else {
			__pc_folio_read_blocks(s, ip, index, (uint8_t)(1u << k));
		}
	}
}

/* Mark the blocks [pos, end) of the folio uptodate and dirty. */
void __pc_commit_range(struct sim *s, struct pc_inode *ip, uint32_t index, uint64_t pos,
		       uint64_t end)
{
	struct pc_world *w = ip->i_w;
	struct pc_folio *f = __pc_folio(ip, index);
	uint64_t fpos = (uint64_t)index * PC_PAGE_SIZE;
	uint8_t mask = 0;

	for (uint32_t k = 0; k < w->w_bpp; k++) {
		uint64_t bs = fpos + (uint64_t)k * w->w_bs, be = bs + w->w_bs;

		if (be > pos && bs < end) {
			mask |= (uint8_t)(1u << k);
			f->f_buptodate |= (uint8_t)(1u << k);
		}
	}
	if (f->f_buptodate == (uint8_t)((1u << w->w_bpp) - 1))
		f->f_flags |= PC_F_UPTODATE;
	__pc_folio_mark_dirty(s, ip, index, mask);
}

/* iomap_write_begin: lock (creating) the folio, prepare partial blocks. */
enum sim_ret __pc_st_iomap_write_begin(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	struct pc_folio *f = __pc_folio(x->x_ip, index);

	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return SIM_BLOCKED;
	/* __iomap_get_folio: FGP_WRITEBEGIN includes FGP_STABLE, so
	 * __filemap_get_folio (mm/filemap.c) waits in folio_wait_stable with
	 * the folio locked. */
	if (!__pc_folio_wait_stable(s, t, x->x_ip, index))
		return SIM_BLOCKED;
	__pc_folio_get_write(s, x->x_ip, x->x_pos, x->x_end - x->x_pos);
	__pc_prepare_partial_blocks(s, x->x_ip, index, x->x_pos, chunk_end(x));
	return SIM_DONE;
}

/* copy_folio_from_iter_atomic + iomap_write_end / block_write_end: the
 * data lands; the copied blocks become uptodate and dirty. */
enum sim_ret __pc_st_write_end(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t end = chunk_end(x);

	__pc_copy_in(s, x->x_ip, x->x_pos, end - x->x_pos, x->x_src);
	__pc_commit_range(s, x->x_ip, index, x->x_pos, end);
	__pc_oracle_record(s, x->x_ip, x->x_pos, end - x->x_pos, x->x_src);
	return SIM_DONE;
}

/* i_size_write when the chunk ends past EOF; the folio is still locked.
 * old_size is read here, after the copy (iomap_write_iter). ext4's
 * ext4_da_do_write_end also raises i_disksize when the new last byte's
 * block is written (not delalloc or unwritten). */
enum sim_ret __pc_st_i_size_write(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t end = chunk_end(x);

	x->x_old_size = ip->i_size;
	if (end > ip->i_size) {
		__pc_i_size_write(s, t, ip, end, false);
		x->x_grew = true;
		if (x->x_w->w_k.k_profile == PC_PROF_EXT4 &&
		    ip->i_map[__pc_blk_of(x->x_w, end - 1)].e_state == EXT_WRITTEN &&
		    end > ip->i_disksize)
			ip->i_disksize = end;	/* ext4_update_i_disksize */
	}
	return SIM_DONE;
}

enum sim_ret __pc_st_folio_unlock(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_folio *f = __pc_folio(x->x_ip, (uint32_t)(x->x_pos / PC_PAGE_SIZE));

	if (__pc_folio_locked_by(f, t))
		__pc_folio_unlock(s, t, f);
	return SIM_DONE;
}

/* pagecache_isize_extended(old_size, pos) when the write began past the
 * old EOF; then the next chunk, if any. */
enum sim_ret __pc_st_pagecache_isize_extended(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	bool blocked = false;

	if (x->x_grew && x->x_old_size < x->x_pos)
		__pc_pagecache_isize_extended(s, t, x->x_ip, x->x_old_size, x->x_pos, &blocked);
	if (blocked)
		return SIM_BLOCKED;
	x->x_grew = false;
	x->x_pos = chunk_end(x);
	if (x->x_pos < x->x_end)
		__pc_goto(t, x->x_w->w_k.k_profile == PC_PROF_EXT4 ? "ext4_da_write_begin"
								  : "iomap_iter");
	return SIM_DONE;
}

/* A block iomap_zero_range zeroes through the cache (IOMAP_DELALLOC or
 * IOMAP_MAPPED); holes and unwritten blocks read as zeros already. */
static bool zero_mapped(const struct pc_inode *ip, uint32_t b)
{
	return ip->i_map[b].e_state == EXT_DELALLOC || ip->i_map[b].e_state == EXT_WRITTEN;
}

/* iomap_zero_iter on [from, to) inside folio index, which the caller
 * holds locked: write_begin, folio_zero_range, write_end. */
static void zero_in_folio(struct sim *s, struct pc_inode *ip, uint32_t index, uint64_t from,
			  uint64_t to)
{
	__pc_folio_get(s, ip, index);
	__pc_prepare_partial_blocks(s, ip, index, from, to);
	__pc_folio_zero(ip, index, (uint32_t)(from - (uint64_t)index * PC_PAGE_SIZE),
			(uint32_t)(to - (uint64_t)index * PC_PAGE_SIZE));
	__pc_oracle_record(s, ip, from, to - from, 0);
	__pc_commit_range(s, ip, index, from, to);
}

/* ---- iomap_zero_range (fs/iomap/buffered-io.c) ----
 * phase 0: sample filemap_range_needs_writeback once; if a hole or
 *          unwritten block in the range has dirty cache: flush (phase 1,
 *          the writeback walk; phase 2, the wait), once;
 * phase 3: zero delalloc and written blocks in the page cache, folio by
 *          folio (iomap_zero_iter: write_begin, folio_zero_range,
 *          write_end). Holes and unwritten blocks read as zeros already.
 * phase 5 (xfs, 6.18): an unaligned start whose block is dirty in the cache
 *          is zeroed in the cache first, whatever its mapping, and the rest
 *          of the range is looked at from the next block on (the "partial
 *          eof zeroing" special case; 6.19 replaced it with
 *          iomap_fill_dirty_folios).
 * x_phase is 0 again when it returns SIM_DONE, so a later write-and-wait
 * of the same operation starts with its own phase 0. */
enum sim_ret __pc_zero_range_step(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				  uint64_t pos, uint64_t len, bool *did_zero)
{
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint64_t end = pos + len;
	enum sim_ret r;

	if (len == 0)
		return SIM_DONE;
	switch (x->x_phase) {
	case 0: {
		/* iomap_zero_range (6.18): range_dirty is taken once for the whole
		 * range; the mappings are walked in order and the first hole or
		 * unwritten one, when the range was dirty, flushes what is left
		 * of the range from there (iomap_zero_iter_flush_and_stale) and
		 * looks the mappings up again. Mapped blocks before it are zeroed
		 * in the cache first (phase 4), not written. */
		uint64_t start = x->x_zhead ? x->x_zhead : pos;
		bool dirty;
		uint64_t hole = UINT64_MAX;

		if (!x->x_zhead && w->w_k.k_profile == PC_PROF_XFS && pos % w->w_bs) {
			uint64_t hend = (pos / w->w_bs + 1) * w->w_bs;

			hend = hend < end ? hend : end;
			if (__pc_range_needs_writeback(ip, pos, hend - 1)) {
				x->x_zpos = pos;
				x->x_zhead = hend;
				x->x_phase = 5;
				return SIM_AGAIN;
			}
		}
		if (start >= end) {
			x->x_zhead = 0;
			return SIM_DONE;
		}
		dirty = __pc_range_needs_writeback(ip, start, end - 1);
		for (uint32_t b = __pc_blk_of(w, start); b <= __pc_blk_of(w, end - 1); b++)
			if (ip->i_map[b].e_state == EXT_HOLE ||
			    ip->i_map[b].e_state == EXT_UNWRITTEN) {
				hole = (uint64_t)b * w->w_bs;
				hole = hole > start ? hole : start;
				break;
			}
		x->x_zpos = x->x_zflush = start;
		if (!dirty || hole == UINT64_MAX) {
			x->x_phase = 3;
			return SIM_AGAIN;
		}
		x->x_zflush = hole;
		x->x_phase = 4;
		return SIM_AGAIN;
	}
	case 1:
		r = __pc_writeback_step(s, t, x);
		if (r == SIM_DONE) {
			x->x_phase = 2;
			return SIM_AGAIN;
		}
		return r;
	case 2:
		r = __pc_wait_range_step(s, t, ip, x->x_zflush, end - 1);
		if (r == SIM_DONE) {
			x->x_phase = 3;
			return SIM_AGAIN;
		}
		return r;
	case 5: {
		/* the unaligned dirty head: one block, one folio */
		uint32_t index = (uint32_t)(pos / PC_PAGE_SIZE);
		struct pc_folio *f = __pc_folio(ip, index);

		if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		/* iomap_zero_iter -> iomap_write_begin: FGP_STABLE */
		if (!__pc_folio_wait_stable(s, t, ip, index))
			return SIM_BLOCKED;
		zero_in_folio(s, ip, index, pos, x->x_zhead);
		__pc_folio_unlock(s, t, f);
		*did_zero = true;
		x->x_phase = 0;
		return SIM_AGAIN;
	}
	default:
		break;
	}
	/* phase 4: the mapped prefix before the flush point; then the flush of
	 * [x_zflush, end) (phases 1 and 2) and the rest (phase 3). */
	if (x->x_phase == 4 && x->x_zpos >= x->x_zflush) {
		__pc_wbc_init(&x->x_wbc, ip, x->x_zflush, end - 1, true, true);
		x->x_zpos = x->x_zflush;
		x->x_phase = 1;
		return SIM_AGAIN;
	}
	/* phase 3: one run of delalloc/written blocks inside one folio per
	 * call (iomap_iter hands out one mapping at a time; holes and
	 * unwritten mappings are skipped without touching their folios). */
	while (x->x_zpos < (x->x_phase == 4 ? x->x_zflush : end)) {
		uint32_t index = (uint32_t)(x->x_zpos / PC_PAGE_SIZE);
		uint64_t lim = x->x_phase == 4 ? x->x_zflush : end;
		uint64_t fend = (uint64_t)(index + 1) * PC_PAGE_SIZE, zend = lim < fend ? lim : fend;
		uint64_t rend = x->x_zpos;
		struct pc_folio *f = __pc_folio(ip, index);

		while (rend < zend && zero_mapped(ip, __pc_blk_of(w, rend))) {
			rend = (uint64_t)(__pc_blk_of(w, rend) + 1) * w->w_bs;
			rend = rend < zend ? rend : zend;
		}
		if (rend == x->x_zpos) {	/* a hole or unwritten block */
			rend = (uint64_t)(__pc_blk_of(w, x->x_zpos) + 1) * w->w_bs;
			x->x_zpos = rend < end ? rend : end;
			continue;
		}
		if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		/* iomap_zero_iter -> iomap_write_begin: FGP_STABLE, as for a
		 * write (folio_wait_stable, mm/page-writeback.c). */
		if (!__pc_folio_wait_stable(s, t, ip, index))
			return SIM_BLOCKED;
		zero_in_folio(s, ip, index, x->x_zpos, rend);
		__pc_folio_unlock(s, t, f);
		*did_zero = true;
		x->x_zpos = rend;
		if (x->x_zpos < end)
			return SIM_AGAIN;
	}
	if (x->x_phase == 4)
		return SIM_AGAIN;	/* on to the flush */
	x->x_phase = 0;
	x->x_zhead = 0;
	return SIM_DONE;
}

/* ---- reads (mm/filemap.c filemap_read) ---- */
enum sim_ret __pc_st_filemap_read(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t isize = ip->i_size, end = x->o.o_off + x->o.o_len;
	uint32_t index;
	struct pc_folio *f;
	uint64_t fend, stop;

	if (end > isize)
		end = isize;
	if (x->x_pos < x->o.o_off)
		x->x_pos = x->o.o_off;
	if (x->x_pos >= end)
		return SIM_DONE;
	index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	f = __pc_folio(ip, index);
	if (!(f->f_flags & PC_F_UPTODATE)) {
		if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		__pc_folio_get(s, ip, index);
		__pc_folio_read_blocks(s, ip, index, (uint8_t)((1u << x->x_w->w_bpp) - 1));
		__pc_folio_unlock(s, t, f);
	}
	fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
	stop = end < fend ? end : fend;
	__pc_oracle_check_bytes(s, ip, x->x_pos, f->f_data + x->x_pos % PC_PAGE_SIZE,
				stop - x->x_pos, false, 0);
	x->x_pos = stop;
	return x->x_pos < end ? SIM_AGAIN : SIM_DONE;
}

/* ---- mmap ---- */
enum sim_ret __pc_st_mmap(struct sim *s, struct sim_task *t, void *arg)
{
	CTX(arg)->x_ip->i_mapped = true;
	return SIM_DONE;
}

/* unmap_mapping_range / zap_pte_range: a dirty PTE's dirtiness moves to
 * the folio (folio_mark_dirty). */
enum sim_ret __pc_st_unmap_mapping_range(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_inode *ip = CTX(arg)->x_ip;
	uint8_t all = (uint8_t)((1u << ip->i_w->w_bpp) - 1);

	for (uint32_t i = 0; i < ip->i_npages; i++) {
		struct pc_pte *p = &ip->i_pte[i];

		if (p->p_dirty && (ip->i_folios[i].f_flags & PC_F_CACHED))
			__pc_folio_mark_dirty(s, ip, i, all);
		memset(p, 0, sizeof(*p));
	}
	ip->i_mapped = false;
	return SIM_DONE;
}

/* handle_mm_fault for the page at x_pos: a present writable PTE needs no
 * kernel step (skip to the store). Past the last page of the file: SIGBUS.
 * Otherwise a read fault brings the folio in and maps it read-only
 * (filemap_fault; shared file PTEs start read-only when the file system
 * has ->page_mkwrite). */
enum sim_ret __pc_st_handle_mm_fault(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint32_t index;
	struct pc_folio *f;

	if (x->x_pos < x->o.o_off)
		x->x_pos = x->o.o_off;
	index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	if (!ip->i_mapped || x->x_pos >= (ip->i_size + PC_PAGE_SIZE - 1) / PC_PAGE_SIZE * PC_PAGE_SIZE) {
		x->x_err = -14;	/* SIGBUS / EFAULT */
		__pc_goto_end(t);
		return SIM_DONE;
	}
	if (ip->i_pte[index].p_present &&
	    (ip->i_pte[index].p_writable || x->o.o_kind == PC_OP_LOAD)) {
		__pc_goto(t, x->o.o_kind == PC_OP_LOAD ? "pcsim:load" : "pcsim:store");
		return SIM_DONE;
	}
	f = __pc_folio(ip, index);
	if (!(f->f_flags & PC_F_UPTODATE)) {
		if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
			return SIM_BLOCKED;
		__pc_folio_get(s, ip, index);
		__pc_folio_read_blocks(s, ip, index, (uint8_t)((1u << x->x_w->w_bpp) - 1));
		__pc_folio_unlock(s, t, f);
	}
	ip->i_pte[index].p_present = true;
	if (x->o.o_kind == PC_OP_LOAD)
		__pc_goto(t, "pcsim:load");
	return SIM_DONE;
}

/* The user's store instruction: bytes of this page land in the folio; the
 * PTE becomes dirty. A store past EOF (legal inside the EOF page) is noted
 * for the eof-junk oracle. Then the next page, if any. */
enum sim_ret __pc_st_store(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t end = x->o.o_off + x->o.o_len, fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
	uint64_t stop = end < fend ? end : fend;

	if (!ip->i_pte[index].p_writable) {	/* write-protected since the fault */
		__pc_goto(t, "handle_mm_fault");
		return SIM_DONE;
	}
	if (stop > ip->i_size)
		pc_w(s)->w_srcx[x->x_src].x_past_eof = 1;
	__pc_copy_in(s, ip, x->x_pos, stop - x->x_pos, x->x_src);
	ip->i_pte[index].p_dirty = true;
	__pc_oracle_record(s, ip, x->x_pos, stop - x->x_pos, x->x_src);
	x->x_pos = stop;
	if (x->x_pos < end)
		__pc_goto(t, "handle_mm_fault");
	return SIM_DONE;
}

/* A load through the mapping: the bytes inside i_size are checked. */
enum sim_ret __pc_st_load(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint32_t index = (uint32_t)(x->x_pos / PC_PAGE_SIZE);
	uint64_t end = x->o.o_off + x->o.o_len, fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
	uint64_t stop = end < fend ? end : fend, vis = stop < ip->i_size ? stop : ip->i_size;
	struct pc_folio *f = __pc_folio(ip, index);

	if (vis > x->x_pos)
		__pc_oracle_check_bytes(s, ip, x->x_pos, f->f_data + x->x_pos % PC_PAGE_SIZE,
					vis - x->x_pos, false, 0);
	x->x_pos = stop;
	if (x->x_pos < end)
		__pc_goto(t, "handle_mm_fault");
	return SIM_DONE;
}

/* ---- writeback helpers as steps ---- */

/* filemap_write_and_wait_range over the op's range (phase 0 write, 1 wait). */
enum sim_ret __pc_write_and_wait(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t start, uint64_t end, bool wait)
{
	enum sim_ret r;

	if (x->x_phase == 0) {
		__pc_wbc_init(&x->x_wbc, x->x_ip, start, end, true, true);
		x->x_phase = 1;
	}
	if (x->x_phase == 1) {
		r = __pc_writeback_step(s, t, x);
		if (r != SIM_DONE)
			return r;
		x->x_phase = 2;
		if (!wait) {
			x->x_phase = 0;
			return SIM_DONE;
		}
	}
	r = __pc_wait_range_step(s, t, x->x_ip, start, end);
	if (r == SIM_DONE)
		x->x_phase = 0;
	return r;
}

/* The range a sync step covers (vfs_fsync_range's start, end; fs/sync.c):
 * fsync and fdatasync the whole file; msync(MS_SYNC) the mapped range
 * (mm/msync.c); an O_DSYNC/O_SYNC write the bytes it wrote, from
 * generic_write_sync (include/linux/fs.h): ki_pos - count .. ki_pos - 1,
 * with ki_pos past the write (O_APPEND: from the size it found). False for
 * a write of nothing (generic_write_sync is not called) or an empty msync. */
bool __pc_sync_range(const struct pc_opctx *x, uint64_t *start, uint64_t *end)
{
	*start = 0;
	*end = UINT64_MAX / 2;
	if (x->o.o_kind == PC_OP_MSYNC) {
		if (!x->o.o_len)
			return false;	/* msync: end == start, nothing to do */
		*start = x->o.o_off;
		*end = x->o.o_off + x->o.o_len - 1;
	} else if (x->o.o_kind == PC_OP_PWRITE || x->o.o_kind == PC_OP_APPEND) {
		if (!x->o.o_len)
			return false;
		*start = x->x_end - x->o.o_len;
		*end = x->x_end - 1;
	}
	return true;
}

/* file_write_and_wait_range (mm/filemap.c) over the sync's range:
 * __filemap_fdatawrite_range (WB_SYNC_ALL, wbc range_start/range_end, so
 * ->writepages writes only the folios in it), then
 * file_fdatawait_range over the same range. */
enum sim_ret __pc_st_file_write_and_wait_range(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	uint64_t start, end;

	if (!__pc_sync_range(x, &start, &end) || aio_queued(x, t))
		return SIM_DONE;
	if (x->x_w->w_k.k_bug == PC_BUG_FSYNC_NO_WAIT)
		return __pc_write_and_wait(s, t, x, start, end, false);
	return __pc_write_and_wait(s, t, x, start, end, true);
}

/* blkdev_issue_flush: an empty REQ_PREFLUSH bio, waited for. */
static void flush_endio(struct sim *s, struct pc_bio *bio)
{
	struct pc_opctx *x = bio->bi_private;

	/* blkdev_issue_flush returns the flush bio's status; ext4_sync_file
	 * and xfs_file_fsync return it (fs/ext4/fsync.c, fs/xfs/xfs_file.c),
	 * and an fsync that fails promises nothing. */
	if (bio->bi_status && !x->x_err && x->x_w->w_k.k_bug != PC_BUG_FSYNC_IGNORE_EIO)
		x->x_err = bio->bi_status;
	x->x_woken = true;
	pc_bio_put(x->x_w->w_disk, bio);
	sim_wake_all(s, &x->x_wq);
}

/* flush_endio's footprint: the waiting op's x_woken and wait queue (only
 * its own, blocked, task reads them). */
static void flush_endio_fp(const struct pc_bio *bio, struct sim_fp *fp)
{
	const struct pc_opctx *x = bio->bi_private;

	sim_fp_add(fp, PC_OBJ(PC_OBJ_WQ, x->o.o_file, 2), SIM_WRITE);
}

enum sim_ret __pc_blkdev_issue_flush(struct sim *s, struct sim_task *t, struct pc_opctx *x)
{
	struct pc_bio *bio;

	if (x->x_woken) {
		x->x_woken = false;
		return SIM_DONE;
	}
	if (!(x->x_phase & 0x100)) {
		bio = pc_bio_alloc(s, x->x_w->w_disk);
		assert(bio);
		bio->bi_op = PC_REQ_FLUSH;
		bio->bi_flags = PC_REQ_PREFLUSH;
		bio->bi_kind = PC_BIO_FLUSH;
		bio->bi_end_io = flush_endio;
		bio->bi_end_io_fp = flush_endio_fp;
		bio->bi_private = x;
		pc_disk_submit(s, x->x_w->w_disk, bio, NULL);
		x->x_phase |= 0x100;
	}
	sim_wait(s, t, &x->x_wq);
	return SIM_BLOCKED;
}

/* ext4_fsync_journal / xfs_fsync_flush_log: commit the transaction that
 * last changed the inode (fdatasync: the last change data needs) and wait.
 * ext4_sync_file and ext4_sync_fs (fs/ext4/fsync.c, super.c) ask first
 * whether that commit will still send the data barrier
 * (jbd2_trans_will_send_data_barrier); if not -- the tid is committed, or
 * its commit record's PREFLUSH may already be out, ahead of data this
 * fsync waited for -- they flush the disk cache themselves afterwards.
 * x_phase: 0x400 waiting for the commit, 0x800 a flush is due after it,
 * 0x200 flushing (0x100 is __pc_blkdev_issue_flush's). */
enum sim_ret __pc_st_fsync_journal(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	bool datasync = x->o.o_kind != PC_OP_FSYNC;
	pc_tid_t tid = datasync ? x->x_ip->i_datasync_tid : x->x_ip->i_sync_tid;
	uint64_t start, end;
	enum sim_ret r;

	if (!__pc_sync_range(x, &start, &end) || aio_queued(x, t))
		return SIM_DONE;	/* a write of nothing: no generic_write_sync */
	if (x->o.o_kind == PC_OP_SYNC) {
		/* sync_fs: whatever any inode changed, and the running
		 * transaction, must be committed. */
		pc_tid_t run = jbd2_running_tid(w->w_j);

		tid = run;
		for (unsigned f = 0; f < w->w_ninodes; f++)
			if (w->w_inode[f]->i_sync_tid > tid)
				tid = w->w_inode[f]->i_sync_tid;
	}
	if (w->w_k.k_bug == PC_BUG_FSYNC_NO_FLUSH)
		goto done;
	if (!(x->x_phase & (0x200 | 0x400))) {
		if (!jbd2_trans_will_send_data_barrier(w->w_j, tid) &&
		    (w->w_k.k_bug != PC_BUG_FSYNC_TRUST_COMMIT || tid <= jbd2_committed_tid(w->w_j)))
			x->x_phase |= 0x800;
		if (tid > jbd2_committed_tid(w->w_j)) {
			jbd2_log_start_commit(s, w->w_j, tid);
			x->x_tid = tid;
			x->x_phase |= 0x400;
		} else {
			x->x_phase |= 0x200;
		}
	}
	if (x->x_phase & 0x400) {
		if (!jbd2_log_wait_commit(s, t, w->w_j, x->x_tid))
			return SIM_BLOCKED;
		/* jbd2_log_wait_commit (fs/jbd2/journal.c) returns -EIO when the
		 * journal aborted: the commit fsync waited for never completed
		 * (for xfs, the log's shutdown: xfs_log_force_seq fails). */
		if (jbd2_journal_errno(w->w_j) && w->w_k.k_bug != PC_BUG_FSYNC_IGNORE_EIO) {
			x->x_err = -PC_EIO;
			goto done;
		}
		if (!(x->x_phase & 0x800))
			goto done;
		x->x_phase = (x->x_phase & ~0x400u) | 0x200;
	}
	r = __pc_blkdev_issue_flush(s, t, x);
	if (r != SIM_DONE)
		return r;
done:
	x->x_phase = 0;
	__pc_promise(s, x, pc_op_names[x->o.o_kind], datasync);
	return SIM_DONE;
}

/* ---- sync_file_range (fs/sync.c ksys_sync_file_range) ---- */
enum sim_ret __pc_st_sfr_wait_before(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;

	if (!(x->o.o_flags & PC_OF_WAIT_BEFORE))
		return SIM_DONE;
	return __pc_wait_range_step(s, t, x->x_ip, x->o.o_off, x->o.o_off + x->o.o_len - 1);
}

enum sim_ret __pc_st_sfr_write(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t start = x->o.o_off;
	bool all = (x->o.o_flags & (PC_OF_WAIT_BEFORE | PC_OF_WRITE | PC_OF_WAIT_AFTER)) ==
		   (PC_OF_WAIT_BEFORE | PC_OF_WRITE | PC_OF_WAIT_AFTER);
	enum sim_ret r;

	if (!(x->o.o_flags & PC_OF_WRITE))
		return SIM_DONE;
	if (x->x_phase == 0) {
		/* ext4-iomap deferred: with the sync_file_range handling, the
		 * dirty zeroed block below the range is written first. */
		if (x->x_w->w_k.k_profile == PC_PROF_EXT4_IOMAP &&
		    x->x_w->w_k.k_zero_eof == PC_ZE_DEFERRED && x->x_w->w_k.k_deferred_sfr &&
		    ip->i_zero.z_state == Z_DIRTY && ip->i_zero.z_start < start)
			start = ip->i_zero.z_start;
		__pc_wbc_init(&x->x_wbc, ip, start, x->o.o_off + x->o.o_len - 1, all, true);
		x->x_phase = 1;
	}
	r = __pc_writeback_step(s, t, x);
	if (r == SIM_DONE)
		x->x_phase = 0;
	return r;
}

enum sim_ret __pc_st_sfr_wait_after(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;

	if (!(x->o.o_flags & PC_OF_WAIT_AFTER))
		return SIM_DONE;
	return __pc_wait_range_step(s, t, x->x_ip, x->o.o_off, x->o.o_off + x->o.o_len - 1);
}

/* ---- sync(2): sync_filesystem (fs/sync.c) ----
 * writeback_inodes_sb (WB_SYNC_NONE, no wait), sync_fs(sb, 0) (ext4_sync_fs
 * / xfs_fs_sync_fs without waiting: jbd2_journal_start_commit /
 * xfs_log_force(mp, 0), so a commit may run while that data is still in
 * flight), then sync_inodes_sb (WB_SYNC_ALL and wait) and sync_fs(sb, 1). */
enum sim_ret __pc_st_writeback_inodes_sb(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	enum sim_ret r;

	if (x->x_phase == 0) {
		__pc_wbc_init(&x->x_wbc, w->w_inode[0], 0, UINT64_MAX / 2, false, true);
		x->x_wbc.wb_all_files = true;
		x->x_phase = 1;
	}
	r = __pc_writeback_step(s, t, x);
	if (r == SIM_DONE)
		x->x_phase = 0;
	return r;
}

/* sync_fs(sb, 0): start a commit of the running transaction, do not wait. */
enum sim_ret __pc_st_sync_fs_nowait(struct sim *s, struct sim_task *t, void *arg)
{
	pc_kick_commit(s);
	return SIM_DONE;
}

/* ---- sync(2): every file written and waited, then the journal ---- */
enum sim_ret __pc_st_sync_inodes(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	enum sim_ret r;

	if (x->x_phase == 0) {
		__pc_wbc_init(&x->x_wbc, w->w_inode[0], 0, UINT64_MAX / 2, true, true);
		x->x_wbc.wb_all_files = true;
		x->x_phase = 1;
	}
	if (x->x_phase == 1) {
		r = __pc_writeback_step(s, t, x);
		if (r != SIM_DONE)
			return r;
		x->x_phase = 2;
		x->x_pos = 0;
	}
	for (; x->x_pos < w->w_ninodes; x->x_pos++) {
		r = __pc_wait_range_step(s, t, w->w_inode[x->x_pos], 0, UINT64_MAX / 2);
		if (r != SIM_DONE)
			return r;
	}
	/* writeback_sb_inodes -> requeue_inode: an inode the pass left clean
	 * leaves the dirty list, so the next dirtying stamps dirtied_when. */
	__pc_inodes_requeue(s);
	x->x_phase = 0;
	return SIM_DONE;
}

/* ---- time ---- */
static void sleep_timer(struct sim *s, void *arg, uint64_t data)
{
	struct pc_opctx *x = arg;

	x->x_woken = true;
	sim_wake_all(s, &x->x_wq);
}

enum sim_ret __pc_st_schedule_timeout(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_opctx *x = arg;

	if (x->x_woken) {
		x->x_woken = false;
		x->x_phase = 0;
		return SIM_DONE;
	}
	if (!x->x_phase) {
		x->x_phase = 1;
		sim_event_set_fp(s, sim_timer(s, x->o.o_dur, "schedule_timeout", sleep_timer, x, 0),
				 __pc_fp_timer);
	}
	sim_wait(s, t, &x->x_wq);
	return SIM_BLOCKED;
}

/* io_getevents: wait until the file's AIO has completed. */
enum sim_ret __pc_st_io_getevents(struct sim *s, struct sim_task *t, void *arg)
{
	struct pc_inode *ip = CTX(arg)->x_ip;

	if (ip->i_aio_pending == 0)
		return SIM_DONE;
	sim_wait(s, t, &ip->i_aio_wq);
	return SIM_BLOCKED;
}

enum sim_ret __pc_st_nop(struct sim *s, struct sim_task *t, void *arg)
{
	return SIM_DONE;
}
