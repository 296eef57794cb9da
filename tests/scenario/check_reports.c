/* Check (fork mode): the report files of `pcsim run`, `explore`, `fuzz` and
 * `pcsim diff`, as a CI job uses them.
 *
 *   all_outputs_valid      run scenarios/ --json --junit --html --markdown:
 *                          the JSON validates against the schema, the JUnit
 *                          and the HTML are well-formed XML (xmllint too,
 *                          when installed), the HTML is self-contained and
 *                          has a timeline and a size chart per failure;
 *   deterministic          the same run twice gives the same bytes, and no
 *                          wall-clock time unless --wall-time;
 *   failed_writes          a report that cannot be written is an error (exit
 *                          2) that leaves the previous file whole and no
 *                          temporary file behind: a missing directory, a
 *                          file where a directory should be, and a write cut
 *                          short (RLIMIT_FSIZE) for every form and diff -o;
 *   diff_planted           two runs differing by one knob: pcsim diff names
 *                          exactly the verdicts that changed, the new
 *                          violations and the metric deltas, and exits 1;
 *                          identical runs: no changes, exit 0;
 *   perf_command           the command behind `make perf` runs and writes
 *                          the table of the four designs;
 *   explore_reports,       pcsim explore and pcsim fuzz write the same forms
 *   fuzz_reports           (schema-valid, with the search's counts, the
 *                          counterexample run again, reproducers, not-found),
 *                          and diff compares two explore runs;
 *   diff_reads_version_1   a baseline of schema version 1 still compares;
 *   xml_checker            the XML checker used here rejects what it should.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_schema.h"
#include "xml_check.h"
#include "check_util.h"

#define XMLLINT "/usr/bin/xmllint"

static const char *src_dir(void)
{
	const char *s = getenv("PCSIM_SRC");

	return s ? s : ".";
}

static const char *bin(void)
{
	const char *b = getenv("PCSIM_BIN");

	ck_assert_msg(b != NULL, "PCSIM_BIN is not set");
	return b;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh directory for one test's files. */
static void tmpdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/pcsim-reports-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
}

static void rm_rf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Run a shell command in the source directory; its exit status. When
 * fsize is not 0 the command runs with RLIMIT_FSIZE at fsize bytes (and
 * SIGXFSZ ignored): every write past it fails with EFBIG, as a full disk
 * would make it fail. */
static int sh_limited(unsigned long fsize, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh_limited(unsigned long fsize, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	pid_t pid;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (fsize) {
			struct rlimit rl = { fsize, fsize };

			/* a coverage build writes its .gcda files at exit: cut
			 * short they would corrupt the build's profile, so they
			 * go to a scratch directory (GCOV_PREFIX) */
			setenv("GCOV_PREFIX", "/tmp/pcsim-reports-gcov", 1);
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl))
				_exit(125);
		}
		if (chdir(src_dir()))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st), "'%s' did not exit", cmd);
	return WEXITSTATUS(st);
}

#define sh(...) sh_limited(0, __VA_ARGS__)

static bool have_xmllint(void)
{
	return access(XMLLINT, X_OK) == 0;
}

/* Well-formed XML: always by the checker here, and by xmllint when it is
 * installed (as .ci/deps html installs it). */
static void assert_well_formed(const char *path)
{
	char *text = check_slurp(path, NULL), err[300];

	ck_assert_msg(xml_well_formed(text, err, sizeof(err)) == 0, "%s:%s", path, err);
	free(text);
	if (have_xmllint())
		ck_assert_msg(sh(XMLLINT " --noout --nonet '%s'", path) == 0,
			      "xmllint --noout %s reports errors", path);
}

static unsigned count(const char *text, const char *what)
{
	unsigned n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static json_t *load_json(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);

	ck_assert_msg(j != NULL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	return j;
}

static json_int_t summary(json_t *doc, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(doc, "summary"), key));
}

/* Self-contained: nothing fetched. The only URLs are the XML namespaces
 * of the page and of its SVG; links point inside the page. */
static void assert_self_contained(const char *html)
{
	static const char *const banned[] = { "<script", "<link", "<img", "<iframe", "<object",
					      "<embed", "src=", "url(", "@import" };
	unsigned urls = count(html, "http://") + count(html, "https://");
	unsigned ns = count(html, "xmlns=\"http://www.w3.org/1999/xhtml\"") +
		      count(html, "xmlns=\"http://www.w3.org/2000/svg\"");

	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		ck_assert_msg(!strstr(html, banned[i]), "the page uses %s", banned[i]);
	ck_assert_msg(urls == ns, "%u URLs besides the %u XML namespaces", urls - ns, ns);
	for (const char *p = strstr(html, "href=\""); p; p = strstr(p + 1, "href=\""))
		ck_assert_msg(p[6] == '#', "a link out of the page: %.40s", p);
}

START_TEST(all_outputs_valid)
{
	char d[64], path[128];
	json_t *schema, *doc;
	char *junit, *html, *md;
	json_int_t nv, details;

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("'%s' run -q scenarios --json %s/a.json --junit %s/a.xml --html %s/out/ "
			    "--markdown %s/a.md >/dev/null", bin(), d, d, d, d), 0);
	snprintf(path, sizeof(path), "%s/docs/results.schema.json", src_dir());
	schema = load_json(path);
	snprintf(path, sizeof(path), "%s/a.json", d);
	doc = load_json(path);
	assert_valid(schema, doc);
	nv = summary(doc, "variants");
	details = summary(doc, "fail_expected") + summary(doc, "not_as_expected");
	ck_assert_int_gt(nv, 40);
	ck_assert_int_gt(summary(doc, "fail_expected"), 5);

	/* JUnit: a testcase per scenario variant, a testsuite per file */
	snprintf(path, sizeof(path), "%s/a.xml", d);
	assert_well_formed(path);
	junit = check_slurp(path, NULL);
	ck_assert_int_eq(count(junit, "<testcase "), nv);
	ck_assert_int_eq(count(junit, "<testsuite "), summary(doc, "scenarios"));
	ck_assert_int_eq(count(junit, "<failure "), 0);
	ck_assert_msg(strstr(junit, "interleaving (as run):") != NULL,
		      "expected failures carry their race diagram");

	/* HTML: one page, a details section per failure, each with a
	 * timeline and the size chart beside it */
	snprintf(path, sizeof(path), "%s/out/index.html", d);
	assert_well_formed(path);
	html = check_slurp(path, NULL);
	assert_self_contained(html);
	ck_assert_int_eq(count(html, "<article "), details);
	ck_assert_int_eq(count(html, "class=\"tl\""), details);
	ck_assert_int_eq(count(html, "class=\"tl\""), count(html, "class=\"sz\""));
	ck_assert_msg(strstr(html, "crash point") && strstr(html, "class=\"dur\"") &&
		      strstr(html, "class=\"k1\"") && strstr(html, "class=\"vrange\""),
		      "crash points, durable marks, i_disksize lines and offending bytes");

	snprintf(path, sizeof(path), "%s/a.md", d);
	md = check_slurp(path, NULL);
	ck_assert_msg(!strncmp(md, "### ✅ pcsim run: all ", strlen("### ✅ pcsim run: all ")),
		      "markdown starts: %.60s", md);
	free(md);
	free(html);
	free(junit);
	json_decref(doc);
	json_decref(schema);
	rm_rf(d);
}
END_TEST

START_TEST(deterministic)
{
	static const char *const files[] = { "a.json", "a.xml", "out/index.html", "a.md" };
	char d[64], a[128], b[128];

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("mkdir -p %s/0 %s/1", d, d), 0);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(sh("'%s' run -q scenarios/seed --json %s/%d/a.json --junit "
				    "%s/%d/a.xml --html %s/%d/out --markdown %s/%d/a.md >/dev/null",
				    bin(), d, k, d, k, d, k, d, k), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *x, *y;

		snprintf(a, sizeof(a), "%s/0/%s", d, files[i]);
		snprintf(b, sizeof(b), "%s/1/%s", d, files[i]);
		x = check_slurp(a, NULL);
		y = check_slurp(b, NULL);
		ck_assert_msg(!strcmp(x, y), "%s differs between two runs", files[i]);
		if (i == 0)
			ck_assert_msg(!strstr(x, "wall_ms"), "wall-clock time without --wall-time");
		free(x);
		free(y);
	}
	ck_assert_int_eq(sh("'%s' run -q --wall-time scenarios/seed/01-writethrough-mkwrite.scn "
			    "--json %s/w.json >/dev/null && grep -q '\"wall_ms\"' %s/w.json", bin(),
			    d, d), 0);
	rm_rf(d);
}
END_TEST

/* No PATH.tmp.* left in dir. */
static void assert_no_temporaries(const char *dir)
{
	DIR *dd = opendir(dir);
	struct dirent *e;

	ck_assert(dd != NULL);
	while ((e = readdir(dd)))
		ck_assert_msg(!strstr(e->d_name, ".tmp."), "%s/%s left behind", dir, e->d_name);
	closedir(dd);
}

static void assert_content(const char *path, const char *want)
{
	char *got = check_slurp(path, NULL);

	ck_assert_msg(!strcmp(got, want), "%s was changed", path);
	free(got);
}

START_TEST(failed_writes)
{
	static const char *const old = "the previous report\n";
	char d[64], p[160];

	tmpdir(d, sizeof(d));
	/* a directory that does not exist, a file in the way of one */
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --json "
			    "%s/no/such/dir/a.json >/dev/null 2>%s/err", bin(), d, d), 2);
	snprintf(p, sizeof(p), "%s/err", d);
	ck_assert_int_eq(sh("grep -q 'cannot write the report: %s/no/such/dir/a.json' %s/err", d,
			    d), 0);
	snprintf(p, sizeof(p), "%s/plain", d);
	spit(p, old);
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --html "
			    "%s/plain/out --junit %s/plain/a.xml >/dev/null 2>&1", bin(), d, d), 2);
	assert_content(p, old);

	/* every form cut short by a full disk: the old files stay whole */
	ck_assert_int_eq(sh("mkdir %s/out", d), 0);
	snprintf(p, sizeof(p), "%s/a.json", d);
	spit(p, old);
	snprintf(p, sizeof(p), "%s/a.xml", d);
	spit(p, old);
	snprintf(p, sizeof(p), "%s/out/index.html", d);
	spit(p, old);
	snprintf(p, sizeof(p), "%s/a.md", d);
	spit(p, old);
	ck_assert_int_eq(sh_limited(64, "'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn "
				    "--json %s/a.json --junit %s/a.xml --html %s/out --markdown "
				    "%s/a.md >/dev/null 2>&1", bin(), d, d, d, d), 2);
	snprintf(p, sizeof(p), "%s/a.json", d);
	assert_content(p, old);
	snprintf(p, sizeof(p), "%s/a.xml", d);
	assert_content(p, old);
	snprintf(p, sizeof(p), "%s/out/index.html", d);
	assert_content(p, old);
	snprintf(p, sizeof(p), "%s/a.md", d);
	assert_content(p, old);
	assert_no_temporaries(d);
	snprintf(p, sizeof(p), "%s/out", d);
	assert_no_temporaries(p);

	/* pcsim diff -o, the same */
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --json "
			    "%s/base.json >/dev/null", bin(), d), 0);
	snprintf(p, sizeof(p), "%s/diff.md", d);
	spit(p, old);
	ck_assert_int_eq(sh_limited(64, "'%s' diff --markdown %s/base.json %s/base.json -o "
				    "%s/diff.md 2>/dev/null", bin(), d, d, d), 2);
	assert_content(p, old);
	ck_assert_int_eq(sh("'%s' diff %s/base.json %s/base.json -o %s/nodir/diff.md 2>/dev/null",
			    bin(), d, d, d), 2);
	assert_no_temporaries(d);
	/* and when it can be written, it is */
	ck_assert_int_eq(sh("'%s' diff --markdown %s/base.json %s/base.json -o %s/diff.md", bin(),
			    d, d, d), 0);
	ck_assert_int_eq(sh("grep -q 'no regression' %s/diff.md", d), 0);
	rm_rf(d);
	rm_rf("/tmp/pcsim-reports-gcov");
}
END_TEST

/* Lines of a section of `pcsim diff`'s text output: from its title to
 * the next blank line. */
static char *section(const char *text, const char *title)
{
	const char *s = strstr(text, title), *e;

	if (!s)
		return strdup("");
	e = strstr(s, "\n\n");
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

START_TEST(diff_planted)
{
	char d[64], p[128], *out, *sec;

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --json "
			    "%s/base.json >/dev/null", bin(), d), 0);
	/* the planted regression: the fixed variants lose their fix */
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --knob "
			    "wt_isize_extended=off --json %s/new.json --markdown %s/new.md "
			    "--junit %s/new.xml >/dev/null", bin(), d, d, d), 1);
	/* the run's own summary and JUnit say what broke and how to replay it */
	snprintf(p, sizeof(p), "%s/new.md", d);
	out = check_slurp(p, NULL);
	ck_assert_msg(strstr(out, "### ❌ pcsim run: 2 of 5 verdicts not as expected") &&
		      strstr(out, "- **writethrough-mkwrite-stale-isize / v3**: UNEXPECTED FAIL") &&
		      strstr(out, "replay: `pcsim run scenarios/seed/01-writethrough-mkwrite.scn "
				  "--variant v3 --knob wt_isize_extended=off --trace`"), "%s", out);
	free(out);
	snprintf(p, sizeof(p), "%s/new.xml", d);
	assert_well_formed(p);
	out = check_slurp(p, NULL);
	ck_assert_int_eq(count(out, "<failure "), 2);
	ck_assert_msg(strstr(out, "interleaving (as run):"), "the race diagram in the failure");
	free(out);
	ck_assert_int_eq(sh("'%s' diff %s/base.json %s/new.json >%s/diff.txt", bin(), d, d, d), 1);
	snprintf(p, sizeof(p), "%s/diff.txt", d);
	out = check_slurp(p, NULL);
	ck_assert_msg(strstr(out, "knobs: BASE (none), NEW wt_isize_extended=off"), "%s", out);
	sec = section(out, "verdicts changed");
	ck_assert_msg(strstr(sec, "verdicts changed (2)"), "%s", out);
	ck_assert_msg(strstr(sec, "writethrough-mkwrite-stale-isize / v3 ") &&
		      strstr(sec, "writethrough-mkwrite-stale-isize / v3-2k "), "%s", sec);
	ck_assert_int_eq(count(sec, "PASS → UNEXPECTED FAIL"), 2);
	ck_assert_int_eq(count(sec, "regression"), 2);
	ck_assert_msg(!strstr(sec, "/ v2"), "v2 (already without the fix) did not change");
	free(sec);
	sec = section(out, "new violations");
	ck_assert_msg(strstr(sec, "new violations (3)") &&
		      strstr(sec, "unreserved-dirty bytes 2048-3071 of file 0"), "%s", sec);
	free(sec);
	sec = section(out, "metric deltas");
	ck_assert_msg(strstr(sec, "v3        ios.data: 3 → 2") &&
		      strstr(sec, "v3-2k     commits: 3 → 2") && !strstr(sec, "/ v2 "), "%s", sec);
	free(sec);
	ck_assert_msg(strstr(out, "2 of 5 variants regressed"), "%s", out);
	free(out);

	/* the Markdown and HTML forms say the same and exit the same */
	ck_assert_int_eq(sh("'%s' diff --markdown %s/base.json %s/new.json | grep -q '^### ❌'",
			    bin(), d, d), 0);
	ck_assert_int_eq(sh("'%s' diff --html %s/base.json %s/new.json -o %s/diff.html", bin(), d,
			    d, d), 1);
	snprintf(p, sizeof(p), "%s/diff.html", d);
	assert_well_formed(p);

	/* a run against itself: nothing changed */
	ck_assert_int_eq(sh("'%s' diff %s/base.json %s/base.json >%s/same.txt", bin(), d, d, d), 0);
	snprintf(p, sizeof(p), "%s/same.txt", d);
	out = check_slurp(p, NULL);
	ck_assert_msg(strstr(out, "no changes") && strstr(out, "no regression in 5 variants"),
		      "%s", out);
	free(out);
	/* the other way round the regression is a fix: exit 0 */
	ck_assert_int_eq(sh("'%s' diff %s/new.json %s/base.json >/dev/null", bin(), d, d), 0);
	rm_rf(d);
}
END_TEST

static json_t *variant_of(json_t *doc, size_t si, size_t vi)
{
	json_t *v = json_array_get(json_object_get(json_array_get(json_object_get(doc, "scenarios"),
								   si), "variants"), vi);

	ck_assert_ptr_nonnull(v);
	return v;
}

static const char *jstr_at(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *schema_doc(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/docs/results.schema.json", src_dir());
	return load_json(path);
}

/* pcsim explore: every form, the search's counts, the counterexample run
 * again (violations, timeline, metrics) and its replay command. */
START_TEST(explore_reports)
{
	char d[64], p[128], *text;
	json_t *schema = schema_doc(), *doc, *v, *sr;

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("'%s' explore scenarios/seed/02-eof-junk-truncate-up.scn --bound 1 --json %s/x.json "
			    "--junit %s/x.xml --html %s/x.html --markdown %s/x.md >/dev/null", bin(),
			    d, d, d, d), 0);
	/* the same search twice: the same bytes (no wall-clock time) */
	ck_assert_int_eq(sh("'%s' explore scenarios/seed/02-eof-junk-truncate-up.scn --bound 1 --json "
			    "%s/x2.json >/dev/null && cmp -s %s/x.json %s/x2.json", bin(), d, d, d), 0);
	snprintf(p, sizeof(p), "%s/x.json", d);
	doc = load_json(p);
	assert_valid(schema, doc);
	ck_assert_str_eq(jstr_at(doc, "command"), "explore");
	v = variant_of(doc, 0, 0);	/* off: eof-junk in every execution */
	sr = json_object_get(v, "search");
	ck_assert_str_eq(jstr_at(v, "verdict"), "fail-expected");
	ck_assert_str_eq(jstr_at(sr, "kind"), "explore");
	ck_assert(json_is_true(json_object_get(sr, "complete")));
	ck_assert(json_is_true(json_object_get(sr, "counterexample_replayed")));
	ck_assert_str_eq(jstr_at(json_object_get(json_object_get(sr, "invariants"), "eof-junk"),
				 "frequency"), "Always");
	ck_assert_msg(strstr(jstr_at(v, "replay"), "pcsim explore scenarios/seed/02-eof-junk-"
			     "truncate-up.scn --variant off --replay 'T1 "), "%s", jstr_at(v, "replay"));
	ck_assert_int_gt(json_array_size(json_object_get(v, "violations")), 0);
	ck_assert(json_is_object(json_object_get(v, "metrics")));
	v = variant_of(doc, 0, 2);	/* today: nothing */
	ck_assert_str_eq(jstr_at(v, "verdict"), "pass");
	ck_assert(json_is_null(json_object_get(json_object_get(v, "search"), "first_violation")));
	json_decref(doc);

	snprintf(p, sizeof(p), "%s/x.xml", d);
	assert_well_formed(p);
	text = check_slurp(p, NULL);
	ck_assert_int_eq(count(text, "<testcase "), 4);
	ck_assert_msg(strstr(text, "explore: exhaustive search"), "the search in system-out");
	free(text);
	snprintf(p, sizeof(p), "%s/x.html", d);
	assert_well_formed(p);
	text = check_slurp(p, NULL);
	assert_self_contained(text);
	ck_assert_int_eq(count(text, "<article "), 2);
	ck_assert_int_eq(count(text, "class=\"tl\""), 2);
	ck_assert_msg(strstr(text, "<h4>Search</h4>") && strstr(text, "Always"), "search details");
	free(text);
	snprintf(p, sizeof(p), "%s/x.md", d);
	text = check_slurp(p, NULL);
	ck_assert_msg(strstr(text, "| variant | verdict | search | broke | found |") &&
		      strstr(text, "eof-junk Always ("), "%s", text);
	free(text);

	/* a knob that removes the fix: explore disagrees (exit 1), the
	 * report says so, and diff names the verdict and the counts */
	ck_assert_int_eq(sh("'%s' explore scenarios/seed/02-eof-junk-truncate-up.scn --variant today "
			    "--bound 1 --json %s/base.json >/dev/null", bin(), d), 0);
	ck_assert_int_eq(sh("'%s' explore scenarios/seed/02-eof-junk-truncate-up.scn --variant today "
			    "--bound 1 --knob isize_extended=off --json %s/new.json >/dev/null", bin(), d), 1);
	snprintf(p, sizeof(p), "%s/new.json", d);
	doc = load_json(p);
	assert_valid(schema, doc);
	ck_assert_str_eq(jstr_at(variant_of(doc, 0, 0), "verdict"), "unexpected-fail");
	json_decref(doc);
	ck_assert_int_eq(sh("'%s' diff %s/base.json %s/new.json >%s/diff.txt", bin(), d, d, d), 1);
	snprintf(p, sizeof(p), "%s/diff.txt", d);
	text = check_slurp(p, NULL);
	ck_assert_msg(strstr(text, "verdicts changed (1)") &&
		      strstr(text, "PASS → UNEXPECTED FAIL") &&
		      strstr(text, "search.invariants.eof-junk.executions: 0 → "), "%s", text);
	free(text);
	json_decref(schema);
	rm_rf(d);
}
END_TEST

/* pcsim fuzz: the reproducer saved is found by its name and run again; an
 * expected failure not found is "not-found" (as expected, JUnit skipped). */
START_TEST(fuzz_reports)
{
	char d[64], p[160], *text;
	json_t *schema = schema_doc(), *doc, *v, *rr;

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("'%s' fuzz scenarios/seed/02-eof-junk-truncate-up.scn --variant off "
			    "--runs 3 --out %s/repro --json %s/f.json --html %s/f.html --junit "
			    "%s/f.xml --no-progress >/dev/null", bin(), d, d, d, d), 0);
	snprintf(p, sizeof(p), "%s/f.json", d);
	doc = load_json(p);
	assert_valid(schema, doc);
	ck_assert_str_eq(jstr_at(doc, "command"), "fuzz");
	v = variant_of(doc, 0, 0);
	ck_assert_str_eq(jstr_at(v, "verdict"), "fail-expected");
	rr = json_array_get(json_object_get(json_object_get(v, "search"), "reproducers"), 0);
	ck_assert_ptr_nonnull(rr);
	ck_assert_msg(access(jstr_at(rr, "path"), R_OK) == 0, "no reproducer at %s",
		      jstr_at(rr, "path"));
	/* a race-diagram reproducer has no tape; a tape reproducer's is "T1 ..." */
	ck_assert(json_is_null(json_object_get(rr, "tape")) ||
		  !strncmp(jstr_at(rr, "tape"), "T1", 2));
	ck_assert(json_is_true(json_object_get(json_object_get(v, "search"),
					       "counterexample_replayed")));
	ck_assert_msg(strstr(jstr_at(v, "replay"), "pcsim run ") != NULL, "%s", jstr_at(v, "replay"));
	json_decref(doc);
	snprintf(p, sizeof(p), "%s/f.html", d);
	assert_well_formed(p);
	text = check_slurp(p, NULL);
	ck_assert_int_eq(count(text, "class=\"tl\""), 1);
	free(text);

	/* without crash states fuzzing cannot find not-durable */
	ck_assert_int_eq(sh("'%s' fuzz scenarios/seed/08-durability-ext4.scn --variant no-flush "
			    "--no-crash --runs 2 --json %s/nf.json --junit %s/nf.xml --no-progress "
			    ">/dev/null", bin(), d, d), 0);
	snprintf(p, sizeof(p), "%s/nf.json", d);
	doc = load_json(p);
	assert_valid(schema, doc);
	v = variant_of(doc, 0, 0);
	ck_assert_str_eq(jstr_at(v, "verdict"), "not-found");
	ck_assert(json_is_true(json_object_get(v, "as_expected")));
	ck_assert(json_is_null(json_object_get(v, "metrics")));
	json_decref(doc);
	snprintf(p, sizeof(p), "%s/nf.xml", d);
	assert_well_formed(p);
	ck_assert_int_eq(sh("grep -q '<skipped message=' %s/nf.xml", d), 0);
	json_decref(schema);
	rm_rf(d);
}
END_TEST

/* pcsim diff reads a version 1 document (a baseline kept from before
 * explore and fuzz wrote reports) and refuses a newer one. */
START_TEST(diff_reads_version_1)
{
	char d[64], p[128];
	json_t *doc, *v;
	size_t i;

	tmpdir(d, sizeof(d));
	ck_assert_int_eq(sh("'%s' run -q scenarios/seed/01-writethrough-mkwrite.scn --json "
			    "%s/v2.json >/dev/null", bin(), d), 0);
	/* version 1: no "search", no "not_found" */
	snprintf(p, sizeof(p), "%s/v2.json", d);
	doc = load_json(p);
	json_object_set_new(doc, "schema_version", json_integer(1));
	json_object_del(json_object_get(doc, "summary"), "not_found");
	json_array_foreach(json_object_get(json_array_get(json_object_get(doc, "scenarios"), 0),
					   "variants"), i, v)
		json_object_del(v, "search");
	snprintf(p, sizeof(p), "%s/v1.json", d);
	ck_assert_int_eq(json_dump_file(doc, p, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(doc);
	ck_assert_int_eq(sh("'%s' diff %s/v1.json %s/v2.json | grep -q 'no changes'", bin(), d, d),
			 0);
	ck_assert_int_eq(sh("sed 's/\"schema_version\": 2/\"schema_version\": 3/' %s/v2.json "
			    ">%s/v3.json", d, d), 0);
	ck_assert_int_eq(sh("'%s' diff %s/v1.json %s/v3.json 2>&1 | grep -q 'schema_version: is 3; "
			    "this pcsim reads versions 1 to 2'", bin(), d, d), 0);
	rm_rf(d);
}
END_TEST

/* The command `make perf` runs (Makefile, target perf), writing into a
 * scratch directory instead of docs/perf.md. */
START_TEST(perf_command)
{
	static const char *const designs[] = { "| ext4 |", "zero_eof=submit |", "zero_eof=wait |",
					       "zero_eof=deferred |" };
	char d[64], p[128], *md, *mk;

	tmpdir(d, sizeof(d));
	snprintf(p, sizeof(p), "%s/Makefile", src_dir());
	mk = check_slurp(p, NULL);
	ck_assert_msg(strstr(mk, "pcsim run -q scenarios/perf --metrics-md $(PERF_MD) --html "
				 "$(PERF_HTML)"), "the Makefile's perf command changed: update "
		      "this test");
	free(mk);
	ck_assert_int_eq(sh("'%s' run -q scenarios/perf --metrics-md %s/perf.md --html "
			    "%s/perf.html >/dev/null", bin(), d, d), 0);
	snprintf(p, sizeof(p), "%s/perf.md", d);
	md = check_slurp(p, NULL);
	ck_assert_msg(strstr(md, "## `scenarios/perf`"), "%s", md);
	/* the four designs side by side: a column each, a row per workload */
	ck_assert_msg(strstr(md, "### The designs side by side") &&
		      strstr(md, "| workload | ext4 | ext4-iomap zero_eof=submit | ext4-iomap "
				 "zero_eof=wait | ext4-iomap zero_eof=deferred |"), "%s", md);
	/* one row in each of the 7 headline tables (metrics_md.c) */
	ck_assert_int_eq(count(md, "\n| truncate-up | "), 7);
	ck_assert_int_eq(count(md, "\n| fallocate | "), 7);
	for (size_t i = 0; i < sizeof(designs) / sizeof(designs[0]); i++)
		ck_assert_int_ge(count(md, designs[i]), 5);
	free(md);
	snprintf(p, sizeof(p), "%s/perf.html", d);
	assert_well_formed(p);
	rm_rf(d);
}
END_TEST

START_TEST(xml_checker)
{
	static const char *const good[] = {
		"<a/>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<a x='1' y=\"&amp;&#38;&#x26;\">t<b/>"
		"<!-- c --><![CDATA[<&]]></a>\n",
	};
	static const char *const broken[] = {
		"", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a/><b/>", "<a x=1/>",
		"<a x=\"1\" x=\"2\"/>", "<a>&nbsp;</a>", "<a>&</a>", "<a x=\"<\"/>", "<a>\xff</a>",
		"<a><!-- </a>", "<a/>junk", "</a>",
	};
	char err[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(xml_well_formed(good[i], err, sizeof(err)) == 0, "%s: %s", good[i],
			      err);
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		ck_assert_msg(xml_well_formed(broken[i], err, sizeof(err)) != 0,
			      "accepted '%s'", broken[i]);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("reports");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, xml_checker);
	tcase_add_test(tc, all_outputs_valid);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, failed_writes);
	tcase_add_test(tc, diff_planted);
	tcase_add_test(tc, perf_command);
	tcase_add_test(tc, explore_reports);
	tcase_add_test(tc, fuzz_reports);
	tcase_add_test(tc, diff_reads_version_1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
