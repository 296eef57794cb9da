/* Unit tests: the stateless search (sim/explore/search.c, dpor.c) on small
 * synthetic programs and on the engine's demo workload.
 *
 * The reference is the unreduced search: every execution it explores is
 * grouped by its Mazurkiewicz class (the set of ordered pairs of dependent
 * steps, steps named by task and index in the task) and its final state.
 * Sleep sets and source-set DPOR must each explore exactly one complete
 * execution per class, the same classes, and reach the same final states;
 * DPOR must not start more executions than sleep sets alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/demo.h"
#include "sim/explore/search.h"

#define MAX_EXECS 400000

/* ---- sets of 64-bit keys ---- */

struct keys {
	uint64_t *k;
	size_t n, cap;
};

static bool keys_has(const struct keys *c, uint64_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->k[i] == key)
			return true;
	return false;
}

static bool keys_add(struct keys *c, uint64_t key)
{
	if (keys_has(c, key))
		return false;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->k = realloc(c->k, c->cap * sizeof(*c->k));
		assert_non_null(c->k);
	}
	c->k[c->n++] = key;
	return true;
}

static bool keys_subset(const struct keys *a, const struct keys *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!keys_has(b, a->k[i]))
			return false;
	return true;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t st = a * 0x9e3779b97f4a7c15ULL ^ b;

	return sim_splitmix64(&st);
}

/* The equivalence class of an execution: the set of ordered pairs of
 * dependent steps, hashed order-independently. Steps are named by (task,
 * index in the task); events by their rank among events. */
static uint64_t class_key(const struct pcs_event *ev, unsigned n)
{
	uint64_t sum = 0, cnt = 0;
	unsigned evrank[4096];
	unsigned ne = 0;

	assert_true(n <= 4096);
	for (unsigned i = 0; i < n; i++)
		evrank[i] = ev[i].e_task < 0 ? ne++ : 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++) {
			bool dep = (ev[i].e_task >= 0 && ev[i].e_task == ev[j].e_task) ||
				   sim_fp_dependent(&ev[i].e_fp, &ev[j].e_fp);
			uint64_t a, b;

			if (!dep)
				continue;
			a = ev[i].e_task < 0 ? mix(0xe0, evrank[i])
					     : mix((uint64_t)ev[i].e_task, ev[i].e_index);
			b = ev[j].e_task < 0 ? mix(0xe0, evrank[j])
					     : mix((uint64_t)ev[j].e_task, ev[j].e_index);
			sum += mix(a, b);
			cnt++;
		}
	return mix(sum, cnt);
}

/* ---- synthetic programs ----
 *
 * Tasks run one operation each, one instruction per step, over shared
 * variables, sleeping locks and flags:
 *   RD v     r = var[v]                      reads v
 *   WR v     var[v] = var[v] * 31 + r + id   writes v
 *   LK l     down_write(lock l)              writes lock l
 *   UL l     up_write(lock l)                writes lock l
 *   SET v    var[v] = 1, wake the waiters    writes v
 *   WAIT v   sleep until var[v] != 0         reads v
 * The final state is every variable and every task's register. */

enum { RD, WR, LK, UL, SET, WAIT };

#define P_MAX_TASKS 4
#define P_MAX_INS   8
#define P_VARS      4
#define OBJ_VAR(v)  (0x10u + (v))
#define OBJ_LOCK(l) (0x20u + (l))

struct ins {
	uint8_t i_op, i_arg;
};

struct ptask {
	struct prog *pt_prog;
	struct ins pt_ins[P_MAX_INS];
	unsigned pt_n;
	uint64_t pt_reg;
	uint8_t pt_id;
};

struct prog {
	uint64_t var[P_VARS];
	struct sim_rwsem lock[P_VARS];
	struct sim_wq flag_wq[P_VARS];
	struct ptask task[P_MAX_TASKS];
	unsigned ntasks;
};

static enum sim_ret prog_step(struct sim *s, struct sim_task *t, void *arg)
{
	struct ptask *pt = arg;
	struct prog *p = pt->pt_prog;
	const struct ins *in = &pt->pt_ins[t->t_pc];

	switch (in->i_op) {
	case RD:
		pt->pt_reg = p->var[in->i_arg];
		break;
	case WR:
		p->var[in->i_arg] = p->var[in->i_arg] * 31 + pt->pt_reg + pt->pt_id + 1;
		break;
	case LK:
		return sim_down_write(s, t, &p->lock[in->i_arg]) ? SIM_DONE : SIM_BLOCKED;
	case UL:
		sim_up_write(s, t, &p->lock[in->i_arg]);
		break;
	case SET:
		p->var[in->i_arg] = 1;
		sim_wake_all(s, &p->flag_wq[in->i_arg]);
		break;
	case WAIT:
		if (!p->var[in->i_arg]) {
			sim_wait(s, t, &p->flag_wq[in->i_arg]);
			return SIM_BLOCKED;
		}
		break;
	}
	return SIM_DONE;
}

static void prog_fp(const struct sim *s, const struct sim_task *t, const void *arg,
		    struct sim_fp *fp)
{
	const struct ptask *pt = arg;
	const struct ins *in = &pt->pt_ins[t->t_pc];

	switch (in->i_op) {
	case RD:
	case WAIT:
		sim_fp_add(fp, OBJ_VAR(in->i_arg), SIM_READ);
		break;
	case WR:
	case SET:
		sim_fp_add(fp, OBJ_VAR(in->i_arg), SIM_WRITE);
		break;
	default:
		sim_fp_add(fp, OBJ_LOCK(in->i_arg), SIM_WRITE);
		break;
	}
}

/* Build a program from text: tasks separated by '|', instructions by
 * spaces, e.g. "w0 r1 | w1 r0" (r w l u s t = RD WR LK UL SET WAIT). */
static struct sim *prog_build(const char *text)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 16 };
	struct sim *s = sim_create(&cfg);
	struct prog *p;
	struct ptask *pt;

	assert_non_null(s);
	p = sim_alloc(s, sizeof(*p));
	assert_non_null(p);
	sim_set_priv(s, p);
	for (unsigned v = 0; v < P_VARS; v++) {
		sim_rwsem_init(&p->lock[v], "lock", OBJ_LOCK(v));
		sim_wq_init(&p->flag_wq[v], "flag", OBJ_VAR(v));
	}
	pt = &p->task[p->ntasks++];
	for (const char *c = text; *c; c++) {
		static const char ops[] = "rwlust";
		const char *k = strchr(ops, *c);

		if (*c == '|') {
			assert_true(p->ntasks < P_MAX_TASKS);
			pt = &p->task[p->ntasks++];
		} else if (k && *c && c[1] >= '0' && c[1] < '0' + P_VARS) {
			assert_true(pt->pt_n < P_MAX_INS);
			pt->pt_ins[pt->pt_n].i_op = (uint8_t)(k - ops);
			pt->pt_ins[pt->pt_n++].i_arg = (uint8_t)(c[1] - '0');
			c++;
		}
	}
	for (unsigned i = 0; i < p->ntasks; i++) {
		char name[4] = { (char)('A' + i), 0 };
		struct sim_task *t = sim_task_create(s, name, false);
		struct sim_op_desc *d = sim_alloc(s, sizeof(*d));

		assert_non_null(t);
		assert_non_null(d);
		pt = &p->task[i];
		pt->pt_prog = p;
		pt->pt_id = (uint8_t)t->t_id;
		d->name = "prog";
		d->nsteps = (uint8_t)pt->pt_n;
		for (unsigned k = 0; k < pt->pt_n; k++) {
			d->steps[k].name = "ins";
			d->steps[k].fn = prog_step;
			d->steps[k].fp = prog_fp;
		}
		assert_int_equal(sim_task_add_op(s, t, d, pt, 0), 0);
	}
	assert_int_equal(sim_snapshot(s), 0);
	return s;
}

/* A random program: 2-3 tasks of 2-6 steps over 3 variables; a
 * write sometimes inside a lock; a wait only on a flag another task sets. */
static void prog_random(uint64_t seed, char *out, size_t len)
{
	uint64_t st = seed;
	unsigned ntasks = 2 + (unsigned)(sim_splitmix64(&st) % 2), at = 0;
	bool sets[P_VARS] = { false };

#define R(n) ((unsigned)(sim_splitmix64(&st) % (n)))
	for (unsigned t = 0; t < ntasks; t++) {
		unsigned n = 2 + R(3), steps = 0;

		if (t)
			at += (unsigned)snprintf(out + at, len - at, "| ");
		for (unsigned k = 0; k < n && steps < 4; k++) {
			unsigned v = R(3), kind = R(10);

			steps += kind == 7 ? 3 : 1;
			if (kind < 4)
				at += (unsigned)snprintf(out + at, len - at, "r%u ", v);
			else if (kind < 7)
				at += (unsigned)snprintf(out + at, len - at, "w%u ", v);
			else if (kind < 8)
				at += (unsigned)snprintf(out + at, len - at, "l0 w%u u0 ", v);
			else if (kind < 9 || t == 0) {
				at += (unsigned)snprintf(out + at, len - at, "s%u ", v);
				sets[v] = true;
			} else if (sets[v]) {
				at += (unsigned)snprintf(out + at, len - at, "t%u ", v);
			} else {
				at += (unsigned)snprintf(out + at, len - at, "r%u ", v);
			}
		}
	}
#undef R
}

static uint64_t prog_final(const struct sim *s)
{
	const struct prog *p = sim_priv(s);
	uint64_t h = SIM_HASH_INIT;

	h = sim_hash_bytes(h, p->var, sizeof(p->var));
	for (unsigned i = 0; i < p->ntasks; i++)
		h = sim_hash_u64(h, p->task[i].pt_reg);
	return h;
}

/* ---- running a search ---- */

enum reduction { R_NONE, R_SLEEP, R_DPOR };

struct outcome {
	uint64_t execs, pruned, started, skipped;
	struct keys cls, finals;
	bool dup;	/* a class explored twice */
};

static void search(struct sim *s, enum reduction r, int bound, uint64_t (*final)(const struct sim *),
		   struct outcome *o)
{
	struct pcs_opts po = { .s_strategy = PCS_EXHAUSTIVE, .s_sleep_sets = r != R_NONE,
			       .s_dpor = r == R_DPOR, .s_bounded = bound >= 0,
			       .s_preempt_bound = bound >= 0 ? (unsigned)bound : 0 };
	struct pcs *x = pcs_new(s, &po);

	assert_non_null(x);
	memset(o, 0, sizeof(*o));
	while (pcs_next(x)) {
		const struct pcs_event *ev;
		unsigned n;

		o->started++;
		if (pcs_pruned(x)) {
			o->pruned++;
			continue;
		}
		assert_true(sim_status(s) == SIM_OK || sim_status(s) == SIM_DEADLOCK);
		ev = pcs_events(x, &n);
		if (!keys_add(&o->cls, class_key(ev, n)))
			o->dup = true;
		keys_add(&o->finals, final ? final(s) : sim_demo_total(s));
		o->execs++;
		assert_true(o->execs < MAX_EXECS);
	}
	assert_int_equal(pcs_pruned_total(x), o->pruned);
	assert_int_equal(pcs_dpor_fallbacks(x), 0);
	o->skipped = pcs_dpor_skipped(x);
	pcs_free(x);
}

static void outcome_free(struct outcome *o)
{
	free(o->cls.k);
	free(o->finals.k);
}

struct totals {
	uint64_t full, classes, sleep, dpor;	/* executions started */
};

/* The reductions against the unreduced search on s; returns whether a
 * reduction was possible (fewer classes than executions). */
static bool check_reduction(struct sim *s, const char *what, uint64_t (*final)(const struct sim *),
			    struct totals *tot)
{
	struct outcome full, red[2];

	search(s, R_NONE, -1, final, &full);
	search(s, R_SLEEP, -1, final, &red[0]);
	search(s, R_DPOR, -1, final, &red[1]);
	print_message("%-28s unreduced %6llu executions, %4zu classes, %3zu final states; "
		      "sleep sets %4llu (+%llu cut); DPOR %4llu (+%llu cut, %llu alternatives left "
		      "out)\n",
		      what, (unsigned long long)full.execs, full.cls.n, full.finals.n,
		      (unsigned long long)red[0].execs, (unsigned long long)red[0].pruned,
		      (unsigned long long)red[1].execs, (unsigned long long)red[1].pruned,
		      (unsigned long long)red[1].skipped);
	assert_int_equal(full.pruned, 0);
	for (int k = 0; k < 2; k++) {
		/* exactly one execution per class ... */
		assert_false(red[k].dup);
		assert_int_equal(red[k].execs, red[k].cls.n);
		/* ... every class and every final state of the unreduced search */
		assert_int_equal(red[k].cls.n, full.cls.n);
		assert_true(keys_subset(&full.cls, &red[k].cls));
		assert_int_equal(red[k].finals.n, full.finals.n);
		assert_true(keys_subset(&full.finals, &red[k].finals));
	}
	/* Source sets never start more executions than sleep sets alone. */
	assert_true(red[1].started <= red[0].started);
	if (tot) {
		tot->full += full.started;
		tot->classes += full.cls.n;
		tot->sleep += red[0].started;
		tot->dpor += red[1].started;
	}
	outcome_free(&full);
	outcome_free(&red[0]);
	outcome_free(&red[1]);
	return full.cls.n < full.execs;
}

static void check_prog(const char *text)
{
	struct sim *s = prog_build(text);

	check_reduction(s, text, prog_final, NULL);
	sim_destroy(s);
}

/* Independent tasks: one class; DPOR explores it once and nothing else. */
static void test_independent(void **state)
{
	struct sim *s = prog_build("w0 w0 r0 | w1 w1 r1 | w2 r2 w2");
	struct outcome o;

	check_reduction(s, "independent", prog_final, NULL);
	search(s, R_DPOR, -1, prog_final, &o);
	assert_int_equal(o.execs, 1);
	assert_int_equal(o.started, 1);	/* and no execution cut by sleep sets */
	assert_true(o.skipped > 0);
	outcome_free(&o);
	sim_destroy(s);
}

/* Conflicting tasks: every interleaving is its own class (6!/2!2!2! = 90). */
static void test_conflicting(void **state)
{
	struct sim *s = prog_build("w0 w0 | w0 w0 | w0 w0");
	struct outcome o;

	check_reduction(s, "conflicting", prog_final, NULL);
	search(s, R_DPOR, -1, prog_final, &o);
	assert_int_equal(o.execs, 90);
	assert_int_equal(o.pruned, 0);
	outcome_free(&o);
	sim_destroy(s);
}

/* Mixed: readers and writers, a lock, a flag (blocking and wake-up). */
static void test_mixed(void **state)
{
	check_prog("w0 r1 | w1 r0 | r0 r1");
	check_prog("r0 r0 r0 | r0 r0 | w1 r0");
	check_prog("l0 w0 u0 r1 | l0 w1 u0 | r0 w2");
	check_prog("w0 s1 | t1 r0 w2 | r2 w0");
	check_prog("l0 t1 u0 | l0 s1 u0");	/* may deadlock */
}

/* Random programs: every reduction keeps every class and final state. */
static void test_random_programs(void **state)
{
	struct totals tot = { 0 };
	unsigned reducible = 0;

	for (uint64_t seed = 1; seed <= 60; seed++) {
		char text[256] = "";
		struct sim *s;

		prog_random(seed, text, sizeof(text));
		s = prog_build(text);
		reducible += check_reduction(s, text, prog_final, &tot);
		sim_destroy(s);
	}
	print_message("60 random programs: %llu executions unreduced, %llu classes; started: "
		      "sleep sets %llu, DPOR %llu\n",
		      (unsigned long long)tot.full, (unsigned long long)tot.classes,
		      (unsigned long long)tot.sleep, (unsigned long long)tot.dpor);
	assert_true(reducible >= 30);
	assert_true(tot.dpor < tot.sleep);
}

static struct sim *demo(unsigned tasks, unsigned ops)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 20 };
	struct sim_demo_cfg dc = { .tasks = tasks, .ops = ops, .locks = 2 };
	struct sim *s = sim_create(&cfg);

	assert_non_null(s);
	assert_int_equal(sim_demo_setup(s, &dc), 0);
	assert_int_equal(sim_snapshot(s), 0);
	return s;
}

/* The demo: locks, timers, a worker daemon woken by its clients. */
static void test_demo_2x3(void **state)
{
	struct sim *s = demo(2, 3);

	check_reduction(s, "demo 2 tasks x 3 ops", NULL, NULL);
	sim_destroy(s);
}

static void test_demo_3x3(void **state)
{
	struct sim *s = demo(3, 3);

	assert_true(check_reduction(s, "demo 3 tasks x 3 ops", NULL, NULL));
	sim_destroy(s);
}

/* A bound: every class a bounded reduced search explores is one the
 * bounded unreduced search explores (nothing over the bound). Sleep sets
 * reach every class the bounded unreduced search reaches (they never sleep
 * an alternative whose subtree the bound cut, so what sleeps was explored in
 * full). Bounded DPOR is not complete: a race's reversal may need deviations
 * far from the race; it adds the reversal where the racing task's run began
 * (Coons et al.) and prefers the racing task itself, which reaches all but a
 * few classes here (asserted: at least 97%, and the counts are printed).
 * PCSIM_LONG=1 runs 400 programs and bounds 0-3. */
static void test_bounded(void **state)
{
	bool lng = getenv("PCSIM_LONG") != NULL;

	for (int bound = 0; bound <= (lng ? 3 : 2); bound++) {
		uint64_t cls[3] = { 0 }, fin[3] = { 0 }, started[3] = { 0 };

		for (uint64_t seed = 1; seed <= (lng ? 400u : 30u); seed++) {
			char text[256] = "";
			struct sim *s;
			struct outcome o[3];

			prog_random(seed, text, sizeof(text));
			s = prog_build(text);
			for (int k = 0; k < 3; k++)
				search(s, (enum reduction)k, bound, prog_final, &o[k]);
			for (int k = 0; k < 3; k++) {
				assert_true(keys_subset(&o[k].cls, &o[0].cls));
				if (k == R_SLEEP) {
					assert_int_equal(o[k].cls.n, o[0].cls.n);
					assert_int_equal(o[k].finals.n, o[0].finals.n);
				}
				cls[k] += o[k].cls.n;
				fin[k] += o[k].finals.n;
				started[k] += o[k].started;
			}
			for (int k = 0; k < 3; k++)
				outcome_free(&o[k]);
			sim_destroy(s);
		}
		print_message("bound %d: classes (final states; executions started) reached: "
			      "unreduced %llu (%llu; %llu), sleep sets %llu (%llu; %llu), DPOR %llu "
			      "(%llu; %llu)\n",
			      bound, (unsigned long long)cls[0], (unsigned long long)fin[0],
			      (unsigned long long)started[0], (unsigned long long)cls[1],
			      (unsigned long long)fin[1], (unsigned long long)started[1],
			      (unsigned long long)cls[2], (unsigned long long)fin[2],
			      (unsigned long long)started[2]);
		assert_true(started[2] <= started[1] && started[1] <= started[0]);
		assert_true(cls[2] * 100 >= cls[0] * 97 && fin[2] * 100 >= fin[0] * 97);
	}
}

static void test_replay_tape(void **state)
{
	struct sim *s = demo(2, 3);
	struct pcs_opts po = { .s_strategy = PCS_RANDOM, .s_seed = 5 };
	struct pcs *x = pcs_new(s, &po);
	char buf[65536];
	uint64_t h;
	size_t at;

	assert_true(pcs_next(x));
	h = sim_trace_hash(s);
	sim_tape_format(pcs_tape(x), buf, sizeof(buf));
	pcs_free(x);
	x = pcs_new(s, &po);
	assert_int_equal(pcs_set_replay(x, buf, &at), 0);
	assert_true(pcs_next(x));
	assert_int_equal(sim_trace_hash(s), h);
	assert_false(pcs_next(x));
	pcs_free(x);
	sim_destroy(s);
}

static void test_preemption_bound(void **state)
{
	struct sim *s = demo(3, 2);
	struct pcs_opts b0 = { .s_strategy = PCS_EXHAUSTIVE, .s_bounded = true,
			       .s_preempt_bound = 0 };
	struct pcs_opts b9 = { .s_strategy = PCS_EXHAUSTIVE, .s_bounded = true,
			       .s_preempt_bound = 9 };
	uint64_t n0 = 0, n9 = 0;
	struct pcs *x = pcs_new(s, &b0);

	while (pcs_next(x))
		n0++;
	assert_true(pcs_bounded(x) > 0);
	pcs_free(x);
	x = pcs_new(s, &b9);
	while (pcs_next(x))
		n9++;
	pcs_free(x);
	assert_true(n0 >= 1 && n0 < n9);
	sim_destroy(s);
}

static void test_pct_and_random_run(void **state)
{
	struct sim *s = demo(3, 4);
	struct pcs_opts pct = { .s_strategy = PCS_PCT, .s_pct_depth = 3, .s_seed = 9 };
	struct pcs *x = pcs_new(s, &pct);
	uint64_t first = 0;
	bool differ = false;

	for (int i = 0; i < 20; i++) {
		assert_true(pcs_next(x));
		assert_int_equal(sim_status(s), SIM_OK);
		if (!i)
			first = sim_trace_hash(s);
		else if (sim_trace_hash(s) != first)
			differ = true;
	}
	assert_true(differ);	/* different priorities, different schedules */
	pcs_free(x);
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_independent),
		cmocka_unit_test(test_conflicting),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_random_programs),
		cmocka_unit_test(test_demo_2x3),
		cmocka_unit_test(test_demo_3x3),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_replay_tape),
		cmocka_unit_test(test_preemption_bound),
		cmocka_unit_test(test_pct_and_random_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
