/* SPDX-License-Identifier: MIT */
/*
 * sim/report/sbuf.c - a growing text buffer for the report writers, with
 * the escaping XML, HTML and Markdown need, and UTF-8 cleaning (messages
 * and paths are bytes; every report format wants valid UTF-8).
 *
 * A buffer that fails to grow (or passes RPT_MAX_TEXT) sets sb_oom and
 * drops everything after: the writer checks once, at sb_take().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report/rpt_int.h"

void sb_init(struct sbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void sb_free(struct sbuf *b)
{
	free(b->sb_b);
	sb_init(b);
}

static bool sb_room(struct sbuf *b, size_t n)
{
	size_t cap = b->sb_cap ? b->sb_cap : 4096;
	char *p;

	if (b->sb_oom)
		return false;
	if (n > RPT_MAX_TEXT || b->sb_len + n + 1 > RPT_MAX_TEXT) {
		b->sb_oom = true;
		return false;
	}
	if (b->sb_len + n + 1 <= b->sb_cap)
		return true;
	while (cap < b->sb_len + n + 1)
		cap *= 2;
	p = realloc(b->sb_b, cap);
	if (!p) {
		b->sb_oom = true;
		return false;
	}
	b->sb_b = p;
	b->sb_cap = cap;
	return true;
}

void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (!sb_room(b, n))
		return;
	memcpy(b->sb_b + b->sb_len, s, n);
	b->sb_len += n;
	b->sb_b[b->sb_len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_room(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->sb_b + b->sb_len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->sb_len += (size_t)n;
}

char *sb_take(struct sbuf *b)
{
	char *p;

	if (b->sb_oom) {
		sb_free(b);
		return NULL;
	}
	if (!b->sb_b)
		sb_putn(b, "", 0);
	p = b->sb_b;
	sb_init(b);
	return p;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Append s, escaping per byte class: esc(c) returns the replacement for an
 * ASCII byte, or NULL to copy it; invalid UTF-8 becomes U+FFFD. */
static void sb_clean(struct sbuf *b, const char *s, const char *(*esc)(unsigned char))
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		size_t n = utf8_len(p);
		const char *e;

		if (!n) {
			sb_puts(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		e = n == 1 ? esc(*p) : NULL;
		if (e)
			sb_puts(b, e);
		else
			sb_putn(b, (const char *)p, n);
		p += n;
	}
}

static const char *esc_xml(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': case '\n': return NULL;
	default: return c < 0x20 || c == 0x7f ? "" : NULL;
	}
}

static const char *esc_none(unsigned char c)
{
	return c < 0x20 && c != '\t' && c != '\n' ? "" : NULL;
}

void sb_xml(struct sbuf *b, const char *s)
{
	sb_clean(b, s, esc_xml);
}

static const char *esc_md(unsigned char c)
{
	switch (c) {
	case '|': return "\\|";
	case '\n': return " ";
	case '<': return "&lt;";
	case '>': return "&gt;";
	default: return c < 0x20 ? "" : NULL;
	}
}

void sb_md(struct sbuf *b, const char *s, size_t max)
{
	char *cut = s ? strndup(s, max) : NULL;

	if (!cut)
		return;
	if (strlen(s) > max) {
		/* do not cut a UTF-8 sequence in half: drop continuation bytes */
		size_t n = strlen(cut);

		while (n && ((unsigned char)cut[n - 1] & 0xc0) == 0x80)
			cut[--n] = '\0';
		if (n && (unsigned char)cut[n - 1] >= 0xc0)
			cut[--n] = '\0';
	}
	sb_clean(b, cut, esc_md);
	if (strlen(s) > max)
		sb_puts(b, "…");
	free(cut);
}

char *rpt_utf8(const char *s)
{
	struct sbuf b;

	sb_init(&b);
	sb_clean(&b, s ? s : "", esc_none);
	return sb_take(&b);
}
