/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/repro.h - a reproducer scenario from a failing run: the run as
 * a race diagram (threads, kernel tasks, disk completions), sliced to the
 * rows the failure needs and checked with `pcsim run` semantics. Used by
 * fuzz.c and explore.c; pcsim run -v and --mail use pcx_slice_file.
 */
#ifndef PCSIM_REPRO_H
#define PCSIM_REPRO_H

#include "sim/explore/runner.h"
#include "sim/explore/search.h"

/* What broke: the invariant and the bytes of its first violation. */
struct pcf_target {
	int t_inv;
	uint8_t t_file;
	uint64_t t_off, t_len;
	bool t_crash;		/* found in a crash state */
};

/* How the slice went (for stats and tests). */
struct pcf_slice {
	unsigned sl_candidate;	/* rows of the whole run's diagram */
	unsigned sl_footprint;	/* rows left by the footprint slice (0: not tried or
				 * it did not replay) */
	unsigned sl_rows;	/* rows kept */
	unsigned sl_runs;	/* pcsim run-s spent checking */
};

/* g: the reproducer's tree (one variant, expecting inv; its race holds the
 * rows up to the last power cut, none after). s: the world the run was
 * made in (a pcr_build snapshot), tp: the run's tape (every choice as made;
 * replayed here, leniently). *tg gets what the run broke (inv, and the
 * bytes of the first violation of it). Appends the rows of the run's
 * interleaving to g's race and deletes every row the failure does not need,
 * keeping only what `pcsim run` still breaks inv on the same bytes with.
 * True with g holding the race (possibly no rows: the default order fails);
 * false with g's race as it came in (the run could not be said as a race
 * diagram that replays it). At most budget runs. s is left reset-able. */
bool __pcf_race_reproducer(struct scn_file *g, const char *path, int inv, struct sim *s,
			   const struct sim_tape *tp, unsigned budget, struct pcf_target *tg,
			   struct pcf_slice *sl);

/* Does `pcsim run` on g (variant 0, or the single expectation) break
 * tg's invariant on tg's bytes? */
bool __pcf_run_breaks(const struct scn_file *g, const char *path, const struct pcf_target *tg);

/* g printed at most 80 columns wide where pcsim decides the layout: one
 * variant's knobs move to the fs line while its line is over 80 (the same
 * knobs in effect); the race in diagram form when every row fits, else in
 * the linear schedule form (wrapped at 80). */
void __pcf_fit_80(struct scn_file *g);

/* A reproducer scenario, whole: the file with only variant vi (or its
 * single expectation) expecting inv, the knobs the run had beyond the
 * file's (oo's overrides: --knob, a swarm batch), the race rows up to the
 * last power cut, then the sliced race of the run (or, when no race replays
 * it, the run's tape: a last resort, said in the header). */
struct pcf_repro_in {
	const struct scn_file *ri_f;
	const char *ri_path, *ri_text;	/* the scenario file and its text */
	size_t ri_text_len;
	int ri_vi;
	const struct pcr_opts *ri_oo;
	struct sim *ri_s;		/* the world the run was made in */
	const struct sim_tape *ri_tp;	/* the run */
	int ri_inv;
	const char *ri_found_by;	/* "pcsim fuzz (random, seed 1, run 5)" */
	const char *ri_out;		/* the file it is written to, or NULL */
	unsigned ri_budget;		/* pcsim run-s for the slice */
};

struct pcf_repro_out {
	bool ro_race;			/* a race (no tape line) */
	unsigned ro_rows;		/* race rows, crash rows not counted */
	struct pcf_target ro_tg;
	struct pcf_slice ro_sl;
};

/* The name of model file fi of f (files are numbered in the order the
 * runner meets them: setup, then each thread's operations). */
const char *__pcf_file_name(const struct scn_file *f, unsigned fi);

/* malloc'd text of the reproducer, or NULL + message. */
char *__pcf_reproducer(const struct pcf_repro_in *in, struct pcf_repro_out *out, char *err,
		       size_t len);

/* (pcsim run -v, --mail) The file's own race (or schedule), sliced: the scenario of path/text
 * with variant vi only (or its single expectation) expecting tg's
 * invariant, o's knob overrides added, and of its race the rows pcsim run
 * needs to break tg's invariant on tg's bytes (crash rows all kept), a
 * crash state pinned with `persist survivors` when that still breaks it,
 * at most 80 columns (__pcf_fit_80), checked once more as printed.
 * malloc'd text, or NULL + message. At most budget runs. */
char *pcx_slice_file(const char *path, const char *text, size_t text_len, int vi,
		       const struct pcr_opts *o, const struct pcf_target *tg, unsigned budget,
		       struct pcf_slice *sl, char *err, size_t len);

#endif
