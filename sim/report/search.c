/* SPDX-License-Identifier: MIT */
/*
 * sim/report/search.c - what `pcsim explore` and `pcsim fuzz` found, as
 * report variants.
 *
 * A searched variant is judged the way its command judges it:
 *
 *   explore   expected pass:  nothing broken in any execution     -> pass
 *                             something broken                    -> unexpected-fail
 *             expected fail:  every expected invariant broken in
 *                             some execution                      -> fail-expected
 *                             none broken                         -> unexpected-pass
 *                             some other broken                   -> unexpected-fail
 *   fuzz      expected pass:  as explore
 *             expected fail:  every expected invariant found      -> fail-expected
 *                             not (all) found                     -> not-found (as expected:
 *                                                                    a random search promises
 *                                                                    nothing)
 *
 * The counterexample is run again through the runner, so the report has
 * what a `pcsim run` failure has (violations with their bytes, the race
 * diagram, the timeline, the metrics): explore's first counterexample from
 * its tape on the scenario without its race section (the search leaves the
 * race out), every execution's crash states as the search checks them;
 * fuzz's first reproducer file as saved. When the run does not break the
 * invariant again (or there is none), the search's own violations and
 * diagram are kept, without a timeline or metrics, and sr_note says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

#define REPRO_MAX_BYTES	(SCN_MAX_FILE_BYTES + 1)

void rpt_search_free(struct rpt_search *sr)
{
	if (!sr)
		return;
	free(sr->sr_tape);
	free(sr->sr_replay);
	free(sr->sr_note);
	for (unsigned i = 0; i < sr->sr_nrepro; i++) {
		free(sr->sr_repro[i].rr_path);
		free(sr->sr_repro[i].rr_tape);
	}
}

bool rpt_is_search(const struct rpt *rp)
{
	return !strcmp(rp->rp_command, "explore") || !strcmp(rp->rp_command, "fuzz");
}

void rpt_search_found(const struct rpt_search *sr, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (sr->sr_kind == RS_FUZZ) {
		if (sr->sr_violating)
			snprintf(buf, len, "in %llu of %llu runs", (unsigned long long)sr->sr_violating,
				 (unsigned long long)sr->sr_execs);
		else
			snprintf(buf, len, "-");
		return;
	}
	for (int k = 0; k < PC_INV_N && at < len; k++) {
		if (!(sr->sr_inv_mask & (1u << k)))
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s %s (%llu of %llu)", at ? ", " : "",
				       pc_invariant_names[k],
				       sr->sr_inv[k] == sr->sr_execs ? "Always" : "Sometimes",
				       (unsigned long long)sr->sr_inv[k],
				       (unsigned long long)sr->sr_execs);
	}
	if (!at)
		snprintf(buf, len, "-");
}

void rpt_search_line(const struct rpt_search *sr, char *buf, size_t len)
{
	char bound[32] = "", shard[24] = "";

	if (sr->sr_kind == RS_EXPLORE && !strcmp(sr->sr_strategy, "exhaustive")) {
		if (sr->sr_bound == UINT32_MAX)
			snprintf(bound, sizeof(bound), ", no bound on deviations");
		else
			snprintf(bound, sizeof(bound), ", bound %u", sr->sr_bound);
	} else if (sr->sr_depth) {
		snprintf(bound, sizeof(bound), ", depth %u", sr->sr_depth);
	}
	if (sr->sr_nshards > 1)
		snprintf(shard, sizeof(shard), "%u/%u", sr->sr_shard, sr->sr_nshards);
	if (sr->sr_kind == RS_EXPLORE)
		snprintf(buf, len, "explore: %s search%s, seed %llu: %llu executions%s",
			 sr->sr_strategy, bound, (unsigned long long)sr->sr_seed,
			 (unsigned long long)sr->sr_execs,
			 sr->sr_complete ? " (complete)" : " (not complete)");
	else
		snprintf(buf, len, "fuzz: %s%s, seed %llu%s%s: %llu runs, %llu broke an invariant",
			 sr->sr_strategy, bound, (unsigned long long)sr->sr_seed,
			 sr->sr_nshards > 1 ? ", shard " : "", shard, (unsigned long long)sr->sr_execs,
			 (unsigned long long)sr->sr_violating);
}

/* The expectation of variant vi as a mask of enum pc_invariant. */
static uint32_t expected_mask(const struct scn_file *f, int vi, bool *fail)
{
	const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect : &f->f_expect_v;
	uint32_t want = 0;

	for (int k = 0; k < SCN_INV__COUNT; k++) {
		int inv = pc_invariant_lookup(scn_invariant_name((enum scn_invariant)k));

		if ((e->e_invariants & (1u << k)) && inv >= 0)
			want |= 1u << inv;
	}
	*fail = e->e_fail;
	return want;
}

/* The verdict of a search that broke `seen`, as the commands judge it. */
static void judge(struct rpt_variant *v, const struct scn_file *f, int vi, uint32_t seen,
		  bool fuzz)
{
	struct pcr_result *r = &v->rv_r;
	bool fail;
	uint32_t want = expected_mask(f, vi, &fail);

	r->r_expect_fail = fail;
	r->r_expect_mask = want;
	r->r_inv_mask = seen;
	r->r_failed = seen != 0;
	if (!fail)
		r->r_verdict = seen ? PCR_UNEXPECTED_FAIL : PCR_PASS;
	else if ((seen & want) == want)
		r->r_verdict = PCR_FAIL_EXPECTED;
	else if (fuzz) {
		v->rv_not_found = true;
		r->r_verdict = PCR_UNEXPECTED_PASS;
	} else
		r->r_verdict = seen ? PCR_UNEXPECTED_FAIL : PCR_UNEXPECTED_PASS;
}

/* Run g (a reproducer: the scenario with a tape and no race) as variant
 * vi. True when it broke every invariant in want; the result is in *r
 * either way (free it). */
static bool rerun(const struct scn_file *g, const char *path, int vi, const struct pcr_opts *o,
		  uint32_t want, struct pcr_result *r, char *why, size_t len)
{
	struct pcr_opts oo = *o;
	char err[600];

	oo.trace = NULL;
	if (pcr_run(g, path, vi, &oo, r, err, sizeof(err))) {
		snprintf(why, len, "the counterexample could not be run again: %s", err);
		return false;
	}
	if (r->r_error[0] && !(r->r_inv_mask & want)) {
		snprintf(why, len, "the counterexample's run again stopped: %s", r->r_error);
		return false;
	}
	if ((r->r_inv_mask & want) != want) {
		snprintf(why, len, "the counterexample run again from its tape did not break the "
			 "same invariants");
		return false;
	}
	return true;
}

/* The result a search variant keeps: the counterexample's run when it
 * broke the same invariants again, else what the search saw. */
static int keep(struct rpt_variant *v, const struct scn_file *g, struct pcr_result *run,
		bool replayed, const struct pcr_result *seen, const char *why)
{
	struct rpt_search *sr = v->rv_search;
	struct pcr_result r;
	int rc;

	if (replayed) {
		r = *run;
		memset(run, 0, sizeof(*run));
	} else {
		memset(&r, 0, sizeof(r));
		if (seen) {
			memcpy(r.r_viol, seen->r_viol, sizeof(r.r_viol));
			memcpy(r.r_viol_from, seen->r_viol_from, sizeof(r.r_viol_from));
			r.r_nviol = seen->r_nviol;
			r.r_diagram = seen->r_diagram ? strdup(seen->r_diagram) : NULL;
		}
		v->rv_no_metrics = true;
		if (why && !sr->sr_note)
			sr->sr_note = strdup(why);
	}
	sr->sr_replayed = replayed;
	rc = rpt__variant_take(v, g, &r);
	pcr_result_free(&r);
	return rc;
}

/* ---- explore ---- */

static const char *explore_strategy(enum pcx_strategy s)
{
	static const char *const n[] = { "exhaustive", "random", "pct" };

	return (unsigned)s < 3 ? n[s] : "?";
}

/* The command that replays the first counterexample. */
static char *explore_replay(const char *path, const struct scn_file *f, int vi,
			    const struct pcr_opts *o, const char *tape)
{
	struct sbuf b;

	sb_init(&b);
	sb_printf(&b, "pcsim explore %s", path);
	if (vi >= 0)
		sb_printf(&b, " --variant %s", f->f_variants[vi].v_name);
	for (unsigned i = 0; i < o->noverrides; i++)
		sb_printf(&b, " --knob %s=%s", o->override_name[i], o->override_value[i]);
	sb_printf(&b, " --replay '%s'", tape);
	return sb_take(&b);
}

/* The scenario as the search ran it: no race, the tape, crash states at
 * every event with every subset of the unflushed writes up to 256 (the
 * search's setting). NULL when it does not parse again. */
static struct scn_file *explore_file(const char *path, const char *text, size_t len,
				     const char *tape, bool crash)
{
	struct scn_file *g = NULL;
	struct scn_diag d;

	if (scn_parse(path, text, len, &pcr_vocab, &g, &d))
		return NULL;
	g->f_nitems = 0;
	g->f_ncolumns = 0;
	g->f_sched_form = SCN_SCHED_NONE;
	g->f_sched.present = false;
	g->f_crash_kind = crash ? SCN_CRASH_EVERY_EVENT : SCN_CRASH_NONE;
	g->f_persist_kind = SCN_PERSIST_ALL_SUBSETS;
	g->f_persist_max = 8;
	g->f_tape_info.present = true;
	g->f_tape = strdup(tape);
	if (!g->f_tape) {
		scn_free(g);
		return NULL;
	}
	return g;
}

int rpt_explore(struct rpt *rp, const struct scn_file *f, const char *path, const char *text,
		size_t len, int vi, const struct pcr_opts *o, const struct pcx_opts *xo,
		const struct pcx_report *xr)
{
	struct rpt_variant *v = rpt__variant_new(rp, f, vi);
	struct rpt_search *sr;
	struct scn_file *g = NULL;
	struct pcr_result run;
	char why[700] = "no execution broke an invariant";
	bool replayed = false;
	int rc;

	if (!v || !(v->rv_search = sr = calloc(1, sizeof(*sr))))
		return -1;
	sr->sr_kind = RS_EXPLORE;
	snprintf(sr->sr_strategy, sizeof(sr->sr_strategy), "%s", explore_strategy(xo->x_strategy));
	sr->sr_seed = xo->x_seed;
	sr->sr_bound = xo->x_strategy == PCX_EXHAUSTIVE ? xo->x_preempt_bound : 0;
	sr->sr_depth = xo->x_strategy == PCX_PCT ? xo->x_pct_depth : 0;
	sr->sr_crash = xo->x_crash;
	sr->sr_early_events = xo->x_early_events;
	sr->sr_execs = xr->xr_execs;
	sr->sr_complete = xr->xr_complete;
	sr->sr_pruned = xr->xr_pruned;
	sr->sr_bounded = xr->xr_bounded;
	sr->sr_finals = xr->xr_distinct_finals;
	sr->sr_crash_states = xr->xr_crash_states;
	sr->sr_crash_shared = xr->xr_crash_skipped;
	sr->sr_seconds = xr->xr_seconds;
	for (int k = 0; k < PC_INV_N; k++) {
		sr->sr_inv[k] = xr->xr_inv[k];
		if (xr->xr_inv[k])
			sr->sr_inv_mask |= 1u << k;
	}
	if (xr->xr_error[0])
		sr->sr_note = strdup(xr->xr_error);
	memset(&run, 0, sizeof(run));
	if (xr->xr_found && xr->xr_first_tape) {
		sr->sr_first = xr->xr_first_exec;
		sr->sr_tape = strdup(xr->xr_first_tape);
		sr->sr_replay = explore_replay(path, f, vi, o, xr->xr_first_tape);
		v->rv_replay = sr->sr_replay ? strdup(sr->sr_replay) : NULL;
		g = explore_file(path, text, len, xr->xr_first_tape, xo->x_crash);
		if (!g)
			snprintf(why, sizeof(why), "the scenario did not parse again");
		else
			replayed = rerun(g, path, vi, o, xr->xr_first_mask, &run, why, sizeof(why));
	}
	rc = keep(v, g ? g : f, &run, replayed, xr->xr_found ? &xr->xr_first : NULL,
		  xr->xr_found ? why : NULL);
	pcr_result_free(&run);
	scn_free(g);
	judge(v, f, vi, sr->sr_inv_mask, false);
	v->rv_r.r_crash_states = sr->sr_crash_states;
	v->rv_r.r_crash_dups = sr->sr_crash_shared;
	return rc;
}

/* ---- fuzz ---- */

static const char *fuzz_strategy(enum pcf_strategy s)
{
	static const char *const n[] = { "random", "pct", "swarm" };

	return (unsigned)s < 3 ? n[s] : "?";
}

/* The reproducer file's text (malloc'd), or NULL. */
static char *read_repro(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = fp ? malloc(REPRO_MAX_BYTES + 1) : NULL;

	if (!buf) {
		if (fp)
			fclose(fp);
		return NULL;
	}
	*len = fread(buf, 1, REPRO_MAX_BYTES, fp);
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

/* The reproducers the campaign saved, one per invariant found: their
 * paths (as pcsim fuzz names them) and tapes (a tape line's, else the run
 * the last one written says, which fuzz keeps in st). */
static void reproducers(struct rpt_search *sr, const struct scn_file *f, int vi,
			const struct pcf_opts *fo, const struct pcf_stats *st, uint32_t mask)
{
	for (int k = 0; k < PC_INV_N && fo->f_out; k++) {
		char path[600];
		struct scn_file *g = NULL;
		struct scn_diag d;
		struct rpt_repro *rr;
		size_t len = 0;
		char *text;

		if (!(mask & (1u << k)))
			continue;
		pcf_repro_path(f, vi, k, fo->f_out, path, sizeof(path));
		if (!(text = read_repro(path, &len)))
			continue;
		rr = &sr->sr_repro[sr->sr_nrepro++];
		rr->rr_inv = (uint8_t)k;
		rr->rr_path = strdup(path);
		if (!scn_parse(path, text, len, &pcr_vocab, &g, &d) && g->f_tape)
			rr->rr_tape = strdup(g->f_tape);
		else if (!strcmp(path, st->fs_repro) && st->fs_repro_tape[0])
			rr->rr_tape = strdup(st->fs_repro_tape);
		scn_free(g);
		free(text);
	}
}

/* Run the first reproducer; *g is its parsed file (free it). */
static bool fuzz_rerun(const struct rpt_search *sr, const struct pcr_opts *o, struct scn_file **g,
		       struct pcr_result *r, char *why, size_t len)
{
	const char *path = sr->sr_repro[0].rr_path;
	struct scn_diag d;
	size_t n = 0;
	char *text = read_repro(path, &n);
	bool ok;

	*g = NULL;
	if (!text || scn_parse(path, text, n, &pcr_vocab, g, &d)) {
		snprintf(why, len, "the reproducer %s could not be read again", path);
		free(text);
		return false;
	}
	free(text);
	ok = rerun(*g, path, (*g)->f_nvariants ? 0 : -1, o, 1u << sr->sr_repro[0].rr_inv, r, why,
		   len);
	if (!ok)
		snprintf(why + strlen(why), len - strlen(why), " (%s)", path);
	return ok;
}

static char *fuzz_replay(const char *path, const struct scn_file *f, int vi,
			 const struct pcr_opts *o, const struct pcf_opts *fo,
			 const struct rpt_search *sr)
{
	struct sbuf b;

	sb_init(&b);
	if (sr->sr_nrepro) {
		sb_printf(&b, "pcsim run %s --trace", sr->sr_repro[0].rr_path);
		return sb_take(&b);
	}
	/* no reproducer: the campaign itself, which is deterministic by its runs */
	sb_printf(&b, "pcsim fuzz %s", path);
	if (vi >= 0)
		sb_printf(&b, " --variant %s", f->f_variants[vi].v_name);
	sb_printf(&b, " --strategy %s --seed %llu", sr->sr_strategy,
		  (unsigned long long)sr->sr_seed);
	if (fo->f_runs)
		sb_printf(&b, " --runs %llu", (unsigned long long)fo->f_runs);
	if (sr->sr_nshards > 1)
		sb_printf(&b, " --shard %u/%u", sr->sr_shard, sr->sr_nshards);
	for (unsigned i = 0; i < o->noverrides; i++)
		sb_printf(&b, " --knob %s=%s", o->override_name[i], o->override_value[i]);
	sb_puts(&b, " --out DIR");
	return sb_take(&b);
}

int rpt_fuzz(struct rpt *rp, const struct scn_file *f, const char *path, int vi,
	     const struct pcr_opts *o, const struct pcf_opts *fo, const struct pcf_stats *st)
{
	struct rpt_variant *v = rpt__variant_new(rp, f, vi);
	struct rpt_search *sr;
	struct scn_file *g = NULL;
	struct pcr_result run;
	char why[700] = "no reproducer was saved (pcsim fuzz --out DIR saves them)";
	bool replayed = false;
	int rc;

	if (!v || !(v->rv_search = sr = calloc(1, sizeof(*sr))))
		return -1;
	sr->sr_kind = RS_FUZZ;
	snprintf(sr->sr_strategy, sizeof(sr->sr_strategy), "%s", fuzz_strategy(fo->f_strategy));
	sr->sr_seed = fo->f_seed;
	sr->sr_depth = fo->f_strategy == PCF_PCT ? fo->f_pct_depth : 0;
	sr->sr_crash = fo->f_crash;
	sr->sr_early_events = fo->f_early_events;
	sr->sr_shard = fo->f_shard;
	sr->sr_nshards = fo->f_nshards;
	sr->sr_execs = st->fs_runs;
	sr->sr_crash_states = st->fs_crash_states;
	sr->sr_violating = st->fs_violating_runs;
	sr->sr_first = st->fs_first_run;
	sr->sr_inv_mask = st->fs_inv_mask;
	sr->sr_tape_len = st->fs_tape_len;
	sr->sr_shrunk_len = st->fs_shrunk_len;
	sr->sr_seconds = st->fs_seconds;
	reproducers(sr, f, vi, fo, st, st->fs_inv_mask);
	v->rv_replay = fuzz_replay(path, f, vi, o, fo, sr);
	memset(&run, 0, sizeof(run));
	if (sr->sr_nrepro)
		replayed = fuzz_rerun(sr, o, &g, &run, why, sizeof(why));
	rc = keep(v, g ? g : f, &run, replayed, NULL, st->fs_inv_mask ? why : NULL);
	pcr_result_free(&run);
	scn_free(g);
	judge(v, f, vi, sr->sr_inv_mask, true);
	v->rv_r.r_crash_states = sr->sr_crash_states;
	v->rv_r.r_crash_dups = 0;
	return rc;
}
