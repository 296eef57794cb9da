/* SPDX-License-Identifier: MIT */
/*
 * sim/report/report.h - regression reports of `pcsim run`, `pcsim explore`
 * and `pcsim fuzz`: what a CI run leaves behind for a machine to compare
 * and for a person to look at.
 *
 *   pcr_run() per variant     --rpt_variant()--\
 *   pcx_explore() per variant --rpt_explore()---> struct rpt --rpt_write_*()--> files
 *   pcf_fuzz() per variant    --rpt_fuzz()------/
 *
 * A report collects every scenario and variant of one run, then writes any
 * of five forms (docs/reports.md describes each):
 *   JSON         the versioned results schema (docs/results.schema.json),
 *                what `pcsim diff` compares;
 *   JUnit XML    one testcase per scenario variant, for CI systems;
 *   HTML         one self-contained page: summary, and per failure an SVG
 *                timeline, a chart of the file's sizes, the bytes, metrics;
 *   Markdown     a short summary for a pull request comment or a mail;
 *   metrics MD   every variant's costs as tables (docs/perf.md).
 * Every file is written whole to FILE.tmp.PID and renamed over FILE, so an
 * interrupted run never leaves half a report or a corrupt baseline.
 *
 * Reports are deterministic: the same inputs give the same bytes. Wall-clock
 * time is left out unless the report was created with wall_time set.
 *
 * Ownership: rpt_variant() takes the result's diagram and step log (the
 * pointers in *r are set to NULL); the caller still calls pcr_result_free().
 */
#ifndef PCSIM_REPORT_H
#define PCSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/explore/explore.h"
#include "sim/explore/fuzz.h"
#include "sim/explore/runner.h"

struct rpt;

/* A new, empty report. command is how the run was asked for ("run",
 * "explore", "fuzz"); o and
 * only_variant are the run's options (knob overrides, oracle, seed,
 * --variant), recorded in the report. NULL when out of memory. */
struct rpt *rpt_new(const char *command, const struct pcr_opts *o, const char *only_variant,
		    bool wall_time);
void rpt_free(struct rpt *rp);

/* Start a scenario file: text (len bytes) is what was read, for the hash;
 * f is the parsed tree, or NULL with error set when it did not parse. */
int rpt_scenario(struct rpt *rp, const char *path, const char *text, size_t len,
		 const struct scn_file *f, const char *error);
/* One variant of the current scenario (vi -1: the file's single expect).
 * r NULL with error set: the variant could not run (a bad --knob). replay
 * is the command that replays it. */
int rpt_variant(struct rpt *rp, const struct scn_file *f, int vi, struct pcr_result *r,
		const char *replay, const char *error);

/* One variant searched by `pcsim explore` (see sim/report/search.c). Its
 * verdict is the search's outcome against the variant's expectation, as
 * the explore command judges it: a failure expected and every expected
 * invariant broken in some execution, or nothing broken when a pass is
 * expected. The first counterexample is run again from its tape (text and
 * len are the scenario file as read; the race section is left out, as the
 * search leaves it out) for its violations, timeline and metrics. */
int rpt_explore(struct rpt *rp, const struct scn_file *f, const char *path, const char *text,
		size_t len, int vi, const struct pcr_opts *o, const struct pcx_opts *xo,
		const struct pcx_report *xr);
/* One variant fuzzed by `pcsim fuzz`. A violation the variant does not
 * expect is a failure; an expected failure the campaign did not find is
 * "not-found", not a failure (a random search promises nothing). The
 * reproducers saved under fo->f_out are listed with their tapes, and the
 * first is run for its violations, timeline and metrics. */
int rpt_fuzz(struct rpt *rp, const struct scn_file *f, const char *path, int vi,
	     const struct pcr_opts *o, const struct pcf_opts *fo, const struct pcf_stats *st);

/* Write one form. Returns 0, or -1 with a message in err; an existing FILE
 * is left as it was on failure. html_path is a directory (index.html is
 * written in it, the directory is created) or a file ending in .html. */
int rpt_write_json(const struct rpt *rp, const char *path, char *err, size_t len);
int rpt_write_junit(const struct rpt *rp, const char *path, char *err, size_t len);
int rpt_write_html(const struct rpt *rp, const char *html_path, char *err, size_t len);
int rpt_write_markdown(const struct rpt *rp, const char *path, char *err, size_t len);
int rpt_write_metrics_md(const struct rpt *rp, const char *path, char *err, size_t len);

/* The report forms as text (malloc'd, NUL-terminated), for tests. */
char *rpt_json_str(const struct rpt *rp);
char *rpt_junit_str(const struct rpt *rp);
char *rpt_html_str(const struct rpt *rp);
char *rpt_markdown_str(const struct rpt *rp);
char *rpt_metrics_md_str(const struct rpt *rp);

/* `pcsim merge`: the shard documents of one fuzz campaign (pcsim fuzz
 * --shard K/N --json) at paths[0..n) as one results document (*out_text,
 * malloc'd; sim/report/merge.c says how). *not_as_expected: the merged
 * variants not as expected. Returns 0, or -1 with the file and field in err
 * (unreadable JSON, not fuzz shards, shards of different campaigns, a shard
 * twice). */
int rpt_merge_fuzz(const char *const *paths, size_t n, char **out_text, unsigned *not_as_expected,
		   char *err, size_t len);

/* Write data to path atomically: path.tmp.PID, fsync, rename. */
int rpt_write_atomic(const char *path, const char *data, size_t n, char *err, size_t len);

#endif /* PCSIM_REPORT_H */
