/* SPDX-License-Identifier: MIT */
/*
 * sim/report/json_out.c - the results JSON (docs/reports.md, the schema is
 * docs/results.schema.json), built with jansson. A variant of pcsim
 * explore or fuzz carries a "search" object with what the search found.
 *
 * Keys come out in the order they are added, integers as integers; 64-bit
 * hashes are 16 hex digits in a string (JSON numbers lose bits past 2^53
 * in most readers). Wall-clock time ("wall_ms") only when asked for, so two
 * runs of the same inputs give the same bytes.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

static json_t *jstr(const char *s)
{
	char *c = rpt_utf8(s);
	json_t *j = c ? json_string(c) : NULL;

	free(c);
	return j ? j : json_string("");
}

static json_t *jstr_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

static json_t *ju64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v);
}

static json_t *jhex(uint64_t v)
{
	char b[20];

	snprintf(b, sizeof(b), "%016llx", (unsigned long long)v);
	return json_string(b);
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v ? v : json_null());
}

static json_t *inv_array(uint32_t mask)
{
	json_t *a = json_array();

	for (int k = 0; k < PC_INV_N; k++)
		if (mask & (1u << k))
			json_array_append_new(a, json_string(pc_invariant_names[k]));
	return a;
}

static json_t *violation(const struct pcr_result *r, unsigned i)
{
	const struct pc_violation *v = &r->r_viol[i];
	json_t *o = json_object();

	set(o, "invariant", json_string(pc_invariant_names[v->v_inv]));
	set(o, "file", json_integer(v->v_file));
	set(o, "offset", ju64(v->v_off));
	set(o, "length", ju64(v->v_len));
	set(o, "after_crash", json_boolean(v->v_crash));
	set(o, "crash_point", v->v_crash ? json_integer(v->v_crash_point) : json_null());
	set(o, "provenance", jstr(r->r_viol_from[i]));
	set(o, "message", jstr(v->v_msg));
	set(o, "step", ju64(v->v_step));
	set(o, "time_ns", ju64(v->v_time));
	return o;
}

static json_t *kinds(const uint64_t *x)
{
	static const char *const names[PC_BIO_NKINDS] = { "data", "zero", "meta", "log",
							  "commit", "flush" };
	json_t *o = json_object();

	for (unsigned k = 0; k < PC_BIO_NKINDS; k++)
		set(o, names[k], ju64(x[k]));
	return o;
}

static json_t *metrics(const struct rpt_variant *v)
{
	const struct pc_metrics *m = &v->rv_r.r_metrics;
	json_t *o = json_object();

	set(o, "ios", kinds(m->m_ios));
	set(o, "io_blocks", kinds(m->m_io_blocks));
	for (int id = RM_ZERO_BLOCK_IOS; id < RM__COUNT; id++)
		if (!strchr(rpt_metric_defs[id].md_key, '.'))
			set(o, rpt_metric_defs[id].md_key,
			    rpt_metric_known(v, (enum rpt_metric_id)id)
				    ? ju64(rpt_metric(v, (enum rpt_metric_id)id)) : json_null());
	return o;
}

static json_t *crash_states(const struct rpt_scenario *s, const struct rpt_variant *v)
{
	const struct pcr_result *r = &v->rv_r;
	json_t *o = json_object(), *cv = json_null();

	if (r->r_crash_violation) {
		json_t *sv = json_array();

		cv = json_object();
		for (unsigned i = 0; i < r->r_nsurvivors; i++)
			json_array_append_new(sv, json_integer(r->r_survivors[i]));
		set(cv, "crash_point", json_integer(r->r_crash_point));
		set(cv, "survivors", sv);
	}
	set(o, "mode", json_string(s->rs_crash));
	set(o, "checked", ju64(r->r_crash_states));
	set(o, "duplicates", ju64(r->r_crash_dups));
	set(o, "complete", json_boolean(r->r_crash_complete));
	set(o, "first_violation", cv);
	return o;
}

/* ---- what explore and fuzz found ---- */

static json_t *explore_json(const struct rpt_search *sr, json_t *o)
{
	json_t *inv = json_object();

	set(o, "preemption_bound", !strcmp(sr->sr_strategy, "exhaustive") &&
					   sr->sr_bound != UINT32_MAX ? json_integer(sr->sr_bound)
								      : json_null());
	set(o, "pruned", ju64(sr->sr_pruned));
	set(o, "bounded", ju64(sr->sr_bounded));
	set(o, "distinct_final_states", ju64(sr->sr_finals));
	set(o, "crash_states_shared", ju64(sr->sr_crash_shared));
	for (int k = 0; k < PC_INV_N; k++) {
		json_t *e = json_object();

		set(e, "executions", ju64(sr->sr_inv[k]));
		set(e, "frequency", json_string(!sr->sr_inv[k] ? "Never"
						: sr->sr_inv[k] == sr->sr_execs ? "Always"
										: "Sometimes"));
		set(inv, pc_invariant_names[k], e);
	}
	set(o, "invariants", inv);
	set(o, "tape", jstr_or_null(sr->sr_tape));
	set(o, "replay", jstr_or_null(sr->sr_replay));
	return o;
}

static json_t *fuzz_json(const struct rpt_search *sr, json_t *o)
{
	json_t *ra = json_array();

	set(o, "shard", json_integer(sr->sr_shard));
	set(o, "shards", json_integer(sr->sr_nshards));
	set(o, "violating_executions", ju64(sr->sr_violating));
	set(o, "tape_length", sr->sr_first ? json_integer(sr->sr_tape_len) : json_null());
	set(o, "shrunk_length", sr->sr_first ? json_integer(sr->sr_shrunk_len) : json_null());
	for (unsigned i = 0; i < sr->sr_nrepro; i++) {
		json_t *e = json_object();

		set(e, "invariant", json_string(pc_invariant_names[sr->sr_repro[i].rr_inv]));
		set(e, "path", jstr(sr->sr_repro[i].rr_path));
		set(e, "tape", jstr_or_null(sr->sr_repro[i].rr_tape));
		json_array_append_new(ra, e);
	}
	set(o, "reproducers", ra);
	return o;
}

static json_t *search(const struct rpt *rp, const struct rpt_search *sr)
{
	json_t *o;

	if (!sr)
		return json_null();
	o = json_object();
	set(o, "kind", json_string(sr->sr_kind == RS_EXPLORE ? "explore" : "fuzz"));
	set(o, "strategy", json_string(sr->sr_strategy));
	set(o, "seed", ju64(sr->sr_seed));
	set(o, "pct_depth", sr->sr_depth ? json_integer(sr->sr_depth) : json_null());
	set(o, "crash", json_boolean(sr->sr_crash));
	set(o, "early_events", json_boolean(sr->sr_early_events));
	set(o, "executions", ju64(sr->sr_execs));
	set(o, "complete", json_boolean(sr->sr_complete));
	set(o, "crash_states", ju64(sr->sr_crash_states));
	set(o, "invariants_found", inv_array(sr->sr_inv_mask));
	set(o, "first_violation", sr->sr_first ? ju64(sr->sr_first) : json_null());
	set(o, "counterexample_replayed", json_boolean(sr->sr_replayed));
	set(o, "note", jstr_or_null(sr->sr_note));
	if (rp->rp_wall_time)
		set(o, "seconds", json_real((double)(long long)(sr->sr_seconds * 1000) / 1000));
	return sr->sr_kind == RS_EXPLORE ? explore_json(sr, o) : fuzz_json(sr, o);
}

static json_t *variant(const struct rpt *rp, const struct rpt_scenario *s,
		       const struct rpt_variant *v)
{
	const struct pcr_result *r = &v->rv_r;
	json_t *o = json_object(), *e = json_object(), *va = json_array();

	set(o, "name", v->rv_has_name ? jstr(r->r_variant) : json_null());
	set(o, "knobs", jstr(v->rv_knobs));
	set(o, "block_size", json_integer(v->rv_bs));
	set(o, "verdict", json_string(rpt_verdict_key(v)));
	set(o, "as_expected", json_boolean(rpt_as_expected(v)));
	set(e, "fail", json_boolean(r->r_expect_fail));
	set(e, "invariants", inv_array(r->r_expect_mask));
	set(o, "expect", e);
	set(o, "invariants", inv_array(r->r_inv_mask));
	for (unsigned i = 0; i < r->r_nviol; i++)
		json_array_append_new(va, violation(r, i));
	set(o, "violations", va);
	set(o, "error", jstr_or_null(v->rv_error));
	set(o, "crash_states", v->rv_ran ? crash_states(s, v) : json_null());
	set(o, "metrics", v->rv_ran && !v->rv_no_metrics ? metrics(v) : json_null());
	set(o, "trace_hash", v->rv_ran && !v->rv_no_metrics ? jhex(r->r_trace_hash) : json_null());
	set(o, "replay", jstr_or_null(v->rv_replay));
	set(o, "diagram", jstr_or_null(r->r_diagram));
	set(o, "search", search(rp, v->rv_search));
	if (rp->rp_wall_time)
		set(o, "wall_ms", json_real(v->rv_ran ? (double)(long long)(r->r_ms * 1000) / 1000
						    : 0));
	return o;
}

static json_t *scenario(const struct rpt *rp, const struct rpt_scenario *s)
{
	json_t *o = json_object(), *va = json_array();

	set(o, "path", jstr(s->rs_path));
	set(o, "name", jstr(s->rs_name));
	set(o, "hash", jhex(s->rs_hash));
	set(o, "profile", s->rs_error ? json_null() : jstr(s->rs_profile));
	set(o, "about", jstr_or_null(s->rs_about));
	set(o, "error", jstr_or_null(s->rs_error));
	for (unsigned k = 0; k < s->rs_nv; k++)
		json_array_append_new(va, variant(rp, s, &s->rs_v[k]));
	set(o, "variants", va);
	return o;
}

static json_t *options(const struct rpt *rp)
{
	json_t *o = json_object(), *k = json_object();

	for (unsigned i = 0; i < rp->rp_nknobs; i++)
		set(k, rp->rp_knobs[i][0], jstr(rp->rp_knobs[i][1]));
	set(o, "knobs", k);
	set(o, "oracle", json_string(rp->rp_oracle < 0 ? "file" : rp->rp_oracle ? "strict"
									      : "default"));
	set(o, "seed", ju64(rp->rp_seed));
	set(o, "variant", rp->rp_variant[0] ? jstr(rp->rp_variant) : json_null());
	set(o, "wall_time", json_boolean(rp->rp_wall_time));
	return o;
}

static json_t *summary(const struct rpt *rp)
{
	struct rpt_counts c;
	json_t *o = json_object();

	rpt_count(rp, &c);
	set(o, "scenarios", json_integer(c.c_scenarios));
	set(o, "variants", json_integer(c.c_variants));
	set(o, "as_expected", json_integer(c.c_ok));
	set(o, "not_as_expected", json_integer(c.c_bad));
	set(o, "pass", json_integer(c.c_pass));
	set(o, "fail_expected", json_integer(c.c_fail_expected));
	set(o, "unexpected_pass", json_integer(c.c_unexpected_pass));
	set(o, "unexpected_fail", json_integer(c.c_unexpected_fail));
	set(o, "not_found", json_integer(c.c_not_found));
	set(o, "errors", json_integer(c.c_error));
	set(o, "parse_errors", json_integer(c.c_parse_errors));
	return o;
}

char *rpt_json_str(const struct rpt *rp)
{
	json_t *root = json_object(), *sa = json_array();
	char *text, *out = NULL;

	set(root, "schema_version", json_integer(RPT_SCHEMA_VERSION));
	set(root, "pcsim_version", json_string(PCSIM_VERSION));
	set(root, "command", jstr(rp->rp_command));
	set(root, "options", options(rp));
	set(root, "summary", summary(rp));
	for (unsigned i = 0; i < rp->rp_ns; i++)
		json_array_append_new(sa, scenario(rp, &rp->rp_s[i]));
	set(root, "scenarios", sa);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (text && (out = malloc(strlen(text) + 2)))
		sprintf(out, "%s\n", text);
	free(text);
	return out;
}

int rpt_write_json(const struct rpt *rp, const char *path, char *err, size_t len)
{
	return rpt_write_owned(path, rpt_json_str(rp), err, len);
}
