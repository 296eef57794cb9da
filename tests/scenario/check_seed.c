/* Check (fork mode): every seed scenario runs, every variant's verdict
 * matches its expectation, and each failing variant names the invariant it
 * should. A mutation check: the fixed variant run with the buggy variant's
 * knobs must fail the same way (the two are distinguishable). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/runner.h"
#include "check_util.h"

static void run(const struct scn_file *f, int vi, const struct pcr_opts *o, struct pcr_result *r)
{
	char err[600];

	ck_assert_msg(pcr_run(f, "seed", vi, o, r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(!r->r_error[0], "run error: %s", r->r_error);
}

/* Every variant of the file gives its expected verdict, and a variant
 * expected to fail fails with (at least) the invariants it names. */
static void check_file(const char *name)
{
	struct scn_file *f = check_load_seed(name, NULL, 0);
	struct pcr_opts o = { .oracle = -1 };

	for (uint32_t i = 0; i < f->f_nvariants; i++) {
		struct pcr_result r;

		run(f, (int)i, &o, &r);
		ck_assert_msg(r.r_verdict == PCR_PASS || r.r_verdict == PCR_FAIL_EXPECTED,
			      "%s variant %s: %s (invariants 0x%x, expected 0x%x)", name,
			      f->f_variants[i].v_name, pcr_verdict_name(r.r_verdict), r.r_inv_mask,
			      r.r_expect_mask);
		if (r.r_expect_fail)
			ck_assert_uint_eq(r.r_inv_mask & r.r_expect_mask, r.r_expect_mask);
		else
			ck_assert_uint_eq(r.r_inv_mask, 0);
		pcr_result_free(&r);
	}
	scn_free(f);
}

/* Run variant `fixed` with the knobs of variant `buggy` laid over it: it
 * must fail with inv, or the fixed variant is not distinguishable. */
static void override(struct pcr_opts *o, const char *k, const char *v)
{
	snprintf(o->override_name[o->noverrides], sizeof(o->override_name[0]), "%s", k);
	snprintf(o->override_value[o->noverrides], sizeof(o->override_value[0]), "%s", v);
	o->noverrides++;
}

static void mutate(struct scn_file *f, const char *name, const char *fixed,
		   const struct pcr_opts *o, int inv, const char *what)
{
	struct pcr_result r;

	run(f, check_variant(f, fixed), o, &r);
	ck_assert_msg(r.r_inv_mask & (1u << inv), "%s: %s with %s did not fail with %s", name,
		      fixed, what, pc_invariant_names[inv]);
	pcr_result_free(&r);
}

static void mutation(const char *name, const char *fixed, const char *buggy, int inv)
{
	struct scn_file *f = check_load_seed(name, NULL, 0);
	struct pcr_opts o = { .oracle = -1 };
	const struct scn_variant *b = &f->f_variants[check_variant(f, buggy)];

	for (uint32_t i = 0; i < b->v_nknobs; i++)
		override(&o, b->v_knobs[i].k_name, b->v_knobs[i].k_value);
	mutate(f, name, fixed, &o, inv, buggy);
	scn_free(f);
}

/* The fixed variant with one knob flipped back to the buggy value. */
static void mutation_knob(const char *name, const char *fixed, const char *k, const char *v,
			  int inv)
{
	struct scn_file *f = check_load_seed(name, NULL, 0);
	struct pcr_opts o = { .oracle = -1 };

	override(&o, k, v);
	mutate(f, name, fixed, &o, inv, k);
	scn_free(f);
}

/* A reproducer replays its exact crash state: `persist survivors` checks
 * that one subset of the unflushed writes at the crash point, not every
 * subset. Seed 05, variant submit: at the last crash row the zero write of
 * lifetime 2 (bio 1, the first bio of the lifetime) is still in flight;
 * everything else is durable. survivors none: one state, erased-data (the
 * state the run prints); survivors 1: one state, the zero write landed,
 * clean. A write that is not unflushed at the crash point (bio 2, a log
 * write made durable by the commit's preflush) is an error: the file does
 * not replay the run it was printed from. (persist survivors fell through
 * to all-subsets: 2 states, and survivors 1 failed.) */
START_TEST(reproducer_exact_crash_state)
{
	struct scn_file *f = check_load_seed("05-ext4-iomap-zero-eof-truncate-up.scn", NULL, 0);
	int vi = check_variant(f, "submit");
	struct pcr_opts o = { .oracle = -1 };
	struct pcr_result r;
	char err[600];

	f->f_persist_kind = SCN_PERSIST_SURVIVORS;
	f->f_nsurvivors = 0;
	run(f, vi, &o, &r);
	ck_assert_uint_eq(r.r_crash_states, 1);
	ck_assert_uint_eq(r.r_inv_mask, 1u << PC_INV_ERASED_DATA);
	ck_assert_uint_eq(r.r_nsurvivors, 0);
	pcr_result_free(&r);
	ck_assert_int_eq(scn_append_survivor(f, 1), 0);
	run(f, vi, &o, &r);
	ck_assert_uint_eq(r.r_crash_states, 1);
	ck_assert_uint_eq(r.r_inv_mask, 0);
	pcr_result_free(&r);
	f->f_nsurvivors = 0;
	ck_assert_int_eq(scn_append_survivor(f, 2), 0);
	ck_assert_int_eq(pcr_run(f, "seed", vi, &o, &r, err, sizeof(err)), 0);
	ck_assert_msg(strstr(r.r_error, "persist survivors: write 2 is not an unflushed write"),
		      "error: '%s'", r.r_error);
	pcr_result_free(&r);
	scn_free(f);
}
END_TEST

START_TEST(seed_writethrough_mkwrite)
{
	check_file("01-writethrough-mkwrite.scn");
	mutation("01-writethrough-mkwrite.scn", "v3", "v2", PC_INV_UNRESERVED_DIRTY);
	mutation("01-writethrough-mkwrite.scn", "v3-2k", "v2-2k", PC_INV_UNRESERVED_DIRTY);
}
END_TEST

START_TEST(seed_eof_junk)
{
	check_file("02-eof-junk-truncate-up.scn");
	check_file("02-eof-junk-extending-write.scn");
	mutation("02-eof-junk-truncate-up.scn", "today", "off", PC_INV_EOF_JUNK);
	mutation("02-eof-junk-extending-write.scn", "today", "mkclean", PC_INV_EOF_JUNK);
}
END_TEST

START_TEST(seed_aio_endio_isize)
{
	check_file("03-aio-endio-isize.scn");
	mutation("03-aio-endio-isize.scn", "v3", "v2", PC_INV_ISIZE_UNLOCKED);
	mutation("03-aio-endio-isize.scn", "v3", "v2", PC_INV_LOST_WRITE);
}
END_TEST

START_TEST(seed_xfs_zero_eof_vs_mmap)
{
	check_file("04-xfs-zero-eof-vs-mmap.scn");
	mutation_knob("04-xfs-zero-eof-vs-mmap.scn", "today", "isize_extended", "mkclean",
		      PC_INV_EOF_JUNK);
}
END_TEST

START_TEST(seed_ext4_iomap_zero_eof)
{
	static const char *const files[] = { "05-ext4-iomap-zero-eof-truncate-up.scn",
					     "05-ext4-iomap-zero-eof-fallocate.scn",
					     "05-ext4-iomap-zero-eof-append-write.scn" };

	for (unsigned i = 0; i < 3; i++) {
		check_file(files[i]);
		mutation(files[i], "wait", "submit", PC_INV_ERASED_DATA);
		mutation(files[i], "deferred", "submit", PC_INV_ERASED_DATA);
	}
	check_file("05-ext4-bh-ordered-truncate-up.scn");
	check_file("05-ext4-bh-ordered-fallocate.scn");
	check_file("05-ext4-bh-ordered-append-write.scn");
}
END_TEST

START_TEST(seed_deferred_sfr)
{
	check_file("06-deferred-sync-file-range.scn");
	mutation("06-deferred-sync-file-range.scn", "sfr-handling", "no-sfr-handling",
		 PC_INV_ERASED_DATA);
	mutation("06-deferred-sync-file-range.scn", "wb-ordered", "no-sfr-handling",
		 PC_INV_ERASED_DATA);
}
END_TEST

/* The other ranged sync paths (an O_DSYNC write, msync(MS_SYNC)): the
 * sync_file_range handling is not enough, Ojaswin's ->writepages rule is. */
START_TEST(seed_deferred_ranged)
{
	static const char *const files[] = { "06-deferred-dsync-write.scn",
					     "06-deferred-msync.scn" };

	for (unsigned i = 0; i < 2; i++) {
		check_file(files[i]);
		mutation(files[i], "wb-ordered", "sfr-handling", PC_INV_ERASED_DATA);
	}
}
END_TEST

START_TEST(seed_endio_deadlock)
{
	check_file("07-endio-deadlock.scn");
	/* per-inode completion work: the workqueue kind does not matter, the
	 * wait target does */
	mutation_knob("07-endio-deadlock.scn", "bio-unbound", "zero_wait", "endio",
		      PC_INV_DEADLOCK);
	mutation_knob("07-endio-deadlock.scn", "bio-ordered", "zero_wait", "endio",
		      PC_INV_DEADLOCK);
}
END_TEST

START_TEST(seed_durability)
{
	static const char *const files[] = { "08-durability-ext4.scn", "08-durability-ext4-iomap.scn",
					     "08-durability-xfs.scn" };

	for (unsigned i = 0; i < 3; i++) {
		check_file(files[i]);
		mutation(files[i], "correct", "no-flush", PC_INV_NOT_DURABLE);
		mutation_knob(files[i], "correct", "bug", "fsync-no-wait", PC_INV_NOT_DURABLE);
	}
}
END_TEST

/* print(parse(x)) is a fixed point and parse(print(x)) equals parse(x), for
 * every scenario under scenarios/. */
static void roundtrip_dir(const char *dir, unsigned *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		char path[1024];
		size_t len = strlen(e->d_name), tl;
		struct scn_file *a = NULL, *b = NULL;
		struct scn_diag dg;
		char *text, *p1, *p2;

		if (len < 5 || strcmp(e->d_name + len - 4, ".scn"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = check_slurp(path, &tl);
		ck_assert_msg(scn_parse(path, text, tl, &pcr_vocab, &a, &dg) == 0, "%s", path);
		p1 = scn_print_str(a);
		ck_assert_msg(scn_parse(path, p1, strlen(p1), &pcr_vocab, &b, &dg) == 0,
			      "%s: printed form does not parse: %s", path, dg.d_message);
		ck_assert_msg(scn_equal(a, b), "%s: parse(print(x)) != parse(x)", path);
		p2 = scn_print_str(b);
		ck_assert_msg(!strcmp(p1, p2), "%s: print is not a fixed point", path);
		free(text);
		free(p1);
		free(p2);
		scn_free(a);
		scn_free(b);
		(*n)++;
	}
	closedir(d);
}

START_TEST(scenarios_roundtrip)
{
	const char *src = getenv("PCSIM_SRC");
	char dir[512];
	unsigned n = 0;

	snprintf(dir, sizeof(dir), "%s/scenarios/seed", src ? src : ".");
	roundtrip_dir(dir, &n);
	snprintf(dir, sizeof(dir), "%s/scenarios/regressions", src ? src : ".");
	roundtrip_dir(dir, &n);
	ck_assert_uint_ge(n, 10);
}
END_TEST

/* Question 9: a flusher pass between i_size_write and
 * pagecache_isize_extended. ext4 (buffer_head) and ext4-iomap with
 * zero_eof=deferred show the mmap junk; submit and wait write the old EOF
 * folio back under the old size first; xfs zeroes [old EOF, pos) itself.
 * Without the flusher in that window (the race section removed) every
 * profile passes: the window is what breaks it. */
static void no_race_passes(const char *name)
{
	char path[512];
	const char *src = getenv("PCSIM_SRC");
	struct scn_file *f = NULL;
	struct scn_diag d;
	struct pcr_opts o = { .oracle = -1 };
	size_t len;
	char *text, *race, *end;

	snprintf(path, sizeof(path), "%s/scenarios/seed/%s", src ? src : ".", name);
	text = check_slurp(path, &len);
	text[len] = '\0';
	race = strstr(text, "\nrace\n");
	ck_assert_msg(race != NULL, "%s has no race section", name);
	end = strstr(race + 1, "\n\n");
	ck_assert_msg(end != NULL, "%s: race section does not end", name);
	memmove(race + 1, end + 2, strlen(end + 2) + 1);
	ck_assert_msg(scn_parse(path, text, strlen(text), &pcr_vocab, &f, &d) == 0, "%s",
		      d.d_message);
	for (uint32_t i = 0; i < (f->f_nvariants ? f->f_nvariants : 1); i++) {
		struct pcr_result r;

		run(f, f->f_nvariants ? (int)i : -1, &o, &r);
		ck_assert_msg(r.r_inv_mask == 0, "%s without its race, variant %u: invariants 0x%x",
			      name, i, r.r_inv_mask);
		pcr_result_free(&r);
	}
	free(text);
	scn_free(f);
}

START_TEST(seed_flusher_isize_window)
{
	static const char *const files[] = { "09-flusher-isize-window-ext4.scn",
					     "09-flusher-isize-window-ext4-iomap.scn",
					     "09-flusher-isize-window-xfs.scn" };

	for (unsigned i = 0; i < 3; i++) {
		check_file(files[i]);
		no_race_passes(files[i]);
	}
	mutation(files[1], "submit", "deferred", PC_INV_EOF_JUNK);
	mutation_knob(files[1], "wait", "zero_eof", "deferred", PC_INV_UNRESERVED_DIRTY);
}
END_TEST

/* Issue 11 item 2, range-cyclic writeback: a flusher pass that ran out of
 * nr_to_write (wb_chunk=1) leaves writeback_index at folio 1, so the next
 * pass writes the append past the deferred zeroed block before that block;
 * the append's end_io raises i_disksize over it (stale-data). Index order
 * (no chunk) and Ojaswin's ->writepages rule pass, and each turns into the
 * failure when its knob is flipped back. */
START_TEST(seed_range_cyclic)
{
	static const char *const name = "10-range-cyclic-zero-eof-ext4-iomap.scn";

	check_file(name);
	mutation_knob(name, "index", "wb_chunk", "1", PC_INV_ERASED_DATA);
	mutation_knob(name, "cyclic-rule", "deferred_wb_ordered", "off", PC_INV_ERASED_DATA);
}
END_TEST

/* Same inputs, same trace hash. */
START_TEST(seed_deterministic)
{
	struct scn_file *f = check_load_seed("01-writethrough-mkwrite.scn", NULL, 0);
	struct pcr_opts o = { .oracle = -1 };
	struct pcr_result a, b;

	run(f, 0, &o, &a);
	run(f, 0, &o, &b);
	ck_assert_uint_eq(a.r_trace_hash, b.r_trace_hash);
	ck_assert_uint_eq(a.r_crash_states, b.r_crash_states);
	ck_assert_uint_eq(a.r_steps, b.r_steps);
	pcr_result_free(&a);
	pcr_result_free(&b);
	scn_free(f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("seed");
	TCase *tc = tcase_create("scenarios");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, seed_writethrough_mkwrite);
	tcase_add_test(tc, reproducer_exact_crash_state);
	tcase_add_test(tc, seed_eof_junk);
	tcase_add_test(tc, seed_aio_endio_isize);
	tcase_add_test(tc, seed_xfs_zero_eof_vs_mmap);
	tcase_add_test(tc, seed_ext4_iomap_zero_eof);
	tcase_add_test(tc, seed_deferred_sfr);
	tcase_add_test(tc, seed_deferred_ranged);
	tcase_add_test(tc, seed_endio_deadlock);
	tcase_add_test(tc, seed_durability);
	tcase_add_test(tc, seed_flusher_isize_window);
	tcase_add_test(tc, seed_range_cyclic);
	tcase_add_test(tc, seed_deterministic);
	tcase_add_test(tc, scenarios_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
