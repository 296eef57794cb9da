/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_explore.c - `pcsim explore FILE`: search the choices of a
 * scenario's threads and of the kernel's tasks (the race section is
 * ignored) and report per invariant Never / Sometimes / Always; with
 * --json/--junit/--html/--markdown also as report files (cli_report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/cli.h"
#include "sim/cli/cli_report.h"
#include "sim/explore/explore.h"

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

/* Does the outcome agree with the variant's expectation? */
static bool agrees(const struct scn_file *f, int vi, const struct pcx_report *rep)
{
	const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect : &f->f_expect_v;
	uint32_t seen = 0;

	for (int k = 0; k < PC_INV_N; k++)
		if (rep->xr_inv[k])
			seen |= 1u << k;
	if (!e->e_fail)
		return !seen;
	for (int k = 0; k < SCN_INV__COUNT; k++)
		if ((e->e_invariants & (1u << k)) &&
		    !(seen & (1u << pc_invariant_lookup(scn_invariant_name((enum scn_invariant)k)))))
			return false;
	return true;
}

static void print_report(const char *path, const struct scn_file *f, int vi,
			 const struct pcx_opts *xo, const struct pcx_report *rep)
{
	static const char *const strat[] = { "exhaustive", "random", "pct" };

	printf("%s (%s) variant %s, %s search\n", path, scn_name(f),
	       vi >= 0 ? f->f_variants[vi].v_name : "-", strat[xo->x_strategy]);
	printf("  executions explored   %llu%s\n", (unsigned long long)rep->xr_execs,
	       rep->xr_complete ? (xo->x_preempt_bound != UINT32_MAX
					   ? " (complete within the bound)"
					   : " (complete)")
				: " (budget reached: not complete)");
	printf("  executions pruned     %llu (sleep sets); alternatives left out: %llu (DPOR), "
	       "%llu (over the bound)\n",
	       (unsigned long long)rep->xr_pruned, (unsigned long long)rep->xr_dpor_skipped,
	       (unsigned long long)rep->xr_bounded);
	printf("  distinct final states %llu\n", (unsigned long long)rep->xr_distinct_finals);
	printf("  crash states checked  %llu (%llu executions shared an earlier write log)\n",
	       (unsigned long long)rep->xr_crash_states,
	       (unsigned long long)rep->xr_crash_skipped);
	printf("  time                  %.2f s\n", rep->xr_seconds);
	if (rep->xr_est_execs > 0)
		printf("  estimate (before)     ~%.0f executions, ~%.1f s (%u random probes in %.2f s; "
		       "the unreduced search within the bound: DPOR and sleep sets run fewer)\n",
		       rep->xr_est_execs, rep->xr_est_seconds, xo->x_estimate,
		       rep->xr_est_probe_seconds);
	printf("  %-18s %-10s %s\n", "invariant", "", "executions");
	for (int k = 0; k < PC_INV_N; k++)
		printf("  %-18s %-10s %llu\n", pc_invariant_names[k], pcx_frequency(rep, k),
		       (unsigned long long)rep->xr_inv[k]);
	if (rep->xr_error[0])
		printf("  note: %s\n", rep->xr_error);
	if (rep->xr_found) {
		const struct pcr_result *r = &rep->xr_first;

		printf("  first counterexample: execution %llu\n",
		       (unsigned long long)rep->xr_first_exec);
		for (unsigned i = 0; i < r->r_nviol && i < 3; i++)
			printf("    %s: %s\n", pc_invariant_names[r->r_viol[i].v_inv],
			       r->r_viol[i].v_msg);
		if (r->r_diagram) {
			const char *p = r->r_diagram;

			while (p && *p) {
				const char *nl = strchr(p, '\n');

				printf("    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
				p = nl ? nl + 1 : NULL;
			}
		}
		if (rep->xr_repro && rep->xr_repro_race && !r->r_diagram)
			printf("    race: no rows needed: pcsim run's default order breaks %s\n"
			       "    on the same bytes\n", pc_invariant_names[rep->xr_repro_inv]);
		else if (rep->xr_repro && rep->xr_repro_race)
			printf("    (the %u rows of the run's %u that the failure needs; the rest "
			       "runs in the\n    default order after them)\n",
			       rep->xr_repro_sliced, rep->xr_repro_candidate);
		if (rep->xr_repro_path[0])
			printf("  reproducer: %s\n  replay: pcsim run %s\n", rep->xr_repro_path,
			       rep->xr_repro_path);
		else if (rep->xr_repro_error[0])
			printf("  reproducer: not written: %s\n", rep->xr_repro_error);
		else if (!xo->x_replay)
			printf("  replay: add --out DIR (a reproducer for pcsim run; --json: the "
			       "tape)\n");
	}
}

int cmd_explore(int argc, char **argv)
{
	struct pcr_opts o = { .oracle = -1 };
	struct pcx_opts xo = { .x_strategy = PCX_EXHAUSTIVE, .x_preempt_bound = 2,
			       .x_pct_depth = 3, .x_crash = true, .x_sleep_sets = true,
			       .x_dpor = true, .x_early_events = true };
	const char *path = NULL, *variant = NULL;
	struct cli_reports cr = { .cr_no_metrics_md = true };
	struct rpt *rp;
	struct scn_file *f = NULL;
	struct scn_diag d;
	size_t len;
	char *text;
	int rc = PCSIM_EXIT_OK, any = 0, k;
	uint64_t v;
	bool oom, no_progress = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--variant") && val) {
			variant = argv[++i];
		} else if (!strcmp(a, "--strategy") && val) {
			i++;
			if (!strcmp(val, "exhaustive"))
				xo.x_strategy = PCX_EXHAUSTIVE;
			else if (!strcmp(val, "random"))
				xo.x_strategy = PCX_RANDOM;
			else if (!strcmp(val, "pct"))
				xo.x_strategy = PCX_PCT;
			else {
				fprintf(stderr, "pcsim explore: --strategy exhaustive|random|pct\n");
				return PCSIM_EXIT_USAGE;
			}
		} else if (!strcmp(a, "--max-execs") && cli_parse_u64(a, val, UINT64_MAX, &v)) {
			xo.x_max_execs = v;
			i++;
		} else if (!strcmp(a, "--seconds") && cli_parse_u64(a, val, 86400, &v)) {
			xo.x_max_seconds = (double)v;
			i++;
		} else if (!strcmp(a, "--bound") && val && !strcmp(val, "none")) {
			xo.x_preempt_bound = UINT32_MAX;
			i++;
		} else if (!strcmp(a, "--bound") && cli_parse_u64(a, val, 1000, &v)) {
			xo.x_preempt_bound = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--depth") && cli_parse_u64(a, val, 16, &v) && v) {
			xo.x_pct_depth = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--seed") && cli_parse_u64(a, val, UINT64_MAX, &v)) {
			xo.x_seed = v;
			i++;
		} else if (!strcmp(a, "--replay") && val) {
			xo.x_replay = argv[++i];
		} else if (!strcmp(a, "--knob") && val) {
			if (!cli_add_knob("explore", &o, argv[++i]))
				return PCSIM_EXIT_USAGE;
		} else if (!strcmp(a, "--no-crash")) {
			xo.x_crash = false;
		} else if (!strcmp(a, "--no-sleep-sets")) {
			xo.x_sleep_sets = false;
		} else if (!strcmp(a, "--no-dpor")) {
			xo.x_dpor = false;
		} else if (!strcmp(a, "--early-events")) {
			xo.x_early_events = true;
		} else if (!strcmp(a, "--no-early-events")) {
			xo.x_early_events = false;
		} else if (!strcmp(a, "--stop")) {
			xo.x_stop_at_first = true;
		} else if (!strcmp(a, "--out") && val) {
			xo.x_out = argv[++i];
		} else if (!strcmp(a, "--estimate") && val && val[0] >= '0' && val[0] <= '9' &&
			   cli_parse_u64(a, val, 1000000, &v) && v) {
			xo.x_estimate = (uint32_t)v;
			i++;
		} else if (!strcmp(a, "--estimate")) {
			xo.x_estimate = 300;
		} else if (!strcmp(a, "--no-progress")) {
			no_progress = true;
		} else if ((k = cli_report_opt(&cr, a, val))) {
			i += k - 1;
		} else if (a[0] != '-' && !path) {
			path = a;
		} else {
			fprintf(stderr, "pcsim explore: bad option '%s' (see pcsim --help)\n", a);
			return PCSIM_EXIT_USAGE;
		}
	}
	if (!path) {
		fprintf(stderr, "pcsim explore: which scenario file?\n");
		return PCSIM_EXIT_USAGE;
	}
	/* the progress line (done / estimated) comes with --estimate, on a terminal */
	xo.x_progress = xo.x_estimate && !no_progress && isatty(STDERR_FILENO) &&
			isatty(STDOUT_FILENO);
	if (xo.x_strategy != PCX_EXHAUSTIVE && !xo.x_max_execs && !xo.x_max_seconds)
		xo.x_max_execs = 1000;
	rp = cli_reports_new(&cr, "explore", &o, variant, &oom);
	if (oom)
		return PCSIM_EXIT_USAGE;
	text = slurp(path, &len);
	if (!text) {
		cli_report_bad_file(rp, path, NULL, 0, NULL);
		return cli_reports_finish(rp, &cr, "explore", PCSIM_EXIT_USAGE);
	}
	if (scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		cli_report_bad_file(rp, path, text, len, &d);
		free(text);
		return cli_reports_finish(rp, &cr, "explore", PCSIM_EXIT_USAGE);
	}
	xo.x_text = text;
	xo.x_text_len = len;
	if (rp && rpt_scenario(rp, path, text, len, f, NULL))
		rc = PCSIM_EXIT_USAGE;
	for (int vi = f->f_nvariants ? 0 : -1; vi < (int)f->f_nvariants; vi++) {
		struct pcx_report rep;
		char err[600];

		if (variant && (vi < 0 || strcmp(variant, f->f_variants[vi].v_name)))
			continue;
		any++;
		if (pcx_explore(f, path, vi, &o, &xo, &rep, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			if (rp)
				rpt_variant(rp, f, vi, NULL, NULL, err);
			rc = PCSIM_EXIT_USAGE;
			break;
		}
		print_report(path, f, vi, &xo, &rep);
		if (rp && rpt_explore(rp, f, path, text, len, vi, &o, &xo, &rep)) {
			fprintf(stderr, "pcsim explore: out of memory for the report\n");
			rc = PCSIM_EXIT_USAGE;
		}
		if (!agrees(f, vi, &rep)) {
			printf("  disagrees with the variant's expectation\n");
			if (rc == PCSIM_EXIT_OK)
				rc = PCSIM_EXIT_MISMATCH;
		}
		pcx_report_free(&rep);
		if (vi < 0)
			break;
	}
	if (variant && !any) {
		fprintf(stderr, "pcsim explore: %s has no variant '%s'\n", path, variant);
		rc = PCSIM_EXIT_USAGE;
	}
	free(text);
	scn_free(f);
	return cli_reports_finish(rp, &cr, "explore", rc);
}
