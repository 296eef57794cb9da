/* Unit tests: the kernel check's workloads (sim/kernel/workload.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/kernel/workload.h"

static struct kworkload *mk(int profile, uint32_t bs)
{
	struct kworkload *kw = calloc(1, sizeof(*kw));

	assert_non_null(kw);
	kw->profile = profile;
	kw->bs = bs;
	return kw;
}

static int parse(struct kworkload *kw, const char *text, char *err, size_t len)
{
	return kw_parse(kw, "ops", text, strlen(text), err, len);
}

static void test_list_parses_with_own_bytes(void **state)
{
	struct kworkload *kw = mk(PC_PROF_EXT4, 1024);
	char err[300] = "";

	assert_int_equal(parse(kw, "pwrite f 0 5000; fsync f;\ntruncate g 100 ; sync", err,
			       sizeof(err)), 0);
	assert_int_equal(kw->nops, 4);
	assert_int_equal(kw->nfiles, 2);
	assert_int_equal(kw->op[0].o_kind, PC_OP_PWRITE);
	assert_int_equal(kw->op[0].o_data, 1);	/* op 0's own byte */
	assert_int_equal(kw->op[2].o_kind, PC_OP_TRUNCATE);
	assert_int_equal(kw->op[2].o_file, 1);
	assert_int_equal(kw->op[2].o_off, 100);
	assert_true(kw_op_syncs(&kw->op[1], 0));
	assert_false(kw_op_syncs(&kw->op[1], 1));
	assert_true(kw_op_syncs(&kw->op[3], 1));
	free(kw);
}

/* An error names the list's own line and column, not the wrapper's. */
static void test_list_error_position(void **state)
{
	struct kworkload *kw = mk(PC_PROF_XFS, 4096);
	char err[300] = "";

	assert_int_equal(parse(kw, "pwrite f 0 10\n  fsync f; frob f 1 2", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ops:2:12:"));
	assert_int_equal(parse(kw, "pwrite f 0 999999999", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ops:1:12:"));
	/* the kernel check's own limit, at the operation */
	assert_int_equal(parse(kw, "fsync f;  pwrite f 0 999999", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ops:1:11:"));
	assert_int_equal(parse(kw, "", err, sizeof(err)), -1);
	free(kw);
}

/* kw_format prints what kw_parse reads back. */
static void test_format_round_trip(void **state)
{
	struct kworkload *a = mk(PC_PROF_EXT4, 4096), *b = mk(PC_PROF_EXT4, 4096);
	char err[300], *text = NULL;
	size_t len = 0;
	FILE *f;

	for (uint64_t seed = 1; seed < 60; seed++) {
		kw_generate(a, seed, 20);
		f = open_memstream(&text, &len);
		assert_non_null(f);
		kw_format(a, f);
		fclose(f);
		assert_int_equal(kw_parse(b, "gen", text, len, err, sizeof(err)), 0);
		assert_int_equal(a->nops, b->nops);
		for (unsigned i = 0; i < a->nops; i++) {
			assert_int_equal(a->op[i].o_kind, b->op[i].o_kind);
			assert_int_equal(a->op[i].o_off, b->op[i].o_off);
			assert_int_equal(a->op[i].o_flags, b->op[i].o_flags);
		}
		free(text);
		text = NULL;
	}
	free(a);
	free(b);
}

/* Generated workloads are legal for the host: no store past the EOF page,
 * no store without a mapping, direct I/O aligned, nothing past the end. */
static void test_generator_legal(void **state)
{
	struct kworkload *kw = mk(PC_PROF_XFS, 1024);
	unsigned kinds[PC_OP_NKINDS] = { 0 };

	for (uint64_t seed = 1; seed < 400; seed++) {
		unsigned n;

		kw_generate(kw, seed, 30);
		n = kw->nops;
		kw_sanitize(kw);
		assert_int_equal(kw->nops, n);	/* nothing to drop */
		for (unsigned i = 0; i < kw->nops; i++) {
			const struct pc_opspec *o = &kw->op[i];

			kinds[o->o_kind]++;
			assert_true(o->o_off + (o->o_kind == PC_OP_SYNC_FILE_RANGE ? 0 : o->o_len) <=
				    KW_MAX_END);
			if (o->o_flags & PC_OF_DIRECT)
				assert_int_equal(o->o_off % 1024 + o->o_len % 1024, 0);
		}
	}
	/* every kind the issue names shows up */
	assert_true(kinds[PC_OP_PWRITE] && kinds[PC_OP_TRUNCATE] && kinds[PC_OP_FALLOCATE] &&
		    kinds[PC_OP_PUNCH] && kinds[PC_OP_ZERO_RANGE] && kinds[PC_OP_STORE] &&
		    kinds[PC_OP_MSYNC] && kinds[PC_OP_FSYNC] && kinds[PC_OP_FDATASYNC] &&
		    kinds[PC_OP_SYNC_FILE_RANGE] && kinds[PC_OP_SYNC]);
	free(kw);
}

static void test_sanitize_drops_what_the_host_cannot_run(void **state)
{
	struct kworkload *kw = mk(PC_PROF_XFS, 4096);
	char err[300];

	assert_int_equal(parse(kw, "pwrite f 0 100; store f 0 10; mmap f; store f 5000 10; "
				   "store f 10 10; pwrite f 0 100 aio; pwrite f 1 4096 direct; "
				   "sleep 1s", err, sizeof(err)), 0);
	kw_sanitize(kw);
	assert_int_equal(kw->nops, 3);	/* pwrite, mmap, store f 10 10 */
	assert_int_equal(kw->op[2].o_kind, PC_OP_STORE);
	assert_int_equal(kw->op[2].o_off, 10);
	assert_int_equal(kw->skipped[PC_OP_STORE], 2);
	assert_int_equal(kw->skipped[PC_OP_PWRITE], 2);
	assert_int_equal(kw->skipped[PC_OP_SLEEP], 1);
	free(kw);
}

static void test_fsxops(void **state)
{
	struct kworkload *kw = mk(PC_PROF_EXT4, 1024);
	const char *log = "# fsx ops\n"
			  "write 0x1000 0x200 0x0\n"
			  "truncate 0x0 0x800 0x1200\n"
			  "skip write 0x0 0x10 0x800\n"
			  "fallocate 0x2000 0x1000 0x800 keep_size\n"
			  "read 0x0 0x100 0x800\n"
			  "mapwrite 0x100 0x20 0x800\n"
			  "punch_hole 0x0 0x400 0x800\n";
	char err[300];

	assert_int_equal(kw_parse_fsxops(kw, "x.fsxops", log, strlen(log), err, sizeof(err)), 0);
	assert_int_equal(kw->op[0].o_kind, PC_OP_PWRITE);
	assert_int_equal(kw->op[0].o_off, 0x1000);
	assert_int_equal(kw->op[0].o_len, 0x200);
	assert_int_equal(kw->op[1].o_kind, PC_OP_TRUNCATE);
	assert_int_equal(kw->op[1].o_off, 0x800);
	assert_int_equal(kw->op[2].o_kind, PC_OP_FALLOCATE);
	assert_true(kw->op[2].o_flags & PC_OF_KEEP_SIZE);
	/* mapwrite: truncate up, mmap, store, msync, munmap */
	assert_int_equal(kw->op[3].o_kind, PC_OP_TRUNCATE);
	assert_int_equal(kw->op[3].o_off, 0x120);
	assert_int_equal(kw->op[5].o_kind, PC_OP_STORE);
	assert_int_equal(kw->op[6].o_kind, PC_OP_MSYNC);
	assert_int_equal(kw->op[8].o_kind, PC_OP_PUNCH);
	assert_int_equal(kw->nops, 9);
	assert_int_equal(kw->skipped_other, 2);	/* the skip line and the read */
	assert_int_equal(kw_parse_fsxops(kw, "x.fsxops", "write 1\n", 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x.fsxops:1:1:"));
	free(kw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_parses_with_own_bytes),
		cmocka_unit_test(test_list_error_position),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_generator_legal),
		cmocka_unit_test(test_sanitize_drops_what_the_host_cannot_run),
		cmocka_unit_test(test_fsxops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
