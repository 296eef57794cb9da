/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/kc_priv.h - what the kernel check's host side (host.c) and its
 * comparison (crashdiff.c) share.
 */
#ifndef PCSIM_KERNEL_KC_PRIV_H
#define PCSIM_KERNEL_KC_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/kernel/crashdiff.h"

struct logdev;

struct kc_host {
	int profile;
	uint32_t bs;
	struct logdev *ld;
	char dir[256], fusedir[300], mnt[300];
	const char *fstype;
};

/* A crash state: per file its size and bytes, where and how it was found. */
struct kstate {
	uint64_t h;
	int win;		/* operation window */
	int win_hi;		/* real: the crash may be as late as this window */
	bool at_end;		/* model: the crash point is the operation's response */
	uint32_t viol;		/* model: invariants broken (any schedule) */
	uint32_t viol0;		/* model: invariants broken under the default schedule */
	bool sched0;		/* model: reached under the default schedule */
	bool bad;		/* could not be read back */
	unsigned nfiles;
	uint64_t size[2];
	uint8_t *bytes[2];
};

struct kset {
	struct kstate *v;
	size_t n, cap;
};

/* The host run of one workload: marks, call results, the states of its
 * crash images. */
struct hside {
	uint32_t start_pos[KW_MAX_OPS], end_pos[KW_MAX_OPS];	/* log index of the marks */
	int err[KW_MAX_OPS];
	struct kset states;
	/* per sync operation: the image of only the flushed writes */
	int sync_state[KW_MAX_OPS];	/* index in states, or -1 */
	uint64_t images, mounts;
};

double kc_now(void);
uint64_t kc_state_hash(unsigned nfiles, const uint64_t *size, const uint8_t *const *bytes,
		       bool bad);
/* Add a state (copies the bytes); duplicates by (hash, window, at_end) are
 * kept once, their violation masks joined. */
void kc_kset_add(struct kset *s, unsigned nfiles, const uint64_t *size,
		 const uint8_t *const *bytes, bool bad, int win, bool at_end, uint32_t viol,
		 bool sched0);
void kc_kset_free(struct kset *s);
/* Run kw on the host and read back every crash image (host.c). */
int kc_host_side(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
		 struct hside *hs, char *err, size_t len);

#endif
