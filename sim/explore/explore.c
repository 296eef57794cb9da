/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/explore.c - explore a scenario variant's choices (see
 * explore.h): the model is built once (setup made durable, threads queued),
 * snapshotted, and every execution starts from the snapshot.
 *
 * Crash states of an execution depend only on its write log, the oracle's
 * history and the durability promises (pc_model_crash_key); executions with
 * an equal key share their crash findings, so each key is checked once.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model/model.h"
#include "sim/explore/diagram.h"
#include "sim/explore/explore.h"
#include "sim/explore/fuzz.h"
#include "sim/explore/repro.h"
#include "sim/explore/search.h"

#define REPRO_BUDGET 120	/* pcsim run-s to slice the counterexample */

struct hset {
	uint64_t *h;
	size_t n, cap;
};

/* Insert; false if present. Open addressing, 0 is the empty marker. */
static bool hset_add(struct hset *s, uint64_t k)
{
	size_t i;

	k |= 1;
	if (s->n * 2 >= s->cap) {
		struct hset g = { NULL, 0, s->cap ? s->cap * 2 : 1024 };

		g.h = calloc(g.cap, sizeof(*g.h));
		if (!g.h)
			return true;
		for (size_t j = 0; j < s->cap; j++)
			if (s->h[j])
				hset_add(&g, s->h[j]);
		free(s->h);
		*s = g;
	}
	for (i = (size_t)(k % s->cap); s->h[i]; i = (i + 1) % s->cap)
		if (s->h[i] == k)
			return false;
	s->h[i] = k;
	s->n++;
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *pcx_frequency(const struct pcx_report *rep, int inv)
{
	if (!rep->xr_inv[inv])
		return "Never";
	return rep->xr_inv[inv] == rep->xr_execs ? "Always" : "Sometimes";
}

/* The executed steps as a race diagram (one column per task that ran, at
 * most PCD_MAX_COLS): a scenario thread's operation line where it starts an
 * operation, then its steps (a looping step once). */
static char *events_diagram(struct sim *s, const struct scn_file *f, const struct pcs_event *ev,
			    unsigned n)
{
	const char *cols[PCD_MAX_COLS];
	int col[SIM_MAX_TASKS], thread[SIM_MAX_TASKS], opi[SIM_MAX_TASKS];
	struct pcd_row *rows = malloc((2 * (size_t)n + 1) * sizeof(*rows));
	unsigned ncols = 0, nrows = 0;
	const char *prev = NULL;
	int prev_task = -2;
	char *out;

	if (!rows)
		return NULL;
	for (int t = 0; t < SIM_MAX_TASKS; t++)
		col[t] = thread[t] = opi[t] = -1;
	for (unsigned i = 0; i < n; i++) {
		int t = ev[i].e_task;

		if (t < 0 || t >= SIM_MAX_TASKS || col[t] >= 0 || ncols == PCD_MAX_COLS)
			continue;
		col[t] = (int)ncols;
		cols[ncols++] = sim_task(s, (unsigned)t)->t_name;
		for (uint32_t k = 0; k < f->f_nthreads; k++)
			if (!strcmp(f->f_threads[k].t_name, cols[col[t]]))
				thread[t] = (int)k;
	}
	for (unsigned i = 0; i < n; i++) {
		int t = ev[i].e_task, c = t >= 0 && t < SIM_MAX_TASKS ? col[t] : -1;
		const struct scn_thread *th = c >= 0 && thread[t] >= 0 ? &f->f_threads[thread[t]] : NULL;

		if (c < 0)
			continue;
		if (th && ev[i].e_opi != opi[t] && ev[i].e_opi < th->t_nops) {
			opi[t] = ev[i].e_opi;
			rows[nrows].dr_col = (int8_t)c;
			scn_op_format(&th->t_ops[opi[t]], rows[nrows].dr_text,
				      sizeof(rows[nrows].dr_text));
			nrows++;
			prev = NULL;
		}
		if (t == prev_task && ev[i].e_step == prev)
			continue;
		prev = ev[i].e_step;
		prev_task = t;
		rows[nrows].dr_col = (int8_t)c;
		snprintf(rows[nrows].dr_text, sizeof(rows[nrows].dr_text), "  %s",
			 ev[i].e_step ? ev[i].e_step : "");
		nrows++;
	}
	out = pcd_render(cols, ncols, rows, nrows);
	free(rows);
	return out;
}

/* The race (or schedule) section of a printed scenario, malloc'd. */
static char *race_section(const char *text)
{
	const char *p = strstr(text, "\nrace\n"), *e;

	if (!p)
		p = strstr(text, "\nschedule ");
	if (!p)
		return NULL;
	p++;
	e = strstr(p, "\n\n");
	return strndup(p, e ? (size_t)(e - p) + 1 : strlen(p));
}

/* The reproducer of the first counterexample: sliced, checked, and with
 * x_out written. The run in s is replaced (the search resets anyway). */
static void reproduce(struct pcx_report *rep, struct sim *s, const struct sim_tape *tp,
		      const struct scn_file *f, const char *path, int vi,
		      const struct pcr_opts *o, const struct pcx_opts *xo, uint32_t mask)
{
	uint32_t want = 0, pick;
	struct pcf_repro_in in = { .ri_f = f, .ri_path = path, .ri_text = xo->x_text,
				   .ri_text_len = xo->x_text_len, .ri_vi = vi, .ri_oo = o,
				   .ri_s = s, .ri_tp = tp, .ri_budget = REPRO_BUDGET };
	struct pcf_repro_out ro;
	char by[120], file[512];
	FILE *out;

	if (vi >= 0 && f->f_variants[vi].v_expect.e_fail)
		for (int k = 0; k < SCN_INV__COUNT; k++)
			if (f->f_variants[vi].v_expect.e_invariants & (1u << k))
				want |= 1u << pc_invariant_lookup(
						scn_invariant_name((enum scn_invariant)k));
	pick = mask & want ? mask & want : mask;
	in.ri_inv = __builtin_ctz(pick);
	rep->xr_repro_inv = in.ri_inv;
	snprintf(by, sizeof(by), "pcsim explore (execution %llu)",
		 (unsigned long long)rep->xr_execs);
	in.ri_found_by = by;
	if (xo->x_out) {
		pcf_repro_path(f, vi, in.ri_inv, xo->x_out, file, sizeof(file));
		in.ri_out = file;
	}
	rep->xr_repro = __pcf_reproducer(&in, &ro, rep->xr_repro_error,
					 sizeof(rep->xr_repro_error));
	if (!rep->xr_repro)
		return;
	rep->xr_repro_race = ro.ro_race;
	rep->xr_repro_rows = ro.ro_rows;
	rep->xr_repro_candidate = ro.ro_sl.sl_candidate;
	rep->xr_repro_sliced = ro.ro_sl.sl_rows;
	rep->xr_repro_bytes.t_file = ro.ro_tg.t_file;
	rep->xr_repro_bytes.t_off = ro.ro_tg.t_off;
	rep->xr_repro_bytes.t_len = ro.ro_tg.t_len;
	if (ro.ro_race) {
		char *race = race_section(rep->xr_repro);

		if (race || !ro.ro_rows) {
			free(rep->xr_first.r_diagram);
			rep->xr_first.r_diagram = race;
		}
	}
	if (!xo->x_out)
		return;
	mkdir(xo->x_out, 0777);
	out = fopen(file, "w");
	if (!out || fputs(rep->xr_repro, out) < 0 || fclose(out)) {
		snprintf(rep->xr_repro_error, sizeof(rep->xr_repro_error), "cannot write %.250s", file);
		return;
	}
	snprintf(rep->xr_repro_path, sizeof(rep->xr_repro_path), "%s", file);
}

static void record_first(struct pcx_report *rep, struct sim *s, struct pcs *x,
			 const struct scn_file *f, int vi)
{
	const struct sim_tape *tp = pcs_tape(x);
	size_t need = sim_tape_format(tp, NULL, 0) + 1;
	const struct pcs_event *ev;
	unsigned n;

	rep->xr_found = true;
	rep->xr_first_exec = rep->xr_execs;
	rep->xr_first_tape = malloc(need);
	if (rep->xr_first_tape)
		sim_tape_format(tp, rep->xr_first_tape, need);
	pcr_collect(s, f, vi, &rep->xr_first);
	rep->xr_first_mask = rep->xr_first.r_inv_mask;
	ev = pcs_events(x, &n);
	rep->xr_first.r_diagram = events_diagram(s, f, ev, n);
}

/* --estimate: random probes of the tree (pcs_estimate_probe), each run as
 * an execution of the search is (end-of-run checks, final state, crash
 * states for a write log no probe met before), for the mean time of one.
 * The estimate counts the unreduced search's executions within the bound:
 * DPOR and sleep sets explore fewer (how many fewer is what they find). */
static void estimate(struct pcx_report *rep, struct sim *s, struct pcs *x,
		     const struct pcx_opts *xo)
{
	struct hset keys = { 0 };
	double t0 = now_s(), sum = 0, len = 0;

	for (uint32_t k = 0; k < xo->x_estimate; k++) {
		sum += pcs_estimate_probe(x, xo->x_seed ^ ((k + 1) * 0x9e3779b97f4a7c15ULL), &len);
		pc_model_finish(s);
		(void)pc_model_state_hash(s);
		if (xo->x_crash && hset_add(&keys, pc_model_crash_key(s))) {
			struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 256,
						.p_seed = xo->x_seed, .p_dedup = PC_DEDUP_POINT };
			bool complete;
			uint64_t dups;

			pc_model_check_crashes(s, 0, pc_wlog_len(s), &p, &complete, &dups);
		}
	}
	free(keys.h);
	rep->xr_est_probe_seconds = now_s() - t0;
	rep->xr_est_execs = sum / xo->x_estimate;
	rep->xr_est_seconds = rep->xr_est_execs * rep->xr_est_probe_seconds / xo->x_estimate;
}

int pcx_explore(const struct scn_file *f, const char *path, int vi, const struct pcr_opts *o,
		const struct pcx_opts *xo, struct pcx_report *rep, char *err, size_t len)
{
	struct pcr_opts oo = *o;
	struct pcs_opts so = { 0 };
	struct hset crash_keys = { 0 }, finals = { 0 };
	struct sim *s;
	struct pcs *x;
	double t0 = now_s(), last_print = 0;
	bool budget_hit = false;

	memset(rep, 0, sizeof(*rep));
	oo.early_events = xo->x_early_events;
	s = pcr_build(f, path, vi, &oo, err, len);
	if (!s)
		return -1;
	so.s_strategy = (enum pcs_strategy)xo->x_strategy;
	so.s_sleep_sets = xo->x_sleep_sets;
	so.s_dpor = xo->x_dpor && xo->x_sleep_sets;
	so.s_bounded = xo->x_preempt_bound != UINT32_MAX;
	so.s_preempt_bound = xo->x_preempt_bound;
	so.s_pct_depth = xo->x_pct_depth;
	so.s_seed = xo->x_seed;
	x = pcs_new(s, &so);
	if (!x || (xo->x_replay && pcs_set_replay(x, xo->x_replay, NULL))) {
		snprintf(err, len, "%s", x ? "--replay: malformed tape" : "out of memory");
		pcs_free(x);
		sim_destroy(s);
		return -1;
	}
	if (xo->x_estimate && xo->x_strategy == PCX_EXHAUSTIVE && !xo->x_replay)
		estimate(rep, s, x, xo);
	t0 = now_s();
	for (;;) {
		const struct pc_violation *v;
		unsigned nv;
		uint32_t mask = 0;

		if ((xo->x_max_execs && rep->xr_execs >= xo->x_max_execs) ||
		    (xo->x_max_seconds > 0 && now_s() - t0 > xo->x_max_seconds)) {
			budget_hit = true;
			break;
		}
		if (!pcs_next(x))
			break;
		if (pcs_pruned(x))
			continue;
		rep->xr_execs++;
		if (sim_status(s) == SIM_STEP_LIMIT || sim_status(s) == SIM_DIVERGED)
			snprintf(rep->xr_error, sizeof(rep->xr_error),
				 "execution %llu did not finish (%s)",
				 (unsigned long long)rep->xr_execs,
				 sim_status(s) == SIM_DIVERGED ? sim_divergence(s) : "step limit");
		pc_model_finish(s);
		if (xo->x_crash) {
			if (hset_add(&crash_keys, pc_model_crash_key(s))) {
				struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 256,
							.p_seed = xo->x_seed, .p_dedup = PC_DEDUP_POINT };
				bool complete;
				uint64_t dups;

				rep->xr_crash_states +=
					pc_model_check_crashes(s, 0, pc_wlog_len(s), &p, &complete, &dups);
			} else {
				rep->xr_crash_skipped++;
			}
		}
		nv = pc_violations(s, &v);
		for (unsigned i = 0; i < nv; i++)
			mask |= 1u << v[i].v_inv;
		for (int k = 0; k < PC_INV_N; k++)
			if (mask & (1u << k))
				rep->xr_inv[k]++;
		{
			uint64_t fh = pc_model_state_hash(s);

			if (hset_add(&finals, fh))
				rep->xr_finals_sum += fh | 1;
		}
		if (mask && !rep->xr_found) {
			record_first(rep, s, x, f, vi);
			if (xo->x_text)
				reproduce(rep, s, pcs_tape(x), f, path, vi, o, xo, mask);
		}
		if (mask && xo->x_stop_at_first)
			break;
		if (xo->x_progress && now_s() - last_print > 0.5) {
			last_print = now_s();
			if (rep->xr_est_execs > 0)
				fprintf(stderr, "\r  %llu / ~%.0f executions  ",
					(unsigned long long)rep->xr_execs, rep->xr_est_execs);
			else
				fprintf(stderr, "\r  %llu executions  ",
					(unsigned long long)rep->xr_execs);
		}
	}
	if (xo->x_progress && last_print > 0)
		fprintf(stderr, "\r%60s\r", "");
	rep->xr_pruned = pcs_pruned_total(x);
	rep->xr_bounded = pcs_bounded(x);
	rep->xr_dpor_skipped = pcs_dpor_skipped(x);
	if (pcs_dpor_fallbacks(x) && !rep->xr_error[0])
		snprintf(rep->xr_error, sizeof(rep->xr_error),
			 "%llu executions were too long for DPOR; their choice points were explored "
			 "in full", (unsigned long long)pcs_dpor_fallbacks(x));
	rep->xr_distinct_finals = finals.n;
	rep->xr_complete = xo->x_strategy == PCX_EXHAUSTIVE && !budget_hit && !xo->x_replay &&
			   !(xo->x_stop_at_first && rep->xr_found);
	rep->xr_seconds = now_s() - t0;
	free(crash_keys.h);
	free(finals.h);
	pcs_free(x);
	sim_destroy(s);
	return 0;
}

void pcx_report_free(struct pcx_report *rep)
{
	free(rep->xr_first_tape);
	rep->xr_first_tape = NULL;
	free(rep->xr_repro);
	rep->xr_repro = NULL;
	pcr_result_free(&rep->xr_first);
}
