/* Check (fork mode): `pcsim run scenarios/ --json` writes a document that
 * validates against docs/results.schema.json. The validator
 * (json_schema.h) is itself checked: documents broken in one place each
 * are rejected, with the path of the broken value. */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_schema.h"
#include "check_util.h"

/* ---- running pcsim ---- */

static const char *src_dir(void)
{
	const char *s = getenv("PCSIM_SRC");

	return s ? s : ".";
}

static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);

	ck_assert_msg(j != NULL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	return j;
}

static json_t *schema(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/docs/results.schema.json", src_dir());
	return load_json(path);
}

/* pcsim run ARGS --json DIR/out.json; returns the document. */
static json_t *run_json(const char *args, int want_status)
{
	char dir[] = "/tmp/pcsim-schema-XXXXXX", cmd[2048], out[600];
	const char *bin = getenv("PCSIM_BIN");
	int st;
	json_t *j;

	ck_assert_msg(bin != NULL, "PCSIM_BIN is not set");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(out, sizeof(out), "%s/out.json", dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' run -q %s --json '%s' >/dev/null 2>&1",
		 src_dir(), bin, args, out);
	st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == want_status, "%s: status %d", cmd,
		      WEXITSTATUS(st));
	j = load_json(out);
	unlink(out);
	rmdir(dir);
	return j;
}

START_TEST(run_scenarios_validates)
{
	json_t *s = schema(), *doc = run_json("scenarios", 0);

	assert_valid(s, doc);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(doc, "summary"),
							    "variants")), 40);
	json_decref(doc);
	json_decref(s);
}
END_TEST

/* A knob that flips verdicts, a variant that cannot run (unknown knob for
 * xfs) and a file that does not parse: every branch of the schema. */
START_TEST(odd_runs_validate)
{
	json_t *s = schema(), *doc;

	doc = run_json("--knob wt_isize_extended=off scenarios/seed/01-writethrough-mkwrite.scn", 1);
	assert_valid(s, doc);
	json_decref(doc);
	doc = run_json("--knob zero_eof=wait --wall-time scenarios/seed/01-writethrough-mkwrite.scn "
		       "scenarios/seed/05-ext4-iomap-zero-eof-truncate-up.scn", 2);
	assert_valid(s, doc);
	json_decref(doc);
	doc = run_json("tests/data/bad-knob.scn scenarios/seed/07-endio-deadlock.scn", 2);
	assert_valid(s, doc);
	json_decref(doc);
	json_decref(s);
}
END_TEST

static void assert_invalid(json_t *s, json_t *doc, const char *where)
{
	struct val x = { s, "" };

	ck_assert_msg(validate(&x, s, doc, "", 0) != 0, "accepted a broken document (%s)", where);
	ck_assert_msg(strstr(x.err, where) != NULL, "error '%s' does not name %s", x.err, where);
}

/* The validator rejects what it should: one break at a time. */
START_TEST(validator_rejects)
{
	json_t *s = schema(), *doc = run_json("scenarios/seed/05-ext4-iomap-zero-eof-append-write.scn",
					      0);
	json_t *v = json_array_get(json_object_get(json_array_get(json_object_get(doc, "scenarios"),
								  0), "variants"), 0);
	json_t *viol = json_array_get(json_object_get(v, "violations"), 0);

	ck_assert_ptr_nonnull(viol);
	assert_valid(s, doc);
	json_object_set_new(viol, "offset", json_integer(-1));
	assert_invalid(s, doc, ".violations[0].offset");
	json_object_set_new(viol, "offset", json_integer(1500));
	json_object_set_new(v, "verdict", json_string("maybe"));
	assert_invalid(s, doc, ".variants[0].verdict");
	json_object_set_new(v, "verdict", json_string("fail-expected"));
	json_object_del(json_object_get(v, "metrics"), "commits");
	assert_invalid(s, doc, "missing 'commits'");
	json_object_set_new(doc, "schema_version", json_integer(3));
	assert_invalid(s, doc, ".schema_version");
	json_decref(doc);
	json_decref(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report-schema");
	TCase *tc = tcase_create("schema");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, run_scenarios_validates);
	tcase_add_test(tc, odd_runs_validate);
	tcase_add_test(tc, validator_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
