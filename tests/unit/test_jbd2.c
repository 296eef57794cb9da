/* Unit tests: the jbd2 journal (model/jbd2.c, model/jbd2_recovery.c) with a
 * stub file system: handles, T_LOCKED (and reserved handles that join it),
 * ordered data, refiling, the commit timer, the log format, recovery over
 * every crash state, checkpoint, abort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/crash.h"
#include "model/jbd2.h"

#define BS	512
#define NBLK	64
#define JFIRST	0
#define META0	40	/* home blocks of the stub's metadata: 40..47 */
#define NMETA	8
#define DATA0	56	/* ordered data of jinode i goes to DATA0 + i */
#define LAT	(100 * SIM_USEC)
#define STALE(b) ((pc_tag_t)(1000 + (b)))

/* ---- the stub file system ---- */

struct tfs {
	struct sim *s;
	struct pc_disk *d;
	struct jbd2_journal *j;
	uint32_t jlen;
	pc_tag_t meta[NMETA][BS];	/* in-memory metadata blocks */
	char calls[64];			/* G get_block, S submit, W waited, C callback */
	unsigned ncalls;
	uint64_t sub_start[8], sub_end[8];
	unsigned nsub;
	unsigned data_pending;
	struct sim_wq data_wq;
	pc_tid_t cb[32];
	unsigned ncb;
	struct jbd2_inode ji[2];
};

static void call(struct tfs *fs, char c)
{
	if (fs->ncalls < sizeof(fs->calls) - 1)
		fs->calls[fs->ncalls++] = c;
}

static void fs_get_block(struct sim *s, void *arg, pc_blk_t blk, pc_tag_t *words)
{
	struct tfs *fs = arg;

	assert_true(blk >= META0 && blk < META0 + NMETA);
	call(fs, 'G');
	memcpy(words, fs->meta[blk - META0], sizeof(fs->meta[0]));
}

static void fs_data_end_io(struct sim *s, struct pc_bio *bio)
{
	struct tfs *fs = bio->bi_private;

	fs->data_pending--;
	sim_wake_all(s, &fs->data_wq);
	pc_bio_put(fs->d, bio);
}

static bool fs_submit(struct sim *s, struct sim_task *t, void *arg, struct jbd2_inode *ji,
		      uint64_t start, uint64_t end)
{
	struct tfs *fs = arg;
	struct pc_bio *bio = pc_bio_alloc(s, fs->d);
	pc_tag_t w[BS];

	call(fs, 'S');
	fs->sub_start[fs->nsub] = start;
	fs->sub_end[fs->nsub++] = end;
	for (unsigned i = 0; i < BS; i++)
		w[i] = (pc_tag_t)(0x5000 + fs->nsub);
	bio->bi_op = PC_REQ_WRITE;
	bio->bi_kind = PC_BIO_DATA;
	bio->bi_blk = DATA0 + (pc_blk_t)(ji - fs->ji);
	bio->bi_nblk = 1;
	bio->bi_end_io = fs_data_end_io;
	bio->bi_private = fs;
	fs->data_pending++;
	pc_disk_submit(s, fs->d, bio, w);
	return true;
}

static bool fs_wait(struct sim *s, struct sim_task *t, void *arg, struct jbd2_inode *ji,
		    uint64_t start, uint64_t end)
{
	struct tfs *fs = arg;

	if (fs->data_pending) {
		sim_wait(s, t, &fs->data_wq);
		return false;
	}
	call(fs, 'W');
	return true;
}

static void fs_callback(struct sim *s, void *arg, pc_tid_t tid)
{
	struct tfs *fs = arg;

	call(fs, 'C');
	fs->cb[fs->ncb++] = tid;
}

struct setup {
	uint32_t jlen;
	sim_time_t interval;
	sim_time_t lat_max;
	uint32_t fail_flush_nth;
};

static struct tfs *mk(const struct setup *su)
{
	struct sim_config cfg = { .seed = 11, .arena_size = 16 << 20 };
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = NBLK, .volatile_cache = true,
				  .lat_min = LAT, .lat_max = su->lat_max ? su->lat_max : LAT,
				  .fail_flush_nth = su->fail_flush_nth };
	struct jbd2_config jc = { .j_first = JFIRST, .j_len = su->jlen ? su->jlen : 16,
				  .j_commit_interval = su->interval };
	struct sim *s = sim_create(&cfg);
	struct tfs *fs;
	struct jbd2_ops ops = { .get_block = fs_get_block, .submit_inode_data = fs_submit,
				.wait_inode_data = fs_wait, .commit_callback = fs_callback };
	pc_tag_t w[BS];

	assert_non_null(s);
	fs = sim_alloc(s, sizeof(*fs));
	assert_non_null(fs);
	fs->s = s;
	fs->jlen = jc.j_len;
	fs->d = pc_disk_create(s, &dc);
	assert_non_null(fs->d);
	for (pc_blk_t b = 0; b < NBLK; b++) {
		for (unsigned i = 0; i < BS; i++)
			w[i] = STALE(b);
		pc_disk_fill(fs->d, b, w);
	}
	for (unsigned m = 0; m < NMETA; m++)
		for (unsigned i = 0; i < BS; i++)
			fs->meta[m][i] = STALE(META0 + m);
	sim_wq_init(&fs->data_wq, "data_wq", 99);
	ops.fs = fs;
	fs->j = jbd2_journal_create(s, fs->d, &jc, &ops);
	assert_non_null(fs->j);
	fs->ji[0].i_owner = fs;
	fs->ji[1].i_owner = fs;
	pc_disk_settle(fs->d);
	return fs;
}

static void quiet(struct tfs *fs)
{
	assert_int_equal(pc_disk_inflight(fs->d), 0);
	assert_int_equal(sim_events_pending(fs->s), 0);
	assert_int_equal(jbd2_task(fs->j)->t_state, SIM_TASK_IDLE);
	assert_int_equal(fs->data_pending, 0);
	sim_destroy(fs->s);
}

/* ---- user operations ---- */

struct uop {
	struct tfs *fs;
	struct jbd2_handle *h;
	pc_tid_t tid;
	unsigned nblk;
	pc_blk_t blk[4];
	pc_tag_t val[4];
	struct jbd2_inode *ji;
	uint64_t ji_start, ji_len;
};

static enum sim_ret u_start(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	u->h = jbd2_journal_start(s, t, u->fs->j);
	return u->h ? SIM_DONE : SIM_BLOCKED;
}

static enum sim_ret u_dirty(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	for (unsigned i = 0; i < u->nblk; i++) {
		for (unsigned k = 0; k < BS; k++)
			u->fs->meta[u->blk[i] - META0][k] = u->val[i];
		jbd2_journal_dirty_metadata(u->fs->j, u->h, u->blk[i]);
	}
	if (u->ji)
		jbd2_journal_inode_ranged_write(u->fs->j, u->h, u->ji, u->ji_start, u->ji_len);
	return SIM_DONE;
}

static enum sim_ret u_stop(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	u->tid = jbd2_handle_tid(u->h);
	jbd2_journal_stop(s, u->fs->j, u->h);
	u->h = NULL;
	return SIM_DONE;
}

static enum sim_ret u_commit(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	jbd2_log_start_commit(s, u->fs->j, u->tid);
	return SIM_DONE;
}

static enum sim_ret u_wait(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	return jbd2_log_wait_commit(s, t, u->fs->j, u->tid) ? SIM_DONE : SIM_BLOCKED;
}

/* A handle reserved at I/O submission, started by the end_io work. */
static enum sim_ret u_start_reserved(struct sim *s, struct sim_task *t, void *arg)
{
	struct uop *u = arg;

	u->h = jbd2_journal_start_reserved(s, t, u->fs->j);
	assert_non_null(u->h);
	return SIM_DONE;
}

static const struct sim_op_desc op_txn_reserved = {
	"txn_reserved", 3, { { "start_reserved", u_start_reserved, NULL },
			     { "dirty", u_dirty, NULL }, { "stop", u_stop, NULL } }
};
static const struct sim_op_desc op_txn = {
	"txn", 3, { { "start", u_start, NULL }, { "dirty", u_dirty, NULL },
		    { "stop", u_stop, NULL } }
};
static const struct sim_op_desc op_fsync = {
	"txn_fsync", 5, { { "start", u_start, NULL }, { "dirty", u_dirty, NULL },
			  { "stop", u_stop, NULL }, { "commit", u_commit, NULL },
			  { "wait", u_wait, NULL } }
};

static struct uop *uop(struct tfs *fs, struct sim_task *t, const struct sim_op_desc *d,
		       unsigned n, const pc_blk_t *blk, const pc_tag_t *val)
{
	struct uop *u = sim_alloc(fs->s, sizeof(*u));

	assert_non_null(u);
	u->fs = fs;
	u->nblk = n;
	for (unsigned i = 0; i < n; i++) {
		u->blk[i] = blk[i];
		u->val[i] = val[i];
	}
	assert_int_equal(sim_task_add_op(fs->s, t, d, u, 0), 0);
	return u;
}

/* ---- images and recovery ---- */

static pc_tag_t *current_image(struct tfs *fs)
{
	pc_tag_t *img = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));

	for (pc_blk_t b = 0; b < NBLK; b++)
		memcpy(img + (size_t)b * BS, pc_disk_read(fs->d, b), BS * sizeof(pc_tag_t));
	return img;
}

static pc_tag_t at(const pc_tag_t *img, pc_blk_t b, unsigned w)
{
	return img[(size_t)b * BS + w];
}

static bool block_is(const pc_tag_t *img, pc_blk_t b, pc_tag_t v)
{
	for (unsigned i = 0; i < BS; i++)
		if (img[(size_t)b * BS + i] != v)
			return false;
	return true;
}

static int wlog_find(struct tfs *fs, uint8_t type, uint8_t kind, unsigned nth)
{
	for (uint32_t i = 0; i < pc_disk_wlog_len(fs->d); i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(fs->d, i);

		if (e->wl_type == type && e->wl_kind == kind && nth-- == 0)
			return (int)i;
	}
	return -1;
}

static int wlog_complete_of(struct tfs *fs, uint32_t bio)
{
	for (uint32_t i = 0; i < pc_disk_wlog_len(fs->d); i++) {
		const struct pc_wlog_ent *e = pc_disk_wlog(fs->d, i);

		if (e->wl_type == PC_WL_COMPLETE && e->wl_bio == bio)
			return (int)i;
	}
	return -1;
}

/* ---- tests ---- */

static void test_jbd2_metadata_reaches_log(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	pc_blk_t blk[2] = { 40, 41 };
	pc_tag_t val[2] = { 0x1111, 0x2222 };
	struct jbd2_recovery_info ri;
	const struct pc_wlog_ent *ce;
	pc_tag_t *img;
	int c;

	uop(fs, a, &op_fsync, 2, blk, val);
	assert_int_equal(jbd2_committed_tid(fs->j), 0);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_committed_tid(fs->j), 1);
	assert_int_equal(jbd2_running_tid(fs->j), 0);
	assert_int_equal(jbd2_stats(fs->j)->js_commits, 1);
	assert_int_equal(jbd2_stats(fs->j)->js_log_blocks, 4);
	assert_string_equal(fs->calls, "GGC");
	assert_int_equal(fs->cb[0], 1);
	img = current_image(fs);
	/* descriptor at the first log block: magic, type, tid, two tags */
	assert_int_equal(jbd2_get32(img + 1 * BS, JBD2_W_MAGIC), JBD2_MAGIC_NUMBER);
	assert_int_equal(at(img, 1, JBD2_W_TYPE), JBD2_DESCRIPTOR_BLOCK);
	assert_int_equal(jbd2_get32(img + 1 * BS, JBD2_W_SEQ), 1);
	assert_int_equal(at(img, 1, JBD2_W_D_NTAGS), 2);
	assert_int_equal(jbd2_get32(img + 1 * BS, JBD2_W_D_TAGS), 40);
	assert_int_equal(jbd2_get32(img + 1 * BS, JBD2_W_D_TAGS + JBD2_TAG_WORDS), 41);
	assert_true(block_is(img, 2, 0x1111));
	assert_true(block_is(img, 3, 0x2222));
	assert_int_equal(at(img, 4, JBD2_W_TYPE), JBD2_COMMIT_BLOCK);
	assert_int_equal(jbd2_get32(img + 4 * BS, JBD2_W_SEQ), 1);
	assert_int_equal(at(img, 4, JBD2_W_C_NBLOCKS), 3);
	assert_true(block_is(img, 40, STALE(40)));	/* not checkpointed */
	/* The commit record: PREFLUSH|FUA, submitted after every log write
	 * completed. */
	c = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_COMMIT, 0);
	assert_true(c > 0);
	ce = pc_disk_wlog(fs->d, (uint32_t)c);
	assert_int_equal(ce->wl_flags, PC_REQ_PREFLUSH | PC_REQ_FUA);
	assert_int_equal(ce->wl_blk, 4);
	for (unsigned n = 0; n < 3; n++) {
		int sidx = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_LOG, n);

		assert_true(sidx >= 0);
		assert_true(wlog_complete_of(fs, pc_disk_wlog(fs->d, (uint32_t)sidx)->wl_bio) < c);
	}
	/* Recovery replays it, once. */
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_false(ri.ri_corrupt);
	assert_int_equal(ri.ri_transactions, 1);
	assert_int_equal(ri.ri_blocks, 2);
	assert_int_equal(ri.ri_first_tid, 1);
	assert_int_equal(ri.ri_last_tid, 1);
	assert_true(block_is(img, 40, 0x1111));
	assert_true(block_is(img, 41, 0x2222));
	assert_true(block_is(img, 42, STALE(42)));
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 0);
	assert_int_equal(ri.ri_first_tid, 2);
	free(img);
	quiet(fs);
}

/* Every crash state: the transaction is replayed exactly when its commit
 * record (and the log blocks it covers) made it to the image. The commit
 * record is PREFLUSH|FUA and submitted after the three log writes
 * completed, so (crash.h) no state holds it without all three: recovery
 * never meets a commit block with a missing descriptor or copy here (those
 * paths are checked on hand-made images in
 * test_jbd2_missing_copy_stops_recovery). */
static void test_jbd2_recovery_commit_durability(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	pc_blk_t blk[2] = { 40, 41 };
	pc_tag_t val[2] = { 0x1111, 0x2222 };
	/* Per crash point: what is expected depends on the point. */
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1 << 16,
				.p_dedup = PC_DEDUP_POINT };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	uint32_t log_bio[3], commit_bio;
	int csub, cdone;
	unsigned replayed = 0, not_replayed = 0, commit_inflight = 0;
	pc_tag_t *img = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));
	uint64_t states, dups;
	bool complete;

	uop(fs, a, &op_fsync, 2, blk, val);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	for (unsigned n = 0; n < 3; n++)
		log_bio[n] = pc_disk_wlog(fs->d, (uint32_t)wlog_find(fs, PC_WL_SUBMIT, PC_BIO_LOG,
								      n))->wl_bio;
	csub = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_COMMIT, 0);
	commit_bio = pc_disk_wlog(fs->d, (uint32_t)csub)->wl_bio;
	cdone = wlog_complete_of(fs, commit_bio);
	it = pc_crash_iter_new(fs->d, 0, UINT32_MAX, &p);
	while ((cs = pc_crash_next(it))) {
		struct jbd2_recovery_info ri;
		bool has[4] = { false }, want;

		for (uint32_t i = 0; i < cs->cs_nsurvivors; i++) {
			for (unsigned n = 0; n < 3; n++)
				has[n] |= cs->cs_survivors[i] == log_bio[n];
			has[3] |= cs->cs_survivors[i] == commit_bio;
		}
		memcpy(img, cs->cs_image, (size_t)NBLK * BS * sizeof(pc_tag_t));
		assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
		if (cs->cs_point <= (uint32_t)csub)
			want = false;		/* commit record not even submitted */
		else if (cs->cs_point > (uint32_t)cdone)
			want = true;		/* durable: PREFLUSH + FUA */
		else
			want = has[0] && has[1] && has[2] && has[3];
		assert_int_equal(ri.ri_transactions, want ? 1 : 0);
		assert_int_equal(block_is(img, 40, want ? 0x1111 : STALE(40)), true);
		assert_int_equal(block_is(img, 41, want ? 0x2222 : STALE(41)), true);
		replayed += want;
		not_replayed += !want;
		/* The commit record survived (in flight): its preflush ran, the
		 * log writes completed before it was submitted are there too. */
		if (has[3]) {
			assert_true(has[0] && has[1] && has[2]);
			assert_true(want);
			commit_inflight++;
		}
	}
	pc_crash_counts(it, &states, &dups, &complete);
	pc_crash_iter_free(it);
	assert_true(complete);
	assert_true(replayed > 0 && not_replayed > 0);
	/* The commit record in flight: with it (and then with all three log
	 * writes) at each point in (csub, cdone]. */
	assert_true(commit_inflight > 0);
	free(img);
	quiet(fs);
}

static void test_jbd2_missing_copy_stops_recovery(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	pc_blk_t b1 = 40, b2 = 41;
	pc_tag_t v1 = 0x1111, v2 = 0x2222;
	struct jbd2_recovery_info ri;
	pc_tag_t *img, *orig;

	uop(fs, a, &op_fsync, 1, &b1, &v1);
	uop(fs, a, &op_fsync, 1, &b2, &v2);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_committed_tid(fs->j), 2);
	/* T1: descriptor 1, copy 2, commit 3; T2: 4, 5, 6. */
	orig = current_image(fs);
	img = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 2);
	assert_int_equal(ri.ri_last_tid, 2);
	assert_true(block_is(img, 40, v1) && block_is(img, 41, v2));

	/* T1's copy lost (the block keeps what the log area held): T1 fails
	 * its checksum and recovery stops there, T2 is not replayed. */
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	memset(img + 2 * BS, 0, BS * sizeof(pc_tag_t));
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 0);
	assert_true(ri.ri_first_tid > ri.ri_last_tid);
	assert_non_null(strstr(ri.ri_why, "tid 1"));
	assert_non_null(strstr(ri.ri_why, "checksum"));
	assert_true(block_is(img, 40, STALE(40)) && block_is(img, 41, STALE(41)));

	/* T1's descriptor lost (the block keeps what the log area held):
	 * nothing is replayed, the log ends at its first block. (A crash state
	 * cannot hold T1's commit block without it: the commit record is
	 * PREFLUSH|FUA, submitted after the descriptor completed.) */
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	memset(img + 1 * BS, 0, BS * sizeof(pc_tag_t));
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 0);
	assert_non_null(strstr(ri.ri_why, "tid 1: no descriptor"));
	assert_true(block_is(img, 40, STALE(40)) && block_is(img, 41, STALE(41)));

	/* A stale copy (an older value) fails the same way. */
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	for (unsigned i = 0; i < BS; i++)
		img[5 * BS + i] = 0x2221;
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 1);
	assert_int_equal(ri.ri_last_tid, 1);
	assert_non_null(strstr(ri.ri_why, "tid 2"));
	assert_true(block_is(img, 40, v1) && block_is(img, 41, STALE(41)));

	/* T2's commit block missing: T1 only. */
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	memset(img + 6 * BS, 0, BS * sizeof(pc_tag_t));
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 1);
	assert_non_null(strstr(ri.ri_why, "commit block missing"));

	/* A broken superblock is the `journal` invariant. */
	memcpy(img, orig, (size_t)NBLK * BS * sizeof(pc_tag_t));
	img[JFIRST * BS + JBD2_W_SB_SEQUENCE] ^= 1;
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), -PC_EIO);
	assert_true(ri.ri_corrupt);
	free(img);
	free(orig);
	quiet(fs);
}

/* Picks the last in-flight bio: ordered data (submitted first) completes
 * after the log writes. */
static uint64_t pick_last(struct sim *s, void *ctx, const struct sim_choice *c)
{
	if (c->c_kind == SIM_CH_SCHED)
		return (uint64_t)__builtin_ctzll(c->c_mask);
	return c->c_n - 1;
}

static void test_jbd2_ordered_data_order(void **state)
{
	static const struct sim_chooser last = { pick_last, NULL };

	for (int variant = 0; variant < 2; variant++) {
		struct setup su = { 0 };
		struct tfs *fs = mk(&su);
		struct sim_task *a = sim_task_create(fs->s, "A", false);
		pc_blk_t blk = 40;
		pc_tag_t val = 0x4444;
		struct uop *u = uop(fs, a, &op_fsync, 1, &blk, &val);
		int dsub, ddone, lsub, csub, ldone0, ldone1;

		u->ji = &fs->ji[0];
		u->ji_start = 0;
		u->ji_len = 8192;
		if (variant)
			sim_set_chooser(fs->s, &last);
		assert_int_equal(sim_run(fs->s), SIM_OK);
		assert_string_equal(fs->calls, "GSWC");
		assert_int_equal(fs->nsub, 1);
		assert_int_equal(fs->sub_start[0], 0);
		assert_int_equal(fs->sub_end[0], 8191);
		dsub = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_DATA, 0);
		ddone = wlog_find(fs, PC_WL_COMPLETE, PC_BIO_DATA, 0);
		lsub = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_LOG, 0);
		csub = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_COMMIT, 0);
		ldone0 = wlog_find(fs, PC_WL_COMPLETE, PC_BIO_LOG, 0);
		ldone1 = wlog_find(fs, PC_WL_COMPLETE, PC_BIO_LOG, 1);
		assert_true(dsub >= 0 && lsub >= 0 && csub >= 0);
		assert_true(dsub < lsub);	/* data submitted before the log write */
		assert_true(ddone < csub);	/* ... and waited before the commit record */
		if (variant)	/* the data completed last of the three */
			assert_true(ddone > ldone0 && ddone > ldone1);
		else
			assert_true(ddone < ldone0);
		assert_int_equal(fs->ji[0].i_transaction, 0);	/* unfiled */
		quiet(fs);
	}
}

static void test_jbd2_start_blocks_while_locked(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct sim_task *b = sim_task_create(fs->s, "B", false);
	struct sim_task *jt = jbd2_task(fs->j);
	pc_blk_t b1 = 40, b2 = 41;
	pc_tag_t v1 = 1, v2 = 2;
	struct uop *ua = uop(fs, a, &op_txn, 1, &b1, &v1);
	struct uop *ub = uop(fs, b, &op_txn, 1, &b2, &v2);

	assert_true(sim_step_task(fs->s, a));		/* A: handle on T1 */
	assert_int_equal(jbd2_running_tid(fs->j), 1);
	jbd2_log_start_commit(fs->s, fs->j, 1);
	assert_int_equal(jt->t_state, SIM_TASK_RUNNABLE);
	assert_true(sim_step_task(fs->s, jt));		/* T_LOCKED */
	assert_true(sim_step_task(fs->s, jt));		/* waits for A's handle */
	assert_int_equal(jt->t_state, SIM_TASK_BLOCKED);
	assert_string_equal(jt->t_wait->wq_name, "j_wait_updates");
	assert_int_equal(jt->t_wait->wq_owners, 1ULL << a->t_id);
	assert_true(sim_step_task(fs->s, b));		/* B: jbd2_journal_start sleeps */
	assert_int_equal(b->t_state, SIM_TASK_BLOCKED);
	assert_string_equal(b->t_wait->wq_name, "j_wait_transaction_locked");
	assert_null(ub->h);
	assert_true(sim_step_task(fs->s, a));		/* A dirties */
	assert_true(sim_step_task(fs->s, a));		/* A stops: wakes the commit */
	assert_int_equal(ua->tid, 1);
	assert_int_equal(jt->t_state, SIM_TASK_RUNNABLE);
	assert_int_equal(b->t_state, SIM_TASK_BLOCKED);	/* still T_LOCKED */
	assert_true(sim_step_task(fs->s, jt));		/* updates done */
	assert_int_equal(b->t_state, SIM_TASK_BLOCKED);
	assert_true(sim_step_task(fs->s, jt));		/* T_FLUSH: B woken */
	assert_int_equal(b->t_state, SIM_TASK_RUNNABLE);
	assert_int_equal(jbd2_running_tid(fs->j), 0);
	assert_true(sim_step_task(fs->s, b));		/* B opens T2 */
	assert_non_null(ub->h);
	assert_int_equal(jbd2_handle_tid(ub->h), 2);
	assert_int_equal(jbd2_running_tid(fs->j), 2);
	assert_int_equal(sim_run(fs->s), SIM_OK);	/* T2 commits on its timer */
	assert_int_equal(ub->tid, 2);
	assert_int_equal(jbd2_committed_tid(fs->j), 2);
	assert_int_equal(fs->ncb, 2);
	quiet(fs);
}

/* A reserved handle (ext4's end_io conversion, io_end->handle) joins a
 * T_LOCKED transaction instead of sleeping: A holds a handle while it waits
 * for writeback, the commit waits for A, and the conversion that ends A's
 * wait must not wait for the commit. The commit then waits for both
 * handles; both land in T1. (Found by the differential test: the end_io
 * work sleeping on j_wait_transaction_locked deadlocked an fsync.) */
static void test_jbd2_reserved_joins_locked(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct sim_task *e = sim_task_create(fs->s, "endio", false);
	struct sim_task *jt = jbd2_task(fs->j);
	pc_blk_t b1 = 40, b2 = 41;
	pc_tag_t v1 = 1, v2 = 2;
	struct uop *ua = uop(fs, a, &op_txn, 1, &b1, &v1);
	struct uop *ue = uop(fs, e, &op_txn_reserved, 1, &b2, &v2);

	assert_true(sim_step_task(fs->s, a));		/* A: handle on T1 */
	jbd2_log_start_commit(fs->s, fs->j, 1);
	assert_true(sim_step_task(fs->s, jt));		/* T_LOCKED */
	assert_true(sim_step_task(fs->s, jt));		/* waits for A's handle */
	assert_int_equal(jt->t_state, SIM_TASK_BLOCKED);
	assert_true(sim_step_task(fs->s, e));		/* reserved: joins T1 at once */
	assert_int_equal(e->t_state, SIM_TASK_RUNNABLE);
	assert_non_null(ue->h);
	assert_int_equal(jbd2_handle_tid(ue->h), 1);
	assert_int_equal(jt->t_wait->wq_owners, (1ULL << a->t_id) | (1ULL << e->t_id));
	assert_true(sim_step_task(fs->s, a));		/* A dirties */
	assert_true(sim_step_task(fs->s, a));		/* A stops */
	assert_int_equal(jt->t_state, SIM_TASK_BLOCKED);	/* endio's handle is open */
	assert_int_equal(jt->t_wait->wq_owners, 1ULL << e->t_id);
	assert_true(sim_step_task(fs->s, e));		/* endio dirties */
	assert_true(sim_step_task(fs->s, e));		/* endio stops: wakes the commit */
	assert_int_equal(jt->t_state, SIM_TASK_RUNNABLE);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(ua->tid, 1);
	assert_int_equal(ue->tid, 1);
	assert_int_equal(jbd2_committed_tid(fs->j), 1);
	quiet(fs);
}

/* jbd2_trans_will_send_data_barrier: true while tid is running or its
 * commit has not reached T_COMMIT_JFLUSH, set just before the commit record
 * (REQ_PREFLUSH) is submitted; false from then on and once committed, so an fsync that waited for data completed
 * after that PREFLUSH flushes the cache itself (ext4_sync_file). Checked
 * before every scheduling decision of a whole commit. */
static void test_jbd2_will_send_data_barrier(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	pc_blk_t b1 = 40;
	pc_tag_t v1 = 1;
	unsigned before = 0, after = 0;
	struct sim_task *jt = jbd2_task(fs->j);

	uop(fs, a, &op_txn, 1, &b1, &v1);
	assert_true(sim_step_task(fs->s, a));		/* A: handle on T1 */
	assert_true(jbd2_trans_will_send_data_barrier(fs->j, 1));
	jbd2_log_start_commit(fs->s, fs->j, 1);
	for (unsigned guard = 0; sim_step(fs->s); guard++) {
		bool sent = wlog_find(fs, PC_WL_SUBMIT, PC_BIO_COMMIT, 0) >= 0;
		bool will = jbd2_trans_will_send_data_barrier(fs->j, 1);

		bool done = jbd2_committed_tid(fs->j) >= 1;

		assert_true(guard < 10000);
		if (sent || done)
			assert_false(will);
		else if (!will)	/* T_COMMIT_JFLUSH: the record goes out next */
			assert_string_equal(sim_task_next_step(jt)->name,
					    "journal_submit_commit_record");
		*(will ? &before : &after) += 1;
		/* a later tid's commit is always to come */
		assert_true(jbd2_trans_will_send_data_barrier(fs->j, 2));
	}
	assert_int_equal(jbd2_committed_tid(fs->j), 1);
	assert_false(jbd2_trans_will_send_data_barrier(fs->j, 1));
	assert_true(before > 0 && after > 0);	/* both sides were seen */
	quiet(fs);
}

static void test_jbd2_refile_jinode(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct sim_task *b = sim_task_create(fs->s, "B", false);
	struct sim_task *jt = jbd2_task(fs->j);
	struct jbd2_inode *ji = &fs->ji[0];
	pc_blk_t b1 = 40, b2 = 41;
	pc_tag_t v1 = 1, v2 = 2;
	struct uop *ua = uop(fs, a, &op_txn, 1, &b1, &v1);
	struct uop *ub = uop(fs, b, &op_txn, 1, &b2, &v2);

	ua->ji = ub->ji = ji;
	ua->ji_start = 8192;
	ua->ji_len = 4096;
	ub->ji_start = 0;
	ub->ji_len = 4096;
	for (int i = 0; i < 3; i++)
		assert_true(sim_step_task(fs->s, a));
	assert_int_equal(ji->i_transaction, 1);
	assert_int_equal(ji->i_dirty_start, 8192);
	assert_int_equal(ji->i_dirty_end, 12287);
	assert_int_equal(ji->i_flags, JI_WRITE_DATA | JI_WAIT_DATA);
	jbd2_log_start_commit(fs->s, fs->j, 1);
	for (int i = 0; i < 3; i++)	/* T_LOCKED, updates, T_FLUSH */
		assert_true(sim_step_task(fs->s, jt));
	assert_true(sim_step_task(fs->s, b));	/* B: handle on T2 */
	assert_true(sim_step_task(fs->s, b));	/* B: the jinode is on committing T1 */
	assert_int_equal(ji->i_transaction, 1);
	assert_int_equal(ji->i_next_transaction, 2);
	assert_int_equal(ji->i_dirty_start, 0);
	assert_int_equal(ji->i_dirty_end, 12287);	/* min/max union */
	assert_true(sim_step_task(fs->s, b));
	/* Finish T1's commit only. */
	while (jbd2_committed_tid(fs->j) < 1)
		assert_true(sim_step(fs->s));
	assert_int_equal(fs->nsub, 1);
	assert_int_equal(fs->sub_start[0], 0);		/* T1 submitted the union */
	assert_int_equal(fs->sub_end[0], 12287);
	assert_int_equal(ji->i_transaction, 2);		/* refiled, range kept */
	assert_int_equal(ji->i_next_transaction, 0);
	assert_int_equal(ji->i_dirty_start, 0);
	assert_int_equal(ji->i_dirty_end, 12287);
	assert_int_equal(sim_run(fs->s), SIM_OK);	/* T2 on its timer */
	assert_int_equal(jbd2_committed_tid(fs->j), 2);
	assert_int_equal(fs->nsub, 2);
	assert_int_equal(fs->sub_start[1], 0);
	assert_int_equal(fs->sub_end[1], 12287);
	assert_int_equal(ji->i_transaction, 0);
	assert_int_equal(ji->i_next_transaction, 0);
	quiet(fs);
}

static void test_jbd2_commit_timer(void **state)
{
	for (int variant = 0; variant < 2; variant++) {
		sim_time_t iv = variant ? 1 * SIM_SEC : 0;	/* 0: default 5 s */
		sim_time_t want = variant ? 1 * SIM_SEC : 5 * SIM_SEC;
		struct setup su = { .interval = iv };
		struct tfs *fs = mk(&su);
		struct sim_task *a = sim_task_create(fs->s, "A", false);
		pc_blk_t blk = 40;
		pc_tag_t val = 7;
		sim_time_t t1;

		uop(fs, a, &op_txn, 1, &blk, &val);
		/* Run until the first disk write: that is the commit. */
		while (pc_disk_wlog_len(fs->d) == 0)
			assert_true(sim_step(fs->s));
		assert_int_equal(sim_now(fs->s), want);
		assert_int_equal(pc_disk_wlog(fs->d, 0)->wl_kind, PC_BIO_LOG);
		assert_int_equal(jbd2_committed_tid(fs->j), 0);
		assert_int_equal(sim_run(fs->s), SIM_OK);
		assert_int_equal(jbd2_committed_tid(fs->j), 1);
		/* descriptor + copy, then the commit record: two latencies */
		assert_int_equal(jbd2_stats(fs->j)->js_last_commit, want + 2 * LAT);
		/* The next transaction's timer starts with its first handle. */
		t1 = sim_now(fs->s);
		uop(fs, a, &op_txn, 1, &blk, &val);
		assert_int_equal(sim_run(fs->s), SIM_OK);
		assert_int_equal(jbd2_committed_tid(fs->j), 2);
		assert_int_equal(jbd2_stats(fs->j)->js_last_commit, t1 + want + 2 * LAT);
		quiet(fs);
	}
}

/* Expected home contents after m transactions of the checkpoint test. */
#define CP_TXNS 5
static void cp_expected(unsigned m, pc_tag_t out[3])
{
	for (unsigned b = 0; b < 3; b++)
		out[b] = STALE(40 + b);
	for (unsigned i = 0; i < m; i++) {
		out[i % 3] = (pc_tag_t)(0x100 * (i + 1) + i % 3);
		out[(i + 1) % 3] = (pc_tag_t)(0x100 * (i + 1) + (i + 1) % 3);
	}
}

static void test_jbd2_checkpoint_small_log(void **state)
{
	struct setup su = { .jlen = 10 };	/* 9 log blocks: 2 transactions fit */
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct pc_persist p = { .p_mode = PC_PERSIST_ALL_SUBSETS, .p_max = 1 << 16,
				.p_dedup = PC_DEDUP_POINT };
	struct pc_crash_iter *it;
	const struct pc_crash_state *cs;
	pc_tag_t *img = malloc((size_t)NBLK * BS * sizeof(pc_tag_t));
	unsigned hist[CP_TXNS + 1] = { 0 };
	uint64_t states, dups;
	bool complete;

	for (unsigned i = 0; i < CP_TXNS; i++) {
		pc_blk_t blk[2] = { 40 + i % 3, 40 + (i + 1) % 3 };
		pc_tag_t val[2] = { (pc_tag_t)(0x100 * (i + 1) + i % 3),
				    (pc_tag_t)(0x100 * (i + 1) + (i + 1) % 3) };

		uop(fs, a, &op_fsync, 2, blk, val);
	}
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_committed_tid(fs->j), CP_TXNS);
	assert_int_equal(jbd2_stats(fs->j)->js_checkpoints, 2);
	assert_true(pc_disk_stats(fs->d)->ds_writes[PC_BIO_META] >= 3);
	it = pc_crash_iter_new(fs->d, 0, UINT32_MAX, &p);
	while ((cs = pc_crash_next(it))) {
		struct jbd2_recovery_info ri;
		unsigned lo = 0, hi = 0, m;
		bool found = false;

		for (uint32_t i = 0; i < cs->cs_point; i++) {
			const struct pc_wlog_ent *e = pc_disk_wlog(fs->d, i);

			if (e->wl_kind != PC_BIO_COMMIT)
				continue;
			hi += e->wl_type == PC_WL_SUBMIT;
			lo += e->wl_type == PC_WL_COMPLETE;
		}
		memcpy(img, cs->cs_image, (size_t)NBLK * BS * sizeof(pc_tag_t));
		assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
		assert_false(ri.ri_corrupt);
		for (m = lo; m <= hi && !found; m++) {
			pc_tag_t exp[3];

			cp_expected(m, exp);
			found = block_is(img, 40, exp[0]) && block_is(img, 41, exp[1]) &&
				block_is(img, 42, exp[2]);
		}
		assert_true(found);
		hist[m - 1]++;
	}
	pc_crash_counts(it, &states, &dups, &complete);
	pc_crash_iter_free(it);
	assert_true(complete);
	for (unsigned m = 0; m <= CP_TXNS; m++)
		assert_true(hist[m] > 0);	/* every prefix is reachable */
	free(img);
	quiet(fs);
}

static void test_jbd2_commit_record_failure_aborts(void **state)
{
	struct setup su = { .fail_flush_nth = 1 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	pc_blk_t blk = 40;
	pc_tag_t val = 0x7777;
	struct jbd2_recovery_info ri;
	pc_tag_t *img;

	uop(fs, a, &op_fsync, 1, &blk, &val);
	uop(fs, a, &op_fsync, 1, &blk, &val);	/* after the abort */
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_journal_errno(fs->j), -PC_EIO);
	assert_int_equal(jbd2_committed_tid(fs->j), 0);
	assert_int_equal(jbd2_stats(fs->j)->js_commits, 0);
	assert_int_equal(fs->ncb, 0);
	assert_false(sim_task_has_work(a));	/* the fsync waiters returned */
	img = current_image(fs);
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 0);
	assert_true(block_is(img, 40, STALE(40)));
	free(img);
	quiet(fs);
}

static void test_jbd2_empty_transaction(void **state)
{
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct jbd2_recovery_info ri;
	pc_tag_t *img;

	uop(fs, a, &op_fsync, 0, NULL, NULL);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_committed_tid(fs->j), 1);
	assert_int_equal(jbd2_stats(fs->j)->js_log_blocks, 1);	/* a lone commit block */
	assert_int_equal(pc_disk_stats(fs->d)->ds_writes[PC_BIO_LOG], 0);
	assert_int_equal(pc_disk_stats(fs->d)->ds_flushes, 1);
	img = current_image(fs);
	assert_int_equal(jbd2_journal_recover(img, BS, JFIRST, fs->jlen, &ri), 0);
	assert_int_equal(ri.ri_transactions, 1);
	assert_int_equal(ri.ri_blocks, 0);
	free(img);
	quiet(fs);
}

static void test_jbd2_handles_share_and_too_big(void **state)
{
	/* Two handles open together share the running transaction. */
	struct setup su = { 0 };
	struct tfs *fs = mk(&su);
	struct sim_task *a = sim_task_create(fs->s, "A", false);
	struct sim_task *b = sim_task_create(fs->s, "B", false);
	pc_blk_t b1 = 40, b2 = 41;
	pc_tag_t v1 = 1, v2 = 2;
	struct uop *ua = uop(fs, a, &op_fsync, 1, &b1, &v1);
	struct uop *ub = uop(fs, b, &op_fsync, 1, &b2, &v2);

	assert_true(sim_step_task(fs->s, a));
	assert_true(sim_step_task(fs->s, b));
	assert_int_equal(jbd2_handle_tid(ua->h), jbd2_handle_tid(ub->h));
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(jbd2_committed_tid(fs->j), 1);
	assert_int_equal(jbd2_stats(fs->j)->js_log_blocks, 4);
	quiet(fs);

	/* A 9-block journal allows 6 metadata blocks per transaction: a
	 * second handle would not fit the credits, it waits for T1's commit
	 * and opens T2. */
	su.jlen = 9;
	fs = mk(&su);
	a = sim_task_create(fs->s, "A", false);
	b = sim_task_create(fs->s, "B", false);
	ua = uop(fs, a, &op_txn, 1, &b1, &v1);
	ub = uop(fs, b, &op_txn, 1, &b2, &v2);
	for (int i = 0; i < 3; i++)
		assert_true(sim_step_task(fs->s, a));
	assert_true(sim_step_task(fs->s, b));
	assert_int_equal(b->t_state, SIM_TASK_BLOCKED);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(ua->tid, 1);
	assert_int_equal(ub->tid, 2);
	assert_int_equal(jbd2_committed_tid(fs->j), 2);
	quiet(fs);
}

static uint64_t pick_random(struct sim *s, void *ctx, const struct sim_choice *c)
{
	if (c->c_kind == SIM_CH_SCHED) {
		uint64_t m = c->c_mask, k = sim_rand_below(s, 3, (uint64_t)__builtin_popcountll(m));

		while (k--)
			m &= m - 1;
		return (uint64_t)__builtin_ctzll(m);
	}
	return sim_rand_below(s, 3, c->c_n);
}

/* Same seed, same run: the trace hash and the write log repeat after a
 * reset; every state recovers to a consistent prefix. */
static void test_jbd2_reset_deterministic(void **state)
{
	static const struct sim_chooser rnd = { pick_random, NULL };
	struct setup su = { .jlen = 12, .lat_max = 3 * LAT };
	struct tfs *fs = mk(&su);
	struct sim_task *t[3];
	uint64_t h1;
	uint32_t len1;

	for (unsigned i = 0; i < 3; i++) {
		char name[2] = { (char)('A' + i), 0 };

		t[i] = sim_task_create(fs->s, name, false);
		for (unsigned k = 0; k < 3; k++) {
			pc_blk_t blk = 40 + (i + k) % 4;
			pc_tag_t val = (pc_tag_t)(0x10 * i + k + 1);
			struct uop *u = uop(fs, t[i], k % 2 ? &op_txn : &op_fsync, 1, &blk, &val);

			u->ji = &fs->ji[i % 2];
			u->ji_start = 4096 * k;
			u->ji_len = 100;
		}
	}
	sim_set_chooser(fs->s, &rnd);
	assert_int_equal(sim_snapshot(fs->s), 0);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	h1 = sim_trace_hash(fs->s);
	len1 = pc_disk_wlog_len(fs->d);
	assert_true(jbd2_committed_tid(fs->j) >= 2);
	sim_reset(fs->s);
	assert_int_equal(pc_disk_wlog_len(fs->d), 0);
	assert_int_equal(jbd2_committed_tid(fs->j), 0);
	assert_int_equal(sim_run(fs->s), SIM_OK);
	assert_int_equal(sim_trace_hash(fs->s), h1);
	assert_int_equal(pc_disk_wlog_len(fs->d), len1);
	quiet(fs);
}

static void test_jbd2_commit_step_names(void **state)
{
	const char *names[32];

	assert_int_equal(jbd2_commit_steps(names, 32), 13);
	assert_string_equal(names[0], "jbd2_journal_commit_transaction");
	assert_string_equal(names[6], "journal_submit_data_buffers");
	assert_string_equal(names[10], "journal_submit_commit_record");
	assert_string_equal(names[12], "pcsim:commit_t_finished");
	assert_int_equal(jbd2_commit_steps(names, 2), 2);
}

static void test_jbd2_bad_config(void **state)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 22 };
	struct sim *s = sim_create(&cfg);
	struct pc_disk_cfg dc = { .bs = BS, .nblocks = 16 };
	struct pc_disk *d = pc_disk_create(s, &dc);
	struct jbd2_ops ops = { .get_block = fs_get_block };
	struct jbd2_config jc = { .j_first = 0, .j_len = 8 };

	assert_null(jbd2_journal_create(s, d, &jc, &ops));	/* too small */
	jc.j_len = 17;
	assert_null(jbd2_journal_create(s, d, &jc, &ops));	/* past the disk */
	jc.j_len = 9;
	ops.get_block = NULL;
	assert_null(jbd2_journal_create(s, d, &jc, &ops));
	sim_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jbd2_metadata_reaches_log),
		cmocka_unit_test(test_jbd2_recovery_commit_durability),
		cmocka_unit_test(test_jbd2_missing_copy_stops_recovery),
		cmocka_unit_test(test_jbd2_ordered_data_order),
		cmocka_unit_test(test_jbd2_start_blocks_while_locked),
		cmocka_unit_test(test_jbd2_reserved_joins_locked),
		cmocka_unit_test(test_jbd2_will_send_data_barrier),
		cmocka_unit_test(test_jbd2_refile_jinode),
		cmocka_unit_test(test_jbd2_commit_timer),
		cmocka_unit_test(test_jbd2_checkpoint_small_log),
		cmocka_unit_test(test_jbd2_commit_record_failure_aborts),
		cmocka_unit_test(test_jbd2_empty_transaction),
		cmocka_unit_test(test_jbd2_handles_share_and_too_big),
		cmocka_unit_test(test_jbd2_reset_deterministic),
		cmocka_unit_test(test_jbd2_commit_step_names),
		cmocka_unit_test(test_jbd2_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
