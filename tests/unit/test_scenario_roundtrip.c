/* Unit tests: scenario printer round trips.
 *
 * Every tests/unit/scn/NAME.scn is in canonical form: print(parse(file)) is
 * the file byte for byte, parse(print(x)) is scn_equal to parse(x), and
 * printing is a fixed point. Non-canonical inputs (other spacing, order,
 * tabs, CR LF, hex numbers, flags in another order) print to a canonical text
 * that parses to an equal tree. The scn directory is found through PCSIM_SRC
 * (set by ctest) or the current directory. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/scenario/scenario.h"
#include "tests/unit/test_scenario_vocab.h"

#define MAX_FILES 64

static struct scn_file *parse_ok(const char *path, const char *text, size_t len)
{
	struct scn_file *f = NULL;
	struct scn_diag d;

	if (scn_parse(path, text, len, &scn_test_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		fail_msg("%s does not parse", path);
	}
	return f;
}

/* print(x) parses to an equal tree and prints the same text again. */
static char *check_round_trip(const char *path, const struct scn_file *f)
{
	char *p1 = scn_print_str(f), *p2;
	struct scn_file *g;

	assert_non_null(p1);
	g = parse_ok(path, p1, strlen(p1));
	if (!scn_equal(f, g))
		fail_msg("%s: parse(print(x)) != parse(x); printed:\n%s", path, p1);
	p2 = scn_print_str(g);
	assert_non_null(p2);
	if (strcmp(p1, p2))
		fail_msg("%s: printing is not stable:\n%s\n---\n%s", path, p1, p2);
	free(p2);
	scn_free(g);
	return p1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_scn(const char *dir, char **names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		fail_msg("cannot open %s (set PCSIM_SRC to the source root)", dir);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".scn") && n < MAX_FILES)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	return n;
}

static void test_canonical_examples(void **state)
{
	const char *src = getenv("PCSIM_SRC");
	char dir[512], path[1024], *names[MAX_FILES];
	size_t n;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/unit/scn", src ? src : ".");
	n = list_scn(dir, names);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text, *printed;
		struct scn_file *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = read_file(path, &len);
		f = parse_ok(path, text, len);
		printed = check_round_trip(path, f);
		if (strcmp(printed, text))
			fail_msg("%s is not in canonical form; the printer writes:\n%s", path, printed);
		free(printed);
		scn_free(f);
		free(text);
		free(names[i]);
	}
}

/* Non-canonical text: parse, print, check the round trip and the canonical text. */
static void check_messy(const char *text, const char *canonical)
{
	struct scn_file *f = parse_ok("messy.scn", text, strlen(text));
	char *p = check_round_trip("messy.scn", f);

	if (canonical && strcmp(p, canonical))
		fail_msg("printed:\n%s\nexpected:\n%s", p, canonical);
	free(p);
	scn_free(f);
}

static void test_messy_sections(void **state)
{
	(void)state;
	/* sections in another order, comments attached to items, hex numbers,
	 * flags and invariants in another order */
	check_messy(
		"# header line\n"
		"\n"
		"expect fail   lost-write stale-data\n"
		"# about the thread\n"
		"thread A   \"a \\\"quoted\\\" label\"\n"
		"  # about the op\n"
		"  pwrite f 0x1000 0x400 aio writethrough data=unique\n"
		"   sleep 1000ms\n"
		"persist sample=0x10\n"
		"tape   T1 s2/7  p1/3   # the choices\n"
		"fs    xfs   blocksize=1024\n"
		"disk tear=off latency=1ms cache=none\n"
		"scenario messy\n"
		"setup nosync\n"
		"\tfallocate f 0 1m keep-size\n"
		"# trailing words\n",
		"# header line\n"
		"\n"
		"scenario   messy\n"
		"fs         xfs  blocksize=1024\n"
		"disk       cache=none  latency=1ms  tear=off\n"
		"\n"
		"setup nosync\n"
		"    fallocate f 0 1m keep-size\n"
		"\n"
		"# about the thread\n"
		"thread A \"a \\\"quoted\\\" label\"\n"
		"    # about the op\n"
		"    pwrite  f 0x1000 0x400 writethrough aio data=unique\n"
		"    sleep   1000ms\n"
		"\n"
		"persist    sample=16\n"
		"tape       T1 s2/7  p1/3\n"
		"\n"
		"expect     fail stale-data lost-write\n"
		"\n"
		"# trailing words\n");
}

static void test_messy_race(void **state)
{
	(void)state;
	/* tabs, CR LF, a comment inside the diagram (dropped), a trailing
	 * comment (dropped), an unused column, uneven widths */
	check_messy(
		"fs xfs\r\n"
		"thread A\r\n"
		"\tpwrite f 0 4096\r\n"
		"thread B\r\n"
		"\tmmap f\r\n"
		"race\r\n"
		"\tA\t| B | jbd2 |flusher\r\n"
		"\t# dropped\r\n"
		"\t\t*\t|\r\n"
		"\t| mmap f   # dropped too\r\n"
		"\t| | |   wb_workfn\r\n"
		"\t|  | | crash\r\n"
		"expect pass\r\n",
		"fs         xfs\n"
		"\n"
		"thread A\n"
		"    pwrite  f 0 4096\n"
		"thread B\n"
		"    mmap    f\n"
		"\n"
		"race\n"
		"    A          | B         | jbd2    | flusher\n"
		"      *        |           |         |\n"
		"               | mmap f    |         |\n"
		"               |           |         |   wb_workfn\n"
		"      crash    |           |         |\n"
		"\n"
		"expect     pass\n");
}

static void test_messy_schedule(void **state)
{
	(void)state;
	check_messy(
		"fs ext4-iomap zero_eof=wait\n"
		"thread A\n"
		"    truncate f 6000\n"
		"    fsync f\n"
		"schedule A:inode_lock\n"
		"       A:*   A:( fsync  f )  jbd2:commit\n"
		"  crash\n"
		"variant x expect pass\n",
		"fs         ext4-iomap  zero_eof=wait\n"
		"\n"
		"thread A\n"
		"    truncate f 6000\n"
		"    fsync    f\n"
		"\n"
		"schedule   A:inode_lock A:* A:(fsync f) jbd2:commit crash\n"
		"\n"
		"variant x  expect pass\n");
}

/* Numbers and durations keep their spelling; values built by code print in
 * decimal, with k / m for exact multiples, durations in the largest unit. */
static void test_number_styles(void **state)
{
	static const char text[] =
		"fs xfs\ndisk latency=1000us-2s\nthread A\n"
		"    pwrite f 4096 8K\n    pwrite f 0X1000 1m\n    truncate f 0x0\n    sleep 60s\n"
		"expect pass\nmetric zero-ios <= 1024\nmetric commits <= 1k\n";
	static const char race[] =
		"fs xfs\nthread A\n    pwrite f 4096 0x10\nrace\n    A\n    pwrite f 4k 16\nexpect pass\n";
	struct scn_file *f = parse_ok("n.scn", text, sizeof(text) - 1);
	struct scn_op *o = f->f_threads[0].t_ops;
	char *p = check_round_trip("n.scn", f);

	(void)state;
	assert_non_null(strstr(p, "latency=1000us-2s\n"));
	assert_non_null(strstr(p, "    pwrite   f 4096 8k\n    pwrite   f 0x1000 1m\n"));
	assert_non_null(strstr(p, "    truncate f 0x0\n    sleep    60s\n"));
	assert_non_null(strstr(p, "zero-ios <= 1024\nmetric     commits <= 1k\n"));
	free(p);
	/* the same values without a spelling */
	for (int i = 0; i < 4; i++)
		o[i].o_off_style = o[i].o_len_style = o[i].o_size_style = o[i].o_ns_style =
			SCN_STYLE_AUTO;
	o[3].o_ns = 1500000;
	p = scn_print_str(f);
	assert_non_null(strstr(p, "    pwrite   f 4k 8k\n    pwrite   f 4k 1m\n"));
	assert_non_null(strstr(p, "    truncate f 0\n    sleep    1500us\n"));
	free(p);
	/* the race matches an operation however its numbers are spelt */
	scn_free(f);
	f = parse_ok("m.scn", race, sizeof(race) - 1);
	p = check_round_trip("m.scn", f);
	assert_non_null(strstr(p, "    pwrite f 4k 16\n"));
	free(p);
	scn_free(f);
}

/* The linear and the diagram form hold the same items. */
static void test_race_equals_schedule(void **state)
{
	static const char race[] =
		"fs xfs\nthread A\n    pwrite f 6000 100\nthread B\n    mmap f\n    store f 1 2\n"
		"race\n    A | B | flusher\n    pwrite f 6000 100 |\n      iomap_zero_range |\n"
		"  | mmap f\n  | store f 1 2\n  | | *\n  crash\n      * |\nexpect pass\n";
	static const char sched[] =
		"fs xfs\nthread A\n    pwrite f 6000 100\nthread B\n    mmap f\n    store f 1 2\n"
		"schedule A:(pwrite f 6000 100) A:iomap_zero_range B:(mmap f) B:(store f 1 2)"
		" flusher:* crash A:*\nexpect pass\n";
	struct scn_file *a = parse_ok("r.scn", race, sizeof(race) - 1);
	struct scn_file *b = parse_ok("s.scn", sched, sizeof(sched) - 1);

	(void)state;
	assert_false(scn_equal(a, b));	/* the form is kept */
	assert_int_equal(a->f_nitems, b->f_nitems);
	for (uint32_t i = 0; i < a->f_nitems; i++) {
		const struct scn_item *x = &a->f_items[i], *y = &b->f_items[i];

		assert_int_equal(x->si_kind, y->si_kind);
		assert_string_equal(x->si_task, y->si_task);
		assert_string_equal(x->si_step, y->si_step);
		assert_true(scn_op_equal(&x->si_op, &y->si_op));
		assert_int_equal(x->si_task_kind, y->si_task_kind);
		assert_int_equal(x->si_op_index, y->si_op_index);
	}
	b->f_sched_form = SCN_SCHED_RACE;	/* no header: the printer derives columns */
	free(check_round_trip("s.scn", b));
	scn_free(a);
	scn_free(b);
}

static void test_equal_detects_changes(void **state)
{
	static const char text[] = "fs xfs\nthread A \"x\"\n    pwrite f 0 10\nexpect pass\n";
	struct scn_file *a = parse_ok("a.scn", text, sizeof(text) - 1);
	struct scn_file *b = parse_ok("b.scn", text, sizeof(text) - 1);

	(void)state;
	assert_true(scn_equal(a, b));
	b->f_threads[0].t_ops[0].o_len = 11;
	assert_false(scn_equal(a, b));
	b->f_threads[0].t_ops[0].o_len = 10;
	b->f_threads[0].t_label[0] = 'y';
	assert_false(scn_equal(a, b));
	b->f_threads[0].t_label[0] = 'x';
	b->f_expect_v.e_fail = true;
	assert_false(scn_equal(a, b));
	scn_free(a);
	scn_free(b);
}

/* A reproducer built by appending to a parsed tree prints and parses back. */
static void test_append_reproducer(void **state)
{
	static const char text[] = "fs xfs\nthread A\n    pwrite f 0 10\nexpect fail lost-write\n";
	struct scn_file *f = parse_ok("r.scn", text, sizeof(text) - 1);
	struct scn_item it;
	char *p;

	(void)state;
	memset(&it, 0, sizeof(it));
	f->f_sched.present = true;
	f->f_sched_form = SCN_SCHED_RACE;
	it.si_kind = SCN_ITEM_OP;
	strcpy(it.si_task, "A");
	it.si_op = f->f_threads[0].t_ops[0];
	assert_int_equal(scn_append_item(f, &it), 0);
	it.si_kind = SCN_ITEM_STEP;
	strcpy(it.si_step, "iomap_write_iter");
	assert_int_equal(scn_append_item(f, &it), 0);
	it.si_kind = SCN_ITEM_CRASH;
	it.si_task[0] = '\0';
	assert_int_equal(scn_append_item(f, &it), 0);
	f->f_persist.present = true;
	f->f_persist_kind = SCN_PERSIST_SURVIVORS;
	assert_int_equal(scn_append_survivor(f, 3), 0);
	assert_int_equal(scn_append_survivor(f, 7), 0);
	assert_int_equal(scn_append_survivor(f, 7), -1);
	p = check_round_trip("r.scn", f);
	assert_non_null(strstr(p, "race\n    A\n    pwrite f 0 10\n      iomap_write_iter\n      crash\n"));
	assert_non_null(strstr(p, "persist    survivors 3 7\n"));
	free(p);
	scn_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_examples),
		cmocka_unit_test(test_messy_sections),
		cmocka_unit_test(test_messy_race),
		cmocka_unit_test(test_messy_schedule),
		cmocka_unit_test(test_number_styles),
		cmocka_unit_test(test_race_equals_schedule),
		cmocka_unit_test(test_equal_detects_changes),
		cmocka_unit_test(test_append_reproducer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
