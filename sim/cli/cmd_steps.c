/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_steps.c - `pcsim steps [PROFILE] [--knob k=v]...`: profiles,
 * knobs with their values and defaults, operations, and the step names each
 * operation (and each kernel task) expands into under the knob set.
 */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "sim/cli/cli.h"

static void print_path(const struct pc_knobs *k, const char *label, const struct pc_opspec *sp,
		       unsigned path)
{
	const char *names[64];
	unsigned n = pc_op_steps_path(k, sp, path, names, 64);

	printf("  %-32s", label);
	if (!n)
		printf(" (not available)");
	for (unsigned i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
}

/* One line per path the operation can take (truncate: up from inside a
 * block, up from a block boundary, down, same size), else one line. */
static void print_steps(const struct pc_knobs *k, const char *label, const struct pc_opspec *sp)
{
	static const struct {
		unsigned path;
		const char *what;
	} paths[] = {
		{ PC_PATH_UP_ZERO, "up" },
		{ PC_PATH_UP, "up aligned" },
		{ PC_PATH_DOWN, "down" },
		{ PC_PATH_SAME, "same" },
	};
	unsigned have = pc_op_paths(k, sp);
	char l[64];

	if (!have) {
		print_path(k, label, sp, 0);
		return;
	}
	if (sp->o_kind != PC_OP_TRUNCATE) {
		/* a write: inside EOF, or starting past it (EOF zeroing) */
		print_path(k, label, sp, PC_PATH_SAME);
		snprintf(l, sizeof(l), "%s past EOF", label);
		print_path(k, l, sp, PC_PATH_UP);
		return;
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(l, sizeof(l), "%s %s", label, paths[i].what);
		print_path(k, l, sp, paths[i].path);
	}
}

static void print_profile(const struct pc_knobs *k)
{
	static const struct {
		const char *label;
		uint8_t kind;
		uint32_t flags;
	} ops[] = {
		{ "pwrite", PC_OP_PWRITE, 0 },
		{ "pwrite dsync", PC_OP_PWRITE, PC_OF_DSYNC },
		{ "pwrite writethrough", PC_OP_PWRITE, PC_OF_WRITETHROUGH },
		{ "pwrite writethrough aio", PC_OP_PWRITE, PC_OF_WRITETHROUGH | PC_OF_AIO },
		{ "pwrite direct", PC_OP_PWRITE, PC_OF_DIRECT },
		{ "append", PC_OP_APPEND, 0 },
		{ "read", PC_OP_READ, 0 },
		{ "mmap", PC_OP_MMAP, 0 },
		{ "munmap", PC_OP_MUNMAP, 0 },
		{ "store", PC_OP_STORE, 0 },
		{ "load", PC_OP_LOAD, 0 },
		{ "msync sync", PC_OP_MSYNC, PC_OF_MS_SYNC },
		{ "truncate", PC_OP_TRUNCATE, 0 },
		{ "fallocate", PC_OP_FALLOCATE, 0 },
		{ "punch", PC_OP_PUNCH, 0 },
		{ "zero-range", PC_OP_ZERO_RANGE, 0 },
		{ "fsync", PC_OP_FSYNC, 0 },
		{ "fdatasync", PC_OP_FDATASYNC, 0 },
		{ "sync-file-range", PC_OP_SYNC_FILE_RANGE, PC_OF_WRITE },
		{ "sync", PC_OP_SYNC, 0 },
		{ "io-wait", PC_OP_IO_WAIT, 0 },
		{ "sleep", PC_OP_SLEEP, 0 },
	};
	static const char *const tasks[] = { "flusher", "jbd2", "endio", "dio" };
	const char *const *kn = pc_knob_names((enum pc_profile)k->k_profile);

	printf("profile %s\n knobs:\n", pc_profile_names[k->k_profile]);
	for (unsigned i = 0; kn && kn[i]; i++) {
		const char *const *vals = pc_knob_values(kn[i]);
		char cur[32];

		pc_knob_format(k, kn[i], cur, sizeof(cur));
		printf("  %-18s = %-13s", kn[i], cur);
		if (vals) {
			printf(" (");
			for (unsigned j = 0; vals[j]; j++)
				printf("%s%s", j ? "|" : "", vals[j]);
			printf(")");
		} else {
			printf(!strncmp(kn[i], "fail_", 5) ? " (count)" : " (duration)");
		}
		printf("\n");
	}
	printf(" operations and their steps:\n");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct pc_opspec sp = { .o_kind = ops[i].kind, .o_flags = ops[i].flags };
		struct pc_knobs kk = *k;

		if (ops[i].flags & PC_OF_WRITETHROUGH)
			kk.k_writethrough = true;
		print_steps(&kk, ops[i].label, &sp);
	}
	printf(" kernel tasks:\n");
	for (size_t i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
		const char *names[64];
		/* XFS has no jbd2: its log's thread is the CIL push work */
		const char *task = k->k_profile == PC_PROF_XFS && !strcmp(tasks[i], "jbd2")
					   ? "xfs-cil" : tasks[i];
		unsigned n = pc_task_steps(k, task, names, 64);

		printf("  %-32s", task);
		for (unsigned j = 0; j < n; j++)
			printf(" %s", names[j]);
		printf("\n");
	}
	printf("  %-32s disk_complete (data|zero|meta|log|commit|flush picks the bio)\n",
	       "disk");
}

int cmd_steps(int argc, char **argv)
{
	int only = -1;
	struct pc_knobs k[PC_PROF_N];
	char err[300];
	const char *kv[16];
	unsigned nkv = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--knob") && i + 1 < argc && nkv < 16) {
			kv[nkv++] = argv[++i];
		} else if (pc_profile_lookup(argv[i]) >= 0) {
			only = pc_profile_lookup(argv[i]);
		} else {
			fprintf(stderr, "pcsim steps: '%s' is not a profile (ext4, ext4-iomap, xfs) "
				"or --knob K=V\n", argv[i]);
			return PCSIM_EXIT_USAGE;
		}
	}
	for (int p = 0; p < PC_PROF_N; p++) {
		pc_knobs_default(&k[p], (enum pc_profile)p);
		if (only >= 0 && p != only)
			continue;
		for (unsigned i = 0; i < nkv; i++) {
			char name[64], *eq;

			snprintf(name, sizeof(name), "%s", kv[i]);
			eq = strchr(name, '=');
			if (!eq) {
				fprintf(stderr, "pcsim steps: --knob wants KNOB=VALUE\n");
				return PCSIM_EXIT_USAGE;
			}
			*eq = '\0';
			if (pc_knob_set(&k[p], name, eq + 1, err, sizeof(err))) {
				fprintf(stderr, "pcsim steps: %s\n", err);
				return PCSIM_EXIT_USAGE;
			}
		}
		print_profile(&k[p]);
		if (only < 0 && p + 1 < PC_PROF_N)
			printf("\n");
	}
	return PCSIM_EXIT_OK;
}
