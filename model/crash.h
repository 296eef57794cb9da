/* SPDX-License-Identifier: MIT */
/*
 * model/crash.h - crash states from the write log of one execution.
 *
 * The way a block-level write logger is replayed (dm-log-writes): for a crash
 * after write-log entry k (k = 0 .. wlog_len), the image is
 *
 *     base image
 *   + every write that is durable at k, applied in completion order
 *   + a subset of the writes that are *uncertain* at k, applied in
 *     submission order: completed but not yet durable (volatile cache, no
 *     covering flush, no FUA), or submitted and still in flight.
 *
 * A write is durable at k when it completed with status 0 before k and
 * either it had REQ_FUA, the cache is none, or a flush (REQ_PREFLUSH bio)
 * submitted after the write completed has itself completed before k.
 * Failed writes are never applied.
 *
 * A subset is closed under the preflush rule: a surviving uncertain write
 * that carries REQ_PREFLUSH implies that its preflush ran (the device
 * performs the flush before the write), so every write that completed
 * before that bio was submitted is on the media too; those still uncertain
 * at k are added to the subset. An image with such a write but without an
 * earlier-completed write (a jbd2 commit record without the data or log
 * blocks it was submitted after) is never produced. Only in-flight PREFLUSH
 * writes matter: once one completes, its preflush has made those writes
 * durable. FUA alone implies nothing about other writes. A candidate whose
 * closure equals another's counts as a duplicate.
 *
 * Subsets: with u uncertain writes, every subset when 2^u <= the bound
 * (persist all-subsets max=N), else the empty and full subsets, every
 * single-write subset and every "all but one", then a seeded sample up to
 * the bound. `prefix` applies the first i uncertain writes for each i.
 * Identical images (by a 64-bit hash of their contents) are checked once.
 * `exact` (persist survivors, the form a reproducer prints) checks one
 * subset per crash point: the uncertain writes it names, closed under the
 * preflush rule.
 */
#ifndef PCSIM_MODEL_CRASH_H
#define PCSIM_MODEL_CRASH_H

#include "model/disk.h"

enum pc_persist_mode {
	PC_PERSIST_ALL_SUBSETS = 0,
	PC_PERSIST_PREFIX,
	PC_PERSIST_SAMPLE,
	PC_PERSIST_EXACT,	/* one subset: the writes named in p_ids (a reproducer) */
};

#define PC_CRASH_MAX_SURVIVORS	256	/* survivors listed per crash state */

/* Scope of "identical images are checked once". Global dedup is only sound
 * for checks that do not depend on the crash point; a check of promises
 * that hold from some point on (not-durable: a completed fsync) must see
 * every (point, image) pair, or an image that is legal where it first
 * appears hides the same image where it is a violation. */
enum pc_dedup_scope {
	PC_DEDUP_GLOBAL = 0,	/* an image is produced once for the whole log */
	PC_DEDUP_POINT,		/* once per crash point */
};

struct pc_persist {
	uint8_t p_mode;		/* enum pc_persist_mode */
	uint32_t p_max;		/* all-subsets: bound on subsets per crash point; sample: count */
	uint64_t p_seed;
	uint8_t p_dedup;	/* enum pc_dedup_scope; 0: global */
	/* exact: bio ids (write ids) of the uncertain writes that survive,
	 * strictly increasing; every other uncertain write is lost. The
	 * caller keeps the array alive while the iterator runs. */
	const uint32_t *p_ids;
	uint32_t p_nids;
};

/* One crash state: the image and which uncertain writes survived. */
struct pc_crash_state {
	uint32_t cs_point;	/* crash after this many write-log entries */
	pc_tag_t *cs_image;	/* nblocks * bs words, owned by the iterator */
	uint32_t cs_nuncertain;
	uint32_t cs_survivors[PC_CRASH_MAX_SURVIVORS];	/* bio ids of uncertain writes applied,
							 * increasing (the first ones) */
	uint32_t cs_nsurvivors;
	bool cs_survivors_cut;	/* more survived than cs_survivors holds */
	uint64_t cs_hash;	/* of the image */
};

struct pc_crash_iter;

/* Iterate crash states for crash points [from, to] of d's write log (to
 * clamped to the log length). Allocates with malloc (not in the arena: it
 * runs after the execution). */
struct pc_crash_iter *pc_crash_iter_new(const struct pc_disk *d, uint32_t from, uint32_t to,
					const struct pc_persist *p);
/* Next distinct state, or NULL when done. The state is valid until the next
 * call. Each image is built from the previous one: the blocks the previous
 * candidate wrote, and those that became durable since, are brought back
 * and the new candidate's writes applied. A caller that changes cs_image
 * (journal recovery in place) names the blocks it wrote with
 * pc_crash_touch, or calls pc_crash_touch_all. */
const struct pc_crash_state *pc_crash_next(struct pc_crash_iter *it);
void pc_crash_touch(struct pc_crash_iter *it, uint32_t blk);
void pc_crash_touch_all(struct pc_crash_iter *it);
/* A hash of blocks [first, first + n) of the state pc_crash_next returned
 * last, as it was handed out (before the caller changed it): equal hashes,
 * equal contents (to 64 bits). Costs n additions, no block is read. */
uint64_t pc_crash_range_hash(const struct pc_crash_iter *it, uint32_t first, uint32_t n);
/* Blocks copied into images so far (the first image's every block
 * included): what building the states cost. */
uint64_t pc_crash_blocks_copied(const struct pc_crash_iter *it);
/* How many states were produced, how many were skipped as duplicates, and
 * whether every subset of every crash point was covered (no sampling). */
void pc_crash_counts(const struct pc_crash_iter *it, uint64_t *states, uint64_t *dups,
		     bool *complete);
/* Exact mode: a write id of p_ids that was not an uncertain write at any
 * crash point visited (never submitted by then, already durable, failed,
 * or not a write of this run): the scenario does not replay the run it was
 * printed from. Returns it, or 0 when every id matched. */
uint32_t pc_crash_unmatched(const struct pc_crash_iter *it);
void pc_crash_iter_free(struct pc_crash_iter *it);

#endif /* PCSIM_MODEL_CRASH_H */
