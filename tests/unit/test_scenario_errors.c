/* Unit tests: scenario language errors, one class per test. Each checks the
 * position, the message, the note (what was expected / known names) and that
 * the formatted error has the "file:line:col: error:" form with a caret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/scenario/scenario.h"
#include "sim/explore/runner.h"
#include "tests/unit/test_scenario_vocab.h"

/* A valid prefix most tests build on. */
#define XFS_AB                                                   \
	"fs xfs blocksize=1024 writethrough=on\n"                \
	"thread A \"writer\"\n"                                  \
	"    pwrite f 6000 100 writethrough\n"                   \
	"thread B\n"                                             \
	"    mmap f\n"                                           \
	"    store f 1400 50\n"                                  \
	"    store f 3000 100\n"

static void check_diag_text(const struct scn_diag *d)
{
	char head[64];
	char *s = scn_diag_str(d);

	assert_non_null(s);
	snprintf(head, sizeof(head), "t.scn:%u:%u: error: ", d->d_line, d->d_col);
	if (strncmp(s, head, strlen(head)))
		fail_msg("diagnostic does not start with '%s':\n%s", head, s);
	if (d->d_has_source && !strstr(s, "^"))
		fail_msg("no caret:\n%s", s);
	free(s);
}

/* Parse text (len bytes), expect failure at line:col with msg (and note) in it. */
static void check_error_n(const char *text, size_t len, uint32_t line, uint32_t col,
			  const char *msg, const char *note)
{
	struct scn_file *f = NULL;
	struct scn_diag d;

	if (scn_parse("t.scn", text, len, &scn_test_vocab, &f, &d) == 0) {
		scn_free(f);
		fail_msg("parsed, expected an error containing '%s'", msg);
	}
	assert_null(f);
	if (d.d_line != line || d.d_col != col || !strstr(d.d_message, msg) ||
	    (note && !strstr(d.d_note, note))) {
		scn_diag_print(&d, stderr);
		fail_msg("expected %u:%u '%s' / note '%s'", line, col, msg, note ? note : "");
	}
	check_diag_text(&d);
}

static void check_error(const char *text, uint32_t line, uint32_t col, const char *msg,
			const char *note)
{
	check_error_n(text, strlen(text), line, col, msg, note);
}

static void check_ok(const char *text)
{
	struct scn_file *f = NULL;
	struct scn_diag d;

	if (scn_parse("t.scn", text, strlen(text), &scn_test_vocab, &f, &d)) {
		scn_diag_print(&d, stderr);
		fail_msg("expected to parse");
	}
	scn_free(f);
}

static void test_unknown_section(void **state)
{
	(void)state;
	check_error("fss xfs\nexpect pass\n", 1, 1, "unknown section 'fss'; did you mean 'fs'?",
		    "expected one of: scenario, fs, disk");
	check_error("fs xfs\npwrite f 0 1\nexpect pass\n", 2, 1,
		    "operation 'pwrite' outside a block", "indented under 'setup'");
}

static void test_unknown_op(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A\n    pwirte f 0 10\nexpect pass\n", 3, 5,
		    "unknown operation 'pwirte'; did you mean 'pwrite'?",
		    "known operations: pwrite, append");
}

static void test_wrong_arg_count(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A\n    pwrite f 0\nexpect pass\n", 3, 15,
		    "too few arguments for pwrite: missing LEN", "expected: pwrite FILE OFF LEN");
	check_error("fs xfs\nthread A\n    mmap f g\nexpect pass\n", 3, 12,
		    "too many arguments for mmap: unexpected 'g'", "expected: mmap FILE");
	check_error("fs xfs\nthread A\n    pwrite f 0 1 writethrogh\nexpect pass\n", 3, 18,
		    "unknown pwrite flag 'writethrogh'; did you mean 'writethrough'?",
		    "expected: pwrite FILE OFF LEN [writethrough]");
	check_error("fs xfs\nthread A\n    msync f 0 1 sync async\nexpect pass\n", 3, 22,
		    "'async' excludes", "msync FILE OFF LEN [sync|async]");
	check_error("fs xfs\nthread A\n    store f 0 1 data=zeros\nexpect pass\n", 3, 22,
		    "bad data pattern 'zeros'; did you mean 'zero'?", NULL);
	check_error("fs xfs\nthread A\n    pwrite f 0 0\nexpect pass\n", 3, 5, "pwrite of length 0",
		    NULL);
}

static void test_bad_number(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A\n    pwrite f 12x 5\nexpect pass\n", 3, 14,
		    "bad number '12x' for offset", "decimal or 0x hex");
	check_error("fs xfs\nthread A\n    pwrite f -1 5\nexpect pass\n", 3, 14,
		    "bad number '-1' for offset", NULL);
	check_error("fs xfs\nthread A\n    sleep 5\nexpect pass\n", 3, 11,
		    "duration '5' needs a unit", "ns, us, ms and s");
	check_error("fs xfs\nthread A\n    sleep 5min\nexpect pass\n", 3, 11,
		    "bad duration '5min'", NULL);
}

static void test_number_over_limit(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A\n    truncate f 65m\nexpect pass\n", 3, 16,
		    "size 65m is over the limit of 64m", NULL);
	check_error("fs xfs\nthread A\n    pwrite f 0x3ffffff 0x1000000\nexpect pass\n", 3, 5,
		    "offset + length = 83886079 is over the limit of 64m", NULL);
	check_error("fs xfs\nthread A\n    read f 99999999999999999999999 1\nexpect pass\n", 3, 12,
		    "is over the limit of 64m", NULL);
	check_error("fs xfs\nthread A\n    sleep 3601s\nexpect pass\n", 3, 11,
		    "over the limit of one hour", NULL);
	check_ok("fs xfs\nthread A\n    sleep 3600s\n    pwrite f 63m 1m\nexpect pass\n");
	check_error("fs xfs\npersist all-subsets max=25\nexpect pass\n", 2, 25,
		    "max 25 is over the limit of 24", NULL);
}

static void test_unknown_profile(void **state)
{
	(void)state;
	check_error("fs xfss blocksize=1024\nexpect pass\n", 1, 4,
		    "unknown profile 'xfss'; did you mean 'xfs'?",
		    "known profiles: ext4, ext4-iomap, xfs");
}

static void test_unknown_knob(void **state)
{
	(void)state;
	check_error("fs ext4-iomap zero_oef=wait\nexpect pass\n", 1, 15,
		    "unknown knob 'zero_oef' for profile ext4-iomap; did you mean 'zero_eof'?",
		    "known knobs for ext4-iomap: blocksize, commit, isize_extended, zero_eof");
	check_error("fs xfs\nvariant v1 wt_endo=sync expect pass\n", 2, 12,
		    "unknown knob 'wt_endo' for profile xfs; did you mean 'wt_endio'?", NULL);
	check_error("fs xfs blocksize=1024 blocksize=4096\nexpect pass\n", 1, 23,
		    "knob 'blocksize' is set twice", NULL);
}

static void test_bad_knob_value(void **state)
{
	(void)state;
	check_error("fs xfs wt_endio=asink\nexpect pass\n", 1, 17,
		    "bad value 'asink' for knob 'wt_endio'; did you mean 'async'?",
		    "allowed values: async, sync");
	check_error("fs ext4 commit=fast\nexpect pass\n", 1, 16, "bad value 'fast' for knob 'commit'",
		    "expected a number");
	check_error("fs ext4 blocksize=3000\nexpect pass\n", 1, 19,
		    "bad value '3000' for knob 'blocksize'", "allowed values: 512, 1024");
	/* a number equal to an allowed value is allowed */
	check_ok("fs ext4 blocksize=1k commit=0x10\nexpect pass\n");
}

/* With the model's vocabulary, a knob without a list of values is checked
 * by the model's own parser: durations take units, as --knob does. */
static void test_model_knob_value(void **state)
{
	const char *ok = "fs ext4 commit=5s dirty_expire=500ms\nexpect pass\n";
	const char *bare = "fs ext4 commit=5 dirty_expire=3000\nexpect pass\n";
	const char *bad = "fs ext4 commit=2h\nexpect pass\n";
	const char *big = "fs ext4 commit=4000s\nexpect pass\n";
	struct scn_file *f = NULL;
	struct scn_diag d;

	(void)state;
	assert_int_equal(scn_parse("t.scn", ok, strlen(ok), &pcr_vocab, &f, &d), 0);
	scn_free(f);
	assert_int_equal(scn_parse("t.scn", bare, strlen(bare), &pcr_vocab, &f, &d), 0);
	scn_free(f);
	assert_int_not_equal(scn_parse("t.scn", bad, strlen(bad), &pcr_vocab, &f, &d), 0);
	assert_int_equal(d.d_line, 1);
	assert_int_equal(d.d_col, 16);
	assert_non_null(strstr(d.d_message, "bad value '2h' for knob 'commit'"));
	assert_non_null(strstr(d.d_note, "bad duration"));
	assert_int_not_equal(scn_parse("t.scn", big, strlen(big), &pcr_vocab, &f, &d), 0);
	assert_non_null(strstr(d.d_note, "at most 1h"));
}

static void test_unknown_invariant(void **state)
{
	(void)state;
	check_error("fs xfs\nexpect fail stale_data\n", 2, 13,
		    "unknown invariant 'stale_data'; did you mean 'stale-data'?",
		    "invariants: stale-data, eof-junk, unreserved-dirty");
	check_error("fs xfs\nexpect fail\n", 2, 12, "'expect fail' names the invariants", NULL);
	check_error("fs xfs\nexpect fail journal journal\n", 2, 21, "named twice", NULL);
	check_error("fs xfs\nexpect pass stale-data\n", 2, 13,
		    "unexpected 'stale-data' after 'expect pass'", NULL);
}

static void test_race_two_columns(void **state)
{
	(void)state;
	check_error(XFS_AB "race\n    A | B\n    pwrite f 6000 100 writethrough | mmap f\nexpect pass\n",
		    10, 38, "race row has text in two columns ('A' and 'B')", "each row runs one task");
}

static void test_race_no_column(void **state)
{
	(void)state;
	check_error(XFS_AB "race\n    A | B\n    pwrite f 6000 100 writethrough |\n      |   \nexpect pass\n",
		    11, 1, "race row has no text in any column", "exactly one column");
	check_error(XFS_AB "race\n    A | B\n    | | mmap f\nexpect pass\n", 10, 9,
		    "text in column 3, but the race header names 2 tasks", NULL);
	check_error(XFS_AB "race\nexpect pass\n", 8, 1, "race has no header row", NULL);
	check_error(XFS_AB "race\n    A | B\nexpect pass\n", 9, 1, "race has a header row but no rows",
		    NULL);
}

static void test_race_unknown_task(void **state)
{
	(void)state;
	check_error(XFS_AB "race\n    A | C\n    pwrite f 6000 100 writethrough |\nexpect pass\n", 9,
		    9, "unknown task 'C' in the race header",
		    "tasks are: A, B, flusher, jbd2, endio, disk");
	check_error(XFS_AB "race\n    A | flushr\n    pwrite f 6000 100 writethrough |\nexpect pass\n",
		    9, 9, "unknown task 'flushr' in the race header; did you mean 'flusher'?", NULL);
	check_error(XFS_AB "race\n    A | A\n", 9, 9, "task 'A' has two columns", NULL);
	/* 8 threads and every kernel task: all listed */
	check_error("fs xfs\nthread A\n sync\nthread B\n sync\nthread C\n sync\nthread D\n sync\n"
		    "thread E\n sync\nthread F\n sync\nthread G\n sync\nthread H\n sync\n"
		    "race\n A|B|C|D|E|F|G|H|flusher|jbd2|endio|disk|dio\n |||||||||||| *\n"
		    "crash after X:y\nexpect pass\n", 21, 13, "unknown task 'X' in 'crash after'",
		    "tasks are: A, B, C, D, E, F, G, H, flusher, jbd2, endio, disk, dio");
	check_error(XFS_AB "race\n    A |  | B\n", 9, 8, "race header column 2 is empty", NULL);
}

static void test_race_op_out_of_order(void **state)
{
	(void)state;
	check_error(XFS_AB "race\n    A | B\n      | mmap f\n      | store f 3000 100\nexpect pass\n",
		    11, 9,
		    "'store f 3000 100' is not the next operation of thread 'B'; that is 'store f 1400 50' (operation 2 of 3, line 6)",
		    "in the order the thread lists them");
	check_error(XFS_AB "race\n    A\n    pwrite f 6000 100 writethrough\n    pwrite f 6000 100 writethrough\nexpect pass\n",
		    11, 5, "thread 'A' has no operation left to start (it has 1)", NULL);
	check_error(XFS_AB "race\n    A | B\n    pwrite f 6000 100 |\nexpect pass\n", 10, 5,
		    "'pwrite f 6000 100' is not the next operation of thread 'A'", NULL);
	check_error(XFS_AB "race\n    A | jbd2\n      | truncate f 0\nexpect pass\n", 10, 9,
		    "kernel task 'jbd2' runs no operations", NULL);
}

static void test_race_unknown_step(void **state)
{
	(void)state;
	check_error(XFS_AB "race\n    A | B\n    pwrite f 6000 100 writethrough |\n      iomap_zero_rnage |\nexpect pass\n",
		    11, 7,
		    "step 'iomap_zero_rnage' is not produced by pwrite under xfs; did you mean 'iomap_zero_range'?",
		    "steps are: iomap_zero_range, filemap_write_and_wait_range");
	/* the union over the variants is listed */
	check_error(XFS_AB "race\n    A\n      bogus_step\n"
		    "variant a wt_endio=async expect pass\nvariant s wt_endio=sync expect pass\n",
		    10, 7, "step 'bogus_step' is not produced by pwrite under xfs",
		    "wt_endio_write_isize, iomap_dio_complete");
	/* a step of one variant only is valid */
	check_ok(XFS_AB "race\n    A\n      iomap_dio_complete\n"
		 "variant a wt_endio=async expect pass\nvariant s wt_endio=sync expect pass\n");
	check_error(XFS_AB "race\n    A\n      iomap_dio_complete\nvariant a wt_endio=async expect pass\n",
		    10, 7, "step 'iomap_dio_complete' is not produced by pwrite", NULL);
	check_error(XFS_AB "race\n    A | flusher\n      |   wb_workfm\nexpect pass\n", 10, 11,
		    "step 'wb_workfm' is not produced by flusher under xfs; did you mean 'wb_workfn'?",
		    "steps are: wb_workfn");
	check_error(XFS_AB "race\n    A\n    iomap_zero_range\nexpect pass\n", 10, 5,
		    "'iomap_zero_range' is not an operation; a step name is indented deeper than its column header 'A'",
		    NULL);
	check_error(XFS_AB "race\n    A\n      pwrite f 6000 100 writethrough\nexpect pass\n", 10, 7,
		    "an operation line is aligned with its column header 'A'", NULL);
	check_error(XFS_AB "crash after A:iomap_zero_rang\nexpect pass\n", 8, 15,
		    "step 'iomap_zero_rang' is not produced by any operation of thread 'A'", NULL);
}

static void test_schedule_unknown_task(void **state)
{
	(void)state;
	check_error(XFS_AB "schedule A:iomap_zero_range C:*\nexpect pass\n", 8, 29,
		    "unknown task 'C' in the schedule", "tasks are: A, B, flusher");
	check_error(XFS_AB "schedule A:* B\nexpect pass\n", 8, 14,
		    "expected ':' after the task 'B'", NULL);
	check_error(XFS_AB "schedule A:(pwrite f 6000 100 writethrough\nexpect pass\n", 8, 12,
		    "unclosed '('", NULL);
	check_error(XFS_AB "schedule A:*B:*\nexpect pass\n", 8, 13,
		    "expected a space between schedule items", NULL);
	check_error(XFS_AB "crash after C:x\nexpect pass\n", 8, 13,
		    "unknown task 'C' in 'crash after'", NULL);
	check_error(XFS_AB "schedule\nexpect pass\n", 8, 1, "schedule has no items", NULL);
}

static void test_duplicate_thread(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A\n    sync\nthread A\n    sync\nexpect pass\n", 4, 8,
		    "thread 'A' is defined twice; the first is at line 2", NULL);
	check_error("fs xfs\nthread jbd2\n    sync\nexpect pass\n", 2, 8, "'jbd2' cannot name a thread",
		    NULL);
	check_error("fs xfs\nthread A\nexpect pass\n", 2, 1, "thread 'A' has no operations", NULL);
}

static void test_duplicate_variant(void **state)
{
	(void)state;
	check_error("fs xfs\nvariant v1 wt_endio=sync expect pass\nvariant v1 wt_endio=async expect pass\n",
		    3, 9, "variant 'v1' is defined twice; the first is at line 2", NULL);
	check_error("fs xfs\nfs ext4\nexpect pass\n", 2, 1, "second 'fs' line; the first is at line 1",
		    NULL);
	check_error("fs xfs\nvariant v1 wt_endio=sync\n", 2, 25, "variant 'v1' has no expect", NULL);
	check_error("fs xfs\nvariant v1 expect pass\nexpect pass\n", 3, 1,
		    "top-level 'expect' and variant lines together", NULL);
	check_error("fs xfs\nmetric zero-ios <= 1\nmetric zero-ios <= 2\nexpect pass\n", 3, 8,
		    "metric 'zero-ios' is given twice", NULL);
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 64;

	while (p < n)
		p *= 2;
	return p;
}

/* Append to a growing text (capacity: the power of two above its length). */
static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (!*buf || pow2_at_least(*len + n + 1) != pow2_at_least(*len + 1))
		*buf = realloc(*buf, pow2_at_least(*len + n + 1));
	assert_non_null(*buf);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static void test_too_many(void **state)
{
	char *t = NULL, line[64];
	size_t n = 0;

	(void)state;
	/* threads */
	append(&t, &n, "fs xfs\n");
	for (int i = 0; i < 9; i++) {
		snprintf(line, sizeof(line), "thread T%d\n    sync\n", i);
		append(&t, &n, line);
	}
	check_error(t, 18, 1, "too many threads; the limit is 8", NULL);
	/* operations in one thread */
	free(t), t = NULL, n = 0;
	append(&t, &n, "fs xfs\nthread A\n");
	for (int i = 0; i < 257; i++)
		append(&t, &n, "    sync\n");
	check_error(t, 259, 5, "too many operations in thread 'A'; the limit is 256", NULL);
	/* race rows */
	free(t), t = NULL, n = 0;
	append(&t, &n, "fs xfs\nthread A\n    sync\nrace\n    A\n");
	for (int i = 0; i < 4097; i++)
		append(&t, &n, "      *\n");
	check_error(t, 4102, 7, "more than 4096 race rows", NULL);
	/* variants */
	free(t), t = NULL, n = 0;
	append(&t, &n, "fs xfs\n");
	for (int i = 0; i < 33; i++) {
		snprintf(line, sizeof(line), "variant v%d expect pass\n", i);
		append(&t, &n, line);
	}
	check_error(t, 34, 1, "too many variants; the limit is 32", NULL);
	/* lines */
	free(t), t = NULL, n = 0;
	append(&t, &n, "fs xfs\n");
	for (int i = 0; i < 65536; i++)
		append(&t, &n, "\n");
	check_error(t, 65537, 1, "too many lines; the limit is 65536", NULL);
	/* one line */
	free(t), t = NULL, n = 0;
	append(&t, &n, "fs xfs\n# ");
	for (int i = 0; i < 4096; i++)
		append(&t, &n, "x");
	check_error(t, 2, 4097, "line is 4098 bytes long; the limit is 4096", NULL);
	free(t);
	/* a name, a label */
	check_error("scenario aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, 10,
		    "the scenario name is 65 bytes long; the limit is 64", NULL);
	check_error("fs xfs\nthread A \"0123456789012345678901234567890123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789012345678901234567890123456789\"\n", 2, 10,
		    "label is longer than 128 bytes", NULL);
}

static void test_unterminated_string(void **state)
{
	(void)state;
	check_error("fs xfs\nthread A \"extending write\n    sync\nexpect pass\n", 2, 10,
		    "unterminated string", "ends with '\"' on the same line");
	check_error("fs xfs\nthread A \"a\\nb\"\n    sync\nexpect pass\n", 2, 12,
		    "unknown escape in a label", NULL);
	/* a '#' inside a label is not a comment */
	check_ok("fs xfs\nthread A \"issue #1 \\\"quoted\\\"\"  # comment\n    sync\nexpect pass\n");
}

static void test_tabs_and_crlf(void **state)
{
	static const char crlf[] =
		"fs\txfs\tblocksize=1024\r\n"
		"thread A\t\"writer\"\r\n"
		"\tpwrite\tf 6000\t100\r\n"
		"thread B\r\n"
		"\tmmap f\r\n"
		"race\r\n"
		"\tA\t\t\t| B\r\n"
		"\tpwrite f 6000 100\t|\r\n"
		"\t  inode_lock\t\t|\r\n"
		"\t\t\t\t| mmap f\r\n"
		"\t*\t\t\t|\r\n"
		"expect\tpass\r\n";

	(void)state;
	check_ok(crlf);
	/* the last line may end in CR without LF, or in nothing */
	check_ok("fs xfs\r\nexpect pass\r");
	check_ok("fs xfs\nexpect pass");
	check_error("fs xfs\rexpect pass\n", 1, 7, "carriage return inside a line",
		    "lines end with LF or CR LF");
	check_error_n("fs xfs\nexpect\0pass\n", 19, 2, 7, "NUL byte", NULL);
	check_error("fs xfs\n\texpect pass\n", 2, 2, "unexpected indented line", NULL);
	check_error("fs xfs\nthread A\n    sync\nrace\n    A\n    \xc3\xa9\nexpect pass\n", 6, 5,
		    "expected an operation, found byte 0xc3", NULL);
}

static void test_empty_file(void **state)
{
	(void)state;
	check_error("", 1, 1, "empty scenario", "at least 'fs PROFILE");
	check_error_n(NULL, 0, 1, 1, "empty scenario", NULL);
	check_error("# only a comment\n\n   \n# and another\n", 1, 1, "empty scenario", NULL);
}

static void test_missing_fs(void **state)
{
	(void)state;
	check_error("scenario x\nthread A\n    sync\nexpect pass\n", 1, 1, "missing 'fs' line",
		    "fs PROFILE KNOB=VALUE");
	check_error("fs xfs\nthread A\n    sync\n", 3, 1, "missing 'expect'", NULL);
}

static void test_file_too_big(void **state)
{
	size_t n = SCN_MAX_FILE_BYTES + 1;
	char *t = malloc(n);

	(void)state;
	assert_non_null(t);
	memset(t, '\n', n);
	memcpy(t, "fs xfs\nexpect pass\n", 19);
	check_error_n(t, n, 1, 1, "file is 1048577 bytes; the limit is 1048576", NULL);
	/* exactly at the limit: fine (and the rest of the file is blank lines) */
	check_error_n(t, n - 1, 65537, 1, "too many lines", NULL);
	free(t);
}

/* A small file whose canonical form is too big: 4096 rows padded to 12 wide
 * columns. parse(print(x)) must always work, so this is an error. */
static void test_canonical_too_big(void **state)
{
	char *t = NULL, line[128];
	size_t n = 0;

	(void)state;
	append(&t, &n, "fs xfs\n");
	for (int i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "thread T%d_%.56d\n    sync\n", i, 0);
		append(&t, &n, line);
	}
	append(&t, &n, "race\n    ");
	for (int i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "T%d_%.56d | ", i, 0);
		append(&t, &n, line);
	}
	append(&t, &n, "flusher | jbd2 | endio | disk\n");
	for (int i = 0; i < 4096; i++)
		append(&t, &n, "    |||||||||||  *\n");
	append(&t, &n, "expect pass\n");
	assert_true(n < 100000);
	check_error(t, 1, 1, "the canonical form of this scenario is", "use fewer rows");
	free(t);
}

static void test_misc_errors(void **state)
{
	(void)state;
	/* several crash rows: a power cut, remount, go on (each but the last) */
	check_ok(XFS_AB "race\n    A\n      crash\n      crash\nexpect pass\n");
	check_error(XFS_AB "crash every-event\nschedule A:* crash\nexpect pass\n", 8, 1,
		    "'crash' line and a crash point in the schedule (line 9) together", NULL);
	check_error("fs xfs\ndisk cache=volatil\nexpect pass\n", 2, 12,
		    "bad disk cache 'volatil'; did you mean 'volatile'?", NULL);
	check_error("fs xfs\ndisk cahce=none\nexpect pass\n", 2, 6,
		    "unknown disk setting 'cahce'; did you mean 'cache'?", NULL);
	check_error("fs xfs\ndisk latency=5ms-1ms\nexpect pass\n", 2, 14, "has MIN above MAX", NULL);
	/* Writes are block-atomic in the model: tearing is refused, not ignored. */
	check_error("fs xfs\ndisk tear=on\nexpect pass\n", 2, 11,
		    "disk tear=on: sector tearing is not modelled", "say tear=off");
	check_ok("fs xfs\ndisk tear=off\nexpect pass\n");
	check_error("fs xfs\ncrash evry-event\nexpect pass\n", 2, 7,
		    "unknown crash mode 'evry-event'; did you mean 'every-event'?", NULL);
	check_error("fs xfs\npersist survivors 3 2\nexpect pass\n", 2, 21, "write id 2 is out of order",
		    NULL);
	check_error("fs xfs\npersist prefx\nexpect pass\n", 2, 9,
		    "unknown persist mode 'prefx'; did you mean 'prefix'?", NULL);
	check_error("fs xfs\nmetric zero-io <= 3\nexpect pass\n", 2, 8,
		    "unknown metric 'zero-io'; did you mean 'zero-ios'?", "known metrics: zero-ios");
	check_error("fs xfs\nmetric zero-ios < 3\nexpect pass\n", 2, 17, "expected '<='", NULL);
	check_error("fs xfs\nscenario a+b\nexpect pass\n", 2, 10, "bad scenario name 'a+b'", NULL);
	check_error("fs xfs\nthread A\n    pwrite F 0 1\nexpect pass\n", 3, 12, "bad file name 'F'",
		    NULL);
	check_error("fs xfs\nfs_knob=1\n", 2, 1, "unknown section 'fs_knob'", NULL);
	check_error("fs xfs |\nexpect pass\n", 1, 8, "expected KNOB=VALUE, found '|'", NULL);
	check_error("fs xfs writethrough\nexpect pass\n", 1, 8,
		    "expected KNOB=VALUE, found 'writethrough' without '='", NULL);
	check_error("fs xfs\ntape T1 s2/7 q1/2\nexpect pass\n", 2, 14, "malformed tape at byte 8",
		    "expected: tape T1");
	check_error("fs xfs\ntape\nexpect pass\n", 2, 5, "malformed tape at byte 0", NULL);
}

/* Without a vocabulary only the language is checked. */
static void test_no_vocab(void **state)
{
	static const char text[] = "fs anyfs any_knob=any\nthread A\n    sync\n"
				   "race\n    A\n      any_step\nexpect pass\n";
	struct scn_file *f = NULL;
	struct scn_diag d;

	(void)state;
	assert_int_equal(scn_parse("t.scn", text, sizeof(text) - 1, NULL, &f, &d), 0);
	scn_free(f);
	assert_int_equal(scn_parse("t.scn", "fs x\n", 5, NULL, &f, NULL), -1);
	assert_null(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_unknown_op),
		cmocka_unit_test(test_wrong_arg_count),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_number_over_limit),
		cmocka_unit_test(test_unknown_profile),
		cmocka_unit_test(test_unknown_knob),
		cmocka_unit_test(test_bad_knob_value),
		cmocka_unit_test(test_model_knob_value),
		cmocka_unit_test(test_unknown_invariant),
		cmocka_unit_test(test_race_two_columns),
		cmocka_unit_test(test_race_no_column),
		cmocka_unit_test(test_race_unknown_task),
		cmocka_unit_test(test_race_op_out_of_order),
		cmocka_unit_test(test_race_unknown_step),
		cmocka_unit_test(test_schedule_unknown_task),
		cmocka_unit_test(test_duplicate_thread),
		cmocka_unit_test(test_duplicate_variant),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_tabs_and_crlf),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_missing_fs),
		cmocka_unit_test(test_file_too_big),
		cmocka_unit_test(test_canonical_too_big),
		cmocka_unit_test(test_misc_errors),
		cmocka_unit_test(test_no_vocab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
