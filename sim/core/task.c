/* SPDX-License-Identifier: MIT */
/*
 * sim/core/task.c - tasks, the step interpreter, wait queues, sleeping locks
 * and the waits-for graph.
 *
 * A task runs operations; an operation is a table of named steps. Running a
 * task means running its next step (__sim_task_run_step), which returns:
 *   SIM_DONE     t_pc++; after the last step the operation returns;
 *   SIM_AGAIN    the same step runs next time (one loop iteration per step);
 *   SIM_BLOCKED  the step has put the task on a wait queue (sim_wait); the
 *                same step runs again once the task is woken, like a kernel
 *                retry loop around schedule().
 *
 * The waits-for graph has an edge from each blocked task to each owner of
 * the queue it sleeps on (lock holders, the task that will complete the I/O).
 * A cycle is a deadlock; so is "no task runnable, no event pending, and a
 * task with work left is blocked".
 */
#include <assert.h>
#include <string.h>

#include "sim/core/core_priv.h"

#define USER_OPS_CAP SIM_MAX_OPS

struct sim_task *sim_task_create(struct sim *s, const char *name, bool kernel)
{
	struct sim_world *w = s->s_w;
	struct sim_task *t;

	if (w->w_ntasks >= SIM_MAX_TASKS)
		return NULL;
	t = sim_alloc(s, sizeof(*t));
	if (!t)
		return NULL;
	t->t_id = w->w_ntasks;
	t->t_kernel = kernel;
	t->t_state = SIM_TASK_IDLE;
	snprintf(t->t_name, sizeof(t->t_name), "%s", name);
	t->t_prio = t->t_id;
	w->w_tasks[w->w_ntasks++] = t;
	return t;
}

struct sim_task *sim_task(const struct sim *s, unsigned id)
{
	return id < s->s_w->w_ntasks ? s->s_w->w_tasks[id] : NULL;
}

unsigned sim_ntasks(const struct sim *s)
{
	return s->s_w->w_ntasks;
}

void __sim_task_set_state(struct sim *s, struct sim_task *t, enum sim_task_state st)
{
	t->t_state = st;
	if (st == SIM_TASK_RUNNABLE)
		s->s_w->w_runnable |= 1ULL << t->t_id;
	else
		s->s_w->w_runnable &= ~(1ULL << t->t_id);
}

/* Make sure an idle task has an operation if it can get one. */
bool __sim_task_prepare(struct sim *s, struct sim_task *t)
{
	if (t->t_opi < t->t_nops)
		return true;
	if (t->t_next_op) {
		struct sim_op op;

		memset(&op, 0, sizeof(op));
		if (t->t_next_op(s, t, &op)) {
			assert(op.op_desc && op.op_desc->nsteps > 0);
			/* Daemons reuse slot 0; they keep one operation at a time.
			 * Field by field into a zeroed slot: the world is compared
			 * bytewise (sim_check_commute), padding included. */
			memset(&t->t_ops[0], 0, sizeof(t->t_ops[0]));
			t->t_ops[0].op_desc = op.op_desc;
			t->t_ops[0].op_arg = op.op_arg;
			t->t_ops[0].op_id = op.op_id;
			t->t_nops = 1;
			t->t_opi = 0;
			t->t_pc = 0;
			t->t_in_op = false;
			return true;
		}
	}
	return false;
}

int sim_task_add_op(struct sim *s, struct sim_task *t, const struct sim_op_desc *d, void *arg,
		    uint32_t op_id)
{
	assert(d && d->nsteps > 0 && d->nsteps <= SIM_MAX_STEPS);
	if (t->t_next_op)
		return -1;	/* daemons get work from t_next_op */
	if (!t->t_ops) {
		t->t_ops = sim_alloc(s, USER_OPS_CAP * sizeof(*t->t_ops));
		if (!t->t_ops)
			return -1;
	}
	if (t->t_nops >= USER_OPS_CAP)
		return -1;
	t->t_ops[t->t_nops].op_desc = d;
	t->t_ops[t->t_nops].op_arg = arg;
	t->t_ops[t->t_nops].op_id = op_id;
	t->t_nops++;
	if (t->t_state == SIM_TASK_IDLE)
		__sim_task_set_state(s, t, SIM_TASK_RUNNABLE);
	return 0;
}

int sim_task_set_daemon(struct sim *s, struct sim_task *t, sim_next_op_fn next_op)
{
	if (t->t_ops)
		return -1;
	t->t_ops = sim_alloc(s, sizeof(*t->t_ops));
	if (!t->t_ops)
		return -1;
	t->t_next_op = next_op;
	return 0;
}

void sim_task_kick(struct sim *s, struct sim_task *t)
{
	if (t->t_state == SIM_TASK_IDLE && __sim_task_prepare(s, t))
		__sim_task_set_state(s, t, SIM_TASK_RUNNABLE);
}

bool sim_task_has_work(const struct sim_task *t)
{
	return t->t_opi < t->t_nops;
}

const struct sim_op *sim_task_cur_op(const struct sim_task *t)
{
	return t->t_opi < t->t_nops ? &t->t_ops[t->t_opi] : NULL;
}

const struct sim_step *sim_task_next_step(const struct sim_task *t)
{
	const struct sim_op *op = sim_task_cur_op(t);

	return op ? &op->op_desc->steps[t->t_pc] : NULL;
}

void sim_task_goto(struct sim_task *t, unsigned pc)
{
	const struct sim_op *op = sim_task_cur_op(t);

	/* Takes effect when the current step returns SIM_DONE; pc == nsteps
	 * finishes the operation. */
	assert(op && pc <= op->op_desc->nsteps);
	(void)op;
	t->t_jump = (uint8_t)(pc + 1);
}

void sim_set_step_observer(struct sim *s, sim_step_observer fn, void *ctx)
{
	s->s_obs = fn;
	s->s_obs_ctx = ctx;
}

void sim_set_pre_step(struct sim *s, sim_pre_step_fn fn, void *ctx)
{
	s->s_pre = fn;
	s->s_pre_ctx = ctx;
}

void sim_set_op_hook(struct sim *s, sim_op_hook hook)
{
	s->s_w->w_op_hook = hook;
}

void sim_set_next_hook(struct sim *s, sim_next_hook hook)
{
	s->s_w->w_next_hook = hook;
}

static void op_finish(struct sim *s, struct sim_task *t)
{
	struct sim_op *op = &t->t_ops[t->t_opi];

	if (s->s_w->w_op_hook)
		s->s_w->w_op_hook(s, t, op->op_arg, false);
	sim_trace(s, SIM_TR_OP, t->t_id, op->op_desc->name, op->op_id, 1);
	t->t_opi++;
	t->t_pc = 0;
	t->t_in_op = false;
	if (t->t_next_op) {
		t->t_nops = 0;
		t->t_opi = 0;
	}
	if (!__sim_task_prepare(s, t))
		__sim_task_set_state(s, t, SIM_TASK_IDLE);
}

/* Run one step of a RUNNABLE task. */
void __sim_task_run_step(struct sim *s, struct sim_task *t)
{
	struct sim_op *op = &t->t_ops[t->t_opi];
	const struct sim_step *st;
	enum sim_ret r;

	assert(t->t_state == SIM_TASK_RUNNABLE && t->t_opi < t->t_nops);
	if (!t->t_in_op) {
		t->t_in_op = true;
		sim_trace(s, SIM_TR_OP, t->t_id, op->op_desc->name, op->op_id, 0);
		if (s->s_w->w_op_hook)
			s->s_w->w_op_hook(s, t, op->op_arg, true);
	}
	st = &op->op_desc->steps[t->t_pc];
	if (s->s_pre) {
		struct sim_fp fp;

		sim_task_footprint(s, t, &fp);
		s->s_pre(s->s_pre_ctx, t, &fp);
	}
	s->s_w->w_cur = t;
	r = st->fn(s, t, op->op_arg);
	s->s_w->w_cur = NULL;
	s->s_w->w_steps++;
	t->t_steps++;
	sim_trace(s, SIM_TR_STEP, t->t_id, st->name, t->t_pc, (uint64_t)r);
	if (s->s_obs)
		s->s_obs(s->s_obs_ctx, t, st->name, r);
	switch (r) {
	case SIM_DONE:
		if (t->t_jump) {
			t->t_pc = (uint8_t)(t->t_jump - 1);
			t->t_jump = 0;
		} else {
			t->t_pc++;
		}
		if (s->s_w->w_next_hook && t->t_pc < op->op_desc->nsteps)
			t->t_pc = s->s_w->w_next_hook(op->op_desc, op->op_arg, t->t_pc);
		if (t->t_pc >= op->op_desc->nsteps)
			op_finish(s, t);
		break;
	case SIM_AGAIN:
		break;
	case SIM_BLOCKED:
		assert(t->t_state == SIM_TASK_BLOCKED && "SIM_BLOCKED without sim_wait()");
		break;
	}
}

/* ---- wait queues ---- */

void sim_wq_init(struct sim_wq *wq, const char *name, uint32_t obj)
{
	memset(wq, 0, sizeof(*wq));
	wq->wq_name = name;
	wq->wq_obj = obj;
}

void sim_wait(struct sim *s, struct sim_task *t, struct sim_wq *wq)
{
	assert(t->t_state == SIM_TASK_RUNNABLE);
	wq->wq_waiters |= 1ULL << t->t_id;
	t->t_wait = wq;
	__sim_task_set_state(s, t, SIM_TASK_BLOCKED);
	sim_trace(s, SIM_TR_BLOCK, t->t_id, wq->wq_name, wq->wq_obj, wq->wq_owners);
}

unsigned sim_wake_all(struct sim *s, struct sim_wq *wq)
{
	uint64_t m = wq->wq_waiters;
	unsigned n = 0;

	wq->wq_waiters = 0;
	while (m) {
		unsigned id = (unsigned)__builtin_ctzll(m);
		struct sim_task *t = s->s_w->w_tasks[id];

		m &= m - 1;
		assert(t->t_wait == wq);
		t->t_wait = NULL;
		__sim_task_set_state(s, t, SIM_TASK_RUNNABLE);
		sim_trace(s, SIM_TR_WAKE, t->t_id, wq->wq_name, wq->wq_obj, 0);
		n++;
	}
	return n;
}

/* ---- sleeping locks ---- */

void sim_rwsem_init(struct sim_rwsem *l, const char *name, uint32_t obj)
{
	sim_wq_init(&l->rw_wq, name, obj);
	l->rw_readers = 0;
	l->rw_writer = -1;
}

bool sim_down_write(struct sim *s, struct sim_task *t, struct sim_rwsem *l)
{
	assert(l->rw_writer != t->t_id && "recursive down_write");
	if (l->rw_writer < 0 && l->rw_readers == 0) {
		l->rw_writer = (int8_t)t->t_id;
		l->rw_wq.wq_owners = 1ULL << t->t_id;
		return true;
	}
	sim_wait(s, t, &l->rw_wq);
	return false;
}

bool sim_down_read(struct sim *s, struct sim_task *t, struct sim_rwsem *l)
{
	/* Writers waiting do not block new readers here: no fairness is
	 * modelled, which keeps the lock's behaviour a pure function of state. */
	if (l->rw_writer < 0) {
		l->rw_readers |= 1ULL << t->t_id;
		l->rw_wq.wq_owners = l->rw_readers;
		return true;
	}
	sim_wait(s, t, &l->rw_wq);
	return false;
}

void sim_up_write(struct sim *s, struct sim_task *t, struct sim_rwsem *l)
{
	assert(l->rw_writer == t->t_id && "up_write by non-owner");
	l->rw_writer = -1;
	l->rw_wq.wq_owners = 0;
	sim_wake_all(s, &l->rw_wq);
}

void sim_up_read(struct sim *s, struct sim_task *t, struct sim_rwsem *l)
{
	assert((l->rw_readers & (1ULL << t->t_id)) && "up_read by non-holder");
	l->rw_readers &= ~(1ULL << t->t_id);
	l->rw_wq.wq_owners = l->rw_readers;
	if (!l->rw_readers)
		sim_wake_all(s, &l->rw_wq);
}

bool sim_rwsem_held_excl(const struct sim_rwsem *l, const struct sim_task *t)
{
	return l->rw_writer == t->t_id;
}

bool sim_rwsem_held(const struct sim_rwsem *l, const struct sim_task *t)
{
	return l->rw_writer == t->t_id || (l->rw_readers & (1ULL << t->t_id));
}

/* ---- footprints ---- */

void sim_fp_add(struct sim_fp *fp, uint32_t obj, enum sim_access mode)
{
	for (unsigned i = 0; i < fp->fp_n; i++) {
		if (fp->fp_obj[i] == obj) {
			fp->fp_mode[i] |= (uint8_t)mode;
			return;
		}
	}
	if (fp->fp_n == SIM_MAX_FP) {
		fp->fp_global = true;	/* too many objects: be conservative */
		return;
	}
	fp->fp_obj[fp->fp_n] = obj;
	fp->fp_mode[fp->fp_n] = (uint8_t)mode;
	fp->fp_n++;
}

void sim_task_footprint(const struct sim *s, const struct sim_task *t, struct sim_fp *fp)
{
	const struct sim_op *op = sim_task_cur_op(t);
	const struct sim_step *st;

	memset(fp, 0, sizeof(*fp));
	if (!op) {
		fp->fp_global = true;
		return;
	}
	st = &op->op_desc->steps[t->t_pc];
	if (st->fp)
		st->fp(s, t, op->op_arg, fp);
	else
		fp->fp_global = true;
}

bool sim_fp_dependent(const struct sim_fp *a, const struct sim_fp *b)
{
	if (a->fp_global || b->fp_global)
		return true;
	for (unsigned i = 0; i < a->fp_n; i++)
		for (unsigned j = 0; j < b->fp_n; j++)
			if (a->fp_obj[i] == b->fp_obj[j] &&
			    ((a->fp_mode[i] | b->fp_mode[j]) & SIM_WRITE))
				return true;
	return false;
}

/* ---- deadlock ---- */

/* Depth-first search for a cycle through blocked tasks' owner edges.
 * Colors: 0 white, 1 on stack, 2 done. Bounded by SIM_MAX_TASKS. */
static int find_cycle(const struct sim_world *w, unsigned u, uint8_t *color, uint8_t *parent)
{
	const struct sim_task *t = w->w_tasks[u];
	uint64_t m;

	color[u] = 1;
	m = (t->t_state == SIM_TASK_BLOCKED && t->t_wait) ? t->t_wait->wq_owners : 0;
	while (m) {
		unsigned v = (unsigned)__builtin_ctzll(m);
		int r;

		m &= m - 1;
		if (v >= w->w_ntasks)
			continue;
		if (color[v] == 1) {
			parent[v] = (uint8_t)u;
			return (int)v;
		}
		if (color[v] == 0) {
			parent[v] = (uint8_t)u;
			r = find_cycle(w, v, color, parent);
			if (r >= 0)
				return r;
		}
	}
	color[u] = 2;
	return -1;
}

static size_t describe_task(const struct sim *s, const struct sim_task *t, char *why,
			    size_t len, size_t at, bool first)
{
	const struct sim_world *w = s->s_w;
	uint64_t own = t->t_wait ? t->t_wait->wq_owners : 0;
	int n;

	if (at >= len)
		return at;
	n = snprintf(why + at, len - at, "%s%s waits on %s", first ? "" : "; ", t->t_name,
		     t->t_wait ? t->t_wait->wq_name : "?");
	at += n > 0 ? (size_t)n : 0;
	for (bool head = true; own && at < len; head = false) {
		unsigned id = (unsigned)__builtin_ctzll(own);

		own &= own - 1;
		if (id < w->w_ntasks) {
			n = snprintf(why + at, len - at, "%s%s", head ? " (owned by " : ", ",
				     w->w_tasks[id]->t_name);
			at += n > 0 ? (size_t)n : 0;
		}
		if (!own && at < len)
			at += (size_t)snprintf(why + at, len - at, ")");
	}
	return at;
}

bool sim_deadlock_check(const struct sim *s, char *why, size_t len)
{
	const struct sim_world *w = s->s_w;
	uint8_t color[SIM_MAX_TASKS] = { 0 }, parent[SIM_MAX_TASKS] = { 0 };
	size_t at = 0;

	if (len)
		why[0] = '\0';
	for (unsigned u = 0; u < w->w_ntasks; u++) {
		int v;

		if (color[u] || w->w_tasks[u]->t_state != SIM_TASK_BLOCKED)
			continue;
		v = find_cycle(w, u, color, parent);
		if (v >= 0) {
			unsigned x = (unsigned)v;

			at = (size_t)snprintf(why, len, "waits-for cycle: ");
			for (unsigned k = 0; k < SIM_MAX_TASKS; k++) {
				at = describe_task(s, w->w_tasks[x], why, len, at, k == 0);
				x = parent[x];
				if (x == (unsigned)v)
					break;
			}
			return true;
		}
	}
	if (w->w_runnable || w->w_nlive)
		return false;
	for (unsigned u = 0; u < w->w_ntasks; u++) {
		const struct sim_task *t = w->w_tasks[u];

		if (t->t_state == SIM_TASK_BLOCKED && sim_task_has_work(t)) {
			bool first = !at;

			if (first)
				at = (size_t)snprintf(why, len, "all tasks blocked with work left: ");
			at = describe_task(s, t, why, len, at, first);
		}
	}
	return at > 0;
}
