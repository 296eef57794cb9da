/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_merge.c - `pcsim merge SHARD.json... -o OUT.json`: the shards
 * of one fuzz campaign as one results document (sim/report/merge.c). Exit 0
 * when every merged variant is as expected, 1 when one is not, 2 when an
 * input is unreadable or the inputs are not shards of one campaign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/report/report.h"

#define MAX_INPUTS 4096

int cmd_merge(int argc, char **argv)
{
	const char *in[MAX_INPUTS], *out = NULL;
	size_t n = 0;
	unsigned bad = 0;
	char *text, err[700];

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--json")) && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "pcsim merge: unknown option '%s' (see pcsim merge --help)\n",
				argv[i]);
			return PCSIM_EXIT_USAGE;
		} else if (n == MAX_INPUTS) {
			fprintf(stderr, "pcsim merge: at most %d inputs\n", MAX_INPUTS);
			return PCSIM_EXIT_USAGE;
		} else {
			in[n++] = argv[i];
		}
	}
	if (!n) {
		fprintf(stderr, "pcsim merge: no shard documents (pcsim fuzz --shard K/N --json F)\n");
		return PCSIM_EXIT_USAGE;
	}
	if (rpt_merge_fuzz(in, n, &text, &bad, err, sizeof(err))) {
		fprintf(stderr, "pcsim merge: %s\n", err);
		return PCSIM_EXIT_USAGE;
	}
	if (out) {
		if (rpt_write_atomic(out, text, strlen(text), err, sizeof(err))) {
			fprintf(stderr, "pcsim merge: %s\n", err);
			free(text);
			return PCSIM_EXIT_USAGE;
		}
	} else {
		fputs(text, stdout);
	}
	free(text);
	fprintf(stderr, "pcsim merge: %zu shard%s merged; %u variant%s not as expected\n", n,
		n == 1 ? "" : "s", bad, bad == 1 ? "" : "s");
	return bad ? PCSIM_EXIT_MISMATCH : PCSIM_EXIT_OK;
}
