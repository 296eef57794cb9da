/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/vocab.c - the scenario parser's vocabulary, from the model:
 * profiles, knobs and their values, and the steps each operation and each
 * kernel task runs under a knob set (so a race row naming a step the
 * profile does not produce is an error at parse time).
 */
#include <string.h>

#include "model/model.h"
#include "sim/explore/runner.h"

#define VOCAB_MAX_STEPS 96

static const char *const *v_knobs(const char *profile)
{
	int p = pc_profile_lookup(profile);

	return p < 0 ? NULL : pc_knob_names((enum pc_profile)p);
}

static const char *const *v_values(const char *profile, const char *knob)
{
	return pc_knob_values(knob);
}

/* The model's own parser decides (durations with units, ranges). */
static int v_value(const char *profile, const char *knob, const char *value, char *why, size_t len)
{
	int p = pc_profile_lookup(profile);
	struct pc_knobs k;

	if (p < 0)
		return 0;	/* the profile's error comes first */
	pc_knobs_default(&k, (enum pc_profile)p);
	return pc_knob_set(&k, knob, value, why, len) ? -1 : 0;
}

static void op_spec(const struct scn_op *op, struct pc_opspec *sp)
{
	static const uint8_t kinds[SCN_OP__COUNT] = {
		[SCN_OP_PWRITE] = PC_OP_PWRITE, [SCN_OP_APPEND] = PC_OP_APPEND,
		[SCN_OP_READ] = PC_OP_READ, [SCN_OP_MMAP] = PC_OP_MMAP,
		[SCN_OP_MUNMAP] = PC_OP_MUNMAP, [SCN_OP_STORE] = PC_OP_STORE,
		[SCN_OP_LOAD] = PC_OP_LOAD, [SCN_OP_MSYNC] = PC_OP_MSYNC,
		[SCN_OP_TRUNCATE] = PC_OP_TRUNCATE, [SCN_OP_FALLOCATE] = PC_OP_FALLOCATE,
		[SCN_OP_PUNCH] = PC_OP_PUNCH, [SCN_OP_ZERO_RANGE] = PC_OP_ZERO_RANGE,
		[SCN_OP_FSYNC] = PC_OP_FSYNC, [SCN_OP_FDATASYNC] = PC_OP_FDATASYNC,
		[SCN_OP_SYNC_FILE_RANGE] = PC_OP_SYNC_FILE_RANGE, [SCN_OP_SYNC] = PC_OP_SYNC,
		[SCN_OP_IO_WAIT] = PC_OP_IO_WAIT, [SCN_OP_SLEEP] = PC_OP_SLEEP,
	};
	static const struct { uint32_t scn, pc; } flags[] = {
		{ SCN_F_WRITETHROUGH, PC_OF_WRITETHROUGH }, { SCN_F_DSYNC, PC_OF_DSYNC },
		{ SCN_F_SYNC, PC_OF_SYNC }, { SCN_F_DIRECT, PC_OF_DIRECT }, { SCN_F_AIO, PC_OF_AIO },
		{ SCN_F_MS_SYNC, PC_OF_MS_SYNC }, { SCN_F_MS_ASYNC, PC_OF_MS_ASYNC },
		{ SCN_F_KEEP_SIZE, PC_OF_KEEP_SIZE }, { SCN_F_WAIT_BEFORE, PC_OF_WAIT_BEFORE },
		{ SCN_F_WRITE, PC_OF_WRITE }, { SCN_F_WAIT_AFTER, PC_OF_WAIT_AFTER },
	};

	memset(sp, 0, sizeof(*sp));
	sp->o_kind = kinds[op->o_kind];
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (op->o_flags & flags[i].scn)
			sp->o_flags |= flags[i].pc;
}

/* The returned array is valid until the next call on this thread (the
 * parser copies what it needs at once), like strerror's buffer. */
static const char *const *v_steps(const char *profile, const struct scn_knob *knobs,
				  size_t nknobs, const char *task_kind, const struct scn_op *op)
{
	static _Thread_local const char *names[VOCAB_MAX_STEPS + 1];
	static const char *const disk[] = { "disk_complete", "data", "zero", "meta", "log",
					    "commit", "flush", NULL };
	struct pc_knobs k;
	char err[200];
	int p = pc_profile_lookup(profile);
	unsigned n;

	if (p < 0)
		return NULL;
	if (!strcmp(task_kind, "disk"))
		return disk;
	pc_knobs_default(&k, (enum pc_profile)p);
	for (size_t i = 0; i < nknobs; i++)
		pc_knob_set(&k, knobs[i].k_name, knobs[i].k_value, err, sizeof(err));
	if (!strcmp(task_kind, "user") && op) {
		struct pc_opspec sp;

		op_spec(op, &sp);
		if ((sp.o_flags & PC_OF_WRITETHROUGH) && !k.k_writethrough)
			k.k_writethrough = true;
		n = pc_op_steps(&k, &sp, names, VOCAB_MAX_STEPS);
	} else {
		n = pc_task_steps(&k, task_kind, names, VOCAB_MAX_STEPS);
	}
	names[n] = NULL;
	return n ? names : NULL;
}

const struct scn_vocab pcr_vocab = {
	.profiles = pc_profile_names,
	.knobs = v_knobs,
	.knob_values = v_values,
	.knob_value = v_value,
	.steps = v_steps,
	.metrics = NULL,
};
