/* SPDX-License-Identifier: MIT */
/*
 * tests/differential/diff_kernel.c - the model against the real kernel.
 *
 * Random sequential operation sequences (write, truncate up and down,
 * fallocate, punch hole, zero range, stores through a shared mapping
 * including past EOF inside the EOF page, msync, munmap, reads, fsync) are
 * applied to a real file in a temporary directory on the host and to the
 * model. After every operation the sizes must match, every read must return
 * the same bytes, and at the end the size and every byte must match. A
 * mismatch is shrunk to a minimal operation list (greedy removal) and
 * printed in a form PCSIM_DIFF_OPS replays. Bytes that may legitimately
 * differ are not compared, each case counted and printed (excused_byte:
 * mmap junk the host exposes; mmap junk the model exposes at a block size
 * below the page size and the host's, flagged eof-junk by its own oracle).
 * See docs/differential.md.
 *
 * Environment:
 *   PCSIM_LONG=1            20,000 sequences instead of 2,000
 *   PCSIM_DIFF_SEQS=n       run n sequences (seeds first .. first+n-1)
 *   PCSIM_DIFF_FIRST=k      first seed (default 1)
 *   PCSIM_DIFF_SEED=k       run the one sequence of seed k, verbosely
 *   PCSIM_DIFF_OPS=list     run this operation list, verbosely (with
 *                           PCSIM_DIFF_PROFILE=ext4|ext4-iomap|xfs,
 *                           PCSIM_DIFF_BS=1024|4096, PCSIM_DIFF_SEED for the
 *                           schedule; PCSIM_DIFF_SEQS=n tries n schedules);
 *                           list: "pwrite 0 100; mmap; store 150 10;
 *                           truncate 8192; ..." (see fmt_op)
 *   PCSIM_DIFF_JOBS=n       worker threads (default 2; each its own file)
 *   PCSIM_DIFF_PROFILE=p, PCSIM_DIFF_BS=b  (without PCSIM_DIFF_OPS) run only
 *                           the seeds of that profile / block size
 *   PCSIM_DIFF_REPORTS=n    print the first n mismatches in full (default 3)
 *   PCSIM_DIFF_NOMIN=1      do not shrink mismatches
 *   PCSIM_DIFF_TRACE=1      with PCSIM_DIFF_SEED/OPS: print the model's trace
 *   TMPDIR                  where the host's temporary directory goes
 */
#define _GNU_SOURCE	/* fallocate and its modes */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"
#include "../scenario/check_util.h"

#define MAX_OPS		50		/* operations per sequence (mmap included) */
#define FILE_SPACE	(128u << 10)	/* modelled bytes per file, and the host mapping */
#define MAX_END		(112u << 10)	/* no operation reaches past this */
#define HOT		(64u << 10)	/* most offsets fall below this */
#define SEQS_DEFAULT	2000u
#define SEQS_LONG	20000u
#define NCONFIG		6		/* 3 profiles x block sizes 1024 and 4096 */
#define MAX_REPORTS	3		/* mismatches printed in full */

/* ---- what a sequence is made of ---- */

/* One operation. o_data is the operation's own byte: i + 1 for the i-th
 * operation of a generated sequence, so a wrong byte names its writer. */
struct dop {
	struct pc_opspec o;
	bool keep;			/* fallocate / zero range: FALLOC_FL_KEEP_SIZE */
	uint64_t size_after;		/* the size POSIX gives after it */
};

struct seq {
	uint64_t seed;			/* the schedule (and, generated, the ops) */
	int profile;
	uint32_t bs;
	unsigned n;
	struct dop op[MAX_OPS];
	unsigned junk_n;		/* stores that put bytes past EOF */
	uint64_t junk_off[MAX_OPS], junk_end[MAX_OPS];
	uint8_t junk_data[MAX_OPS];
};

/* Why a differing byte is not compared (excused_byte). */
enum excuse { EX_NONE = 0, EX_HOST_JUNK, EX_MODEL_JUNK };

/* ---- a deterministic PRNG (splitmix64) ---- */
static uint64_t rng_next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t *st, uint64_t n)
{
	return n ? rng_next(st) % n : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t round_up_page(uint64_t v)
{
	return (v + PC_PAGE_SIZE - 1) / PC_PAGE_SIZE * PC_PAGE_SIZE;
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Fill in the sizes POSIX gives after each operation and the ranges stores
 * leave past EOF. False if the list is not one the test may run: a store at
 * or past round_up(size, page) (SIGBUS), a store, msync or munmap without a
 * mapping, a range past MAX_END, an empty range where one is needed. */
static bool seq_finish(struct seq *q)
{
	uint64_t size = 0;
	bool mapped = false;

	q->junk_n = 0;
	for (unsigned i = 0; i < q->n; i++) {
		struct dop *d = &q->op[i];
		const struct pc_opspec *o = &d->o;
		uint64_t end = o->o_off + o->o_len;

		if (end > MAX_END)
			return false;
		switch (o->o_kind) {
		case PC_OP_PWRITE:
		case PC_OP_FALLOCATE:
		case PC_OP_ZERO_RANGE:
			if (!o->o_len)
				return false;
			if (!d->keep && end > size)
				size = end;
			break;
		case PC_OP_PUNCH:
		case PC_OP_READ:
		case PC_OP_MSYNC:
			if (!o->o_len || (o->o_kind == PC_OP_MSYNC &&
					  (!mapped || o->o_off % PC_PAGE_SIZE)))
				return false;
			break;
		case PC_OP_TRUNCATE:
			size = o->o_off;
			break;
		case PC_OP_STORE:
			if (!mapped || !o->o_len || end > round_up_page(size))
				return false;
			if (end > size) {
				q->junk_off[q->junk_n] = o->o_off > size ? o->o_off : size;
				q->junk_end[q->junk_n] = end;
				q->junk_data[q->junk_n++] = (uint8_t)o->o_data;
			}
			break;
		case PC_OP_MMAP:
			mapped = true;
			break;
		case PC_OP_MUNMAP:
			if (!mapped)
				return false;
			mapped = false;
			break;
		case PC_OP_FSYNC:
			break;
		default:
			return false;
		}
		d->size_after = size;
	}
	return true;
}

/* The text form of one operation, as PCSIM_DIFF_OPS reads it back. */
static void fmt_op(const struct dop *d, char *buf, size_t len)
{
	const struct pc_opspec *o = &d->o;
	const char *name = pc_op_names[o->o_kind];

	switch (o->o_kind) {
	case PC_OP_MMAP:
	case PC_OP_MUNMAP:
	case PC_OP_FSYNC:
		snprintf(buf, len, "%s", name);
		break;
	case PC_OP_TRUNCATE:
		snprintf(buf, len, "%s %" PRIu64, name, o->o_off);
		break;
	case PC_OP_READ:
		snprintf(buf, len, "%s %" PRIu64 " %" PRIu64, name, o->o_off, o->o_len);
		break;
	case PC_OP_MSYNC:
		snprintf(buf, len, "%s %" PRIu64 " %" PRIu64 " %s", name, o->o_off, o->o_len,
			 o->o_flags & PC_OF_MS_SYNC ? "sync" : "async");
		break;
	default:
		snprintf(buf, len, "%s %" PRIu64 " %" PRIu64 " data=%d%s", name, o->o_off, o->o_len,
			 o->o_data, d->keep ? " keep" : "");
		break;
	}
}

static void print_seq(const struct seq *q, const char *indent)
{
	char op[160];

	for (unsigned i = 0; i < q->n; i++) {
		fmt_op(&q->op[i], op, sizeof(op));
		printf("%s#%-2u %-40s -> size %" PRIu64 "\n", indent, i, op, q->op[i].size_after);
	}
}

/* The whole list on one line, ready for PCSIM_DIFF_OPS. */
static void print_ops_line(const struct seq *q)
{
	char op[160];

	printf("  PCSIM_DIFF_PROFILE=%s PCSIM_DIFF_BS=%u PCSIM_DIFF_SEED=%" PRIu64 " "
	       "PCSIM_DIFF_OPS='", pc_profile_names[q->profile], q->bs, q->seed);
	for (unsigned i = 0; i < q->n; i++) {
		fmt_op(&q->op[i], op, sizeof(op));
		printf("%s%s", i ? "; " : "", op);
	}
	printf("' build/tests/diff_kernel\n");
}

/* Parse "pwrite 0 100 data=7; truncate 50; falloc...". Returns -1 with a
 * message on a bad list. */
static int parse_ops(const char *text, struct seq *q, char *err, size_t len)
{
	const char *p = text;

	q->n = 0;
	while (*p) {
		char word[32] = "";
		uint64_t num[2] = { 0, 0 };
		unsigned nnum = 0, k;
		struct dop *d;
		int used = 0;

		while (*p == ';' || isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (sscanf(p, "%31[a-z-]%n", word, &used) != 1) {
			snprintf(err, len, "expected an operation name at '%.20s'", p);
			return -1;
		}
		p += used;
		for (k = 0; k < PC_OP_NKINDS; k++)
			if (!strcmp(word, pc_op_names[k]))
				break;
		if (k == PC_OP_NKINDS || q->n >= MAX_OPS) {
			snprintf(err, len, "unknown operation '%s' (or more than %u)", word, MAX_OPS);
			return -1;
		}
		d = &q->op[q->n];
		memset(d, 0, sizeof(*d));
		d->o.o_kind = (uint8_t)k;
		d->o.o_data = (int16_t)(q->n % 255 + 1);
		if (k == PC_OP_MSYNC)
			d->o.o_flags = PC_OF_MS_ASYNC;
		while (*p && *p != ';') {
			unsigned long long v;
			int dv;

			while (isspace((unsigned char)*p))
				p++;
			if (!*p || *p == ';')
				break;
			if (isdigit((unsigned char)*p) && nnum < 2 &&
			    sscanf(p, "%llu%n", &v, &used) == 1) {
				num[nnum++] = v;
			} else if (sscanf(p, "data=%d%n", &dv, &used) == 1 && dv >= 0 && dv < 256) {
				d->o.o_data = (int16_t)dv;
			} else if (!strncmp(p, "keep", 4)) {
				d->keep = true;
				d->o.o_flags |= PC_OF_KEEP_SIZE;
				used = 4;
			} else if (!strncmp(p, "async", 5)) {
				used = 5;
			} else if (!strncmp(p, "sync", 4)) {
				d->o.o_flags = PC_OF_MS_SYNC;
				used = 4;
			} else {
				snprintf(err, len, "bad argument at '%.20s'", p);
				return -1;
			}
			p += used;
		}
		d->o.o_off = num[0];
		d->o.o_len = num[1];
		q->n++;
	}
	if (!q->n || !seq_finish(q)) {
		snprintf(err, len, "the list is empty or not legal (a store past the EOF page, "
			 "a store/msync/munmap without mmap, a range past %u, a zero length)",
			 MAX_END);
		return -1;
	}
	return 0;
}

/* ---- the host ---- */

/* Operation kinds for generation; the host may not do all of them. */
enum gen_kind {
	G_PWRITE, G_TRUNC, G_FALLOC, G_FALLOC_KEEP, G_PUNCH, G_ZERO, G_ZERO_KEEP, G_STORE,
	G_MSYNC, G_READ, G_FSYNC, G_MUNMAP, G_NKINDS
};

static const char *const gen_names[G_NKINDS] = {
	"pwrite", "truncate", "fallocate", "fallocate-keep-size", "punch-hole", "zero-range",
	"zero-range-keep-size", "store", "msync", "read", "fsync", "munmap",
};

static const unsigned gen_weight[G_NKINDS] = {
	[G_PWRITE] = 22, [G_TRUNC] = 12, [G_FALLOC] = 4, [G_FALLOC_KEEP] = 4, [G_PUNCH] = 6,
	[G_ZERO] = 5, [G_ZERO_KEEP] = 3, [G_STORE] = 20, [G_MSYNC] = 4, [G_READ] = 10,
	[G_FSYNC] = 1, [G_MUNMAP] = 2,
};

/* What the host can do, found once at start. */
struct host {
	char dir[256];
	bool excluded[G_NKINDS];
	char why[G_NKINDS][96];
	bool zeroes_junk;		/* exposing mmap junk past EOF reads zeros */
	unsigned long fs_type;
	long fs_bsize;
	long page;
};

/* One worker's file on the host. */
struct hfile {
	char path[300];
	int fd;
	uint8_t *map;			/* MAP_SHARED over FILE_SPACE bytes, or NULL */
	uint8_t *buf;			/* MAX_END bytes for pwrite */
};

/* SIGBUS from a store through the mapping: reported, not a crash. */
static _Thread_local sigjmp_buf bus_jmp;
static _Thread_local volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int host_store(uint8_t *p, size_t len, int data)
{
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		return -1;
	}
	bus_armed = 1;
	memset(p, data, len);
	bus_armed = 0;
	return 0;
}

static const char *fs_name(unsigned long t)
{
	switch (t) {
	case 0xef53: return "ext2/3/4";
	case 0x58465342: return "xfs";
	case 0x01021994: return "tmpfs";
	case 0x794c7630: return "overlayfs";
	case 0x9123683e: return "btrfs";
	case 0xf2f52010: return "f2fs";
	case 0x2fc12fc1: return "zfs";
	case 0x65735546: return "fuse";
	case 0x6969: return "nfs";
	default: return "unknown";
	}
}

static void hfile_init(struct hfile *f, const struct host *h, unsigned id)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	snprintf(f->path, sizeof(f->path), "%s/f%u", h->dir, id);
	f->buf = malloc(MAX_END);
	ck_assert_ptr_nonnull(f->buf);
}

static void host_unmap(struct hfile *f)
{
	if (f->map)
		munmap(f->map, FILE_SPACE);
	f->map = NULL;
}

/* A new, empty file (the old one unlinked). */
static int host_open(struct hfile *f)
{
	host_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	f->fd = open(f->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	return f->fd < 0 ? -1 : 0;
}

static int host_map(struct hfile *f)
{
	void *p = mmap(NULL, FILE_SPACE, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);

	if (p == MAP_FAILED)
		return -1;
	f->map = p;
	return 0;
}

static void hfile_fini(struct hfile *f)
{
	host_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unlink(f->path);
	free(f->buf);
	f->buf = NULL;
}

/* Is a fallocate mode supported here? Tried once, on a scratch file. */
static void probe_mode(struct host *h, struct hfile *f, enum gen_kind k, int mode)
{
	int e;

	ck_assert_msg(host_open(f) == 0, "open %s: %s", f->path, strerror(errno));
	ck_assert_int_eq(ftruncate(f->fd, 8192), 0);
	if (fallocate(f->fd, mode, 1024, 2048) == 0)
		return;
	e = errno;
	h->excluded[k] = true;
	snprintf(h->why[k], sizeof(h->why[k]), "fallocate mode 0x%x: %s", (unsigned)mode,
		 strerror(e));
}

/* Does the host zero bytes stored through the mapping past EOF when a
 * size extension exposes them? Tried for each way of extending; if any
 * exposes them, the junk exclusion is on (docs/differential.md). */
static bool probe_junk(struct host *h, struct hfile *f)
{
	static const char *const how[] = { "truncate", "pwrite", "fallocate", "zero-range" };
	uint8_t buf[8192];
	bool ok = true;

	for (unsigned i = 0; i < 4; i++) {
		if ((i == 2 && h->excluded[G_FALLOC]) || (i == 3 && h->excluded[G_ZERO]))
			continue;
		ck_assert_int_eq(host_open(f), 0);
		memset(buf, 1, sizeof(buf));
		ck_assert_int_eq(pwrite(f->fd, buf, 1000, 0), 1000);
		ck_assert_int_eq(host_map(f), 0);
		ck_assert_int_eq(host_store(f->map + 1000, 3000, 0xee), 0);
		if (i == 0)
			ck_assert_int_eq(ftruncate(f->fd, 8192), 0);
		else if (i == 1)
			ck_assert_int_eq(pwrite(f->fd, buf, 10, 8182), 10);
		else if (i == 2)
			ck_assert_int_eq(fallocate(f->fd, 0, 0, 8192), 0);
		else
			ck_assert_int_eq(fallocate(f->fd, FALLOC_FL_ZERO_RANGE, 8000, 192), 0);
		host_unmap(f);
		ck_assert_int_eq(pread(f->fd, buf, sizeof(buf), 0), 8192);
		for (unsigned o = 1000; o < 4000; o++)
			if (buf[o] == 0xee) {
				printf("differential: host: %s after a store past EOF exposes the "
				       "stored bytes (offset %u)\n", how[i], o);
				ok = false;
				break;
			}
	}
	return ok;
}

static void host_init(struct host *h)
{
	const char *tmp = getenv("TMPDIR");
	struct statfs sf;
	struct hfile f;

	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "%s/pcsim-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(h->dir) != NULL, "mkdtemp %s: %s", h->dir, strerror(errno));
	ck_assert_int_eq(statfs(h->dir, &sf), 0);
	h->fs_type = (unsigned long)sf.f_type;
	h->fs_bsize = (long)sf.f_bsize;
	h->page = sysconf(_SC_PAGESIZE);
	signal(SIGBUS, on_sigbus);
	hfile_init(&f, h, 99);
	probe_mode(h, &f, G_FALLOC, 0);
	probe_mode(h, &f, G_FALLOC_KEEP, FALLOC_FL_KEEP_SIZE);
	probe_mode(h, &f, G_PUNCH, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	probe_mode(h, &f, G_ZERO, FALLOC_FL_ZERO_RANGE);
	probe_mode(h, &f, G_ZERO_KEEP, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	if (h->page != (long)PC_PAGE_SIZE) {
		/* The model's pages are 4096 bytes: which stores are legal
		 * (inside the EOF page) would differ. */
		h->excluded[G_STORE] = h->excluded[G_MSYNC] = h->excluded[G_MUNMAP] = true;
		snprintf(h->why[G_STORE], sizeof(h->why[G_STORE]), "host page size %ld, the model's "
			 "is %u", h->page, PC_PAGE_SIZE);
		snprintf(h->why[G_MSYNC], sizeof(h->why[G_MSYNC]), "%s", h->why[G_STORE]);
		snprintf(h->why[G_MUNMAP], sizeof(h->why[G_MUNMAP]), "%s", h->why[G_STORE]);
	}
	h->zeroes_junk = h->excluded[G_STORE] || probe_junk(h, &f);
	hfile_fini(&f);
}

/* ---- the generator ---- */

struct gen {
	uint64_t st;
	uint64_t size;
	bool mapped;
	uint32_t bs;
	const bool *excluded;	/* [G_NKINDS] */
};

/* An offset: mostly below 64 KiB, often aligned to a block or a page, or
 * next to EOF or to a page or block boundary. */
static uint64_t gen_off(struct gen *g)
{
	uint64_t v, lim = rnd(&g->st, 16) == 0 ? MAX_END - 1 : HOT;

	switch (rnd(&g->st, 9)) {
	case 0:
		v = rnd(&g->st, lim / g->bs) * g->bs;
		break;
	case 1:
		v = rnd(&g->st, lim / PC_PAGE_SIZE) * PC_PAGE_SIZE;
		break;
	case 2:
	case 3:
		v = g->size + rnd(&g->st, 4097);
		v = v > 2048 ? v - 2048 : 0;
		break;
	case 4:
		v = rnd(&g->st, lim / PC_PAGE_SIZE + 1) * PC_PAGE_SIZE + rnd(&g->st, 7);
		v = v >= 3 ? v - 3 : 0;
		break;
	case 5:
		v = rnd(&g->st, lim / g->bs + 1) * g->bs + rnd(&g->st, 7);
		v = v >= 3 ? v - 3 : 0;
		break;
	default:
		v = rnd(&g->st, lim);
		break;
	}
	return min_u64(v, MAX_END - 1);
}

static uint64_t gen_len(struct gen *g, uint64_t off)
{
	uint64_t v;

	switch (rnd(&g->st, 7)) {
	case 0:
		v = 1 + rnd(&g->st, 16);
		break;
	case 1:
		v = 1 + rnd(&g->st, 600);
		break;
	case 2:
		v = 1 + rnd(&g->st, PC_PAGE_SIZE);
		break;
	case 3:
		v = (1 + rnd(&g->st, 8)) * g->bs;
		break;
	case 4:
		v = (1 + rnd(&g->st, 4)) * PC_PAGE_SIZE;
		break;
	case 5:
		v = 1 + rnd(&g->st, 16384);
		break;
	default:
		v = 1 + rnd(&g->st, 3 * PC_PAGE_SIZE);
		break;
	}
	return min_u64(v, MAX_END - off);
}

static enum gen_kind gen_kind(struct gen *g)
{
	unsigned total = 0, pick;

	for (unsigned k = 0; k < G_NKINDS; k++)
		if (!g->excluded[k])
			total += gen_weight[k];
	pick = (unsigned)rnd(&g->st, total);
	for (unsigned k = 0; k < G_NKINDS; k++) {
		if (g->excluded[k])
			continue;
		if (pick < gen_weight[k])
			return (enum gen_kind)k;
		pick -= gen_weight[k];
	}
	return G_PWRITE;
}

/* One operation at index i. Stores only below round_up(size, page): past
 * that the host raises SIGBUS (and the model fails the store). A store
 * with no mapping becomes the mmap. */
static void gen_one(struct gen *g, struct dop *d, unsigned i)
{
	struct pc_opspec *o = &d->o;
	enum gen_kind k = gen_kind(g);
	uint64_t lim;

	memset(d, 0, sizeof(*d));
	o->o_data = (int16_t)(i % 255 + 1);
	if ((k == G_STORE && g->size == 0) || ((k == G_MSYNC || k == G_MUNMAP) && !g->mapped))
		k = G_READ;
	if (k == G_STORE && !g->mapped) {
		o->o_kind = PC_OP_MMAP;
		g->mapped = true;
		return;
	}
	switch (k) {
	case G_PWRITE:
		o->o_kind = PC_OP_PWRITE;
		o->o_off = gen_off(g);
		o->o_len = gen_len(g, o->o_off);
		g->size = o->o_off + o->o_len > g->size ? o->o_off + o->o_len : g->size;
		break;
	case G_TRUNC:
		o->o_kind = PC_OP_TRUNCATE;
		o->o_off = rnd(&g->st, 10) == 0 ? 0 : gen_off(g);
		g->size = o->o_off;
		break;
	case G_FALLOC:
	case G_FALLOC_KEEP:
	case G_ZERO:
	case G_ZERO_KEEP:
		o->o_kind = k == G_FALLOC || k == G_FALLOC_KEEP ? PC_OP_FALLOCATE : PC_OP_ZERO_RANGE;
		d->keep = k == G_FALLOC_KEEP || k == G_ZERO_KEEP;
		o->o_flags = d->keep ? PC_OF_KEEP_SIZE : 0;
		o->o_off = gen_off(g);
		o->o_len = gen_len(g, o->o_off);
		if (!d->keep && o->o_off + o->o_len > g->size)
			g->size = o->o_off + o->o_len;
		break;
	case G_PUNCH:
		o->o_kind = PC_OP_PUNCH;
		o->o_off = gen_off(g);
		o->o_len = gen_len(g, o->o_off);
		break;
	case G_STORE:
		lim = round_up_page(g->size);
		o->o_kind = PC_OP_STORE;
		if (rnd(&g->st, 2) && g->size < lim)	/* past EOF, inside the EOF page */
			o->o_off = g->size + rnd(&g->st, lim - g->size);
		else if (rnd(&g->st, 2))		/* the EOF page */
			o->o_off = lim - PC_PAGE_SIZE + rnd(&g->st, PC_PAGE_SIZE);
		else
			o->o_off = rnd(&g->st, lim);
		o->o_len = 1 + rnd(&g->st, rnd(&g->st, 3) ? min_u64(lim - o->o_off, 300)
							    : lim - o->o_off);
		break;
	case G_MSYNC:
		o->o_kind = PC_OP_MSYNC;
		o->o_flags = rnd(&g->st, 2) ? PC_OF_MS_SYNC : PC_OF_MS_ASYNC;
		o->o_off = rnd(&g->st, (round_up_page(g->size) + PC_PAGE_SIZE) / PC_PAGE_SIZE) *
			   PC_PAGE_SIZE;
		o->o_off = min_u64(o->o_off, MAX_END - PC_PAGE_SIZE);
		o->o_len = rnd(&g->st, 3) ? gen_len(g, o->o_off) : MAX_END - o->o_off;
		break;
	case G_READ:
		o->o_kind = PC_OP_READ;
		o->o_off = rnd(&g->st, 4) ? min_u64(rnd(&g->st, g->size + 1), MAX_END - 1)
					   : gen_off(g);
		o->o_len = gen_len(g, o->o_off);
		break;
	case G_FSYNC:
		o->o_kind = PC_OP_FSYNC;
		break;
	case G_MUNMAP:
		o->o_kind = PC_OP_MUNMAP;
		g->mapped = false;
		break;
	default:
		break;
	}
}

static const struct {
	int profile;
	uint32_t bs;
} configs[NCONFIG] = {
	{ PC_PROF_EXT4, 1024 }, { PC_PROF_EXT4_IOMAP, 1024 }, { PC_PROF_XFS, 1024 },
	{ PC_PROF_EXT4, 4096 }, { PC_PROF_EXT4_IOMAP, 4096 }, { PC_PROF_XFS, 4096 },
};

static int config_of(int profile, uint32_t bs)
{
	for (int c = 0; c < NCONFIG; c++)
		if (configs[c].profile == profile && configs[c].bs == bs)
			return c;
	return -1;
}

/* The sequence of a seed: its configuration (seed % 6), its length
 * (1..50), its operations. The seed also drives the model's schedule. */
static void gen_seq(const struct host *h, uint64_t seed, struct seq *q)
{
	struct gen g;
	bool ok;

	memset(q, 0, sizeof(*q));
	memset(&g, 0, sizeof(g));
	q->seed = seed;
	q->profile = configs[seed % NCONFIG].profile;
	q->bs = configs[seed % NCONFIG].bs;
	g.st = seed * 0x2545f4914f6cdd1dULL + 17;
	g.bs = q->bs;
	g.excluded = h->excluded;
	q->n = 1 + (unsigned)rnd(&g.st, MAX_OPS);
	for (unsigned i = 0; i < q->n; i++)
		gen_one(&g, &q->op[i], i);
	ok = seq_finish(q);
	ck_assert_msg(ok, "seed %" PRIu64 ": the generator made an illegal list", seed);
}

/* ---- running a sequence on the host ---- */

struct hrun {
	uint64_t size[MAX_OPS];		/* host size after op i */
	uint8_t *rbuf[MAX_OPS];		/* what read op i returned */
	uint64_t rlen[MAX_OPS];
	uint8_t *snap[MAX_OPS];		/* full contents after op i (verbose runs) */
	uint64_t final_size;
	uint8_t *final;
	double op_s[PC_OP_NKINDS];	/* time spent per kind */
	double secs;
};

static void hrun_free(struct hrun *r)
{
	for (unsigned i = 0; i < MAX_OPS; i++) {
		free(r->rbuf[i]);
		free(r->snap[i]);
	}
	free(r->final);
	memset(r, 0, sizeof(*r));
}

static uint64_t host_size(const struct hfile *f)
{
	struct stat st;

	return fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

static int host_apply(struct hfile *f, const struct dop *d, unsigned i, struct hrun *r,
		      char *err, size_t elen)
{
	const struct pc_opspec *o = &d->o;
	int rc = 0, keep = d->keep ? FALLOC_FL_KEEP_SIZE : 0;
	ssize_t n;
	char op[160];

	switch (o->o_kind) {
	case PC_OP_PWRITE:
		memset(f->buf, o->o_data, o->o_len);
		n = pwrite(f->fd, f->buf, o->o_len, (off_t)o->o_off);
		rc = n == (ssize_t)o->o_len ? 0 : -1;
		break;
	case PC_OP_TRUNCATE:
		rc = ftruncate(f->fd, (off_t)o->o_off);
		break;
	case PC_OP_FALLOCATE:
		rc = fallocate(f->fd, keep, (off_t)o->o_off, (off_t)o->o_len);
		break;
	case PC_OP_PUNCH:
		rc = fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)o->o_off,
			       (off_t)o->o_len);
		break;
	case PC_OP_ZERO_RANGE:
		rc = fallocate(f->fd, FALLOC_FL_ZERO_RANGE | keep, (off_t)o->o_off, (off_t)o->o_len);
		break;
	case PC_OP_MMAP:
		rc = f->map ? 0 : host_map(f);
		break;
	case PC_OP_MUNMAP:
		host_unmap(f);
		break;
	case PC_OP_STORE:
		if (!f->map || host_store(f->map + o->o_off, o->o_len, o->o_data)) {
			errno = EFAULT;
			rc = -1;
		}
		break;
	case PC_OP_MSYNC:
		rc = msync(f->map + o->o_off, o->o_len,
			   o->o_flags & PC_OF_MS_SYNC ? MS_SYNC : MS_ASYNC);
		break;
	case PC_OP_READ:
		r->rbuf[i] = malloc(o->o_len);
		ck_assert_ptr_nonnull(r->rbuf[i]);
		n = pread(f->fd, r->rbuf[i], o->o_len, (off_t)o->o_off);
		rc = n < 0 ? -1 : 0;
		r->rlen[i] = n < 0 ? 0 : (uint64_t)n;
		break;
	case PC_OP_FSYNC:
		rc = fsync(f->fd);
		break;
	default:
		break;
	}
	if (rc) {
		fmt_op(d, op, sizeof(op));
		snprintf(err, elen, "host: #%u %s failed: %s%s", i, op, strerror(errno),
			 o->o_kind == PC_OP_STORE ? " (SIGBUS)" : "");
		return -1;
	}
	r->size[i] = host_size(f);
	return 0;
}

static uint8_t *read_all(const struct hfile *f, uint64_t size)
{
	uint8_t *b = malloc(size ? size : 1);
	uint64_t got = 0;

	ck_assert_ptr_nonnull(b);
	while (got < size) {
		ssize_t n = pread(f->fd, b + got, size - got, (off_t)got);

		ck_assert_msg(n > 0, "host: read back: %s", n < 0 ? strerror(errno) : "short");
		got += (uint64_t)n;
	}
	return b;
}

/* Apply q to a new file; every size must be the one POSIX gives. Returns
 * -1 with a message when the host fails or disagrees with POSIX. */
static int host_run(struct hfile *f, const struct seq *q, struct hrun *r, bool snaps,
		    char *err, size_t elen)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_msg(host_open(f) == 0, "open %s: %s", f->path, strerror(errno));
	for (unsigned i = 0; i < q->n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (host_apply(f, &q->op[i], i, r, err, elen))
			return -1;
		r->op_s[q->op[i].o.o_kind] += since(&t1);
		if (r->size[i] != q->op[i].size_after) {
			char op[160];

			fmt_op(&q->op[i], op, sizeof(op));
			snprintf(err, elen, "host: after #%u %s the size is %" PRIu64 ", not %" PRIu64
				 " as POSIX says", i, op, r->size[i], q->op[i].size_after);
			return -1;
		}
		if (snaps)
			r->snap[i] = read_all(f, r->size[i]);
	}
	host_unmap(f);
	r->final_size = host_size(f);
	r->final = read_all(f, r->final_size);
	r->secs = since(&t0);
	return 0;
}

/* ---- running a sequence in the model ---- */

struct mrun;

struct model {
	struct sim *s;
	struct sim_task *t;
	struct sim_chooser ch;
	struct mrun *run;		/* the run in progress (observer, chooser) */
};

struct mrun {
	struct sim *s;
	struct sim_task *t;
	const struct seq *q;
	const struct hrun *h;
	const struct host *hst;
	uint32_t base;			/* model operation number of op 0 */
	uint64_t st;			/* the chooser's PRNG */
	unsigned event_odds;		/* fire an event early one time in event_odds */
	bool snaps;
	/* first differences seen at operation boundaries */
	int size_op;			/* first op after which the sizes differ, -1 */
	uint64_t size_model;
	int read_op;			/* first read that returned other bytes, -1 */
	uint64_t read_at, read_len;
	uint8_t read_host, read_model;
	int snap_op;			/* first op after which the contents differ */
	uint64_t snap_at;
	uint8_t snap_host, snap_model;
	uint64_t excused[3];		/* bytes not compared, by enum excuse (reads) */
	uint8_t *buf;
};

/* The schedule: a random runnable task, and now and then the next event
 * early (so writeback, commits and completions land between and inside
 * operations). */
static uint64_t choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct model *m = ctx;
	struct mrun *r = m->run;
	uint64_t tasks, k;

	if (!r)
		return 0;
	if (c->c_kind != SIM_CH_SCHED)
		return c->c_n ? rnd(&r->st, c->c_n) : 0;
	tasks = c->c_mask & ~(1ULL << SIM_EVENT_BIT);
	if (!tasks || ((c->c_mask >> SIM_EVENT_BIT) & 1 && r->event_odds &&
		       rnd(&r->st, r->event_odds) == 0))
		return SIM_EVENT_BIT;
	k = rnd(&r->st, (uint64_t)__builtin_popcountll(tasks));
	while (k--)
		tasks &= tasks - 1;
	return (uint64_t)__builtin_ctzll(tasks);
}

static enum excuse excused_byte(const struct host *h, const struct seq *q, struct sim *s,
				uint64_t off, uint8_t hb, uint8_t mb);

/* Compare n bytes of the model's file at off against host bytes; the first
 * differing offset that is not excused (counted in r->excused), or
 * UINT64_MAX. */
static uint64_t first_diff(struct mrun *r, uint64_t off, const uint8_t *host, uint64_t n,
			   uint8_t *hb, uint8_t *mb)
{
	uint64_t got = pc_model_read(r->s, 0, off, n, r->buf);

	for (uint64_t i = 0; i < n; i++) {
		enum excuse e;

		if (i < got && r->buf[i] == host[i])
			continue;
		if (i < got && (e = excused_byte(r->hst, r->q, r->s, off + i, host[i], r->buf[i]))) {
			r->excused[e]++;
			continue;
		}
		*hb = host[i];
		*mb = i < got ? r->buf[i] : 0;
		return off + i;
	}
	return UINT64_MAX;
}

/* After every step of the user task: when an operation has just finished,
 * compare the size, the bytes of a read, and (verbose runs) the file. */
static void observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret ret)
{
	struct model *m = ctx;
	struct mrun *r = m->run;
	const struct sim_op *op;
	unsigned next, i;
	uint64_t size, at;
	uint8_t hb = 0, mb = 0;

	if (!r || t != r->t || ret != SIM_DONE || !(op = sim_task_cur_op(t)))
		return;
	next = t->t_jump ? t->t_jump - 1u : t->t_pc + 1u;
	if (next < op->op_desc->nsteps || op->op_id < r->base)
		return;
	i = op->op_id - r->base;
	if (i >= r->q->n)
		return;
	size = pc_model_size(r->s, 0);
	if (r->size_op < 0 && size != r->h->size[i]) {
		r->size_op = (int)i;
		r->size_model = size;
	}
	if (r->q->op[i].o.o_kind == PC_OP_READ && r->read_op < 0) {
		const struct pc_opspec *o = &r->q->op[i].o;
		uint64_t got = pc_model_read(r->s, 0, o->o_off, o->o_len, r->buf);

		at = first_diff(r, o->o_off, r->h->rbuf[i], r->h->rlen[i], &hb, &mb);
		if (at != UINT64_MAX || got != r->h->rlen[i]) {
			r->read_op = (int)i;
			r->read_at = at;
			r->read_len = got;
			r->read_host = hb;
			r->read_model = mb;
		}
	}
	if (r->snaps && r->snap_op < 0) {
		at = first_diff(r, 0, r->h->snap[i], min_u64(size, r->h->size[i]), &hb, &mb);
		if (at != UINT64_MAX || size != r->h->size[i]) {
			r->snap_op = (int)i;
			r->snap_at = at;
			r->snap_host = hb;
			r->snap_model = mb;
		}
	}
}

/* One model per configuration, settled and snapshotted; every sequence
 * starts from sim_reset (an empty file, durable, clean cache). */
static void model_create(struct model *m, int profile, uint32_t bs)
{
	struct pc_config cfg;
	struct sim_config sc;
	char err[300];

	memset(m, 0, sizeof(*m));
	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, (enum pc_profile)profile);
	cfg.c_knobs.k_bs = bs;
	cfg.c_nfiles = 1;
	cfg.c_file_bytes = FILE_SPACE;
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = 20 * SIM_USEC;
	cfg.c_lat_max = 200 * SIM_USEC;
	memset(&sc, 0, sizeof(sc));
	sc.seed = 1;
	sc.arena_size = pc_model_arena_size(&cfg);
	sc.early_events = true;
	m->s = sim_create(&sc);
	ck_assert_ptr_nonnull(m->s);
	ck_assert_msg(pc_model_create(m->s, &cfg, err, sizeof(err)) != NULL,
		      "pc_model_create %s bs %u: %s", pc_profile_names[profile], bs, err);
	ck_assert_msg(pc_model_settle(m->s, err, sizeof(err)) == 0, "%s", err);
	m->t = pc_user_task(m->s, "A");
	ck_assert_ptr_nonnull(m->t);
	m->ch.choose = choose;
	m->ch.ctx = m;
	sim_set_chooser(m->s, &m->ch);
	sim_set_step_observer(m->s, observe, m);
	ck_assert_int_eq(sim_snapshot(m->s), 0);
}

/* ---- one comparison ---- */

enum fail_kind { F_NONE = 0, F_HOST, F_MODEL, F_DIFFER };

struct verdict {
	enum fail_kind fail;
	char why[400];
	uint64_t seed;			/* the schedule it ran under */
	uint64_t msize, hsize;
	uint64_t diff_at;		/* first differing byte at the end, or UINT64_MAX */
	uint8_t hb, mb;
	uint64_t excused[3];		/* bytes not compared, by enum excuse */
	struct mrun mr;			/* per-operation findings (mr.buf freed) */
	uint32_t inv_mask;		/* the model's oracle, informational */
	char viol[300];
	double model_s;
};

/* Is byte b at off the byte of a store made past EOF (mmap junk)? */
static bool is_junk(const struct seq *q, uint64_t off, uint8_t b)
{
	for (unsigned j = 0; j < q->junk_n; j++)
		if (off >= q->junk_off[j] && off < q->junk_end[j] && b == q->junk_data[j])
			return true;
	return false;
}

/* Did the model's own oracle report the byte at off as eof-junk? */
static bool model_flagged_junk(struct sim *s, uint64_t off)
{
	const struct pc_violation *v;
	unsigned n = pc_violations(s, &v);

	for (unsigned i = 0; i < n; i++)
		if (v[i].v_inv == PC_INV_EOF_JUNK && !v[i].v_crash && v[i].v_file == 0 &&
		    off >= v[i].v_off && off < v[i].v_off + v[i].v_len)
			return true;
	return false;
}

/* The bytes this test does not compare (docs/differential.md, "What is
 * excluded"); each is counted and printed:
 *   EX_HOST_JUNK   the host exposes mmap junk past EOF on an extension
 *                  (probe_junk found so at start): host junk, model zero;
 *   EX_MODEL_JUNK  the model exposes mmap junk in a configuration the host
 *                  does not run: block size below the page size and below
 *                  the host's block size, where ext4 leaves a store made past
 *                  EOF into a hole block in the page cache (ext4_block_zero_
 *                  eof skips holes, pagecache_isize_extended zeroes only
 *                  [from, to) and nothing when round_up(from, bs) is page
 *                  aligned) and writeback can clean the old EOF folio between
 *                  i_size_write and pagecache_isize_extended (SEMANTICS 9.9);
 *                  only bytes the model's own oracle reports as eof-junk:
 *                  model junk, host zero. */
static enum excuse excused_byte(const struct host *h, const struct seq *q, struct sim *s,
				uint64_t off, uint8_t hb, uint8_t mb)
{
	if (!h->zeroes_junk && mb == 0 && is_junk(q, off, hb))
		return EX_HOST_JUNK;
	if (hb == 0 && q->bs < PC_PAGE_SIZE && (long)q->bs < h->fs_bsize && is_junk(q, off, mb) &&
	    model_flagged_junk(s, off))
		return EX_MODEL_JUNK;
	return EX_NONE;
}

/* Run q in the model under schedule seed and compare with the host's run. */
static void model_run(const struct host *h, struct model *models, const struct seq *q,
		      const struct hrun *hr, uint64_t seed, bool snaps, struct verdict *v)
{
	struct model *m = &models[config_of(q->profile, q->bs)];
	struct mrun *r = &v->mr;
	struct timespec t0;
	const struct pc_violation *viol;
	enum sim_status status;
	uint8_t *bytes = NULL;
	unsigned nviol;
	char err[300];

	memset(v, 0, sizeof(*v));
	v->seed = seed;
	v->diff_at = UINT64_MAX;
	r->size_op = r->read_op = r->snap_op = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sim_reset(m->s);
	r->s = m->s;
	r->t = m->t;
	r->q = q;
	r->h = hr;
	r->hst = h;
	r->st = seed * 0x9e3779b97f4a7c15ULL + 3;
	r->event_odds = (unsigned[]){ 0, 4, 16, 64 }[rnd(&r->st, 4)];
	r->snaps = snaps;
	r->buf = malloc(FILE_SPACE);
	ck_assert_ptr_nonnull(r->buf);
	for (unsigned i = 0; i < q->n; i++) {
		int no = pc_queue_op(m->s, m->t, &q->op[i].o, err, sizeof(err));

		if (no < 0) {
			v->fail = F_MODEL;
			snprintf(v->why, sizeof(v->why), "model: pc_queue_op #%u: %s", i, err);
			goto out;
		}
		if (i == 0)
			r->base = (uint32_t)no;
	}
	m->run = r;
	if (snaps && getenv("PCSIM_DIFF_TRACE"))
		sim_trace_to(m->s, stdout);
	status = sim_run(m->s);
	sim_trace_to(m->s, NULL);
	m->run = NULL;
	v->msize = pc_model_size(m->s, 0);
	v->hsize = hr->final_size;
	bytes = malloc(v->msize ? v->msize : 1);
	ck_assert_ptr_nonnull(bytes);
	ck_assert_uint_eq(pc_model_read(m->s, 0, 0, v->msize, bytes), v->msize);
	pc_model_finish(m->s);
	nviol = pc_violations(m->s, &viol);
	for (unsigned i = 0; i < nviol; i++)
		v->inv_mask |= 1u << viol[i].v_inv;
	if (nviol)
		snprintf(v->viol, sizeof(v->viol), "%s: %s", pc_invariant_names[viol[0].v_inv],
			 viol[0].v_msg);
	if (status != SIM_OK) {
		v->fail = F_MODEL;
		snprintf(v->why, sizeof(v->why), "model: the run ended with status %d, not ok%s%s",
			 (int)status, nviol ? ": " : "", v->viol);
		goto out;
	}
	for (uint64_t o = 0; o < min_u64(v->msize, v->hsize); o++) {
		enum excuse e;

		if (bytes[o] == hr->final[o])
			continue;
		if ((e = excused_byte(h, q, m->s, o, hr->final[o], bytes[o]))) {
			v->excused[e]++;
			continue;
		}
		if (v->diff_at == UINT64_MAX) {
			v->diff_at = o;
			v->hb = hr->final[o];
			v->mb = bytes[o];
		}
	}
	if (v->msize != v->hsize)
		snprintf(v->why, sizeof(v->why), "final size: model %" PRIu64 ", host %" PRIu64,
			 v->msize, v->hsize);
	else if (v->diff_at != UINT64_MAX)
		snprintf(v->why, sizeof(v->why), "final contents differ at offset %" PRIu64,
			 v->diff_at);
	else if (r->read_op >= 0)
		snprintf(v->why, sizeof(v->why), "read #%d returned other bytes", r->read_op);
	else if (r->size_op >= 0)
		snprintf(v->why, sizeof(v->why), "the size after #%d differs", r->size_op);
	if (v->why[0])
		v->fail = F_DIFFER;
out:
	for (unsigned e = 0; e < 3; e++)
		v->excused[e] += r->excused[e];
	v->model_s = since(&t0);
	free(bytes);
	free(r->buf);
	r->buf = NULL;
	r->h = NULL;
}

/* Host, then model under the sequence's own schedule. */
static void check_seq(const struct host *h, struct hfile *f, struct model *models,
		      const struct seq *q, bool snaps, struct verdict *v, struct hrun *hr)
{
	memset(hr, 0, sizeof(*hr));
	if (host_run(f, q, hr, snaps, v->why, sizeof(v->why))) {
		char why[400];

		memcpy(why, v->why, sizeof(why));
		memset(v, 0, sizeof(*v));
		memcpy(v->why, why, sizeof(why));
		v->fail = F_HOST;
		v->seed = q->seed;
		v->diff_at = UINT64_MAX;
		v->mr.size_op = v->mr.read_op = v->mr.snap_op = -1;
		return;
	}
	model_run(h, models, q, hr, q->seed, snaps, v);
}

/* ---- shrinking a mismatch ---- */

#define MIN_SCHEDULES	8	/* schedules tried per candidate list */

/* Does list c fail like kind under one of a few schedules (its own first)?
 * On success c->seed is the failing schedule. */
static bool still_fails(const struct host *h, struct hfile *f, struct model *models,
			struct seq *c, enum fail_kind kind)
{
	struct hrun hr;
	struct verdict v;
	char err[400];
	bool hit = false;

	memset(&hr, 0, sizeof(hr));
	if (host_run(f, c, &hr, false, err, sizeof(err))) {
		hit = kind == F_HOST;
		hrun_free(&hr);
		return hit;
	}
	for (unsigned k = 0; k < MIN_SCHEDULES && !hit && kind != F_HOST; k++) {
		uint64_t seed = c->seed + k * 1000003ULL;

		model_run(h, models, c, &hr, seed, false, &v);
		if (v.fail == kind) {
			c->seed = seed;
			hit = true;
		}
	}
	hrun_free(&hr);
	return hit;
}

/* Drop one operation at a time while the list stays legal and fails the
 * same way (under some schedule); within a time budget. */
static void minimize(const struct host *h, struct hfile *f, struct model *models, struct seq *q,
		     enum fail_kind kind, double budget)
{
	struct timespec t0;
	bool progress = true;
	struct seq c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (progress && since(&t0) < budget) {
		progress = false;
		for (unsigned i = 0; i < q->n && q->n > 1 && since(&t0) < budget; i++) {
			c = *q;
			memmove(&c.op[i], &c.op[i + 1], (c.n - i - 1) * sizeof(c.op[0]));
			c.n--;
			if (!seq_finish(&c) || !still_fails(h, f, models, &c, kind))
				continue;
			*q = c;
			progress = true;
			i--;
		}
	}
}

/* ---- reporting ---- */

/* Which operation wrote byte b (operation bytes are unique per list)? */
static void byte_origin(const struct seq *q, uint8_t b, char *buf, size_t len)
{
	if (b == 0) {
		snprintf(buf, len, "zero");
		return;
	}
	for (unsigned i = 0; i < q->n; i++)
		if (q->op[i].o.o_data == b && q->op[i].o.o_kind != PC_OP_READ &&
		    q->op[i].o.o_kind != PC_OP_MSYNC) {
			snprintf(buf, len, "%s #%u", pc_op_names[q->op[i].o.o_kind], i);
			return;
		}
	snprintf(buf, len, "no operation's byte: stale or garbage");
}

static void report(const struct seq *q, const struct verdict *v, const struct hrun *hr,
		   const char *title)
{
	const struct mrun *r = &v->mr;
	char a[64], b[64];

	printf("%s: seed %" PRIu64 " profile %s bs %u, %u ops: %s%s\n", title, q->seed,
	       pc_profile_names[q->profile], q->bs, q->n, v->fail ? "MISMATCH: " : "agree",
	       v->fail ? v->why : "");
	print_seq(q, "    ");
	print_ops_line(q);
	if (v->fail == F_HOST)
		return;
	printf("  size: model %" PRIu64 ", host %" PRIu64 "\n", v->msize, v->hsize);
	if (v->diff_at != UINT64_MAX) {
		byte_origin(q, v->hb, a, sizeof(a));
		byte_origin(q, v->mb, b, sizeof(b));
		printf("  first difference at offset %" PRIu64 " (page %" PRIu64 " +%" PRIu64
		       ", block %" PRIu64 " +%" PRIu64 "): host 0x%02x (%s), model 0x%02x (%s)\n",
		       v->diff_at, v->diff_at / PC_PAGE_SIZE, v->diff_at % PC_PAGE_SIZE,
		       v->diff_at / q->bs, v->diff_at % q->bs, v->hb, a, v->mb, b);
	}
	if (r->size_op >= 0)
		printf("  sizes first differ after #%d: model %" PRIu64 ", host %" PRIu64 "\n",
		       r->size_op, r->size_model, hr->size[r->size_op]);
	if (r->read_op >= 0)
		printf("  read #%d: model returned %" PRIu64 " bytes, host %" PRIu64 "; first "
		       "difference at %" PRIu64 ": host 0x%02x, model 0x%02x\n", r->read_op,
		       r->read_len, hr->rlen[r->read_op], r->read_at, r->read_host, r->read_model);
	if (r->snap_op >= 0)
		printf("  contents first differ after #%d, at offset %" PRIu64 ": host 0x%02x, "
		       "model 0x%02x\n", r->snap_op, r->snap_at, r->snap_host, r->snap_model);
	if (v->excused[EX_HOST_JUNK])
		printf("  excluded: %" PRIu64 " bytes of mmap junk the host exposes\n",
		       v->excused[EX_HOST_JUNK]);
	if (v->excused[EX_MODEL_JUNK])
		printf("  excluded: %" PRIu64 " bytes of mmap junk the model exposes at block size "
		       "%u (its oracle: eof-junk)\n", v->excused[EX_MODEL_JUNK], q->bs);
	if (v->inv_mask)
		printf("  model oracle: %s\n", v->viol);
}

/* Run q again with snapshots after every operation and print it; then
 * shrink it and print the minimal list. */
static void report_full(const struct host *h, struct hfile *f, struct model *models,
			const struct seq *q, double budget)
{
	struct verdict v;
	struct hrun hr;
	struct seq c = *q;

	check_seq(h, f, models, q, true, &v, &hr);
	report(q, &v, &hr, "differential");
	hrun_free(&hr);
	if (v.fail && v.fail != F_HOST && budget > 0) {
		minimize(h, f, models, &c, v.fail, budget);
		memset(&hr, 0, sizeof(hr));
		if (host_run(f, &c, &hr, true, v.why, sizeof(v.why)) == 0) {
			model_run(h, models, &c, &hr, c.seed, true, &v);
			report(&c, &v, &hr, "  minimal");
		}
		hrun_free(&hr);
	}
	fflush(stdout);
}

/* ---- the workers ---- */

#define MAX_FAILED	4096

struct stats {
	uint64_t seqs, ops, by_kind[PC_OP_NKINDS], mismatches, cfg_seqs[NCONFIG];
	uint64_t junk_excluded, mjunk_excluded;	/* sequences with EX_HOST_JUNK / EX_MODEL_JUNK bytes */
	uint64_t oracle[PC_INV_N], oracle_seqs;
	double host_s, model_s, op_s[PC_OP_NKINDS];
};

static void stats_add(struct stats *a, const struct stats *b)
{
	a->seqs += b->seqs;
	a->ops += b->ops;
	a->mismatches += b->mismatches;
	a->junk_excluded += b->junk_excluded;
	a->mjunk_excluded += b->mjunk_excluded;
	a->oracle_seqs += b->oracle_seqs;
	a->host_s += b->host_s;
	a->model_s += b->model_s;
	for (unsigned k = 0; k < PC_OP_NKINDS; k++) {
		a->by_kind[k] += b->by_kind[k];
		a->op_s[k] += b->op_s[k];
	}
	for (unsigned c = 0; c < NCONFIG; c++)
		a->cfg_seqs[c] += b->cfg_seqs[c];
	for (unsigned k = 0; k < PC_INV_N; k++)
		a->oracle[k] += b->oracle[k];
}

static void account(struct stats *st, const struct seq *q, const struct verdict *v,
		    const struct hrun *hr)
{
	st->seqs++;
	st->cfg_seqs[config_of(q->profile, q->bs)]++;
	st->ops += q->n;
	st->host_s += hr->secs;
	st->model_s += v->model_s;
	for (unsigned k = 0; k < PC_OP_NKINDS; k++)
		st->op_s[k] += hr->op_s[k];
	for (unsigned i = 0; i < q->n; i++)
		st->by_kind[q->op[i].o.o_kind]++;
	if (v->excused[EX_HOST_JUNK])
		st->junk_excluded++;
	if (v->excused[EX_MODEL_JUNK])
		st->mjunk_excluded++;
	if (v->inv_mask) {
		st->oracle_seqs++;
		for (unsigned k = 0; k < PC_INV_N; k++)
			if (v->inv_mask & (1u << k))
				st->oracle[k]++;
	}
	if (v->fail)
		st->mismatches++;
}

/* A worker runs the seeds of its configurations (config % nworkers ==
 * id), each against its own file and its own models. */
struct worker {
	pthread_t tid;
	unsigned id, nworkers;
	const struct host *h;
	struct hfile f;
	struct model models[NCONFIG];
	uint64_t first, n;
	int only_prof;
	uint32_t only_bs;
	struct stats st;
	uint64_t failed[MAX_FAILED];
	unsigned nfailed;
};

static bool wants(const struct worker *w, int c)
{
	return (unsigned)c % w->nworkers == w->id &&
	       (w->only_prof < 0 || configs[c].profile == w->only_prof) &&
	       (!w->only_bs || configs[c].bs == w->only_bs);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int c = 0; c < NCONFIG; c++)
		if (wants(w, c))
			model_create(&w->models[c], configs[c].profile, configs[c].bs);
	for (uint64_t seed = w->first; seed < w->first + w->n; seed++) {
		struct seq q;
		struct verdict v;
		struct hrun hr;

		if (!wants(w, (int)(seed % NCONFIG)))
			continue;
		gen_seq(w->h, seed, &q);
		check_seq(w->h, &w->f, w->models, &q, false, &v, &hr);
		account(&w->st, &q, &v, &hr);
		hrun_free(&hr);
		if (v.fail && w->nfailed < MAX_FAILED)
			w->failed[w->nfailed++] = seed;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void print_summary(const struct host *h, const struct stats *st, double secs,
			  unsigned nworkers)
{
	unsigned nexcl = 0;

	for (unsigned k = 0; k < G_NKINDS; k++)
		nexcl += h->excluded[k];
	printf("differential: ops:");
	for (unsigned k = 0; k < PC_OP_NKINDS; k++)
		if (st->by_kind[k])
			printf(" %s %" PRIu64 " (host %.1f s)", pc_op_names[k], st->by_kind[k],
			       st->op_s[k]);
	printf("\ndifferential: sequences per configuration:");
	for (unsigned c = 0; c < NCONFIG; c++)
		printf(" %s/%u %" PRIu64, pc_profile_names[configs[c].profile], configs[c].bs,
		       st->cfg_seqs[c]);
	printf("\ndifferential: model oracle flags in these sequential runs (informational): "
	       "%" PRIu64 " sequences;", st->oracle_seqs);
	for (unsigned k = 0; k < PC_INV_N; k++)
		if (st->oracle[k])
			printf(" %s %" PRIu64, pc_invariant_names[k], st->oracle[k]);
	printf("\ndifferential: %" PRIu64 " sequences, %" PRIu64 " ops, %" PRIu64 " mismatches; "
	       "excluded: %" PRIu64 " sequences with mmap junk the host exposes, %" PRIu64
	       " sequences with mmap junk the model exposes at bs < page (eof-junk), %u op "
	       "kinds not generated; host fs %s (f_type 0x%lx, bs %ld); %.1f s with %u workers "
	       "(host %.1f s, model %.1f s)\n", st->seqs, st->ops, st->mismatches,
	       st->junk_excluded, st->mjunk_excluded, nexcl, fs_name(h->fs_type), h->fs_type,
	       h->fs_bsize, secs, nworkers, st->host_s, st->model_s);
	fflush(stdout);
}

/* PCSIM_DIFF_OPS: one list under one schedule (verbose), or under n
 * schedules (PCSIM_DIFF_SEQS), reporting the first that differs. */
static unsigned run_ops(const struct host *h, const char *ops, struct stats *st)
{
	struct worker *w = calloc(1, sizeof(*w));
	const char *prof = getenv("PCSIM_DIFF_PROFILE");
	uint64_t nsched = env_u64("PCSIM_DIFF_SEQS", 1);
	struct seq q;
	struct hrun hr;
	struct verdict v;
	unsigned failed = 0;
	char err[400];
	int c;

	ck_assert_ptr_nonnull(w);
	memset(&q, 0, sizeof(q));
	q.seed = env_u64("PCSIM_DIFF_SEED", 1);
	q.profile = pc_profile_lookup(prof && *prof ? prof : "ext4");
	q.bs = (uint32_t)env_u64("PCSIM_DIFF_BS", 4096);
	c = q.profile < 0 ? -1 : config_of(q.profile, q.bs);
	ck_assert_msg(c >= 0, "PCSIM_DIFF_PROFILE must be ext4, ext4-iomap or xfs and "
		      "PCSIM_DIFF_BS 1024 or 4096");
	ck_assert_msg(parse_ops(ops, &q, err, sizeof(err)) == 0, "PCSIM_DIFF_OPS: %s", err);
	hfile_init(&w->f, h, 0);
	model_create(&w->models[c], q.profile, q.bs);
	if (nsched <= 1) {
		report_full(h, &w->f, w->models, &q, getenv("PCSIM_DIFF_NOMIN") ? 0 : 30);
		check_seq(h, &w->f, w->models, &q, false, &v, &hr);
		account(st, &q, &v, &hr);
		failed = v.fail != F_NONE;
		hrun_free(&hr);
	} else {
		memset(&hr, 0, sizeof(hr));
		ck_assert_msg(host_run(&w->f, &q, &hr, false, err, sizeof(err)) == 0, "%s", err);
		for (uint64_t k = 0; k < nsched; k++) {
			model_run(h, w->models, &q, &hr, q.seed + k, false, &v);
			account(st, &q, &v, &hr);
			if (v.fail && !failed++)
				printf("differential: schedule %" PRIu64 " differs: %s (rerun with "
				       "PCSIM_DIFF_SEED=%" PRIu64 ")\n", q.seed + k, v.why, q.seed + k);
		}
		printf("differential: %u of %" PRIu64 " schedules differ\n", failed, nsched);
		hrun_free(&hr);
	}
	sim_destroy(w->models[c].s);
	hfile_fini(&w->f);
	free(w);
	return failed;
}

START_TEST(differential_vs_host_kernel)
{
	struct host h;
	struct stats st;
	struct timespec t0;
	uint64_t first, nseq, one = env_u64("PCSIM_DIFF_SEED", 0);
	uint64_t nreports = env_u64("PCSIM_DIFF_REPORTS", MAX_REPORTS);
	const char *ops = getenv("PCSIM_DIFF_OPS");
	const char *prof = getenv("PCSIM_DIFF_PROFILE");
	bool long_run = env_u64("PCSIM_LONG", 0) != 0, nomin = getenv("PCSIM_DIFF_NOMIN");
	unsigned nworkers = (unsigned)env_u64("PCSIM_DIFF_JOBS", 2), failed = 0;
	struct worker *w;
	uint64_t *fails;
	unsigned nfails = 0;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&st, 0, sizeof(st));
	host_init(&h);
	printf("differential: host %s (statfs f_type 0x%lx), block size %ld, page size %ld, "
	       "directory %s\n", fs_name(h.fs_type), h.fs_type, h.fs_bsize, h.page, h.dir);
	for (unsigned k = 0; k < G_NKINDS; k++)
		if (h.excluded[k])
			printf("differential: excluded op %s: %s\n", gen_names[k], h.why[k]);
	printf("differential: mmap junk past EOF exposed by an extension: the host %s\n",
	       h.zeroes_junk ? "zeroes it (compared)" : "exposes it (excluded, counted)");
	fflush(stdout);
	if (ops && *ops) {
		failed = run_ops(&h, ops, &st);
		rmdir(h.dir);
		print_summary(&h, &st, since(&t0), 1);
		ck_assert_msg(failed == 0, "the list differs between the host kernel and the model");
		return;
	}
	first = one ? one : env_u64("PCSIM_DIFF_FIRST", 1);
	nseq = one ? 1 : env_u64("PCSIM_DIFF_SEQS", long_run ? SEQS_LONG : SEQS_DEFAULT);
	if (nworkers < 1 || nworkers > NCONFIG || one)
		nworkers = 1;
	w = calloc(nworkers, sizeof(*w));
	fails = calloc((size_t)nworkers * MAX_FAILED, sizeof(*fails));
	ck_assert(w && fails);
	for (unsigned i = 0; i < nworkers; i++) {
		w[i].id = i;
		w[i].nworkers = nworkers;
		w[i].h = &h;
		w[i].first = first;
		w[i].n = nseq;
		w[i].only_prof = prof && *prof ? pc_profile_lookup(prof) : -1;
		w[i].only_bs = (uint32_t)env_u64("PCSIM_DIFF_BS", 0);
		hfile_init(&w[i].f, &h, i);
		ck_assert_int_eq(pthread_create(&w[i].tid, NULL, worker_main, &w[i]), 0);
	}
	for (unsigned i = 0; i < nworkers; i++) {
		ck_assert_int_eq(pthread_join(w[i].tid, NULL), 0);
		stats_add(&st, &w[i].st);
		memcpy(fails + nfails, w[i].failed, w[i].nfailed * sizeof(*fails));
		nfails += w[i].nfailed;
	}
	secs = since(&t0);
	/* The first mismatches in seed order, in full, and shrunk. */
	qsort(fails, nfails, sizeof(*fails), cmp_u64);
	for (unsigned i = 0; i < nfails && (one || i < nreports); i++) {
		struct seq q;
		struct worker *o = &w[(fails[i] % NCONFIG) % nworkers];

		gen_seq(&h, fails[i], &q);
		report_full(&h, &o->f, o->models, &q, nomin ? 0 : 20);
	}
	if (one && !nfails) {
		struct seq q;
		struct verdict v;
		struct hrun hr;

		gen_seq(&h, one, &q);
		check_seq(&h, &w[0].f, w[0].models, &q, true, &v, &hr);
		report(&q, &v, &hr, "differential");
		hrun_free(&hr);
	}
	if (nfails) {
		printf("differential: differing seeds:");
		for (unsigned i = 0; i < nfails; i++)
			printf(" %" PRIu64, fails[i]);
		printf("\n");
	}
	for (unsigned i = 0; i < nworkers; i++) {
		for (int c = 0; c < NCONFIG; c++)
			sim_destroy(w[i].models[c].s);
		hfile_fini(&w[i].f);
	}
	rmdir(h.dir);
	print_summary(&h, &st, secs, nworkers);
	failed = (unsigned)st.mismatches;
	free(w);
	free(fails);
	ck_assert_msg(failed == 0, "%u of %" PRIu64 " sequences differ between the host kernel "
		      "and the model (seeds above; the first %" PRIu64 " printed in full)", failed,
		      st.seqs, nreports);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("differential");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, differential_vs_host_kernel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}
