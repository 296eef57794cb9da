/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/diagram.c - rendering of a run's race diagram (diagram.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explore/diagram.h"

#define PCD_MIN_WIDTH 34

char *pcd_render(const char *const *cols, unsigned ncols, const struct pcd_row *rows,
		 unsigned nrows)
{
	size_t width = PCD_MIN_WIDTH, cap, at = 0;
	char *out;

	if (ncols > PCD_MAX_COLS)
		ncols = PCD_MAX_COLS;
	for (unsigned c = 0; c < ncols; c++)
		if (strlen(cols[c]) + 1 > width)
			width = strlen(cols[c]) + 1;
	for (unsigned i = 0; i < nrows; i++)
		if (rows[i].dr_col >= 0 && strnlen(rows[i].dr_text, PCD_CELL) + 1 > width)
			width = strnlen(rows[i].dr_text, PCD_CELL) + 1;
	/* every row: 4 blanks, ncols cells of width + 2, a newline */
	cap = (nrows + 2) * (4 + ncols * (width + 2) + 2) + 16;
	out = malloc(cap);
	if (!out)
		return NULL;
#define PUT(...) (at += (size_t)snprintf(out + at, cap - at, __VA_ARGS__))
	PUT("race\n    ");
	for (unsigned c = 0; c < ncols; c++)
		PUT("%-*s%s", c + 1 < ncols ? (int)width : 0, cols[c], c + 1 < ncols ? "| " : "\n");
	for (unsigned i = 0; i < nrows; i++) {
		if (rows[i].dr_col < 0) {
			PUT("    crash\n");
			continue;
		}
		PUT("    ");
		for (unsigned k = 0; k < ncols; k++) {
			PUT("%-*s", k + 1 < ncols ? (int)width : 0,
			    k == (unsigned)rows[i].dr_col ? rows[i].dr_text : "");
			if (k + 1 < ncols)
				PUT("| ");
		}
		while (at > 0 && out[at - 1] == ' ')
			at--;
		PUT("\n");
	}
#undef PUT
	return out;
}
