/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/parse.c - scn_parse(): lines, blocks, comments.
 *
 * A line is blank, a comment ('#' first), a top-level line (no indentation:
 * a section keyword) or an indented line, which belongs to the block opened
 * by the last setup, thread, race or schedule line.
 *
 *   top-level line          indented line
 *   --------------          -------------
 *   ends the open block     setup/thread: one operation
 *   opens setup/thread/     race: the header row, then one row each
 *   race/schedule blocks    schedule: more items
 *
 * Comments: the comment lines at the top of the file, up to the first blank
 * or code line, are the header block (the seed scenarios say there which
 * mail they reproduce); whether a blank line follows it is kept. Every other
 * comment line belongs to the next top-level item or block operation and is
 * printed above it; comments inside a race or schedule block, and comments
 * after code on the same line, are dropped. Comment lines after the last
 * item are the trailer. Because the printer puts scenario (else fs) first, a
 * comment of that line is normalised (scn_normalise) so that the printed
 * text parses back the same: it becomes the header if there is none, and
 * otherwise a blank line separates the two.
 *
 * After the text parses, scn__validate() checks it against the vocabulary
 * and the canonical form is printed once to check it fits the input limits,
 * so that parse(print(x)) always succeeds.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

int scn__take_comment(struct scn_ctx *c, char **dst)
{
	if (!c->c_has_pending)
		return 0;
	free(*dst);
	*dst = scn__buf_take(&c->c_pending);
	c->c_has_pending = false;
	return *dst ? 0 : scn__oom(c);
}

static void scn_drop_comment(struct scn_ctx *c)
{
	scn__buf_free(&c->c_pending);
	c->c_has_pending = false;
}

static int scn_comment_line(struct scn_ctx *c, const char *s, uint32_t hash, uint32_t len)
{
	uint32_t end = len;

	while (end > hash + 1 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (c->c_has_pending)
		scn__buf_put(&c->c_pending, "\n", 1);
	scn__buf_put(&c->c_pending, s + hash + 1, end - hash - 1);
	c->c_has_pending = true;
	return c->c_pending.b_oom ? scn__oom(c) : 0;
}

static int scn_blank_line(struct scn_ctx *c)
{
	if (!c->c_header_phase || !c->c_has_pending)
		return 0;
	c->c_header_phase = false;
	c->c_file->f_header_blank = true;
	return scn__take_comment(c, &c->c_file->f_header);
}

static int scn_end_block(struct scn_ctx *c)
{
	struct scn_file *f = c->c_file;
	uint32_t line = c->c_block_line;
	enum scn_block b = c->c_block;

	c->c_block = SCN_BLK_NONE;
	switch (b) {
	case SCN_BLK_NONE:
		break;
	case SCN_BLK_SETUP:
		if (!f->f_setup_nops)
			return scn__err(c, line, 1, 5, "indent the operations under 'setup'",
					"setup has no operations");
		break;
	case SCN_BLK_THREAD:
		if (!f->f_threads[f->f_nthreads - 1].t_nops)
			return scn__err(c, line, 1, 6, "indent the operations under the thread line",
					"thread '%s' has no operations",
					f->f_threads[f->f_nthreads - 1].t_name);
		break;
	case SCN_BLK_RACE:
		if (!c->c_race_header)
			return scn__err(c, line, 1, 4,
					"the first indented line names the columns: A | B | flusher",
					"race has no header row");
		if (!f->f_nitems)
			return scn__err(c, c->c_race_header, 1, 1, NULL,
					"race has a header row but no rows");
		break;
	case SCN_BLK_SCHEDULE:
		if (!f->f_nitems)
			return scn__err(c, line, 1, 8,
					"e.g. schedule A:iomap_zero_range B:* jbd2:commit A:*",
					"schedule has no items");
		break;
	}
	return 0;
}

/* One operation of a setup or thread block. */
static int scn_block_op(struct scn_ctx *c, struct scn_cur *u, struct scn_op **ops,
			uint32_t *n, uint32_t *cap, const char *owner)
{
	struct scn_op *op;
	void *grown;

	if (*n >= SCN_MAX_OPS) {
		scn__skip_ws(u);
		return scn__err_at(u, u->u_pos, 1, NULL,
				   "too many operations in %s; the limit is %u (SCN_MAX_OPS)", owner,
				   SCN_MAX_OPS);
	}
	grown = scn__grow(*ops, cap, *n, sizeof(**ops));
	if (!grown)
		return scn__oom(c);
	*ops = grown;
	op = &(*ops)[*n];
	memset(op, 0, sizeof(*op));
	if (scn__parse_op(u, op))
		return -1;
	(*n)++;
	return scn__take_comment(c, &op->o_comment);
}

static int scn_indented_line(struct scn_ctx *c, struct scn_cur *u)
{
	struct scn_file *f = c->c_file;
	struct scn_thread *t;
	char owner[SCN_MAX_NAME + 16];

	switch (c->c_block) {
	case SCN_BLK_NONE:
		scn__skip_ws(u);
		return scn__err_at(u, u->u_pos, 1,
				   "only the lines under setup, thread, race and schedule are indented",
				   "unexpected indented line");
	case SCN_BLK_SETUP:
		return scn_block_op(c, u, &f->f_setup_ops, &f->f_setup_nops, &f->f_setup_cap,
				    "setup");
	case SCN_BLK_THREAD:
		t = &f->f_threads[f->f_nthreads - 1];
		snprintf(owner, sizeof(owner), "thread '%s'", t->t_name);
		return scn_block_op(c, u, &t->t_ops, &t->t_nops, &t->t_cap, owner);
	case SCN_BLK_RACE:
		scn_drop_comment(c);
		return scn__race_row(c, u->u_line);
	case SCN_BLK_SCHEDULE:
		scn_drop_comment(c);
		return scn__schedule_items(u);
	}
	return 0;
}

static int scn_top_line(struct scn_ctx *c, struct scn_cur *u)
{
	char kw[SCN_MAX_NAME + 1];

	if (scn_end_block(c))
		return -1;
	c->c_any_item = true;
	if (scn__word(u, kw, "a section keyword (scenario, fs, thread, race, ...)"))
		return -1;
	return scn__parse_section(c, u, kw);
}

static int scn_line(struct scn_ctx *c, uint32_t line)
{
	const struct scn_line *l = &c->c_lines[line - 1];
	const char *s = c->c_text + l->l_off;
	uint32_t i = 0;
	struct scn_cur u;

	while (i < l->l_len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == l->l_len)
		return scn_blank_line(c);
	if (s[i] == '#')
		return scn_comment_line(c, s, i, l->l_len);
	if (c->c_header_phase && scn__take_comment(c, &c->c_file->f_header))
		return -1;
	c->c_header_phase = false;
	scn__cur_init(&u, c, line);
	if (i > 0)
		return scn_indented_line(c, &u);
	return scn_top_line(c, &u);
}

static void scn_default_name(struct scn_file *f, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".scn"))
		n -= 4;
	if (n > SCN_MAX_NAME)
		n = SCN_MAX_NAME;
	memcpy(f->f_default_name, base, n);
	f->f_default_name[n] = '\0';
}

/* The first printed line's comment would merge with the header when printed. */
static void scn_normalise(struct scn_file *f)
{
	char **first = f->f_scenario.present ? &f->f_scenario.comment : &f->f_fs.comment;

	if (*first && !f->f_header) {
		f->f_header = *first;
		*first = NULL;
		f->f_header_blank = false;
	} else if (*first) {
		f->f_header_blank = true;
	}
}

/* The canonical form must itself be a valid input: within the size limit. */
static int scn_check_printed(struct scn_ctx *c)
{
	char *text = scn_print_str(c->c_file);
	size_t n;

	if (!text)
		return scn__oom(c);
	n = strlen(text);
	free(text);
	if (n > SCN_MAX_FILE_BYTES)
		return scn__err(c, 1, 1, 1,
				"race diagrams pad every row to the column widths; use fewer rows or a schedule",
				"the canonical form of this scenario is %zu bytes, over the limit of %u (SCN_MAX_FILE_BYTES)",
				n, SCN_MAX_FILE_BYTES);
	return 0;
}

static int scn_parse_text(struct scn_ctx *c)
{
	if (c->c_len > SCN_MAX_FILE_BYTES)
		return scn__err(c, 1, 1, 1, NULL,
				"file is %zu bytes; the limit is %u (SCN_MAX_FILE_BYTES)", c->c_len,
				SCN_MAX_FILE_BYTES);
	if (scn__split_lines(c))
		return -1;
	for (uint32_t line = 1; line <= c->c_nlines; line++)
		if (scn_line(c, line))
			return -1;
	if (scn_end_block(c))
		return -1;
	if (!c->c_any_item)
		return scn__err(c, 1, 1, 1,
				"a scenario needs at least 'fs PROFILE ...' and an 'expect' line",
				"empty scenario");
	if (scn__take_comment(c, &c->c_file->f_trailer))
		return -1;
	if (scn__validate(c))
		return -1;
	scn_normalise(c->c_file);
	return scn_check_printed(c);
}

int scn_parse(const char *path, const char *text, size_t len,
	      const struct scn_vocab *vocab, struct scn_file **out,
	      struct scn_diag *diag)
{
	struct scn_diag local;
	struct scn_ctx c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.c_path = path ? path : "<input>";
	c.c_text = text ? text : "";
	c.c_len = text ? len : 0;
	c.c_vocab = vocab;
	c.c_diag = diag ? diag : &local;
	c.c_header_phase = true;
	memset(c.c_diag, 0, sizeof(*c.c_diag));
	if (out)
		*out = NULL;
	c.c_file = calloc(1, sizeof(*c.c_file));
	if (!c.c_file)
		return scn__oom(&c);
	scn_default_name(c.c_file, c.c_path);
	ret = scn_parse_text(&c);
	free(c.c_lines);
	scn__buf_free(&c.c_pending);
	if (ret || !out)
		scn_free(c.c_file);
	else
		*out = c.c_file;
	return ret ? -1 : 0;
}
