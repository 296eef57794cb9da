/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/workload.c - parsing, generating and printing the sequential
 * workloads of `pcsim kernel` (workload.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/runner.h"
#include "sim/kernel/workload.h"
#include "sim/scenario/scenario.h"

static uint64_t rng(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *st, uint64_t n)
{
	return n ? rng(st) % n : 0;
}

static uint64_t page_up(uint64_t v)
{
	return (v + PC_PAGE_SIZE - 1) / PC_PAGE_SIZE * PC_PAGE_SIZE;
}

static uint8_t op_byte(unsigned i)
{
	return (uint8_t)(i % 255 + 1);
}

bool kw_op_syncs(const struct pc_opspec *o, unsigned f)
{
	switch (o->o_kind) {
	case PC_OP_FSYNC:
	case PC_OP_FDATASYNC:
		return o->o_file == f;
	case PC_OP_SYNC:
		return true;
	case PC_OP_MSYNC:
		return o->o_file == f && (o->o_flags & PC_OF_MS_SYNC);
	case PC_OP_PWRITE:
	case PC_OP_APPEND:
		return o->o_file == f && (o->o_flags & (PC_OF_DSYNC | PC_OF_SYNC));
	default:
		return false;
	}
}

/* ---- parsing ---- */

/* Where each line of the wrapped scenario came from in the user's text. */
struct origin {
	uint32_t line, col;
};

static bool looks_like_scenario(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t e = i;

		while (e < len && text[e] != '\n')
			e++;
		if (e - i >= 8 && !strncmp(text + i, "scenario", 8))
			return true;
		if (e - i >= 3 && !strncmp(text + i, "fs ", 3))
			return true;
		i = e + 1;
	}
	return false;
}

static int file_index(struct kworkload *kw, const char *name, char *err, size_t errlen)
{
	for (unsigned i = 0; i < kw->nfiles; i++)
		if (!strcmp(kw->files[i], name))
			return (int)i;
	if (kw->nfiles == 2) {
		snprintf(err, errlen, "at most two files: '%s' is a third", name);
		return -1;
	}
	snprintf(kw->files[kw->nfiles], sizeof(kw->files[0]), "%s", name);
	return (int)kw->nfiles++;
}

/* A position of the wrapped scenario as the user's list has it. */
static struct scn_pos map_pos(const struct origin *org, uint32_t nlines, struct scn_pos p)
{
	if (org && p.line >= 1 && p.line <= nlines && org[p.line - 1].line) {
		const struct origin *o = &org[p.line - 1];

		p.col = o->col + (p.col > 5 ? p.col - 5 : 0);
		p.line = o->line;
	}
	return p;
}

static int add_ops(struct kworkload *kw, const struct scn_op *ops, uint32_t n, bool setup,
		   const char *path, char *err, size_t errlen, const struct origin *org,
		   uint32_t nlines)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct scn_op *so = &ops[i];
		struct scn_pos pos = map_pos(org, nlines, so->o_pos);
		struct pc_opspec *o;
		int fi = 0;
		char why[96];

		if (so->o_file[0] && (fi = file_index(kw, so->o_file, why, sizeof(why))) < 0) {
			snprintf(err, errlen, "%s:%u:%u: error: %s", path, pos.line,
				 pos.col, why);
			return -1;
		}
		if ((setup ? kw->nsetup : kw->nops) >= KW_MAX_OPS) {
			snprintf(err, errlen, "%s:%u:%u: error: more than %u operations", path,
				 pos.line, pos.col, KW_MAX_OPS);
			return -1;
		}
		o = setup ? &kw->setup[kw->nsetup++] : &kw->op[kw->nops++];
		pcr_op_spec(so, fi, o);
		if (so->o_data == SCN_DATA_DEFAULT || so->o_data == SCN_DATA_UNIQUE)
			o->o_data = op_byte(setup ? kw->nsetup - 1 + 128 : kw->nops - 1);
		if ((o->o_kind == PC_OP_PWRITE || o->o_kind == PC_OP_STORE ||
		     o->o_kind == PC_OP_FALLOCATE || o->o_kind == PC_OP_ZERO_RANGE ||
		     o->o_kind == PC_OP_PUNCH || o->o_kind == PC_OP_APPEND) &&
		    (o->o_off + o->o_len > KW_MAX_END || o->o_off > KW_MAX_END)) {
			snprintf(err, errlen, "%s:%u:%u: error: the range ends past %u bytes, the "
				 "most a kernel-check file holds", path, pos.line,
				 pos.col, KW_MAX_END);
			return -1;
		}
		if (o->o_kind == PC_OP_TRUNCATE && o->o_off > KW_MAX_END) {
			snprintf(err, errlen, "%s:%u:%u: error: size past %u bytes", path,
				 pos.line, pos.col, KW_MAX_END);
			return -1;
		}
	}
	return 0;
}

static int from_scenario(struct kworkload *kw, const struct scn_file *f, const char *path,
			 char *err, size_t errlen, const struct origin *org, uint32_t nlines)
{
	int p = pc_profile_lookup(f->f_profile);

	if (p < 0) {
		snprintf(err, errlen, "%s: error: unknown profile '%s'", path, f->f_profile);
		return -1;
	}
	kw->profile = p;
	kw->bs = 4096;
	for (uint32_t i = 0; i < f->f_nknobs; i++)
		if (!strcmp(f->f_knobs[i].k_name, "blocksize"))
			kw->bs = (uint32_t)strtoul(f->f_knobs[i].k_value, NULL, 10);
	if (add_ops(kw, f->f_setup_ops, f->f_setup_nops, true, path, err, errlen, org, nlines))
		return -1;
	for (uint32_t t = 0; t < f->f_nthreads; t++)
		if (add_ops(kw, f->f_threads[t].t_ops, f->f_threads[t].t_nops, false, path, err,
			    errlen, org, nlines))
			return -1;
	return 0;
}

int kw_parse(struct kworkload *kw, const char *path, const char *text, size_t len, char *err,
	     size_t errlen)
{
	struct scn_file *f = NULL;
	struct scn_diag d;
	struct origin *org = NULL;
	char *buf = NULL;
	size_t cap, n = 0;
	uint32_t line = 1, nlines = 0;
	int rc = -1;

	kw->nfiles = 0;
	kw->nops = kw->nsetup = 0;
	memset(kw->skipped, 0, sizeof(kw->skipped));
	kw->skipped_other = 0;
	if (looks_like_scenario(text, len)) {
		if (scn_parse(path, text, len, &pcr_vocab, &f, &d)) {
			snprintf(err, errlen, "%s:%u:%u: error: %s", path, d.d_line, d.d_col,
				 d.d_message);
			return -1;
		}
		rc = from_scenario(kw, f, path, err, errlen, NULL, 0);
		scn_free(f);
		return rc;
	}
	/* A bare list: wrap it in a scenario, one operation per line, and
	 * map the parser's positions back to the list's. */
	cap = len * 2 + 256;
	buf = malloc(cap);
	org = calloc(len + 8, sizeof(*org));
	if (!buf || !org) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	n += (size_t)snprintf(buf + n, cap - n, "scenario kernel-workload\nfs %s blocksize=%u\n"
			      "thread A\n", pc_profile_names[kw->profile], kw->bs);
	nlines = 3;
	for (size_t i = 0; i < len;) {
		size_t s = i, e, col0;

		while (s < len && (text[s] == ' ' || text[s] == '\t'))
			s++;
		e = s;
		while (e < len && text[e] != ';' && text[e] != '\n')
			e++;
		col0 = s;
		for (size_t k = s; k > 0 && text[k - 1] != '\n'; k--)
			col0 = k - 1;
		if (e > s && text[s] != '#') {
			org[nlines].line = line;
			org[nlines].col = (uint32_t)(s - col0 + 1);
			nlines++;
			n += (size_t)snprintf(buf + n, cap - n, "    %.*s\n", (int)(e - s), text + s);
		}
		if (e < len && text[e] == '\n')
			line++;
		i = e + 1;
	}
	if (nlines == 3) {
		snprintf(err, errlen, "%s:1:1: error: no operations", path);
		goto out;
	}
	n += (size_t)snprintf(buf + n, cap - n, "expect pass\n");
	if (scn_parse(path, buf, n, &pcr_vocab, &f, &d)) {
		uint32_t l = d.d_line >= 1 && d.d_line <= nlines ? d.d_line - 1 : 0;

		if (l >= 3)
			snprintf(err, errlen, "%s:%u:%u: error: %s", path, org[l].line,
				 org[l].col + (d.d_col > 5 ? d.d_col - 5 : 0), d.d_message);
		else
			snprintf(err, errlen, "%s: error: %s", path, d.d_message);
		goto out;
	}
	rc = from_scenario(kw, f, path, err, errlen, org, nlines);
out:
	scn_free(f);
	free(buf);
	free(org);
	return rc;
}

int kw_parse_fsxops(struct kworkload *kw, const char *path, const char *text, size_t len,
		    char *err, size_t errlen)
{
	uint32_t line = 0;

	kw->nfiles = 1;
	snprintf(kw->files[0], sizeof(kw->files[0]), "f");
	kw->nops = kw->nsetup = 0;
	memset(kw->skipped, 0, sizeof(kw->skipped));
	kw->skipped_other = 0;
	for (size_t i = 0; i < len;) {
		char l[256], name[32] = "", rest[200] = "";
		unsigned long long a[3] = { 0, 0, 0 };
		size_t e = i;
		int got;
		struct pc_opspec *o;

		while (e < len && text[e] != '\n')
			e++;
		line++;
		snprintf(l, sizeof(l), "%.*s", (int)(e - i < 255 ? e - i : 255), text + i);
		i = e + 1;
		if (!l[0] || l[0] == '#' || strspn(l, " \t\r") == strlen(l))
			continue;
		if (!strncmp(l, "skip ", 5)) {
			kw->skipped_other++;
			continue;
		}
		got = sscanf(l, "%31s %lli %lli %lli %199[^\n]", name, (long long *)&a[0],
			     (long long *)&a[1], (long long *)&a[2], rest);
		if (got < 4) {
			snprintf(err, errlen, "%s:%u:1: error: expected 'OPERATION ARG ARG ARG' "
				 "as fsx --record-ops writes it", path, line);
			return -1;
		}
		if (kw->nops >= KW_MAX_OPS) {
			snprintf(err, errlen, "%s:%u:1: error: more than %u operations", path, line,
				 KW_MAX_OPS);
			return -1;
		}
		o = &kw->op[kw->nops];
		memset(o, 0, sizeof(*o));
		o->o_data = op_byte(kw->nops);
		if (!strcmp(name, "write") || !strcmp(name, "mapwrite")) {
			o->o_kind = PC_OP_PWRITE;
			o->o_off = a[0];
			o->o_len = a[1];
		} else if (!strcmp(name, "truncate")) {
			o->o_kind = PC_OP_TRUNCATE;
			o->o_off = a[1];
		} else if (!strcmp(name, "fallocate") || !strcmp(name, "zero_range")) {
			o->o_kind = name[0] == 'f' ? PC_OP_FALLOCATE : PC_OP_ZERO_RANGE;
			o->o_off = a[0];
			o->o_len = a[1];
			if (strstr(rest, "keep_size"))
				o->o_flags |= PC_OF_KEEP_SIZE;
		} else if (!strcmp(name, "punch_hole")) {
			o->o_kind = PC_OP_PUNCH;
			o->o_off = a[0];
			o->o_len = a[1];
		} else if (!strcmp(name, "fsync")) {
			o->o_kind = PC_OP_FSYNC;
		} else {
			kw->skipped_other++;	/* read, mapread, collapse, insert, clone, ... */
			continue;
		}
		if (!strcmp(name, "mapwrite")) {
			/* fsx extends the file with ftruncate, then stores through a
			 * shared mapping and msyncs it: the same here. */
			uint64_t end = o->o_off + o->o_len;

			if (kw->nops + 4 > KW_MAX_OPS)
				break;
			*o = (struct pc_opspec){ .o_kind = PC_OP_TRUNCATE, .o_off = end };
			kw->op[++kw->nops] = (struct pc_opspec){ .o_kind = PC_OP_MMAP };
			kw->op[++kw->nops] = (struct pc_opspec){ .o_kind = PC_OP_STORE,
				.o_off = a[0], .o_len = a[1], .o_data = op_byte(kw->nops) };
			kw->op[++kw->nops] = (struct pc_opspec){ .o_kind = PC_OP_MSYNC,
				.o_off = a[0] / PC_PAGE_SIZE * PC_PAGE_SIZE,
				.o_len = end - a[0] / PC_PAGE_SIZE * PC_PAGE_SIZE,
				.o_flags = PC_OF_MS_SYNC };
			kw->op[++kw->nops] = (struct pc_opspec){ .o_kind = PC_OP_MUNMAP };
		}
		if (o->o_off + o->o_len > KW_MAX_END) {
			snprintf(err, errlen, "%s:%u:1: error: the range ends past %u bytes, the most "
				 "a kernel-check file holds (fsx -l %u)", path, line, KW_MAX_END,
				 KW_MAX_END);
			return -1;
		}
		kw->nops++;
	}
	if (!kw->nops) {
		snprintf(err, errlen, "%s:1:1: error: no operation pcsim models", path);
		return -1;
	}
	return 0;
}

/* ---- legality for the host ---- */

void kw_sanitize(struct kworkload *kw)
{
	uint64_t size[2] = { 0, 0 };
	bool mapped[2] = { false, false };
	unsigned j = 0;

	for (unsigned i = 0; i < kw->nops; i++) {
		struct pc_opspec *o = &kw->op[i];
		unsigned f = o->o_file;
		uint64_t end = o->o_off + o->o_len;
		bool ok = true;

		switch (o->o_kind) {
		case PC_OP_PWRITE:
			if (o->o_flags & (PC_OF_AIO | PC_OF_WRITETHROUGH))
				ok = false;
			else if ((o->o_flags & PC_OF_DIRECT) &&
				 (o->o_off % kw->bs || o->o_len % kw->bs))
				ok = false;
			else if (end > size[f])
				size[f] = end;
			break;
		case PC_OP_APPEND:
			size[f] += o->o_len;
			break;
		case PC_OP_FALLOCATE:
		case PC_OP_ZERO_RANGE:
			if (!(o->o_flags & PC_OF_KEEP_SIZE) && end > size[f])
				size[f] = end;
			break;
		case PC_OP_TRUNCATE:
			size[f] = o->o_off;
			break;
		case PC_OP_MMAP:
			ok = !mapped[f];
			mapped[f] = true;
			break;
		case PC_OP_MUNMAP:
			ok = mapped[f];
			mapped[f] = false;
			break;
		case PC_OP_STORE:
		case PC_OP_LOAD:
			ok = mapped[f] && o->o_len && end <= page_up(size[f]);
			break;
		case PC_OP_MSYNC:
			ok = mapped[f] && o->o_off % PC_PAGE_SIZE == 0;
			break;
		case PC_OP_SLEEP:
		case PC_OP_IO_WAIT:
			ok = false;
			break;
		default:
			break;
		}
		if (!ok) {
			kw->skipped[o->o_kind]++;
			continue;
		}
		kw->op[j++] = *o;
	}
	kw->nops = j;
}

uint64_t kw_file_space(const struct kworkload *kw)
{
	uint64_t m = 16 * PC_PAGE_SIZE;

	for (unsigned s = 0; s < 2; s++) {
		const struct pc_opspec *ops = s ? kw->op : kw->setup;
		unsigned n = s ? kw->nops : kw->nsetup;

		for (unsigned i = 0; i < n; i++) {
			uint64_t end = ops[i].o_kind == PC_OP_TRUNCATE ? ops[i].o_off
				       : ops[i].o_kind == PC_OP_SYNC_FILE_RANGE ||
						       ops[i].o_kind == PC_OP_MSYNC
					       ? 0
					       : ops[i].o_off + ops[i].o_len;

			if (end > m)
				m = end;
		}
	}
	return page_up(m) + 4 * PC_PAGE_SIZE;
}

/* ---- generating ---- */

struct gen {
	uint64_t st;
	uint32_t bs;
	uint64_t size[2];
	bool mapped[2];
};

/* An offset near EOF, a block or a page boundary, or anywhere. */
static uint64_t gen_off(struct gen *g, unsigned f)
{
	const uint64_t hot = 32u << 10;
	uint64_t v;

	switch (below(&g->st, 8)) {
	case 0:
		v = below(&g->st, hot / g->bs) * g->bs;
		break;
	case 1:
		v = below(&g->st, hot / PC_PAGE_SIZE) * PC_PAGE_SIZE;
		break;
	case 2:
	case 3:
		v = g->size[f] + below(&g->st, 2 * g->bs + 1);
		v = v > g->bs ? v - g->bs : 0;
		break;
	case 4:
		v = below(&g->st, hot / g->bs + 1) * g->bs + below(&g->st, 5);
		v = v >= 2 ? v - 2 : 0;
		break;
	default:
		v = below(&g->st, hot);
		break;
	}
	return v < 48u << 10 ? v : 48u << 10;
}

static uint64_t gen_len(struct gen *g)
{
	switch (below(&g->st, 5)) {
	case 0:
		return 1 + below(&g->st, 64);
	case 1:
		return (1 + below(&g->st, 4)) * g->bs;
	case 2:
		return 1 + below(&g->st, PC_PAGE_SIZE);
	case 3:
		return (1 + below(&g->st, 3)) * PC_PAGE_SIZE;
	default:
		return 1 + below(&g->st, 12288);
	}
}

/* Weights: writes and syncs dominate, as they decide what a crash shows. */
enum { GW_WRITE, GW_DSYNC, GW_DIRECT, GW_TRUNC, GW_FALLOC, GW_PUNCH, GW_ZERO, GW_STORE,
       GW_MSYNC, GW_FSYNC, GW_FDATASYNC, GW_SFR, GW_SYNC, GW_N };
static const unsigned gw[GW_N] = { 24, 5, 3, 8, 6, 4, 4, 6, 4, 10, 5, 3, 3 };

static void gen_one(struct kworkload *kw, struct gen *g, unsigned i)
{
	struct pc_opspec *o = &kw->op[kw->nops];
	unsigned total = 0, pick, k;
	unsigned f = kw->nfiles > 1 ? (unsigned)below(&g->st, kw->nfiles) : 0;
	uint64_t end;

	for (k = 0; k < GW_N; k++)
		total += gw[k];
	pick = (unsigned)below(&g->st, total);
	for (k = 0; k < GW_N && pick >= gw[k]; k++)
		pick -= gw[k];
	memset(o, 0, sizeof(*o));
	o->o_file = (uint8_t)f;
	o->o_data = op_byte(i);
	switch (k) {
	case GW_WRITE:
	case GW_DSYNC:
		o->o_kind = PC_OP_PWRITE;
		o->o_off = gen_off(g, f);
		o->o_len = gen_len(g);
		if (k == GW_DSYNC)
			o->o_flags = below(&g->st, 4) ? PC_OF_DSYNC : PC_OF_SYNC;
		break;
	case GW_DIRECT:
		o->o_kind = PC_OP_PWRITE;
		o->o_flags = PC_OF_DIRECT;
		o->o_off = gen_off(g, f) / g->bs * g->bs;
		o->o_len = (1 + below(&g->st, 4)) * g->bs;
		break;
	case GW_TRUNC:
		o->o_kind = PC_OP_TRUNCATE;
		o->o_off = below(&g->st, 8) == 0 ? 0 : gen_off(g, f);
		break;
	case GW_FALLOC:
	case GW_ZERO:
		o->o_kind = k == GW_FALLOC ? PC_OP_FALLOCATE : PC_OP_ZERO_RANGE;
		o->o_off = gen_off(g, f);
		o->o_len = gen_len(g);
		if (below(&g->st, 2))
			o->o_flags = PC_OF_KEEP_SIZE;
		break;
	case GW_PUNCH:
		o->o_kind = PC_OP_PUNCH;
		o->o_off = gen_off(g, f);
		o->o_len = gen_len(g);
		break;
	case GW_STORE:
		if (!g->size[f]) {
			o->o_kind = PC_OP_FSYNC;
			break;
		}
		if (!g->mapped[f]) {
			o->o_kind = PC_OP_MMAP;
			o->o_data = 0;
			g->mapped[f] = true;
			break;
		}
		o->o_kind = PC_OP_STORE;
		o->o_off = below(&g->st, page_up(g->size[f]));
		o->o_len = 1 + below(&g->st, page_up(g->size[f]) - o->o_off < 512
						     ? page_up(g->size[f]) - o->o_off
						     : 512);
		break;
	case GW_MSYNC:
		if (!g->mapped[f]) {
			o->o_kind = PC_OP_FDATASYNC;
			break;
		}
		o->o_kind = PC_OP_MSYNC;
		o->o_flags = below(&g->st, 3) ? PC_OF_MS_SYNC : PC_OF_MS_ASYNC;
		o->o_off = 0;
		o->o_len = page_up(g->size[f] ? g->size[f] : 1);
		break;
	case GW_FSYNC:
		o->o_kind = PC_OP_FSYNC;
		break;
	case GW_FDATASYNC:
		o->o_kind = PC_OP_FDATASYNC;
		break;
	case GW_SFR:
		o->o_kind = PC_OP_SYNC_FILE_RANGE;
		o->o_off = 0;
		o->o_len = SCN_MAX_BYTES;
		o->o_flags = PC_OF_WRITE | (below(&g->st, 2) ? PC_OF_WAIT_AFTER : 0);
		break;
	default:
		o->o_kind = PC_OP_SYNC;
		o->o_file = 0;
		break;
	}
	if (o->o_kind != PC_OP_PWRITE && o->o_kind != PC_OP_STORE &&
	    o->o_kind != PC_OP_FALLOCATE && o->o_kind != PC_OP_ZERO_RANGE &&
	    o->o_kind != PC_OP_PUNCH)
		o->o_data = 0;
	end = o->o_off + o->o_len;
	if (o->o_kind == PC_OP_TRUNCATE)
		g->size[f] = o->o_off;
	else if ((o->o_kind == PC_OP_PWRITE ||
		  ((o->o_kind == PC_OP_FALLOCATE || o->o_kind == PC_OP_ZERO_RANGE) &&
		   !(o->o_flags & PC_OF_KEEP_SIZE))) &&
		 end > g->size[f])
		g->size[f] = end;
	kw->nops++;
}

void kw_generate(struct kworkload *kw, uint64_t seed, unsigned max_ops)
{
	struct gen g;
	unsigned n;

	memset(&g, 0, sizeof(g));
	g.st = seed * 0xd1342543de82ef95ULL + 7;
	g.bs = kw->bs;
	kw->nsetup = kw->nops = 0;
	memset(kw->skipped, 0, sizeof(kw->skipped));
	kw->skipped_other = 0;
	kw->nfiles = below(&g.st, 4) == 0 ? 2 : 1;
	snprintf(kw->files[0], sizeof(kw->files[0]), "f");
	snprintf(kw->files[1], sizeof(kw->files[1]), "g");
	if (max_ops < 2)
		max_ops = 2;
	n = 2 + (unsigned)below(&g.st, max_ops - 1);
	for (unsigned i = 0; i < n && kw->nops < KW_MAX_OPS; i++)
		gen_one(kw, &g, i);
	kw_sanitize(kw);
}

/* ---- printing ---- */

void kw_format_op(const struct kworkload *kw, const struct pc_opspec *o, char *buf, size_t len)
{
	const char *fn = kw->files[o->o_file < kw->nfiles ? o->o_file : 0];
	const char *name = pc_op_names[o->o_kind];
	size_t n = 0;

	switch (o->o_kind) {
	case PC_OP_SYNC:
		snprintf(buf, len, "sync");
		return;
	case PC_OP_MMAP:
	case PC_OP_MUNMAP:
	case PC_OP_FSYNC:
	case PC_OP_FDATASYNC:
	case PC_OP_IO_WAIT:
		snprintf(buf, len, "%s %s", name, fn);
		return;
	case PC_OP_TRUNCATE:
		snprintf(buf, len, "truncate %s %" PRIu64, fn, o->o_off);
		return;
	case PC_OP_SLEEP:
		snprintf(buf, len, "sleep %" PRIu64 "ns", (uint64_t)o->o_dur);
		return;
	default:
		break;
	}
	n = (size_t)snprintf(buf, len, "%s %s %" PRIu64 " %" PRIu64, name, fn, o->o_off,
			     o->o_kind == PC_OP_SYNC_FILE_RANGE && o->o_len >= SCN_MAX_BYTES
				     ? (uint64_t)0
				     : o->o_len);
#define ADD(cond, word)                                                     \
	do {                                                                \
		if ((cond) && n < len)                                      \
			n += (size_t)snprintf(buf + n, len - n, " %s", word); \
	} while (0)
	ADD(o->o_flags & PC_OF_DIRECT, "direct");
	ADD(o->o_flags & PC_OF_DSYNC, "dsync");
	ADD(o->o_flags & PC_OF_SYNC, "sync");
	ADD(o->o_flags & PC_OF_AIO, "aio");
	ADD(o->o_flags & PC_OF_WRITETHROUGH, "writethrough");
	ADD(o->o_flags & PC_OF_KEEP_SIZE, "keep-size");
	ADD(o->o_flags & PC_OF_MS_SYNC, "sync");
	ADD(o->o_flags & PC_OF_MS_ASYNC, "async");
	ADD(o->o_flags & PC_OF_WAIT_BEFORE, "wait-before");
	ADD(o->o_flags & PC_OF_WRITE, "write");
	ADD(o->o_flags & PC_OF_WAIT_AFTER, "wait-after");
#undef ADD
	if ((o->o_kind == PC_OP_PWRITE || o->o_kind == PC_OP_STORE || o->o_kind == PC_OP_APPEND) &&
	    n < len)
		snprintf(buf + n, len - n, " data=0x%02x", o->o_data < 0 ? 1 : o->o_data);
}

void kw_format(const struct kworkload *kw, FILE *out)
{
	char b[200];

	for (unsigned i = 0; i < kw->nops; i++) {
		kw_format_op(kw, &kw->op[i], b, sizeof(b));
		fprintf(out, "%s%s", i ? "; " : "", b);
	}
}
