/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/explore.h - search over the choices of a scenario's threads
 * and of the kernel's own tasks (the scenario's race section is ignored):
 * which runnable task steps next, whether a pending timer or completion
 * fires early, which in-flight bio the disk completes.
 *
 * Strategies:
 *   exhaustive  depth-first over every choice, stateless (each execution is
 *               a replay of a tape prefix from the snapshot), with
 *               source-set DPOR and sleep sets over the steps' declared
 *               footprints (search.h) and an optional bound on preemptions
 *               and reorderings;
 *   random      a seeded random walk per execution;
 *   pct         probabilistic concurrency testing (Burckhardt et al.): random
 *               task priorities and depth-1 priority change points.
 * Every execution gets the end-of-run checks and, unless disabled, its
 * crash states. Results are counted per invariant: Never / Sometimes /
 * Always, like the memory-model tools report.
 */
#ifndef PCSIM_EXPLORE_H
#define PCSIM_EXPLORE_H

#include "sim/explore/runner.h"

enum pcx_strategy { PCX_EXHAUSTIVE = 0, PCX_RANDOM, PCX_PCT };

struct pcx_opts {
	enum pcx_strategy x_strategy;
	uint64_t x_max_execs;		/* 0: no limit (exhaustive) */
	double x_max_seconds;		/* 0: no limit */
	unsigned x_preempt_bound;	/* exhaustive; UINT32_MAX: none */
	unsigned x_pct_depth;		/* pct: bug depth d (d-1 change points) */
	uint64_t x_seed;		/* random / pct: first seed */
	bool x_crash;			/* crash states per execution */
	bool x_sleep_sets;		/* exhaustive: prune with sleep sets */
	bool x_dpor;			/* exhaustive: source-set DPOR (with sleep sets) */
	bool x_stop_at_first;		/* stop at the first violation */
	bool x_early_events;		/* pending events are choices */
	const char *x_replay;		/* run exactly this tape */
	const char *x_text;		/* the scenario's text: for the reproducer of the
					 * first counterexample (NULL: none) */
	size_t x_text_len;
	const char *x_out;		/* write that reproducer into this directory */
	uint32_t x_estimate;		/* exhaustive: random probes first (0: none) */
	bool x_progress;		/* a progress line on stderr (done / estimated) */
};

struct pcx_report {
	uint64_t xr_execs;		/* complete executions checked */
	uint64_t xr_pruned;		/* explorations cut by sleep sets */
	uint64_t xr_dpor_skipped;	/* alternatives DPOR left out (no race needs them) */
	uint64_t xr_bounded;		/* alternatives cut by the preemption bound */
	uint64_t xr_distinct_finals;	/* distinct end states */
	uint64_t xr_finals_sum;		/* sum of their hashes (compares the sets) */
	uint64_t xr_crash_states;
	uint64_t xr_crash_skipped;	/* executions whose crash states equal an earlier one's */
	bool xr_complete;		/* the whole space (within the bound) was covered */
	uint64_t xr_inv[PC_INV_N];	/* executions breaking each invariant */
	double xr_seconds;
	/* --estimate: before the search, from x_estimate random probes */
	double xr_est_execs;		/* mean of the probes' products */
	double xr_est_seconds;		/* xr_est_execs x the mean probe time */
	double xr_est_probe_seconds;	/* what the probes took */
	/* the first counterexample */
	bool xr_found;
	uint32_t xr_first_mask;
	uint64_t xr_first_exec;		/* its number (from 1) */
	char *xr_first_tape;		/* malloc'd text */
	struct pcr_result xr_first;	/* violations and the diagram of it (the
					 * reproducer's sliced race when there is one) */
	char *xr_repro;			/* malloc'd: the reproducer scenario, or NULL */
	bool xr_repro_race;		/* it says the run as a race (no tape line) */
	unsigned xr_repro_rows;		/* its race rows, crash rows not counted */
	unsigned xr_repro_candidate;	/* rows of the run (last lifetime) before the slice */
	unsigned xr_repro_sliced;	/* ... and after it */
	struct pcf_target_ {		/* what the reproducer breaks: invariant, bytes */
		uint8_t t_file;
		uint64_t t_off, t_len;
	} xr_repro_bytes;
	int xr_repro_inv;		/* the invariant it breaks */
	char xr_repro_path[512];	/* where it was written (x_out), or "" */
	char xr_repro_error[300];	/* why it was not written */
	char xr_error[300];
};

int pcx_explore(const struct scn_file *f, const char *path, int vi, const struct pcr_opts *o,
		const struct pcx_opts *xo, struct pcx_report *rep, char *err, size_t len);
void pcx_report_free(struct pcx_report *rep);
/* "Never" / "Sometimes" / "Always" for an invariant's count. */
const char *pcx_frequency(const struct pcx_report *rep, int inv);

#endif
