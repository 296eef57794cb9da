/* SPDX-License-Identifier: MIT */
/*
 * sim/core/wtrack.c - which arena pages a run wrote since the snapshot, so
 * that sim_reset() copies back only those.
 *
 * After sim_snapshot() the pages the snapshot covers are made read-only
 * (mprotect). The first write to one of them faults; the handler below
 * marks the page dirty, makes it writable again and returns, and the
 * write is retried by the CPU. sim_reset() copies the dirty pages back from
 * the snapshot. Pages written run after run stay writable and are compared
 * at each reset instead (hot pages, __sim_wt_restore), so a reset costs
 * what the runs touch, not the arena's size.
 *
 * Determinism: what a reset leaves in the arena is the snapshot, byte for
 * byte, whichever pages faulted (a page not marked dirty was not written).
 * Nothing a run computes depends on the tracking, only how long it takes;
 * PCSIM_FULL_RESET=1 in the environment turns it off (every reset copies
 * the whole snapshot, as before), and the tests compare both.
 *
 * The handler has to find the simulation owning a faulting address, so the
 * armed arenas are listed in a small process-wide table (the only global
 * state of the engine; it holds no simulation state). pcsim is single
 * threaded. A fault outside every armed arena goes to the handler that was
 * installed before (ASan's, libFuzzer's) or to the default action.
 * No system call may write into an armed page (it would fail with EFAULT
 * instead of faulting); the model only reads and writes memory. Under
 * valgrind the tracking is off (some faults arrive there without their
 * address): instruction counts from callgrind include full resets.
 */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/core/core_priv.h"

#define WT_MAX_ARENAS 64

static struct sim *wt_reg[WT_MAX_ARENAS];
static struct sigaction wt_old_segv, wt_old_bus;

static void wt_chain(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *old = sig == SIGBUS ? &wt_old_bus : &wt_old_segv;

	if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* Default action: put it back; the faulting access runs again and
	 * gets it. */
	sigaction(sig, old, NULL);
}

static void wt_handler(int sig, siginfo_t *si, void *uc)
{
	unsigned char *a = si->si_addr;

	for (unsigned i = 0; i < WT_MAX_ARENAS; i++) {
		struct sim *s = wt_reg[i];
		size_t p;

		if (!s || !s->s_wt_armed || a < s->s_arena || a >= s->s_arena + s->s_wt_npages * s->s_page)
			continue;
		p = (size_t)(a - s->s_arena) / s->s_page;
		if (s->s_wt_bits[p / 64] & (1ULL << (p % 64)))
			break;	/* already writable: not ours */
		s->s_wt_bits[p / 64] |= 1ULL << (p % 64);
		s->s_wt_ndirty++;
		if (mprotect(s->s_arena + p * s->s_page, s->s_page, PROT_READ | PROT_WRITE))
			break;
		return;
	}
	wt_chain(sig, si, uc);
}

static bool wt_install(void)
{
	struct sigaction sa, cur;

	/* Checked at every arm: a test harness (cmocka) may have put its own
	 * handler in since. */
	if (!sigaction(SIGSEGV, NULL, &cur) && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == wt_handler && !sigaction(SIGBUS, NULL, &cur) &&
	    (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == wt_handler)
		return true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = wt_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	return !sigaction(SIGSEGV, &sa, &wt_old_segv) && !sigaction(SIGBUS, &sa, &wt_old_bus);
}

size_t __sim_page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

unsigned char *__sim_arena_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void __sim_arena_unmap(unsigned char *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static int wt_slot(const struct sim *s)
{
	for (int i = 0; i < WT_MAX_ARENAS; i++)
		if (wt_reg[i] == s)
			return i;
	return -1;
}

/* Every page writable again and counted dirty (the next reset copies the
 * whole snapshot). */
void __sim_wt_release(struct sim *s)
{
	if (!s->s_wt_armed)
		return;
	mprotect(s->s_arena, s->s_wt_npages * s->s_page, PROT_READ | PROT_WRITE);
	s->s_wt_armed = false;
	s->s_wt_all = true;
}

/* Start tracking the pages of the snapshot just taken (clean, read-only). */
void __sim_wt_arm(struct sim *s, size_t npages)
{
	const char *env = getenv("PCSIM_FULL_RESET"), *pre = getenv("LD_PRELOAD");
	size_t words = (npages + 63) / 64;
	int slot = wt_slot(s);

	s->s_wt_armed = false;
	s->s_wt_all = false;
	if ((env && *env && strcmp(env, "0")) || !npages)
		return;
	/* Under valgrind (its preload library) some protection faults reach
	 * the handler without an address: copy the whole snapshot there. */
	if (pre && strstr(pre, "vgpreload"))
		return;
	if (slot < 0)
		for (int i = 0; i < WT_MAX_ARENAS && slot < 0; i++)
			if (!wt_reg[i])
				slot = i;
	if (slot < 0 || !wt_install())
		return;
	if (words > s->s_wt_words) {
		uint64_t *b = realloc(s->s_wt_bits, words * sizeof(*b));
		uint64_t *h = b ? realloc(s->s_wt_hot, words * sizeof(*h)) : NULL;
		uint8_t *idle = h ? realloc(s->s_wt_idle, words * 64) : NULL;

		if (b)
			s->s_wt_bits = b;
		if (h)
			s->s_wt_hot = h;
		if (!idle)
			return;
		s->s_wt_idle = idle;
		s->s_wt_words = words;
	}
	memset(s->s_wt_bits, 0, words * sizeof(uint64_t));
	memset(s->s_wt_hot, 0, words * sizeof(uint64_t));
	s->s_wt_npages = npages;
	s->s_wt_ndirty = 0;
	wt_reg[slot] = s;
	if (mprotect(s->s_arena, npages * s->s_page, PROT_READ)) {
		wt_reg[slot] = NULL;
		return;
	}
	s->s_wt_armed = true;
}

#define WT_IDLE_MAX 4	/* clean resets in a row before a hot page is watched again */

static bool bit_get(const uint64_t *m, size_t p)
{
	return m[p / 64] & (1ULL << (p % 64));
}

/* Make pages [first, end) read-only again. */
static void protect_run(struct sim *s, size_t first, size_t end)
{
	if (end > first)
		mprotect(s->s_arena + first * s->s_page, (end - first) * s->s_page, PROT_READ);
}

/* Return the arena to the snapshot; returns the bytes copied.
 *
 * Faults cost far more than copying a page (a signal and two mprotect
 * calls against a memcpy of 4 KiB), and a search writes mostly the same
 * pages run after run (the engine's queue, the tasks, the inode, the
 * folios near the race). So a page that faulted becomes *hot*: it stays
 * writable and every reset compares it with the snapshot and copies it
 * back if it differs; after WT_IDLE_MAX clean resets in a row it is made
 * read-only again. Either way the arena equals the snapshot afterwards:
 * a page that is neither hot nor faulted was not written. */
size_t __sim_wt_restore(struct sim *s)
{
	size_t pg = s->s_page, copied = 0, words = (s->s_wt_npages + 63) / 64;
	size_t run = 0, run_end = 0;	/* pages to protect, coalesced */

	if (!s->s_wt_armed)
		return 0;
	for (size_t wd = 0; wd < words; wd++) {
		uint64_t m = s->s_wt_bits[wd] | s->s_wt_hot[wd];

		for (; m; m &= m - 1) {
			size_t p = wd * 64 + (size_t)__builtin_ctzll(m);
			unsigned char *a = s->s_arena + p * pg, *b = s->s_snap + p * pg;

			if (bit_get(s->s_wt_bits, p)) {
				/* faulted: copy back, keep it writable, now hot */
				memcpy(a, b, pg);
				copied += pg;
				s->s_wt_hot[wd] |= 1ULL << (p % 64);
				s->s_wt_idle[p] = 0;
				continue;
			}
			if (memcmp(a, b, pg)) {
				memcpy(a, b, pg);
				copied += pg;
				s->s_wt_idle[p] = 0;
				continue;
			}
			if (++s->s_wt_idle[p] < WT_IDLE_MAX)
				continue;
			s->s_wt_hot[wd] &= ~(1ULL << (p % 64));
			if (p != run_end) {
				protect_run(s, run, run_end);
				run = p;
			}
			run_end = p + 1;
		}
		s->s_wt_bits[wd] = 0;
	}
	protect_run(s, run, run_end);
	s->s_wt_faults += s->s_wt_ndirty;
	s->s_wt_ndirty = 0;
	return copied;
}

void __sim_wt_destroy(struct sim *s)
{
	int slot = wt_slot(s);

	__sim_wt_release(s);
	if (slot >= 0)
		wt_reg[slot] = NULL;
	free(s->s_wt_bits);
	free(s->s_wt_hot);
	free(s->s_wt_idle);
	s->s_wt_bits = s->s_wt_hot = NULL;
	s->s_wt_idle = NULL;
}
