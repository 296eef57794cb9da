/* Check (fork mode): counterexamples fit for mail. Every seed bug (each
 * buggy variant of a seed scenario), found from the threads alone by
 * `pcsim fuzz` (random, seed 1) and by `pcsim explore --stop` (exhaustive,
 * bound 2), gives a reproducer that
 *   - is a race diagram (or its linear schedule form): no tape line;
 *   - has at most three rows more than the seed file's hand-written race
 *     (crash rows not counted; persist lines are not rows);
 *   - has no line over 80 columns;
 *   - when `pcsim run` runs it, breaks the same invariant on the same bytes
 *     as the run the search found (for explore: a violation the explorer's
 *     own execution reported, file, offset and length alike).
 * The figures are printed per bug: the reproducer's rows, the hand-written
 * race's, the rows of the run's diagram before the slice (its last
 * lifetime: rows before a power cut come from the seed's race), and the
 * widest line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/explore/explore.h"
#include "sim/explore/fuzz.h"
#include "check_util.h"

#define FUZZ_RUNS 2000	/* a budget; every seed bug is found far sooner */
#define EXTRA_ROWS 3

struct bug {
	const char *b_file, *b_variant;	/* NULL variant: the file's expectation */
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
	{ "04-xfs-zero-eof-vs-mmap.scn", "today-4k" },
	{ "05-ext4-iomap-zero-eof-append-write.scn", "submit" },
	{ "05-ext4-iomap-zero-eof-fallocate.scn", "submit" },
	{ "05-ext4-iomap-zero-eof-truncate-up.scn", "submit" },
	{ "06-deferred-dsync-write.scn", "no-sfr-handling" },
	{ "06-deferred-dsync-write.scn", "sfr-handling" },
	{ "06-deferred-msync.scn", "no-sfr-handling" },
	{ "06-deferred-msync.scn", "sfr-handling" },
	{ "06-deferred-sync-file-range.scn", "no-sfr-handling" },
	{ "07-endio-deadlock.scn", "endio-ordered" },
	{ "07-endio-deadlock.scn", "endio-unbound" },
	{ "08-durability-ext4-iomap.scn", "no-flush" },
	{ "08-durability-ext4.scn", "no-flush" },
	{ "08-durability-xfs.scn", "no-flush" },
	{ "09-flusher-isize-window-ext4-iomap.scn", "deferred" },
	{ "09-flusher-isize-window-ext4.scn", "bs1k" },
	{ "10-range-cyclic-zero-eof-ext4-iomap.scn", "cyclic" },
};

#define NBUGS (sizeof(bugs) / sizeof(bugs[0]))

static unsigned rows_of(const struct scn_file *f)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < f->f_nitems; i++)
		n += f->f_items[i].si_kind != SCN_ITEM_CRASH;
	return n;
}

static unsigned widest(const char *text)
{
	unsigned w = 0, cur = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			w = cur > w ? cur : w;
			cur = 0;
		} else {
			cur++;
		}
	}
	return cur > w ? cur : w;
}

/* The bugs are those the seeds expect: every variant expecting a failure
 * (and a file whose one expectation is a failure) is listed. */
START_TEST(every_seed_bug_listed)
{
	static const char *const files[] = {
		"01-writethrough-mkwrite.scn", "02-eof-junk-extending-write.scn",
		"02-eof-junk-truncate-up.scn", "03-aio-endio-isize.scn",
		"04-xfs-zero-eof-vs-mmap.scn", "05-ext4-bh-ordered-append-write.scn",
		"05-ext4-bh-ordered-fallocate.scn", "05-ext4-bh-ordered-truncate-up.scn",
		"05-ext4-iomap-zero-eof-append-write.scn", "05-ext4-iomap-zero-eof-fallocate.scn",
		"05-ext4-iomap-zero-eof-truncate-up.scn", "06-deferred-dsync-write.scn",
		"06-deferred-msync.scn", "06-deferred-sync-file-range.scn",
		"07-endio-deadlock.scn", "08-durability-ext4-iomap.scn",
		"08-durability-ext4.scn", "08-durability-xfs.scn",
		"09-flusher-isize-window-ext4-iomap.scn", "09-flusher-isize-window-ext4.scn",
		"09-flusher-isize-window-xfs.scn", "10-range-cyclic-zero-eof-ext4-iomap.scn",
	};
	unsigned failing = 0;

	ck_assert_uint_eq(sizeof(files) / sizeof(files[0]), check_count_seeds());
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct scn_file *f = check_load_seed(files[i], NULL, 0);

		for (int vi = f->f_nvariants ? 0 : -1; vi < (int)f->f_nvariants; vi++) {
			const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect
							     : &f->f_expect_v;
			bool listed = false;

			if (!e->e_fail)
				continue;
			failing++;
			for (size_t b = 0; b < NBUGS; b++)
				listed |= !strcmp(bugs[b].b_file, files[i]) &&
					  (vi < 0 ? !bugs[b].b_variant
						  : bugs[b].b_variant &&
							    !strcmp(bugs[b].b_variant,
								    f->f_variants[vi].v_name));
			ck_assert_msg(listed, "%s %s is not listed", files[i],
				      vi >= 0 ? f->f_variants[vi].v_name : "-");
			if (vi < 0)
				break;
		}
		scn_free(f);
	}
	ck_assert_uint_eq(failing, NBUGS);
}
END_TEST

/* What every reproducer must be; inv/file/off/len: what it must break. */
static void check_reproducer(const struct bug *b, const char *how, const char *rpath,
			     const struct scn_file *seed, int vi, uint8_t file, uint64_t off,
			     uint64_t len, unsigned run_rows)
{
	struct pcr_opts o = { .oracle = -1 };
	struct scn_file *g;
	struct pcr_result r;
	size_t rlen;
	char *text = check_slurp(rpath, &rlen), err[600];
	unsigned rows, seed_rows = rows_of(seed), width = widest(text);
	uint32_t inv_bit;
	int inv = -1;
	bool same = false;

	g = check_parse(rpath, text, rlen);
	ck_assert_msg(g->f_tape == NULL && !strstr(text, "\ntape "), "%s %s (%s): a tape line:\n%s",
		      b->b_file, b->b_variant, how, text);
	rows = rows_of(g);
	ck_assert_msg(rows <= seed_rows + EXTRA_ROWS,
		      "%s %s (%s): %u rows, the hand-written race %u:\n%s", b->b_file,
		      b->b_variant, how, rows, seed_rows, text);
	ck_assert_msg(width <= 80, "%s %s (%s): a line of %u columns:\n%s", b->b_file,
		      b->b_variant, how, width, text);
	/* It expects one invariant, one the seed expects. */
	inv_bit = g->f_nvariants ? g->f_variants[0].v_expect.e_invariants
				 : g->f_expect_v.e_invariants;
	ck_assert(inv_bit && !(inv_bit & (inv_bit - 1)));
	ck_assert(inv_bit & (vi >= 0 ? seed->f_variants[vi].v_expect.e_invariants
				     : seed->f_expect_v.e_invariants));
	inv = pc_invariant_lookup(scn_invariant_name((enum scn_invariant)__builtin_ctz(inv_bit)));
	ck_assert_int_ge(inv, 0);
	/* pcsim run breaks it on the same bytes. */
	ck_assert_int_eq(pcr_run(g, rpath, g->f_nvariants ? 0 : -1, &o, &r, err, sizeof(err)), 0);
	ck_assert_msg(!r.r_error[0], "%s: %s", rpath, r.r_error);
	ck_assert_msg(r.r_verdict == PCR_FAIL_EXPECTED, "%s: %s", rpath,
		      pcr_verdict_name(r.r_verdict));
	for (unsigned i = 0; i < r.r_nviol; i++)
		same |= r.r_viol[i].v_inv == inv && r.r_viol[i].v_file == file &&
			r.r_viol[i].v_off == off && r.r_viol[i].v_len == len;
	ck_assert_msg(same, "%s %s (%s): pcsim run does not break %s on file %u bytes %llu+%llu",
		      b->b_file, b->b_variant, how, pc_invariant_names[inv], file,
		      (unsigned long long)off, (unsigned long long)len);
	printf("%-40s %-16s %-7s %-16s bytes %5llu+%-5llu %2u rows (race %2u; run %3u), %2u cols%s\n",
	       b->b_file, b->b_variant ? b->b_variant : "-", how, pc_invariant_names[inv],
	       (unsigned long long)off, (unsigned long long)len, rows, seed_rows, run_rows, width,
	       g->f_sched_form == SCN_SCHED_LINEAR ? " (schedule form)" : "");
	pcr_result_free(&r);
	scn_free(g);
	free(text);
}

START_TEST(fuzz_reproducer)
{
	const struct bug *b = &bugs[_i];
	char path[512], dir[] = "/tmp/pcsim-mail-XXXXXX";
	struct pcf_opts fo = { .f_strategy = PCF_RANDOM, .f_runs = FUZZ_RUNS, .f_seed = 1,
			       .f_nshards = 1, .f_pct_depth = 3, .f_crash = true,
			       .f_early_events = true, .f_shrink = true, .f_stop = true };
	struct pcr_opts o = { .oracle = -1 };
	struct pcf_stats st;
	struct scn_file *seed;
	size_t len;
	char *text, err[600];
	int vi;

	check_seed_path(b->b_file, path, sizeof(path));
	text = check_slurp(path, &len);
	seed = check_parse(path, text, len);
	vi = b->b_variant ? check_variant(seed, b->b_variant) : -1;
	ck_assert(mkdtemp(dir) != NULL);
	fo.f_out = dir;
	ck_assert_msg(pcf_fuzz(seed, path, text, len, vi, &o, &fo, &st, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(st.fs_written >= 1 && st.fs_repro[0], "%s %s: no reproducer in %d runs",
		      b->b_file, b->b_variant, FUZZ_RUNS);
	check_reproducer(b, "fuzz", st.fs_repro, seed, vi, st.fs_file, st.fs_off, st.fs_len,
			 st.fs_candidate_rows);
	unlink(st.fs_repro);
	rmdir(dir);
	scn_free(seed);
	free(text);
}
END_TEST

START_TEST(explore_reproducer)
{
	const struct bug *b = &bugs[_i];
	char path[512], dir[] = "/tmp/pcsim-mail-XXXXXX";
	struct pcx_opts xo = { .x_strategy = PCX_EXHAUSTIVE, .x_preempt_bound = 2,
			       .x_pct_depth = 3, .x_crash = true, .x_sleep_sets = true,
			       .x_dpor = true, .x_early_events = true, .x_stop_at_first = true };
	struct pcr_opts o = { .oracle = -1 };
	struct pcx_report rep;
	struct scn_file *seed;
	size_t len;
	char *text, err[600];
	bool seen = false;
	int vi;

	check_seed_path(b->b_file, path, sizeof(path));
	text = check_slurp(path, &len);
	seed = check_parse(path, text, len);
	vi = b->b_variant ? check_variant(seed, b->b_variant) : -1;
	ck_assert(mkdtemp(dir) != NULL);
	xo.x_text = text;
	xo.x_text_len = len;
	xo.x_out = dir;
	ck_assert_msg(pcx_explore(seed, path, vi, &o, &xo, &rep, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(rep.xr_found, "%s %s: no counterexample", b->b_file, b->b_variant);
	ck_assert_msg(rep.xr_repro_path[0], "%s %s: no reproducer: %s", b->b_file, b->b_variant,
		      rep.xr_repro_error);
	/* The bytes are those of a violation the explorer's execution broke. */
	for (unsigned i = 0; i < rep.xr_first.r_nviol; i++)
		seen |= rep.xr_first.r_viol[i].v_inv == rep.xr_repro_inv &&
			rep.xr_first.r_viol[i].v_file == rep.xr_repro_bytes.t_file &&
			rep.xr_first.r_viol[i].v_off == rep.xr_repro_bytes.t_off &&
			rep.xr_first.r_viol[i].v_len == rep.xr_repro_bytes.t_len;
	ck_assert_msg(seen, "%s %s: the reproducer's bytes are not the explorer's", b->b_file,
		      b->b_variant);
	check_reproducer(b, "explore", rep.xr_repro_path, seed, vi, rep.xr_repro_bytes.t_file,
			 rep.xr_repro_bytes.t_off, rep.xr_repro_bytes.t_len, rep.xr_repro_candidate);
	unlink(rep.xr_repro_path);
	rmdir(dir);
	pcx_report_free(&rep);
	scn_free(seed);
	free(text);
}
END_TEST

/* The whole output of a command (at most 256 KiB) and its exit status. */
static char *capture(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 18, n = 0;
	char *buf = malloc(cap + 1);

	ck_assert(p && buf);
	n = fread(buf, 1, cap, p);
	buf[n] = 0;
	*status = pclose(p);
	return buf;
}

/* `pcsim run FILE --variant V --mail`: plain text, no line over 80
 * columns, the invariant and the bytes named in the first sentence, a
 * replay command, and the scenario inline is one that pcsim run breaks the
 * same invariant on the same bytes with as the seed file itself. */
START_TEST(mail_message)
{
	const struct bug *b = &bugs[_i];
	const char *bin = getenv("PCSIM_BIN");
	char path[512], cmd[1200], want[200], err[600];
	struct pcr_opts o = { .oracle = -1 };
	struct pcr_result r, rr;
	struct scn_file *seed, *g;
	const struct pc_violation *v = NULL;
	char *out, *scn, *end;
	uint32_t m;
	int status, inv, vi;
	unsigned width, lines = 0;
	bool same = false;

	ck_assert_msg(bin != NULL, "PCSIM_BIN is not set");
	seed = check_load_seed(b->b_file, path, sizeof(path));
	vi = b->b_variant ? check_variant(seed, b->b_variant) : -1;
	/* What the seed variant breaks: the expected invariant, its bytes. */
	ck_assert_int_eq(pcr_run(seed, path, vi, &o, &r, err, sizeof(err)), 0);
	m = r.r_inv_mask & r.r_expect_mask;
	ck_assert(m);
	inv = __builtin_ctz(m);
	for (unsigned i = 0; i < r.r_nviol && !v; i++)
		if (r.r_viol[i].v_inv == inv)
			v = &r.r_viol[i];
	ck_assert(v != NULL);
	snprintf(cmd, sizeof(cmd), "'%s' run %s%s%s --mail", bin, path,
		 b->b_variant ? " --variant " : "", b->b_variant ? b->b_variant : "");
	out = capture(cmd, &status);
	ck_assert_msg(status == 0, "%s: status %d\n%s", cmd, status, out);
	width = widest(out);
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(width <= 80, "%s: a line over 80 columns:\n%s", cmd, out);
	ck_assert_msg(!strchr(out, '\033'), "%s: an escape sequence", cmd);
	snprintf(want, sizeof(want), "breaks %s", pc_invariant_names[inv]);
	ck_assert_msg(strstr(out, want) && strstr(out, "\nReplay:  pcsim run"), "%s:\n%s", cmd,
		      out);
	if (v->v_len) {
		snprintf(want, sizeof(want), "%llu-%llu", (unsigned long long)v->v_off,
			 (unsigned long long)(v->v_off + v->v_len - 1));
		ck_assert_msg(strstr(out, want), "%s: the bytes %s are not named:\n%s", cmd, want,
			      out);
	}
	ck_assert_msg(!strstr(out, "\ntape "), "%s: a tape line", cmd);
	/* The scenario inline runs to the same invariant on the same bytes. */
	scn = strstr(out, "\nscenario   ");
	end = scn ? strstr(scn, "\nProfile: ") : NULL;
	ck_assert_msg(scn && end, "%s: no scenario inline:\n%s", cmd, out);
	*end = 0;
	g = check_parse("mail.scn", scn + 1, strlen(scn + 1));
	ck_assert_int_eq(pcr_run(g, "mail.scn", g->f_nvariants ? 0 : -1, &o, &rr, err,
				 sizeof(err)), 0);
	ck_assert_msg(rr.r_verdict == PCR_FAIL_EXPECTED, "%s: the scenario inline: %s", cmd,
		      pcr_verdict_name(rr.r_verdict));
	for (unsigned i = 0; i < rr.r_nviol; i++)
		same |= rr.r_viol[i].v_inv == inv && rr.r_viol[i].v_file == v->v_file &&
			rr.r_viol[i].v_off == v->v_off && rr.r_viol[i].v_len == v->v_len;
	ck_assert_msg(same, "%s: the scenario inline does not break %s on the same bytes", cmd,
		      pc_invariant_names[inv]);
	printf("%-40s %-16s mail    %3u lines, %2u cols, race rows %u (seed %u)\n", b->b_file,
	       b->b_variant ? b->b_variant : "-", lines, width, rows_of(g), rows_of(seed));
	pcr_result_free(&r);
	pcr_result_free(&rr);
	scn_free(g);
	scn_free(seed);
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("reproducers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_seed_bug_listed);
	tcase_add_loop_test(tc, fuzz_reproducer, 0, NBUGS);
	tcase_add_loop_test(tc, explore_reproducer, 0, NBUGS);
	tcase_add_loop_test(tc, mail_message, 0, NBUGS);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
