/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/parse_sched.c - the race diagram and the linear schedule.
 *
 * Both read into the same list of items (f_items): start an operation, run
 * one step, run until blocked or done ('*'), crash.
 *
 * Race diagram: the first indented line is the header, one task name per
 * '|'-separated column. Every later row has text in exactly one column:
 *
 *     A                       | B              header: each cell's indentation
 *     pwrite f 6000 100       |                  is the column's base
 *       iomap_zero_range      |                deeper than the base: a step
 *                             | mmap f         at the base: an operation
 *       *                     |                '*' and 'crash' anywhere
 *
 * Indentation is measured in display columns (tabs every 8), relative to the
 * cell's start (the line start, or just after the '|').
 *
 * Schedule: "schedule A:iomap_zero_range B:* B:(store f 1400 50) crash";
 * items may continue on indented lines.
 */
#include <string.h>

#include "sim/scenario/scn_int.h"

/* A row split at '|': cells [cs[i], ce[i]); only the first SCN_MAX_COLUMNS + 1
 * are kept, *more says whether later cells hold text. */
struct scn_row {
	uint32_t r_n;
	uint32_t r_cs[SCN_MAX_COLUMNS + 1], r_ce[SCN_MAX_COLUMNS + 1];
	uint32_t r_extra_text;	/* byte offset + 1 of text in a cell past the kept ones */
	uint32_t r_ncells;	/* all cells */
};

static bool scn_blank(const char *s, uint32_t a, uint32_t b)
{
	for (; a < b; a++)
		if (s[a] != ' ' && s[a] != '\t')
			return false;
	return true;
}

static uint32_t scn_first_text(const char *s, uint32_t a, uint32_t b)
{
	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	return a;
}

static void scn_split_row(const struct scn_cur *u, struct scn_row *r)
{
	uint32_t start = 0;

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0; i <= u->u_end; i++) {
		if (i < u->u_end && u->u_s[i] != '|')
			continue;
		if (r->r_n < SCN_MAX_COLUMNS + 1) {
			r->r_cs[r->r_n] = start;
			r->r_ce[r->r_n] = i;
			r->r_n++;
		} else if (!r->r_extra_text && !scn_blank(u->u_s, start, i)) {
			r->r_extra_text = scn_first_text(u->u_s, start, i) + 1;
		}
		r->r_ncells++;
		start = i + 1;
	}
}

static int scn_race_header(struct scn_ctx *c, struct scn_cur *u, const struct scn_row *r)
{
	struct scn_file *f = c->c_file;
	struct scn_column *col;
	void *grown;

	if (r->r_ncells > SCN_MAX_COLUMNS)
		return scn__err_at(u, 0, 1, "at most 8 threads and flusher, jbd2, endio, disk, dio",
				   "race header has %u columns; the limit is %u", r->r_ncells,
				   SCN_MAX_COLUMNS);
	for (uint32_t i = 0; i < r->r_n; i++) {
		grown = scn__grow(f->f_columns, &f->f_columns_cap, f->f_ncolumns,
				  sizeof(*f->f_columns));
		if (!grown)
			return scn__oom(c);
		f->f_columns = grown;
		col = &f->f_columns[f->f_ncolumns];
		scn__cur_range(u, r->r_cs[i], r->r_ce[i]);
		if (scn__eol(u))
			return scn__err_at(u, r->r_cs[i], 1, "each column of the header names a task",
					   "race header column %u is empty", i + 1);
		c->c_race_indent[i] = scn__vcol(u->u_s, u->u_pos) - scn__vcol(u->u_s, r->r_cs[i]);
		if (scn__word(u, col->c_name, "a task name") ||
		    scn__check_name(u, col->c_name, "task name"))
			return -1;
		col->c_pos.line = u->u_line;
		col->c_pos.col = u->u_tok + 1;
		if (scn__expect_end(u, "the task name (one name per column)"))
			return -1;
		for (uint32_t j = 0; j < f->f_ncolumns; j++)
			if (!strcmp(f->f_columns[j].c_name, col->c_name))
				return scn__err(c, u->u_line, col->c_pos.col,
						(uint32_t)strlen(col->c_name), NULL,
						"task '%s' has two columns in the race header",
						col->c_name);
		f->f_ncolumns++;
	}
	c->c_race_header = u->u_line;
	return 0;
}

/* Which single cell holds text; errors for none, two, or one past the header. */
static int scn_row_cell(struct scn_ctx *c, struct scn_cur *u, const struct scn_row *r,
			uint32_t *cell)
{
	uint32_t ncols = c->c_file->f_ncolumns, found = UINT32_MAX;

	for (uint32_t i = 0; i < r->r_n; i++) {
		if (scn_blank(u->u_s, r->r_cs[i], r->r_ce[i]))
			continue;
		if (i >= ncols)
			return scn__err_at(u, scn_first_text(u->u_s, r->r_cs[i], r->r_ce[i]), 1, NULL,
					   "text in column %u, but the race header names %u task%s",
					   i + 1, ncols, ncols == 1 ? "" : "s");
		if (found != UINT32_MAX)
			return scn__err_at(u, scn_first_text(u->u_s, r->r_cs[i], r->r_ce[i]), 1,
					   "each row runs one task; put the other on its own row",
					   "race row has text in two columns ('%s' and '%s')",
					   c->c_file->f_columns[found].c_name,
					   c->c_file->f_columns[i].c_name);
		found = i;
	}
	if (r->r_extra_text)
		return scn__err_at(u, r->r_extra_text - 1, 1, NULL,
				   "text past the last column of the race header");
	if (found == UINT32_MAX)
		return scn__err_at(u, 0, 1,
				   "each row has text in exactly one column: an operation, a step, '*' or 'crash'",
				   "race row has no text in any column");
	*cell = found;
	return 0;
}

static int scn_push_item(struct scn_ctx *c, struct scn_cur *u, struct scn_item **out)
{
	struct scn_file *f = c->c_file;
	void *grown;

	if (f->f_nitems >= SCN_MAX_ROWS)
		return scn__err_at(u, u->u_pos, 1, NULL, "more than %u %s (SCN_MAX_ROWS)",
				   SCN_MAX_ROWS,
				   f->f_sched_form == SCN_SCHED_RACE ? "race rows" : "schedule items");
	grown = scn__grow(f->f_items, &f->f_items_cap, f->f_nitems, sizeof(*f->f_items));
	if (!grown)
		return scn__oom(c);
	f->f_items = grown;
	*out = &f->f_items[f->f_nitems];
	memset(*out, 0, sizeof(**out));
	(*out)->si_pos.line = u->u_line;
	(*out)->si_pos.col = u->u_pos + 1;
	(*out)->si_thread = -1;
	(*out)->si_op_index = -1;
	(*out)->si_task_kind = SCN_TASK_NONE;
	return 0;
}

/* A cell deeper than its header: one step name. */
static int scn_race_step(struct scn_cur *u, struct scn_item *it, const char *colname)
{
	char w[SCN_MAX_NAME + 1];

	it->si_kind = SCN_ITEM_STEP;
	if (scn__step_word(u, it->si_step, "a step name"))
		return -1;
	if (scn__eol(u))
		return 0;
	if (scn__op_lookup(it->si_step) >= 0)
		return scn__err_tok(u, NULL,
				    "an operation line is aligned with its column header '%s'; indented text is one step name",
				    colname);
	if (scn__word(u, w, "the end of the step"))
		return -1;
	return scn__err_tok(u, "a step is one name, e.g. iomap_zero_range",
			    "unexpected '%s' after the step name", w);
}

/* A cell aligned with its header: an operation. */
static int scn_race_op(struct scn_cur *u, struct scn_item *it, const char *colname)
{
	struct scn_cur save = *u;
	char w[SCN_MAX_NAME + 1], dym[96];

	it->si_kind = SCN_ITEM_OP;
	if (scn__word(u, w, "an operation"))
		return -1;
	if (scn__op_lookup(w) < 0 && scn__eol(u)) {
		scn__did_you_mean(dym, sizeof(dym), w, scn__op_names);
		return scn__err_tok(u, NULL,
				    "'%s' is not an operation%s; a step name is indented deeper than its column header '%s'",
				    w, dym, colname);
	}
	*u = save;
	return scn__parse_op(u, &it->si_op);
}

static int scn_race_cell(struct scn_ctx *c, struct scn_cur *u, const struct scn_row *r,
			 uint32_t i)
{
	const char *colname = c->c_file->f_columns[i].c_name;
	struct scn_item *it;
	uint32_t indent;

	scn__cur_range(u, r->r_cs[i], r->r_ce[i]);
	scn__skip_ws(u);
	indent = scn__vcol(u->u_s, u->u_pos) - scn__vcol(u->u_s, r->r_cs[i]);
	if (scn_push_item(c, u, &it))
		return -1;
	memcpy(it->si_task, colname, sizeof(it->si_task));
	if (u->u_end - u->u_pos == 1 && u->u_s[u->u_pos] == '*') {
		it->si_kind = SCN_ITEM_STAR;
	} else if (u->u_end - u->u_pos == 5 && !memcmp(u->u_s + u->u_pos, "crash", 5)) {
		it->si_kind = SCN_ITEM_CRASH;
		it->si_task[0] = '\0';
	} else if (indent > c->c_race_indent[i]) {
		if (scn_race_step(u, it, colname))
			return -1;
	} else if (scn_race_op(u, it, colname)) {
		return -1;
	}
	c->c_file->f_nitems++;
	return 0;
}

int scn__race_row(struct scn_ctx *c, uint32_t line)
{
	struct scn_cur u;
	struct scn_row r;
	uint32_t cell = 0;

	scn__cur_init(&u, c, line);
	scn_split_row(&u, &r);
	if (!c->c_race_header)
		return scn_race_header(c, &u, &r);
	if (scn_row_cell(c, &u, &r, &cell))
		return -1;
	return scn_race_cell(c, &u, &r, cell);
}

/* TASK:(OPERATION): the operation runs to the matching ')'. */
static int scn_sched_op(struct scn_cur *u, struct scn_item *it)
{
	struct scn_cur sub = *u;
	uint32_t open = u->u_pos, close = open + 1;

	while (close < u->u_end && u->u_s[close] != ')')
		close++;
	if (close >= u->u_end)
		return scn__err_at(u, open, 1, "e.g. B:(store f 1400 50)", "unclosed '('");
	it->si_kind = SCN_ITEM_OP;
	scn__cur_range(&sub, open + 1, close);
	if (scn__parse_op(&sub, &it->si_op))
		return -1;
	u->u_pos = close + 1;
	return 0;
}

/* After "TASK:": '*', (OPERATION) or a step name. */
static int scn_sched_target(struct scn_cur *u, struct scn_item *it)
{
	if (scn__peek(u, '*')) {
		it->si_kind = SCN_ITEM_STAR;
		u->u_pos++;
		return 0;
	}
	if (scn__peek(u, '('))
		return scn_sched_op(u, it);
	it->si_kind = SCN_ITEM_STEP;
	return scn__step_word(u, it->si_step, "a step name, '*' or '(' after ':'");
}

static int scn_sched_item(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_item *it;

	if (scn_push_item(c, u, &it))
		return -1;
	if (scn__word(u, it->si_task, "TASK:STEP, TASK:*, TASK:(OPERATION) or crash"))
		return -1;
	if (!strcmp(it->si_task, "crash") && !scn__peek(u, ':')) {
		it->si_kind = SCN_ITEM_CRASH;
		it->si_task[0] = '\0';
	} else {
		if (!scn__peek(u, ':'))
			return scn__err_tok(u, "schedule items are TASK:STEP, TASK:*, TASK:(OPERATION) or crash",
					    "expected ':' after the task '%s'", it->si_task);
		u->u_pos++;
		if (scn_sched_target(u, it))
			return -1;
	}
	if (u->u_pos < u->u_end && u->u_s[u->u_pos] != ' ' && u->u_s[u->u_pos] != '\t')
		return scn__err_at(u, u->u_pos, 1, NULL, "expected a space between schedule items");
	c->c_file->f_nitems++;
	return 0;
}

int scn__schedule_items(struct scn_cur *u)
{
	while (!scn__eol(u))
		if (scn_sched_item(u->u_ctx, u))
			return -1;
	return 0;
}
