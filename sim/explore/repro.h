/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/repro.h - a reproducer scenario from a failing run: the
 * interleaving of the scenario's threads as a race diagram, checked with
 * `pcsim run` semantics and shrunk row by row. Private to sim/explore.
 */
#ifndef PCSIM_REPRO_H
#define PCSIM_REPRO_H

#include "sim/explore/runner.h"
#include "sim/explore/search.h"

/* g: the reproducer's tree (one variant, expecting inv; its race holds the
 * rows up to the last power cut, none after). s and ev/n: the failing run
 * of the last lifetime (after pcs_run_lenient). Appends the rows of the
 * threads' interleaving to g's race, then deletes every row the failure
 * does not need, keeping only what `pcsim run` still fails with inv on.
 * Returns true with g holding the race (possibly no rows: the default
 * order fails); false with g's race as it came in (the interleaving could
 * not be said as a race diagram; the caller keeps the tape). At most
 * budget runs. */
bool __pcf_race_reproducer(struct scn_file *g, const char *path, int inv, struct sim *s,
			   const struct pcs_event *ev, unsigned n, unsigned budget);

#endif
