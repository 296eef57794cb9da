/* Check (fork mode): the fixed-seed fuzz smoke. `pcsim fuzz` rediscovers
 * every seed bug from the scenario's threads alone (the race section is
 * ignored), writes a reproducer named by its signature, `pcsim run` on the
 * reproducer fails the same way, and the shrunk reproducer is no longer than
 * the hand-written race: its race rows (or, when it keeps a tape, the rows
 * before the last power cut plus the choices off the default schedule) are
 * at most the seed's race rows. Also: shards are disjoint and add up to the
 * whole campaign, and a campaign is deterministic. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/explore/fuzz.h"
#include "check_util.h"

#define SMOKE_RUNS 2000	/* a budget; every seed bug is found far sooner */

struct bug {
	const char *b_file, *b_variant;
};

static const struct bug bugs[] = {
	{ "01-writethrough-mkwrite.scn", "v2" },
	{ "01-writethrough-mkwrite.scn", "v2-2k" },
	{ "02-eof-junk-extending-write.scn", "off" },
	{ "02-eof-junk-extending-write.scn", "mkclean" },
	{ "02-eof-junk-truncate-up.scn", "off" },
	{ "02-eof-junk-truncate-up.scn", "mkclean" },
	{ "03-aio-endio-isize.scn", "v2" },
	{ "04-xfs-zero-eof-vs-mmap.scn", "strict" },
	{ "05-ext4-iomap-zero-eof-append-write.scn", "submit" },
	{ "05-ext4-iomap-zero-eof-fallocate.scn", "submit" },
	{ "05-ext4-iomap-zero-eof-truncate-up.scn", "submit" },
	{ "06-deferred-sync-file-range.scn", "no-sfr-handling" },
	{ "07-endio-deadlock.scn", "endio-ordered" },
	{ "08-durability-ext4-iomap.scn", "no-flush" },
	{ "08-durability-ext4.scn", "no-flush" },
	{ "08-durability-xfs.scn", "no-flush" },
};

#define NBUGS (sizeof(bugs) / sizeof(bugs[0]))

static void fuzz(const char *path, const char *text, size_t len, int vi,
		 const struct pcf_opts *fo, struct pcf_stats *st)
{
	struct scn_file *f = check_parse(path, text, len);
	struct pcr_opts o = { .oracle = -1 };
	char err[600];

	ck_assert_msg(pcf_fuzz(f, path, text, len, vi, &o, fo, st, err, sizeof(err)) == 0, "%s",
		      err);
	scn_free(f);
}

START_TEST(rediscover_seed_bug)
{
	const struct bug *b = &bugs[_i];
	char path[512], dir[] = "/tmp/pcsim-fuzz-XXXXXX";
	struct pcf_opts fo = { .f_strategy = PCF_RANDOM, .f_runs = SMOKE_RUNS, .f_seed = 1,
			       .f_nshards = 1, .f_pct_depth = 3, .f_crash = true,
			       .f_early_events = true, .f_shrink = true, .f_stop = true };
	struct pcr_opts o = { .oracle = -1 };
	struct pcf_stats st;
	struct pcr_result r;
	struct scn_file *seed, *repro;
	size_t len, rlen;
	char *text, *rtext, err[600];
	int vi;

	check_seed_path(b->b_file, path, sizeof(path));
	text = check_slurp(path, &len);
	seed = check_parse(path, text, len);
	vi = check_variant(seed, b->b_variant);
	ck_assert(mkdtemp(dir) != NULL);
	fo.f_out = dir;
	fuzz(path, text, len, vi, &fo, &st);
	ck_assert_msg(st.fs_first_run > 0, "%s %s: not found in %d runs", b->b_file, b->b_variant,
		      SMOKE_RUNS);
	ck_assert_msg(st.fs_written >= 1 && st.fs_repro[0], "%s: no reproducer", b->b_file);
	/* pcsim run on the reproducer fails the same way. */
	rtext = check_slurp(st.fs_repro, &rlen);
	repro = check_parse(st.fs_repro, rtext, rlen);
	ck_assert_uint_eq(repro->f_nvariants, 1);
	ck_assert_int_eq(pcr_run(repro, st.fs_repro, 0, &o, &r, err, sizeof(err)), 0);
	ck_assert_msg(r.r_verdict == PCR_FAIL_EXPECTED, "%s: %s (%s)", st.fs_repro,
		      pcr_verdict_name(r.r_verdict), r.r_error);
	ck_assert(r.r_inv_mask & r.r_expect_mask);
	/* The reproducer names an invariant the seed variant expects. */
	ck_assert(seed->f_variants[vi].v_expect.e_invariants &
		  repro->f_variants[0].v_expect.e_invariants);
	/* No longer than the hand-written race. */
	ck_assert_msg(st.fs_rows <= seed->f_nitems, "%s %s: reproducer %u rows, race %u rows",
		      b->b_file, b->b_variant, st.fs_rows, seed->f_nitems);
	printf("%-40s %-16s run %-4llu %s %2u rows (race %2u), %u off the default\n", b->b_file,
	       b->b_variant, (unsigned long long)st.fs_first_run,
	       st.fs_race ? "race diagram" : "tape        ", st.fs_rows, seed->f_nitems,
	       st.fs_deviations);
	pcr_result_free(&r);
	unlink(st.fs_repro);
	rmdir(dir);
	scn_free(repro);
	scn_free(seed);
	free(rtext);
	free(text);
}
END_TEST

/* A swarm reproducer carries its batch's knobs (commit, dirty_expire,
 * fail_write) on its variant line, so pcsim run replays it: seed 04
 * `today` under swarm, seed 0, breaks eof-junk at run 181 in a batch with
 * dirty_expire=500 (docs/model.md section 8 row 23). Without the knobs the
 * reproducer passed under pcsim run. */
START_TEST(swarm_reproducer_replays)
{
	char path[512], dir[] = "/tmp/pcsim-fuzz-XXXXXX";
	struct pcf_opts fo = { .f_strategy = PCF_SWARM, .f_runs = 400, .f_seed = 0,
			       .f_nshards = 1, .f_pct_depth = 3, .f_crash = true,
			       .f_early_events = true, .f_shrink = true, .f_stop = true };
	struct pcr_opts o = { .oracle = -1 };
	struct pcf_stats st;
	struct pcr_result r;
	struct scn_file *f, *repro;
	size_t len, rlen;
	char *text, *rtext, err[600];
	int vi;

	check_seed_path("04-xfs-zero-eof-vs-mmap.scn", path, sizeof(path));
	text = check_slurp(path, &len);
	f = check_parse(path, text, len);
	vi = check_variant(f, "today");
	scn_free(f);
	ck_assert(mkdtemp(dir) != NULL);
	fo.f_out = dir;
	fuzz(path, text, len, vi, &fo, &st);
	ck_assert_msg(st.fs_written >= 1 && st.fs_repro[0], "no reproducer in 400 swarm runs");
	rtext = check_slurp(st.fs_repro, &rlen);
	ck_assert_msg(strstr(rtext, "dirty_expire=") != NULL, "%s", rtext);
	repro = check_parse(st.fs_repro, rtext, rlen);
	ck_assert_int_eq(pcr_run(repro, st.fs_repro, 0, &o, &r, err, sizeof(err)), 0);
	ck_assert_msg(r.r_verdict == PCR_FAIL_EXPECTED, "%s: %s (%s)", st.fs_repro,
		      pcr_verdict_name(r.r_verdict), r.r_error);
	pcr_result_free(&r);
	unlink(st.fs_repro);
	rmdir(dir);
	scn_free(repro);
	free(rtext);
	free(text);
}
END_TEST

/* Shards K/N cover disjoint runs that add up to the unsharded campaign; the
 * same seed gives the same campaign. */
START_TEST(shards_and_determinism)
{
	char path[512];
	struct pcf_opts fo = { .f_strategy = PCF_RANDOM, .f_runs = 60, .f_seed = 7,
			       .f_nshards = 1, .f_pct_depth = 3, .f_crash = true,
			       .f_early_events = true };
	struct pcf_stats all, again, sh[3];
	uint64_t runs = 0, viol = 0, states = 0;
	size_t len;
	char *text;
	int vi;
	struct scn_file *f;

	check_seed_path("04-xfs-zero-eof-vs-mmap.scn", path, sizeof(path));
	text = check_slurp(path, &len);
	f = check_parse(path, text, len);
	vi = check_variant(f, "strict");
	scn_free(f);
	fuzz(path, text, len, vi, &fo, &all);
	fuzz(path, text, len, vi, &fo, &again);
	ck_assert_uint_eq(all.fs_violating_runs, again.fs_violating_runs);
	ck_assert_uint_eq(all.fs_crash_states, again.fs_crash_states);
	ck_assert_uint_eq(all.fs_first_run, again.fs_first_run);
	ck_assert_uint_gt(all.fs_violating_runs, 0);
	for (uint32_t k = 0; k < 3; k++) {
		struct pcf_opts so = fo;

		so.f_shard = k;
		so.f_nshards = 3;
		so.f_runs = 20;
		fuzz(path, text, len, vi, &so, &sh[k]);
		runs += sh[k].fs_runs;
		viol += sh[k].fs_violating_runs;
		states += sh[k].fs_crash_states;
	}
	ck_assert_uint_eq(runs, all.fs_runs);
	ck_assert_uint_eq(viol, all.fs_violating_runs);
	/* Crash states are checked once per distinct write log per process:
	 * shards may check a log another shard checked too. */
	ck_assert_uint_ge(states, all.fs_crash_states);
	free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("smoke");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, rediscover_seed_bug, 0, NBUGS);
	tcase_add_test(tc, shards_and_determinism);
	tcase_add_test(tc, swarm_reproducer_replays);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
