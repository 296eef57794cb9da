/* SPDX-License-Identifier: MIT */
/*
 * model/jbd2.c - the jbd2 journal at run time: handles, the running and the
 * committing transaction, the commit thread, ordered data, the log writes,
 * the commit record, checkpointing. Recovery is in jbd2_recovery.c; the
 * on-disk block format is at the end of jbd2.h.
 *
 * Kernel: fs/jbd2/transaction.c (start_this_handle, wait_transaction_locked,
 * jbd2_journal_stop, jbd2_journal_file_inode), fs/jbd2/commit.c
 * (jbd2_journal_commit_transaction), fs/jbd2/journal.c (kjournald2,
 * commit_timer_fn, __jbd2_log_start_commit, jbd2_log_wait_commit,
 * jbd2_journal_update_sb_log_tail), fs/jbd2/checkpoint.c
 * (jbd2_log_do_checkpoint, jbd2_cleanup_journal_tail).
 *
 * Transaction life cycle (t_state):
 *
 *             first handle: jbd2_get_transaction, arms j_commit_timer
 *                   |
 *                   v
 *   T_RUNNING --commit_t_locked--> T_LOCKED --(t_updates == 0)--> T_FLUSH
 *   (handles join)                 (new handles sleep on           (j_running = NULL:
 *                                   j_wait_transaction_locked)      new handles open T+1)
 *
 *   T_FLUSH --journal_submit_data_buffers--> T_COMMIT --journal_finish_inode_
 *   data_buffers--> T_COMMIT_DFLUSH --journal_wait_io_bufs--> T_COMMIT_JFLUSH
 *   --journal_wait_on_commit_record--> T_COMMIT_CALLBACK --j_commit_callback-->
 *   T_FINISHED (j_commit_sequence = tid, waiters of j_wait_done_commit woken)
 *
 * The commit thread is the daemon task "jbd2" (kjournald2). Its operation
 * "jbd2_journal_commit_transaction" is the step table commit_op below, one
 * step per phase of commit.c, in the kernel's order:
 *
 *   commit_t_locked                   T_RUNNING -> T_LOCKED, del j_commit_timer
 *   jbd2_journal_wait_updates         sleep until t_updates == 0
 *   commit_t_flush                    T_SWITCH/T_FLUSH; frozen metadata copies
 *   jbd2_log_do_checkpoint            only if the log lacks room: home writes
 *   jbd2_cleanup_journal_tail         ... then a cache flush
 *   jbd2_journal_update_sb_log_tail   ... then s_start/s_sequence, FUA
 *   journal_submit_data_buffers       ordered data: one jinode per step
 *   jbd2_journal_write_metadata_buffer T_COMMIT: descriptor + copies submitted
 *   journal_finish_inode_data_buffers wait ordered data, refile jinodes
 *   journal_wait_io_bufs              T_COMMIT_DFLUSH: wait for the log writes
 *   journal_submit_commit_record      T_COMMIT_JFLUSH: REQ_PREFLUSH | REQ_FUA
 *   journal_wait_on_commit_record     wait for it
 *   commit_t_finished                 T_COMMIT_CALLBACK -> T_FINISHED
 *
 * Decisions of the model:
 *   - Metadata copies are taken in commit_t_flush, when the last handle of
 *     the transaction has stopped and before any handle of the next one can
 *     run: that is what the kernel logs (a later handle that touches a buffer
 *     of the committing transaction gets a frozen copy, do_get_write_access).
 *   - A transaction that dirtied nothing still commits when asked: it is a
 *     lone commit block, which is also the cache flush an fsync needs.
 *   - The log is written linearly from j_log_first. When a transaction does
 *     not fit behind j_head (or JBD2_MAX_CP committed transactions wait for
 *     checkpoint), the commit thread checkpoints everything first: the newest
 *     committed copy of each home block is written (PC_BIO_META), a flush
 *     makes them durable, the superblock then says s_start = j_log_first,
 *     s_sequence = this tid (FUA), and j_head goes back to j_log_first. The
 *     kernel reserves log space in start_this_handle (__jbd2_log_wait_for_
 *     space); here the committing transaction reserves it, when its size is
 *     known.
 *   - Handle credits: a handle may dirty at most JBD2_HANDLE_CREDITS new
 *     blocks; a handle does not join a transaction that might then overflow
 *     j_max_meta: it asks for that transaction's commit and sleeps until it
 *     is T_FLUSH (add_transaction_credits, "too big").
 *   - An I/O error on a log, checkpoint or commit-record write aborts the
 *     journal (sticky j_errno, jbd2_journal_abort): that transaction and all
 *     later ones never commit; handles still start (metadata is dropped) and
 *     jbd2_log_wait_commit returns at once. Ordered-data errors are the file
 *     system's (the kernel only warns).
 *
 * Holds (jbd2_check): at most one running (T_RUNNING or T_LOCKED, the newest
 * tid) and one committing transaction (T_FLUSH or later, no open handle, tid
 * j_commit_sequence + 1); a jinode listed on a transaction is filed on it;
 * i_next_transaction is set only for a jinode of the committing transaction
 * and names the running one; j_head lies in the log area.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/jbd2.h"

#define JBD2_MAX_HANDLES	64	/* open at once */
#define JBD2_MAX_CP		32	/* committed transactions awaiting checkpoint */
#define JBD2_MIN_LEN		(1 + JBD2_HANDLE_CREDITS + 2)
#define JBD2_DEFAULT_INTERVAL	(5 * SIM_SEC)
#define OBJ_JOURNAL		PC_OBJ(PC_OBJ_JOURNAL, 0, 0)
#define OBJ_DISK		PC_OBJ(PC_OBJ_DISK, 0, 0)
#define OBJ_EVQ			PC_OBJ(PC_OBJ_EVQ, 0, 0)

#define JBD2_BUG_ON(cond)							\
	do {									\
		if (cond) {							\
			fprintf(stderr, "%s:%d: jbd2: BUG: %s\n", __FILE__,	\
				__LINE__, #cond);				\
			abort();						\
		}								\
	} while (0)

struct jbd2_transaction {
	bool t_live;
	pc_tid_t t_tid;
	uint8_t t_state;			/* [j_state_lock] enum jbd2_t_state */
	uint32_t t_updates;			/* [j_state_lock] open handles */
	uint64_t t_update_tasks;		/* tasks holding them: waits-for owners */
	uint32_t t_nmeta;			/* [j_list_lock] */
	pc_blk_t t_meta[JBD2_MAX_META];		/* home blocks, in order first dirtied */
	uint32_t t_ninodes;
	struct jbd2_inode *t_inodes[JBD2_MAX_JINODES];	/* t_inode_list, order added */
	sim_time_t t_start, t_expires;		/* ns */
	pc_blk_t t_log_start;			/* first log block (descriptor or commit) */
};

struct jbd2_handle {
	bool h_live;
	uint8_t h_task;
	uint8_t h_credits_used;
	pc_tid_t h_tid;
	struct jbd2_transaction *h_transaction;
};

/* A committed transaction whose copies are still needed in the log. */
struct jbd2_cp {
	pc_tid_t cp_tid;
	pc_blk_t cp_log_start;			/* its descriptor */
	uint32_t cp_nmeta;
	pc_blk_t cp_home[JBD2_MAX_META];
	uint32_t cp_escaped;			/* bit i: copy i stored escaped */
};

struct jbd2_journal {
	struct pc_disk *j_disk;
	struct jbd2_ops j_ops;
	struct jbd2_config j_cfg;
	uint32_t j_bs;				/* words per block */
	pc_blk_t j_log_first, j_log_end;	/* log area [first, end) */
	uint32_t j_max_meta;			/* metadata blocks per transaction */

	pc_tid_t j_transaction_sequence;	/* [j_state_lock] next tid */
	pc_tid_t j_commit_sequence;		/* last committed tid */
	pc_tid_t j_commit_request;		/* highest tid asked to commit */
	pc_tid_t j_tail_sequence;		/* s_sequence on disk */
	pc_blk_t j_head;			/* [jbd2] next log block to write */
	int j_errno;				/* sticky abort */

	struct jbd2_transaction j_tr[2];
	struct jbd2_transaction *j_running, *j_committing;
	struct sim_event_handle j_commit_timer;
	struct sim_task *j_task;
	struct sim_wq j_wait_transaction_locked;	/* handles: T_LOCKED */
	struct sim_wq j_wait_updates;		/* commit thread: t_updates */
	struct sim_wq j_wait_done_commit;	/* jbd2_log_wait_commit */
	struct sim_wq j_wait_io;		/* commit thread: its bios */

	struct jbd2_handle j_handles[JBD2_MAX_HANDLES];
	struct jbd2_cp j_cp[JBD2_MAX_CP];	/* [jbd2] oldest first */
	uint32_t j_ncp;

	/* Commit progress, owned by the commit thread. */
	pc_tag_t *j_frozen;			/* JBD2_MAX_META * bs: copies of T */
	uint32_t j_escaped;			/* bit i: j_frozen copy i escaped */
	pc_tag_t *j_buf;			/* bs words */
	uint32_t j_ci;				/* loop index inside a step */
	bool j_io_submitted;
	uint32_t j_io_pending;			/* bios in flight */
	int j_io_error;
	uint64_t j_csum;
	uint32_t j_log_nblocks;			/* descriptor + copies of T */
	sim_time_t j_commit_done;		/* commit record completion time */
	struct jbd2_stats j_stats;
};

/* ---- invariants ---- */

static inline bool jbd2_check_inodes(const struct jbd2_journal *j,
				     const struct jbd2_transaction *tr)
{
	for (uint32_t i = 0; i < tr->t_ninodes; i++) {
		const struct jbd2_inode *ji = tr->t_inodes[i];

		if (ji->i_transaction != tr->t_tid)
			return false;
		if (ji->i_next_transaction &&
		    (tr != j->j_committing || !j->j_running ||
		     ji->i_next_transaction != j->j_running->t_tid))
			return false;
	}
	return true;
}

static inline bool jbd2_check(const struct jbd2_journal *j)
{
	const struct jbd2_transaction *r = j->j_running, *c = j->j_committing;

	if (r && (!r->t_live || r->t_state > T_LOCKED || r->t_tid + 1 != j->j_transaction_sequence ||
		  !jbd2_check_inodes(j, r)))
		return false;
	if (c && (!c->t_live || c->t_state < T_FLUSH || c->t_updates ||
		  c->t_tid != j->j_commit_sequence + 1 || !jbd2_check_inodes(j, c)))
		return false;
	if (r && c && (r == c || c->t_tid >= r->t_tid))
		return false;
	return j->j_head >= j->j_log_first && j->j_head <= j->j_log_end && j->j_ncp <= JBD2_MAX_CP;
}

/* ---- log I/O of the commit thread ---- */

static void jbd2_end_io(struct sim *s, struct pc_bio *bio)
{
	struct jbd2_journal *j = bio->bi_private;

	if (bio->bi_status && !j->j_io_error)
		j->j_io_error = bio->bi_status;
	if (bio->bi_kind == PC_BIO_COMMIT)
		j->j_commit_done = sim_now(s);
	JBD2_BUG_ON(j->j_io_pending == 0);
	j->j_io_pending--;
	sim_wake_all(s, &j->j_wait_io);
	pc_bio_put(j->j_disk, bio);
}

/* jbd2_end_io's footprint: the journal (j_io_pending, j_io_error,
 * j_commit_done, the j_wait_io queue). */
static void jbd2_end_io_fp(const struct pc_bio *bio, struct sim_fp *fp)
{
	sim_fp_add(fp, OBJ_JOURNAL, SIM_WRITE);
}

static void jbd2_submit(struct sim *s, struct jbd2_journal *j, uint8_t op, uint8_t flags,
			uint8_t kind, pc_blk_t blk, const pc_tag_t *data)
{
	struct pc_bio *bio = pc_bio_alloc(s, j->j_disk);

	JBD2_BUG_ON(!bio);
	bio->bi_op = op;
	bio->bi_flags = flags;
	bio->bi_kind = kind;
	bio->bi_blk = blk;
	bio->bi_nblk = op == PC_REQ_WRITE ? 1 : 0;
	bio->bi_end_io = jbd2_end_io;
	bio->bi_end_io_fp = jbd2_end_io_fp;
	bio->bi_private = j;
	j->j_io_pending++;
	pc_disk_submit(s, j->j_disk, bio, data);
}

/* True once every bio of the commit thread has completed; else t sleeps. */
static bool jbd2_wait_io(struct sim *s, struct sim_task *t, struct jbd2_journal *j)
{
	if (j->j_io_pending == 0)
		return true;
	sim_wait(s, t, &j->j_wait_io);
	return false;
}

/* jbd2_journal_abort (journal.c): the error sticks, nothing commits again. */
static void jbd2_journal_abort(struct sim *s, struct jbd2_journal *j, int err)
{
	if (j->j_errno)
		return;
	j->j_errno = err;
	sim_trace_note(s, j->j_task->t_id, j->j_cfg.j_xlog ? "xfs_force_shutdown" : "jbd2_journal_abort",
		       (uint64_t)(int64_t)err, 0,
		       "journal aborted: error %d", err);
}

static uint32_t log_need(const struct jbd2_transaction *tr)
{
	return (tr->t_nmeta ? 1 + tr->t_nmeta : 0) + 1;
}

/* Refile the jinodes of tr (commit.c, end of journal_finish_inode_data_
 * buffers): to i_next_transaction keeping the dirty range, or off. */
static void journal_refile_inodes(struct jbd2_journal *j, struct jbd2_transaction *tr)
{
	for (uint32_t i = 0; i < tr->t_ninodes; i++) {
		struct jbd2_inode *ji = tr->t_inodes[i];
		struct jbd2_transaction *next = j->j_running;

		if (ji->i_next_transaction) {
			JBD2_BUG_ON(!next || next->t_tid != ji->i_next_transaction);
			JBD2_BUG_ON(next->t_ninodes >= JBD2_MAX_JINODES);
			ji->i_transaction = ji->i_next_transaction;
			ji->i_next_transaction = 0;
			next->t_inodes[next->t_ninodes++] = ji;
		} else {
			ji->i_transaction = 0;
			ji->i_flags = 0;
			ji->i_dirty_start = ji->i_dirty_end = 0;
		}
	}
	tr->t_ninodes = 0;
}

/* ---- the commit operation (fs/jbd2/commit.c) ---- */

enum commit_step {
	ST_LOCKED, ST_WAIT_UPDATES, ST_FLUSH, ST_CHECKPOINT, ST_CP_FLUSH, ST_CP_SB,
	ST_SUBMIT_DATA, ST_WRITE_META, ST_FINISH_DATA, ST_WAIT_IO, ST_COMMIT_RECORD,
	ST_WAIT_COMMIT_RECORD, ST_FINISHED, ST_NSTEPS
};

/* The log lacks room for tr, or the checkpoint list is full. */
static bool cp_needed(const struct jbd2_journal *j, const struct jbd2_transaction *tr)
{
	return j->j_head + log_need(tr) > j->j_log_end || j->j_ncp >= JBD2_MAX_CP;
}

/* Where the commit goes on after T_FLUSH (or the checkpoint): ordered data
 * for jbd2; XFS has none, so its log goes straight to xlog_write. */
static void goto_data(struct sim_task *t, struct jbd2_journal *j)
{
	if (j->j_cfg.j_xlog) {
		j->j_committing->t_state = T_COMMIT;
		sim_task_goto(t, ST_WRITE_META);
	} else {
		sim_task_goto(t, ST_SUBMIT_DATA);
	}
}

/* The transaction is abandoned: jump to commit_t_finished. */
static enum sim_ret commit_abort(struct sim *s, struct sim_task *t, struct jbd2_journal *j,
				 int err)
{
	jbd2_journal_abort(s, j, err);
	j->j_io_submitted = false;
	sim_task_goto(t, ST_FINISHED);
	return SIM_DONE;
}

/* commit.c: "First job: lock down the current transaction". kjournald2
 * (journal.c) deletes j_commit_timer before calling the commit. */
static enum sim_ret commit_t_locked(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_running;

	JBD2_BUG_ON(!tr || tr->t_state != T_RUNNING || j->j_committing);
	sim_event_cancel(s, j->j_commit_timer);
	tr->t_state = T_LOCKED;
	j->j_ci = 0;
	j->j_io_submitted = false;
	j->j_io_error = 0;
	sim_trace_note(s, t->t_id, j->j_cfg.j_xlog ? "cil_push" : "T_LOCKED", tr->t_tid,
		       tr->t_updates, j->j_cfg.j_xlog ? "checkpoint of sequence %u begins"
						     : "commit of tid %u begins", tr->t_tid);
	assert(jbd2_check(j));
	return SIM_DONE;
}

/* jbd2_journal_wait_updates (transaction.c): sleep on j_wait_updates until
 * every handle of the transaction has stopped. */
static enum sim_ret commit_wait_updates(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_running;

	if (tr->t_updates == 0)
		return SIM_DONE;
	j->j_wait_updates.wq_owners = tr->t_update_tasks;
	sim_wait(s, t, &j->j_wait_updates);
	return SIM_BLOCKED;
}

/* commit.c T_SWITCH then T_FLUSH: the transaction becomes the committing
 * one and new handles may open the next; take the frozen copies. */
static enum sim_ret commit_t_flush(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_running;

	JBD2_BUG_ON(tr->t_state != T_LOCKED || tr->t_updates);
	j->j_escaped = 0;
	for (uint32_t i = 0; i < tr->t_nmeta; i++) {
		pc_tag_t *copy = j->j_frozen + (size_t)i * j->j_bs;

		j->j_ops.get_block(s, j->j_ops.fs, tr->t_meta[i], copy);
		/* jbd2_journal_write_metadata_buffer: escape a copy that
		 * would read as a journal block. */
		if (jbd2_get32(copy, JBD2_W_MAGIC) == JBD2_MAGIC_NUMBER) {
			jbd2_put32(copy, JBD2_W_MAGIC, 0);
			j->j_escaped |= 1u << i;
		}
	}
	tr->t_state = T_FLUSH;
	j->j_committing = tr;
	j->j_running = NULL;
	sim_wake_all(s, &j->j_wait_transaction_locked);
	/* The kernel's commit never checkpoints: a handle that finds the log
	 * full does (__jbd2_log_wait_for_space -> jbd2_log_do_checkpoint).
	 * The model checkpoints here, only when this transaction would not
	 * fit; otherwise the checkpoint steps neither run nor show. */
	if (!cp_needed(j, tr))
		goto_data(t, j);
	assert(jbd2_check(j));
	return SIM_DONE;
}

/* jbd2_log_do_checkpoint (checkpoint.c), when the log lacks room: write the
 * newest committed copy of every home block and wait for the writes. */
static enum sim_ret commit_checkpoint(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;

	if (!j->j_io_submitted) {
		pc_blk_t done[JBD2_MAX_CP * JBD2_MAX_META];
		uint32_t ndone = 0;

		if (!cp_needed(j, tr)) {
			goto_data(t, j);
			return SIM_DONE;
		}
		sim_trace_note(s, t->t_id, "checkpoint", j->j_ncp, j->j_head,
			       "log full: checkpoint %u transactions", j->j_ncp);
		for (uint32_t c = j->j_ncp; c-- > 0;) {
			const struct jbd2_cp *cp = &j->j_cp[c];

			for (uint32_t i = 0; i < cp->cp_nmeta; i++) {
				bool seen = false;

				for (uint32_t k = 0; k < ndone && !seen; k++)
					seen = done[k] == cp->cp_home[i];
				if (seen)
					continue;
				done[ndone++] = cp->cp_home[i];
				memcpy(j->j_buf, pc_disk_read(j->j_disk, cp->cp_log_start + 1 + i),
				       j->j_bs * sizeof(pc_tag_t));
				if (cp->cp_escaped & (1u << i))
					jbd2_put32(j->j_buf, JBD2_W_MAGIC, JBD2_MAGIC_NUMBER);
				jbd2_submit(s, j, PC_REQ_WRITE, 0, PC_BIO_META, cp->cp_home[i],
					    j->j_buf);
			}
		}
		j->j_io_submitted = true;
	}
	if (!jbd2_wait_io(s, t, j))
		return SIM_BLOCKED;
	j->j_io_submitted = false;
	if (j->j_io_error)
		return commit_abort(s, t, j, j->j_io_error);
	return SIM_DONE;
}

/* jbd2_cleanup_journal_tail (checkpoint.c): blkdev_issue_flush before the
 * tail moves, so the home writes are durable first. */
static enum sim_ret commit_cp_flush(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;

	if (!j->j_io_submitted) {
		jbd2_submit(s, j, PC_REQ_FLUSH, PC_REQ_PREFLUSH, PC_BIO_FLUSH, 0, NULL);
		j->j_io_submitted = true;
	}
	if (!jbd2_wait_io(s, t, j))
		return SIM_BLOCKED;
	j->j_io_submitted = false;
	if (j->j_io_error)
		return commit_abort(s, t, j, j->j_io_error);
	return SIM_DONE;
}

static void jbd2_format_sb(const struct jbd2_journal *j, pc_tag_t *w, pc_tid_t seq,
			   pc_blk_t start)
{
	memset(w, 0, j->j_bs * sizeof(pc_tag_t));
	jbd2_put32(w, JBD2_W_MAGIC, JBD2_MAGIC_NUMBER);
	w[JBD2_W_TYPE] = JBD2_SUPERBLOCK_V2;
	jbd2_put32(w, JBD2_W_SB_FIRST, j->j_log_first);
	jbd2_put32(w, JBD2_W_SB_MAXLEN, j->j_cfg.j_len);
	jbd2_put32(w, JBD2_W_SB_SEQUENCE, seq);
	jbd2_put32(w, JBD2_W_SB_START, start);
	jbd2_put32(w, JBD2_W_SB_CSUM,
		   (uint32_t)jbd2_csum_block(SIM_HASH_INIT, w, JBD2_W_SB_CSUM));
}

/* jbd2_journal_update_sb_log_tail (journal.c): REQ_FUA superblock write with
 * the new tail; then the whole log area is free again. */
static enum sim_ret commit_cp_sb(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;

	if (!j->j_io_submitted) {
		jbd2_format_sb(j, j->j_buf, tr->t_tid, j->j_log_first);
		jbd2_submit(s, j, PC_REQ_WRITE, PC_REQ_FUA, PC_BIO_LOG, j->j_cfg.j_first, j->j_buf);
		j->j_io_submitted = true;
	}
	if (!jbd2_wait_io(s, t, j))
		return SIM_BLOCKED;
	j->j_io_submitted = false;
	if (j->j_io_error)
		return commit_abort(s, t, j, j->j_io_error);
	j->j_tail_sequence = tr->t_tid;
	j->j_head = j->j_log_first;
	j->j_ncp = 0;
	j->j_stats.js_checkpoints++;
	if (j->j_cfg.j_xlog)
		goto_data(t, j);
	assert(jbd2_check(j));
	return SIM_DONE;
}

/* journal_submit_data_buffers (commit.c): WB_SYNC_ALL writeback of every
 * JI_WRITE_DATA jinode's dirty range, no allocation; one jinode per step.
 * The writeback may sleep on a folio lock or on a folio under writeback
 * (WB_SYNC_ALL waits, then writes what was dirtied again): the step is
 * then re-run for the same jinode. */
static enum sim_ret commit_submit_data(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;

	if (j->j_ci < tr->t_ninodes) {
		struct jbd2_inode *ji = tr->t_inodes[j->j_ci];

		if ((ji->i_flags & JI_WRITE_DATA) && j->j_ops.submit_inode_data &&
		    !j->j_ops.submit_inode_data(s, t, j->j_ops.fs, ji, ji->i_dirty_start,
						ji->i_dirty_end))
			return SIM_BLOCKED;
		if (++j->j_ci < tr->t_ninodes)
			return SIM_AGAIN;
	}
	j->j_ci = 0;
	tr->t_state = T_COMMIT;
	return SIM_DONE;
}

/* T_COMMIT (commit.c, phase 2b): the descriptor and the frozen copies go to
 * the log, one bio per block as submit_bh does; the checksum the commit
 * block will carry is computed over what was written. */
static enum sim_ret commit_write_metadata(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;
	pc_tag_t *w = j->j_buf;

	JBD2_BUG_ON(j->j_head + log_need(tr) > j->j_log_end);
	tr->t_log_start = j->j_head;
	j->j_csum = jbd2_csum_seed(tr->t_tid);
	j->j_log_nblocks = 0;
	if (tr->t_nmeta) {
		memset(w, 0, j->j_bs * sizeof(pc_tag_t));
		jbd2_put32(w, JBD2_W_MAGIC, JBD2_MAGIC_NUMBER);
		w[JBD2_W_TYPE] = JBD2_DESCRIPTOR_BLOCK;
		jbd2_put32(w, JBD2_W_SEQ, tr->t_tid);
		w[JBD2_W_D_NTAGS] = (pc_tag_t)tr->t_nmeta;
		for (uint32_t i = 0; i < tr->t_nmeta; i++) {
			unsigned at = JBD2_W_D_TAGS + JBD2_TAG_WORDS * i;

			jbd2_put32(w, at, tr->t_meta[i]);
			w[at + 2] = (j->j_escaped & (1u << i)) ? JBD2_FLAG_ESCAPE : 0;
		}
		j->j_csum = jbd2_csum_block(j->j_csum, w, j->j_bs);
		jbd2_submit(s, j, PC_REQ_WRITE, 0, PC_BIO_LOG, j->j_head, w);
		for (uint32_t i = 0; i < tr->t_nmeta; i++) {
			const pc_tag_t *copy = j->j_frozen + (size_t)i * j->j_bs;

			j->j_csum = jbd2_csum_block(j->j_csum, copy, j->j_bs);
			jbd2_submit(s, j, PC_REQ_WRITE, 0, PC_BIO_LOG, j->j_head + 1 + i, copy);
		}
		j->j_log_nblocks = 1 + tr->t_nmeta;
		j->j_head += j->j_log_nblocks;
		j->j_stats.js_log_blocks += j->j_log_nblocks;
	}
	if (j->j_cfg.j_xlog) {
		/* no ordered data to wait for (journal_finish_inode_data_buffers) */
		journal_refile_inodes(j, tr);
		tr->t_state = T_COMMIT_DFLUSH;
		sim_task_goto(t, ST_WAIT_IO);
	}
	return SIM_DONE;
}

/* journal_finish_inode_data_buffers (commit.c): wait for the ordered data
 * of every JI_WAIT_DATA jinode (one per step), then refile them all. */
static enum sim_ret commit_finish_data(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;

	if (j->j_ci < tr->t_ninodes) {
		struct jbd2_inode *ji = tr->t_inodes[j->j_ci];

		if ((ji->i_flags & JI_WAIT_DATA) && j->j_ops.wait_inode_data &&
		    !j->j_ops.wait_inode_data(s, t, j->j_ops.fs, ji, ji->i_dirty_start,
					      ji->i_dirty_end))
			return SIM_BLOCKED;
		if (++j->j_ci < tr->t_ninodes)
			return SIM_AGAIN;
	}
	j->j_ci = 0;
	journal_refile_inodes(j, tr);
	tr->t_state = T_COMMIT_DFLUSH;
	assert(jbd2_check(j));
	return SIM_DONE;
}

/* commit.c phase 3/4: wait_on_buffer for every log buffer written. */
static enum sim_ret commit_wait_io_bufs(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;

	if (!jbd2_wait_io(s, t, j))
		return SIM_BLOCKED;
	if (j->j_io_error)
		return commit_abort(s, t, j, j->j_io_error);
	j->j_committing->t_state = T_COMMIT_JFLUSH;
	return SIM_DONE;
}

/* journal_submit_commit_record (commit.c): the commit block, with
 * REQ_PREFLUSH | REQ_FUA (JBD2_BARRIER, no async_commit). */
static enum sim_ret commit_submit_record(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;
	pc_tag_t *w = j->j_buf;

	memset(w, 0, j->j_bs * sizeof(pc_tag_t));
	jbd2_put32(w, JBD2_W_MAGIC, JBD2_MAGIC_NUMBER);
	w[JBD2_W_TYPE] = JBD2_COMMIT_BLOCK;
	jbd2_put32(w, JBD2_W_SEQ, tr->t_tid);
	w[JBD2_W_C_NBLOCKS] = (pc_tag_t)j->j_log_nblocks;
	jbd2_put32(w, JBD2_W_C_CSUM, (uint32_t)(j->j_csum >> 32));
	jbd2_put32(w, JBD2_W_C_CSUM + 2, (uint32_t)j->j_csum);
	jbd2_submit(s, j, PC_REQ_WRITE, PC_REQ_PREFLUSH | PC_REQ_FUA, PC_BIO_COMMIT, j->j_head, w);
	j->j_head++;
	j->j_stats.js_log_blocks++;
	return SIM_DONE;
}

/* journal_wait_on_commit_record (commit.c). */
static enum sim_ret commit_wait_record(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;

	if (!jbd2_wait_io(s, t, j))
		return SIM_BLOCKED;
	if (j->j_io_error)
		return commit_abort(s, t, j, j->j_io_error);
	return SIM_DONE;
}

/* End of jbd2_journal_commit_transaction (commit.c): T_COMMIT_CALLBACK,
 * j_commit_sequence, j_commit_callback, T_FINISHED, wake
 * j_wait_done_commit; the transaction joins the checkpoint list
 * (__jbd2_journal_insert_checkpoint). An aborted commit only lets go. */
static enum sim_ret commit_t_finished(struct sim *s, struct sim_task *t, void *arg)
{
	struct jbd2_journal *j = arg;
	struct jbd2_transaction *tr = j->j_committing;

	if (j->j_errno) {
		/* Bios of an abandoned phase may still be in flight. */
		if (!jbd2_wait_io(s, t, j))
			return SIM_BLOCKED;
		journal_refile_inodes(j, tr);
	} else {
		tr->t_state = T_COMMIT_CALLBACK;
		j->j_commit_sequence = tr->t_tid;
		if (tr->t_nmeta) {
			struct jbd2_cp *cp = &j->j_cp[j->j_ncp++];

			JBD2_BUG_ON(j->j_ncp > JBD2_MAX_CP);
			cp->cp_tid = tr->t_tid;
			cp->cp_log_start = tr->t_log_start;
			cp->cp_nmeta = tr->t_nmeta;
			cp->cp_escaped = j->j_escaped;
			memcpy(cp->cp_home, tr->t_meta, sizeof(cp->cp_home));
		}
		j->j_stats.js_commits++;
		j->j_stats.js_last_commit = j->j_commit_done;
		if (j->j_ops.commit_callback)
			j->j_ops.commit_callback(s, j->j_ops.fs, tr->t_tid);
	}
	tr->t_state = T_FINISHED;
	tr->t_live = false;
	j->j_committing = NULL;
	sim_wake_all(s, &j->j_wait_done_commit);
	sim_trace_note(s, t->t_id, j->j_cfg.j_xlog ? "cil_committed" : "T_FINISHED", tr->t_tid,
		       (uint64_t)(int64_t)j->j_errno, j->j_cfg.j_xlog ? "sequence %u %s" : "tid %u %s",
		       tr->t_tid, j->j_errno ? "abandoned" : "committed");
	assert(jbd2_check(j));
	return SIM_DONE;
}

static void fp_journal(const struct sim *s, const struct sim_task *t, const void *arg,
		       struct sim_fp *fp)
{
	sim_fp_add(fp, OBJ_JOURNAL, SIM_WRITE);
	sim_fp_add(fp, OBJ_EVQ, SIM_WRITE);	/* the commit timer, the clock */
}

static void fp_journal_disk(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp)
{
	sim_fp_add(fp, OBJ_JOURNAL, SIM_WRITE);
	sim_fp_add(fp, OBJ_DISK, SIM_WRITE);
	sim_fp_add(fp, OBJ_EVQ, SIM_WRITE);	/* bio completions, the clock */
}

/* Steps that call the file system back (get_block, ordered data, the
 * commit callback) declare no footprint: they may touch anything. */
static const struct sim_op_desc commit_op = {
	"jbd2_journal_commit_transaction", ST_NSTEPS, {
		[ST_LOCKED] = { "jbd2_journal_commit_transaction", commit_t_locked, fp_journal },
		[ST_WAIT_UPDATES] = { "jbd2_journal_wait_updates", commit_wait_updates, fp_journal },
		[ST_FLUSH] = { "pcsim:commit_t_flush", commit_t_flush, NULL },
		[ST_CHECKPOINT] = { "jbd2_log_do_checkpoint", commit_checkpoint, fp_journal_disk },
		[ST_CP_FLUSH] = { "jbd2_cleanup_journal_tail", commit_cp_flush, fp_journal_disk },
		[ST_CP_SB] = { "jbd2_journal_update_sb_log_tail", commit_cp_sb, fp_journal_disk },
		[ST_SUBMIT_DATA] = { "journal_submit_data_buffers", commit_submit_data, NULL },
		[ST_WRITE_META] = { "jbd2_journal_write_metadata_buffer", commit_write_metadata,
				    fp_journal_disk },
		[ST_FINISH_DATA] = { "journal_finish_inode_data_buffers", commit_finish_data, NULL },
		[ST_WAIT_IO] = { "pcsim:journal_wait_io_bufs", commit_wait_io_bufs, fp_journal_disk },
		[ST_COMMIT_RECORD] = { "journal_submit_commit_record", commit_submit_record,
				       fp_journal_disk },
		[ST_WAIT_COMMIT_RECORD] = { "journal_wait_on_commit_record", commit_wait_record,
					    fp_journal_disk },
		[ST_FINISHED] = { "pcsim:commit_t_finished", commit_t_finished, NULL },
	}
};

/* XFS's log under XFS's names (fs/xfs/xfs_log_cil.c, xfs_log.c,
 * xfs_trans_ail.c): the CIL push work switches the context, xlog_write
 * copies the checkpoint into iclogs, the commit record's iclog goes out
 * through xlog_sync (REQ_PREFLUSH | REQ_FUA), its completion runs
 * xlog_ioend_work and xlog_cil_committed. Mechanics the kernel's log does
 * not have carry "pcsim:". The ordered-data steps never run (goto_data). */
static const struct sim_op_desc commit_op_xlog = {
	"xlog_cil_push_work", ST_NSTEPS, {
		[ST_LOCKED] = { "xlog_cil_push_work", commit_t_locked, fp_journal },
		[ST_WAIT_UPDATES] = { "pcsim:wait_open_transactions", commit_wait_updates,
				      fp_journal },
		[ST_FLUSH] = { "xlog_cil_ctx_switch", commit_t_flush, NULL },
		[ST_CHECKPOINT] = { "xfsaild_push", commit_checkpoint, fp_journal_disk },
		[ST_CP_FLUSH] = { "pcsim:log_tail_flush", commit_cp_flush, fp_journal_disk },
		[ST_CP_SB] = { "pcsim:log_tail_write", commit_cp_sb, fp_journal_disk },
		[ST_SUBMIT_DATA] = { "pcsim:no_ordered_data", commit_submit_data, NULL },
		[ST_WRITE_META] = { "xlog_write", commit_write_metadata, fp_journal_disk },
		[ST_FINISH_DATA] = { "pcsim:no_ordered_data_wait", commit_finish_data, NULL },
		[ST_WAIT_IO] = { "xlog_wait_on_iclog", commit_wait_io_bufs, fp_journal_disk },
		[ST_COMMIT_RECORD] = { "xlog_sync", commit_submit_record, fp_journal_disk },
		[ST_WAIT_COMMIT_RECORD] = { "xlog_ioend_work", commit_wait_record,
					    fp_journal_disk },
		[ST_FINISHED] = { "xlog_cil_committed", commit_t_finished, NULL },
	}
};

unsigned jbd2_commit_step_names(bool xlog, const char **names, unsigned max)
{
	const struct sim_op_desc *d = xlog ? &commit_op_xlog : &commit_op;
	unsigned n = 0;

	for (unsigned i = 0; i < d->nsteps && n < max; i++)
		if (!xlog || (i != ST_SUBMIT_DATA && i != ST_FINISH_DATA))
			names[n++] = d->steps[i].name;
	return n;
}

unsigned jbd2_commit_steps(const char **names, unsigned max)
{
	return jbd2_commit_step_names(false, names, max);
}

/* kjournald2 (journal.c): commit the running transaction when a commit was
 * requested for it, or when it has expired (then request it). */
static bool kjournald2_next(struct sim *s, struct sim_task *t, struct sim_op *op)
{
	struct jbd2_journal *j = t->t_priv;
	struct jbd2_transaction *tr = j->j_running;

	if (j->j_errno || j->j_committing || !tr)
		return false;
	if (j->j_commit_request != tr->t_tid) {
		if (sim_now(s) < tr->t_expires)
			return false;
		j->j_commit_request = tr->t_tid;
	}
	op->op_desc = j->j_cfg.j_xlog ? &commit_op_xlog : &commit_op;
	op->op_arg = j;
	op->op_id = tr->t_tid;
	return true;
}

/* commit_timer_fn (journal.c): wake the commit thread. */
static void commit_timer_fn(struct sim *s, void *arg, uint64_t tid)
{
	struct jbd2_journal *j = arg;

	sim_task_kick(s, j->j_task);
}

/* ---- creation ---- */

struct jbd2_journal *jbd2_journal_create(struct sim *s, struct pc_disk *d,
					 const struct jbd2_config *cfg, const struct jbd2_ops *ops)
{
	struct jbd2_journal *j;
	uint32_t area;

	if (!d || !cfg || !ops || !ops->get_block || cfg->j_len < JBD2_MIN_LEN ||
	    cfg->j_first >= pc_disk_nblocks(d) || cfg->j_len > pc_disk_nblocks(d) - cfg->j_first)
		return NULL;
	j = sim_alloc(s, sizeof(*j));
	if (!j)
		return NULL;
	j->j_disk = d;
	j->j_ops = *ops;
	j->j_cfg = *cfg;
	if (!j->j_cfg.j_commit_interval)
		j->j_cfg.j_commit_interval = JBD2_DEFAULT_INTERVAL;
	j->j_bs = pc_disk_bs(d);
	j->j_log_first = cfg->j_first + 1;
	j->j_log_end = cfg->j_first + cfg->j_len;
	area = cfg->j_len - 1;
	j->j_max_meta = area - 2 < JBD2_MAX_META ? area - 2 : JBD2_MAX_META;
	j->j_head = j->j_log_first;
	j->j_transaction_sequence = 1;
	j->j_tail_sequence = 1;
	j->j_commit_timer.eh_slot = UINT32_MAX;
	j->j_frozen = sim_alloc(s, (size_t)JBD2_MAX_META * j->j_bs * sizeof(pc_tag_t));
	j->j_buf = sim_alloc(s, j->j_bs * sizeof(pc_tag_t));
	j->j_task = sim_task_create(s, cfg->j_xlog ? "xfs-cil" : "jbd2", true);
	if (!j->j_frozen || !j->j_buf || !j->j_task ||
	    sim_task_set_daemon(s, j->j_task, kjournald2_next))
		return NULL;
	j->j_task->t_priv = j;
	sim_wq_init(&j->j_wait_transaction_locked,
		    cfg->j_xlog ? "xc_ctx_lock" : "j_wait_transaction_locked", OBJ_JOURNAL);
	sim_wq_init(&j->j_wait_updates, cfg->j_xlog ? "pcsim:open_transactions" : "j_wait_updates",
		    OBJ_JOURNAL);
	sim_wq_init(&j->j_wait_done_commit, cfg->j_xlog ? "xc_commit_wait" : "j_wait_done_commit",
		    OBJ_JOURNAL);
	sim_wq_init(&j->j_wait_io, cfg->j_xlog ? "ic_write_wait" : "jbd2_wait_io", OBJ_JOURNAL);
	/* The initial image: an empty log (jbd2_journal_reset). */
	for (pc_blk_t b = j->j_log_first; b < j->j_log_end; b++)
		pc_disk_fill(d, b, j->j_buf);
	jbd2_format_sb(j, j->j_buf, 1, j->j_log_first);
	pc_disk_fill(d, cfg->j_first, j->j_buf);
	assert(jbd2_check(j));
	return j;
}

struct sim_task *jbd2_task(const struct jbd2_journal *j)
{
	return j->j_task;
}

/* ---- handles (fs/jbd2/transaction.c) ---- */

/* jbd2_get_transaction: a new running transaction; its first handle arms
 * the commit timer (t_expires = now + j_commit_interval). */
static struct jbd2_transaction *jbd2_get_transaction(struct sim *s, struct jbd2_journal *j)
{
	struct jbd2_transaction *tr = !j->j_tr[0].t_live ? &j->j_tr[0] : &j->j_tr[1];

	JBD2_BUG_ON(tr->t_live);
	memset(tr, 0, sizeof(*tr));
	tr->t_live = true;
	tr->t_tid = j->j_transaction_sequence++;
	tr->t_state = T_RUNNING;
	tr->t_start = sim_now(s);
	tr->t_expires = tr->t_start + j->j_cfg.j_commit_interval;
	j->j_commit_timer = sim_timer(s, j->j_cfg.j_commit_interval,
				      j->j_cfg.j_xlog ? "xfs_log_worker" : "jbd2_commit_timer",
				      commit_timer_fn, j, tr->t_tid);
	j->j_running = tr;
	assert(jbd2_check(j));
	return tr;
}

static void wait_transaction_locked(struct sim *s, struct sim_task *t, struct jbd2_journal *j)
{
	j->j_wait_transaction_locked.wq_owners = 1ULL << j->j_task->t_id;
	sim_wait(s, t, &j->j_wait_transaction_locked);
}

/* start_this_handle: a reserved handle (its credits were reserved when the
 * I/O was submitted) joins the running transaction even when it is
 * T_LOCKED; any other waits for the commit to move on. */
static struct jbd2_handle *start_this_handle(struct sim *s, struct sim_task *t,
					     struct jbd2_journal *j, bool reserved)
{
	struct jbd2_transaction *tr = j->j_running;
	struct jbd2_handle *h = NULL;

	if (tr && tr->t_state == T_LOCKED && !reserved) {
		wait_transaction_locked(s, t, j);
		return NULL;
	}
	if (tr && !reserved && !j->j_errno && tr->t_nmeta + JBD2_HANDLE_CREDITS > j->j_max_meta) {
		/* add_transaction_credits: too big, commit it first. */
		jbd2_log_start_commit(s, j, tr->t_tid);
		wait_transaction_locked(s, t, j);
		return NULL;
	}
	for (uint32_t i = 0; i < JBD2_MAX_HANDLES && !h; i++)
		if (!j->j_handles[i].h_live)
			h = &j->j_handles[i];
	JBD2_BUG_ON(!h);
	if (!tr)
		tr = jbd2_get_transaction(s, j);
	memset(h, 0, sizeof(*h));
	h->h_live = true;
	h->h_task = t->t_id;
	h->h_tid = tr->t_tid;
	h->h_transaction = tr;
	tr->t_updates++;
	tr->t_update_tasks |= 1ULL << t->t_id;
	if (tr->t_state == T_LOCKED)
		j->j_wait_updates.wq_owners |= 1ULL << t->t_id;
	return h;
}

struct jbd2_handle *jbd2_journal_start(struct sim *s, struct sim_task *t, struct jbd2_journal *j)
{
	return start_this_handle(s, t, j, false);
}

struct jbd2_handle *jbd2_journal_start_reserved(struct sim *s, struct sim_task *t,
						struct jbd2_journal *j)
{
	return start_this_handle(s, t, j, true);
}

void jbd2_journal_dirty_metadata(struct jbd2_journal *j, struct jbd2_handle *h, pc_blk_t blk)
{
	struct jbd2_transaction *tr = h->h_transaction;

	JBD2_BUG_ON(!h->h_live || tr->t_state > T_LOCKED);
	JBD2_BUG_ON(blk >= j->j_cfg.j_first && blk < j->j_log_end);
	if (j->j_errno)
		return;
	for (uint32_t i = 0; i < tr->t_nmeta; i++)
		if (tr->t_meta[i] == blk)
			return;
	JBD2_BUG_ON(h->h_credits_used >= JBD2_HANDLE_CREDITS || tr->t_nmeta >= j->j_max_meta);
	h->h_credits_used++;
	tr->t_meta[tr->t_nmeta++] = blk;
}

/* jbd2_journal_file_inode (transaction.c) with JI_WRITE_DATA | JI_WAIT_DATA. */
void jbd2_journal_inode_ranged_write(struct jbd2_journal *j, struct jbd2_handle *h,
				     struct jbd2_inode *ji, uint64_t start, uint64_t len)
{
	struct jbd2_transaction *tr = h->h_transaction;
	uint64_t end = start + len - 1;

	JBD2_BUG_ON(!h->h_live || tr->t_state > T_LOCKED);
	if (len == 0)
		return;
	ji->i_flags |= JI_WRITE_DATA | JI_WAIT_DATA;
	if (ji->i_transaction) {
		if (start < ji->i_dirty_start)
			ji->i_dirty_start = start;
		if (end > ji->i_dirty_end)
			ji->i_dirty_end = end;
	} else {
		ji->i_dirty_start = start;
		ji->i_dirty_end = end;
	}
	if (ji->i_transaction == tr->t_tid || ji->i_next_transaction == tr->t_tid)
		return;
	if (ji->i_transaction) {
		/* On the committing transaction: refile when it is done. */
		JBD2_BUG_ON(!j->j_committing || ji->i_transaction != j->j_committing->t_tid);
		JBD2_BUG_ON(ji->i_next_transaction);
		ji->i_next_transaction = tr->t_tid;
		return;
	}
	JBD2_BUG_ON(tr->t_ninodes >= JBD2_MAX_JINODES);
	ji->i_transaction = tr->t_tid;
	tr->t_inodes[tr->t_ninodes++] = ji;
	assert(jbd2_check(j));
}

void jbd2_journal_stop(struct sim *s, struct jbd2_journal *j, struct jbd2_handle *h)
{
	struct jbd2_transaction *tr = h->h_transaction;
	uint64_t mask = 0;

	JBD2_BUG_ON(!h->h_live || tr->t_updates == 0);
	h->h_live = false;
	tr->t_updates--;
	for (uint32_t i = 0; i < JBD2_MAX_HANDLES; i++)
		if (j->j_handles[i].h_live && j->j_handles[i].h_transaction == tr)
			mask |= 1ULL << j->j_handles[i].h_task;
	tr->t_update_tasks = mask;
	if (tr->t_state == T_LOCKED) {
		j->j_wait_updates.wq_owners = mask;
		if (tr->t_updates == 0)
			sim_wake_all(s, &j->j_wait_updates);
	} else if (sim_now(s) >= tr->t_expires) {
		/* jbd2_journal_stop: an expired transaction is committed. */
		jbd2_log_start_commit(s, j, tr->t_tid);
	}
}

pc_tid_t jbd2_handle_tid(const struct jbd2_handle *h)
{
	return h->h_tid;
}

/* ---- commits (fs/jbd2/journal.c) ---- */

pc_tid_t jbd2_running_tid(const struct jbd2_journal *j)
{
	return j->j_running ? j->j_running->t_tid : 0;
}

pc_tid_t jbd2_next_handle_tid(const struct jbd2_journal *j)
{
	if (j->j_running && j->j_running->t_state == T_RUNNING)
		return j->j_running->t_tid;
	return j->j_transaction_sequence;
}

pc_tid_t jbd2_committed_tid(const struct jbd2_journal *j)
{
	return j->j_commit_sequence;
}

bool jbd2_trans_will_send_data_barrier(const struct jbd2_journal *j, pc_tid_t tid)
{
	const struct jbd2_transaction *c = j->j_committing;

	if (tid <= j->j_commit_sequence)
		return false;		/* already committed */
	if (!c || c->t_tid != tid)
		return true;		/* still running: its commit is to come */
	/* One device for log and data: the commit record's PREFLUSH is the
	 * data barrier, issued from T_COMMIT_JFLUSH on. */
	return c->t_state < T_COMMIT_JFLUSH;
}

/* __jbd2_log_start_commit: only the running transaction can be asked for;
 * the committing one is on its way, older ones are done. */
void jbd2_log_start_commit(struct sim *s, struct jbd2_journal *j, pc_tid_t tid)
{
	if (j->j_errno || tid <= j->j_commit_sequence)
		return;
	if (j->j_running && j->j_running->t_tid == tid) {
		if (j->j_commit_request < tid)
			j->j_commit_request = tid;
		sim_task_kick(s, j->j_task);
	}
}

bool jbd2_log_wait_commit(struct sim *s, struct sim_task *t, struct jbd2_journal *j, pc_tid_t tid)
{
	if (tid <= j->j_commit_sequence || j->j_errno)
		return true;
	j->j_wait_done_commit.wq_owners = 1ULL << j->j_task->t_id;
	sim_wait(s, t, &j->j_wait_done_commit);
	return false;
}

const struct jbd2_stats *jbd2_stats(const struct jbd2_journal *j)
{
	return &j->j_stats;
}

int jbd2_journal_errno(const struct jbd2_journal *j)
{
	return j->j_errno;
}
