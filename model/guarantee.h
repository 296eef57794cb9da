/* SPDX-License-Identifier: MIT */
/*
 * model/guarantee.h - what each profile guarantees about the zeros an
 * erasing operation leaves (SEMANTICS.md section 10, `erased-data`): the
 * table the oracle reads, kept in docs/guarantees.md with a source per row
 * (tests/unit/test_guarantee.c checks that the two agree).
 */
#ifndef PCSIM_MODEL_GUARANTEE_H
#define PCSIM_MODEL_GUARANTEE_H

#include <stdbool.h>

#include "model/model.h"

/* Which erase left a byte zero (the byte's latest erase, i_erase_kind). A
 * byte in a block wholly inside the erased range is `whole-block`; a byte
 * of a partly erased block takes the kind of the operation. */
enum pc_erase_kind {
	PC_ERASE_NONE = 0,
	PC_ERASE_WHOLE_BLOCK,	/* block freed, unmapped or made unwritten, or never allocated */
	PC_ERASE_TRUNCATE_DOWN,	/* the new EOF block's tail, zeroed by a truncate down */
	PC_ERASE_PUNCH,		/* a partial block at an end of a punched range */
	PC_ERASE_ZERO_RANGE,	/* a partial block at an end of a zeroed range */
	PC_ERASE_EXTEND_WRITE,	/* the old EOF block's tail, zeroed by an extending write */
	PC_ERASE_TRUNCATE_UP,	/* ... by a truncate up */
	PC_ERASE_EXTEND_FALLOC,	/* ... by an extending fallocate or zero range */
	PC_ERASE_N
};

extern const char *const pc_erase_kind_names[PC_ERASE_N];

/* One row: does the profile make the zeros of this erase durable with the
 * erasing operation's metadata transaction, and who says so. */
struct pc_guarantee {
	uint8_t g_profile;	/* enum pc_profile */
	uint8_t g_kind;		/* enum pc_erase_kind */
	bool g_durable;
	const char *g_source;	/* the kernel function and file, or the mail */
};

/* The row for (profile, kind); every pair has exactly one. */
const struct pc_guarantee *pc_guarantee(enum pc_profile p, enum pc_erase_kind k);
/* All rows, in the order of docs/guarantees.md. */
unsigned pc_guarantees(const struct pc_guarantee **rows);

#endif
