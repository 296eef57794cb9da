/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/main.c - the pcsim command: a table of subcommands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "model/model.h"
#include "sim/core/sim.h"
#include "sim/explore/runner.h"
#include "sim/scenario/scenario.h"

static const struct pcsim_cmd cmds[] = {
	{ "demo", "[--tasks N] [--ops N] [--locks N] [--seed S] [--random] [--deadlock] "
		  "[--trace] [--hash] [--tape TAPE]",
	  "run the engine's synthetic multi-task workload (no kernel model)", cmd_demo },
	{ "run", "FILE|DIR... [--variant V] [--knob K=V]... [--oracle default|strict] "
		 "[--seed N] [--trace] [-q] [-v] [--mail] [--json FILE] [--junit FILE] [--html DIR|FILE] "
		 "[--markdown FILE] [--metrics-md FILE] [--wall-time]",
	  "run every variant of every scenario and give each a verdict", cmd_run },
	{ "diff", "BASE.json NEW.json [--markdown|--html] [--threshold PCT] [-o FILE]",
	  "compare two runs' results: changed verdicts, new and fixed violations, metric "
	  "deltas (exit 1 on a regression)", cmd_diff },
	{ "explore", "FILE [--variant V] [--strategy exhaustive|random|pct] [--bound N|none] "
		     "[--max-execs N] [--seconds S] [--depth D] [--seed N] [--no-crash] "
		     "[--no-early-events] [--no-dpor] [--no-sleep-sets] [--stop] [--replay TAPE] "
		     "[--out DIR] [--estimate [N]] [--no-progress] "
		     "[--knob K=V]... [--json FILE] [--junit FILE] [--html DIR|FILE] "
		     "[--markdown FILE] [--wall-time]",
	  "search the choices of a scenario's threads and kernel tasks (race section ignored)",
	  cmd_explore },
	{ "fuzz", "[FILE|DIR...] [--generate N] [--strategy random|pct|swarm] [--runs N] "
		  "[--seconds S] [--seed N] [--shard K/N] [--out DIR] [--variant V] [--depth D] "
		  "[--no-crash] [--no-shrink] [--no-early-events] [--no-progress] [--stop] "
		  "[--json FILE] [--junit FILE] [--html DIR|FILE] [--markdown FILE] [--wall-time]",
	  "crash-point fuzzing; shrinks a violation and writes a reproducer scenario", cmd_fuzz },
	{ "merge", "SHARD.json... [-o OUT.json]",
	  "merge the --json documents of one fuzz campaign's shards (--shard K/N) into one",
	  cmd_merge },
	{ "kernel", "[FILE.scn...] [--ops 'OP; OP...'] [--fsxops FILE] [--generate N] [--seed S] "
		    "[--max-ops N] [--fs ext4|xfs|all] [--bs 1024|4096|all] [--bits N] "
		    "[--model-bits N] [--schedules N] [--shrink N] [--knob K=V]... [--json FILE] "
		    "[--markdown FILE] "
		    "[--workdir DIR] [-v]",
	  "crash states of the host kernel (ext4, XFS on a write-logging loop device) against "
	  "the model's (needs root, /dev/fuse, loop devices)", cmd_kernel },
	{ "steps", "[PROFILE] [--knob K=V]...",
	  "list profiles, knobs, operations and the steps each expands into", cmd_steps },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	fprintf(f, "pcsim %s - a deterministic simulator of the Linux page cache, writeback "
		   "and jbd2\n\n"
		   "usage: pcsim [--version] [--help] COMMAND [ARGS]\n\ncommands:\n",
		PCSIM_VERSION);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %s\n           %s\n", cmds[i].name, cmds[i].help, cmds[i].args);
	fprintf(f, "\nexit status: 0 all verdicts as expected, 1 a verdict not as expected, "
		   "2 usage or parse error\ndocs: README.md and docs/\n");
}

/* `pcsim CMD --help` and `pcsim help CMD`: that command's line of the table. */
static void cmd_usage(const struct pcsim_cmd *c)
{
	printf("usage: pcsim %s %s\n\n%s\n\ndocs: README.md and docs/; exit status as in pcsim "
	       "--help\n",
	       c->name, c->args, c->help);
}

static const struct pcsim_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static bool check_knob(const char *cmd, const char *name, const char *value)
{
	char err[512], first[512] = "";

	/* ext4-iomap knows the most knobs: its message is the most useful. */
	static const enum pc_profile order[] = { PC_PROF_EXT4_IOMAP, PC_PROF_XFS, PC_PROF_EXT4 };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct pc_knobs k;

		pc_knobs_default(&k, order[i]);
		if (!pc_knob_set(&k, name, value, err, sizeof(err)))
			return true;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", err);
	}
	{
		const char *near = scn_suggest(name, pc_knob_names(PC_PROF_EXT4_IOMAP));

		if (near && strcmp(near, name))
			fprintf(stderr, "pcsim %s: --knob %s=%s: %s; did you mean '%s'?\n", cmd,
				name, value, first, near);
		else
			fprintf(stderr, "pcsim %s: --knob %s=%s: %s\n", cmd, name, value, first);
	}
	return false;
}

bool cli_add_knob(const char *cmd, struct pcr_opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	unsigned n = o->noverrides;

	if (!eq || eq == kv || !eq[1] || (size_t)(eq - kv) > SCN_MAX_NAME ||
	    strlen(eq + 1) > SCN_MAX_NAME) {
		fprintf(stderr, "pcsim %s: --knob wants KNOB=VALUE (got '%s')\n", cmd, kv);
		return false;
	}
	if (n >= PCR_MAX_OVERRIDES) {
		fprintf(stderr, "pcsim %s: at most %d --knob options\n", cmd, PCR_MAX_OVERRIDES);
		return false;
	}
	snprintf(o->override_name[n], sizeof(o->override_name[n]), "%.*s", (int)(eq - kv), kv);
	snprintf(o->override_value[n], sizeof(o->override_value[n]), "%s", eq + 1);
	if (!check_knob(cmd, o->override_name[n], o->override_value[n]))
		return false;
	o->noverrides++;
	return true;
}

bool cli_parse_u64(const char *opt, const char *val, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!val || !*val || *val == '-') {
		fprintf(stderr, "pcsim: %s needs a number\n", opt);
		return false;
	}
	errno = 0;
	v = strtoull(val, &end, 0);
	if (errno || *end || v > max) {
		fprintf(stderr, "pcsim: %s: '%s' is not a number in 0..%llu\n", opt, val,
			(unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PCSIM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pcsim %s\n", PCSIM_VERSION);
		return PCSIM_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		const struct pcsim_cmd *c = argc > 2 ? find_cmd(argv[2]) : NULL;

		if (argc > 2 && !c) {
			fprintf(stderr, "pcsim: no command '%s' (try pcsim --help)\n", argv[2]);
			return PCSIM_EXIT_USAGE;
		}
		if (c)
			cmd_usage(c);
		else
			usage(stdout);
		return PCSIM_EXIT_OK;
	}
	const struct pcsim_cmd *c = find_cmd(argv[1]);

	if (!c) {
		fprintf(stderr, "pcsim: unknown command '%s' (try pcsim --help)\n", argv[1]);
		return PCSIM_EXIT_USAGE;
	}
	if (wants_help(argc, argv)) {
		cmd_usage(c);
		return PCSIM_EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
