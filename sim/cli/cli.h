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

/* Parse an unsigned decimal/hex option value; prints an error and returns
 * false on garbage or overflow past max. */
bool cli_parse_u64(const char *opt, const char *val, uint64_t max, uint64_t *out);

/* A --knob K=V given on the command line: true if some profile knows the
 * knob and accepts the value; otherwise prints why (cmd: the subcommand's
 * name) and returns false, before anything runs. */
bool cli_check_knob(const char *cmd, const char *name, const char *value);

#endif
