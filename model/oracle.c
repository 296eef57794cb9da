/* SPDX-License-Identifier: MIT */
/*
 * model/oracle.c - what a user may see (SEMANTICS.md section 10).
 *
 * Every byte carries a source tag (model/pc.h). For each file the oracle
 * keeps, per byte, i_last: the source of the last completed write or store
 * that covered it, or 0 once an erase (truncate down, punch, zero range) or
 * a size extension made it zero. Erases and extensions are also kept as
 * events (when invoked, when done, which range, which kind: i_erase_kind,
 * model/guarantee.h) so a byte's history can be compared with the
 * operations' invocation/response order (happens-before):
 *
 *   seen == expected                                    fine
 *   seen is STALE (never this file's at that offset:
 *     a previous file's block, never-written disk)      stale-data
 *   seen's source still running, or concurrent with
 *     the source that replaced it                       fine (default oracle)
 *   expected zero since an erase/extension that was
 *     invoked after seen's source completed:
 *       seen is a store made past EOF                   eof-junk
 *       otherwise (the file's own earlier bytes):
 *         at run time                                   erased-data
 *         after a crash, where a durable promise covers
 *           the newer contents, or the profile's
 *           guarantee row for the erase's kind says its
 *           zeros are durable with its transaction      erased-data
 *         after a crash, otherwise                      fine
 *   strict oracle: a past-EOF store concurrent with the
 *     extension that covered it                         eof-junk
 *   expected a completed write, seen an older source or
 *     zeros                                             lost-write
 *
 * After a crash only the zero-expected rules apply (events before the crash
 * point), plus the durability promises (not-durable). The rules are stated
 * once here and used on the read path (read, load), at the end of a run,
 * and on every crash state.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/model_priv.h"

const char *const pc_invariant_names[PC_INV_N] = {
	"stale-data", "eof-junk", "unreserved-dirty", "lost-write",
	"not-durable", "isize-unlocked", "deadlock", "journal", "erased-data",
};

int pc_invariant_lookup(const char *name)
{
	for (int i = 0; i < PC_INV_N; i++)
		if (!strcmp(name, pc_invariant_names[i]))
			return i;
	return -1;
}

/* ---- sources ---- */

pc_tag_t __pc_new_source(struct sim *s, struct sim_task *t, uint8_t kind, uint8_t file,
			 uint64_t off, uint64_t len, int data)
{
	struct pc_world *w = pc_w(s);
	struct pc_source *src;
	pc_tag_t tag;

	if (w->w_nsrc >= w->w_src_cap)
		return PC_TAG_ZERO;	/* bounded: callers check with a limit error first */
	tag = (pc_tag_t)w->w_nsrc++;
	src = &w->w_src[tag];
	memset(src, 0, sizeof(*src));
	src->src_kind = kind;
	src->src_task = t ? t->t_id : 0xff;
	src->src_file = file;
	src->src_off = off;
	src->src_len = len;
	src->src_time = sim_now(s);
	src->src_step = sim_steps(s);
	if (data >= 0) {
		src->src_const = 1;
		src->src_byte = (uint8_t)data;
	}
	w->w_srcx[tag].x_inv = UINT64_MAX;
	w->w_srcx[tag].x_resp = UINT64_MAX;
	return tag;
}

uint8_t pc_byte_value(const struct sim *s, pc_tag_t tag, uint64_t off)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_source *src;
	uint64_t h;

	if (tag == PC_TAG_ZERO || tag >= w->w_nsrc)
		return 0;
	src = &w->w_src[tag];
	if (src->src_const)
		return src->src_byte;
	h = sim_hash_u64(sim_hash_u64(SIM_HASH_INIT, tag), off);
	return (uint8_t)(h | 1);	/* a unique pattern is never zero */
}

/* pc_byte_value over n bytes from offset off, tags[i] at off + i, for
 * hashing whole files (pc_model_state_hash). The same values, cheaper: a
 * unique pattern keeps only the low byte of FNV-1a, and the low byte of
 * (h ^ c) * prime depends only on the low bytes of h and of the prime, so
 * the eight steps over the offset's bytes run on bytes. Offset bytes 1-7
 * are the same for 256 offsets in a row: those seven steps are a table
 * of 256 entries rebuilt every 256 offsets. test_model_oracle compares it
 * with pc_byte_value. */
void pc_byte_values(const struct sim *s, const pc_tag_t *tags, uint64_t off, uint32_t n,
		    uint8_t *out)
{
	const struct pc_world *w = pc_w(s);
	const uint8_t p = (uint8_t)0x1b3;	/* FNV prime mod 256 */
	uint8_t tail[256];
	uint64_t tail_for = UINT64_MAX;
	pc_tag_t last = PC_TAG_ZERO;
	uint8_t hlow = 0;

	for (uint32_t i = 0; i < n; i++) {
		pc_tag_t tag = tags[i];
		uint64_t o = off + i;
		const struct pc_source *src;

		if (tag == PC_TAG_ZERO || tag >= w->w_nsrc) {
			out[i] = 0;
			continue;
		}
		src = &w->w_src[tag];
		if (src->src_const) {
			out[i] = src->src_byte;
			continue;
		}
		if (tag != last) {
			last = tag;
			hlow = (uint8_t)sim_hash_u64(SIM_HASH_INIT, tag);
		}
		if (o >> 8 != tail_for) {
			tail_for = o >> 8;
			for (unsigned h = 0; h < 256; h++) {
				uint8_t x = (uint8_t)h;

				for (int b = 1; b < 8; b++)
					x = (uint8_t)((x ^ (uint8_t)(o >> (8 * b))) * p);
				tail[h] = x;
			}
		}
		out[i] = tail[(uint8_t)((hlow ^ (uint8_t)o) * p)] | 1;
	}
}

void pc_describe_tag(const struct sim *s, pc_tag_t tag, char *buf, size_t len)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_source *src;
	const struct sim_task *t;

	if (tag == PC_TAG_ZERO || tag >= w->w_nsrc) {
		snprintf(buf, len, "zeros");
		return;
	}
	src = &w->w_src[tag];
	t = src->src_task != 0xff ? sim_task(s, src->src_task) : NULL;
	switch (src->src_kind) {
	case PC_SRC_STALE:
		snprintf(buf, len, "stale contents of disk block %u (a previous file's data)",
			 src->src_blk);
		break;
	case PC_SRC_STORE:
		snprintf(buf, len, "store by %s (op %u, bytes %llu-%llu) at step %llu",
			 t ? t->t_name : "?", src->src_op, (unsigned long long)src->src_off,
			 (unsigned long long)(src->src_off + src->src_len - 1),
			 (unsigned long long)src->src_step);
		break;
	default:
		snprintf(buf, len, "write by %s (op %u, bytes %llu-%llu) at step %llu",
			 t ? t->t_name : "?", src->src_op, (unsigned long long)src->src_off,
			 (unsigned long long)(src->src_off + src->src_len - 1),
			 (unsigned long long)src->src_step);
		break;
	}
}

/* ---- violations ---- */

void __pc_violation(struct sim *s, enum pc_invariant inv, unsigned file, uint64_t off,
		    uint64_t len, pc_tag_t tag, bool crash, uint32_t point, const char *fmt, ...)
{
	struct pc_world *w = pc_w(s);
	struct pc_violation *v;
	va_list ap;

	if (crash)
		w->w_state_viol |= 1u << inv;
	/* Merge with the previous report of the same kind when contiguous. */
	if (w->w_nviol) {
		v = &w->w_viol[w->w_nviol - 1];
		if (v->v_inv == inv && v->v_file == file && v->v_crash == crash &&
		    v->v_crash_point == point && v->v_tag == tag && v->v_off + v->v_len == off) {
			v->v_len += len;
			return;
		}
	}
	w->w_viol_mask |= 1u << inv;
	if (w->w_nviol >= PC_MAX_VIOL)
		return;
	v = &w->w_viol[w->w_nviol++];
	memset(v, 0, sizeof(*v));
	v->v_inv = (uint8_t)inv;
	v->v_file = (uint8_t)file;
	v->v_crash = crash;
	v->v_crash_point = point;
	v->v_off = off;
	v->v_len = len;
	v->v_tag = tag;
	v->v_step = sim_steps(s);
	v->v_time = sim_now(s);
	va_start(ap, fmt);
	vsnprintf(v->v_msg, sizeof(v->v_msg), fmt, ap);
	va_end(ap);
	sim_trace_note(s, -1, pc_invariant_names[inv], off, len, "%s", v->v_msg);
}

unsigned pc_violations(const struct sim *s, const struct pc_violation **v)
{
	const struct pc_world *w = pc_w(s);

	*v = w->w_viol;
	return w->w_nviol;
}

/* ---- history ---- */

/* The invocation step of the operation t is running (user tasks), or now. */
static uint64_t cur_inv(const struct sim *s, const struct sim_task *t)
{
	const struct pc_world *w = pc_w(s);
	const struct sim_op *op = t ? sim_task_cur_op(t) : NULL;

	if (t && !t->t_kernel && op && op->op_arg) {
		const struct pc_opctx *x = op->op_arg;

		if (x->x_src && w->w_srcx[x->x_src].x_inv != UINT64_MAX)
			return w->w_srcx[x->x_src].x_inv;
	}
	return pc_w(s)->w_hb + 1;
}

/* The kind of an erase at off made now (model/guarantee.h), by the
 * operation the current task runs: a truncate erases past its new size
 * when it shrinks and below it when it grows; any other erase at or past
 * i_size, or one the caller marks as a size extension, is the EOF zeroing
 * of an extending operation; otherwise the operation says which. An erase
 * of a kernel task, or of an operation that does not erase, counts as
 * whole-block (the rows every profile guarantees: the oracle as strict as
 * before the table). */
static uint8_t erase_kind(const struct sim *s, const struct pc_inode *ip, uint64_t off,
			  bool extend)
{
	const struct sim_task *t = sim_current(s);
	const struct sim_op *op = t && !t->t_kernel ? sim_task_cur_op(t) : NULL;
	const struct pc_opctx *x = op ? op->op_arg : NULL;
	uint8_t kind = x && x->x_w == ip->i_w ? x->o.o_kind : PC_OP_NKINDS;

	if (kind == PC_OP_PUNCH)
		return PC_ERASE_PUNCH;
	if (kind == PC_OP_TRUNCATE)
		return off >= x->o.o_off ? PC_ERASE_TRUNCATE_DOWN : PC_ERASE_TRUNCATE_UP;
	if (extend || off >= ip->i_size)
		return kind == PC_OP_FALLOCATE || kind == PC_OP_ZERO_RANGE ? PC_ERASE_EXTEND_FALLOC
									  : PC_ERASE_EXTEND_WRITE;
	if (kind == PC_OP_ZERO_RANGE)
		return PC_ERASE_ZERO_RANGE;
	return PC_ERASE_WHOLE_BLOCK;
}

/* Record that [off, off+len) now holds src (a write or store), or, for
 * src == 0, that it was erased or newly exposed by a size change (then an
 * erase event is kept; bytes whose writer is still running are left alone:
 * that writer's data is what the range should hold). extend: the erase is
 * the zeroing of a size extension (i_size may already be the new size). */
static void erase_log(struct sim *s, const struct pc_inode *ip, uint64_t off, uint64_t end,
		      uint64_t inv, uint32_t hb);

/* [off, end) of ip is zero now, by an erase of this kind. */
static void oracle_erase(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t end,
			 uint8_t kind)
{
	struct pc_world *w = pc_w(s);
	uint64_t inv = cur_inv(s, sim_current(s));
	uint32_t hb = (uint32_t)++w->w_hb;
	uint64_t run = UINT64_MAX;
	const struct sim_task *ct = sim_current(s);
	const struct sim_op *cop = ct && !ct->t_kernel ? sim_task_cur_op(ct) : NULL;
	const struct pc_opctx *cx = cop ? cop->op_arg : NULL;
	pc_tid_t tid = PC_TID_PENDING;

	/* The erase joins the erasing operation's transaction: the handle it
	 * holds now (ext4_zero_range and ext4's punch zero the partial blocks
	 * inside theirs), else the transaction that next logs this inode
	 * (XFS's setattr and punch transactions, and ext4_truncate's, start
	 * only after the page cache was truncated; __pc_erase_logged), not
	 * the one running now, which may commit first and make the erase
	 * look durable under the old size. */
	if (cx && cx->x_w == w && cx->x_h)
		tid = jbd2_handle_tid(cx->x_h);
	if (end > off && tid == PC_TID_PENDING) {
		if (ip->i_erase_phi <= ip->i_erase_plo) {
			ip->i_erase_plo = off;
			ip->i_erase_phi = end;
		} else {
			ip->i_erase_plo = off < ip->i_erase_plo ? off : ip->i_erase_plo;
			ip->i_erase_phi = end > ip->i_erase_phi ? end : ip->i_erase_phi;
		}
	}
	for (uint64_t o = off; o <= end; o++) {
		pc_tag_t last = o < end ? ip->i_last[o] : 0;
		uint64_t b0 = o / w->w_bs * w->w_bs;

		if (o == end || (last && w->w_srcx[last].x_resp == UINT64_MAX)) {
			/* its writer is still running: not erased */
			if (run != UINT64_MAX)
				erase_log(s, ip, run, o, inv, hb);
			run = UINT64_MAX;
			continue;
		}
		if (run == UINT64_MAX)
			run = o;
		ip->i_last[o] = 0;
		ip->i_erase_inv[o] = (uint32_t)inv;
		ip->i_erase_hb[o] = hb;
		ip->i_erase_step[o] = (uint32_t)sim_steps(s);
		ip->i_erase_tid[o] = tid;
		/* a block wholly inside the range: unmapped, freed or never
		 * allocated, not zeroed in the cache */
		ip->i_erase_kind[o] = b0 >= off && b0 + w->w_bs <= end ? PC_ERASE_WHOLE_BLOCK : kind;
	}
}

static void oracle_record(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len,
			  pc_tag_t src, bool extend)
{
	struct pc_world *w = pc_w(s);
	uint64_t cap = (uint64_t)ip->i_npages * PC_PAGE_SIZE;
	uint64_t end = off + len > cap ? cap : off + len;
	const struct pc_source *sp = src ? &w->w_src[src] : NULL;
	uint8_t kind;

	if (src && (!w->w_settled || sp->src_kind == PC_SRC_WRITE ||
		    sp->src_kind == PC_SRC_STORE)) {
		for (uint64_t o = off; o < end; o++)
			ip->i_last[o] = src;
		return;
	}
	kind = erase_kind(s, ip, off, extend);
	if (src)	/* an erasing operation's own source (truncate, punch) */
		w->w_srcx[src].x_erase = kind;
	oracle_erase(s, ip, off, end, kind);
}

void __pc_oracle_record(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len,
			pc_tag_t src)
{
	oracle_record(s, ip, off, len, src, false);
}

void __pc_oracle_extend(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len)
{
	oracle_record(s, ip, off, len, 0, true);
}

/* Keep [off, end) of ip as erased now, for promises (w_erase). */
static void erase_log(struct sim *s, const struct pc_inode *ip, uint64_t off, uint64_t end,
		      uint64_t inv, uint32_t hb)
{
	struct pc_world *w = pc_w(s);
	struct pc_erase_rec *e;

	if (!w->w_settled || w->w_limit[0])
		return;
	if (w->w_nerase == PC_MAX_ERASES) {
		snprintf(w->w_limit, sizeof(w->w_limit),
			 "the run erased more ranges (truncate, punch, zero range, EOF zeroing) "
			 "than the model keeps for its durability checks (%u)", PC_MAX_ERASES);
		sim_stop(s, SIM_STEP_LIMIT);
		return;
	}
	e = &w->w_erase[w->w_nerase++];
	e->er_file = (uint8_t)ip->i_ino;
	e->er_off = (uint32_t)off;
	e->er_end = (uint32_t)end;
	e->er_step = (uint32_t)sim_steps(s);
	e->er_inv = (uint32_t)inv;
	e->er_hb = hb;
}

/* A promise durable in the crash state at `point` (its write-log position
 * at or before it) that covers byte o with contents newer than seen, a
 * completed write's bytes: a run of it expects another tag there (zero, or
 * a later write), so seen had been replaced before the promise's
 * invocation. NULL if none. */
static const struct pc_promise *promise_covering(const struct pc_world *w,
						 const struct pc_inode *ip, uint64_t o,
						 pc_tag_t seen, uint32_t point)
{
	for (unsigned i = 0; i < w->w_npromise; i++) {
		const struct pc_promise *pr = &w->w_promise[i];

		if (pr->pr_file != ip->i_ino || pr->pr_wlog > point || o < pr->pr_off ||
		    o >= pr->pr_off + pr->pr_len || o >= pr->pr_size ||
		    w->w_srcx[seen].x_resp > pr->pr_hb)
			continue;
		for (uint32_t k = pr->pr_run; k < pr->pr_run + pr->pr_nrun; k++) {
			const struct pc_prun *r = &w->w_prun[k];

			if (o < r->r_off || o >= (uint64_t)r->r_off + r->r_len)
				continue;
			if (r->r_tag != seen)
				return pr;
			break;
		}
	}
	return NULL;
}

/* The file's own earlier bytes (seen, a completed write or store) where
 * the byte's latest erase, invoked after seen completed, said zero. At run
 * time the page cache must show the zeros: erased-data. After a crash
 * (the erase's transaction durable in this state) only where a durable
 * promise covers newer contents or the profile's guarantee row for the
 * erase's kind makes the zeros durable with that transaction (the row or
 * the promise is named in why). */
static int erased_again(const struct sim *s, const struct pc_inode *ip, uint64_t o,
			pc_tag_t seen, bool crash, uint32_t point, char *why, size_t wlen)
{
	const struct pc_world *w = pc_w(s);
	uint8_t kind = ip->i_erase_kind[o];
	const struct pc_guarantee *g;
	const struct pc_promise *pr;

	if (pc_byte_value(s, seen, o) == 0)
		return -1;	/* reads as the zeros it should */
	if (!crash) {
		snprintf(why, wlen, ", data a %s erase removed", pc_erase_kind_names[kind]);
		return PC_INV_ERASED_DATA;
	}
	g = pc_guarantee((enum pc_profile)w->w_k.k_profile, (enum pc_erase_kind)kind);
	if (g && g->g_durable) {
		snprintf(why, wlen, ", erased by %s (durable: guarantee %s/%s)",
			 pc_erase_kind_names[kind], pc_profile_names[w->w_k.k_profile],
			 pc_erase_kind_names[kind]);
		return PC_INV_ERASED_DATA;
	}
	pr = promise_covering(w, ip, o, seen, point);
	if (pr) {
		snprintf(why, wlen, ", erased by %s, promised by %s (step %llu)",
			 pc_erase_kind_names[kind], pr->pr_what, (unsigned long long)pr->pr_step);
		return PC_INV_ERASED_DATA;
	}
	return -1;	/* zeros only in the cache: the old bytes may survive */
}

/* Classify one byte; returns the invariant broken or -1, with the reason's
 * tail for the report in why. */
static int classify(const struct sim *s, const struct pc_inode *ip, uint64_t o, pc_tag_t seen,
		    bool crash, uint32_t point, char *why, size_t wlen)
{
	const struct pc_world *w = pc_w(s);
	const struct pc_source *ss = seen ? &w->w_src[seen] : NULL;
	const struct pc_srcx *sx = seen ? &w->w_srcx[seen] : NULL;
	pc_tag_t want = ip->i_last[o];

	why[0] = 0;
	if (seen && ss->src_kind == PC_SRC_STALE)
		return PC_INV_STALE_DATA;
	if (seen == want)
		return -1;
	if (seen && (ss->src_kind == PC_SRC_WRITE || ss->src_kind == PC_SRC_STORE)) {
		uint64_t einv = ip->i_erase_inv[o];
		uint64_t ehb = ip->i_erase_hb[o];
		bool erased = einv != 0 || ehb != 0;

		/* After a crash an erase counts only if its transaction is durable
		 * in this crash state (an uncommitted truncate rolls back). */
		if (erased && (!crash || ip->i_erase_tid[o] <= w->w_crash_tid) &&
		    sx->x_resp != UINT64_MAX && (want == 0 || crash)) {
			if (sx->x_resp < einv) {
				if (sx->x_past_eof) {
					snprintf(why, wlen, ", stored past EOF before the size grew");
					return PC_INV_EOF_JUNK;
				}
				return erased_again(s, ip, o, seen, crash, point, why, wlen);
			}
			if (w->w_k.k_strict && sx->x_past_eof && sx->x_resp < ehb) {
				snprintf(why, wlen, ", stored past EOF before the size grew");
				return PC_INV_EOF_JUNK;
			}
		}
		if (crash || sx->x_resp == UINT64_MAX)
			return -1;
		if (want && w->w_srcx[want].x_resp != UINT64_MAX && sx->x_resp < w->w_srcx[want].x_inv)
			return PC_INV_LOST_WRITE;
		return -1;
	}
	/* seen zeros */
	if (crash || !want || w->w_srcx[want].x_resp == UINT64_MAX)
		return -1;
	if (pc_byte_value(s, want, o) == 0)
		return -1;
	return PC_INV_LOST_WRITE;
}

void __pc_oracle_check_bytes(struct sim *s, struct pc_inode *ip, uint64_t off,
			     const pc_tag_t *tags, uint64_t len, bool crash, uint32_t point)
{
	for (uint64_t i = 0; i < len; i++) {
		uint64_t o = off + i;
		int inv;
		char what[120], why[120];

		if (o >= (uint64_t)ip->i_npages * PC_PAGE_SIZE)
			break;
		inv = classify(s, ip, o, tags[i], crash, point, why, sizeof(why));
		if (inv < 0)
			continue;
		pc_describe_tag(s, tags[i] ? tags[i] : ip->i_last[o], what, sizeof(what));
		__pc_violation(s, (enum pc_invariant)inv, ip->i_ino, o, 1, tags[i], crash, point,
			       "%s of file %u: %s %s%s", crash ? "after crash, bytes" : "bytes",
			       ip->i_ino,
			       inv == PC_INV_LOST_WRITE ? "lost; expected" : "hold",
			       what, why);
	}
}

/* ---- sizes for the promises (happens-before, SEMANTICS.md section 10:
 * "a sync call covers what returned before it was called") ----
 *
 * A promise covers the size left by the size changes of operations that
 * returned before the syncing operation was invoked (or made by the
 * operation itself: an O_DSYNC write), not i_size at its return: a size
 * change concurrent with it promises nothing. Per file the oracle keeps
 * the size the last size change of a returned operation left, and per
 * operation still running the last and the lowest size it set; an
 * operation's entry folds into the returned size at its response. */
void __pc_size_reset(struct pc_world *w)
{
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];

		ip->i_szdone = ip->i_size;
		ip->i_szdone_hb = w->w_hb;
		ip->i_nszrun = 0;
	}
}

/* i_size_write by the operation whose source is src (0: unknown, counted
 * as returned at once). */
void __pc_size_set(struct sim *s, struct pc_inode *ip, pc_tag_t src, uint64_t size)
{
	struct pc_world *w = pc_w(s);
	uint64_t hb = ++w->w_hb;
	struct pc_szrun *r = NULL;

	if (!src || w->w_srcx[src].x_resp != UINT64_MAX) {
		ip->i_szdone = size;
		ip->i_szdone_hb = hb;
		return;
	}
	for (unsigned i = 0; i < ip->i_nszrun; i++)
		if (ip->i_szrun[i].r_src == src)
			r = &ip->i_szrun[i];
	if (!r) {
		if (ip->i_nszrun >= PC_SZRUN_MAX) {
			if (!w->w_limit[0]) {
				snprintf(w->w_limit, sizeof(w->w_limit),
					 "more than %u operations changed the size of file %u "
					 "while running at once (PC_SZRUN_MAX)",
					 PC_SZRUN_MAX, ip->i_ino);
				sim_trace_note(s, -1, "size_limit", ip->i_ino, ip->i_nszrun, "%s",
					       w->w_limit);
				sim_stop(s, SIM_STEP_LIMIT);
			}
			return;
		}
		r = &ip->i_szrun[ip->i_nszrun++];
		r->r_src = src;
		r->r_min = size;
	}
	r->r_last = size;
	r->r_last_hb = hb;
	if (size < r->r_min)
		r->r_min = size;
}

/* At an operation's invocation: what a promise it makes may count on. */
void __pc_size_op_begin(struct pc_world *w, struct pc_opctx *x)
{
	for (unsigned f = 0; f < w->w_ninodes && f < PC_MAX_FILES; f++) {
		const struct pc_inode *ip = w->w_inode[f];

		x->x_psize[f] = ip->i_szdone;
		x->x_plo[f] = UINT64_MAX;
		for (unsigned i = 0; i < ip->i_nszrun; i++)
			if (ip->i_szrun[i].r_min < x->x_plo[f])
				x->x_plo[f] = ip->i_szrun[i].r_min;
	}
}

/* At an operation's response: its last size change is now a returned one. */
void __pc_size_op_done(struct pc_world *w, pc_tag_t src)
{
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];

		for (unsigned i = 0; i < ip->i_nszrun; i++) {
			struct pc_szrun *r = &ip->i_szrun[i];

			if (r->r_src != src)
				continue;
			if (r->r_last_hb > ip->i_szdone_hb) {
				ip->i_szdone = r->r_last;
				ip->i_szdone_hb = r->r_last_hb;
			}
			*r = ip->i_szrun[--ip->i_nszrun];
			break;
		}
	}
}

/* The model keeps PC_MAX_PROMISES promises and w_prun_cap runs per run:
 * one more stops the run with the reason (pc_model_limit), never silently
 * checking less than the scenario asked for. */
static void promise_limit(struct sim *s, struct pc_opctx *x, const char *what)
{
	struct pc_world *w = x->x_w;

	if (w->w_limit[0])
		return;
	snprintf(w->w_limit, sizeof(w->w_limit),
		 "the run made more durability promises (fsync, fdatasync, O_DSYNC/O_SYNC "
		 "writes, msync, sync) than the model checks: %s; stopped at operation %u",
		 what, x->x_no);
	sim_trace_note(s, -1, "promise_limit", w->w_npromise, w->w_nprun, "%s", w->w_limit);
	sim_stop(s, SIM_STEP_LIMIT);
}

/* Is inv the invocation stamp of an operation that was running when the
 * syncing operation was invoked (at stamp pinv)? Such an operation is
 * concurrent with it: its erases promise nothing. */
static bool concurrent_inv(const struct pc_world *w, uint64_t inv, uint64_t pinv)
{
	for (pc_tag_t t = 1; t < w->w_nsrc; t++) {
		const struct pc_srcx *sx = &w->w_srcx[t];

		if (sx->x_inv == inv)
			return sx->x_inv < pinv && (sx->x_resp == UINT64_MAX || sx->x_resp > pinv);
	}
	return false;
}

/* Record i_last over the promise's range, within [0, i_size), as runs of
 * equal expectation: the tag itself if its writer completed before the
 * syncing op was invoked (or it is the op's own); zero where an erase
 * happened before that invocation (by an operation that had returned, or
 * by the op itself); else no run (any value may survive). False when the
 * run pool is full. */
static bool promise_runs(struct pc_world *w, struct pc_promise *pr, const struct pc_inode *ip,
			 pc_tag_t self, uint64_t inv)
{
	uint64_t cap = (uint64_t)ip->i_npages * PC_PAGE_SIZE;
	uint64_t end = ip->i_size < cap ? ip->i_size : cap;
	struct pc_prun *r = NULL;
	uint32_t last_einv = 0;
	bool last_conc = false;

	if (pr->pr_off + pr->pr_len < end)
		end = pr->pr_off + pr->pr_len;
	pr->pr_run = w->w_nprun;
	pr->pr_nrun = 0;
	for (uint64_t o = pr->pr_off; o < end; o++) {
		pc_tag_t t = ip->i_last[o];
		const struct pc_srcx *sx = &w->w_srcx[t];
		uint64_t b = o / w->w_bs;
		const struct pc_folio *f = &ip->i_folios[b / w->w_bpp];
		bool ok;

		if (t == 0) {
			/* Erased: zero is promised only if the erase happened
			 * before the invocation, by an operation that had
			 * returned (or by this one). */
			uint32_t einv = ip->i_erase_inv[o], ehb = ip->i_erase_hb[o];

			ok = ehb == 0 || (self && einv == inv);
			if (!ok && ehb < inv) {
				if (einv != last_einv) {
					last_einv = einv;
					last_conc = concurrent_inv(w, einv, inv);
				}
				ok = !last_conc;
			}
		} else {
			ok = t == self || (sx->x_resp != UINT64_MAX && sx->x_resp <= inv);
		}
		/* A block whose writeback failed (error reported once) is
		 * covered by no later fsync: no expectation. */
		if (!ok || (f->f_bfailed & (1u << (b % w->w_bpp)))) {
			r = NULL;
			continue;
		}
		if (r && r->r_tag == t) {
			r->r_len++;
			continue;
		}
		if (w->w_nprun >= w->w_prun_cap)
			return false;
		r = &w->w_prun[w->w_nprun++];
		r->r_off = (uint32_t)o;
		r->r_len = 1;
		r->r_tag = t;
		pr->pr_nrun++;
	}
	return true;
}

/* A durability promise at the response of fsync & co. An fsync, fdatasync
 * or sync covers the whole file; msync(MS_SYNC) and an O_DSYNC/O_SYNC
 * write (generic_write_sync -> vfs_fsync_range) cover their range, and the
 * size only as far as that range reaches. */
void __pc_promise(struct sim *s, struct pc_opctx *x, const char *what, bool data_only)
{
	struct pc_world *w = x->x_w;
	uint64_t inv = x->x_src ? w->w_srcx[x->x_src].x_inv : w->w_hb;
	char why[96];

	if (!w->w_settled || x->x_err)
		return;	/* an operation that returned an error promises nothing */
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];
		struct pc_promise *pr;

		if (x->o.o_kind != PC_OP_SYNC && f != x->o.o_file)
			continue;
		/* file_check_and_advance_wb_err: an fsync that reports a
		 * writeback error (-EIO) promises nothing for the file. */
		if (ip->i_wb_err != ip->i_wb_err_seen) {
			ip->i_wb_err_seen = ip->i_wb_err;
			x->x_err = -5;	/* -EIO */
			sim_trace_note(s, -1, "wb_err", f, ip->i_wb_err,
				       "%s of file %u returns -EIO: no promise", what, f);
			continue;
		}
		if (w->w_npromise >= PC_MAX_PROMISES) {
			snprintf(why, sizeof(why), "at most %u (PC_MAX_PROMISES)", PC_MAX_PROMISES);
			promise_limit(s, x, why);
			return;
		}
		pr = &w->w_promise[w->w_npromise];
		pr->pr_file = (uint8_t)f;
		pr->pr_hb = inv;
		pr->pr_step = sim_steps(s);
		/* The size the operations that returned before this one was
		 * invoked left, or the last size this one set itself. */
		pr->pr_size = x->x_psize[f];
		pr->pr_lo = x->x_plo[f];
		for (unsigned i = 0; i < ip->i_nszrun; i++)
			if (ip->i_szrun[i].r_src == x->x_src)
				pr->pr_size = ip->i_szrun[i].r_last;
		/* The size only a failed write carried is not promised:
		 * xfs_end_ioend (fs/xfs/xfs_aops.c) and the ext4-iomap end_io
		 * raise the on-disk size only when the I/O succeeded, and the
		 * error was reported once (file_check_and_advance_wb_err). */
		while (pr->pr_size > 0) {
			uint64_t b = (pr->pr_size - 1) / w->w_bs;

			if (b / w->w_bpp >= ip->i_npages ||
			    !(ip->i_folios[b / w->w_bpp].f_bfailed & (1u << (b % w->w_bpp))))
				break;
			pr->pr_size = b * w->w_bs;
		}
		/* The range of vfs_fsync_range: the file, msync's range or
		 * the bytes an O_DSYNC write wrote; a ranged sync promises
		 * the size only as far as its range reaches (what
		 * ext4_sync_file / xfs_file_fsync make durable for data
		 * written back in the range: the i_disksize its writeback
		 * or completion logged). */
		{
			uint64_t start, end;

			__pc_sync_range(x, &start, &end);
			pr->pr_off = start;
			pr->pr_len = end - start + 1;
			if (x->o.o_kind == PC_OP_FSYNC || x->o.o_kind == PC_OP_FDATASYNC ||
			    x->o.o_kind == PC_OP_SYNC)
				pr->pr_len = ip->i_size;
			else if (pr->pr_off + pr->pr_len < pr->pr_size)
				pr->pr_size = pr->pr_off + pr->pr_len;
		}
		pr->pr_data_only = data_only;
		pr->pr_wlog = pc_disk_wlog_len(w->w_disk);
		snprintf(pr->pr_what, sizeof(pr->pr_what), "%s", what);
		if (!promise_runs(w, pr, ip, x->x_src, inv)) {
			w->w_nprun = pr->pr_run;
			snprintf(why, sizeof(why), "their byte ranges need more than the %u runs "
				 "it keeps", w->w_prun_cap);
			promise_limit(s, x, why);
			return;
		}
		w->w_npromise++;
	}
}

/* An erase of byte o after the promise's invocation (by another
 * operation: a concurrent one or a later one) and before the crash. The
 * byte's latest erase answers unless it came after the crash point; then
 * an earlier one may still qualify, and the log of every erase (w_erase)
 * says (a truncate after the crash point must not hide one before it). */
static bool erased_since(const struct pc_world *w, const struct pc_inode *ip,
			 const struct pc_promise *pr, uint64_t o, uint64_t crash_step)
{
	if (ip->i_erase_hb[o] <= pr->pr_hb)
		return false;	/* no erase since the invocation at all */
	if (ip->i_erase_step[o] <= crash_step)
		return ip->i_erase_inv[o] != pr->pr_hb;
	for (unsigned i = 0; i < w->w_nerase; i++) {
		const struct pc_erase_rec *e = &w->w_erase[i];

		if (e->er_step > crash_step)
			break;
		if (e->er_hb > pr->pr_hb && e->er_inv != pr->pr_hb && e->er_file == ip->i_ino &&
		    o >= e->er_off && o < e->er_end)
			return true;
	}
	return false;
}

/* The bytes of one run of a promise, within [pr_off, end). */
static void check_run(struct sim *s, const struct pc_inode *ip, const struct pc_promise *pr,
		      const struct pc_prun *r, uint64_t end, const pc_tag_t *bytes,
		      uint64_t crash_step, uint32_t point)
{
	struct pc_world *w = pc_w(s);
	uint64_t from = r->r_off > pr->pr_off ? r->r_off : pr->pr_off;
	uint64_t to = (uint64_t)r->r_off + r->r_len < end ? (uint64_t)r->r_off + r->r_len : end;
	pc_tag_t want = r->r_tag;

	for (uint64_t o = from; o < to; o++) {
		pc_tag_t seen = bytes[o];
		char what[120];

		if (seen == want)
			continue;
		if (seen && w->w_srcx[seen].x_inv != UINT64_MAX && w->w_srcx[seen].x_resp > pr->pr_hb)
			continue;	/* a write that had not returned at the invocation */
		if (erased_since(w, ip, pr, o, crash_step))
			continue;	/* erased since (concurrently or later) */
		if (want && seen && pc_byte_value(s, want, o) == pc_byte_value(s, seen, o))
			continue;
		pc_describe_tag(s, want, what, sizeof(what));
		__pc_violation(s, PC_INV_NOT_DURABLE, ip->i_ino, o, 1, seen, true, point,
			       "after crash, bytes of file %u lost: %s, made durable by %s "
			       "(step %llu)",
			       ip->i_ino, what, pr->pr_what, (unsigned long long)pr->pr_step);
	}
}

/* not-durable for one crash state: size and bytes each promise covers. */
void __pc_check_promises(struct sim *s, unsigned f, uint64_t disksize, const pc_tag_t *bytes,
			 uint32_t point)
{
	struct pc_world *w = pc_w(s);
	struct pc_inode *ip = w->w_inode[f];
	uint64_t crash_step = point ? pc_disk_wlog(w->w_disk, point - 1)->wl_step : 0;

	for (unsigned i = 0; i < w->w_npromise; i++) {
		const struct pc_promise *pr = &w->w_promise[i];
		uint64_t end = pr->pr_off + pr->pr_len;

		if (pr->pr_file != f || pr->pr_wlog > point)
			continue;
		/* A size an operation running at the invocation set, or a
		 * shrink since, may be what survived. */
		if (disksize < pr->pr_size && disksize < pr->pr_lo) {
			bool shrunk = false;

			for (uint64_t o = disksize; o < pr->pr_size && !shrunk; o++)
				shrunk = erased_since(w, ip, pr, o, crash_step);
			if (!shrunk)
				__pc_violation(s, PC_INV_NOT_DURABLE, f, disksize,
					       pr->pr_size - disksize, 0, true, point,
					       "after crash, file %u has size %llu but %s (step %llu) "
					       "promised %llu",
					       f, (unsigned long long)disksize, pr->pr_what,
					       (unsigned long long)pr->pr_step,
					       (unsigned long long)pr->pr_size);
		}
		if (end > pr->pr_size)
			end = pr->pr_size;
		if (end > disksize)
			end = disksize;
		for (uint32_t k = pr->pr_run; k < pr->pr_run + pr->pr_nrun; k++)
			check_run(s, ip, pr, &w->w_prun[k], end, bytes, crash_step, point);
	}
}

/* The inode is logged in transaction tid: erases still waiting for a
 * transaction join it. */
void __pc_erase_logged(struct pc_inode *ip, pc_tid_t tid)
{
	for (uint64_t o = ip->i_erase_plo; o < ip->i_erase_phi; o++)
		if (ip->i_erase_tid[o] == PC_TID_PENDING)
			ip->i_erase_tid[o] = tid;
	ip->i_erase_plo = ip->i_erase_phi = 0;
}
