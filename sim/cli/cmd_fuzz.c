/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_fuzz.c - `pcsim fuzz [FILE|DIR...]`: crash-point fuzzing of
 * scenario threads (race sections ignored) or of generated workloads; with
 * --json/--junit/--html/--markdown also as report files (cli_report.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli/cli.h"
#include "sim/cli/cli_report.h"
#include "sim/explore/fuzz.h"

#define MAX_FILES 1024

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path, char **out, unsigned *n)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char *names[MAX_FILES];
	unsigned k = 0;

	if (stat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		if (*n < MAX_FILES)
			out[(*n)++] = strdup(path);
		return;
	}
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)) && k < MAX_FILES) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".scn")) {
			names[k] = malloc(strlen(path) + l + 2);
			if (names[k])
				sprintf(names[k++], "%s/%s", path, e->d_name);
		}
	}
	closedir(d);
	qsort(names, k, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < k; i++)
		if (*n < MAX_FILES)
			out[(*n)++] = names[i];
		else
			free(names[i]);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(SCN_MAX_FILE_BYTES + 2) : NULL;

	if (!f) {
		perror(path);
		return NULL;
	}
	*len = buf ? fread(buf, 1, SCN_MAX_FILE_BYTES + 1, f) : 0;
	fclose(f);
	return buf;
}

static void report(const char *path, const struct scn_file *f, int vi, const struct pcf_stats *st)
{
	char inv[200] = "";
	size_t at = 0;

	for (int k = 0; k < PC_INV_N; k++)
		if (st->fs_inv_mask & (1u << k))
			at += (size_t)snprintf(inv + at, at < sizeof(inv) ? sizeof(inv) - at : 0,
					       "%s%s", at ? "," : "", pc_invariant_names[k]);
	printf("  %-12s runs %-6llu crash states %-8llu violations %-5llu %-28s %s%.1f s\n",
	       vi >= 0 ? f->f_variants[vi].v_name : "-", (unsigned long long)st->fs_runs,
	       (unsigned long long)st->fs_crash_states, (unsigned long long)st->fs_violating_runs,
	       at ? inv : "-", st->fs_unexpected ? "UNEXPECTED " : "", st->fs_seconds);
	if (st->fs_first_run)
		printf("      first violation at run %llu (%.2f s); tape %u choices, shrunk to %u "
		       "(%u off the default schedule)\n",
		       (unsigned long long)st->fs_first_run, st->fs_first_seconds, st->fs_tape_len,
		       st->fs_shrunk_len, st->fs_deviations);
	if (st->fs_written)
		printf("      reproducer: %s  (%s, %u rows; pcsim run %s)\n", st->fs_repro,
		       st->fs_race ? "race diagram" : "tape", st->fs_rows, st->fs_repro);
	(void)path;
}

static int fuzz_text(const char *path, const char *text, size_t len, const struct pcr_opts *o,
		     const struct pcf_opts *fo, const char *variant, bool *unexpected,
		     struct rpt *rp)
{
	struct scn_file *f = NULL;
	struct scn_diag d;
	int rc = PCSIM_EXIT_OK;

	if (scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		cli_report_bad_file(rp, path, text, len, &d);
		return PCSIM_EXIT_USAGE;
	}
	if (rp && rpt_scenario(rp, path, text, len, f, NULL))
		rc = PCSIM_EXIT_USAGE;
	printf("%s (%s)\n", path, scn_name(f));
	for (int vi = f->f_nvariants ? 0 : -1; vi < (int)f->f_nvariants; vi++) {
		struct pcf_stats st;
		char err[600];

		if (variant && vi >= 0 && strcmp(variant, f->f_variants[vi].v_name))
			continue;
		if (pcf_fuzz(f, path, text, len, vi, o, fo, &st, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			if (rp)
				rpt_variant(rp, f, vi, NULL, NULL, err);
			rc = PCSIM_EXIT_USAGE;
			break;
		}
		report(path, f, vi, &st);
		if (rp && rpt_fuzz(rp, f, path, vi, o, fo, &st)) {
			fprintf(stderr, "pcsim fuzz: out of memory for the report\n");
			rc = PCSIM_EXIT_USAGE;
		}
		*unexpected |= st.fs_unexpected;
		if (vi < 0)
			break;
	}
	scn_free(f);
	return rc;
}

int cmd_fuzz(int argc, char **argv)
{
	struct pcr_opts o = { .oracle = -1 };
	struct pcf_opts fo = { .f_strategy = PCF_RANDOM, .f_pct_depth = 3, .f_crash = true,
			       .f_shrink = true, .f_nshards = 1, .f_early_events = true };
	char *files[MAX_FILES];
	unsigned nfiles = 0;
	uint64_t v, generate = 0;
	const char *variant = NULL;
	struct cli_reports cr = { .cr_no_metrics_md = true };
	struct rpt *rp;
	bool unexpected = false, oom;
	int rc = PCSIM_EXIT_OK, nargs;

	fo.f_progress = isatty(STDERR_FILENO) && isatty(STDOUT_FILENO);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--strategy") && val) {
			i++;
			if (!strcmp(val, "random"))
				fo.f_strategy = PCF_RANDOM;
			else if (!strcmp(val, "pct"))
				fo.f_strategy = PCF_PCT;
			else if (!strcmp(val, "swarm"))
				fo.f_strategy = PCF_SWARM;
			else {
				fprintf(stderr, "pcsim fuzz: --strategy random|pct|swarm\n");
				return PCSIM_EXIT_USAGE;
			}
		} else if (!strcmp(a, "--runs") && cli_parse_u64(a, val, UINT64_MAX, &v)) {
			fo.f_runs = v;
			i++;
		} else if (!strcmp(a, "--seconds") && cli_parse_u64(a, val, 86400 * 30, &v)) {
			fo.f_seconds = (double)v;
			i++;
		} else if (!strcmp(a, "--seed") && cli_parse_u64(a, val, UINT64_MAX, &v)) {
			fo.f_seed = v;
			i++;
		} else if (!strcmp(a, "--depth") && cli_parse_u64(a, val, 16, &v) && v) {
			fo.f_pct_depth = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--shard") && val) {
			unsigned k, n;
			char c;

			if (sscanf(val, "%u/%u%c", &k, &n, &c) != 2 || !n || k >= n) {
				fprintf(stderr, "pcsim fuzz: --shard K/N with 0 <= K < N\n");
				return PCSIM_EXIT_USAGE;
			}
			fo.f_shard = k;
			fo.f_nshards = n;
			i++;
		} else if (!strcmp(a, "--out") && val) {
			fo.f_out = argv[++i];
		} else if (!strcmp(a, "--variant") && val) {
			variant = argv[++i];
		} else if (!strcmp(a, "--generate") && cli_parse_u64(a, val, 100000, &v)) {
			generate = v;
			i++;
		} else if (!strcmp(a, "--no-crash")) {
			fo.f_crash = false;
		} else if (!strcmp(a, "--no-shrink")) {
			fo.f_shrink = false;
		} else if (!strcmp(a, "--no-early-events")) {
			fo.f_early_events = false;
		} else if (!strcmp(a, "--no-progress")) {
			fo.f_progress = false;
		} else if ((nargs = cli_report_opt(&cr, a, val))) {
			i += nargs - 1;
		} else if (!strcmp(a, "--stop")) {
			fo.f_stop = true;
		} else if (a[0] != '-') {
			collect(a, files, &nfiles);
		} else {
			fprintf(stderr, "pcsim fuzz: bad option '%s' (see pcsim --help)\n", a);
			return PCSIM_EXIT_USAGE;
		}
	}
	if (!fo.f_runs && !fo.f_seconds)
		fo.f_runs = 200;
	if (!nfiles && !generate) {
		fprintf(stderr, "pcsim fuzz: give scenario files or --generate N\n");
		return PCSIM_EXIT_USAGE;
	}
	rp = cli_reports_new(&cr, "fuzz", &o, variant, &oom);
	if (oom)
		return PCSIM_EXIT_USAGE;
	for (unsigned i = 0; i < nfiles; i++) {
		size_t len;
		char *text = slurp(files[i], &len);
		int r = text ? fuzz_text(files[i], text, len, &o, &fo, variant, &unexpected, rp)
			     : PCSIM_EXIT_USAGE;

		if (!text)
			cli_report_bad_file(rp, files[i], NULL, 0, NULL);
		if (r > rc)
			rc = r;
		free(text);
		free(files[i]);
	}
	for (uint64_t g = 0; g < generate; g++) {
		uint64_t seed = fo.f_seed * 1000003u + g;
		char *text = pcf_generate(seed), name[64];
		int r;

		if (!text)
			continue;
		snprintf(name, sizeof(name), "generated-%llu.scn", (unsigned long long)seed);
		r = fuzz_text(name, text, strlen(text), &o, &fo, NULL, &unexpected, rp);
		if (r > rc)
			rc = r;
		free(text);
	}
	if (unexpected && rc == PCSIM_EXIT_OK)
		rc = PCSIM_EXIT_MISMATCH;
	printf("pcsim fuzz: %s\n", unexpected ? "violations the variants do not expect were found"
					     : "no unexpected violation");
	return cli_reports_finish(rp, &cr, "fuzz", rc);
}
