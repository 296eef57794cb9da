/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/crashdiff.c - the host kernel's crash states against the
 * model's (crashdiff.h, docs/crashdiff.md).
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

#include "sim/core/sim.h"
#include "sim/kernel/crashdiff.h"
#include "sim/kernel/logdev.h"

extern char **environ;

const char *const kc_class_names[KC_NCLASS] = {
	"sync", "unreachable", "unshown", "runtime", "mount", "host",
};

#define DEV_EXT4	(64ull << 20)
#define DEV_XFS		(320ull << 20)	/* mkfs.xfs wants 300 MB (fstests' override below) */
#define MARK_START(i)	(2u * (i))
#define MARK_END(i)	(2u * (i) + 1u)

struct kc_host {
	int profile;
	uint32_t bs;
	struct logdev *ld;
	char dir[256], fusedir[300], mnt[300];
	const char *fstype;
};

static double now_s(void)
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

struct hop {
	int err;		/* errno of the call, 0 on success */
};

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

/* ---- states ---- */

struct kstate {
	uint64_t h;
	int win;		/* operation window */
	int win_hi;		/* real: the crash may be as late as this window */
	bool at_end;		/* model: the crash point is the operation's response */
	uint32_t viol;		/* model: invariants broken (any schedule) */
	uint32_t viol0;		/* model: invariants broken under the default schedule */
	bool sched0;		/* model: reached under the default schedule */
	bool bad;		/* could not be read back */
	unsigned nfiles;
	uint64_t size[2];
	uint8_t *bytes[2];
};

struct kset {
	struct kstate *v;
	size_t n, cap;
};

static uint64_t state_hash(unsigned nfiles, const uint64_t *size, const uint8_t *const *bytes,
			   bool bad)
{
	uint64_t h = sim_hash_u64(SIM_HASH_INIT, bad);

	for (unsigned f = 0; f < nfiles; f++) {
		h = sim_hash_u64(h, size[f]);
		if (bytes[f])
			h = sim_hash_bytes(h, bytes[f], size[f]);
	}
	return h;
}

/* Add a state (copies the bytes); duplicates by (hash, window) are kept
 * once, their violation masks joined. */
static void kset_add(struct kset *s, unsigned nfiles, const uint64_t *size,
		     const uint8_t *const *bytes, bool bad, int win, bool at_end, uint32_t viol,
		     bool sched0)
{
	uint64_t h = state_hash(nfiles, size, bytes, bad);
	struct kstate *k;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].h == h && s->v[i].win == win && s->v[i].at_end == at_end) {
			s->v[i].viol |= viol;
			if (sched0) {
				s->v[i].viol0 |= viol;
				s->v[i].sched0 = true;
			}
			return;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct kstate *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	k = &s->v[s->n++];
	memset(k, 0, sizeof(*k));
	k->h = h;
	k->win = k->win_hi = win;
	k->at_end = at_end;
	k->viol = viol;
	k->viol0 = sched0 ? viol : 0;
	k->sched0 = sched0;
	k->bad = bad;
	k->nfiles = nfiles;
	for (unsigned f = 0; f < nfiles; f++) {
		k->size[f] = size[f];
		if (bytes[f] && (k->bytes[f] = malloc(size[f] ? size[f] : 1)))
			memcpy(k->bytes[f], bytes[f], size[f]);
	}
}

static void kset_free(struct kset *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (unsigned f = 0; f < 2; f++)
			free(s->v[i].bytes[f]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- the model's side ---- */

struct mside {
	const struct kworkload *kw;
	struct sim *s;
	struct sim_task *t;
	uint32_t base;			/* operation number of op 0 */
	uint32_t end[KW_MAX_OPS];	/* write-log length at each response */
	bool ended[KW_MAX_OPS];
	struct kset states;
	unsigned sched;			/* 0: the default schedule */
	uint64_t rng;
	uint32_t runtime_viol;
	char runtime_msg[300];
};

static void m_observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret ret)
{
	struct mside *m = ctx;
	const struct sim_op *op;
	unsigned next;

	if (t != m->t || ret != SIM_DONE || !(op = sim_task_cur_op(t)))
		return;
	next = t->t_jump ? t->t_jump - 1u : t->t_pc + 1u;
	if (next < op->op_desc->nsteps || op->op_id < m->base || op->op_id - m->base >= m->kw->nops)
		return;
	m->end[op->op_id - m->base] = pc_wlog_len(m->s);
	m->ended[op->op_id - m->base] = true;
}

/* Schedules after the first: a random runnable task, and now and then a
 * pending event (timer, I/O completion) early, so writeback, commits and
 * completions land between and inside the operations. */
static uint64_t m_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct mside *m = ctx;
	uint64_t tasks, k;

	m->rng = m->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	k = m->rng >> 33;
	if (c->c_kind != SIM_CH_SCHED)
		return c->c_n ? k % c->c_n : 0;
	tasks = c->c_mask & ~(1ULL << SIM_EVENT_BIT);
	if (!tasks || ((c->c_mask >> SIM_EVENT_BIT) & 1 && k % 8 == 0))
		return SIM_EVENT_BIT;
	k = (k >> 3) % (uint64_t)__builtin_popcountll(tasks);
	while (k--)
		tasks &= tasks - 1;
	return (uint64_t)__builtin_ctzll(tasks);
}

/* The window of a point: the first operation whose response is at or
 * after it; nops for a point after every response. */
static int window_of(const uint32_t *end, unsigned nops, uint64_t point)
{
	for (unsigned i = 0; i < nops; i++)
		if (point <= end[i])
			return (int)i;
	return (int)nops;
}

static void m_view(void *ctx, const struct sim *s, const struct pc_crash_view *v)
{
	struct mside *m = ctx;

	int win = window_of(m->end, m->kw->nops, v->cv_point);

	kset_add(&m->states, v->cv_nfiles, v->cv_size, v->cv_bytes, v->cv_bad, win,
		 win < (int)m->kw->nops && v->cv_point == m->end[win], v->cv_viol, m->sched == 0);
}

static int model_side(const struct kworkload *kw, const struct kc_opts *o, int profile,
		      uint32_t bs, struct mside *m, unsigned sched, char *err, size_t len)
{
	struct pc_config cfg;
	struct sim_config sc;
	struct sim_chooser ch = { m_choose, m };
	struct pc_persist p;
	struct sim *s;
	struct sim_task *t;
	const struct pc_violation *viol;
	bool complete;
	unsigned nv;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, (enum pc_profile)profile);
	cfg.c_knobs.k_bs = bs;
	for (unsigned i = 0; i < o->nknobs; i++)
		if (pc_knob_set(&cfg.c_knobs, o->knob_name[i], o->knob_value[i], err, len))
			return -1;
	cfg.c_nfiles = kw->nfiles ? kw->nfiles : 1;
	cfg.c_file_bytes = kw_file_space(kw);
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = cfg.c_lat_max = 100 * SIM_USEC;
	memset(&sc, 0, sizeof(sc));
	sc.seed = 1;
	/* pc_model_arena_size is tight for two files at 4 KiB blocks; the arena
	 * is only touched where used, so a generous one costs little. */
	sc.arena_size = pc_model_arena_size(&cfg) * 2 + (16u << 20);
	sc.early_events = sched > 0;
	m->sched = sched;
	m->rng = sched * 0x9e3779b97f4a7c15ULL + o->seed;
	memset(m->end, 0, sizeof(m->end));
	memset(m->ended, 0, sizeof(m->ended));
	s = sim_create(&sc);
	if (!s) {
		snprintf(err, len, "model: cannot create the simulation");
		return -1;
	}
	if (!pc_model_create(s, &cfg, err, len))
		goto out;
	t = pc_user_task(s, "A");
	for (unsigned i = 0; i < kw->nsetup; i++)
		if (pc_queue_op(s, t, &kw->setup[i], err, len) < 0)
			goto out;
	if (pc_model_settle(s, err, len))
		goto out;
	m->kw = kw;
	m->s = s;
	m->t = t;
	for (unsigned i = 0; i < kw->nops; i++) {
		struct pc_opspec op = kw->op[i];
		int no;

		/* sync-file-range to EOF (length 0): the model's file ends at
		 * its modelled space. */
		if (op.o_kind == PC_OP_SYNC_FILE_RANGE && op.o_off + op.o_len > cfg.c_file_bytes)
			op.o_len = op.o_off < cfg.c_file_bytes ? cfg.c_file_bytes - op.o_off : 0;
		no = pc_queue_op(s, t, &op, err, len);

		if (no < 0)
			goto out;
		if (i == 0)
			m->base = (uint32_t)no;
	}
	sim_set_step_observer(s, m_observe, m);
	if (sched)
		sim_set_chooser(s, &ch);
	if (sim_run(s) != SIM_OK) {
		pc_model_finish(s);
		nv = pc_violations(s, &viol);
		snprintf(err, len, "model: the run did not finish%s%s", nv ? ": " : "",
			 nv ? viol[0].v_msg : "");
		goto out;
	}
	sim_set_step_observer(s, NULL, NULL);
	sim_set_chooser(s, NULL);
	for (unsigned i = 0; i < kw->nops; i++)
		if (!m->ended[i])
			m->end[i] = i ? m->end[i - 1] : 0;
	pc_model_finish(s);
	nv = pc_violations(s, &viol);
	for (unsigned i = 0; i < nv; i++)
		if (!viol[i].v_crash) {
			if (!m->runtime_viol)
				snprintf(m->runtime_msg, sizeof(m->runtime_msg), "%s: %s",
					 pc_invariant_names[viol[i].v_inv], viol[i].v_msg);
			m->runtime_viol |= 1u << viol[i].v_inv;
		}
	memset(&p, 0, sizeof(p));
	p.p_mode = PC_PERSIST_ALL_SUBSETS;
	p.p_max = 1u << (o->model_bits ? o->model_bits : 8);
	p.p_seed = o->seed;
	p.p_dedup = PC_DEDUP_POINT;
	pc_model_check_crashes_view(s, 0, pc_wlog_len(s), &p, &complete, NULL, m_view, m);
	rc = 0;
out:
	sim_destroy(s);
	return rc;
}

/* ---- the host's side ---- */

struct hside {
	uint32_t start_pos[KW_MAX_OPS], end_pos[KW_MAX_OPS];	/* log index of the marks */
	int err[KW_MAX_OPS];
	struct kset states;
	/* per sync operation: the image of only the flushed writes */
	int sync_state[KW_MAX_OPS];	/* index in states, or -1 */
	uint64_t images, mounts;
};

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
	kset_add(&hs->states, nf, size, (const uint8_t *const *)bytes, bad, win, false, 0, true);
	rc = -1;
	for (size_t i = 0; i < hs->states.n; i++)
		if (hs->states.v[i].h == state_hash(nf, size, (const uint8_t *const *)bytes, bad) &&
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

static int host_side(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
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

/* ---- comparing ---- */

static bool same_state(const struct kstate *a, const struct kstate *b)
{
	if (a->bad != b->bad || a->nfiles != b->nfiles)
		return false;
	for (unsigned f = 0; f < a->nfiles; f++) {
		if (a->size[f] != b->size[f])
			return false;
		if (a->bytes[f] && b->bytes[f] && memcmp(a->bytes[f], b->bytes[f], a->size[f]))
			return false;
	}
	return a->h == b->h;
}

static void byte_origin(const struct kworkload *kw, int v, char *buf, size_t len)
{
	char op[160];

	if (v == 0) {
		snprintf(buf, len, "0x00 (zeros)");
		return;
	}
	for (unsigned i = 0; i < kw->nops; i++)
		if (kw->op[i].o_data == v && (kw->op[i].o_kind == PC_OP_PWRITE ||
					      kw->op[i].o_kind == PC_OP_STORE ||
					      kw->op[i].o_kind == PC_OP_APPEND)) {
			kw_format_op(kw, &kw->op[i], op, sizeof(op));
			snprintf(buf, len, "0x%02x (op #%u: %s)", v, i, op);
			return;
		}
	snprintf(buf, len, "0x%02x (setup or unknown)", v);
}

/* Where a and b first differ, in words. */
static void describe_diff(const struct kworkload *kw, const struct kstate *real,
			  const struct kstate *model, char *buf, size_t len)
{
	char rb[200], mb[200];

	if (!model) {
		snprintf(buf, len, "the model has no state in that window");
		return;
	}
	if (real->bad || model->bad) {
		snprintf(buf, len, "%s", real->bad ? "the real image did not mount or read back"
						   : "the model's image did not recover");
		return;
	}
	for (unsigned f = 0; f < real->nfiles; f++) {
		uint64_t n = real->size[f] < model->size[f] ? real->size[f] : model->size[f];

		for (uint64_t o = 0; o < n; o++)
			if (real->bytes[f] && model->bytes[f] &&
			    real->bytes[f][o] != model->bytes[f][o]) {
				byte_origin(kw, real->bytes[f][o], rb, sizeof(rb));
				byte_origin(kw, model->bytes[f][o], mb, sizeof(mb));
				snprintf(buf, len, "file %s byte %" PRIu64 ": kernel %s, model %s",
					 kw->files[f], o, rb, mb);
				return;
			}
		if (real->size[f] != model->size[f]) {
			snprintf(buf, len, "file %s size: kernel %" PRIu64 ", model %" PRIu64,
				 kw->files[f], real->size[f], model->size[f]);
			return;
		}
	}
	snprintf(buf, len, "equal");
}

/* The model state of window lo..hi closest to real (fewest differing
 * bytes), or NULL. */
static const struct kstate *closest(const struct kset *ms, const struct kstate *real, int lo,
				    int hi)
{
	const struct kstate *best = NULL;
	uint64_t bestd = UINT64_MAX;

	for (size_t i = 0; i < ms->n; i++) {
		const struct kstate *m = &ms->v[i];
		uint64_t d = 0;

		if (m->win < lo || m->win > hi || m->nfiles != real->nfiles)
			continue;
		for (unsigned f = 0; f < m->nfiles; f++) {
			uint64_t n = m->size[f] < real->size[f] ? m->size[f] : real->size[f];

			d += (m->size[f] > real->size[f] ? m->size[f] - real->size[f]
							  : real->size[f] - m->size[f]) * 4;
			for (uint64_t o = 0; m->bytes[f] && real->bytes[f] && o < n; o++)
				d += m->bytes[f][o] != real->bytes[f][o];
		}
		if (d < bestd) {
			bestd = d;
			best = m;
		}
	}
	return best;
}

static void mismatch(struct kc_counts *c, struct kc_mismatch *m, int *n, enum kc_class cls,
		     int op, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void mismatch(struct kc_counts *c, struct kc_mismatch *m, int *n, enum kc_class cls,
		     int op, const char *fmt, ...)
{
	va_list ap;

	c->mismatch[cls]++;
	if (!(*n)++) {
		m->cls = cls;
		m->op = op;
		va_start(ap, fmt);
		vsnprintf(m->what, sizeof(m->what), fmt, ap);
		va_end(ap);
	}
}

/* A state in a few words: per file its size and runs of equal bytes. */
static void state_text(const struct kworkload *kw, const struct kstate *k, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned f = 0; f < k->nfiles && n < len; f++) {
		unsigned runs = 0;

		n += (size_t)snprintf(buf + n, len - n, "%sfile %s size %" PRIu64 ":", f ? "; " : "",
				      kw->files[f], k->size[f]);
		for (uint64_t o = 0; k->bytes[f] && o < k->size[f] && n < len; runs++) {
			uint64_t e = o;

			while (e < k->size[f] && k->bytes[f][e] == k->bytes[f][o])
				e++;
			if (runs == 6) {
				n += (size_t)snprintf(buf + n, len - n, " ...");
				break;
			}
			n += (size_t)snprintf(buf + n, len - n, " [%" PRIu64 ",%" PRIu64 ")=0x%02x", o,
					      e, k->bytes[f][o]);
			o = e;
		}
	}
}

static void op_text(const struct kworkload *kw, int i, char *buf, size_t len)
{
	if (i >= 0 && (unsigned)i < kw->nops)
		kw_format_op(kw, &kw->op[i], buf, len);
	else
		snprintf(buf, len, "after the last operation");
}

int kc_check(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
	     struct kc_counts *c, struct kc_mismatch *m, FILE *log)
{
	struct mside ms;
	struct hside *hs = calloc(1, sizeof(*hs));
	char err[400], d[700], op[160];
	double t0;
	int n = 0;

	memset(&ms, 0, sizeof(ms));
	memset(m, 0, sizeof(*m));
	m->op = -1;
	if (!hs)
		return -1;
	c->workloads++;
	c->ops += kw->nops;
	for (unsigned k = 0; k < PC_OP_NKINDS; k++)
		c->skipped += kw->skipped[k];
	c->skipped += kw->skipped_other;
	t0 = now_s();
	for (unsigned k = 0; k < (o->schedules ? o->schedules : 1); k++)
		if (model_side(kw, o, h->profile, h->bs, &ms, k, err, sizeof(err))) {
			mismatch(c, m, &n, KC_HOST, -1, "%s (schedule %u)", err, k);
			goto out;
		}
	c->model_s += now_s() - t0;
	t0 = now_s();
	if (host_side(h, kw, o, hs, err, sizeof(err))) {
		snprintf(m->what, sizeof(m->what), "%s", err);
		n = -1;
		goto out;
	}
	c->host_s += now_s() - t0;
	c->images += hs->images;
	c->mounts += hs->mounts;
	c->real_states += hs->states.n;
	c->model_states += ms.states.n;
	for (unsigned i = 0; i < kw->nops; i++)
		if (hs->err[i] && kw->op[i].o_kind != PC_OP_READ) {
			op_text(kw, (int)i, op, sizeof(op));
			if (log && o->verbose)
				fprintf(log, "  note: op #%u (%s) failed on the host: %s\n", i, op,
					strerror(hs->err[i]));
		}

	/* 3a: nothing breaks at run time in a sequential workload. */
	if (ms.runtime_viol)
		mismatch(c, m, &n, KC_RUNTIME, -1, "the model reports at run time %s",
			 ms.runtime_msg);

	/* 1: what a sync call made durable. */
	for (unsigned i = 0; i < kw->nops; i++) {
		const struct kstate *r;

		if (hs->sync_state[i] < 0)
			continue;
		c->sync_checks++;
		r = &hs->states.v[hs->sync_state[i]];
		/* What the call promises: the whole file (fsync, fdatasync, sync,
		 * an O_DSYNC append), or its own range and the size (an O_DSYNC
		 * write: generic_write_sync -> vfs_fsync_range; msync MS_SYNC). */
		const struct pc_opspec *so = &kw->op[i];
		bool ranged = so->o_kind == PC_OP_MSYNC || so->o_kind == PC_OP_PWRITE;
		uint64_t lo = ranged ? so->o_off : 0, hi = ranged ? so->o_off + so->o_len : UINT64_MAX;

		for (size_t k = 0; k < ms.states.n; k++) {
			const struct kstate *q = &ms.states.v[k];
			unsigned f0 = so->o_kind == PC_OP_SYNC ? 0 : so->o_file;
			unsigned f1 = so->o_kind == PC_OP_SYNC ? r->nfiles : f0 + 1u;
			bool differs = q->bad != r->bad;
			uint64_t at = UINT64_MAX;
			unsigned af = f0;

			if (q->win != (int)i || !q->at_end || q->h == r->h)
				continue;
			for (unsigned f = f0; f < f1 && !differs; f++) {
				uint64_t e = q->size[f] < hi ? q->size[f] : hi;

				differs = q->size[f] != r->size[f];
				for (uint64_t b = lo; !differs && b < e && q->bytes[f] && r->bytes[f]; b++)
					if (q->bytes[f][b] != r->bytes[f][b]) {
						differs = true;
						at = b;
						af = f;
					}
			}
			if (!differs)
				continue;
			op_text(kw, (int)i, op, sizeof(op));
			if (at != UINT64_MAX && !q->bad && !r->bad) {
				char rb[200], mb[200];

				byte_origin(kw, r->bytes[af][at], rb, sizeof(rb));
				byte_origin(kw, q->bytes[af][at], mb, sizeof(mb));
				snprintf(d, sizeof(d), "file %s byte %" PRIu64 ": kernel %s, model %s",
					 kw->files[af], at, rb, mb);
			} else {
				describe_diff(kw, r, q, d, sizeof(d));
			}
			mismatch(c, m, &n, KC_SYNC, (int)i,
				 "after op #%u (%s) returned, the kernel's flushed image and a "
				 "model crash state differ in what it promised: %s%s",
				 i, op, d, q->viol ? " (the model calls it a violation)" : "");
			break;
		}
	}

	/* 2: every real state is a model state. */
	for (size_t k = 0; k < hs->states.n; k++) {
		const struct kstate *r = &hs->states.v[k];
		bool here = false, elsewhere = false;

		if (r->bad) {
			op_text(kw, r->win, op, sizeof(op));
			mismatch(c, m, &n, KC_MOUNT, r->win,
				 "a crash image in the window of op #%d (%s) did not mount or read "
				 "back", r->win, op);
			continue;
		}
		for (size_t j = 0; j < ms.states.n; j++) {
			const struct kstate *q = &ms.states.v[j];

			if (!same_state(q, r))
				continue;
			if (q->win >= r->win && q->win <= r->win_hi) {
				here = true;
				if (q->viol) {
					char inv[120] = "";
					size_t l = 0;

					for (unsigned b = 0; b < PC_INV_N; b++)
						if (q->viol >> b & 1)
							l += (size_t)snprintf(inv + l, sizeof(inv) - l,
									      "%s%s", l ? "," : "",
									      pc_invariant_names[b]);
					op_text(kw, r->win, op, sizeof(op));
					state_text(kw, r, d, sizeof(d));
					mismatch(c, m, &n, KC_UNREACHABLE, r->win,
						 "a real crash state in the window of op #%d (%s) is "
						 "one the model calls %s: %s", r->win, op, inv, d);
				}
				break;
			}
			elsewhere = true;
		}
		if (here) {
			c->matched++;
		} else if (elsewhere) {
			c->timing_real++;
		} else {
			const struct kstate *q = closest(&ms.states, r, r->win, r->win_hi);

			char st[400];

			op_text(kw, r->win, op, sizeof(op));
			describe_diff(kw, r, q, d, sizeof(d));
			state_text(kw, r, st, sizeof(st));
			mismatch(c, m, &n, KC_UNREACHABLE, r->win,
				 "a real crash state in the window of op #%d (%s) is no model "
				 "state: %s; closest: %s", r->win, op, st, d);
		}
	}

	/* 3b: every violation the model reports is a real state. */
	for (size_t j = 0; j < ms.states.n; j++) {
		const struct kstate *q = &ms.states.v[j], *r;
		bool shown = false;

		if (!q->viol)
			continue;
		if (!q->viol0) {
			/* only a random schedule reaches it: a timing the real run
			 * (one schedule of the kernel's) did not take */
			c->timing_model++;
			continue;
		}
		for (size_t k = 0; k < hs->states.n && !shown; k++)
			shown = same_state(q, &hs->states.v[k]);
		if (shown) {
			c->shown++;
		} else if (q->win >= (int)kw->nops) {
			c->timing_model++;
		} else {
			char inv[120] = "";
			size_t l = 0;

			for (unsigned b = 0; b < PC_INV_N; b++)
				if (q->viol0 >> b & 1)
					l += (size_t)snprintf(inv + l, sizeof(inv) - l, "%s%s",
							      l ? "," : "", pc_invariant_names[b]);
			op_text(kw, q->win, op, sizeof(op));
			r = closest(&hs->states, q, 0, INT32_MAX);
			describe_diff(kw, r ? r : q, q, d, sizeof(d));
			mismatch(c, m, &n, KC_UNSHOWN, q->win,
				 "the model reports %s in a crash state in the window of op #%d "
				 "(%s) that no real crash image shows; nearest real state vs "
				 "model: %s", inv, q->win, op, d);
		}
	}
out:
	kset_free(&ms.states);
	kset_free(&hs->states);
	free(hs);
	return n;
}
