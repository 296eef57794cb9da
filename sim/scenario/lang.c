/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/lang.c - what the language fixes: section keywords, operations
 * and their argument shapes, invariant names, kernel task names.
 *
 * Profiles, knobs and steps are not here: they come from the model through
 * struct scn_vocab.
 */
#include <string.h>

#include "sim/scenario/scn_int.h"

const char *const scn__section_names[] = {
	"scenario", "fs", "disk", "setup", "thread", "race", "schedule", "crash",
	"persist", "oracle", "variant", "expect", "metric", "tape", NULL,
};

/* Indexed by enum scn_invariant. */
const char *const scn__invariant_names[] = {
	"stale-data", "eof-junk", "unreserved-dirty", "lost-write", "not-durable",
	"isize-unlocked", "deadlock", "journal", "erased-data", NULL,
};

/* Indexed by enum scn_task_kind - SCN_TASK_FLUSHER. */
const char *const scn__kernel_task_names[] = { "flusher", "jbd2", "endio", "disk", "dio",
						NULL };

#define A3(a, b, c) { SCN_ARG_##a, SCN_ARG_##b, SCN_ARG_##c }
#define FILE_OFF_LEN A3(FILE, OFF, LEN)
#define FILE_ONLY A3(FILE, FILE, FILE)

/* Indexed by enum scn_op_kind. Flags are listed in canonical print order. */
static const struct scn_op_desc scn_ops[SCN_OP__COUNT] = {
	[SCN_OP_PWRITE] = {
		"pwrite", "pwrite FILE OFF LEN [writethrough] [dsync] [sync] [direct] [aio] [data=PATTERN]",
		3, FILE_OFF_LEN, 5,
		{ { "writethrough", SCN_F_WRITETHROUGH }, { "dsync", SCN_F_DSYNC },
		  { "sync", SCN_F_SYNC }, { "direct", SCN_F_DIRECT }, { "aio", SCN_F_AIO } },
		0, true, true },
	[SCN_OP_APPEND] = { "append", "append FILE LEN [data=PATTERN]", 2,
			    A3(FILE, LEN, LEN), 0, { { NULL, 0 } }, 0, true, true },
	[SCN_OP_READ] = { "read", "read FILE OFF LEN", 3, FILE_OFF_LEN, 0, { { NULL, 0 } },
			  0, false, true },
	[SCN_OP_MMAP] = { "mmap", "mmap FILE", 1, FILE_ONLY, 0, { { NULL, 0 } }, 0, false, false },
	[SCN_OP_MUNMAP] = { "munmap", "munmap FILE", 1, FILE_ONLY, 0, { { NULL, 0 } }, 0, false,
			    false },
	[SCN_OP_STORE] = { "store", "store FILE OFF LEN [data=PATTERN]", 3, FILE_OFF_LEN, 0,
			   { { NULL, 0 } }, 0, true, true },
	[SCN_OP_LOAD] = { "load", "load FILE OFF LEN", 3, FILE_OFF_LEN, 0, { { NULL, 0 } }, 0,
			  false, true },
	[SCN_OP_MSYNC] = {
		"msync", "msync FILE OFF LEN [sync|async]", 3, FILE_OFF_LEN, 2,
		{ { "sync", SCN_F_MS_SYNC }, { "async", SCN_F_MS_ASYNC } },
		SCN_F_MS_SYNC | SCN_F_MS_ASYNC, false, false },
	[SCN_OP_TRUNCATE] = { "truncate", "truncate FILE SIZE", 2, A3(FILE, SIZE, SIZE), 0,
			      { { NULL, 0 } }, 0, false, false },
	[SCN_OP_FALLOCATE] = { "fallocate", "fallocate FILE OFF LEN [keep-size]", 3,
			       FILE_OFF_LEN, 1, { { "keep-size", SCN_F_KEEP_SIZE } }, 0, false,
			       true },
	[SCN_OP_PUNCH] = { "punch", "punch FILE OFF LEN", 3, FILE_OFF_LEN, 0, { { NULL, 0 } }, 0,
			   false, true },
	[SCN_OP_ZERO_RANGE] = { "zero-range", "zero-range FILE OFF LEN [keep-size]", 3,
				FILE_OFF_LEN, 1, { { "keep-size", SCN_F_KEEP_SIZE } }, 0, false,
				true },
	[SCN_OP_FSYNC] = { "fsync", "fsync FILE", 1, FILE_ONLY, 0, { { NULL, 0 } }, 0, false,
			   false },
	[SCN_OP_FDATASYNC] = { "fdatasync", "fdatasync FILE", 1, FILE_ONLY, 0, { { NULL, 0 } },
			       0, false, false },
	[SCN_OP_SYNC_FILE_RANGE] = {
		"sync-file-range", "sync-file-range FILE OFF LEN [wait-before] [write] [wait-after]",
		3, FILE_OFF_LEN, 3,
		{ { "wait-before", SCN_F_WAIT_BEFORE }, { "write", SCN_F_WRITE },
		  { "wait-after", SCN_F_WAIT_AFTER } },
		0, false, false },
	[SCN_OP_SYNC] = { "sync", "sync", 0, FILE_ONLY, 0, { { NULL, 0 } }, 0, false, false },
	[SCN_OP_IO_WAIT] = { "io-wait", "io-wait FILE", 1, FILE_ONLY, 0, { { NULL, 0 } }, 0,
			     false, false },
	[SCN_OP_SLEEP] = { "sleep", "sleep DURATION (e.g. 31s, 5ms, 100us, 10ns)", 1,
			   A3(DURATION, DURATION, DURATION), 0, { { NULL, 0 } }, 0, false, false },
};

const char *const scn__op_names[] = {
	"pwrite", "append", "read", "mmap", "munmap", "store", "load", "msync", "truncate",
	"fallocate", "punch", "zero-range", "fsync", "fdatasync", "sync-file-range", "sync",
	"io-wait", "sleep", NULL,
};

const struct scn_op_desc *scn__op_desc(enum scn_op_kind k)
{
	if ((unsigned)k >= SCN_OP__COUNT)
		return NULL;
	return &scn_ops[k];
}

static int scn_lookup(const char *w, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(w, names[i]))
			return i;
	return -1;
}

bool scn__name_in(const char *w, const char *const *names)
{
	return names && scn_lookup(w, names) >= 0;
}

int scn__op_lookup(const char *w)
{
	return scn_lookup(w, scn__op_names);
}

int scn__invariant_lookup(const char *w)
{
	return scn_lookup(w, scn__invariant_names);
}

enum scn_task_kind scn__kernel_task(const char *w)
{
	int i = scn_lookup(w, scn__kernel_task_names);

	/* XFS's log: the same commit thread, named after XFS's CIL push
	 * workqueue (docs/model.md 2.9). */
	if (i < 0 && !strcmp(w, "xfs-cil"))
		return SCN_TASK_JBD2;
	return i < 0 ? SCN_TASK_NONE : (enum scn_task_kind)(SCN_TASK_FLUSHER + i);
}

const char *scn_op_name(enum scn_op_kind k)
{
	const struct scn_op_desc *d = scn__op_desc(k);

	return d ? d->od_name : "?";
}

const char *scn_invariant_name(enum scn_invariant inv)
{
	if ((unsigned)inv >= SCN_INV__COUNT)
		return "?";
	return scn__invariant_names[inv];
}

const char *scn_task_kind_name(enum scn_task_kind k)
{
	switch (k) {
	case SCN_TASK_THREAD:
		return "user";
	case SCN_TASK_FLUSHER:
	case SCN_TASK_JBD2:
	case SCN_TASK_ENDIO:
	case SCN_TASK_DISK:
	case SCN_TASK_DIO:
		return scn__kernel_task_names[k - SCN_TASK_FLUSHER];
	case SCN_TASK_NONE:
		break;
	}
	return "none";
}
