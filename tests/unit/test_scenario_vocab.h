/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_scenario_vocab.h - a fixed vocabulary for the scenario
 * language tests and the fuzz target (the model layer supplies the real one).
 *
 * Three profiles, a few knobs per profile, and step lists that depend on the
 * knobs, so that "valid under at least one variant" is exercised:
 *   xfs    pwrite ... writethrough: wt_endio=async adds the lock-less two-step
 *          size update (wt_endio_read_isize / wt_endio_write_isize),
 *          wt_isize_extended=on adds pagecache_isize_extended after endio.
 *   ext4-iomap truncate: zero_eof=submit / wait / deferred change the steps.
 * Include it from exactly one translation unit per executable.
 */
#ifndef PCSIM_TEST_SCENARIO_VOCAB_H
#define PCSIM_TEST_SCENARIO_VOCAB_H

#include <string.h>

#include "sim/scenario/scenario.h"

static const char *const tv_profiles[] = { "ext4", "ext4-iomap", "xfs", NULL };

static const char *const tv_knobs_ext4[] = {
	"blocksize", "data", "delalloc", "commit", "isize_extended", NULL,
};
static const char *const tv_knobs_ext4_iomap[] = {
	"blocksize", "commit", "isize_extended", "zero_eof", "endio_wq", NULL,
};
static const char *const tv_knobs_xfs[] = {
	"blocksize", "isize_extended", "writethrough", "wt_endio", "wt_isize_extended", NULL,
};

static const char *const *tv_knobs(const char *profile)
{
	if (!strcmp(profile, "ext4"))
		return tv_knobs_ext4;
	if (!strcmp(profile, "ext4-iomap"))
		return tv_knobs_ext4_iomap;
	if (!strcmp(profile, "xfs"))
		return tv_knobs_xfs;
	return NULL;
}

static const char *const tv_v_blocksize[] = { "512", "1024", "2048", "4096", NULL };
static const char *const tv_v_isize[] = { "off", "mkclean", "mkclean+zero", NULL };
static const char *const tv_v_onoff[] = { "on", "off", NULL };
static const char *const tv_v_endio[] = { "async", "sync", NULL };
static const char *const tv_v_zero_eof[] = { "submit", "wait", "deferred", NULL };
static const char *const tv_v_data[] = { "ordered", "writeback", NULL };
static const char *const tv_v_wq[] = { "ordered", "unbound", NULL };

static const char *const *tv_knob_values(const char *profile, const char *knob)
{
	(void)profile;
	if (!strcmp(knob, "blocksize"))
		return tv_v_blocksize;
	if (!strcmp(knob, "isize_extended"))
		return tv_v_isize;
	if (!strcmp(knob, "writethrough") || !strcmp(knob, "wt_isize_extended") ||
	    !strcmp(knob, "delalloc"))
		return tv_v_onoff;
	if (!strcmp(knob, "wt_endio"))
		return tv_v_endio;
	if (!strcmp(knob, "zero_eof"))
		return tv_v_zero_eof;
	if (!strcmp(knob, "data"))
		return tv_v_data;
	if (!strcmp(knob, "endio_wq"))
		return tv_v_wq;
	return NULL;	/* commit: a number */
}

static const char *tv_knob(const struct scn_knob *k, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(k[i].k_name, name))
			return k[i].k_value;
	return "";
}

static const char *const tv_s_wt_async_ext[] = {
	"iomap_zero_range", "filemap_write_and_wait_range", "iomap_write_iter",
	"iomap_dio_rw", "wt_endio_read_isize", "wt_endio_write_isize",
	"pagecache_isize_extended", NULL,
};
static const char *const tv_s_wt_async[] = {
	"iomap_zero_range", "filemap_write_and_wait_range", "iomap_write_iter",
	"iomap_dio_rw", "wt_endio_read_isize", "wt_endio_write_isize", NULL,
};
static const char *const tv_s_wt_sync_ext[] = {
	"iomap_zero_range", "filemap_write_and_wait_range", "iomap_write_iter",
	"iomap_dio_rw", "iomap_dio_complete", "pagecache_isize_extended", NULL,
};
static const char *const tv_s_wt_sync[] = {
	"iomap_zero_range", "filemap_write_and_wait_range", "iomap_write_iter",
	"iomap_dio_rw", "iomap_dio_complete", NULL,
};
static const char *const tv_s_pwrite[] = {
	"inode_lock", "iomap_zero_range", "filemap_write_and_wait_range", "iomap_write_iter",
	"i_size_write", "pagecache_isize_extended", "inode_unlock", NULL,
};
static const char *const tv_s_store[] = { "handle_mm_fault", "page_mkwrite", "copy_to_folio", NULL };
static const char *const tv_s_trunc_submit[] = {
	"inode_lock", "ext4_block_zero_eof", "ext4_iomap_submit_zero_block", "i_size_write",
	"ext4_mark_inode_dirty", "inode_unlock", NULL,
};
static const char *const tv_s_trunc_wait[] = {
	"inode_lock", "ext4_block_zero_eof", "ext4_iomap_submit_zero_block", "wait_zero_io",
	"i_size_write", "ext4_mark_inode_dirty", "inode_unlock", NULL,
};
static const char *const tv_s_trunc[] = {
	"inode_lock", "ext4_block_zero_eof", "i_size_write", "ext4_mark_inode_dirty",
	"inode_unlock", NULL,
};
static const char *const tv_s_generic[] = { "vfs_op", "op_done", NULL };
static const char *const tv_s_flusher[] = {
	"wb_workfn", "writeback_sb_inodes", "folio_clear_dirty_for_io", "iomap_writepages",
	"submit_bio", NULL,
};
static const char *const tv_s_jbd2[] = {
	"jbd2_commit_locked", "jbd2_commit_flush", "jbd2_submit_ordered", "jbd2_write_log",
	"jbd2_wait_ordered", "jbd2_commit_record", "commit", NULL,
};
static const char *const tv_s_endio[] = { "iomap_finish_ioends", "ext4_end_io", "xfs_end_io", NULL };
static const char *const tv_s_disk[] = { "disk_complete", "disk_flush", NULL };

static const char *const *tv_user_steps(const char *profile, const struct scn_knob *k,
					size_t n, const struct scn_op *op)
{
	bool ext = !strcmp(tv_knob(k, n, "wt_isize_extended"), "on");
	bool async = strcmp(tv_knob(k, n, "wt_endio"), "sync") != 0;

	switch (op->o_kind) {
	case SCN_OP_PWRITE:
		if (!(op->o_flags & SCN_F_WRITETHROUGH))
			return tv_s_pwrite;
		if (async)
			return ext ? tv_s_wt_async_ext : tv_s_wt_async;
		return ext ? tv_s_wt_sync_ext : tv_s_wt_sync;
	case SCN_OP_STORE:
		return tv_s_store;
	case SCN_OP_TRUNCATE:
		if (strcmp(profile, "ext4-iomap"))
			return tv_s_trunc;
		if (!strcmp(tv_knob(k, n, "zero_eof"), "wait"))
			return tv_s_trunc_wait;
		if (!strcmp(tv_knob(k, n, "zero_eof"), "deferred"))
			return tv_s_trunc;
		return tv_s_trunc_submit;
	default:
		return tv_s_generic;
	}
}

static const char *const *tv_steps(const char *profile, const struct scn_knob *knobs,
				   size_t nknobs, const char *task_kind,
				   const struct scn_op *op)
{
	if (!strcmp(task_kind, "user"))
		return op ? tv_user_steps(profile, knobs, nknobs, op) : NULL;
	if (!strcmp(task_kind, "flusher"))
		return tv_s_flusher;
	if (!strcmp(task_kind, "jbd2"))
		return strcmp(profile, "xfs") ? tv_s_jbd2 : NULL;
	if (!strcmp(task_kind, "endio"))
		return tv_s_endio;
	if (!strcmp(task_kind, "disk"))
		return tv_s_disk;
	return NULL;
}

static const char *const tv_metrics[] = {
	"zero-ios", "flushes", "commits", "disksize-durable", "random-io-pct", NULL,
};

static const struct scn_vocab scn_test_vocab = {
	.profiles = tv_profiles,
	.knobs = tv_knobs,
	.knob_values = tv_knob_values,
	.steps = tv_steps,
	.metrics = tv_metrics,
};

#endif /* PCSIM_TEST_SCENARIO_VOCAB_H */
