/* SPDX-License-Identifier: MIT */
/*
 * model/jbd2_recovery.c - journal recovery on a crash image, after
 * fs/jbd2/recovery.c (jbd2_journal_recover, do_one_pass). It needs no
 * simulation: it reads and writes a plain image of bs-word blocks. The
 * block format is described at the end of model/jbd2.h.
 *
 *   superblock --bad magic/type/checksum--> ri_corrupt, -PC_EIO
 *       | s_start == 0: clean, nothing to do
 *       v
 *   PASS_SCAN   from (s_start, s_sequence): a transaction is valid when the
 *               block at the cursor is its descriptor (magic, type, tid) and
 *               the commit block after its copies has the magic, the tid,
 *               the block count and a checksum equal to the one recomputed
 *               over the descriptor and copies in the image; a transaction
 *               made only of a commit block is valid too. The first block
 *               that is not what the next tid needs ends the log: this is
 *               end_transaction, as in the kernel (a bad commit checksum
 *               also ends it: JBD2_FEATURE_COMPAT_CHECKSUM, no async_commit).
 *   PASS_REVOKE empty: the model writes no revoke records.
 *   PASS_REPLAY copies of the transactions [s_sequence, end_transaction) to
 *               their home blocks, in order (a later copy of a block wins).
 *   then, like jbd2_journal_load -> jbd2_journal_reset on the next mount,
 *   the superblock is rewritten with s_sequence = end_transaction and
 *   s_start = the first log block, so running recovery again replays
 *   nothing.
 *
 * Bounds: the scan never leaves the log area [j_first + 1, j_first + j_len)
 * and does not wrap (the writer checkpoints instead of wrapping); the number
 * of tags in a descriptor is bounded by the block size.
 */
#include <stdio.h>
#include <string.h>

#include "model/jbd2.h"

enum recovery_pass { PASS_SCAN, PASS_REPLAY };

struct jbd2_log {
	pc_tag_t *l_image;
	uint32_t l_bs;
	pc_blk_t l_first, l_end;	/* log area */
	pc_blk_t *l_written;		/* NULL, or where to note the blocks written */
	uint32_t l_max, l_nwritten;
};

static void note_written(struct jbd2_log *l, pc_blk_t b)
{
	if (!l->l_written)
		return;
	if (l->l_nwritten < l->l_max)
		l->l_written[l->l_nwritten++] = b;
	else
		l->l_nwritten = l->l_max + 1;
}

static pc_tag_t *log_block(const struct jbd2_log *l, pc_blk_t b)
{
	return l->l_image + (size_t)b * l->l_bs;
}

static bool is_block(const pc_tag_t *w, unsigned type, pc_tid_t tid)
{
	return jbd2_get32(w, JBD2_W_MAGIC) == JBD2_MAGIC_NUMBER && w[JBD2_W_TYPE] == type &&
	       jbd2_get32(w, JBD2_W_SEQ) == tid;
}

/* Is the transaction tid at block pos complete and intact? Sets *ntags and
 * *next (the block after its commit block); on failure says why. */
static bool scan_transaction(const struct jbd2_log *l, pc_blk_t pos, pc_tid_t tid,
			     uint32_t *ntags, pc_blk_t *next, char *why, size_t whylen)
{
	const pc_tag_t *w = log_block(l, pos);
	uint32_t maxtags = (l->l_bs - JBD2_W_D_TAGS) / JBD2_TAG_WORDS;
	uint64_t csum = jbd2_csum_seed(tid);
	pc_blk_t cpos = pos;
	uint32_t n = 0;

	if (is_block(w, JBD2_DESCRIPTOR_BLOCK, tid)) {
		n = w[JBD2_W_D_NTAGS];
		if (n == 0 || n > maxtags || n >= l->l_end - pos - 1) {
			snprintf(why, whylen, "tid %u: bad descriptor at block %u", tid, pos);
			return false;
		}
		csum = jbd2_csum_block(csum, w, l->l_bs);
		for (uint32_t i = 0; i < n; i++)
			csum = jbd2_csum_block(csum, log_block(l, pos + 1 + i), l->l_bs);
		cpos = pos + 1 + n;
	} else if (!is_block(w, JBD2_COMMIT_BLOCK, tid)) {
		snprintf(why, whylen, "tid %u: no descriptor or commit block at block %u (end of log)",
			 tid, pos);
		return false;
	}
	w = log_block(l, cpos);
	if (!is_block(w, JBD2_COMMIT_BLOCK, tid)) {
		snprintf(why, whylen, "tid %u: commit block missing at block %u", tid, cpos);
		return false;
	}
	if (w[JBD2_W_C_NBLOCKS] != (n ? 1 + n : 0) ||
	    jbd2_get32(w, JBD2_W_C_CSUM) != (uint32_t)(csum >> 32) ||
	    jbd2_get32(w, JBD2_W_C_CSUM + 2) != (uint32_t)csum) {
		snprintf(why, whylen, "tid %u: commit block checksum mismatch at block %u", tid,
			 cpos);
		return false;
	}
	*ntags = n;
	*next = cpos + 1;
	return true;
}

/* Copy the tagged blocks of the descriptor at pos home. */
static uint32_t replay_transaction(struct jbd2_log *l, pc_blk_t pos, uint32_t n)
{
	const pc_tag_t *d = log_block(l, pos);

	for (uint32_t i = 0; i < n; i++) {
		unsigned at = JBD2_W_D_TAGS + JBD2_TAG_WORDS * i;
		pc_tag_t *home = log_block(l, jbd2_get32(d, at));

		note_written(l, jbd2_get32(d, at));
		memcpy(home, log_block(l, pos + 1 + i), l->l_bs * sizeof(pc_tag_t));
		if (d[at + 2] & JBD2_FLAG_ESCAPE)
			jbd2_put32(home, JBD2_W_MAGIC, JBD2_MAGIC_NUMBER);
	}
	return n;
}

/* do_one_pass (recovery.c). PASS_SCAN returns end_transaction; PASS_REPLAY
 * replays [start_tid, end) and returns end. */
static pc_tid_t do_one_pass(struct jbd2_log *l, pc_blk_t start, pc_tid_t start_tid,
			    pc_tid_t end, enum recovery_pass pass, struct jbd2_recovery_info *info)
{
	pc_blk_t pos = start;
	pc_tid_t tid = start_tid;

	/* Each transaction takes at least one block: bounded by the area. */
	while (pos < l->l_end && (pass == PASS_SCAN || tid < end)) {
		uint32_t n;
		pc_blk_t next;

		if (!scan_transaction(l, pos, tid, &n, &next, info->ri_why, sizeof(info->ri_why)))
			break;
		if (pass == PASS_REPLAY) {
			info->ri_blocks += replay_transaction(l, pos, n);
			info->ri_transactions++;
		}
		pos = next;
		tid++;
	}
	if (pass == PASS_SCAN && pos >= l->l_end)
		snprintf(info->ri_why, sizeof(info->ri_why), "tid %u: end of the log area", tid);
	return tid;
}

static bool sb_valid(const pc_tag_t *sb, pc_blk_t j_first, uint32_t j_len)
{
	return jbd2_get32(sb, JBD2_W_MAGIC) == JBD2_MAGIC_NUMBER &&
	       sb[JBD2_W_TYPE] == JBD2_SUPERBLOCK_V2 &&
	       jbd2_get32(sb, JBD2_W_SB_CSUM) ==
		       (uint32_t)jbd2_csum_block(SIM_HASH_INIT, sb, JBD2_W_SB_CSUM) &&
	       jbd2_get32(sb, JBD2_W_SB_FIRST) == j_first + 1 &&
	       jbd2_get32(sb, JBD2_W_SB_MAXLEN) == j_len;
}

int jbd2_journal_recover(pc_tag_t *image, uint32_t bs, pc_blk_t j_first, uint32_t j_len,
			 struct jbd2_recovery_info *info)
{
	return jbd2_journal_recover_logged(image, bs, j_first, j_len, info, NULL, 0, NULL);
}

int jbd2_journal_recover_logged(pc_tag_t *image, uint32_t bs, pc_blk_t j_first, uint32_t j_len,
				struct jbd2_recovery_info *info, pc_blk_t *written, uint32_t max,
				uint32_t *nwritten)
{
	struct jbd2_log l = { image, bs, j_first + 1, j_first + j_len, written, max, 0 };
	int rc = 0;
	pc_tag_t *sb = image + (size_t)j_first * bs;
	pc_tid_t seq, end;
	pc_blk_t start;

	memset(info, 0, sizeof(*info));
	info->ri_first_tid = 1;
	if (j_len < 2 || !sb_valid(sb, j_first, j_len)) {
		info->ri_corrupt = true;
		snprintf(info->ri_why, sizeof(info->ri_why), "journal superblock at %u unreadable",
			 j_first);
		rc = -PC_EIO;
		goto out;
	}
	seq = jbd2_get32(sb, JBD2_W_SB_SEQUENCE);
	start = jbd2_get32(sb, JBD2_W_SB_START);
	info->ri_first_tid = seq;
	info->ri_last_tid = seq - 1;
	if (start == 0) {
		snprintf(info->ri_why, sizeof(info->ri_why), "clean journal");
		goto out;
	}
	if (start < l.l_first || start >= l.l_end) {
		info->ri_corrupt = true;
		snprintf(info->ri_why, sizeof(info->ri_why), "s_start %u outside the log", start);
		rc = -PC_EIO;
		goto out;
	}
	end = do_one_pass(&l, start, seq, 0, PASS_SCAN, info);
	do_one_pass(&l, start, seq, end, PASS_REPLAY, info);
	info->ri_last_tid = end - 1;
	/* jbd2_journal_reset on the next mount: an empty log from end. */
	jbd2_put32(sb, JBD2_W_SB_SEQUENCE, end);
	jbd2_put32(sb, JBD2_W_SB_START, l.l_first);
	jbd2_put32(sb, JBD2_W_SB_CSUM, (uint32_t)jbd2_csum_block(SIM_HASH_INIT, sb, JBD2_W_SB_CSUM));
	note_written(&l, j_first);
out:
	if (nwritten)
		*nwritten = l.l_nwritten;
	return rc;
}
