/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/runner.h - run one variant of a scenario: build the model
 * from the fs line and the variant's knobs, run the setup and make it
 * durable, run the scripted interleaving (race / schedule) and then the
 * remaining work to completion, check the run-time invariants, then every
 * crash state the crash and persist lines ask for, and compare what broke
 * with the variant's expectation.
 */
#ifndef PCSIM_RUNNER_H
#define PCSIM_RUNNER_H

#include <stdio.h>

#include "model/model.h"
#include "sim/scenario/scenario.h"

#define PCR_MAX_OVERRIDES 16
#define PCR_MAX_LOG 4096

struct pcr_opts {
	FILE *trace;			/* --trace: the event trace goes here */
	int oracle;			/* -1: as the file says; 0 default; 1 strict */
	uint64_t seed;
	bool early_events;		/* pending events are choices too (explore, fuzz) */
	unsigned noverrides;
	char override_name[PCR_MAX_OVERRIDES][SCN_MAX_NAME + 1];	/* --knob k=v */
	char override_value[PCR_MAX_OVERRIDES][SCN_MAX_NAME + 1];
};

enum pcr_verdict { PCR_PASS, PCR_FAIL_EXPECTED, PCR_UNEXPECTED_PASS, PCR_UNEXPECTED_FAIL };

/* One executed step, for the race diagram of the run. */
struct pcr_logent {
	uint8_t l_task;
	uint8_t l_kind;		/* 0 step, 1 op start, 2 crash point */
	uint16_t l_op;		/* op number (kind 1) */
	const char *l_step;
	char l_name[16];	/* task name (tasks do not outlive a remount) */
	sim_time_t l_time;	/* simulated ns when the step ran */
	uint32_t l_wlog;	/* write-log length after it */
	uint8_t l_ret;		/* enum sim_ret */
	uint8_t l_lifetime;	/* 0, or the number of power cuts before it */
	uint64_t l_isize, l_disksize, l_durable;	/* file 0 after the step */
};

struct pcr_result {
	enum pcr_verdict r_verdict;
	bool r_failed;			/* any invariant broke */
	uint32_t r_inv_mask;		/* bit per enum pc_invariant */
	uint32_t r_expect_mask;
	bool r_expect_fail;
	uint64_t r_crash_states, r_crash_dups;
	bool r_crash_complete;
	uint32_t r_wlog;
	uint64_t r_steps;
	sim_time_t r_sim_time;
	double r_ms;
	uint64_t r_trace_hash;
	unsigned r_nviol;
	struct pc_violation r_viol[8];
	char r_viol_from[8][160];	/* where the bytes came from */
	struct pc_metrics r_metrics;
	char r_error[512];		/* a run-time error (deadlocked script, ...) */
	char *r_diagram;		/* malloc'd race diagram of the run, or NULL */
	struct pcr_logent *r_log;	/* malloc'd: every step of the run (timeline) */
	unsigned r_nlog;
	uint32_t r_survivors[PC_CRASH_MAX_SURVIVORS];	/* bio ids that survived in the first
							 * violating crash state, increasing */
	unsigned r_nsurvivors;
	char r_variant[SCN_MAX_NAME + 1];
	char r_scenario[SCN_MAX_NAME + 1];
	uint32_t r_crash_point;		/* of the first crash-state violation */
	bool r_crash_violation;
};

/* Run variant vi (-1: the file's single expectation). Returns 0, or -1 with
 * a message (bad knob with file:line:col, model does not fit). */
int pcr_run(const struct scn_file *f, const char *path, int vi, const struct pcr_opts *o,
	    struct pcr_result *r, char *err, size_t len);
void pcr_result_free(struct pcr_result *r);
/* The model of variant vi with its setup done and the threads' operations
 * queued, ready to run, and snapshotted there (sim_reset returns to it):
 * the starting point of explore, fuzz and the footprint check. NULL +
 * message. */
struct sim *pcr_build(const struct scn_file *f, const char *path, int vi,
		      const struct pcr_opts *o, char *err, size_t len);
/* The item after the race's last power cut (a crash row with rows after
 * it, or any crash row in a file with a tape line: the tape is the
 * lifetime after it), 0 if none: explore, fuzz and a tape start there. */
uint32_t pcr_last_cut(const struct scn_file *f);
/* Violations, metrics and the verdict of the run in s, into r. */
void pcr_collect(struct sim *s, const struct scn_file *f, int vi, struct pcr_result *r);
const char *pcr_verdict_name(enum pcr_verdict v);

/* The vocabulary the parser validates against (profiles, knobs, steps). */
extern const struct scn_vocab pcr_vocab;
/* The model's operation for a scenario operation on file index file. */
struct pc_opspec;
void pcr_op_spec(const struct scn_op *op, int file, struct pc_opspec *sp);

#endif
