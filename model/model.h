/* SPDX-License-Identifier: MIT */
/*
 * model/model.h - the kernel model's public face, used by the scenario
 * runner, the explorer and the command line.
 *
 * A model lives inside one struct sim: pc_model_create() allocates every
 * object in the simulation's arena (inodes, page cache, PTEs, disk, journal,
 * allocator, kernel tasks: flusher, jbd2, end_io workers), so sim_reset()
 * returns the whole kernel to its state at sim_snapshot().
 *
 * Typical use:
 *   pc_model_create(s, &cfg)            build the world (profile + knobs)
 *   pc_queue_op(...) on a setup task    the scenario's setup
 *   pc_model_settle(s)                  run setup, sync, make it durable
 *   user tasks + pc_queue_op(...)       the threads
 *   sim_snapshot(s); sim_run(s)         (or a scripted chooser)
 *   pc_model_finish(s)                  end-of-run invariants
 *   pc_model_check_crashes(s, ...)      crash states + recovery + checks
 */
#ifndef PCSIM_MODEL_H
#define PCSIM_MODEL_H

#include <stddef.h>

#include "model/crash.h"
#include "model/pc.h"

/* ---- profiles and knobs ---- */
enum pc_profile { PC_PROF_EXT4 = 0, PC_PROF_EXT4_IOMAP, PC_PROF_XFS, PC_PROF_N };
enum pc_isize_ext { PC_ISX_OFF = 0, PC_ISX_MKCLEAN, PC_ISX_MKCLEAN_ZERO };
enum pc_zero_eof { PC_ZE_SUBMIT = 0, PC_ZE_WAIT, PC_ZE_DEFERRED };
enum pc_wq_kind { PC_WQ_ORDERED = 0, PC_WQ_UNBOUND };
enum pc_zero_wait { PC_ZW_BIO = 0, PC_ZW_ENDIO };
enum pc_bug {
	PC_BUG_NONE = 0,
	PC_BUG_FSYNC_NO_FLUSH,	/* fsync skips the cache flush / commit wait */
	PC_BUG_FSYNC_NO_WAIT,	/* fsync does not wait for data writeback */
	PC_BUG_FSYNC_TRUST_COMMIT, /* fsync skips jbd2_trans_will_send_data_barrier */
	PC_BUG_FSYNC_IGNORE_EIO, /* fsync returns 0 after a journal abort or a failed flush */
};

struct pc_knobs {
	uint8_t k_profile;		/* enum pc_profile */
	uint32_t k_bs;			/* block size: 512, 1024, 2048, 4096 */
	uint8_t k_isize_extended;	/* enum pc_isize_ext */
	uint8_t k_zero_eof;		/* enum pc_zero_eof (ext4-iomap) */
	bool k_deferred_sfr;		/* sync_file_range writes the deferred zero block */
	bool k_deferred_wb_ordered;	/* ->writepages writes it before data past i_disksize */
	bool k_large_folios;		/* buffered writes create large folios (6.16+) */
	bool k_bg_writeback;		/* background writeback may start at any time */
	bool k_stable_pages;		/* the device needs stable pages (folio_wait_stable
					 * waits; the device reads the data at submission) */
	uint32_t k_wb_chunk;		/* wb_chunk=N: nr_to_write of a flusher pass per inode,
					 * in pages (write_chunk); 0: no limit */
	bool k_writethrough;		/* RWF_WRITETHROUGH available */
	bool k_wt_endio_sync;		/* wt_endio=sync (v3) or async (v2) */
	bool k_wt_isize_extended;	/* pagecache_isize_extended after wt end_io */
	uint8_t k_endio_wq;		/* enum pc_wq_kind */
	uint8_t k_zero_wait;		/* enum pc_zero_wait */
	uint8_t k_bug;			/* enum pc_bug */
	bool k_strict;			/* oracle=strict */
	uint32_t k_fail_write;		/* fail_write=N: the Nth data write fails (-EIO), 0 none */
	uint32_t k_fail_flush;		/* fail_flush=N: the Nth flush fails, 0 none */
	sim_time_t k_commit_interval;	/* ns, jbd2 commit= (5 s) */
	sim_time_t k_dirty_expire;	/* ns, dirty_expire_centisecs (30 s) */
	sim_time_t k_dirty_writeback;	/* ns, dirty_writeback_centisecs (5 s) */
};

extern const char *const pc_profile_names[PC_PROF_N + 1];	/* NULL-terminated */
void pc_knobs_default(struct pc_knobs *k, enum pc_profile p);
int pc_profile_lookup(const char *name);
/* Set one knob from text. Returns 0, or -1 with a message in err naming
 * the known knobs / values. */
int pc_knob_set(struct pc_knobs *k, const char *name, const char *value, char *err, size_t len);
/* Knob names for a profile (NULL-terminated), allowed values (NULL for a
 * number or duration), and the default value as text. */
const char *const *pc_knob_names(enum pc_profile p);
const char *const *pc_knob_values(const char *knob);
void pc_knob_format(const struct pc_knobs *k, const char *knob, char *buf, size_t len);

/* ---- operations ---- */
enum pc_opkind {
	PC_OP_PWRITE = 0, PC_OP_APPEND, PC_OP_READ, PC_OP_MMAP, PC_OP_MUNMAP, PC_OP_STORE,
	PC_OP_LOAD, PC_OP_MSYNC, PC_OP_TRUNCATE, PC_OP_FALLOCATE, PC_OP_PUNCH,
	PC_OP_ZERO_RANGE, PC_OP_FSYNC, PC_OP_FDATASYNC, PC_OP_SYNC_FILE_RANGE, PC_OP_SYNC,
	PC_OP_IO_WAIT, PC_OP_SLEEP, PC_OP_NKINDS
};
extern const char *const pc_op_names[PC_OP_NKINDS];

/* Operation flags. */
#define PC_OF_WRITETHROUGH	0x0001u
#define PC_OF_DSYNC		0x0002u
#define PC_OF_SYNC		0x0004u
#define PC_OF_DIRECT		0x0008u
#define PC_OF_AIO		0x0010u
#define PC_OF_KEEP_SIZE		0x0020u
#define PC_OF_MS_SYNC		0x0040u
#define PC_OF_MS_ASYNC		0x0080u
#define PC_OF_WAIT_BEFORE	0x0100u
#define PC_OF_WRITE		0x0200u
#define PC_OF_WAIT_AFTER	0x0400u

struct pc_opspec {
	uint8_t o_kind;		/* enum pc_opkind */
	uint8_t o_file;		/* file index */
	uint32_t o_flags;
	uint64_t o_off, o_len;	/* truncate: o_off is the size */
	sim_time_t o_dur;	/* sleep */
	int16_t o_data;		/* -1: unique pattern; 0..255: every byte */
};

/* The step names an operation expands into under the knobs (for `pcsim
 * steps` and for validating race diagrams). Returns the count; fills up to
 * max names. Kernel tasks: pass kind = -1 and task "flusher", "jbd2",
 * "endio", "dio" or "disk". */
unsigned pc_op_steps(const struct pc_knobs *k, const struct pc_opspec *op, const char **names,
		     unsigned max);
/* Paths of an operation, decided while it runs (truncate: by the new size
 * against i_size once i_rwsem is held). Only the steps on the path taken
 * run and show in traces and diagrams. PC_PATH_UP_ZERO: growing from an
 * i_size inside a block; PC_PATH_UP: growing from a block boundary;
 * PC_PATH_DOWN: shrinking; PC_PATH_SAME: the size does not change. A
 * write (generic_write_checks): PC_PATH_UP when it starts past EOF (the
 * EOF zeroing steps run), else PC_PATH_SAME. */
enum {
	PC_PATH_UP_ZERO = 1,
	PC_PATH_UP = 2,
	PC_PATH_DOWN = 4,
	PC_PATH_SAME = 8,
};
/* The steps of op on path (0: every step of every path, in table order);
 * pc_op_paths: the PC_PATH_* bits some step of op is restricted to (0:
 * the operation has one path). */
unsigned pc_op_steps_path(const struct pc_knobs *k, const struct pc_opspec *op, unsigned path,
			  const char **names, unsigned max);
unsigned pc_op_paths(const struct pc_knobs *k, const struct pc_opspec *op);
unsigned pc_task_steps(const struct pc_knobs *k, const char *task, const char **names,
		       unsigned max);

/* ---- the model ---- */
struct pc_config {
	struct pc_knobs c_knobs;
	unsigned c_nfiles;		/* 1..PC_MAX_FILES */
	uint64_t c_file_bytes;		/* space modelled per file (rounded up to pages) */
	bool c_volatile_cache;
	sim_time_t c_lat_min, c_lat_max;
	uint32_t c_fail_write_nth, c_fail_flush_nth;
	bool c_strict;			/* strict oracle */
	/* What the scenario's operations ask of the world, to size it (0: the
	 * defaults): bytes they write in all (pwrite, append, store, ...),
	 * and how many there are. */
	uint64_t c_write_bytes;
	uint32_t c_nops;
};

struct pc_model;

/* Build the world into s. Returns NULL with a message when the
 * configuration does not fit (file too big for the arena, ...). */
struct pc_model *pc_model_create(struct sim *s, const struct pc_config *cfg, char *err,
				 size_t len);
struct pc_model *pc_model(const struct sim *s);
/* Arena bytes pc_model_create needs for cfg (size the sim with it). */
size_t pc_model_arena_size(const struct pc_config *cfg);
/* Pending events the sim must hold for cfg (sim_config.max_events). */
uint32_t pc_model_max_events(const struct pc_config *cfg);
/* A user task (scenario thread). */
struct sim_task *pc_user_task(struct sim *s, const char *name);
/* Queue op on t; returns the operation number, or -1 (bad op for the
 * profile: message in err). */
int pc_queue_op(struct sim *s, struct sim_task *t, const struct pc_opspec *op, char *err,
		size_t len);
/* Run everything queued so far to completion, write it all back, commit,
 * flush, and take the disk as durable; resets metrics and the oracle's
 * history (the setup's writes are the file's legitimate contents). */
int pc_model_settle(struct sim *s, char *err, size_t len);
/* The power goes: after everything queued ran to completion (`setup
 * nosync`), or at once (a race's crash row with rows after it). Returns a
 * malloc'd image of what the next mount finds: only durable writes (no
 * completed-but-unflushed or in-flight write survives), journal recovered. */
pc_tag_t *pc_model_power_cut(struct sim *s, bool now, char *err, size_t len);
/* Mount that image into a freshly created model (same configuration):
 * inodes, extent maps and sizes from disk, an empty page cache; sources
 * (byte provenance) carried over from the model that wrote it. */
int pc_model_mount(struct sim *s, const struct sim *from, const pc_tag_t *image, char *err,
		   size_t len);

/* Name a kernel task for race diagrams: "flusher", "jbd2", "endio",
 * "endio2", "dio", "dio2". NULL if absent. */
struct sim_task *pc_kernel_task(struct sim *s, const char *name);

/* Scripted kernel activity (race rows for the flusher and jbd2 columns):
 * a background writeback pass over every dirty inode, and a commit of the
 * running transaction. */
void pc_kick_flusher(struct sim *s);
void pc_kick_commit(struct sim *s);
/* The i-th in-flight bio in completion-choice order, or NULL. */
const struct pc_bio *pc_disk_inflight_bio(const struct sim *s, uint32_t i);

/* ---- the oracle (SEMANTICS.md section 10) ---- */
enum pc_invariant {
	PC_INV_STALE_DATA = 0, PC_INV_EOF_JUNK, PC_INV_UNRESERVED_DIRTY, PC_INV_LOST_WRITE,
	PC_INV_NOT_DURABLE, PC_INV_ISIZE_UNLOCKED, PC_INV_DEADLOCK, PC_INV_JOURNAL,
	PC_INV_ERASED_DATA, PC_INV_N
};
extern const char *const pc_invariant_names[PC_INV_N];
int pc_invariant_lookup(const char *name);

struct pc_violation {
	uint8_t v_inv;		/* enum pc_invariant */
	uint8_t v_file;
	bool v_crash;		/* found in a crash state */
	uint32_t v_crash_point;
	uint64_t v_off, v_len;	/* bytes */
	pc_tag_t v_tag;		/* where the bytes came from */
	uint64_t v_step;	/* engine step when found */
	sim_time_t v_time;
	char v_msg[200];
};

/* At the end of a run (after sim_run returned): deadlock, and the final
 * read of every file through the page cache (stale-data, erased-data, eof-junk,
 * lost-write). */
void pc_model_finish(struct sim *s);
/* Crash states over the run's write log: recovery + checks. Returns the
 * number of states checked; *complete says whether every subset was. */
uint64_t pc_model_check_crashes(struct sim *s, uint32_t from, uint32_t to,
				const struct pc_persist *p, bool *complete, uint64_t *dups);
/* One recovered crash state as pc_model_check_crashes_view shows it: the
 * crash point, per file the recovered on-disk size and the byte values a
 * read returns, and the invariants this state broke (cv_bad: recovery
 * failed or a file could not be read back). */
struct pc_crash_view {
	uint32_t cv_point;
	unsigned cv_nfiles;
	uint64_t cv_size[PC_MAX_FILES];
	const uint8_t *cv_bytes[PC_MAX_FILES];
	uint32_t cv_viol;
	bool cv_bad;
};
typedef void (*pc_crash_view_fn)(void *ctx, const struct sim *s, const struct pc_crash_view *v);
/* pc_model_check_crashes, telling view about every state it checks. */
uint64_t pc_model_check_crashes_view(struct sim *s, uint32_t from, uint32_t to,
				     const struct pc_persist *p, bool *complete, uint64_t *dups,
				     pc_crash_view_fn view, void *ctx);
unsigned pc_violations(const struct sim *s, const struct pc_violation **v);
/* The bio ids of the uncertain writes that survived in the first crash
 * state that broke an invariant (at most max, increasing); returns the
 * count. */
unsigned pc_crash_survivors(const struct sim *s, uint32_t *ids, unsigned max);
/* After pc_model_check_crashes with PC_PERSIST_EXACT: a listed write id
 * that was not an unflushed write at any crash point checked (the scenario
 * does not replay the run its survivors were printed from), or 0. */
uint32_t pc_model_crash_unmatched(const struct sim *s);
/* Describe where a tag came from: "store by B (op 3) at step 7". */
void pc_describe_tag(const struct sim *s, pc_tag_t tag, char *buf, size_t len);
/* What read(2) of file [off, off+len) returns now (through the page cache,
 * clamped to i_size): byte values into out; returns the bytes read. */
uint64_t pc_model_read(const struct sim *s, unsigned file, uint64_t off, uint64_t len,
		       uint8_t *out);
uint64_t pc_model_size(const struct sim *s, unsigned file);
/* i_size, i_disksize (what the next commit logs) and the on-disk size of
 * the last commit whose record is durable, for timelines. */
void pc_model_sizes(const struct sim *s, unsigned file, uint64_t *isize, uint64_t *disksize,
		    uint64_t *durable);
unsigned pc_model_nfiles(const struct sim *s);
/* The end state a user sees (sizes and the bytes read(2) returns). */
uint64_t pc_model_state_hash(const struct sim *s);
/* For the footprint check (sim_check_commute), clear in the live world
 * what legitimately follows the interleaving of independent steps: the list
 * of violation reports (the set of invariants broken, w_viol_mask, stays)
 * and the engine step stamps of the write log (only compared with other
 * stamps, erase and promise steps, and every stamping step is dependent
 * with every other). */
void pc_model_fp_normalise(struct sim *s);
/* Everything crash checking depends on (the write log with its data, the
 * oracle's history and the durability promises): equal keys, equal crash
 * findings, so the explorer checks each key's crash states once. */
uint64_t pc_model_crash_key(const struct sim *s);
/* Byte value for reports. */
uint8_t pc_byte_value(const struct sim *s, pc_tag_t tag, uint64_t off);
/* pc_byte_value of tags[i] at off + i for i < n, into out. */
void pc_byte_values(const struct sim *s, const pc_tag_t *tags, uint64_t off, uint32_t n,
		    uint8_t *out);
uint32_t pc_wlog_len(const struct sim *s);
/* Why the model stopped the run at one of its bounds (more durability
 * promises than it keeps, ...), or NULL. The engine's status is then
 * SIM_STEP_LIMIT, as for a full write log. */
const char *pc_model_limit(const struct sim *s);

/* ---- metrics (seed 002's cost questions) ---- */
struct pc_metrics {
	uint64_t m_ios[PC_BIO_NKINDS];		/* bios by kind */
	uint64_t m_io_blocks[PC_BIO_NKINDS];
	uint64_t m_zero_ios;			/* small zero-block I/Os */
	uint64_t m_flushes, m_fua, m_commits, m_seeks;
	/* Durability latencies (model/latency.c says exactly what they
	 * measure). Size: from the response of an operation that grew a file
	 * to a durable commit logging an on-disk size at least that large.
	 * Data: from the response of a write or store to its data (or newer)
	 * being on the media, written and flushed (or FUA). max/mean/median
	 * over the operations measured (_n); _open: not durable when the run
	 * ended; _dropped: data thrown away before any bio carried it;
	 * _untracked: not measured (the bookkeeping bound was reached). */
	sim_time_t m_disksize_lat_max;		/* worst time until i_disksize durable */
	sim_time_t m_data_lat_max;		/* worst time until written data durable */
	uint64_t m_steps;
	sim_time_t m_sim_time;
	sim_time_t m_disksize_lat_mean, m_disksize_lat_median;
	uint32_t m_disksize_lat_n, m_disksize_lat_open;
	sim_time_t m_data_lat_mean, m_data_lat_median;
	uint32_t m_data_lat_n, m_data_lat_open, m_data_lat_dropped, m_data_lat_untracked;
};
void pc_model_metrics(const struct sim *s, struct pc_metrics *m);

#endif /* PCSIM_MODEL_H */
