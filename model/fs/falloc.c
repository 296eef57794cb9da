/* SPDX-License-Identifier: MIT */
/*
 * model/fs/falloc.c - the fallocate modes that take data away: punch hole
 * and zero range, per profile, as rows of steps (profile.c).
 *
 * Kernel (read in the zhangyi089 tree for ext4, 2026, and brauner/torvalds
 * for XFS): fs/ext4/inode.c (ext4_punch_hole, ext4_update_disksize_before_
 * punch, ext4_truncate_page_cache_block_range, ext4_truncate_folio,
 * ext4_zero_partial_blocks, ext4_block_zero_range), fs/ext4/extents.c
 * (ext4_zero_range, ext4_alloc_file_blocks), fs/xfs/xfs_bmap_util.c
 * (xfs_free_file_space, xfs_flush_unmap_range), fs/xfs/xfs_file.c
 * (xfs_falloc_zero_range), mm/truncate.c (truncate_pagecache_range).
 *
 * What keeps both safe, and what the model once missed: the page cache
 * over the range is dropped with truncate_pagecache_range, which waits for
 * writeback of every folio it drops. An ioend of the old contents that was
 * still in flight would otherwise complete after the blocks were freed (or
 * converted) and its end_io would convert whatever unwritten extent the
 * range holds by then: a block never written, whose old disk contents
 * (another file's) would read back.
 *
 * ext4 punch:  ext4_update_disksize_before_punch ->
 *              ext4_truncate_page_cache_block_range (mkclean the partial
 *              folios, truncate_pagecache_range) -> ext4_zero_partial_blocks
 *              -> handle: remove the whole blocks (ext4_ext_remove_space)
 * ext4 zero:   [unaligned: ext4_alloc_file_blocks over the range rounded out
 *              (zero the old EOF block, unwritten extents, new size) ->
 *              ext4_zero_partial_blocks] -> ext4_update_disksize_before_punch
 *              -> ext4_truncate_page_cache_block_range -> ext4_alloc_file_
 *              blocks(CONVERT_UNWRITTEN) over the whole blocks inside: written
 *              extents become unwritten in place, holes and delalloc get
 *              unwritten blocks [aligned: then the new size]
 * xfs punch:   xfs_flush_unmap_range (write and wait the range rounded out
 *              to pages, drop those pages) -> xfs_unmap_extent (whole blocks,
 *              EOF or not) -> xfs_zero_range of the partial blocks inside
 *              EOF (iomap_zero_range) -> write and wait the EOF page if the
 *              range reached EOF inside it
 * xfs zero:    xfs_free_file_space as punch -> xfs_alloc_file_space over the
 *              range rounded out to blocks -> xfs_falloc_setsize
 *
 * x_fphase carries a step's progress across sleeps; it is 0 between steps.
 */
#include "model/fs/fs.h"

static uint64_t round_up_to(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t round_down_to(uint64_t v, uint64_t a)
{
	return v / a * a;
}

/* The byte range [*start, *end) the operation works on. ext4_punch_hole
 * does nothing at or past EOF and stops at the end of the EOF block; zero
 * range works on the range as given. False: nothing to do. */
static bool op_range(const struct pc_opctx *x, uint64_t *start, uint64_t *end)
{
	uint64_t isize = x->x_ip->i_size;

	*start = x->o.o_off;
	*end = x->o.o_off + x->o.o_len;
	if (x->o.o_kind != PC_OP_PUNCH || x->x_w->w_k.k_profile == PC_PROF_XFS)
		return *start < *end;
	if (*start >= isize)
		return false;
	if (*end >= isize)
		*end = round_up_to(isize, x->x_w->w_bs);
	return true;
}

/* The erase the oracle records: the range inside i_size is zeros now. */
static void record_erase(struct sim *s, struct pc_opctx *x, uint64_t start, uint64_t end)
{
	uint64_t isize = x->x_ip->i_size;

	if (end > isize)
		end = isize;
	if (start < end)
		__pc_oracle_record(s, x->x_ip, start, end - start, x->x_src);
}

/* ---- ext4 ---- */

/* ext4_update_disksize_before_punch: a folio holding data past i_disksize
 * is about to be dropped, so its writeback will not raise i_disksize; raise
 * it now, to min(i_size, end), in a handle. */
PC_STEP(__pc_st_ext4_update_disksize_before_punch)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t start, end, size = ip->i_size;

	if (!x->x_h && (!op_range(x, &start, &end) || start > size))
		return SIM_DONE;
	if (!x->x_h) {
		if (end < size)
			size = end;
		if (ip->i_disksize >= size)
			return SIM_DONE;
		x->x_new_size = size;
	}
	return __pc_raise_disksize(s, t, x, x->x_new_size);
}

/* ext4_truncate_folio: if [start, end) holds a whole block of the folio at
 * start, write-protect the folio (folio_mkclean; a cleaned PTE moves its
 * dirtiness to the folio) so the next store faults and reserves again.
 * False when t sleeps on the folio lock. */
static bool ext4_truncate_folio(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				uint64_t start, uint64_t end)
{
	struct pc_world *w = ip->i_w;
	uint32_t index = (uint32_t)(start / PC_PAGE_SIZE);
	struct pc_folio *f;

	if (round_up_to(start, w->w_bs) >= round_down_to(end, w->w_bs) || index >= ip->i_npages)
		return true;
	f = __pc_folio(ip, index);
	if (!(f->f_flags & PC_F_CACHED))
		return true;
	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return false;
	if (__pc_folio_mkclean(s, ip, index))
		__pc_folio_mark_dirty(s, ip, index, (uint8_t)((1u << w->w_bpp) - 1));
	__pc_folio_unlock(s, t, f);
	return true;
}

/* ext4_truncate_page_cache_block_range(start, end): with blocks smaller than
 * a page, write-protect the partial folios at both ends (phases 0, 1); then
 * truncate_pagecache_range, which waits for writeback (phase 2). */
PC_STEP(__pc_st_ext4_truncate_page_cache_block_range)
{
	struct pc_opctx *x = arg;
	struct pc_inode *ip = x->x_ip;
	uint64_t start, end, pb;
	bool partial;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	pb = round_up_to(start, PC_PAGE_SIZE);
	partial = ((start | end) % PC_PAGE_SIZE) && x->x_w->w_bs < PC_PAGE_SIZE &&
		  start < ip->i_size;
	if (x->x_fphase == 0) {
		if (partial && !ext4_truncate_folio(s, t, ip, start, end < pb ? end : pb))
			return SIM_BLOCKED;
		x->x_fphase = 1;
	}
	if (x->x_fphase == 1) {
		if (partial && end > pb &&
		    !ext4_truncate_folio(s, t, ip, round_down_to(end, PC_PAGE_SIZE), end))
			return SIM_BLOCKED;
		x->x_fphase = 2;
	}
	if (!__pc_truncate_pagecache_range(s, t, ip, start, end, &x->x_tcursor))
		return SIM_BLOCKED;
	x->x_fphase = 0;
	return SIM_DONE;
}

/* ext4_block_zero_range for [from, from + len) inside one block:
 * ext4_load_tail_bh finds the block's buffer; a hole is left alone;
 * otherwise the block is read if it is not uptodate, the bytes are zeroed
 * in the cache and the buffer is dirtied. False when t sleeps.
 * ext4 (mainline 6.18): the caller's handle makes a written block's zeroed
 * range ordered data (__ext4_block_zero_page_range ->
 * ext4_jbd2_inode_add_write, fs/ext4/inode.c); the 2026 series dropped the
 * handle from ext4_zero_partial_blocks and orders only a truncate down's
 * partial block, so ext4-iomap does not. The model takes its own handle
 * for it after the zeroing (x->x_zphase 1: zeroed, the handle is due). */
static bool ext4_block_zero_range(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				  uint64_t from, uint64_t len)
{
	struct pc_inode *ip = x->x_ip;
	struct pc_world *w = ip->i_w;
	uint32_t b = __pc_blk_of(w, from), index = (uint32_t)(from / PC_PAGE_SIZE);
	uint64_t max = w->w_bs - from % w->w_bs, fpos = (uint64_t)index * PC_PAGE_SIZE;
	uint8_t bit = (uint8_t)(1u << (b % w->w_bpp));
	struct pc_folio *f;

	if (len > max)
		len = max;
	if (x->x_zphase == 1)
		goto order;
	if (b >= ip->i_nblocks || ip->i_map[b].e_state == EXT_HOLE)
		return true;
	f = __pc_folio(ip, index);
	if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
		return false;
	__pc_folio_get(s, ip, index);
	__pc_folio_read_blocks(s, ip, index, bit);
	__pc_folio_zero(ip, index, (uint32_t)(from - fpos), (uint32_t)(from + len - fpos));
	__pc_folio_mark_dirty(s, ip, index, bit);
	__pc_folio_unlock(s, t, f);
	if (w->w_k.k_profile != PC_PROF_EXT4 || ip->i_map[b].e_state != EXT_WRITTEN)
		return true;
	x->x_zphase = 1;
order:
	if (!__pc_journal_start(s, t, x))
		return false;
	jbd2_journal_inode_ranged_write(w->w_j, x->x_h, &ip->i_jinode, from, len);
	__pc_journal_stop(s, x);
	x->x_zphase = 0;
	return true;
}

/* ext4_zero_partial_blocks(offset, len): the partial block at the start
 * (phase 0; the whole job if the range lies inside one block) and at the
 * end (phase 1). */
PC_STEP(__pc_st_ext4_zero_partial_blocks)
{
	struct pc_opctx *x = arg;
	uint64_t bs = x->x_w->w_bs, start, end, last;
	bool one;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	last = end - 1;
	one = start / bs == last / bs;
	if (x->x_fphase == 0) {
		if (one && (start % bs || last % bs != bs - 1)) {
			if (!ext4_block_zero_range(s, t, x, start, end - start))
				return SIM_BLOCKED;
			return SIM_DONE;
		}
		if (start % bs && !ext4_block_zero_range(s, t, x, start, bs))
			return SIM_BLOCKED;
		x->x_fphase = 1;
	}
	if (!one && last % bs != bs - 1 &&
	    !ext4_block_zero_range(s, t, x, last - last % bs, last % bs + 1))
		return SIM_BLOCKED;
	x->x_fphase = 0;
	return SIM_DONE;
}

/* ext4_punch_hole, last part: in a handle, remove the whole blocks of the
 * range (ext4_es_remove_extent + ext4_ext_remove_space: written, unwritten
 * and delalloc alike) and log the inode. */
PC_STEP(__pc_st_ext4_ext_remove_space)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	uint64_t start, end;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	if (!__pc_journal_start(s, t, x))
		return SIM_BLOCKED;
	__pc_free_range(s, x->x_ip, (uint32_t)(round_up_to(start, w->w_bs) / w->w_bs),
			(uint32_t)(end / w->w_bs), x->x_h);
	record_erase(s, x, start, end);
	__pc_mark_inode_dirty(s, x->x_ip, x->x_h, true);
	__pc_journal_stop(s, x);
	return SIM_DONE;
}

/* ext4_zero_range's ext4_alloc_file_blocks(CONVERT_UNWRITTEN) over the
 * whole blocks inside the range, in a handle: written extents become
 * unwritten on the same disk blocks (they read as zeros, nothing is freed),
 * holes and delalloc get unwritten blocks. The cache over them was dropped
 * by the step before. */
PC_STEP(__pc_st_ext4_zero_range_convert)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	struct pc_inode *ip = x->x_ip;
	uint64_t start, end;
	uint32_t b0, b1;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	b0 = (uint32_t)(round_up_to(start, w->w_bs) / w->w_bs);
	b1 = (uint32_t)(end / w->w_bs);
	if (b0 < b1) {
		if (!__pc_journal_start(s, t, x))
			return SIM_BLOCKED;
		for (uint32_t b = b0; b < b1 && b < ip->i_nblocks; b++)
			if (ip->i_map[b].e_state == EXT_WRITTEN) {
				ip->i_map[b].e_state = EXT_UNWRITTEN;
				__pc_mark_inode_dirty(s, ip, x->x_h, true);
			}
		__pc_zero_eof_forget(s, ip, b0, b1, x->x_h);
		x->x_err = __pc_alloc_range(s, ip, b0, b1, EXT_UNWRITTEN, x->x_h);
		/* in the handle: ext4_zero_range zeroes the range in its own
		 * transaction (the oracle stamps the erase with it) */
		record_erase(s, x, start, end);
		__pc_journal_stop(s, x);
		return SIM_DONE;
	}
	record_erase(s, x, start, end);
	return SIM_DONE;
}

/* ---- xfs_free_file_space ---- */

/* xfs_flush_unmap_range: write and wait the range rounded out to pages
 * (phase 0), then drop those pages, waiting for their writeback (phase 1).
 * The partial folios go too, so no PTE of the range stays writable. */
PC_STEP(__pc_st_xfs_flush_unmap_range)
{
	struct pc_opctx *x = arg;
	uint64_t start, end, rs, re;
	enum sim_ret r;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	rs = round_down_to(start, PC_PAGE_SIZE);
	re = round_up_to(end, PC_PAGE_SIZE);
	if (x->x_fphase == 0) {
		r = __pc_write_and_wait(s, t, x, rs, re - 1, true);
		if (r != SIM_DONE)
			return r;
		x->x_fphase = 1;
	}
	if (!__pc_truncate_pagecache_range(s, t, x->x_ip, rs, re, &x->x_tcursor))
		return SIM_BLOCKED;
	x->x_fphase = 0;
	return SIM_DONE;
}

/* xfs_unmap_extent over the whole blocks of the range (past EOF too), in a
 * transaction; none if the range holds no whole block. */
PC_STEP(__pc_st_xfs_unmap_extent)
{
	struct pc_opctx *x = arg;
	struct pc_world *w = x->x_w;
	uint64_t start, end;
	uint32_t b0, b1;

	if (!op_range(x, &start, &end))
		return SIM_DONE;
	b0 = (uint32_t)(round_up_to(start, w->w_bs) / w->w_bs);
	b1 = (uint32_t)(end / w->w_bs);
	if (b0 < b1) {
		if (!__pc_journal_start(s, t, x))
			return SIM_BLOCKED;
		__pc_free_range(s, x->x_ip, b0, b1, x->x_h);
		__pc_mark_inode_dirty(s, x->x_ip, x->x_h, true);
		__pc_journal_stop(s, x);
	}
	record_erase(s, x, start, end);
	return SIM_DONE;
}

/* xfs_free_file_space, then: xfs_zero_range (iomap_zero_range) over the
 * part of the range inside EOF, which zeroes the partial blocks at the
 * edges through the cache (the whole blocks are holes now, skipped). */
PC_STEP(__pc_st_xfs_free_zero_range)
{
	struct pc_opctx *x = arg;
	uint64_t start, end, isize = x->x_ip->i_size;
	bool dz = false;

	if (!op_range(x, &start, &end) || start >= isize)
		return SIM_DONE;
	if (end > isize)
		end = isize;
	return __pc_zero_range_step(s, t, x, start, end - start, &dz);
}

/* ... and if the range reached EOF inside a page, write and wait from that
 * page on (the post-EOF part of the EOF page is zeroed by its writeback). */
PC_STEP(__pc_st_xfs_free_flush_eof)
{
	struct pc_opctx *x = arg;
	uint64_t start, end, isize = x->x_ip->i_size;

	if (!op_range(x, &start, &end) || start >= isize || end < isize ||
	    isize % PC_PAGE_SIZE == 0)
		return SIM_DONE;
	return __pc_write_and_wait(s, t, x, round_down_to(isize, PC_PAGE_SIZE), UINT64_MAX / 2,
				   true);
}
