/* SPDX-License-Identifier: MIT */
/*
 * sim/report/atomic.c - a report file appears whole or not at all.
 *
 * The text is written to PATH.tmp.PID in the same directory, flushed to
 * the disk (fsync), and renamed over PATH: rename(2) replaces the name
 * atomically, so a reader (or a baseline a later `pcsim diff` compares
 * against) sees the old file or the new one, never half of one. On any
 * failure the temporary file is removed and PATH is left as it was. A run
 * killed while writing leaves at most a PATH.tmp.PID behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/report/rpt_int.h"

static int write_all(int fd, const char *data, size_t n)
{
	while (n) {
		ssize_t w = write(fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

int rpt_write_atomic(const char *path, const char *data, size_t n, char *err, size_t len)
{
	size_t plen = strlen(path) + 32;
	char *tmp = malloc(plen);
	int fd, e = 0;

	if (!tmp) {
		snprintf(err, len, "%s: out of memory", path);
		return -1;
	}
	snprintf(tmp, plen, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, len, "%s: cannot create a file beside it: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, n) || fsync(fd))
		e = errno ? errno : EIO;
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e) {
		snprintf(err, len, "%s: %s", path, strerror(e));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int rpt_write_owned(const char *path, char *text, char *err, size_t len)
{
	int rc;

	if (!text) {
		snprintf(err, len, "%s: out of memory", path);
		return -1;
	}
	rc = rpt_write_atomic(path, text, strlen(text), err, len);
	free(text);
	return rc;
}
