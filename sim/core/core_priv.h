/* SPDX-License-Identifier: MIT */
/*
 * sim/core/core_priv.h - layout of the engine's world. Private to sim/core.
 *
 * Everything that a run mutates lives in the arena, starting with struct
 * sim_world, so that sim_snapshot() is one memcpy, sim_reset() copies back
 * the pages written since (wtrack.c) and no pointer into the arena is
 * invalidated by a reset.
 */
#ifndef PCSIM_CORE_PRIV_H
#define PCSIM_CORE_PRIV_H

#include "sim/core/sim.h"

struct sim_event {
	sim_time_t ev_time;
	uint64_t ev_seq;	/* tie-break: order of scheduling */
	sim_event_fn ev_fn;
	void *ev_arg;
	uint64_t ev_data;
	const char *ev_name;
	sim_event_fp_fn ev_fp;	/* NULL: global footprint */
	uint32_t ev_gen;	/* bumped when the slot is freed */
	bool ev_live;		/* false: cancelled or free */
};

/* xoshiro256** state. */
struct sim_prng {
	uint64_t pr_s[4];
};

struct sim_world {
	sim_time_t w_now;		/* [sim] simulated ns */
	uint64_t w_seq;			/* next event sequence number */
	uint64_t w_steps;		/* steps executed */
	uint64_t w_trace_hash;		/* FNV-1a over trace records */
	uint64_t w_trace_lines;
	enum sim_status w_status;
	bool w_stopped;

	/* Event queue: a binary min-heap of slot numbers ordered by
	 * (ev_time, ev_seq); slots come from a free list. */
	struct sim_event *w_ev;		/* [w_max_events] slots */
	uint32_t *w_heap;		/* slot numbers */
	uint32_t *w_free;		/* free slot stack */
	uint32_t w_nheap, w_nfree, w_nlive;
	uint32_t w_max_events;		/* slots */

	struct sim_task *w_tasks[SIM_MAX_TASKS];
	uint8_t w_ntasks;
	uint64_t w_runnable;		/* mask of RUNNABLE tasks */

	struct sim_prng w_prng[SIM_MAX_STREAMS];
	void *w_priv;			/* the model's root object */
	struct sim_task *w_cur;		/* task whose step is running */
	sim_op_hook w_op_hook;
	sim_next_hook w_next_hook;
};

struct sim {
	struct sim_config s_cfg;
	unsigned char *s_arena;
	size_t s_arena_size, s_arena_used;
	unsigned char *s_snap;
	size_t s_snap_used;
	struct sim_world *s_w;		/* == (struct sim_world *)s_arena */

	struct sim_chooser s_chooser;
	struct sim_tape *s_record;
	struct sim_tape *s_replay;
	char s_divergence[256];
	FILE *s_trace;
	sim_step_observer s_obs;
	void *s_obs_ctx;
	sim_pre_step_fn s_pre;
	void *s_pre_ctx;
	const char *s_firing;	/* name of the event firing (for the pre-step hook) */
	unsigned char *s_cmp[2];	/* sim_check_commute's scratch: saved, first order */
	size_t s_cmp_cap[2];

	/* Write tracking (wtrack.c): pages of the snapshot written since. */
	size_t s_page;			/* page size */
	size_t s_map_bytes;		/* the arena's mapping, whole pages */
	size_t s_snap_pages;		/* pages the snapshot buffer holds */
	bool s_wt_armed;		/* pages [0, s_wt_npages) read-only until written */
	bool s_wt_all;			/* released: the next reset copies everything */
	size_t s_wt_npages, s_wt_words, s_wt_ndirty;
	uint64_t *s_wt_bits;		/* dirty page bitmap (faulted since the reset) */
	uint64_t *s_wt_hot;		/* pages left writable: compared at every reset */
	uint8_t *s_wt_idle;		/* per hot page: resets in a row it was clean */
	size_t s_wt_faults;		/* statistics: faults taken, pages compared */
	size_t s_last_reset_bytes;	/* what the last sim_reset copied */
	uint32_t *s_evidx;		/* sim_fire_event_k's scratch [w_max_events] */
};

void __sim_events_init(struct sim *s);
bool __sim_event_pop(struct sim *s, struct sim_event *out);
void __sim_prng_seed(struct sim *s, uint64_t seed);
void __sim_task_set_state(struct sim *s, struct sim_task *t, enum sim_task_state st);
bool __sim_task_prepare(struct sim *s, struct sim_task *t);
void __sim_task_run_step(struct sim *s, struct sim_task *t);

size_t __sim_page_size(void);
unsigned char *__sim_arena_map(size_t bytes);
void __sim_arena_unmap(unsigned char *p, size_t bytes);
void __sim_wt_arm(struct sim *s, size_t npages);
void __sim_wt_release(struct sim *s);
size_t __sim_wt_restore(struct sim *s);
void __sim_wt_destroy(struct sim *s);

#endif /* PCSIM_CORE_PRIV_H */
