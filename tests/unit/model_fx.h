/* A one-file model with one user task A, for the model's unit tests
 * (test_model_mount.c, test_model_stable.c): boot with a profile and
 * knobs, queue A's operations, run them, end with the oracle clean. */
#ifndef PCSIM_TESTS_MODEL_FX_H
#define PCSIM_TESTS_MODEL_FX_H

#include <stdio.h>
#include <string.h>

#include "model/fs/fs.h"
#include "model/model_priv.h"

struct fx {
	struct sim *s;
	struct pc_world *w;
	struct pc_inode *ip;
	struct sim_task *a;
	struct pc_config cfg;
	struct sim_config sc;
};

/* knobs: NULL, or "name=value" strings ending with NULL. */
static inline void fx_boot(struct fx *x, enum pc_profile p, const char *const *knobs,
			   sim_time_t lat)
{
	char err[200];

	memset(x, 0, sizeof(*x));
	pc_knobs_default(&x->cfg.c_knobs, p);
	for (unsigned i = 0; knobs && knobs[i]; i++) {
		char name[64];
		const char *eq = strchr(knobs[i], '=');

		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - knobs[i]), knobs[i]);
		if (pc_knob_set(&x->cfg.c_knobs, name, eq + 1, err, sizeof(err)))
			fail_msg("%s", err);
	}
	x->cfg.c_nfiles = 1;
	x->cfg.c_file_bytes = 65536;
	x->cfg.c_volatile_cache = true;
	x->cfg.c_lat_min = x->cfg.c_lat_max = lat;
	x->sc.arena_size = pc_model_arena_size(&x->cfg);
	x->s = sim_create(&x->sc);
	assert_non_null(x->s);
	assert_non_null(pc_model_create(x->s, &x->cfg, err, sizeof(err)));
	assert_int_equal(pc_model_settle(x->s, err, sizeof(err)), 0);
	x->w = pc_w(x->s);
	x->ip = x->w->w_inode[0];
	x->a = pc_user_task(x->s, "A");
}

static inline void fx_queue(struct fx *x, uint8_t kind, uint64_t off, uint64_t len,
			    uint32_t flags, int16_t data)
{
	struct pc_opspec o = { .o_kind = kind, .o_off = off, .o_len = len, .o_flags = flags,
			       .o_data = data };
	char err[200];

	if (pc_queue_op(x->s, x->a, &o, err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

/* Run A's queued operations; other tasks and events run only while A is
 * blocked. Returns how many steps found A blocked. */
static inline unsigned fx_run_a(struct fx *x)
{
	unsigned blocked = 0;

	for (unsigned guard = 0; sim_task_has_work(x->a); guard++) {
		assert_true(guard < 100000);
		if (x->a->t_state == SIM_TASK_RUNNABLE) {
			assert_true(sim_step_task(x->s, x->a));
		} else {
			blocked++;
			assert_true(sim_step(x->s));
		}
	}
	return blocked;
}

/* Run A (other tasks and events while A is blocked) until its op's next
 * step is `step`. */
static inline void fx_step_until(struct fx *x, const char *step)
{
	for (unsigned guard = 0; sim_task_has_work(x->a); guard++) {
		assert_true(guard < 100000);
		if (x->a->t_in_op && !strcmp(sim_task_next_step(x->a)->name, step))
			return;
		if (x->a->t_state == SIM_TASK_RUNNABLE)
			assert_true(sim_step_task(x->s, x->a));
		else
			assert_true(sim_step(x->s));
	}
	fail_msg("step %s never came", step);
}

/* Run everything left, then the end-of-run checks: no violation at all. */
static inline void fx_finish_clean(struct fx *x)
{
	const struct pc_violation *v;
	unsigned n;

	assert_int_equal(sim_run(x->s), SIM_OK);
	pc_model_finish(x->s);
	n = pc_violations(x->s, &v);
	if (n)
		fail_msg("%s: %s", pc_invariant_names[v[0].v_inv], v[0].v_msg);
}

/* The bytes [off, off+len) of the file, read through the model, all equal b. */
static inline void fx_expect_bytes(struct fx *x, uint64_t off, uint64_t len, uint8_t b)
{
	static uint8_t buf[65536];

	assert_int_equal(pc_model_read(x->s, 0, off, len, buf), len);
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != b)
			fail_msg("byte %llu is 0x%02x, not 0x%02x", (unsigned long long)(off + i),
				 buf[i], b);
}

#endif
