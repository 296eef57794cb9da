/* SPDX-License-Identifier: MIT */
/* sim/cli/cli.h - subcommands of the pcsim binary. */
#ifndef PCSIM_CLI_H
#define PCSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses shared by every subcommand. */
#define PCSIM_EXIT_OK       0	/* every verdict matched its expectation */
#define PCSIM_EXIT_MISMATCH 1	/* a verdict did not match / a check failed */
#define PCSIM_EXIT_USAGE    2	/* usage or parse error */

struct pcsim_cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_steps(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_kernel(int argc, char **argv);

/* Parse an unsigned decimal/hex option value; prints an error and returns
 * false on garbage or overflow past max. */
bool cli_parse_u64(const char *opt, const char *val, uint64_t max, uint64_t *out);

struct pcr_opts;

/* A --knob K=V given on the command line: checked before anything runs
 * (some profile must know the knob and accept the value) and added to the
 * runner's overrides. On a malformed argument, too many knobs or a knob no
 * profile accepts, prints why (cmd: the subcommand's name) and returns false. */
bool cli_add_knob(const char *cmd, struct pcr_opts *o, const char *kv);

#endif
