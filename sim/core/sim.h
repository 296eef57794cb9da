/* SPDX-License-Identifier: MIT */
/*
 * sim/core/sim.h - the deterministic discrete-event engine.
 *
 * The engine knows nothing of kernels. It owns:
 *   - the simulated clock (nanoseconds) and an event queue ordered by
 *     (time, sequence number) with lazy cancellation;
 *   - tasks, each running a queue of operations; an operation is a table of
 *     named steps; a step is atomic with respect to other tasks;
 *   - wait queues with owners (for the waits-for graph) and a deadlock check;
 *   - PRNG streams (xoshiro256**, seeded through splitmix64), one per
 *     subsystem, integer-only;
 *   - the choice tape: every nondeterministic decision goes through
 *     sim_choose(), which records, replays and detects divergence;
 *   - the trace: one fixed-column line per event plus a 64-bit hash.
 *
 * All mutable state of one simulation lives in its arena (struct sim owns
 * it). sim_snapshot() copies the arena aside; sim_reset() copies it back into
 * the same memory, so pointers into the arena stay valid across resets.
 *
 * Task life cycle (struct sim_task, t_state):
 *
 *          sim_task_add_op / op ready                 step returns SIM_BLOCKED
 *   IDLE ---------------------------> RUNNABLE -------------------------------> BLOCKED
 *     ^                                |    ^                                      |
 *     |  no next operation             |    +------- sim_wake_all / sim_wake_one --+
 *     +--------------------------------+
 *
 * Holds: a RUNNABLE task has a current operation and t_pc < nsteps; a BLOCKED
 * task is on exactly one wait queue (t_wait); an IDLE task has no operation.
 */
#ifndef PCSIM_SIM_H
#define PCSIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCSIM_VERSION "0.1.0"

/* Bounds (STYLE: bound everything). */
#define SIM_MAX_TASKS     63	/* bit 63 of an enabled mask is "fire next event" */
#define SIM_MAX_EVENTS    1024	/* pending events at once (default; sim_config.max_events) */
#define SIM_MAX_STREAMS   8	/* PRNG streams */
#define SIM_MAX_FP        16	/* objects in one step's footprint */
#define SIM_MAX_OPS       64	/* operations queued on one user task */
#define SIM_MAX_STEPS     64	/* steps in one operation */
#define SIM_DEFAULT_STEP_LIMIT 10000000ULL

typedef uint64_t sim_time_t;	/* simulated nanoseconds */

#define SIM_NSEC  1ULL
#define SIM_USEC  1000ULL
#define SIM_MSEC  1000000ULL
#define SIM_SEC   1000000000ULL

struct sim;
struct sim_task;

/* What a step returns. */
enum sim_ret {
	SIM_DONE = 0,	/* advance to the next step */
	SIM_AGAIN,	/* run this step again later (a loop: one chunk per call) */
	SIM_BLOCKED,	/* the step called sim_wait(); re-run it when woken */
};

/* Footprint: the object ids a step reads and writes (for partial-order
 * reduction). An object id is any stable 32-bit number the model chooses. */
enum sim_access { SIM_READ = 1, SIM_WRITE = 2 };

struct sim_fp {
	uint8_t fp_n;
	uint8_t fp_mode[SIM_MAX_FP];
	uint32_t fp_obj[SIM_MAX_FP];
	bool fp_global;	/* dependent with everything (no footprint declared) */
};

typedef enum sim_ret (*sim_step_fn)(struct sim *s, struct sim_task *t, void *arg);
typedef void (*sim_fp_fn)(const struct sim *s, const struct sim_task *t,
			  const void *arg, struct sim_fp *fp);

/* One named step. The name is the kernel function it models. */
struct sim_step {
	const char *name;
	sim_step_fn fn;
	sim_fp_fn fp;	/* NULL: global footprint */
};

/* An operation: a named table of steps run in order. */
struct sim_op_desc {
	const char *name;
	uint8_t nsteps;
	struct sim_step steps[SIM_MAX_STEPS];
};

/* Called when an operation is invoked (first step about to run) and when it
 * returns (last step done). Used by the oracle for happens-before. */
typedef void (*sim_op_hook)(struct sim *s, struct sim_task *t, void *arg, bool begin);

struct sim_op {
	const struct sim_op_desc *op_desc;
	void *op_arg;		/* in the arena, owned by the model */
	uint32_t op_id;		/* caller's operation number */
};

enum sim_task_state { SIM_TASK_IDLE, SIM_TASK_RUNNABLE, SIM_TASK_BLOCKED };

struct sim_wq;

/* Produce the next operation for a daemon task (flusher, jbd2, workers).
 * Return false to go idle. */
typedef bool (*sim_next_op_fn)(struct sim *s, struct sim_task *t, struct sim_op *op);

struct sim_task {
	uint8_t t_id;
	bool t_kernel;			/* kernel thread (flusher, jbd2, ...) */
	enum sim_task_state t_state;
	char t_name[16];
	struct sim_op *t_ops;		/* queued operations (in the arena) */
	uint16_t t_nops, t_opi;		/* queued, index of current */
	bool t_in_op;			/* current op started (hook called) */
	uint8_t t_pc;			/* step index in the current op */
	uint8_t t_jump;			/* 1 + step to go to after SIM_DONE; 0: next */
	struct sim_wq *t_wait;		/* [BLOCKED] what we sleep on */
	sim_next_op_fn t_next_op;	/* daemons: where more work comes from */
	void *t_priv;			/* model-owned */
	uint64_t t_steps;		/* steps executed */
	uint32_t t_prio;		/* PCT priority */
};

/* A wait queue. t_owners names the tasks that must act before a waiter can
 * proceed (lock holders, the task that will complete an I/O, ...): the
 * waits-for graph has an edge waiter -> owner. */
struct sim_wq {
	const char *wq_name;
	uint32_t wq_obj;	/* object id, for the trace */
	uint64_t wq_waiters;	/* mask of task ids */
	uint64_t wq_owners;	/* mask of task ids */
};

/* A sleeping lock: shared/exclusive (rwsem) or exclusive only (mutex,
 * folio lock). Holders are the wait queue's owners. */
struct sim_rwsem {
	struct sim_wq rw_wq;
	uint64_t rw_readers;	/* mask of task ids holding it shared */
	int8_t rw_writer;	/* task id holding it exclusive, or -1 */
};

/* Events. */
typedef void (*sim_event_fn)(struct sim *s, void *arg, uint64_t data);
/* An event's footprint (partial-order reduction), computed just before it
 * fires. Used only with early_events, where a pending event can fire at any
 * moment; without, an event fires when no task can run, so every step that
 * blocks enables it, and events stay global. */
typedef void (*sim_event_fp_fn)(const struct sim *s, void *arg, uint64_t data,
				struct sim_fp *fp);

struct sim_event_handle {
	uint32_t eh_slot;
	uint32_t eh_gen;
};

/* Choices. */
enum sim_choice_kind {
	SIM_CH_SCHED = 's',	/* which enabled task steps (bit 63: fire next event) */
	SIM_CH_PICK = 'p',	/* pick one of n (which completion, which fault) */
	SIM_CH_CRASH = 'c',	/* crash point */
	SIM_CH_PERSIST = 'w',	/* which unflushed writes survive */
	SIM_CH_EVENT = 'e',	/* which pending event fires (early_events) */
};

#define SIM_EVENT_BIT 63

struct sim_choice {
	char c_kind;
	uint32_t c_n;		/* domain size (PICK etc.) */
	uint64_t c_mask;	/* SCHED: enabled set; otherwise 0 */
	uint32_t c_label;	/* model's label for what is being chosen */
};

/* A strategy decides a choice when not replaying. Returns an index in
 * [0, n) for PICK-style choices, or a task id/SIM_EVENT_BIT in c_mask. */
struct sim_chooser {
	uint64_t (*choose)(struct sim *s, void *ctx, const struct sim_choice *c);
	void *ctx;
};

/* ---- the tape ---- */
struct sim_tape_entry {
	char te_kind;
	uint8_t te_pad[3];
	uint32_t te_n;
	uint64_t te_mask;
	uint64_t te_value;
};

struct sim_tape {
	struct sim_tape_entry *tp_e;
	uint32_t tp_len, tp_cap;
	uint32_t tp_pos;		/* replay position */
};

void sim_tape_init(struct sim_tape *tp);
void sim_tape_free(struct sim_tape *tp);
void sim_tape_clear(struct sim_tape *tp);
int sim_tape_push(struct sim_tape *tp, const struct sim_tape_entry *e);
/* Serialize to text ("T1 s3/f s0/3 p1/4 ..."); returns bytes written
 * (excluding NUL) or the size needed if buf is too small. */
size_t sim_tape_format(const struct sim_tape *tp, char *buf, size_t len);
/* Parse text; on error returns -1 and sets *errpos to the byte offset. */
int sim_tape_parse(struct sim_tape *tp, const char *text, size_t *errpos);

/* ---- the context ---- */
struct sim_config {
	uint64_t seed;
	size_t arena_size;		/* bytes for the model's objects */
	uint64_t step_limit;		/* abort the run after this many steps */
	sim_time_t time_limit;		/* stop when the clock passes this (0: none) */
	bool early_events;		/* a pending event is a choice, not only a fallback */
	uint32_t max_events;		/* pending events at once; 0: SIM_MAX_EVENTS */
};

enum sim_status {
	SIM_OK = 0,		/* ran to quiescence: no runnable task, no event */
	SIM_STOPPED,		/* sim_stop() was called (crash point, explorer) */
	SIM_DEADLOCK,
	SIM_DIVERGED,		/* replay met a different choice than recorded */
	SIM_STEP_LIMIT,
	SIM_TIME_LIMIT,
};

struct sim *sim_create(const struct sim_config *cfg);
void sim_destroy(struct sim *s);

/* Arena: bump allocation of zeroed memory; valid until destroy. Returns NULL
 * when the arena is exhausted (callers report a user error). */
void *sim_alloc(struct sim *s, size_t size);
size_t sim_arena_used(const struct sim *s);

/* Remember the whole world now; sim_reset() returns to it (clock, events,
 * tasks, PRNG streams, model objects). The tape, chooser and trace sink are
 * not part of the world. A reset copies back only the pages written since
 * the snapshot or the previous reset (write tracking, sim/core/wtrack.c;
 * PCSIM_FULL_RESET=1 copies the whole snapshot every time). */
int sim_snapshot(struct sim *s);
void sim_reset(struct sim *s);
/* Bytes the last sim_reset copied back. */
size_t sim_reset_bytes(const struct sim *s);
/* Is write tracking on (the snapshot's pages are watched)? */
bool sim_write_tracking(const struct sim *s);

sim_time_t sim_now(const struct sim *s);
uint64_t sim_steps(const struct sim *s);

/* Model's private root object (in the arena). */
void sim_set_priv(struct sim *s, void *priv);
void *sim_priv(const struct sim *s);

/* ---- tasks ---- */
struct sim_task *sim_task_create(struct sim *s, const char *name, bool kernel);
struct sim_task *sim_task(const struct sim *s, unsigned id);
unsigned sim_ntasks(const struct sim *s);
int sim_task_add_op(struct sim *s, struct sim_task *t, const struct sim_op_desc *d,
		    void *arg, uint32_t op_id);
void sim_set_op_hook(struct sim *s, sim_op_hook hook);
/* Asked after a step returned SIM_DONE which step of the operation runs
 * next from pc on (pc itself, a later one, or nsteps to finish): steps on
 * a path the operation did not take are then never run nor traced (the
 * model's truncate up/down paths, docs/model.md 2.5). */
typedef uint8_t (*sim_next_hook)(const struct sim_op_desc *d, void *arg, uint8_t pc);
void sim_set_next_hook(struct sim *s, sim_next_hook hook);
/* Observe every step after it ran (for race diagrams of the executed
 * interleaving). Outside the world: survives sim_reset. */
typedef void (*sim_step_observer)(void *ctx, const struct sim_task *t, const char *step,
				  enum sim_ret r);
void sim_set_step_observer(struct sim *s, sim_step_observer fn, void *ctx);
/* Called before every step with the step's footprint, and before every
 * event with t == NULL and a global footprint (partial-order reduction). */
typedef void (*sim_pre_step_fn)(void *ctx, const struct sim_task *t, const struct sim_fp *fp);
void sim_set_pre_step(struct sim *s, sim_pre_step_fn fn, void *ctx);
/* In the pre-step hook of an event (t == NULL): the name of the event
 * about to fire (static storage); outside the world. */
const char *sim_event_firing(const struct sim *s);
/* Has the task work left (an operation in progress or queued)? */
bool sim_task_has_work(const struct sim_task *t);
/* The step the task will run next, or NULL. */
const struct sim_step *sim_task_next_step(const struct sim_task *t);
const struct sim_op *sim_task_cur_op(const struct sim_task *t);
/* Turn t into a daemon that gets its operations from next_op. */
int sim_task_set_daemon(struct sim *s, struct sim_task *t, sim_next_op_fn next_op);
/* Make an idle daemon look for work (its t_next_op) again. */
void sim_task_kick(struct sim *s, struct sim_task *t);
/* Jump to step index pc of the current operation (branches in a profile). */
void sim_task_goto(struct sim_task *t, unsigned pc);

/* ---- wait queues and locks ---- */
void sim_wq_init(struct sim_wq *wq, const char *name, uint32_t obj);
/* Put t to sleep on wq; the calling step must then return SIM_BLOCKED. */
void sim_wait(struct sim *s, struct sim_task *t, struct sim_wq *wq);
unsigned sim_wake_all(struct sim *s, struct sim_wq *wq);
void sim_rwsem_init(struct sim_rwsem *l, const char *name, uint32_t obj);
/* Try to take; on failure t sleeps on the lock (return SIM_BLOCKED). */
bool sim_down_write(struct sim *s, struct sim_task *t, struct sim_rwsem *l);
bool sim_down_read(struct sim *s, struct sim_task *t, struct sim_rwsem *l);
void sim_up_write(struct sim *s, struct sim_task *t, struct sim_rwsem *l);
void sim_up_read(struct sim *s, struct sim_task *t, struct sim_rwsem *l);
bool sim_rwsem_held_excl(const struct sim_rwsem *l, const struct sim_task *t);
bool sim_rwsem_held(const struct sim_rwsem *l, const struct sim_task *t);

/* ---- events and timers ---- */
struct sim_event_handle sim_event_at(struct sim *s, sim_time_t when, const char *name,
				     sim_event_fn fn, void *arg, uint64_t data);
struct sim_event_handle sim_timer(struct sim *s, sim_time_t delay, const char *name,
				  sim_event_fn fn, void *arg, uint64_t data);
/* Lazy cancellation: the slot is marked and skipped when it reaches the
 * head. Cancelling a fired or stale handle is a no-op; returns whether a
 * pending event was cancelled. */
bool sim_event_cancel(struct sim *s, struct sim_event_handle h);
bool sim_event_pending(const struct sim *s, struct sim_event_handle h);
/* Give a pending event a footprint (default: global). */
void sim_event_set_fp(struct sim *s, struct sim_event_handle h, sim_event_fp_fn fp);
/* Footprint of the k-th pending event in (time, seq) order; false if none. */
bool sim_event_footprint(struct sim *s, uint32_t k, struct sim_fp *fp);
unsigned sim_events_pending(const struct sim *s);

/* ---- running ---- */
void sim_set_chooser(struct sim *s, const struct sim_chooser *c);
/* Record every choice into tp (may be NULL). */
void sim_record(struct sim *s, struct sim_tape *tp);
/* Replay choices from tp; past its end the chooser decides. */
void sim_replay(struct sim *s, struct sim_tape *tp);
/* Where replay diverged; valid after SIM_DIVERGED. */
const char *sim_divergence(const struct sim *s);

/* Run one scheduling decision: a step of one task, or one event. Returns
 * false when nothing is left to do or the run stopped. */
bool sim_step(struct sim *s);
enum sim_status sim_run(struct sim *s);
void sim_stop(struct sim *s, enum sim_status why);
enum sim_status sim_status(const struct sim *s);
/* The task whose step is running now (NULL between steps and in events). */
struct sim_task *sim_current(const struct sim *s);
/* Run task t (and only t, plus nothing else) for one step, whether the
 * chooser would have picked it or not. For scripted schedules. Returns false
 * if t is not runnable. */
bool sim_step_task(struct sim *s, struct sim_task *t);
/* Fire the earliest pending event now. Returns false if none. */
bool sim_fire_next_event(struct sim *s);
/* Fire the earliest pending event named name now, even if others are due
 * earlier (they fire late); the clock moves to its time if that is later.
 * For scripted schedules. Returns false if none is pending. */
bool sim_fire_event_named(struct sim *s, const char *name);
/* Fire the k-th pending event in (time, seq) order (0: the earliest). */
bool sim_fire_event_k(struct sim *s, uint32_t k);
/* Time of the earliest pending event; false if none. */
bool sim_next_event_time(struct sim *s, sim_time_t *when);
uint64_t sim_runnable_mask(const struct sim *s);

/* The single entry for nondeterminism. */
uint64_t sim_choose(struct sim *s, char kind, uint32_t n, uint64_t mask, uint32_t label);

/* Footprint of the step task t would run next (computed on demand). */
void sim_task_footprint(const struct sim *s, const struct sim_task *t, struct sim_fp *fp);
void sim_fp_add(struct sim_fp *fp, uint32_t obj, enum sim_access mode);
bool sim_fp_dependent(const struct sim_fp *a, const struct sim_fp *b);

/* Debug check of declared footprints: from the current state run one step
 * of a then one of b, and from the same state b then a; compare the world
 * (the used arena less the trace hash, after norm, which may clear what
 * legitimately follows the interleaving). The state is restored. 0: the
 * same, 1: different (a and b do not commute), -1: not comparable (a task
 * was not runnable, the run stopped). */
int sim_check_commute(struct sim *s, struct sim_task *a, struct sim_task *b,
		      void (*norm)(struct sim *s));
/* The same for a step of a and the k-th pending event firing. */
int sim_check_commute_event(struct sim *s, struct sim_task *a, uint32_t k,
			    void (*norm)(struct sim *s));

/* ---- deadlock ---- */
/* Fills a human-readable description and returns true if the waits-for graph
 * has a cycle or every task with work is blocked and no event is pending. */
bool sim_deadlock_check(const struct sim *s, char *why, size_t len);

/* ---- PRNG ---- */
uint64_t sim_rand(struct sim *s, unsigned stream);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t sim_rand_below(struct sim *s, unsigned stream, uint64_t n);
uint64_t sim_splitmix64(uint64_t *state);

/* ---- trace ---- */
enum sim_trace_kind {
	SIM_TR_STEP = 'S',	/* a step ran: name, result */
	SIM_TR_OP = 'O',	/* operation begins/ends */
	SIM_TR_EVENT = 'E',	/* an event fired */
	SIM_TR_BLOCK = 'B',	/* task blocked on a wait queue */
	SIM_TR_WAKE = 'W',	/* task woken */
	SIM_TR_CHOICE = 'C',	/* a choice was made */
	SIM_TR_MODEL = 'M',	/* model note */
};
/* Sink for trace lines (NULL: only the hash is computed). */
void sim_trace_to(struct sim *s, FILE *f);
bool sim_tracing(const struct sim *s);
/* Record an event in the trace hash, and print it when a sink is set. */
void sim_trace(struct sim *s, char kind, int task, const char *name, uint64_t a, uint64_t b);
/* Model note: printed only when tracing, hashed always (format arguments are
 * only evaluated into text when tracing; the hash covers name, a, b). */
void sim_trace_note(struct sim *s, int task, const char *name, uint64_t a, uint64_t b,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
uint64_t sim_trace_hash(const struct sim *s);

/* FNV-1a 64 helper (stable across builds). */
uint64_t sim_hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t sim_hash_u64(uint64_t h, uint64_t v);
/* A faster hash of n bytes, chained through h, for keys and dedup sets that
 * never reach a report or a trace (state hashes, crash keys, crash image
 * blocks): 16 bytes per step. Stable across builds and hosts (little-endian
 * loads). Not FNV: the trace hash keeps sim_hash_bytes. */
uint64_t sim_hash_fast(uint64_t h, const void *p, size_t n);
#define SIM_HASH_INIT 0xcbf29ce484222325ULL

#endif /* PCSIM_SIM_H */
