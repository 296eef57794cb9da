/* SPDX-License-Identifier: MIT */
/*
 * sim/core/demo.c - the synthetic workload (see demo.h).
 *
 * Operations:
 *   locked_add   down_write(L) ; add x3 (AGAIN loop) ; up_write(L)
 *   nap          arm a timer that wakes the task ; sleep ; done
 *   io           queue a request for the worker daemon ; wait for it
 *   abba         down_write(L0) ; down_write(L1) ; up both (planted deadlock
 *                when another task takes them in the other order)
 * The worker daemon takes one request at a time and completes it after a
 * timer, like an I/O completion path.
 */
#include <assert.h>
#include <string.h>

#include "sim/core/demo.h"

#define DEMO_MAX_LOCKS 8
#define DEMO_MAX_REQ 64
#define OBJ_LOCK(i)    (0x100u + (i))
#define OBJ_COUNTER(i) (0x200u + (i))
#define OBJ_QUEUE      0x300u

struct demo_world;

struct demo_arg {
	struct demo_world *dw;
	uint8_t lock, lock2;
	uint8_t iter;		/* AGAIN loop counter */
	bool armed;		/* timer armed / request queued */
	bool done;		/* woken by timer / request completed */
	struct sim_wq wq;	/* the task sleeps here */
	sim_time_t delay;
};

struct demo_world {
	struct sim_rwsem locks[DEMO_MAX_LOCKS];
	uint64_t counter[DEMO_MAX_LOCKS];
	unsigned nlocks;
	struct demo_arg *req[DEMO_MAX_REQ];	/* worker's FIFO */
	unsigned req_head, req_tail;
	struct demo_arg *busy;			/* request being served */
	struct sim_task *worker;
	struct sim_wq worker_wq;
};

static void fp_lock(const struct sim *s, const struct sim_task *t, const void *arg,
		    struct sim_fp *fp)
{
	const struct demo_arg *a = arg;

	sim_fp_add(fp, OBJ_LOCK(a->lock), SIM_WRITE);
}

static void fp_counter(const struct sim *s, const struct sim_task *t, const void *arg,
		       struct sim_fp *fp)
{
	const struct demo_arg *a = arg;

	sim_fp_add(fp, OBJ_COUNTER(a->lock), SIM_WRITE);
}

static void fp_queue(const struct sim *s, const struct sim_task *t, const void *arg,
		     struct sim_fp *fp)
{
	sim_fp_add(fp, OBJ_QUEUE, SIM_WRITE);
}

static void fp_self(const struct sim *s, const struct sim_task *t, const void *arg,
		    struct sim_fp *fp)
{
	sim_fp_add(fp, 0x1000u + t->t_id, SIM_WRITE);
}

static enum sim_ret demo_down(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	return sim_down_write(s, t, &a->dw->locks[a->lock]) ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret demo_down2(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	return sim_down_write(s, t, &a->dw->locks[a->lock2]) ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret demo_add(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	a->dw->counter[a->lock]++;
	if (++a->iter < 3)
		return SIM_AGAIN;
	a->iter = 0;
	return SIM_DONE;
}

static enum sim_ret demo_up(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	sim_up_write(s, t, &a->dw->locks[a->lock]);
	return SIM_DONE;
}

static enum sim_ret demo_up2(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	sim_up_write(s, t, &a->dw->locks[a->lock2]);
	sim_up_write(s, t, &a->dw->locks[a->lock]);
	return SIM_DONE;
}

static void demo_wakeup(struct sim *s, void *arg, uint64_t data)
{
	struct demo_arg *a = arg;

	a->done = true;
	sim_wake_all(s, &a->wq);
}

static enum sim_ret demo_nap(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;

	if (a->done) {
		a->done = a->armed = false;
		return SIM_DONE;
	}
	if (!a->armed) {
		a->armed = true;
		/* A decoy timer that is cancelled at once: lazy cancellation. */
		sim_event_cancel(s, sim_timer(s, a->delay / 2, "decoy", demo_wakeup, a, 1));
		sim_timer(s, a->delay, "nap_timer", demo_wakeup, a, 0);
	}
	sim_wait(s, t, &a->wq);
	return SIM_BLOCKED;
}

static enum sim_ret demo_submit(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_arg *a = arg;
	struct demo_world *dw = a->dw;

	if (a->done) {
		a->done = a->armed = false;
		return SIM_DONE;
	}
	if (!a->armed) {
		assert(dw->req_tail - dw->req_head < DEMO_MAX_REQ);
		dw->req[dw->req_tail++ % DEMO_MAX_REQ] = a;
		a->armed = true;
		sim_wake_all(s, &dw->worker_wq);
		sim_task_kick(s, dw->worker);
	}
	a->wq.wq_owners = 1ULL << dw->worker->t_id;
	sim_wait(s, t, &a->wq);
	return SIM_BLOCKED;
}

static const struct sim_op_desc op_locked_add = {
	"locked_add", 3, { { "demo_down_write", demo_down, fp_lock },
			   { "demo_add", demo_add, fp_counter },
			   { "demo_up_write", demo_up, fp_lock } }
};
static const struct sim_op_desc op_nap = {
	"nap", 1, { { "demo_nap", demo_nap, fp_self } }
};
static const struct sim_op_desc op_io = {
	"io", 1, { { "demo_submit_io", demo_submit, fp_queue } }
};
static const struct sim_op_desc op_abba = {
	"abba", 3, { { "demo_down_write", demo_down, fp_lock },
		     { "demo_down_write_2", demo_down2, NULL },
		     { "demo_up_both", demo_up2, NULL } }
};

/* The worker: take a request, complete it after a timer. */
static void demo_complete(struct sim *s, void *arg, uint64_t data)
{
	struct demo_world *dw = arg;
	struct demo_arg *a = dw->busy;

	dw->busy = NULL;
	a->done = true;
	sim_wake_all(s, &a->wq);
	sim_wake_all(s, &dw->worker_wq);
}

static enum sim_ret demo_worker_serve(struct sim *s, struct sim_task *t, void *arg)
{
	struct demo_world *dw = arg;

	if (dw->busy || dw->req_head == dw->req_tail) {
		sim_wait(s, t, &dw->worker_wq);
		return SIM_BLOCKED;
	}
	dw->busy = dw->req[dw->req_head++ % DEMO_MAX_REQ];
	sim_timer(s, 50 * SIM_USEC, "io_complete", demo_complete, dw, 0);
	return SIM_DONE;
}

static const struct sim_op_desc op_worker = {
	"worker", 1, { { "demo_worker_serve", demo_worker_serve, fp_queue } }
};

static bool demo_worker_next(struct sim *s, struct sim_task *t, struct sim_op *op)
{
	struct demo_world *dw = t->t_priv;

	if (dw->req_head == dw->req_tail)
		return false;
	op->op_desc = &op_worker;
	op->op_arg = dw;
	op->op_id = 0;
	return true;
}

static uint64_t demo_random_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t m = c->c_mask;
		uint64_t k = sim_rand_below(s, 0, (uint64_t)__builtin_popcountll(m));

		while (k--)
			m &= m - 1;
		return (uint64_t)__builtin_ctzll(m);
	}
	return sim_rand_below(s, 0, c->c_n);
}

const struct sim_chooser sim_demo_random_chooser = { demo_random_choose, NULL };

int sim_demo_setup(struct sim *s, const struct sim_demo_cfg *cfg)
{
	struct demo_world *dw = sim_alloc(s, sizeof(*dw));
	uint64_t st = 42;

	if (!dw || cfg->tasks < 1 || cfg->tasks > 16 || cfg->ops < 1 || cfg->ops > SIM_MAX_OPS ||
	    cfg->locks < 1 || cfg->locks > DEMO_MAX_LOCKS)
		return -1;
	sim_set_priv(s, dw);
	dw->nlocks = cfg->locks;
	for (unsigned i = 0; i < cfg->locks; i++)
		sim_rwsem_init(&dw->locks[i], "demo_lock", OBJ_LOCK(i));
	sim_wq_init(&dw->worker_wq, "worker_idle", OBJ_QUEUE);
	dw->worker = sim_task_create(s, "worker", true);
	if (!dw->worker || sim_task_set_daemon(s, dw->worker, demo_worker_next))
		return -1;
	dw->worker->t_priv = dw;
	for (unsigned ti = 0; ti < cfg->tasks; ti++) {
		char name[8] = { (char)('A' + ti), 0 };
		struct sim_task *t = sim_task_create(s, name, false);

		if (!t)
			return -1;
		for (unsigned k = 0; k < cfg->ops; k++) {
			struct demo_arg *a = sim_alloc(s, sizeof(*a));
			uint64_t r = sim_splitmix64(&st);
			const struct sim_op_desc *d;

			if (!a)
				return -1;
			a->dw = dw;
			a->lock = (uint8_t)(r % cfg->locks);
			a->delay = (1 + (r >> 8) % 100) * SIM_USEC;
			sim_wq_init(&a->wq, "demo_wait", 0x1000u + t->t_id);
			if (cfg->deadlock && ti < 2 && k == 0 && cfg->locks >= 2) {
				d = &op_abba;
				a->lock = (uint8_t)ti;
				a->lock2 = (uint8_t)(1 - ti);
			} else {
				d = (r >> 20) % 4 == 0 ? &op_nap : (r >> 20) % 4 == 1 ? &op_io
											: &op_locked_add;
			}
			if (sim_task_add_op(s, t, d, a, k))
				return -1;
		}
	}
	return 0;
}

uint64_t sim_demo_total(const struct sim *s)
{
	const struct demo_world *dw = sim_priv(s);
	uint64_t sum = 0;

	for (unsigned i = 0; i < dw->nlocks; i++)
		sum += dw->counter[i];
	return sum;
}
