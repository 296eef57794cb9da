/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/diagram.c - rendering of a run's race diagram (diagram.h).
 *
 * Each column is as wide as its widest cell (the header included) plus a
 * gutter of two blanks; a column with no row is left out. When that is
 * still wider than 80 columns, the kernel tasks' columns become one column,
 * "kernel", whose cells name their task ("jbd2: commit_t_flush"): a display
 * form for people, not a race the parser takes back (a reproducer is
 * written by the scenario printer, repro.c). When even that is wider than
 * 80 columns, the rows are written in the linear schedule form of the
 * scenario language (TASK:step, TASK:(operation), crash), wrapped at 80.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/diagram.h"

#define PCD_WRAP 80
#define PCD_GUTTER 2

static bool is_kernel(const char *name)
{
	static const char *const k[] = { "flusher", "jbd2", "endio", "endio2", "disk", "dio",
					 "dio2", NULL };

	for (unsigned i = 0; k[i]; i++)
		if (!strcmp(name, k[i]))
			return true;
	return false;
}

/* The text of a cell: in a merged column, "  task: step". */
static void cell_text(char *buf, size_t len, const char *task, bool merged, const char *text)
{
	if (!merged) {
		snprintf(buf, len, "%s", text);
		return;
	}
	while (*text == ' ')
		text++;
	snprintf(buf, len, "  %s: %s", task, text);
}

/* Render with column map colmap (row column -> shown column), shown
 * column names names[0..n); prefix cells of merged columns with their
 * task. */
static char *render(const char *const *names, unsigned n, const int *colmap,
		    const char *const *cols, const bool *merged, const struct pcd_row *rows,
		    unsigned nrows, size_t *widest)
{
	size_t w[PCD_MAX_COLS + 1] = { 0 }, cap, at = 0, line = 0;
	char *out, cell[PCD_CELL + 32];

	for (unsigned c = 0; c < n; c++)
		w[c] = strlen(names[c]);
	for (unsigned i = 0; i < nrows; i++) {
		int c = rows[i].dr_col;

		if (c < 0)
			continue;
		cell_text(cell, sizeof(cell), cols[c], merged[colmap[c]], rows[i].dr_text);
		if (strlen(cell) > w[colmap[c]])
			w[colmap[c]] = strlen(cell);
	}
	cap = (nrows + 2) * (4 + n * (PCD_CELL + 40) + 2) + 16;
	out = malloc(cap);
	if (!out)
		return NULL;
#define PUT(...) (at += (size_t)snprintf(out + at, cap - at, __VA_ARGS__))
	PUT("race\n");
	for (int i = -1; i < (int)nrows; i++) {
		size_t start = at;
		int shown = i < 0 ? -1 : rows[i].dr_col < 0 ? -2 : colmap[rows[i].dr_col];

		PUT("    ");
		if (shown == -2) {
			PUT("crash");
		} else {
			for (unsigned k = 0; k < n; k++) {
				cell[0] = 0;
				if (i < 0)
					snprintf(cell, sizeof(cell), "%s", names[k]);
				else if ((int)k == shown)
					cell_text(cell, sizeof(cell), cols[rows[i].dr_col], merged[k],
						  rows[i].dr_text);
				if (k > 0)
					PUT("| ");
				PUT("%-*s", k + 1 < n ? (int)(w[k] + PCD_GUTTER) : 0, cell);
			}
		}
		while (at > start && out[at - 1] == ' ')
			at--;
		if (at - start > line)
			line = at - start;
		PUT("\n");
	}
#undef PUT
	*widest = line;
	return out;
}

/* The rows in the schedule form: "schedule   ITEM ITEM ...", wrapped at 80
 * with continuation lines indented by 4. */
static char *linear(const char *const *cols, unsigned ncols, const struct pcd_row *rows,
		    unsigned nrows)
{
	size_t cap = (size_t)nrows * (PCD_CELL + 40) + 64, at = 0, col;
	char *out = malloc(cap), item[PCD_CELL + 40];

	if (!out)
		return NULL;
	at += (size_t)snprintf(out, cap, "schedule  ");
	col = at;
	for (unsigned i = 0; i < nrows; i++) {
		const char *text = rows[i].dr_text;
		size_t w;

		if (rows[i].dr_col < 0 || rows[i].dr_col >= (int)ncols) {
			snprintf(item, sizeof(item), "crash");
		} else if (text[0] == ' ') {
			while (*text == ' ')
				text++;
			snprintf(item, sizeof(item), "%s:%s", cols[rows[i].dr_col], text);
		} else {
			snprintf(item, sizeof(item), "%s:(%s)", cols[rows[i].dr_col], text);
		}
		w = strlen(item);
		if (col > 10 && col + 1 + w > PCD_WRAP) {
			at += (size_t)snprintf(out + at, cap - at, "\n    ");
			col = 4;
		} else {
			out[at++] = ' ';
			col++;
		}
		at += (size_t)snprintf(out + at, cap - at, "%s", item);
		col += w;
	}
	snprintf(out + at, cap - at, "\n");
	return out;
}

char *pcd_render(const char *const *cols, unsigned ncols, const struct pcd_row *rows,
		 unsigned nrows)
{
	const char *names[PCD_MAX_COLS + 1];
	int colmap[PCD_MAX_COLS];
	bool used[PCD_MAX_COLS] = { false }, merged[PCD_MAX_COLS + 1] = { false };
	unsigned n = 0;
	int kernel = -1;
	size_t widest;
	char *out;

	if (ncols > PCD_MAX_COLS)
		ncols = PCD_MAX_COLS;
	for (unsigned i = 0; i < nrows; i++)
		if (rows[i].dr_col >= 0 && rows[i].dr_col < (int)ncols)
			used[rows[i].dr_col] = true;
	for (unsigned c = 0; c < ncols; c++)
		if (used[c] || !c) {
			colmap[c] = (int)n;
			names[n++] = cols[c];
		} else {
			colmap[c] = 0;
		}
	out = render(names, n, colmap, cols, merged, rows, nrows, &widest);
	if (!out || widest <= PCD_WRAP)
		return out;
	/* The fallback: the kernel tasks in one column. */
	free(out);
	n = 0;
	for (unsigned c = 0; c < ncols; c++) {
		if (!used[c] && c) {
			colmap[c] = 0;
		} else if (!is_kernel(cols[c])) {
			colmap[c] = (int)n;
			names[n++] = cols[c];
		} else {
			if (kernel < 0) {
				kernel = (int)n;
				merged[n] = true;
				names[n++] = "kernel";
			}
			colmap[c] = kernel;
		}
	}
	out = render(names, n, colmap, cols, merged, rows, nrows, &widest);
	if (!out || widest <= PCD_WRAP)
		return out;
	free(out);
	return linear(cols, ncols, rows, nrows);
}
