/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/diag.c - user errors: one precise message per failed parse.
 *
 *   scenarios/x.scn:3:15: error: unknown knob 'zero_oef' for profile ext4-iomap; did you mean 'zero_eof'?
 *       3 | fs ext4-iomap zero_oef=wait
 *         |               ^~~~~~~~
 *   note: known knobs for ext4-iomap: blocksize, zero_eof, ...
 *
 * Suggestions come from the optimal-string-alignment edit distance (a swap of
 * two neighbours counts 1), at most 2 and at most half the candidate's length.
 * Also here: the growable text buffer shared with the printer.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

/* ---- text buffer ---- */

static bool scn_buf_reserve(struct scn_buf *b, size_t more)
{
	size_t cap;
	char *n;

	if (b->b_oom)
		return false;
	if (b->b_len + more + 1 <= b->b_cap)
		return true;
	cap = b->b_cap ? b->b_cap : 256;
	while (cap < b->b_len + more + 1)
		cap *= 2;
	n = realloc(b->b_text, cap);
	if (!n) {
		b->b_oom = true;
		return false;
	}
	b->b_text = n;
	b->b_cap = cap;
	return true;
}

void scn__buf_put(struct scn_buf *b, const char *s, size_t n)
{
	if (!scn_buf_reserve(b, n))
		return;
	memcpy(b->b_text + b->b_len, s, n);
	b->b_len += n;
	b->b_text[b->b_len] = '\0';
}

void scn__buf_puts(struct scn_buf *b, const char *s)
{
	scn__buf_put(b, s, strlen(s));
}

void scn__buf_spaces(struct scn_buf *b, size_t n)
{
	if (!scn_buf_reserve(b, n))
		return;
	memset(b->b_text + b->b_len, ' ', n);
	b->b_len += n;
	b->b_text[b->b_len] = '\0';
}

void scn__buf_printf(struct scn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->b_oom = true;
		return;
	}
	if (!scn_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->b_text + b->b_len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->b_len += (size_t)n;
}

void scn__buf_rtrim(struct scn_buf *b)
{
	while (b->b_len > 0 && b->b_text[b->b_len - 1] == ' ')
		b->b_text[--b->b_len] = '\0';
}

char *scn__buf_take(struct scn_buf *b)
{
	char *t;

	if (b->b_oom || !scn_buf_reserve(b, 0)) {
		scn__buf_free(b);
		return NULL;
	}
	t = b->b_text;
	memset(b, 0, sizeof(*b));
	return t;
}

void scn__buf_free(struct scn_buf *b)
{
	free(b->b_text);
	memset(b, 0, sizeof(*b));
}

void *scn__grow(void *arr, uint32_t *cap, uint32_t n, size_t elem)
{
	uint32_t ncap;
	char *p;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 4;
	p = realloc(arr, (size_t)ncap * elem);
	if (!p)
		return NULL;
	memset(p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*cap = ncap;
	return p;
}

/* ---- the error ---- */

static void scn_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			*s = '?';
		else if ((unsigned char)*s == 0x7f)
			*s = '?';
}

static void scn_diag_source(struct scn_ctx *c, uint32_t line)
{
	struct scn_diag *d = c->c_diag;
	const struct scn_line *l;
	uint32_t n;

	if (line == 0 || line > c->c_nlines)
		return;
	l = &c->c_lines[line - 1];
	n = l->l_len > SCN_MAX_LINE ? SCN_MAX_LINE : l->l_len;
	memcpy(d->d_source, c->c_text + l->l_off, n);
	d->d_source[n] = '\0';
	for (uint32_t i = 0; i < n; i++)
		if (d->d_source[i] == '\0')
			d->d_source[i] = '?';
	scn_sanitize(d->d_source);
	d->d_has_source = true;
}

static int scn_verr(struct scn_ctx *c, uint32_t line, uint32_t col, uint32_t len,
		    const char *note, const char *fmt, va_list ap) SCN__PRINTF(6, 0);

static int scn_verr(struct scn_ctx *c, uint32_t line, uint32_t col, uint32_t len,
		    const char *note, const char *fmt, va_list ap)
{
	struct scn_diag *d = c->c_diag;

	memset(d, 0, sizeof(*d));
	snprintf(d->d_path, sizeof(d->d_path), "%s", c->c_path);
	d->d_line = line;
	d->d_col = col ? col : 1;
	d->d_len = len ? len : 1;
	vsnprintf(d->d_message, sizeof(d->d_message), fmt, ap);
	scn_sanitize(d->d_message);
	if (note) {
		snprintf(d->d_note, sizeof(d->d_note), "%s", note);
		scn_sanitize(d->d_note);
	}
	scn_diag_source(c, line);
	return -1;
}

int scn__err(struct scn_ctx *c, uint32_t line, uint32_t col, uint32_t len,
	     const char *note, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verr(c, line, col, len, note, fmt, ap);
	va_end(ap);
	return -1;
}

int scn__err_tok(struct scn_cur *u, const char *note, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verr(u->u_ctx, u->u_line, u->u_tok + 1, u->u_tok_len, note, fmt, ap);
	va_end(ap);
	return -1;
}

int scn__err_at(struct scn_cur *u, uint32_t pos, uint32_t len, const char *note,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verr(u->u_ctx, u->u_line, pos + 1, len, note, fmt, ap);
	va_end(ap);
	return -1;
}

int scn__oom(struct scn_ctx *c)
{
	return scn__err(c, 0, 0, 0, NULL, "out of memory");
}

void scn__char_desc(char *buf, size_t size, unsigned char ch)
{
	if (ch > 0x20 && ch < 0x7f)
		snprintf(buf, size, "'%c'", ch);
	else
		snprintf(buf, size, "byte 0x%02x", ch);
}

/* ---- suggestions ---- */

/* Optimal string alignment distance, stopping early above 2. */
static unsigned scn_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[3][SCN_MAX_NAME + 2];

	if (la > SCN_MAX_NAME || lb > SCN_MAX_NAME)
		return 99;
	if ((la > lb ? la - lb : lb - la) > 2)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = row[i % 3], *prev = row[(i - 1) % 3], *pp = row[(i + 1) % 3];

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	return row[la % 3][lb];
}

const char *scn__suggest(const char *word, const char *const *names)
{
	const char *best = NULL;
	unsigned best_d = 3;

	if (!names)
		return NULL;
	for (size_t i = 0; names[i]; i++) {
		unsigned d = scn_distance(word, names[i]);

		if (d < best_d && d * 2 <= strlen(names[i])) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

const char *scn_suggest(const char *word, const char *const *names)
{
	return scn__suggest(word, names);
}

void scn__did_you_mean(char *buf, size_t size, const char *word, const char *const *names)
{
	const char *s = scn__suggest(word, names);

	if (s)
		snprintf(buf, size, "; did you mean '%s'?", s);
	else if (size)
		buf[0] = '\0';
}

void scn__note_list(char *buf, size_t size, const char *prefix, const char *const *names)
{
	size_t n;
	int w;

	w = snprintf(buf, size, "%s:", prefix);
	if (w < 0 || (size_t)w >= size)
		return;
	n = (size_t)w;
	for (size_t i = 0; names && names[i]; i++) {
		size_t need = strlen(names[i]) + 2;

		if (n + need + 5 > size) {
			snprintf(buf + n, size - n, " ...");
			return;
		}
		w = snprintf(buf + n, size - n, "%s %s", i ? "," : "", names[i]);
		if (w < 0)
			return;
		n += (size_t)w;
	}
	if (!names || !names[0])
		snprintf(buf + n, size - n, " (none)");
}

/* ---- printing a diagnostic ---- */

char *scn_diag_str(const struct scn_diag *d)
{
	struct scn_buf b = { 0 };
	const char *path = d->d_path[0] ? d->d_path : "<input>";

	if (d->d_line)
		scn__buf_printf(&b, "%s:%u:%u: error: %s\n", path, d->d_line, d->d_col,
				d->d_message);
	else
		scn__buf_printf(&b, "%s: error: %s\n", path, d->d_message);
	if (d->d_has_source) {
		size_t n = strlen(d->d_source), col = d->d_col - 1, len = d->d_len;

		scn__buf_printf(&b, "%5u | %s\n      | ", d->d_line, d->d_source);
		for (size_t i = 0; i < col; i++)
			scn__buf_put(&b, i < n && d->d_source[i] == '\t' ? "\t" : " ", 1);
		scn__buf_put(&b, "^", 1);
		for (size_t i = 1; i < len && col + i < n; i++)
			scn__buf_put(&b, "~", 1);
		scn__buf_put(&b, "\n", 1);
	}
	if (d->d_note[0])
		scn__buf_printf(&b, "note: %s\n", d->d_note);
	return scn__buf_take(&b);
}

void scn_diag_print(const struct scn_diag *d, FILE *out)
{
	char *s = scn_diag_str(d);

	if (s) {
		fputs(s, out);
		free(s);
	} else {
		fprintf(out, "%s: error: %s\n", d->d_path, d->d_message);
	}
}
