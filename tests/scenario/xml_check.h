/* tests/scenario/xml_check.h - is a text well-formed XML? For the reports'
 * tests where xmllint is not installed (and beside it where it is): the
 * XML declaration and processing instructions, a DOCTYPE, comments, CDATA,
 * elements with quoted attributes (no duplicates), one root element, text
 * whose '&' starts one of the five named entities or a character
 * reference, matching end tags, valid UTF-8. Not a validator: no DTD, no
 * namespaces. Static functions, included by a Check test. */
#ifndef PCSIM_TEST_XML_CHECK_H
#define PCSIM_TEST_XML_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define XML_MAX_DEPTH	256
#define XML_MAX_ATTRS	64
#define XML_MAX_NAME	64

struct xmlc {
	const char *t, *p;		/* text, cursor */
	char *err;
	size_t len;
	char stack[XML_MAX_DEPTH][XML_MAX_NAME];
	unsigned depth;
	unsigned roots;			/* root elements seen */
};

static int xml_fail(struct xmlc *x, const char *what)
{
	unsigned line = 1, col = 1;

	for (const char *q = x->t; q < x->p; q++)
		if (*q == '\n')
			line++, col = 1;
		else
			col++;
	snprintf(x->err, x->len, "%u:%u: %s", line, col, what);
	return -1;
}

static bool xml_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
	       (unsigned char)c >= 0x80;
}

static bool xml_name_char(char c)
{
	return xml_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int xml_name(struct xmlc *x, char *out)
{
	size_t n = 0;

	if (!xml_name_start(*x->p))
		return xml_fail(x, "expected a name");
	while (xml_name_char(*x->p)) {
		if (n + 1 >= XML_MAX_NAME)
			return xml_fail(x, "name too long");
		out[n++] = *x->p++;
	}
	out[n] = '\0';
	return 0;
}

/* An entity or character reference at x->p ('&'). */
static int xml_ref(struct xmlc *x)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	const char *q = x->p + 1;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strncmp(x->p, named[i], strlen(named[i]))) {
			x->p += strlen(named[i]);
			return 0;
		}
	if (*q++ != '#')
		return xml_fail(x, "'&' that starts no entity reference");
	if (*q == 'x') {
		const char *d = ++q;

		while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
			q++;
		if (q == d || *q != ';')
			return xml_fail(x, "bad hexadecimal character reference");
	} else {
		const char *d = q;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q == d || *q != ';')
			return xml_fail(x, "bad character reference");
	}
	x->p = q + 1;
	return 0;
}

static void xml_space(struct xmlc *x)
{
	while (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r')
		x->p++;
}

/* Skip to the end of a construct: after the terminator, or fail. */
static int xml_skip(struct xmlc *x, const char *end, const char *what)
{
	const char *q = strstr(x->p, end);

	if (!q)
		return xml_fail(x, what);
	x->p = q + strlen(end);
	return 0;
}

static int xml_attrs(struct xmlc *x, bool *empty)
{
	char names[XML_MAX_ATTRS][XML_MAX_NAME];
	unsigned n = 0;

	for (;;) {
		const char *before = x->p;
		char q;

		xml_space(x);
		if (*x->p == '>' || (x->p[0] == '/' && x->p[1] == '>')) {
			*empty = *x->p == '/';
			x->p += *empty ? 2 : 1;
			return 0;
		}
		if (x->p == before)
			return xml_fail(x, "expected white space before an attribute");
		if (n == XML_MAX_ATTRS)
			return xml_fail(x, "too many attributes");
		if (xml_name(x, names[n]))
			return -1;
		for (unsigned i = 0; i < n; i++)
			if (!strcmp(names[i], names[n]))
				return xml_fail(x, "duplicate attribute");
		n++;
		xml_space(x);
		if (*x->p++ != '=')
			return xml_fail(x, "expected '=' after an attribute name");
		xml_space(x);
		q = *x->p++;
		if (q != '"' && q != '\'')
			return xml_fail(x, "expected a quoted attribute value");
		while (*x->p && *x->p != q) {
			if (*x->p == '<')
				return xml_fail(x, "'<' in an attribute value");
			if (*x->p == '&') {
				if (xml_ref(x))
					return -1;
			} else {
				x->p++;
			}
		}
		if (*x->p++ != q)
			return xml_fail(x, "unterminated attribute value");
	}
}

static int xml_markup(struct xmlc *x)
{
	char name[XML_MAX_NAME];
	bool empty = false;

	if (!strncmp(x->p, "<?", 2))
		return xml_skip(x, "?>", "unterminated processing instruction");
	if (!strncmp(x->p, "<!--", 4))
		return xml_skip(x, "-->", "unterminated comment");
	if (!strncmp(x->p, "<![CDATA[", 9)) {
		if (!x->depth)
			return xml_fail(x, "CDATA outside the root element");
		return xml_skip(x, "]]>", "unterminated CDATA section");
	}
	if (!strncmp(x->p, "<!DOCTYPE", 9)) {
		if (x->roots)
			return xml_fail(x, "DOCTYPE after the root element");
		return xml_skip(x, ">", "unterminated DOCTYPE");
	}
	if (x->p[1] == '/') {
		x->p += 2;
		if (xml_name(x, name))
			return -1;
		xml_space(x);
		if (*x->p++ != '>')
			return xml_fail(x, "expected '>' to end an end tag");
		if (!x->depth || strcmp(x->stack[x->depth - 1], name))
			return xml_fail(x, "end tag does not match the open element");
		x->depth--;
		return 0;
	}
	x->p++;
	if (xml_name(x, name) || xml_attrs(x, &empty))
		return -1;
	if (!x->depth && x->roots++)
		return xml_fail(x, "a second root element");
	if (!empty) {
		if (x->depth == XML_MAX_DEPTH)
			return xml_fail(x, "elements nested too deep");
		memcpy(x->stack[x->depth++], name, sizeof(name));
	}
	return 0;
}

static bool xml_utf8_ok(const char *s, const char **bad)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			   : (*p & 0xf8) == 0xf0 ? 3 : 9;

		if (n == 9 || (n == 1 && *p < 0xc2))
			goto out;
		for (unsigned i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				goto out;
		p += n + 1;
	}
	return true;
out:
	*bad = (const char *)p;
	return false;
}

/* 0 when text is well-formed, else -1 with "line:col: what" in err. */
static int xml_well_formed(const char *text, char *err, size_t len)
{
	static struct xmlc x;	/* the stack is large; tests are single-threaded */
	const char *bad;

	memset(&x, 0, sizeof(x));
	x.t = x.p = text;
	x.err = err;
	x.len = len;
	if (!xml_utf8_ok(text, &bad)) {
		x.p = bad;
		return xml_fail(&x, "invalid UTF-8");
	}
	while (*x.p) {
		if (*x.p == '<') {
			if (xml_markup(&x))
				return -1;
		} else if (*x.p == '&') {
			if (!x.depth)
				return xml_fail(&x, "reference outside the root element");
			if (xml_ref(&x))
				return -1;
		} else {
			if (!x.depth && !strchr(" \t\r\n", *x.p))
				return xml_fail(&x, "text outside the root element");
			x.p++;
		}
	}
	if (x.depth)
		return xml_fail(&x, "the document ends inside an element");
	if (!x.roots)
		return xml_fail(&x, "no root element");
	return 0;
}

#endif /* PCSIM_TEST_XML_CHECK_H */
