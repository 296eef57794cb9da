/* SPDX-License-Identifier: MIT */
/*
 * tests/scenario/check_util.h - what every Check test here does the same way:
 * read a file, load a seed scenario, find a variant by name, and run the
 * suite in fork mode. Header-only (static inline) so each test binary stays
 * one source file.
 */
#ifndef PCSIM_CHECK_UTIL_H
#define PCSIM_CHECK_UTIL_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/runner.h"
#include "sim/scenario/scenario.h"

/* The whole file, NUL-terminated; *len (if len) its length. Aborts the test
 * when the file cannot be read. */
static inline char *check_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(buf != NULL);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* scenarios/seed/NAME under $PCSIM_SRC (the source tree; "." if unset). */
static inline void check_seed_path(const char *name, char *path, size_t plen)
{
	const char *src = getenv("PCSIM_SRC");

	snprintf(path, plen, "%s/scenarios/seed/%s", src ? src : ".", name);
}

/* Parse text read from path with the runner's vocabulary; aborts the test
 * with the diagnostic on a parse error. */
static inline struct scn_file *check_parse(const char *path, const char *text, size_t len)
{
	struct scn_file *f = NULL;
	struct scn_diag d;

	if (scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
		char *msg = scn_diag_str(&d);

		ck_abort_msg("%s", msg ? msg : "parse error");
	}
	return f;
}

/* Load seed scenario NAME; its path goes to path[plen] when path is given. */
static inline struct scn_file *check_load_seed(const char *name, char *path, size_t plen)
{
	char buf[512];
	struct scn_file *f;
	size_t len;
	char *text;

	if (!path) {
		path = buf;
		plen = sizeof(buf);
	}
	check_seed_path(name, path, plen);
	text = check_slurp(path, &len);
	f = check_parse(path, text, len);
	free(text);
	return f;
}

/* The index of the variant called name; aborts the test if there is none. */
static inline int check_variant(const struct scn_file *f, const char *name)
{
	for (uint32_t i = 0; i < f->f_nvariants; i++)
		if (!strcmp(f->f_variants[i].v_name, name))
			return (int)i;
	ck_abort_msg("no variant %s", name);
	return -1;
}

/* How many .scn files scenarios/seed/ has: tests that list the seeds
 * assert they list every one. */
static inline unsigned check_count_seeds(void)
{
	const char *src = getenv("PCSIM_SRC");
	char dir[512];
	DIR *d;
	struct dirent *e;
	unsigned n = 0;

	snprintf(dir, sizeof(dir), "%s/scenarios/seed", src ? src : ".");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		n += l > 4 && !strcmp(e->d_name + l - 4, ".scn");
	}
	closedir(d);
	return n;
}

/* Run the suite in fork mode (a crashing test fails alone); the exit status
 * for main(). */
static inline int check_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* figures interleave with Check's lines */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
