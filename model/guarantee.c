/* SPDX-License-Identifier: MIT */
/*
 * model/guarantee.c - per profile, whether the zeros an erase leaves are
 * made durable with the erasing operation's transaction (SEMANTICS.md
 * section 10: "the file's own earlier bytes are a violation only where a
 * durable promise or a stated guarantee of the operation covers the newer
 * contents"). The oracle (oracle.c classify) reads this table after a
 * crash; docs/guarantees.md is the same table with its reasons, and
 * tests/unit/test_guarantee.c parses it and compares row by row.
 *
 * A byte whose latest erase has no guarantee may show the file's own
 * earlier bytes after a crash even though the erase's transaction is
 * durable: the zeroing lived in the page cache and nothing ordered its
 * write before the metadata (XFS punch and zero range: the partial blocks
 * are zeroed by iomap_zero_range after xfs_flush_unmap_range wrote the old
 * contents).
 */
#include <assert.h>
#include <stddef.h>

#include "model/guarantee.h"

const char *const pc_erase_kind_names[PC_ERASE_N] = {
	"none", "whole-block", "truncate-down", "punch", "zero-range",
	"extend-write", "truncate-up", "extend-falloc",
};

#define G(p, k, d, src) { PC_PROF_##p, PC_ERASE_##k, d, src }

static const struct pc_guarantee table[] = {
	/* ext4: buffer_heads, data=ordered (mainline 6.18) */
	G(EXT4, WHOLE_BLOCK, true,
	  "fs/ext4/inode.c ext4_truncate, fs/ext4/extents.c ext4_ext_remove_space, "
	  "ext4_zero_range: the blocks are freed or made unwritten in a handle"),
	G(EXT4, TRUNCATE_DOWN, true,
	  "fs/ext4/inode.c ext4_block_truncate_page -> __ext4_block_zero_page_range -> "
	  "ext4_jbd2_inode_add_write"),
	G(EXT4, PUNCH, true,
	  "fs/ext4/inode.c ext4_punch_hole -> ext4_zero_partial_blocks -> "
	  "__ext4_block_zero_page_range -> ext4_jbd2_inode_add_write"),
	G(EXT4, ZERO_RANGE, true,
	  "fs/ext4/extents.c ext4_zero_range -> ext4_zero_partial_blocks -> "
	  "__ext4_block_zero_page_range -> ext4_jbd2_inode_add_write"),
	G(EXT4, EXTEND_WRITE, true,
	  "fs/ext4/inode.c ext4_da_do_write_end -> ext4_zero_partial_blocks (ordered data)"),
	G(EXT4, TRUNCATE_UP, true,
	  "fs/ext4/inode.c ext4_setattr: the old EOF block's zeroed tail is ordered data "
	  "of the size handle's transaction"),
	G(EXT4, EXTEND_FALLOC, true,
	  "fs/ext4/extents.c ext4_alloc_file_blocks / ext4_zero_range -> "
	  "ext4_zero_partial_blocks (ordered data)"),
	/* ext4-iomap: the 2026 series (seed 002), no data=ordered */
	G(EXT4_IOMAP, WHOLE_BLOCK, true,
	  "fs/ext4/inode.c ext4_truncate, fs/ext4/extents.c ext4_ext_remove_space, "
	  "ext4_zero_range: the blocks are freed or made unwritten in a handle"),
	G(EXT4_IOMAP, TRUNCATE_DOWN, false,
	  "seed 002, PATCH v4 17/23: the iomap path does not use data=ordered; the zeroed "
	  "block is submitted without waiting"),
	G(EXT4_IOMAP, PUNCH, false,
	  "seed 002, PATCH v4 17/23: inodes on the iomap buffered path do not use "
	  "data=ordered; ext4_zero_partial_blocks has no handle in the series"),
	G(EXT4_IOMAP, ZERO_RANGE, false,
	  "seed 002, PATCH v4 17/23: inodes on the iomap buffered path do not use "
	  "data=ordered; ext4_zero_partial_blocks has no handle in the series"),
	G(EXT4_IOMAP, EXTEND_WRITE, true,
	  "seed 002, PATCH v4 17/23 (Zhang Yi): an append write's end io past the zeroed "
	  "boundary must wait for the zero I/O before updating i_disksize"),
	G(EXT4_IOMAP, TRUNCATE_UP, true,
	  "seed 002, PATCH v4 17/23 (Zhang Yi): truncate up must wait for the zero I/O "
	  "before updating i_disksize"),
	G(EXT4_IOMAP, EXTEND_FALLOC, true,
	  "seed 002, PATCH v4 17/23 (Zhang Yi): an append fallocate must wait for the zero "
	  "I/O before updating i_disksize"),
	/* xfs (mainline 6.18) */
	G(XFS, WHOLE_BLOCK, true,
	  "fs/xfs/xfs_inode.c xfs_itruncate_extents, fs/xfs/xfs_bmap_util.c "
	  "xfs_free_file_space / xfs_alloc_file_space: the unmapping is logged"),
	G(XFS, TRUNCATE_DOWN, true,
	  "fs/xfs/xfs_iops.c xfs_setattr_size: xfs_truncate_page, then "
	  "filemap_write_and_wait_range before the size change is logged"),
	G(XFS, PUNCH, false,
	  "fs/xfs/xfs_bmap_util.c xfs_free_file_space -> xfs_zero_range -> "
	  "iomap_zero_range: partial blocks zeroed in the page cache only"),
	G(XFS, ZERO_RANGE, false,
	  "fs/xfs/xfs_file.c xfs_falloc_zero_range -> xfs_free_file_space -> "
	  "iomap_zero_range: partial blocks zeroed in the page cache only"),
	G(XFS, EXTEND_WRITE, true,
	  "fs/xfs/xfs_file.c xfs_file_write_zero_eof; fs/xfs/xfs_aops.c xfs_end_ioend "
	  "moves the on-disk size only at I/O completion"),
	G(XFS, TRUNCATE_UP, true,
	  "fs/xfs/xfs_iops.c xfs_setattr_size: the zeroed range is written and waited "
	  "for before the new size is logged"),
	G(XFS, EXTEND_FALLOC, true,
	  "fs/xfs/xfs_file.c xfs_falloc_setsize -> xfs_vn_setattr_size, as truncate up"),
};

#define NROWS (sizeof(table) / sizeof(table[0]))
_Static_assert(NROWS == PC_PROF_N * (PC_ERASE_N - 1), "one row per profile and erase kind");

const struct pc_guarantee *pc_guarantee(enum pc_profile p, enum pc_erase_kind k)
{
	for (unsigned i = 0; i < NROWS; i++)
		if (table[i].g_profile == p && table[i].g_kind == k)
			return &table[i];
	assert(k == PC_ERASE_NONE || !"a profile without a guarantee row");
	return NULL;
}

unsigned pc_guarantees(const struct pc_guarantee **rows)
{
	*rows = table;
	return NROWS;
}
