/* SPDX-License-Identifier: MIT */
/*
 * model/disk.c - the block device: media image, bios in flight with latency,
 * completions in any order, REQ_PREFLUSH / REQ_FUA, the write log, fault
 * injection by countdown.
 *
 * Kernel references: block/blk-flush.c (how REQ_PREFLUSH / REQ_FUA are
 * sequenced), Documentation/block/writeback_cache_control.rst (what they
 * promise), block/blk-core.c submit_bio / bio_endio.
 *
 * Bio slot life cycle (d_bio_state[]):
 *
 *          pc_bio_alloc          pc_disk_submit           disk_complete (event)
 *   FREE --------------> ALLOC ----------------> INFLIGHT --------------------> DONE
 *     ^                    |                                                     |
 *     +---- pc_bio_put ----+------------------- pc_bio_put (end_io or later) ----+
 *
 * Transition -> function:
 *   FREE -> ALLOC        pc_bio_alloc (lowest free slot; bi_id from a counter)
 *   ALLOC -> INFLIGHT    pc_disk_submit: data copied into the write log, one
 *                        "disk_complete" event scheduled after a latency drawn
 *                        from PRNG stream PC_STREAM_DISK
 *   INFLIGHT -> DONE     disk_complete: which in-flight bio completes is a
 *                        choice (SIM_CH_PICK over (bi_due, bi_id) order,
 *                        default the first); the image is updated if the
 *                        status is 0; PC_WL_COMPLETE is logged; bi_end_io runs
 *   ALLOC|DONE -> FREE   pc_bio_put
 *
 * Holds (disk_check): d_inflight[] lists exactly the INFLIGHT slots, ordered
 * by (bi_due, bi_id); there are as many pending "disk_complete" events as
 * INFLIGHT slots (one per submit, one completion per event).
 *
 * Durability is not decided here: this file only records what happened
 * (submit / complete, flags, status, data). model/crash.c derives crash
 * states from that log. The runtime image d_image is what a read sees: the
 * latest *completed* write of each block.
 *
 * Fault injection (STYLE 12, SQLite's countdown): cfg.fail_write_nth fails the
 * Nth submitted write of file data (bi_kind PC_BIO_DATA or PC_BIO_ZERO; log,
 * commit and checkpoint writes are not counted: the sweep targets the data
 * path, and the journal's error path is reached through the flush count);
 * cfg.fail_flush_nth fails the Nth bio carrying REQ_PREFLUSH (an empty flush
 * or a commit record). The decision is taken at submission, the status
 * (-PC_EIO) is delivered at completion; a failed write does not change the
 * image and, for a flush, makes nothing durable.
 *
 * Bounds: cfg.max_bios bio slots (PC_DISK_MAX_BIOS at least); PC_WLOG_MAX log entries; a payload pool
 * of d_payload_cap words for the data copies (cfg.payload_blocks). When the
 * log or the pool is full the run is stopped (SIM_STEP_LIMIT, trace note
 * "wlog_full") and pc_disk_wlog_overflow() says so: the log is then a
 * consistent prefix of the execution, ending where the run stopped.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/disk.h"

#define DISK_MAX_BLOCKS		(1u << 20)
#define DISK_MAX_WORDS		(1u << 26)	/* image words (128 MiB of tags) */
#define DISK_PAYLOAD_MIN_BLKS	256u	/* default pool, blocks */
#define DISK_PAYLOAD_MAX_BLKS	4096u
#define DISK_LABEL		PC_OBJ(PC_OBJ_DISK, 0, 0)

/* Programmer errors abort loudly, also in release builds (STYLE 9). */
#define DISK_BUG_ON(cond)							\
	do {									\
		if (cond) {							\
			fprintf(stderr, "%s:%d: disk: BUG: %s\n", __FILE__,	\
				__LINE__, #cond);				\
			abort();						\
		}								\
	} while (0)

enum bio_slot_state { SLOT_FREE = 0, SLOT_ALLOC, SLOT_INFLIGHT, SLOT_DONE };

struct pc_disk {
	struct pc_disk_cfg d_cfg;		/* [setup] */
	uint32_t d_bs;				/* words (= bytes) per block */
	uint32_t d_nblocks;
	pc_tag_t *d_image;			/* [disk] latest completed contents */
	pc_tag_t *d_base;			/* [setup] durable image at settle */
	uint64_t *d_bhash;			/* [setup] pc_block_hash of each base block */
	bool d_bhash_ok;

	uint32_t d_nbios;			/* [setup] pool size */
	struct pc_bio *d_bio;			/* [disk] the bio pool [d_nbios] */
	uint8_t *d_bio_state;			/* enum bio_slot_state */
	bool *d_bio_fail;			/* fault injection decided at submit */
	uint16_t *d_inflight;			/* INFLIGHT slots by (bi_due, bi_id) */
	uint32_t d_ninflight;
	uint32_t d_next_id;			/* last bi_id handed out */

	struct pc_wlog_ent *d_wlog;		/* [PC_WLOG_MAX] */
	uint32_t d_wlog_len;
	pc_tag_t *d_payload;			/* data copies, words */
	uint32_t d_payload_cap, d_payload_used;	/* words */
	bool d_wlog_overflow;

	uint32_t d_nr_data_writes;		/* fault countdowns: seen so far */
	uint32_t d_nr_flushes;
	uint32_t d_dur_scan;			/* write-log entries a flush has already
						 * made durable are below this index */
	pc_disk_durable_fn d_durable_fn;	/* [setup] durability notifications */
	void *d_durable_ctx;
	bool d_have_last;			/* ds_seeks: a previous write exists */
	pc_blk_t d_last_end;			/* last block of the previous write */
	struct pc_disk_stats d_stats;
};

static inline bool disk_check(const struct pc_disk *d)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < d->d_nbios; i++)
		n += d->d_bio_state[i] == SLOT_INFLIGHT;
	if (n != d->d_ninflight)
		return false;
	for (uint32_t i = 0; i < d->d_ninflight; i++) {
		const struct pc_bio *b = &d->d_bio[d->d_inflight[i]];

		if (d->d_bio_state[d->d_inflight[i]] != SLOT_INFLIGHT)
			return false;
		if (i > 0) {
			const struct pc_bio *a = &d->d_bio[d->d_inflight[i - 1]];

			if (a->bi_due > b->bi_due || (a->bi_due == b->bi_due && a->bi_id >= b->bi_id))
				return false;
		}
	}
	return d->d_wlog_len <= PC_WLOG_MAX && d->d_payload_used <= d->d_payload_cap;
}

static bool bs_ok(uint32_t bs)
{
	return bs == 512 || bs == 1024 || bs == 2048 || bs == 4096;
}

struct pc_disk *pc_disk_create(struct sim *s, const struct pc_disk_cfg *cfg)
{
	struct pc_disk *d;
	uint32_t pblks;
	size_t words;

	if (!cfg || !bs_ok(cfg->bs) || cfg->nblocks == 0 || cfg->nblocks > DISK_MAX_BLOCKS ||
	    cfg->lat_max < cfg->lat_min)
		return NULL;
	words = (size_t)cfg->nblocks * cfg->bs;
	if (words > DISK_MAX_WORDS)
		return NULL;
	d = sim_alloc(s, sizeof(*d));
	if (!d)
		return NULL;
	d->d_cfg = *cfg;
	d->d_bs = cfg->bs;
	d->d_nblocks = cfg->nblocks;
	d->d_image = sim_alloc(s, words * sizeof(pc_tag_t));
	d->d_base = sim_alloc(s, words * sizeof(pc_tag_t));
	d->d_bhash = sim_alloc(s, (size_t)cfg->nblocks * sizeof(uint64_t));
	d->d_wlog = sim_alloc(s, PC_WLOG_MAX * sizeof(*d->d_wlog));
	d->d_nbios = cfg->max_bios > PC_DISK_MAX_BIOS ? cfg->max_bios : PC_DISK_MAX_BIOS;
	if (d->d_nbios > UINT16_MAX)
		return NULL;
	d->d_bio = sim_alloc(s, d->d_nbios * sizeof(*d->d_bio));
	d->d_bio_state = sim_alloc(s, d->d_nbios * sizeof(*d->d_bio_state));
	d->d_bio_fail = sim_alloc(s, d->d_nbios * sizeof(*d->d_bio_fail));
	d->d_inflight = sim_alloc(s, d->d_nbios * sizeof(*d->d_inflight));
	if (!d->d_bio || !d->d_bio_state || !d->d_bio_fail || !d->d_inflight)
		return NULL;
	/* The pool holds the data of 8 writes of every block, within bounds,
	 * unless configured: it is copied at every sim_reset. */
	pblks = cfg->payload_blocks;
	if (!pblks) {
		pblks = cfg->nblocks > DISK_PAYLOAD_MAX_BLKS / 8 ? DISK_PAYLOAD_MAX_BLKS
								 : 8 * cfg->nblocks;
		if (pblks < DISK_PAYLOAD_MIN_BLKS)
			pblks = DISK_PAYLOAD_MIN_BLKS;
	}
	if ((uint64_t)pblks * cfg->bs > DISK_MAX_WORDS)
		return NULL;
	d->d_payload_cap = pblks * cfg->bs;
	d->d_payload = sim_alloc(s, (size_t)d->d_payload_cap * sizeof(pc_tag_t));
	if (!d->d_image || !d->d_base || !d->d_bhash || !d->d_wlog || !d->d_payload)
		return NULL;
	assert(disk_check(d));
	return d;
}

uint32_t pc_disk_bs(const struct pc_disk *d)
{
	return d->d_bs;
}

uint32_t pc_disk_nblocks(const struct pc_disk *d)
{
	return d->d_nblocks;
}

bool pc_disk_volatile_cache(const struct pc_disk *d)
{
	return d->d_cfg.volatile_cache;
}

bool pc_disk_wlog_overflow(const struct pc_disk *d)
{
	return d->d_wlog_overflow;
}

void pc_disk_fill(struct pc_disk *d, pc_blk_t blk, const pc_tag_t *words)
{
	size_t off;

	DISK_BUG_ON(blk >= d->d_nblocks);
	off = (size_t)blk * d->d_bs;
	memcpy(d->d_image + off, words, d->d_bs * sizeof(pc_tag_t));
	memcpy(d->d_base + off, words, d->d_bs * sizeof(pc_tag_t));
	d->d_bhash_ok = false;
}

void pc_disk_settle(struct pc_disk *d)
{
	DISK_BUG_ON(d->d_ninflight != 0);
	memcpy(d->d_base, d->d_image, (size_t)d->d_nblocks * d->d_bs * sizeof(pc_tag_t));
	for (uint32_t b = 0; b < d->d_nblocks; b++)
		d->d_bhash[b] = pc_block_hash(d->d_base + (size_t)b * d->d_bs, d->d_bs);
	d->d_bhash_ok = true;
	d->d_wlog_len = 0;
	d->d_dur_scan = 0;
	d->d_payload_used = 0;
	d->d_wlog_overflow = false;
	d->d_nr_data_writes = 0;
	d->d_nr_flushes = 0;
	d->d_have_last = false;
	d->d_last_end = 0;
	d->d_next_id = 0;
	memset(&d->d_stats, 0, sizeof(d->d_stats));
	/* bi_id restarts at 1: no bio may be allocated and not yet submitted
	 * (it would share an id with a new one). Completed ones may still be
	 * held by their owners until pc_bio_put. */
	for (uint32_t i = 0; i < d->d_nbios; i++)
		DISK_BUG_ON(d->d_bio_state[i] == SLOT_ALLOC);
	assert(disk_check(d));
}

void pc_disk_set_faults(struct pc_disk *d, uint32_t fail_write_nth, uint32_t fail_flush_nth)
{
	d->d_cfg.fail_write_nth = fail_write_nth;
	d->d_cfg.fail_flush_nth = fail_flush_nth;
	d->d_nr_data_writes = 0;
	d->d_nr_flushes = 0;
}

struct pc_bio *pc_bio_alloc(struct sim *s, struct pc_disk *d)
{
	for (uint32_t i = 0; i < d->d_nbios; i++) {
		struct pc_bio *b = &d->d_bio[i];

		if (d->d_bio_state[i] != SLOT_FREE)
			continue;
		memset(b, 0, sizeof(*b));
		b->bi_id = ++d->d_next_id;
		d->d_bio_state[i] = SLOT_ALLOC;
		d->d_bio_fail[i] = false;
		return b;
	}
	return NULL;
}

static uint32_t bio_slot(const struct pc_disk *d, const struct pc_bio *bio)
{
	DISK_BUG_ON(bio < d->d_bio || bio >= d->d_bio + d->d_nbios);
	return (uint32_t)(bio - d->d_bio);
}

void pc_bio_put(struct pc_disk *d, struct pc_bio *bio)
{
	uint32_t i = bio_slot(d, bio);

	DISK_BUG_ON(d->d_bio_state[i] != SLOT_ALLOC && d->d_bio_state[i] != SLOT_DONE);
	d->d_bio_state[i] = SLOT_FREE;
}

/* Stop the run: the write log cannot hold more (STYLE 10). */
static bool wlog_room(struct sim *s, struct pc_disk *d, uint32_t words)
{
	if (!d->d_wlog_overflow && d->d_wlog_len < PC_WLOG_MAX &&
	    d->d_payload_cap - d->d_payload_used >= words)
		return true;
	if (!d->d_wlog_overflow) {
		d->d_wlog_overflow = true;
		sim_trace_note(s, -1, "wlog_full", d->d_wlog_len, d->d_payload_used,
			       "disk: write log full (%u entries, %u payload words); run stopped",
			       d->d_wlog_len, d->d_payload_used);
		sim_stop(s, SIM_STEP_LIMIT);
	}
	return false;
}

static struct pc_wlog_ent *wlog_append(struct sim *s, struct pc_disk *d, uint8_t type,
				       const struct pc_bio *bio)
{
	struct pc_wlog_ent *e = &d->d_wlog[d->d_wlog_len++];

	memset(e, 0, sizeof(*e));
	e->wl_type = type;
	e->wl_op = bio->bi_op;
	e->wl_flags = bio->bi_flags;
	e->wl_kind = bio->bi_kind;
	e->wl_bio = bio->bi_id;
	e->wl_blk = bio->bi_blk;
	e->wl_nblk = bio->bi_nblk;
	e->wl_step = sim_steps(s);
	e->wl_time = sim_now(s);
	return e;
}

/* Insert slot i into d_inflight, keeping (bi_due, bi_id) order. */
static void inflight_insert(struct pc_disk *d, uint32_t i)
{
	const struct pc_bio *b = &d->d_bio[i];
	uint32_t at = d->d_ninflight;

	DISK_BUG_ON(d->d_ninflight >= d->d_nbios);
	while (at > 0) {
		const struct pc_bio *a = &d->d_bio[d->d_inflight[at - 1]];

		if (a->bi_due < b->bi_due || (a->bi_due == b->bi_due && a->bi_id < b->bi_id))
			break;
		d->d_inflight[at] = d->d_inflight[at - 1];
		at--;
	}
	d->d_inflight[at] = (uint16_t)i;
	d->d_ninflight++;
}

static uint32_t inflight_remove(struct pc_disk *d, uint32_t k)
{
	uint32_t i = d->d_inflight[k];

	memmove(&d->d_inflight[k], &d->d_inflight[k + 1],
		(d->d_ninflight - k - 1) * sizeof(d->d_inflight[0]));
	d->d_ninflight--;
	return i;
}

/* Account a submitted bio (metrics) and decide its fault (countdown). */
static void submit_account(struct pc_disk *d, struct pc_bio *bio, uint32_t slot)
{
	struct pc_disk_stats *st = &d->d_stats;
	bool fail = false;

	if (bio->bi_op == PC_REQ_WRITE) {
		st->ds_writes[bio->bi_kind]++;
		st->ds_blocks[bio->bi_kind] += bio->bi_nblk;
		if (d->d_have_last && bio->bi_blk != d->d_last_end + 1)
			st->ds_seeks++;
		d->d_have_last = true;
		d->d_last_end = bio->bi_blk + bio->bi_nblk - 1;
		if (bio->bi_kind == PC_BIO_DATA || bio->bi_kind == PC_BIO_ZERO) {
			d->d_nr_data_writes++;
			fail |= d->d_cfg.fail_write_nth &&
				d->d_nr_data_writes == d->d_cfg.fail_write_nth;
		}
	} else {
		st->ds_writes[PC_BIO_FLUSH]++;
	}
	if (bio->bi_flags & PC_REQ_PREFLUSH) {
		st->ds_flushes++;
		d->d_nr_flushes++;
		fail |= d->d_cfg.fail_flush_nth && d->d_nr_flushes == d->d_cfg.fail_flush_nth;
	}
	if (bio->bi_flags & PC_REQ_FUA)
		st->ds_fua++;
	d->d_bio_fail[slot] = fail;
}

static void disk_complete(struct sim *s, void *arg, uint64_t data);

/* The footprint of a "disk_complete" event. Which in-flight bio completes
 * is chosen when it fires, so it is the union over all of them: the disk
 * (image, write log, bio pool: every completion writes DISK, so all write-log
 * appends stay ordered), the clock, the latency tracker (notify_durable),
 * and what each bio's end_io touches (global when it does not say). */
static void disk_complete_fp(const struct sim *s, void *arg, uint64_t data, struct sim_fp *fp)
{
	const struct pc_disk *d = arg;

	sim_fp_add(fp, DISK_LABEL, SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_EVQ, 0, 0), SIM_WRITE);
	sim_fp_add(fp, PC_OBJ(PC_OBJ_LAT, 0, 0), SIM_WRITE);
	for (uint32_t i = 0; i < d->d_ninflight && !fp->fp_global; i++) {
		const struct pc_bio *b = &d->d_bio[d->d_inflight[i]];

		if (b->bi_end_io_fp)
			b->bi_end_io_fp(b, fp);
		else if (b->bi_end_io)
			fp->fp_global = true;
	}
}

void pc_disk_submit(struct sim *s, struct pc_disk *d, struct pc_bio *bio, const pc_tag_t *data)
{
	uint32_t slot = bio_slot(d, bio);
	uint32_t words = 0;
	sim_time_t lat = d->d_cfg.lat_min;
	struct pc_wlog_ent *e;

	DISK_BUG_ON(d->d_bio_state[slot] != SLOT_ALLOC);
	DISK_BUG_ON(bio->bi_op != PC_REQ_WRITE && bio->bi_op != PC_REQ_FLUSH);
	DISK_BUG_ON(bio->bi_kind >= PC_BIO_NKINDS);
	if (bio->bi_op == PC_REQ_WRITE) {
		DISK_BUG_ON(bio->bi_nblk == 0 || !data);
		DISK_BUG_ON(bio->bi_blk >= d->d_nblocks ||
			    bio->bi_nblk > d->d_nblocks - bio->bi_blk);
		words = bio->bi_nblk * d->d_bs;
	} else {
		/* An empty flush: REQ_OP_FLUSH is always REQ_PREFLUSH. */
		bio->bi_flags |= PC_REQ_PREFLUSH;
		bio->bi_nblk = 0;
		bio->bi_blk = 0;
	}
	if (d->d_cfg.lat_max > d->d_cfg.lat_min)
		lat += sim_rand_below(s, PC_STREAM_DISK, d->d_cfg.lat_max - d->d_cfg.lat_min + 1);
	bio->bi_due = sim_now(s) + lat;
	bio->bi_done = false;
	bio->bi_status = 0;
	submit_account(d, bio, slot);
	d->d_bio_state[slot] = SLOT_INFLIGHT;
	inflight_insert(d, slot);
	if (wlog_room(s, d, words)) {
		e = wlog_append(s, d, PC_WL_SUBMIT, bio);
		e->wl_data = d->d_payload_used;
		if (words)
			memcpy(d->d_payload + d->d_payload_used, data, words * sizeof(pc_tag_t));
		d->d_payload_used += words;
		bio->bi_wlog = d->d_wlog_len - 1;
	} else {
		bio->bi_wlog = UINT32_MAX;
	}
	/* A bio submitted after the log overflowed has no data copy: the run
	 * is stopped, and should the caller go on anyway its completion leaves
	 * the image unchanged. */
	sim_event_set_fp(s, sim_event_at(s, bio->bi_due, "disk_complete", disk_complete, d, bio->bi_id),
			 disk_complete_fp);
	sim_trace_note(s, -1, "submit_bio", bio->bi_id, bio->bi_blk,
		       "bio %u op=%s%s%s kind=%u blk=%u+%u due=%llu", bio->bi_id,
		       bio->bi_op == PC_REQ_WRITE ? "write" : "flush",
		       bio->bi_flags & PC_REQ_PREFLUSH ? "|preflush" : "",
		       bio->bi_flags & PC_REQ_FUA ? "|fua" : "", bio->bi_kind, bio->bi_blk,
		       bio->bi_nblk, (unsigned long long)bio->bi_due);
	assert(disk_check(d));
}

void pc_disk_set_durable_fn(struct pc_disk *d, pc_disk_durable_fn fn, void *ctx)
{
	d->d_durable_fn = fn;
	d->d_durable_ctx = ctx;
}

/* Tell the durability listener what bio's completion made durable: the
 * completed volatile writes logged before a successful flush's submit entry
 * (each write once: d_dur_scan only moves forward), then the bio's own data
 * if it is FUA or the cache is off. Amortized O(1) per log entry. */
static void notify_durable(struct sim *s, struct pc_disk *d, const struct pc_bio *bio)
{
	if (!d->d_durable_fn || bio->bi_status || bio->bi_wlog == UINT32_MAX)
		return;
	if ((bio->bi_flags & PC_REQ_PREFLUSH) && d->d_cfg.volatile_cache) {
		for (uint32_t i = d->d_dur_scan; i < bio->bi_wlog; i++) {
			const struct pc_wlog_ent *e = &d->d_wlog[i];

			if (e->wl_type == PC_WL_COMPLETE && e->wl_op == PC_REQ_WRITE &&
			    e->wl_status == 0 && !(e->wl_flags & PC_REQ_FUA) &&
			    e->wl_data < d->d_wlog_len)
				d->d_durable_fn(s, d->d_durable_ctx, &d->d_wlog[e->wl_data],
						e->wl_data);
		}
		if (bio->bi_wlog > d->d_dur_scan)
			d->d_dur_scan = bio->bi_wlog;
	}
	if (bio->bi_op == PC_REQ_WRITE &&
	    ((bio->bi_flags & PC_REQ_FUA) || !d->d_cfg.volatile_cache))
		d->d_durable_fn(s, d->d_durable_ctx, &d->d_wlog[bio->bi_wlog], bio->bi_wlog);
}

/* A device without stable pages DMAs the bio's pages at some point before
 * it completes the write; the model takes the latest, the completion.
 * When the pages no longer hold what was submitted (a store through a
 * PTE made writable again by page_mkwrite, a write() into the folio:
 * folio_wait_stable did not wait), their bytes are what reaches the
 * media: a second copy goes into the payload pool. Returns its offset,
 * sub (the submission's) when nothing changed, UINT32_MAX when the
 * write log is full (the run stops). */
static uint32_t device_read_pages(struct sim *s, struct pc_disk *d, const struct pc_bio *bio,
				  uint32_t sub)
{
	uint32_t words = bio->bi_nblk * d->d_bs, at;

	if (!memcmp(d->d_payload + sub, bio->bi_pages, words * sizeof(pc_tag_t)))
		return sub;
	if (!wlog_room(s, d, words))
		return UINT32_MAX;
	at = d->d_payload_used;
	memcpy(d->d_payload + at, bio->bi_pages, words * sizeof(pc_tag_t));
	d->d_payload_used += words;
	sim_trace_note(s, -1, "bio_dma", bio->bi_id, bio->bi_blk,
		       "bio %u: the pages changed in flight; the device writes them as they are now",
		       bio->bi_id);
	return at;
}

/* bio_endio: the device reports the write (or flush) done. */
static void bio_complete(struct sim *s, struct pc_disk *d, uint32_t slot)
{
	struct pc_bio *bio = &d->d_bio[slot];
	bool logged = false;
	uint32_t dma = UINT32_MAX;

	bio->bi_status = d->d_bio_fail[slot] ? -PC_EIO : 0;
	if (bio->bi_status == 0 && bio->bi_op == PC_REQ_WRITE && bio->bi_wlog != UINT32_MAX) {
		dma = d->d_wlog[bio->bi_wlog].wl_data;
		if (!d->d_cfg.stable_pages && bio->bi_pages)
			dma = device_read_pages(s, d, bio, dma);
		if (dma != UINT32_MAX)
			memcpy(d->d_image + (size_t)bio->bi_blk * d->d_bs, d->d_payload + dma,
			       (size_t)bio->bi_nblk * d->d_bs * sizeof(pc_tag_t));
	}
	if (wlog_room(s, d, 0)) {
		struct pc_wlog_ent *e = wlog_append(s, d, PC_WL_COMPLETE, bio);

		e->wl_status = (int16_t)bio->bi_status;
		e->wl_data = bio->bi_wlog;
		e->wl_dma = dma;
		logged = true;
	}
	if (logged)
		notify_durable(s, d, bio);
	bio->bi_done = true;
	d->d_bio_state[slot] = SLOT_DONE;
	sim_trace_note(s, -1, "bio_endio", bio->bi_id, (uint64_t)(int64_t)bio->bi_status,
		       "bio %u status=%d", bio->bi_id, bio->bi_status);
	assert(disk_check(d));
	if (bio->bi_end_io)
		bio->bi_end_io(s, bio);
}

/* The "disk_complete" event: one per submitted bio. Which in-flight bio
 * completes now is a choice, so every completion order is reachable. */
static void disk_complete(struct sim *s, void *arg, uint64_t data)
{
	struct pc_disk *d = arg;
	uint64_t k = 0;

	DISK_BUG_ON(d->d_ninflight == 0);
	if (d->d_ninflight > 1)
		k = sim_choose(s, SIM_CH_PICK, d->d_ninflight, 0, DISK_LABEL);
	if (k >= d->d_ninflight)
		k = 0;
	bio_complete(s, d, inflight_remove(d, (uint32_t)k));
}

const pc_tag_t *pc_disk_read(const struct pc_disk *d, pc_blk_t blk)
{
	DISK_BUG_ON(blk >= d->d_nblocks);
	return d->d_image + (size_t)blk * d->d_bs;
}

const struct pc_bio *pc_disk_inflight_get(const struct pc_disk *d, uint32_t i)
{
	return i < d->d_ninflight ? &d->d_bio[d->d_inflight[i]] : NULL;
}

unsigned pc_disk_inflight(const struct pc_disk *d)
{
	return d->d_ninflight;
}

uint32_t pc_disk_wlog_len(const struct pc_disk *d)
{
	return d->d_wlog_len;
}

const struct pc_wlog_ent *pc_disk_wlog(const struct pc_disk *d, uint32_t i)
{
	DISK_BUG_ON(i >= d->d_wlog_len);
	return &d->d_wlog[i];
}

void pc_disk_wlog_clear_steps(struct pc_disk *d)
{
	for (uint32_t i = 0; i < d->d_wlog_len; i++)
		d->d_wlog[i].wl_step = 0;
}

const pc_tag_t *pc_disk_wlog_data(const struct pc_disk *d, uint32_t off)
{
	DISK_BUG_ON(off > d->d_payload_used);
	return d->d_payload + off;
}

const pc_tag_t *pc_disk_base_image(const struct pc_disk *d)
{
	return d->d_base;
}

const uint64_t *pc_disk_base_hashes(const struct pc_disk *d)
{
	return d->d_bhash_ok ? d->d_bhash : NULL;
}

const struct pc_disk_stats *pc_disk_stats(const struct pc_disk *d)
{
	return &d->d_stats;
}
