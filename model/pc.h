/* SPDX-License-Identifier: MIT */
/*
 * model/pc.h - types shared by every kernel object of the model.
 *
 * Bytes are modelled by their provenance: a byte of the page cache or of a
 * disk block is a pc_tag_t, an index into the world's source table (struct
 * pc_source). Tag 0 is "zero" (a hole, or bytes the kernel zeroed). Every
 * write and every store through a mapping gets its own source, and every
 * data block of the disk starts out holding the stale contents of a
 * previous file (one source per block), so any byte a user sees can be
 * traced back to who put it there. The byte's value is a pure function of
 * (tag, file offset) (pc_byte_value), for reports.
 *
 * Metadata blocks (inode table, journal) hold 16-bit words too, so the disk,
 * the write log, crash states and journal recovery treat every block alike:
 * bs words per block, whatever the block holds.
 */
#ifndef PCSIM_MODEL_PC_H
#define PCSIM_MODEL_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"

#define PC_PAGE_SIZE		4096u
#define PC_PAGE_SHIFT		12
#define PC_MAX_FILES		2
#define PC_MAX_BPP		8	/* blocks per page at bs 512 */
#define PC_MAX_SOURCES		65535u	/* pc_tag_t is 16 bits */
#define PC_MAX_FILE_BYTES	(4u << 20)	/* modelled file space per file */

typedef uint16_t pc_tag_t;	/* provenance of one byte */
typedef uint32_t pc_blk_t;	/* disk block number */
typedef uint32_t pc_tid_t;	/* journal transaction id */

#define PC_TAG_ZERO	((pc_tag_t)0)
#define PC_BLK_NONE	((pc_blk_t)UINT32_MAX)

enum pc_src_kind {
	PC_SRC_ZERO = 0,	/* zeros: a hole, or zeroed by the kernel */
	PC_SRC_STALE,		/* what a previous file left in a disk block */
	PC_SRC_WRITE,		/* write(2)-family data */
	PC_SRC_STORE,		/* a store through a shared mapping */
	PC_SRC_META,		/* metadata words (never file data) */
};

/* Where a byte came from. */
struct pc_source {
	uint8_t src_kind;	/* enum pc_src_kind */
	uint8_t src_task;	/* task id of the writer */
	uint8_t src_file;
	uint8_t src_const;	/* 1: every byte is src_byte (data=0xab) */
	uint8_t src_byte;
	uint32_t src_op;	/* operation number (scenario order) */
	uint64_t src_step;	/* engine step count when it was made */
	sim_time_t src_time;
	pc_blk_t src_blk;	/* PC_SRC_STALE: the disk block */
	uint64_t src_off, src_len;	/* the file range it was aimed at */
};

/* Object ids for footprints and trace: kind in the top byte. */
#define PC_OBJ(kind, file, n)	(((uint32_t)(kind) << 24) | ((uint32_t)(file) << 20) | ((n) & 0xfffffu))
enum pc_obj_kind {
	PC_OBJ_INODE = 1,	/* i_size, i_disksize, extent map */
	PC_OBJ_RWSEM,		/* i_rwsem */
	PC_OBJ_INVAL,		/* invalidate_lock */
	PC_OBJ_FOLIO,		/* folio n of file */
	PC_OBJ_PTE,		/* PTE n of file's shared mapping */
	PC_OBJ_JOURNAL,
	PC_OBJ_DISK,
	PC_OBJ_ALLOC,
	PC_OBJ_WQ,		/* a workqueue */
	PC_OBJ_BIO,
	PC_OBJ_HB,		/* the oracle's history: op invocation/response stamps */
	PC_OBJ_EVQ,		/* the flusher's dirty list and timers, the event queue */
	PC_OBJ_LAT,		/* the durability-latency ghost state (latency.c) */
};

/* Simulated errors are negative errno values (STYLE 9). */
#define PC_EIO		5
#define PC_ENOSPC	28

#endif /* PCSIM_MODEL_PC_H */
