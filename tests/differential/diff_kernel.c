/* SPDX-License-Identifier: MIT */
/*
 * tests/differential/diff_kernel.c - the model against the real kernel.
 *
 * Random sequential operation sequences (write, truncate up and down,
 * fallocate, punch hole, zero range, stores through a shared mapping
 * including past EOF inside the EOF page, msync, munmap, reads, fsync) are
 * applied to a real file in a temporary directory on the host and to the
 * model; after every read the bytes read must match, after every operation
 * the size must match, and at the end the size and every byte must match.
 * See docs/differential.md for what is compared, what is excluded and why,
 * and how to reproduce a failing seed.
 *
 * Environment:
 *   PCSIM_LONG=1            20,000 sequences instead of 2,000
 *   PCSIM_DIFF_SEQS=n       run n sequences (seeds first .. first+n-1)
 *   PCSIM_DIFF_FIRST=k      first seed (default 1)
 *   PCSIM_DIFF_SEED=k       run the one sequence of seed k, verbosely
 *   PCSIM_DIFF_REPORTS=n    print the first n mismatches in full (default 3)
 *   TMPDIR                  where the host's temporary directory goes
 */
#define _GNU_SOURCE	/* fallocate and its modes */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#define MAX_OPS		50		/* operations per sequence (mmap included) */
#define FILE_SPACE	(128u << 10)	/* modelled bytes per file, and the host mapping */
#define MAX_END		(112u << 10)	/* no operation reaches past this */
#define HOT		(64u << 10)	/* most offsets fall below this */
#define SEQS_DEFAULT	2000u
#define SEQS_LONG	20000u
#define NCONFIG		6		/* 3 profiles x block sizes 1024 and 4096 */
#define MAX_REPORTS	3		/* mismatches printed in full */

/* ---- what a sequence is made of ---- */

/* One operation; o_data is the operation's own byte (index + 1). */
struct dop {
	struct pc_opspec o;
	bool keep;			/* fallocate / zero range: FALLOC_FL_KEEP_SIZE */
	uint64_t size_after;		/* the generator's expected size after it */
};

struct seq {
	uint64_t seed;
	int profile;
	uint32_t bs;
	unsigned n;
	struct dop op[MAX_OPS];
	unsigned junk_n;		/* stores that left bytes past EOF */
	uint64_t junk_off[MAX_OPS], junk_end[MAX_OPS];
	uint8_t junk_data[MAX_OPS];
};

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

/* ---- the host ---- */

/* Operation kinds the host file system cannot do (fallocate modes). */
enum gen_kind {
	G_PWRITE, G_TRUNC, G_FALLOC, G_FALLOC_KEEP, G_PUNCH, G_ZERO, G_ZERO_KEEP, G_STORE,
	G_MSYNC, G_READ, G_FSYNC, G_MUNMAP, G_NKINDS
};

static const char *const gen_names[G_NKINDS] = {
	"pwrite", "truncate", "fallocate", "fallocate-keep-size", "punch-hole", "zero-range",
	"zero-range-keep-size", "store", "msync", "read", "fsync", "munmap",
};

static const unsigned gen_weight[G_NKINDS] = {
	[G_PWRITE] = 22, [G_TRUNC] = 12, [G_FALLOC] = 4, [G_FALLOC_KEEP] = 4, [G_PUNCH] = 8,
	[G_ZERO] = 5, [G_ZERO_KEEP] = 3, [G_STORE] = 20, [G_MSYNC] = 5, [G_READ] = 10,
	[G_FSYNC] = 2, [G_MUNMAP] = 2,
};

struct host {
	char dir[256];
	char path[300];
	int fd;
	uint8_t *map;			/* MAP_SHARED over FILE_SPACE bytes, or NULL */
	bool excluded[G_NKINDS];
	char why[G_NKINDS][96];
	bool zeroes_junk;		/* exposing mmap junk past EOF reads zeros */
	unsigned long fs_type;
	long fs_bsize;
	long page;
};

/* SIGBUS from a store through the mapping: reported, not a crash. */
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

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

static int host_open(struct host *h)
{
	if (h->fd >= 0)
		close(h->fd);
	unlink(h->path);
	h->fd = open(h->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	return h->fd < 0 ? -1 : 0;
}

static void host_unmap(struct host *h)
{
	if (h->map)
		munmap(h->map, FILE_SPACE);
	h->map = NULL;
}

static int host_map(struct host *h)
{
	void *p = mmap(NULL, FILE_SPACE, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);

	if (p == MAP_FAILED)
		return -1;
	h->map = p;
	return 0;
}

/* Is a fallocate mode supported here? Tried once, on a scratch file. */
static void probe_mode(struct host *h, enum gen_kind k, int mode)
{
	int e;

	ck_assert_msg(host_open(h) == 0, "open %s: %s", h->path, strerror(errno));
	ck_assert_int_eq(ftruncate(h->fd, 8192), 0);
	if (fallocate(h->fd, mode, 1024, 2048) == 0)
		return;
	e = errno;
	h->excluded[k] = true;
	snprintf(h->why[k], sizeof(h->why[k]), "fallocate mode 0x%x: %s", (unsigned)mode,
		 strerror(e));
}

/* Does the host zero bytes stored through the mapping past EOF when a
 * size extension exposes them (pagecache_isize_extended / EOF zeroing)?
 * Tried for each way of extending; any that does not zero turns on the
 * junk exclusion. */
static bool probe_junk(struct host *h)
{
	static const char *const how[] = { "truncate", "pwrite", "fallocate" };
	uint8_t buf[8192];
	bool ok = true;

	for (unsigned i = 0; i < 3; i++) {
		if (i == 2 && h->excluded[G_FALLOC])
			continue;
		ck_assert_int_eq(host_open(h), 0);
		memset(buf, 1, sizeof(buf));
		ck_assert_int_eq(pwrite(h->fd, buf, 1000, 0), 1000);
		ck_assert_int_eq(host_map(h), 0);
		ck_assert_int_eq(host_store(h->map + 1000, 3000, 0xee), 0);
		if (i == 0)
			ck_assert_int_eq(ftruncate(h->fd, 8192), 0);
		else if (i == 1)
			ck_assert_int_eq(pwrite(h->fd, buf, 10, 8182), 10);
		else
			ck_assert_int_eq(fallocate(h->fd, 0, 0, 8192), 0);
		host_unmap(h);
		ck_assert_int_eq(pread(h->fd, buf, sizeof(buf), 0), 8192);
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

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	snprintf(h->dir, sizeof(h->dir), "%s/pcsim-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(h->dir) != NULL, "mkdtemp %s: %s", h->dir, strerror(errno));
	snprintf(h->path, sizeof(h->path), "%s/f", h->dir);
	ck_assert_int_eq(statfs(h->dir, &sf), 0);
	h->fs_type = (unsigned long)sf.f_type;
	h->fs_bsize = (long)sf.f_bsize;
	h->page = sysconf(_SC_PAGESIZE);
	signal(SIGBUS, on_sigbus);
	probe_mode(h, G_FALLOC, 0);
	probe_mode(h, G_FALLOC_KEEP, FALLOC_FL_KEEP_SIZE);
	probe_mode(h, G_PUNCH, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	probe_mode(h, G_ZERO, FALLOC_FL_ZERO_RANGE);
	probe_mode(h, G_ZERO_KEEP, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	if (h->page != (long)PC_PAGE_SIZE) {
		/* The model's pages are 4096 bytes: which stores are legal
		 * (inside the EOF page) would differ. */
		h->excluded[G_STORE] = h->excluded[G_MSYNC] = h->excluded[G_MUNMAP] = true;
		snprintf(h->why[G_STORE], sizeof(h->why[G_STORE]), "host page size %ld, the model's "
			 "is %u", h->page, PC_PAGE_SIZE);
		snprintf(h->why[G_MSYNC], sizeof(h->why[G_MSYNC]), "%s", h->why[G_STORE]);
		snprintf(h->why[G_MUNMAP], sizeof(h->why[G_MUNMAP]), "%s", h->why[G_STORE]);
	}
	h->zeroes_junk = h->excluded[G_STORE] || probe_junk(h);
}

static void host_fini(struct host *h)
{
	host_unmap(h);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	unlink(h->path);
	rmdir(h->dir);
}

/* ---- the generator ---- */

struct gen {
	uint64_t st;
	uint64_t size;
	bool mapped;
	uint32_t bs;
	const struct host *h;
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
		if (!g->h->excluded[k])
			total += gen_weight[k];
	pick = (unsigned)rnd(&g->st, total);
	for (unsigned k = 0; k < G_NKINDS; k++) {
		if (g->h->excluded[k])
			continue;
		if (pick < gen_weight[k])
			return (enum gen_kind)k;
		pick -= gen_weight[k];
	}
	return G_PWRITE;
}

/* One operation at index i of q. Stores only below round_up(size, page):
 * past that the host raises SIGBUS (and the model fails the store). */
static void gen_one(struct gen *g, struct seq *q, unsigned i)
{
	struct dop *d = &q->op[i];
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
		d->size_after = g->size;
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
		if (o->o_off + o->o_len > g->size && q->junk_n < MAX_OPS) {
			uint64_t a = o->o_off > g->size ? o->o_off : g->size;

			q->junk_off[q->junk_n] = a;
			q->junk_end[q->junk_n] = o->o_off + o->o_len;
			q->junk_data[q->junk_n++] = (uint8_t)o->o_data;
		}
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
		o->o_off = rnd(&g->st, 4) ? min_u64(rnd(&g->st, g->size + 1), MAX_END - 1) : gen_off(g);
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
	d->size_after = g->size;
}

static const struct {
	int profile;
	uint32_t bs;
} configs[NCONFIG] = {
	{ PC_PROF_EXT4, 1024 }, { PC_PROF_EXT4_IOMAP, 1024 }, { PC_PROF_XFS, 1024 },
	{ PC_PROF_EXT4, 4096 }, { PC_PROF_EXT4_IOMAP, 4096 }, { PC_PROF_XFS, 4096 },
};

/* The sequence of a seed: its configuration, its length, its operations. */
static void gen_seq(const struct host *h, uint64_t seed, struct seq *q)
{
	struct gen g;

	memset(q, 0, sizeof(*q));
	memset(&g, 0, sizeof(g));
	q->seed = seed;
	q->profile = configs[seed % NCONFIG].profile;
	q->bs = configs[seed % NCONFIG].bs;
	g.st = seed * 0x2545f4914f6cdd1dULL + 17;
	g.bs = q->bs;
	g.h = h;
	q->n = 1 + (unsigned)rnd(&g.st, MAX_OPS);
	for (unsigned i = 0; i < q->n; i++)
		gen_one(&g, q, i);
}

static void fmt_op(const struct dop *d, unsigned i, char *buf, size_t len)
{
	const struct pc_opspec *o = &d->o;
	const char *flag = "";

	if (d->keep)
		flag = " keep-size";
	else if (o->o_kind == PC_OP_MSYNC)
		flag = o->o_flags & PC_OF_MS_SYNC ? " MS_SYNC" : " MS_ASYNC";
	switch (o->o_kind) {
	case PC_OP_MMAP:
	case PC_OP_MUNMAP:
	case PC_OP_FSYNC:
		snprintf(buf, len, "#%-2u %-10s                         -> size %" PRIu64, i,
			 pc_op_names[o->o_kind], d->size_after);
		break;
	case PC_OP_TRUNCATE:
		snprintf(buf, len, "#%-2u %-10s size=%-6" PRIu64 "                -> size %" PRIu64,
			 i, pc_op_names[o->o_kind], o->o_off, d->size_after);
		break;
	default:
		snprintf(buf, len, "#%-2u %-10s off=%-6" PRIu64 " len=%-6" PRIu64 " data=%-3d%s"
			 " -> size %" PRIu64, i, pc_op_names[o->o_kind], o->o_off, o->o_len,
			 o->o_kind == PC_OP_READ || o->o_kind == PC_OP_MSYNC ? 0 : o->o_data, flag,
			 d->size_after);
		break;
	}
}

/* ---- running a sequence on the host ---- */

struct hrun {
	uint64_t size[MAX_OPS];		/* host size after op i */
	uint8_t *rbuf[MAX_OPS];		/* what read op i returned */
	uint64_t rlen[MAX_OPS];
	uint8_t *snap[MAX_OPS];		/* full contents after op i (verbose runs) */
	uint64_t final_size;
	uint8_t *final;
	char err[300];
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

static uint64_t host_size(const struct host *h)
{
	struct stat st;

	return fstat(h->fd, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

static int host_apply(struct host *h, const struct dop *d, unsigned i, struct hrun *r)
{
	const struct pc_opspec *o = &d->o;
	static uint8_t buf[MAX_END];
	int rc = 0, keep = d->keep ? FALLOC_FL_KEEP_SIZE : 0;
	ssize_t n;

	switch (o->o_kind) {
	case PC_OP_PWRITE:
		memset(buf, o->o_data, o->o_len);
		n = pwrite(h->fd, buf, o->o_len, (off_t)o->o_off);
		rc = n == (ssize_t)o->o_len ? 0 : -1;
		break;
	case PC_OP_TRUNCATE:
		rc = ftruncate(h->fd, (off_t)o->o_off);
		break;
	case PC_OP_FALLOCATE:
		rc = fallocate(h->fd, keep, (off_t)o->o_off, (off_t)o->o_len);
		break;
	case PC_OP_PUNCH:
		rc = fallocate(h->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)o->o_off,
			       (off_t)o->o_len);
		break;
	case PC_OP_ZERO_RANGE:
		rc = fallocate(h->fd, FALLOC_FL_ZERO_RANGE | keep, (off_t)o->o_off, (off_t)o->o_len);
		break;
	case PC_OP_MMAP:
		rc = h->map ? 0 : host_map(h);
		break;
	case PC_OP_MUNMAP:
		host_unmap(h);
		break;
	case PC_OP_STORE:
		if (!h->map || host_store(h->map + o->o_off, o->o_len, o->o_data)) {
			snprintf(r->err, sizeof(r->err), "host: op #%u store off=%" PRIu64 " len=%"
				 PRIu64 " raised SIGBUS (size %" PRIu64 ")", i, o->o_off, o->o_len,
				 host_size(h));
			return -1;
		}
		break;
	case PC_OP_MSYNC:
		rc = msync(h->map + o->o_off, o->o_len,
			   o->o_flags & PC_OF_MS_SYNC ? MS_SYNC : MS_ASYNC);
		break;
	case PC_OP_READ:
		r->rbuf[i] = malloc(o->o_len);
		ck_assert_ptr_nonnull(r->rbuf[i]);
		n = pread(h->fd, r->rbuf[i], o->o_len, (off_t)o->o_off);
		rc = n < 0 ? -1 : 0;
		r->rlen[i] = n < 0 ? 0 : (uint64_t)n;
		break;
	case PC_OP_FSYNC:
		rc = fsync(h->fd);
		break;
	default:
		break;
	}
	if (rc) {
		char op[160];

		fmt_op(d, i, op, sizeof(op));
		snprintf(r->err, sizeof(r->err), "host: %s failed: %s", op, strerror(errno));
		return -1;
	}
	r->size[i] = host_size(h);
	return 0;
}

static uint8_t *read_all(const struct host *h, uint64_t size)
{
	uint8_t *b = malloc(size ? size : 1);
	uint64_t got = 0;

	ck_assert_ptr_nonnull(b);
	while (got < size) {
		ssize_t n = pread(h->fd, b + got, size - got, (off_t)got);

		ck_assert_msg(n > 0, "host: read back: %s", n < 0 ? strerror(errno) : "short");
		got += (uint64_t)n;
	}
	return b;
}

static int host_run(struct host *h, const struct seq *q, struct hrun *r, bool snaps)
{
	ck_assert_msg(host_open(h) == 0, "open %s: %s", h->path, strerror(errno));
	host_unmap(h);
	for (unsigned i = 0; i < q->n; i++) {
		if (host_apply(h, &q->op[i], i, r))
			return -1;
		if (r->size[i] != q->op[i].size_after) {
			char op[160];

			fmt_op(&q->op[i], i, op, sizeof(op));
			snprintf(r->err, sizeof(r->err), "host: after %s the size is %" PRIu64
				 ", not %" PRIu64 " as POSIX says", op, r->size[i],
				 q->op[i].size_after);
			return -1;
		}
		if (snaps)
			r->snap[i] = read_all(h, r->size[i]);
	}
	host_unmap(h);
	r->final_size = host_size(h);
	r->final = read_all(h, r->final_size);
	return 0;
}

/* ---- running a sequence in the model ---- */

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
	uint8_t *buf;
};

static uint64_t choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct model *m = ctx;
	struct mrun *r = m->run;
	uint64_t tasks, k;

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

/* Compare [0, n) of the model's file against host bytes; returns the first
 * differing offset or UINT64_MAX. */
static uint64_t first_diff(struct mrun *r, uint64_t off, const uint8_t *host, uint64_t n,
			   uint8_t *hb, uint8_t *mb)
{
	uint64_t got = pc_model_read(r->s, 0, off, n, r->buf);

	for (uint64_t i = 0; i < n; i++)
		if (i >= got || r->buf[i] != host[i]) {
			*hb = host[i];
			*mb = i < got ? r->buf[i] : 0;
			return off + i;
		}
	return UINT64_MAX;
}

/* After every step of the user task: when an operation has just finished,
 * compare its size, its read, and (verbose runs) the whole file. */
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
	ck_assert_msg(pc_model_create(m->s, &cfg, err, sizeof(err)) != NULL, "%s", err);
	ck_assert_msg(pc_model_settle(m->s, err, sizeof(err)) == 0, "%s", err);
	m->t = pc_user_task(m->s, "A");
	ck_assert_ptr_nonnull(m->t);
	m->ch.choose = choose;
	m->ch.ctx = m;
	sim_set_chooser(m->s, &m->ch);
	sim_set_step_observer(m->s, observe, m);
	ck_assert_int_eq(sim_snapshot(m->s), 0);
}

struct outcome {
	enum sim_status status;
	uint64_t size;
	uint8_t *bytes;
	unsigned nviol;
	char viol[300];
	char err[300];
};

static int model_run(struct model *m, const struct seq *q, const struct hrun *h, struct mrun *r,
		     struct outcome *out, bool snaps)
{
	const struct pc_violation *v;

	memset(r, 0, sizeof(*r));
	memset(out, 0, sizeof(*out));
	sim_reset(m->s);
	r->s = m->s;
	r->t = m->t;
	r->q = q;
	r->h = h;
	r->st = q->seed * 0x9e3779b97f4a7c15ULL + 3;
	r->event_odds = (unsigned[]){ 0, 4, 16, 64 }[rnd(&r->st, 4)];
	r->snaps = snaps;
	r->size_op = r->read_op = r->snap_op = -1;
	r->buf = malloc(FILE_SPACE);
	ck_assert_ptr_nonnull(r->buf);
	for (unsigned i = 0; i < q->n; i++) {
		int no = pc_queue_op(m->s, m->t, &q->op[i].o, out->err, sizeof(out->err));

		if (no < 0)
			return -1;
		if (i == 0)
			r->base = (uint32_t)no;
	}
	m->run = r;
	out->status = sim_run(m->s);
	m->run = NULL;
	out->size = pc_model_size(m->s, 0);
	out->bytes = malloc(out->size ? out->size : 1);
	ck_assert_ptr_nonnull(out->bytes);
	ck_assert_uint_eq(pc_model_read(m->s, 0, 0, out->size, out->bytes), out->size);
	pc_model_finish(m->s);
	out->nviol = pc_violations(m->s, &v);
	if (out->nviol)
		snprintf(out->viol, sizeof(out->viol), "%s: %s", pc_invariant_names[v[0].v_inv],
			 v[0].v_msg);
	return 0;
}

/* ---- comparing ---- */

struct stats {
	uint64_t seqs, ops, by_kind[PC_OP_NKINDS], mismatches, junk_excluded, cfg_seqs[NCONFIG];
	uint64_t max_reports;
	double host_s, model_s;
};

/* Is host byte hb at off (model: zero) junk a store left past EOF, which
 * this host exposes on extension? Only when the startup probe found so. */
static bool junk_excused(const struct host *h, const struct seq *q, uint64_t off, uint8_t hb,
			 uint8_t mb)
{
	if (h->zeroes_junk || mb != 0)
		return false;
	for (unsigned j = 0; j < q->junk_n; j++)
		if (off >= q->junk_off[j] && off < q->junk_end[j] && hb == q->junk_data[j])
			return true;
	return false;
}

static void print_seq(const struct seq *q, const struct hrun *h)
{
	char op[200];

	for (unsigned i = 0; i < q->n; i++) {
		fmt_op(&q->op[i], i, op, sizeof(op));
		printf("    %s\n", op);
	}
	(void)h;
}

static const char *op_of_byte(const struct seq *q, uint8_t b)
{
	if (b == 0)
		return "zero";
	if (b >= 1 && b <= q->n)
		return pc_op_names[q->op[b - 1].o.o_kind];
	return "?";
}

/* Run seed on host and model and compare. Returns true if they agree. */
static bool run_seed(struct host *h, struct model *models, uint64_t seed, struct stats *st,
		     bool verbose, bool *printed)
{
	struct seq q;
	struct hrun hr;
	struct mrun mr;
	struct outcome out;
	struct timespec t0, t1, t2;
	struct model *m;
	uint64_t diff = UINT64_MAX, excused = 0;
	uint8_t hb = 0, mb = 0;
	bool ok = true;
	char why[400] = "";

	gen_seq(h, seed, &q);
	m = &models[seed % NCONFIG];
	memset(&hr, 0, sizeof(hr));
	memset(&out, 0, sizeof(out));
	memset(&mr, 0, sizeof(mr));
	mr.size_op = mr.read_op = mr.snap_op = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (host_run(h, &q, &hr, verbose)) {
		snprintf(why, sizeof(why), "%s", hr.err);
		ok = false;
		goto report;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (model_run(m, &q, &hr, &mr, &out, verbose)) {
		snprintf(why, sizeof(why), "model: pc_queue_op: %s", out.err);
		ok = false;
		goto report;
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	st->host_s += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	st->model_s += (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9;
	st->seqs++;
	st->cfg_seqs[seed % NCONFIG]++;
	st->ops += q.n;
	for (unsigned i = 0; i < q.n; i++)
		st->by_kind[q.op[i].o.o_kind]++;
	if (out.status != SIM_OK) {
		snprintf(why, sizeof(why), "model: the run ended with status %d (not ok)",
			 (int)out.status);
		ok = false;
	} else if (out.nviol) {
		snprintf(why, sizeof(why), "model: the oracle flagged a sequential run: %s",
			 out.viol);
		ok = false;
	} else if (out.size != hr.final_size) {
		snprintf(why, sizeof(why), "final size: model %" PRIu64 ", host %" PRIu64, out.size,
			 hr.final_size);
		ok = false;
	}
	for (uint64_t o = 0; o < min_u64(out.size, hr.final_size); o++) {
		if (out.bytes[o] == hr.final[o])
			continue;
		if (junk_excused(h, &q, o, hr.final[o], out.bytes[o])) {
			excused++;
			continue;
		}
		if (diff == UINT64_MAX) {
			diff = o;
			hb = hr.final[o];
			mb = out.bytes[o];
		}
	}
	if (excused) {
		st->junk_excluded++;
		if (verbose)
			printf("  excluded: %" PRIu64 " bytes of mmap junk the host exposes\n", excused);
	}
	if (diff != UINT64_MAX) {
		ok = false;
		if (!why[0])
			snprintf(why, sizeof(why), "contents differ");
	}
	if (ok && mr.read_op >= 0) {
		ok = false;
		snprintf(why, sizeof(why), "read #%d returned other bytes", mr.read_op);
	}
	if (ok && mr.size_op >= 0) {
		ok = false;
		snprintf(why, sizeof(why), "size after #%d differs", mr.size_op);
	}
report:
	if (!ok)
		st->mismatches++;
	if (!ok || verbose) {
		if (!ok && !verbose && st->mismatches > st->max_reports)
			goto out;
		*printed = true;
		printf("differential: seed %" PRIu64 " profile %s bs %u: %s%s\n", seed,
		       pc_profile_names[q.profile], q.bs, ok ? "agree" : "MISMATCH: ", ok ? "" : why);
		printf("  reproduce: PCSIM_DIFF_SEED=%" PRIu64 " %s\n", seed,
		       "build/tests/diff_kernel");
		print_seq(&q, &hr);
		if (hr.final || out.bytes) {
			printf("  size: model %" PRIu64 ", host %" PRIu64 "\n", out.size,
			       hr.final_size);
			if (diff != UINT64_MAX)
				printf("  first difference at offset %" PRIu64 " (page %" PRIu64
				       ", block %" PRIu64 "): host 0x%02x (%s), model 0x%02x (%s)\n",
				       diff, diff / PC_PAGE_SIZE, diff / q.bs, hb, op_of_byte(&q, hb),
				       mb, op_of_byte(&q, mb));
			if (mr.size_op >= 0)
				printf("  sizes first differ after op #%d: model %" PRIu64 ", host %"
				       PRIu64 "\n", mr.size_op, mr.size_model, hr.size[mr.size_op]);
			if (mr.read_op >= 0)
				printf("  read #%d: model returned %" PRIu64 " bytes, host %" PRIu64
				       "; first difference at %" PRIu64 ": host 0x%02x, model 0x%02x\n",
				       mr.read_op, mr.read_len, hr.rlen[mr.read_op], mr.read_at,
				       mr.read_host, mr.read_model);
			if (mr.snap_op >= 0)
				printf("  contents first differ after op #%d, at offset %" PRIu64
				       ": host 0x%02x, model 0x%02x\n", mr.snap_op, mr.snap_at,
				       mr.snap_host, mr.snap_model);
			else if (verbose && !ok)
				printf("  contents agree after every operation\n");
			if (out.nviol)
				printf("  oracle: %s\n", out.viol);
		}
		fflush(stdout);
	}
out:
	hrun_free(&hr);
	free(out.bytes);
	free(mr.buf);
	mr.buf = NULL;
	return ok;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

START_TEST(differential_vs_host_kernel)
{
	struct host h;
	struct model models[NCONFIG];
	struct stats st;
	struct timespec t0, t1;
	uint64_t first, nseq, one = env_u64("PCSIM_DIFF_SEED", 0);
	bool long_run = env_u64("PCSIM_LONG", 0) != 0, printed = false, any_excl = false;
	unsigned failed_seeds = 0;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&st, 0, sizeof(st));
	st.max_reports = env_u64("PCSIM_DIFF_REPORTS", MAX_REPORTS);
	host_init(&h);
	printf("differential: host %s (statfs f_type 0x%lx), block size %ld, page size %ld, "
	       "directory %s\n", fs_name(h.fs_type), h.fs_type, h.fs_bsize, h.page, h.dir);
	for (unsigned k = 0; k < G_NKINDS; k++)
		if (h.excluded[k]) {
			printf("differential: excluded op %s: %s\n", gen_names[k], h.why[k]);
			any_excl = true;
		}
	printf("differential: mmap junk past EOF exposed by an extension: host %s\n",
	       h.zeroes_junk ? "zeroes it (compared)" : "exposes it (excluded, counted)");
	for (unsigned c = 0; c < NCONFIG; c++)
		model_create(&models[c], configs[c].profile, configs[c].bs);
	first = env_u64("PCSIM_DIFF_FIRST", 1);
	nseq = env_u64("PCSIM_DIFF_SEQS", long_run ? SEQS_LONG : SEQS_DEFAULT);
	if (one) {
		first = one;
		nseq = 1;
	}
	for (uint64_t seed = first; seed < first + nseq; seed++)
		if (!run_seed(&h, models, seed, &st, one != 0, &printed))
			failed_seeds++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (unsigned c = 0; c < NCONFIG; c++)
		sim_destroy(models[c].s);
	host_fini(&h);
	printf("differential: ops:");
	for (unsigned k = 0; k < PC_OP_NKINDS; k++)
		if (st.by_kind[k])
			printf(" %s %" PRIu64, pc_op_names[k], st.by_kind[k]);
	printf("\ndifferential: per configuration:");
	for (unsigned c = 0; c < NCONFIG; c++)
		printf(" %s/%u %" PRIu64, pc_profile_names[configs[c].profile], configs[c].bs,
		       st.cfg_seqs[c]);
	printf("\ndifferential: %" PRIu64 " sequences, %" PRIu64 " ops, %" PRIu64 " mismatches; "
	       "excluded: %" PRIu64 " sequences with exposed mmap junk%s; host fs %s (0x%lx); "
	       "%.1f s (host %.1f s, model %.1f s)\n", st.seqs, st.ops, st.mismatches,
	       st.junk_excluded, any_excl ? ", ops not generated (above)" : ", no op kinds",
	       fs_name(h.fs_type), h.fs_type, secs, st.host_s, st.model_s);
	fflush(stdout);
	ck_assert_msg(failed_seeds == 0, "%u of %" PRIu64 " sequences differ between the host "
		      "kernel and the model (first %" PRIu64 " printed above)", failed_seeds, nseq,
		      st.max_reports);
	(void)printed;
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
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
