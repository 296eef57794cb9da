/* Unit tests: the guarantee table (model/guarantee.c) against its copy in
 * docs/guarantees.md, so that the two cannot drift: every row of the
 * markdown table "profile | erase | durable | source" must be the code's
 * row at the same place, with the same source text, and every profile has
 * one row per erase kind. The docs are found through PCSIM_SRC (set by
 * CTest) or the current directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/guarantee.h"

#define MAX_CELLS 6

/* Split "| a | b | c |" into trimmed cells (in place); returns how many. */
static unsigned cells(char *line, char **cell)
{
	unsigned n = 0;
	char *p = strchr(line, '|');

	while (p && n < MAX_CELLS) {
		char *q = strchr(p + 1, '|'), *e;

		if (!q)
			break;
		*q = 0;
		p++;
		while (*p == ' ')
			p++;
		e = p + strlen(p);
		while (e > p && e[-1] == ' ')
			*--e = 0;
		cell[n++] = p;
		p = q;
	}
	return n;
}

static int lookup(const char *const *names, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

static void test_docs_table_is_the_code_table(void **state)
{
	const char *src = getenv("PCSIM_SRC");
	const struct pc_guarantee *rows;
	unsigned nrows = pc_guarantees(&rows), k = 0;
	char path[512], line[1024];
	bool in_table = false;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/guarantees.md", src ? src : ".");
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s (set PCSIM_SRC to the source root)", path);
	while (fgets(line, sizeof(line), fp)) {
		char *c[MAX_CELLS];
		int p, e;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "## ", 3)) {
			in_table = !strcmp(line, "## The table");
			continue;
		}
		if (!in_table || line[0] != '|' || cells(line, c) != 4 ||
		    !strcmp(c[0], "profile") || c[0][0] == '-')
			continue;
		p = lookup(pc_profile_names, PC_PROF_N, c[0]);
		e = lookup(pc_erase_kind_names, PC_ERASE_N, c[1]);
		if (p < 0 || e <= 0)
			fail_msg("docs/guarantees.md: unknown profile or erase kind in row %s | %s",
				 c[0], c[1]);
		if (k >= nrows)
			fail_msg("docs/guarantees.md has more rows than model/guarantee.c (%u)", nrows);
		if (rows[k].g_profile != p || rows[k].g_kind != e)
			fail_msg("row %u: docs say %s/%s, the code %s/%s", k, c[0], c[1],
				 pc_profile_names[rows[k].g_profile],
				 pc_erase_kind_names[rows[k].g_kind]);
		if (strcmp(c[2], rows[k].g_durable ? "yes" : "no"))
			fail_msg("row %s/%s: docs say durable '%s', the code %s", c[0], c[1], c[2],
				 rows[k].g_durable ? "yes" : "no");
		if (strcmp(c[3], rows[k].g_source))
			fail_msg("row %s/%s: the source differs\n  docs: %s\n  code: %s", c[0], c[1],
				 c[3], rows[k].g_source);
		k++;
	}
	fclose(fp);
	assert_int_equal(k, nrows);
}

/* One row per profile and erase kind, found by pc_guarantee. */
static void test_every_pair_has_a_row(void **state)
{
	(void)state;
	for (int p = 0; p < PC_PROF_N; p++)
		for (int e = 1; e < PC_ERASE_N; e++) {
			const struct pc_guarantee *g = pc_guarantee((enum pc_profile)p,
								    (enum pc_erase_kind)e);

			assert_non_null(g);
			assert_int_equal(g->g_profile, p);
			assert_int_equal(g->g_kind, e);
			assert_true(strlen(g->g_source) > 10);
		}
}

/* The rows the XFS false alarm and the seed scenarios rest on. */
static void test_key_rows(void **state)
{
	(void)state;
	assert_false(pc_guarantee(PC_PROF_XFS, PC_ERASE_ZERO_RANGE)->g_durable);
	assert_false(pc_guarantee(PC_PROF_XFS, PC_ERASE_PUNCH)->g_durable);
	assert_true(pc_guarantee(PC_PROF_EXT4, PC_ERASE_ZERO_RANGE)->g_durable);
	assert_true(pc_guarantee(PC_PROF_EXT4_IOMAP, PC_ERASE_TRUNCATE_UP)->g_durable);
	for (int p = 0; p < PC_PROF_N; p++)
		assert_true(pc_guarantee((enum pc_profile)p, PC_ERASE_WHOLE_BLOCK)->g_durable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_table_is_the_code_table),
		cmocka_unit_test(test_every_pair_has_a_row),
		cmocka_unit_test(test_key_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
