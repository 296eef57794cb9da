/* SPDX-License-Identifier: MIT */
/*
 * sim/core/tape.c - the choice tape.
 *
 * A run is fully described by pcsim version + scenario hash + variant + tape.
 * Every nondeterministic decision goes through sim_choose() (sim.c), which
 * appends one entry here when recording and reads one when replaying.
 *
 * Text form (compact, one line):
 *
 *   T1 s2/7 s0/5 p1/3 c17/40 w5/8
 *
 * "T1" is the format version. Each entry is KIND VALUE '/' DOMAIN: for a
 * scheduling choice ('s') the domain is the enabled set as a hex mask (bit 63:
 * "fire the next event"), for the other kinds it is the number of options in
 * decimal. Replay compares the domain it meets with the recorded one, which is
 * how a changed program is caught at the first choice that differs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"

#define SIM_TAPE_MAX (1u << 24)	/* entries: bounds memory for hostile input */

void sim_tape_init(struct sim_tape *tp)
{
	memset(tp, 0, sizeof(*tp));
}

void sim_tape_free(struct sim_tape *tp)
{
	free(tp->tp_e);
	sim_tape_init(tp);
}

void sim_tape_clear(struct sim_tape *tp)
{
	tp->tp_len = 0;
	tp->tp_pos = 0;
}

int sim_tape_push(struct sim_tape *tp, const struct sim_tape_entry *e)
{
	if (tp->tp_len == tp->tp_cap) {
		uint32_t cap = tp->tp_cap ? tp->tp_cap * 2 : 64;
		struct sim_tape_entry *n;

		if (cap > SIM_TAPE_MAX)
			return -E2BIG;
		n = realloc(tp->tp_e, (size_t)cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		tp->tp_e = n;
		tp->tp_cap = cap;
	}
	tp->tp_e[tp->tp_len++] = *e;
	return 0;
}

static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(at < len ? buf + at : NULL, at < len ? len - at : 0, fmt, ap);
	va_end(ap);
	return at + (n > 0 ? (size_t)n : 0);
}

size_t sim_tape_format(const struct sim_tape *tp, char *buf, size_t len)
{
	size_t at = put(buf, len, 0, "T1");

	for (uint32_t i = 0; i < tp->tp_len; i++) {
		const struct sim_tape_entry *e = &tp->tp_e[i];

		if (e->te_kind == SIM_CH_SCHED)
			at = put(buf, len, at, " s%" PRIu64 "/%" PRIx64, e->te_value, e->te_mask);
		else
			at = put(buf, len, at, " %c%" PRIu64 "/%" PRIu32, e->te_kind, e->te_value,
				 e->te_n);
	}
	if (len && at >= len)
		buf[len - 1] = '\0';
	return at;
}

static bool kind_ok(char k)
{
	return k == SIM_CH_SCHED || k == SIM_CH_PICK || k == SIM_CH_CRASH || k == SIM_CH_PERSIST ||
	       k == SIM_CH_EVENT;
}

/* Parse an unsigned number in base 10 or 16 at *p; advance *p. */
static bool parse_num(const char **p, int base, uint64_t *out)
{
	const char *c = *p;
	uint64_t v = 0;
	bool any = false;

	for (;; c++) {
		unsigned d;

		if (*c >= '0' && *c <= '9')
			d = (unsigned)(*c - '0');
		else if (base == 16 && *c >= 'a' && *c <= 'f')
			d = (unsigned)(*c - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
		any = true;
	}
	*p = c;
	*out = v;
	return any;
}

int sim_tape_parse(struct sim_tape *tp, const char *text, size_t *errpos)
{
	const char *p = text;

	sim_tape_clear(tp);
	while (*p == ' ')
		p++;
	if (strncmp(p, "T1", 2) != 0 || (p[2] != ' ' && p[2] != '\0' && p[2] != '\n'))
		goto bad;
	p += 2;
	for (;;) {
		struct sim_tape_entry e;
		uint64_t dom;

		memset(&e, 0, sizeof(e));
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return 0;
		if (!kind_ok(*p))
			goto bad;
		e.te_kind = *p++;
		if (!parse_num(&p, 10, &e.te_value) || *p++ != '/')
			goto bad;
		if (e.te_kind == SIM_CH_SCHED) {
			if (!parse_num(&p, 16, &e.te_mask) || e.te_value > 63 ||
			    !(e.te_mask & (1ULL << e.te_value)))
				goto bad;
		} else {
			if (!parse_num(&p, 10, &dom) || dom == 0 || dom > UINT32_MAX ||
			    e.te_value >= dom)
				goto bad;
			e.te_n = (uint32_t)dom;
		}
		if (*p != ' ' && *p != '\0' && *p != '\n')
			goto bad;
		if (sim_tape_push(tp, &e))
			goto bad;
	}
bad:
	if (errpos)
		*errpos = (size_t)(p - text);
	return -1;
}
