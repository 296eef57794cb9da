/* Check (fork mode): the reductions of pcsim explore lose nothing on the
 * seed scenarios. For every seed and variant, the exhaustive search within
 * bound 1 (bound 2 for three small seeds; pending events as choices, crash
 * states) with the default
 * reduction (source-set DPOR and sleep sets over the model's footprints)
 * and with none must agree on every invariant (Never or not) and on the
 * set of distinct final states. And the footprint check: seeded random
 * walks run every pair of runnable tasks whose next steps are declared
 * independent in both orders, and the two worlds must be equal
 * (sim/explore/fpcheck.c). Figures are printed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/explore.h"
#include "sim/explore/fpcheck.h"
#include "check_util.h"

#define BOUND 1
/* Unoptimised builds (make sanitize, make coverage: several times slower)
 * compare the reductions on every third seed file and walk fewer times; the
 * release build's `make test` covers every seed. */
#ifdef __OPTIMIZE__
#define WALKS 32
#define AGREE_STRIDE 1
#define NSMALL 3
#else
#define WALKS 2
#define AGREE_STRIDE 3
#define NSMALL 1
#endif

static void explore(const struct scn_file *f, const char *path, int vi, unsigned bound,
		    bool reduce, struct pcx_report *rep)
{
	struct pcr_opts o = { .oracle = -1 };
	struct pcx_opts xo = { .x_strategy = PCX_EXHAUSTIVE, .x_preempt_bound = bound,
			       .x_crash = true, .x_sleep_sets = reduce, .x_dpor = reduce,
			       .x_early_events = true };
	char err[600];

	ck_assert_msg(pcx_explore(f, path, vi, &o, &xo, rep, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(!rep->xr_error[0], "%s: %s", path, rep->xr_error);
	ck_assert_msg(rep->xr_complete, "%s: not complete", path);
}

#define NSEEDS 22

static const char *const files[NSEEDS] = {
	"01-writethrough-mkwrite.scn",
	"02-eof-junk-extending-write.scn",
	"02-eof-junk-truncate-up.scn",
	"03-aio-endio-isize.scn",
	"04-xfs-zero-eof-vs-mmap.scn",
	"05-ext4-bh-ordered-append-write.scn",
	"05-ext4-bh-ordered-fallocate.scn",
	"05-ext4-bh-ordered-truncate-up.scn",
	"05-ext4-iomap-zero-eof-append-write.scn",
	"05-ext4-iomap-zero-eof-fallocate.scn",
	"05-ext4-iomap-zero-eof-truncate-up.scn",
	"06-deferred-dsync-write.scn",
	"06-deferred-msync.scn",
	"06-deferred-sync-file-range.scn",
	"07-endio-deadlock.scn",
	"08-durability-ext4-iomap.scn",
	"08-durability-ext4.scn",
	"08-durability-xfs.scn",
	"09-flusher-isize-window-ext4-iomap.scn",
	"09-flusher-isize-window-ext4.scn",
	"09-flusher-isize-window-xfs.scn",
	"10-range-cyclic-zero-eof-ext4-iomap.scn",
};

static int nvariants(const struct scn_file *f)
{
	return f->f_nvariants ? (int)f->f_nvariants : 1;
}

static void agree(const char *file, unsigned bound)
{
	char path[600];
	struct scn_file *f = check_load_seed(file, path, sizeof(path));

	for (int v = 0; v < nvariants(f); v++) {
		int vi = f->f_nvariants ? v : -1;
		const char *vname = vi >= 0 ? f->f_variants[vi].v_name : "-";
		struct pcx_report red, full;

		explore(f, path, vi, bound, true, &red);
		explore(f, path, vi, bound, false, &full);
		printf("reduction %-42s %-8s bound %d: %6llu executions reduced, %6llu unreduced "
		       "(%llu pruned, %llu left out by DPOR); %llu final states; %.2fs vs %.2fs\n",
		       file, vname, bound, (unsigned long long)red.xr_execs,
		       (unsigned long long)full.xr_execs, (unsigned long long)red.xr_pruned,
		       (unsigned long long)red.xr_dpor_skipped,
		       (unsigned long long)full.xr_distinct_finals, red.xr_seconds, full.xr_seconds);
		for (int k = 0; k < PC_INV_N; k++)
			ck_assert_msg(!red.xr_inv[k] == !full.xr_inv[k],
				      "%s %s: %s is %s reduced, %s unreduced", path, vname,
				      pc_invariant_names[k], pcx_frequency(&red, k),
				      pcx_frequency(&full, k));
		ck_assert_msg(red.xr_distinct_finals == full.xr_distinct_finals &&
				      red.xr_finals_sum == full.xr_finals_sum,
			      "%s %s: %llu final states reduced, %llu unreduced", path, vname,
			      (unsigned long long)red.xr_distinct_finals,
			      (unsigned long long)full.xr_distinct_finals);
		ck_assert_uint_le(red.xr_execs, full.xr_execs);
		pcx_report_free(&red);
		pcx_report_free(&full);
	}
	scn_free(f);
}

START_TEST(reduction_agrees)
{
	agree(files[_i * AGREE_STRIDE], BOUND);
}
END_TEST

/* Bound 2 where it is fast (a few seconds both ways). */
START_TEST(reduction_agrees_bound2)
{
	static const char *const small[] = {
		"05-ext4-bh-ordered-fallocate.scn",
		"05-ext4-bh-ordered-truncate-up.scn",
		"05-ext4-iomap-zero-eof-fallocate.scn",
	};

	agree(small[_i], 2);
}
END_TEST

START_TEST(footprints_commute)
{
	char path[600];
	struct scn_file *f = check_load_seed(files[_i], path, sizeof(path));

	for (int v = 0; v < nvariants(f); v++) {
		int vi = f->f_nvariants ? v : -1;
		const char *vname = vi >= 0 ? f->f_variants[vi].v_name : "-";
		struct pcx_fpcheck r;
		char err[600];

		ck_assert_msg(pcx_fp_check(f, path, vi, WALKS, 1 + (uint64_t)_i, &r, err,
					   sizeof(err)) == 0,
			      "%s", err);
		printf("fpcheck %-42s %-8s: %llu walks, %llu states, %llu pairs, %llu declared "
		       "independent and run both ways (%llu with an event)\n",
		       files[_i], vname, (unsigned long long)r.fc_walks,
		       (unsigned long long)r.fc_states, (unsigned long long)r.fc_pairs,
		       (unsigned long long)r.fc_checked, (unsigned long long)r.fc_events);
		ck_assert_msg(r.fc_failures == 0, "%s %s: %llu pairs did not commute; first: %s",
			      path, vname, (unsigned long long)r.fc_failures, r.fc_first);
	}
	scn_free(f);
}
END_TEST

/* Every seed file is in the list above. */
START_TEST(every_seed_listed)
{
	ck_assert_uint_eq(check_count_seeds(), NSEEDS);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("reduction");
	TCase *tc = tcase_create("seeds");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, footprints_commute, 0, NSEEDS);
	tcase_add_loop_test(tc, reduction_agrees, 0, (NSEEDS + AGREE_STRIDE - 1) / AGREE_STRIDE);
	tcase_add_loop_test(tc, reduction_agrees_bound2, 0, NSMALL);
	tcase_add_test(tc, every_seed_listed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
