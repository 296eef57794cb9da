/* SPDX-License-Identifier: MIT */
/*
 * sim/report/merge.c - `pcsim merge`: the shards of one fuzz campaign
 * (`pcsim fuzz --shard K/N --json F`) as one results document.
 *
 * Run r of a campaign belongs to shard r mod N and its randomness derives
 * from the campaign seed and r alone (sim/explore/fuzz.c), so the N shards
 * of a campaign of R runs each are, together, the unsharded campaign of N*R
 * runs. The merge says so: per variant it adds the runs, crash states and
 * violating runs, unites the invariants found and the reproducers (named by
 * their signature, so a bug two shards found is one file), numbers the
 * first violation as the unsharded campaign would (shard K's run i is run
 * (i-1)*N + K + 1), and judges the variant again from what was found, the
 * way `pcsim fuzz` judges it (sim/report/search.c). The violations, race
 * diagram, replay and metrics are those of the shard whose violation came
 * first. When every shard is there the document reads as the unsharded
 * campaign (shard 0 of 1); otherwise it keeps N and says which shards it
 * holds (`merged_shards`).
 *
 * Shards must be of one campaign: the same pcsim version, options,
 * scenarios (path and hash), variants, strategy, seed, depth and N, and
 * no shard twice; anything else is an error naming the file and the field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/report/report.h"

#define MERGE_MAX_SHARDS 4096

struct shard {
	const char *path;
	json_t *doc;
	json_int_t k;		/* its shard number */
};

/* A JSON string's text, "" for anything else. */
static const char *str(const json_t *s)
{
	const char *t = json_string_value(s);

	return t ? t : "";
}

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* The first fuzz search object in a document, or NULL. */
static json_t *first_search(json_t *doc)
{
	size_t i, j;
	json_t *sc, *v;

	json_array_foreach(json_object_get(doc, "scenarios"), i, sc)
		json_array_foreach(json_object_get(sc, "variants"), j, v) {
			json_t *s = json_object_get(v, "search");

			if (json_is_object(s))
				return s;
		}
	return NULL;
}

static int load(const char *path, struct shard *sh, char *err, size_t len)
{
	json_error_t je;
	json_t *s;

	sh->path = path;
	sh->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!sh->doc && je.line < 1)
		return fail(err, len, "%s", je.text);	/* cannot open: jansson names the path */
	if (!sh->doc)
		return fail(err, len, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	if (!json_is_object(sh->doc) ||
	    json_integer_value(json_object_get(sh->doc, "schema_version")) != 2)
		return fail(err, len, "%s: not a pcsim results document of schema version 2",
			    path);
	if (strcmp(str(json_object_get(sh->doc, "command")), "fuzz"))
		return fail(err, len, "%s: command is not \"fuzz\": only fuzz shards merge", path);
	if (!json_is_array(json_object_get(sh->doc, "scenarios")))
		return fail(err, len, "%s: no scenarios array", path);
	s = first_search(sh->doc);
	if (!s || !json_is_integer(json_object_get(s, "shard")))
		return fail(err, len, "%s: no fuzz search with a shard number", path);
	sh->k = json_integer_value(json_object_get(s, "shard"));
	return 0;
}

static int by_shard(const void *a, const void *b)
{
	const struct shard *x = a, *y = b;

	return (x->k > y->k) - (x->k < y->k);
}

/* Must a and b agree on key? Error names the field. */
static int same(const char *what, const char *key, json_t *a, json_t *b, const char *pa,
		const char *pb, char *err, size_t len)
{
	json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

	if (x == y || (x && y && json_equal(x, y)))
		return 0;
	{
		char *sx = x ? json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		char *sy = y ? json_dumps(y, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

		fail(err, len, "%s: %s%s is %.80s, %s has %.80s: not shards of one campaign", pb,
		     what, key, sy ? sy : "(missing)", pa, sx ? sx : "(missing)");
		free(sx);
		free(sy);
	}
	return -1;
}

/* Every shard describes the same campaign as the first. */
static int check_campaign(struct shard *sh, size_t n, json_int_t *nshards, char *err,
			  size_t len)
{
	json_t *a = sh[0].doc;
	json_t *s0 = first_search(a);

	*nshards = json_integer_value(json_object_get(s0, "shards"));
	if (*nshards < 1 || *nshards > MERGE_MAX_SHARDS)
		return fail(err, len, "%s: shards %lld is out of range", sh[0].path,
			    (long long)*nshards);
	for (size_t i = 0; i < n; i++) {
		json_t *b = sh[i].doc, *sa = json_object_get(a, "scenarios"),
		       *sb = json_object_get(b, "scenarios");
		size_t si;
		json_t *sca;

		if (sh[i].k < 0 || sh[i].k >= *nshards)
			return fail(err, len, "%s: shard %lld of %lld is out of range", sh[i].path,
				    (long long)sh[i].k, (long long)*nshards);
		if (i && sh[i].k == sh[i - 1].k)
			return fail(err, len, "%s: shard %lld is also in %s", sh[i].path,
				    (long long)sh[i].k, sh[i - 1].path);
		if (same("", "pcsim_version", a, b, sh[0].path, sh[i].path, err, len) ||
		    same("", "options", a, b, sh[0].path, sh[i].path, err, len))
			return -1;
		if (json_array_size(sa) != json_array_size(sb))
			return fail(err, len, "%s: %zu scenarios, %s has %zu", sh[i].path,
				    json_array_size(sb), sh[0].path, json_array_size(sa));
		json_array_foreach(sa, si, sca) {
			json_t *scb = json_array_get(sb, si), *va = json_object_get(sca, "variants"),
			       *vb = json_object_get(scb, "variants"), *x;
			size_t vi;

			if (same("scenario ", "path", sca, scb, sh[0].path, sh[i].path, err, len) ||
			    same("scenario ", "hash", sca, scb, sh[0].path, sh[i].path, err, len))
				return -1;
			if (json_array_size(va) != json_array_size(vb))
				return fail(err, len, "%s: scenario %s: %zu variants, %s has %zu",
					    sh[i].path,
					    json_string_value(json_object_get(sca, "path")),
					    json_array_size(vb), sh[0].path, json_array_size(va));
			json_array_foreach(va, vi, x) {
				json_t *y = json_array_get(vb, vi), *fa = json_object_get(x, "search"),
				       *fb = json_object_get(y, "search");
				static const char *const keys[] = { "kind", "strategy", "seed",
								    "pct_depth", "crash",
								    "early_events", "shards" };

				if (same("variant ", "name", x, y, sh[0].path, sh[i].path, err, len) ||
				    same("variant ", "expect", x, y, sh[0].path, sh[i].path, err, len))
					return -1;
				if (!json_is_object(fa) != !json_is_object(fb))
					return fail(err, len, "%s: variant %s: search differs",
						    sh[i].path,
						    json_string_value(json_object_get(x, "name")));
				if (!json_is_object(fa))
					continue;
				for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
					if (same("search.", keys[k], fa, fb, sh[0].path, sh[i].path,
						 err, len))
						return -1;
				if (json_integer_value(json_object_get(fb, "shard")) != sh[i].k)
					return fail(err, len, "%s: variants of more than one shard",
						    sh[i].path);
			}
		}
	}
	return 0;
}

static json_int_t ival(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void bump(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(ival(o, key) + 1));
}

static bool has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (!strcmp(str(x), s))
			return true;
	return false;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool has_repro(json_t *arr, const char *path)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (!strcmp(base_name(str(json_object_get(x, "path"))),
			    base_name(path)))
			return true;
	return false;
}

/* The verdict `pcsim fuzz` gives a variant that found `found` (the rules in
 * sim/report/search.c): a pass expected and nothing found is a pass,
 * anything found fails it; a failure expected is met when every expected
 * invariant was found, else it is not-found (a random search promises
 * nothing). */
static void judge(json_t *v, json_t *found)
{
	json_t *e = json_object_get(v, "expect"), *want = json_object_get(e, "invariants"), *x;
	bool fail_expected = json_is_true(json_object_get(e, "fail")), all = true;
	const char *verdict;
	size_t i;

	json_array_foreach(want, i, x)
		all &= has_string(found, str(x));
	if (!fail_expected)
		verdict = json_array_size(found) ? "unexpected-fail" : "pass";
	else
		verdict = all ? "fail-expected" : "not-found";
	json_object_set_new(v, "verdict", json_string(verdict));
	json_object_set_new(v, "as_expected", json_boolean(strcmp(verdict, "unexpected-fail") != 0));
	json_object_set(v, "invariants", found);
}

/* Merge variant vi of scenario si of every shard into out (a copy of the
 * first shard's). */
static void merge_variant(struct shard *sh, size_t n, json_int_t nshards, bool complete,
			  size_t si, size_t vi, json_t *out)
{
	json_t *os = json_object_get(out, "search");
	json_t *found = json_array(), *repro = json_array(), *shards = json_array();
	json_t *best = NULL;
	json_int_t first = 0, execs = 0, cs = 0, viol = 0;

	for (size_t i = 0; i < n; i++) {
		json_t *sc = json_array_get(json_object_get(sh[i].doc, "scenarios"), si);
		json_t *v = json_array_get(json_object_get(sc, "variants"), vi);
		json_t *s = json_object_get(v, "search"), *x;
		json_int_t f = ival(s, "first_violation");
		size_t j;

		json_array_append_new(shards, json_integer(sh[i].k));
		execs += ival(s, "executions");
		cs += ival(s, "crash_states");
		viol += ival(s, "violating_executions");
		json_array_foreach(json_object_get(s, "invariants_found"), j, x)
			if (!has_string(found, str(x)))
				json_array_append(found, x);
		json_array_foreach(json_object_get(s, "reproducers"), j, x)
			if (!has_repro(repro, str(json_object_get(x, "path"))))
				json_array_append(repro, x);
		if (f > 0) {
			json_int_t global = (f - 1) * nshards + sh[i].k + 1;

			if (!first || global < first) {
				first = global;
				best = v;
			}
		}
	}
	/* The counterexample's parts come from the shard that found it first. */
	if (best && best != json_array_get(json_object_get(json_array_get(
				json_object_get(out, "scenarios"), si), "variants"), vi)) {
		static const char *const keys[] = { "violations", "crash_states", "metrics",
						    "trace_hash", "replay", "diagram" };
		json_t *bs = json_object_get(best, "search");

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (json_object_get(best, keys[k]))
				json_object_set(out, keys[k], json_object_get(best, keys[k]));
		static const char *const skeys[] = { "tape_length", "shrunk_length",
						     "counterexample_replayed", "note" };
		for (size_t k = 0; k < sizeof(skeys) / sizeof(skeys[0]); k++)
			json_object_set(os, skeys[k], json_object_get(bs, skeys[k]));
	}
	json_object_set_new(os, "executions", json_integer(execs));
	json_object_set_new(os, "crash_states", json_integer(cs));
	json_object_set_new(os, "violating_executions", json_integer(viol));
	json_object_set_new(os, "first_violation", first ? json_integer(first) : json_null());
	json_object_set(os, "invariants_found", found);
	json_object_set(os, "reproducers", repro);
	json_object_set_new(os, "shard", json_integer(complete ? 0 : sh[0].k));
	json_object_set_new(os, "shards", json_integer(complete ? 1 : nshards));
	json_object_set(os, "merged_shards", shards);
	json_object_del(os, "seconds");
	{
		json_t *c = json_object_get(out, "crash_states");

		if (json_is_object(c))
			json_object_set_new(c, "checked", json_integer(cs));
	}
	judge(out, found);
	json_decref(found);
	json_decref(repro);
	json_decref(shards);
}

/* The summary counts again, from the merged verdicts. */
static void summarise(json_t *doc)
{
	json_t *sum = json_object_get(doc, "summary"), *sc, *v;
	static const char *const keys[] = { "variants", "as_expected", "not_as_expected", "pass",
					    "fail_expected", "unexpected_pass",
					    "unexpected_fail", "not_found" };
	size_t i, j;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_set_new(sum, keys[k], json_integer(0));
	json_array_foreach(json_object_get(doc, "scenarios"), i, sc)
		json_array_foreach(json_object_get(sc, "variants"), j, v) {
			char key[32];
			const char *vd = str(json_object_get(v, "verdict"));

			bump(sum, "variants");
			bump(sum, json_is_true(json_object_get(v, "as_expected")) ? "as_expected"
										: "not_as_expected");
			snprintf(key, sizeof(key), "%s", vd);
			for (char *p = key; *p; p++)
				if (*p == '-')
					*p = '_';
			if (json_object_get(sum, key))
				bump(sum, key);
		}
}

int rpt_merge_fuzz(const char *const *paths, size_t n, char **out_text, unsigned *not_as_expected,
		   char *err, size_t len)
{
	struct shard *sh;
	json_t *out = NULL;
	json_int_t nshards = 0;
	int rc = -1;

	*out_text = NULL;
	if (!n || n > MERGE_MAX_SHARDS)
		return fail(err, len, "merge wants 1 to %d shard documents", MERGE_MAX_SHARDS);
	sh = calloc(n, sizeof(*sh));
	if (!sh)
		return fail(err, len, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (load(paths[i], &sh[i], err, len))
			goto out;
	qsort(sh, n, sizeof(*sh), by_shard);
	if (check_campaign(sh, n, &nshards, err, len))
		goto out;
	out = json_deep_copy(sh[0].doc);
	{
		bool complete = (json_int_t)n == nshards;
		size_t si, vi;
		json_t *sc, *v;

		json_array_foreach(json_object_get(out, "scenarios"), si, sc)
			json_array_foreach(json_object_get(sc, "variants"), vi, v)
				if (json_is_object(json_object_get(v, "search")))
					merge_variant(sh, n, nshards, complete, si, vi, v);
	}
	summarise(out);
	*not_as_expected = (unsigned)ival(json_object_get(out, "summary"), "not_as_expected");
	{
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						     JSON_REAL_PRECISION(10));

		if (text && (*out_text = malloc(strlen(text) + 2)))
			sprintf(*out_text, "%s\n", text);
		free(text);
		if (!*out_text) {
			fail(err, len, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(out);
	for (size_t i = 0; i < n; i++)
		json_decref(sh[i].doc);
	free(sh);
	return rc;
}
