/* SPDX-License-Identifier: MIT */
/*
 * model/crash.c - crash states from the write log of one execution, the way
 * dm-log-writes' replay tool rebuilds a device at each mark
 * (Documentation/admin-guide/device-mapper/log-writes.rst), with the
 * durability rules of Documentation/block/writeback_cache_control.rst.
 *
 * Per write (one PC_WL_SUBMIT entry with PC_REQ_WRITE), as the crash point k
 * (number of log entries that happened) moves forward:
 *
 *            submit < k             complete < k, status 0
 *   UNSEEN -------------> INFLIGHT -------------------------> VOLATILE
 *                            |  (FUA, or cache=none)              |
 *                            +------------------> DURABLE <--------+
 *                                                       a PREFLUSH bio submitted
 *                                                       after the completion has
 *                                                       completed (status 0) < k
 *
 * A write whose completion in the log carries an error is never applied at
 * any crash point (the disk decided the fault at submission: it never
 * reached the media). INFLIGHT and VOLATILE writes are the *uncertain* ones.
 *
 * Image at crash point k for a subset S of the uncertain writes:
 *   base image, + DURABLE writes in completion order, + S in submission order.
 * S is first closed (sel_close): a REQ_PREFLUSH write in S brings in every
 * uncertain write that completed before it was submitted (its preflush ran
 * before its data reached the media). One pass is enough: what a forced
 * PREFLUSH write would force completed even earlier, so it is forced too.
 *
 * How it is kept fast (ARCHITECTURE: hundreds of thousands of states/s):
 *   - the durable image D is never copied: per block, it_dsrc names its
 *     provider (the base image, or the payload of the write that completed
 *     last among the durable ones: per-block winner = completion order,
 *     also when flushes make older writes durable late), updated as k
 *     advances;
 *   - the image hash is a sum over blocks of mix(block, hash(block)), the
 *     base's block hashes come from the disk (computed once at settle), so
 *     a candidate's hash costs O(blocks it overrides), and a duplicate is
 *     rejected before its image is built;
 *   - the image handed out is built from the previous one: the blocks the
 *     previous candidate wrote, those that became durable since and those
 *     the caller changed (pc_crash_touch: journal recovery runs in place)
 *     are brought back to D, then the candidate's writes are applied; one
 *     full copy per iterator (its first image);
 *   - a crash point whose durable and uncertain sets equal the previous
 *     point's yields only duplicates: they are counted, not rebuilt.
 *
 * Dedup scope (p_dedup): global by default, as above; PC_DEDUP_POINT
 * forgets the seen images at every crash point and produces every distinct
 * image of every point (needed for checks that depend on the point, see
 * crash.h), without the unchanged-point shortcut.
 *
 * Counting: every (crash point, subset) candidate is either a new state or a
 * duplicate (an image with the same hash was already produced, in scope), so
 * states + dups = candidates. `complete` is false as soon as one crash point
 * did not have every subset of its uncertain writes enumerated: sampled
 * (all-subsets beyond the bound, or sample mode) or prefix mode with two
 * uncertain writes or more.
 *
 * Subset plans, with u uncertain writes and bound m (p_max, 0 -> 4096):
 *   all-subsets: 2^u <= m: every mask 0 .. 2^u-1 (bit i = i-th uncertain
 *                write in submission order); else empty, full, each single,
 *                each all-but-one (always, even beyond m), then seeded random
 *                subsets up to m in total;
 *   prefix:      the first i uncertain writes, i = 0 .. u;
 *   sample:      2^u <= m: every mask; else m seeded random subsets;
 *   exact:       one subset, the uncertain writes whose bio id is in p_ids
 *                (each id that is uncertain at some visited point is marked
 *                matched; pc_crash_unmatched names one that never was).
 *                complete only when the point has no uncertain write.
 * The random subsets of a crash point depend on p_seed and on how many
 * times the sets changed before it, so identical points draw identical
 * samples.
 */
#include <stdlib.h>
#include <string.h>

#include "model/crash.h"

#define CRASH_DEFAULT_MAX	4096u
#define NONE			UINT32_MAX

enum cw_state { CW_UNSEEN = 0, CW_INFLIGHT, CW_VOLATILE, CW_DURABLE, CW_FAILED };

/* One bio of the log (writes and flushes). */
struct cw {
	uint32_t w_bio;
	uint32_t w_submit, w_complete;	/* log indices; w_complete NONE: never */
	int w_status;			/* final status */
	uint8_t w_op, w_flags, w_state;
	pc_blk_t w_blk;
	uint32_t w_nblk;
	uint32_t w_data;		/* payload offset (words) of the data the write
					 * holds at the cursor: the submission's while in
					 * flight, the completion's once completed */
	uint32_t w_bh;			/* index of its first block hash in it_bh (ditto) */
	uint32_t w_cdata, w_cbh;	/* the completion's (wl_dma: the device read the
					 * pages at completion, no stable pages) */
};

struct pc_crash_iter {
	const struct pc_disk *it_d;
	struct pc_persist it_p;
	uint32_t it_bs, it_nblocks;
	size_t it_words;
	bool it_volatile;

	struct cw *it_w;		/* bios in submission order */
	uint32_t it_nw;
	uint32_t *it_ent_w;		/* log entry -> index in it_w */
	uint64_t *it_bh;		/* per written block: FNV-1a of its data */

	/* cursor: state after it_cursor log entries */
	uint32_t it_cursor;
	const pc_tag_t *it_base;	/* the base image (the disk's) */
	uint32_t *it_dsrc;		/* D = base + durable writes, per block: payload
					 * offset (words) of its provider, NONE: base */
	uint64_t *it_dhash;		/* per block hash of D */
	uint32_t *it_dwin;		/* per block: completion index of the provider, NONE: base */

	/* the image handed out (it_cs.cs_image) is kept from one state to the
	 * next: the blocks where it may differ from D are listed */
	uint32_t *it_stale;		/* blocks to bring back to D */
	uint8_t *it_is_stale;
	uint32_t it_nstale;
	bool it_all_stale;
	uint64_t it_copied;		/* blocks copied into the image (statistics) */
	uint64_t it_dsum;		/* image hash of D */
	uint32_t *it_unc;		/* uncertain writes (it_w indices), submission order */
	uint32_t it_nunc;
	uint32_t *it_vol;		/* VOLATILE writes, completion order */
	uint32_t it_nvol;
	uint64_t it_gen;		/* how many times the sets changed */
	bool it_changed;

	/* the current crash point's plan */
	uint32_t it_k, it_next_k, it_to;
	uint64_t it_nplan, it_si;
	bool it_started;
	uint64_t it_rng;
	uint64_t *it_sel;		/* subset bitmap */
	uint32_t it_selwords;

	/* candidate hashing */
	uint32_t *it_ovgen;		/* per block: it_curgen when overridden */
	uint64_t *it_ovhash;
	uint32_t *it_touched;
	uint32_t it_ntouched, it_curgen;

	/* seen hashes: open addressing */
	uint64_t *it_set;
	uint8_t *it_used;
	size_t it_setcap, it_setn;

	uint64_t it_states, it_dups;
	bool it_complete;
	bool *it_matched;		/* exact: per p_ids entry, seen uncertain */
	struct pc_crash_state it_cs;
};

/* murmur3 fmix64 over (block, hash) */
static uint64_t blk_mix(uint64_t b, uint64_t h)
{
	uint64_t x = h ^ (b * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t blk_hash(const pc_tag_t *words, uint32_t bs)
{
	return pc_block_hash(words, bs);
}

/* ---- the seen set ---- */

static bool set_grow(struct pc_crash_iter *it)
{
	size_t ncap = it->it_setcap ? it->it_setcap * 2 : 1024;
	uint64_t *nset = calloc(ncap, sizeof(*nset));
	uint8_t *nused = calloc(ncap, 1);

	if (!nset || !nused) {
		free(nset);
		free(nused);
		return false;
	}
	for (size_t i = 0; i < it->it_setcap; i++) {
		size_t j;

		if (!it->it_used[i])
			continue;
		for (j = it->it_set[i] & (ncap - 1); nused[j]; j = (j + 1) & (ncap - 1))
			;
		nused[j] = 1;
		nset[j] = it->it_set[i];
	}
	free(it->it_set);
	free(it->it_used);
	it->it_set = nset;
	it->it_used = nused;
	it->it_setcap = ncap;
	return true;
}

/* Insert h; false if it was already there. */
static bool set_insert(struct pc_crash_iter *it, uint64_t h)
{
	size_t j;

	if (2 * (it->it_setn + 1) > it->it_setcap && !set_grow(it))
		abort();	/* out of memory after the run: nothing sensible left */
	for (j = h & (it->it_setcap - 1); it->it_used[j]; j = (j + 1) & (it->it_setcap - 1))
		if (it->it_set[j] == h)
			return false;
	it->it_used[j] = 1;
	it->it_set[j] = h;
	it->it_setn++;
	return true;
}

/* ---- building the per-bio table from the log ---- */

struct bio_ix {
	uint32_t bio, w;
};

static int cmp_bix(const void *a, const void *b)
{
	const struct bio_ix *x = a, *y = b;

	return x->bio < y->bio ? -1 : x->bio > y->bio ? 1 : (x->w > y->w) - (x->w < y->w);
}

static uint32_t find_bio(const struct bio_ix *ix, uint32_t n, uint32_t bio)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ix[mid].bio < bio)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ix[lo].bio == bio ? ix[lo].w : NONE;
}

static bool build_table(struct pc_crash_iter *it)
{
	const struct pc_disk *d = it->it_d;
	uint32_t len = pc_disk_wlog_len(d), nblk_total = 0, at = 0;
	struct bio_ix *ix;

	it->it_ent_w = calloc(len ? len : 1, sizeof(*it->it_ent_w));
	it->it_w = calloc(len ? len : 1, sizeof(*it->it_w));
	ix = calloc(len ? len : 1, sizeof(*ix));
	if (!it->it_ent_w || !it->it_w || !ix) {
		free(ix);
		return false;
	}
	for (uint32_t i = 0; i < len; i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(d, i);
		struct cw *w;

		it->it_ent_w[i] = NONE;
		if (e->wl_type != PC_WL_SUBMIT)
			continue;
		w = &it->it_w[it->it_nw];
		w->w_bio = e->wl_bio;
		w->w_submit = i;
		w->w_complete = NONE;
		w->w_op = e->wl_op;
		w->w_flags = e->wl_flags;
		w->w_blk = e->wl_blk;
		w->w_nblk = e->wl_op == PC_REQ_WRITE ? e->wl_nblk : 0;
		w->w_data = w->w_cdata = e->wl_data;
		nblk_total += w->w_nblk;
		ix[it->it_nw].bio = e->wl_bio;
		ix[it->it_nw].w = it->it_nw;
		it->it_ent_w[i] = it->it_nw++;
	}
	qsort(ix, it->it_nw, sizeof(*ix), cmp_bix);
	for (uint32_t i = 0; i < len; i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(d, i);
		uint32_t w;

		if (e->wl_type != PC_WL_COMPLETE)
			continue;
		w = find_bio(ix, it->it_nw, e->wl_bio);
		if (w == NONE || it->it_w[w].w_complete != NONE)
			continue;	/* not in this log: submitted before settle */
		it->it_w[w].w_complete = i;
		it->it_w[w].w_status = e->wl_status;
		if (e->wl_op == PC_REQ_WRITE && e->wl_status == 0 && e->wl_dma != NONE &&
		    e->wl_dma != it->it_w[w].w_data) {
			it->it_w[w].w_cdata = e->wl_dma;
			nblk_total += it->it_w[w].w_nblk;
		}
		it->it_ent_w[i] = w;
	}
	free(ix);
	it->it_bh = calloc(nblk_total ? nblk_total : 1, sizeof(*it->it_bh));
	if (!it->it_bh)
		return false;
	for (uint32_t w = 0; w < it->it_nw; w++) {
		struct cw *cw = &it->it_w[w];
		const pc_tag_t *data = cw->w_nblk ? pc_disk_wlog_data(d, cw->w_data) : NULL;

		cw->w_bh = cw->w_cbh = at;
		for (uint32_t j = 0; j < cw->w_nblk; j++)
			it->it_bh[at++] = blk_hash(data + (size_t)j * it->it_bs, it->it_bs);
		if (cw->w_cdata == cw->w_data)
			continue;
		data = pc_disk_wlog_data(d, cw->w_cdata);
		cw->w_cbh = at;
		for (uint32_t j = 0; j < cw->w_nblk; j++)
			it->it_bh[at++] = blk_hash(data + (size_t)j * it->it_bs, it->it_bs);
	}
	return true;
}

/* ---- the cursor: durable image and uncertain set after k entries ---- */

static void unc_remove(struct pc_crash_iter *it, uint32_t w)
{
	for (uint32_t i = 0; i < it->it_nunc; i++) {
		if (it->it_unc[i] != w)
			continue;
		memmove(&it->it_unc[i], &it->it_unc[i + 1], (it->it_nunc - i - 1) * sizeof(uint32_t));
		it->it_nunc--;
		return;
	}
}

static void make_durable(struct pc_crash_iter *it, uint32_t w)
{
	struct cw *cw = &it->it_w[w];

	cw->w_state = CW_DURABLE;
	unc_remove(it, w);
	for (uint32_t j = 0; j < cw->w_nblk; j++) {
		uint32_t b = cw->w_blk + j;
		uint64_t nh = it->it_bh[cw->w_bh + j];

		if (it->it_dwin[b] != NONE && it->it_dwin[b] > cw->w_complete)
			continue;	/* a later completion already provides it */
		it->it_dsrc[b] = cw->w_data + j * it->it_bs;
		pc_crash_touch(it, b);
		it->it_dsum += blk_mix(b, nh) - blk_mix(b, it->it_dhash[b]);
		it->it_dhash[b] = nh;
		it->it_dwin[b] = cw->w_complete;
	}
	it->it_changed = true;
}

/* A REQ_PREFLUSH bio f completed: every write that completed before f was
 * submitted is durable now. it_vol is in completion order. */
static void preflush_done(struct pc_crash_iter *it, const struct cw *f)
{
	uint32_t keep = 0;

	for (uint32_t i = 0; i < it->it_nvol; i++) {
		uint32_t w = it->it_vol[i];

		if (it->it_w[w].w_complete < f->w_submit)
			make_durable(it, w);
		else
			it->it_vol[keep++] = w;
	}
	it->it_nvol = keep;
}

/* Apply log entry number it_cursor and advance. */
static void cursor_step(struct pc_crash_iter *it)
{
	const struct pc_wlog_ent *e = pc_disk_wlog(it->it_d, it->it_cursor);
	uint32_t w = it->it_ent_w[it->it_cursor];
	struct cw *cw;

	it->it_cursor++;
	if (w == NONE)
		return;
	cw = &it->it_w[w];
	if (e->wl_type == PC_WL_SUBMIT) {
		if (cw->w_complete != NONE && cw->w_status != 0) {
			cw->w_state = CW_FAILED;
			return;
		}
		cw->w_state = CW_INFLIGHT;
		if (cw->w_op == PC_REQ_WRITE) {
			it->it_unc[it->it_nunc++] = w;
			it->it_changed = true;
		}
		return;
	}
	if (cw->w_state == CW_FAILED)
		return;
	if (cw->w_flags & PC_REQ_PREFLUSH)
		preflush_done(it, cw);
	if (cw->w_op != PC_REQ_WRITE)
		return;
	/* From its completion on, the write holds what the device read then
	 * (the same as submitted unless its pages changed in flight). */
	cw->w_data = cw->w_cdata;
	cw->w_bh = cw->w_cbh;
	if ((cw->w_flags & PC_REQ_FUA) || !it->it_volatile) {
		make_durable(it, w);
	} else {
		cw->w_state = CW_VOLATILE;
		it->it_vol[it->it_nvol++] = w;
	}
}

/* ---- subsets ---- */

static void sel_clear(struct pc_crash_iter *it)
{
	memset(it->it_sel, 0, it->it_selwords * sizeof(uint64_t));
}

static void sel_set(struct pc_crash_iter *it, uint32_t i)
{
	it->it_sel[i / 64] |= 1ULL << (i % 64);
}

static bool sel_test(const struct pc_crash_iter *it, uint32_t i)
{
	return it->it_sel[i / 64] & (1ULL << (i % 64));
}

static void sel_random(struct pc_crash_iter *it)
{
	uint32_t u = it->it_nunc;

	for (uint32_t wd = 0; wd < (u + 63) / 64; wd++)
		it->it_sel[wd] = sim_splitmix64(&it->it_rng);
	if (u % 64)
		it->it_sel[u / 64] &= (1ULL << (u % 64)) - 1;
}

static bool all_fit(uint32_t u, uint64_t m)
{
	return u < 63 && (1ULL << u) <= m;
}

/* Plan the current crash point: how many candidates, is it exhaustive. */
static void plan_point(struct pc_crash_iter *it)
{
	uint32_t u = it->it_nunc;
	uint64_t m = it->it_p.p_max ? it->it_p.p_max : CRASH_DEFAULT_MAX;
	uint64_t st = 2 + 2 * (uint64_t)u;

	it->it_si = 0;
	it->it_rng = it->it_p.p_seed ^ (it->it_gen * 0xd1b54a32d192ed03ULL);
	if (it->it_p.p_mode == PC_PERSIST_PREFIX) {
		it->it_nplan = (uint64_t)u + 1;
		if (u >= 2)
			it->it_complete = false;
	} else if (it->it_p.p_mode == PC_PERSIST_EXACT) {
		it->it_nplan = 1;
		if (u)
			it->it_complete = false;
	} else if (all_fit(u, m)) {
		it->it_nplan = 1ULL << u;
	} else if (it->it_p.p_mode == PC_PERSIST_SAMPLE) {
		it->it_nplan = m;
		it->it_complete = false;
	} else {
		it->it_nplan = m > st ? m : st;
		it->it_complete = false;
	}
}

/* A surviving REQ_PREFLUSH write implies its preflush ran: the device
 * performs the flush before the write, so every write that completed
 * before the flush bio was submitted is on the media too. Close the
 * selection under that rule (an impossible image is never checked). */
static void sel_close(struct pc_crash_iter *it)
{
	for (uint32_t i = 0; i < it->it_nunc; i++) {
		const struct cw *f = &it->it_w[it->it_unc[i]];

		if (!sel_test(it, i) || !(f->w_flags & PC_REQ_PREFLUSH))
			continue;
		for (uint32_t j = 0; j < it->it_nunc; j++) {
			const struct cw *o = &it->it_w[it->it_unc[j]];

			if (o->w_complete != NONE && o->w_complete < f->w_submit)
				sel_set(it, j);
		}
	}
}

/* Exact: select the uncertain writes named in p_ids (binary search: the
 * ids are increasing) and mark them matched. */
static void sel_exact(struct pc_crash_iter *it)
{
	for (uint32_t i = 0; i < it->it_nunc; i++) {
		uint32_t bio = it->it_w[it->it_unc[i]].w_bio, lo = 0, hi = it->it_p.p_nids;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (it->it_p.p_ids[mid] < bio)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < it->it_p.p_nids && it->it_p.p_ids[lo] == bio) {
			sel_set(it, i);
			it->it_matched[lo] = true;
		}
	}
}

/* Fill it_sel with candidate number si of the current plan. */
static void subset_for(struct pc_crash_iter *it, uint64_t si)
{
	uint32_t u = it->it_nunc;
	uint64_t m = it->it_p.p_max ? it->it_p.p_max : CRASH_DEFAULT_MAX;

	sel_clear(it);
	if (it->it_p.p_mode == PC_PERSIST_EXACT) {
		sel_exact(it);
	} else if (it->it_p.p_mode == PC_PERSIST_PREFIX) {
		for (uint32_t i = 0; i < si; i++)
			sel_set(it, i);
	} else if (all_fit(u, m)) {
		if (u)
			it->it_sel[0] = si;
	} else if (it->it_p.p_mode == PC_PERSIST_SAMPLE || si >= 2 + 2 * (uint64_t)u) {
		sel_random(it);
	} else if (si == 1) {
		for (uint32_t i = 0; i < u; i++)
			sel_set(it, i);
	} else if (si >= 2 && si < 2 + (uint64_t)u) {
		sel_set(it, (uint32_t)(si - 2));
	} else if (si >= 2 + (uint64_t)u) {
		for (uint32_t i = 0; i < u; i++)
			if (i != si - 2 - u)
				sel_set(it, i);
	}
	sel_close(it);
}

/* Hash of D with the selected uncertain writes applied (submission order:
 * the last selected writer of a block wins). */
static uint64_t candidate_hash(struct pc_crash_iter *it)
{
	uint64_t h = it->it_dsum;

	if (++it->it_curgen == 0) {
		memset(it->it_ovgen, 0, it->it_nblocks * sizeof(uint32_t));
		it->it_curgen = 1;
	}
	it->it_ntouched = 0;
	for (uint32_t i = 0; i < it->it_nunc; i++) {
		const struct cw *cw;

		if (!sel_test(it, i))
			continue;
		cw = &it->it_w[it->it_unc[i]];
		for (uint32_t j = 0; j < cw->w_nblk; j++) {
			uint32_t b = cw->w_blk + j;

			if (it->it_ovgen[b] != it->it_curgen) {
				it->it_ovgen[b] = it->it_curgen;
				it->it_touched[it->it_ntouched++] = b;
			}
			it->it_ovhash[b] = it->it_bh[cw->w_bh + j];
		}
	}
	for (uint32_t t = 0; t < it->it_ntouched; t++) {
		uint32_t b = it->it_touched[t];

		h += blk_mix(b, it->it_ovhash[b]) - blk_mix(b, it->it_dhash[b]);
	}
	return h;
}

/* D's contents of block b. */
static const pc_tag_t *d_block(const struct pc_crash_iter *it, uint32_t b)
{
	return it->it_dsrc[b] == NONE ? it->it_base + (size_t)b * it->it_bs
				      : pc_disk_wlog_data(it->it_d, it->it_dsrc[b]);
}

void pc_crash_touch(struct pc_crash_iter *it, uint32_t b)
{
	if (b >= it->it_nblocks || it->it_is_stale[b])
		return;
	it->it_is_stale[b] = 1;
	it->it_stale[it->it_nstale++] = b;
}

void pc_crash_touch_all(struct pc_crash_iter *it)
{
	it->it_all_stale = true;
}

/* Bring the image back to D: only the blocks listed since the last time
 * (a candidate's writes, blocks that became durable, what the caller
 * changed), unless the caller changed it wholesale. */
static void image_to_d(struct pc_crash_iter *it)
{
	pc_tag_t *img = it->it_cs.cs_image;
	size_t bw = (size_t)it->it_bs;

	if (it->it_all_stale) {
		for (uint32_t b = 0; b < it->it_nblocks; b++)
			memcpy(img + b * bw, d_block(it, b), bw * sizeof(pc_tag_t));
		it->it_copied += it->it_nblocks;
		it->it_all_stale = false;
	} else {
		for (uint32_t i = 0; i < it->it_nstale; i++) {
			uint32_t b = it->it_stale[i];

			memcpy(img + b * bw, d_block(it, b), bw * sizeof(pc_tag_t));
		}
		it->it_copied += it->it_nstale;
	}
	for (uint32_t i = 0; i < it->it_nstale; i++)
		it->it_is_stale[it->it_stale[i]] = 0;
	it->it_nstale = 0;
}

static void materialize(struct pc_crash_iter *it, uint64_t h)
{
	struct pc_crash_state *cs = &it->it_cs;

	image_to_d(it);
	cs->cs_point = it->it_k;
	cs->cs_nuncertain = it->it_nunc;
	cs->cs_nsurvivors = 0;
	cs->cs_survivors_cut = false;
	cs->cs_hash = h;
	for (uint32_t i = 0; i < it->it_nunc; i++) {
		const struct cw *cw;

		if (!sel_test(it, i))
			continue;
		cw = &it->it_w[it->it_unc[i]];
		memcpy(cs->cs_image + (size_t)cw->w_blk * it->it_bs,
		       pc_disk_wlog_data(it->it_d, cw->w_data),
		       (size_t)cw->w_nblk * it->it_bs * sizeof(pc_tag_t));
		it->it_copied += cw->w_nblk;
		for (uint32_t j = 0; j < cw->w_nblk; j++)
			pc_crash_touch(it, cw->w_blk + j);
		if (cs->cs_nsurvivors < PC_CRASH_MAX_SURVIVORS)
			cs->cs_survivors[cs->cs_nsurvivors++] = cw->w_bio;
		else
			cs->cs_survivors_cut = true;
	}
	/* Submission order is bio id order but for bios allocated and
	 * submitted out of order: keep the list increasing, as the
	 * language's survivors list is. */
	for (uint32_t i = 1; i < cs->cs_nsurvivors; i++)
		for (uint32_t j = i; j > 0 && cs->cs_survivors[j - 1] > cs->cs_survivors[j]; j--) {
			uint32_t t = cs->cs_survivors[j];

			cs->cs_survivors[j] = cs->cs_survivors[j - 1];
			cs->cs_survivors[j - 1] = t;
		}
}

/* ---- the public iterator ---- */

struct pc_crash_iter *pc_crash_iter_new(const struct pc_disk *d, uint32_t from, uint32_t to,
					const struct pc_persist *p)
{
	struct pc_crash_iter *it = calloc(1, sizeof(*it));
	uint32_t len = pc_disk_wlog_len(d);
	const pc_tag_t *base = pc_disk_base_image(d);
	const uint64_t *bh = pc_disk_base_hashes(d);

	if (!it)
		return NULL;
	it->it_d = d;
	it->it_p = *p;
	it->it_bs = pc_disk_bs(d);
	it->it_nblocks = pc_disk_nblocks(d);
	it->it_words = (size_t)it->it_bs * it->it_nblocks;
	it->it_volatile = pc_disk_volatile_cache(d);
	it->it_to = to < len ? to : len;
	it->it_next_k = from;
	it->it_complete = true;
	if (!build_table(it))
		goto fail;
	it->it_selwords = (it->it_nw + 63) / 64 + 1;
	it->it_base = base;
	it->it_dsrc = malloc(it->it_nblocks * sizeof(uint32_t));
	it->it_stale = malloc(it->it_nblocks * sizeof(uint32_t));
	it->it_is_stale = calloc(it->it_nblocks, 1);
	it->it_cs.cs_image = malloc(it->it_words * sizeof(pc_tag_t));
	it->it_dhash = malloc(it->it_nblocks * sizeof(uint64_t));
	it->it_dwin = malloc(it->it_nblocks * sizeof(uint32_t));
	it->it_ovgen = calloc(it->it_nblocks, sizeof(uint32_t));
	it->it_ovhash = malloc(it->it_nblocks * sizeof(uint64_t));
	it->it_touched = malloc(it->it_nblocks * sizeof(uint32_t));
	it->it_unc = malloc((it->it_nw + 1) * sizeof(uint32_t));
	it->it_vol = malloc((it->it_nw + 1) * sizeof(uint32_t));
	it->it_sel = calloc(it->it_selwords, sizeof(uint64_t));
	it->it_matched = calloc(p->p_nids ? p->p_nids : 1, sizeof(bool));
	if (!it->it_dsrc || !it->it_stale || !it->it_is_stale || !it->it_cs.cs_image || !it->it_dhash || !it->it_dwin ||
	    !it->it_ovgen || !it->it_ovhash || !it->it_touched || !it->it_unc || !it->it_vol ||
	    !it->it_sel || !it->it_matched || !set_grow(it))
		goto fail;
	/* the one full copy of an iterator: its image starts as the base */
	memcpy(it->it_cs.cs_image, base, it->it_words * sizeof(pc_tag_t));
	it->it_copied = it->it_nblocks;
	if (bh)
		memcpy(it->it_dhash, bh, it->it_nblocks * sizeof(uint64_t));
	for (uint32_t b = 0; b < it->it_nblocks; b++) {
		if (!bh)
			it->it_dhash[b] = blk_hash(base + (size_t)b * it->it_bs, it->it_bs);
		it->it_dwin[b] = NONE;
		it->it_dsrc[b] = NONE;
		it->it_dsum += blk_mix(b, it->it_dhash[b]);
	}
	return it;
fail:
	pc_crash_iter_free(it);
	return NULL;
}

static void set_clear(struct pc_crash_iter *it)
{
	if (it->it_setn)
		memset(it->it_used, 0, it->it_setcap);
	it->it_setn = 0;
}

/* Move to crash point it_next_k; false when past the range. */
static bool next_point(struct pc_crash_iter *it)
{
	uint64_t prev_plan = it->it_nplan;
	bool per_point = it->it_p.p_dedup == PC_DEDUP_POINT;

	if (it->it_next_k > it->it_to)
		return false;
	it->it_changed = false;
	while (it->it_cursor < it->it_next_k)
		cursor_step(it);
	it->it_k = it->it_next_k++;
	if (per_point)
		set_clear(it);
	if (it->it_changed || !it->it_started) {
		it->it_gen++;
		it->it_started = true;
		plan_point(it);
	} else if (per_point) {
		plan_point(it);		/* same sets, same seed: the same candidates */
	} else {
		/* Same durable image and uncertain set as the previous point:
		 * every candidate is a duplicate of one already produced. */
		it->it_dups += prev_plan;
		it->it_nplan = prev_plan;
		it->it_si = prev_plan;
	}
	return true;
}

const struct pc_crash_state *pc_crash_next(struct pc_crash_iter *it)
{
	for (;;) {
		uint64_t h;

		if (it->it_si >= it->it_nplan || !it->it_started) {
			if (!next_point(it))
				return NULL;
			continue;
		}
		subset_for(it, it->it_si++);
		h = candidate_hash(it);
		if (!set_insert(it, h)) {
			it->it_dups++;
			continue;
		}
		it->it_states++;
		materialize(it, h);
		return &it->it_cs;
	}
}

uint64_t pc_crash_range_hash(const struct pc_crash_iter *it, uint32_t first, uint32_t n)
{
	uint64_t h = 0;

	for (uint32_t b = first; b < first + n && b < it->it_nblocks; b++)
		h += blk_mix(b, it->it_ovgen[b] == it->it_curgen ? it->it_ovhash[b] : it->it_dhash[b]);
	return h;
}

uint64_t pc_crash_blocks_copied(const struct pc_crash_iter *it)
{
	return it->it_copied;
}

void pc_crash_counts(const struct pc_crash_iter *it, uint64_t *states, uint64_t *dups,
		     bool *complete)
{
	if (states)
		*states = it->it_states;
	if (dups)
		*dups = it->it_dups;
	if (complete)
		*complete = it->it_complete;
}

uint32_t pc_crash_unmatched(const struct pc_crash_iter *it)
{
	if (it->it_p.p_mode != PC_PERSIST_EXACT)
		return 0;
	for (uint32_t i = 0; i < it->it_p.p_nids; i++)
		if (!it->it_matched[i])
			return it->it_p.p_ids[i];
	return 0;
}

void pc_crash_iter_free(struct pc_crash_iter *it)
{
	if (!it)
		return;
	free(it->it_matched);
	free(it->it_w);
	free(it->it_ent_w);
	free(it->it_bh);
	free(it->it_dsrc);
	free(it->it_stale);
	free(it->it_is_stale);
	free(it->it_dhash);
	free(it->it_dwin);
	free(it->it_unc);
	free(it->it_vol);
	free(it->it_sel);
	free(it->it_ovgen);
	free(it->it_ovhash);
	free(it->it_touched);
	free(it->it_set);
	free(it->it_used);
	free(it->it_cs.cs_image);
	free(it);
}
