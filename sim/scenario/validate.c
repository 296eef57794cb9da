/* SPDX-License-Identifier: MIT */
/*
 * sim/scenario/validate.c - what the whole file must satisfy, and the
 * vocabulary checks: profile, knobs and their values, expectations, metrics.
 *
 * Knob sets: the steps an operation expands into depend on the knobs, and a
 * file may hold several variants. Set i is the fs line's knobs with variant
 * i's knobs applied (a variant's knob replaces the fs value, or is added);
 * with no variants there is one set, the fs line's. A step is valid when the
 * vocabulary produces it under at least one set. The race and schedule
 * checks are in validate_sched.c.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scn_int.h"

#define SCN_MAX_UNION 256	/* distinct step names listed in one note */

static bool scn_list_has(const char *const *l, const char *w)
{
	for (size_t i = 0; l && l[i]; i++)
		if (!strcmp(l[i], w))
			return true;
	return false;
}

/* Add the names of l not yet in u[0, *n). */
static void scn_union_add(const char **u, size_t *n, const char *const *l)
{
	for (size_t i = 0; l && l[i]; i++) {
		size_t j;

		for (j = 0; j < *n && strcmp(u[j], l[i]); j++)
			;
		if (j == *n && *n < SCN_MAX_UNION)
			u[(*n)++] = l[i];
	}
}

static const char *const *scn_steps(struct scn_ctx *c, const struct scn_knob *set, uint32_t n,
				    const char *kind, const struct scn_op *op)
{
	return c->c_vocab->steps(c->c_file->f_profile, set, n, kind, op);
}

bool scn__step_known(struct scn_ctx *c, const struct scn_knob *const *sets,
		     const uint32_t *nset, uint32_t nsets, const char *kind,
		     const struct scn_op *op, const char *step, char *note, size_t note_size,
		     char *dym, size_t dym_size)
{
	const char *u[SCN_MAX_UNION + 1];
	size_t n = 0;

	if (!c->c_vocab || !c->c_vocab->steps)
		return true;
	for (uint32_t i = 0; i < nsets; i++)
		if (scn_list_has(scn_steps(c, sets[i], nset[i], kind, op), step))
			return true;
	for (uint32_t i = 0; i < nsets; i++)
		scn_union_add(u, &n, scn_steps(c, sets[i], nset[i], kind, op));
	u[n] = NULL;
	scn__note_list(note, note_size, "steps are", u);
	scn__did_you_mean(dym, dym_size, step, u);
	return false;
}

/* ---- knob sets ---- */

struct scn_ksets {
	struct scn_knob **ks_sets;
	uint32_t *ks_n;
	uint32_t ks_count;
};

static void scn_ksets_free(struct scn_ksets *k)
{
	for (uint32_t i = 0; k->ks_sets && i < k->ks_count; i++)
		free(k->ks_sets[i]);
	free(k->ks_sets);
	free(k->ks_n);
	memset(k, 0, sizeof(*k));
}

static void scn_kset_apply(struct scn_knob *set, uint32_t *n, const struct scn_knob *k)
{
	for (uint32_t i = 0; i < *n; i++) {
		if (!strcmp(set[i].k_name, k->k_name)) {
			memcpy(set[i].k_value, k->k_value, sizeof(set[i].k_value));
			return;
		}
	}
	set[(*n)++] = *k;
}

static int scn_ksets_build(const struct scn_file *f, struct scn_ksets *k)
{
	k->ks_count = f->f_nvariants ? f->f_nvariants : 1;
	k->ks_sets = calloc(k->ks_count, sizeof(*k->ks_sets));
	k->ks_n = calloc(k->ks_count, sizeof(*k->ks_n));
	if (!k->ks_sets || !k->ks_n)
		return -1;
	for (uint32_t i = 0; i < k->ks_count; i++) {
		const struct scn_variant *v = f->f_nvariants ? &f->f_variants[i] : NULL;
		uint32_t cap = f->f_nknobs + (v ? v->v_nknobs : 0) + 1;

		k->ks_sets[i] = calloc(cap, sizeof(struct scn_knob));
		if (!k->ks_sets[i])
			return -1;
		for (uint32_t j = 0; j < f->f_nknobs; j++)
			scn_kset_apply(k->ks_sets[i], &k->ks_n[i], &f->f_knobs[j]);
		for (uint32_t j = 0; v && j < v->v_nknobs; j++)
			scn_kset_apply(k->ks_sets[i], &k->ks_n[i], &v->v_knobs[j]);
	}
	return 0;
}

/* ---- profile and knobs ---- */

static int scn_check_profile(struct scn_ctx *c)
{
	const struct scn_file *f = c->c_file;
	const struct scn_vocab *v = c->c_vocab;
	char dym[96], note[SCN_DIAG_NOTE];

	if ((!v->profiles || scn_list_has(v->profiles, f->f_profile)) &&
	    (!v->knobs || v->knobs(f->f_profile)))
		return 0;
	scn__did_you_mean(dym, sizeof(dym), f->f_profile, v->profiles);
	scn__note_list(note, sizeof(note), "known profiles", v->profiles);
	return scn__err(c, f->f_profile_pos.line, f->f_profile_pos.col,
			(uint32_t)strlen(f->f_profile), note, "unknown profile '%s'%s",
			f->f_profile, dym);
}

/* Is value one of the allowed values, or numerically equal to one? */
static bool scn_value_allowed(const char *const *allowed, const char *value)
{
	uint64_t a, b;

	if (scn_list_has(allowed, value))
		return true;
	if (scn__number(value, &a, NULL))
		return false;
	for (size_t i = 0; allowed[i]; i++)
		if (!scn__number(allowed[i], &b, NULL) && a == b)
			return true;
	return false;
}

static int scn_check_value(struct scn_ctx *c, const struct scn_knob *k)
{
	const struct scn_file *f = c->c_file;
	const char *const *allowed = c->c_vocab->knob_values
		? c->c_vocab->knob_values(f->f_profile, k->k_name) : NULL;
	uint32_t col = k->k_pos.col + (uint32_t)strlen(k->k_name) + 1;
	uint32_t len = (uint32_t)strlen(k->k_value);
	char dym[96], note[SCN_DIAG_NOTE];
	uint64_t v;

	if (allowed) {
		if (scn_value_allowed(allowed, k->k_value))
			return 0;
		scn__did_you_mean(dym, sizeof(dym), k->k_value, allowed);
		scn__note_list(note, sizeof(note), "allowed values", allowed);
		return scn__err(c, k->k_pos.line, col, len, note,
				"bad value '%s' for knob '%s'%s", k->k_value, k->k_name, dym);
	}
	if (c->c_vocab->knob_value) {
		char why[SCN_DIAG_NOTE];

		if (!c->c_vocab->knob_value(f->f_profile, k->k_name, k->k_value, why, sizeof(why)))
			return 0;
		return scn__err(c, k->k_pos.line, col, len, why, "bad value '%s' for knob '%s'",
				k->k_value, k->k_name);
	}
	if (scn__number(k->k_value, &v, NULL) || v > SCN_MAX_KNOB_NUMBER)
		return scn__err(c, k->k_pos.line, col, len,
				"expected a number up to 2^32-1 (decimal or 0x hex, optional k or m suffix)",
				"bad value '%s' for knob '%s'", k->k_value, k->k_name);
	return 0;
}

static int scn_check_knobs(struct scn_ctx *c, const struct scn_knob *k, uint32_t n)
{
	const struct scn_file *f = c->c_file;
	const char *const *known = c->c_vocab->knobs ? c->c_vocab->knobs(f->f_profile) : NULL;
	char dym[96], prefix[96], note[SCN_DIAG_NOTE];

	if (!c->c_vocab->knobs)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!scn_list_has(known, k[i].k_name)) {
			scn__did_you_mean(dym, sizeof(dym), k[i].k_name, known);
			snprintf(prefix, sizeof(prefix), "known knobs for %s", f->f_profile);
			scn__note_list(note, sizeof(note), prefix, known);
			return scn__err(c, k[i].k_pos.line, k[i].k_pos.col,
					(uint32_t)strlen(k[i].k_name), note,
					"unknown knob '%s' for profile %s%s", k[i].k_name,
					f->f_profile, dym);
		}
		if (scn_check_value(c, &k[i]))
			return -1;
	}
	return 0;
}

static int scn_check_metrics(struct scn_ctx *c)
{
	const struct scn_file *f = c->c_file;
	const char *const *known = c->c_vocab->metrics;
	char dym[96], note[SCN_DIAG_NOTE];

	for (uint32_t i = 0; known && i < f->f_nmetrics; i++) {
		const struct scn_metric *m = &f->f_metrics[i];

		if (scn_list_has(known, m->m_name))
			continue;
		scn__did_you_mean(dym, sizeof(dym), m->m_name, known);
		scn__note_list(note, sizeof(note), "known metrics", known);
		return scn__err(c, m->m_pos.line, m->m_pos.col, (uint32_t)strlen(m->m_name), note,
				"unknown metric '%s'%s", m->m_name, dym);
	}
	return 0;
}

static int scn_check_vocab(struct scn_ctx *c)
{
	const struct scn_file *f = c->c_file;

	if (scn_check_profile(c) || scn_check_knobs(c, f->f_knobs, f->f_nknobs))
		return -1;
	for (uint32_t i = 0; i < f->f_nvariants; i++)
		if (scn_check_knobs(c, f->f_variants[i].v_knobs, f->f_variants[i].v_nknobs))
			return -1;
	return scn_check_metrics(c);
}

/* ---- the file as a whole ---- */

static int scn_check_expect(struct scn_ctx *c)
{
	const struct scn_file *f = c->c_file;

	if (f->f_expect.present && f->f_nvariants)
		return scn__err(c, f->f_expect.pos.line, f->f_expect.pos.col, 6,
				"with variants, each variant line carries its own expect",
				"top-level 'expect' and variant lines together");
	if (!f->f_expect.present && !f->f_nvariants)
		return scn__err(c, c->c_nlines, 1, 1,
				"add 'expect pass' or 'expect fail INVARIANT...', or variant lines",
				"missing 'expect'");
	return 0;
}

int scn__validate(struct scn_ctx *c)
{
	const struct scn_file *f = c->c_file;
	struct scn_ksets k = { 0 };
	int ret;

	if (!f->f_fs.present)
		return scn__err(c, 1, 1, 1,
				"every scenario names its file system: fs PROFILE KNOB=VALUE..., e.g. fs xfs blocksize=1024",
				"missing 'fs' line");
	if (c->c_vocab && scn_check_vocab(c))
		return -1;
	if (scn_check_expect(c))
		return -1;
	if (scn_ksets_build(f, &k)) {
		scn_ksets_free(&k);
		return scn__oom(c);
	}
	ret = scn__validate_sched(c, (const struct scn_knob *const *)k.ks_sets, k.ks_n,
				  k.ks_count);
	scn_ksets_free(&k);
	return ret;
}
