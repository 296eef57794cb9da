/* Unit tests: the race diagram renderer (sim/explore/diagram.c): columns
 * as narrow as their widest cell, lanes without rows left out, the merged
 * kernel lane and the schedule form past 80 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/explore/diagram.h"

static struct pcd_row row(int col, const char *text)
{
	struct pcd_row r;

	memset(&r, 0, sizeof(r));
	r.dr_col = (int8_t)col;
	snprintf(r.dr_text, sizeof(r.dr_text), "%s", text);
	return r;
}

static size_t widest(const char *t)
{
	size_t w = 0, cur = 0;

	for (; *t; t++) {
		if (*t == '\n') {
			w = cur > w ? cur : w;
			cur = 0;
		} else {
			cur++;
		}
	}
	return cur > w ? cur : w;
}

static void test_narrow_columns(void **state)
{
	const char *cols[] = { "A", "B" };
	struct pcd_row rows[] = { row(0, "pwrite f 0 1"), row(0, "  iomap_iter"),
				  row(1, "mmap f"), row(-1, "") };
	char *d = pcd_render(cols, 2, rows, 4);

	(void)state;
	assert_non_null(d);
	/* A's column: its widest cell (12) plus two blanks */
	assert_string_equal(d, "race\n"
			       "    A             | B\n"
			       "    pwrite f 0 1  |\n"
			       "      iomap_iter  |\n"
			       "                  | mmap f\n"
			       "    crash\n");
	free(d);
}

static void test_empty_lane_left_out(void **state)
{
	const char *cols[] = { "A", "flusher", "B" };
	struct pcd_row rows[] = { row(0, "  inode_lock"), row(2, "  store") };
	char *d = pcd_render(cols, 3, rows, 2);

	(void)state;
	assert_non_null(d);
	assert_null(strstr(d, "flusher"));
	assert_non_null(strstr(d, "| B"));
	free(d);
}

static void test_kernel_lane_then_schedule(void **state)
{
	const char *cols[] = { "A", "B", "jbd2", "flusher", "disk" };
	struct pcd_row wide[] = { row(0, "pwrite f 6000 100 writethrough"),
				  row(1, "store f 3000 100 data=0xee"),
				  row(2, "  jbd2_journal_write_metadata_buffer"),
				  row(3, "  wb_check_old_data_flush"), row(4, "  commit") };
	struct pcd_row merged[] = { row(0, "  x"), row(1, "  y"), row(2, "  commit_t_flush"),
				    row(3, "  requeue_inode"), row(4, "  log") };
	char *d = pcd_render(cols, 5, merged, 5), *e;

	(void)state;
	/* five lanes fit in 80 columns as they are: no merging */
	assert_non_null(d);
	assert_true(widest(d) <= 80);
	assert_non_null(strstr(d, "| jbd2"));
	free(d);
	/* too wide for five lanes, and for the merged kernel lane too */
	e = pcd_render(cols, 5, wide, 5);
	assert_non_null(e);
	assert_true(widest(e) <= 80);
	assert_true(!strncmp(e, "schedule  ", 10));
	assert_non_null(strstr(e, "A:(pwrite f 6000 100 writethrough)"));
	assert_non_null(strstr(e, "jbd2:jbd2_journal_write_metadata_buffer"));
	free(e);
}

static void test_merged_kernel_lane(void **state)
{
	const char *cols[] = { "A", "B", "jbd2", "flusher", "disk" };
	struct pcd_row rows[] = { row(0, "pwrite f 0 1"), row(1, "store f 3 1"),
				  row(2, "  journal_submit_commit_record"), row(3, "  requeue_inode"),
				  row(4, "  commit") };
	char *d = pcd_render(cols, 5, rows, 5);

	(void)state;
	/* five lanes: 97 columns; merged: 71 */
	assert_non_null(d);
	assert_true(widest(d) <= 80);
	assert_non_null(strstr(d, "| kernel"));
	assert_non_null(strstr(d, "jbd2: journal_submit_commit_record"));
	assert_non_null(strstr(d, "disk: commit"));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_narrow_columns),
		cmocka_unit_test(test_empty_lane_left_out),
		cmocka_unit_test(test_kernel_lane_then_schedule),
		cmocka_unit_test(test_merged_kernel_lane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
