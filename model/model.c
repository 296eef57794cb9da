/* SPDX-License-Identifier: MIT */
/*
 * model/model.c - building the kernel world, queueing operations, settling
 * the setup, and the end-of-run and crash-state checks.
 *
 * Disk layout (blocks of bs bytes):
 *   [0, M)          on-disk inodes (i_meta_nblk blocks per file)
 *   [M, M+J)        the journal (superblock first)
 *   [M+J, N)        the data pool; every block starts out holding stale
 *                   contents (its own PC_SRC_STALE source)
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

#define JOURNAL_BLOCKS	256

struct pc_model {
	struct pc_world m_w;
};

struct pc_model *pc_model(const struct sim *s)
{
	return (struct pc_model *)sim_priv(s);
}

static uint32_t inode_meta_blocks(uint32_t bs, uint32_t nblocks)
{
	uint32_t per = (bs - 8) / 3;

	return (nblocks + per - 1) / per;
}

static void layout(const struct pc_config *cfg, uint64_t *file_bytes, uint32_t *nblocks,
		   uint32_t *meta, uint32_t *pool)
{
	uint32_t bs = cfg->c_knobs.k_bs;

	*file_bytes = (cfg->c_file_bytes + PC_PAGE_SIZE - 1) / PC_PAGE_SIZE * PC_PAGE_SIZE;
	if (*file_bytes < 2 * PC_PAGE_SIZE)
		*file_bytes = 2 * PC_PAGE_SIZE;
	*nblocks = (uint32_t)(*file_bytes / bs);
	*meta = inode_meta_blocks(bs, *nblocks) * cfg->c_nfiles;
	*pool = *nblocks * cfg->c_nfiles * 2 + 16;
}

/* Runs every promise of a run may keep together: a promise over a file
 * written by k sources holds at most 2k + 1 runs. */
static uint32_t promise_runs(uint64_t file_bytes_total)
{
	return 16384 + (uint32_t)(file_bytes_total / 16);
}

/* Sources the world holds: the stale contents of every pool block, the
 * operations, and as many again for what runs create (zeroing, ...); never
 * fewer than PC_MAX_SOURCES_RUN, never more than a tag can name. */
static uint32_t source_cap(const struct pc_config *cfg, uint32_t pool)
{
	uint64_t n = (uint64_t)pool + 2ull * cfg->c_nops + PC_MAX_SOURCES_RUN;

	if (n < PC_MAX_SOURCES_RUN)
		n = PC_MAX_SOURCES_RUN;
	return n > PC_MAX_SOURCES ? PC_MAX_SOURCES : (uint32_t)n;
}

/* Write-log payload, in blocks: the disk's default (8 writes of every block,
 * within [256, 4096]), or, when the scenario writes more, twice what its
 * operations write (setup included: its writes are logged until the
 * settle) plus the journal's share: the inode blocks, logged and
 * checkpointed, a few times per operation. */
static uint32_t payload_blocks(const struct pc_config *cfg, uint32_t disk_blocks, uint32_t meta)
{
	uint32_t bs = cfg->c_knobs.k_bs;
	uint64_t dflt = disk_blocks > 4096 / 8 ? 4096 : 8ull * disk_blocks;
	uint64_t need = 2 * (cfg->c_write_bytes / bs + 1) + 4ull * meta * (cfg->c_nops + 2) +
			JOURNAL_BLOCKS;

	if (dflt < 256)
		dflt = 256;
	if (need > (1u << 26) / bs)
		need = (1u << 26) / bs;	/* the disk's bound on payload words */
	return (uint32_t)(need > dflt ? need : dflt);
}

/* Bios in flight at once: a write-back of every page of every file, one bio
 * per folio, with the journal's beside it. */
static uint32_t bio_cap(const struct pc_config *cfg, uint64_t fb)
{
	uint64_t n = 2 * cfg->c_nfiles * (fb / PC_PAGE_SIZE) + 64;

	if (n < PC_DISK_MAX_BIOS)
		n = PC_DISK_MAX_BIOS;
	return n > UINT16_MAX ? UINT16_MAX : (uint32_t)n;
}

uint32_t pc_model_max_events(const struct pc_config *cfg)
{
	uint64_t fb;
	uint32_t nb, meta, pool;

	layout(cfg, &fb, &nb, &meta, &pool);
	return SIM_MAX_EVENTS + bio_cap(cfg, fb);	/* a completion per bio, and timers */
}

static uint32_t ioend_cap(const struct pc_config *cfg, uint64_t fb)
{
	uint64_t n = cfg->c_nfiles * (fb / PC_PAGE_SIZE) + 32;

	return n > PC_MAX_IOENDS ? (uint32_t)n : PC_MAX_IOENDS;
}

size_t pc_model_arena_size(const struct pc_config *cfg)
{
	uint64_t fb;
	uint32_t nb, meta, pool, bs = cfg->c_knobs.k_bs, dblocks;
	size_t per_file, disk;

	layout(cfg, &fb, &nb, &meta, &pool);
	dblocks = meta + JOURNAL_BLOCKS + pool;
	per_file = (size_t)fb * (sizeof(pc_tag_t) + 2 + 16 + 1) +
		   (size_t)(fb / PC_PAGE_SIZE) * (sizeof(struct pc_folio) + sizeof(struct pc_pte)) +
		   nb * sizeof(struct pc_extent);
	disk = (size_t)dblocks * (bs * sizeof(pc_tag_t) * 2 + sizeof(uint64_t)) +
	       PC_WLOG_MAX * (sizeof(struct pc_wlog_ent) + 64) +
	       (size_t)payload_blocks(cfg, dblocks, meta) * bs * sizeof(pc_tag_t);
	return sizeof(struct pc_model) + cfg->c_nfiles * per_file + disk +
	       promise_runs(cfg->c_nfiles * fb) * sizeof(struct pc_prun) +
	       __pc_lat_arena_size(nb * cfg->c_nfiles) +
	       (size_t)source_cap(cfg, pool) * (sizeof(struct pc_source) + sizeof(struct pc_srcx)) +
	       PC_MAX_OPS_WORLD * (sizeof(struct pc_opctx) + sizeof(struct sim_op_desc)) +
	       (size_t)ioend_cap(cfg, fb) * sizeof(struct pc_ioend) +
	       (size_t)bio_cap(cfg, fb) * (sizeof(struct pc_bio) + 4) +
	       (size_t)bs * sizeof(pc_tag_t) + (4u << 20);
}

static void jops_get_block(struct sim *s, void *fs, pc_blk_t blk, pc_tag_t *words)
{
	struct pc_world *w = fs;

	for (unsigned i = 0; i < w->w_ninodes; i++) {
		struct pc_inode *ip = w->w_inode[i];

		if (blk >= ip->i_meta_blk && blk < ip->i_meta_blk + ip->i_meta_nblk) {
			__pc_inode_serialize(w, ip, blk - ip->i_meta_blk, words);
			w->w_commit_size[i] = ip->i_disksize;
			return;
		}
	}
	memset(words, 0, w->w_bs * sizeof(*words));
}

static void jops_commit_callback(struct sim *s, void *fs, pc_tid_t tid)
{
	struct pc_world *w = fs;

	pc_alloc_commit(w->w_alloc, tid);
	for (unsigned i = 0; i < w->w_ninodes; i++)
		w->w_durable_size[i] = w->w_commit_size[i];
	__pc_lat_commit(s);
}

static void op_hook(struct sim *s, struct sim_task *t, void *arg, bool begin)
{
	struct pc_world *w = pc_w(s);
	struct pc_opctx *x = arg;

	if (t->t_kernel || !x || x->x_w != w || !x->x_src)
		return;
	if (begin) {
		w->w_srcx[x->x_src].x_inv = ++w->w_hb;
		__pc_size_op_begin(w, x);
		__pc_lat_op_begin(s, x);
	} else if (!(x->o.o_flags & PC_OF_AIO) || !x->x_io) {
		w->w_srcx[x->x_src].x_resp = ++w->w_hb;
		__pc_size_op_done(w, x->x_src);
		__pc_lat_op_end(s, x);
	}
	/* An AIO write that returned -EIOCBQUEUED completes at its end_io. */
}

static struct pc_inode *inode_create(struct sim *s, struct pc_world *w, unsigned ino,
				     uint64_t file_bytes, pc_blk_t meta_blk)
{
	struct pc_inode *ip = sim_alloc(s, sizeof(*ip));

	if (!ip)
		return NULL;
	ip->i_w = w;
	ip->i_ino = (uint8_t)ino;
	ip->i_npages = (uint32_t)(file_bytes / PC_PAGE_SIZE);
	ip->i_nblocks = (uint32_t)(file_bytes / w->w_bs);
	ip->i_map = sim_alloc(s, ip->i_nblocks * sizeof(*ip->i_map));
	ip->i_folios = sim_alloc(s, ip->i_npages * sizeof(*ip->i_folios));
	ip->i_pte = sim_alloc(s, ip->i_npages * sizeof(*ip->i_pte));
	ip->i_last = sim_alloc(s, file_bytes * sizeof(*ip->i_last));
	ip->i_erase_inv = sim_alloc(s, file_bytes * sizeof(*ip->i_erase_inv));
	ip->i_erase_step = sim_alloc(s, file_bytes * sizeof(*ip->i_erase_step));
	ip->i_erase_hb = sim_alloc(s, file_bytes * sizeof(*ip->i_erase_hb));
	ip->i_erase_tid = sim_alloc(s, file_bytes * sizeof(*ip->i_erase_tid));
	ip->i_erase_kind = sim_alloc(s, file_bytes * sizeof(*ip->i_erase_kind));
	ip->i_lat_head = sim_alloc(s, ip->i_nblocks * sizeof(*ip->i_lat_head));
	ip->i_lat_tail = sim_alloc(s, ip->i_nblocks * sizeof(*ip->i_lat_tail));
	ip->i_lat_sver = sim_alloc(s, ip->i_nblocks * sizeof(*ip->i_lat_sver));
	if (!ip->i_lat_head || !ip->i_lat_tail || !ip->i_lat_sver || !ip->i_erase_tid || !ip->i_erase_kind || !ip->i_map || !ip->i_folios || !ip->i_pte || !ip->i_last || !ip->i_erase_inv ||
	    !ip->i_erase_step || !ip->i_erase_hb)
		return NULL;
	for (uint32_t i = 0; i < ip->i_npages; i++) {
		struct pc_folio *f = &ip->i_folios[i];

		f->f_data = sim_alloc(s, PC_PAGE_SIZE * sizeof(pc_tag_t));
		if (!f->f_data)
			return NULL;
		sim_rwsem_init(&f->f_lock, "folio_lock", PC_OBJ(PC_OBJ_FOLIO, ino, i));
		sim_wq_init(&f->f_wb_wq, "folio_wait_writeback", PC_OBJ(PC_OBJ_FOLIO, ino, i));
	}
	sim_rwsem_init(&ip->i_rwsem, "i_rwsem", PC_OBJ(PC_OBJ_RWSEM, ino, 0));
	sim_rwsem_init(&ip->i_mmap_lock, "invalidate_lock", PC_OBJ(PC_OBJ_INVAL, ino, 0));
	sim_wq_init(&ip->i_dio_wq, "inode_dio_wait", PC_OBJ(PC_OBJ_INODE, ino, 1));
	sim_wq_init(&ip->i_aio_wq, "io_getevents", PC_OBJ(PC_OBJ_INODE, ino, 2));
	sim_wq_init(&ip->i_zero.z_wq, "zero_eof_io", PC_OBJ(PC_OBJ_INODE, ino, 3));
	ip->i_jinode.i_owner = ip;
	ip->i_meta_blk = meta_blk;
	ip->i_meta_nblk = inode_meta_blocks(w->w_bs, ip->i_nblocks);
	return ip;
}

struct pc_model *pc_model_create(struct sim *s, const struct pc_config *cfg, char *err,
				 size_t len)
{
	struct pc_model *m;
	struct pc_world *w;
	struct pc_disk_cfg dc;
	struct jbd2_config jc;
	struct jbd2_ops jo;
	uint64_t fb;
	uint32_t nb, meta, pool;
	pc_blk_t next = 0;
	pc_tag_t *buf;
	static const char *const endio_names[] = { "endio", "endio2" };
	static const char *const dio_names[] = { "dio", "dio2" };

	if (cfg->c_nfiles < 1 || cfg->c_nfiles > PC_MAX_FILES) {
		snprintf(err, len, "between 1 and %u files are modelled", PC_MAX_FILES);
		return NULL;
	}
	if (cfg->c_file_bytes > PC_MAX_FILE_BYTES) {
		snprintf(err, len, "offsets up to %u bytes are modelled; this scenario needs %llu",
			 PC_MAX_FILE_BYTES, (unsigned long long)cfg->c_file_bytes);
		return NULL;
	}
	layout(cfg, &fb, &nb, &meta, &pool);
	m = sim_alloc(s, sizeof(*m));
	if (!m)
		goto nomem;
	w = &m->m_w;
	sim_set_priv(s, w);
	w->w_cfg = *cfg;
	w->w_k = cfg->c_knobs;
	w->w_bs = cfg->c_knobs.k_bs;
	w->w_bpp = PC_PAGE_SIZE / w->w_bs;
	/* one ioend per folio may be in flight: a write-back of whole files */
	w->w_ioend_cap = ioend_cap(cfg, fb);
	w->w_ioend = sim_alloc(s, w->w_ioend_cap * sizeof(*w->w_ioend));
	if (!w->w_ioend)
		goto nomem;
	if (inode_meta_blocks(cfg->c_knobs.k_bs, nb) > JBD2_HANDLE_CREDITS) {
		snprintf(err, len,
			 "a file of %llu bytes at block size %u takes %u inode blocks; one jbd2 "
			 "handle dirties at most %u (model/jbd2.c): at most %llu bytes per file "
			 "at this block size",
			 (unsigned long long)fb, cfg->c_knobs.k_bs,
			 inode_meta_blocks(cfg->c_knobs.k_bs, nb), JBD2_HANDLE_CREDITS,
			 (unsigned long long)JBD2_HANDLE_CREDITS * ((cfg->c_knobs.k_bs - 8) / 3) *
				 cfg->c_knobs.k_bs);
		return NULL;
	}
	w->w_src_cap = source_cap(cfg, pool);
	w->w_src = sim_alloc(s, w->w_src_cap * sizeof(*w->w_src));
	w->w_srcx = sim_alloc(s, w->w_src_cap * sizeof(*w->w_srcx));
	if (!w->w_src || !w->w_srcx)
		goto nomem;
	w->w_nsrc = 1;	/* tag 0 is zero */
	memset(&dc, 0, sizeof(dc));
	dc.bs = w->w_bs;
	dc.nblocks = meta + JOURNAL_BLOCKS + pool;
	dc.payload_blocks = payload_blocks(cfg, dc.nblocks, meta);
	dc.max_bios = bio_cap(cfg, fb);
	dc.volatile_cache = cfg->c_volatile_cache;
	dc.stable_pages = cfg->c_knobs.k_stable_pages;
	dc.lat_min = cfg->c_lat_min;
	dc.lat_max = cfg->c_lat_max;
	/* The fault countdowns are armed once the setup is done (arm_faults). */
	w->w_disk = pc_disk_create(s, &dc);
	if (!w->w_disk)
		goto nomem;
	w->w_ninodes = cfg->c_nfiles;
	for (unsigned i = 0; i < cfg->c_nfiles; i++) {
		w->w_inode[i] = inode_create(s, w, i, fb, next);
		if (!w->w_inode[i])
			goto nomem;
		next += w->w_inode[i]->i_meta_nblk;
	}
	w->w_prun_cap = promise_runs(cfg->c_nfiles * fb);
	w->w_prun = sim_alloc(s, w->w_prun_cap * sizeof(*w->w_prun));
	if (!w->w_prun)
		goto nomem;
	buf = sim_alloc(s, w->w_bs * sizeof(*buf));
	if (!buf)
		goto nomem;
	for (unsigned i = 0; i < w->w_ninodes; i++)
		for (uint32_t b = 0; b < w->w_inode[i]->i_meta_nblk; b++) {
			__pc_inode_serialize(w, w->w_inode[i], b, buf);
			pc_disk_fill(w->w_disk, w->w_inode[i]->i_meta_blk + b, buf);
		}
	w->w_data_first = meta + JOURNAL_BLOCKS;
	w->w_data_n = pool;
	for (uint32_t b = 0; b < pool; b++) {
		pc_tag_t tag = __pc_new_source(s, NULL, PC_SRC_STALE, 0, 0, 0, -1);

		w->w_src[tag].src_blk = w->w_data_first + b;
		for (uint32_t k = 0; k < w->w_bs; k++)
			buf[k] = tag;
		pc_disk_fill(w->w_disk, w->w_data_first + b, buf);
	}
	w->w_alloc = pc_alloc_create(s, w->w_data_first, pool);
	memset(&jc, 0, sizeof(jc));
	jc.j_first = meta;
	jc.j_len = JOURNAL_BLOCKS;
	jc.j_commit_interval = w->w_k.k_commit_interval;
	jc.j_xlog = w->w_k.k_profile == PC_PROF_XFS;
	memset(&jo, 0, sizeof(jo));
	jo.fs = w;
	jo.get_block = jops_get_block;
	jo.submit_inode_data = __pc_jbd2_submit_inode_data;
	jo.wait_inode_data = __pc_jbd2_wait_inode_data;
	jo.commit_callback = jops_commit_callback;
	w->w_j = jbd2_journal_create(s, w->w_disk, &jc, &jo);
	if (!w->w_alloc || !w->w_j || !__pc_lat_create(s, w, nb * cfg->c_nfiles))
		goto nomem;
	__pc_lat_init(s);
	__pc_flusher_init(s);
	__pc_workqueue_init(s, &w->w_endio_wq, "endio",
			    w->w_k.k_endio_wq == PC_WQ_ORDERED ? 1 : 2, endio_names);
	w->w_endio_wq.wq_per_inode = true;
	__pc_workqueue_init(s, &w->w_dio_wq, "dio", 2, dio_names);
	for (unsigned i = 0; i < w->w_ioend_cap; i++)
		w->w_ioend[i].io_state = 0;
	sim_set_op_hook(s, op_hook);
	sim_set_next_hook(s, __pc_path_next);
	return m;
nomem:
	snprintf(err, len, "the simulation arena is too small for this configuration");
	return NULL;
}

struct sim_task *pc_user_task(struct sim *s, const char *name)
{
	return sim_task_create(s, name, false);
}

struct sim_task *pc_kernel_task(struct sim *s, const char *name)
{
	struct pc_world *w = pc_w(s);

	if (!strcmp(name, "flusher"))
		return w->w_flusher;
	if (!strcmp(name, "jbd2") || !strcmp(name, "xfs-cil"))
		return jbd2_task(w->w_j);
	if (!strcmp(name, "endio"))
		return w->w_endio_wq.wq_workers[0];
	if (!strcmp(name, "endio2"))
		return w->w_endio_wq.wq_nworkers > 1 ? w->w_endio_wq.wq_workers[1] : NULL;
	if (!strcmp(name, "dio"))
		return w->w_dio_wq.wq_workers[0];
	if (!strcmp(name, "dio2"))
		return w->w_dio_wq.wq_workers[1];
	return NULL;
}

int pc_queue_op(struct sim *s, struct sim_task *t, const struct pc_opspec *op, char *err,
		size_t len)
{
	struct pc_world *w = pc_w(s);
	struct pc_opctx *x;
	const struct sim_op_desc *d;
	uint64_t cap;
	uint8_t kind = PC_SRC_WRITE;

	if (op->o_file >= w->w_ninodes) {
		snprintf(err, len, "file %u is not modelled", op->o_file);
		return -1;
	}
	cap = (uint64_t)w->w_inode[op->o_file]->i_npages * PC_PAGE_SIZE;
	if (op->o_off > cap || op->o_len > cap || op->o_off + op->o_len > cap) {
		snprintf(err, len, "range %llu+%llu is past the %llu bytes modelled per file",
			 (unsigned long long)op->o_off, (unsigned long long)op->o_len,
			 (unsigned long long)cap);
		return -1;
	}
	if ((op->o_flags & PC_OF_WRITETHROUGH) && !w->w_k.k_writethrough) {
		snprintf(err, len, "RWF_WRITETHROUGH needs the knob writethrough=on (profile %s)",
			 pc_profile_names[w->w_k.k_profile]);
		return -1;
	}
	d = __pc_build_op(s, op);
	if (!d) {
		snprintf(err, len, "%s%s is not available under profile %s", pc_op_names[op->o_kind],
			 op->o_flags & PC_OF_WRITETHROUGH ? " writethrough" : "",
			 pc_profile_names[w->w_k.k_profile]);
		return -1;
	}
	if (w->w_nops >= PC_MAX_OPS_WORLD || w->w_nsrc >= w->w_src_cap - 1 ||
	    !(x = sim_alloc(s, sizeof(*x)))) {
		snprintf(err, len, "too many operations");
		return -1;
	}
	x->o = *op;
	x->x_w = w;
	x->x_ip = w->w_inode[op->o_file];
	x->x_no = w->w_nops;
	x->x_task = t;
	x->x_pos = op->o_off;
	x->x_end = op->o_off + op->o_len;
	sim_wq_init(&x->x_wq, pc_op_names[op->o_kind], PC_OBJ(PC_OBJ_WQ, op->o_file, 2));
	if (op->o_kind == PC_OP_STORE)
		kind = PC_SRC_STORE;
	else if (op->o_kind != PC_OP_PWRITE && op->o_kind != PC_OP_APPEND)
		kind = PC_SRC_META;	/* an operation's identity (erases, syncs) */
	x->x_src = __pc_new_source(s, t, kind, op->o_file, op->o_off, op->o_len, op->o_data);
	w->w_src[x->x_src].src_op = x->x_no;
	w->w_ops[w->w_nops++] = x;
	if (sim_task_add_op(s, t, d, x, x->x_no)) {
		snprintf(err, len, "too many operations on one thread (at most %u)", SIM_MAX_OPS);
		return -1;
	}
	return (int)x->x_no;
}

/* fail_write=N / fail_flush=N count the writes and flushes after the
 * setup (pc_model_settle) or the mount (pc_model_mount): the setup's own
 * I/O never fails. */
static void arm_faults(struct pc_world *w)
{
	const struct pc_config *cfg = &w->w_cfg;

	pc_disk_set_faults(w->w_disk,
			   cfg->c_fail_write_nth ? cfg->c_fail_write_nth : w->w_k.k_fail_write,
			   cfg->c_fail_flush_nth ? cfg->c_fail_flush_nth : w->w_k.k_fail_flush);
}

int pc_model_settle(struct sim *s, char *err, size_t len)
{
	struct pc_world *w = pc_w(s);
	struct sim_task *t = sim_task_create(s, "setup-sync", false);
	struct pc_opspec sync = { .o_kind = PC_OP_SYNC, .o_data = -1 };
	enum sim_status st = sim_run(s);

	if (st != SIM_OK || !t || pc_queue_op(s, t, &sync, err, len) < 0 ||
	    (st = sim_run(s)) != SIM_OK) {
		if (st != SIM_OK)
			snprintf(err, len, "the setup did not run to completion (%s)",
				 st == SIM_DEADLOCK ? "deadlock" : "stopped");
		return -1;
	}
	pc_disk_settle(w->w_disk);
	arm_faults(w);
	memset(&w->w_m, 0, sizeof(w->w_m));
	w->w_nviol = 0;
	w->w_viol_mask = 0;
	w->w_npromise = 0;
	w->w_nerase = 0;
	w->w_nprun = 0;
	for (unsigned i = 0; i < w->w_ninodes; i++) {
		struct pc_inode *ip = w->w_inode[i];
		uint64_t cap = (uint64_t)ip->i_npages * PC_PAGE_SIZE;

		memset(ip->i_erase_inv, 0, cap * sizeof(*ip->i_erase_inv));
		memset(ip->i_erase_step, 0, cap * sizeof(*ip->i_erase_step));
		memset(ip->i_erase_hb, 0, cap * sizeof(*ip->i_erase_hb));
		memset(ip->i_erase_tid, 0, cap * sizeof(*ip->i_erase_tid));
		ip->i_erase_plo = ip->i_erase_phi = 0;
		memset(ip->i_erase_kind, 0, cap * sizeof(*ip->i_erase_kind));
		w->w_commit_size[i] = w->w_durable_size[i] = ip->i_disksize;
	}
	__pc_lat_reset(s);
	__pc_size_reset(w);
	w->w_base_tid = jbd2_committed_tid(w->w_j);
	w->w_settled = true;
	return 0;
}

pc_tag_t *pc_model_power_cut(struct sim *s, bool now, char *err, size_t len)
{
	struct pc_world *w = pc_w(s);
	struct pc_persist p = { .p_mode = PC_PERSIST_PREFIX, .p_max = 1 };
	uint32_t k;
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	size_t isz = (size_t)pc_disk_nblocks(w->w_disk) * w->w_bs * sizeof(pc_tag_t);
	struct jbd2_recovery_info ri;
	pc_tag_t *img = NULL;

	if (!now && sim_run(s) != SIM_OK) {
		snprintf(err, len, "the setup did not run to completion");
		return NULL;
	}
	k = pc_disk_wlog_len(w->w_disk);
	it = pc_crash_iter_new(w->w_disk, k, k, &p);
	cs = it ? pc_crash_next(it) : NULL;	/* prefix 0: no uncertain write */
	if (cs && (img = malloc(isz)))
		memcpy(img, cs->cs_image, isz);
	pc_crash_iter_free(it);
	if (!img) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	memset(&ri, 0, sizeof(ri));
	if (jbd2_journal_recover(img, w->w_bs, w->w_data_first - JOURNAL_BLOCKS, JOURNAL_BLOCKS,
				 &ri) < 0 || ri.ri_corrupt) {
		snprintf(err, len, "journal recovery after the setup failed: %s", ri.ri_why);
		free(img);
		return NULL;
	}
	return img;
}

int pc_model_mount(struct sim *s, const struct sim *from, const pc_tag_t *image, char *err,
		   size_t len)
{
	struct pc_world *w = pc_w(s);
	const struct pc_world *o = pc_w(from);
	pc_blk_t jfirst = w->w_data_first - JOURNAL_BLOCKS;

	memcpy(w->w_src, o->w_src, o->w_nsrc * sizeof(*w->w_src));
	memcpy(w->w_srcx, o->w_srcx, o->w_nsrc * sizeof(*w->w_srcx));
	w->w_nsrc = o->w_nsrc;
	w->w_hb = o->w_hb;
	for (pc_blk_t b = 0; b < pc_disk_nblocks(w->w_disk); b++)
		if (b < jfirst || b >= w->w_data_first)
			pc_disk_fill(w->w_disk, b, image + (size_t)b * w->w_bs);
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];
		uint64_t size, cap = (uint64_t)ip->i_npages * PC_PAGE_SIZE;
		char why[96];

		if (__pc_inode_deserialize(w, image, f, &size, ip->i_map, why, sizeof(why))) {
			snprintf(err, len, "mount: %s", why);
			return -1;
		}
		ip->i_size = ip->i_disksize = size;
		w->w_commit_size[f] = w->w_durable_size[f] = size;
		/* ext4_orphan_cleanup (fs/ext4/orphan.c): an inode on the orphan
		 * list (a truncate whose size change committed but whose block
		 * freeing did not, an extending direct write whose size was
		 * never logged) is truncated to its on-disk size (ext4_truncate)
		 * and leaves the list. Every other block past EOF stays mapped:
		 * fallocate(KEEP_SIZE) preallocations are unwritten extents
		 * that survive a remount. XFS has no orphan list for this: its
		 * truncate frees in the transaction that logs the size (one
		 * model transaction), so recovery never finds one half done, and
		 * blocks past EOF (XFS_DIFLAG_PREALLOC) survive. */
		if (w->w_k.k_profile != PC_PROF_XFS && __pc_inode_orphan(w, image, f))
			for (uint32_t b = (uint32_t)((size + w->w_bs - 1) / w->w_bs);
			     b < ip->i_nblocks; b++)
				ip->i_map[b].e_state = EXT_HOLE;
		ip->i_orphan = false;
		for (uint32_t b = 0; b < ip->i_nblocks; b++)
			if (ip->i_map[b].e_state == EXT_UNWRITTEN || ip->i_map[b].e_state == EXT_WRITTEN)
				pc_alloc_mark_used(w->w_alloc, ip->i_map[b].e_pblk);
		/* What the mount finds is the file's content; anything past EOF
		 * is gone (erased before every crash point of this run). */
		for (uint64_t off = 0; off < cap; off++) {
			const struct pc_extent *e = &ip->i_map[off / w->w_bs];

			ip->i_last[off] = off < size && e->e_state == EXT_WRITTEN
						  ? image[(size_t)e->e_pblk * w->w_bs + off % w->w_bs]
						  : 0;
			ip->i_erase_inv[off] = off >= size ? (uint32_t)w->w_hb + 1 : 0;
			ip->i_erase_hb[off] = off >= size ? (uint32_t)w->w_hb + 1 : 0;
			ip->i_erase_step[off] = 0;
		}
	}
	w->w_hb++;
	pc_disk_settle(w->w_disk);
	arm_faults(w);
	__pc_lat_reset(s);
	__pc_size_reset(w);
	w->w_settled = true;
	return 0;
}

/* Read the whole file through the page cache (what a read(2) after the
 * run would return) and check it. */
static void final_read(struct sim *s, struct pc_inode *ip)
{
	struct pc_world *w = ip->i_w;
	pc_tag_t *buf = malloc(PC_PAGE_SIZE * sizeof(*buf));

	if (!buf)
		return;
	for (uint64_t pos = 0; pos < ip->i_size; pos += PC_PAGE_SIZE) {
		uint32_t index = (uint32_t)(pos / PC_PAGE_SIZE);
		struct pc_folio *f = __pc_folio(ip, index);
		uint64_t n = ip->i_size - pos < PC_PAGE_SIZE ? ip->i_size - pos : PC_PAGE_SIZE;

		for (uint32_t k = 0; k < w->w_bpp; k++) {
			uint32_t b = index * w->w_bpp + k;
			pc_tag_t *dst = buf + k * w->w_bs;

			if ((f->f_flags & PC_F_CACHED) && (f->f_buptodate & (1u << k)))
				memcpy(dst, f->f_data + k * w->w_bs, w->w_bs * sizeof(*dst));
			else if (ip->i_map[b].e_state == EXT_WRITTEN)
				memcpy(dst, pc_disk_read(w->w_disk, ip->i_map[b].e_pblk),
				       w->w_bs * sizeof(*dst));
			else
				memset(dst, 0, w->w_bs * sizeof(*dst));
		}
		__pc_oracle_check_bytes(s, ip, pos, buf, n, false, 0);
	}
	free(buf);
	/* A completed write's data past EOF with no truncate since: lost (the
	 * size went backwards under it). Stores past EOF are junk by nature. */
	for (uint64_t o = ip->i_size; o < (uint64_t)ip->i_npages * PC_PAGE_SIZE; o++) {
		pc_tag_t t = ip->i_last[o];
		const struct pc_source *src = &w->w_src[t];

		if (!t || w->w_srcx[t].x_resp == UINT64_MAX || (src->src_kind != PC_SRC_WRITE &&
		    !(src->src_kind == PC_SRC_STORE && !w->w_srcx[t].x_past_eof)))
			continue;
		__pc_violation(s, PC_INV_LOST_WRITE, ip->i_ino, o, 1, t, false, 0,
			       "bytes of file %u written by a completed operation are past EOF "
			       "(%llu): the size went backwards under them",
			       ip->i_ino, (unsigned long long)ip->i_size);
	}
}

/* The tag read(2) would see at offset o (page cache, else disk, else 0). */
static pc_tag_t read_tag(const struct pc_inode *ip, uint64_t o)
{
	const struct pc_world *w = ip->i_w;
	const struct pc_folio *f = &ip->i_folios[o / PC_PAGE_SIZE];
	uint32_t k = (uint32_t)(o % PC_PAGE_SIZE / w->w_bs);
	const struct pc_extent *e = &ip->i_map[o / w->w_bs];

	if ((f->f_flags & PC_F_CACHED) && (f->f_buptodate & (1u << k)))
		return f->f_data[o % PC_PAGE_SIZE];
	if (e->e_state == EXT_WRITTEN)
		return pc_disk_read(w->w_disk, e->e_pblk)[o % w->w_bs];
	return PC_TAG_ZERO;
}

uint64_t pc_model_read(const struct sim *s, unsigned file, uint64_t off, uint64_t len,
		       uint8_t *out)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_inode *ip = file < w->w_ninodes ? w->w_inode[file] : NULL;
	uint64_t n = 0;

	for (uint64_t o = off; ip && o < off + len && o < ip->i_size; o++, n++)
		out[n] = pc_byte_value(s, read_tag(ip, o), o);
	return n;
}

void pc_model_sizes(const struct sim *s, unsigned file, uint64_t *isize, uint64_t *disksize,
		    uint64_t *durable)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_inode *ip = file < w->w_ninodes ? w->w_inode[file] : NULL;

	*isize = ip ? ip->i_size : 0;
	*disksize = ip ? ip->i_disksize : 0;
	*durable = ip ? w->w_durable_size[file] : 0;
}

/* The tags read(2) would see in block b of ip (page cache, else disk, else
 * NULL: zeros), as read_tag per byte. */
static const pc_tag_t *block_tags(const struct pc_inode *ip, uint32_t b)
{
	const struct pc_world *w = ip->i_w;
	const struct pc_folio *f = &ip->i_folios[b / w->w_bpp];
	uint32_t k = b % w->w_bpp;

	if ((f->f_flags & PC_F_CACHED) && (f->f_buptodate & (1u << k)))
		return f->f_data + (size_t)k * w->w_bs;
	if (ip->i_map[b].e_state == EXT_WRITTEN)
		return pc_disk_read(w->w_disk, ip->i_map[b].e_pblk);
	return NULL;
}

uint64_t pc_model_state_hash(const struct sim *s)
{
	const struct pc_world *w = pc_w(s);
	uint64_t h = SIM_HASH_INIT;
	uint8_t buf[PC_PAGE_SIZE];

	/* what read(2) returns, a block at a time, hashed a page at a time */
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		const struct pc_inode *ip = w->w_inode[f];

		h = sim_hash_u64(h, ip->i_size);
		for (uint64_t pos = 0; pos < ip->i_size; pos += PC_PAGE_SIZE) {
			uint64_t n = ip->i_size - pos < PC_PAGE_SIZE ? ip->i_size - pos : PC_PAGE_SIZE;

			for (uint64_t k = 0; k < n; k += w->w_bs) {
				uint32_t m = (uint32_t)(n - k < w->w_bs ? n - k : w->w_bs);
				const pc_tag_t *t = block_tags(ip, (uint32_t)((pos + k) / w->w_bs));

				if (t)
					pc_byte_values(s, t, pos + k, m, buf + k);
				else
					memset(buf + k, 0, m);
			}
			h = sim_hash_fast(h, buf, n);
		}
	}
	return h;
}

void pc_model_fp_normalise(struct sim *s)
{
	struct pc_world *w = pc_w(s);

	memset(w->w_viol, 0, sizeof(w->w_viol));
	w->w_nviol = 0;
	pc_disk_wlog_clear_steps(w->w_disk);
}

uint64_t pc_model_crash_key(const struct sim *s)
{
	const struct pc_world *w = pc_w(s);
	uint64_t h = SIM_HASH_INIT;

	for (uint32_t i = 0; i < pc_disk_wlog_len(w->w_disk); i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(w->w_disk, i);

		h = sim_hash_u64(h, ((uint64_t)e->wl_type << 56) ^ ((uint64_t)e->wl_flags << 48) ^
					    ((uint64_t)e->wl_kind << 40) ^ ((uint64_t)e->wl_bio << 8) ^
					    (uint64_t)(uint16_t)e->wl_status);
		h = sim_hash_u64(h, ((uint64_t)e->wl_blk << 32) | e->wl_nblk);
		if (e->wl_type == PC_WL_SUBMIT && e->wl_op == PC_REQ_WRITE)
			h = sim_hash_fast(h, pc_disk_wlog_data(w->w_disk, e->wl_data),
					   (size_t)e->wl_nblk * w->w_bs * sizeof(pc_tag_t));
		/* What the device read at completion, when the pages changed. */
		if (e->wl_type == PC_WL_COMPLETE && e->wl_op == PC_REQ_WRITE &&
		    e->wl_dma != UINT32_MAX && e->wl_data < i &&
		    e->wl_dma != pc_disk_wlog(w->w_disk, e->wl_data)->wl_data)
			h = sim_hash_fast(h, pc_disk_wlog_data(w->w_disk, e->wl_dma),
					   (size_t)e->wl_nblk * w->w_bs * sizeof(pc_tag_t));
	}
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		const struct pc_inode *ip = w->w_inode[f];
		size_t cap = (size_t)ip->i_npages * PC_PAGE_SIZE;

		h = sim_hash_fast(h, ip->i_last, cap * sizeof(*ip->i_last));
		h = sim_hash_fast(h, ip->i_erase_inv, cap * sizeof(*ip->i_erase_inv));
		h = sim_hash_fast(h, ip->i_erase_step, cap * sizeof(*ip->i_erase_step));
		h = sim_hash_fast(h, ip->i_erase_tid, cap * sizeof(*ip->i_erase_tid));
		h = sim_hash_fast(h, ip->i_erase_kind, cap * sizeof(*ip->i_erase_kind));
	}
	for (unsigned i = 0; i < w->w_npromise; i++) {
		const struct pc_promise *pr = &w->w_promise[i];

		h = sim_hash_u64(h, pr->pr_file ^ (pr->pr_size << 8) ^ ((uint64_t)pr->pr_wlog << 40));
		for (uint32_t k = pr->pr_run; k < pr->pr_run + pr->pr_nrun; k++) {
			const struct pc_prun *r = &w->w_prun[k];

			h = sim_hash_u64(h, ((uint64_t)r->r_off << 32) | r->r_len);
			h = sim_hash_u64(h, r->r_tag);
		}
	}
	return h;
}

unsigned pc_model_nfiles(const struct sim *s)
{
	return pc_w(s)->w_ninodes;
}

uint64_t pc_model_size(const struct sim *s, unsigned file)
{
	const struct pc_world *w = pc_w(s);

	return file < w->w_ninodes ? w->w_inode[file]->i_size : 0;
}

void pc_model_finish(struct sim *s)
{
	struct pc_world *w = pc_w(s);
	char why[256];

	if (sim_status(s) == SIM_DEADLOCK) {
		sim_deadlock_check(s, why, sizeof(why));
		__pc_violation(s, PC_INV_DEADLOCK, 0, 0, 0, 0, false, 0, "%s", why);
	}
	for (unsigned i = 0; i < w->w_ninodes; i++)
		final_read(s, w->w_inode[i]);
}

/* Journal recovery of one crash state, remembered: recovery reads only the
 * journal area and writes home blocks with copies of log blocks and the
 * superblock, so what it does is a function of the journal area's
 * contents. When a state's journal area hashes as the previous one's
 * (pc_crash_range_hash), its result is replayed instead: the blocks it
 * wrote get the contents they got then. */
struct recovery_memo {
	bool rm_valid;
	uint64_t rm_key;
	int rm_rc;
	struct jbd2_recovery_info rm_ri;
	uint32_t rm_n;			/* blocks written; > rm_max: too many to keep */
	uint32_t rm_max;
	pc_blk_t *rm_blk;		/* [rm_max] */
	pc_tag_t *rm_data;		/* [rm_max * bs] their contents after recovery */
	uint64_t rm_hits, rm_runs;
	pc_tag_t *rm_check;		/* PCSIM_CHECK_RECOVERY_MEMO=1: every replay is
					 * compared with a real recovery on this copy */
};

static int recover(struct sim *s, struct pc_crash_iter *it, struct recovery_memo *rm,
		   pc_tag_t *image, struct jbd2_recovery_info *ri)
{
	struct pc_world *w = pc_w(s);
	pc_blk_t jfirst = w->w_data_first - JOURNAL_BLOCKS;
	uint64_t key = pc_crash_range_hash(it, jfirst, JOURNAL_BLOCKS);
	size_t bw = w->w_bs;

	if (rm->rm_valid && rm->rm_key == key && rm->rm_n <= rm->rm_max) {
		size_t isz = (size_t)pc_disk_nblocks(w->w_disk) * bw * sizeof(pc_tag_t);
		struct jbd2_recovery_info cri;
		int crc = 0;

		if (rm->rm_check) {
			memcpy(rm->rm_check, image, isz);
			crc = jbd2_journal_recover(rm->rm_check, w->w_bs, jfirst, JOURNAL_BLOCKS, &cri);
		}
		for (uint32_t i = 0; i < rm->rm_n; i++) {
			memcpy(image + (size_t)rm->rm_blk[i] * bw, rm->rm_data + i * bw,
			       bw * sizeof(pc_tag_t));
			pc_crash_touch(it, rm->rm_blk[i]);
		}
		*ri = rm->rm_ri;
		rm->rm_hits++;
		if (rm->rm_check && (crc != rm->rm_rc || memcmp(&cri, ri, sizeof(cri)) ||
				     memcmp(rm->rm_check, image, isz))) {
			fprintf(stderr, "pcsim: BUG: journal recovery replayed from the memo differs "
					"from a real recovery\n");
			abort();
		}
		return rm->rm_rc;
	}
	rm->rm_runs++;
	rm->rm_rc = jbd2_journal_recover_logged(image, w->w_bs, jfirst, JOURNAL_BLOCKS, ri,
						rm->rm_blk, rm->rm_max, &rm->rm_n);
	rm->rm_ri = *ri;
	rm->rm_key = key;
	rm->rm_valid = rm->rm_n <= rm->rm_max;
	if (!rm->rm_valid) {
		pc_crash_touch_all(it);
		return rm->rm_rc;
	}
	for (uint32_t i = 0; i < rm->rm_n; i++) {
		pc_crash_touch(it, rm->rm_blk[i]);
		if (rm->rm_blk[i] < pc_disk_nblocks(w->w_disk))
			continue;
		rm->rm_valid = false;	/* out of range: do not replay it */
	}
	/* the contents, read after recovery (a block written twice keeps its last) */
	for (uint32_t i = 0; rm->rm_valid && i < rm->rm_n; i++)
		memcpy(rm->rm_data + i * bw, image + (size_t)rm->rm_blk[i] * bw,
		       bw * sizeof(pc_tag_t));
	return rm->rm_rc;
}

/* Recover the journal into a crash state's image (in place: the blocks
 * recovery writes are handed back to the iterator, which restores them for
 * the next state) and check it; tell view (if any) what it holds. */
static void check_image(struct sim *s, struct pc_crash_iter *it, struct recovery_memo *rm,
			pc_tag_t *image, uint32_t point, pc_crash_view_fn view, void *ctx)
{
	struct pc_crash_view cv;
	uint8_t *vals[PC_MAX_FILES] = { NULL };
	struct pc_world *w = pc_w(s);
	struct jbd2_recovery_info ri;
	struct pc_extent *map;
	uint8_t *owner;
	char why[96];
	int rc;

	memset(&ri, 0, sizeof(ri));
	memset(&cv, 0, sizeof(cv));
	cv.cv_point = point;
	cv.cv_nfiles = w->w_ninodes;
	w->w_state_viol = 0;
	rc = recover(s, it, rm, image, &ri);
	if (rc < 0 || ri.ri_corrupt) {
		__pc_violation(s, PC_INV_JOURNAL, 0, 0, 0, 0, true, point,
			       "after crash, journal recovery failed: %s", ri.ri_why);
		if (view) {
			cv.cv_bad = true;
			cv.cv_viol = w->w_state_viol;
			view(ctx, s, &cv);
		}
		return;
	}
	w->w_crash_tid = w->w_base_tid;
	if (ri.ri_transactions && ri.ri_last_tid > w->w_crash_tid)
		w->w_crash_tid = ri.ri_last_tid;
	owner = calloc(pc_disk_nblocks(w->w_disk), 1);
	map = calloc(w->w_inode[0]->i_nblocks, sizeof(*map));
	if (!owner || !map)
		goto out;
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];
		uint64_t size;
		pc_tag_t *bytes;

		memset(map, 0, ip->i_nblocks * sizeof(*map));
		if (__pc_inode_deserialize(w, image, f, &size, map, why, sizeof(why))) {
			__pc_violation(s, PC_INV_JOURNAL, f, 0, 0, 0, true, point,
				       "after crash, %s", why);
			continue;
		}
		for (uint32_t b = 0; b < ip->i_nblocks; b++) {
			pc_blk_t p = map[b].e_pblk;

			if (map[b].e_state != EXT_UNWRITTEN && map[b].e_state != EXT_WRITTEN)
				continue;
			if (p < w->w_data_first || p >= w->w_data_first + w->w_data_n || owner[p]) {
				__pc_violation(s, PC_INV_JOURNAL, f, (uint64_t)b * w->w_bs, w->w_bs, 0,
					       true, point,
					       "after crash, file %u block %u maps disk block %u, "
					       "%s",
					       f, b, p,
					       owner[p] ? "which another extent owns"
							: "outside the data area");
				continue;
			}
			owner[p] = 1;
		}
		if (size > (uint64_t)ip->i_npages * PC_PAGE_SIZE) {
			__pc_violation(s, PC_INV_JOURNAL, f, 0, 0, 0, true, point,
				       "after crash, file %u size %llu is past the modelled space",
				       f, (unsigned long long)size);
			continue;
		}
		bytes = calloc(size ? size : 1, sizeof(*bytes));
		if (!bytes)
			continue;
		for (uint64_t o = 0; o < size; o++) {
			const struct pc_extent *e = &map[o / w->w_bs];

			if (e->e_state == EXT_WRITTEN)
				bytes[o] = image[(size_t)e->e_pblk * w->w_bs + o % w->w_bs];
		}
		__pc_oracle_check_bytes(s, ip, 0, bytes, size, true, point);
		__pc_check_promises(s, f, size, bytes, point);
		if (view && f < PC_MAX_FILES && (vals[f] = malloc(size ? size : 1))) {
			for (uint64_t o = 0; o < size; o++)
				vals[f][o] = pc_byte_value(s, bytes[o], o);
			cv.cv_size[f] = size;
			cv.cv_bytes[f] = vals[f];
		}
		free(bytes);
	}
	if (view) {
		for (unsigned f = 0; f < cv.cv_nfiles && f < PC_MAX_FILES; f++)
			if (!cv.cv_bytes[f])
				cv.cv_bad = true;
		cv.cv_viol = w->w_state_viol;
		view(ctx, s, &cv);
	}
out:
	for (unsigned f = 0; f < PC_MAX_FILES; f++)
		free(vals[f]);
	free(owner);
	free(map);
}

uint64_t pc_model_check_crashes(struct sim *s, uint32_t from, uint32_t to,
				const struct pc_persist *p, bool *complete, uint64_t *dups)
{
	return pc_model_check_crashes_view(s, from, to, p, complete, dups, NULL, NULL);
}

uint64_t pc_model_check_crashes_view(struct sim *s, uint32_t from, uint32_t to,
				     const struct pc_persist *p, bool *complete, uint64_t *dups,
				     pc_crash_view_fn view, void *ctx)
{
	struct pc_world *w = pc_w(s);
	struct pc_crash_iter *it = pc_crash_iter_new(w->w_disk, from, to, p);
	const struct pc_crash_state *cs;
	/* recovery writes at most the superblock and a home block per log block */
	struct recovery_memo rm = { .rm_max = JOURNAL_BLOCKS + 1 };
	uint64_t n = 0, d = 0;

	*complete = false;
	if (getenv("PCSIM_DEBUG_WLOG"))
		for (uint32_t i = 0; i < pc_disk_wlog_len(w->w_disk); i++) {
			const struct pc_wlog_ent *e = pc_disk_wlog(w->w_disk, i);

			fprintf(stderr, "wlog %2u: %s bio %u op %u flags %u kind %u blk %u+%u st %d step %llu\n",
				i, e->wl_type == PC_WL_SUBMIT ? "submit  " : "complete", e->wl_bio,
				e->wl_op, e->wl_flags, e->wl_kind, e->wl_blk, e->wl_nblk, e->wl_status,
				(unsigned long long)e->wl_step);
		}
	if (getenv("PCSIM_CHECK_RECOVERY_MEMO"))
		rm.rm_check = malloc((size_t)pc_disk_nblocks(w->w_disk) * w->w_bs * sizeof(pc_tag_t));
	rm.rm_blk = malloc(rm.rm_max * sizeof(*rm.rm_blk));
	rm.rm_data = malloc((size_t)rm.rm_max * w->w_bs * sizeof(*rm.rm_data));
	if (!it || !rm.rm_blk || !rm.rm_data) {
		free(rm.rm_blk);
		free(rm.rm_data);
		pc_crash_iter_free(it);
		return 0;
	}
	while ((cs = pc_crash_next(it))) {
		unsigned before = w->w_nviol;

		check_image(s, it, &rm, cs->cs_image, cs->cs_point, view, ctx);
		if (w->w_nviol > before && !w->w_surv_set) {
			w->w_surv_set = true;
			w->w_nsurv = cs->cs_nsurvivors;
			memcpy(w->w_surv, cs->cs_survivors, w->w_nsurv * sizeof(uint32_t));
		}
	}
	pc_crash_counts(it, &n, &d, complete);
	w->w_crash_unmatched = pc_crash_unmatched(it);
	if (dups)
		*dups = d;
	pc_crash_iter_free(it);
	free(rm.rm_blk);
	free(rm.rm_data);
	free(rm.rm_check);
	if (getenv("PCSIM_DEBUG_RECOVERY"))
		fprintf(stderr, "recovery: %llu run, %llu replayed from the memo\n",
			(unsigned long long)rm.rm_runs, (unsigned long long)rm.rm_hits);
	return n;
}

void pc_kick_commit(struct sim *s)
{
	struct pc_world *w = pc_w(s);
	pc_tid_t tid = jbd2_running_tid(w->w_j);

	if (tid)
		jbd2_log_start_commit(s, w->w_j, tid);
}

const struct pc_bio *pc_disk_inflight_bio(const struct sim *s, uint32_t i)
{
	return pc_disk_inflight_get(pc_w(s)->w_disk, i);
}

unsigned pc_crash_survivors(const struct sim *s, uint32_t *ids, unsigned max)
{
	const struct pc_world *w = pc_w(s);
	unsigned n = w->w_nsurv < max ? w->w_nsurv : max;

	memcpy(ids, w->w_surv, n * sizeof(*ids));
	return n;
}

uint32_t pc_model_crash_unmatched(const struct sim *s)
{
	return pc_w(s)->w_crash_unmatched;
}

uint32_t pc_wlog_len(const struct sim *s)
{
	return pc_disk_wlog_len(pc_w(s)->w_disk);
}

const char *pc_model_limit(const struct sim *s)
{
	const struct pc_world *w = pc_w(s);

	return w->w_limit[0] ? w->w_limit : NULL;
}

void pc_model_metrics(const struct sim *s, struct pc_metrics *m)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_disk_stats *ds = pc_disk_stats(w->w_disk);
	const struct jbd2_stats *js = jbd2_stats(w->w_j);

	*m = w->w_m;
	for (unsigned k = 0; k < PC_BIO_NKINDS; k++) {
		m->m_ios[k] = ds->ds_writes[k];
		m->m_io_blocks[k] = ds->ds_blocks[k];
	}
	m->m_flushes = ds->ds_flushes;
	m->m_fua = ds->ds_fua;
	m->m_seeks = ds->ds_seeks;
	m->m_commits = js->js_commits;
	m->m_steps = sim_steps(s);
	m->m_sim_time = sim_now(s);
	__pc_lat_metrics(s, m);
}
