/* SPDX-License-Identifier: MIT */
/*
 * bench/engine.c - steps per second of the bare engine.
 *
 * Runs the synthetic multi-task workload (sim/core/demo.c) with random
 * scheduling over and over, resetting from a snapshot between runs, and
 * prints steps/s and runs/s. Goal: >= 5 million steps/s per core.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "sim/core/demo.h"
#include "sim/core/sim.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(unsigned tasks, unsigned ops, bool random)
{
	struct sim_config cfg = { .seed = 7, .arena_size = 1 << 20 };
	struct sim_demo_cfg dc = { .tasks = tasks, .ops = ops, .locks = 3, .random = random };
	struct sim *s = sim_create(&cfg);
	uint64_t steps = 0, runs = 0;
	double t0, t1;

	if (!s || sim_demo_setup(s, &dc) || sim_snapshot(s)) {
		fprintf(stderr, "bench: setup failed\n");
		return;
	}
	if (random)
		sim_set_chooser(s, &sim_demo_random_chooser);
	t0 = now_s();
	do {
		for (int k = 0; k < 50; k++) {
			sim_reset(s);
			sim_run(s);
			steps += sim_steps(s);
			runs++;
		}
		t1 = now_s();
	} while (t1 - t0 < 1.0);
	printf("engine  tasks=%-2u ops=%-3u sched=%-6s  %8.2f M steps/s  %9.0f runs/s  "
	       "(%" PRIu64 " steps/run, arena %zu KiB)\n",
	       tasks, ops, random ? "random" : "lowest", (double)steps / (t1 - t0) / 1e6,
	       (double)runs / (t1 - t0), steps / runs, sim_arena_used(s) / 1024);
	sim_destroy(s);
}

int main(void)
{
	printf("bench/engine: bare engine on the synthetic workload, one core, 1 s each\n");
	bench(4, 64, false);
	bench(4, 64, true);
	bench(8, 64, true);
	bench(16, 64, true);
	printf("goal: >= 5 M steps/s per core\n");
	return 0;
}
