/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/parse_op.c - one operation, and an expect clause.
 *
 * An operation is its keyword, the positional arguments its shape in lang.c
 * lists (FILE, OFF, LEN, SIZE, DURATION), then flags and data=PATTERN in any
 * order. The same parser reads operations in setup and thread blocks, in
 * race cells and inside TASK:(...) schedule items: the cursor's range ends
 * where the operation text ends.
 */
#include <string.h>

#include "sim/scenario/scn_int.h"

static int scn_unknown_op(struct scn_cur *u, const char *w)
{
	char dym[96], note[SCN_DIAG_NOTE];

	scn__did_you_mean(dym, sizeof(dym), w, scn__op_names);
	scn__note_list(note, sizeof(note), "known operations", scn__op_names);
	return scn__err_tok(u, note, "unknown operation '%s'%s", w, dym);
}

static const char *scn_arg_name(enum scn_arg a)
{
	switch (a) {
	case SCN_ARG_FILE:
		return "FILE";
	case SCN_ARG_OFF:
		return "OFF";
	case SCN_ARG_LEN:
		return "LEN";
	case SCN_ARG_SIZE:
		return "SIZE";
	case SCN_ARG_DURATION:
		return "DURATION";
	}
	return "?";
}

static int scn_op_arg(struct scn_cur *u, struct scn_op *op, const struct scn_op_desc *d,
		      unsigned i)
{
	char note[160];

	if (scn__eol(u)) {
		snprintf(note, sizeof(note), "expected: %s", d->od_usage);
		return scn__err_at(u, u->u_end, 1, note,
				   "too few arguments for %s: missing %s (it takes %u)", d->od_name,
				   scn_arg_name(d->od_args[i]), d->od_nargs);
	}
	switch (d->od_args[i]) {
	case SCN_ARG_FILE:
		if (scn__word(u, op->o_file, "a file name"))
			return -1;
		return scn__check_file(u, op->o_file);
	case SCN_ARG_OFF:
		return scn__read_number(u, "offset", SCN_MAX_BYTES, &op->o_off, &op->o_off_style);
	case SCN_ARG_LEN:
		return scn__read_number(u, "length", SCN_MAX_BYTES, &op->o_len, &op->o_len_style);
	case SCN_ARG_SIZE:
		return scn__read_number(u, "size", SCN_MAX_BYTES, &op->o_size, &op->o_size_style);
	case SCN_ARG_DURATION:
		return scn__read_duration(u, "sleep", &op->o_ns, &op->o_ns_style);
	}
	return -1;
}

static int scn_hexbyte(const char *w, uint8_t *b)
{
	size_t n = strlen(w);
	unsigned v = 0;

	if (n < 3 || n > 4 || w[0] != '0' || (w[1] != 'x' && w[1] != 'X'))
		return -1;
	for (size_t i = 2; i < n; i++) {
		char ch = w[i];

		if (ch >= '0' && ch <= '9')
			v = v * 16 + (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v = v * 16 + (unsigned)(ch - 'A' + 10);
		else
			return -1;
	}
	*b = (uint8_t)v;
	return 0;
}

static int scn_op_data(struct scn_cur *u, struct scn_op *op, const struct scn_op_desc *d)
{
	static const char *const pats[] = { "zero", "unique", NULL };
	char w[SCN_MAX_NAME + 1], dym[96];

	if (!d->od_data)
		return scn__err_tok(u, NULL, "%s takes no data=PATTERN", d->od_name);
	if (op->o_data != SCN_DATA_DEFAULT)
		return scn__err_tok(u, NULL, "data= is given twice");
	u->u_pos++;	/* '=' */
	if (u->u_pos >= u->u_end || !scn__is_word_char((unsigned char)u->u_s[u->u_pos]))
		return scn__err_at(u, u->u_pos, 1, "PATTERN is zero, unique or a byte such as 0xab",
				   "expected a pattern after 'data='");
	if (scn__word(u, w, "a data pattern"))
		return -1;
	if (!strcmp(w, "zero"))
		op->o_data = SCN_DATA_ZERO;
	else if (!strcmp(w, "unique"))
		op->o_data = SCN_DATA_UNIQUE;
	else if (!scn_hexbyte(w, &op->o_byte))
		op->o_data = SCN_DATA_BYTE;
	else {
		scn__did_you_mean(dym, sizeof(dym), w, pats);
		return scn__err_tok(u, "PATTERN is zero, unique or a byte such as 0xab",
				    "bad data pattern '%s'%s", w, dym);
	}
	return 0;
}

static int scn_op_flag(struct scn_cur *u, struct scn_op *op, const struct scn_op_desc *d,
		       const char *w)
{
	const char *names[6];
	char dym[96], note[200];
	uint32_t bit;

	for (unsigned i = 0; i < d->od_nflags; i++) {
		if (strcmp(w, d->od_flags[i].fd_name))
			continue;
		bit = d->od_flags[i].fd_bit;
		if (op->o_flags & bit)
			return scn__err_tok(u, NULL, "flag '%s' is given twice", w);
		if ((d->od_exclusive & bit) && (op->o_flags & d->od_exclusive)) {
			snprintf(note, sizeof(note), "expected: %s", d->od_usage);
			return scn__err_tok(u, note, "'%s' excludes the flag given before it", w);
		}
		op->o_flags |= bit;
		return 0;
	}
	snprintf(note, sizeof(note), "expected: %s", d->od_usage);
	if (!d->od_nflags && !d->od_data)
		return scn__err_tok(u, note, "too many arguments for %s: unexpected '%s'", d->od_name, w);
	for (unsigned i = 0; i < d->od_nflags; i++)
		names[i] = d->od_flags[i].fd_name;
	names[d->od_nflags] = NULL;
	scn__did_you_mean(dym, sizeof(dym), w, names);
	return scn__err_tok(u, note, "unknown %s flag '%s'%s", d->od_name, w, dym);
}

/* Flags and data=PATTERN after the positional arguments. */
static int scn_op_option(struct scn_cur *u, struct scn_op *op, const struct scn_op_desc *d)
{
	char w[SCN_MAX_NAME + 1], note[160];

	if (scn__word(u, w, "a flag"))
		return -1;
	if (!scn__peek(u, '='))
		return scn_op_flag(u, op, d, w);
	if (!strcmp(w, "data"))
		return scn_op_data(u, op, d);
	snprintf(note, sizeof(note), "expected: %s", d->od_usage);
	return scn__err_tok(u, note, "unknown option '%s=' for %s", w, d->od_name);
}

/* Ranges: within SCN_MAX_BYTES together, and not empty where that is void. */
static int scn_op_check(struct scn_cur *u, const struct scn_op *op, const struct scn_op_desc *d,
			uint32_t kw_pos, uint32_t kw_len)
{
	bool has_off = d->od_nargs == 3 && d->od_args[1] == SCN_ARG_OFF;

	if (has_off && op->o_off + op->o_len > SCN_MAX_BYTES)
		return scn__err_at(u, kw_pos, kw_len, NULL,
				   "offset + length = %llu is over the limit of 64m (SCN_MAX_BYTES)",
				   (unsigned long long)(op->o_off + op->o_len));
	if (d->od_len_nonzero && op->o_len == 0)
		return scn__err_at(u, kw_pos, kw_len, NULL, "%s of length 0", d->od_name);
	return 0;
}

int scn__parse_op(struct scn_cur *u, struct scn_op *op)
{
	char w[SCN_MAX_NAME + 1];
	const struct scn_op_desc *d;
	uint32_t kw_pos, kw_len;
	int k;

	if (scn__word(u, w, "an operation"))
		return -1;
	kw_pos = u->u_tok;
	kw_len = u->u_tok_len;
	op->o_pos.line = u->u_line;
	op->o_pos.col = kw_pos + 1;
	k = scn__op_lookup(w);
	if (k < 0)
		return scn_unknown_op(u, w);
	op->o_kind = (enum scn_op_kind)k;
	d = scn__op_desc(op->o_kind);
	for (unsigned i = 0; i < d->od_nargs; i++)
		if (scn_op_arg(u, op, d, i))
			return -1;
	while (!scn__eol(u))
		if (scn_op_option(u, op, d))
			return -1;
	return scn_op_check(u, op, d, kw_pos, kw_len);
}

static int scn_expect_fail(struct scn_cur *u, struct scn_expect *e)
{
	char w[SCN_MAX_NAME + 1], dym[96], note[SCN_DIAG_NOTE];
	int inv;

	e->e_fail = true;
	if (scn__eol(u)) {
		scn__note_list(note, sizeof(note), "invariants", scn__invariant_names);
		return scn__err_at(u, u->u_pos, 1, note,
				   "'expect fail' names the invariants that must fail");
	}
	while (!scn__eol(u)) {
		if (scn__word(u, w, "an invariant name"))
			return -1;
		inv = scn__invariant_lookup(w);
		if (inv < 0) {
			scn__did_you_mean(dym, sizeof(dym), w, scn__invariant_names);
			scn__note_list(note, sizeof(note), "invariants", scn__invariant_names);
			return scn__err_tok(u, note, "unknown invariant '%s'%s", w, dym);
		}
		if (e->e_invariants & (1u << inv))
			return scn__err_tok(u, NULL, "invariant '%s' is named twice", w);
		e->e_invariants |= 1u << inv;
	}
	return 0;
}

/* After the word "expect": pass | fail INVARIANT... to the end of the line. */
int scn__parse_expect(struct scn_cur *u, struct scn_expect *e)
{
	char w[SCN_MAX_NAME + 1];

	memset(e, 0, sizeof(*e));
	if (scn__word(u, w, "'pass' or 'fail' after 'expect'"))
		return -1;
	if (!strcmp(w, "fail"))
		return scn_expect_fail(u, e);
	if (strcmp(w, "pass"))
		return scn__err_tok(u, "expected: expect pass | expect fail INVARIANT...",
				    "expected 'pass' or 'fail', found '%s'", w);
	return scn__expect_end(u, "'expect pass'");
}
