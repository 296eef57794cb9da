/* SPDX-License-Identifier: MIT */
/*
 * sim/core/trace.c - the event trace and its hash.
 *
 * Every scheduling-visible event is one record (kind, task, name, a, b). The
 * 64-bit FNV-1a hash over the records is the determinism check: the same
 * inputs give the same hash on every build and compiler, because records hold
 * only integers and name strings, never pointers or floating point.
 *
 * When a sink is set, each record is also printed as one fixed-column line:
 *
 *   TIME(ns, 15 wide)  SEQ(8)  K  TASK(8)  NAME(34)  A(hex)  B(hex)  [note]
 *
 * The legend is in docs/trace.md.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/core/core_priv.h"

uint64_t sim_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t sim_hash_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));	/* little-endian on every host */
	return sim_hash_bytes(h, b, 8);
}

static uint64_t load_le64(const unsigned char *c)
{
	uint64_t v;

	memcpy(&v, c, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t sim_hash_fast(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t a = h ^ (n * 0x9e3779b97f4a7c15ULL), b = h + 0x632be59bd9b4e019ULL;
	size_t i = 0;

	/* two lanes of 8 bytes, one multiply each: about a byte per cycle
	 * where FNV-1a takes a multiply per byte */
	for (; i + 16 <= n; i += 16) {
		a = (a ^ load_le64(c + i)) * 0x87c37b91114253d5ULL;
		a = (a << 31) | (a >> 33);
		b = (b ^ load_le64(c + i + 8)) * 0x4cf5ad432745937fULL;
		b = (b << 29) | (b >> 35);
	}
	for (; i + 8 <= n; i += 8) {
		a = (a ^ load_le64(c + i)) * 0x87c37b91114253d5ULL;
		a = (a << 31) | (a >> 33);
	}
	if (i < n) {
		uint64_t t = 0;

		for (unsigned k = 0; i + k < n; k++)
			t |= (uint64_t)c[i + k] << (8 * k);
		b = (b ^ t) * 0x4cf5ad432745937fULL;
	}
	return fmix64(a ^ fmix64(b));
}

void sim_trace_to(struct sim *s, FILE *f)
{
	s->s_trace = f;
}

bool sim_tracing(const struct sim *s)
{
	return s->s_trace != NULL;
}

uint64_t sim_trace_hash(const struct sim *s)
{
	return s->s_w->w_trace_hash;
}

static void trace_hash(struct sim *s, char kind, int task, const char *name, uint64_t a,
		       uint64_t b)
{
	struct sim_world *w = s->s_w;
	uint64_t h = w->w_trace_hash;

	h = sim_hash_u64(h, w->w_now);
	h = sim_hash_u64(h, ((uint64_t)(unsigned char)kind << 8) | (uint64_t)(task + 1));
	if (name)
		h = sim_hash_bytes(h, name, strlen(name));
	h = sim_hash_u64(h, a);
	h = sim_hash_u64(h, b);
	w->w_trace_hash = h;
	w->w_trace_lines++;
}

static void trace_line(struct sim *s, char kind, int task, const char *name, uint64_t a,
		       uint64_t b)
{
	struct sim_world *w = s->s_w;
	const char *tname = "-";

	if (task >= 0 && task < w->w_ntasks)
		tname = w->w_tasks[task]->t_name;
	fprintf(s->s_trace, "%15" PRIu64 " %8" PRIu64 " %c %-8s %-34s %8" PRIx64 " %8" PRIx64,
		w->w_now, w->w_trace_lines, kind, tname, name ? name : "-", a, b);
}

void sim_trace(struct sim *s, char kind, int task, const char *name, uint64_t a, uint64_t b)
{
	if (s->s_trace) {
		trace_line(s, kind, task, name, a, b);
		fputc('\n', s->s_trace);
	}
	trace_hash(s, kind, task, name, a, b);
}

void sim_trace_note(struct sim *s, int task, const char *name, uint64_t a, uint64_t b,
		    const char *fmt, ...)
{
	if (s->s_trace) {
		va_list ap;

		trace_line(s, SIM_TR_MODEL, task, name, a, b);
		fputs("  ", s->s_trace);
		va_start(ap, fmt);
		vfprintf(s->s_trace, fmt, ap);
		va_end(ap);
		fputc('\n', s->s_trace);
	}
	trace_hash(s, SIM_TR_MODEL, task, name, a, b);
}
