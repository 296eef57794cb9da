/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/lex.c - lines, the line cursor, words, numbers, durations.
 *
 * The language is line oriented. scn__split_lines() cuts the text into lines
 * (LF or CR LF; a lone CR, a NUL byte, an over-long line are errors) and
 * records offsets only: the text is never copied and never assumed to be
 * NUL-terminated. A cursor walks one line's code: the part before a '#' that
 * is not inside a "string", without trailing blanks.
 *
 * Columns in errors are 1-based byte columns. Indentation (race cells) is
 * measured in display columns with tab stops every 8.
 */
#include <stdio.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

static int scn_push_line(struct scn_ctx *c, size_t off, size_t len)
{
	void *grown;

	grown = scn__grow(c->c_lines, &c->c_lines_cap, c->c_nlines, sizeof(*c->c_lines));
	if (!grown)
		return scn__oom(c);
	c->c_lines = grown;
	c->c_lines[c->c_nlines].l_off = (uint32_t)off;
	c->c_lines[c->c_nlines].l_len = (uint32_t)len;
	c->c_nlines++;
	if (c->c_nlines > SCN_MAX_LINES)
		return scn__err(c, c->c_nlines, 1, 1, NULL,
				"too many lines; the limit is %u (SCN_MAX_LINES)", SCN_MAX_LINES);
	return 0;
}

/* Bytes a line may not hold: NUL and a CR that does not end the line. */
static int scn_check_line_bytes(struct scn_ctx *c, uint32_t line)
{
	const struct scn_line *l = &c->c_lines[line - 1];
	const char *s = c->c_text + l->l_off;

	for (uint32_t i = 0; i < l->l_len; i++) {
		if (s[i] == '\0')
			return scn__err(c, line, i + 1, 1, NULL, "NUL byte in the text");
		if (s[i] == '\r')
			return scn__err(c, line, i + 1, 1,
					"lines end with LF or CR LF",
					"carriage return inside a line");
	}
	if (l->l_len > SCN_MAX_LINE)
		return scn__err(c, line, SCN_MAX_LINE + 1, 1, NULL,
				"line is %u bytes long; the limit is %u (SCN_MAX_LINE)",
				l->l_len, SCN_MAX_LINE);
	return 0;
}

int scn__split_lines(struct scn_ctx *c)
{
	size_t i = 0;

	while (i < c->c_len) {
		const char *nl = memchr(c->c_text + i, '\n', c->c_len - i);
		size_t end = nl ? (size_t)(nl - c->c_text) : c->c_len;
		size_t next = nl ? end + 1 : c->c_len;

		if (end > i && c->c_text[end - 1] == '\r')
			end--;
		if (scn_push_line(c, i, end - i))
			return -1;
		if (scn_check_line_bytes(c, c->c_nlines))
			return -1;
		i = next;
	}
	return 0;
}

/* End of the code on a line: a '#' outside a string starts a comment. */
static uint32_t scn_code_end(const char *s, uint32_t len)
{
	bool in_str = false;
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '"')
				in_str = false;
		} else if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '#') {
			break;
		}
	}
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	return i;
}

void scn__cur_init(struct scn_cur *u, struct scn_ctx *c, uint32_t line)
{
	const struct scn_line *l = &c->c_lines[line - 1];

	memset(u, 0, sizeof(*u));
	u->u_ctx = c;
	u->u_s = c->c_text + l->l_off;
	u->u_line = line;
	u->u_end = scn_code_end(u->u_s, l->l_len);
}

void scn__cur_range(struct scn_cur *u, uint32_t pos, uint32_t end)
{
	u->u_pos = pos;
	u->u_end = end;
	while (u->u_end > u->u_pos && (u->u_s[u->u_end - 1] == ' ' || u->u_s[u->u_end - 1] == '\t'))
		u->u_end--;
}

void scn__skip_ws(struct scn_cur *u)
{
	while (u->u_pos < u->u_end && (u->u_s[u->u_pos] == ' ' || u->u_s[u->u_pos] == '\t'))
		u->u_pos++;
}

bool scn__eol(struct scn_cur *u)
{
	scn__skip_ws(u);
	return u->u_pos >= u->u_end;
}

bool scn__peek(const struct scn_cur *u, char ch)
{
	return u->u_pos < u->u_end && u->u_s[u->u_pos] == ch;
}

bool scn__is_word_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '+' || ch == '.';
}

int scn__word(struct scn_cur *u, char *out, const char *what)
{
	uint32_t start;
	char desc[32];

	scn__skip_ws(u);
	start = u->u_pos;
	while (u->u_pos < u->u_end && scn__is_word_char((unsigned char)u->u_s[u->u_pos]))
		u->u_pos++;
	u->u_tok = start;
	u->u_tok_len = u->u_pos - start;
	if (u->u_tok_len == 0) {
		if (start >= u->u_end)
			return scn__err_at(u, start, 1, NULL, "expected %s", what);
		scn__char_desc(desc, sizeof(desc), (unsigned char)u->u_s[start]);
		return scn__err_at(u, start, 1, NULL, "expected %s, found %s", what, desc);
	}
	if (u->u_tok_len > SCN_MAX_NAME)
		return scn__err_tok(u, NULL, "%s is %u bytes long; the limit is %u (SCN_MAX_NAME)",
				    what, u->u_tok_len, SCN_MAX_NAME);
	memcpy(out, u->u_s + start, u->u_tok_len);
	out[u->u_tok_len] = '\0';
	return 0;
}

/* A step name: a word, or "pcsim:" and a word for a step that is the
 * model's own (no kernel function of that name; docs/model.md section 2). */
int scn__step_word(struct scn_cur *u, char *out, const char *what)
{
	uint32_t start, n;

	if (scn__word(u, out, what))
		return -1;
	start = u->u_tok;
	if (strcmp(out, SCN_MODEL_STEP_PREFIX_WORD) || u->u_pos + 1 >= u->u_end ||
	    u->u_s[u->u_pos] != ':' || !scn__is_word_char((unsigned char)u->u_s[u->u_pos + 1]))
		return 0;
	u->u_pos++;
	if (scn__word(u, out, what))
		return -1;
	n = u->u_pos - start;
	if (n > SCN_MAX_NAME)
		return scn__err_at(u, start, n, NULL, "%s is %u bytes long; the limit is %u (SCN_MAX_NAME)",
				   what, n, SCN_MAX_NAME);
	memcpy(out, u->u_s + start, n);
	out[n] = '\0';
	u->u_tok = start;
	u->u_tok_len = n;
	return 0;
}

int scn__knob(struct scn_cur *u, struct scn_knob *k)
{
	uint32_t start;

	if (scn__word(u, k->k_name, "KNOB=VALUE"))
		return -1;
	start = u->u_tok;
	k->k_pos.line = u->u_line;
	k->k_pos.col = start + 1;
	if (!scn__peek(u, '='))
		return scn__err_tok(u, NULL, "expected KNOB=VALUE, found '%s' without '='",
				    k->k_name);
	u->u_pos++;
	if (u->u_pos >= u->u_end || !scn__is_word_char((unsigned char)u->u_s[u->u_pos]))
		return scn__err_at(u, u->u_pos, 1, NULL, "expected a value after '%s='",
				   k->k_name);
	if (scn__word(u, k->k_value, "a knob value"))
		return -1;
	return 0;
}

int scn__string(struct scn_cur *u, char *out, size_t cap)
{
	uint32_t start, i;
	size_t n = 0;

	scn__skip_ws(u);
	start = u->u_pos;
	if (!scn__peek(u, '"'))
		return scn__err_at(u, start, 1, NULL, "expected a \"quoted label\"");
	for (i = start + 1; i < u->u_end; i++) {
		unsigned char ch = (unsigned char)u->u_s[i];

		if (ch == '"')
			break;
		if (ch == '\\') {
			if (i + 1 >= u->u_end || (u->u_s[i + 1] != '"' && u->u_s[i + 1] != '\\'))
				return scn__err_at(u, i, 2, "escapes are \\\" and \\\\",
						   "unknown escape in a label");
			ch = (unsigned char)u->u_s[++i];
		} else if (ch < 0x20 && ch != '\t') {
			return scn__err_at(u, i, 1, NULL, "control character in a label");
		} else if (ch == 0x7f) {
			return scn__err_at(u, i, 1, NULL, "control character in a label");
		}
		if (n >= cap - 1)
			return scn__err_at(u, start, i - start + 1, NULL,
					   "label is longer than %zu bytes (SCN_MAX_LABEL)", cap - 1);
		out[n++] = (char)ch;
	}
	if (i >= u->u_end)
		return scn__err_at(u, start, 1, "a label ends with '\"' on the same line",
				   "unterminated string");
	out[n] = '\0';
	u->u_tok = start;
	u->u_tok_len = i + 1 - start;
	u->u_pos = i + 1;
	return 0;
}

int scn__expect_end(struct scn_cur *u, const char *after)
{
	uint32_t start, end;

	if (scn__eol(u))
		return 0;
	start = u->u_pos;
	end = start;
	while (end < u->u_end && u->u_s[end] != ' ' && u->u_s[end] != '\t')
		end++;
	return scn__err_at(u, start, end - start, NULL, "unexpected '%.*s' after %s",
			   (int)(end - start), u->u_s + start, after);
}

static int scn_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Digits of w from *i on, in base 10 or 16; stops at the first non-digit. */
static int scn_digits(const char *w, size_t *i, unsigned base, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;
	int d;

	while ((d = scn_hex(w[*i])) >= 0 && (unsigned)d < base) {
		if (x > ((1ull << 62) - (unsigned)d) / base)
			return -2;
		x = x * base + (unsigned)d;
		(*i)++;
	}
	*v = x;
	return *i > start ? 0 : -1;
}

int scn__number(const char *w, uint64_t *v, enum scn_style *style)
{
	enum scn_style st = SCN_STYLE_DEC;
	size_t i = 0;
	unsigned base = 10;
	uint64_t x, mul = 1;
	int r;

	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		base = 16;
		i = 2;
		st = SCN_STYLE_HEX;
	}
	r = scn_digits(w, &i, base, &x);
	if (r)
		return r;
	if (w[i] == 'k' || w[i] == 'K')
		mul = 1024, i++, st = SCN_STYLE_K;
	else if (w[i] == 'm' || w[i] == 'M')
		mul = 1024 * 1024, i++, st = SCN_STYLE_M;
	if (w[i] != '\0')
		return -1;
	if (x > (1ull << 62) / mul)
		return -2;
	*v = x * mul;
	if (style)
		*style = st;
	return 0;
}

int scn__duration(const char *w, uint64_t *ns, enum scn_style *style)
{
	static const struct {
		const char *unit;
		uint64_t ns;
		enum scn_style style;
	} units[] = {
		{ "ns", 1, SCN_STYLE_NS }, { "us", 1000, SCN_STYLE_US },
		{ "ms", 1000000, SCN_STYLE_MS }, { "s", 1000000000, SCN_STYLE_S },
	};
	size_t i = 0;
	uint64_t x;
	int r = scn_digits(w, &i, 10, &x);

	if (r)
		return r;
	if (w[i] == '\0')
		return -3;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (strcmp(w + i, units[u].unit))
			continue;
		if (x > SCN_MAX_DURATION_NS / units[u].ns)
			return -2;
		*ns = x * units[u].ns;
		if (style)
			*style = units[u].style;
		return 0;
	}
	return -1;
}

int scn__read_number(struct scn_cur *u, const char *what, uint64_t max, uint64_t *v,
		     enum scn_style *style)
{
	char w[SCN_MAX_NAME + 1], lim[24];
	int r;

	if (scn__word(u, w, what))
		return -1;
	r = scn__number(w, v, style);
	if (r == -1)
		return scn__err_tok(u, "expected a decimal or 0x hex number, optionally with a k or m suffix (x1024, x1048576)",
				    "bad number '%s' for %s", w, what);
	scn__fmt_bytes(lim, sizeof(lim), max, SCN_STYLE_AUTO);
	if (r == -2 || *v > max)
		return scn__err_tok(u, NULL, "%s %s is over the limit of %s", what, w, lim);
	return 0;
}

int scn__read_duration(struct scn_cur *u, const char *what, uint64_t *ns, enum scn_style *style)
{
	char w[SCN_MAX_NAME + 1];
	int r;

	if (scn__word(u, w, what))
		return -1;
	r = scn__duration(w, ns, style);
	if (r == -3)
		return scn__err_tok(u, "units are ns, us, ms and s, e.g. 31s or 5ms",
				    "duration '%s' needs a unit", w);
	if (r == -1)
		return scn__err_tok(u, "expected a decimal number and a unit: ns, us, ms or s (e.g. 31s, 5ms)",
				    "bad duration '%s' for %s", w, what);
	if (r == -2)
		return scn__err_tok(u, NULL, "%s %s is over the limit of one hour (3600s)", what, w);
	return 0;
}

int scn__check_name(struct scn_cur *u, const char *w, const char *what)
{
	const char *p;

	for (p = w; *p; p++)
		if (*p == '+')
			break;
	if (*p || w[0] == '-' || w[0] == '.')
		return scn__err_tok(u, "names use letters, digits, '_', '-' and '.', and start with a letter, digit or '_'",
				    "bad %s '%s'", what, w);
	return 0;
}

int scn__check_file(struct scn_cur *u, const char *w)
{
	for (const char *p = w; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return scn__err_tok(u, "file names use a-z, 0-9, '_' and '-'",
					    "bad file name '%s'", w);
	return 0;
}

uint32_t scn__vcol(const char *s, uint32_t upto)
{
	uint32_t col = 0;

	for (uint32_t i = 0; i < upto; i++)
		col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

void scn__fmt_bytes(char *buf, size_t size, uint64_t v, enum scn_style style)
{
	const uint64_t k = 1024, m = 1024 * 1024;

	if (style == SCN_STYLE_HEX)
		snprintf(buf, size, "0x%llx", (unsigned long long)v);
	else if (style == SCN_STYLE_DEC)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else if (style == SCN_STYLE_K && v % k == 0)
		snprintf(buf, size, "%lluk", (unsigned long long)(v / k));
	else if (style == SCN_STYLE_M && v % m == 0)
		snprintf(buf, size, "%llum", (unsigned long long)(v / m));
	else if (v && v % m == 0)
		snprintf(buf, size, "%llum", (unsigned long long)(v / m));
	else if (v && v % k == 0)
		snprintf(buf, size, "%lluk", (unsigned long long)(v / k));
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

void scn__fmt_duration(char *buf, size_t size, uint64_t ns, enum scn_style style)
{
	static const struct {
		enum scn_style style;
		uint64_t ns;
		const char *unit;
	} units[] = {
		{ SCN_STYLE_S, 1000000000, "s" }, { SCN_STYLE_MS, 1000000, "ms" },
		{ SCN_STYLE_US, 1000, "us" }, { SCN_STYLE_NS, 1, "ns" },
	};
	size_t i;

	for (i = 0; i < 4; i++)	/* the unit it was written in, if it divides */
		if (units[i].style == style && ns % units[i].ns == 0)
			break;
	if (i == 4)		/* else the largest unit that divides */
		for (i = 0; i < 3 && ns % units[i].ns; i++)
			;
	snprintf(buf, size, "%llu%s", (unsigned long long)(ns / units[i].ns), units[i].unit);
}
