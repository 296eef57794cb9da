/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/crashdiff.h - crash states of the host kernel against the
 * model's (`pcsim kernel`, docs/crashdiff.md).
 *
 * One workload: run it on a real ext4 or XFS over a write-logging device
 * (logdev.h), build crash images from the log as log-writes replay and
 * CrashMonkey do (at every flush barrier, the writes before it plus
 * subsets of the writes after it up to the next one), mount each from a
 * copy (the kernel's own journal or log recovery runs), read every file;
 * run the same operations in the model with crash points at every event
 * and all subsets of the uncertain writes; then compare:
 *   1. after each sync call that returned success, the synced file in the
 *      image holding only what was flushed equals every model state at the
 *      call's return (class "sync");
 *   2. every real state is a model state at a matching crash point (class
 *      "unreachable"; found only at another point: "timing", explained);
 *   3. every model state that breaks an invariant is a real state (class
 *      "unshown"; a state after the last operation, which only the model's
 *      timers reach, is "timing", explained), and no invariant breaks at
 *      run time (class "runtime").
 */
#ifndef PCSIM_KERNEL_CRASHDIFF_H
#define PCSIM_KERNEL_CRASHDIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/kernel/workload.h"

enum kc_class { KC_SYNC = 0, KC_UNREACHABLE, KC_UNSHOWN, KC_RUNTIME, KC_MOUNT, KC_HOST,
		KC_NCLASS };
extern const char *const kc_class_names[KC_NCLASS];

struct kc_opts {
	unsigned subset_bits;	/* real: all subsets of an epoch up to 2^bits, then sampled */
	unsigned model_bits;	/* model: persist all-subsets max= */
	uint64_t seed;		/* sampling */
	unsigned schedules;	/* model: the default schedule and schedules-1 random ones */
	bool verbose;
	/* model knobs set on top of the profile's defaults (planted bugs, ...) */
	char knob_name[8][32], knob_value[8][32];
	unsigned nknobs;
};

struct kc_counts {
	uint64_t workloads, ops, skipped;
	uint64_t images, mounts, real_states;	/* images built, mounted, distinct */
	uint64_t model_states;
	uint64_t matched, timing_real, timing_model, shown;
	uint64_t sync_checks;
	uint64_t mismatch[KC_NCLASS];
	double host_s, model_s;
};

/* The first mismatch of a workload, for reports. */
struct kc_mismatch {
	enum kc_class cls;
	int op;			/* the operation window (-1: none) */
	char what[1400];
};

struct kc_host;

/* Make the file system of profile (ext4 or xfs) at block size bs on a
 * fresh logging device, with two empty files, synced. NULL with a message
 * (and *missing set when a prerequisite of the machine is missing: root,
 * /dev/fuse, loop devices, mkfs). */
struct kc_host *kc_host_open(int profile, uint32_t bs, const char *workdir, char *err,
			     size_t len, bool *missing);
void kc_host_close(struct kc_host *h);
/* What is missing on this machine to run the check, or NULL. */
const char *kc_host_missing(int profile);

/* Run and compare one workload. Returns the number of mismatches (0:
 * agreement), -1 on an error of the harness (message in m->what). */
int kc_check(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
	     struct kc_counts *c, struct kc_mismatch *m, FILE *log);

#endif
