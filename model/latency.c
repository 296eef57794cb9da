/* SPDX-License-Identifier: MIT */
/*
 * model/latency.c - how long after an operation its data, and the file
 * size it set, are durable: the latency metrics of seed 002's cost
 * questions (SEMANTICS.md section 9.8).
 *
 * Data durable after (m_data_lat_*), per write or store a user task
 * completed (pwrite and append of every kind: buffered, O_DSYNC, direct,
 * AIO, writethrough; stores through the mapping): the simulated time from
 * the operation's response to the moment every file block it put data in
 * holds, on the media, that data or newer data: a bio submitted after the
 * data was copied (into the page cache, or for direct I/O into the bio)
 * has completed, and it was FUA, or the cache is off, or a REQ_PREFLUSH bio
 * submitted after that completion has completed (disk.h). Data that was
 * durable before the response counts 0. A write whose dirty data was
 * thrown away before any bio carried it (truncated, punched, a block past
 * EOF or over a hole at writeback) never becomes durable and is counted
 * apart (dropped); one still not durable when the run ends is counted apart
 * too (open). Only the data counts, not the metadata that makes an
 * unwritten extent written.
 *
 * Size durable after (m_disksize_lat_*), per operation that grows a file
 * (pwrite or append past EOF, truncate up, fallocate or zero range past EOF
 * without keep-size): the time from its response to the completion of the
 * first jbd2 commit whose record is durable and that logs an on-disk size
 * (ext4 i_disksize, XFS di_size) at least as large as the size it set. A
 * later shrink below that size cancels the wait; a size still not durable
 * at the end is counted as open.
 *
 * How it is kept (no scans per step; work proportional to the bytes
 * copied and the blocks written):
 *   - every copy of an operation's data into file block b appends a node
 *     (operation, version = write-log length now) to b's FIFO; the
 *     operation counts its nodes (x_lat_pending);
 *   - a data bio's submission records which file blocks it carries
 *     (l_bio[bi_id]) and, per block, the latest submit index + 1
 *     (i_lat_sver; 0: none since the reset);
 *   - when the disk reports a write durable (pc_disk_set_durable_fn), the
 *     nodes of its blocks with version <= its submit index are popped: the
 *     bio was submitted after their copy, so it carried that data or newer;
 *   - dirty data thrown away pops the nodes newer than the block's last
 *     submission (__pc_lat_discard);
 *   - size waits are kept per file sorted by target; a commit callback
 *     resolves a prefix, a shrink cancels a suffix.
 * Bounds: l_nnode nodes (a copy that finds none marks its operation
 * untracked), PC_MAX_OPS_WORLD size waits per file (one per operation).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_priv.h"

#define LAT_DATA	0x01	/* has data nodes: a data operation */
#define LAT_RESP	0x02	/* responded (x_lat_resp) */
#define LAT_DROPPED	0x04	/* some of its data was thrown away */
#define LAT_UNTRACKED	0x08	/* the node pool ran out */
#define LAT_SIZE	0x10	/* waits for a durable size (x_lat_target) */
#define LAT_SIZE_DONE	0x20
#define LAT_SIZE_CANCEL	0x40

#define COOKIE(file, fblk)	((((uint32_t)(file) + 1) << 24) | (fblk))

size_t __pc_lat_arena_size(uint32_t nblocks_total)
{
	return (size_t)(4 * nblocks_total + 1024) * sizeof(struct pc_lat_node) +
	       (PC_WLOG_MAX + 1) * sizeof(uint32_t) + (size_t)nblocks_total * 3 * sizeof(uint32_t);
}

/* Allocate the node pool and the per-bio table (pc_model_create). */
bool __pc_lat_create(struct sim *s, struct pc_world *w, uint32_t nblocks_total)
{
	struct pc_lat *l = &w->w_lat;

	l->l_nnode = 4 * nblocks_total + 1024;
	l->l_node = sim_alloc(s, l->l_nnode * sizeof(*l->l_node));
	l->l_bio = sim_alloc(s, (PC_WLOG_MAX + 1) * sizeof(*l->l_bio));
	return l->l_node && l->l_bio;
}

/* Forget everything (the setup's operations are not measured): at settle
 * and mount, when nothing is in flight. */
void __pc_lat_reset(struct sim *s)
{
	struct pc_world *w = pc_w(s);
	struct pc_lat *l = &w->w_lat;

	for (uint32_t i = 0; i < l->l_nnode; i++)
		l->l_node[i].n_next = i + 2 <= l->l_nnode ? i + 2 : 0;
	l->l_free = l->l_nnode ? 1 : 0;
	memset(l->l_bio, 0, (PC_WLOG_MAX + 1) * sizeof(*l->l_bio));
	memset(l->l_ds_head, 0, sizeof(l->l_ds_head));
	memset(l->l_ds_tail, 0, sizeof(l->l_ds_tail));
	l->l_first_op = w->w_nops;
	for (unsigned f = 0; f < w->w_ninodes; f++) {
		struct pc_inode *ip = w->w_inode[f];

		memset(ip->i_lat_head, 0, ip->i_nblocks * sizeof(*ip->i_lat_head));
		memset(ip->i_lat_tail, 0, ip->i_nblocks * sizeof(*ip->i_lat_tail));
		memset(ip->i_lat_sver, 0, ip->i_nblocks * sizeof(*ip->i_lat_sver));
	}
}

static struct pc_opctx *op_of(const struct pc_world *w, uint32_t no)
{
	return no >= w->w_lat.l_first_op && no < w->w_nops ? w->w_ops[no] : NULL;
}

/* One of x's copies is durable, or was thrown away. */
static void node_done(struct sim *s, struct pc_opctx *x, bool dropped)
{
	if (dropped)
		x->x_lat |= LAT_DROPPED;
	if (x->x_lat_pending && --x->x_lat_pending == 0)
		x->x_lat_data = sim_now(s);
}

static void node_free(struct pc_lat *l, uint32_t n)
{
	l->l_node[n - 1].n_next = l->l_free;
	l->l_free = n;
}

/* The data of src (a write or a store) was copied into [off, off+len) of ip
 * now (copy_folio_from_iter_atomic, a store, or a direct I/O's bio). */
void __pc_lat_copy(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len, pc_tag_t src)
{
	struct pc_world *w = ip->i_w;
	struct pc_lat *l = &w->w_lat;
	const struct pc_source *sp = &w->w_src[src];
	uint32_t ver = pc_disk_wlog_len(w->w_disk);
	struct pc_opctx *x;

	if (!w->w_settled || !len || src == PC_TAG_ZERO ||
	    (sp->src_kind != PC_SRC_WRITE && sp->src_kind != PC_SRC_STORE) ||
	    !(x = op_of(w, sp->src_op)) || x->x_src != src)
		return;
	x->x_lat |= LAT_DATA;
	for (uint32_t b = __pc_blk_of(w, off); b <= __pc_blk_of(w, off + len - 1) && b < ip->i_nblocks;
	     b++) {
		uint32_t t = ip->i_lat_tail[b], n;
		struct pc_lat_node *nd;

		if (t && l->l_node[t - 1].n_op == x->x_no && l->l_node[t - 1].n_ver == ver)
			continue;	/* this copy is already waited for */
		if (!l->l_free) {
			x->x_lat |= LAT_UNTRACKED;
			continue;
		}
		n = l->l_free;
		nd = &l->l_node[n - 1];
		l->l_free = nd->n_next;
		nd->n_next = 0;
		nd->n_ver = ver;
		nd->n_op = (uint16_t)x->x_no;
		if (t)
			l->l_node[t - 1].n_next = n;
		else
			ip->i_lat_head[b] = n;
		ip->i_lat_tail[b] = n;
		x->x_lat_pending++;
	}
}

/* A data bio carrying file blocks [fblk, fblk + nblk) of ip was submitted
 * (its submit entry is bio->bi_wlog). */
void __pc_lat_submit(struct sim *s, struct pc_inode *ip, uint32_t fblk, const struct pc_bio *bio)
{
	struct pc_world *w = ip->i_w;

	if (!w->w_settled || bio->bi_wlog == UINT32_MAX || bio->bi_id > PC_WLOG_MAX)
		return;
	w->w_lat.l_bio[bio->bi_id] = COOKIE(ip->i_ino, fblk);
	for (uint32_t b = fblk; b < fblk + bio->bi_nblk && b < ip->i_nblocks; b++)
		ip->i_lat_sver[b] = bio->bi_wlog + 1;
}

/* pc_disk_durable_fn: the write logged at idx is durable now. */
static void lat_durable(struct sim *s, void *ctx, const struct pc_wlog_ent *se, uint32_t idx)
{
	struct pc_world *w = ctx;
	struct pc_lat *l = &w->w_lat;
	uint32_t c = se->wl_bio <= PC_WLOG_MAX ? l->l_bio[se->wl_bio] : 0;
	struct pc_inode *ip;

	if (!c || (c >> 24) > w->w_ninodes)
		return;	/* not file data (journal, checkpoint), or before the settle */
	ip = w->w_inode[(c >> 24) - 1];
	for (uint32_t b = c & 0xffffffu, k = 0; k < se->wl_nblk && b < ip->i_nblocks; b++, k++) {
		uint32_t guard = 0;

		while (ip->i_lat_head[b] && l->l_node[ip->i_lat_head[b] - 1].n_ver <= idx) {
			uint32_t n = ip->i_lat_head[b];
			struct pc_opctx *x = op_of(w, l->l_node[n - 1].n_op);

			assert(guard++ < l->l_nnode);
			ip->i_lat_head[b] = l->l_node[n - 1].n_next;
			if (!ip->i_lat_head[b])
				ip->i_lat_tail[b] = 0;
			node_free(l, n);
			if (x)
				node_done(s, x, false);
		}
	}
}

/* The dirty data of file block b of ip was thrown away without I/O: the
 * copies no bio carried (newer than its last submission) never will be. */
void __pc_lat_discard(struct sim *s, struct pc_inode *ip, uint32_t b)
{
	struct pc_lat *l = &ip->i_w->w_lat;
	uint32_t keep = 0, n, guard = 0;

	if (b >= ip->i_nblocks || !ip->i_lat_head[b])
		return;
	for (n = ip->i_lat_head[b]; n && l->l_node[n - 1].n_ver < ip->i_lat_sver[b];
	     n = l->l_node[n - 1].n_next)
		keep = n;
	if (keep)
		l->l_node[keep - 1].n_next = 0;
	else
		ip->i_lat_head[b] = 0;
	ip->i_lat_tail[b] = keep;
	while (n) {
		uint32_t next = l->l_node[n - 1].n_next;
		struct pc_opctx *x = op_of(ip->i_w, l->l_node[n - 1].n_op);

		assert(guard++ < l->l_nnode);
		node_free(l, n);
		if (x)
			node_done(s, x, true);
		n = next;
	}
}

/* ---- the durable size ---- */

/* The size x sets when it grows the file (0: it does not). */
static uint64_t size_target(const struct pc_opctx *x)
{
	switch (x->o.o_kind) {
	case PC_OP_PWRITE:
	case PC_OP_APPEND:
		return x->x_end;
	case PC_OP_TRUNCATE:
		return x->o.o_off;
	case PC_OP_FALLOCATE:
	case PC_OP_ZERO_RANGE:
		return (x->o.o_flags & PC_OF_KEEP_SIZE) ? 0 : x->o.o_off + x->o.o_len;
	default:
		return 0;
	}
}

static uint64_t target_of(const struct pc_world *w, uint16_t no)
{
	return w->w_ops[no]->x_lat_target;
}

/* Wait for a durable size >= x_lat_target: kept sorted by target. */
static void size_wait(struct pc_world *w, struct pc_opctx *x)
{
	struct pc_lat *l = &w->w_lat;
	unsigned f = x->o.o_file;
	uint32_t at = l->l_ds_tail[f];

	assert(at < PC_MAX_OPS_WORLD);
	while (at > l->l_ds_head[f] && target_of(w, l->l_ds[f][at - 1]) > x->x_lat_target) {
		l->l_ds[f][at] = l->l_ds[f][at - 1];
		at--;
	}
	l->l_ds[f][at] = (uint16_t)x->x_no;
	l->l_ds_tail[f]++;
}

/* The operation started (op_hook). */
void __pc_lat_op_begin(struct sim *s, struct pc_opctx *x)
{
	x->x_lat_isize = x->x_ip->i_size;
}

/* The operation responded: its return to the user (op_hook), or for an
 * AIO write its completion (dio_done). Once. */
void __pc_lat_op_end(struct sim *s, struct pc_opctx *x)
{
	struct pc_world *w = x->x_w;
	uint64_t target = size_target(x);

	if ((x->x_lat & LAT_RESP) || !w->w_settled || x->x_no < w->w_lat.l_first_op)
		return;
	x->x_lat |= LAT_RESP;
	x->x_lat_resp = sim_now(s);
	if (!x->x_lat_pending)
		x->x_lat_data = x->x_lat_resp;
	if (target <= x->x_lat_isize || target > x->x_ip->i_size)
		return;
	x->x_lat |= LAT_SIZE;
	x->x_lat_target = target;
	if (w->w_durable_size[x->o.o_file] >= target) {
		x->x_lat |= LAT_SIZE_DONE;
		x->x_lat_size = x->x_lat_resp;
		return;
	}
	size_wait(w, x);
}

/* A commit record is durable (j_commit_callback): w_durable_size moved. */
void __pc_lat_commit(struct sim *s)
{
	struct pc_world *w = pc_w(s);
	struct pc_lat *l = &w->w_lat;

	for (unsigned f = 0; f < w->w_ninodes; f++)
		while (l->l_ds_head[f] < l->l_ds_tail[f] &&
		       target_of(w, l->l_ds[f][l->l_ds_head[f]]) <= w->w_durable_size[f]) {
			struct pc_opctx *x = w->w_ops[l->l_ds[f][l->l_ds_head[f]++]];

			x->x_lat |= LAT_SIZE_DONE;
			x->x_lat_size = sim_now(s);
		}
}

/* i_size of ip went down to size: sizes above it are no longer awaited. */
void __pc_lat_shrink(struct sim *s, struct pc_inode *ip, uint64_t size)
{
	struct pc_world *w = ip->i_w;
	struct pc_lat *l = &w->w_lat;
	unsigned f = ip->i_ino;

	while (l->l_ds_tail[f] > l->l_ds_head[f] &&
	       target_of(w, l->l_ds[f][l->l_ds_tail[f] - 1]) > size)
		w->w_ops[l->l_ds[f][--l->l_ds_tail[f]]]->x_lat |= LAT_SIZE_CANCEL;
}

/* ---- the figures ---- */

static int cmp_time(const void *a, const void *b)
{
	sim_time_t x = *(const sim_time_t *)a, y = *(const sim_time_t *)b;

	return x < y ? -1 : x > y;
}

static void summarize(sim_time_t *v, uint32_t n, sim_time_t *max, sim_time_t *mean,
		      sim_time_t *median)
{
	sim_time_t sum = 0;

	*max = *mean = *median = 0;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_time);
	for (uint32_t i = 0; i < n; i++)
		sum += v[i];
	*max = v[n - 1];
	*mean = sum / n;
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void __pc_lat_metrics(const struct sim *s, struct pc_metrics *m)
{
	const struct pc_world *w = pc_w(s);
	sim_time_t data[PC_MAX_OPS_WORLD], size[PC_MAX_OPS_WORLD];
	uint32_t nd = 0, ns = 0;

	for (uint32_t i = w->w_lat.l_first_op; i < w->w_nops; i++) {
		const struct pc_opctx *x = w->w_ops[i];

		if (!(x->x_lat & LAT_RESP))
			continue;
		if (x->x_lat & LAT_UNTRACKED)
			m->m_data_lat_untracked++;
		else if (x->x_lat & LAT_DROPPED)
			m->m_data_lat_dropped++;
		else if ((x->x_lat & LAT_DATA) && x->x_lat_pending)
			m->m_data_lat_open++;
		else if (x->x_lat & LAT_DATA)
			data[nd++] = x->x_lat_data > x->x_lat_resp ? x->x_lat_data - x->x_lat_resp : 0;
		if (!(x->x_lat & LAT_SIZE) || (x->x_lat & LAT_SIZE_CANCEL))
			continue;
		if (x->x_lat & LAT_SIZE_DONE)
			size[ns++] = x->x_lat_size - x->x_lat_resp;
		else
			m->m_disksize_lat_open++;
	}
	m->m_data_lat_n = nd;
	m->m_disksize_lat_n = ns;
	summarize(data, nd, &m->m_data_lat_max, &m->m_data_lat_mean, &m->m_data_lat_median);
	summarize(size, ns, &m->m_disksize_lat_max, &m->m_disksize_lat_mean,
		  &m->m_disksize_lat_median);
}

void __pc_lat_init(struct sim *s)
{
	struct pc_world *w = pc_w(s);

	pc_disk_set_durable_fn(w->w_disk, lat_durable, w);
}
