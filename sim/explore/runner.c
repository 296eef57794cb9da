/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/runner.c - run one variant of a scenario (see runner.h).
 *
 * The scripted interleaving, item by item (SCENARIO.md "race"):
 *   op line    starts the task's next operation; if the task's next item
 *              is not a step or '*' of that operation, the operation runs
 *              to its end;
 *   step name  runs the task through that step (every step up to and
 *              including the named one; a looping step until it is done);
 *   '*'        runs the task until it blocks or ends its operation;
 *   crash      the crash point is here.
 * Kernel columns: flusher and jbd2 rows first kick their task (a writeback
 * pass over every dirty inode; a commit of the running transaction);
 * endio rows run the end_io worker; disk rows complete the oldest in-flight
 * bio of a kind (data, zero, log, commit, meta, flush) or '*' the next one.
 * While a scripted task is blocked, the world goes on around it: kernel
 * tasks run and events fire, but no other scenario thread moves.
 * After the script, everything left runs to completion in the default
 * order (lowest task first; events when nothing can run).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/jbd2.h"
#include "sim/core/sim.h"
#include "sim/explore/diagram.h"
#include "sim/explore/runner.h"

#define MAX_SCRIPT_STEPS 200000

struct run {
	struct sim *s;
	const char *path;
	struct pc_config cfg;
	struct sim_config sc;
	struct sim_chooser ch;
	unsigned lifetimes;	/* remounts after a crash row */
	FILE *trace;
	struct sim_tape tape;	/* a reproducer's tape line */
	const struct scn_file *f;
	struct sim_task *thr[SCN_MAX_THREADS];
	char files[PC_MAX_FILES][SCN_MAX_NAME + 1];
	unsigned nfiles;
	struct pcr_logent *log;
	uint32_t *log_wlog;
	unsigned nlog;
	const char *last_step;
	const struct sim_task *last_task;
	enum sim_ret last_ret;
	int disk_kind;		/* preferred bio kind for the next completion, -1 any */
	struct pc_knobs knobs;	/* this variant's */
	uint32_t crash_after;	/* crash after TASK:STEP: write-log index */
	bool crash_after_set;
	char err[400];
};

const char *pcr_verdict_name(enum pcr_verdict v)
{
	static const char *const n[] = { "PASS", "FAIL as expected", "UNEXPECTED PASS",
					 "UNEXPECTED FAIL" };

	return n[v];
}

static void observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r)
{
	struct run *ru = ctx;
	const struct scn_file *f = ru->f;

	ru->last_step = step;
	ru->last_task = t;
	ru->last_ret = r;
	if (ru->nlog < PCR_MAX_LOG) {
		struct pcr_logent *l = &ru->log[ru->nlog];

		l->l_task = t->t_id;
		l->l_kind = 0;
		l->l_step = step;
		l->l_time = sim_now(ru->s);
		l->l_ret = (uint8_t)r;
		l->l_lifetime = (uint8_t)ru->lifetimes;
		pc_model_sizes(ru->s, 0, &l->l_isize, &l->l_disksize, &l->l_durable);
		l->l_wlog = pc_wlog_len(ru->s);
		snprintf(l->l_name, sizeof(l->l_name), "%s", t->t_name);
		ru->log_wlog[ru->nlog++] = pc_wlog_len(ru->s);
	}
	if (f->f_crash_kind == SCN_CRASH_AFTER && !ru->crash_after_set && r == SIM_DONE &&
	    !strcmp(t->t_name, f->f_crash_task) && !strcmp(step, f->f_crash_step)) {
		ru->crash_after = pc_wlog_len(ru->s);
		ru->crash_after_set = true;
	}
}

/* ---- building the model ---- */

static int file_index(struct run *ru, const char *name, char *err, size_t len,
		      const char *path, const struct scn_pos *pos)
{
	if (!name[0])
		return 0;
	for (unsigned i = 0; i < ru->nfiles; i++)
		if (!strcmp(ru->files[i], name))
			return (int)i;
	if (ru->nfiles == PC_MAX_FILES) {
		snprintf(err, len, "%s:%u:%u: error: at most %u files are modelled; '%s' is one "
			 "more", path, pos->line, pos->col, PC_MAX_FILES, name);
		return -1;
	}
	snprintf(ru->files[ru->nfiles], sizeof(ru->files[0]), "%s", name);
	return (int)ru->nfiles++;
}

void pcr_op_spec(const struct scn_op *op, int file, struct pc_opspec *sp)
{
	static const uint8_t kinds[SCN_OP__COUNT] = {
		[SCN_OP_PWRITE] = PC_OP_PWRITE, [SCN_OP_APPEND] = PC_OP_APPEND,
		[SCN_OP_READ] = PC_OP_READ, [SCN_OP_MMAP] = PC_OP_MMAP,
		[SCN_OP_MUNMAP] = PC_OP_MUNMAP, [SCN_OP_STORE] = PC_OP_STORE,
		[SCN_OP_LOAD] = PC_OP_LOAD, [SCN_OP_MSYNC] = PC_OP_MSYNC,
		[SCN_OP_TRUNCATE] = PC_OP_TRUNCATE, [SCN_OP_FALLOCATE] = PC_OP_FALLOCATE,
		[SCN_OP_PUNCH] = PC_OP_PUNCH, [SCN_OP_ZERO_RANGE] = PC_OP_ZERO_RANGE,
		[SCN_OP_FSYNC] = PC_OP_FSYNC, [SCN_OP_FDATASYNC] = PC_OP_FDATASYNC,
		[SCN_OP_SYNC_FILE_RANGE] = PC_OP_SYNC_FILE_RANGE, [SCN_OP_SYNC] = PC_OP_SYNC,
		[SCN_OP_IO_WAIT] = PC_OP_IO_WAIT, [SCN_OP_SLEEP] = PC_OP_SLEEP,
	};

	memset(sp, 0, sizeof(*sp));
	sp->o_kind = kinds[op->o_kind];
	sp->o_file = (uint8_t)file;
	sp->o_off = op->o_kind == SCN_OP_TRUNCATE ? op->o_size : op->o_off;
	sp->o_len = op->o_len;
	sp->o_dur = op->o_ns;
	sp->o_data = op->o_data == SCN_DATA_ZERO ? 0 : op->o_data == SCN_DATA_BYTE ? op->o_byte : -1;
	if (op->o_flags & SCN_F_WRITETHROUGH)
		sp->o_flags |= PC_OF_WRITETHROUGH;
	if (op->o_flags & SCN_F_DSYNC)
		sp->o_flags |= PC_OF_DSYNC;
	if (op->o_flags & SCN_F_SYNC)
		sp->o_flags |= PC_OF_SYNC;
	if (op->o_flags & SCN_F_DIRECT)
		sp->o_flags |= PC_OF_DIRECT;
	if (op->o_flags & SCN_F_AIO)
		sp->o_flags |= PC_OF_AIO;
	if (op->o_flags & SCN_F_KEEP_SIZE)
		sp->o_flags |= PC_OF_KEEP_SIZE;
	if (op->o_flags & SCN_F_MS_SYNC)
		sp->o_flags |= PC_OF_MS_SYNC;
	if (op->o_flags & SCN_F_MS_ASYNC)
		sp->o_flags |= PC_OF_MS_ASYNC;
	if (op->o_flags & SCN_F_WAIT_BEFORE)
		sp->o_flags |= PC_OF_WAIT_BEFORE;
	if (op->o_flags & SCN_F_WRITE)
		sp->o_flags |= PC_OF_WRITE;
	if (op->o_flags & SCN_F_WAIT_AFTER)
		sp->o_flags |= PC_OF_WAIT_AFTER;
	if (op->o_kind == SCN_OP_SYNC_FILE_RANGE && sp->o_len == 0)
		sp->o_len = SCN_MAX_BYTES;	/* 0: to the end of the file */
}

/* Bytes an operation writes (to size the write log's payload). */
static uint64_t op_written(const struct scn_op *op)
{
	switch (op->o_kind) {
	case SCN_OP_PWRITE:
	case SCN_OP_APPEND:
	case SCN_OP_STORE:
	case SCN_OP_ZERO_RANGE:
	case SCN_OP_FALLOCATE:
	case SCN_OP_PUNCH:
		return op->o_len;
	case SCN_OP_TRUNCATE:
		return op->o_size;
	default:
		return 0;
	}
}

static uint64_t op_extent(const struct scn_op *op)
{
	uint64_t e = op->o_off + op->o_len;

	if (op->o_kind == SCN_OP_TRUNCATE)
		e = op->o_size;
	if (op->o_kind == SCN_OP_APPEND)
		e = op->o_len;
	if (op->o_kind == SCN_OP_SYNC_FILE_RANGE || op->o_kind == SCN_OP_MSYNC)
		e = 0;
	return e;
}

static int set_knob(struct pc_knobs *k, const char *path, const struct scn_knob *kn,
		    char *err, size_t len)
{
	char msg[300];

	if (pc_knob_set(k, kn->k_name, kn->k_value, msg, sizeof(msg)) == 0)
		return 0;
	snprintf(err, len, "%s:%u:%u: error: %s", path, kn->k_pos.line, kn->k_pos.col, msg);
	return -1;
}

static int build_config(struct run *ru, const char *path, int vi, const struct pcr_opts *o,
			struct pc_config *cfg, char *err, size_t len)
{
	const struct scn_file *f = ru->f;
	int p = pc_profile_lookup(f->f_profile);
	uint64_t ext = 0, append = 0, written = 0;
	uint32_t nops = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (p < 0) {
		snprintf(err, len, "%s:%u:%u: error: unknown profile '%s'", path,
			 f->f_profile_pos.line, f->f_profile_pos.col, f->f_profile);
		return -1;
	}
	pc_knobs_default(&cfg->c_knobs, (enum pc_profile)p);
	cfg->c_knobs.k_strict = f->f_oracle_kind == SCN_ORACLE_STRICT;
	for (uint32_t i = 0; i < f->f_nknobs; i++)
		if (set_knob(&cfg->c_knobs, path, &f->f_knobs[i], err, len))
			return -1;
	if (vi >= 0)
		for (uint32_t i = 0; i < f->f_variants[vi].v_nknobs; i++)
			if (set_knob(&cfg->c_knobs, path, &f->f_variants[vi].v_knobs[i], err, len))
				return -1;
	for (unsigned i = 0; i < o->noverrides; i++) {
		char msg[300];

		if (pc_knob_set(&cfg->c_knobs, o->override_name[i], o->override_value[i], msg,
				sizeof(msg))) {
			snprintf(err, len, "--knob %s=%s: %s", o->override_name[i],
				 o->override_value[i], msg);
			return -1;
		}
	}
	for (uint32_t i = 0; i < f->f_setup_nops; i++) {
		const struct scn_op *op = &f->f_setup_ops[i];

		if (file_index(ru, op->o_file, err, len, path, &op->o_pos) < 0)
			return -1;
		ext = op_extent(op) > ext ? op_extent(op) : ext;
		append += op->o_kind == SCN_OP_APPEND ? op->o_len : 0;
		written += op_written(op);
		nops++;
	}
	for (uint32_t t = 0; t < f->f_nthreads; t++)
		for (uint32_t i = 0; i < f->f_threads[t].t_nops; i++) {
			const struct scn_op *op = &f->f_threads[t].t_ops[i];

			if (file_index(ru, op->o_file, err, len, path, &op->o_pos) < 0)
				return -1;
			ext = op_extent(op) > ext ? op_extent(op) : ext;
			append += op->o_kind == SCN_OP_APPEND ? op->o_len : 0;
			written += op_written(op);
			nops++;
		}
	cfg->c_nfiles = ru->nfiles ? ru->nfiles : 1;
	/* A page of room past the furthest byte, within the modelled space:
	 * a file of exactly the documented 4 MiB fits. */
	cfg->c_file_bytes = ext + append + PC_PAGE_SIZE;
	if (ext + append <= PC_MAX_FILE_BYTES && cfg->c_file_bytes > PC_MAX_FILE_BYTES)
		cfg->c_file_bytes = PC_MAX_FILE_BYTES;
	cfg->c_write_bytes = written;
	cfg->c_nops = nops;
	cfg->c_volatile_cache = f->f_disk_cache != SCN_CACHE_NONE;
	cfg->c_lat_min = f->f_disk_has_latency ? f->f_disk_latency_min_ns : 100 * SIM_USEC;
	cfg->c_lat_max = f->f_disk_has_latency ? f->f_disk_latency_max_ns : 100 * SIM_USEC;
	if (o->oracle >= 0)
		cfg->c_knobs.k_strict = o->oracle == 1;
	cfg->c_strict = cfg->c_knobs.k_strict;
	return 0;
}

static int queue(struct run *ru, struct sim_task *t, const struct scn_op *op, const char *path,
		 char *err, size_t len)
{
	struct pc_opspec sp;
	char msg[300];
	int fi = file_index(ru, op->o_file, err, len, path, &op->o_pos);

	if (fi < 0)
		return -1;
	pcr_op_spec(op, fi, &sp);
	if (pc_queue_op(ru->s, t, &sp, msg, sizeof(msg)) < 0) {
		snprintf(err, len, "%s:%u:%u: error: %s", path, op->o_pos.line, op->o_pos.col, msg);
		return -1;
	}
	return 0;
}

/* ---- the scripted part ---- */

/* Let the world move while the scripted task waits: a kernel task's step,
 * else the next event. False when nothing can move. */
static bool advance_world(struct run *ru)
{
	struct sim *s = ru->s;
	uint64_t m = sim_runnable_mask(s);

	for (unsigned i = 0; i < sim_ntasks(s); i++) {
		struct sim_task *t = sim_task(s, i);

		if ((m & (1ULL << i)) && t->t_kernel)
			return sim_step_task(s, t);
	}
	return sim_fire_next_event(s);
}

/* Run t until pred says stop; the world moves while t is blocked. */
enum until { UNTIL_STEP, UNTIL_BLOCK_OR_OP_END, UNTIL_OP_END };

static bool run_task(struct run *ru, struct sim_task *t, enum until u, const char *step)
{
	struct sim *s = ru->s;
	uint16_t op0 = t->t_opi;
	bool started = t->t_in_op;

	for (unsigned guard = 0; guard < MAX_SCRIPT_STEPS; guard++) {
		if (sim_status(s) != SIM_OK)
			return false;
		if (u != UNTIL_STEP && (t->t_opi != op0 || (!started && !sim_task_has_work(t))))
			return true;
		if (t->t_state == SIM_TASK_RUNNABLE) {
			ru->last_step = NULL;
			sim_step_task(s, t);
			started = true;
			if (u == UNTIL_STEP && ru->last_step && !strcmp(ru->last_step, step) &&
			    ru->last_ret == SIM_DONE)
				return true;
			if (u == UNTIL_BLOCK_OR_OP_END && t->t_state == SIM_TASK_BLOCKED)
				return true;
			continue;
		}
		if (t->t_state == SIM_TASK_IDLE && u == UNTIL_STEP && sim_events_pending(s)) {
			advance_world(ru);	/* its work may come from an event */
			continue;
		}
		if (t->t_state == SIM_TASK_IDLE && u == UNTIL_STEP) {
			snprintf(ru->err, sizeof(ru->err), "%s has no more work; step %s never ran",
				 t->t_name, step);
			return false;
		}
		if (t->t_state == SIM_TASK_IDLE)
			return true;
		if (!advance_world(ru)) {
			char why[200];

			if (sim_deadlock_check(s, why, sizeof(why))) {
				sim_stop(s, SIM_DEADLOCK);
				return false;
			}
			snprintf(ru->err, sizeof(ru->err), "%s is blocked on %s and nothing else "
				 "may move in the script", t->t_name,
				 t->t_wait ? t->t_wait->wq_name : "?");
			return false;
		}
	}
	snprintf(ru->err, sizeof(ru->err), "the script did not reach its row within %u steps",
		 MAX_SCRIPT_STEPS);
	return false;
}

static int bio_kind_of(const char *text)
{
	static const char *const k[] = { "data", "zero", "meta", "log", "commit", "flush" };

	for (int i = 0; i < (int)(sizeof(k) / sizeof(k[0])); i++)
		if (!strcmp(text, k[i]))
			return i;
	return -1;
}

static uint64_t script_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct run *ru = ctx;

	if (c->c_kind == SIM_CH_PICK && ru->disk_kind >= 0)
		for (uint32_t i = 0; i < c->c_n; i++) {
			const struct pc_bio *b = pc_disk_inflight_bio(s, i);

			if (b && b->bi_kind == ru->disk_kind)
				return i;
		}
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t tasks = c->c_mask & ~(1ULL << SIM_EVENT_BIT);

		return (uint64_t)__builtin_ctzll(tasks ? tasks : c->c_mask);
	}
	return 0;
}

/* Is the next item for the same task a step or '*' (of this op)? */
static bool op_has_steps(const struct scn_file *f, uint32_t i)
{
	for (uint32_t j = i + 1; j < f->f_nitems; j++) {
		const struct scn_item *n = &f->f_items[j];

		if (strcmp(n->si_task, f->f_items[i].si_task))
			continue;
		return n->si_kind == SCN_ITEM_STEP || n->si_kind == SCN_ITEM_STAR;
	}
	return false;
}

static struct sim_task *item_task(struct run *ru, const struct scn_item *it)
{
	if (it->si_task_kind == SCN_TASK_THREAD && it->si_thread >= 0)
		return ru->thr[it->si_thread];
	return pc_kernel_task(ru->s, it->si_task);
}

static void observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret r);

/* A crash row with more rows after it: the power goes now, the journal is
 * recovered, the file system is mounted again, and every thread goes on
 * with the operations it had not started (the one in progress died with
 * the machine). */
static bool remount(struct run *ru)
{
	char err[300];
	struct sim *old_s;
	pc_tag_t *img = pc_model_power_cut(ru->s, true, err, sizeof(err));
	struct sim *s2 = img ? sim_create(&ru->sc) : NULL;

	if (!s2 || !pc_model_create(s2, &ru->cfg, err, sizeof(err)) ||
	    pc_model_mount(s2, ru->s, img, err, sizeof(err)) || !pc_user_task(s2, "setup")) {
		snprintf(ru->err, sizeof(ru->err), "remount after the crash row: %s", err);
		free(img);
		sim_destroy(s2);
		return false;
	}
	free(img);
	old_s = ru->s;
	ru->s = s2;
	for (uint32_t ti = 0; ti < ru->f->f_nthreads; ti++) {
		const struct sim_task *old = ru->thr[ti];
		uint32_t next = old->t_opi + (old->t_in_op ? 1u : 0u);
		struct sim_task *t = pc_user_task(s2, ru->f->f_threads[ti].t_name);

		for (uint32_t i = next; i < ru->f->f_threads[ti].t_nops; i++)
			if (queue(ru, t, &ru->f->f_threads[ti].t_ops[i], ru->path, err, sizeof(err))) {
				snprintf(ru->err, sizeof(ru->err), "%s", err);
				ru->s = old_s;
				sim_destroy(s2);
				return false;
			}
		ru->thr[ti] = t;
	}
	sim_destroy(old_s);
	sim_set_step_observer(s2, observe, ru);
	sim_set_chooser(s2, &ru->ch);
	if (ru->trace)
		sim_trace_to(s2, ru->trace);
	ru->lifetimes++;
	return true;
}

/* Does this variant produce the item's step at all? Rows naming a step of
 * another variant (v3's pagecache_isize_extended under v2) are skipped. */
static bool step_exists(struct run *ru, const struct scn_item *it)
{
	const char *names[96];
	unsigned n;

	if (it->si_task_kind == SCN_TASK_THREAD) {
		const struct scn_op *op = &ru->f->f_threads[it->si_thread].t_ops[it->si_op_index];
		struct pc_opspec sp;

		if (it->si_thread < 0 || it->si_op_index < 0)
			return true;
		pcr_op_spec(op, 0, &sp);
		n = pc_op_steps(&ru->knobs, &sp, names, 96);
	} else {
		n = pc_task_steps(&ru->knobs, it->si_task, names, 96);
		if (it->si_task_kind == SCN_TASK_JBD2 && !strcmp(it->si_step, "commit"))
			return true;
	}
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(names[i], it->si_step))
			return true;
	return false;
}

static bool run_item(struct run *ru, uint32_t i, uint32_t *crash_point)
{
	const struct scn_item *it = &ru->f->f_items[i];
	struct sim *s = ru->s;
	struct sim_task *t;

	if (it->si_kind == SCN_ITEM_CRASH && (i + 1 < ru->f->f_nitems || ru->f->f_tape)) {
		if (ru->nlog < PCR_MAX_LOG) {
			ru->log[ru->nlog].l_kind = 2;
			ru->log_wlog[ru->nlog++] = 0;
		}
		return remount(ru);
	}
	if (it->si_kind == SCN_ITEM_CRASH) {
		*crash_point = pc_wlog_len(s);
		if (ru->nlog < PCR_MAX_LOG) {
			ru->log[ru->nlog].l_kind = 2;
			ru->log[ru->nlog].l_task = 0;
			ru->log_wlog[ru->nlog++] = *crash_point;
		}
		return true;
	}
	if (it->si_task_kind == SCN_TASK_DISK) {
		/* A bio kind completes every in-flight bio of that kind; '*'
		 * (or disk_complete) the next one in the disk's order. */
		int kind = it->si_kind == SCN_ITEM_STEP ? bio_kind_of(it->si_step) : -1;
		unsigned n = 0;

		for (;;) {
			bool found = kind < 0 && n == 0;

			for (uint32_t k = 0; kind >= 0 && pc_disk_inflight_bio(s, k); k++)
				found |= pc_disk_inflight_bio(s, k)->bi_kind == kind;
			if (!found)
				break;
			ru->disk_kind = kind;
			if (!sim_fire_event_named(s, "disk_complete"))
				break;
			n++;
		}
		ru->disk_kind = -1;
		/* No such I/O in this variant: the row does nothing (as a step
		 * row naming a step the variant does not have). */
		return true;
	}
	if (it->si_kind == SCN_ITEM_STEP && !step_exists(ru, it))
		return true;	/* not a step of this variant */
	t = item_task(ru, it);
	if (!t) {
		snprintf(ru->err, sizeof(ru->err), "no task '%s' in this configuration", it->si_task);
		return false;
	}
	if (it->si_task_kind == SCN_TASK_FLUSHER)
		pc_kick_flusher(s);
	else if (it->si_task_kind == SCN_TASK_JBD2)
		pc_kick_commit(s);
	switch (it->si_kind) {
	case SCN_ITEM_OP:
		if (ru->nlog < PCR_MAX_LOG) {
			ru->log[ru->nlog].l_kind = 1;
			ru->log[ru->nlog].l_task = t->t_id;
			snprintf(ru->log[ru->nlog].l_name, sizeof(ru->log[0].l_name), "%s", t->t_name);
			ru->log[ru->nlog].l_op = (uint16_t)i;
			ru->log_wlog[ru->nlog++] = pc_wlog_len(s);
		}
		if (op_has_steps(ru->f, i))
			return true;
		return run_task(ru, t, UNTIL_OP_END, NULL);
	case SCN_ITEM_STEP:
		if (it->si_task_kind == SCN_TASK_JBD2 && !strcmp(it->si_step, "commit"))
			return run_task(ru, t, UNTIL_BLOCK_OR_OP_END, NULL);
		return run_task(ru, t, UNTIL_STEP, it->si_step);
	default:
		return run_task(ru, t, UNTIL_BLOCK_OR_OP_END, NULL);
	}
}

/* ---- the diagram of the run ---- */

static int col_index(const char *const *cols, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(cols[i], name))
			return (int)i;
	return -1;
}

/* The rows of the run's diagram: operation lines and steps from the step
 * log (a looping step once), power cuts, and the crash point at the first
 * step past write-log entry crash_point. */
static char *diagram(struct run *ru, uint32_t crash_point, bool crashed)
{
	const char *cols[SIM_MAX_TASKS];
	struct pcd_row *rows = malloc((2 * (size_t)ru->nlog + 1) * sizeof(*rows));
	unsigned ncols = 0, nrows = 0;
	bool crash_done = !crashed;
	const char *prev = NULL;
	unsigned prev_task = 255;
	char *out;

	if (!rows)
		return NULL;
	for (unsigned i = 0; i < ru->nlog; i++)
		if (ru->log[i].l_kind != 2 && col_index(cols, ncols, ru->log[i].l_name) < 0 &&
		    ncols < PCD_MAX_COLS)
			cols[ncols++] = ru->log[i].l_name;
	for (unsigned i = 0; i < ru->nlog; i++) {
		const struct pcr_logent *l = &ru->log[i];
		struct pcd_row *r;
		int c;

		if (l->l_kind == 2 || (!crash_done && ru->log_wlog[i] > crash_point)) {
			rows[nrows++].dr_col = -1;	/* a power cut, or the crash point */
			crash_done |= l->l_kind != 2;
			if (l->l_kind == 2)
				continue;
		}
		c = col_index(cols, ncols, l->l_name);
		if (c < 0)
			continue;
		if (l->l_kind == 0 && prev && l->l_task == prev_task && l->l_step == prev)
			continue;	/* a looping step: shown once */
		prev = l->l_kind == 0 ? l->l_step : NULL;
		prev_task = l->l_task;
		r = &rows[nrows++];
		r->dr_col = (int8_t)c;
		if (l->l_kind == 1)
			scn_op_format(&ru->f->f_items[l->l_op].si_op, r->dr_text, sizeof(r->dr_text));
		else
			snprintf(r->dr_text, sizeof(r->dr_text), "  %s", l->l_step);
	}
	if (!crash_done)
		rows[nrows++].dr_col = -1;
	out = pcd_render(cols, ncols, rows, nrows);
	free(rows);
	return out;
}

/* ---- verdicts ---- */


static void verdict(const struct scn_file *f, int vi, struct pcr_result *r)
{
	const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect : &f->f_expect_v;
	uint32_t want = 0;

	for (int k = 0; k < SCN_INV__COUNT; k++)
		if (e->e_invariants & (1u << k))
			want |= 1u << pc_invariant_lookup(scn_invariant_name((enum scn_invariant)k));
	r->r_expect_fail = e->e_fail;
	r->r_expect_mask = want;
	if (!e->e_fail)
		r->r_verdict = r->r_failed ? PCR_UNEXPECTED_FAIL : PCR_PASS;
	else if (!r->r_failed)
		r->r_verdict = PCR_UNEXPECTED_PASS;
	else
		r->r_verdict = (r->r_inv_mask & want) == want ? PCR_FAIL_EXPECTED
							      : PCR_UNEXPECTED_FAIL;
}

static void persist_of(const struct scn_file *f, uint64_t seed, struct pc_persist *p)
{
	memset(p, 0, sizeof(*p));
	p->p_seed = seed;
	/* Once per crash point: an image legal at one point may break a
	 * durability promise made before a later one. */
	p->p_dedup = PC_DEDUP_POINT;
	switch (f->f_persist_kind) {
	case SCN_PERSIST_PREFIX:
		p->p_mode = PC_PERSIST_PREFIX;
		break;
	case SCN_PERSIST_SURVIVORS:
		/* A reproducer's exact crash state: these writes survive,
		 * every other unflushed one is lost (none: f_nsurvivors 0). */
		p->p_mode = PC_PERSIST_EXACT;
		p->p_ids = f->f_survivors;
		p->p_nids = f->f_nsurvivors;
		break;
	case SCN_PERSIST_SAMPLE:
		p->p_mode = PC_PERSIST_SAMPLE;
		p->p_max = f->f_persist_samples;
		break;
	default:
		p->p_mode = PC_PERSIST_ALL_SUBSETS;
		p->p_max = f->f_persist_max ? 1u << (f->f_persist_max < 20 ? f->f_persist_max : 20)
					    : 1u << 10;
		break;
	}
}

/* Knobs, model, setup (made durable, or power-cut and mounted for `setup
 * nosync`), and the threads with their operations queued. */
static int build_world(struct run *ru, int vi, const struct pcr_opts *o, char *err, size_t len)
{
	const struct scn_file *f = ru->f;
	struct sim_task *setup;

	if (build_config(ru, ru->path, vi, o, &ru->cfg, err, len))
		return -1;
	ru->knobs = ru->cfg.c_knobs;
	memset(&ru->sc, 0, sizeof(ru->sc));
	ru->sc.seed = o->seed;
	ru->sc.arena_size = pc_model_arena_size(&ru->cfg);
	ru->sc.max_events = pc_model_max_events(&ru->cfg);
	ru->sc.early_events = o->early_events;
	ru->sc.step_limit = o->early_events ? 2000000 : 0;
	ru->s = sim_create(&ru->sc);
	if (!ru->s) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (!pc_model_create(ru->s, &ru->cfg, err, len))
		return -1;
	setup = pc_user_task(ru->s, "setup");
	for (uint32_t i = 0; i < f->f_setup_nops; i++)
		if (queue(ru, setup, &f->f_setup_ops[i], ru->path, err, len))
			return -1;
	if (f->f_setup_nosync) {
		/* The setup ran, then the power went: mount what the disk holds. */
		pc_tag_t *img = pc_model_power_cut(ru->s, false, err, len);
		struct sim *s2 = img ? sim_create(&ru->sc) : NULL;

		if (!s2 || !pc_model_create(s2, &ru->cfg, err, len) ||
		    pc_model_mount(s2, ru->s, img, err, len)) {
			free(img);
			sim_destroy(s2);
			return -1;
		}
		free(img);
		sim_destroy(ru->s);
		ru->s = s2;
	} else if (pc_model_settle(ru->s, err, len)) {
		return -1;
	}
	for (uint32_t ti = 0; ti < f->f_nthreads; ti++) {
		ru->thr[ti] = pc_user_task(ru->s, f->f_threads[ti].t_name);
		for (uint32_t i = 0; i < f->f_threads[ti].t_nops; i++)
			if (queue(ru, ru->thr[ti], &f->f_threads[ti].t_ops[i], ru->path, err, len))
				return -1;
	}
	return 0;
}

uint32_t pcr_last_cut(const struct scn_file *f)
{
	uint32_t last_cut = 0;

	for (uint32_t i = 0; i < f->f_nitems; i++)
		if (f->f_items[i].si_kind == SCN_ITEM_CRASH && (i + 1 < f->f_nitems || f->f_tape))
			last_cut = i + 1;
	return last_cut;
}

struct sim *pcr_build(const struct scn_file *f, const char *path, int vi,
		      const struct pcr_opts *o, char *err, size_t len)
{
	struct run ru;

	uint32_t last_cut = 0, dummy = UINT32_MAX;

	memset(&ru, 0, sizeof(ru));
	ru.f = f;
	ru.path = path;
	ru.disk_kind = -1;
	if (build_world(&ru, vi, o, err, len)) {
		sim_destroy(ru.s);
		return NULL;
	}
	/* A race with power cuts in it (crash rows with rows after them):
	 * the lifetimes before the last cut are part of the setup; the
	 * search explores the last lifetime. */
	last_cut = pcr_last_cut(f);
	if (last_cut) {
		ru.log = calloc(PCR_MAX_LOG, sizeof(*ru.log));
		ru.log_wlog = calloc(PCR_MAX_LOG, sizeof(*ru.log_wlog));
		ru.knobs = ru.cfg.c_knobs;
		ru.ch.choose = script_choose;
		ru.ch.ctx = &ru;
		sim_set_chooser(ru.s, &ru.ch);
		sim_set_step_observer(ru.s, observe, &ru);
		for (uint32_t i = 0; i < last_cut && ru.log && ru.log_wlog; i++)
			if (!run_item(&ru, i, &dummy) || sim_status(ru.s) != SIM_OK) {
				snprintf(err, len, "the lifetimes before the last crash row did not run: %s",
					 ru.err[0] ? ru.err : "stopped");
				sim_destroy(ru.s);
				ru.s = NULL;
				break;
			}
		if (ru.s) {
			sim_set_chooser(ru.s, NULL);
			sim_set_step_observer(ru.s, NULL, NULL);
		}
		free(ru.log);
		free(ru.log_wlog);
	}
	/* Every search resets to this point before each execution. */
	if (ru.s && sim_snapshot(ru.s)) {
		snprintf(err, len, "out of memory");
		sim_destroy(ru.s);
		ru.s = NULL;
	}
	return ru.s;
}

void pcr_collect(struct sim *s, const struct scn_file *f, int vi, struct pcr_result *r)
{
	const struct pc_violation *v;
	unsigned nv = pc_violations(s, &v);

	r->r_inv_mask = 0;
	r->r_nviol = 0;
	for (unsigned i = 0; i < nv; i++) {
		r->r_inv_mask |= 1u << v[i].v_inv;
		if (r->r_nviol < 8) {
			r->r_viol[r->r_nviol] = v[i];
			pc_describe_tag(s, v[i].v_tag, r->r_viol_from[r->r_nviol],
					sizeof(r->r_viol_from[0]));
			r->r_nviol++;
		}
		if (v[i].v_crash && !r->r_crash_violation) {
			r->r_crash_violation = true;
			r->r_crash_point = v[i].v_crash_point;
		}
	}
	r->r_failed = r->r_inv_mask != 0;
	pc_model_metrics(s, &r->r_metrics);
	r->r_steps = sim_steps(s);
	r->r_sim_time = sim_now(s);
	r->r_trace_hash = sim_trace_hash(s);
	r->r_nsurvivors = pc_crash_survivors(s, r->r_survivors, PC_CRASH_MAX_SURVIVORS);
	verdict(f, vi, r);
}

int pcr_run(const struct scn_file *f, const char *path, int vi, const struct pcr_opts *o,
	    struct pcr_result *r, char *err, size_t len)
{
	struct run ru;
	struct pcr_opts oo = *o;
	uint32_t crash_point = UINT32_MAX;
	struct timespec t0, t1;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&ru, 0, sizeof(ru));
	ru.f = f;
	ru.path = path;
	ru.disk_kind = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ru.log = calloc(PCR_MAX_LOG, sizeof(*ru.log));
	ru.log_wlog = calloc(PCR_MAX_LOG, sizeof(*ru.log_wlog));
	if (!ru.log || !ru.log_wlog) {
		snprintf(err, len, "out of memory");
		goto out;
	}
	if (f->f_tape) {
		/* A reproducer: the tape decides every choice; a choice of
		 * "fire the next event" in it means events were choices. */
		size_t at = 0;

		sim_tape_init(&ru.tape);
		if (sim_tape_parse(&ru.tape, f->f_tape, &at)) {
			snprintf(err, len, "%s:%u:%u: error: malformed tape", path, f->f_tape_pos.line,
				 f->f_tape_pos.col);
			goto out;
		}
		for (uint32_t i = 0; i < ru.tape.tp_len; i++)
			if (ru.tape.tp_e[i].te_kind == SIM_CH_SCHED &&
			    (ru.tape.tp_e[i].te_mask & (1ULL << SIM_EVENT_BIT)))
				oo.early_events = true;
	}
	if (build_world(&ru, vi, &oo, err, len))
		goto out;
	ru.trace = o->trace;
	if (o->trace)
		sim_trace_to(ru.s, o->trace);
	sim_set_step_observer(ru.s, observe, &ru);
	ru.ch.choose = script_choose;
	ru.ch.ctx = &ru;
	sim_set_chooser(ru.s, &ru.ch);
	/* With a tape, the rows up to the race's last power cut run first
	 * (the earlier lifetimes, as explore and fuzz run them), then the
	 * tape decides every choice of the last lifetime. */
	for (uint32_t i = 0; i < (f->f_tape ? pcr_last_cut(f) : f->f_nitems); i++)
		if (!run_item(&ru, i, &crash_point))
			break;
	if (f->f_tape) {
		sim_set_chooser(ru.s, NULL);
		sim_replay(ru.s, &ru.tape);
	}
	if (sim_status(ru.s) == SIM_OK && !ru.err[0])
		sim_run(ru.s);
	if (sim_status(ru.s) == SIM_DIVERGED)
		snprintf(ru.err, sizeof(ru.err), "%s", sim_divergence(ru.s));
	if (ru.err[0])
		snprintf(r->r_error, sizeof(r->r_error), "%s", ru.err);
	else if (sim_status(ru.s) == SIM_STEP_LIMIT && pc_model_limit(ru.s))
		snprintf(r->r_error, sizeof(r->r_error), "%s", pc_model_limit(ru.s));
	else if (sim_status(ru.s) == SIM_STEP_LIMIT)
		snprintf(r->r_error, sizeof(r->r_error), "the run did not finish within the step "
			 "limit");
	pc_model_finish(ru.s);
	r->r_wlog = pc_wlog_len(ru.s);
	if (f->f_crash_kind != SCN_CRASH_NONE && !r->r_error[0]) {
		struct pc_persist p;
		uint32_t from = 0, to = r->r_wlog;

		persist_of(f, o->seed, &p);
		if (crash_point != UINT32_MAX)
			from = to = crash_point;
		else if (f->f_crash_kind == SCN_CRASH_AFTER)
			from = to = ru.crash_after_set ? ru.crash_after : r->r_wlog;
		r->r_crash_states = pc_model_check_crashes(ru.s, from, to, &p, &r->r_crash_complete,
							   &r->r_crash_dups);
		if (pc_model_crash_unmatched(ru.s))
			snprintf(r->r_error, sizeof(r->r_error),
				 "%s:%u: persist survivors: write %u is not an unflushed write at "
				 "the crash point (this run is not the one the survivors were "
				 "printed from)", path, f->f_persist.pos.line,
				 pc_model_crash_unmatched(ru.s));
	}
	pcr_collect(ru.s, f, vi, r);
	if (r->r_failed)
		r->r_diagram = diagram(&ru, r->r_crash_point, r->r_crash_violation);
	r->r_log = ru.log;
	r->r_nlog = ru.nlog;
	ru.log = NULL;
	snprintf(r->r_scenario, sizeof(r->r_scenario), "%s", scn_name(f));
	if (vi >= 0)
		snprintf(r->r_variant, sizeof(r->r_variant), "%s", f->f_variants[vi].v_name);
	if (r->r_error[0] && r->r_verdict != PCR_UNEXPECTED_FAIL && !r->r_failed)
		r->r_verdict = r->r_expect_fail ? PCR_UNEXPECTED_PASS : PCR_UNEXPECTED_FAIL;
	rc = 0;
out:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->r_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	free(ru.log);
	free(ru.log_wlog);
	sim_tape_free(&ru.tape);
	sim_destroy(ru.s);
	return rc;
}

void pcr_result_free(struct pcr_result *r)
{
	free(r->r_diagram);
	free(r->r_log);
	r->r_diagram = NULL;
	r->r_log = NULL;
}
