/* SPDX-License-Identifier: MIT */
/*
 * model/alloc.h - block allocation from a pool whose free blocks hold stale
 * contents (a previous file's data). Blocks are handed out lowest first.
 * A block freed in transaction tid may be allocated again only after tid has
 * committed (as ext4 does with its freed-data list released from the jbd2
 * commit callback, fs/ext4/mballoc.c ext4_process_freed_data), so a crash
 * can never show a block owned twice.
 */
#ifndef PCSIM_MODEL_ALLOC_H
#define PCSIM_MODEL_ALLOC_H

#include "model/pc.h"

struct pc_alloc;

struct pc_alloc *pc_alloc_create(struct sim *s, pc_blk_t first, uint32_t n);
/* Lowest free block, or PC_BLK_NONE (the caller returns -PC_ENOSPC). */
pc_blk_t pc_alloc_block(struct pc_alloc *a);
/* Free blk in transaction tid (0: immediately reusable). */
void pc_alloc_free(struct pc_alloc *a, pc_blk_t blk, pc_tid_t tid);
/* Transaction tid committed: its freed blocks become allocatable. */
void pc_alloc_commit(struct pc_alloc *a, pc_tid_t tid);
bool pc_alloc_is_free(const struct pc_alloc *a, pc_blk_t blk);
/* Mark blk in use (loading a file system image at mount). */
void pc_alloc_mark_used(struct pc_alloc *a, pc_blk_t blk);
uint32_t pc_alloc_nfree(const struct pc_alloc *a);

#endif
