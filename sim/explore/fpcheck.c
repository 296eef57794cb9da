/* SPDX-License-Identifier: MIT */
/*
 * sim/explore/fpcheck.c - the footprint check: seeded random walks over a
 * scenario variant's executions (events fire early one time in eight, as
 * explore may fire them); at every state, every pair of runnable tasks whose
 * next steps declare independent footprints is run in both orders from
 * that state (sim_check_commute) and the two worlds must be equal. A
 * footprint that leaves out an object its step touches shows up as two
 * steps declared independent that do not commute.
 */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "sim/explore/fpcheck.h"

static uint64_t next_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void check_pairs(struct sim *s, struct pcx_fpcheck *r)
{
	uint64_t mask = sim_runnable_mask(s) & ~(1ULL << 63);
	struct sim_fp fp[SIM_MAX_TASKS];
	r->fc_states++;
	for (unsigned a = 0; a < SIM_MAX_TASKS; a++)
		if (mask & (1ULL << a))
			sim_task_footprint(s, sim_task(s, a), &fp[a]);
	for (unsigned a = 0; a < SIM_MAX_TASKS; a++) {
		if (!(mask & (1ULL << a)))
			continue;
		for (uint32_t k = 0; k < 4; k++) {
			struct sim_fp efp;
			const struct sim_step *sa = sim_task_next_step(sim_task(s, a));
			int rc;

			if (!sim_event_footprint(s, k, &efp))
				break;
			r->fc_pairs++;
			if (sim_fp_dependent(&fp[a], &efp))
				continue;
			rc = sim_check_commute_event(s, sim_task(s, a), k, pc_model_fp_normalise);
			if (rc < 0)
				continue;
			r->fc_checked++;
			r->fc_events++;
			if (rc > 0 && r->fc_failures++ == 0)
				snprintf(r->fc_first, sizeof(r->fc_first),
					 "%s:%s and event %u are declared independent but do not "
					 "commute",
					 sim_task(s, a)->t_name, sa ? sa->name : "?", k);
		}
		for (unsigned b = a + 1; b < SIM_MAX_TASKS; b++) {
			struct sim_task *ta = sim_task(s, a), *tb = sim_task(s, b);
			const struct sim_step *sa, *sb;
			int rc;

			if (!(mask & (1ULL << b)))
				continue;
			r->fc_pairs++;
			if (sim_fp_dependent(&fp[a], &fp[b]))
				continue;
			sa = sim_task_next_step(ta);
			sb = sim_task_next_step(tb);
			rc = sim_check_commute(s, ta, tb, pc_model_fp_normalise);
			if (rc < 0)
				continue;
			r->fc_checked++;
			if (rc > 0 && r->fc_failures++ == 0)
				snprintf(r->fc_first, sizeof(r->fc_first),
					 "%s:%s and %s:%s are declared independent but do not commute",
					 ta->t_name, sa ? sa->name : "?", tb->t_name, sb ? sb->name : "?");
		}
	}
}

int pcx_fp_check(const struct scn_file *f, const char *path, int vi, unsigned walks,
		 uint64_t seed, struct pcx_fpcheck *r, char *err, size_t len)
{
	struct pcr_opts o = { .oracle = -1, .early_events = true };
	struct sim *s;
	uint64_t x = seed;

	memset(r, 0, sizeof(*r));
	s = pcr_build(f, path, vi, &o, err, len);
	if (!s)
		return -1;
	for (unsigned k = 0; k < walks; k++) {
		sim_reset(s);
		for (unsigned n = 0; n < 200000; n++) {
			uint64_t mask = sim_runnable_mask(s) & ~(1ULL << 63), pick;
			unsigned cnt = (unsigned)__builtin_popcountll(mask);

			if (sim_status(s) != SIM_OK)
				break;
			if (cnt > 1 || (cnt && sim_events_pending(s)))
				check_pairs(s, r);
			if (!cnt || (sim_events_pending(s) && next_rand(&x) % 8 == 0)) {
				uint32_t ek = cnt ? (uint32_t)(next_rand(&x) % sim_events_pending(s)) : 0;

				if (!(cnt ? sim_fire_event_k(s, ek) : sim_fire_next_event(s)))
					break;
				continue;
			}
			pick = next_rand(&x) % cnt;
			while (pick--)
				mask &= mask - 1;
			sim_step_task(s, sim_task(s, (unsigned)__builtin_ctzll(mask)));
		}
		r->fc_walks++;
	}
	sim_destroy(s);
	return 0;
}
