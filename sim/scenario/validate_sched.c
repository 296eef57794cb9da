/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/validate_sched.c - the race diagram / schedule against the
 * threads and the vocabulary, and 'crash after TASK:STEP'.
 *
 * Per thread the check walks the items in order, keeping which operation is
 * current:
 *
 *   OP    must equal the thread's next operation (same keyword, arguments,
 *         flags and data); it becomes current.
 *   STEP  must be a step the vocabulary produces for the current operation
 *         under at least one knob set. Before any OP item the thread's first
 *         operation is current (it starts implicitly).
 *   STAR  runs the current operation (first one if none started).
 *
 * Steps of a later operation need that operation's line (race) or
 * TASK:(...) item (schedule) first. Kernel tasks (flusher, jbd2, endio, disk,
 * dio) run no operations: only steps and '*'. Crash items may repeat (each but
 * the last is a power cut and a remount); they exclude a 'crash' line.
 */
#include <string.h>

#include "sim/scenario/scn_int.h"

struct scn_sets {
	const struct scn_knob *const *ss_sets;
	const uint32_t *ss_n;
	uint32_t ss_count;
};

/* Per thread: index of the next operation to start, and the current one. */
struct scn_progress {
	int32_t p_next[SCN_MAX_THREADS];
	int32_t p_cur[SCN_MAX_THREADS];
};

static int scn_resolve(const struct scn_file *f, const char *name, enum scn_task_kind *kind,
		       int32_t *thread)
{
	*thread = -1;
	*kind = scn__kernel_task(name);
	if (*kind != SCN_TASK_NONE)
		return 0;
	for (uint32_t i = 0; i < f->f_nthreads; i++) {
		if (!strcmp(f->f_threads[i].t_name, name)) {
			*kind = SCN_TASK_THREAD;
			*thread = (int32_t)i;
			return 0;
		}
	}
	return -1;
}

static int scn_unknown_task(struct scn_ctx *c, struct scn_pos pos, const char *name,
			    const char *where)
{
	const struct scn_file *f = c->c_file;
	const char *names[SCN_MAX_COLUMNS + 1];
	char dym[96], note[SCN_DIAG_NOTE];
	uint32_t n = 0;

	for (uint32_t i = 0; i < f->f_nthreads; i++)
		names[n++] = f->f_threads[i].t_name;
	for (uint32_t i = 0; scn__kernel_task_names[i] && n < SCN_MAX_COLUMNS; i++)
		names[n++] = scn__kernel_task_names[i];
	names[n] = NULL;
	scn__did_you_mean(dym, sizeof(dym), name, names);
	scn__note_list(note, sizeof(note), "tasks are", names);
	return scn__err(c, pos.line, pos.col, (uint32_t)strlen(name), note,
			"unknown task '%s' in %s%s", name, where, dym);
}

static int scn_resolve_columns(struct scn_ctx *c)
{
	struct scn_file *f = c->c_file;

	for (uint32_t i = 0; i < f->f_ncolumns; i++) {
		struct scn_column *col = &f->f_columns[i];

		if (scn_resolve(f, col->c_name, &col->c_kind, &col->c_thread))
			return scn_unknown_task(c, col->c_pos, col->c_name, "the race header");
	}
	return 0;
}

static int scn_check_step(struct scn_ctx *c, const struct scn_sets *s, const struct scn_item *it,
			  const struct scn_op *op)
{
	const char *kind = scn_task_kind_name(it->si_task_kind);
	char note[SCN_DIAG_NOTE], dym[96];

	if (scn__step_known(c, s->ss_sets, s->ss_n, s->ss_count, kind, op, it->si_step, note,
			    sizeof(note), dym, sizeof(dym)))
		return 0;
	return scn__err(c, it->si_pos.line, it->si_pos.col, (uint32_t)strlen(it->si_step), note,
			"step '%s' is not produced by %s under %s%s", it->si_step,
			op ? scn_op_name(op->o_kind) : kind, c->c_file->f_profile, dym);
}

/* OP item on thread t: it must be the thread's next operation. */
static int scn_check_op_order(struct scn_ctx *c, struct scn_progress *p, struct scn_item *it)
{
	const struct scn_thread *t = &c->c_file->f_threads[it->si_thread];
	int32_t next = p->p_next[it->si_thread];
	char want[256], got[256];

	scn_op_format(&it->si_op, got, sizeof(got));
	if ((uint32_t)next >= t->t_nops)
		return scn__err(c, it->si_pos.line, it->si_pos.col, (uint32_t)strlen(got), NULL,
				"'%s': thread '%s' has no operation left to start (it has %u)", got,
				t->t_name, t->t_nops);
	if (!scn_op_equal(&it->si_op, &t->t_ops[next])) {
		scn_op_format(&t->t_ops[next], want, sizeof(want));
		return scn__err(c, it->si_pos.line, it->si_pos.col, (uint32_t)strlen(got),
				"a race or schedule starts each thread's operations in the order the thread lists them",
				"'%s' is not the next operation of thread '%s'; that is '%s' (operation %d of %u, line %u)",
				got, t->t_name, want, next + 1, t->t_nops, t->t_ops[next].o_pos.line);
	}
	p->p_cur[it->si_thread] = next;
	p->p_next[it->si_thread] = next + 1;
	return 0;
}

static int scn_check_thread_item(struct scn_ctx *c, const struct scn_sets *s,
				 struct scn_progress *p, struct scn_item *it)
{
	const struct scn_thread *t = &c->c_file->f_threads[it->si_thread];

	if (it->si_kind == SCN_ITEM_OP)
		return scn_check_op_order(c, p, it);
	if (p->p_cur[it->si_thread] < 0) {	/* the first operation starts implicitly */
		p->p_cur[it->si_thread] = 0;
		p->p_next[it->si_thread] = 1;
	}
	it->si_op_index = p->p_cur[it->si_thread];
	if (it->si_kind == SCN_ITEM_STEP)
		return scn_check_step(c, s, it, &t->t_ops[it->si_op_index]);
	return 0;
}

static int scn_check_item(struct scn_ctx *c, const struct scn_sets *s, struct scn_progress *p,
			  struct scn_item *it, uint32_t *crash_line)
{
	const char *where = c->c_file->f_sched_form == SCN_SCHED_RACE ? "the race" : "the schedule";

	if (it->si_kind == SCN_ITEM_CRASH) {
		/* Several crash rows are allowed: every one but the last is a
		 * power cut after which the file system is mounted again and
		 * the threads go on (docs/scenario-language.md). */
		it->si_task_kind = SCN_TASK_NONE;
		*crash_line = it->si_pos.line;
		return 0;
	}
	if (scn_resolve(c->c_file, it->si_task, &it->si_task_kind, &it->si_thread))
		return scn_unknown_task(c, it->si_pos, it->si_task, where);
	if (it->si_task_kind == SCN_TASK_THREAD) {
		if (scn_check_thread_item(c, s, p, it))
			return -1;
		if (it->si_kind == SCN_ITEM_OP)
			it->si_op_index = p->p_cur[it->si_thread];
		return 0;
	}
	if (it->si_kind == SCN_ITEM_OP)
		return scn__err(c, it->si_pos.line, it->si_pos.col, (uint32_t)strlen(it->si_task),
				"kernel tasks (flusher, jbd2, endio, disk, dio) run steps and '*'",
				"kernel task '%s' runs no operations", it->si_task);
	if (it->si_kind == SCN_ITEM_STEP)
		return scn_check_step(c, s, it, NULL);
	return 0;
}

/* crash after TASK:STEP: the step of any of the task's operations. */
static int scn_check_crash_after(struct scn_ctx *c, const struct scn_sets *s)
{
	struct scn_file *f = c->c_file;
	struct scn_item it;
	char note[SCN_DIAG_NOTE], dym[96];

	memset(&it, 0, sizeof(it));
	memcpy(it.si_task, f->f_crash_task, sizeof(it.si_task));
	memcpy(it.si_step, f->f_crash_step, sizeof(it.si_step));
	it.si_pos = f->f_crash_task_pos;
	if (scn_resolve(f, it.si_task, &it.si_task_kind, &it.si_thread))
		return scn_unknown_task(c, it.si_pos, it.si_task, "'crash after'");
	it.si_pos.col += (uint32_t)strlen(it.si_task) + 1;
	if (it.si_task_kind != SCN_TASK_THREAD)
		return scn_check_step(c, s, &it, NULL);
	for (uint32_t i = 0; i < f->f_threads[it.si_thread].t_nops; i++)
		if (scn__step_known(c, s->ss_sets, s->ss_n, s->ss_count, "user",
				    &f->f_threads[it.si_thread].t_ops[i], it.si_step, note,
				    sizeof(note), dym, sizeof(dym)))
			return 0;
	return scn__err(c, it.si_pos.line, it.si_pos.col, (uint32_t)strlen(it.si_step), NULL,
			"step '%s' is not produced by any operation of thread '%s' under %s",
			it.si_step, it.si_task, f->f_profile);
}

int scn__validate_sched(struct scn_ctx *c, const struct scn_knob *const *sets,
			const uint32_t *nset, uint32_t nsets)
{
	struct scn_file *f = c->c_file;
	struct scn_sets s = { sets, nset, nsets };
	struct scn_progress p;
	uint32_t crash_line = 0;

	for (uint32_t i = 0; i < SCN_MAX_THREADS; i++) {
		p.p_next[i] = 0;
		p.p_cur[i] = -1;
	}
	if (f->f_sched_form == SCN_SCHED_RACE && scn_resolve_columns(c))
		return -1;
	for (uint32_t i = 0; i < f->f_nitems; i++)
		if (scn_check_item(c, &s, &p, &f->f_items[i], &crash_line))
			return -1;
	if (crash_line && f->f_crash.present)
		return scn__err(c, f->f_crash.pos.line, f->f_crash.pos.col, 5,
				"a scripted crash point replaces the crash mode; drop one",
				"'crash' line and a crash point in the %s (line %u) together",
				f->f_sched_form == SCN_SCHED_RACE ? "race" : "schedule", crash_line);
	if (f->f_crash.present && f->f_crash_kind == SCN_CRASH_AFTER)
		return scn_check_crash_after(c, &s);
	return 0;
}
