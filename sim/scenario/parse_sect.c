/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/parse_sect.c - the top-level lines, one function per section:
 *
 *   scenario NAME
 *   fs PROFILE KNOB=VALUE...
 *   disk [cache=volatile|none] [latency=MIN[-MAX]] [tear=off] (tear=on: an error)
 *   setup [nosync]                      (opens a block of operations)
 *   thread NAME ["label"]               (opens a block of operations)
 *   race                                (opens the diagram block)
 *   schedule ITEM...                    (items continue on indented lines)
 *   crash every-event | none | after-each-op | after TASK:STEP
 *   persist all-subsets [max=N] | prefix | sample=N | survivors ID...|none
 *   oracle default | strict
 *   variant NAME KNOB=VALUE... expect pass | expect fail INVARIANT...
 *   expect pass | expect fail INVARIANT...
 *   metric NAME <= VALUE
 *
 * Only the shape is checked here; names the vocabulary knows (profiles,
 * knobs, values, tasks, steps) are checked by validate.c once the whole file
 * is read, so sections may come in any order.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/scenario/scn_int.h"

/* A section that may appear once: remember where, take its comment. */
static int scn_once(struct scn_ctx *c, struct scn_cur *u, struct scn_line_info *li,
		    const char *kw)
{
	if (li->present)
		return scn__err_tok(u, NULL, "second '%s' line; the first is at line %u", kw,
				    li->pos.line);
	li->present = true;
	li->pos.line = u->u_line;
	li->pos.col = u->u_tok + 1;
	return scn__take_comment(c, &li->comment);
}

static int scn_sect_scenario(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;

	if (scn_once(c, u, &f->f_scenario, "scenario"))
		return -1;
	if (scn__word(u, f->f_name, "the scenario name") ||
	    scn__check_name(u, f->f_name, "scenario name"))
		return -1;
	return scn__expect_end(u, "the scenario name");
}

/* KNOB=VALUE... up to the end of the line (returns 0), or up to the word
 * "expect" (returns 1, the cursor after it). */
static int scn_knobs(struct scn_ctx *c, struct scn_cur *u, struct scn_knob **arr,
		     uint32_t *n, uint32_t *cap, bool stop_at_expect)
{
	struct scn_knob k;
	struct scn_cur save;
	void *grown;

	while (!scn__eol(u)) {
		save = *u;
		if (stop_at_expect) {
			char w[SCN_MAX_NAME + 1];

			if (!scn__word(u, w, "KNOB=VALUE or 'expect'") && !strcmp(w, "expect") &&
			    !scn__peek(u, '='))
				return 1;
			*u = save;
		}
		memset(&k, 0, sizeof(k));
		if (scn__knob(u, &k))
			return -1;
		for (uint32_t i = 0; i < *n; i++)
			if (!strcmp((*arr)[i].k_name, k.k_name))
				return scn__err(c, u->u_line, k.k_pos.col, (uint32_t)strlen(k.k_name),
						NULL, "knob '%s' is set twice on this line", k.k_name);
		if (*n >= SCN_MAX_KNOBS)
			return scn__err(c, u->u_line, k.k_pos.col, 1, NULL,
					"more than %u knobs on one line (SCN_MAX_KNOBS)",
					SCN_MAX_KNOBS);
		grown = scn__grow(*arr, cap, *n, sizeof(**arr));
		if (!grown)
			return scn__oom(c);
		*arr = grown;
		(*arr)[(*n)++] = k;
	}
	return 0;
}

static int scn_sect_fs(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;

	if (scn_once(c, u, &f->f_fs, "fs"))
		return -1;
	if (scn__word(u, f->f_profile, "a file system profile (e.g. ext4, ext4-iomap, xfs)") ||
	    scn__check_name(u, f->f_profile, "profile"))
		return -1;
	f->f_profile_pos.line = u->u_line;
	f->f_profile_pos.col = u->u_tok + 1;
	return scn_knobs(c, u, &f->f_knobs, &f->f_nknobs, &f->f_knobs_cap, false);
}

static int scn_disk_latency(struct scn_cur *u, struct scn_file *f, const char *v)
{
	char lo[SCN_MAX_NAME + 1], hi[SCN_MAX_NAME + 1];
	const char *dash = strchr(v, '-');
	size_t n = dash ? (size_t)(dash - v) : strlen(v);
	int r1, r2;

	memcpy(lo, v, n);
	lo[n] = '\0';
	snprintf(hi, sizeof(hi), "%s", dash ? dash + 1 : v);
	r1 = scn__duration(lo, &f->f_disk_latency_min_ns, &f->f_disk_latency_min_style);
	r2 = scn__duration(hi, &f->f_disk_latency_max_ns, &f->f_disk_latency_max_style);
	if (r1 == -2 || r2 == -2)
		return scn__err_tok(u, NULL, "latency '%s' is over the limit of one hour", v);
	if (r1 || r2)
		return scn__err_tok(u, "e.g. latency=100us-5ms (units ns, us, ms, s)",
				    "bad latency '%s'; expected MIN-MAX durations", v);
	if (f->f_disk_latency_min_ns > f->f_disk_latency_max_ns)
		return scn__err_tok(u, NULL, "latency range '%s' has MIN above MAX", v);
	f->f_disk_has_latency = true;
	return 0;
}

static int scn_disk_item(struct scn_cur *u, struct scn_file *f, const struct scn_knob *k)
{
	static const char *const keys[] = { "cache", "latency", "tear", NULL };
	static const char *const caches[] = { "volatile", "none", NULL };
	static const char *const onoff[] = { "on", "off", NULL };
	char dym[96];

	if (!strcmp(k->k_name, "latency")) {
		if (f->f_disk_has_latency)
			return scn__err_tok(u, NULL, "disk latency is given twice");
		return scn_disk_latency(u, f, k->k_value);
	}
	if (!strcmp(k->k_name, "cache")) {
		if (f->f_disk_cache != SCN_CACHE_UNSET)
			return scn__err_tok(u, NULL, "disk cache is given twice");
		if (scn__name_in(k->k_value, caches)) {
			f->f_disk_cache = !strcmp(k->k_value, "none") ? SCN_CACHE_NONE
								       : SCN_CACHE_VOLATILE;
			return 0;
		}
		scn__did_you_mean(dym, sizeof(dym), k->k_value, caches);
		return scn__err_tok(u, "expected: cache=volatile or cache=none",
				    "bad disk cache '%s'%s", k->k_value, dym);
	}
	if (!strcmp(k->k_name, "tear")) {
		if (f->f_disk_tear != SCN_TEAR_UNSET)
			return scn__err_tok(u, NULL, "disk tear is given twice");
		/* The model's writes are block-atomic: crash states never hold
		 * part of a write, and a reproducer's survivors name whole
		 * writes. Promising torn states it never checks would be a lie. */
		if (!strcmp(k->k_value, "on"))
			return scn__err_tok(u, "writes reach the media whole or not at all "
					    "(docs/model.md, section 7); say tear=off or leave it out",
					    "disk tear=on: sector tearing is not modelled");
		if (scn__name_in(k->k_value, onoff)) {
			f->f_disk_tear = SCN_TEAR_OFF;
			return 0;
		}
		return scn__err_tok(u, "expected: tear=on or tear=off", "bad disk tear '%s'",
				    k->k_value);
	}
	scn__did_you_mean(dym, sizeof(dym), k->k_name, keys);
	return scn__err(u->u_ctx, u->u_line, k->k_pos.col, (uint32_t)strlen(k->k_name),
			"disk takes cache=volatile|none, latency=MIN-MAX, tear=on|off",
			"unknown disk setting '%s'%s", k->k_name, dym);
}

static int scn_sect_disk(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct scn_knob k;

	if (scn_once(c, u, &f->f_disk, "disk"))
		return -1;
	if (scn__eol(u))
		return scn__err_tok(u, "disk takes cache=volatile|none, latency=MIN-MAX, tear=on|off",
				    "disk line without settings");
	while (!scn__eol(u)) {
		memset(&k, 0, sizeof(k));
		if (scn__knob(u, &k) || scn_disk_item(u, f, &k))
			return -1;
	}
	return 0;
}

static int scn_sect_setup(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	char w[SCN_MAX_NAME + 1];

	if (scn_once(c, u, &f->f_setup, "setup"))
		return -1;
	if (!scn__eol(u)) {
		if (scn__word(u, w, "'nosync'"))
			return -1;
		if (strcmp(w, "nosync"))
			return scn__err_tok(u, "expected: setup [nosync]",
					    "unknown setup option '%s'", w);
		f->f_setup_nosync = true;
	}
	c->c_block = SCN_BLK_SETUP;
	c->c_block_line = u->u_line;
	return scn__expect_end(u, "setup");
}

static int scn_thread_name(struct scn_ctx *c, struct scn_cur *u, struct scn_thread *t)
{
	struct scn_file *f = c->c_file;

	if (scn__word(u, t->t_name, "a thread name") ||
	    scn__check_name(u, t->t_name, "thread name"))
		return -1;
	if (scn__kernel_task(t->t_name) != SCN_TASK_NONE || !strcmp(t->t_name, "crash"))
		return scn__err_tok(u, "flusher, jbd2, endio, disk, dio and crash are reserved",
				    "'%s' cannot name a thread", t->t_name);
	for (uint32_t i = 0; i + 1 < f->f_nthreads; i++)
		if (!strcmp(f->f_threads[i].t_name, t->t_name))
			return scn__err_tok(u, NULL, "thread '%s' is defined twice; the first is at line %u",
					    t->t_name, f->f_threads[i].t_pos.line);
	return 0;
}

static int scn_sect_thread(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct scn_thread *t;
	void *grown;

	if (f->f_nthreads >= SCN_MAX_THREADS)
		return scn__err_tok(u, NULL, "too many threads; the limit is %u (SCN_MAX_THREADS)",
				    SCN_MAX_THREADS);
	grown = scn__grow(f->f_threads, &f->f_threads_cap, f->f_nthreads,
			  sizeof(*f->f_threads));
	if (!grown)
		return scn__oom(c);
	f->f_threads = grown;
	t = &f->f_threads[f->f_nthreads++];
	t->t_pos.line = u->u_line;
	t->t_pos.col = u->u_tok + 1;
	if (scn__take_comment(c, &t->t_comment) || scn_thread_name(c, u, t))
		return -1;
	if (!scn__eol(u)) {
		if (scn__string(u, t->t_label, sizeof(t->t_label)))
			return -1;
		t->t_has_label = true;
	}
	c->c_block = SCN_BLK_THREAD;
	c->c_block_line = u->u_line;
	return scn__expect_end(u, "the thread label");
}

static int scn_sect_race(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;

	if (f->f_sched.present)
		return scn__err_tok(u, "a scenario has one race diagram or one schedule line",
				    "second race/schedule; the first is at line %u",
				    f->f_sched.pos.line);
	if (scn_once(c, u, &f->f_sched, "race"))
		return -1;
	f->f_sched_form = SCN_SCHED_RACE;
	c->c_block = SCN_BLK_RACE;
	c->c_block_line = u->u_line;
	c->c_race_header = 0;
	return scn__expect_end(u, "'race' (the diagram goes on the indented lines below)");
}

static int scn_sect_schedule(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;

	if (f->f_sched.present)
		return scn__err_tok(u, "a scenario has one race diagram or one schedule line",
				    "second race/schedule; the first is at line %u",
				    f->f_sched.pos.line);
	if (scn_once(c, u, &f->f_sched, "schedule"))
		return -1;
	f->f_sched_form = SCN_SCHED_LINEAR;
	c->c_block = SCN_BLK_SCHEDULE;
	c->c_block_line = u->u_line;
	return scn__schedule_items(u);
}

static int scn_sect_crash(struct scn_ctx *c, struct scn_cur *u)
{
	static const char *const kinds[] = { "every-event", "none", "after", "after-each-op", NULL };
	struct scn_file *f = c->c_file;
	char w[SCN_MAX_NAME + 1], dym[96];

	if (scn_once(c, u, &f->f_crash, "crash") || scn__word(u, w, "a crash mode"))
		return -1;
	if (!strcmp(w, "every-event")) {
		f->f_crash_kind = SCN_CRASH_EVERY_EVENT;
	} else if (!strcmp(w, "none")) {
		f->f_crash_kind = SCN_CRASH_NONE;
	} else if (!strcmp(w, "after-each-op")) {
		f->f_crash_kind = SCN_CRASH_AFTER_EACH_OP;
	} else if (!strcmp(w, "after")) {
		f->f_crash_kind = SCN_CRASH_AFTER;
		if (scn__word(u, f->f_crash_task, "TASK:STEP"))
			return -1;
		f->f_crash_task_pos.line = u->u_line;
		f->f_crash_task_pos.col = u->u_tok + 1;
		if (!scn__peek(u, ':'))
			return scn__err_tok(u, "expected: crash after TASK:STEP",
					    "expected ':' after the task name");
		u->u_pos++;
		if (scn__step_word(u, f->f_crash_step, "a step name after ':'"))
			return -1;
	} else {
		scn__did_you_mean(dym, sizeof(dym), w, kinds);
		return scn__err_tok(u, "expected: crash every-event | none | after TASK:STEP | after-each-op",
				    "unknown crash mode '%s'%s", w, dym);
	}
	return scn__expect_end(u, "the crash mode");
}

static int scn_persist_survivors(struct scn_ctx *c, struct scn_cur *u, struct scn_file *f)
{
	uint64_t id;
	void *grown;

	f->f_persist_kind = SCN_PERSIST_SURVIVORS;
	if (scn__eol(u))
		return scn__err_tok(u, "e.g. persist survivors 3 5 8, or persist survivors none",
				    "expected write ids or 'none' after 'survivors'");
	if (scn__peek(u, 'n')) {
		char w[SCN_MAX_NAME + 1];

		if (scn__word(u, w, "'none'"))
			return -1;
		if (strcmp(w, "none"))
			return scn__err_tok(u, NULL, "expected write ids or 'none', found '%s'", w);
		return scn__expect_end(u, "'survivors none'");
	}
	while (!scn__eol(u)) {
		if (scn__read_number(u, "write id", SCN_MAX_WRITE_ID, &id, NULL))
			return -1;
		if (id == 0 || (f->f_nsurvivors && id <= f->f_survivors[f->f_nsurvivors - 1]))
			return scn__err_tok(u, "write ids start at 1 and are listed in increasing order",
					    "write id %llu is out of order", (unsigned long long)id);
		if (f->f_nsurvivors >= SCN_MAX_SURVIVORS)
			return scn__err_tok(u, NULL, "more than %u surviving writes (SCN_MAX_SURVIVORS)",
					    SCN_MAX_SURVIVORS);
		grown = scn__grow(f->f_survivors, &f->f_survivors_cap, f->f_nsurvivors,
				  sizeof(*f->f_survivors));
		if (!grown)
			return scn__oom(c);
		f->f_survivors = grown;
		f->f_survivors[f->f_nsurvivors++] = (uint32_t)id;
	}
	return 0;
}

/* "name=N" with 1 <= N <= max. */
static int scn_persist_count(struct scn_cur *u, const char *name, uint64_t max, uint32_t *out)
{
	uint64_t v;

	if (!scn__peek(u, '='))
		return scn__err_tok(u, NULL, "expected '%s=N'", name);
	u->u_pos++;
	if (scn__read_number(u, name, max, &v, NULL))
		return -1;
	if (v == 0)
		return scn__err_tok(u, NULL, "%s must be at least 1", name);
	*out = (uint32_t)v;
	return 0;
}

static int scn_sect_persist(struct scn_ctx *c, struct scn_cur *u)
{
	static const char *const kinds[] = { "all-subsets", "prefix", "sample", "survivors", NULL };
	struct scn_file *f = c->c_file;
	char w[SCN_MAX_NAME + 1], dym[96];

	if (scn_once(c, u, &f->f_persist, "persist") || scn__word(u, w, "a persist mode"))
		return -1;
	if (!strcmp(w, "all-subsets")) {
		f->f_persist_kind = SCN_PERSIST_ALL_SUBSETS;
		if (!scn__eol(u)) {
			if (scn__word(u, w, "max=N"))
				return -1;
			if (strcmp(w, "max"))
				return scn__err_tok(u, "expected: persist all-subsets [max=N]",
						    "unknown option '%s'", w);
			if (scn_persist_count(u, "max", SCN_MAX_SUBSET_WRITES, &f->f_persist_max))
				return -1;
		}
	} else if (!strcmp(w, "prefix")) {
		f->f_persist_kind = SCN_PERSIST_PREFIX;
	} else if (!strcmp(w, "sample")) {
		f->f_persist_kind = SCN_PERSIST_SAMPLE;
		if (scn_persist_count(u, "sample", SCN_MAX_SAMPLES, &f->f_persist_samples))
			return -1;
	} else if (!strcmp(w, "survivors")) {
		return scn_persist_survivors(c, u, f);
	} else {
		scn__did_you_mean(dym, sizeof(dym), w, kinds);
		return scn__err_tok(u, "expected: persist all-subsets [max=N] | prefix | sample=N | survivors ID...",
				    "unknown persist mode '%s'%s", w, dym);
	}
	return scn__expect_end(u, "the persist mode");
}

static int scn_sect_oracle(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	char w[SCN_MAX_NAME + 1];

	if (scn_once(c, u, &f->f_oracle, "oracle") || scn__word(u, w, "'default' or 'strict'"))
		return -1;
	if (!strcmp(w, "default"))
		f->f_oracle_kind = SCN_ORACLE_DEFAULT;
	else if (!strcmp(w, "strict"))
		f->f_oracle_kind = SCN_ORACLE_STRICT;
	else
		return scn__err_tok(u, "expected: oracle default | strict", "unknown oracle '%s'", w);
	return scn__expect_end(u, "the oracle");
}

/* tape T1 s2/7 p0/3 ...: the choice tape of a reproducer, kept verbatim
 * and checked with the engine's own tape parser. */
static int scn_sect_tape(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct sim_tape tp;
	size_t n, at = 0;
	int bad;

	if (scn_once(c, u, &f->f_tape_info, "tape"))
		return -1;
	scn__skip_ws(u);
	n = u->u_end - u->u_pos;
	f->f_tape_pos.line = u->u_line;
	f->f_tape_pos.col = u->u_pos + 1;
	f->f_tape = malloc(n + 1);
	if (!f->f_tape)
		return scn__err_tok(u, NULL, "out of memory");
	memcpy(f->f_tape, u->u_s + u->u_pos, n);
	f->f_tape[n] = '\0';
	sim_tape_init(&tp);
	bad = sim_tape_parse(&tp, f->f_tape, &at);
	sim_tape_free(&tp);
	if (bad) {
		u->u_tok = u->u_pos + (uint32_t)(at < n ? at : n);
		u->u_tok_len = 1;
		return scn__err_tok(u, "expected: tape T1 followed by choices like s2/7 p0/3 c4/9 w1/2",
				    "malformed tape at byte %zu", at);
	}
	u->u_pos = u->u_end;
	return 0;
}

static int scn_sect_variant(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct scn_variant *v;
	int r;
	void *grown;

	if (f->f_nvariants >= SCN_MAX_VARIANTS)
		return scn__err_tok(u, NULL, "too many variants; the limit is %u (SCN_MAX_VARIANTS)",
				    SCN_MAX_VARIANTS);
	grown = scn__grow(f->f_variants, &f->f_variants_cap, f->f_nvariants,
			  sizeof(*f->f_variants));
	if (!grown)
		return scn__oom(c);
	f->f_variants = grown;
	v = &f->f_variants[f->f_nvariants++];
	v->v_pos.line = u->u_line;
	v->v_pos.col = u->u_tok + 1;
	if (scn__take_comment(c, &v->v_comment) || scn__word(u, v->v_name, "a variant name") ||
	    scn__check_name(u, v->v_name, "variant name"))
		return -1;
	for (uint32_t i = 0; i + 1 < f->f_nvariants; i++)
		if (!strcmp(f->f_variants[i].v_name, v->v_name))
			return scn__err_tok(u, NULL, "variant '%s' is defined twice; the first is at line %u",
					    v->v_name, f->f_variants[i].v_pos.line);
	r = scn_knobs(c, u, &v->v_knobs, &v->v_nknobs, &v->v_cap, true);
	if (r < 0)
		return -1;
	if (r == 0)
		return scn__err_at(u, u->u_pos, 1, "expected: variant NAME KNOB=VALUE... expect pass | expect fail INVARIANT...",
				   "variant '%s' has no expect", v->v_name);
	return scn__parse_expect(u, &v->v_expect);
}

static int scn_sect_expect(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;

	if (scn_once(c, u, &f->f_expect, "expect"))
		return -1;
	return scn__parse_expect(u, &f->f_expect_v);
}

static int scn_metric_value(struct scn_cur *u, struct scn_metric *m)
{
	char w[SCN_MAX_NAME + 1];

	if (scn__word(u, w, "a metric budget (a number or a duration)"))
		return -1;
	if (!scn__number(w, &m->m_value, &m->m_style)) {
		if (m->m_value > SCN_MAX_METRIC_VALUE)
			return scn__err_tok(u, NULL, "metric budget %s is over the limit of 2^40", w);
		return 0;
	}
	if (!scn__duration(w, &m->m_value, &m->m_style)) {
		m->m_is_duration = true;
		return 0;
	}
	return scn__err_tok(u, "a budget is a count (0, 12, 4k) or a duration up to one hour (35s, 5ms)",
			    "bad metric budget '%s'", w);
}

static int scn_sect_metric(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct scn_metric *m;
	void *grown;

	if (f->f_nmetrics >= SCN_MAX_METRICS)
		return scn__err_tok(u, NULL, "too many metrics; the limit is %u (SCN_MAX_METRICS)",
				    SCN_MAX_METRICS);
	grown = scn__grow(f->f_metrics, &f->f_metrics_cap, f->f_nmetrics,
			  sizeof(*f->f_metrics));
	if (!grown)
		return scn__oom(c);
	f->f_metrics = grown;
	m = &f->f_metrics[f->f_nmetrics++];
	m->m_pos.line = u->u_line;
	if (scn__take_comment(c, &m->m_comment) || scn__word(u, m->m_name, "a metric name") ||
	    scn__check_name(u, m->m_name, "metric name"))
		return -1;
	m->m_pos.col = u->u_tok + 1;
	for (uint32_t i = 0; i + 1 < f->f_nmetrics; i++)
		if (!strcmp(f->f_metrics[i].m_name, m->m_name))
			return scn__err_tok(u, NULL, "metric '%s' is given twice; the first is at line %u",
					    m->m_name, f->f_metrics[i].m_pos.line);
	scn__skip_ws(u);
	if (u->u_pos + 1 >= u->u_end || u->u_s[u->u_pos] != '<' || u->u_s[u->u_pos + 1] != '=')
		return scn__err_at(u, u->u_pos, 1, "expected: metric NAME <= VALUE",
				   "expected '<=' after the metric name");
	u->u_pos += 2;
	if (scn_metric_value(u, m))
		return -1;
	return scn__expect_end(u, "the metric budget");
}

static const struct {
	const char *s_kw;
	int (*s_fn)(struct scn_ctx *c, struct scn_cur *u);
} scn_sections[] = {
	{ "scenario", scn_sect_scenario }, { "fs", scn_sect_fs },
	{ "disk", scn_sect_disk }, { "setup", scn_sect_setup },
	{ "thread", scn_sect_thread }, { "race", scn_sect_race },
	{ "schedule", scn_sect_schedule }, { "crash", scn_sect_crash },
	{ "persist", scn_sect_persist }, { "oracle", scn_sect_oracle },
	{ "variant", scn_sect_variant }, { "expect", scn_sect_expect },
	{ "metric", scn_sect_metric }, { "tape", scn_sect_tape },
};

int scn__parse_section(struct scn_ctx *c, struct scn_cur *u, const char *kw)
{
	char dym[96], note[SCN_DIAG_NOTE];

	for (size_t i = 0; i < sizeof(scn_sections) / sizeof(scn_sections[0]); i++)
		if (!strcmp(kw, scn_sections[i].s_kw))
			return scn_sections[i].s_fn(c, u);
	if (scn__op_lookup(kw) >= 0)
		return scn__err_tok(u, "operations are indented under 'setup' or a 'thread' line",
				    "operation '%s' outside a block", kw);
	scn__did_you_mean(dym, sizeof(dym), kw, scn__section_names);
	scn__note_list(note, sizeof(note), "expected one of", scn__section_names);
	return scn__err_tok(u, note, "unknown section '%s'%s", kw, dym);
}
