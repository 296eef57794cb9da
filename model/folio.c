/* SPDX-License-Identifier: MIT */
/*
 * model/folio.c - the page cache: folios of PC_PAGE_SIZE bytes with their
 * flags and per-block state, and the mm helpers that act on them
 * (mm/filemap.c, mm/truncate.c, mm/rmap.c, mm/page-writeback.c).
 *
 *   absent --__pc_folio_get--> cached (locked by the getter's step)
 *   cached, !uptodate --read / zero of every block--> uptodate
 *   clean --__pc_folio_mark_dirty--> dirty (per-block dirty bits set)
 *   dirty --folio_clear_dirty_for_io (writeback.c)--> writeback --end--> clean
 *
 * Holds (pc_folio_check): a dirty folio is cached; a block marked dirty is
 * uptodate; writeback implies at least one bio in flight.
 */
#include <assert.h>
#include <string.h>

#include "model/model_priv.h"

struct pc_folio *__pc_folio(struct pc_inode *ip, uint32_t index)
{
	assert(index < ip->i_npages);
	return &ip->i_folios[index];
}

static bool pc_folio_check(const struct pc_folio *f, uint32_t bpp)
{
	uint8_t all = (uint8_t)((1u << bpp) - 1);

	if ((f->f_flags & PC_F_DIRTY) && !(f->f_flags & PC_F_CACHED))
		return false;
	if ((f->f_flags & PC_F_WRITEBACK) && f->f_wb_bios == 0)
		return false;
	return (f->f_bdirty & ~f->f_buptodate & all) == 0;
}

bool __pc_folio_lock(struct sim *s, struct sim_task *t, struct pc_folio *f)
{
	return sim_down_write(s, t, &f->f_lock);
}

void __pc_folio_unlock(struct sim *s, struct sim_task *t, struct pc_folio *f)
{
	sim_up_write(s, t, &f->f_lock);
}

bool __pc_folio_locked_by(const struct pc_folio *f, const struct sim_task *t)
{
	return sim_rwsem_held_excl(&f->f_lock, t);
}

/* Read blocks (mask) of the folio from their backing: holes, delalloc and
 * unwritten blocks read as zeros; written blocks from the disk
 * (mpage_read_folio / iomap_read_folio, synchronous in the model). */
void __pc_folio_read_blocks(struct sim *s, struct pc_inode *ip, uint32_t index, uint8_t mask)
{
	struct pc_world *w = ip->i_w;
	struct pc_folio *f = __pc_folio(ip, index);

	for (uint32_t k = 0; k < w->w_bpp; k++) {
		uint32_t b = index * w->w_bpp + k;
		const struct pc_extent *e;

		if (!(mask & (1u << k)) || (f->f_buptodate & (1u << k)))
			continue;
		e = &ip->i_map[b];
		if (e->e_state == EXT_WRITTEN)
			memcpy(f->f_data + k * w->w_bs, pc_disk_read(w->w_disk, e->e_pblk),
			       w->w_bs * sizeof(pc_tag_t));
		else
			memset(f->f_data + k * w->w_bs, 0, w->w_bs * sizeof(pc_tag_t));
		f->f_buptodate |= (uint8_t)(1u << k);
	}
	if (f->f_buptodate == (uint8_t)((1u << w->w_bpp) - 1))
		f->f_flags |= PC_F_UPTODATE;
}

/* filemap_get_folio(FGP_CREAT): make the folio cached (not uptodate). */
void __pc_folio_get(struct sim *s, struct pc_inode *ip, uint32_t index)
{
	struct pc_folio *f = __pc_folio(ip, index);

	if (!(f->f_flags & PC_F_CACHED)) {
		f->f_flags = PC_F_CACHED;
		f->f_bdirty = 0;
		f->f_buptodate = 0;
		f->f_bfailed = 0;
		f->f_lead = 0;
		f->f_span = 0;
	}
}

/*
 * Large folios. A buffered write that finds no folio at pos asks
 * __filemap_get_folio for one of order fgf_set_order(len): log2 of the bytes
 * the write still has from pos (capped by the 2 MiB chunk the write loop
 * works in: generic_perform_write, iomap_write_iter), less PAGE_SHIFT; a
 * folio starts at pos's page and is naturally aligned, so the order drops to
 * __ffs(index) for an unaligned index; where a page of it is already in the
 * cache filemap_add_folio fails and the next lower order is tried. ext4
 * (6.16+, ext4_should_enable_large_folio) and XFS allow large folios on
 * regular files; knob large_folios=off gives single pages.
 *
 * What the model takes from it: writeback, its waits and the dirty check of
 * iomap_zero_range work on whole folios (a ranged sync writes the whole
 * folio around its range, as filemap_get_folios_tag returns it), and a
 * truncate or punch splits a large folio it touches (truncate_inode_partial_
 * folio -> split_folio). Simplified (docs/model.md section 7): locks,
 * uptodate and dirty state stay per page, and reads, faults and readahead
 * create single pages.
 */
void __pc_folio_get_write(struct sim *s, struct pc_inode *ip, uint64_t pos, uint64_t len)
{
	uint32_t index = (uint32_t)(pos / PC_PAGE_SIZE);
	uint64_t chunk = (uint64_t)PC_PAGE_SIZE << PC_MAX_FOLIO_ORDER;
	uint64_t bytes = len < chunk - pos % chunk ? len : chunk - pos % chunk;
	unsigned order = 0, n;

	if (ip->i_folios[index].f_flags & PC_F_CACHED)
		return;		/* the folio there is returned, whatever its order */
	if (ip->i_w->w_k.k_large_folios && bytes) {
		unsigned shift = 63u - (unsigned)__builtin_clzll(bytes);

		order = shift > PC_PAGE_SHIFT ? shift - PC_PAGE_SHIFT : 0;
		if (order > PC_MAX_FOLIO_ORDER)
			order = PC_MAX_FOLIO_ORDER;
		if (index & ((1u << order) - 1))
			order = (unsigned)__builtin_ctz(index);
	}
	for (;; order--) {
		bool free = index + (1u << order) <= ip->i_npages;

		for (uint32_t i = index + 1; free && i < index + (1u << order); i++)
			free = ip->i_folios[i].f_flags == 0;
		if (free || order == 0)
			break;
	}
	n = 1u << order;
	for (uint32_t i = index; i < index + n; i++) {
		__pc_folio_get(s, ip, i);
		ip->i_folios[i].f_lead = (uint16_t)(i - index);
		ip->i_folios[i].f_span = (uint16_t)(n > 1 ? n : 0);
	}
}

uint32_t __pc_folio_bounds(const struct pc_inode *ip, uint32_t index, uint32_t *head)
{
	const struct pc_folio *f = &ip->i_folios[index];

	if (!(f->f_flags & PC_F_CACHED) || f->f_span <= 1) {
		*head = index;
		return 1;
	}
	*head = index - f->f_lead;
	return f->f_span;
}

/* split_folio of every large folio that [start, end) touches. */
void __pc_folio_split_range(struct pc_inode *ip, uint64_t start, uint64_t end)
{
	uint64_t stop = (uint64_t)ip->i_npages * PC_PAGE_SIZE;

	end = end < stop ? end : stop;
	for (uint64_t p = start / PC_PAGE_SIZE; p * PC_PAGE_SIZE < end; p++) {
		uint32_t head, n = __pc_folio_bounds(ip, (uint32_t)p, &head);

		for (uint32_t i = head; n > 1 && i < head + n; i++)
			ip->i_folios[i].f_lead = ip->i_folios[i].f_span = 0;
	}
}

/* [*start, *end] (bytes, inclusive) out to the folios at its ends. */
void __pc_folio_round(const struct pc_inode *ip, uint64_t *start, uint64_t *end)
{
	uint32_t head, n;

	if (*start > *end || *start / PC_PAGE_SIZE >= ip->i_npages)
		return;
	__pc_folio_bounds(ip, (uint32_t)(*start / PC_PAGE_SIZE), &head);
	*start = (uint64_t)head * PC_PAGE_SIZE < *start ? (uint64_t)head * PC_PAGE_SIZE : *start;
	if (*end / PC_PAGE_SIZE >= ip->i_npages)
		return;
	n = __pc_folio_bounds(ip, (uint32_t)(*end / PC_PAGE_SIZE), &head);
	if ((uint64_t)(head + n) * PC_PAGE_SIZE - 1 > *end)
		*end = (uint64_t)(head + n) * PC_PAGE_SIZE - 1;
}

/* filemap_dirty_folio / block_dirty_folio: the folio and the blocks in
 * bmask become dirty; the inode joins the flusher's dirty list. */
void __pc_folio_mark_dirty(struct sim *s, struct pc_inode *ip, uint32_t index, uint8_t bmask)
{
	struct pc_folio *f = __pc_folio(ip, index);

	assert(f->f_flags & PC_F_CACHED);
	f->f_bdirty |= bmask & f->f_buptodate;
	f->f_bfailed &= (uint8_t)~bmask;	/* new data: the next fsync covers it */
	f->f_flags |= PC_F_DIRTY;
	__pc_inode_dirtied(s, ip);
	assert(pc_folio_check(f, ip->i_w->w_bpp));
}

/* folio_zero_range: bytes [from, to) of the folio (offsets in the folio). */
void __pc_folio_zero(struct pc_inode *ip, uint32_t index, uint32_t from, uint32_t to)
{
	struct pc_folio *f = __pc_folio(ip, index);

	if (to > PC_PAGE_SIZE)
		to = PC_PAGE_SIZE;
	if (from < to)
		memset(f->f_data + from, 0, (to - from) * sizeof(pc_tag_t));
}

/* folio_mkclean (mm/rmap.c): write-protect and clean the shared PTE of the
 * folio; returns how many PTEs were dirty or writable. Needs the folio lock. */
unsigned __pc_folio_mkclean(struct sim *s, struct pc_inode *ip, uint32_t index)
{
	struct pc_pte *p = &ip->i_pte[index];
	unsigned n = 0;

	if (p->p_present && (p->p_writable || p->p_dirty))
		n = 1;
	p->p_writable = false;
	p->p_dirty = false;
	return n;
}

/* folio_end_writeback for one completed bio covering the folio. */
void __pc_folio_end_writeback(struct sim *s, struct pc_inode *ip, uint32_t index)
{
	struct pc_folio *f = __pc_folio(ip, index);

	assert(f->f_wb_bios > 0);
	if (--f->f_wb_bios == 0) {
		f->f_flags &= (uint8_t)~PC_F_WRITEBACK;
		sim_wake_all(s, &f->f_wb_wq);
	}
}

/* folio_wait_writeback: true if not under writeback, else t sleeps. */
bool __pc_folio_wait_writeback(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			       uint32_t index)
{
	struct pc_folio *f = __pc_folio(ip, index);

	if (!(f->f_flags & PC_F_WRITEBACK))
		return true;
	sim_wait(s, t, &f->f_wb_wq);
	return false;
}

/* folio_wait_stable (mm/page-writeback.c): on a device that needs stable
 * pages (knob stable_pages=on), wait for the folio's writeback to end
 * before changing its bytes; otherwise return at once (the device reads
 * the pages when it does, disk.c device_read_pages). True if t may go on,
 * false if it sleeps. */
bool __pc_folio_wait_stable(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			    uint32_t index)
{
	if (!ip->i_w->w_k.k_stable_pages)
		return true;
	return __pc_folio_wait_writeback(s, t, ip, index);
}

/*
 * pagecache_isize_extended (mm/truncate.c), called after i_size became
 * `to`, with i_rwsem held:
 *   1. return if from >= to or block size >= page size;
 *   2. r = round_up(from, bs); return if to <= r or r is page aligned;
 *   3. lock the folio at from; return if it is not cached;
 *   4. if folio_mkclean() cleaned a PTE, folio_mark_dirty();
 *   5. (mkclean+zero, since 2024) if dirty, zero [from, min(to, folio end));
 *   6. unlock. No I/O.
 * Knob isize_extended: off does nothing (the bug), mkclean stops after 4.
 * *blocked is set when the folio lock could not be taken (t sleeps).
 */
void __pc_pagecache_isize_extended(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				   uint64_t from, uint64_t to, bool *blocked)
{
	struct pc_world *w = ip->i_w;
	uint64_t r;
	uint32_t index;
	struct pc_folio *f;

	*blocked = false;
	if (w->w_k.k_isize_extended == PC_ISX_OFF)
		return;
	if (from >= to || w->w_bs >= PC_PAGE_SIZE)
		return;
	r = (from + w->w_bs - 1) / w->w_bs * w->w_bs;
	if (to <= r || r % PC_PAGE_SIZE == 0)
		return;
	index = (uint32_t)(from / PC_PAGE_SIZE);
	if (index >= ip->i_npages)
		return;
	f = __pc_folio(ip, index);
	if (!(f->f_flags & PC_F_CACHED))
		return;
	if (!__pc_folio_lock(s, t, f)) {
		*blocked = true;
		return;
	}
	if (__pc_folio_mkclean(s, ip, index))
		__pc_folio_mark_dirty(s, ip, index, (uint8_t)((1u << w->w_bpp) - 1));
	if (w->w_k.k_isize_extended == PC_ISX_MKCLEAN_ZERO && (f->f_flags & PC_F_DIRTY)) {
		uint64_t fend = (uint64_t)(index + 1) * PC_PAGE_SIZE;
		uint64_t zend = to < fend ? to : fend;

		__pc_folio_zero(ip, index, (uint32_t)(from % PC_PAGE_SIZE),
				(uint32_t)(zend - (uint64_t)index * PC_PAGE_SIZE));
		__pc_oracle_extend(s, ip, from, zend - from);
	}
	__pc_folio_unlock(s, t, f);
	sim_trace(s, SIM_TR_MODEL, t->t_id, "pagecache_isize_extended", from, to);
}

/* Drop folio index from the cache (truncate_inode_folio). Dirty data goes
 * with it (latency.c counts it as thrown away). */
static void folio_evict(struct sim *s, struct pc_inode *ip, uint32_t index)
{
	struct pc_folio *f = __pc_folio(ip, index);
	uint32_t bpp = ip->i_w->w_bpp;

	__pc_folio_split_range(ip, (uint64_t)index * PC_PAGE_SIZE, (uint64_t)(index + 1) * PC_PAGE_SIZE);
	for (uint32_t k = 0; k < bpp; k++)
		if ((f->f_bdirty & (1u << k)) || ip->i_pte[index].p_dirty)
			__pc_lat_discard(s, ip, index * bpp + k);

	f->f_flags &= PC_F_WRITEBACK;	/* writeback finishes on its own */
	if (!(f->f_flags & PC_F_WRITEBACK))
		f->f_flags = 0;
	f->f_bdirty = 0;
	f->f_buptodate = 0;
	f->f_bfailed = 0;
	ip->i_pte[index].p_present = false;
	ip->i_pte[index].p_writable = false;
	ip->i_pte[index].p_dirty = false;
}

/*
 * truncate_inode_pages_range (mm/truncate.c) over the bytes [start, end):
 * a folio wholly inside is dropped (with its PTE: unmap_mapping_range
 * unmaps whole pages only), a folio the range covers partly has the
 * covered bytes zeroed in the cache (truncate_inode_partial_folio; its
 * dirty state and its PTE stay). Each folio is locked first and its
 * writeback waited for (folio_wait_writeback, with the folio locked, as the
 * kernel does): the I/O and, for unwritten or appending ioends, the end_io
 * work that converts the extent, since writeback ends only after it. So no
 * ioend of the old contents is still in flight once the range's blocks are
 * freed, reused or converted.
 *
 * The kernel drops clean, unlocked folios in a first pass and waits for the
 * others in a second; the model walks once in index order (the same end
 * state, and the caller holds i_rwsem and the invalidate lock, so nobody
 * adds folios meanwhile). Returns false when t sleeps (on a folio lock or a
 * folio's writeback); *cursor (0 before the first call) keeps the next page
 * + 1 across the sleeps so a folio is never zeroed twice, and is 0 again
 * when it returns true.
 */
bool __pc_truncate_pagecache_range(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				   uint64_t start, uint64_t end, uint32_t *cursor)
{
	uint64_t stop = (uint64_t)ip->i_npages * PC_PAGE_SIZE;

	if (end > stop)
		end = stop;
	if (start >= end) {
		*cursor = 0;
		return true;
	}
	if (*cursor == 0) {
		*cursor = (uint32_t)(start / PC_PAGE_SIZE) + 1;
		__pc_folio_split_range(ip, start, end);	/* truncate_inode_partial_folio */
	}
	while ((uint64_t)(*cursor - 1) * PC_PAGE_SIZE < end) {
		uint32_t i = *cursor - 1;
		uint64_t ps = (uint64_t)i * PC_PAGE_SIZE, pe = ps + PC_PAGE_SIZE;
		struct pc_folio *f = __pc_folio(ip, i);

		assert(i < ip->i_npages);
		if (f->f_flags & PC_F_CACHED) {
			if (!__pc_folio_locked_by(f, t) && !__pc_folio_lock(s, t, f))
				return false;
			if (!__pc_folio_wait_writeback(s, t, ip, i))
				return false;	/* the folio stays locked */
			if (start <= ps && end >= pe) {
				folio_evict(s, ip, i);
			} else {
				uint64_t a = start > ps ? start : ps, b = end < pe ? end : pe;

				__pc_folio_zero(ip, i, (uint32_t)(a - ps), (uint32_t)(b - ps));
			}
			__pc_folio_unlock(s, t, f);
		} else if (start <= ps && end >= pe) {
			folio_evict(s, ip, i);	/* no folio: only the PTE */
		}
		(*cursor)++;
	}
	*cursor = 0;
	return true;
}

/*
 * truncate_pagecache (mm/truncate.c): the range [newsize, end of the
 * modelled file): whole pages past the new EOF page are unmapped and
 * dropped, [newsize, folio end) of the partial folio is zeroed in the
 * cache and its PTE stays (writable or not). Waits as
 * __pc_truncate_pagecache_range does.
 */
bool __pc_truncate_pagecache(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			     uint64_t newsize, uint32_t *cursor)
{
	return __pc_truncate_pagecache_range(s, t, ip, newsize,
					     (uint64_t)ip->i_npages * PC_PAGE_SIZE, cursor);
}

/* Copy a write's data into the cache for [off, off+len) (the folio is
 * locked by the caller, copy_folio_from_iter_atomic). */
void __pc_copy_in(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len, pc_tag_t src)
{
	for (uint64_t o = off; o < off + len; o++) {
		struct pc_folio *f = __pc_folio(ip, (uint32_t)(o / PC_PAGE_SIZE));

		f->f_data[o % PC_PAGE_SIZE] = src;
	}
	__pc_lat_copy(s, ip, off, len, src);
}

/* filemap_range_needs_writeback: any folio in [start, end] dirty, locked
 * or under writeback. */
bool __pc_range_needs_writeback(const struct pc_inode *ip, uint64_t start, uint64_t end)
{
	__pc_folio_round(ip, &start, &end);
	for (uint64_t p = start / PC_PAGE_SIZE; p <= end / PC_PAGE_SIZE && p < ip->i_npages; p++) {
		const struct pc_folio *f = &ip->i_folios[p];

		if (f->f_flags & (PC_F_DIRTY | PC_F_WRITEBACK) || f->f_lock.rw_writer >= 0)
			return true;
	}
	return false;
}
