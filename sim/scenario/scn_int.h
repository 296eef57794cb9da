/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/scn_int.h - private to sim/scenario: the parse context, the
 * line cursor, the growable text buffer, the language tables.
 *
 * Names shared between the files of this module carry "scn__".
 */
#ifndef PCSIM_SCN_INT_H
#define PCSIM_SCN_INT_H

#include <stdarg.h>

#include "sim/scenario/scenario.h"

#if defined(__GNUC__)
#define SCN__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SCN__PRINTF(a, b)
#endif

/* ---- growable text (print.c, diag.c) ---- */
struct scn_buf {
	char *b_text;
	size_t b_len, b_cap;
	bool b_oom;		/* sticky: an append failed */
};

void scn__buf_put(struct scn_buf *b, const char *s, size_t n);
void scn__buf_puts(struct scn_buf *b, const char *s);
void scn__buf_spaces(struct scn_buf *b, size_t n);
void scn__buf_printf(struct scn_buf *b, const char *fmt, ...) SCN__PRINTF(2, 3);
/* Drop trailing spaces of the last line. */
void scn__buf_rtrim(struct scn_buf *b);
/* The NUL-terminated text (ownership to the caller), or NULL after an OOM. */
char *scn__buf_take(struct scn_buf *b);
void scn__buf_free(struct scn_buf *b);

/* ---- arrays ---- */
/* Room for element n of arr (capacity *cap, updated): arr or its moved copy,
 * or NULL when out of memory (arr is then unchanged and still owned). */
void *scn__grow(void *arr, uint32_t *cap, uint32_t n, size_t elem);

/* ---- the parse context ---- */
struct scn_line {
	uint32_t l_off;		/* byte offset in the text */
	uint32_t l_len;		/* without LF / CR LF */
};

enum scn_block { SCN_BLK_NONE, SCN_BLK_SETUP, SCN_BLK_THREAD, SCN_BLK_RACE, SCN_BLK_SCHEDULE };

struct scn_ctx {
	const char *c_path;
	const char *c_text;
	size_t c_len;
	struct scn_line *c_lines;
	uint32_t c_nlines, c_lines_cap;
	const struct scn_vocab *c_vocab;
	struct scn_diag *c_diag;
	struct scn_file *c_file;

	/* parser state */
	enum scn_block c_block;
	uint32_t c_block_line;		/* line of the block's header */
	uint32_t c_race_header;		/* race: header row seen (its line) */
	uint32_t c_race_indent[SCN_MAX_COLUMNS];	/* header cell indents */
	struct scn_buf c_pending;	/* comment lines waiting for an item */
	bool c_has_pending;
	bool c_header_phase;		/* nothing but comments/blank lines so far */
	bool c_any_item;
};

/* A cursor over one line's code (comment and trailing blanks cut off). */
struct scn_cur {
	struct scn_ctx *u_ctx;
	const char *u_s;		/* line start */
	uint32_t u_line;		/* 1-based */
	uint32_t u_pos, u_end;		/* byte offsets in the line */
	uint32_t u_tok, u_tok_len;	/* last token read */
};

/* ---- errors (diag.c) ---- */
/* Set the one error and return -1. note may be NULL. */
int scn__err(struct scn_ctx *c, uint32_t line, uint32_t col, uint32_t len,
	     const char *note, const char *fmt, ...) SCN__PRINTF(6, 7);
/* The same at the last token of cur. */
int scn__err_tok(struct scn_cur *u, const char *note, const char *fmt, ...) SCN__PRINTF(3, 4);
/* At byte pos of cur's line. */
int scn__err_at(struct scn_cur *u, uint32_t pos, uint32_t len, const char *note,
		const char *fmt, ...) SCN__PRINTF(5, 6);
int scn__oom(struct scn_ctx *c);
/* The closest name within edit distance 2, or NULL. */
const char *scn__suggest(const char *word, const char *const *names);
/* "; did you mean 'x'?" or "" into buf. */
void scn__did_you_mean(char *buf, size_t size, const char *word, const char *const *names);
/* "PREFIX: a, b, c" into buf (cut with "..." when long). */
void scn__note_list(char *buf, size_t size, const char *prefix, const char *const *names);
/* Text for one byte in a message: "'x'" or "byte 0x01". */
void scn__char_desc(char *buf, size_t size, unsigned char ch);

/* ---- lexer (lex.c) ---- */
int scn__split_lines(struct scn_ctx *c);
void scn__cur_init(struct scn_cur *u, struct scn_ctx *c, uint32_t line);
/* Limit the cursor to [pos, end) of its line (a race cell). */
void scn__cur_range(struct scn_cur *u, uint32_t pos, uint32_t end);
void scn__skip_ws(struct scn_cur *u);
bool scn__eol(struct scn_cur *u);
bool scn__peek(const struct scn_cur *u, char ch);
bool scn__is_word_char(unsigned char ch);
/* Read a word (letters, digits, _ - + .) into out[SCN_MAX_NAME + 1]. */
int scn__word(struct scn_cur *u, char *out, const char *what);
/* "pcsim:" + word: a step that is the model's own. */
#define SCN_MODEL_STEP_PREFIX_WORD "pcsim"
int scn__step_word(struct scn_cur *u, char *out, const char *what);
/* Read "KNOB=VALUE". */
int scn__knob(struct scn_cur *u, struct scn_knob *k);
/* Read a "quoted label". */
int scn__string(struct scn_cur *u, char *out, size_t cap);
int scn__expect_end(struct scn_cur *u, const char *after);
/* 0 ok; -1 not a number; -2 too large. style may be NULL. */
int scn__number(const char *w, uint64_t *v, enum scn_style *style);
/* 0 ok; -1 not a duration; -2 too large; -3 a number without a unit */
int scn__duration(const char *w, uint64_t *ns, enum scn_style *style);
/* Read a number/duration word with a limit, with the errors. */
int scn__read_number(struct scn_cur *u, const char *what, uint64_t max, uint64_t *v,
		     enum scn_style *style);
int scn__read_duration(struct scn_cur *u, const char *what, uint64_t *ns,
		       enum scn_style *style);
/* Name checks on the last token: letters digits _ - . (first not - or .) */
int scn__check_name(struct scn_cur *u, const char *w, const char *what);
int scn__check_file(struct scn_cur *u, const char *w);
uint32_t scn__vcol(const char *s, uint32_t upto);
void scn__fmt_bytes(char *buf, size_t size, uint64_t v, enum scn_style style);
void scn__fmt_duration(char *buf, size_t size, uint64_t ns, enum scn_style style);

/* ---- the language's tables (lang.c) ---- */
enum scn_arg { SCN_ARG_FILE, SCN_ARG_OFF, SCN_ARG_LEN, SCN_ARG_SIZE, SCN_ARG_DURATION };

struct scn_flag_desc {
	const char *fd_name;
	uint32_t fd_bit;
};

struct scn_op_desc {
	const char *od_name;
	const char *od_usage;		/* "pwrite FILE OFF LEN [...]" */
	uint8_t od_nargs;
	enum scn_arg od_args[3];
	uint8_t od_nflags;
	struct scn_flag_desc od_flags[5];	/* in canonical print order */
	uint32_t od_exclusive;		/* at most one of these flags */
	bool od_data;			/* takes data=PATTERN */
	bool od_len_nonzero;		/* LEN must be >= 1 */
};

extern const char *const scn__op_names[];		/* NULL-terminated */
extern const char *const scn__invariant_names[];
extern const char *const scn__section_names[];
extern const char *const scn__kernel_task_names[];	/* flusher jbd2 endio disk */
const struct scn_op_desc *scn__op_desc(enum scn_op_kind k);
int scn__op_lookup(const char *w);			/* -1 if unknown */
int scn__invariant_lookup(const char *w);
/* Kernel task kind for a name, or SCN_TASK_NONE. */
enum scn_task_kind scn__kernel_task(const char *w);
bool scn__name_in(const char *w, const char *const *names);

/* ---- parts of the parser ---- */
int scn__parse_op(struct scn_cur *u, struct scn_op *op);		/* parse_op.c */
int scn__parse_expect(struct scn_cur *u, struct scn_expect *e);	/* parse_op.c */
int scn__race_row(struct scn_ctx *c, uint32_t line);			/* parse_sched.c */
int scn__schedule_items(struct scn_cur *u);				/* parse_sched.c */
int scn__parse_section(struct scn_ctx *c, struct scn_cur *u, const char *kw);	/* parse_sect.c */
int scn__validate(struct scn_ctx *c);					/* validate.c */
int scn__validate_sched(struct scn_ctx *c, const struct scn_knob *const *sets,
			const uint32_t *nset, uint32_t nsets);		/* validate_sched.c */
/* Is step produced by (kind, op) under any of the knob sets? Fills note. */
bool scn__step_known(struct scn_ctx *c, const struct scn_knob *const *sets,
		     const uint32_t *nset, uint32_t nsets, const char *kind,
		     const struct scn_op *op, const char *step, char *note, size_t note_size,
		     char *dym, size_t dym_size);

/* ---- tree helpers (ast.c) ---- */
/* Race columns as printed: the header's, then tasks of items not in it. */
#define SCN_RACE_COLUMNS 24
uint32_t scn__race_columns(const struct scn_file *f, const char **names);
/* The operation's text; kw_width > 0 pads the keyword to that many columns. */
void scn__op_text(struct scn_buf *b, const struct scn_op *op, size_t kw_width);
/* Attach the pending comment (or NULL); returns 0 or -1 on OOM. */
int scn__take_comment(struct scn_ctx *c, char **dst);

#endif /* PCSIM_SCN_INT_H */
