/* SPDX-License-Identifier: MIT */
/*
 * model/alloc.c - block allocation, lowest free block first, with freed
 * blocks held back until the transaction that freed them has committed.
 *
 * Kernel: fs/ext4/mballoc.c. ext4_free_blocks() in a handle does not make
 * the blocks allocatable at once: ext4_mb_free_metadata() puts them on the
 * transaction's freed-data list, and ext4_process_freed_data(), called from
 * the jbd2 commit callback (ext4_journal_commit_callback), releases them.
 * Otherwise a block could be reused and rewritten before the transaction
 * that freed it is durable, and a crash would show it owned twice.
 *
 * Per block (a_state[]):
 *
 *           pc_alloc_block                pc_alloc_free(tid != 0)
 *   FREE ---------------------> INUSE -------------------------------> FREED(tid)
 *     ^                           |                                       |
 *     +--- pc_alloc_free(0) ------+       pc_alloc_commit(t >= tid)       |
 *     +-------------------------------------------------------------------+
 *
 * Holds (alloc_check): a_nfree == number of FREE blocks; a_low <= every
 * FREE block's index (a hint for the lowest-first search); a FREED block
 * carries a nonzero tid.
 *
 * pc_alloc_is_free and pc_alloc_nfree count FREE blocks only: a FREED block
 * is still owned on disk until its transaction commits, and cannot be handed
 * out.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/alloc.h"

#define ALLOC_MAX_BLOCKS	(1u << 24)

#define ALLOC_BUG_ON(cond)							\
	do {									\
		if (cond) {							\
			fprintf(stderr, "%s:%d: alloc: BUG: %s\n", __FILE__,	\
				__LINE__, #cond);				\
			abort();						\
		}								\
	} while (0)

enum alloc_state { A_FREE = 0, A_INUSE, A_FREED };

struct pc_alloc {
	pc_blk_t a_first;		/* [setup] first block of the pool */
	uint32_t a_n;			/* [setup] blocks in the pool */
	uint32_t a_nfree;		/* [alloc] FREE blocks */
	uint32_t a_low;			/* [alloc] no FREE block below this index */
	uint8_t *a_state;		/* [alloc] enum alloc_state, per block */
	pc_tid_t *a_tid;		/* [alloc] FREED: the freeing transaction */
};

static inline bool alloc_check(const struct pc_alloc *a)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < a->a_n; i++) {
		if (a->a_state[i] == A_FREE) {
			n++;
			if (i < a->a_low)
				return false;
		}
		if (a->a_state[i] == A_FREED && a->a_tid[i] == 0)
			return false;
	}
	return n == a->a_nfree;
}

struct pc_alloc *pc_alloc_create(struct sim *s, pc_blk_t first, uint32_t n)
{
	struct pc_alloc *a;

	if (n == 0 || n > ALLOC_MAX_BLOCKS || first > PC_BLK_NONE - n)
		return NULL;
	a = sim_alloc(s, sizeof(*a));
	if (!a)
		return NULL;
	a->a_state = sim_alloc(s, n * sizeof(*a->a_state));
	a->a_tid = sim_alloc(s, n * sizeof(*a->a_tid));
	if (!a->a_state || !a->a_tid)
		return NULL;
	a->a_first = first;
	a->a_n = n;
	a->a_nfree = n;
	a->a_low = 0;
	assert(alloc_check(a));
	return a;
}

pc_blk_t pc_alloc_block(struct pc_alloc *a)
{
	for (uint32_t i = a->a_low; i < a->a_n; i++) {
		if (a->a_state[i] != A_FREE)
			continue;
		a->a_state[i] = A_INUSE;
		a->a_nfree--;
		a->a_low = i + 1;
		assert(alloc_check(a));
		return a->a_first + i;
	}
	a->a_low = a->a_n;
	return PC_BLK_NONE;
}

static uint32_t alloc_index(const struct pc_alloc *a, pc_blk_t blk)
{
	ALLOC_BUG_ON(blk < a->a_first || blk - a->a_first >= a->a_n);
	return blk - a->a_first;
}

static void alloc_release(struct pc_alloc *a, uint32_t i)
{
	a->a_state[i] = A_FREE;
	a->a_tid[i] = 0;
	a->a_nfree++;
	if (i < a->a_low)
		a->a_low = i;
}

void pc_alloc_free(struct pc_alloc *a, pc_blk_t blk, pc_tid_t tid)
{
	uint32_t i = alloc_index(a, blk);

	ALLOC_BUG_ON(a->a_state[i] != A_INUSE);	/* double free */
	if (tid == 0) {
		alloc_release(a, i);
	} else {
		a->a_state[i] = A_FREED;
		a->a_tid[i] = tid;
	}
	assert(alloc_check(a));
}

void pc_alloc_commit(struct pc_alloc *a, pc_tid_t tid)
{
	/* Commits are in tid order: tid committed means every older one did. */
	for (uint32_t i = 0; i < a->a_n; i++)
		if (a->a_state[i] == A_FREED && a->a_tid[i] <= tid)
			alloc_release(a, i);
	assert(alloc_check(a));
}

bool pc_alloc_is_free(const struct pc_alloc *a, pc_blk_t blk)
{
	return a->a_state[alloc_index(a, blk)] == A_FREE;
}

uint32_t pc_alloc_nfree(const struct pc_alloc *a)
{
	return a->a_nfree;
}

void pc_alloc_mark_used(struct pc_alloc *a, pc_blk_t blk)
{
	uint32_t i = alloc_index(a, blk);

	if (a->a_state[i] == A_FREE) {
		a->a_state[i] = A_INUSE;
		a->a_nfree--;
	}
	assert(alloc_check(a));
}
