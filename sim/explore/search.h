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
 * is a replay of a tape prefix followed by first choices; backtracking
 * takes the deepest choice point with an alternative left. Sleep sets
 * (Godefroid) prune alternatives whose next step is independent of
 * everything executed since they were explored: with correct footprints,
 * no two complete executions explored are equivalent (same order of
 * dependent steps), and every equivalence class is explored. An execution
 * whose every enabled task is asleep is cut (counted as pruned). Events
 * (timers, completions) have a global footprint.
 */
#ifndef PCSIM_SEARCH_H
#define PCSIM_SEARCH_H

#include "sim/core/sim.h"

enum pcs_strategy { PCS_EXHAUSTIVE = 0, PCS_RANDOM, PCS_PCT };

struct pcs_opts {
	enum pcs_strategy s_strategy;
	bool s_sleep_sets;
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
/* Replay this tape exactly once (next pcs_next runs it). */
int pcs_set_replay(struct pcs *x, const char *tape, size_t *errpos);
const struct sim_tape *pcs_tape(const struct pcs *x);
const struct pcs_event *pcs_events(const struct pcs *x, unsigned *n);
uint64_t pcs_bounded(const struct pcs *x);	/* alternatives cut by the bound */
uint64_t pcs_pruned_total(const struct pcs *x);

#endif
