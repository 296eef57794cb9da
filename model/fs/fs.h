/* SPDX-License-Identifier: MIT */
/*
 * model/fs/fs.h - step functions the profiles are built from. Generic
 * steps live in model/ops.c and model/dio.c; the ones whose behaviour
 * differs per file system in model/fs/vfs.c (size changes, EOF zeroing,
 * page_mkwrite) and model/fs/falloc.c (punch hole, zero range); the
 * per-profile tables in model/fs/profile.c.
 */
#ifndef PCSIM_MODEL_FS_H
#define PCSIM_MODEL_FS_H

#include "model/model_priv.h"

#define PC_STEP(fn) enum sim_ret fn(struct sim *s, struct sim_task *t, void *arg)

void __pc_goto(struct sim_task *t, const char *name);
void __pc_goto_end(struct sim_task *t);
void __pc_fp_inode(const struct sim *s, const struct sim_task *t, const void *arg,
		   struct sim_fp *fp);
/* footprint.c: the footprint function of a profile step, NULL (dependent
 * with everything) for a step whose footprint is not declared. */
sim_fp_fn __pc_step_fp(sim_step_fn fn);
struct pc_bio;
void __pc_fp_ioend_bio(const struct pc_bio *bio, struct sim_fp *fp);
void __pc_fp_finish_ioends(const struct sim *s, const struct sim_task *t, const void *arg,
			   struct sim_fp *fp);
void __pc_fp_cw_inode(const struct sim *s, const struct sim_task *t, const void *arg,
		      struct sim_fp *fp);
void __pc_fp_ioend_inode(const struct sim *s, const struct sim_task *t, const void *arg,
			 struct sim_fp *fp);
void __pc_fp_end_io_convert(const struct sim *s, const struct sim_task *t, const void *arg,
			    struct sim_fp *fp);
void __pc_fp_wb_check_old(const struct sim *s, const struct sim_task *t, const void *arg,
			  struct sim_fp *fp);
void __pc_fp_timer(const struct sim *s, void *arg, uint64_t data, struct sim_fp *fp);
void __pc_prepare_partial_blocks(struct sim *s, struct pc_inode *ip, uint32_t index,
				 uint64_t pos, uint64_t end);
void __pc_commit_range(struct sim *s, struct pc_inode *ip, uint32_t index, uint64_t pos,
		       uint64_t end);
enum sim_ret __pc_zero_range_step(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				  uint64_t pos, uint64_t len, bool *did_zero);
enum sim_ret __pc_write_and_wait(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t start, uint64_t end, bool wait);
enum sim_ret __pc_blkdev_issue_flush(struct sim *s, struct sim_task *t, struct pc_opctx *x);
/* Raise i_disksize to size in the op's handle, per profile (ext4-iomap
 * waits for or defers behind the zeroed block). Returns SIM_BLOCKED when
 * it must wait. */
enum sim_ret __pc_raise_disksize(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t size);
/* Zero [from, end of its block) of the old EOF block (ext4_block_zero_eof /
 * iomap_truncate_page), per profile. */
enum sim_ret __pc_zero_eof_block(struct sim *s, struct sim_task *t, struct pc_opctx *x,
				 uint64_t from);
/* ext4-iomap: the zeroed EOF block lost its written data (freed,
 * converted): forget it and do a deferred i_disksize raise in h. */
void __pc_zero_eof_forget(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1,
			  struct jbd2_handle *h);

/* ops.c */
PC_STEP(__pc_st_inode_lock);
PC_STEP(__pc_st_inode_unlock);
PC_STEP(__pc_st_invalidate_lock);
PC_STEP(__pc_st_invalidate_unlock);
PC_STEP(__pc_st_inode_dio_wait);
PC_STEP(__pc_st_inode_dio_wait_shrink);
PC_STEP(__pc_st_iomap_iter);
PC_STEP(__pc_st_iomap_write_begin);
PC_STEP(__pc_st_write_end);
PC_STEP(__pc_st_i_size_write);
PC_STEP(__pc_st_folio_unlock);
PC_STEP(__pc_st_pagecache_isize_extended);
PC_STEP(__pc_st_filemap_read);
PC_STEP(__pc_st_mmap);
PC_STEP(__pc_st_unmap_mapping_range);
PC_STEP(__pc_st_handle_mm_fault);
PC_STEP(__pc_st_store);
PC_STEP(__pc_st_load);
PC_STEP(__pc_st_file_write_and_wait_range);
PC_STEP(__pc_st_fsync_journal);
PC_STEP(__pc_st_sfr_wait_before);
PC_STEP(__pc_st_sfr_write);
PC_STEP(__pc_st_sfr_wait_after);
PC_STEP(__pc_st_sync_inodes);
PC_STEP(__pc_st_writeback_inodes_sb);
PC_STEP(__pc_st_sync_fs_nowait);
PC_STEP(__pc_st_schedule_timeout);
PC_STEP(__pc_st_io_getevents);
PC_STEP(__pc_st_nop);

/* vfs.c: size changes, allocation, punch, shared by the profiles */
PC_STEP(__pc_st_generic_write_checks);
PC_STEP(__pc_st_write_zero_eof_check);
PC_STEP(__pc_st_eof_zero_range);
PC_STEP(__pc_st_range_write_and_wait);
PC_STEP(__pc_st_set_size);
PC_STEP(__pc_st_setattr_inode_lock);
PC_STEP(__pc_st_truncate_setsize);
PC_STEP(__pc_st_truncate_pagecache);
PC_STEP(__pc_st_size_write_and_wait);
PC_STEP(__pc_st_truncate_blocks);
PC_STEP(__pc_st_alloc_file_space);
PC_STEP(__pc_st_isize_extended_op);
PC_STEP(__pc_st_zero_eof_op);
PC_STEP(__pc_st_page_mkwrite);
PC_STEP(__pc_st_ext4_da_write_begin);
PC_STEP(__pc_st_ext4_mark_inode_dirty);

/* falloc.c: punch hole and zero range */
PC_STEP(__pc_st_ext4_update_disksize_before_punch);
PC_STEP(__pc_st_ext4_truncate_page_cache_block_range);
PC_STEP(__pc_st_ext4_zero_partial_blocks);
PC_STEP(__pc_st_ext4_ext_remove_space);
PC_STEP(__pc_st_ext4_zero_range_convert);
PC_STEP(__pc_st_xfs_flush_unmap_range);
PC_STEP(__pc_st_xfs_unmap_extent);
PC_STEP(__pc_st_xfs_free_zero_range);
PC_STEP(__pc_st_xfs_free_flush_eof);

/* dio.c: direct I/O and RWF_WRITETHROUGH */
PC_STEP(__pc_st_iomap_dio_rw);
PC_STEP(__pc_st_iomap_writethrough_iter);
PC_STEP(__pc_st_iomap_dio_wait);
PC_STEP(__pc_st_iomap_dio_complete);
PC_STEP(__pc_st_wt_isize_extended);
PC_STEP(__pc_st_inode_dio_end);
void __pc_dio_endio(struct sim *s, struct pc_ioend *io);
unsigned __pc_dio_steps(const struct pc_world *w, const char **names, unsigned max);
unsigned __pc_endio_steps(const struct pc_world *w, const char **names, unsigned max);

#endif
