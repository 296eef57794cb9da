/* SPDX-License-Identifier: MIT */
/*
 * sim/report/metrics_md.c - the metrics document (--metrics-md), what
 * docs/perf.md is made of (`make perf`).
 *
 * Per directory of scenario files:
 *   designs side by side   when the directory holds one workload in several
 *                          files (NN-WORKLOAD-DESIGN.scn: 01-append-bh.scn,
 *                          01-append-iomap.scn), a table per headline cost,
 *                          a row per workload, a column per design (the
 *                          profile and the variant's knobs), so the four
 *                          designs of seed 002 compare at a glance;
 *   all metrics            a row per variant, every cost as a column;
 *   workloads              what each scenario does (its header comment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"

#define MD_CELL		160	/* bytes of knobs in a cell */
#define MAX_WORKLOADS	64	/* rows of a side-by-side table */
#define MAX_DESIGNS	8	/* its columns */
#define DESIGN_LEN	(SCN_MAX_NAME + 2 + sizeof(((struct rpt_variant *)0)->rv_knobs))

static const enum rpt_metric_id md_cols[] = {
	RM_DATA_IOS, RM_DATA_BLOCKS, RM_ZERO_BLOCK_IOS, RM_LOG_IOS, RM_COMMIT_IOS, RM_META_IOS,
	RM_FLUSHES, RM_FUA, RM_COMMITS, RM_SEQ_PCT, RM_SIZE_LAT, RM_SIZE_LAT_MEDIAN, RM_DATA_LAT,
	RM_DATA_LAT_MEDIAN, RM_SIM_TIME,
};
#define MD_NCOLS (sizeof(md_cols) / sizeof(md_cols[0]))

/* The costs the side-by-side tables compare, each with what to look for. */
static const struct {
	enum rpt_metric_id id;
	const char *what;
} headline[] = {
	{ RM_SIZE_LAT, "how long a new file size stays volatile: after a truncate up or "
		       "fallocate the journal makes it durable within the commit interval "
		       "(5 s) unless the size waits for the zeroed EOF block's writeback "
		       "(dirty expiry 30 s + commit)" },
	{ RM_DATA_LAT, "how long written data stays volatile: until writeback (30 s dirty "
		       "expiry, or sooner) and a cache flush or FUA after it" },
	{ RM_ZERO_BLOCK_IOS, "EOF blocks zeroed and written on their own" },
	{ RM_DATA_IOS, "file data writes" },
	{ RM_SEQ_PCT, "writes that continue where the previous one ended" },
	{ RM_COMMITS, "jbd2 transactions committed" },
	{ RM_FLUSHES, "cache flushes" },
};
#define NHEADLINE (sizeof(headline) / sizeof(headline[0]))

static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

static bool same_dir(const char *a, const char *b)
{
	return dir_len(a) == dir_len(b) && !strncmp(a, b, dir_len(a));
}

/* "profile knobs", or "profile variant" when the variant has no knobs. */
static void design(const struct rpt_scenario *s, const struct rpt_variant *v, char *buf,
		   size_t len)
{
	snprintf(buf, len, "%s%s%s", s->rs_profile, v->rv_knobs[0] || v->rv_has_name ? " " : "",
		 v->rv_knobs[0] ? v->rv_knobs : v->rv_has_name ? rpt_vname(v) : "");
}

/* The workload of NN-WORKLOAD-DESIGN.scn: "WORKLOAD" (the number and the
 * design dropped); the file name when it has no such parts. */
static void workload(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	char *dash;
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && !strcmp(b + n - 4, ".scn"))
		n -= 4;
	snprintf(buf, len, "%.*s", (int)n, b);
	if ((dash = strrchr(buf, '-')) && dash != buf)
		*dash = '\0';
	dash = strchr(buf, '-');
	if (dash && dash > buf && strspn(buf, "0123456789") == (size_t)(dash - buf))
		memmove(buf, dash + 1, strlen(dash + 1) + 1);
}

struct grid {
	char g_design[MAX_DESIGNS][DESIGN_LEN];
	unsigned g_nd;
	char g_work[MAX_WORKLOADS][SCN_MAX_NAME + 1];
	unsigned g_nw;
	const struct rpt_variant *g_v[MAX_WORKLOADS][MAX_DESIGNS];
	bool g_dropped;			/* more workloads or designs than the table holds */
	bool g_paired;			/* workloads span files: a table is worth it */
};

static unsigned find_or_add(char (*names)[DESIGN_LEN], unsigned *n, unsigned max,
			    const char *name)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return i;
	if (*n == max)
		return max;
	snprintf(names[*n], sizeof(names[0]), "%s", name);
	return (*n)++;
}

/* The variants of scenarios [from, to) by workload and design. */
static void grid_build(struct grid *g, const struct rpt *rp, unsigned from, unsigned to)
{
	memset(g, 0, sizeof(*g));
	for (unsigned i = from; i < to; i++) {
		const struct rpt_scenario *s = &rp->rp_s[i];
		char w[SCN_MAX_NAME + 1], dz[DESIGN_LEN];
		unsigned wi = g->g_nw;

		if (s->rs_error)
			continue;
		workload(s->rs_path, w, sizeof(w));
		for (unsigned k = 0; k < g->g_nw; k++)
			if (!strcmp(g->g_work[k], w))
				wi = k;
		if (wi == g->g_nw) {
			if (g->g_nw == MAX_WORKLOADS) {
				g->g_dropped = true;
				continue;
			}
			memcpy(g->g_work[g->g_nw++], w, sizeof(w));
		}
		for (unsigned k = 0; k < s->rs_nv; k++) {
			unsigned di;

			design(s, &s->rs_v[k], dz, sizeof(dz));
			di = find_or_add(g->g_design, &g->g_nd, MAX_DESIGNS, dz);
			if (di == MAX_DESIGNS || g->g_v[wi][di]) {
				g->g_dropped = true;
				continue;
			}
			g->g_v[wi][di] = &s->rs_v[k];
		}
	}
	g->g_paired = !g->g_dropped && g->g_nd > 1 && g->g_nw < to - from;
}

static void side_by_side(struct sbuf *b, const struct grid *g)
{
	char m[48];

	sb_puts(b, "\n### The designs side by side\n");
	for (size_t h = 0; h < NHEADLINE; h++) {
		sb_printf(b, "\n**%s**: %s\n\n| workload |", rpt_metric_defs[headline[h].id].md_label,
			  headline[h].what);
		for (unsigned d = 0; d < g->g_nd; d++) {
			sb_puts(b, " ");
			sb_md(b, g->g_design[d], sizeof(g->g_design[d]));
			sb_puts(b, " |");
		}
		sb_puts(b, "\n|---|");
		for (unsigned d = 0; d < g->g_nd; d++)
			sb_puts(b, "---:|");
		sb_puts(b, "\n");
		for (unsigned w = 0; w < g->g_nw; w++) {
			sb_puts(b, "| ");
			sb_md(b, g->g_work[w], SCN_MAX_NAME);
			sb_puts(b, " |");
			for (unsigned d = 0; d < g->g_nd; d++) {
				if (g->g_v[w][d])
					rpt_metric_fmt(g->g_v[w][d], headline[h].id, m, sizeof(m));
				else
					snprintf(m, sizeof(m), " ");
				sb_printf(b, " %s |", m);
			}
			sb_puts(b, "\n");
		}
	}
}

static void table_head(struct sbuf *b)
{
	sb_puts(b, "\n### All metrics\n\n| scenario | design | verdict |");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_printf(b, " %s |", rpt_metric_defs[md_cols[k]].md_label);
	sb_puts(b, "\n|---|---|---|");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_puts(b, "---:|");
	sb_puts(b, "\n");
}

static void table_row(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v)
{
	char m[48], dz[DESIGN_LEN];

	design(s, v, dz, sizeof(dz));
	sb_puts(b, "| ");
	sb_md(b, s->rs_name, SCN_MAX_NAME);
	sb_puts(b, " | ");
	sb_md(b, dz, sizeof(dz));
	sb_printf(b, " | %s |", rpt_verdict_text(v));
	for (size_t k = 0; k < MD_NCOLS; k++) {
		rpt_metric_fmt(v, md_cols[k], m, sizeof(m));
		sb_printf(b, " %s |", m);
	}
	sb_puts(b, "\n");
}

static void abouts(struct sbuf *b, const struct rpt *rp, unsigned from, unsigned to)
{
	sb_puts(b, "\n### Workloads\n\n");
	for (unsigned i = from; i < to; i++)
		if (rp->rp_s[i].rs_about) {
			sb_puts(b, "- **");
			sb_md(b, rp->rp_s[i].rs_name, SCN_MAX_NAME);
			sb_puts(b, "**: ");
			sb_md(b, rp->rp_s[i].rs_about, 600);
			sb_puts(b, "\n");
		}
}

/* One directory: scenarios [from, to). */
static void directory(struct sbuf *b, const struct rpt *rp, unsigned from, unsigned to)
{
	const char *path = rp->rp_s[from].rs_path;
	struct grid *g = malloc(sizeof(*g));

	sb_printf(b, "\n## `%.*s`\n", (int)dir_len(path), dir_len(path) ? path : ".");
	if (g) {
		grid_build(g, rp, from, to);
		if (g->g_paired)
			side_by_side(b, g);
		free(g);
	}
	table_head(b);
	for (unsigned i = from; i < to; i++)
		for (unsigned k = 0; k < rp->rp_s[i].rs_nv; k++)
			table_row(b, &rp->rp_s[i], &rp->rp_s[i].rs_v[k]);
	abouts(b, rp, from, to);
}

char *rpt_metrics_md_str(const struct rpt *rp)
{
	struct sbuf b;
	unsigned start = 0;

	sb_init(&b);
	sb_printf(&b, "# pcsim metrics\n\nGenerated by `pcsim %s --metrics-md` (pcsim %s) from "
		      "%u scenario files; do not edit by hand (`make perf` writes docs/perf.md "
		      "from scenarios/perf).\n", rp->rp_command, PCSIM_VERSION, rp->rp_ns);
	for (unsigned i = 1; i <= rp->rp_ns; i++)
		if (i == rp->rp_ns || !same_dir(rp->rp_s[i].rs_path, rp->rp_s[start].rs_path)) {
			directory(&b, rp, start, i);
			start = i;
		}
	sb_puts(&b, "\n## Columns\n\n");
	for (size_t k = 0; k < MD_NCOLS; k++)
		sb_printf(&b, "- **%s**: %s\n", rpt_metric_defs[md_cols[k]].md_label,
			  rpt_metric_defs[md_cols[k]].md_help);
	sb_puts(&b, "\nA design is the file system profile and the variant's knobs; ext4 is the "
		    "buffer_head path in data=ordered mode. Times are simulated; \"-\" is a value "
		    "the run could not measure (its step log was full).\n");
	return sb_take(&b);
}

int rpt_write_metrics_md(const struct rpt *rp, const char *path, char *err, size_t len)
{
	return rpt_write_owned(path, rpt_metrics_md_str(rp), err, len);
}
