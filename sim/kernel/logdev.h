/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/logdev.h - block devices that log every write: what
 * dm-log-writes does, built from FUSE and a loop device.
 *
 * A FUSE file system in a thread of this process serves two files from
 * memory: `live`, the device the workload's file system sits on (every
 * write and every fsync logged once logging is on), and `crash`, a crash
 * image built from the log (the base image plus a chosen set of logged
 * writes; what a mount of it writes stays in memory and is dropped when the
 * next image is built). A loop device on `live` turns the file system's
 * bios into FUSE WRITEs and its PREFLUSH/FUA into FUSE FSYNCs (drivers/
 * block/loop.c: lo_req_flush -> vfs_fsync), so the log holds the writes in
 * the order the device completed them and every flush as a barrier.
 * Storage is sparse: a page is kept only while it holds a non-zero byte.
 */
#ifndef PCSIM_KERNEL_LOGDEV_H
#define PCSIM_KERNEL_LOGDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ld_kind { LD_WRITE = 0, LD_FLUSH, LD_MARK };

struct ld_ent {
	uint8_t e_kind;		/* enum ld_kind */
	uint32_t e_mark;	/* LD_MARK: the caller's tag */
	uint64_t e_off, e_len;	/* LD_WRITE: bytes */
	uint8_t *e_data;	/* LD_WRITE: e_len bytes (NULL: zeros) */
};

struct logdev;

/* Mount the FUSE file system at dir (an empty directory) serving two files
 * of size bytes each; a thread serves it. NULL with a message in err. */
struct logdev *ld_start(const char *dir, uint64_t size, char *err, size_t len);
/* Unmount, stop the thread, free everything. */
void ld_stop(struct logdev *d);
/* "<dir>/live" and "<dir>/crash". */
const char *ld_live_path(const struct logdev *d);
const char *ld_crash_path(const struct logdev *d);

/* Take the live device as it is now as the base image, drop the log and
 * log from now on. */
void ld_log_begin(struct logdev *d);
/* Stop logging (the log stays readable). */
void ld_log_end(struct logdev *d);
/* Keep the live device as it is now as the pristine image, and put it back
 * (nothing may have the live device open across either). */
void ld_live_save(struct logdev *d);
void ld_live_restore(struct logdev *d);
/* Append a mark (operation boundaries). */
void ld_mark(struct logdev *d, uint32_t tag);
/* Entries logged since ld_log_begin; the pointer is valid until the next
 * ld_log_begin. Call only while nothing writes the live device (or take the
 * count first: entries below it do not change). */
uint32_t ld_log_len(struct logdev *d);
const struct ld_ent *ld_log_ent(struct logdev *d, uint32_t i);

/* The crash file becomes the base image with the listed write entries
 * applied in increasing order (ents sorted, each an LD_WRITE index). */
void ld_crash_build(struct logdev *d, const uint32_t *ents, uint32_t n);

/* Counters for reports. */
struct ld_stats {
	uint64_t s_writes, s_flushes, s_bytes;	/* logged since ld_log_begin */
	uint64_t s_pages;			/* pages held by the live device */
};
void ld_stats(struct logdev *d, struct ld_stats *st);

#endif
