/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_run.c - `pcsim run FILE|DIR...`: every variant of every
 * scenario, a verdict against its expectation, and on a violation the
 * invariant, the bytes, where they came from, the interleaving as a race
 * diagram and the command that replays the run. With --json, --junit,
 * --html, --markdown or --metrics-md every result also goes into a report
 * (sim/report/report.h), written once the last variant ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli/cli.h"
#include "sim/cli/cli_report.h"
#include "sim/explore/runner.h"

#define MAX_FILES 4096

struct run_opts {
	struct pcr_opts o;
	const char *variant;
	bool quiet, verbose;
	struct cli_reports cr;	/* --json FILE and friends */
	struct rpt *rep;	/* the report, when one is asked for */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect *.scn under path (sorted, so the order is the same everywhere). */
static int collect(const char *path, char **out, unsigned *n, unsigned depth)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char *names[MAX_FILES];
	unsigned k = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "pcsim run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (*n >= MAX_FILES)
			return -1;
		out[(*n)++] = strdup(path);
		return 0;
	}
	if (depth > 8 || !(d = opendir(path)))
		return -1;
	while ((e = readdir(d)) && k < MAX_FILES) {
		size_t l = strlen(e->d_name);
		char *full;

		if (e->d_name[0] == '.')
			continue;
		full = malloc(strlen(path) + l + 2);
		if (!full)
			break;
		sprintf(full, "%s/%s", path, e->d_name);
		if (stat(full, &st) == 0 &&
		    (S_ISDIR(st.st_mode) || (l > 4 && !strcmp(e->d_name + l - 4, ".scn"))))
			names[k++] = full;
		else
			free(full);
	}
	closedir(d);
	qsort(names, k, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < k; i++) {
		collect(names[i], out, n, depth + 1);
		free(names[i]);
	}
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "pcsim run: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(SCN_MAX_FILE_BYTES + 2);
	n = buf ? fread(buf, 1, SCN_MAX_FILE_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf)
		return NULL;
	*len = n;
	return buf;
}

static void print_violations(const struct pcr_result *r)
{
	for (unsigned i = 0; i < r->r_nviol && i < 3; i++) {
		const struct pc_violation *v = &r->r_viol[i];

		if (v->v_len)
			printf("      %s: bytes %llu-%llu of file %u%s: %s\n",
			       pc_invariant_names[v->v_inv], (unsigned long long)v->v_off,
			       (unsigned long long)(v->v_off + v->v_len - 1), v->v_file,
			       v->v_crash ? " (after crash)" : "", v->v_msg);
		else
			printf("      %s: %s\n", pc_invariant_names[v->v_inv], v->v_msg);
	}
	if (r->r_nviol > 3)
		printf("      (%u more)\n", r->r_nviol - 3);
}

/* The command that replays variant vi of the file at path. */
static void format_replay(const char *path, const struct scn_file *f, int vi,
			  const struct run_opts *ro, char *buf, size_t len)
{
	size_t at = (size_t)snprintf(buf, len, "pcsim run %s", path);

#define ADD(...) (at += (size_t)snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, \
					 __VA_ARGS__))
	if (vi >= 0)
		ADD(" --variant %s", f->f_variants[vi].v_name);
	for (unsigned i = 0; i < ro->o.noverrides; i++)
		ADD(" --knob %s=%s", ro->o.override_name[i], ro->o.override_value[i]);
	if (ro->o.oracle >= 0)
		ADD(" --oracle %s", ro->o.oracle ? "strict" : "default");
	if (ro->o.seed)
		ADD(" --seed %llu", (unsigned long long)ro->o.seed);
	ADD(" --trace");
#undef ADD
}

static void print_replay(const char *path, const struct scn_file *f, int vi,
			 const struct run_opts *ro)
{
	char cmd[2048];

	format_replay(path, f, vi, ro, cmd, sizeof(cmd));
	printf("      replay: %s\n", cmd);
}

/* Hand the result (or the reason it could not run) to the report. */
static int report_variant(const char *path, const struct scn_file *f, int vi,
			  const struct run_opts *ro, struct pcr_result *r, const char *err)
{
	char cmd[2048];

	if (!ro->rep)
		return 0;
	format_replay(path, f, vi, ro, cmd, sizeof(cmd));
	if (rpt_variant(ro->rep, f, vi, r, cmd, err)) {
		fprintf(stderr, "pcsim run: out of memory for the report\n");
		return -1;
	}
	return 0;
}

static void print_diagram(const char *d)
{
	const char *p = d;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("      %.*s\n", n, p);
		p = nl ? nl + 1 : NULL;
	}
}

static int run_variant(const char *path, const struct scn_file *f, int vi,
		       const struct run_opts *ro, unsigned *ok, unsigned *bad)
{
	struct pcr_result r;
	char err[600];
	char inv[160] = "";
	size_t at = 0;
	bool as_expected;

	if (pcr_run(f, path, vi, &ro->o, &r, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		report_variant(path, f, vi, ro, NULL, err);
		return PCSIM_EXIT_USAGE;
	}
	for (int k = 0; k < PC_INV_N; k++)
		if (r.r_inv_mask & (1u << k))
			at += (size_t)snprintf(inv + at, at < sizeof(inv) ? sizeof(inv) - at : 0,
					       "%s%s", at ? "," : "", pc_invariant_names[k]);
	as_expected = r.r_verdict == PCR_PASS || r.r_verdict == PCR_FAIL_EXPECTED;
	if (!ro->quiet || !as_expected) {
		char cs[64];

		if (f->f_crash_kind == SCN_CRASH_NONE)
			snprintf(cs, sizeof(cs), "no crash states");
		else
			snprintf(cs, sizeof(cs), "crash states %llu%s",
				 (unsigned long long)r.r_crash_states,
				 r.r_crash_complete ? " (complete)" : " (sampled)");
		printf("  %-12s %-16s %-30s %-28s %7.1f ms\n",
		       vi >= 0 ? f->f_variants[vi].v_name : "-", pcr_verdict_name(r.r_verdict),
		       at ? inv : "-", cs, r.r_ms);
	}
	if (r.r_error[0])
		printf("      error: %s\n", r.r_error);
	if (r.r_failed && (!as_expected || ro->verbose)) {
		print_violations(&r);
		if (r.r_diagram) {
			printf("      interleaving (as run):\n");
			print_diagram(r.r_diagram);
			if (r.r_crash_violation) {
				printf("      persist    survivors");
				if (!r.r_nsurvivors)
					printf(" none");
				for (unsigned i = 0; i < r.r_nsurvivors; i++)
					printf(" %u", r.r_survivors[i]);
				printf("    (writes that reached the disk: bio ids)\n");
			}
		}
	}
	if (!as_expected && r.r_expect_fail && r.r_verdict == PCR_UNEXPECTED_FAIL)
		printf("      expected: fail with a different invariant\n");
	if (!as_expected || (r.r_failed && ro->verbose))
		print_replay(path, f, vi, ro);
	*(as_expected ? ok : bad) += 1;
	if (report_variant(path, f, vi, ro, &r, NULL)) {
		pcr_result_free(&r);
		return PCSIM_EXIT_USAGE;
	}
	pcr_result_free(&r);
	return as_expected ? PCSIM_EXIT_OK : PCSIM_EXIT_MISMATCH;
}

static int run_file(const char *path, const struct run_opts *ro, unsigned *ok, unsigned *bad)
{
	struct scn_file *f = NULL;
	struct scn_diag d;
	size_t len = 0;
	char *text = read_file(path, &len);
	int rc = PCSIM_EXIT_OK, any = 0;

	if (!text) {
		cli_report_bad_file(ro->rep, path, NULL, 0, NULL);
		return PCSIM_EXIT_USAGE;
	}
	if (scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		cli_report_bad_file(ro->rep, path, text, len, &d);
		free(text);
		return PCSIM_EXIT_USAGE;
	}
	if (ro->rep && rpt_scenario(ro->rep, path, text, len, f, NULL)) {
		fprintf(stderr, "pcsim run: out of memory for the report\n");
		free(text);
		scn_free(f);
		return PCSIM_EXIT_USAGE;
	}
	free(text);
	printf("%s (%s)\n", path, scn_name(f));
	if (!f->f_nvariants) {
		rc = run_variant(path, f, -1, ro, ok, bad);
	} else {
		for (uint32_t i = 0; i < f->f_nvariants; i++) {
			int r;

			if (ro->variant && strcmp(ro->variant, f->f_variants[i].v_name))
				continue;
			any++;
			r = run_variant(path, f, (int)i, ro, ok, bad);
			if (r > rc)
				rc = r;
			if (r == PCSIM_EXIT_USAGE)
				break;	/* the same error for every variant */
		}
		if (ro->variant && !any) {
			fprintf(stderr, "pcsim run: %s has no variant '%s'\n", path, ro->variant);
			rc = PCSIM_EXIT_USAGE;
		}
	}
	scn_free(f);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts ro;
	char *files[MAX_FILES];
	unsigned nfiles = 0, ok = 0, bad = 0;
	int rc = PCSIM_EXIT_OK;
	uint64_t v;
	bool oom;

	memset(&ro, 0, sizeof(ro));
	ro.o.oracle = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int k;

		if (!strcmp(a, "--trace")) {
			ro.o.trace = stdout;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			ro.quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			ro.verbose = true;
		} else if (!strcmp(a, "--variant") && val) {
			ro.variant = val;
			i++;
		} else if (!strcmp(a, "--knob") && val) {
			if (!cli_add_knob("run", &ro.o, val))
				return PCSIM_EXIT_USAGE;
			i++;
		} else if (!strcmp(a, "--oracle") && val) {
			if (strcmp(val, "default") && strcmp(val, "strict")) {
				fprintf(stderr, "pcsim run: --oracle default|strict\n");
				return PCSIM_EXIT_USAGE;
			}
			ro.o.oracle = !strcmp(val, "strict");
			i++;
		} else if ((k = cli_report_opt(&ro.cr, a, val))) {
			i += k - 1;
		} else if (!strcmp(a, "--seed") && val) {
			if (!cli_parse_u64(a, val, UINT64_MAX, &v))
				return PCSIM_EXIT_USAGE;
			ro.o.seed = v;
			i++;
		} else if (a[0] == '-') {
			fprintf(stderr, "pcsim run: unknown option '%s' (see pcsim --help)\n", a);
			return PCSIM_EXIT_USAGE;
		} else if (collect(a, files, &nfiles, 0)) {
			rc = PCSIM_EXIT_USAGE;
		}
	}
	if (!nfiles && rc == PCSIM_EXIT_OK) {
		fprintf(stderr, "pcsim run: no scenario files given\n");
		return PCSIM_EXIT_USAGE;
	}
	ro.rep = cli_reports_new(&ro.cr, "run", &ro.o, ro.variant, &oom);
	if (oom)
		return PCSIM_EXIT_USAGE;
	for (unsigned i = 0; i < nfiles; i++) {
		int r = run_file(files[i], &ro, &ok, &bad);

		if (r > rc)
			rc = r;
		free(files[i]);
	}
	printf("pcsim run: %u verdicts as expected, %u not\n", ok, bad);
	return cli_reports_finish(ro.rep, &ro.cr, "run", rc);
}
