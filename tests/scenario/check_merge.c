/* SPDX-License-Identifier: MIT */
/*
 * tests/scenario/check_merge.c - `pcsim merge`: the shards of a fuzz
 * campaign merge into the document of the unsharded campaign (the same runs,
 * first violation, invariants and verdicts), the merged document is valid
 * under docs/results.schema.json, an incomplete merge says which shards it
 * holds, and shards of different campaigns (or a shard twice, or a run
 * document) are refused with the file and the field.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_schema.h"
#include "sim/report/report.h"
#include "check_util.h"

#define SCNS "scenarios/seed/01-writethrough-mkwrite.scn scenarios/seed/06-deferred-sync-file-range.scn"

static char dir[] = "/tmp/pcsim-merge-XXXXXX";

static const char *src_dir(void)
{
	const char *s = getenv("PCSIM_SRC");

	return s ? s : ".";
}

/* pcsim ARGS with stdout and stderr dropped; its exit status. */
static int pcsim(const char *args)
{
	const char *bin = getenv("PCSIM_BIN");
	char cmd[2048];
	int st;

	ck_assert_msg(bin != NULL, "PCSIM_BIN is not set");
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >/dev/null 2>&1", src_dir(), bin, args);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Shard K of N of a campaign of runs per shard, seed seed: DIR/NAME. */
static void shard(const char *name, unsigned k, unsigned n, unsigned runs, unsigned seed)
{
	char args[1024];

	snprintf(args, sizeof(args),
		 "fuzz " SCNS " --runs %u --seed %u --shard %u/%u --out %s/out --json %s/%s", runs,
		 seed, k, n, dir, dir, name);
	ck_assert_int_eq(pcsim(args), 0);
}

static json_t *load(const char *name)
{
	char path[600];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = json_load_file(path, 0, &je);
	ck_assert_msg(j != NULL, "%s:%d: %s", path, je.line, je.text);
	return j;
}

/* rpt_merge_fuzz over DIR/names; the document, or NULL with err. */
static json_t *merge(const char *const *names, size_t n, unsigned *bad, char *err, size_t len)
{
	char paths[8][600];
	const char *p[8];
	char *text;
	json_t *j;

	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
		p[i] = paths[i];
	}
	if (rpt_merge_fuzz(p, n, &text, bad, err, len))
		return NULL;
	j = json_loads(text, 0, NULL);
	free(text);
	ck_assert(j != NULL);
	return j;
}

static json_t *search(json_t *doc, size_t si, size_t vi)
{
	json_t *sc = json_array_get(json_object_get(doc, "scenarios"), si);

	return json_object_get(json_array_get(json_object_get(sc, "variants"), vi), "search");
}

static void setup(void)
{
	ck_assert(mkdtemp(dir) != NULL);
	shard("s0.json", 0, 3, 12, 5);
	shard("s1.json", 1, 3, 12, 5);
	shard("s2.json", 2, 3, 12, 5);
	shard("all.json", 0, 1, 36, 5);
	shard("other-seed.json", 1, 3, 12, 6);
}

START_TEST(shards_merge_into_the_campaign)
{
	static const char *const names[] = { "s2.json", "s0.json", "s1.json" };
	json_t *all, *m, *schema;
	char err[700], path[600];
	unsigned bad = 99;

	all = load("all.json");
	m = merge(names, 3, &bad, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_uint_eq(bad, 0);
	/* The same verdict counts as the unsharded campaign. */
	ck_assert(json_equal(json_object_get(all, "summary"), json_object_get(m, "summary")));
	for (size_t si = 0; si < 2; si++)
		for (size_t vi = 0; search(all, si, vi); vi++) {
			json_t *a = search(all, si, vi), *b = search(m, si, vi);
			static const char *const same[] = { "executions", "first_violation",
							     "invariants_found", "shard", "shards" };

			ck_assert(b != NULL);
			for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++)
				ck_assert_msg(json_equal(json_object_get(a, same[k]),
							 json_object_get(b, same[k])),
					      "scenario %zu variant %zu: %s differs", si, vi, same[k]);
			ck_assert_uint_eq(json_array_size(json_object_get(b, "merged_shards")), 3);
			/* A crash state is checked once per shard: at least as many. */
			ck_assert_int_ge(json_integer_value(json_object_get(b, "crash_states")),
					 json_integer_value(json_object_get(a, "crash_states")));
		}
	/* The found invariant's runs were counted (v2 of seed 01 breaks on
	 * every schedule of its threads that lets B fault in the window). */
	ck_assert_int_gt(json_integer_value(json_object_get(search(m, 0, 0), "violating_executions")),
			 0);
	snprintf(path, sizeof(path), "%s/docs/results.schema.json", src_dir());
	schema = json_load_file(path, 0, NULL);
	ck_assert(schema != NULL);
	assert_valid(schema, m);
	json_decref(schema);
	json_decref(all);
	json_decref(m);
}
END_TEST

START_TEST(incomplete_merge_keeps_n)
{
	static const char *const names[] = { "s2.json", "s0.json" };
	char err[700];
	unsigned bad;
	json_t *m, *s;

	m = merge(names, 2, &bad, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	s = search(m, 0, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "shards")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "shard")), 0);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(s, "merged_shards"), 1)),
			 2);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "executions")), 24);
	json_decref(m);
}
END_TEST

START_TEST(foreign_shards_refused)
{
	static const char *const seeds[] = { "s0.json", "other-seed.json" };
	static const char *const twice[] = { "s1.json", "s1.json" };
	static const char *const run[] = { "run.json" };
	char err[700], args[1024];
	unsigned bad;

	ck_assert(merge(seeds, 2, &bad, err, sizeof(err)) == NULL);
	ck_assert_msg(strstr(err, "other-seed.json: search.seed is 6") && strstr(err, "not shards of one"),
		      "%s", err);
	ck_assert(merge(twice, 2, &bad, err, sizeof(err)) == NULL);
	ck_assert_msg(strstr(err, "shard 1 is also in"), "%s", err);
	snprintf(args, sizeof(args), "run -q scenarios/seed/07-endio-deadlock.scn --json %s/run.json",
		 dir);
	ck_assert_int_eq(pcsim(args), 0);
	ck_assert(merge(run, 1, &bad, err, sizeof(err)) == NULL);
	ck_assert_msg(strstr(err, "only fuzz shards merge"), "%s", err);
	/* The command: exit 2 on the error, 0 on a good merge. */
	snprintf(args, sizeof(args), "merge %s/s0.json %s/other-seed.json", dir, dir);
	ck_assert_int_eq(pcsim(args), 2);
	snprintf(args, sizeof(args), "merge %s/s0.json %s/s1.json %s/s2.json -o %s/m.json", dir, dir,
		 dir, dir);
	ck_assert_int_eq(pcsim(args), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("fuzz-shards");

	tcase_set_timeout(tc, 300);
	/* The shards are made once, in the parent, for every test. */
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, shards_merge_into_the_campaign);
	tcase_add_test(tc, incomplete_merge_keeps_n);
	tcase_add_test(tc, foreign_shards_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
