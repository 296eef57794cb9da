/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_kernel.c - `pcsim kernel`: the model's crash states against
 * the host kernel's (sim/kernel/crashdiff.h, docs/crashdiff.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/cli.h"

#ifdef PCSIM_HAVE_KERNEL_CHECK
#include <jansson.h>

#include "sim/kernel/crashdiff.h"
#include "sim/report/report.h"

struct kopts {
	int fs[2];		/* profiles to run: ext4, xfs; -1 none */
	uint32_t bs[2];		/* 0 none */
	const char *ops;	/* --ops */
	const char *fsxops;
	const char **files;
	unsigned nfiles;
	uint64_t generate, seed, max_ops, shrink_tries;
	struct kc_opts kc;
	const char *json, *markdown, *workdir;
	bool verbose;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (!got)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void kw_remove(struct kworkload *kw, unsigned i)
{
	memmove(&kw->op[i], &kw->op[i + 1], (kw->nops - i - 1) * sizeof(kw->op[0]));
	kw->nops--;
}

/* Greedy: drop each operation whose removal keeps a mismatch of the same
 * class, from the last to the first, while tries last. */
/* SIGINT, SIGTERM, SIGHUP: finish the image being checked, report what ran
 * and clean up. The default action would kill the FUSE thread that serves
 * the devices while the kernel still waits on them (a mount, a journal
 * commit), leaving the process unkillable in D state. */
static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void shrink(struct kc_host *h, struct kworkload *kw, const struct kopts *o,
		   enum kc_class cls, struct kc_mismatch *m)
{
	struct kworkload *t = malloc(sizeof(*t));
	struct kc_counts scratch;
	struct kc_mismatch tm;
	uint64_t tries = 0;

	if (!t)
		return;
	for (int i = (int)kw->nops - 1; i >= 0 && tries < o->shrink_tries; i--) {
		if (kw->nops <= 1)
			break;
		*t = *kw;
		kw_remove(t, (unsigned)i);
		kw_sanitize(t);
		if (!t->nops)
			continue;
		memset(&scratch, 0, sizeof(scratch));
		tries++;
		if (kc_check(h, t, &o->kc, &scratch, &tm, NULL) > 0 && tm.cls == cls) {
			*kw = *t;
			*m = tm;
		}
	}
	free(t);
}

static void print_rerun(FILE *out, const struct kopts *o, int profile, uint32_t bs,
			const struct kworkload *kw)
{
	fprintf(out, "    rerun: pcsim kernel --fs %s --bs %u", pc_profile_names[profile], bs);
	for (unsigned i = 0; i < o->kc.nknobs; i++)
		fprintf(out, " --knob %s=%s", o->kc.knob_name[i], o->kc.knob_value[i]);
	fprintf(out, " --ops '");
	kw_format(kw, out);
	fprintf(out, "'\n");
}

struct found {
	struct kworkload kw;
	struct kc_mismatch m;
	char origin[120];
};

static json_t *counts_json(const struct kc_counts *c)
{
	json_t *mm = json_object();

	for (unsigned k = 0; k < KC_NCLASS; k++)
		json_object_set_new(mm, kc_class_names[k], json_integer((json_int_t)c->mismatch[k]));
	return json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
			 "host_seconds", c->host_s, "model_seconds", c->model_s,
			 "workloads", (json_int_t)c->workloads, "operations", (json_int_t)c->ops,
			 "skipped_operations", (json_int_t)c->skipped,
			 "images_built", (json_int_t)c->images,
			 "images_mounted", (json_int_t)c->mounts,
			 "real_states", (json_int_t)c->real_states,
			 "model_states", (json_int_t)c->model_states,
			 "real_states_matched", (json_int_t)c->matched,
			 "real_states_other_window", (json_int_t)c->timing_real,
			 "model_violations_shown", (json_int_t)c->shown,
			 "model_violations_after_last_op", (json_int_t)c->timing_model,
			 "sync_checks", (json_int_t)c->sync_checks, "mismatches", mm);
}

static unsigned total_mismatches(const struct kc_counts *c)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < KC_NCLASS; k++)
		n += c->mismatch[k];
	return (unsigned)n;
}

/* One configuration: every input workload. Returns mismatching workloads,
 * or -1 when the host cannot run it (message printed). */
static int run_config(const struct kopts *o, int profile, uint32_t bs, json_t *jconfigs,
		      FILE *md)
{
	char err[400];
	bool missing;
	struct kc_host *h = kc_host_open(profile, bs, o->workdir, err, sizeof(err), &missing);
	struct kc_counts c;
	struct kworkload *kw = malloc(sizeof(*kw));
	struct found *found = calloc(8, sizeof(*found));
	unsigned nfound = 0, bad = 0, nin;
	json_t *jm = json_array();
	time_t t0 = time(NULL);
	double w0;
	struct timespec ts;

	memset(&c, 0, sizeof(c));
	if (!h || !kw || !found) {
		fprintf(stderr, "pcsim kernel: %s %u: %s\n", pc_profile_names[profile], bs,
			h ? "out of memory" : err);
		kc_host_close(h);
		free(kw);
		free(found);
		json_decref(jm);
		return -1;
	}
	(void)t0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	w0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	nin = (o->ops ? 1u : 0u) + (o->fsxops ? 1u : 0u) + o->nfiles + (unsigned)o->generate;
	for (unsigned w = 0; w < nin; w++) {
		struct kc_mismatch m;
		char origin[120];
		int r;

		if (stop_sig)
			break;
		if (nin >= 200 && w && w % 100 == 0)
			fprintf(stderr, "pcsim kernel: %s %u: %u of %u workloads, %u mismatching\n",
				pc_profile_names[profile], bs, w, nin, bad);

		memset(kw, 0, sizeof(*kw));
		kw->profile = profile;
		kw->bs = bs;
		if (o->ops && w == 0) {
			if (kw_parse(kw, "--ops", o->ops, strlen(o->ops), err, sizeof(err)))
				goto input_error;
			kw_sanitize(kw);
			snprintf(origin, sizeof(origin), "--ops");
		} else if (o->fsxops && w == (o->ops ? 1u : 0u)) {
			size_t len;
			char *text = slurp(o->fsxops, &len);

			if (!text) {
				snprintf(err, sizeof(err), "%s: %s", o->fsxops, strerror(errno));
				goto input_error;
			}
			r = kw_parse_fsxops(kw, o->fsxops, text, len, err, sizeof(err));
			free(text);
			if (r)
				goto input_error;
			kw_sanitize(kw);
			snprintf(origin, sizeof(origin), "%s", o->fsxops);
		} else if (w < (o->ops ? 1u : 0u) + (o->fsxops ? 1u : 0u) + o->nfiles) {
			const char *path = o->files[w - (o->ops ? 1u : 0u) - (o->fsxops ? 1u : 0u)];
			size_t len;
			char *text = slurp(path, &len);

			if (!text) {
				snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
				goto input_error;
			}
			r = kw_parse(kw, path, text, len, err, sizeof(err));
			free(text);
			if (r)
				goto input_error;
			/* The file's own profile and block size are ignored: the
			 * workload runs on the configuration asked for. */
			kw->profile = profile;
			kw->bs = bs;
			kw_sanitize(kw);
			snprintf(origin, sizeof(origin), "%s", path);
		} else {
			uint64_t seed = o->seed + (w - (o->ops ? 1u : 0u) - (o->fsxops ? 1u : 0u) -
						   o->nfiles);

			kw_generate(kw, seed, (unsigned)o->max_ops);
			snprintf(origin, sizeof(origin), "generated seed %" PRIu64, seed);
		}
		if (!kw->nops)
			continue;
		r = kc_check(h, kw, &o->kc, &c, &m, o->verbose ? stdout : NULL);
		if (r < 0) {
			fprintf(stderr, "pcsim kernel: %s %u: %s: %s\n", pc_profile_names[profile], bs,
				origin, m.what);
			bad = UINT32_MAX;
			break;
		}
		if (o->verbose)
			printf("  %s: %u operations, %s\n", origin, kw->nops,
			       r ? kc_class_names[m.cls] : "agree");
		if (r > 0) {
			bad++;
			if (nfound < 8) {
				struct found *f = &found[nfound++];

				f->kw = *kw;
				f->m = m;
				snprintf(f->origin, sizeof(f->origin), "%s", origin);
			}
		}
		continue;
input_error:
		fprintf(stderr, "%s\n", err);
		kc_host_close(h);
		free(kw);
		free(found);
		json_decref(jm);
		return -2;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double secs = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - w0;

	printf("%-5s bs %u: %" PRIu64 " workloads, %" PRIu64 " operations (%" PRIu64
	       " skipped), %" PRIu64 " images mounted (%.0f/s), %" PRIu64 " real states, %" PRIu64
	       " model states, %" PRIu64 " sync checks: %s\n",
	       pc_profile_names[profile], bs, c.workloads, c.ops, c.skipped, c.mounts,
	       secs > 0 ? (double)c.mounts / secs : 0.0, c.real_states, c.model_states,
	       c.sync_checks, bad ? "MISMATCH" : "agree");
	if (bad) {
		printf("      mismatching workloads %u; mismatches by class:", bad);
		for (unsigned k = 0; k < KC_NCLASS; k++)
			if (c.mismatch[k])
				printf(" %s %" PRIu64, kc_class_names[k], c.mismatch[k]);
		printf("\n");
	}
	if (stop_sig)
		printf("      interrupted (signal %d) after %" PRIu64 " of %u workloads; no shrinking\n",
		       (int)stop_sig, c.workloads, nin);
	if (c.timing_real || c.timing_model)
		printf("      explained by timing: %" PRIu64 " real states at another operation's "
		       "window, %" PRIu64 " model violations after the last operation\n",
		       c.timing_real, c.timing_model);
	for (unsigned i = 0; i < nfound; i++) {
		struct found *f = &found[i];

		if (o->shrink_tries && !stop_sig)
			shrink(h, &f->kw, o, f->m.cls, &f->m);
		printf("  mismatch (%s) from %s, %u operations after shrinking:\n    %s\n",
		       kc_class_names[f->m.cls], f->origin, f->kw.nops, f->m.what);
		print_rerun(stdout, o, profile, bs, &f->kw);
		if (md) {
			fprintf(md, "- **%s** %s %u (%s): %s\n  `pcsim kernel --fs %s --bs %u --ops '",
				kc_class_names[f->m.cls], pc_profile_names[profile], bs, f->origin,
				f->m.what, pc_profile_names[profile], bs);
			kw_format(&f->kw, md);
			fprintf(md, "'`\n");
		}
		{
			char *ops = NULL;
			size_t olen = 0;
			FILE *mf = open_memstream(&ops, &olen);

			if (mf) {
				kw_format(&f->kw, mf);
				fclose(mf);
			}
			json_array_append_new(jm, json_pack("{s:s,s:s,s:i,s:s,s:s}", "class",
							    kc_class_names[f->m.cls], "from",
							    f->origin, "op", f->m.op, "what",
							    f->m.what, "ops", ops ? ops : ""));
			free(ops);
		}
	}
	if (jconfigs) {
		json_t *j = json_pack("{s:s,s:I,s:o,s:o,s:f,s:b}", "fs", pc_profile_names[profile],
				      "blocksize", (json_int_t)bs, "counts", counts_json(&c),
				      "first_mismatches", jm, "seconds", secs, "interrupted",
				      stop_sig != 0);

		json_array_append_new(jconfigs, j);
	} else {
		json_decref(jm);
	}
	if (md)
		fprintf(md, "| %s | %u | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
			    " | %" PRIu64 " | %u |\n",
			pc_profile_names[profile], bs, c.workloads, c.mounts, c.real_states,
			c.model_states, c.timing_real + c.timing_model, total_mismatches(&c));
	kc_host_close(h);
	free(kw);
	free(found);
	return bad == UINT32_MAX ? -1 : (int)bad;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pcsim kernel [FILE.scn...] [--ops 'OP; OP...'] [--fsxops FILE] "
		"[--generate N] [--seed S] [--max-ops N] [--fs ext4|xfs|all] [--bs 1024|4096|all] "
		"[--bits N] [--model-bits N] [--schedules N] [--shrink N] [--knob K=V]... [--json FILE] "
		"[--markdown FILE] [--workdir DIR] [-v]\n");
}

int cmd_kernel(int argc, char **argv)
{
	struct kopts o;
	json_t *jconfigs = NULL;
	char *mdbuf = NULL;
	size_t mdlen = 0;
	FILE *md = NULL;
	int total = 0, ran = 0, rc;
	const char *missing;

	/* A long run is watched through a pipe or a log file: a line at a time. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&o, 0, sizeof(o));
	o.fs[0] = PC_PROF_EXT4;
	o.fs[1] = PC_PROF_XFS;
	o.bs[0] = 1024;
	o.bs[1] = 4096;
	o.seed = 1;
	o.max_ops = 12;
	o.shrink_tries = 40;
	o.kc.subset_bits = 4;
	o.kc.model_bits = 8;
	o.kc.schedules = 4;
	o.files = calloc((size_t)argc + 1, sizeof(*o.files));
	if (!o.files)
		return PCSIM_EXIT_USAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;

		if (!strcmp(a, "-v")) {
			o.verbose = o.kc.verbose = true;
			continue;
		}
		if (a[0] != '-') {
			o.files[o.nfiles++] = a;
			continue;
		}
		if (!v) {
			fprintf(stderr, "pcsim kernel: %s needs a value\n", a);
			usage();
			return PCSIM_EXIT_USAGE;
		}
		i++;
		if (!strcmp(a, "--ops")) {
			o.ops = v;
		} else if (!strcmp(a, "--fsxops")) {
			o.fsxops = v;
		} else if (!strcmp(a, "--json")) {
			o.json = v;
		} else if (!strcmp(a, "--markdown")) {
			o.markdown = v;
		} else if (!strcmp(a, "--workdir")) {
			o.workdir = v;
		} else if (!strcmp(a, "--fs")) {
			if (!strcmp(v, "all"))
				continue;
			if (strcmp(v, "ext4") && strcmp(v, "xfs")) {
				fprintf(stderr, "pcsim kernel: --fs %s: the host runs ext4 and xfs "
						"(ext4-iomap is the 2026 series, not in this kernel)\n",
					v);
				return PCSIM_EXIT_USAGE;
			}
			o.fs[0] = pc_profile_lookup(v);
			o.fs[1] = -1;
		} else if (!strcmp(a, "--bs")) {
			if (!strcmp(v, "all"))
				continue;
			if (!cli_parse_u64(a, v, 4096, &n) || (n != 1024 && n != 4096)) {
				fprintf(stderr, "pcsim kernel: --bs %s: 1024, 4096 or all\n", v);
				return PCSIM_EXIT_USAGE;
			}
			o.bs[0] = (uint32_t)n;
			o.bs[1] = 0;
		} else if (!strcmp(a, "--generate")) {
			if (!cli_parse_u64(a, v, 1000000, &o.generate))
				return PCSIM_EXIT_USAGE;
		} else if (!strcmp(a, "--seed")) {
			if (!cli_parse_u64(a, v, UINT64_MAX, &o.seed))
				return PCSIM_EXIT_USAGE;
			o.kc.seed = o.seed;
		} else if (!strcmp(a, "--max-ops")) {
			if (!cli_parse_u64(a, v, KW_MAX_OPS, &o.max_ops) || o.max_ops < 2) {
				fprintf(stderr, "pcsim kernel: --max-ops: 2..%u\n", KW_MAX_OPS);
				return PCSIM_EXIT_USAGE;
			}
		} else if (!strcmp(a, "--bits")) {
			if (!cli_parse_u64(a, v, 10, &n))
				return PCSIM_EXIT_USAGE;
			o.kc.subset_bits = (unsigned)n;
		} else if (!strcmp(a, "--schedules")) {
			if (!cli_parse_u64(a, v, 64, &n) || !n) {
				fprintf(stderr, "pcsim kernel: --schedules: 1..64\n");
				return PCSIM_EXIT_USAGE;
			}
			o.kc.schedules = (unsigned)n;
		} else if (!strcmp(a, "--model-bits")) {
			if (!cli_parse_u64(a, v, 16, &n))
				return PCSIM_EXIT_USAGE;
			o.kc.model_bits = (unsigned)n;
		} else if (!strcmp(a, "--knob")) {
			const char *eq = strchr(v, '=');
			struct pc_knobs k;
			char kerr[300], name[32];

			if (!eq || eq == v || (size_t)(eq - v) >= sizeof(name) || strlen(eq + 1) >= 32 ||
			    o.kc.nknobs == 8) {
				fprintf(stderr, "pcsim kernel: --knob %s: expected K=V (at most 8)\n", v);
				return PCSIM_EXIT_USAGE;
			}
			snprintf(name, sizeof(name), "%.*s", (int)(eq - v), v);
			pc_knobs_default(&k, PC_PROF_EXT4);
			if (!strcmp(name, "blocksize") ||
			    pc_knob_set(&k, name, eq + 1, kerr, sizeof(kerr))) {
				fprintf(stderr, "pcsim kernel: --knob %s: %s\n", v,
					!strcmp(name, "blocksize") ? "use --bs" : kerr);
				return PCSIM_EXIT_USAGE;
			}
			snprintf(o.kc.knob_name[o.kc.nknobs], 32, "%s", name);
			snprintf(o.kc.knob_value[o.kc.nknobs++], 32, "%s", eq + 1);
		} else if (!strcmp(a, "--shrink")) {
			if (!cli_parse_u64(a, v, 10000, &o.shrink_tries))
				return PCSIM_EXIT_USAGE;
		} else {
			fprintf(stderr, "pcsim kernel: unknown option %s\n", a);
			usage();
			return PCSIM_EXIT_USAGE;
		}
	}
	if (!o.ops && !o.fsxops && !o.nfiles && !o.generate)
		o.generate = 20;
	/* Every input is read before anything runs: a bad one is a usage
	 * error with its position, on any machine. */
	{
		struct kworkload *kw = calloc(1, sizeof(*kw));
		char err[400] = "";
		int bad = !kw;

		if (kw) {
			kw->profile = o.fs[0];
			kw->bs = o.bs[0] ? o.bs[0] : o.bs[1];
		}
		if (!bad && o.ops && kw_parse(kw, "--ops", o.ops, strlen(o.ops), err, sizeof(err)))
			bad = 1;
		for (unsigned i = 0; !bad && i < o.nfiles + (o.fsxops ? 1u : 0u); i++) {
			const char *path = i < o.nfiles ? o.files[i] : o.fsxops;
			size_t len;
			char *text = slurp(path, &len);

			if (!text) {
				snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
				bad = 1;
			} else if (i < o.nfiles ? kw_parse(kw, path, text, len, err, sizeof(err))
						: kw_parse_fsxops(kw, path, text, len, err, sizeof(err))) {
				bad = 1;
			}
			free(text);
		}
		free(kw);
		if (bad) {
			fprintf(stderr, "%s\n", err[0] ? err : "pcsim kernel: out of memory");
			free(o.files);
			return PCSIM_EXIT_USAGE;
		}
	}
	for (unsigned f = 0; f < 2; f++)
		if (o.fs[f] >= 0 && (missing = kc_host_missing(o.fs[f]))) {
			fprintf(stderr, "pcsim kernel: cannot run here: this machine lacks %s\n",
				missing);
			free(o.files);
			return PCSIM_EXIT_USAGE;
		}
	if (o.json)
		jconfigs = json_array();
	if (o.markdown && (md = open_memstream(&mdbuf, &mdlen)))
		fprintf(md, "| fs | block size | workloads | images mounted | real states | "
			    "model states | explained by timing | mismatches |\n|---|---|---|---|---|---|"
			    "---|---|\n");
	catch_stop_signals();
	for (unsigned f = 0; f < 2; f++)
		for (unsigned b = 0; b < 2; b++) {
			if (o.fs[f] < 0 || !o.bs[b])
				continue;
			if (stop_sig)
				break;
			rc = run_config(&o, o.fs[f], o.bs[b], jconfigs, md);
			if (rc == -2) {
				total = -2;
				goto done;
			}
			if (rc < 0) {
				total = -1;
				continue;
			}
			ran++;
			total += rc;
		}
done:
	if (md)
		fclose(md);
	if (total != -2 && o.json) {
		json_t *doc = json_pack("{s:s,s:s,s:o,s:b,s:b}", "command", "kernel", "version",
					PCSIM_VERSION, "configs", jconfigs, "agree",
					total == 0 && !stop_sig, "interrupted", stop_sig != 0);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS), err[300];

		if (!text || rpt_write_atomic(o.json, text, strlen(text), err, sizeof(err)))
			fprintf(stderr, "pcsim kernel: %s\n", text ? err : "out of memory");
		free(text);
		json_decref(doc);
	} else if (jconfigs) {
		json_decref(jconfigs);
	}
	if (total != -2 && o.markdown && mdbuf) {
		char err[300];

		if (rpt_write_atomic(o.markdown, mdbuf, mdlen, err, sizeof(err)))
			fprintf(stderr, "pcsim kernel: %s\n", err);
	}
	free(mdbuf);
	free(o.files);
	if (total == -2)
		return PCSIM_EXIT_USAGE;
	if (stop_sig)
		return 128 + stop_sig;
	if (total < 0 || !ran)
		return PCSIM_EXIT_USAGE;
	return total ? PCSIM_EXIT_MISMATCH : PCSIM_EXIT_OK;
}

#else

int cmd_kernel(int argc, char **argv)
{
	fprintf(stderr, "pcsim kernel: this pcsim was built without libfuse3 (Debian package "
			"libfuse3-dev): the kernel check is not available\n");
	return PCSIM_EXIT_USAGE;
}

#endif
