/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/fpcheck.h - the footprint check (fpcheck.c): do steps the
 * model declares independent commute?
 */
#ifndef PCSIM_FPCHECK_H
#define PCSIM_FPCHECK_H

#include "sim/explore/runner.h"

struct pcx_fpcheck {
	uint64_t fc_walks;
	uint64_t fc_states;	/* states with two or more runnable tasks */
	uint64_t fc_pairs;	/* pairs of runnable tasks seen */
	uint64_t fc_checked;	/* pairs declared independent, run both ways */
	uint64_t fc_events;	/* of those, a step and an event */
	uint64_t fc_failures;	/* of those, pairs that did not commute */
	char fc_first[200];	/* the first failure */
};

/* walks seeded random walks of variant vi from seed. */
int pcx_fp_check(const struct scn_file *f, const char *path, int vi, unsigned walks,
		 uint64_t seed, struct pcx_fpcheck *r, char *err, size_t len);

#endif
