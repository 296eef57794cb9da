/* Unit tests: the disk at run time (model/disk.c): reads see completed
 * writes, the write log, latency, completion order as a choice, fault
 * injection, stats, bounds. Durability is tested in test_crash.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/crash.h"
#include "model/disk.h"

#define BS 512

struct rec {
	uint32_t done[64];	/* bio ids in end_io order */
	int status[64];
	unsigned n;
	struct pc_disk *d;	/* set: end_io releases the bio */
};

static struct sim *mk(struct pc_disk **dp, struct pc_disk_cfg *over)
{
	struct sim_config cfg = { .seed = 7, .arena_size = 8 << 20 };
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = true,
				  .lat_min = 100 * SIM_USEC, .lat_max = 100 * SIM_USEC };
	struct sim *s = sim_create(&cfg);
	pc_tag_t w[BS];

	assert_non_null(s);
	if (over)
		dc = *over;
	*dp = pc_disk_create(s, &dc);
	assert_non_null(*dp);
	for (pc_blk_t b = 0; b < dc.nblocks; b++) {
		for (unsigned i = 0; i < BS; i++)
			w[i] = (pc_tag_t)(1000 + b);	/* stale contents */
		pc_disk_fill(*dp, b, w);
	}
	pc_disk_settle(*dp);
	return s;
}

static void rec_end_io(struct sim *s, struct pc_bio *bio)
{
	struct rec *r = bio->bi_private;

	if (r && r->n < 64) {
		r->done[r->n] = bio->bi_id;
		r->status[r->n++] = bio->bi_status;
	}
	if (r && r->d)
		pc_bio_put(r->d, bio);
}

static struct pc_bio *submit(struct sim *s, struct pc_disk *d, uint8_t op, uint8_t flags,
			     uint8_t kind, pc_blk_t blk, uint32_t nblk, pc_tag_t tag, struct rec *r)
{
	struct pc_bio *bio = pc_bio_alloc(s, d);
	pc_tag_t *w = calloc((size_t)BS * (nblk ? nblk : 1), sizeof(*w));

	assert_non_null(bio);
	for (size_t i = 0; i < (size_t)BS * nblk; i++)
		w[i] = tag;
	bio->bi_op = op;
	bio->bi_flags = flags;
	bio->bi_kind = kind;
	bio->bi_blk = blk;
	bio->bi_nblk = nblk;
	bio->bi_end_io = rec_end_io;
	bio->bi_private = r;
	pc_disk_submit(s, d, bio, op == PC_REQ_WRITE ? w : NULL);
	free(w);
	return bio;
}

static void assert_quiet(struct sim *s, struct pc_disk *d)
{
	assert_int_equal(pc_disk_inflight(d), 0);
	assert_int_equal(sim_events_pending(s), 0);
}

static void test_disk_read_sees_completed(void **state)
{
	struct pc_disk *d;
	struct sim *s = mk(&d, NULL);
	struct rec r = { 0 };
	const struct pc_wlog_ent *e;
	struct pc_bio *bio;

	bio = submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 3, 2, 7, &r);
	assert_int_equal(bio->bi_id, 1);
	assert_int_equal(pc_disk_inflight(d), 1);
	assert_int_equal(pc_disk_read(d, 3)[0], 1003);	/* not yet completed */
	assert_int_equal(pc_disk_read(d, 4)[BS - 1], 1004);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.status[0], 0);
	assert_true(bio->bi_done);
	assert_int_equal(pc_disk_read(d, 3)[0], 7);
	assert_int_equal(pc_disk_read(d, 4)[BS - 1], 7);
	assert_int_equal(pc_disk_read(d, 5)[0], 1005);
	/* The write log: submit with a copy of the data, then completion. */
	assert_int_equal(pc_disk_wlog_len(d), 2);
	e = pc_disk_wlog(d, 0);
	assert_int_equal(e->wl_type, PC_WL_SUBMIT);
	assert_int_equal(e->wl_bio, 1);
	assert_int_equal(e->wl_blk, 3);
	assert_int_equal(e->wl_nblk, 2);
	assert_int_equal(e->wl_time, 0);
	assert_int_equal(pc_disk_wlog_data(d, e->wl_data)[2 * BS - 1], 7);
	e = pc_disk_wlog(d, 1);
	assert_int_equal(e->wl_type, PC_WL_COMPLETE);
	assert_int_equal(e->wl_status, 0);
	assert_int_equal(e->wl_time, 100 * SIM_USEC);
	/* The base image is what was settled. */
	assert_int_equal(pc_disk_base_image(d)[3 * BS], 1003);
	pc_bio_put(d, bio);
	assert_quiet(s, d);
	sim_destroy(s);
}

/* Two writes of the same block, due at the same time: by default the first
 * submitted completes first; a tape that picks the second in-flight bio
 * completes bio 2 first, so bio 1's data is what a read sees last. */
static void run_two(const char *tape, uint32_t *first, pc_tag_t *final_tag)
{
	struct pc_disk *d;
	struct sim *s = mk(&d, NULL);
	struct rec r = { 0 };
	struct sim_tape tp, rec;
	size_t at;

	sim_tape_init(&tp);
	sim_tape_init(&rec);
	if (tape) {
		assert_int_equal(sim_tape_parse(&tp, tape, &at), 0);
		sim_replay(s, &tp);
	}
	sim_record(s, &rec);
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 2, 1, 11, &r);
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 2, 1, 22, &r);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(r.n, 2);
	*first = r.done[0];
	*final_tag = pc_disk_read(d, 2)[0];
	/* One choice: which of the two in-flight bios completes. */
	assert_int_equal(rec.tp_len, 1);
	assert_int_equal(rec.tp_e[0].te_kind, SIM_CH_PICK);
	assert_int_equal(rec.tp_e[0].te_n, 2);
	assert_int_equal(pc_disk_wlog(d, 2)->wl_bio, *first);
	assert_quiet(s, d);
	sim_tape_free(&tp);
	sim_tape_free(&rec);
	sim_destroy(s);
}

static void test_disk_completion_order_choice(void **state)
{
	uint32_t first;
	pc_tag_t tag;

	run_two(NULL, &first, &tag);
	assert_int_equal(first, 1);
	assert_int_equal(tag, 22);
	run_two("T1 p1/2", &first, &tag);
	assert_int_equal(first, 2);
	assert_int_equal(tag, 11);
}

/* pc_disk_inflight_get lists the in-flight bios in (due, id) order: the
 * order a completion choice indexes. */
static void test_disk_inflight_order(void **state)
{
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = true,
				  .lat_min = SIM_USEC, .lat_max = 50 * SIM_USEC };
	struct pc_disk *d;
	struct sim *s = mk(&d, &dc);
	struct rec r = { .d = d };

	for (pc_blk_t b = 0; b < 6; b++)
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, b, 1, 3, &r);
	assert_int_equal(pc_disk_inflight(d), 6);
	for (uint32_t i = 1; i < 6; i++) {
		const struct pc_bio *a = pc_disk_inflight_get(d, i - 1), *b = pc_disk_inflight_get(d, i);

		assert_true(a->bi_due < b->bi_due || (a->bi_due == b->bi_due && a->bi_id < b->bi_id));
	}
	assert_null(pc_disk_inflight_get(d, 6));
	/* The default completion takes the first of that order. */
	{
		uint32_t first = pc_disk_inflight_get(d, 0)->bi_id;

		assert_true(sim_fire_next_event(s));
		assert_int_equal(r.done[0], first);
	}
	assert_int_equal(sim_run(s), SIM_OK);
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_latency_range(void **state)
{
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 64, .volatile_cache = true,
				  .lat_min = 10 * SIM_USEC, .lat_max = 20 * SIM_USEC };
	struct pc_disk *d;
	struct sim *s = mk(&d, &dc);
	sim_time_t seen_min = UINT64_MAX, seen_max = 0;
	struct rec r = { .d = d };

	for (pc_blk_t b = 0; b < 50; b++)
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, b, 1, 5, &r);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(pc_disk_wlog_len(d), 100);
	for (uint32_t i = 50; i < 100; i++) {
		sim_time_t t = pc_disk_wlog(d, i)->wl_time;

		assert_true(t >= 10 * SIM_USEC && t <= 20 * SIM_USEC);
		seen_min = t < seen_min ? t : seen_min;
		seen_max = t > seen_max ? t : seen_max;
		/* Completions come in (due, id) order by default. */
		if (i > 50)
			assert_true(t >= pc_disk_wlog(d, i - 1)->wl_time);
	}
	assert_true(seen_max > seen_min);	/* a distribution, not a constant */
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_fault_injection(void **state)
{
	/* Sweep N: exactly the Nth data write fails; log writes do not count. */
	for (uint32_t n = 1; n <= 3; n++) {
		struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = true,
					  .lat_min = SIM_USEC, .lat_max = SIM_USEC,
					  .fail_write_nth = n };
		struct pc_disk *d;
		struct sim *s = mk(&d, &dc);
		struct rec r = { 0 };

		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 1, 1, 51, &r);
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_LOG, 9, 1, 59, &r);
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_ZERO, 2, 1, 52, &r);
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 3, 1, 53, &r);
		unsigned nfail = 0;

		assert_int_equal(sim_run(s), SIM_OK);
		assert_int_equal(r.n, 4);
		/* end_io order = submission order: data 1, log, data 2, data 3 */
		assert_int_equal(r.status[0], n == 1 ? -PC_EIO : 0);
		assert_int_equal(r.status[1], 0);
		assert_int_equal(r.status[2], n == 2 ? -PC_EIO : 0);
		assert_int_equal(r.status[3], n == 3 ? -PC_EIO : 0);
		/* A failed write leaves the image alone: blocks 1..3 carry data
		 * writes 1..3. */
		for (pc_blk_t b = 1; b <= 3; b++)
			assert_int_equal(pc_disk_read(d, b)[0], b == n ? 1000 + b : 50 + b);
		assert_int_equal(pc_disk_read(d, 9)[0], 59);
		for (uint32_t i = 0; i < pc_disk_wlog_len(d); i++)
			nfail += pc_disk_wlog(d, i)->wl_status != 0;
		assert_int_equal(nfail, 1);
		assert_quiet(s, d);
		sim_destroy(s);
	}
	/* The Nth flush (a bio with REQ_PREFLUSH) fails. */
	{
		struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = true,
					  .lat_min = SIM_USEC, .lat_max = SIM_USEC,
					  .fail_flush_nth = 2 };
		struct pc_disk *d;
		struct sim *s = mk(&d, &dc);
		struct rec r = { 0 };

		submit(s, d, PC_REQ_FLUSH, PC_REQ_PREFLUSH, PC_BIO_FLUSH, 0, 0, 0, &r);
		submit(s, d, PC_REQ_WRITE, PC_REQ_PREFLUSH | PC_REQ_FUA, PC_BIO_COMMIT, 4, 1, 44,
		       &r);
		submit(s, d, PC_REQ_FLUSH, PC_REQ_PREFLUSH, PC_BIO_FLUSH, 0, 0, 0, &r);
		assert_int_equal(sim_run(s), SIM_OK);
		assert_int_equal(r.status[0], 0);
		assert_int_equal(r.status[1], -PC_EIO);	/* the commit record */
		assert_int_equal(r.status[2], 0);
		assert_int_equal(pc_disk_read(d, 4)[0], 1004);
		assert_int_equal(pc_disk_wlog(d, 4)->wl_status, -PC_EIO);
		assert_quiet(s, d);
		sim_destroy(s);
	}
}

static void test_disk_stats(void **state)
{
	struct pc_disk *d;
	struct sim *s = mk(&d, NULL);
	const struct pc_disk_stats *st = pc_disk_stats(d);

	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 0, 2, 1, NULL);	/* 0-1 */
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 2, 1, 1, NULL);	/* follows */
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_ZERO, 10, 1, 0, NULL);	/* seek */
	submit(s, d, PC_REQ_FLUSH, PC_REQ_PREFLUSH, PC_BIO_FLUSH, 0, 0, 0, NULL);
	submit(s, d, PC_REQ_WRITE, PC_REQ_PREFLUSH | PC_REQ_FUA, PC_BIO_COMMIT, 11, 1, 3, NULL);
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_LOG, 5, 1, 4, NULL);	/* seek */
	assert_int_equal(st->ds_writes[PC_BIO_DATA], 2);
	assert_int_equal(st->ds_blocks[PC_BIO_DATA], 3);
	assert_int_equal(st->ds_writes[PC_BIO_ZERO], 1);
	assert_int_equal(st->ds_writes[PC_BIO_COMMIT], 1);
	assert_int_equal(st->ds_writes[PC_BIO_LOG], 1);
	assert_int_equal(st->ds_writes[PC_BIO_FLUSH], 1);
	assert_int_equal(st->ds_blocks[PC_BIO_FLUSH], 0);
	assert_int_equal(st->ds_flushes, 2);
	assert_int_equal(st->ds_fua, 1);
	assert_int_equal(st->ds_seeks, 2);
	assert_int_equal(sim_run(s), SIM_OK);
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_bio_pool_bounded(void **state)
{
	struct pc_disk *d;
	struct sim *s = mk(&d, NULL);
	struct pc_bio *b[PC_DISK_MAX_BIOS];

	for (unsigned i = 0; i < PC_DISK_MAX_BIOS; i++) {
		b[i] = pc_bio_alloc(s, d);
		assert_non_null(b[i]);
		assert_int_equal(b[i]->bi_id, i + 1);
	}
	assert_null(pc_bio_alloc(s, d));
	pc_bio_put(d, b[7]);
	b[7] = pc_bio_alloc(s, d);
	assert_non_null(b[7]);
	assert_int_equal(b[7]->bi_id, PC_DISK_MAX_BIOS + 1);
	assert_int_equal(b[7]->bi_done, false);
	for (unsigned i = 0; i < PC_DISK_MAX_BIOS; i++)
		pc_bio_put(d, b[i]);
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_snapshot_reset(void **state)
{
	struct pc_disk *d;
	struct sim *s = mk(&d, NULL);

	assert_int_equal(sim_snapshot(s), 0);
	for (int round = 0; round < 2; round++) {
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 6, 1, 66, NULL);
		assert_int_equal(sim_run(s), SIM_OK);
		assert_int_equal(pc_disk_read(d, 6)[0], 66);
		assert_int_equal(pc_disk_wlog_len(d), 2);
		assert_int_equal(pc_disk_wlog(d, 0)->wl_bio, 1);
		sim_reset(s);
		assert_int_equal(pc_disk_read(d, 6)[0], 1006);
		assert_int_equal(pc_disk_wlog_len(d), 0);
		assert_quiet(s, d);
	}
	sim_destroy(s);
}

static void test_disk_wlog_overflow_stops(void **state)
{
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 4, .volatile_cache = true,
				  .lat_min = SIM_USEC, .lat_max = SIM_USEC,
				  .payload_blocks = 64 };
	struct pc_disk *d;
	struct sim *s = mk(&d, &dc);
	struct rec r = { .d = d };
	unsigned n = 0;

	/* The payload pool is bounded (64 blocks here). */
	while (!pc_disk_wlog_overflow(d) && n < 1000) {
		submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, n % 4, 1, 9, &r);
		n++;
		assert_true(sim_fire_next_event(s));
	}
	assert_true(pc_disk_wlog_overflow(d));
	assert_int_equal(n, 65);
	assert_int_equal(sim_status(s), SIM_STEP_LIMIT);
	assert_int_equal(pc_disk_wlog_len(d), 128);
	assert_quiet(s, d);
	sim_destroy(s);
}

/* Durability notifications (pc_disk_set_durable_fn): a volatile write is
 * reported when a flush submitted after its completion completes, once,
 * with its submit entry; a write completed after the flush was submitted
 * waits for a later flush; FUA data is reported at its own completion; a
 * failed flush reports nothing. */
struct dur {
	uint32_t bio[16], idx[16];
	sim_time_t at[16];
	unsigned n;
};

static void dur_fn(struct sim *s, void *ctx, const struct pc_wlog_ent *se, uint32_t idx)
{
	struct dur *du = ctx;

	assert_int_equal(se->wl_type, PC_WL_SUBMIT);
	assert_true(du->n < 16);
	du->bio[du->n] = se->wl_bio;
	du->idx[du->n] = idx;
	du->at[du->n++] = sim_now(s);
}

static void test_disk_durable_notify(void **state)
{
	struct pc_disk *d;
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = true,
				  .lat_min = 100 * SIM_USEC, .lat_max = 100 * SIM_USEC,
				  .fail_flush_nth = 2 };
	struct sim *s = mk(&d, &dc);
	struct rec r = { .d = NULL };
	struct dur du = { .n = 0 };

	r.d = d;
	pc_disk_set_durable_fn(d, dur_fn, &du);
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 1, 1, 5, &r);	/* bio 1 */
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(du.n, 0);			/* completed, volatile */
	submit(s, d, PC_REQ_FLUSH, 0, PC_BIO_FLUSH, 0, 0, 0, &r);	/* bio 2 */
	submit(s, d, PC_REQ_WRITE, 0, PC_BIO_DATA, 2, 1, 6, &r);	/* bio 3, after it */
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(du.n, 1);
	assert_int_equal(du.bio[0], 1);
	assert_int_equal(du.idx[0], 0);
	submit(s, d, PC_REQ_FLUSH, 0, PC_BIO_FLUSH, 0, 0, 0, &r);	/* bio 4: fails */
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(du.n, 1);
	submit(s, d, PC_REQ_WRITE, PC_REQ_PREFLUSH | PC_REQ_FUA, PC_BIO_COMMIT, 3, 1, 7, &r);
	assert_int_equal(sim_run(s), SIM_OK);			/* bio 5 */
	assert_int_equal(du.n, 3);
	assert_int_equal(du.bio[1], 3);
	assert_int_equal(du.bio[2], 5);
	assert_int_equal(du.at[2], du.at[1]);
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_bad_config(void **state)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 20 };
	struct sim *s = sim_create(&cfg);
	struct pc_disk_cfg dc = { .bs = 300, .nblocks = 4 };

	assert_null(pc_disk_create(s, &dc));
	dc.bs = 512;
	dc.nblocks = 0;
	assert_null(pc_disk_create(s, &dc));
	dc.nblocks = 4;
	dc.lat_min = 2;
	dc.lat_max = 1;
	assert_null(pc_disk_create(s, &dc));
	sim_destroy(s);
}

/* Stable pages (issue 11 item 6). A write-back bio names the pages its data
 * comes from (bi_pages). A store into them while the write is in flight:
 * without stable pages the device writes the pages as they are at the
 * completion (the image, a second payload copy in wl_dma, every crash
 * state from the completion on; a state with the write still in flight
 * holds the submission's bytes); with stable pages, the submission's. */
static void stable_pages_case(bool stable)
{
	struct pc_disk *d;
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16, .volatile_cache = false,
				  .lat_min = 100 * SIM_USEC, .lat_max = 100 * SIM_USEC,
				  .stable_pages = stable };
	struct sim *s = mk(&d, &dc);
	static pc_tag_t pages[2 * BS];
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 16,
				.p_dedup = PC_DEDUP_POINT };
	struct rec r = { .d = d };
	const struct pc_wlog_ent *se, *ce;
	const struct pc_crash_state *cs;
	struct pc_crash_iter *it;
	struct pc_bio *bio = pc_bio_alloc(s, d);
	pc_tag_t want = stable ? 7 : 9;
	bool saw_old = false, saw_new = false;

	for (unsigned i = 0; i < 2 * BS; i++)
		pages[i] = 7;
	bio->bi_op = PC_REQ_WRITE;
	bio->bi_kind = PC_BIO_DATA;
	bio->bi_blk = 3;
	bio->bi_nblk = 2;
	bio->bi_end_io = rec_end_io;
	bio->bi_private = &r;
	bio->bi_pages = pages;
	pc_disk_submit(s, d, bio, pages);
	/* A store while the write is in flight (with stable pages the
	 * kernel's folio_wait_stable would prevent it; the disk must write
	 * the submission's bytes anyway). */
	for (unsigned i = 0; i < 2 * BS; i++)
		pages[i] = 9;
	assert_int_equal(sim_run(s), SIM_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(pc_disk_read(d, 3)[0], want);
	assert_int_equal(pc_disk_read(d, 4)[BS - 1], want);
	assert_int_equal(pc_disk_wlog_len(d), 2);
	se = pc_disk_wlog(d, 0);
	ce = pc_disk_wlog(d, 1);
	assert_int_equal(pc_disk_wlog_data(d, se->wl_data)[0], 7);	/* submission copy */
	if (stable)
		assert_int_equal(ce->wl_dma, se->wl_data);
	else
		assert_int_not_equal(ce->wl_dma, se->wl_data);
	assert_int_equal(pc_disk_wlog_data(d, ce->wl_dma)[BS + 5], want);
	/* Crash states (cache=none: completed is durable). Point 1: in
	 * flight, either lost or with the submission's bytes; point 2: the
	 * completion's. */
	it = pc_crash_iter_new(d, 0, 2, &p);
	assert_non_null(it);
	while ((cs = pc_crash_next(it))) {
		pc_tag_t b = cs->cs_image[3 * BS];

		if (cs->cs_point == 2) {
			assert_int_equal(b, want);
			assert_int_equal(cs->cs_image[4 * BS + 5], want);
		} else {
			assert_true(b == 1003 || b == 7);
		}
		saw_old |= cs->cs_point == 1 && b == 7;
		saw_new |= cs->cs_point == 2 && b == want;
	}
	assert_true(saw_old);
	assert_true(saw_new);
	pc_crash_iter_free(it);
	assert_quiet(s, d);
	sim_destroy(s);
}

static void test_disk_no_stable_pages_reads_at_completion(void **state)
{
	stable_pages_case(false);
}

static void test_disk_stable_pages_keeps_submission(void **state)
{
	stable_pages_case(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_read_sees_completed),
		cmocka_unit_test(test_disk_completion_order_choice),
		cmocka_unit_test(test_disk_inflight_order),
		cmocka_unit_test(test_disk_latency_range),
		cmocka_unit_test(test_disk_fault_injection),
		cmocka_unit_test(test_disk_stats),
		cmocka_unit_test(test_disk_bio_pool_bounded),
		cmocka_unit_test(test_disk_snapshot_reset),
		cmocka_unit_test(test_disk_wlog_overflow_stops),
		cmocka_unit_test(test_disk_durable_notify),
		cmocka_unit_test(test_disk_bad_config),
		cmocka_unit_test(test_disk_no_stable_pages_reads_at_completion),
		cmocka_unit_test(test_disk_stable_pages_keeps_submission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
