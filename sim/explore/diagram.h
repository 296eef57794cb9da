/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/diagram.h - the race diagram of a run, as the scenario
 * language writes it (docs/scenario-language.md, "The race diagram"): a
 * header row of task names, then one row per operation line, step or crash,
 * each with text in one column. The runner (`pcsim run`) and the explorer
 * (`pcsim explore`) build the rows; this renders them.
 */
#ifndef PCSIM_EXPLORE_DIAGRAM_H
#define PCSIM_EXPLORE_DIAGRAM_H

#include <stdint.h>

#define PCD_MAX_COLS 6		/* columns shown; tasks past them are left out */
#define PCD_CELL     128	/* bytes of one cell's text */

struct pcd_row {
	int8_t dr_col;		/* column, or -1 for a crash row */
	char dr_text[PCD_CELL];	/* an operation line, or "  step" */
};

/* The diagram: "race", the header, the rows; every column as wide as its
 * widest cell plus two blanks, columns without rows left out (the first
 * stays), no trailing blanks. Wider than 80 columns: the kernel tasks'
 * columns become one, "kernel", each cell naming its task; still wider: the
 * schedule form ("schedule  A:step B:(op) crash ..."), wrapped at 80.
 * malloc'd; NULL when out of memory. */
char *pcd_render(const char *const *cols, unsigned ncols, const struct pcd_row *rows,
		 unsigned nrows);

#endif
