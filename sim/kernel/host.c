/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/host.c - the kernel check's host side: the file system on the
 * write-logging device, the workload's system calls, the crash images built
 * from the log and read back through the real kernel's mount and recovery
 * (docs/crashdiff.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <linux/loop.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/kernel/kc_priv.h"
#include "sim/kernel/logdev.h"

#define DEV_EXT4	(64ull << 20)
#define DEV_XFS		(320ull << 20)	/* mkfs.xfs wants 300 MB (fstests' override below) */
#define MARK_START(i)	(2u * (i))
#define MARK_END(i)	(2u * (i) + 1u)


double kc_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

const char *kc_host_missing(int profile)
{
	if (geteuid() != 0)
		return "root (mount, loop devices and FUSE need it)";
	if (access("/dev/fuse", R_OK | W_OK))
		return "/dev/fuse (FUSE)";
	if (access("/dev/loop-control", R_OK | W_OK))
		return "/dev/loop-control (loop devices)";
	if (profile == PC_PROF_XFS) {
		if (access("/sbin/mkfs.xfs", X_OK) && access("/usr/sbin/mkfs.xfs", X_OK))
			return "mkfs.xfs (Debian package xfsprogs)";
	} else if (profile == PC_PROF_EXT4) {
		if (access("/sbin/mkfs.ext4", X_OK) && access("/usr/sbin/mkfs.ext4", X_OK))
			return "mkfs.ext4 (Debian package e2fsprogs)";
	} else {
		return "a host file system for this profile: only ext4 and xfs run on the host "
		       "(ext4-iomap is the 2026 series, not in this kernel)";
	}
	return NULL;
}

/* ---- loop devices and mounts ---- */

static int loop_attach(const char *file, char *dev, size_t len)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n, lfd, bfd;
	struct loop_config lc;

	if (ctl < 0)
		return -1;
	for (int tries = 0; tries < 20; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			break;
		snprintf(dev, len, "/dev/loop%d", n);
		lfd = open(dev, O_RDWR | O_CLOEXEC);
		bfd = open(file, O_RDWR | O_CLOEXEC);
		if (lfd < 0 || bfd < 0) {
			if (lfd >= 0)
				close(lfd);
			if (bfd >= 0)
				close(bfd);
			break;
		}
		memset(&lc, 0, sizeof(lc));
		lc.fd = (uint32_t)bfd;
		if (ioctl(lfd, LOOP_CONFIGURE, &lc) == 0) {
			close(bfd);
			close(ctl);
			return lfd;
		}
		close(bfd);
		close(lfd);
		if (errno != EBUSY)
			break;
	}
	close(ctl);
	return -1;
}

static void loop_detach(int lfd)
{
	for (int i = 0; i < 100 && ioctl(lfd, LOOP_CLR_FD, 0) && errno == EBUSY; i++)
		usleep(2000);
	close(lfd);
}

static int do_umount(const char *mnt)
{
	for (int i = 0; i < 100; i++) {
		if (!umount(mnt))
			return 0;
		if (errno != EBUSY)
			return -1;
		usleep(5000);
	}
	return -1;
}

static int run_cmd(char *const argv[], bool xfs_small)
{
	char *env[8];
	unsigned n = 0;
	pid_t pid;
	int st, fd;
	posix_spawn_file_actions_t fa;

	env[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	if (xfs_small) {
		/* mkfs.xfs refuses data sections under 300 MB unless it runs
		 * under fstests, which these variables announce. */
		env[n++] = "TEST_DIR=/pcsim";
		env[n++] = "TEST_DEV=/pcsim";
		env[n++] = "QA_CHECK_FS=1";
	}
	env[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, fd, 1);
		posix_spawn_file_actions_adddup2(&fa, fd, 2);
	}
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, env)) {
		posix_spawn_file_actions_destroy(&fa);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (fd >= 0)
		close(fd);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Mount dev at h->mnt; returns 0 or -errno. */
static int fs_mount(struct kc_host *h, const char *dev)
{
	return mount(dev, h->mnt, h->fstype, 0, NULL) ? -errno : 0;
}

static void file_path(const struct kc_host *h, unsigned f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/f%u", h->mnt, f);
}

void kc_host_close(struct kc_host *h)
{
	if (!h)
		return;
	ld_stop(h->ld);
	rmdir(h->mnt);
	rmdir(h->fusedir);
	rmdir(h->dir);
	free(h);
}

struct kc_host *kc_host_open(int profile, uint32_t bs, const char *workdir, char *err,
			     size_t len, bool *missing)
{
	struct kc_host *h;
	const char *why = kc_host_missing(profile);
	char bsz[16], dev[64], path[400];
	int lfd, rc;

	*missing = false;
	if (why) {
		*missing = true;
		snprintf(err, len, "this machine lacks %s", why);
		return NULL;
	}
	if (bs != 1024 && bs != 4096) {
		snprintf(err, len, "block size %u: the kernel check runs 1024 and 4096", bs);
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->profile = profile;
	h->bs = bs;
	h->fstype = profile == PC_PROF_XFS ? "xfs" : "ext4";
	snprintf(h->dir, sizeof(h->dir), "%s/pcsim-kernel.XXXXXX", workdir ? workdir : "/tmp");
	if (!mkdtemp(h->dir)) {
		snprintf(err, len, "cannot make a directory under %s: %s",
			 workdir ? workdir : "/tmp", strerror(errno));
		free(h);
		return NULL;
	}
	snprintf(h->fusedir, sizeof(h->fusedir), "%s/dev", h->dir);
	snprintf(h->mnt, sizeof(h->mnt), "%s/mnt", h->dir);
	if (mkdir(h->fusedir, 0700) || mkdir(h->mnt, 0700)) {
		snprintf(err, len, "mkdir under %s: %s", h->dir, strerror(errno));
		goto fail;
	}
	h->ld = ld_start(h->fusedir, profile == PC_PROF_XFS ? DEV_XFS : DEV_EXT4, err, len);
	if (!h->ld) {
		*missing = true;
		goto fail;
	}
	snprintf(bsz, sizeof(bsz), "%u", bs);
	if (profile == PC_PROF_XFS) {
		char bopt[32], a0[] = "mkfs.xfs", a1[] = "-q", a2[] = "-f", a3[] = "-b", dev_[400];
		char *argv[] = { a0, a1, a2, a3, bopt, dev_, NULL };

		snprintf(dev_, sizeof(dev_), "%s", ld_live_path(h->ld));
		snprintf(bopt, sizeof(bopt), "size=%u", bs);
		rc = run_cmd(argv, true);
	} else {
		/* No lazy inode table or journal initialisation: nothing may
		 * write the device behind the workload's back. No discard. */
		char a0[] = "mkfs.ext4", a1[] = "-q", a2[] = "-F", a3[] = "-b", a5[] = "-E",
		     a6[] = "nodiscard,lazy_itable_init=0,lazy_journal_init=0", dev_[400];
		char *argv[] = { a0, a1, a2, a3, bsz, a5, a6, dev_, NULL };

		snprintf(dev_, sizeof(dev_), "%s", ld_live_path(h->ld));
		rc = run_cmd(argv, false);
	}
	if (rc) {
		snprintf(err, len, "mkfs.%s -b %u failed (status %d)", h->fstype, bs, rc);
		goto fail;
	}
	lfd = loop_attach(ld_live_path(h->ld), dev, sizeof(dev));
	if (lfd < 0) {
		snprintf(err, len, "cannot attach a loop device to %s: %s", ld_live_path(h->ld),
			 strerror(errno));
		*missing = true;
		goto fail;
	}
	if ((rc = fs_mount(h, dev))) {
		snprintf(err, len, "mount -t %s %s: %s", h->fstype, dev, strerror(-rc));
		loop_detach(lfd);
		goto fail;
	}
	for (unsigned f = 0; f < 2; f++) {
		int fd;

		file_path(h, f, path, sizeof(path));
		fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	sync();
	do_umount(h->mnt);
	loop_detach(lfd);
	ld_live_save(h->ld);
	return h;
fail:
	kc_host_close(h);
	return NULL;
}

/* ---- the workload on the host ---- */

static sigjmp_buf bus_env;
static volatile sig_atomic_t bus_armed;

static void on_bus(int sig)
{
	if (bus_armed)
		siglongjmp(bus_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int host_store(uint8_t *p, uint64_t len, int byte)
{
	struct sigaction sa, old;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_bus;
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_env, 1)) {
		rc = EFAULT;
	} else {
		bus_armed = 1;
		memset(p, byte, len);
	}
	bus_armed = 0;
	sigaction(SIGBUS, &old, NULL);
	return rc;
}

struct hfiles {
	int fd[2], dfd[2];
	uint8_t *map[2];
	uint64_t maplen;
	uint8_t *buf;
};

static int host_op(struct hfiles *hf, const struct pc_opspec *o)
{
	unsigned f = o->o_file;
	int fd = hf->fd[f], byte = o->o_data < 0 ? 1 : o->o_data, mode;
	struct iovec iov;
	struct stat st;
	ssize_t n;

	switch (o->o_kind) {
	case PC_OP_PWRITE:
	case PC_OP_APPEND:
		memset(hf->buf, byte, o->o_len);
		iov.iov_base = hf->buf;
		iov.iov_len = o->o_len;
		if (o->o_kind == PC_OP_APPEND) {
			if (fstat(fd, &st))
				return errno;
			n = pwrite(fd, hf->buf, o->o_len, st.st_size);
		} else if (o->o_flags & PC_OF_DIRECT) {
			n = pwritev2(hf->dfd[f], &iov, 1, (off_t)o->o_off,
				     (o->o_flags & PC_OF_DSYNC ? RWF_DSYNC : 0) |
					     (o->o_flags & PC_OF_SYNC ? RWF_SYNC : 0));
		} else {
			n = pwritev2(fd, &iov, 1, (off_t)o->o_off,
				     (o->o_flags & PC_OF_DSYNC ? RWF_DSYNC : 0) |
					     (o->o_flags & PC_OF_SYNC ? RWF_SYNC : 0));
		}
		return n == (ssize_t)o->o_len ? 0 : n < 0 ? errno : EIO;
	case PC_OP_READ:
		n = pread(fd, hf->buf, o->o_len, (off_t)o->o_off);
		return n < 0 ? errno : 0;
	case PC_OP_MMAP:
		hf->map[f] = mmap(NULL, hf->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (hf->map[f] == MAP_FAILED) {
			hf->map[f] = NULL;
			return errno;
		}
		return 0;
	case PC_OP_MUNMAP:
		if (hf->map[f])
			munmap(hf->map[f], hf->maplen);
		hf->map[f] = NULL;
		return 0;
	case PC_OP_STORE:
		if (!hf->map[f] || o->o_off + o->o_len > hf->maplen)
			return EINVAL;
		return host_store(hf->map[f] + o->o_off, o->o_len, byte);
	case PC_OP_LOAD:
		return 0;
	case PC_OP_MSYNC:
		if (!hf->map[f] || o->o_off >= hf->maplen)
			return EINVAL;
		return msync(hf->map[f] + o->o_off,
			     o->o_len < hf->maplen - o->o_off ? o->o_len : hf->maplen - o->o_off,
			     o->o_flags & PC_OF_MS_SYNC ? MS_SYNC : MS_ASYNC)
			       ? errno
			       : 0;
	case PC_OP_TRUNCATE:
		return ftruncate(fd, (off_t)o->o_off) ? errno : 0;
	case PC_OP_FALLOCATE:
	case PC_OP_PUNCH:
	case PC_OP_ZERO_RANGE:
		mode = o->o_kind == PC_OP_PUNCH ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
		       : o->o_kind == PC_OP_ZERO_RANGE ? FALLOC_FL_ZERO_RANGE
						       : 0;
		if (o->o_flags & PC_OF_KEEP_SIZE)
			mode |= FALLOC_FL_KEEP_SIZE;
		return fallocate(fd, mode, (off_t)o->o_off, (off_t)o->o_len) ? errno : 0;
	case PC_OP_FSYNC:
		return fsync(fd) ? errno : 0;
	case PC_OP_FDATASYNC:
		return fdatasync(fd) ? errno : 0;
	case PC_OP_SYNC_FILE_RANGE:
		mode = (o->o_flags & PC_OF_WAIT_BEFORE ? SYNC_FILE_RANGE_WAIT_BEFORE : 0) |
		       (o->o_flags & PC_OF_WRITE ? SYNC_FILE_RANGE_WRITE : 0) |
		       (o->o_flags & PC_OF_WAIT_AFTER ? SYNC_FILE_RANGE_WAIT_AFTER : 0);
		return sync_file_range(fd, (off_t)o->o_off,
				       o->o_len >= (64ull << 20) ? 0 : (off_t)o->o_len,
				       (unsigned)mode)
			       ? errno
			       : 0;
	case PC_OP_SYNC:
		return syncfs(fd) ? errno : 0;
	default:
		return ENOSYS;
	}
}

/* ---- the host's side ---- */


static int hwindow_of(const struct hside *hs, unsigned nops, uint32_t pos)
{
	for (unsigned i = 0; i < nops; i++)
		if (pos <= hs->end_pos[i])
			return (int)i;
	return (int)nops;
}

/* Mount the crash file and read every file; adds the state. Returns its
 * index. */
static int read_image(struct kc_host *h, const struct kworkload *kw, struct hside *hs, int win,
		      int win_hi)
{
	char dev[64], path[400];
	uint64_t size[2] = { 0, 0 };
	uint8_t *bytes[2] = { NULL, NULL };
	bool bad = false;
	int lfd, rc;
	unsigned nf = kw->nfiles ? kw->nfiles : 1;

	lfd = loop_attach(ld_crash_path(h->ld), dev, sizeof(dev));
	if (lfd < 0)
		return -1;
	hs->mounts++;
	if ((rc = fs_mount(h, dev))) {
		bad = true;
	} else {
		for (unsigned f = 0; f < nf; f++) {
			int fd;
			struct stat st;

			file_path(h, f, path, sizeof(path));
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &st)) {
				bad = true;
				if (fd >= 0)
					close(fd);
				continue;
			}
			size[f] = (uint64_t)st.st_size;
			bytes[f] = calloc(1, size[f] ? size[f] : 1);
			if (bytes[f] && size[f] &&
			    pread(fd, bytes[f], size[f], 0) != (ssize_t)size[f])
				bad = true;
			close(fd);
		}
		do_umount(h->mnt);
	}
	loop_detach(lfd);
	kc_kset_add(&hs->states, nf, size, (const uint8_t *const *)bytes, bad, win, false, 0, true);
	rc = -1;
	for (size_t i = 0; i < hs->states.n; i++)
		if (hs->states.v[i].h == kc_state_hash(nf, size, (const uint8_t *const *)bytes, bad) &&
		    hs->states.v[i].win == win) {
			if (hs->states.v[i].win_hi < win_hi)
				hs->states.v[i].win_hi = win_hi;
			rc = (int)i;
			break;
		}
	for (unsigned f = 0; f < 2; f++)
		free(bytes[f]);
	return rc;
}

/* Build and read the image: the writes before log index durable_end
 * that are writes, plus the chosen ones of uset. */
static int image(struct kc_host *h, const struct kworkload *kw, struct hside *hs,
		 const uint32_t *dur, uint32_t ndur, const uint32_t *uset, uint32_t nu,
		 uint64_t pick, int win, int win_hi)
{
	uint32_t *ents = malloc((ndur + nu + 1) * sizeof(*ents)), n = 0;
	int rc;

	if (!ents)
		return -1;
	memcpy(ents, dur, ndur * sizeof(*ents));
	n = ndur;
	for (uint32_t i = 0; i < nu; i++)
		if (pick >> i & 1)
			ents[n++] = uset[i];
	ld_crash_build(h->ld, ents, n);
	hs->images++;
	rc = read_image(h, kw, hs, win, win_hi);
	free(ents);
	return rc;
}

int kc_host_side(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
		     struct hside *hs, char *err, size_t len)
{
	struct hfiles hf;
	char dev[64], path[400];
	int lfd, rc;
	unsigned nf = kw->nfiles ? kw->nfiles : 1;
	uint32_t nlog, *dur = NULL, ndur = 0, *uset = NULL, nu;
	uint64_t st = o->seed * 0x9e3779b97f4a7c15ULL + 11;

	memset(&hf, 0, sizeof(hf));
	hf.maplen = kw_file_space(kw);
	hf.buf = aligned_alloc(4096, KW_MAX_END + 4096);
	if (!hf.buf) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	ld_live_restore(h->ld);
	lfd = loop_attach(ld_live_path(h->ld), dev, sizeof(dev));
	if (lfd < 0) {
		snprintf(err, len, "cannot attach a loop device: %s", strerror(errno));
		free(hf.buf);
		return -1;
	}
	if ((rc = fs_mount(h, dev))) {
		snprintf(err, len, "mount -t %s %s: %s", h->fstype, dev, strerror(-rc));
		loop_detach(lfd);
		free(hf.buf);
		return -1;
	}
	for (unsigned f = 0; f < nf; f++) {
		file_path(h, f, path, sizeof(path));
		hf.fd[f] = open(path, O_RDWR | O_CLOEXEC);
		hf.dfd[f] = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	}
	for (unsigned i = 0; i < kw->nsetup; i++)
		host_op(&hf, &kw->setup[i]);
	syncfs(hf.fd[0]);
	ld_log_begin(h->ld);
	for (unsigned i = 0; i < kw->nops; i++) {
		ld_mark(h->ld, MARK_START(i));
		hs->err[i] = host_op(&hf, &kw->op[i]);
		ld_mark(h->ld, MARK_END(i));
	}
	ld_log_end(h->ld);
	for (unsigned f = 0; f < nf; f++) {
		if (hf.map[f])
			munmap(hf.map[f], hf.maplen);
		close(hf.fd[f]);
		close(hf.dfd[f]);
	}
	free(hf.buf);
	do_umount(h->mnt);
	loop_detach(lfd);

	/* The marks, then the epochs between flushes. */
	nlog = ld_log_len(h->ld);
	for (uint32_t i = 0; i < nlog; i++) {
		const struct ld_ent *e = ld_log_ent(h->ld, i);

		if (e->e_kind == LD_MARK && e->e_mark / 2 < kw->nops) {
			if (e->e_mark & 1)
				hs->end_pos[e->e_mark / 2] = i;
			else
				hs->start_pos[e->e_mark / 2] = i;
		}
	}
	dur = malloc((nlog + 1) * sizeof(*dur));
	uset = malloc((nlog + 1) * sizeof(*uset));
	if (!dur || !uset) {
		free(dur);
		free(uset);
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < KW_MAX_OPS; i++)
		hs->sync_state[i] = -1;
	/* Epoch j starts after flush j-1 (or the log's start) at index from. */
	for (uint32_t from = 0; from <= nlog;) {
		uint32_t to = from, last_pos;
		uint64_t subsets;
		bool all;

		while (to < nlog && ld_log_ent(h->ld, to)->e_kind != LD_FLUSH)
			to++;
		nu = 0;
		for (uint32_t i = from; i < to; i++)
			if (ld_log_ent(h->ld, i)->e_kind == LD_WRITE)
				uset[nu++] = i;
		all = nu <= o->subset_bits;
		subsets = all ? 1ull << nu : 1ull << o->subset_bits;
		for (uint64_t k = 0; k < subsets; k++) {
			uint64_t pick;
			int wlo, whi;

			if (all)
				pick = k;
			else if (k == 0)
				pick = 0;
			else if (k == 1)
				pick = nu >= 64 ? ~0ull : (1ull << nu) - 1;
			else if (k - 2 < nu)
				pick = nu > 63 ? 0 : 1ull << (k - 2);	/* singletons */
			else {
				st = st * 6364136223846793005ULL + 1442695040888963407ULL;
				pick = st >> 1;
			}
			if (nu < 64)
				pick &= (1ull << nu) - 1;
			last_pos = from ? from - 1 : 0;
			for (uint32_t i = 0; i < nu && i < 64; i++)
				if (pick >> i & 1)
					last_pos = uset[i];
			wlo = hwindow_of(hs, kw->nops, last_pos);
			whi = hwindow_of(hs, kw->nops, to);
			if (image(h, kw, hs, dur, ndur, uset, nu < 64 ? nu : 64, pick, wlo, whi) < 0) {
				snprintf(err, len, "cannot attach a loop device to the crash image");
				free(dur);
				free(uset);
				return -1;
			}
		}
		/* The sync calls that returned in this epoch: their image is the
		 * flushed writes alone (the empty subset). */
		for (unsigned i = 0; i < kw->nops; i++)
			if (hs->end_pos[i] >= from && hs->end_pos[i] < to + (to == nlog) &&
			    !hs->err[i] && kw_op_syncs(&kw->op[i], kw->op[i].o_file))
				hs->sync_state[i] = image(h, kw, hs, dur, ndur, uset, 0, 0, (int)i,
							  (int)i);
		for (uint32_t i = from; i < to; i++)
			if (ld_log_ent(h->ld, i)->e_kind == LD_WRITE)
				dur[ndur++] = i;
		if (to == nlog)
			break;
		from = to + 1;
	}
	free(dur);
	free(uset);
	return 0;
}
