/* SPDX-License-Identifier: MIT */
/*
 * sim/report/results_read.c - a results JSON back into memory, checked
 * field by field (see results.h). Only what `pcsim diff` compares is read;
 * unknown fields are ignored, so a newer pcsim's additions do not break an
 * older diff, but a newer schema_version is refused. Version 1 documents
 * (before explore and fuzz wrote reports) read as they are: a baseline
 * kept from then still compares.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report/results.h"
#include "sim/report/rpt_int.h"

struct rd {
	const char *name;	/* the file, for messages */
	char *err;
	size_t len;
	bool failed;
};

static void fail(struct rd *r, const char *where, const char *what)
{
	if (r->failed)
		return;
	r->failed = true;
	snprintf(r->err, r->len, "%s: %s: %s", r->name, where, what);
}

static json_t *field(struct rd *r, json_t *o, const char *where, const char *key, int type,
		     bool nullable)
{
	static const char *const tn[] = { [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
					  [JSON_STRING] = "a string", [JSON_INTEGER] = "an integer",
					  [JSON_REAL] = "a number", [JSON_TRUE] = "true or false",
					  [JSON_FALSE] = "true or false", [JSON_NULL] = "null" };
	json_t *v = json_object_get(o, key);
	char at[300], what[64];
	int t;

	snprintf(at, sizeof(at), "%s%s%s", where, where[0] ? "." : "", key);
	if (!v) {
		fail(r, at, "missing");
		return NULL;
	}
	t = json_typeof(v);
	if (nullable && t == JSON_NULL)
		return NULL;
	if (t == type || (type == JSON_TRUE && t == JSON_FALSE) ||
	    (type == JSON_REAL && t == JSON_INTEGER))
		return v;
	snprintf(what, sizeof(what), "expected %s%s", tn[type], nullable ? " or null" : "");
	fail(r, at, what);
	return NULL;
}

static const char *str_field(struct rd *r, json_t *o, const char *where, const char *key)
{
	json_t *v = field(r, o, where, key, JSON_STRING, false);

	return v ? json_string_value(v) : "";
}

static int64_t int_field(struct rd *r, json_t *o, const char *where, const char *key)
{
	json_t *v = field(r, o, where, key, JSON_INTEGER, false);
	int64_t x = v ? (int64_t)json_integer_value(v) : 0;

	if (x < 0) {
		char at[300];

		snprintf(at, sizeof(at), "%s.%s", where, key);
		fail(r, at, "expected a number >= 0");
	}
	return x;
}

static bool known_verdict(const char *v)
{
	static const char *const k[] = { "pass", "fail-expected", "unexpected-pass",
					 "unexpected-fail", "error", "not-found" };

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(v, k[i]))
			return true;
	return false;
}

static void read_viol(struct rd *r, json_t *o, const char *where, struct res_viol *x)
{
	if (!json_is_object(o)) {
		fail(r, where, "expected an object");
		return;
	}
	snprintf(x->vi_inv, sizeof(x->vi_inv), "%s", str_field(r, o, where, "invariant"));
	x->vi_file = int_field(r, o, where, "file");
	x->vi_off = int_field(r, o, where, "offset");
	x->vi_len = int_field(r, o, where, "length");
	x->vi_crash = json_is_true(field(r, o, where, "after_crash", JSON_TRUE, false));
}

static void add_metric(struct res_variant *v, const char *key, json_t *val)
{
	struct res_metric *m;

	if (v->rv_nm >= RES_MAX_METRICS || strlen(key) >= sizeof(m->rm_key))
		return;
	m = &v->rv_m[v->rv_nm++];
	snprintf(m->rm_key, sizeof(m->rm_key), "%s", key);
	m->rm_val = json_number_value(val);
}

/* Numbers of a search that are its settings, not what it found. */
static bool search_setting(const char *prefix, const char *k)
{
	static const char *const set[] = { "seed", "pct_depth", "preemption_bound", "shard",
					   "shards", "first_violation", "tape_length",
					   "shrunk_length", "seconds" };

	if (strcmp(prefix, "search"))
		return false;
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (!strcmp(k, set[i]))
			return true;
	return false;
}

/* Every number under "metrics" (nested objects as "a.b"). */
static void read_metrics(struct res_variant *v, json_t *o, const char *prefix, unsigned depth)
{
	const char *k;
	json_t *val;

	if (depth > 3)
		return;
	json_object_foreach(o, k, val) {
		char key[96];

		if (search_setting(prefix, k))
			continue;

		snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", k);
		if (json_is_number(val))
			add_metric(v, key, val);
		else if (json_is_object(val))
			read_metrics(v, val, key, depth + 1);
	}
}

static void read_violations(struct rd *r, json_t *o, const char *at, struct res_variant *v)
{
	json_t *va = field(r, o, at, "violations", JSON_ARRAY, false);
	size_t n = va ? json_array_size(va) : 0;

	if (n > RES_MAX_VIOLATIONS)
		n = RES_MAX_VIOLATIONS;
	v->rv_viol = n ? calloc(n, sizeof(*v->rv_viol)) : NULL;
	if (n && !v->rv_viol) {
		fail(r, at, "out of memory");
		return;
	}
	for (size_t i = 0; i < n && !r->failed; i++) {
		char w[320];

		snprintf(w, sizeof(w), "%s.violations[%zu]", at, i);
		read_viol(r, json_array_get(va, i), w, &v->rv_viol[i]);
		v->rv_nviol++;
	}
}

static void read_variant(struct rd *r, json_t *o, const char *at, const char *scn,
			 const char *path, struct res_variant *v)
{
	json_t *name, *m, *cs, *sr;

	if (!json_is_object(o)) {
		fail(r, at, "expected an object");
		return;
	}
	name = field(r, o, at, "name", JSON_STRING, true);
	v->rv_scenario = strdup(scn);
	v->rv_path = strdup(path);
	v->rv_name = strdup(name ? json_string_value(name) : "-");
	snprintf(v->rv_verdict, sizeof(v->rv_verdict), "%s", str_field(r, o, at, "verdict"));
	if (!r->failed && !known_verdict(v->rv_verdict)) {
		char w[320];

		snprintf(w, sizeof(w), "%s.verdict", at);
		fail(r, w, "expected pass, fail-expected, unexpected-pass, unexpected-fail, error or "
		     "not-found");
	}
	v->rv_as_expected = json_is_true(field(r, o, at, "as_expected", JSON_TRUE, false));
	read_violations(r, o, at, v);
	m = field(r, o, at, "metrics", JSON_OBJECT, true);
	cs = field(r, o, at, "crash_states", JSON_OBJECT, true);
	v->rv_m = calloc(RES_MAX_METRICS, sizeof(*v->rv_m));
	if (!v->rv_scenario || !v->rv_path || !v->rv_name || !v->rv_m) {
		fail(r, at, "out of memory");
		return;
	}
	if (m)
		read_metrics(v, m, "", 0);
	if (cs && json_is_number(json_object_get(cs, "checked")))
		add_metric(v, "crash_states.checked", json_object_get(cs, "checked"));
	/* explore / fuzz: the search's counts compare like metrics
	 * ("search.executions", "search.invariants.stale-data.executions") */
	sr = json_object_get(o, "search");
	if (json_is_object(sr))
		read_metrics(v, sr, "search", 0);
}

static void read_scenarios(struct rd *r, json_t *sa, struct res_doc *d)
{
	size_t total = 0;

	for (size_t i = 0; i < json_array_size(sa) && !r->failed; i++) {
		json_t *s = json_array_get(sa, i), *va;
		char at[64];

		snprintf(at, sizeof(at), "scenarios[%zu]", i);
		if (!json_is_object(s)) {
			fail(r, at, "expected an object");
			return;
		}
		va = field(r, s, at, "variants", JSON_ARRAY, false);
		total += va ? json_array_size(va) : 0;
	}
	if (r->failed)
		return;
	if (total > RES_MAX_VARIANTS) {
		fail(r, "scenarios", "too many variants");
		return;
	}
	d->rd_v = calloc(total ? total : 1, sizeof(*d->rd_v));
	if (!d->rd_v) {
		fail(r, "scenarios", "out of memory");
		return;
	}
	for (size_t i = 0; i < json_array_size(sa) && !r->failed; i++) {
		json_t *s = json_array_get(sa, i), *va = json_object_get(s, "variants");
		char at[64];
		const char *name, *path;

		snprintf(at, sizeof(at), "scenarios[%zu]", i);
		name = str_field(r, s, at, "name");
		path = str_field(r, s, at, "path");
		for (size_t k = 0; k < json_array_size(va) && !r->failed; k++) {
			char w[96];

			snprintf(w, sizeof(w), "%s.variants[%zu]", at, k);
			read_variant(r, json_array_get(va, k), w, name, path, &d->rd_v[d->rd_nv++]);
		}
	}
}

static void read_knobs(json_t *root, struct res_doc *d)
{
	json_t *k = json_object_get(json_object_get(root, "options"), "knobs");
	const char *key;
	json_t *val;
	size_t at = 0;

	json_object_foreach(k, key, val)
		if (json_is_string(val) && at < sizeof(d->rd_knobs))
			at += (size_t)snprintf(d->rd_knobs + at, sizeof(d->rd_knobs) - at, "%s%s=%s",
					       at ? " " : "", key, json_string_value(val));
}

static int read_doc(struct rd *r, json_t *root, struct res_doc *d)
{
	json_t *ver, *sa;

	if (!json_is_object(root)) {
		fail(r, "the document", "expected a JSON object (a pcsim results file)");
		return -1;
	}
	ver = field(r, root, "", "schema_version", JSON_INTEGER, false);
	if (ver && (json_integer_value(ver) < RPT_SCHEMA_OLDEST ||
		    json_integer_value(ver) > RPT_SCHEMA_VERSION)) {
		char what[96];

		snprintf(what, sizeof(what), "is %lld; this pcsim reads versions %d to %d",
			 (long long)json_integer_value(ver), RPT_SCHEMA_OLDEST, RPT_SCHEMA_VERSION);
		fail(r, "schema_version", what);
	}
	snprintf(d->rd_version, sizeof(d->rd_version), "%s", str_field(r, root, "",
									"pcsim_version"));
	sa = field(r, root, "", "scenarios", JSON_ARRAY, false);
	if (!r->failed) {
		read_knobs(root, d);
		read_scenarios(r, sa, d);
	}
	return r->failed ? -1 : 0;
}

int res_load_str(const char *name, const char *text, size_t n, struct res_doc *d, char *err,
		 size_t len)
{
	struct rd r = { name, err, len, false };
	json_error_t je;
	json_t *root;
	int rc;

	memset(d, 0, sizeof(*d));
	root = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, len, "%s:%d:%d: not valid JSON: %s", name, je.line, je.column, je.text);
		return -1;
	}
	rc = read_doc(&r, root, d);
	json_decref(root);
	if (rc)
		res_free(d);
	return rc;
}

int res_load(const char *path, struct res_doc *d, char *err, size_t len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(RES_MAX_FILE + 1);
	n = buf ? fread(buf, 1, RES_MAX_FILE + 1, f) : 0;
	fclose(f);
	if (!buf || n > RES_MAX_FILE) {
		snprintf(err, len, "%s: %s", path, buf ? "larger than 256 MiB" : "out of memory");
		free(buf);
		return -1;
	}
	rc = res_load_str(path, buf, n, d, err, len);
	free(buf);
	return rc;
}

void res_free(struct res_doc *d)
{
	for (unsigned i = 0; i < d->rd_nv; i++) {
		free(d->rd_v[i].rv_scenario);
		free(d->rd_v[i].rv_path);
		free(d->rd_v[i].rv_name);
		free(d->rd_v[i].rv_viol);
		free(d->rd_v[i].rv_m);
	}
	free(d->rd_v);
	memset(d, 0, sizeof(*d));
}
