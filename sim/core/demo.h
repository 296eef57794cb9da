/* SPDX-License-Identifier: MIT */
/*
 * sim/core/demo.h - a synthetic multi-task workload for the engine alone.
 *
 * Used by `pcsim demo`, bench/engine and the engine's tests. It knows nothing
 * of kernels: tasks take and release sleeping locks, update shared counters,
 * sleep on timers and hand work to a daemon worker that completes it later,
 * which exercises every engine mechanism (steps, AGAIN loops, blocking,
 * wake-ups, timers, cancellation, daemons, choices).
 */
#ifndef PCSIM_DEMO_H
#define PCSIM_DEMO_H

#include "sim/core/sim.h"

struct sim_demo_cfg {
	unsigned tasks;		/* user tasks, 1..16 */
	unsigned ops;		/* operations per task, 1..SIM_MAX_OPS */
	unsigned locks;		/* shared locks, 1..8 */
	bool random;		/* random scheduling (seeded) instead of lowest id */
	bool deadlock;		/* plant an AB-BA lock order between tasks 0 and 1 */
};

/* Build the workload into s (call before sim_snapshot). */
int sim_demo_setup(struct sim *s, const struct sim_demo_cfg *cfg);
/* A chooser picking uniformly among enabled options with PRNG stream 0. */
extern const struct sim_chooser sim_demo_random_chooser;
/* Sum of the shared counters, for correctness checks. */
uint64_t sim_demo_total(const struct sim *s);

#endif
