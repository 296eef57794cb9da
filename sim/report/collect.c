/* SPDX-License-Identifier: MIT */
/*
 * sim/report/collect.c - building a report from the runner's results: one
 * entry per scenario file, one per variant, with the variant's step log
 * turned into timeline rows that no longer need the scenario tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

struct rpt *rpt_new(const char *command, const struct pcr_opts *o, const char *only_variant,
		    bool wall_time)
{
	struct rpt *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	snprintf(rp->rp_command, sizeof(rp->rp_command), "%s", command ? command : "run");
	rp->rp_oracle = o ? o->oracle : -1;
	rp->rp_seed = o ? o->seed : 0;
	for (unsigned i = 0; o && i < o->noverrides && i < PCR_MAX_OVERRIDES; i++) {
		snprintf(rp->rp_knobs[i][0], sizeof(rp->rp_knobs[i][0]), "%s", o->override_name[i]);
		snprintf(rp->rp_knobs[i][1], sizeof(rp->rp_knobs[i][1]), "%s", o->override_value[i]);
		rp->rp_nknobs++;
	}
	snprintf(rp->rp_variant, sizeof(rp->rp_variant), "%s", only_variant ? only_variant : "");
	rp->rp_wall_time = wall_time;
	return rp;
}

static void variant_free(struct rpt_variant *v)
{
	rpt_search_free(v->rv_search);
	free(v->rv_search);
	pcr_result_free(&v->rv_r);
	free(v->rv_error);
	free(v->rv_replay);
	free(v->rv_steps);
}

void rpt_free(struct rpt *rp)
{
	if (!rp)
		return;
	for (unsigned i = 0; i < rp->rp_ns; i++) {
		struct rpt_scenario *s = &rp->rp_s[i];

		for (unsigned k = 0; k < s->rs_nv; k++)
			variant_free(&s->rs_v[k]);
		free(s->rs_v);
		free(s->rs_path);
		free(s->rs_about);
		free(s->rs_header);
		free(s->rs_error);
	}
	free(rp->rp_s);
	free(rp);
}

static const char *crash_kind(const struct scn_file *f)
{
	switch (f->f_crash_kind) {
	case SCN_CRASH_EVERY_EVENT: return "every-event";
	case SCN_CRASH_AFTER: return "after";
	case SCN_CRASH_AFTER_EACH_OP: return "after-each-op";
	case SCN_CRASH_NONE: return "none";
	default: return "script";
	}
}

/* The header comment as one paragraph: lines joined, '#' and indentation
 * dropped. */
static char *about(const struct scn_file *f)
{
	const char *h = f->f_header;
	char *out, *o;

	if (!h || !(out = malloc(strlen(h) + 1)))
		return NULL;
	o = out;
	while (*h) {
		while (*h == '#' || *h == ' ' || *h == '\t')
			h++;
		while (*h && *h != '\n')
			*o++ = *h++;
		if (*h == '\n') {
			h++;
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		}
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static void base_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && !strcmp(b + n - 4, ".scn"))
		n -= 4;
	snprintf(out, len, "%.*s", (int)n, b);
}

int rpt_scenario(struct rpt *rp, const char *path, const char *text, size_t len,
		 const struct scn_file *f, const char *error)
{
	struct rpt_scenario *s;

	if (rp->rp_ns == rp->rp_cap) {
		unsigned cap = rp->rp_cap ? rp->rp_cap * 2 : 16;
		struct rpt_scenario *n;

		if (cap > RPT_MAX_SCENARIOS || !(n = realloc(rp->rp_s, cap * sizeof(*n))))
			return -1;
		rp->rp_s = n;
		rp->rp_cap = cap;
	}
	s = &rp->rp_s[rp->rp_ns];
	memset(s, 0, sizeof(*s));
	s->rs_path = strdup(path);
	s->rs_hash = sim_hash_bytes(SIM_HASH_INIT, text, len);
	if (f) {
		snprintf(s->rs_name, sizeof(s->rs_name), "%s", scn_name(f));
		snprintf(s->rs_profile, sizeof(s->rs_profile), "%s", f->f_profile);
		snprintf(s->rs_crash, sizeof(s->rs_crash), "%s", crash_kind(f));
		s->rs_about = about(f);
		s->rs_header = f->f_header ? strdup(f->f_header) : NULL;
		for (uint32_t t = 0; t < f->f_nthreads && t < SCN_MAX_THREADS; t++) {
			snprintf(s->rs_thread[t], sizeof(s->rs_thread[t]), "%s",
				 f->f_threads[t].t_name);
			snprintf(s->rs_label[t], sizeof(s->rs_label[t]), "%s",
				 f->f_threads[t].t_has_label ? f->f_threads[t].t_label : "");
			s->rs_nthreads++;
		}
	} else {
		base_name(path, s->rs_name, sizeof(s->rs_name));
		s->rs_error = strdup(error ? error : "parse error");
	}
	rp->rp_ns++;
	return s->rs_path ? 0 : -1;
}

static void knob_text(const struct scn_file *f, int vi, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (vi < 0)
		return;
	for (uint32_t i = 0; i < f->f_variants[vi].v_nknobs && at < len; i++) {
		const struct scn_knob *k = &f->f_variants[vi].v_knobs[i];

		at += (size_t)snprintf(buf + at, len - at, "%s%s=%s", at ? " " : "", k->k_name,
				       k->k_value);
	}
}

/* The block size the variant ran with: the profile's default, then the fs
 * line, the variant's knobs and --knob, as the runner applies them. */
static uint32_t block_size(const struct rpt *rp, const struct scn_file *f, int vi)
{
	struct pc_knobs k;
	char err[256];
	int p = pc_profile_lookup(f->f_profile);

	if (p < 0)
		return 0;
	pc_knobs_default(&k, (enum pc_profile)p);
	for (uint32_t i = 0; i < f->f_nknobs; i++)
		pc_knob_set(&k, f->f_knobs[i].k_name, f->f_knobs[i].k_value, err, sizeof(err));
	for (uint32_t i = 0; vi >= 0 && i < f->f_variants[vi].v_nknobs; i++)
		pc_knob_set(&k, f->f_variants[vi].v_knobs[i].k_name,
			    f->f_variants[vi].v_knobs[i].k_value, err, sizeof(err));
	for (unsigned i = 0; i < rp->rp_nknobs; i++)
		pc_knob_set(&k, rp->rp_knobs[i][0], rp->rp_knobs[i][1], err, sizeof(err));
	return k.k_bs;
}

/* The runner's step log as timeline rows (operation text resolved). */
static int take_steps(struct rpt_variant *v, const struct scn_file *f, const struct pcr_result *r)
{
	unsigned n = r->r_nlog < RPT_MAX_STEPS ? r->r_nlog : RPT_MAX_STEPS;

	v->rv_steps_cut = r->r_nlog >= PCR_MAX_LOG;
	if (!n)
		return 0;
	v->rv_steps = calloc(n, sizeof(*v->rv_steps));
	if (!v->rv_steps)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const struct pcr_logent *l = &r->r_log[i];
		struct rpt_step *st = &v->rv_steps[i];

		st->st_kind = l->l_kind;
		st->st_ret = l->l_ret;
		st->st_lifetime = l->l_lifetime;
		snprintf(st->st_task, sizeof(st->st_task), "%s", l->l_name);
		if (l->l_kind == RPT_STEP)
			snprintf(st->st_what, sizeof(st->st_what), "%s", l->l_step ? l->l_step : "?");
		else if (l->l_kind == RPT_OP && l->l_op < f->f_nitems)
			scn_op_format(&f->f_items[l->l_op].si_op, st->st_what, sizeof(st->st_what));
		st->st_time = l->l_time;
		st->st_wlog = l->l_wlog;
		st->st_isize = l->l_isize;
		st->st_disksize = l->l_disksize;
		st->st_durable = l->l_durable;
	}
	v->rv_nsteps = n;
	return 0;
}

/* The variant's expectation, for a variant that did not run (the runner
 * fills it in for one that did). */
static void expectation(const struct scn_file *f, int vi, struct pcr_result *r)
{
	const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect : &f->f_expect_v;

	r->r_expect_fail = e->e_fail;
	for (int k = 0; k < SCN_INV__COUNT; k++) {
		int inv = pc_invariant_lookup(scn_invariant_name((enum scn_invariant)k));

		if ((e->e_invariants & (1u << k)) && inv >= 0)
			r->r_expect_mask |= 1u << inv;
	}
}

/* ---- durability latencies on the step log ---- */

#define LAT_PENDING 256

/* Sizes file 0's i_disksize grew to and when, waiting for the durable size
 * to reach them; a truncate below a target drops it, a power cut drops them all. */
struct lat {
	uint64_t lt_size[LAT_PENDING];
	sim_time_t lt_t0[LAT_PENDING];
	unsigned lt_n;
	uint64_t lt_prev;
	sim_time_t lt_max;
};

static void lat_step(struct lat *x, uint64_t size, uint64_t durable, sim_time_t now)
{
	unsigned k = 0;

	if (size > x->lt_prev && x->lt_n < LAT_PENDING) {
		x->lt_size[x->lt_n] = size;
		x->lt_t0[x->lt_n++] = now;
	}
	x->lt_prev = size;
	for (unsigned i = 0; i < x->lt_n; i++) {
		if (durable >= x->lt_size[i] || size < x->lt_size[i]) {
			if (durable >= x->lt_size[i] && now - x->lt_t0[i] > x->lt_max)
				x->lt_max = now - x->lt_t0[i];
			continue;
		}
		x->lt_size[k] = x->lt_size[i];
		x->lt_t0[k++] = x->lt_t0[i];
	}
	x->lt_n = k;
}

/* Worst time from file 0's in-memory i_disksize growing to that size being
 * durable, over the run's step log (the commit delay alone: the model's
 * per-operation latencies, model/latency.c, start at the operation's
 * response instead); a size never durable counts until the run's end. Only
 * when the log is complete. */
static void latencies(struct rpt_variant *v, const struct pcr_result *r)
{
	struct lat ld;
	uint8_t life = 0;

	memset(&ld, 0, sizeof(ld));
	v->rv_lat_known = r->r_nlog < PCR_MAX_LOG;
	for (unsigned i = 0; i < r->r_nlog; i++) {
		const struct pcr_logent *l = &r->r_log[i];

		if (l->l_kind != RPT_STEP)
			continue;
		if (l->l_lifetime != life || i == 0) {
			life = l->l_lifetime;
			ld.lt_n = 0;
			ld.lt_prev = l->l_disksize;
		}
		lat_step(&ld, l->l_disksize, l->l_durable, l->l_time);
	}
	for (unsigned i = 0; i < ld.lt_n; i++)
		if (r->r_sim_time - ld.lt_t0[i] > ld.lt_max)
			ld.lt_max = r->r_sim_time - ld.lt_t0[i];
	v->rv_disksize_lat = ld.lt_max;
}

struct rpt_variant *rpt__variant_new(struct rpt *rp, const struct scn_file *f, int vi)
{
	struct rpt_scenario *s = rp->rp_ns ? &rp->rp_s[rp->rp_ns - 1] : NULL;
	struct rpt_variant *v;

	if (!s)
		return NULL;
	if (s->rs_nv == s->rs_cap) {
		unsigned cap = s->rs_cap ? s->rs_cap * 2 : 4;
		struct rpt_variant *n = realloc(s->rs_v, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->rs_v = n;
		s->rs_cap = cap;
	}
	v = &s->rs_v[s->rs_nv++];
	memset(v, 0, sizeof(*v));
	v->rv_has_name = vi >= 0;
	if (vi >= 0)
		snprintf(v->rv_r.r_variant, sizeof(v->rv_r.r_variant), "%s",
			 f->f_variants[vi].v_name);
	knob_text(f, vi, v->rv_knobs, sizeof(v->rv_knobs));
	v->rv_bs = block_size(rp, f, vi);
	expectation(f, vi, &v->rv_r);
	return v;
}

int rpt__variant_take(struct rpt_variant *v, const struct scn_file *g, struct pcr_result *r)
{
	char name[SCN_MAX_NAME + 1];
	int rc = 0;

	memcpy(name, v->rv_r.r_variant, sizeof(name));
	v->rv_ran = true;
	v->rv_r = *r;
	memcpy(v->rv_r.r_variant, name, sizeof(name));
	if (r->r_error[0] && !v->rv_error)
		v->rv_error = strdup(r->r_error);
	latencies(v, r);
	if (rpt_has_details(v))
		rc = take_steps(v, g, r);
	/* the diagram is ours now; the step log stays with the caller */
	r->r_diagram = NULL;
	v->rv_r.r_log = NULL;
	v->rv_r.r_nlog = 0;
	return rc;
}

int rpt_variant(struct rpt *rp, const struct scn_file *f, int vi, struct pcr_result *r,
		const char *replay, const char *error)
{
	struct rpt_variant *v = rpt__variant_new(rp, f, vi);

	if (!v)
		return -1;
	v->rv_replay = replay ? strdup(replay) : NULL;
	if (!r) {
		v->rv_error = strdup(error ? error : "the variant did not run");
		return 0;
	}
	return rpt__variant_take(v, f, r);
}
