/* SPDX-License-Identifier: MIT */
/*
 * bench/fuzz.c - how fast pcsim fuzz rediscovers each seed bug.
 *
 * For every seed scenario variant expected to fail, from the scenario's
 * threads alone (the race section is ignored): 20 campaigns (seeds 1-20)
 * per strategy (random walk, PCT depth 3), each stopped at its first run
 * breaking an invariant the variant names; prints the median and the worst
 * runs and seconds to that first violation, and how many campaigns found it
 * within the budget. Shrinking and reproducers are left out: this is the
 * search alone. Figures are printed, never asserted (`make bench-fuzz`).
 *
 * usage: bench_fuzz [SRC] [RUNS]   (SRC: the source tree, default ".";
 *                                   RUNS: budget per campaign, default 5000)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/fuzz.h"

#define SEEDS     20
#define MAX_FILES 64

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

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

/* One bug: 20 campaigns of one strategy; prints a table row. */
static void bench_bug(const struct scn_file *f, const char *path, const char *text, size_t len,
		      int vi, enum pcf_strategy strat, uint64_t budget)
{
	static const char *const names[] = { "random", "pct" };
	struct pcr_opts o = { .oracle = -1 };
	uint64_t runs[SEEDS];
	double secs[SEEDS];
	unsigned found = 0;

	for (unsigned k = 0; k < SEEDS; k++) {
		struct pcf_opts fo = { .f_strategy = strat, .f_runs = budget, .f_seed = k + 1,
				       .f_nshards = 1, .f_pct_depth = 3, .f_crash = true,
				       .f_early_events = true, .f_stop = true };
		struct pcf_stats st;
		char err[600];

		if (pcf_fuzz(f, path, text, len, vi, &o, &fo, &st, err, sizeof(err))) {
			fprintf(stderr, "bench_fuzz: %s\n", err);
			return;
		}
		found += st.fs_found_run > 0;
		runs[k] = st.fs_found_run ? st.fs_found_run : UINT64_MAX;
		secs[k] = st.fs_found_run ? st.fs_found_seconds : 1e30;
	}
	qsort(runs, SEEDS, sizeof(runs[0]), cmp_u64);
	qsort(secs, SEEDS, sizeof(secs[0]), cmp_dbl);
	printf("  %-40.40s %-16.16s %-6s %2u/%u", strrchr(path, '/') + 1,
	       vi >= 0 ? f->f_variants[vi].v_name : "-", names[strat], found, SEEDS);
	if (found > SEEDS / 2)
		printf("  median %6llu runs %8.3f s", (unsigned long long)runs[SEEDS / 2 - 1],
		       secs[SEEDS / 2 - 1]);
	else
		printf("  median     -- runs       -- s");
	if (found == SEEDS)
		printf("  worst %6llu runs %8.3f s", (unsigned long long)runs[SEEDS - 1],
		       secs[SEEDS - 1]);
	printf("\n");
	fflush(stdout);
}

static void bench_file(const char *path, uint64_t budget)
{
	struct scn_file *f = NULL;
	struct scn_diag d;
	size_t len;
	char *text = slurp(path, &len);

	if (!text || scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		fprintf(stderr, "bench_fuzz: cannot read %s\n", path);
		free(text);
		return;
	}
	for (int vi = 0; vi < (int)f->f_nvariants; vi++) {
		if (!f->f_variants[vi].v_expect.e_fail)
			continue;
		bench_bug(f, path, text, len, vi, PCF_RANDOM, budget);
		bench_bug(f, path, text, len, vi, PCF_PCT, budget);
	}
	scn_free(f);
	free(text);
}

int main(int argc, char **argv)
{
	const char *src = argc > 1 ? argv[1] : ".";
	uint64_t budget = argc > 2 ? strtoull(argv[2], NULL, 10) : 5000;
	char dir[512], *files[MAX_FILES];
	unsigned n = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/scenarios/seed", src);
	d = opendir(dir);
	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_FILES) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".scn")) {
			files[n] = malloc(strlen(dir) + l + 2);
			if (files[n])
				sprintf(files[n++], "%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	qsort(files, n, sizeof(files[0]), cmp_str);
	printf("pcsim fuzz: runs and seconds to the first violation of each seed bug\n"
	       "(threads only, race ignored; %u seeds per strategy, budget %llu runs each;\n"
	       " the median over the seeds, and the worst when every seed found it)\n",
	       SEEDS, (unsigned long long)budget);
	for (unsigned i = 0; i < n; i++) {
		bench_file(files[i], budget);
		free(files[i]);
	}
	return 0;
}
