/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/logdev.c - the write-logging devices (logdev.h), served by
 * libfuse3's high-level API from one thread of this process.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/kernel/logdev.h"

#define LD_PAGE 4096u

/* A sparse image: a page pointer per 4 KiB, NULL for a page of zeros. */
struct store {
	uint8_t **pg;
	uint64_t npg;
};

struct logdev {
	struct fuse *fuse;
	pthread_t thr;
	bool thr_started;
	pthread_mutex_t mu;
	uint64_t size;
	struct store live, base, crash, pristine;
	bool logging;
	struct ld_ent *log;
	uint32_t nlog, caplog;
	struct ld_stats st;
	char live_path[4200], crash_path[4200], dir[4096];
};

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void store_free(struct store *s)
{
	for (uint64_t i = 0; s->pg && i < s->npg; i++)
		free(s->pg[i]);
	free(s->pg);
	s->pg = NULL;
}

static int store_init(struct store *s, uint64_t size)
{
	s->npg = (size + LD_PAGE - 1) / LD_PAGE;
	s->pg = calloc(s->npg, sizeof(*s->pg));
	return s->pg ? 0 : -1;
}

static void store_clear(struct store *s)
{
	for (uint64_t i = 0; i < s->npg; i++) {
		free(s->pg[i]);
		s->pg[i] = NULL;
	}
}

static int store_copy(struct store *dst, const struct store *src)
{
	store_clear(dst);
	for (uint64_t i = 0; i < src->npg; i++) {
		if (!src->pg[i])
			continue;
		dst->pg[i] = malloc(LD_PAGE);
		if (!dst->pg[i])
			return -1;
		memcpy(dst->pg[i], src->pg[i], LD_PAGE);
	}
	return 0;
}

static void store_read(const struct store *s, uint64_t off, uint8_t *buf, uint64_t len)
{
	while (len) {
		uint64_t p = off / LD_PAGE, o = off % LD_PAGE, n = LD_PAGE - o;

		if (n > len)
			n = len;
		if (p < s->npg && s->pg[p])
			memcpy(buf, s->pg[p] + o, n);
		else
			memset(buf, 0, n);
		buf += n, off += n, len -= n;
	}
}

/* data NULL: zeros. */
static int store_write(struct store *s, uint64_t off, const uint8_t *data, uint64_t len)
{
	while (len) {
		uint64_t p = off / LD_PAGE, o = off % LD_PAGE, n = LD_PAGE - o;

		if (n > len)
			n = len;
		if (p >= s->npg)
			return -1;
		if (!s->pg[p] && (!data || all_zero(data, n))) {
			/* zeros over a page of zeros */
		} else {
			if (!s->pg[p] && !(s->pg[p] = calloc(1, LD_PAGE)))
				return -1;
			if (data)
				memcpy(s->pg[p] + o, data, n);
			else
				memset(s->pg[p] + o, 0, n);
			if (all_zero(s->pg[p], LD_PAGE)) {
				free(s->pg[p]);
				s->pg[p] = NULL;
			}
		}
		if (data)
			data += n;
		off += n, len -= n;
	}
	return 0;
}

static struct logdev *dev(void)
{
	return fuse_get_context()->private_data;
}

/* Which file a path names: 1 live, 2 crash, 0 root, -1 none. */
static int which(const char *path)
{
	if (!strcmp(path, "/"))
		return 0;
	if (!strcmp(path, "/live"))
		return 1;
	if (!strcmp(path, "/crash"))
		return 2;
	return -1;
}

static int ld_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	int w = which(path);

	memset(st, 0, sizeof(*st));
	if (w < 0)
		return -ENOENT;
	if (w == 0) {
		st->st_mode = S_IFDIR | 0700;
		st->st_nlink = 2;
		return 0;
	}
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = (off_t)dev()->size;
	st->st_blksize = LD_PAGE;
	return 0;
}

static int ld_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags fl)
{
	if (which(path) != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "live", NULL, 0, 0);
	fill(buf, "crash", NULL, 0, 0);
	return 0;
}

static int ld_open(const char *path, struct fuse_file_info *fi)
{
	if (which(path) <= 0)
		return -ENOENT;
	/* No page cache for the device files: every read and write of the loop
	 * device reaches us, and a new crash image is never read stale. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

static struct store *file_store(struct logdev *d, const char *path)
{
	switch (which(path)) {
	case 1: return &d->live;
	case 2: return &d->crash;
	default: return NULL;
	}
}

static int ld_read(const char *path, char *buf, size_t len, off_t off, struct fuse_file_info *fi)
{
	struct logdev *d = dev();
	struct store *s = file_store(d, path);

	if (!s)
		return -ENOENT;
	if (off < 0 || (uint64_t)off >= d->size)
		return 0;
	if ((uint64_t)off + len > d->size)
		len = (size_t)(d->size - (uint64_t)off);
	pthread_mutex_lock(&d->mu);
	store_read(s, (uint64_t)off, (uint8_t *)buf, len);
	pthread_mutex_unlock(&d->mu);
	return (int)len;
}

static int log_push(struct logdev *d, const struct ld_ent *e)
{
	if (d->nlog == d->caplog) {
		uint32_t cap = d->caplog ? d->caplog * 2 : 1024;
		struct ld_ent *n = realloc(d->log, cap * sizeof(*n));

		if (!n)
			return -1;
		d->log = n;
		d->caplog = cap;
	}
	d->log[d->nlog++] = *e;
	return 0;
}

/* A write (data NULL: zeros, from fallocate) of the live device. */
static int live_write(struct logdev *d, uint64_t off, const uint8_t *data, uint64_t len)
{
	int rc = 0;

	pthread_mutex_lock(&d->mu);
	if (store_write(&d->live, off, data, len))
		rc = -EIO;
	else if (d->logging) {
		struct ld_ent e = { .e_kind = LD_WRITE, .e_off = off, .e_len = len };

		if (data && !(e.e_data = malloc(len)))
			rc = -ENOMEM;
		else {
			if (data)
				memcpy(e.e_data, data, len);
			if (log_push(d, &e))
				rc = -ENOMEM;
			d->st.s_writes++;
			d->st.s_bytes += len;
		}
	}
	pthread_mutex_unlock(&d->mu);
	return rc;
}

static int ld_write(const char *path, const char *buf, size_t len, off_t off,
		    struct fuse_file_info *fi)
{
	struct logdev *d = dev();
	int w = which(path);

	if (w <= 0)
		return -ENOENT;
	if (off < 0 || (uint64_t)off + len > d->size)
		return -ENOSPC;
	if (w == 2) {
		int rc;

		pthread_mutex_lock(&d->mu);
		rc = store_write(&d->crash, (uint64_t)off, (const uint8_t *)buf, len);
		pthread_mutex_unlock(&d->mu);
		return rc ? -EIO : (int)len;
	}
	int rc = live_write(d, (uint64_t)off, (const uint8_t *)buf, len);

	return rc ? rc : (int)len;
}

static int ld_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	struct logdev *d = dev();

	if (which(path) == 1) {
		pthread_mutex_lock(&d->mu);
		if (d->logging) {
			struct ld_ent e = { .e_kind = LD_FLUSH };

			log_push(d, &e);
			d->st.s_flushes++;
		}
		pthread_mutex_unlock(&d->mu);
	}
	return 0;
}

/* The loop driver turns DISCARD and WRITE_ZEROES into fallocate
 * (lo_fallocate): the range reads as zeros afterwards, logged as a write of
 * zeros. */
static int ld_fallocate(const char *path, int mode, off_t off, off_t len,
			struct fuse_file_info *fi)
{
	struct logdev *d = dev();
	int w = which(path);

	if (w <= 0)
		return -ENOENT;
	if (off < 0 || len < 0 || (uint64_t)off + (uint64_t)len > d->size)
		return -EINVAL;
	if (!(mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)))
		return 0;
	if (w == 2) {
		pthread_mutex_lock(&d->mu);
		store_write(&d->crash, (uint64_t)off, NULL, (uint64_t)len);
		pthread_mutex_unlock(&d->mu);
		return 0;
	}
	return live_write(d, (uint64_t)off, NULL, (uint64_t)len);
}

static int ld_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	return (uint64_t)size == dev()->size ? 0 : -EPERM;
}

static const struct fuse_operations ops = {
	.getattr = ld_getattr,
	.readdir = ld_readdir,
	.open = ld_open,
	.read = ld_read,
	.write = ld_write,
	.fsync = ld_fsync,
	.fallocate = ld_fallocate,
	.truncate = ld_truncate,
};

static void *serve(void *arg)
{
	struct logdev *d = arg;

	fuse_loop(d->fuse);
	return NULL;
}

static void quiet_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
}

struct logdev *ld_start(const char *dir, uint64_t size, char *err, size_t len)
{
	char *argv[] = { "pcsim-logdev", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct logdev *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	d->size = size;
	pthread_mutex_init(&d->mu, NULL);
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(d->live_path, sizeof(d->live_path), "%s/live", dir);
	snprintf(d->crash_path, sizeof(d->crash_path), "%s/crash", dir);
	if (store_init(&d->live, size) || store_init(&d->base, size) ||
	    store_init(&d->crash, size) || store_init(&d->pristine, size)) {
		snprintf(err, len, "out of memory for a %llu-byte device",
			 (unsigned long long)size);
		goto fail;
	}
	fuse_set_log_func(quiet_log);
	d->fuse = fuse_new(&args, &ops, sizeof(ops), d);
	fuse_opt_free_args(&args);
	if (!d->fuse) {
		snprintf(err, len, "fuse_new failed");
		goto fail;
	}
	if (fuse_mount(d->fuse, dir)) {
		snprintf(err, len, "cannot mount FUSE at %s (is /dev/fuse there, and are we root?)",
			 dir);
		fuse_destroy(d->fuse);
		d->fuse = NULL;
		goto fail;
	}
	if (pthread_create(&d->thr, NULL, serve, d)) {
		snprintf(err, len, "cannot start the FUSE thread");
		fuse_unmount(d->fuse);
		fuse_destroy(d->fuse);
		d->fuse = NULL;
		goto fail;
	}
	d->thr_started = true;
	return d;
fail:
	store_free(&d->live);
	store_free(&d->base);
	store_free(&d->crash);
	store_free(&d->pristine);
	free(d);
	return NULL;
}

static void log_clear(struct logdev *d)
{
	for (uint32_t i = 0; i < d->nlog; i++)
		free(d->log[i].e_data);
	d->nlog = 0;
	memset(&d->st, 0, sizeof(d->st));
}

void ld_stop(struct logdev *d)
{
	if (!d)
		return;
	if (d->fuse) {
		fuse_exit(d->fuse);
		fuse_unmount(d->fuse);
		if (d->thr_started)
			pthread_join(d->thr, NULL);
		fuse_destroy(d->fuse);
	}
	log_clear(d);
	free(d->log);
	store_free(&d->live);
	store_free(&d->base);
	store_free(&d->crash);
	store_free(&d->pristine);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

const char *ld_live_path(const struct logdev *d)
{
	return d->live_path;
}

const char *ld_crash_path(const struct logdev *d)
{
	return d->crash_path;
}

void ld_log_begin(struct logdev *d)
{
	pthread_mutex_lock(&d->mu);
	log_clear(d);
	store_copy(&d->base, &d->live);
	d->logging = true;
	pthread_mutex_unlock(&d->mu);
}

void ld_log_end(struct logdev *d)
{
	pthread_mutex_lock(&d->mu);
	d->logging = false;
	pthread_mutex_unlock(&d->mu);
}

void ld_live_save(struct logdev *d)
{
	pthread_mutex_lock(&d->mu);
	store_copy(&d->pristine, &d->live);
	pthread_mutex_unlock(&d->mu);
}

void ld_live_restore(struct logdev *d)
{
	pthread_mutex_lock(&d->mu);
	store_copy(&d->live, &d->pristine);
	pthread_mutex_unlock(&d->mu);
}

void ld_mark(struct logdev *d, uint32_t tag)
{
	struct ld_ent e = { .e_kind = LD_MARK, .e_mark = tag };

	pthread_mutex_lock(&d->mu);
	log_push(d, &e);
	pthread_mutex_unlock(&d->mu);
}

uint32_t ld_log_len(struct logdev *d)
{
	uint32_t n;

	pthread_mutex_lock(&d->mu);
	n = d->nlog;
	pthread_mutex_unlock(&d->mu);
	return n;
}

const struct ld_ent *ld_log_ent(struct logdev *d, uint32_t i)
{
	const struct ld_ent *e;

	pthread_mutex_lock(&d->mu);
	e = i < d->nlog ? &d->log[i] : NULL;
	pthread_mutex_unlock(&d->mu);
	return e;
}

void ld_crash_build(struct logdev *d, const uint32_t *ents, uint32_t n)
{
	pthread_mutex_lock(&d->mu);
	store_copy(&d->crash, &d->base);
	for (uint32_t i = 0; i < n; i++) {
		const struct ld_ent *e = ents[i] < d->nlog ? &d->log[ents[i]] : NULL;

		if (e && e->e_kind == LD_WRITE)
			store_write(&d->crash, e->e_off, e->e_data, e->e_len);
	}
	pthread_mutex_unlock(&d->mu);
}

void ld_stats(struct logdev *d, struct ld_stats *st)
{
	pthread_mutex_lock(&d->mu);
	*st = d->st;
	st->s_pages = 0;
	for (uint64_t i = 0; i < d->live.npg; i++)
		st->s_pages += d->live.pg[i] != NULL;
	pthread_mutex_unlock(&d->mu);
}
