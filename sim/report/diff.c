/* SPDX-License-Identifier: MIT */
/*
 * sim/report/diff.c - comparing two results documents (see results.h).
 *
 * Variants are matched by (scenario name, variant name); when a name pair
 * repeats, the k-th of BASE goes with the k-th of NEW. Both sides are
 * sorted by that key (ties by position) and merged, so matching is
 * O(n log n); the changes then follow NEW's order, a variant's changes in
 * the order verdict, new violations, fixed violations, metrics, and the
 * variants only BASE has come last.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report/results.h"

struct key {
	const struct res_variant *k_v;
	unsigned k_pos;
};

static int key_cmp(const struct res_variant *a, const struct res_variant *b)
{
	int c = strcmp(a->rv_scenario, b->rv_scenario);

	return c ? c : strcmp(a->rv_name, b->rv_name);
}

static int cmp_keys(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c = key_cmp(a->k_v, b->k_v);

	return c ? c : (a->k_pos > b->k_pos) - (a->k_pos < b->k_pos);
}

static struct key *sorted(const struct res_doc *d)
{
	struct key *k = calloc(d->rd_nv ? d->rd_nv : 1, sizeof(*k));

	if (!k)
		return NULL;
	for (unsigned i = 0; i < d->rd_nv; i++) {
		k[i].k_v = &d->rd_v[i];
		k[i].k_pos = i;
	}
	qsort(k, d->rd_nv, sizeof(*k), cmp_keys);
	return k;
}

static struct res_change *add(struct res_diff *d, enum res_change_kind kind,
			      const struct res_variant *a, const struct res_variant *b)
{
	struct res_change *c;

	if (d->rf_n == d->rf_cap) {
		unsigned cap = d->rf_cap ? d->rf_cap * 2 : 64;
		struct res_change *n = realloc(d->rf_c, cap * sizeof(*n));

		if (!n)
			return NULL;
		d->rf_c = n;
		d->rf_cap = cap;
	}
	c = &d->rf_c[d->rf_n++];
	memset(c, 0, sizeof(*c));
	c->rc_kind = (uint8_t)kind;
	c->rc_a = a;
	c->rc_b = b;
	return c;
}

static bool viol_eq(const struct res_viol *x, const struct res_viol *y)
{
	return !strcmp(x->vi_inv, y->vi_inv) && x->vi_file == y->vi_file &&
	       x->vi_off == y->vi_off && x->vi_len == y->vi_len && x->vi_crash == y->vi_crash;
}

static bool has_viol(const struct res_variant *v, const struct res_viol *x)
{
	for (unsigned i = 0; i < v->rv_nviol; i++)
		if (viol_eq(&v->rv_viol[i], x))
			return true;
	return false;
}

static const struct res_metric *metric(const struct res_variant *v, const char *key)
{
	for (unsigned i = 0; i < v->rv_nm; i++)
		if (!strcmp(v->rv_m[i].rm_key, key))
			return &v->rv_m[i];
	return NULL;
}

static bool beyond(double a, double b, double threshold)
{
	if (a == b)
		return false;
	if (a == 0)
		return true;
	return fabs(b - a) * 100.0 / fabs(a) > threshold;
}

/* Everything that changed in one matched pair. */
static int compare(struct res_diff *d, const struct res_variant *a, const struct res_variant *b)
{
	struct res_change *c;

	if (strcmp(a->rv_verdict, b->rv_verdict)) {
		if (!(c = add(d, RC_VERDICT, a, b)))
			return -1;
		c->rc_regression = a->rv_as_expected && !b->rv_as_expected;
	}
	for (unsigned i = 0; i < b->rv_nviol; i++)
		if (!has_viol(a, &b->rv_viol[i])) {
			if (!(c = add(d, RC_NEW_VIOL, a, b)))
				return -1;
			c->rc_viol = &b->rv_viol[i];
			c->rc_regression = true;
		}
	for (unsigned i = 0; i < a->rv_nviol; i++)
		if (!has_viol(b, &a->rv_viol[i])) {
			if (!(c = add(d, RC_FIXED_VIOL, a, b)))
				return -1;
			c->rc_viol = &a->rv_viol[i];
		}
	for (unsigned i = 0; i < b->rv_nm; i++) {
		const struct res_metric *ma = metric(a, b->rv_m[i].rm_key);

		if (!ma || !beyond(ma->rm_val, b->rv_m[i].rm_val, d->rf_threshold))
			continue;
		if (!(c = add(d, RC_METRIC, a, b)))
			return -1;
		c->rc_metric = b->rv_m[i].rm_key;
		c->rc_va = ma->rm_val;
		c->rc_vb = b->rv_m[i].rm_val;
	}
	return 0;
}

/* match[j]: the BASE variant NEW's j-th goes with, or -1. */
static void match(const struct res_doc *base, const struct res_doc *neu, const struct key *ka,
		  const struct key *kb, int *m)
{
	unsigned i = 0, j = 0;

	for (unsigned k = 0; k < neu->rd_nv; k++)
		m[k] = -1;
	while (i < base->rd_nv && j < neu->rd_nv) {
		int c = key_cmp(ka[i].k_v, kb[j].k_v);

		if (c == 0)
			m[kb[j++].k_pos] = (int)ka[i++].k_pos;
		else if (c < 0)
			i++;
		else
			j++;
	}
}

/* The changes in NEW's order, then the variants only BASE has. */
static int walk(struct res_diff *d, const struct res_doc *base, const struct res_doc *neu,
		const int *m, bool *seen)
{
	struct res_change *ch;

	for (unsigned j = 0; j < neu->rd_nv; j++) {
		const struct res_variant *b = &neu->rd_v[j];

		if (m[j] >= 0) {
			seen[m[j]] = true;
			d->rf_matched++;
			if (compare(d, &base->rd_v[m[j]], b))
				return -1;
		} else {
			if (!(ch = add(d, RC_ADDED, NULL, b)))
				return -1;
			ch->rc_regression = !b->rv_as_expected;
		}
	}
	for (unsigned i = 0; i < base->rd_nv; i++)
		if (!seen[i] && !add(d, RC_REMOVED, &base->rd_v[i], NULL))
			return -1;
	return 0;
}

int res_diff(const struct res_doc *base, const struct res_doc *neu, double threshold,
	     struct res_diff *out)
{
	struct key *ka = sorted(base), *kb = sorted(neu);
	int *m = calloc(neu->rd_nv ? neu->rd_nv : 1, sizeof(*m));
	bool *seen = calloc(base->rd_nv ? base->rd_nv : 1, sizeof(*seen));
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->rf_threshold = threshold;
	out->rf_knobs_differ = strcmp(base->rd_knobs, neu->rd_knobs) != 0;
	if (ka && kb && m && seen) {
		match(base, neu, ka, kb, m);
		rc = walk(out, base, neu, m, seen);
	}
	for (unsigned i = 0; rc == 0 && i < out->rf_n; i++)
		out->rf_regressions += out->rf_c[i].rc_regression;
	free(ka);
	free(kb);
	free(m);
	free(seen);
	if (rc)
		res_diff_free(out);
	return rc;
}

void res_diff_free(struct res_diff *d)
{
	free(d->rf_c);
	memset(d, 0, sizeof(*d));
}
