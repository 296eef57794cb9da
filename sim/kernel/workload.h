/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/workload.h - the sequential workloads `pcsim kernel` runs on
 * the host kernel and in the model: one or two files, one thread.
 *
 * A workload is written in the scenario language's operation syntax, one
 * operation per line or separated by ';' ("pwrite f0 0 100; fsync f0"), or
 * taken from a scenario file (setup, then every thread's operations in
 * order), or read from an fsx --record-ops log, or generated. Every write
 * and store carries its operation's own byte (data=N, N = index + 1 unless
 * the text gives one), so a byte names the operation that wrote it.
 */
#ifndef PCSIM_KERNEL_WORKLOAD_H
#define PCSIM_KERNEL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

#define KW_MAX_OPS	200
#define KW_MAX_END	(256u << 10)	/* no operation reaches past this */

struct kworkload {
	int profile;			/* enum pc_profile */
	uint32_t bs;
	unsigned nfiles;		/* 1 or 2 */
	char files[2][32];		/* file names as written */
	struct pc_opspec setup[KW_MAX_OPS];
	unsigned nsetup;
	struct pc_opspec op[KW_MAX_OPS];
	unsigned nops;
	unsigned skipped[PC_OP_NKINDS];	/* operations the host cannot run (or fsx's
					 * that pcsim does not model), not run */
	unsigned skipped_other;
};

/* Parse an operation list or a whole scenario file. For a bare list,
 * profile and bs come from the caller (kw->profile, kw->bs set before).
 * Returns 0, or -1 with "path:line:col: error: ..." in err. */
int kw_parse(struct kworkload *kw, const char *path, const char *text, size_t len, char *err,
	     size_t errlen);
/* An fsx --record-ops log (.fsxops): write, mapwrite, truncate, fallocate,
 * punch_hole, zero_range are replayed; read, mapread, collapse/insert
 * range, clone, dedupe, copy are counted in skipped_other. */
int kw_parse_fsxops(struct kworkload *kw, const char *path, const char *text, size_t len,
		    char *err, size_t errlen);
/* A random workload of seed: EOF, block and page boundaries favoured. */
void kw_generate(struct kworkload *kw, uint64_t seed, unsigned max_ops);
/* The list on one line, as kw_parse reads it back. */
void kw_format(const struct kworkload *kw, FILE *out);
void kw_format_op(const struct kworkload *kw, const struct pc_opspec *o, char *buf, size_t len);
/* Bytes of file space the workload needs (page multiple). */
uint64_t kw_file_space(const struct kworkload *kw);
/* Drop the operations the host cannot run (AIO, writethrough, sleep,
 * io-wait, unaligned direct I/O, stores past the EOF page, msync without a
 * mapping) counting them in skipped[]; the list stays legal. */
void kw_sanitize(struct kworkload *kw);
/* Does the operation end with a durability promise for file f (fsync,
 * fdatasync, O_DSYNC/O_SYNC write, msync MS_SYNC, sync)? */
bool kw_op_syncs(const struct pc_opspec *o, unsigned f);

#endif
