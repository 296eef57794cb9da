/* SPDX-License-Identifier: MIT */
/*
 * sim/core/prng.c - PRNG streams.
 *
 * xoshiro256** (Blackman and Vigna), one independent stream per subsystem,
 * each seeded from (seed, stream number) through splitmix64. Only integer
 * arithmetic; sim_rand_below() uses rejection so there is no modulo bias and
 * no floating point anywhere in a decision.
 */
#include <assert.h>

#include "sim/core/core_priv.h"

uint64_t sim_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void __sim_prng_seed(struct sim *s, uint64_t seed)
{
	for (unsigned i = 0; i < SIM_MAX_STREAMS; i++) {
		uint64_t st = seed ^ (0x5851f42d4c957f2dULL * (i + 1));
		struct sim_prng *p = &s->s_w->w_prng[i];

		for (unsigned k = 0; k < 4; k++)
			p->pr_s[k] = sim_splitmix64(&st);
	}
}

uint64_t sim_rand(struct sim *s, unsigned stream)
{
	uint64_t *st;
	uint64_t r, t;

	assert(stream < SIM_MAX_STREAMS);
	st = s->s_w->w_prng[stream % SIM_MAX_STREAMS].pr_s;
	r = rotl(st[1] * 5, 7) * 9;
	t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}

uint64_t sim_rand_below(struct sim *s, unsigned stream, uint64_t n)
{
	uint64_t limit, r;

	assert(n > 0);
	if (n <= 1)
		return 0;
	/* Largest multiple of n that fits: reject above it. */
	limit = UINT64_MAX - (UINT64_MAX % n);
	do
		r = sim_rand(s, stream);
	while (r >= limit);
	return r % n;
}
