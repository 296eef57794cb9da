/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/fuzz.h - crash-point fuzzing of a scenario variant's
 * threads: many seeded executions (random walk, PCT, or swarm: random knob
 * and fault settings per batch), every one with its crash states; on a
 * violation the tape is shrunk and a reproducer scenario is written,
 * named by its signature (scenario, variant, invariant) so a bug is saved
 * once. `pcsim run` on the reproducer fails the same way.
 */
#ifndef PCSIM_FUZZ_H
#define PCSIM_FUZZ_H

#include "sim/explore/runner.h"

enum pcf_strategy { PCF_RANDOM = 0, PCF_PCT, PCF_SWARM };

struct pcf_opts {
	enum pcf_strategy f_strategy;
	uint64_t f_runs;		/* runs per variant (0: until f_seconds) */
	double f_seconds;		/* wall-time budget per variant (0: none) */
	uint64_t f_seed;
	uint32_t f_shard, f_nshards;	/* run r belongs to shard r % nshards */
	unsigned f_pct_depth;
	bool f_crash;
	bool f_early_events;
	bool f_shrink;
	const char *f_out;		/* reproducer directory, or NULL */
	bool f_progress;		/* a progress line (terminals only) */
	bool f_stop;			/* stop a variant at its first violation of an
					 * invariant it expects (any, if it expects pass) */
};

struct pcf_stats {
	uint64_t fs_runs, fs_crash_states, fs_violating_runs;
	uint64_t fs_first_run;		/* run number of the first violation, 0: none */
	double fs_first_seconds;
	uint64_t fs_found_run;		/* first run breaking an invariant the variant
					 * expects (any, if it expects pass), 0: none */
	double fs_found_seconds;
	double fs_seconds;
	uint32_t fs_inv_mask;		/* invariants seen */
	unsigned fs_written;		/* reproducers written */
	bool fs_unexpected;		/* an invariant the variant does not expect */
	unsigned fs_shrunk_len, fs_tape_len;	/* tape entries: shrunk, as found */
	unsigned fs_deviations;		/* of the shrunk run from the default schedule */
	bool fs_race;			/* the reproducer says it as a race diagram */
	unsigned fs_candidate_rows;	/* rows of the run (last lifetime) before the slice */
	uint8_t fs_file;		/* the bytes the reproducer breaks its invariant on */
	uint64_t fs_off, fs_len;
	unsigned fs_rows;		/* its race rows, or (tape) rows before the
					 * last power cut + deviations */
	char fs_repro[512];		/* path of the last reproducer written */
	char fs_repro_tape[4096];	/* the shrunk run it says, as a tape (for
					 * machines: the reproducer has none), or "" */
};

/* text is the scenario file's text (the reproducer is built from it). */
int pcf_fuzz(const struct scn_file *f, const char *path, const char *text, size_t text_len,
	     int vi, const struct pcr_opts *o, const struct pcf_opts *fo, struct pcf_stats *st,
	     char *err, size_t len);

/* Where a campaign over variant vi of f saves (or has saved) the
 * reproducer of invariant inv under dir: the name save() gives it, from
 * its signature. Read-only; for reports. Returns snprintf's count. */
int pcf_repro_path(const struct scn_file *f, int vi, int inv, const char *dir, char *buf,
		   size_t len);

/* A random workload in the scenario language (1-4 threads, 1-2 files):
 * malloc'd text. */
char *pcf_generate(uint64_t seed);

#endif
