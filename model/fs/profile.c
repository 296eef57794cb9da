/* SPDX-License-Identifier: MIT */
/*
 * model/fs/profile.c - the file system profiles as tables of steps, and the
 * knobs.
 *
 * A profile maps each operation to a list of steps; an entry may carry a
 * condition on the knobs and the operation's flags, so the difference
 * between two patch versions is a difference between two rows, e.g.
 * writethrough v2 -> v3 is the rows guarded by wt_sync() and wt_isx().
 * __pc_build_op() filters a list into the struct sim_op_desc the engine
 * runs; `pcsim steps` prints the same filtered list.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fs/fs.h"

typedef bool (*pc_cond)(const struct pc_knobs *k, const struct pc_opspec *o);

struct pc_stepdef {
	const char *name;
	sim_step_fn fn;
	pc_cond when;	/* NULL: always */
	uint8_t path;	/* 0: every path; else the PC_PATH_* bits it is on */
};

/* An operation as built: the engine's table and, per step, the paths it is
 * on. The engine asks __pc_path_next which step runs next. */
struct pc_desc {
	struct sim_op_desc d;
	uint8_t paths[SIM_MAX_STEPS];
};

#define PC_MAX_DEFS 40

struct pc_opdef {
	uint8_t kind;
	uint8_t profiles;	/* bit per enum pc_profile */
	pc_cond when;		/* which variant of the op (flags) */
	struct pc_stepdef steps[PC_MAX_DEFS];
};

#define P_EXT4	(1u << PC_PROF_EXT4)
#define P_EI	(1u << PC_PROF_EXT4_IOMAP)
#define P_XFS	(1u << PC_PROF_XFS)
#define P_IOMAP	(P_EI | P_XFS)
#define P_ALL	(P_EXT4 | P_EI | P_XFS)

/* ---- conditions ---- */
/* generic_write_sync after the write returns. An AIO direct write whose
 * completion was queued (-EIOCBQUEUED) syncs from its completion work
 * instead (iomap_dio_complete; dio.c __pc_dio_work_desc[3..4]): these rows
 * then do nothing (ops.c aio_queued). */
static bool dsync(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return o->o_flags & (PC_OF_DSYNC | PC_OF_SYNC);
}

static bool buffered(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return !(o->o_flags & (PC_OF_DIRECT | PC_OF_WRITETHROUGH));
}

static bool direct(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return o->o_flags & PC_OF_DIRECT;
}

static bool wthrough(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return (o->o_flags & PC_OF_WRITETHROUGH) && !(o->o_flags & PC_OF_DIRECT);
}

/* The submitter may wait for a writethrough write (not v2 AIO). */
static bool wt_sync(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return !(o->o_flags & PC_OF_AIO) || k->k_wt_endio_sync;
}

static bool wt_isx(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return wt_sync(k, o) && k->k_wt_isize_extended;
}

static bool ms_sync(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return o->o_flags & PC_OF_MS_SYNC;
}

static bool ms_async(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return !(o->o_flags & PC_OF_MS_SYNC);
}

/* ext4_zero_range: the range starts or ends inside a block. */
/* xfs_falloc_newsize: FALLOC_FL_KEEP_SIZE sets no size, so
 * xfs_falloc_setsize (xfs_vn_setattr_size) is not called at all; a range
 * inside EOF is caught in the steps (x_new_size == x_old_size). */
static bool size_set(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return !(o->o_flags & PC_OF_KEEP_SIZE);
}

static bool zr_partial(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return (o->o_off | (o->o_off + o->o_len)) % k->k_bs != 0;
}

static bool zr_aligned(const struct pc_knobs *k, const struct pc_opspec *o)
{
	return !zr_partial(k, o);
}

/* ---- step rows used by several tables ---- */
#define S(name, fn) { name, fn, NULL, 0 }
#define SC(name, fn, cond) { name, fn, cond, 0 }
/* A step on some paths only (PC_PATH_*, decided at run time by an earlier
 * step of the operation: __pc_st_setattr_inode_lock). */
#define SP(name, fn, path) { name, fn, NULL, path }
#define SCP(name, fn, cond, path) { name, fn, cond, path }
#define UP (PC_PATH_UP_ZERO | PC_PATH_UP)
/* xfs_falloc_setsize -> xfs_vn_setattr_size (fs/xfs/xfs_file.c,
 * xfs_iops.c), only when the allocation sets a size. */
#define XFS_FALLOC_SETSIZE                                                     \
	SCP("xfs_zero_range", __pc_st_zero_eof_op, size_set, PC_PATH_UP),       \
	SCP("truncate_setsize", __pc_st_truncate_setsize, size_set, PC_PATH_UP), \
	SCP("filemap_write_and_wait_range", __pc_st_size_write_and_wait, size_set, \
	    PC_PATH_UP),                                                       \
	SCP("xfs_trans_commit", __pc_st_truncate_blocks, size_set, PC_PATH_UP)
#define LOCK S("inode_lock", __pc_st_inode_lock)
#define UNLOCK S("inode_unlock", __pc_st_inode_unlock)
#define ILOCK S("filemap_invalidate_lock", __pc_st_invalidate_lock)
#define IUNLOCK S("filemap_invalidate_unlock", __pc_st_invalidate_unlock)
#define DIOWAIT S("inode_dio_wait", __pc_st_inode_dio_wait)
#define CHECKS S("generic_write_checks", __pc_st_generic_write_checks)
#define IOMAP_LOOP                                                              \
	S("iomap_iter", __pc_st_iomap_iter),                                    \
	S("iomap_write_begin", __pc_st_iomap_write_begin),                      \
	S("iomap_write_end", __pc_st_write_end),                                \
	S("i_size_write", __pc_st_i_size_write),                                \
	S("__iomap_put_folio", __pc_st_folio_unlock),                           \
	S("pagecache_isize_extended", __pc_st_pagecache_isize_extended)
#define EXT4_LOOP                                                               \
	S("ext4_da_write_begin", __pc_st_ext4_da_write_begin),                  \
	S("block_write_end", __pc_st_write_end),                                \
	S("i_size_write", __pc_st_i_size_write),                                \
	S("folio_unlock", __pc_st_folio_unlock),                                \
	S("pagecache_isize_extended", __pc_st_pagecache_isize_extended),        \
	S("ext4_mark_inode_dirty", __pc_st_ext4_mark_inode_dirty)
#define WRITE_SYNC(fsync_name)                                                  \
	SC("file_write_and_wait_range", __pc_st_file_write_and_wait_range, dsync), \
	SC(fsync_name, __pc_st_fsync_journal, dsync)
/* Writes: the EOF zeroing is called only for a write that starts past EOF
 * (xfs_file_write_checks, ext4_write_checks; path decided in
 * generic_write_checks). */
#define XFS_ZERO_EOF                                                            \
	SP("xfs_file_write_zero_eof", __pc_st_write_zero_eof_check, PC_PATH_UP),  \
	SP("iomap_zero_range", __pc_st_eof_zero_range, PC_PATH_UP)
#define EXT4_ZERO_EOF_W SP("ext4_block_zero_eof", __pc_st_zero_eof_op, PC_PATH_UP)
/* fallocate, zero range: the step decides (ext4_alloc_file_blocks). */
#define EXT4_ZERO_EOF S("ext4_block_zero_eof", __pc_st_zero_eof_op)
#define EXT4_PUNCH_CACHE                                                        \
	S("ext4_update_disksize_before_punch",                                  \
	  __pc_st_ext4_update_disksize_before_punch),                           \
	S("ext4_truncate_page_cache_block_range",                               \
	  __pc_st_ext4_truncate_page_cache_block_range)
#define XFS_FREE_FILE_SPACE                                                     \
	S("xfs_flush_unmap_range", __pc_st_xfs_flush_unmap_range),              \
	S("xfs_unmap_extent", __pc_st_xfs_unmap_extent),                        \
	S("xfs_zero_range", __pc_st_xfs_free_zero_range),                       \
	S("filemap_write_and_wait_range", __pc_st_xfs_free_flush_eof)
#define DIO_TAIL                                                                \
	S("pcsim:iomap_dio_wait", __pc_st_iomap_dio_wait),                            \
	S("iomap_dio_complete", __pc_st_iomap_dio_complete),                    \
	S("inode_dio_end", __pc_st_inode_dio_end)
#define WT_TAIL                                                                 \
	SC("pcsim:iomap_dio_wait", __pc_st_iomap_dio_wait, wt_sync),                  \
	SC("iomap_dio_complete", __pc_st_iomap_dio_complete, wt_sync),          \
	SC("pagecache_isize_extended", __pc_st_wt_isize_extended, wt_isx),      \
	SC("inode_dio_end", __pc_st_inode_dio_end, wt_sync)

static const struct pc_opdef opdefs[] = {
	/* ---- buffered write ---- */
	{ PC_OP_PWRITE, P_XFS, buffered,
	  { LOCK, CHECKS, XFS_ZERO_EOF, IOMAP_LOOP, UNLOCK, WRITE_SYNC("xfs_log_force_seq") } },
	{ PC_OP_PWRITE, P_EI, buffered,
	  { LOCK, CHECKS, EXT4_ZERO_EOF_W, IOMAP_LOOP, UNLOCK,
	    WRITE_SYNC("ext4_fsync_journal") } },
	{ PC_OP_PWRITE, P_EXT4, buffered,
	  { LOCK, CHECKS, EXT4_ZERO_EOF_W, EXT4_LOOP, UNLOCK, WRITE_SYNC("ext4_fsync_journal") } },
	/* ---- RWF_WRITETHROUGH (iomap only) ---- */
	{ PC_OP_PWRITE, P_XFS, wthrough,
	  { LOCK, CHECKS, XFS_ZERO_EOF,
	    S("filemap_write_and_wait_range", __pc_st_range_write_and_wait),
	    S("iomap_writethrough_iter", __pc_st_iomap_writethrough_iter), WT_TAIL, UNLOCK,
	    WRITE_SYNC("xfs_log_force_seq") } },
	{ PC_OP_PWRITE, P_EI, wthrough,
	  { LOCK, CHECKS, EXT4_ZERO_EOF_W,
	    S("filemap_write_and_wait_range", __pc_st_range_write_and_wait),
	    S("iomap_writethrough_iter", __pc_st_iomap_writethrough_iter), WT_TAIL, UNLOCK,
	    WRITE_SYNC("ext4_fsync_journal") } },
	/* ---- O_DIRECT ---- */
	/* iomap_dio_complete runs generic_write_sync after inode_dio_end,
	 * inside iomap_dio_rw, which ext4_dio_write_iter and
	 * xfs_file_dio_write_* call holding the inode lock; a queued AIO
	 * write jumps to inode_unlock and syncs in its completion work. */
	{ PC_OP_PWRITE, P_XFS, direct,
	  { LOCK, CHECKS, XFS_ZERO_EOF, S("iomap_dio_rw", __pc_st_iomap_dio_rw), DIO_TAIL,
	    WRITE_SYNC("xfs_log_force_seq"), UNLOCK } },
	{ PC_OP_PWRITE, P_EXT4 | P_EI, direct,
	  { LOCK, CHECKS, EXT4_ZERO_EOF_W, S("iomap_dio_rw", __pc_st_iomap_dio_rw), DIO_TAIL,
	    WRITE_SYNC("ext4_fsync_journal"), UNLOCK } },
	/* ---- append: O_APPEND buffered write at i_size ---- */
	{ PC_OP_APPEND, P_IOMAP, NULL, { LOCK, CHECKS, IOMAP_LOOP, UNLOCK } },
	{ PC_OP_APPEND, P_EXT4, NULL, { LOCK, CHECKS, EXT4_LOOP, UNLOCK } },
	/* ---- reads and the mapping ---- */
	{ PC_OP_READ, P_ALL, NULL, { S("filemap_read", __pc_st_filemap_read) } },
	{ PC_OP_MMAP, P_ALL, NULL, { S("mmap_region", __pc_st_mmap) } },
	{ PC_OP_MUNMAP, P_ALL, NULL, { S("unmap_mapping_range", __pc_st_unmap_mapping_range) } },
	{ PC_OP_STORE, P_EXT4, NULL,
	  { S("handle_mm_fault", __pc_st_handle_mm_fault),
	    S("ext4_page_mkwrite", __pc_st_page_mkwrite), S("pcsim:store", __pc_st_store) } },
	{ PC_OP_STORE, P_IOMAP, NULL,
	  { S("handle_mm_fault", __pc_st_handle_mm_fault),
	    S("iomap_page_mkwrite", __pc_st_page_mkwrite), S("pcsim:store", __pc_st_store) } },
	{ PC_OP_LOAD, P_ALL, NULL,
	  { S("handle_mm_fault", __pc_st_handle_mm_fault), S("pcsim:load", __pc_st_load) } },
	/* msync(MS_SYNC) is fdatasync of the range; MS_ASYNC does nothing. */
	{ PC_OP_MSYNC, P_EXT4 | P_EI, NULL,
	  { SC("file_write_and_wait_range", __pc_st_file_write_and_wait_range, ms_sync),
	    SC("ext4_fsync_journal", __pc_st_fsync_journal, ms_sync),
	    SC("pcsim:msync_async", __pc_st_nop, ms_async) } },
	{ PC_OP_MSYNC, P_XFS, NULL,
	  { SC("file_write_and_wait_range", __pc_st_file_write_and_wait_range, ms_sync),
	    SC("xfs_log_force_seq", __pc_st_fsync_journal, ms_sync),
	    SC("pcsim:msync_async", __pc_st_nop, ms_async) } },
	/* ---- truncate (ext4_setattr / xfs_vn_setattr_size) ----
	 * The path (up with the old EOF inside a block, up, down, same size)
	 * is decided once i_rwsem is held; only the steps the kernel calls on
	 * that path run and show.
	 * ext4: mainline 6.18 ext4_setattr (fs/ext4/inode.c): up zeroes the
	 * old EOF block in the size handle (ext4_block_truncate_page ->
	 * ext4_jbd2_inode_add_write), i_disksize + ext4_mark_inode_dirty +
	 * i_size_write, pagecache_isize_extended, then truncate_pagecache on
	 * every path; ext4_truncate when the size did not grow. */
	{ PC_OP_TRUNCATE, P_EXT4, NULL,
	  { SP("inode_lock", __pc_st_setattr_inode_lock, 0),
	    SP("inode_dio_wait", __pc_st_inode_dio_wait_shrink, PC_PATH_DOWN), ILOCK,
	    SP("ext4_block_truncate_page", __pc_st_zero_eof_op, PC_PATH_UP_ZERO),
	    SP("i_size_write", __pc_st_set_size, UP | PC_PATH_DOWN),
	    SP("pagecache_isize_extended", __pc_st_isize_extended_op, UP),
	    S("truncate_pagecache", __pc_st_truncate_pagecache),
	    SP("ext4_truncate", __pc_st_truncate_blocks, PC_PATH_DOWN | PC_PATH_SAME), IUNLOCK,
	    UNLOCK } },
	/* ext4-iomap: the zhangyi089 tree (2026) ext4_setattr ->
	 * ext4_truncate_up (ext4_block_zero_eof, ext4_set_inode_size in a
	 * handle, pagecache_isize_extended; no truncate_pagecache) or
	 * ext4_truncate_down (ext4_set_inode_size, truncate_pagecache,
	 * ext4_truncate). */
	{ PC_OP_TRUNCATE, P_EI, NULL,
	  { SP("inode_lock", __pc_st_setattr_inode_lock, 0),
	    SP("inode_dio_wait", __pc_st_inode_dio_wait_shrink, PC_PATH_DOWN), ILOCK,
	    SP("ext4_block_zero_eof", __pc_st_zero_eof_op, PC_PATH_UP_ZERO),
	    S("ext4_set_inode_size", __pc_st_set_size),
	    SP("pagecache_isize_extended", __pc_st_isize_extended_op, UP),
	    SP("truncate_pagecache", __pc_st_truncate_pagecache, PC_PATH_DOWN | PC_PATH_SAME),
	    SP("ext4_truncate", __pc_st_truncate_blocks, PC_PATH_DOWN | PC_PATH_SAME), IUNLOCK,
	    UNLOCK } },
	/* xfs_vn_setattr_size (fs/xfs/xfs_iops.c): xfs_zero_range when
	 * growing (shrinking calls xfs_truncate_page, not modelled). */
	{ PC_OP_TRUNCATE, P_XFS, NULL,
	  { SP("inode_lock", __pc_st_setattr_inode_lock, 0), ILOCK, DIOWAIT,
	    SP("xfs_zero_range", __pc_st_zero_eof_op, UP),
	    /* shrinking: xfs_truncate_page -> iomap_truncate_page zeroes the
	     * new EOF block's tail in the cache (fs/xfs/xfs_iops.c) */
	    SP("xfs_truncate_page", __pc_st_zero_eof_op, PC_PATH_DOWN),
	    S("truncate_setsize", __pc_st_truncate_setsize),
	    S("filemap_write_and_wait_range", __pc_st_size_write_and_wait),
	    S("xfs_trans_commit", __pc_st_truncate_blocks), IUNLOCK, UNLOCK } },
	/* ---- fallocate ---- */
	{ PC_OP_FALLOCATE, P_EXT4 | P_EI, NULL,
	  { LOCK, DIOWAIT, EXT4_ZERO_EOF, S("ext4_alloc_file_blocks", __pc_st_alloc_file_space),
	    S("ext4_update_inode_size", __pc_st_set_size),
	    S("pagecache_isize_extended", __pc_st_isize_extended_op), UNLOCK } },
	{ PC_OP_FALLOCATE, P_XFS, NULL,
	  { LOCK, ILOCK, DIOWAIT, S("xfs_alloc_file_space", __pc_st_alloc_file_space),
	    XFS_FALLOC_SETSIZE, IUNLOCK, UNLOCK } },
	/* ---- punch hole and zero range (falloc.c) ---- */
	{ PC_OP_PUNCH, P_EXT4 | P_EI, NULL,
	  { LOCK, ILOCK, DIOWAIT, EXT4_PUNCH_CACHE,
	    S("ext4_zero_partial_blocks", __pc_st_ext4_zero_partial_blocks),
	    S("ext4_ext_remove_space", __pc_st_ext4_ext_remove_space), IUNLOCK, UNLOCK } },
	{ PC_OP_PUNCH, P_XFS, NULL,
	  { LOCK, ILOCK, DIOWAIT, XFS_FREE_FILE_SPACE, IUNLOCK, UNLOCK } },
	/* ext4_zero_range: an unaligned range is first preallocated (edges
	 * included, with the new size) and its partial blocks zeroed; an
	 * aligned one gets its new size after the conversion. The old EOF
	 * block is zeroed first in both cases (docs/model.md 7.1: the tree
	 * read does it after dropping the cache when aligned). */
	{ PC_OP_ZERO_RANGE, P_EXT4 | P_EI, NULL,
	  { LOCK, ILOCK, DIOWAIT, EXT4_ZERO_EOF,
	    SC("ext4_alloc_file_blocks", __pc_st_alloc_file_space, zr_partial),
	    SC("ext4_update_inode_size", __pc_st_set_size, zr_partial),
	    SC("pagecache_isize_extended", __pc_st_isize_extended_op, zr_partial),
	    SC("ext4_zero_partial_blocks", __pc_st_ext4_zero_partial_blocks, zr_partial),
	    EXT4_PUNCH_CACHE, S("ext4_alloc_file_blocks", __pc_st_ext4_zero_range_convert),
	    SC("ext4_update_inode_size", __pc_st_set_size, zr_aligned),
	    SC("pagecache_isize_extended", __pc_st_isize_extended_op, zr_aligned), IUNLOCK,
	    UNLOCK } },
	/* xfs_falloc_zero_range: xfs_free_file_space, xfs_alloc_file_space
	 * over the range rounded out to blocks, xfs_falloc_setsize. */
	{ PC_OP_ZERO_RANGE, P_XFS, NULL,
	  { LOCK, ILOCK, DIOWAIT, XFS_FREE_FILE_SPACE,
	    S("xfs_alloc_file_space", __pc_st_alloc_file_space), XFS_FALLOC_SETSIZE, IUNLOCK,
	    UNLOCK } },
	/* ---- fsync family ---- */
	{ PC_OP_FSYNC, P_EXT4 | P_EI, NULL,
	  { S("file_write_and_wait_range", __pc_st_file_write_and_wait_range),
	    S("ext4_fsync_journal", __pc_st_fsync_journal) } },
	{ PC_OP_FSYNC, P_XFS, NULL,
	  { S("file_write_and_wait_range", __pc_st_file_write_and_wait_range),
	    S("xfs_log_force_seq", __pc_st_fsync_journal) } },
	{ PC_OP_FDATASYNC, P_EXT4 | P_EI, NULL,
	  { S("file_write_and_wait_range", __pc_st_file_write_and_wait_range),
	    S("ext4_fsync_journal", __pc_st_fsync_journal) } },
	{ PC_OP_FDATASYNC, P_XFS, NULL,
	  { S("file_write_and_wait_range", __pc_st_file_write_and_wait_range),
	    S("xfs_log_force_seq", __pc_st_fsync_journal) } },
	{ PC_OP_SYNC_FILE_RANGE, P_ALL, NULL,
	  { S("file_fdatawait_range", __pc_st_sfr_wait_before),
	    S("filemap_fdatawrite_range", __pc_st_sfr_write),
	    S("file_fdatawait_range", __pc_st_sfr_wait_after) } },
	/* sync_filesystem (fs/sync.c): writeback_inodes_sb, ->sync_fs(sb, 0)
	 * (start the log force / commit, no wait), sync_inodes_sb, then
	 * ->sync_fs(sb, 1). */
	{ PC_OP_SYNC, P_EXT4 | P_EI, NULL,
	  { S("writeback_inodes_sb", __pc_st_writeback_inodes_sb),
	    S("ext4_sync_fs", __pc_st_sync_fs_nowait), S("sync_inodes_sb", __pc_st_sync_inodes),
	    S("ext4_sync_fs", __pc_st_fsync_journal) } },
	{ PC_OP_SYNC, P_XFS, NULL,
	  { S("writeback_inodes_sb", __pc_st_writeback_inodes_sb),
	    S("xfs_fs_sync_fs", __pc_st_sync_fs_nowait), S("sync_inodes_sb", __pc_st_sync_inodes),
	    S("xfs_fs_sync_fs", __pc_st_fsync_journal) } },
	{ PC_OP_IO_WAIT, P_ALL, NULL, { S("io_getevents", __pc_st_io_getevents) } },
	{ PC_OP_SLEEP, P_ALL, NULL, { S("schedule_timeout", __pc_st_schedule_timeout) } },
};

#define NOPDEFS (sizeof(opdefs) / sizeof(opdefs[0]))

const char *const pc_op_names[PC_OP_NKINDS] = {
	"pwrite", "append", "read", "mmap", "munmap", "store", "load", "msync", "truncate",
	"fallocate", "punch", "zero-range", "fsync", "fdatasync", "sync-file-range", "sync",
	"io-wait", "sleep",
};

static const struct pc_opdef *find_opdef(const struct pc_knobs *k, const struct pc_opspec *o)
{
	for (size_t i = 0; i < NOPDEFS; i++) {
		const struct pc_opdef *d = &opdefs[i];

		if (d->kind == o->o_kind && (d->profiles & (1u << k->k_profile)) &&
		    (!d->when || d->when(k, o)))
			return d;
	}
	return NULL;
}

static unsigned filter(const struct pc_knobs *k, const struct pc_opspec *o,
		       const struct pc_opdef *d, const struct pc_stepdef **out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PC_MAX_DEFS && d->steps[i].name; i++)
		if ((!d->steps[i].when || d->steps[i].when(k, o)) && n < max)
			out[n++] = &d->steps[i];
	return n;
}

/* An operation built by __pc_build_op (its name is one of pc_op_names),
 * not a kernel task's table. */
static bool built_here(const struct sim_op_desc *d)
{
	for (unsigned i = 0; i < PC_OP_NKINDS; i++)
		if (d->name == pc_op_names[i])
			return true;
	return false;
}

/* The engine's next-step hook (sim_set_next_hook, model.c): in an
 * operation built here with steps on some paths only, skip the steps that
 * are not on the operation's path (x_path, 0 while undecided: every
 * step). Kernel tasks' operations are not built here: left alone. */
uint8_t __pc_path_next(const struct sim_op_desc *d, void *arg, uint8_t pc)
{
	const struct pc_desc *pd = (const struct pc_desc *)d;
	const struct pc_opctx *x = arg;

	if (!x || !built_here(d))
		return pc;
	while (pc < d->nsteps && x->x_path && pd->paths[pc] && !(pd->paths[pc] & x->x_path))
		pc++;
	return pc;
}

const struct sim_op_desc *__pc_build_op(struct sim *s, const struct pc_opspec *op)
{
	struct pc_world *w = pc_w(s);
	const struct pc_opdef *d = find_opdef(&w->w_k, op);
	const struct pc_stepdef *st[SIM_MAX_STEPS];
	struct pc_desc *pd;
	struct sim_op_desc *desc;
	unsigned n;

	if (!d)
		return NULL;
	n = filter(&w->w_k, op, d, st, SIM_MAX_STEPS);
	pd = sim_alloc(s, sizeof(*pd));
	if (!pd || !n)
		return NULL;
	desc = &pd->d;
	desc->name = pc_op_names[op->o_kind];
	desc->nsteps = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		desc->steps[i].name = st[i]->name;
		desc->steps[i].fn = st[i]->fn;
		desc->steps[i].fp = __pc_step_fp(st[i]->fn);
		pd->paths[i] = st[i]->path;
	}
	return desc;
}

unsigned pc_op_steps_path(const struct pc_knobs *k, const struct pc_opspec *op, unsigned path,
			  const char **names, unsigned max)
{
	const struct pc_opdef *d = find_opdef(k, op);
	const struct pc_stepdef *st[SIM_MAX_STEPS];
	unsigned n, m = 0;

	if (!d)
		return 0;
	n = filter(k, op, d, st, SIM_MAX_STEPS);
	for (unsigned i = 0; i < n && m < max; i++)
		if (!path || !st[i]->path || (st[i]->path & path))
			names[m++] = st[i]->name;
	return m;
}

unsigned pc_op_steps(const struct pc_knobs *k, const struct pc_opspec *op, const char **names,
		     unsigned max)
{
	return pc_op_steps_path(k, op, 0, names, max);
}

unsigned pc_op_paths(const struct pc_knobs *k, const struct pc_opspec *op)
{
	const struct pc_opdef *d = find_opdef(k, op);
	unsigned paths = 0;

	for (unsigned i = 0; d && i < PC_MAX_DEFS && d->steps[i].name; i++)
		paths |= d->steps[i].path;
	return paths;
}

unsigned pc_task_steps(const struct pc_knobs *k, const char *task, const char **names,
		       unsigned max)
{
	struct pc_world w;
	static const char *const flusher[] = { "wb_check_old_data_flush", "writeback_sb_inodes",
					       "requeue_inode" };
	static const char *const jbd2[] = { "commit" };
	unsigned n = 0;

	memset(&w, 0, sizeof(w));
	w.w_k = *k;
	if (!strcmp(task, "flusher")) {
		for (unsigned i = 0; i < 3 && n < max; i++)
			names[n++] = flusher[i];
	} else if (!strncmp(task, "endio", 5)) {
		n = __pc_endio_steps(&w, names, max);
	} else if (!strncmp(task, "dio", 3)) {
		n = __pc_dio_steps(&w, names, max);
	} else if (!strcmp(task, "jbd2") || !strcmp(task, "xfs-cil")) {
		n = jbd2_commit_step_names(k->k_profile == PC_PROF_XFS, names, max);
		if (n < max)
			names[n++] = jbd2[0];
	}
	return n;
}

/* ---- knobs ---- */
const char *const pc_profile_names[PC_PROF_N + 1] = { "ext4", "ext4-iomap", "xfs", NULL };

int pc_profile_lookup(const char *name)
{
	for (int i = 0; i < PC_PROF_N; i++)
		if (!strcmp(name, pc_profile_names[i]))
			return i;
	return -1;
}

void pc_knobs_default(struct pc_knobs *k, enum pc_profile p)
{
	memset(k, 0, sizeof(*k));
	k->k_profile = (uint8_t)p;
	k->k_bs = 4096;
	k->k_isize_extended = PC_ISX_MKCLEAN_ZERO;
	k->k_zero_eof = PC_ZE_SUBMIT;
	k->k_wt_endio_sync = true;
	k->k_wt_isize_extended = true;
	k->k_endio_wq = PC_WQ_ORDERED;
	k->k_zero_wait = PC_ZW_BIO;
	/* jbd2 j_commit_interval (ext4 commit=5); XFS: the log worker's
	 * period, xfs_syncd_centisecs = 3000 (fs/xfs/xfs_globals.c), after
	 * which xfs_log_worker forces the log. */
	k->k_commit_interval = (p == PC_PROF_XFS ? 30 : 5) * SIM_SEC;
	k->k_dirty_expire = 30 * SIM_SEC;
	k->k_dirty_writeback = 5 * SIM_SEC;
	/* ext4 (6.16, ext4_should_enable_large_folio) and XFS map large folios */
	k->k_large_folios = true;
}

struct knobdef {
	const char *name;
	const char *const *values;	/* NULL: number or duration */
	uint8_t profiles;
};

static const char *const v_bs[] = { "512", "1024", "2048", "4096", NULL };
static const char *const v_isx[] = { "off", "mkclean", "mkclean+zero", NULL };
static const char *const v_ze[] = { "submit", "wait", "deferred", NULL };
static const char *const v_onoff[] = { "off", "on", NULL };
static const char *const v_endio[] = { "async", "sync", NULL };
static const char *const v_wq[] = { "ordered", "unbound", NULL };
static const char *const v_zw[] = { "bio", "endio", NULL };
static const char *const v_bug[] = { "none", "fsync-no-flush", "fsync-no-wait",
				      "fsync-trust-commit", "fsync-ignore-eio", NULL };
static const char *const v_oracle[] = { "default", "strict", NULL };

static const struct knobdef knobs[] = {
	{ "blocksize", v_bs, P_ALL },
	{ "isize_extended", v_isx, P_ALL },
	{ "zero_eof", v_ze, P_EI },
	{ "deferred_sfr", v_onoff, P_EI },
	{ "deferred_wb_ordered", v_onoff, P_EI },
	{ "writethrough", v_onoff, P_IOMAP },
	{ "wt_endio", v_endio, P_IOMAP },
	{ "wt_isize_extended", v_onoff, P_IOMAP },
	{ "endio_wq", v_wq, P_ALL },
	{ "zero_wait", v_zw, P_EI },
	{ "bug", v_bug, P_ALL },
	{ "oracle", v_oracle, P_ALL },
	{ "fail_write", NULL, P_ALL },
	{ "fail_flush", NULL, P_ALL },
	{ "commit", NULL, P_ALL },
	{ "log_worker", NULL, P_XFS },
	{ "dirty_expire", NULL, P_ALL },
	{ "dirty_writeback", NULL, P_ALL },
	{ "bg_writeback", v_onoff, P_ALL },
	{ "large_folios", v_onoff, P_ALL },
	{ "stable_pages", v_onoff, P_ALL },
	{ "wb_chunk", NULL, P_ALL },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static const char *const names_ext4[] = { "blocksize", "isize_extended", "endio_wq", "bug", "oracle",
					  "fail_write", "fail_flush", "commit", "dirty_expire", "dirty_writeback",
					  "bg_writeback", "large_folios", "stable_pages", "wb_chunk", NULL };
static const char *const names_ei[] = { "blocksize", "isize_extended", "zero_eof", "deferred_sfr",
					"deferred_wb_ordered",
					"writethrough", "wt_endio", "wt_isize_extended", "endio_wq",
					"zero_wait", "bug", "oracle", "fail_write", "fail_flush", "commit", "dirty_expire",
					"dirty_writeback", "bg_writeback", "large_folios", "stable_pages", "wb_chunk", NULL };
static const char *const names_xfs[] = { "blocksize", "isize_extended", "writethrough",
					 "wt_endio", "wt_isize_extended", "endio_wq", "bug", "oracle",
					 "fail_write", "fail_flush",
					 "log_worker", "dirty_expire", "dirty_writeback", "bg_writeback",
					 "large_folios", "stable_pages", "wb_chunk", NULL };

const char *const *pc_knob_names(enum pc_profile p)
{
	switch (p) {
	case PC_PROF_EXT4:
		return names_ext4;
	case PC_PROF_EXT4_IOMAP:
		return names_ei;
	case PC_PROF_XFS:
		return names_xfs;
	default:
		return NULL;
	}
}

const char *const *pc_knob_values(const char *knob)
{
	for (size_t i = 0; i < NKNOBS; i++)
		if (!strcmp(knob, knobs[i].name))
			return knobs[i].values;
	return NULL;
}

static int idx_of(const char *const *vals, const char *v)
{
	for (int i = 0; vals[i]; i++)
		if (!strcmp(vals[i], v))
			return i;
	return -1;
}

/* Parse a duration: 31s, 5ms, 100us, 10ns, or a bare number in the unit
 * the kernel's own setting uses (bare_unit: commit= seconds, the
 * dirty_*_centisecs sysctls centiseconds). */
static bool parse_duration(const char *v, sim_time_t *out, sim_time_t bare_unit)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	sim_time_t mul = bare_unit;

	if (end == v || *v == '-')
		return false;
	if (!strcmp(end, "s"))
		mul = SIM_SEC;
	else if (!strcmp(end, "ms"))
		mul = SIM_MSEC;
	else if (!strcmp(end, "us"))
		mul = SIM_USEC;
	else if (!strcmp(end, "ns"))
		mul = 1;
	else if (!*end)
		mul = bare_unit;
	else
		return false;
	if (n > 3600ULL * SIM_SEC / mul)
		return false;
	*out = n * mul;
	return true;
}

int pc_knob_set(struct pc_knobs *k, const char *name, const char *value, char *err, size_t len)
{
	const struct knobdef *d = NULL;
	int v = 0;

	for (size_t i = 0; i < NKNOBS; i++)
		if (!strcmp(name, knobs[i].name))
			d = &knobs[i];
	if (!d || !(d->profiles & (1u << k->k_profile))) {
		snprintf(err, len, "unknown knob '%s' for profile %s", name,
			 pc_profile_names[k->k_profile]);
		return -1;
	}
	if (d->values && (v = idx_of(d->values, value)) < 0) {
		size_t at = (size_t)snprintf(err, len, "bad value '%s' for knob %s; known:", value,
					     name);

		for (int i = 0; d->values[i] && at < len; i++)
			at += (size_t)snprintf(err + at, len - at, " %s", d->values[i]);
		return -1;
	}
	if (!strcmp(name, "blocksize"))
		k->k_bs = 512u << v;
	else if (!strcmp(name, "isize_extended"))
		k->k_isize_extended = (uint8_t)v;
	else if (!strcmp(name, "zero_eof"))
		k->k_zero_eof = (uint8_t)v;
	else if (!strcmp(name, "deferred_sfr"))
		k->k_deferred_sfr = v;
	else if (!strcmp(name, "deferred_wb_ordered"))
		k->k_deferred_wb_ordered = v;
	else if (!strcmp(name, "bg_writeback"))
		k->k_bg_writeback = v;
	else if (!strcmp(name, "large_folios"))
		k->k_large_folios = v;
	else if (!strcmp(name, "stable_pages"))
		k->k_stable_pages = v;
	else if (!strcmp(name, "writethrough"))
		k->k_writethrough = v;
	else if (!strcmp(name, "wt_endio"))
		k->k_wt_endio_sync = v;
	else if (!strcmp(name, "wt_isize_extended"))
		k->k_wt_isize_extended = v;
	else if (!strcmp(name, "endio_wq"))
		k->k_endio_wq = (uint8_t)v;
	else if (!strcmp(name, "zero_wait"))
		k->k_zero_wait = (uint8_t)v;
	else if (!strcmp(name, "bug"))
		k->k_bug = (uint8_t)v;
	else if (!strcmp(name, "oracle"))
		k->k_strict = v;
	else if (!strcmp(name, "fail_write") || !strcmp(name, "fail_flush") ||
		 !strcmp(name, "wb_chunk")) {
		char *end;
		unsigned long n = strtoul(value, &end, 10);

		if (end == value || *end || n > 1000000 || *value == '-') {
			snprintf(err, len, "bad count '%s' for knob %s (%s)", value, name,
				 !strcmp(name, "wb_chunk") ? "pages per inode and flusher pass, 0 = no limit"
							   : "0 = never, N = the Nth");
			return -1;
		}
		if (!strcmp(name, "fail_write"))
			k->k_fail_write = (uint32_t)n;
		else if (!strcmp(name, "fail_flush"))
			k->k_fail_flush = (uint32_t)n;
		else
			k->k_wb_chunk = (uint32_t)n;
	} else {
		sim_time_t *dst = !strcmp(name, "commit") || !strcmp(name, "log_worker")
					  ? &k->k_commit_interval
				  : !strcmp(name, "dirty_expire") ? &k->k_dirty_expire
								  : &k->k_dirty_writeback;

		if (!parse_duration(value, dst,
				    !strcmp(name, "commit") ? SIM_SEC : 10 * SIM_MSEC) ||
		    *dst == 0) {
			snprintf(err, len, "bad duration '%s' for knob %s (use e.g. 5s, 30s, 500ms; at most 1h)",
				 value, name);
			return -1;
		}
	}
	return 0;
}

void pc_knob_format(const struct pc_knobs *k, const char *knob, char *buf, size_t len)
{
	const char *const *vals = pc_knob_values(knob);
	int v = -1;

	if (!strcmp(knob, "blocksize"))
		v = k->k_bs == 512 ? 0 : k->k_bs == 1024 ? 1 : k->k_bs == 2048 ? 2 : 3;
	else if (!strcmp(knob, "isize_extended"))
		v = k->k_isize_extended;
	else if (!strcmp(knob, "zero_eof"))
		v = k->k_zero_eof;
	else if (!strcmp(knob, "deferred_sfr"))
		v = k->k_deferred_sfr;
	else if (!strcmp(knob, "deferred_wb_ordered"))
		v = k->k_deferred_wb_ordered;
	else if (!strcmp(knob, "bg_writeback"))
		v = k->k_bg_writeback;
	else if (!strcmp(knob, "large_folios"))
		v = k->k_large_folios;
	else if (!strcmp(knob, "stable_pages"))
		v = k->k_stable_pages;
	else if (!strcmp(knob, "writethrough"))
		v = k->k_writethrough;
	else if (!strcmp(knob, "wt_endio"))
		v = k->k_wt_endio_sync;
	else if (!strcmp(knob, "wt_isize_extended"))
		v = k->k_wt_isize_extended;
	else if (!strcmp(knob, "endio_wq"))
		v = k->k_endio_wq;
	else if (!strcmp(knob, "zero_wait"))
		v = k->k_zero_wait;
	else if (!strcmp(knob, "bug"))
		v = k->k_bug;
	else if (!strcmp(knob, "oracle"))
		v = k->k_strict;
	if (vals && v >= 0) {
		snprintf(buf, len, "%s", vals[v]);
		return;
	}
	if (!strcmp(knob, "fail_write") || !strcmp(knob, "fail_flush") || !strcmp(knob, "wb_chunk")) {
		snprintf(buf, len, "%u", !strcmp(knob, "fail_write")   ? k->k_fail_write
					 : !strcmp(knob, "fail_flush") ? k->k_fail_flush
								       : k->k_wb_chunk);
		return;
	}
	{
		sim_time_t d = !strcmp(knob, "commit") || !strcmp(knob, "log_worker")
				       ? k->k_commit_interval
			       : !strcmp(knob, "dirty_expire") ? k->k_dirty_expire
							       : k->k_dirty_writeback;

		if (d % SIM_SEC == 0)
			snprintf(buf, len, "%llus", (unsigned long long)(d / SIM_SEC));
		else
			snprintf(buf, len, "%llums", (unsigned long long)(d / SIM_MSEC));
	}
}
