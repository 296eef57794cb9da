/* SPDX-License-Identifier: MIT */
/*
 * model/model_priv.h - layouts shared by the model's modules. Private to
 * model/ (sim/ sees only model.h and the object headers).
 */
#ifndef PCSIM_MODEL_PRIV_H
#define PCSIM_MODEL_PRIV_H

#include "model/alloc.h"
#include "model/disk.h"
#include "model/guarantee.h"
#include "model/jbd2.h"
#include "model/model.h"

#define PC_MAX_SOURCES_RUN	8192	/* sources per world */
#define PC_MAX_VIOL		64
#define PC_MAX_IOENDS		128	/* at least; more for big files (pc_model_create) */
#define PC_MAX_WORK		128
#define PC_MAX_WORKERS		2
#define PC_TID_PENDING		UINT32_MAX	/* oracle: erase not yet in a transaction */
#define PC_MAX_OPS_WORLD	512
#define PC_MAX_PROMISES		256	/* per run; one more stops the run (pc_model_limit) */
#define PC_MAX_ERASES		2048	/* erased ranges kept per run; one more stops the run */

/* ---- extent map (per file block) ---- */
enum pc_ext_state { EXT_HOLE = 0, EXT_DELALLOC, EXT_UNWRITTEN, EXT_WRITTEN };

struct pc_extent {
	uint8_t e_state;	/* enum pc_ext_state */
	pc_blk_t e_pblk;	/* EXT_UNWRITTEN / EXT_WRITTEN */
};

/* ---- folio (mm/filemap.c, include/linux/page-flags.h) ----
 *
 *  absent --filemap_get_folio(FGP_CREAT)--> cached
 *  cached: uptodate? dirty? writeback? locked?
 *    dirty --folio_clear_dirty_for_io--> clean + writeback (I/O submitted)
 *    writeback --folio_end_writeback (all bios done)--> !writeback
 *  Holds: writeback implies f_wb_bios > 0; a dirty block is uptodate.
 */
#define PC_F_CACHED	0x01
#define PC_F_UPTODATE	0x02
#define PC_F_DIRTY	0x04
#define PC_F_WRITEBACK	0x08

struct pc_folio {
	uint8_t f_flags;
	uint8_t f_bdirty;	/* per-block dirty bits (ifs / buffer_heads) */
	uint8_t f_buptodate;	/* per-block uptodate bits */
	uint8_t f_bfailed;	/* per-block: its last writeback failed and it was not
				 * dirtied since (mapping_set_error; no fsync covers it) */
	uint16_t f_wb_bios;	/* [folio] bios in flight for this folio */
	uint16_t f_lead;	/* large folio: pages before this one in its folio */
	uint16_t f_span;	/* large folio: its pages (0 or 1: a single page) */
	struct sim_rwsem f_lock;	/* folio lock (exclusive only) */
	struct sim_wq f_wb_wq;	/* folio_wait_writeback */
	pc_tag_t *f_data;	/* PC_PAGE_SIZE tags */
};

/* PTE of the file's shared mapping, per page. */
struct pc_pte {
	bool p_present, p_writable, p_dirty;
};

/* ext4-iomap: the zeroed post-EOF block and its I/O (seed 002). */
enum pc_zstate { Z_NONE = 0, Z_DIRTY, Z_SUBMITTED, Z_COMPLETED, Z_DONE };

#define PC_SZRUN_MAX	(PC_MAX_IOENDS + 16)	/* ops running with a size change, per file:
						 * threads, and AIO writes in flight */

/* A work item (kernel/workqueue.c); its queues are below. */
struct pc_work {
	const struct sim_op_desc *w_desc;	/* steps run by a worker */
	void *w_arg;
	uint8_t w_state;	/* 0 idle, 1 queued, 2 running, 3 done */
	struct sim_wq w_done_wq;	/* flush_work */
};

struct pc_inode {
	struct pc_world *i_w;
	uint8_t i_ino;
	uint64_t i_size;		/* [i_rwsem] bytes, in memory */
	uint64_t i_disksize;		/* [i_data_sem/ILOCK] the size metadata writes log */
	bool i_disksize_pending;	/* deferred: raise i_disksize when the zero I/O is done */
	bool i_orphan;			/* ext4: on the orphan list (ext4_orphan_add in a
					 * shrinking truncate's size handle or before an
					 * extending direct write; ext4_orphan_del); logged
					 * with the inode, read back by the mount */
	struct sim_rwsem i_rwsem;
	struct sim_rwsem i_mmap_lock;	/* invalidate_lock / XFS MMAPLOCK */
	/* The inode's completion work (xfs i_ioend_work, ext4
	 * i_rsv_conversion_work / i_iomap_ioend_work, writeback.c): its list of
	 * completed ioends, the worker running it (NULL: not running) and the
	 * batch that run took, sorted by offset. */
	struct pc_work i_cw_work;
	struct sim_task *i_cw_task;
	uint16_t i_cw_nlist, i_cw_n, i_cw_cur;
	struct pc_ioend *i_cw_list[PC_MAX_IOENDS];
	struct pc_ioend *i_cw_batch[PC_MAX_IOENDS];
	uint32_t i_dio_count;		/* inode_dio_begin/end */
	struct sim_wq i_dio_wq;
	bool i_dirty;			/* on the flusher's b_dirty list */
	uint32_t i_wb_index;		/* mapping->writeback_index: the page where the next
					 * range-cyclic writeback pass starts (writeback.c) */
	uint32_t i_wb_err;		/* errseq of the mapping: writeback errors so far */
	uint32_t i_wb_err_seen;		/* the file's f_wb_err: the errors fsync reported */
	sim_time_t i_dirtied_when;
	struct jbd2_inode i_jinode;
	pc_tid_t i_sync_tid;		/* last transaction that changed this inode */
	pc_tid_t i_datasync_tid;	/* ... in a way fdatasync must persist */
	uint32_t i_nblocks;		/* file blocks modelled */
	uint32_t i_npages;
	struct pc_extent *i_map;
	struct pc_folio *i_folios;
	struct pc_pte *i_pte;
	bool i_mapped;			/* a shared mapping exists */
	pc_blk_t i_meta_blk;		/* home of the on-disk inode */
	uint32_t i_meta_nblk;
	struct {
		uint64_t z_start, z_end;	/* bytes zeroed [start, end) */
		uint8_t z_state;		/* enum pc_zstate */
		struct sim_wq z_wq;
	} i_zero;
	/* Oracle: per byte, the source of the last completed writer (or of
	 * the last erase: truncate, punch, zero range, size extension). */
	uint16_t *i_last;
	uint32_t *i_erase_inv;		/* per byte: hb stamp of the erasing op's invocation, 0: none */
	uint32_t *i_erase_hb;		/* per byte: hb stamp of the erase itself */
	uint32_t *i_erase_step;		/* per byte: engine step of the erase */
	uint32_t *i_erase_tid;		/* per byte: transaction the erase's metadata joins
					 * (PC_TID_PENDING: the inode's next logged one) */
	uint64_t i_erase_plo, i_erase_phi;	/* bytes that may hold PC_TID_PENDING */
	uint8_t *i_erase_kind;		/* per byte: enum pc_erase_kind of the latest erase */
	/* Latency metrics (latency.c), per file block: FIFO of the copies
	 * of operations' data not yet durable (node index + 1, 0: none),
	 * and the write-log index + 1 of the last bio that carried the block
	 * (0: none). */
	uint32_t *i_lat_head, *i_lat_tail;
	uint32_t *i_lat_sver;
	uint32_t i_aio_pending;
	struct sim_wq i_aio_wq;
	/* Oracle: the sizes operations set (__pc_i_size_write), so that a
	 * promise covers only size changes that returned before the syncing
	 * operation was invoked (oracle.c __pc_size_*): the size the last
	 * size change of a returned operation left (and its hb stamp), and
	 * per operation still running that changed the size, the last and
	 * the lowest size it set. */
	uint64_t i_szdone, i_szdone_hb;
	struct pc_szrun {
		pc_tag_t r_src;
		uint64_t r_last, r_last_hb, r_min;
	} i_szrun[PC_SZRUN_MAX];
	uint8_t i_nszrun;
};

/* ---- sources with the happens-before data the oracle needs ---- */
struct pc_srcx {
	uint64_t x_inv, x_resp;		/* hb stamps: invocation, response (UINT64_MAX while running) */
	uint8_t x_erase;		/* 0, or the enum pc_erase_kind of the op's erase */
	uint8_t x_past_eof;		/* a store made past EOF */
	uint16_t x_covered_by;		/* erase/extend source that first covered it */
};

/* ---- workqueues (kernel/workqueue.c) ---- */

struct pc_workqueue {
	const char *wq_name;
	struct pc_work *wq_items[PC_MAX_WORK];
	uint32_t wq_head, wq_tail;
	struct sim_task *wq_workers[PC_MAX_WORKERS];
	unsigned wq_nworkers;
	bool wq_per_inode;	/* items are inodes' completion work (i_cw_work) */
	struct sim_wq wq_idle;
};

/* ---- ioend (fs/iomap/ioend.c, fs/ext4/page-io.c) ---- */
struct pc_ioend {
	struct pc_inode *io_inode;
	uint64_t io_off, io_len;	/* file bytes */
	uint32_t io_first_page, io_last_page;
	bool io_unwritten;		/* convert at completion */
	bool io_append;			/* may raise i_disksize at completion */
	bool io_zero;			/* carries the zeroed EOF block */
	bool io_dio;			/* direct I/O / writethrough */
	bool io_wt;			/* writethrough */
	int io_status;
	uint8_t io_state;		/* 0 free, 1 submitted, 2 completed, 3 work queued, 4 done */
	uint32_t io_bio;
	uint16_t io_nbios;		/* bios not yet completed */
	bool io_sync;			/* a task waits for it (sync / FORCE_WAIT) */
	bool io_aio;
	struct pc_work io_work;
	struct sim_wq io_wq;		/* waiters for completion (sync DIO) */
	struct sim_task *io_owner;	/* task that submitted, for sync waits */
	uint64_t io_old_size;		/* writethrough: i_size when the write began */
	pc_tag_t io_src;
	uint32_t io_seq;
	/* end_io scratch (lock-less size update is two steps) */
	uint64_t io_seen_size;
	struct jbd2_handle *io_h;
};

/* What a promise says about the bytes [r_off, r_off + r_len) of its file:
 * they hold r_tag (a run of i_last); bytes no run covers may hold anything
 * (their writer had not completed when the syncing op was invoked). */
struct pc_prun {
	uint32_t r_off, r_len;
	pc_tag_t r_tag;
};

/* A durability promise (fsync & co) for the not-durable check. */
struct pc_promise {
	uint8_t pr_file;
	uint64_t pr_hb;			/* hb stamp of the syncing op's invocation */
	uint64_t pr_step;		/* engine step of its response */
	uint64_t pr_size;		/* left by size changes that returned before it was
					 * invoked, or by the op itself; within the range */
	uint64_t pr_lo;			/* lowest size an op running at its invocation set */
	uint64_t pr_off, pr_len;	/* range covered */
	bool pr_data_only;		/* fdatasync: size only if needed for data */
	uint32_t pr_run, pr_nrun;	/* its runs: w_prun[pr_run, pr_run + pr_nrun) */
	uint32_t pr_wlog;		/* write-log length at the response */
	char pr_what[32];
};

/* Durability latencies (latency.c): a copy of an operation's data into a
 * file block, waiting for a durable write of that block. */
struct pc_lat_node {
	uint32_t n_next;		/* next of the block's FIFO, index + 1; 0: last */
	uint32_t n_ver;			/* write-log length when the data was copied */
	uint16_t n_op;			/* operation number */
};

struct pc_lat {
	struct pc_lat_node *l_node;	/* [l_nnode] */
	uint32_t l_nnode;
	uint32_t l_free;		/* free list, index + 1; 0: pool empty */
	uint32_t *l_bio;		/* [PC_WLOG_MAX + 1] by bi_id: (file + 1) << 24 |
					 * first file block of a data bio; 0: not file data */
	uint16_t l_ds[PC_MAX_FILES][PC_MAX_OPS_WORLD];	/* ops awaiting a durable size,
							 * by target, [head, tail) */
	uint32_t l_ds_head[PC_MAX_FILES], l_ds_tail[PC_MAX_FILES];
	uint32_t l_first_op;		/* operations before it are the setup's */
};

struct pc_opctx;

struct pc_world {
	struct pc_config w_cfg;
	struct pc_knobs w_k;		/* == w_cfg.c_knobs */
	uint32_t w_bs, w_bpp;
	struct pc_disk *w_disk;
	struct jbd2_journal *w_j;
	struct pc_alloc *w_alloc;
	struct pc_inode *w_inode[PC_MAX_FILES];
	unsigned w_ninodes;
	pc_blk_t w_data_first;
	uint32_t w_data_n;

	struct pc_source *w_src;
	struct pc_srcx *w_srcx;
	uint32_t w_nsrc;
	uint32_t w_src_cap;		/* sources this world holds (pc_model_create) */

	struct sim_task *w_flusher;
	bool w_flusher_timer, w_flusher_kick;
	bool w_bg_timer;		/* wb_start_background_writeback pending */
	bool w_flusher_all;		/* next pass ignores dirty_expire (scripted / sync) */
	sim_time_t w_last_flush;
	struct pc_opctx *w_flusher_ctx;
	struct pc_opctx *w_jbd2_ctx;	/* the commit thread's ordered-data writeback */
	struct pc_workqueue w_endio_wq;	/* ext4-rsv-conversion / xfs-conv / ext4-iomap end_io */
	struct pc_workqueue w_dio_wq;	/* s_dio_done_wq */
	struct pc_ioend *w_ioend;	/* [w_ioend_cap] */
	uint32_t w_ioend_cap;		/* PC_MAX_IOENDS, or a page of every file and more */
	uint32_t w_ioend_seq;

	struct pc_opctx *w_ops[PC_MAX_OPS_WORLD];
	uint32_t w_nops;

	struct pc_violation w_viol[PC_MAX_VIOL];
	unsigned w_nviol;
	uint32_t w_viol_mask;		/* invariants seen (one report each at run time) */
	uint32_t w_state_viol;		/* invariants the crash state being checked broke */

	uint32_t w_surv[PC_CRASH_MAX_SURVIVORS];	/* survivors of the first violating crash state */
	unsigned w_nsurv;
	bool w_surv_set;
	uint32_t w_crash_unmatched;	/* persist survivors: an id no crash point had uncertain */
	struct pc_promise w_promise[PC_MAX_PROMISES];
	unsigned w_npromise;
	struct pc_prun *w_prun;		/* [w_prun_cap] the promises' runs, in order */
	uint32_t w_nprun, w_prun_cap;
	char w_limit[200];		/* a model bound that stopped the run, or "" */
	/* Every erase's range and engine step, in order: a promise's byte is
	 * excused by any erase between the promise and the crash, not only by
	 * the byte's latest one (i_erase_step), which a later truncate
	 * overwrites. */
	struct pc_erase_rec {
		uint8_t er_file;
		uint32_t er_off, er_end, er_step;
		uint32_t er_inv, er_hb;	/* as i_erase_inv / i_erase_hb */
	} w_erase[PC_MAX_ERASES];
	unsigned w_nerase;

	uint64_t w_hb;			/* happens-before clock: op begin/end, erases */
	pc_tid_t w_base_tid;		/* committed when the run began */
	pc_tid_t w_crash_tid;		/* durable in the crash state being checked */
	struct pc_metrics w_m;
	struct pc_lat w_lat;
	uint64_t w_commit_size[PC_MAX_FILES];	/* i_disksize captured by the committing transaction */
	uint64_t w_durable_size[PC_MAX_FILES];	/* ... once its commit record is durable */
	bool w_settled;
};

/* The per-operation context: the op's arguments and its scratch state. */
struct pc_wbc {
	uint64_t wb_start, wb_end;	/* bytes, inclusive end */
	uint32_t wb_index;		/* next page */
	bool wb_sync_all;		/* WB_SYNC_ALL vs WB_SYNC_NONE */
	bool wb_can_map;		/* may allocate (false for jbd2 ordered data) */
	bool wb_started;
	uint8_t wb_file;		/* current inode while walking several */
	bool wb_expired_only;		/* flusher: inodes dirtied before the cutoff */
	bool wb_all_files;
	bool wb_zero;			/* ext4_iomap_submit_zero_block: bios are PC_BIO_ZERO */
	uint32_t wb_resume;		/* deferred_wb_ordered: writing the zeroed block's folio
					 * (at wb_index) first; the folio to go on with + 1 */
	/* range_cyclic (the flusher's WB_SYNC_NONE passes): per inode, start
	 * at i_wb_index; ext4 (buffer_head) then wraps to [0, first). */
	bool wb_cyclic;
	bool wb_begun;			/* ->writepages of the current inode has started */
	bool wb_cycled;			/* ext4: no (further) wrap to do */
	bool wb_stop;			/* nr_to_write ran out: done with this inode */
	uint32_t wb_first;		/* page the inode's pass started at */
	uint32_t wb_last;		/* last page of the current leg (inclusive) */
	uint32_t wb_left;		/* nr_to_write left, 0: no limit (wb_chunk=0) */
	uint32_t wb_next_pos;		/* ext4 mpd->start_pos, in pages: after the last
					 * folio written (the leg's start if none) */
	bool wb_tagged;			/* the inode had dirty folios when its pass began */
	sim_time_t wb_cutoff;
};

struct pc_opctx {
	struct pc_opspec o;
	struct pc_world *x_w;
	struct pc_inode *x_ip;
	uint32_t x_no;			/* operation number */
	pc_tag_t x_src;			/* data source of a write/store, erase source */
	uint64_t x_pos, x_end;		/* iteration over bytes */
	uint64_t x_old_size;
	uint32_t x_phase;
	int x_err;
	bool x_grew;
	pc_tid_t x_tid;
	struct jbd2_handle *x_h;
	struct pc_wbc x_wbc;
	struct pc_ioend *x_io;
	struct sim_wq x_wq;
	bool x_woken;
	struct sim_task *x_task;
	uint64_t x_zfrom;		/* EOF zeroing: from (0: none needed) */
	uint64_t x_zpos;		/* iomap_zero_range's cursor */
	uint64_t x_zflush;		/* iomap_zero_range: where its flush starts */
	uint64_t x_zhead;		/* ... XFS: end of the dirty unaligned head it zeroed (0: not yet) */
	uint8_t x_zphase;
	bool x_did_zero;
	uint64_t x_new_size;		/* size changes: the target */
	bool x_size_done;
	uint32_t x_tcursor;		/* truncate_pagecache(_range): next page + 1, 0: idle */
	uint64_t x_psize[PC_MAX_FILES];	/* at invocation: size left by returned size changes */
	uint64_t x_plo[PC_MAX_FILES];	/* ... the lowest size a running one has set */
	uint8_t x_fphase;		/* punch / zero range: progress (vfs.c) */
	uint8_t x_path;			/* PC_PATH_* taken (profile.c path_next); 0: undecided */
	/* latency.c */
	uint8_t x_lat;			/* LAT_* */
	uint32_t x_lat_pending;		/* copies of its data not yet durable */
	uint64_t x_lat_isize;		/* i_size when it was invoked */
	uint64_t x_lat_target;		/* the size it set, awaited durable */
	sim_time_t x_lat_resp;		/* ns: its response */
	sim_time_t x_lat_data;		/* ns: its data durable */
	sim_time_t x_lat_size;		/* ns: its size durable */
};

/* ---- shared helpers (defined in the module named) ---- */
static inline struct pc_world *pc_w(const struct sim *s)
{
	return (struct pc_world *)sim_priv(s);
}

/* inode.c */
uint32_t __pc_blk_of(const struct pc_world *w, uint64_t off);
void __pc_i_size_write(struct sim *s, struct sim_task *t, struct pc_inode *ip, uint64_t size,
		       bool locked_otherwise);
void __pc_i_size_write_by(struct sim *s, struct sim_task *t, struct pc_inode *ip, uint64_t size,
			  bool locked_otherwise, pc_tag_t src);
void __pc_mark_inode_dirty(struct sim *s, struct pc_inode *ip, struct jbd2_handle *h,
			   bool datasync);
void __pc_inode_serialize(const struct pc_world *w, const struct pc_inode *ip, uint32_t blk_i,
			  pc_tag_t *words);
int __pc_inode_deserialize(const struct pc_world *w, const pc_tag_t *image, unsigned ino,
			   uint64_t *size, struct pc_extent *map, char *why, size_t len);
/* The on-disk inode's orphan flag (ext4's orphan list), after recovery. */
bool __pc_inode_orphan(const struct pc_world *w, const pc_tag_t *image, unsigned ino);
void __pc_inode_mark_dirty_pages(struct sim *s, struct pc_inode *ip);
struct jbd2_handle *__pc_journal_start(struct sim *s, struct sim_task *t, struct pc_opctx *x);
void __pc_journal_stop(struct sim *s, struct pc_opctx *x);
int __pc_alloc_range(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1, uint8_t state,
		     struct jbd2_handle *h);
void __pc_free_range(struct sim *s, struct pc_inode *ip, uint32_t b0, uint32_t b1,
		     struct jbd2_handle *h);

/* folio.c */
struct pc_folio *__pc_folio(struct pc_inode *ip, uint32_t index);
bool __pc_folio_lock(struct sim *s, struct sim_task *t, struct pc_folio *f);
void __pc_folio_unlock(struct sim *s, struct sim_task *t, struct pc_folio *f);
bool __pc_folio_locked_by(const struct pc_folio *f, const struct sim_task *t);
void __pc_folio_get(struct sim *s, struct pc_inode *ip, uint32_t index);
/* Large folios (mm/filemap.c __filemap_get_folio with fgf_set_order):
 * a buffered write's folio, the folio a page belongs to, split_folio, and a
 * byte range [*start, *end] widened to whole folios. */
#define PC_MAX_FOLIO_ORDER	9	/* MAX_PAGECACHE_ORDER on x86-64 */
void __pc_folio_get_write(struct sim *s, struct pc_inode *ip, uint64_t pos, uint64_t len);
uint32_t __pc_folio_bounds(const struct pc_inode *ip, uint32_t index, uint32_t *head);
void __pc_folio_split_range(struct pc_inode *ip, uint64_t start, uint64_t end);
void __pc_folio_round(const struct pc_inode *ip, uint64_t *start, uint64_t *end);
void __pc_folio_read_blocks(struct sim *s, struct pc_inode *ip, uint32_t index, uint8_t mask);
void __pc_folio_mark_dirty(struct sim *s, struct pc_inode *ip, uint32_t index, uint8_t bmask);
void __pc_folio_zero(struct pc_inode *ip, uint32_t index, uint32_t from, uint32_t to);
unsigned __pc_folio_mkclean(struct sim *s, struct pc_inode *ip, uint32_t index);
void __pc_folio_end_writeback(struct sim *s, struct pc_inode *ip, uint32_t index);
bool __pc_folio_wait_stable(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			    uint32_t index);
bool __pc_folio_wait_writeback(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			       uint32_t index);
void __pc_pagecache_isize_extended(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				   uint64_t from, uint64_t to, bool *blocked);
bool __pc_truncate_pagecache(struct sim *s, struct sim_task *t, struct pc_inode *ip,
			     uint64_t newsize, uint32_t *cursor);
bool __pc_truncate_pagecache_range(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				   uint64_t start, uint64_t end, uint32_t *cursor);
void __pc_copy_in(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len, pc_tag_t src);
bool __pc_range_needs_writeback(const struct pc_inode *ip, uint64_t start, uint64_t end);

/* writeback.c */
enum sim_ret __pc_writeback_step(struct sim *s, struct sim_task *t, struct pc_opctx *x);
enum sim_ret __pc_wait_range_step(struct sim *s, struct sim_task *t, struct pc_inode *ip,
				  uint64_t start, uint64_t end);
void __pc_wbc_init(struct pc_wbc *wbc, struct pc_inode *ip, uint64_t start, uint64_t end,
		   bool sync_all, bool can_map);
void __pc_flusher_init(struct sim *s);
void __pc_inode_dirtied(struct sim *s, struct pc_inode *ip);
bool __pc_inodes_requeue(struct sim *s);
struct pc_ioend *__pc_ioend_alloc(struct sim *s, struct pc_inode *ip);
/* pages: data points into the page cache (the folio under writeback),
 * which a device without stable pages reads at completion. */
void __pc_submit_ioend(struct sim *s, struct pc_ioend *io, uint32_t fblk, pc_blk_t pblk,
		       uint32_t nblk, const pc_tag_t *data, uint8_t kind, bool pages);
void __pc_workqueue_init(struct sim *s, struct pc_workqueue *wq, const char *name,
			 unsigned nworkers, const char *const *names);
void __pc_queue_work(struct sim *s, struct pc_workqueue *wq, struct pc_work *w);
bool __pc_flush_work(struct sim *s, struct sim_task *t, struct pc_workqueue *wq,
		     struct pc_work *w);
bool __pc_jbd2_submit_inode_data(struct sim *s, struct sim_task *t, void *fs,
				 struct jbd2_inode *ji, uint64_t start, uint64_t end);
bool __pc_jbd2_wait_inode_data(struct sim *s, struct sim_task *t, void *fs,
			       struct jbd2_inode *ji, uint64_t start, uint64_t end);
void __pc_ioend_finish(struct sim *s, struct pc_ioend *io);

/* ops.c */
bool __pc_sync_range(const struct pc_opctx *x, uint64_t *start, uint64_t *end);

/* oracle.c */
pc_tag_t __pc_new_source(struct sim *s, struct sim_task *t, uint8_t kind, uint8_t file,
			 uint64_t off, uint64_t len, int data);
void __pc_source_done(struct sim *s, pc_tag_t tag);
void __pc_oracle_record(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len,
			pc_tag_t src);
/* The same for an erase that is the zeroing of a size extension. */
void __pc_oracle_extend(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len);
void __pc_erase_logged(struct pc_inode *ip, pc_tid_t tid);
void __pc_oracle_check_bytes(struct sim *s, struct pc_inode *ip, uint64_t off,
			     const pc_tag_t *tags, uint64_t len, bool crash, uint32_t point);
void __pc_violation(struct sim *s, enum pc_invariant inv, unsigned file, uint64_t off,
		    uint64_t len, pc_tag_t tag, bool crash, uint32_t point, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));
void __pc_promise(struct sim *s, struct pc_opctx *x, const char *what, bool data_only);
void __pc_size_reset(struct pc_world *w);
void __pc_size_set(struct sim *s, struct pc_inode *ip, pc_tag_t src, uint64_t size);
void __pc_size_op_begin(struct pc_world *w, struct pc_opctx *x);
void __pc_size_op_done(struct pc_world *w, pc_tag_t src);
void __pc_check_promises(struct sim *s, unsigned f, uint64_t disksize, const pc_tag_t *bytes,
			 uint32_t point);

/* latency.c */
size_t __pc_lat_arena_size(uint32_t nblocks_total);
bool __pc_lat_create(struct sim *s, struct pc_world *w, uint32_t nblocks_total);
void __pc_lat_init(struct sim *s);
void __pc_lat_reset(struct sim *s);
void __pc_lat_copy(struct sim *s, struct pc_inode *ip, uint64_t off, uint64_t len, pc_tag_t src);
void __pc_lat_submit(struct sim *s, struct pc_inode *ip, uint32_t fblk, const struct pc_bio *bio);
void __pc_lat_discard(struct sim *s, struct pc_inode *ip, uint32_t b);
void __pc_lat_op_begin(struct sim *s, struct pc_opctx *x);
void __pc_lat_op_end(struct sim *s, struct pc_opctx *x);
void __pc_lat_commit(struct sim *s);
void __pc_lat_shrink(struct sim *s, struct pc_inode *ip, uint64_t size);
void __pc_lat_metrics(const struct sim *s, struct pc_metrics *m);

/* fs/profile.c */
const struct sim_op_desc *__pc_build_op(struct sim *s, const struct pc_opspec *op);
uint8_t __pc_path_next(const struct sim_op_desc *d, void *arg, uint8_t pc);

#endif /* PCSIM_MODEL_PRIV_H */
