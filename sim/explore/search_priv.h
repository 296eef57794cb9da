/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/search_priv.h - the exhaustive search's choice points, shared
 * by search.c (the depth-first driver) and dpor.c (race analysis of one
 * execution). Private to sim/explore.
 */
#ifndef PCSIM_SEARCH_PRIV_H
#define PCSIM_SEARCH_PRIV_H

#include "sim/explore/search.h"

/* One choice point of the current execution. Masks have one bit per
 * alternative: for a scheduling choice the task id, bit 63 "fire the next
 * event now"; for other choices the option index (< 64).
 *
 *   f_done       alternatives explored (or being explored) from here;
 *   f_backtrack  alternatives that must be explored (source-set DPOR adds
 *                to it when a race needs a reversal; without DPOR it is
 *                every alternative);
 *   f_sleep      the sleep set on arrival: explored in an earlier sibling
 *                branch and independent of everything since;
 *   f_bounded    alternatives cut by the preemption bound (never explored,
 *                so never put to sleep);
 *   f_partial    done alternatives whose subtree had a cut by the bound: not
 *                every execution after them was explored, so they are not
 *                put to sleep either (a sleep set claims "explored").
 * Holds: f_done, f_bounded subsets of the domain; f_done & f_bounded == 0;
 * f_chosen in f_done. */
struct pcs_frame {
	char f_kind;
	uint32_t f_n;
	uint64_t f_mask;
	uint64_t f_chosen;
	uint64_t f_done;
	uint64_t f_backtrack;
	uint64_t f_sleep;
	uint64_t f_bounded;
	uint64_t f_partial;
	int16_t f_prev;		/* task that ran before the choice, -1 none */
	uint16_t f_preempts;	/* deviations from the default before it */
	uint16_t f_defer;	/* data choice: options passed over and still
				 * pending (they come first in due order) */
};

/* The default alternative of a choice point: for a scheduling choice the
 * task that ran last if it can go on, else the lowest task id, the early
 * event only when no task can run; for other choices the first (the event
 * or completion due first). Choosing anything else is a deviation, which
 * the bound counts (delay bounding, Emmi et al., POPL 2011). A data choice
 * (which event fires, which bio completes) passes over the options before
 * the one taken: they stay pending and, due earliest, come first next time;
 * taking one of those later is free, so holding one completion back across
 * many others costs one deviation, not one per completion. */
static inline uint64_t __pcs_default_alt(const struct pcs_frame *f)
{
	uint64_t tasks = f->f_mask & ~(1ULL << SIM_EVENT_BIT);

	if (f->f_kind != SIM_CH_SCHED)
		return 0;
	if (f->f_prev >= 0 && (f->f_mask & (1ULL << f->f_prev)))
		return (uint64_t)f->f_prev;
	return (uint64_t)__builtin_ctzll(tasks ? tasks : f->f_mask);
}

struct pcs_dpor;

struct pcs_dpor *__pcs_dpor_new(void);
void __pcs_dpor_free(struct pcs_dpor *d);
/* Analyse the n steps and events of one execution, ev[i].e_frame naming
 * the scheduling choice point (index into f) that chose step i, or -1. For
 * every reversible race between an event e and a later one e' (dependent,
 * different tasks, e happens directly before e'), make sure the choice point
 * before e will explore one of the initials of notdep(e).e' (Abdulla et al.,
 * "Source Sets", POPL 2014, Algorithm 1). When the preemption bound
 * (UINT32_MAX: none) cuts that alternative, it is also added where the run
 * of e's task began (Coons et al., "Bounded partial-order reduction",
 * OOPSLA 2013). Returns false when the execution
 * is too long to analyse; the caller then backtracks on every alternative. */
bool __pcs_dpor_analyse(struct pcs_dpor *d, const struct pcs_event *ev, unsigned n,
			unsigned ntasks, struct pcs_frame *f, uint32_t nf, unsigned bound);

#endif
