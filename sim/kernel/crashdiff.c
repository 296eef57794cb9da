/* SPDX-License-Identifier: MIT */
/*
 * sim/kernel/crashdiff.c - the host kernel's crash states against the
 * model's (crashdiff.h, docs/crashdiff.md): the model's side and the
 * comparison; the host's side is host.c.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/kernel/kc_priv.h"

const char *const kc_class_names[KC_NCLASS] = {
	"sync", "unreachable", "unshown", "runtime", "mount", "host",
};

/* ---- states ---- */



uint64_t kc_state_hash(unsigned nfiles, const uint64_t *size, const uint8_t *const *bytes,
			   bool bad)
{
	uint64_t h = sim_hash_u64(SIM_HASH_INIT, bad);

	for (unsigned f = 0; f < nfiles; f++) {
		h = sim_hash_u64(h, size[f]);
		if (bytes[f])
			h = sim_hash_bytes(h, bytes[f], size[f]);
	}
	return h;
}

/* Add a state (copies the bytes); duplicates by (hash, window) are kept
 * once, their violation masks joined. */
void kc_kset_add(struct kset *s, unsigned nfiles, const uint64_t *size,
		     const uint8_t *const *bytes, bool bad, int win, bool at_end, uint32_t viol,
		     bool sched0)
{
	uint64_t h = kc_state_hash(nfiles, size, bytes, bad);
	struct kstate *k;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].h == h && s->v[i].win == win && s->v[i].at_end == at_end) {
			s->v[i].viol |= viol;
			if (sched0) {
				s->v[i].viol0 |= viol;
				s->v[i].sched0 = true;
			}
			return;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct kstate *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	k = &s->v[s->n++];
	memset(k, 0, sizeof(*k));
	k->h = h;
	k->win = k->win_hi = win;
	k->at_end = at_end;
	k->viol = viol;
	k->viol0 = sched0 ? viol : 0;
	k->sched0 = sched0;
	k->bad = bad;
	k->nfiles = nfiles;
	for (unsigned f = 0; f < nfiles; f++) {
		k->size[f] = size[f];
		if (bytes[f] && (k->bytes[f] = malloc(size[f] ? size[f] : 1)))
			memcpy(k->bytes[f], bytes[f], size[f]);
	}
}

void kc_kset_free(struct kset *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (unsigned f = 0; f < 2; f++)
			free(s->v[i].bytes[f]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- the model's side ---- */

struct mside {
	const struct kworkload *kw;
	struct sim *s;
	struct sim_task *t;
	uint32_t base;			/* operation number of op 0 */
	uint32_t end[KW_MAX_OPS];	/* write-log length at each response */
	bool ended[KW_MAX_OPS];
	struct kset states;
	unsigned sched;			/* 0: the default schedule */
	uint64_t rng;
	uint32_t runtime_viol;
	char runtime_msg[300];
};

static void m_observe(void *ctx, const struct sim_task *t, const char *step, enum sim_ret ret)
{
	struct mside *m = ctx;
	const struct sim_op *op;
	unsigned next;

	if (t != m->t || ret != SIM_DONE || !(op = sim_task_cur_op(t)))
		return;
	next = t->t_jump ? t->t_jump - 1u : t->t_pc + 1u;
	if (next < op->op_desc->nsteps || op->op_id < m->base || op->op_id - m->base >= m->kw->nops)
		return;
	m->end[op->op_id - m->base] = pc_wlog_len(m->s);
	m->ended[op->op_id - m->base] = true;
}

/* Schedules after the first: a random runnable task, and now and then a
 * pending event (timer, I/O completion) early, so writeback, commits and
 * completions land between and inside the operations. */
static uint64_t m_choose(struct sim *s, void *ctx, const struct sim_choice *c)
{
	struct mside *m = ctx;
	uint64_t tasks, k;

	m->rng = m->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	k = m->rng >> 33;
	if (c->c_kind != SIM_CH_SCHED)
		return c->c_n ? k % c->c_n : 0;
	tasks = c->c_mask & ~(1ULL << SIM_EVENT_BIT);
	if (!tasks || ((c->c_mask >> SIM_EVENT_BIT) & 1 && k % 8 == 0))
		return SIM_EVENT_BIT;
	k = (k >> 3) % (uint64_t)__builtin_popcountll(tasks);
	while (k--)
		tasks &= tasks - 1;
	return (uint64_t)__builtin_ctzll(tasks);
}

/* The window of a point: the first operation whose response is at or
 * after it; nops for a point after every response. */
static int window_of(const uint32_t *end, unsigned nops, uint64_t point)
{
	for (unsigned i = 0; i < nops; i++)
		if (point <= end[i])
			return (int)i;
	return (int)nops;
}

static void m_view(void *ctx, const struct sim *s, const struct pc_crash_view *v)
{
	struct mside *m = ctx;

	int win = window_of(m->end, m->kw->nops, v->cv_point);

	kc_kset_add(&m->states, v->cv_nfiles, v->cv_size, v->cv_bytes, v->cv_bad, win,
		 win < (int)m->kw->nops && v->cv_point == m->end[win], v->cv_viol, m->sched == 0);
}

static int model_side(const struct kworkload *kw, const struct kc_opts *o, int profile,
		      uint32_t bs, struct mside *m, unsigned sched, char *err, size_t len)
{
	struct pc_config cfg;
	struct sim_config sc;
	struct sim_chooser ch = { m_choose, m };
	struct pc_persist p;
	struct sim *s;
	struct sim_task *t;
	const struct pc_violation *viol;
	bool complete;
	unsigned nv;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	pc_knobs_default(&cfg.c_knobs, (enum pc_profile)profile);
	cfg.c_knobs.k_bs = bs;
	for (unsigned i = 0; i < o->nknobs; i++)
		if (pc_knob_set(&cfg.c_knobs, o->knob_name[i], o->knob_value[i], err, len))
			return -1;
	cfg.c_nfiles = kw->nfiles ? kw->nfiles : 1;
	cfg.c_file_bytes = kw_file_space(kw);
	cfg.c_volatile_cache = true;
	cfg.c_lat_min = cfg.c_lat_max = 100 * SIM_USEC;
	memset(&sc, 0, sizeof(sc));
	sc.seed = 1;
	/* pc_model_arena_size is tight for two files at 4 KiB blocks; the arena
	 * is only touched where used, so a generous one costs little. */
	sc.arena_size = pc_model_arena_size(&cfg) * 2 + (16u << 20);
	sc.early_events = sched > 0;
	m->sched = sched;
	m->rng = sched * 0x9e3779b97f4a7c15ULL + o->seed;
	memset(m->end, 0, sizeof(m->end));
	memset(m->ended, 0, sizeof(m->ended));
	s = sim_create(&sc);
	if (!s) {
		snprintf(err, len, "model: cannot create the simulation");
		return -1;
	}
	if (!pc_model_create(s, &cfg, err, len))
		goto out;
	t = pc_user_task(s, "A");
	for (unsigned i = 0; i < kw->nsetup; i++)
		if (pc_queue_op(s, t, &kw->setup[i], err, len) < 0)
			goto out;
	if (pc_model_settle(s, err, len))
		goto out;
	m->kw = kw;
	m->s = s;
	m->t = t;
	for (unsigned i = 0; i < kw->nops; i++) {
		struct pc_opspec op = kw->op[i];
		int no;

		/* sync-file-range to EOF (length 0): the model's file ends at
		 * its modelled space. */
		if (op.o_kind == PC_OP_SYNC_FILE_RANGE && op.o_off + op.o_len > cfg.c_file_bytes)
			op.o_len = op.o_off < cfg.c_file_bytes ? cfg.c_file_bytes - op.o_off : 0;
		no = pc_queue_op(s, t, &op, err, len);

		if (no < 0)
			goto out;
		if (i == 0)
			m->base = (uint32_t)no;
	}
	sim_set_step_observer(s, m_observe, m);
	if (sched)
		sim_set_chooser(s, &ch);
	if (sim_run(s) != SIM_OK) {
		pc_model_finish(s);
		nv = pc_violations(s, &viol);
		snprintf(err, len, "model: the run did not finish%s%s", nv ? ": " : "",
			 nv ? viol[0].v_msg : "");
		goto out;
	}
	sim_set_step_observer(s, NULL, NULL);
	sim_set_chooser(s, NULL);
	for (unsigned i = 0; i < kw->nops; i++)
		if (!m->ended[i])
			m->end[i] = i ? m->end[i - 1] : 0;
	pc_model_finish(s);
	nv = pc_violations(s, &viol);
	for (unsigned i = 0; i < nv; i++)
		if (!viol[i].v_crash) {
			if (!m->runtime_viol)
				snprintf(m->runtime_msg, sizeof(m->runtime_msg), "%s: %s",
					 pc_invariant_names[viol[i].v_inv], viol[i].v_msg);
			m->runtime_viol |= 1u << viol[i].v_inv;
		}
	memset(&p, 0, sizeof(p));
	p.p_mode = PC_PERSIST_ALL_SUBSETS;
	p.p_max = 1u << (o->model_bits ? o->model_bits : 8);
	p.p_seed = o->seed;
	p.p_dedup = PC_DEDUP_POINT;
	pc_model_check_crashes_view(s, 0, pc_wlog_len(s), &p, &complete, NULL, m_view, m);
	rc = 0;
out:
	sim_destroy(s);
	return rc;
}

/* ---- comparing ---- */

static bool same_state(const struct kstate *a, const struct kstate *b)
{
	if (a->bad != b->bad || a->nfiles != b->nfiles)
		return false;
	for (unsigned f = 0; f < a->nfiles; f++) {
		if (a->size[f] != b->size[f])
			return false;
		if (a->bytes[f] && b->bytes[f] && memcmp(a->bytes[f], b->bytes[f], a->size[f]))
			return false;
	}
	return a->h == b->h;
}

static void byte_origin(const struct kworkload *kw, int v, char *buf, size_t len)
{
	char op[160];

	if (v == 0) {
		snprintf(buf, len, "0x00 (zeros)");
		return;
	}
	for (unsigned i = 0; i < kw->nops; i++)
		if (kw->op[i].o_data == v && (kw->op[i].o_kind == PC_OP_PWRITE ||
					      kw->op[i].o_kind == PC_OP_STORE ||
					      kw->op[i].o_kind == PC_OP_APPEND)) {
			kw_format_op(kw, &kw->op[i], op, sizeof(op));
			snprintf(buf, len, "0x%02x (op #%u: %s)", v, i, op);
			return;
		}
	snprintf(buf, len, "0x%02x (setup or unknown)", v);
}

/* Where a and b first differ, in words. */
static void describe_diff(const struct kworkload *kw, const struct kstate *real,
			  const struct kstate *model, char *buf, size_t len)
{
	char rb[200], mb[200];

	if (!model) {
		snprintf(buf, len, "the model has no state in that window");
		return;
	}
	if (real->bad || model->bad) {
		snprintf(buf, len, "%s", real->bad ? "the real image did not mount or read back"
						   : "the model's image did not recover");
		return;
	}
	for (unsigned f = 0; f < real->nfiles; f++) {
		uint64_t n = real->size[f] < model->size[f] ? real->size[f] : model->size[f];

		for (uint64_t o = 0; o < n; o++)
			if (real->bytes[f] && model->bytes[f] &&
			    real->bytes[f][o] != model->bytes[f][o]) {
				byte_origin(kw, real->bytes[f][o], rb, sizeof(rb));
				byte_origin(kw, model->bytes[f][o], mb, sizeof(mb));
				snprintf(buf, len, "file %s byte %" PRIu64 ": kernel %s, model %s",
					 kw->files[f], o, rb, mb);
				return;
			}
		if (real->size[f] != model->size[f]) {
			snprintf(buf, len, "file %s size: kernel %" PRIu64 ", model %" PRIu64,
				 kw->files[f], real->size[f], model->size[f]);
			return;
		}
	}
	snprintf(buf, len, "equal");
}

/* The model state of window lo..hi closest to real (fewest differing
 * bytes), or NULL. */
static const struct kstate *closest(const struct kset *ms, const struct kstate *real, int lo,
				    int hi)
{
	const struct kstate *best = NULL;
	uint64_t bestd = UINT64_MAX;

	for (size_t i = 0; i < ms->n; i++) {
		const struct kstate *m = &ms->v[i];
		uint64_t d = 0;

		if (m->win < lo || m->win > hi || m->nfiles != real->nfiles)
			continue;
		for (unsigned f = 0; f < m->nfiles; f++) {
			uint64_t n = m->size[f] < real->size[f] ? m->size[f] : real->size[f];

			d += (m->size[f] > real->size[f] ? m->size[f] - real->size[f]
							  : real->size[f] - m->size[f]) * 4;
			for (uint64_t o = 0; m->bytes[f] && real->bytes[f] && o < n; o++)
				d += m->bytes[f][o] != real->bytes[f][o];
		}
		if (d < bestd) {
			bestd = d;
			best = m;
		}
	}
	return best;
}

static void mismatch(struct kc_counts *c, struct kc_mismatch *m, int *n, enum kc_class cls,
		     int op, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void mismatch(struct kc_counts *c, struct kc_mismatch *m, int *n, enum kc_class cls,
		     int op, const char *fmt, ...)
{
	va_list ap;

	c->mismatch[cls]++;
	if (!(*n)++) {
		m->cls = cls;
		m->op = op;
		va_start(ap, fmt);
		vsnprintf(m->what, sizeof(m->what), fmt, ap);
		va_end(ap);
	}
}

/* A state in a few words: per file its size and runs of equal bytes. */
static void state_text(const struct kworkload *kw, const struct kstate *k, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned f = 0; f < k->nfiles && n < len; f++) {
		unsigned runs = 0;

		n += (size_t)snprintf(buf + n, len - n, "%sfile %s size %" PRIu64 ":", f ? "; " : "",
				      kw->files[f], k->size[f]);
		for (uint64_t o = 0; k->bytes[f] && o < k->size[f] && n < len; runs++) {
			uint64_t e = o;

			while (e < k->size[f] && k->bytes[f][e] == k->bytes[f][o])
				e++;
			if (runs == 6) {
				n += (size_t)snprintf(buf + n, len - n, " ...");
				break;
			}
			n += (size_t)snprintf(buf + n, len - n, " [%" PRIu64 ",%" PRIu64 ")=0x%02x", o,
					      e, k->bytes[f][o]);
			o = e;
		}
	}
}

static void op_text(const struct kworkload *kw, int i, char *buf, size_t len)
{
	if (i >= 0 && (unsigned)i < kw->nops)
		kw_format_op(kw, &kw->op[i], buf, len);
	else
		snprintf(buf, len, "after the last operation");
}

int kc_check(struct kc_host *h, const struct kworkload *kw, const struct kc_opts *o,
	     struct kc_counts *c, struct kc_mismatch *m, FILE *log)
{
	struct mside ms;
	struct hside *hs = calloc(1, sizeof(*hs));
	char err[400], d[700], op[160];
	double t0;
	int n = 0;

	memset(&ms, 0, sizeof(ms));
	memset(m, 0, sizeof(*m));
	m->op = -1;
	if (!hs)
		return -1;
	c->workloads++;
	c->ops += kw->nops;
	for (unsigned k = 0; k < PC_OP_NKINDS; k++)
		c->skipped += kw->skipped[k];
	c->skipped += kw->skipped_other;
	t0 = kc_now();
	for (unsigned k = 0; k < (o->schedules ? o->schedules : 1); k++)
		if (model_side(kw, o, h->profile, h->bs, &ms, k, err, sizeof(err))) {
			mismatch(c, m, &n, KC_HOST, -1, "%s (schedule %u)", err, k);
			goto out;
		}
	c->model_s += kc_now() - t0;
	t0 = kc_now();
	if (kc_host_side(h, kw, o, hs, err, sizeof(err))) {
		snprintf(m->what, sizeof(m->what), "%s", err);
		n = -1;
		goto out;
	}
	c->host_s += kc_now() - t0;
	c->images += hs->images;
	c->mounts += hs->mounts;
	c->real_states += hs->states.n;
	c->model_states += ms.states.n;
	for (unsigned i = 0; i < kw->nops; i++)
		if (hs->err[i] && kw->op[i].o_kind != PC_OP_READ) {
			op_text(kw, (int)i, op, sizeof(op));
			if (log && o->verbose)
				fprintf(log, "  note: op #%u (%s) failed on the host: %s\n", i, op,
					strerror(hs->err[i]));
		}

	/* 3a: nothing breaks at run time in a sequential workload. */
	if (ms.runtime_viol)
		mismatch(c, m, &n, KC_RUNTIME, -1, "the model reports at run time %s",
			 ms.runtime_msg);

	/* 1: what a sync call made durable. */
	for (unsigned i = 0; i < kw->nops; i++) {
		const struct kstate *r;

		if (hs->sync_state[i] < 0)
			continue;
		c->sync_checks++;
		r = &hs->states.v[hs->sync_state[i]];
		/* What the call promises: the whole file (fsync, fdatasync, sync,
		 * an O_DSYNC append), or its own range and the size (an O_DSYNC
		 * write: generic_write_sync -> vfs_fsync_range; msync MS_SYNC). */
		const struct pc_opspec *so = &kw->op[i];
		bool ranged = so->o_kind == PC_OP_MSYNC || so->o_kind == PC_OP_PWRITE;
		uint64_t lo = ranged ? so->o_off : 0, hi = ranged ? so->o_off + so->o_len : UINT64_MAX;

		for (size_t k = 0; k < ms.states.n; k++) {
			const struct kstate *q = &ms.states.v[k];
			unsigned f0 = so->o_kind == PC_OP_SYNC ? 0 : so->o_file;
			unsigned f1 = so->o_kind == PC_OP_SYNC ? r->nfiles : f0 + 1u;
			bool differs = q->bad != r->bad;
			uint64_t at = UINT64_MAX;
			unsigned af = f0;

			/* The default schedule: a random one may write back more
			 * before the call returns (a timer fired early), which the
			 * real run, one schedule of the kernel's, did not do. */
			if (q->win != (int)i || !q->at_end || !q->sched0 || q->h == r->h)
				continue;
			for (unsigned f = f0; f < f1 && !differs; f++) {
				uint64_t e = q->size[f] < hi ? q->size[f] : hi;

				differs = q->size[f] != r->size[f];
				for (uint64_t b = lo; !differs && b < e && q->bytes[f] && r->bytes[f]; b++)
					if (q->bytes[f][b] != r->bytes[f][b]) {
						differs = true;
						at = b;
						af = f;
					}
			}
			if (!differs)
				continue;
			op_text(kw, (int)i, op, sizeof(op));
			if (at != UINT64_MAX && !q->bad && !r->bad) {
				char rb[200], mb[200];

				byte_origin(kw, r->bytes[af][at], rb, sizeof(rb));
				byte_origin(kw, q->bytes[af][at], mb, sizeof(mb));
				snprintf(d, sizeof(d), "file %s byte %" PRIu64 ": kernel %s, model %s",
					 kw->files[af], at, rb, mb);
			} else {
				describe_diff(kw, r, q, d, sizeof(d));
			}
			mismatch(c, m, &n, KC_SYNC, (int)i,
				 "after op #%u (%s) returned, the kernel's flushed image and a "
				 "model crash state differ in what it promised: %s%s",
				 i, op, d, q->viol ? " (the model calls it a violation)" : "");
			break;
		}
	}

	/* 2: every real state is a model state. */
	for (size_t k = 0; k < hs->states.n; k++) {
		const struct kstate *r = &hs->states.v[k];
		bool here = false, elsewhere = false;

		if (r->bad) {
			op_text(kw, r->win, op, sizeof(op));
			mismatch(c, m, &n, KC_MOUNT, r->win,
				 "a crash image in the window of op #%d (%s) did not mount or read "
				 "back", r->win, op);
			continue;
		}
		for (size_t j = 0; j < ms.states.n; j++) {
			const struct kstate *q = &ms.states.v[j];

			if (!same_state(q, r))
				continue;
			if (q->win >= r->win && q->win <= r->win_hi) {
				here = true;
				if (q->viol) {
					char inv[120] = "";
					size_t l = 0;

					for (unsigned b = 0; b < PC_INV_N; b++)
						if (q->viol >> b & 1)
							l += (size_t)snprintf(inv + l, sizeof(inv) - l,
									      "%s%s", l ? "," : "",
									      pc_invariant_names[b]);
					op_text(kw, r->win, op, sizeof(op));
					state_text(kw, r, d, sizeof(d));
					mismatch(c, m, &n, KC_UNREACHABLE, r->win,
						 "a real crash state in the window of op #%d (%s) is "
						 "one the model calls %s: %s", r->win, op, inv, d);
				}
				break;
			}
			elsewhere = true;
		}
		if (here) {
			c->matched++;
		} else if (elsewhere) {
			c->timing_real++;
		} else {
			const struct kstate *q = closest(&ms.states, r, r->win, r->win_hi);

			char st[400];

			op_text(kw, r->win, op, sizeof(op));
			describe_diff(kw, r, q, d, sizeof(d));
			state_text(kw, r, st, sizeof(st));
			mismatch(c, m, &n, KC_UNREACHABLE, r->win,
				 "a real crash state in the window of op #%d (%s) is no model "
				 "state: %s; closest: %s", r->win, op, st, d);
		}
	}

	/* 3b: every violation the model reports is a real state. */
	for (size_t j = 0; j < ms.states.n; j++) {
		const struct kstate *q = &ms.states.v[j], *r;
		bool shown = false;

		if (!q->viol)
			continue;
		for (size_t k = 0; k < hs->states.n && !shown; k++)
			shown = same_state(q, &hs->states.v[k]);
		if (shown) {
			c->shown++;
		} else if (!q->viol0 || q->win >= (int)kw->nops) {
			/* only a random schedule reaches it, or only the model's
			 * timers after the last operation: a timing the real run
			 * (one schedule of the kernel's, ended at the last
			 * operation) did not take */
			c->timing_model++;
			if (log && o->verbose) {
				char inv[120] = "";
				size_t l = 0;

				for (unsigned b = 0; b < PC_INV_N; b++)
					if (q->viol >> b & 1)
						l += (size_t)snprintf(inv + l, sizeof(inv) - l, "%s%s",
								      l ? "," : "", pc_invariant_names[b]);
				state_text(kw, q, d, sizeof(d));
				fprintf(log, "  explained (%s): the model reports %s in the window of "
					"op #%d: %s\n", q->viol0 ? "after the last operation"
								 : "a random schedule only",
					inv, q->win, d);
			}
		} else {
			char inv[120] = "";
			size_t l = 0;

			for (unsigned b = 0; b < PC_INV_N; b++)
				if (q->viol0 >> b & 1)
					l += (size_t)snprintf(inv + l, sizeof(inv) - l, "%s%s",
							      l ? "," : "", pc_invariant_names[b]);
			op_text(kw, q->win, op, sizeof(op));
			r = closest(&hs->states, q, 0, INT32_MAX);
			describe_diff(kw, r ? r : q, q, d, sizeof(d));
			mismatch(c, m, &n, KC_UNSHOWN, q->win,
				 "the model reports %s in a crash state in the window of op #%d "
				 "(%s) that no real crash image shows; nearest real state vs "
				 "model: %s", inv, q->win, op, d);
		}
	}
out:
	kc_kset_free(&ms.states);
	kc_kset_free(&hs->states);
	free(hs);
	return n;
}
