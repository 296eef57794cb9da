/* SPDX-License-Identifier: MIT */
/*
 * model/jbd2.h - the jbd2 journal: handles, the running and committing
 * transactions, the commit thread, ordered data, log blocks, the commit
 * record with REQ_PREFLUSH | REQ_FUA, checkpoint, and recovery.
 * Kernel: fs/jbd2/transaction.c, commit.c, checkpoint.c, recovery.c,
 * include/linux/jbd2.h.
 *
 * Transaction states (t_state), as in include/linux/jbd2.h:
 *
 *   T_RUNNING --commit starts--> T_LOCKED --no open handles--> T_FLUSH
 *     --ordered data submitted--> T_COMMIT --log written, data waited-->
 *     T_COMMIT_DFLUSH --commit record durable--> T_FINISHED
 *
 * Only one transaction runs and at most one commits. New handles block
 * while the running transaction is T_LOCKED; from T_FLUSH on they open a
 * new running transaction.
 *
 * The file system tells the journal which metadata blocks a handle dirtied
 * (jbd2_journal_dirty_metadata); their contents are captured through
 * jops->get_block when the commit writes them to the log. Ordered data is a
 * jinode's dirty byte range (jbd2_journal_inode_ranged_write); the commit
 * submits it (jops->submit_inode_data) before writing the log and waits for
 * it (jops->wait_inode_data) before the commit record.
 *
 * On-disk log: block j_first is the journal superblock (s_sequence, s_start);
 * then, per transaction: one descriptor block (tid, home block numbers),
 * the copies, one commit block (tid, checksum of the copies) written with
 * REQ_PREFLUSH | REQ_FUA. When the log is full the commit thread
 * checkpoints: writes the committed copies to their home blocks, flushes,
 * and moves s_start.
 *
 * The same journal also stands in for the XFS log (docs/model.md says what
 * that leaves out).
 */
#ifndef PCSIM_MODEL_JBD2_H
#define PCSIM_MODEL_JBD2_H

#include "model/disk.h"

#define JBD2_MAX_META	16	/* metadata blocks in one transaction */
#define JBD2_HANDLE_CREDITS	6	/* new blocks one handle may dirty */
#define JBD2_MAX_JINODES	PC_MAX_FILES

enum jbd2_t_state {
	T_RUNNING = 0, T_LOCKED, T_FLUSH, T_COMMIT, T_COMMIT_DFLUSH, T_COMMIT_JFLUSH,
	T_COMMIT_CALLBACK, T_FINISHED
};

/* jinode flags (include/linux/jbd2.h) */
#define JI_WRITE_DATA	1	/* submit its data at commit */
#define JI_WAIT_DATA	2	/* wait for its data before the commit record */

/* Embedded in the model's inode. [j_state_lock] */
struct jbd2_inode {
	void *i_owner;			/* the model's inode */
	pc_tid_t i_transaction;		/* tid it is filed on, 0: none */
	pc_tid_t i_next_transaction;	/* refiled while committing, 0: none */
	uint8_t i_flags;
	uint64_t i_dirty_start, i_dirty_end;	/* bytes, inclusive end; valid if i_transaction */
};

struct jbd2_journal;
struct jbd2_handle;

struct jbd2_ops {
	void *fs;	/* passed back to every callback */
	/* Serialize the current in-memory contents of metadata block blk. */
	void (*get_block)(struct sim *s, void *fs, pc_blk_t blk, pc_tag_t *words);
	/* WB_SYNC_ALL writeback of [start, end] without allocation; submit
	 * only. It may sleep (a folio lock, a folio under writeback): false
	 * after putting t to sleep, and the step calls it again for the same
	 * jinode when t wakes; true when the range is submitted. */
	bool (*submit_inode_data)(struct sim *s, struct sim_task *t, void *fs,
				  struct jbd2_inode *ji, uint64_t start, uint64_t end);
	/* Wait for writeback of [start, end]: true when none is under
	 * writeback, false after putting t to sleep (the step returns BLOCKED). */
	bool (*wait_inode_data)(struct sim *s, struct sim_task *t, void *fs,
				struct jbd2_inode *ji, uint64_t start, uint64_t end);
	/* After a transaction's commit record is durable (j_commit_callback). */
	void (*commit_callback)(struct sim *s, void *fs, pc_tid_t tid);
};

struct jbd2_config {
	pc_blk_t j_first;		/* journal superblock */
	uint32_t j_len;			/* blocks in the log including the superblock */
	sim_time_t j_commit_interval;	/* 5 s by default (ext4 commit=) */
	/* XFS's log (profile xfs): the same mechanics under XFS's names, the
	 * task "xfs-cil" running xlog_cil_push_work, the timer
	 * xfs_log_worker, no ordered-data steps (docs/model.md 2.9, 7). */
	bool j_xlog;
};

/* Create the journal and its commit thread (a daemon task named "jbd2").
 * Writes an empty log (superblock) into the disk's initial image. */
struct jbd2_journal *jbd2_journal_create(struct sim *s, struct pc_disk *d,
					 const struct jbd2_config *cfg, const struct jbd2_ops *ops);
struct sim_task *jbd2_task(const struct jbd2_journal *j);
/* The step names of the commit thread's operation, in order (scenario
 * validation): fills up to max names, returns how many were filled. */
unsigned jbd2_commit_steps(const char **names, unsigned max);
/* The same for the jbd2 (xlog false) or the XFS log (xlog true) names. */
unsigned jbd2_commit_step_names(bool xlog, const char **names, unsigned max);

/* Start a handle (fs/jbd2/transaction.c jbd2__journal_start). Returns NULL
 * after putting t to sleep when the running transaction is T_LOCKED; the
 * caller's step returns SIM_BLOCKED and retries. The first handle of a
 * transaction arms the commit timer (j_commit_interval). */
struct jbd2_handle *jbd2_journal_start(struct sim *s, struct sim_task *t, struct jbd2_journal *j);
/* jbd2_journal_start_reserved: start the handle whose credits were reserved
 * at I/O submission (ext4_journal_start_with_reserve in ext4_do_writepages,
 * used by the end_io conversion). It never sleeps: it joins the running
 * transaction even when that is T_LOCKED (the commit then waits for it), so
 * a task that waits for writeback while holding a handle cannot block the
 * conversion that ends that writeback. */
struct jbd2_handle *jbd2_journal_start_reserved(struct sim *s, struct sim_task *t,
						struct jbd2_journal *j);
/* Record that the handle dirtied metadata block blk. */
void jbd2_journal_dirty_metadata(struct jbd2_journal *j, struct jbd2_handle *h, pc_blk_t blk);
/* Add [start, start+len) of ji to the handle's transaction's ordered data
 * (jbd2_journal_inode_ranged_write): WRITE_DATA | WAIT_DATA. If ji is on the
 * committing transaction it is refiled to the running one. */
void jbd2_journal_inode_ranged_write(struct jbd2_journal *j, struct jbd2_handle *h,
				     struct jbd2_inode *ji, uint64_t start, uint64_t len);
/* Close the handle; the last one of a T_LOCKED transaction lets the commit go on. */
void jbd2_journal_stop(struct sim *s, struct jbd2_journal *j, struct jbd2_handle *h);
pc_tid_t jbd2_handle_tid(const struct jbd2_handle *h);

/* The running transaction's tid (0: none yet) and the last committed tid. */
pc_tid_t jbd2_running_tid(const struct jbd2_journal *j);
pc_tid_t jbd2_committed_tid(const struct jbd2_journal *j);
/* jbd2_trans_will_send_data_barrier (fs/jbd2/journal.c): true if the commit
 * of tid has not yet issued its commit record's REQ_PREFLUSH, so data that
 * completed before now is covered by it. False when tid is committed or its
 * commit is at T_COMMIT_JFLUSH or later: the caller (ext4_sync_file,
 * ext4_sync_fs) must issue its own cache flush after waiting. */
bool jbd2_trans_will_send_data_barrier(const struct jbd2_journal *j, pc_tid_t tid);
/* The tid a handle started now would join (the running transaction's if it
 * still takes handles, else the next one). */
pc_tid_t jbd2_next_handle_tid(const struct jbd2_journal *j);
/* Ask for tid to commit now (jbd2_log_start_commit). No-op if committed. */
void jbd2_log_start_commit(struct sim *s, struct jbd2_journal *j, pc_tid_t tid);
/* True if tid's commit record is durable; else t sleeps until it is
 * (jbd2_log_wait_commit); the caller's step returns SIM_BLOCKED. */
bool jbd2_log_wait_commit(struct sim *s, struct sim_task *t, struct jbd2_journal *j, pc_tid_t tid);

struct jbd2_stats {
	uint64_t js_commits;
	uint64_t js_log_blocks;
	uint64_t js_checkpoints;
	sim_time_t js_last_commit;	/* when the last commit record completed */
};
const struct jbd2_stats *jbd2_stats(const struct jbd2_journal *j);
/* 0, or the sticky error that aborted the journal (-PC_EIO: a log write,
 * checkpoint write or commit record failed; jbd2_journal_abort). Once
 * aborted nothing more commits and jbd2_log_wait_commit returns true at
 * once: callers check this to report the error, as the kernel returns -EIO. */
int jbd2_journal_errno(const struct jbd2_journal *j);

/* Recovery on a crash image (fs/jbd2/recovery.c: PASS_SCAN then
 * PASS_REPLAY; no revoke records are written, so PASS_REVOKE is empty).
 * Scans from s_start for transactions with consecutive tids, each a valid
 * descriptor, its copies, and a commit block whose checksum matches the
 * copies; replays every such transaction in order into home blocks and
 * stops at the first that is not complete. */
struct jbd2_recovery_info {
	pc_tid_t ri_first_tid, ri_last_tid;	/* replayed: [first, last], none if first > last */
	uint32_t ri_transactions, ri_blocks;
	bool ri_corrupt;			/* superblock unreadable: the `journal` invariant */
	char ri_why[96];
};
int jbd2_journal_recover(pc_tag_t *image, uint32_t bs, pc_blk_t j_first, uint32_t j_len,
			 struct jbd2_recovery_info *info);
/* The same, and the blocks it wrote (home blocks replayed, the superblock)
 * in written[0 .. *nwritten); when more than max were written, *nwritten
 * is max + 1 and the list is incomplete. For crash states built one from
 * the previous (model/crash.c: pc_crash_touch). */
int jbd2_journal_recover_logged(pc_tag_t *image, uint32_t bs, pc_blk_t j_first, uint32_t j_len,
				struct jbd2_recovery_info *info, pc_blk_t *written, uint32_t max,
				uint32_t *nwritten);

/* ---- Internal: the on-disk log block format, shared by model/jbd2.c (the
 * writer) and model/jbd2_recovery.c (the reader) only. ----
 *
 * A block is bs 16-bit words; a 32-bit field is two words, high word first.
 * Every journal block starts with a header (as journal_header_t):
 *   [0..1] JBD2_MAGIC_NUMBER  [2] block type  [3..4] sequence (tid)
 * Superblock (block j_first, type JBD2_SUPERBLOCK_V2, sequence 0):
 *   [5..6] s_first (first log block, absolute)  [7..8] s_maxlen (j_len)
 *   [9..10] s_sequence (first tid to replay)    [11..12] s_start (block of
 *   that tid's first log block, absolute; 0 = clean, nothing to replay)
 *   [13..14] checksum of words 0..12
 * Descriptor (type JBD2_DESCRIPTOR_BLOCK): [5] number of tags n, then tag i
 *   at 6 + 3i: [0..1] home block  [2] flags (JBD2_FLAG_ESCAPE: the copy
 *   began with the magic number, whose two words are stored as zero)
 * The n copies follow the descriptor in the next n log blocks.
 * Commit (type JBD2_COMMIT_BLOCK): [5] number of log blocks before it in
 *   the transaction (0, or 1 + n)  [6..9] 64-bit checksum over those blocks
 *   as written (jbd2_csum_block chained from jbd2_csum_seed(tid)), like the
 *   JBD2_FEATURE_COMPAT_CHECKSUM crc32 over descriptor and data blocks.
 * A transaction with no metadata is a lone commit block. */
#define JBD2_MAGIC_NUMBER	0xc03b3998u
#define JBD2_DESCRIPTOR_BLOCK	1
#define JBD2_COMMIT_BLOCK	2
#define JBD2_SUPERBLOCK_V2	4
#define JBD2_FLAG_ESCAPE	1

#define JBD2_W_MAGIC		0
#define JBD2_W_TYPE		2
#define JBD2_W_SEQ		3
#define JBD2_W_SB_FIRST		5
#define JBD2_W_SB_MAXLEN	7
#define JBD2_W_SB_SEQUENCE	9
#define JBD2_W_SB_START		11
#define JBD2_W_SB_CSUM		13
#define JBD2_W_D_NTAGS		5
#define JBD2_W_D_TAGS		6
#define JBD2_TAG_WORDS		3
#define JBD2_W_C_NBLOCKS	5
#define JBD2_W_C_CSUM		6

static inline uint32_t jbd2_get32(const pc_tag_t *w, unsigned off)
{
	return ((uint32_t)w[off] << 16) | w[off + 1];
}

static inline void jbd2_put32(pc_tag_t *w, unsigned off, uint32_t v)
{
	w[off] = (pc_tag_t)(v >> 16);
	w[off + 1] = (pc_tag_t)(v & 0xffff);
}

static inline uint64_t jbd2_csum_seed(pc_tid_t tid)
{
	return sim_hash_u64(SIM_HASH_INIT, tid);
}

/* FNV-1a over the words, low byte first: the same on every host. */
static inline uint64_t jbd2_csum_block(uint64_t h, const pc_tag_t *w, uint32_t nwords)
{
	for (uint32_t i = 0; i < nwords; i++) {
		h = (h ^ (w[i] & 0xffu)) * 0x100000001b3ULL;
		h = (h ^ (uint32_t)(w[i] >> 8)) * 0x100000001b3ULL;
	}
	return h;
}

#endif /* PCSIM_MODEL_JBD2_H */
