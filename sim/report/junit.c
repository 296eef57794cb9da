/* SPDX-License-Identifier: MIT */
/*
 * sim/report/junit.c - JUnit XML for CI systems: a testsuite per scenario
 * file, a testcase per variant. A verdict not as expected is a <failure>
 * whose message names the verdict and the invariants and whose text holds
 * the bytes, where they came from, the race diagram of the run and the
 * replay command; a variant that could not run (or a file that did not
 * parse) is an <error>. A failure that was expected passes, with its
 * findings in <system-out>. A variant of pcsim explore or fuzz says what
 * the search did in <system-out>; an expected failure fuzzing did not find
 * is <skipped>. Everything goes through sb_xml(), so the file is
 * well-formed XML whatever the messages hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report/rpt_int.h"

static void attr(struct sbuf *b, const char *name, const char *value)
{
	sb_printf(b, " %s=\"", name);
	sb_xml(b, value);
	sb_puts(b, "\"");
}

/* A search's settings, counts and what it found, a few lines. */
static void search(struct sbuf *b, const struct rpt_search *sr)
{
	char line[300], found[400];

	rpt_search_line(sr, line, sizeof(line));
	rpt_search_found(sr, found, sizeof(found));
	sb_printf(b, "%s; %llu crash states\nfound: %s\n", line,
		  (unsigned long long)sr->sr_crash_states, found);
	if (sr->sr_tape)
		sb_printf(b, "tape of the first counterexample (execution %llu): %s\n",
			  (unsigned long long)sr->sr_first, sr->sr_tape);
	for (unsigned i = 0; i < sr->sr_nrepro; i++)
		sb_printf(b, "reproducer of %s: %s\n", pc_invariant_names[sr->sr_repro[i].rr_inv],
			  sr->sr_repro[i].rr_path);
	if (sr->sr_note)
		sb_printf(b, "note: %s\n", sr->sr_note);
}

/* What a person reads in the CI system: findings, diagram, replay. */
static void findings(struct sbuf *b, const struct rpt_variant *v)
{
	const struct pcr_result *r = &v->rv_r;
	char inv[160];

	rpt_inv_list(r->r_expect_mask, inv, sizeof(inv));
	sb_printf(b, "verdict: %s (expected %s%s)\n", rpt_verdict_text(v),
		  r->r_expect_fail ? "fail " : "pass", r->r_expect_fail ? inv : "");
	if (v->rv_search)
		search(b, v->rv_search);
	if (v->rv_error)
		sb_printf(b, "error: %s\n", v->rv_error);
	for (unsigned i = 0; i < r->r_nviol; i++) {
		const struct pc_violation *x = &r->r_viol[i];

		sb_printf(b, "%s: ", pc_invariant_names[x->v_inv]);
		if (x->v_len)
			sb_printf(b, "bytes %llu-%llu of file %u%s: ", (unsigned long long)x->v_off,
				  (unsigned long long)(x->v_off + x->v_len - 1), x->v_file,
				  x->v_crash ? " (after crash)" : "");
		sb_printf(b, "%s\n", x->v_msg);
		if (r->r_viol_from[i][0])
			sb_printf(b, "  bytes from: %s\n", r->r_viol_from[i]);
	}
	if (r->r_diagram)
		sb_printf(b, "\ninterleaving (as run):\n%s", r->r_diagram);
	if (r->r_crash_violation) {
		sb_printf(b, "persist    survivors");
		for (unsigned i = 0; i < r->r_nsurvivors; i++)
			sb_printf(b, " %u", r->r_survivors[i]);
		sb_printf(b, "%s\n", r->r_nsurvivors ? "" : " none");
	}
	if (v->rv_replay)
		sb_printf(b, "\nreplay: %s\n", v->rv_replay);
}

static void testcase(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v)
{
	struct sbuf t;
	char *text, msg[400], inv[160];

	sb_puts(b, "    <testcase");
	attr(b, "name", rpt_vname(v));
	attr(b, "classname", s->rs_name);
	attr(b, "file", s->rs_path);
	sb_puts(b, ">\n");
	sb_init(&t);
	findings(&t, v);
	text = sb_take(&t);
	rpt_inv_list(v->rv_r.r_inv_mask, inv, sizeof(inv));
	snprintf(msg, sizeof(msg), "%s: %s%s%s", rpt_verdict_text(v), inv,
		 v->rv_error ? "; " : "", v->rv_error ? v->rv_error : "");
	if (!v->rv_ran) {
		sb_puts(b, "      <error");
		attr(b, "message", msg);
		attr(b, "type", "error");
		sb_puts(b, ">");
		sb_xml(b, text ? text : "");
		sb_puts(b, "</error>\n");
	} else if (!rpt_as_expected(v)) {
		sb_puts(b, "      <failure");
		attr(b, "message", msg);
		attr(b, "type", rpt_verdict_key(v));
		sb_puts(b, ">");
		sb_xml(b, text ? text : "");
		sb_puts(b, "</failure>\n");
	} else if (v->rv_not_found) {
		sb_puts(b, "      <skipped");
		attr(b, "message", "the search did not find the failure the variant expects");
		sb_puts(b, "/>\n      <system-out>");
		sb_xml(b, text ? text : "");
		sb_puts(b, "</system-out>\n");
	} else if (v->rv_r.r_failed || v->rv_search) {
		sb_puts(b, "      <system-out>");
		sb_xml(b, text ? text : "");
		sb_puts(b, "</system-out>\n");
	}
	free(text);
	sb_puts(b, "    </testcase>\n");
}

static void property(struct sbuf *b, const char *name, const char *value)
{
	sb_puts(b, "      <property");
	attr(b, "name", name);
	attr(b, "value", value);
	sb_puts(b, "/>\n");
}

static void suite(struct sbuf *b, const struct rpt_scenario *s)
{
	unsigned fail = 0, err = 0, skip = 0;
	char hash[20];

	for (unsigned k = 0; k < s->rs_nv; k++) {
		err += !s->rs_v[k].rv_ran;
		fail += s->rs_v[k].rv_ran && !rpt_as_expected(&s->rs_v[k]);
		skip += s->rs_v[k].rv_not_found;
	}
	err += s->rs_error != NULL;
	sb_puts(b, "  <testsuite");
	attr(b, "name", s->rs_name);
	sb_printf(b, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\"",
		  s->rs_nv + (s->rs_error != NULL), fail, err, skip);
	attr(b, "file", s->rs_path);
	sb_puts(b, ">\n    <properties>\n");
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)s->rs_hash);
	property(b, "path", s->rs_path);
	property(b, "hash", hash);
	if (!s->rs_error)
		property(b, "profile", s->rs_profile);
	sb_puts(b, "    </properties>\n");
	if (s->rs_error) {
		sb_puts(b, "    <testcase name=\"parse\"");
		attr(b, "classname", s->rs_name);
		sb_puts(b, ">\n      <error type=\"parse\"");
		attr(b, "message", "the scenario does not parse");
		sb_puts(b, ">");
		sb_xml(b, s->rs_error);
		sb_puts(b, "</error>\n    </testcase>\n");
	}
	for (unsigned k = 0; k < s->rs_nv; k++)
		testcase(b, s, &s->rs_v[k]);
	sb_puts(b, "  </testsuite>\n");
}

char *rpt_junit_str(const struct rpt *rp)
{
	struct rpt_counts c;
	struct sbuf b;
	char name[64];

	rpt_count(rp, &c);
	sb_init(&b);
	snprintf(name, sizeof(name), "pcsim %s", rp->rp_command);
	sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(&b, "name", name);
	sb_printf(&b, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
		  c.c_variants + c.c_parse_errors, c.c_bad - c.c_error,
		  c.c_error + c.c_parse_errors, c.c_not_found);
	for (unsigned i = 0; i < rp->rp_ns; i++)
		suite(&b, &rp->rp_s[i]);
	sb_puts(&b, "</testsuites>\n");
	return sb_take(&b);
}

int rpt_write_junit(const struct rpt *rp, const char *path, char *err, size_t len)
{
	return rpt_write_owned(path, rpt_junit_str(rp), err, len);
}
