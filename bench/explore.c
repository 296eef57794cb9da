/* SPDX-License-Identifier: MIT */
/*
 * bench/explore.c - how fast `pcsim explore` goes: executions per second
 * and crash states per second of the exhaustive search (DPOR, sleep sets,
 * pending events as choices, crash states of every execution) at bound 2,
 * on seed 01 v3 and seed 03 v3 (the issue-12 figures), best of R rounds.
 * Each is run with the write-tracked reset and with PCSIM_FULL_RESET=1 (the
 * whole snapshot copied at every reset, as before it). Seconds are CPU
 * seconds of the process (the machine is shared). Figures are printed,
 * never asserted (`make bench`).
 *
 * usage: bench_explore [SRC] [ROUNDS]   (SRC: source tree, default ".";
 *                                        ROUNDS: default 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/explore/explore.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(SCN_MAX_FILE_BYTES + 1) : NULL;

	if (!buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, SCN_MAX_FILE_BYTES, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* CPU seconds of this process: the machine is shared, wall time is not
 * ours. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(const char *src, const char *file, const char *variant, unsigned rounds)
{
	char path[512], err[600];
	struct scn_file *f = NULL;
	struct scn_diag d;
	size_t len;
	char *text;
	int vi = -1;

	snprintf(path, sizeof(path), "%s/scenarios/seed/%s", src, file);
	text = slurp(path, &len);
	if (!text || scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		fprintf(stderr, "bench_explore: cannot read %s\n", path);
		free(text);
		return;
	}
	for (uint32_t i = 0; i < f->f_nvariants; i++)
		if (!strcmp(f->f_variants[i].v_name, variant))
			vi = (int)i;
	for (int full = 0; full < 2 && vi >= 0; full++) {
		double best = 0;
		struct pcx_report keep = { 0 };

		if (full)
			setenv("PCSIM_FULL_RESET", "1", 1);
		else
			unsetenv("PCSIM_FULL_RESET");
		for (unsigned r = 0; r < rounds; r++) {
			struct pcr_opts o = { .oracle = -1 };
			struct pcx_opts xo = { .x_strategy = PCX_EXHAUSTIVE, .x_preempt_bound = 2,
					       .x_crash = true, .x_sleep_sets = true,
					       .x_dpor = true, .x_early_events = true };
			struct pcx_report rep;
			double t0 = cpu_s(), t;

			if (pcx_explore(f, path, vi, &o, &xo, &rep, err, sizeof(err))) {
				fprintf(stderr, "bench_explore: %s\n", err);
				break;
			}
			t = cpu_s() - t0;
			if (best == 0 || t < best) {
				best = t;
				keep = rep;
			}
			pcx_report_free(&rep);
		}
		if (best > 0)
			printf("%-28s %-4s %-12s %7llu execs %8llu crash states %7.2f s "
			       "%8.0f execs/s %9.0f crash states/s (CPU s)\n",
			       file, variant, full ? "full reset" : "tracked", (unsigned long long)keep.xr_execs,
			       (unsigned long long)keep.xr_crash_states, best,
			       (double)keep.xr_execs / best, (double)keep.xr_crash_states / best);
	}
	unsetenv("PCSIM_FULL_RESET");
	scn_free(f);
	free(text);
}

int main(int argc, char **argv)
{
	const char *src = argc > 1 ? argv[1] : ".";
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 3;

	printf("pcsim explore, bound 2, exhaustive with DPOR, crash states on; best of %u\n",
	       rounds);
	bench(src, "01-writethrough-mkwrite.scn", "v3", rounds ? rounds : 1);
	bench(src, "03-aio-endio-isize.scn", "v3", rounds ? rounds : 1);
	return 0;
}
