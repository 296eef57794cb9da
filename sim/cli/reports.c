/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/reports.c - the report options of run, explore and fuzz (see
 * cli_report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/cli_report.h"

int cli_report_opt(struct cli_reports *cr, const char *a, const char *val)
{
	const char **slot = NULL;

	if (!strcmp(a, "--wall-time")) {
		cr->cr_wall_time = true;
		return 1;
	}
	if (!strcmp(a, "--json"))
		slot = &cr->cr_json;
	else if (!strcmp(a, "--junit"))
		slot = &cr->cr_junit;
	else if (!strcmp(a, "--html"))
		slot = &cr->cr_html;
	else if (!strcmp(a, "--markdown"))
		slot = &cr->cr_md;
	else if (!strcmp(a, "--metrics-md") && !cr->cr_no_metrics_md)
		slot = &cr->cr_metrics_md;
	if (!slot || !val)
		return 0;
	*slot = val;
	return 2;
}

struct rpt *cli_reports_new(const struct cli_reports *cr, const char *cmd,
			    const struct pcr_opts *o, const char *variant, bool *failed)
{
	struct rpt *rp;

	*failed = false;
	if (!cr->cr_json && !cr->cr_junit && !cr->cr_html && !cr->cr_md && !cr->cr_metrics_md)
		return NULL;
	rp = rpt_new(cmd, o, variant, cr->cr_wall_time);
	if (!rp) {
		fprintf(stderr, "pcsim %s: out of memory for the report\n", cmd);
		*failed = true;
	}
	return rp;
}

void cli_report_bad_file(struct rpt *rp, const char *path, const char *text, size_t len,
			 const struct scn_diag *d)
{
	char *msg = d ? scn_diag_str(d) : NULL;

	if (!rp)
		return;
	rpt_scenario(rp, path, text ? text : "", text ? len : 0, NULL,
		     msg ? msg : text ? "parse error" : "the file cannot be read");
	free(msg);
}

int cli_reports_finish(struct rpt *rp, const struct cli_reports *cr, const char *cmd, int rc)
{
	static int (*const fn[])(const struct rpt *, const char *, char *, size_t) = {
		rpt_write_json, rpt_write_junit, rpt_write_html, rpt_write_markdown,
		rpt_write_metrics_md,
	};
	const char *path[] = { cr->cr_json, cr->cr_junit, cr->cr_html, cr->cr_md,
			       cr->cr_metrics_md };

	if (!rp)
		return rc;
	for (size_t i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
		char err[512];

		if (path[i] && fn[i](rp, path[i], err, sizeof(err))) {
			fprintf(stderr, "pcsim %s: cannot write the report: %s\n", cmd, err);
			rc = PCSIM_EXIT_USAGE;
		}
	}
	rpt_free(rp);
	return rc;
}
