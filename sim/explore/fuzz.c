/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/fuzz.c - crash-point fuzzing (see fuzz.h).
 *
 * Shrinking works on tapes, replayed leniently (a choice that no longer
 * fits takes the default, and past the tape every choice takes the
 * default), keeping the first invariant the run broke:
 *   1. the shortest prefix that still fails;
 *   2. delete chunks, halving the chunk size;
 *   3. replace each remaining choice by the default one (fewer preemptions,
 *      fewer early events, in-order disk completions).
 *   4. the run of what is left, every choice as made (so strict replay
 *      reproduces it), without the default choices at its end;
 *   5. a bounded exhaustive search (bounds 0-2, DPOR) for a run breaking the
 *      same invariant with fewer deviations from the default schedule.
 * The reproducer then says the run as a race diagram sliced to the rows
 * the failure needs, checked with `pcsim run` (repro.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"
#include "sim/explore/fuzz.h"
#include "sim/explore/repro.h"
#include "sim/explore/search.h"

#define SHRINK_BUDGET 400	/* runs */
#define REPRO_BUDGET 120	/* pcsim run-s to slice the race diagram */
#define SEARCH_BUDGET 600	/* executions of the bounded search for a shorter one */
#define SWARM_BATCH 32

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct fz {
	const struct scn_file *f;
	const char *path;
	int vi;
	struct sim *s;
	struct pcs *x;
	const struct pcf_opts *fo;
	const struct pcr_opts *oo;	/* the options the world was built with */
	uint32_t expect;	/* invariants the variant expects, 0: expects pass */
	unsigned shrink_runs;
	struct hset_ {
		uint64_t *h;
		size_t n, cap;
	} keys;
	bool crash_target;	/* the target violation was found in a crash state */
	double deadline;	/* --seconds: the campaign's end (0: none) */
};

/* Past the campaign's --seconds? Shrinking stops there too: a shrink run
 * checks every crash state of the candidate again (no dedup), so the
 * shrinking of one violation can cost far more than the runs. */
static bool late(const struct fz *z)
{
	return z->deadline > 0 && now_s() > z->deadline;
}

static bool key_add(struct fz *z, uint64_t k)
{
	size_t i;

	k |= 1;
	if (z->keys.n * 2 >= z->keys.cap) {
		size_t cap = z->keys.cap ? z->keys.cap * 2 : 1024;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (!n)
			return true;
		for (size_t j = 0; j < z->keys.cap; j++)
			if (z->keys.h[j]) {
				for (i = (size_t)(z->keys.h[j] % cap); n[i]; i = (i + 1) % cap)
					;
				n[i] = z->keys.h[j];
			}
		free(z->keys.h);
		z->keys.h = n;
		z->keys.cap = cap;
	}
	for (i = (size_t)(k % z->keys.cap); z->keys.h[i]; i = (i + 1) % z->keys.cap)
		if (z->keys.h[i] == k)
			return false;
	z->keys.h[i] = k;
	z->keys.n++;
	return true;
}

/* End-of-run checks of the execution in z->s; the invariants broken. */
static uint32_t check_run(struct fz *z, bool crash, uint64_t *states)
{
	const struct pc_violation *v;
	unsigned nv;
	uint32_t mask = 0;

	pc_model_finish(z->s);
	if (crash && key_add(z, pc_model_crash_key(z->s))) {
		struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 256,
					.p_dedup = PC_DEDUP_POINT };
		bool complete;
		uint64_t dups, n = pc_model_check_crashes(z->s, 0, pc_wlog_len(z->s), &p, &complete,
							 &dups);

		if (states)
			*states += n;
	}
	nv = pc_violations(z->s, &v);
	for (unsigned i = 0; i < nv; i++)
		mask |= 1u << v[i].v_inv;
	return mask;
}

/* Does the run just made in z->s break inv? Crash findings are not
 * deduplicated here (the run is a candidate, not a new execution). */
static bool violates(struct fz *z, int inv)
{
	const struct pc_violation *v;
	unsigned nv;

	pc_model_finish(z->s);
	if (z->crash_target) {
		struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 256,
					.p_dedup = PC_DEDUP_POINT };
		bool complete;
		uint64_t dups;

		pc_model_check_crashes(z->s, 0, pc_wlog_len(z->s), &p, &complete, &dups);
	}
	nv = pc_violations(z->s, &v);
	for (unsigned i = 0; i < nv; i++)
		if (v[i].v_inv == inv)
			return true;
	return false;
}

static void tape_set(struct sim_tape *dst, const struct sim_tape *src)
{
	sim_tape_clear(dst);
	for (uint32_t i = 0; i < src->tp_len; i++)
		sim_tape_push(dst, &src->tp_e[i]);
}

/* Does the tape (leniently) still break inv? The tape made is in *out. */
static bool still_fails(struct fz *z, const struct sim_tape *tp, int inv, struct sim_tape *out)
{
	z->shrink_runs++;
	pcs_run_lenient(z->x, tp);
	if (!violates(z, inv))
		return false;
	tape_set(out, pcs_tape(z->x));
	return true;
}

/* Shrinking by search: the bounded exhaustive search (DPOR), bounds 0, 1,
 * 2 below dev, for an execution breaking inv with fewer deviations from the
 * default schedule than best's dev. At most SEARCH_BUDGET executions. */
static void search_smaller(struct fz *z, struct sim_tape *best, int inv, unsigned *dev)
{
	unsigned budget = SEARCH_BUDGET;

	for (unsigned b = 0; b < *dev && b <= 2 && budget && !late(z); b++) {
		struct pcs_opts so = { .s_strategy = PCS_EXHAUSTIVE, .s_sleep_sets = true,
				       .s_dpor = true, .s_bounded = true, .s_preempt_bound = b };
		struct pcs *x = pcs_new(z->s, &so);

		while (x && budget && !late(z) && pcs_next(x)) {
			budget--;
			if (pcs_pruned(x) || !violates(z, inv))
				continue;
			tape_set(best, pcs_tape(x));
			*dev = pcs_deviations(x);
			break;
		}
		pcs_free(x);
	}
}

static void tape_copy(struct sim_tape *dst, const struct sim_tape *src, uint32_t from,
		      uint32_t to, uint32_t skip_at, uint32_t skip_len)
{
	sim_tape_clear(dst);
	for (uint32_t i = from; i < to && i < src->tp_len; i++)
		if (i < skip_at || i >= skip_at + skip_len)
			sim_tape_push(dst, &src->tp_e[i]);
}

static uint64_t default_value(const struct sim_tape_entry *e)
{
	if (e->te_kind == SIM_CH_SCHED) {
		uint64_t m = e->te_mask & ~(1ULL << SIM_EVENT_BIT);

		return (uint64_t)__builtin_ctzll(m ? m : e->te_mask);
	}
	return 0;
}

static bool is_default(const struct sim_tape_entry *e)
{
	return e->te_value == default_value(e);
}

/* Shrink best (in place) keeping invariant inv. The steps edit the input
 * tape (replayed leniently); the result is the tape of its run, every
 * choice as made, without the default choices at its end. */
static void shrink(struct fz *z, struct sim_tape *best, int inv)
{
	struct sim_tape cand, out;
	uint32_t lo = 0, hi = best->tp_len;

	sim_tape_init(&cand);
	sim_tape_init(&out);
	/* 1. shortest failing prefix (binary search; verified below) */
	while (lo < hi && z->shrink_runs < SHRINK_BUDGET && !late(z)) {
		uint32_t mid = lo + (hi - lo) / 2;

		tape_copy(&cand, best, 0, mid, UINT32_MAX, 0);
		if (still_fails(z, &cand, inv, &out))
			hi = mid;
		else
			lo = mid + 1;
	}
	tape_copy(&cand, best, 0, hi, UINT32_MAX, 0);
	if (still_fails(z, &cand, inv, &out))
		tape_set(best, &cand);
	/* 2. delete chunks */
	for (uint32_t len = best->tp_len / 2;
	     len >= 1 && z->shrink_runs < SHRINK_BUDGET && !late(z); len /= 2)
		for (uint32_t at = 0;
		     at + len <= best->tp_len && z->shrink_runs < SHRINK_BUDGET && !late(z);) {
			tape_copy(&cand, best, 0, best->tp_len, at, len);
			if (still_fails(z, &cand, inv, &out))
				tape_set(best, &cand);
			else
				at += len;
		}
	/* 3. default choices */
	for (uint32_t i = 0; i < best->tp_len && z->shrink_runs < SHRINK_BUDGET && !late(z);
	     i++) {
		struct sim_tape_entry *e;

		tape_copy(&cand, best, 0, best->tp_len, UINT32_MAX, 0);
		e = &cand.tp_e[i];
		e->te_value = default_value(e);
		if (e->te_value != best->tp_e[i].te_value && still_fails(z, &cand, inv, &out))
			tape_set(best, &cand);
	}
	/* 4. the run of best, every choice as made; replay takes the default
	 * past the tape's end, so default choices at the end go */
	if (still_fails(z, best, inv, &out))
		tape_set(best, &out);
	while (best->tp_len && is_default(&best->tp_e[best->tp_len - 1]))
		best->tp_len--;
	sim_tape_free(&cand);
	sim_tape_free(&out);
}

static int write_atomic(const char *path, const char *text)
{
	char tmp[600];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fputs(text, f) < 0 || fclose(f)) {
		remove(tmp);
		return -1;
	}
	return rename(tmp, path);
}

int pcf_repro_path(const struct scn_file *f, int vi, int inv, const char *dir, char *buf,
		   size_t len)
{
	const char *vname = vi >= 0 ? f->f_variants[vi].v_name : "x";
	uint64_t sig = SIM_HASH_INIT;

	/* the same signature and name as save() below */
	sig = sim_hash_bytes(sig, scn_name(f), strlen(scn_name(f)));
	sig = sim_hash_bytes(sig, vname, strlen(vname));
	sig = sim_hash_u64(sig, (uint64_t)inv);
	return snprintf(buf, len, "%s/%s-%s-%s-%08llx.scn", dir, scn_name(f), vname,
			pc_invariant_names[inv], (unsigned long long)(sig & 0xffffffffu));
}

static void save(struct fz *z, const char *text, size_t text_len, int inv, uint64_t run,
		 struct pcf_stats *st)
{
	struct sim_tape best;
	char err[300], path[512], *repro;
	uint64_t sig = SIM_HASH_INIT;
	const char *vname = z->vi >= 0 ? z->f->f_variants[z->vi].v_name : "x";

	sim_tape_init(&best);
	for (uint32_t i = 0; i < pcs_tape(z->x)->tp_len; i++)
		sim_tape_push(&best, &pcs_tape(z->x)->tp_e[i]);
	st->fs_tape_len = best.tp_len;
	if (z->fo->f_shrink) {
		unsigned dev;

		shrink(z, &best, inv);
		pcs_run_lenient(z->x, &best);
		dev = pcs_deviations(z->x);
		search_smaller(z, &best, inv, &dev);
		st->fs_deviations = dev;
	}
	st->fs_shrunk_len = best.tp_len;
	if (!z->fo->f_out)
		goto out;
	sig = sim_hash_bytes(sig, scn_name(z->f), strlen(scn_name(z->f)));
	sig = sim_hash_bytes(sig, vname, strlen(vname));
	sig = sim_hash_u64(sig, (uint64_t)inv);
	snprintf(path, sizeof(path), "%s/%s-%s-%s-%08llx.scn", z->fo->f_out, scn_name(z->f), vname,
		 pc_invariant_names[inv], (unsigned long long)(sig & 0xffffffffu));
	if (access(path, F_OK) == 0)
		goto out;	/* this bug is saved already */
	mkdir(z->fo->f_out, 0777);
	{
		static const char *const strat[] = { "random", "pct", "swarm" };
		char by[200];
		struct pcf_repro_in in = {
			.ri_f = z->f, .ri_path = z->path, .ri_text = text, .ri_text_len = text_len,
			.ri_vi = z->vi, .ri_oo = z->oo, .ri_s = z->s, .ri_tp = &best, .ri_inv = inv,
			.ri_found_by = by, .ri_out = path, .ri_budget = REPRO_BUDGET,
		};
		struct pcf_repro_out ro;

		snprintf(by, sizeof(by), "pcsim fuzz (%s, seed %llu, run %llu)",
			 strat[z->fo->f_strategy], (unsigned long long)z->fo->f_seed,
			 (unsigned long long)run);
		repro = __pcf_reproducer(&in, &ro, err, sizeof(err));
		st->fs_race = ro.ro_race;
		st->fs_rows = ro.ro_rows;
		st->fs_candidate_rows = ro.ro_sl.sl_candidate;
		st->fs_file = ro.ro_tg.t_file;
		st->fs_off = ro.ro_tg.t_off;
		st->fs_len = ro.ro_tg.t_len;
	}
	if (repro && write_atomic(path, repro) == 0) {
		st->fs_written++;
		snprintf(st->fs_repro, sizeof(st->fs_repro), "%s", path);
		st->fs_repro_tape[0] = 0;
		if (sim_tape_format(&best, NULL, 0) < sizeof(st->fs_repro_tape))
			sim_tape_format(&best, st->fs_repro_tape, sizeof(st->fs_repro_tape));
	} else {
		fprintf(stderr, "pcsim fuzz: cannot write %s: %s\n", path,
			repro ? strerror(errno) : err);
	}
	free(repro);
out:
	sim_tape_free(&best);
}

static uint32_t expected_mask(const struct scn_file *f, int vi)
{
	const struct scn_expect *e = vi >= 0 ? &f->f_variants[vi].v_expect : &f->f_expect_v;
	uint32_t m = 0;

	for (int k = 0; k < SCN_INV__COUNT; k++)
		if (e->e_invariants & (1u << k))
			m |= 1u << pc_invariant_lookup(scn_invariant_name((enum scn_invariant)k));
	return e->e_fail ? m : 0;
}

/* Swarm: a random configuration for the next batch of runs. */
static void swarm_opts(const struct pcr_opts *o, uint64_t batch, uint64_t seed,
		       struct pcr_opts *out)
{
	/* In the scenario language's units (seconds; centiseconds), so a
	 * reproducer can carry them: 1 s or 5 s, 5 s or 30 s. */
	static const char *const commit[] = { "1", "5", "5" };
	static const char *const expire[] = { "500", "3000", "3000" };
	uint64_t st = seed ^ (batch * 0xa24baed4963ee407ULL);
	uint64_t r = sim_splitmix64(&st);

	*out = *o;
	out->early_events = r & 1;
	if (out->noverrides + 4 <= PCR_MAX_OVERRIDES) {
		unsigned n = out->noverrides;

		snprintf(out->override_name[n], sizeof(out->override_name[0]), "commit");
		snprintf(out->override_value[n], sizeof(out->override_value[0]), "%s",
			 commit[(r >> 8) % 3]);
		snprintf(out->override_name[n + 1], sizeof(out->override_name[0]), "dirty_expire");
		snprintf(out->override_value[n + 1], sizeof(out->override_value[0]), "%s",
			 expire[(r >> 16) % 3]);
		snprintf(out->override_name[n + 2], sizeof(out->override_name[0]), "fail_write");
		snprintf(out->override_value[n + 2], sizeof(out->override_value[0]), "%u",
			 (unsigned)((r >> 24) % 4 == 0 ? 1 + (r >> 32) % 4 : 0));
		/* One batch in eight fails a cache flush (the 1st to 4th): a
		 * journal commit aborts, or an fsync's own flush fails. */
		snprintf(out->override_name[n + 3], sizeof(out->override_name[0]), "fail_flush");
		snprintf(out->override_value[n + 3], sizeof(out->override_value[0]), "%u",
			 (unsigned)((r >> 40) % 8 == 0 ? 1 + (r >> 44) % 4 : 0));
		out->noverrides += 4;
	}
}

int pcf_fuzz(const struct scn_file *f, const char *path, const char *text, size_t text_len,
	     int vi, const struct pcr_opts *o, const struct pcf_opts *fo, struct pcf_stats *st,
	     char *err, size_t len)
{
	struct fz z = { .f = f, .path = path, .vi = vi, .fo = fo };
	struct pcs_opts so = { .s_seed = fo->f_seed, .s_pct_depth = fo->f_pct_depth };
	struct pcr_opts oo = *o;
	double t0 = now_s(), last_print = 0;
	uint32_t saved = 0;
	uint64_t batch = UINT64_MAX;
	int rc = 0;

	z.oo = &oo;
	z.deadline = fo->f_seconds > 0 ? t0 + fo->f_seconds : 0;
	memset(st, 0, sizeof(*st));
	z.expect = expected_mask(f, vi);
	so.s_strategy = fo->f_strategy == PCF_PCT ? PCS_PCT : PCS_RANDOM;
	oo.early_events = fo->f_early_events;
	for (uint64_t r = fo->f_shard;; r += fo->f_nshards ? fo->f_nshards : 1) {
		uint32_t mask;

		if ((fo->f_runs && st->fs_runs >= fo->f_runs) ||
		    (fo->f_seconds > 0 && now_s() - t0 > fo->f_seconds))
			break;
		if (!z.s || (fo->f_strategy == PCF_SWARM && r / SWARM_BATCH != batch)) {
			/* (Re)build the world: once, or per swarm batch. */
			pcs_free(z.x);
			sim_destroy(z.s);
			z.x = NULL;
			batch = r / SWARM_BATCH;
			if (fo->f_strategy == PCF_SWARM)
				swarm_opts(o, batch, fo->f_seed, &oo);
			z.s = pcr_build(f, path, vi, &oo, err, len);
			if (!z.s || !(z.x = pcs_new(z.s, &so))) {
				rc = -1;
				break;
			}
		}
		pcs_set_exec(z.x, r + 1);
		pcs_next(z.x);
		st->fs_runs++;
		mask = check_run(&z, fo->f_crash, &st->fs_crash_states);
		if (mask) {
			st->fs_violating_runs++;
			st->fs_inv_mask |= mask;
			if (!st->fs_first_run) {
				st->fs_first_run = st->fs_runs;
				st->fs_first_seconds = now_s() - t0;
			}
			if (!st->fs_found_run && (!z.expect || (mask & z.expect))) {
				st->fs_found_run = st->fs_runs;
				st->fs_found_seconds = now_s() - t0;
			}
			/* Unexpected: any violation in a variant expected to pass
			 * (a failing variant may break more than it names). */
			if (!z.expect)
				st->fs_unexpected = true;
			/* The variant's own invariants first: the seed bug. */
			for (int j = 0; j < 2 * PC_INV_N; j++) {
				int k = j % PC_INV_N;
				uint32_t want = j < PC_INV_N ? z.expect : ~z.expect;

				if ((mask & want & ~saved & (1u << k))) {
					const struct pc_violation *v;
					unsigned nv = pc_violations(z.s, &v);

					saved |= 1u << k;
					z.crash_target = false;
					for (unsigned i = 0; i < nv; i++)
						if (v[i].v_inv == k) {
							z.crash_target = v[i].v_crash;
							break;
						}
					save(&z, text, text_len, k, r + 1, st);
					break;	/* one invariant per run; others later */
				}
			}
			if (fo->f_stop && (!z.expect || (mask & z.expect)))
				break;
		}
		if (fo->f_progress && now_s() - last_print > 0.5) {
			double el = now_s() - t0;

			last_print = now_s();
			fprintf(stderr, "\r  %-30.30s runs %llu (%.0f/s)  crash states %llu (%.0f/s)  "
				"violations %llu ",
				scn_name(f), (unsigned long long)st->fs_runs,
				el > 0 ? (double)st->fs_runs / el : 0.0,
				(unsigned long long)st->fs_crash_states,
				el > 0 ? (double)st->fs_crash_states / el : 0.0,
				(unsigned long long)st->fs_violating_runs);
		}
	}
	if (fo->f_progress)
		fprintf(stderr, "\r%*s\r", 100, "");
	st->fs_seconds = now_s() - t0;
	free(z.keys.h);
	pcs_free(z.x);
	sim_destroy(z.s);
	return rc;
}

/* ---- generated workloads ---- */

char *pcf_generate(uint64_t seed)
{
	static const char *const profiles[] = { "ext4", "ext4-iomap", "xfs" };
	static const char *const bs[] = { "1024", "2048", "4096" };
	size_t cap = 8192, at = 0;
	char *t = malloc(cap);
	uint64_t st = seed;
	unsigned nthreads, nfiles;
	int prof;

#define R(n) (sim_splitmix64(&st) % (n))
#define PUT(...) (at += (size_t)snprintf(t + at, at < cap ? cap - at : 0, __VA_ARGS__))
	if (!t)
		return NULL;
	prof = (int)R(3);
	nthreads = 1 + (unsigned)R(4);
	nfiles = 1 + (unsigned)R(2);
	PUT("# A workload generated by pcsim fuzz --generate (seed %llu).\n\n",
	    (unsigned long long)seed);
	PUT("scenario   gen-%llu\n", (unsigned long long)seed);
	PUT("fs         %s  blocksize=%s%s\n\n", profiles[prof], bs[R(3)],
	    prof ? "  writethrough=on" : "");
	PUT("setup\n");
	for (unsigned fi = 0; fi < nfiles; fi++)
		PUT("    pwrite   %c 0 %llu\n    fsync    %c\n", 'f' + fi,
		    (unsigned long long)(1 + R(9000)), 'f' + fi);
	for (unsigned ti = 0; ti < nthreads; ti++) {
		unsigned nops = 1 + (unsigned)R(5);
		bool mapped = false;

		PUT("\nthread %c\n", 'A' + ti);
		for (unsigned k = 0; k < nops; k++) {
			char file = (char)('f' + R(nfiles));
			uint64_t off = R(12000), ln = 1 + R(3000);

			switch (R(12)) {
			case 0:
				PUT("    truncate %c %llu\n", file, (unsigned long long)R(16000));
				break;
			case 1:
				PUT("    fallocate %c %llu %llu%s\n", file, (unsigned long long)off,
				    (unsigned long long)ln, R(2) ? " keep-size" : "");
				break;
			case 2:
				PUT("    zero-range %c %llu %llu\n", file, (unsigned long long)off,
				    (unsigned long long)ln);
				break;
			case 3:
				PUT("    fsync    %c\n", file);
				break;
			case 4:
				PUT("    sync-file-range %c %llu %llu write wait-after\n", file,
				    (unsigned long long)off, (unsigned long long)ln);
				break;
			case 5:
				if (!mapped)
					PUT("    mmap     %c\n", file);
				mapped = true;
				PUT("    store    %c %llu %llu\n", file, (unsigned long long)R(4096),
				    (unsigned long long)(1 + R(200)));
				break;
			case 6:
				PUT("    pwrite   %c %llu %llu direct aio\n    io-wait  %c\n", file,
				    (unsigned long long)(R(12) * 1024), 1024ULL, file);
				break;
			case 7:
				PUT("    pwrite   %c %llu %llu%s\n", file, (unsigned long long)off,
				    (unsigned long long)ln, prof ? " writethrough" : " dsync");
				break;
			case 8:
				PUT("    punch    %c %llu %llu\n", file, (unsigned long long)off,
				    (unsigned long long)ln);
				break;
			default:
				PUT("    pwrite   %c %llu %llu\n", file, (unsigned long long)off,
				    (unsigned long long)ln);
				break;
			}
		}
	}
	PUT("\ncrash      every-event\npersist    all-subsets max=8\n\nexpect     pass\n");
#undef PUT
#undef R
	if (at >= cap) {
		free(t);
		return NULL;
	}
	return t;
}
