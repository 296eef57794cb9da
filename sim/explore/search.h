/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/search.h - stateless search over a simulation's choices.
 *
 * The caller builds a simulation, takes sim_snapshot(), and calls
 * pcs_next() repeatedly: each call resets to the snapshot and runs one
 * complete execution, deciding every choice by the strategy; the choices
 * land on a tape, so any execution replays from its tape. Engine-level
 * only: it knows nothing of kernels (the scenario explorer wraps it).
 *
 * Exhaustive search is a depth-first walk of the choice tree. An execution
 * is a replay of a tape prefix followed by new choices; backtracking takes
 * the deepest choice point with an alternative left. Three reductions over
 * the steps' declared footprints (two steps are dependent when they touch
 * one object and one of them writes, or either declares no footprint;
 * events - timers, completions - are dependent with everything):
 *
 *   none         every alternative of every choice point;
 *   sleep sets   (Godefroid) an alternative whose next step is independent
 *                of everything run since it was explored in a sibling branch
 *                is not explored again; an execution whose every enabled
 *                task sleeps is cut (counted as pruned);
 *   source DPOR  (Abdulla et al., POPL 2014, with sleep sets) a scheduling
 *                choice point explores only the alternatives that a race in
 *                an explored execution needs (dpor.c).
 * With correct footprints both reductions explore exactly one complete
 * execution per Mazurkiewicz equivalence class (same order of every pair of
 * dependent steps), and every class (tests/unit/test_search.c checks it
 * against the unreduced search). Choices that are not scheduling (which
 * event fires, which bio completes) are data: every alternative is
 * explored.
 *
 * The bound counts deviations from the default schedule in an execution:
 * a preemption (switching away from a task that could go on, or firing an
 * event early while it could) and a reordering (a pending event or a disk
 * completion taken out of its due order). Alternatives over the bound are
 * skipped and counted. A bounded search is not complete, and with either
 * reduction it may miss classes that have a representative within the
 * bound (the equivalent execution explored elsewhere may need more
 * deviations); DPOR also adds each alternative where the racing task's run
 * began (Coons et al., OOPSLA 2013), which recovers most of them.
  */
#ifndef PCSIM_SEARCH_H
#define PCSIM_SEARCH_H

#include "sim/core/sim.h"

enum pcs_strategy { PCS_EXHAUSTIVE = 0, PCS_RANDOM, PCS_PCT };

struct pcs_opts {
	enum pcs_strategy s_strategy;
	bool s_sleep_sets;
	bool s_dpor;			/* source-set DPOR (implies sleep sets) */
	bool s_bounded;			/* apply s_preempt_bound */
	unsigned s_preempt_bound;	/* preemptions allowed per execution */
	unsigned s_pct_depth;		/* >= 1 */
	uint64_t s_seed;
};

/* One executed step (for equivalence checks and diagrams). */
struct pcs_event {
	int16_t e_task;			/* -1: an event fired */
	uint16_t e_index;		/* the task's step count before it */
	const char *e_step;		/* step name (static storage), NULL for events */
	struct sim_fp e_fp;
	int32_t e_frame;		/* scheduling choice point that chose it, -1 */
	int32_t e_enabler;		/* step that last made its task runnable, -1 */
	uint16_t e_opi;			/* the task's operation index (t_opi) */
	uint8_t e_pc;			/* the step's index in the operation */
	uint8_t e_ret;			/* enum sim_ret the step returned */
};

struct pcs;

struct pcs *pcs_new(struct sim *s, const struct pcs_opts *o);
void pcs_free(struct pcs *x);
/* Run the next execution. False when the search is over (exhaustive: the
 * tree is covered). After true: pcs_pruned() says whether it was cut. */
bool pcs_next(struct pcs *x);
bool pcs_pruned(const struct pcs *x);
/* Random / PCT: the next execution is number n (its seed derives from the
 * search seed and n), so shards of a campaign cover disjoint runs. */
void pcs_set_exec(struct pcs *x, uint64_t n);
/* Run one execution whose choices follow tp leniently: a recorded value
 * that is not valid for the choice met takes the default; past the tape's
 * end every choice takes the default (lowest task, first option). The
 * choices actually made are the new pcs_tape(). */
void pcs_run_lenient(struct pcs *x, const struct sim_tape *tp);
/* One random probe of the exhaustive search's tree from the snapshot,
 * weighted (Knuth's estimator with importance sampling: the mean weight
 * over probes is the number of executions of the unreduced search within
 * the bound). *len carries the probes' mean number of choice points from
 * one call to the next (0 at first: a default run measures it). */
double pcs_estimate_probe(struct pcs *x, uint64_t seed, double *len);
/* Replay this tape exactly once (next pcs_next runs it). */
int pcs_set_replay(struct pcs *x, const char *tape, size_t *errpos);
const struct sim_tape *pcs_tape(const struct pcs *x);
const struct pcs_event *pcs_events(const struct pcs *x, unsigned *n);
uint64_t pcs_bounded(const struct pcs *x);	/* alternatives cut by the bound */
uint64_t pcs_pruned_total(const struct pcs *x);
/* Deviations from the default schedule in the execution just run (what
 * the bound counts), exhaustive or lenient. */
unsigned pcs_deviations(const struct pcs *x);
/* Alternatives of scheduling choice points that DPOR left out (no race
 * needed them); executions too long to analyse (explored without DPOR). */
uint64_t pcs_dpor_skipped(const struct pcs *x);
uint64_t pcs_dpor_fallbacks(const struct pcs *x);

#endif
