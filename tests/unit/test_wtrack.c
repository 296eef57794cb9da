/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_wtrack.c - sim_reset copies back only the pages written
 * since the snapshot (sim/core/wtrack.c), and the world it leaves is the
 * snapshot byte for byte, with tracking on or off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "sim/core/sim.h"

#define BUF (4u << 20)

static size_t page(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

static uint64_t rng(uint64_t *x)
{
	return sim_splitmix64(x);
}

/* Random rounds of writes between resets; after each reset the buffer
 * equals the reference copy taken at the snapshot. */
static void rounds(bool full)
{
	struct sim_config cfg = { .seed = 1, .arena_size = BUF + 65536 };
	struct sim *s;
	unsigned char *buf, *ref;
	uint64_t x = 42;
	size_t small = 0;

	if (full)
		setenv("PCSIM_FULL_RESET", "1", 1);
	else
		unsetenv("PCSIM_FULL_RESET");
	s = sim_create(&cfg);
	assert_non_null(s);
	buf = sim_alloc(s, BUF);
	assert_non_null(buf);
	for (size_t i = 0; i < BUF; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	ref = malloc(BUF);
	memcpy(ref, buf, BUF);
	assert_int_equal(sim_snapshot(s), 0);
	assert_int_equal(sim_write_tracking(s), !full);
	for (int r = 0; r < 200; r++) {
		unsigned n = (unsigned)(rng(&x) % 6);

		/* a few hot spots every round, a few random ones */
		buf[100] ^= 1;
		buf[BUF / 2] = (unsigned char)r;
		for (unsigned k = 0; k < n; k++) {
			size_t at = rng(&x) % (BUF - 64);

			memset(buf + at, (int)(rng(&x) & 0xff), 1 + rng(&x) % 64);
		}
		/* a fresh allocation past the snapshot is zeroed */
		assert_non_null(sim_alloc(s, 1000));
		sim_reset(s);
		assert_memory_equal(buf, ref, BUF);
		if (full)
			assert_true(sim_reset_bytes(s) >= BUF);
		else if (sim_reset_bytes(s) <= 64 * page())
			small++;
	}
	if (!full)
		assert_true(small == 200);	/* never the whole arena */
	free(ref);
	sim_destroy(s);
	unsetenv("PCSIM_FULL_RESET");
}

static void test_reset_tracked(void **state)
{
	(void)state;
	rounds(false);
}

static void test_reset_full(void **state)
{
	(void)state;
	rounds(true);
}

/* Two simulations side by side: writes to one are tracked for that one. */
static void test_two_worlds(void **state)
{
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 20 };
	struct sim *a = sim_create(&cfg), *b = sim_create(&cfg);
	unsigned char *pa = sim_alloc(a, 1 << 19), *pb = sim_alloc(b, 1 << 19);

	(void)state;
	memset(pa, 1, 1 << 19);
	memset(pb, 2, 1 << 19);
	assert_int_equal(sim_snapshot(a), 0);
	assert_int_equal(sim_snapshot(b), 0);
	pa[5000] = 9;
	pb[300000] = 9;
	pb[300001] = 9;
	sim_reset(a);
	sim_reset(b);
	assert_int_equal(pa[5000], 1);
	assert_int_equal(pb[300000], 2);
	assert_int_equal(pb[300001], 2);
	assert_true(sim_reset_bytes(a) <= 2 * page());
	sim_destroy(a);
	pb[7] = 3;	/* b still tracked after a is gone */
	sim_reset(b);
	assert_int_equal(pb[7], 2);
	sim_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_tracked),
		cmocka_unit_test(test_reset_full),
		cmocka_unit_test(test_two_worlds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
