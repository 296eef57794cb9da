/* SPDX-License-Identifier: MIT */
/*
 * model/inode.c - the inode: sizes, the extent map, the on-disk inode and
 * the journal handles that change it.
 *
 * Two sizes (fs/ext4/ext4.h, fs/xfs/xfs_inode.h):
 *   i_size      the in-memory size users see; changed by i_size_write()
 *               with i_rwsem held exclusive (include/linux/fs.h
 *               i_size_write; lockdep-style check: isize-unlocked);
 *   i_disksize  ext4's i_disksize / XFS's i_disk_size: the only size ever
 *               written to the on-disk inode. It is logged through the
 *               journal whenever the inode's metadata is dirtied in a handle.
 *
 * Extent map, per file block (fs/ext4/extents.c, fs/xfs/libxfs/xfs_bmap.c):
 *
 *   HOLE --reserve (write_begin / page_mkwrite)--> DELALLOC (no disk block)
 *   DELALLOC --writeback allocation--> UNWRITTEN --end_io conversion--> WRITTEN
 *   HOLE --fallocate / DIO allocation--> UNWRITTEN
 *   any --punch / truncate--> HOLE (the disk block returns to the pool)
 *
 * Holds: an UNWRITTEN or WRITTEN block owns exactly one pool block; a
 * DELALLOC block owns none. On disk, DELALLOC is a hole.
 *
 * On-disk inode layout (i_meta_nblk blocks of bs words each):
 *   word 0 magic 0x1e0d, 1 ino, 2 index of this block, 3..6 size (4 x 16
 *   bits, little end first), 7 number of map entries in this block, then
 *   per file block: state, pblk low, pblk high.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

#define INODE_MAGIC	0x1e0d
#define INODE_HDR	8
#define INODE_ENT	3
/* Word 2 of an inode block holds its index in the low bits; block 0 also
 * carries the inode's flags in the high bits. */
#define INODE_FL_ORPHAN	0x8000u	/* on ext4's orphan list */

uint32_t __pc_blk_of(const struct pc_world *w, uint64_t off)
{
	return (uint32_t)(off / w->w_bs);
}

static uint32_t ents_per_block(const struct pc_world *w)
{
	return (w->w_bs - INODE_HDR) / INODE_ENT;
}

/* i_size_write (include/linux/fs.h). The caller must hold i_rwsem
 * exclusive, unless locked_otherwise names another lock that serializes
 * size updates (XFS i_flags_lock in xfs_dio_write_end_io). src is the
 * operation the change is made for (0: the one t is running), for the
 * oracle's promises (oracle.c __pc_size_set). */
void __pc_i_size_write_by(struct sim *s, struct sim_task *t, struct pc_inode *ip, uint64_t size,
			  bool locked_otherwise, pc_tag_t src)
{
	uint64_t old = ip->i_size;

	if (!locked_otherwise && !sim_rwsem_held_excl(&ip->i_rwsem, t))
		__pc_violation(s, PC_INV_ISIZE_UNLOCKED, ip->i_ino, old < size ? old : size,
			       old < size ? size - old : old - size, 0, false, 0,
			       "i_size of file %u changed %llu -> %llu by %s without i_rwsem "
			       "held exclusive",
			       ip->i_ino, (unsigned long long)old, (unsigned long long)size,
			       t->t_name);
	ip->i_size = size;
	if (size > old)
		__pc_oracle_extend(s, ip, old, size - old);	/* extension: reads zero */
	else if (size < old)
		__pc_lat_shrink(s, ip, size);
	if (size != old) {
		const struct sim_op *op = src || t->t_kernel ? NULL : sim_task_cur_op(t);

		if (op && op->op_arg && ((const struct pc_opctx *)op->op_arg)->x_w == ip->i_w)
			src = ((const struct pc_opctx *)op->op_arg)->x_src;
		__pc_size_set(s, ip, src, size);
	}
	sim_trace(s, SIM_TR_MODEL, t->t_id, "i_size", ip->i_ino, size);
}

void __pc_i_size_write(struct sim *s, struct sim_task *t, struct pc_inode *ip, uint64_t size,
		       bool locked_otherwise)
{
	__pc_i_size_write_by(s, t, ip, size, locked_otherwise, 0);
}

/* Serialize block blk_i of the on-disk inode from the in-memory state. */
void __pc_inode_serialize(const struct pc_world *w, const struct pc_inode *ip, uint32_t blk_i,
			  pc_tag_t *words)
{
	uint32_t per = ents_per_block(w);
	uint32_t first = blk_i * per, n = 0;

	memset(words, 0, w->w_bs * sizeof(*words));
	words[0] = INODE_MAGIC;
	words[1] = ip->i_ino;
	words[2] = (pc_tag_t)(blk_i | (blk_i == 0 && ip->i_orphan ? INODE_FL_ORPHAN : 0));
	for (int i = 0; i < 4; i++)
		words[3 + i] = (pc_tag_t)(ip->i_disksize >> (16 * i));
	for (uint32_t b = first; b < ip->i_nblocks && n < per; b++, n++) {
		const struct pc_extent *e = &ip->i_map[b];
		uint8_t st = e->e_state == EXT_DELALLOC ? EXT_HOLE : e->e_state;
		pc_blk_t p = st == EXT_HOLE ? 0 : e->e_pblk;

		words[INODE_HDR + n * INODE_ENT] = st;
		words[INODE_HDR + n * INODE_ENT + 1] = (pc_tag_t)(p & 0xffff);
		words[INODE_HDR + n * INODE_ENT + 2] = (pc_tag_t)(p >> 16);
	}
	words[7] = (pc_tag_t)n;
}

/* Read the on-disk inode ino back from an image (after recovery). */
int __pc_inode_deserialize(const struct pc_world *w, const pc_tag_t *image, unsigned ino,
			   uint64_t *size, struct pc_extent *map, char *why, size_t len)
{
	const struct pc_inode *ip = w->w_inode[ino];
	uint32_t per = ents_per_block(w);

	*size = 0;
	for (uint32_t bi = 0; bi < ip->i_meta_nblk; bi++) {
		const pc_tag_t *words = image + (size_t)(ip->i_meta_blk + bi) * w->w_bs;
		uint32_t n = words[7];

		if (words[0] != INODE_MAGIC || words[1] != ino ||
		    (words[2] & ~(bi == 0 ? INODE_FL_ORPHAN : 0u)) != bi || n > per) {
			snprintf(why, len, "inode %u block %u: bad header", ino, bi);
			return -1;
		}
		if (bi == 0)
			for (int i = 0; i < 4; i++)
				*size |= (uint64_t)words[3 + i] << (16 * i);
		for (uint32_t k = 0; k < n && bi * per + k < ip->i_nblocks; k++) {
			struct pc_extent *e = &map[bi * per + k];

			e->e_state = (uint8_t)words[INODE_HDR + k * INODE_ENT];
			e->e_pblk = (pc_blk_t)words[INODE_HDR + k * INODE_ENT + 1] |
				    ((pc_blk_t)words[INODE_HDR + k * INODE_ENT + 2] << 16);
			if (e->e_state > EXT_WRITTEN) {
				snprintf(why, len, "inode %u block %u: bad extent state", ino,
					 bi * per + k);
				return -1;
			}
		}
	}
	return 0;
}

bool __pc_inode_orphan(const struct pc_world *w, const pc_tag_t *image, unsigned ino)
{
	const struct pc_inode *ip = w->w_inode[ino];

	return image[(size_t)ip->i_meta_blk * w->w_bs + 2] & INODE_FL_ORPHAN;
}

/* ext4_mark_inode_dirty / xfs_trans_log_inode: the inode's metadata joins
 * the handle's transaction; its contents are captured at commit. */
void __pc_mark_inode_dirty(struct sim *s, struct pc_inode *ip, struct jbd2_handle *h,
			   bool datasync)
{
	struct pc_world *w = ip->i_w;
	pc_tid_t tid = jbd2_handle_tid(h);

	for (uint32_t b = 0; b < ip->i_meta_nblk; b++)
		jbd2_journal_dirty_metadata(w->w_j, h, ip->i_meta_blk + b);
	ip->i_sync_tid = tid;
	if (ip->i_erase_phi > ip->i_erase_plo)
		__pc_erase_logged(ip, tid);
	if (datasync)
		ip->i_datasync_tid = tid;
}

/* jbd2_journal_start for the operation; NULL means the task sleeps. */
struct jbd2_handle *__pc_journal_start(struct sim *s, struct sim_task *t, struct pc_opctx *x)
{
	if (!x->x_h)
		x->x_h = jbd2_journal_start(s, t, x->x_w->w_j);
	return x->x_h;
}

void __pc_journal_stop(struct sim *s, struct pc_opctx *x)
{
	if (x->x_h) {
		x->x_tid = jbd2_handle_tid(x->x_h);
		jbd2_journal_stop(s, x->x_w->w_j, x->x_h);
		x->x_h = NULL;
	}
}

/* Allocate disk blocks for file blocks [b0, b1) that have none, in state
 * (EXT_UNWRITTEN or EXT_WRITTEN). Returns 0 or -PC_ENOSPC. */
int __pc_alloc_range(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1, uint8_t state,
		     struct jbd2_handle *h)
{
	struct pc_world *w = ip->i_w;
	bool changed = false;

	for (uint32_t b = b0; b < b1 && b < ip->i_nblocks; b++) {
		struct pc_extent *e = &ip->i_map[b];

		if (e->e_state == EXT_UNWRITTEN || e->e_state == EXT_WRITTEN)
			continue;
		e->e_pblk = pc_alloc_block(w->w_alloc);
		if (e->e_pblk == PC_BLK_NONE) {
			e->e_state = EXT_HOLE;
			return -PC_ENOSPC;
		}
		e->e_state = state;
		changed = true;
		sim_trace(s, SIM_TR_MODEL, -1, "alloc_block", b, e->e_pblk);
	}
	if (changed && h)
		__pc_mark_inode_dirty(s, ip, h, true);
	return 0;
}

/* Return the disk blocks of file blocks [b0, b1) to the pool (freed in
 * the handle's transaction) and make them holes. */
void __pc_free_range(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1,
		     struct jbd2_handle *h)
{
	struct pc_world *w = ip->i_w;
	bool changed = false;

	for (uint32_t b = b0; b < b1 && b < ip->i_nblocks; b++) {
		struct pc_extent *e = &ip->i_map[b];

		if (e->e_state == EXT_UNWRITTEN || e->e_state == EXT_WRITTEN)
			pc_alloc_free(w->w_alloc, e->e_pblk, h ? jbd2_handle_tid(h) : 0);
		if (e->e_state != EXT_HOLE)
			changed = true;
		e->e_state = EXT_HOLE;
		e->e_pblk = 0;
	}
	if (changed && h)
		__pc_mark_inode_dirty(s, ip, h, true);
	__pc_zero_eof_forget(s, ip, b0, b1, h);
}
