/* SPDX-License-Identifier: MIT */
/*
 * model/disk.h - the block device: media, a volatile write cache, writes in
 * flight with latency, REQ_PREFLUSH / REQ_FUA, completions in any order, the
 * write log of one execution, and fault injection.
 *
 * Block numbers are a flat space [0, d_nblocks) of d_bs words each (one
 * pc_tag_t per byte of a data block; metadata blocks use the same words).
 *
 * Durability (SEMANTICS.md section 8, block layer semantics of
 * Documentation/block/writeback_cache_control.rst):
 *   - a write completes when the device says so; with a volatile cache,
 *     completed is not durable;
 *   - REQ_PREFLUSH: every write that completed before the flush bio was
 *     submitted is durable once the flush completes (an empty PREFLUSH bio
 *     is a pure flush); the bio's own data is not covered by its preflush;
 *   - REQ_FUA: this write is durable when it completes;
 *   - cache=none: every completed write is durable.
 *
 * Runtime reads (pc_disk_read) see the latest *completed* write of a block.
 *
 * Completion order: each submitted bio schedules one completion event after
 * a latency drawn from [lat_min, lat_max] (PRNG stream PC_STREAM_DISK). When
 * a completion event fires, which in-flight bio completes is a choice
 * (sim_choose SIM_CH_PICK over the in-flight bios ordered by (due, id);
 * default the first), so every completion order is reachable.
 *
 * Write log: every submit and completion is appended (with a copy of the
 * data at submission), so crash states can be derived after the run
 * (model/crash.h).
 *
 * Stable pages: a device that needs them (cfg.stable_pages, the block
 * queue's BLK_FEAT_STABLE_WRITES / BDI_CAP_STABLE_WRITES) gets writers to
 * wait in folio_wait_stable (mm/page-writeback.c), so the data is the
 * submission's. Otherwise the device may DMA the pages any time until it
 * completes the write: the model reads a bio's bi_pages at its completion
 * event (the last moment a DMA can happen) and logs a second copy when
 * they changed (wl_dma). A crash state in which the write is still in
 * flight holds the submission's copy; once completed, the completion's.
 */
#ifndef PCSIM_MODEL_DISK_H
#define PCSIM_MODEL_DISK_H

#include "model/pc.h"

#define PC_STREAM_DISK	1	/* PRNG stream for latencies */
#define PC_DISK_MAX_BIOS	256	/* in flight + completing at once (default; cfg.max_bios) */
#define PC_WLOG_MAX	8192	/* write log entries per run */

enum pc_req_op { PC_REQ_WRITE = 1, PC_REQ_FLUSH = 2 };
enum pc_req_flags { PC_REQ_PREFLUSH = 1, PC_REQ_FUA = 2 };

/* What a bio carries, for metrics and reports. */
enum pc_bio_kind {
	PC_BIO_DATA = 0,	/* file data from writeback / direct I/O */
	PC_BIO_ZERO,		/* a block zeroed at EOF submitted on its own */
	PC_BIO_META,		/* metadata to its home location (checkpoint) */
	PC_BIO_LOG,		/* journal descriptor / metadata copies */
	PC_BIO_COMMIT,		/* journal commit record */
	PC_BIO_FLUSH,		/* an empty flush */
	PC_BIO_NKINDS
};

struct pc_bio;
typedef void (*pc_bio_end_io)(struct sim *s, struct pc_bio *bio);
/* What bi_end_io may read or write, beyond the disk (DISK, the clock EVQ,
 * the latency tracker LAT: the completion event declares those itself), for
 * the completion event's footprint; NULL with a bi_end_io: global. */
typedef void (*pc_bio_end_io_fp)(const struct pc_bio *bio, struct sim_fp *fp);

struct pc_bio {
	uint32_t bi_id;		/* submission order, from 1 */
	uint8_t bi_op;		/* enum pc_req_op */
	uint8_t bi_flags;	/* enum pc_req_flags */
	uint8_t bi_kind;	/* enum pc_bio_kind */
	bool bi_done;		/* completion ran */
	int bi_status;		/* 0 or -PC_EIO, valid when bi_done */
	pc_blk_t bi_blk;	/* first block */
	uint32_t bi_nblk;	/* contiguous blocks */
	sim_time_t bi_due;	/* when its completion event is due */
	pc_bio_end_io bi_end_io;	/* runs in the completion event */
	pc_bio_end_io_fp bi_end_io_fp;	/* its footprint (model/footprint.c) */
	/* The pages the data comes from, when they may still change while
	 * the write is in flight (page cache folios under writeback); NULL:
	 * the data given at submission is all the device ever sees (journal
	 * buffers, direct I/O). Without stable pages (cfg.stable_pages
	 * false) the device reads them at the completion event. */
	const pc_tag_t *bi_pages;
	void *bi_private;	/* the submitter's */
	uint64_t bi_private2;
	uint32_t bi_wlog;	/* index of its submit entry in the write log */
};

struct pc_disk_cfg {
	uint32_t bs;		/* block size in bytes: 512..4096 */
	uint32_t nblocks;
	bool volatile_cache;	/* cache=volatile (default) or none */
	sim_time_t lat_min, lat_max;
	uint32_t fail_write_nth;	/* 0: none; else the Nth data write fails (-EIO) */
	uint32_t fail_flush_nth;	/* 0: none; else the Nth flush fails */
	uint32_t payload_blocks;	/* write-log data capacity in blocks; 0: default
					 * 8 * nblocks within [256, 4096] (it lives in the
					 * arena: sim_reset copies it) */
	uint32_t max_bios;	/* bio pool; 0: PC_DISK_MAX_BIOS (at most 65535) */
	bool stable_pages;	/* the device needs stable pages (BDI_CAP_STABLE_WRITES):
				 * it writes the data as it was at submission; else
				 * a write's bi_pages are read at its completion */
};

enum pc_wlog_type {
	PC_WL_SUBMIT = 1,	/* a write or flush was submitted */
	PC_WL_COMPLETE,		/* ... and completed (status in wl_status) */
};

struct pc_wlog_ent {
	uint8_t wl_type;	/* enum pc_wlog_type */
	uint8_t wl_op, wl_flags, wl_kind;
	int16_t wl_status;
	uint32_t wl_bio;	/* bi_id */
	pc_blk_t wl_blk;
	uint32_t wl_nblk;
	uint32_t wl_data;	/* submit: offset of the data copy in the payload pool (words);
				 * complete: index of the bio's submit entry */
	uint32_t wl_dma;	/* complete (a write): offset of the data the device wrote,
				 * the submit entry's wl_data unless the pages changed
				 * in flight (no stable pages) */
	uint64_t wl_step;	/* engine step count at the time */
	sim_time_t wl_time;
};

struct pc_disk;

/* Allocate from the arena (call before sim_snapshot). The initial image is
 * all stale: data block b's bytes carry tag stale_tag(b) as given by the
 * caller through pc_disk_fill(). */
struct pc_disk *pc_disk_create(struct sim *s, const struct pc_disk_cfg *cfg);
uint32_t pc_disk_bs(const struct pc_disk *d);
uint32_t pc_disk_nblocks(const struct pc_disk *d);
/* cfg.volatile_cache, for crash states (model/crash.c). */
bool pc_disk_volatile_cache(const struct pc_disk *d);
/* Set a block's contents directly (initial image / setup). */
void pc_disk_fill(struct pc_disk *d, pc_blk_t blk, const pc_tag_t *words);
/* Take the current contents as durable (end of setup): clears the write log
 * and in-flight state. Nothing may be in flight. */
void pc_disk_settle(struct pc_disk *d);
/* Set the fault countdowns (cfg.fail_write_nth, cfg.fail_flush_nth) from
 * now on, counting from 0: the model arms them once the setup is done
 * (pc_model_settle, pc_model_mount), so a setup never fails. */
void pc_disk_set_faults(struct pc_disk *d, uint32_t fail_write_nth, uint32_t fail_flush_nth);

/* Get a bio from the bounded pool; NULL when the pool is exhausted (a model
 * bug: assert in the caller). Zeroed except bi_id. */
struct pc_bio *pc_bio_alloc(struct sim *s, struct pc_disk *d);
/* Release a bio after its end_io ran (end_io may call this itself). */
void pc_bio_put(struct pc_disk *d, struct pc_bio *bio);
/* Submit. For PC_REQ_WRITE, data holds bi_nblk * bs words, copied now into
 * the write log. Schedules the completion. */
void pc_disk_submit(struct sim *s, struct pc_disk *d, struct pc_bio *bio, const pc_tag_t *data);
/* Runtime read of one block (latest completed contents). */
const pc_tag_t *pc_disk_read(const struct pc_disk *d, pc_blk_t blk);
unsigned pc_disk_inflight(const struct pc_disk *d);
/* The i-th in-flight bio in the order the completion choice uses. */
const struct pc_bio *pc_disk_inflight_get(const struct pc_disk *d, uint32_t i);

/* The write log of this run. */
uint32_t pc_disk_wlog_len(const struct pc_disk *d);
const struct pc_wlog_ent *pc_disk_wlog(const struct pc_disk *d, uint32_t i);
/* Clear the entries' step stamps (the footprint check's normaliser). */
void pc_disk_wlog_clear_steps(struct pc_disk *d);
const pc_tag_t *pc_disk_wlog_data(const struct pc_disk *d, uint32_t off);
/* The durable image at the start of the run (after pc_disk_settle). */
const pc_tag_t *pc_disk_base_image(const struct pc_disk *d);
/* The hash of one block's contents, as crash states combine them. */
static inline uint64_t pc_block_hash(const pc_tag_t *words, uint32_t bs)
{
	return sim_hash_fast(SIM_HASH_INIT, words, (size_t)bs * sizeof(pc_tag_t));
}
/* pc_block_hash of every block of the base image, computed once at
 * pc_disk_settle (crash states start from it every execution); NULL before
 * the first settle or after a pc_disk_fill. */
const uint64_t *pc_disk_base_hashes(const struct pc_disk *d);
/* The write log or its data pool filled up: the run was stopped there
 * (SIM_STEP_LIMIT) and the log is the prefix of the execution up to it. */
bool pc_disk_wlog_overflow(const struct pc_disk *d);

/* Durability notifications (for latency metrics): fn runs, inside the
 * completion event, once for every write the moment it becomes durable
 * under the rules above: at its completion for REQ_FUA or cache=none, else
 * when a REQ_PREFLUSH bio submitted after its completion completes. submit
 * is the write's submit entry, at write-log index idx. A write that failed,
 * or whose completion was not logged, is never reported. */
typedef void (*pc_disk_durable_fn)(struct sim *s, void *ctx, const struct pc_wlog_ent *submit,
				   uint32_t idx);
void pc_disk_set_durable_fn(struct pc_disk *d, pc_disk_durable_fn fn, void *ctx);

/* Counters for metrics, by bio kind. */
struct pc_disk_stats {
	uint64_t ds_writes[PC_BIO_NKINDS];
	uint64_t ds_blocks[PC_BIO_NKINDS];
	uint64_t ds_flushes;	/* PREFLUSH bios, empty or not */
	uint64_t ds_fua;
	uint64_t ds_seeks;	/* writes not starting where the previous ended */
};
const struct pc_disk_stats *pc_disk_stats(const struct pc_disk *d);

#endif /* PCSIM_MODEL_DISK_H */
