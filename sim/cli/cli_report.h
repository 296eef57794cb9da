/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cli_report.h - the report options the commands that run
 * scenarios share (run, explore, fuzz): --json FILE, --junit FILE,
 * --html DIR|FILE, --markdown FILE, --metrics-md FILE (run only) and
 * --wall-time. The report is built while the command runs and written
 * once at the end (sim/report/report.h), each file atomically.
 */
#ifndef PCSIM_CLI_REPORT_H
#define PCSIM_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/report/report.h"

struct cli_reports {
	const char *cr_json, *cr_junit, *cr_html, *cr_md, *cr_metrics_md;
	bool cr_wall_time;		/* wall-clock times in the reports */
	bool cr_no_metrics_md;		/* the command has no --metrics-md */
};

/* Is argv[i] (a, with val the next argument or NULL) a report option?
 * Returns how many arguments it takes (1 or 2), or 0 when it is not one. */
int cli_report_opt(struct cli_reports *cr, const char *a, const char *val);
/* The report to fill, when any form was asked for: NULL otherwise, and
 * NULL with *failed set (and a message) when out of memory. */
struct rpt *cli_reports_new(const struct cli_reports *cr, const char *cmd,
			    const struct pcr_opts *o, const char *variant, bool *failed);
/* A scenario file that could not be read (text NULL) or parsed (d), as a
 * scenario with an error. */
void cli_report_bad_file(struct rpt *rp, const char *path, const char *text, size_t len,
			 const struct scn_diag *d);
/* Write every form asked for and free the report (NULL: nothing to do).
 * Returns rc, or PCSIM_EXIT_USAGE when a form could not be written (the
 * previous file is left as it was). */
int cli_reports_finish(struct rpt *rp, const struct cli_reports *cr, const char *cmd, int rc);

#endif /* PCSIM_CLI_REPORT_H */
