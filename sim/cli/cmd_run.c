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
#include "sim/explore/repro.h"
#include "sim/explore/runner.h"

#define SLICE_BUDGET 120	/* pcsim run-s to slice a file's race (-v, --mail) */
#define MAIL_WRAP 72

#define MAX_FILES 4096

struct run_opts {
	struct pcr_opts o;
	const char *variant;
	bool quiet, verbose, mail;
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

/* What the run broke that the counterexample is about: the first
 * invariant the variant expects that broke (else the first that broke), and
 * the bytes of its first violation. */
static void target_of(const struct pcr_result *r, struct pcf_target *tg)
{
	uint32_t m = r->r_inv_mask & r->r_expect_mask ? r->r_inv_mask & r->r_expect_mask
						      : r->r_inv_mask;

	memset(tg, 0, sizeof(*tg));
	tg->t_inv = m ? __builtin_ctz(m) : 0;
	for (unsigned i = 0; i < r->r_nviol; i++)
		if (r->r_viol[i].v_inv == tg->t_inv) {
			tg->t_file = r->r_viol[i].v_file;
			tg->t_off = r->r_viol[i].v_off;
			tg->t_len = r->r_viol[i].v_len;
			tg->t_crash = r->r_viol[i].v_crash;
			return;
		}
}

/* The race (or schedule) section of a printed scenario, or NULL. */
static const char *race_of(const char *text, size_t *len)
{
	const char *p = strstr(text, "\nrace\n"), *e;

	if (!p)
		p = strstr(text, "\nschedule ");
	if (!p)
		return NULL;
	p++;
	e = strstr(p, "\n\n");
	*len = e ? (size_t)(e - p) + 1 : strlen(p);
	return p;
}

/* -v: the counterexample as the file's race sliced to the rows the
 * failure needs; the run's whole interleaving when it cannot be sliced. */
static void print_counterexample(const char *path, const char *text, size_t len, int vi,
				 const struct run_opts *ro, const struct pcr_result *r)
{
	struct pcf_target tg;
	struct pcf_slice sl;
	char err[300], *sliced;
	const char *race;
	size_t rlen = 0;

	target_of(r, &tg);
	sliced = pcx_slice_file(path, text, len, vi, &ro->o, &tg, SLICE_BUDGET, &sl, err,
				sizeof(err));
	if (!sliced) {
		printf("      interleaving (as run; not sliced: %s):\n", err);
		if (r->r_diagram)
			print_diagram(r->r_diagram);
		return;
	}
	race = race_of(sliced, &rlen);
	if (!race || !sl.sl_rows) {
		printf("      race: no rows needed: with the file's crash rows only, the default "
		       "order\n      of pcsim run breaks %s on the same bytes\n",
		       pc_invariant_names[tg.t_inv]);
	} else {
		char *copy = strndup(race, rlen);

		printf("      race, sliced: the %u of the file's %u rows %s needs (the rest "
		       "runs in\n      the default order after them):\n", sl.sl_rows,
		       sl.sl_candidate, pc_invariant_names[tg.t_inv]);
		print_diagram(copy);
		free(copy);
	}
	if (strstr(sliced, "\npersist    survivors")) {
		const char *p = strstr(sliced, "\npersist    survivors") + 1;
		const char *nl = strchr(p, '\n');

		printf("      %.*s    (writes that reached the disk: bio ids)\n",
		       nl ? (int)(nl - p) : (int)strlen(p), p);
	}
	free(sliced);
}

/* ---- --mail ---- */

static const char *effect_of(int inv)
{
	static const char *const e[PC_INV_N] = {
		[PC_INV_STALE_DATA] = "a read returns bytes that never belonged to the file at "
				      "that offset (another file's freed block, never-written "
				      "disk)",
		[PC_INV_ERASED_DATA] = "a read returns the file's own bytes that a truncate, "
				       "punch, zero range or extension had replaced with zeros",
		[PC_INV_EOF_JUNK] = "bytes stored through mmap past the old EOF show up inside the "
				    "file once it grows, where the file must read zeroes",
		[PC_INV_UNRESERVED_DIRTY] = "the stored data is dropped at writeback without an "
					    "error: it silently never reaches the disk",
		[PC_INV_LOST_WRITE] = "a completed write is not what a later read returns",
		[PC_INV_NOT_DURABLE] = "data that fsync (or O_SYNC) promised is gone after a "
				       "crash",
		[PC_INV_ISIZE_UNLOCKED] = "i_size changes without i_rwsem held exclusive, so a "
					  "racing size change can be undone",
		[PC_INV_DEADLOCK] = "the tasks involved hang forever",
		[PC_INV_JOURNAL] = "journal recovery does not give a consistent file system",
	};

	return inv >= 0 && inv < PC_INV_N && e[inv] ? e[inv] : "";
}

static const char *tree_of(const char *profile)
{
	if (!strcmp(profile, "xfs"))
		return "XFS on iomap as in mainline; the RWF_WRITETHROUGH series of seed 000 "
		       "(not mainline) where writethrough=on";
	if (!strcmp(profile, "ext4"))
		return "ext4 with buffer_heads, data=ordered, delalloc, as in the tree of the "
		       "seed 002 series (zhangyi089)";
	if (!strcmp(profile, "ext4-iomap"))
		return "ext4 on iomap: the seed 002 series (zhangyi089 tree), not mainline";
	return "see docs/model.md section 4";
}

/* Print text wrapped at MAIL_WRAP (words split at blanks), each line after
 * the first indented by indent blanks; the first starts at column start. */
static void wrap_at(const char *text, unsigned indent, size_t start)
{
	size_t col = start;
	const char *p = text;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (col > start && col + 1 + w > MAIL_WRAP) {
			printf("\n%*s", (int)indent, "");
			col = indent;
		} else if (col > start) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)w, p);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

static void wrap(const char *text, unsigned indent)
{
	wrap_at(text, indent, 0);
}

/* "Label:" padded to 9 columns, then text wrapped under it. */
static void field(const char *label, const char *text)
{
	printf("%-9s", label);
	wrap_at(text, 9, 9);
}

/* The message for the mail: what breaks in one sentence, the sliced race,
 * the scenario, profile, knobs and the replay command. */
static int print_mail(const char *path, const char *text, size_t len,
		      const struct scn_file *f, int vi, const struct run_opts *ro,
		      const struct pcr_result *r)
{
	struct pcf_target tg;
	struct pcf_slice sl;
	char err[300], line[2048], *sliced;
	const char *race, *body;
	const struct pc_violation *v = NULL;
	size_t rlen = 0;
	unsigned at = 0;

	target_of(r, &tg);
	for (unsigned i = 0; i < r->r_nviol && !v; i++)
		if (r->r_viol[i].v_inv == tg.t_inv)
			v = &r->r_viol[i];
	sliced = pcx_slice_file(path, text, len, vi, &ro->o, &tg, SLICE_BUDGET, &sl, err,
				sizeof(err));
	if (!sliced || !v) {
		fprintf(stderr, "pcsim run --mail: %s: %s\n", path,
			sliced ? "no violation to describe" : err);
		free(sliced);
		return PCSIM_EXIT_USAGE;
	}
	snprintf(line, sizeof(line), "[pcsim] %s: %s on %s%s%s", scn_name(f),
		 pc_invariant_names[tg.t_inv], f->f_profile, vi >= 0 ? ", variant " : "",
		 vi >= 0 ? f->f_variants[vi].v_name : "");
	if (strlen(line) > 80)
		snprintf(line, sizeof(line), "[pcsim] %s: %s", scn_name(f),
			 pc_invariant_names[tg.t_inv]);
	wrap(line, 4);
	printf("\n");
	if (v->v_len)
		at += (unsigned)snprintf(line + at, sizeof(line) - at,
					 "%s breaks %s on bytes %llu-%llu of file %s%s: ", scn_name(f),
					 pc_invariant_names[tg.t_inv], (unsigned long long)v->v_off,
					 (unsigned long long)(v->v_off + v->v_len - 1),
					 __pcf_file_name(f, v->v_file),
					 v->v_crash ? " after a crash and journal recovery" : "");
	else
		at += (unsigned)snprintf(line + at, sizeof(line) - at, "%s breaks %s: ",
					 scn_name(f), pc_invariant_names[tg.t_inv]);
	body = v->v_msg;
	if (!strncmp(body, "after crash, ", 13))
		body += 13;
	if (!strncmp(body, "bytes of file ", 14) && strstr(body, ": "))
		body = strstr(body, ": ") + 2;	/* the sentence names them already */
	{
		unsigned k = (unsigned)(v - r->r_viol);
		const char *from = r->r_viol_from[k];

		if (from[0] && !strstr(body, from))
			snprintf(line + at, sizeof(line) - at, "%s; the bytes hold %s; %s.", body,
				 from, effect_of(tg.t_inv));
		else
			snprintf(line + at, sizeof(line) - at, "%s; %s.", body,
				 effect_of(tg.t_inv));
	}
	wrap(line, 0);
	printf("\n");
	race = race_of(sliced, &rlen);
	if (race && sl.sl_rows) {
		snprintf(line, sizeof(line), "The race, cut to the %u of the scenario's %u rows "
			 "that it needs (pcsim runs everything else in the default order after "
			 "them; the kernel functions are the steps of pcsim's model):",
			 sl.sl_rows, sl.sl_candidate);
		wrap(line, 0);
		printf("\n%.*s\n", (int)rlen, race);
	} else {
		wrap("No race is needed: the threads below, run in the default order (one "
		     "after another, the lowest first, kernel tasks when they wait), break it.",
		     0);
		printf("\n");
	}
	wrap("The scenario, in pcsim's scenario language (save it as a .scn file; "
	     "`pcsim run FILE` replays it):", 0);
	printf("\n");
	body = sliced;
	while (*body == '#') {	/* the file's own header comment stays out */
		const char *nl = strchr(body, '\n');

		body = nl ? nl + 1 : body + strlen(body);
	}
	while (*body == '\n')
		body++;
	fputs(body, stdout);
	printf("\n");
	snprintf(line, sizeof(line), "%s (%s).", f->f_profile, tree_of(f->f_profile));
	field("Profile:", line);
	at = 0;
	line[0] = 0;
	for (uint32_t i = 0; i < f->f_nknobs; i++)
		at += (unsigned)snprintf(line + at, sizeof(line) - at, " %s=%s",
					 f->f_knobs[i].k_name, f->f_knobs[i].k_value);
	for (uint32_t i = 0; vi >= 0 && i < f->f_variants[vi].v_nknobs; i++)
		at += (unsigned)snprintf(line + at, sizeof(line) - at, " %s=%s",
					 f->f_variants[vi].v_knobs[i].k_name,
					 f->f_variants[vi].v_knobs[i].k_value);
	for (unsigned i = 0; i < ro->o.noverrides; i++)
		at += (unsigned)snprintf(line + at, sizeof(line) - at, " %s=%s",
					 ro->o.override_name[i], ro->o.override_value[i]);
	snprintf(line + at, sizeof(line) - at, " (later ones win; the rest at their defaults: "
		 "pcsim steps %s)", f->f_profile);
	field("Knobs:", line);
	snprintf(line, sizeof(line), "pcsim %s", PCSIM_VERSION);
	field("Model:", line);
	format_replay(path, f, vi, ro, line, sizeof(line));
	{
		char *t = strstr(line, " --trace");

		if (t && !t[8])
			*t = 0;	/* the replay says the same without the trace */
	}
	field("Replay:", line);
	free(sliced);
	return PCSIM_EXIT_OK;
}

static int run_variant(const char *path, const char *text, size_t len, const struct scn_file *f,
		       int vi, const struct run_opts *ro, unsigned *ok, unsigned *bad)
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
	if (ro->mail) {
		int rc;

		if (!r.r_failed) {
			fprintf(stderr, "pcsim run --mail: %s%s%s breaks no invariant: nothing to "
				"tell%s%s\n", path, vi >= 0 ? " variant " : "",
				vi >= 0 ? f->f_variants[vi].v_name : "", r.r_error[0] ? ": " : "",
				r.r_error);
			pcr_result_free(&r);
			return PCSIM_EXIT_MISMATCH;
		}
		rc = print_mail(path, text, len, f, vi, ro, &r);
		pcr_result_free(&r);
		return rc;
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
		print_counterexample(path, text, len, vi, ro, &r);
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
	if (ro->mail && f->f_nvariants > 1 && !ro->variant) {
		fprintf(stderr, "pcsim run --mail: %s has %u variants; say which with --variant\n",
			path, f->f_nvariants);
		free(text);
		scn_free(f);
		return PCSIM_EXIT_USAGE;
	}
	if (!ro->mail)
		printf("%s (%s)\n", path, scn_name(f));
	if (!f->f_nvariants) {
		rc = run_variant(path, text, len, f, -1, ro, ok, bad);
	} else {
		for (uint32_t i = 0; i < f->f_nvariants; i++) {
			int r;

			if (ro->variant && strcmp(ro->variant, f->f_variants[i].v_name))
				continue;
			any++;
			r = run_variant(path, text, len, f, (int)i, ro, ok, bad);
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
	free(text);
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
		} else if (!strcmp(a, "--mail")) {
			ro.mail = true;
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
	if (ro.mail && rc == PCSIM_EXIT_OK && (nfiles != 1 || ro.o.trace || ro.cr.cr_json || ro.cr.cr_junit ||
			ro.cr.cr_html || ro.cr.cr_md || ro.cr.cr_metrics_md)) {
		fprintf(stderr, "pcsim run --mail: one scenario file, one variant, and no --trace "
			"or report files (it prints the message only)\n");
		for (unsigned i = 0; i < nfiles; i++)
			free(files[i]);
		return PCSIM_EXIT_USAGE;
	}
	if (ro.mail && rc != PCSIM_EXIT_OK) {
		for (unsigned i = 0; i < nfiles; i++)
			free(files[i]);
		return rc;
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
	if (!ro.mail)
		printf("pcsim run: %u verdicts as expected, %u not\n", ok, bad);
	return cli_reports_finish(ro.rep, &ro.cr, "run", rc);
}
