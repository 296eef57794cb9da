/* Unit tests: crash states from the write log (model/crash.c): durability
 * of PREFLUSH / FUA / cache=none, uncertain writes, exact state counts,
 * prefix and sampling modes, failed I/O, and a brute-force reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/crash.h"

#define BS 512
#define NBLK 16
#define STALE(b) ((pc_tag_t)(1000 + (b)))

struct world {
	struct sim *s;
	struct pc_disk *d;
};

static void put_end_io(struct sim *s, struct pc_bio *bio)
{
	pc_bio_put(bio->bi_private, bio);
}

static struct world mk(bool volatile_cache, uint32_t fail_write, uint32_t fail_flush)
{
	struct sim_config cfg = { .seed = 3, .arena_size = 8 << 20 };
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = NBLK, .volatile_cache = volatile_cache,
				  .lat_min = 10 * SIM_USEC, .lat_max = 10 * SIM_USEC,
				  .fail_write_nth = fail_write, .fail_flush_nth = fail_flush };
	struct world w;
	pc_tag_t buf[BS];

	w.s = sim_create(&cfg);
	assert_non_null(w.s);
	w.d = pc_disk_create(w.s, &dc);
	assert_non_null(w.d);
	for (pc_blk_t b = 0; b < NBLK; b++) {
		for (unsigned i = 0; i < BS; i++)
			buf[i] = STALE(b);
		pc_disk_fill(w.d, b, buf);
	}
	pc_disk_settle(w.d);
	return w;
}

/* Submit a one-block write of `tag` (or an empty flush when blk is
 * PC_BLK_NONE); returns the bio id. */
static uint32_t io(struct world *w, pc_blk_t blk, pc_tag_t tag, uint8_t flags)
{
	struct pc_bio *bio = pc_bio_alloc(w->s, w->d);
	pc_tag_t buf[BS];
	uint32_t id;

	assert_non_null(bio);
	for (unsigned i = 0; i < BS; i++)
		buf[i] = tag;
	bio->bi_op = blk == PC_BLK_NONE ? PC_REQ_FLUSH : PC_REQ_WRITE;
	bio->bi_flags = flags;
	bio->bi_kind = blk == PC_BLK_NONE ? PC_BIO_FLUSH : PC_BIO_DATA;
	bio->bi_blk = blk == PC_BLK_NONE ? 0 : blk;
	bio->bi_nblk = blk == PC_BLK_NONE ? 0 : 1;
	bio->bi_end_io = put_end_io;
	bio->bi_private = w->d;
	id = bio->bi_id;
	pc_disk_submit(w->s, w->d, bio, buf);
	return id;
}

/* Complete the earliest in-flight bio. */
static void complete1(struct world *w)
{
	assert_true(sim_fire_next_event(w->s));
}

static void done(struct world *w)
{
	assert_int_equal(pc_disk_inflight(w->d), 0);
	assert_int_equal(sim_events_pending(w->s), 0);
	sim_destroy(w->s);
}

static pc_tag_t tag_of(const struct pc_crash_state *cs, pc_blk_t b)
{
	return cs->cs_image[(size_t)b * BS];
}

struct counts {
	uint64_t states, dups;
	bool complete;
};

static struct counts drain(struct world *w, uint32_t from, uint32_t to, uint8_t mode,
			   uint32_t max)
{
	struct pc_persist p = { .p_mode = mode, .p_max = max, .p_seed = 99 };
	struct pc_crash_iter *it = pc_crash_iter_new(w->d, from, to, &p);
	struct counts c;
	uint64_t n = 0;

	assert_non_null(it);
	while (pc_crash_next(it))
		n++;
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	assert_int_equal(n, c.states);
	pc_crash_iter_free(it);
	return c;
}

/* 3 writes in flight, no flush: 2^3 subsets, duplicates removed. Log:
 * S1 S2 S3 C1 C2 C3. Points 0..6 have u = 0,1,2,3,3,3,3 uncertain writes:
 * candidates 1+2+4+8+8+8+8 = 39, distinct images 8. */
static void test_crash_three_uncertain_subsets(void **state)
{
	struct world w = mk(true, 0, 0);
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 4096 };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	bool seen[8] = { false };
	struct counts c;

	io(&w, 1, 11, 0);
	io(&w, 2, 12, 0);
	io(&w, 3, 13, 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	assert_int_equal(pc_disk_wlog_len(w.d), 6);
	it = pc_crash_iter_new(w.d, 0, 100, &p);
	while ((cs = pc_crash_next(it))) {
		unsigned m = (tag_of(cs, 1) == 11) | (tag_of(cs, 2) == 12) << 1 |
			     (tag_of(cs, 3) == 13) << 2;

		assert_false(seen[m]);
		seen[m] = true;
		assert_int_equal(cs->cs_nsurvivors, __builtin_popcount(m));
		assert_int_equal(tag_of(cs, 4), STALE(4));
		/* a write cannot survive before it was submitted */
		assert_true(cs->cs_point >= (m & 4 ? 3u : m & 2 ? 2u : m & 1 ? 1u : 0u));
	}
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	pc_crash_iter_free(it);
	assert_int_equal(c.states, 8);
	assert_int_equal(c.dups, 31);
	assert_true(c.complete);
	for (int m = 0; m < 8; m++)
		assert_true(seen[m]);
	/* One crash point only: the 8 subsets, no duplicates. */
	c = drain(&w, 3, 3, PC_PERSIST_ALL_SUBSETS, 4096);
	assert_int_equal(c.states, 8);
	assert_int_equal(c.dups, 0);
	done(&w);
}

/* Dedup per crash point: every distinct image of every point, so a check
 * that depends on the point sees them all: 1+2+4+8+8+8+8. */
static void test_crash_dedup_per_point(void **state)
{
	struct world w = mk(true, 0, 0);
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_dedup = PC_DEDUP_POINT };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	unsigned per_point[7] = { 0 };
	struct counts c;

	io(&w, 1, 11, 0);
	io(&w, 2, 12, 0);
	io(&w, 3, STALE(3), 0);	/* changes nothing: a duplicate inside each point */
	assert_int_equal(sim_run(w.s), SIM_OK);
	it = pc_crash_iter_new(w.d, 0, 6, &p);
	while ((cs = pc_crash_next(it)))
		per_point[cs->cs_point]++;
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	pc_crash_iter_free(it);
	assert_int_equal(per_point[0], 1);
	assert_int_equal(per_point[1], 2);
	assert_int_equal(per_point[2], 4);
	for (int k = 3; k <= 6; k++)
		assert_int_equal(per_point[k], 4);
	assert_int_equal(c.states, 1 + 2 + 4 + 4 * 4);
	assert_int_equal(c.dups, 4 * 4);
	assert_true(c.complete);
	done(&w);
}

/* A write that puts back what the block held already gives the same image
 * whether it survives or not: checked once. */
static void test_crash_duplicate_images(void **state)
{
	struct world w = mk(true, 0, 0);
	struct counts c;

	io(&w, 1, 11, 0);
	io(&w, 2, 12, 0);
	io(&w, 3, STALE(3), 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	c = drain(&w, 6, 6, PC_PERSIST_ALL_SUBSETS, 0);
	assert_int_equal(c.states, 4);
	assert_int_equal(c.dups, 4);
	assert_true(c.complete);
	done(&w);
}

/* Which blocks hold which tags, over all states of crash point k. */
struct presence {
	unsigned states, with[NBLK];
};

static struct presence presence_at(struct world *w, uint32_t k, const pc_tag_t *tags)
{
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 4096 };
	struct pc_crash_iter *it = pc_crash_iter_new(w->d, k, k, &p);
	const struct pc_crash_state *cs;
	struct presence pr = { 0 };

	while ((cs = pc_crash_next(it))) {
		pr.states++;
		for (pc_blk_t b = 0; b < NBLK; b++)
			pr.with[b] += tags[b] && tag_of(cs, b) == tags[b];
	}
	pc_crash_iter_free(it);
	return pr;
}

/* PREFLUSH makes the writes completed before it durable, not its own data
 * and not a write that completed after it was submitted.
 * Log: 0 S(w1) 1 C(w1) 2 S(w3) 3 S(w2 PREFLUSH) 4 C(w3) 5 C(w2) */
static void test_crash_preflush_semantics(void **state)
{
	struct world w = mk(true, 0, 0);
	pc_tag_t tags[NBLK] = { [1] = 21, [2] = 22, [3] = 23 };
	struct presence pr;

	io(&w, 1, 21, 0);
	complete1(&w);
	io(&w, 3, 23, 0);
	io(&w, 2, 22, PC_REQ_PREFLUSH);
	complete1(&w);
	complete1(&w);
	assert_int_equal(pc_disk_wlog_len(w.d), 6);
	assert_int_equal(pc_disk_wlog(w.d, 4)->wl_bio, 2);	/* w3 completed 4th */
	/* Before the flush completes: w1 completed but not durable. */
	pr = presence_at(&w, 5, tags);
	/* Uncertain at 5: w1 (completed at 1, volatile), w3 (completed at 4,
	 * volatile), w2 (in flight): 2^3 = 8 subsets. w2 surviving means its
	 * preflush ran, and w1 completed (1) before w2 was submitted (3), so
	 * w1 is on the media with it: {w2} and {w2, w3} are impossible (they
	 * close to {w1, w2} and {w1, w2, w3}). w3 completed (4) after the
	 * submission, it is not implied. 8 - 2 = 6 distinct images. */
	assert_int_equal(pr.states, 6);
	/* w1 in {w1}, {w1,w3}, {w1,w2}, {w1,w2,w3}: 4 of 6 (unchanged: only
	 * subsets without w1 were removed). */
	assert_int_equal(pr.with[1], 4);
	/* w2 only with w1: {w1,w2}, {w1,w2,w3}. */
	assert_int_equal(pr.with[2], 2);
	/* w3 in {w3}, {w1,w3}, {w1,w2,w3}. */
	assert_int_equal(pr.with[3], 3);
	/* After: w1 in every state; w2 (its own data) and w3 in some. w1 is
	 * durable now, so the rule forces nothing: the 4 subsets of {w3, w2}. */
	pr = presence_at(&w, 6, tags);
	assert_int_equal(pr.states, 4);
	assert_int_equal(pr.with[1], 4);
	assert_int_equal(pr.with[2], 2);
	assert_int_equal(pr.with[3], 2);
	done(&w);
}

/* Every state of points [from, to] (per-point dedup): which of the data
 * block (tag dtag) and the commit block (tag ctag) it holds, as a mask
 * (bit 0 data, bit 1 commit), counted per mask. */
static void data_commit_masks(struct world *w, uint32_t from, uint32_t to, uint8_t mode,
			      uint32_t max, pc_blk_t dblk, pc_tag_t dtag, pc_blk_t cblk,
			      pc_tag_t ctag, unsigned seen[4])
{
	struct pc_persist p = { .p_mode = mode, .p_max = max, .p_seed = 7,
				.p_dedup = PC_DEDUP_POINT };
	struct pc_crash_iter *it = pc_crash_iter_new(w->d, from, to, &p);
	const struct pc_crash_state *cs;

	assert_non_null(it);
	memset(seen, 0, 4 * sizeof(seen[0]));
	while ((cs = pc_crash_next(it)))
		seen[(tag_of(cs, dblk) == dtag) | (tag_of(cs, cblk) == ctag) << 1]++;
	pc_crash_iter_free(it);
}

/* The rule of crash.h: a surviving REQ_PREFLUSH write means its preflush
 * ran, so every write that completed before it was submitted is on the
 * media too. A jbd2-like commit: a data write completes (volatile), then
 * a PREFLUSH|FUA commit record is submitted and is still in flight at the
 * crash. No state may hold the commit record without the data.
 * Log: 0 S(d) 1 C(d) 2 S(c PREFLUSH|FUA) 3 C(c) */
static void test_crash_preflush_write_implies_earlier(void **state)
{
	struct world w = mk(true, 0, 0);
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	uint32_t dbio, cbio;
	unsigned seen[4], n = 0;
	struct counts c;

	dbio = io(&w, 5, 0x51, 0);
	complete1(&w);
	cbio = io(&w, 6, 0x5c, PC_REQ_PREFLUSH | PC_REQ_FUA);
	/* Crash point 3: d completed not durable, c in flight. Subsets of
	 * {d, c}: {}, {d}, {c} -> closed to {d, c}, {d, c}: 3 distinct
	 * images, 1 duplicate (the closed {c}). */
	it = pc_crash_iter_new(w.d, 3, 3, &p);
	while ((cs = pc_crash_next(it))) {
		bool has_d = tag_of(cs, 5) == 0x51, has_c = tag_of(cs, 6) == 0x5c;

		assert_int_equal(cs->cs_nuncertain, 2);
		assert_false(has_c && !has_d);
		/* the survivors say the same: c only together with d */
		assert_int_equal(cs->cs_nsurvivors, (unsigned)has_d + has_c);
		if (has_c) {
			assert_int_equal(cs->cs_survivors[0], dbio);
			assert_int_equal(cs->cs_survivors[1], cbio);
		}
		n++;
	}
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	pc_crash_iter_free(it);
	assert_int_equal(n, 3);
	assert_int_equal(c.states, 3);
	assert_int_equal(c.dups, 1);
	assert_true(c.complete);	/* every subset was tried */
	complete1(&w);
	assert_int_equal(pc_disk_wlog_len(w.d), 4);
	/* Every point 0..4: never the commit without the data. Point 0: {};
	 * 1: d in flight, {} {d}; 2: d volatile, the same; 3: the 3 above;
	 * 4: c completed, its preflush made d durable and FUA made c durable:
	 * {d, c} only. 1 + 2 + 2 + 3 + 1 = 9 per-point states. */
	data_commit_masks(&w, 0, 4, PC_PERSIST_ALL_SUBSETS, 0, 5, 0x51, 6, 0x5c, seen);
	assert_int_equal(seen[2], 0);
	assert_int_equal(seen[0], 4);	/* points 0, 1, 2, 3 */
	assert_int_equal(seen[1], 3);	/* points 1, 2, 3 */
	assert_int_equal(seen[3], 2);	/* points 3, 4 */
	/* Prefix mode applies the rule too (the commit is last: trivially). */
	data_commit_masks(&w, 0, 4, PC_PERSIST_PREFIX, 0, 5, 0x51, 6, 0x5c, seen);
	assert_int_equal(seen[2], 0);
	done(&w);

	/* The boundary: the data completes *after* the commit record was
	 * submitted. The preflush does not cover it, so the commit without
	 * the data is a legal image: all 4 subsets at point 3.
	 * Log: 0 S(d) 1 S(c PREFLUSH|FUA) 2 C(d) 3 C(c) */
	w = mk(true, 0, 0);
	dbio = io(&w, 5, 0x51, 0);
	io(&w, 6, 0x5c, PC_REQ_PREFLUSH | PC_REQ_FUA);
	complete1(&w);
	assert_int_equal(pc_disk_wlog(w.d, 2)->wl_bio, dbio);	/* d completed 3rd */
	data_commit_masks(&w, 3, 3, PC_PERSIST_ALL_SUBSETS, 0, 5, 0x51, 6, 0x5c, seen);
	for (int m = 0; m < 4; m++)
		assert_int_equal(seen[m], 1);
	complete1(&w);
	done(&w);

	/* FUA without PREFLUSH implies nothing about earlier writes. */
	w = mk(true, 0, 0);
	io(&w, 5, 0x51, 0);
	complete1(&w);
	io(&w, 6, 0x5c, PC_REQ_FUA);
	data_commit_masks(&w, 3, 3, PC_PERSIST_ALL_SUBSETS, 0, 5, 0x51, 6, 0x5c, seen);
	for (int m = 0; m < 4; m++)
		assert_int_equal(seen[m], 1);
	complete1(&w);
	done(&w);

	/* Beyond the all-subsets bound (sampled plan) the rule holds too:
	 * 10 completed data writes, then the commit in flight. With it, all
	 * 10 data blocks. */
	w = mk(true, 0, 0);
	for (pc_blk_t b = 0; b < 10; b++) {
		io(&w, b, (pc_tag_t)(0x60 + b), 0);
		complete1(&w);
	}
	io(&w, 12, 0x5c, PC_REQ_PREFLUSH | PC_REQ_FUA);
	for (uint8_t mode = PC_PERSIST_ALL_SUBSETS; mode <= PC_PERSIST_SAMPLE; mode++) {
		struct pc_persist ps = { .p_mode = mode, .p_max = 16, .p_seed = 5 };
		unsigned with_c = 0;

		it = pc_crash_iter_new(w.d, 21, 21, &ps);
		while ((cs = pc_crash_next(it))) {
			assert_int_equal(cs->cs_nuncertain, 11);
			if (tag_of(cs, 12) != 0x5c)
				continue;
			with_c++;
			for (pc_blk_t b = 0; b < 10; b++)
				assert_int_equal(tag_of(cs, b), 0x60 + b);
		}
		pc_crash_iter_free(it);
		/* the full subset is in every plan but sample mode's */
		if (mode != PC_PERSIST_SAMPLE)
			assert_int_equal(with_c, 1);
	}
	complete1(&w);
	done(&w);
}

/* REQ_FUA: durable when it completes; uncertain while in flight. */
static void test_crash_fua(void **state)
{
	struct world w = mk(true, 0, 0);
	pc_tag_t tags[NBLK] = { [1] = 31, [2] = 32 };
	struct presence pr;

	io(&w, 1, 31, PC_REQ_FUA);
	io(&w, 2, 32, 0);
	complete1(&w);	/* the FUA write */
	complete1(&w);
	pr = presence_at(&w, 2, tags);	/* both in flight */
	assert_int_equal(pr.states, 4);
	assert_int_equal(pr.with[1], 2);
	pr = presence_at(&w, 3, tags);	/* FUA completed */
	assert_int_equal(pr.states, 2);
	assert_int_equal(pr.with[1], 2);
	assert_int_equal(pr.with[2], 1);	/* completed, not flushed */
	pr = presence_at(&w, 4, tags);
	assert_int_equal(pr.states, 2);
	assert_int_equal(pr.with[2], 1);
	done(&w);
}

/* cache=none: every completed write is durable. */
static void test_crash_cache_none(void **state)
{
	struct world w = mk(false, 0, 0);
	pc_tag_t tags[NBLK] = { [1] = 41, [2] = 42 };
	struct presence pr;

	io(&w, 1, 41, 0);
	io(&w, 2, 42, 0);
	complete1(&w);
	pr = presence_at(&w, 2, tags);
	assert_int_equal(pr.states, 4);
	pr = presence_at(&w, 3, tags);
	assert_int_equal(pr.states, 2);
	assert_int_equal(pr.with[1], 2);
	assert_int_equal(pr.with[2], 1);	/* still in flight */
	complete1(&w);
	pr = presence_at(&w, 4, tags);
	assert_int_equal(pr.states, 1);
	assert_int_equal(pr.with[2], 1);
	done(&w);
}

/* Completed-not-flushed writes appear in some crash states and not in
 * others; an empty flush issued after they completed makes them durable. */
static void test_crash_completed_not_flushed(void **state)
{
	struct world w = mk(true, 0, 0);
	pc_tag_t tags[NBLK] = { [5] = 51, [6] = 52 };
	struct presence pr;

	io(&w, 5, 51, 0);
	io(&w, 6, 52, 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	pr = presence_at(&w, 4, tags);
	assert_int_equal(pr.states, 4);
	assert_int_equal(pr.with[5], 2);
	assert_int_equal(pr.with[6], 2);
	io(&w, PC_BLK_NONE, 0, PC_REQ_PREFLUSH);
	assert_int_equal(sim_run(w.s), SIM_OK);
	pr = presence_at(&w, 5, tags);	/* flush submitted, not completed */
	assert_int_equal(pr.states, 4);
	pr = presence_at(&w, 6, tags);	/* flush completed */
	assert_int_equal(pr.states, 1);
	assert_int_equal(pr.with[5], 1);
	assert_int_equal(pr.with[6], 1);
	done(&w);
}

/* Durable writes are applied in completion order, even when a flush makes
 * the earlier one durable after a later FUA write of the same block.
 * Log: S(a) C(a) S(b FUA) C(b) S(flush) C(flush) */
static void test_crash_durable_completion_order(void **state)
{
	struct world w = mk(true, 0, 0);
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;

	io(&w, 1, 61, 0);
	complete1(&w);
	io(&w, 1, 62, PC_REQ_FUA);
	complete1(&w);
	io(&w, PC_BLK_NONE, 0, PC_REQ_PREFLUSH);
	complete1(&w);
	it = pc_crash_iter_new(w.d, 6, 6, &p);
	cs = pc_crash_next(it);
	assert_non_null(cs);
	assert_int_equal(tag_of(cs, 1), 62);
	assert_int_equal(cs->cs_nuncertain, 0);
	assert_null(pc_crash_next(it));
	pc_crash_iter_free(it);
	/* At point 4 (b durable, a only completed): a may land on top of b. */
	it = pc_crash_iter_new(w.d, 4, 4, &p);
	assert_int_equal(tag_of(pc_crash_next(it), 1), 62);
	assert_int_equal(tag_of(pc_crash_next(it), 1), 61);
	assert_null(pc_crash_next(it));
	pc_crash_iter_free(it);
	done(&w);
}

/* persist survivors (PC_PERSIST_EXACT): one state per crash point, with
 * exactly the named unflushed writes applied (closed under the preflush
 * rule like any subset); an id never unflushed at a visited point is
 * reported by pc_crash_unmatched. Log: 0 S(a) 1 S(b) 2 S(c) 3 C(a) 4 C(b)
 * 5 C(c); at point 6 all three are completed, not durable. */
static void test_crash_exact_mode(void **state)
{
	struct world w = mk(true, 0, 0);
	uint32_t ids[3], want[2];
	struct pc_persist p = { .p_mode = PC_PERSIST_EXACT };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	struct counts c;

	ids[0] = io(&w, 1, 81, 0);
	ids[1] = io(&w, 2, 82, 0);
	ids[2] = io(&w, 3, 83, 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	want[0] = ids[0];
	want[1] = ids[2];
	p.p_ids = want;
	p.p_nids = 2;
	it = pc_crash_iter_new(w.d, 6, 6, &p);
	cs = pc_crash_next(it);
	assert_non_null(cs);
	assert_int_equal(tag_of(cs, 1), 81);
	assert_int_equal(tag_of(cs, 2), STALE(2));
	assert_int_equal(tag_of(cs, 3), 83);
	assert_int_equal(cs->cs_nuncertain, 3);
	assert_int_equal(cs->cs_nsurvivors, 2);
	assert_int_equal(cs->cs_survivors[0], ids[0]);
	assert_int_equal(cs->cs_survivors[1], ids[2]);
	assert_null(pc_crash_next(it));
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	assert_int_equal(c.states, 1);
	assert_false(c.complete);
	assert_int_equal(pc_crash_unmatched(it), 0);
	pc_crash_iter_free(it);
	/* Every point: at most one state each; before c was submitted it
	 * cannot survive. An id of no write of this log is unmatched. */
	want[1] = ids[2] + 10;
	it = pc_crash_iter_new(w.d, 0, 6, &p);
	while ((cs = pc_crash_next(it)))
		assert_true(cs->cs_nsurvivors <= 1);
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	assert_true(c.states + c.dups <= 7);
	assert_int_equal(pc_crash_unmatched(it), ids[2] + 10);
	pc_crash_iter_free(it);
	done(&w);
}

static void test_crash_prefix_mode(void **state)
{
	struct world w = mk(true, 0, 0);
	struct pc_persist p = { .p_mode = PC_PERSIST_PREFIX };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	uint32_t ids[3];
	unsigned n = 0;
	struct counts c;

	ids[0] = io(&w, 1, 71, 0);
	ids[1] = io(&w, 2, 72, 0);
	ids[2] = io(&w, 3, 73, 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	it = pc_crash_iter_new(w.d, 3, 3, &p);
	while ((cs = pc_crash_next(it))) {
		/* the i-th state applies the first i uncertain writes */
		assert_int_equal(cs->cs_nsurvivors, n);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(cs->cs_survivors[i], ids[i]);
		assert_int_equal(tag_of(cs, 1), n >= 1 ? 71 : STALE(1));
		assert_int_equal(tag_of(cs, 3), n >= 3 ? 73 : STALE(3));
		n++;
	}
	pc_crash_counts(it, &c.states, &c.dups, &c.complete);
	pc_crash_iter_free(it);
	assert_int_equal(n, 4);
	assert_false(c.complete);	/* {w2} alone was not tried */
	/* Whole log: points 0..6, prefixes 1+2+3+4+4+4+4 = 22 candidates,
	 * 4 distinct images. */
	c = drain(&w, 0, 6, PC_PERSIST_PREFIX, 0);
	assert_int_equal(c.states, 4);
	assert_int_equal(c.dups, 18);
	done(&w);
}

static void test_crash_sampling_incomplete(void **state)
{
	struct world w = mk(true, 0, 0);
	struct counts c;

	for (pc_blk_t b = 0; b < 10; b++)
		io(&w, b, (pc_tag_t)(80 + b), 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	/* 2^10 > 16: empty, full, 10 singles, 10 all-but-one = 22 distinct. */
	c = drain(&w, 10, 10, PC_PERSIST_ALL_SUBSETS, 16);
	assert_int_equal(c.states, 22);
	assert_false(c.complete);
	/* A larger bound: those 22 and seeded random subsets up to 100. */
	c = drain(&w, 10, 10, PC_PERSIST_ALL_SUBSETS, 100);
	assert_int_equal(c.states + c.dups, 100);
	assert_true(c.states > 22);
	assert_false(c.complete);
	/* Sample mode: p_max random subsets. */
	c = drain(&w, 10, 10, PC_PERSIST_SAMPLE, 16);
	assert_int_equal(c.states + c.dups, 16);
	assert_false(c.complete);
	/* Within the bound every subset is enumerated: complete. */
	c = drain(&w, 4, 4, PC_PERSIST_ALL_SUBSETS, 16);
	assert_int_equal(c.states, 16);
	assert_true(c.complete);
	c = drain(&w, 4, 4, PC_PERSIST_SAMPLE, 16);
	assert_int_equal(c.states, 16);
	assert_true(c.complete);
	done(&w);
}

static void test_crash_failed_io(void **state)
{
	/* The 1st data write fails: it is in no state, even while in flight. */
	struct world w = mk(true, 1, 0);
	pc_tag_t tags[NBLK] = { [1] = 91, [2] = 92 };
	struct presence pr;

	io(&w, 1, 91, 0);
	io(&w, 2, 92, 0);
	assert_int_equal(sim_run(w.s), SIM_OK);
	for (uint32_t k = 0; k <= 4; k++) {
		pr = presence_at(&w, k, tags);
		assert_int_equal(pr.with[1], 0);
	}
	assert_int_equal(presence_at(&w, 4, tags).with[2], 1);
	done(&w);

	/* A failed flush makes nothing durable. */
	w = mk(true, 0, 1);
	io(&w, 1, 91, 0);
	complete1(&w);
	io(&w, PC_BLK_NONE, 0, PC_REQ_PREFLUSH);
	complete1(&w);
	assert_int_equal(pc_disk_wlog(w.d, 3)->wl_status, -PC_EIO);
	pr = presence_at(&w, 4, tags);
	assert_int_equal(pr.states, 2);
	assert_int_equal(pr.with[1], 1);
	done(&w);
}

/* ---- brute force reference: every point, every subset, from scratch ---- */

static uint64_t img_hash(const pc_tag_t *img)
{
	return sim_hash_bytes(SIM_HASH_INIT, img, (size_t)NBLK * BS * sizeof(pc_tag_t));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Is the subset m (bit u: uncertain write unc[u]) a possible media state?
 * Stated as a filter, not as a closure: m is impossible when it keeps a
 * write that carries REQ_PREFLUSH (its preflush ran before its data went
 * down) but drops some uncertain write that completed before that write
 * was submitted. A write that completed before it and is durable is in
 * the base image already; one that failed is never on the media. */
static bool ref_possible(const struct pc_disk *d, const uint32_t *unc, uint32_t nunc,
			 const uint32_t *comp, uint64_t m)
{
	for (uint32_t f = 0; f < nunc; f++) {
		const struct pc_wlog_ent *fs = pc_disk_wlog(d, unc[f]);

		if (!(m & (1ULL << f)) || !(fs->wl_flags & PC_REQ_PREFLUSH))
			continue;
		for (uint32_t o = 0; o < nunc; o++) {
			uint32_t oc = comp[pc_disk_wlog(d, unc[o])->wl_bio];

			if (!(m & (1ULL << o)) && oc != UINT32_MAX && oc < unc[f])
				return false;
		}
	}
	return true;
}

/* Reference sets for crash point k, straight from crash.h's definition:
 * the hash of every possible subset's image goes to out (returned count);
 * *ncand counts every subset, possible or not (the iterator tries them all
 * and counts the impossible ones, once closed, as duplicates). Every
 * impossible subset's closure (add what its PREFLUSH writes imply) is a
 * possible subset of the same point, so the distinct images are the
 * iterator's. !rule: every subset, as before the rule (to check that the
 * random logs exercise it). */
static size_t reference(const struct pc_disk *d, uint32_t k, bool vol, bool rule,
			uint64_t *out, uint64_t *ncand)
{
	uint32_t comp[64];
	uint32_t len = pc_disk_wlog_len(d), nunc = 0, unc[64];
	pc_tag_t *base = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));
	pc_tag_t *img = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));
	struct { uint32_t sub, comp, status; bool durable; } info[64];
	size_t n = 0;

	memcpy(base, pc_disk_base_image(d), (size_t)NBLK * BS * sizeof(pc_tag_t));
	memset(info, 0, sizeof(info));
	for (uint32_t i = 0; i < 64; i++)
		info[i].sub = info[i].comp = UINT32_MAX;
	for (uint32_t i = 0; i < len; i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(d, i);

		if (e->wl_type == PC_WL_SUBMIT)
			info[e->wl_bio].sub = i;
		else {
			info[e->wl_bio].comp = i;
			info[e->wl_bio].status = (uint32_t)e->wl_status;
		}
	}
	/* durable writes, applied in completion order */
	for (uint32_t i = 0; i < k; i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(d, i), *s;
		bool dur = false;

		if (e->wl_type != PC_WL_COMPLETE || e->wl_op != PC_REQ_WRITE || e->wl_status)
			continue;
		if ((e->wl_flags & PC_REQ_FUA) || !vol)
			dur = true;
		for (uint32_t f = 0; f < len && !dur; f++) {
			const struct pc_wlog_ent *fe = pc_disk_wlog(d, f);

			dur = fe->wl_type == PC_WL_SUBMIT && (fe->wl_flags & PC_REQ_PREFLUSH) &&
			      f > i && info[fe->wl_bio].comp < k && info[fe->wl_bio].status == 0;
		}
		info[e->wl_bio].durable = dur;
		if (!dur)
			continue;
		s = pc_disk_wlog(d, info[e->wl_bio].sub);
		memcpy(base + (size_t)s->wl_blk * BS, pc_disk_wlog_data(d, s->wl_data),
		       (size_t)BS * s->wl_nblk * sizeof(pc_tag_t));
	}
	for (uint32_t i = 0; i < k; i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(d, i);
		uint32_t id = e->wl_bio;

		if (e->wl_type != PC_WL_SUBMIT || e->wl_op != PC_REQ_WRITE)
			continue;
		if (info[id].comp != UINT32_MAX && info[id].status)
			continue;	/* failed: never applied */
		if (info[id].comp < k && info[id].durable)
			continue;
		unc[nunc++] = i;
	}
	for (uint32_t i = 0; i < 64; i++)
		comp[i] = info[i].comp;
	*ncand += 1ULL << nunc;
	for (uint64_t m = 0; m < (1ULL << nunc); m++) {
		if (rule && !ref_possible(d, unc, nunc, comp, m))
			continue;
		memcpy(img, base, (size_t)NBLK * BS * sizeof(pc_tag_t));
		for (uint32_t u = 0; u < nunc; u++) {
			const struct pc_wlog_ent *s = pc_disk_wlog(d, unc[u]);

			if (m & (1ULL << u))
				memcpy(img + (size_t)s->wl_blk * BS, pc_disk_wlog_data(d, s->wl_data),
				       (size_t)BS * s->wl_nblk * sizeof(pc_tag_t));
		}
		out[n++] = img_hash(img);
	}
	free(base);
	free(img);
	return n;
}

static uint64_t pick_random(struct sim *s, void *ctx, const struct sim_choice *c)
{
	return sim_rand_below(s, 2, c->c_n);
}

static void test_crash_matches_bruteforce(void **state)
{
	static const struct sim_chooser random_pick = { pick_random, NULL };
	unsigned seeds_removed = 0;

	for (uint64_t seed = 1; seed <= 40; seed++) {
		bool vol = seed % 5 != 0;
		struct world w = mk(vol, seed % 7 == 3 ? 2 : 0, seed % 11 == 4 ? 1 : 0);
		uint64_t rng = seed, *ref = malloc(sizeof(uint64_t) * 200000), *got;
		uint64_t ncand = 0, nall = 0;
		size_t nref = 0, ngot = 0, distinct = 0, nnorule = 0, distinct_norule = 0;
		struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1 << 12 };
		struct pc_crash_iter *it;
		const struct pc_crash_state *cs;
		struct counts c;

		sim_set_chooser(w.s, &random_pick);
		for (int op = 0; op < 9; op++) {
			uint64_t r = sim_splitmix64(&rng);

			if (r % 4 == 0)
				io(&w, PC_BLK_NONE, 0, PC_REQ_PREFLUSH);
			else
				io(&w, (pc_blk_t)(r >> 8) % 4, (pc_tag_t)(200 + op),
				   (uint8_t)((r >> 16) % 4));
			while (pc_disk_inflight(w.d) && (r >> 24) % 3 == 0) {
				complete1(&w);
				r >>= 2;
			}
		}
		assert_int_equal(sim_run(w.s), SIM_OK);
		/* Without the rule first (ref is reused), for the tally only. */
		for (uint32_t k = 0; k <= pc_disk_wlog_len(w.d); k++)
			nnorule += reference(w.d, k, vol, false, ref + nnorule, &nall);
		qsort(ref, nnorule, sizeof(*ref), cmp_u64);
		for (size_t i = 0; i < nnorule; i++)
			distinct_norule += i == 0 || ref[i] != ref[i - 1];
		for (uint32_t k = 0; k <= pc_disk_wlog_len(w.d); k++)
			nref += reference(w.d, k, vol, true, ref + nref, &ncand);
		assert_int_equal(nall, ncand);
		assert_int_equal(nnorule, ncand);
		qsort(ref, nref, sizeof(*ref), cmp_u64);
		for (size_t i = 0; i < nref; i++)
			distinct += i == 0 || ref[i] != ref[i - 1];
		assert_true(distinct <= distinct_norule);
		seeds_removed += distinct < distinct_norule;
		got = malloc(sizeof(uint64_t) * (distinct + 1));
		it = pc_crash_iter_new(w.d, 0, UINT32_MAX, &p);
		while ((cs = pc_crash_next(it))) {
			assert_true(ngot < distinct);
			got[ngot++] = img_hash(cs->cs_image);
			assert_non_null(bsearch(&got[ngot - 1], ref, nref, sizeof(*ref), cmp_u64));
		}
		pc_crash_counts(it, &c.states, &c.dups, &c.complete);
		pc_crash_iter_free(it);
		assert_int_equal(ngot, distinct);
		/* every subset of every point is a candidate, possible or not */
		assert_int_equal(c.states + c.dups, ncand);
		assert_true(c.complete);
		qsort(got, ngot, sizeof(*got), cmp_u64);
		for (size_t i = 1; i < ngot; i++)
			assert_true(got[i] != got[i - 1]);
		free(ref);
		free(got);
		done(&w);
	}
	/* The random logs do reach states the rule removes (a PREFLUSH write
	 * in flight over a completed, unflushed write). */
	assert_true(seeds_removed > 0);
}

/* Images are built one from the previous one: a caller that writes into
 * cs_image (journal recovery in place) and names the blocks with
 * pc_crash_touch, or calls pc_crash_touch_all, gets the same images as one
 * that leaves them alone; pc_crash_blocks_copied shows the saving. */
static void test_crash_caller_changes_restored(void **state)
{
	static const struct sim_chooser random_pick = { pick_random, NULL };

	for (uint64_t seed = 1; seed <= 30; seed++) {
		struct world w = mk(seed % 5 != 0, 0, 0);
		uint64_t rng = seed * 77, *plain = malloc(sizeof(uint64_t) * 70000);
		struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1 << 12,
					.p_dedup = (uint8_t)(seed % 2) };
		const struct pc_crash_state *cs;
		struct pc_crash_iter *it;
		size_t n = 0, m = 0;

		sim_set_chooser(w.s, &random_pick);
		for (int op = 0; op < 9; op++) {
			uint64_t r = sim_splitmix64(&rng);

			if (r % 4 == 0)
				io(&w, PC_BLK_NONE, 0, PC_REQ_PREFLUSH);
			else
				io(&w, (pc_blk_t)(r >> 8) % 4, (pc_tag_t)(200 + op),
				   (uint8_t)((r >> 16) % 4));
			while (pc_disk_inflight(w.d) && (r >> 24) % 3 == 0) {
				complete1(&w);
				r >>= 2;
			}
		}
		assert_int_equal(sim_run(w.s), SIM_OK);
		it = pc_crash_iter_new(w.d, 0, UINT32_MAX, &p);
		while ((cs = pc_crash_next(it))) {
			assert_true(n < 70000);
			plain[n++] = img_hash(cs->cs_image);
		}
		if (n > 2)
			assert_true(pc_crash_blocks_copied(it) < (uint64_t)n * NBLK);
		pc_crash_iter_free(it);
		it = pc_crash_iter_new(w.d, 0, UINT32_MAX, &p);
		while ((cs = pc_crash_next(it))) {
			uint64_t r = sim_splitmix64(&rng);

			assert_true(m < n);
			assert_int_equal(img_hash(cs->cs_image), plain[m]);
			m++;
			/* scribble like a recovery would, and say so */
			if (r % 7 == 0) {
				memset(cs->cs_image, 0x5a, (size_t)NBLK * BS * sizeof(pc_tag_t));
				pc_crash_touch_all(it);
			} else {
				for (unsigned k = 0; k < r % 4; k++) {
					pc_blk_t b = (pc_blk_t)((r >> (8 + 4 * k)) % NBLK);

					cs->cs_image[(size_t)b * BS + k] ^= 0x77;
					pc_crash_touch(it, b);
				}
			}
		}
		assert_int_equal(m, n);
		pc_crash_iter_free(it);
		free(plain);
		done(&w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_three_uncertain_subsets),
		cmocka_unit_test(test_crash_duplicate_images),
		cmocka_unit_test(test_crash_dedup_per_point),
		cmocka_unit_test(test_crash_preflush_semantics),
		cmocka_unit_test(test_crash_preflush_write_implies_earlier),
		cmocka_unit_test(test_crash_fua),
		cmocka_unit_test(test_crash_cache_none),
		cmocka_unit_test(test_crash_completed_not_flushed),
		cmocka_unit_test(test_crash_durable_completion_order),
		cmocka_unit_test(test_crash_exact_mode),
		cmocka_unit_test(test_crash_prefix_mode),
		cmocka_unit_test(test_crash_sampling_incomplete),
		cmocka_unit_test(test_crash_failed_io),
		cmocka_unit_test(test_crash_matches_bruteforce),
		cmocka_unit_test(test_crash_caller_changes_restored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
