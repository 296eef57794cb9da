/* SPDX-License-Identifier: MIT */
/*
 * sim/report/svg_sizes.c - two small charts of a failing variant.
 *
 * The size chart sits beside the timeline with the same rows, time running
 * down: file 0's i_size (what stat sees), i_disksize (what the next jbd2
 * commit logs) and the durable size (the on-disk size of the last commit
 * whose record reached the media) as step lines, bytes across. Where the
 * lines part is the window the seed threads argue about: a size in memory
 * or in the journal that is not yet backed by durable data. The bytes a
 * violation names are a red band.
 *
 * The byte map draws each file with a violation as a bar of blocks, the
 * offending byte ranges on it, and file 0's final sizes as ticks.
 */
#include <stdio.h>
#include <string.h>

#include "sim/report/rpt_int.h"

#define SZ_W	272
#define SZ_X0	14
#define SZ_X1	(SZ_W - 26)

static int sx(uint64_t v, uint64_t max)
{
	return SZ_X0 + (int)((double)v * (SZ_X1 - SZ_X0) / (double)(max ? max : 1));
}

/* A round top for the axis, at least max, whose quarters are round too:
 * 1, 2, 4, 6 or 8 times a power of ten. */
static uint64_t axis_max(uint64_t max)
{
	static const uint64_t m[] = { 1, 2, 4, 6, 8, 10 };
	uint64_t p = 1;

	if (max == 0)
		return 4000;
	while (p * 10 <= max)
		p *= 10;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (p * m[i] >= max)
			return p * m[i];
	return p * 10;
}

/* Axis labels: plain bytes below 100000, KiB / MiB above. */
static void axis_label(uint64_t v, char *buf, size_t len)
{
	if (v < 100000)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		rpt_fmt_bytes(v, buf, len);
}

static void series(struct sbuf *b, const struct rpt_layout *l, uint64_t max, int which,
		   const char *cls)
{
	sb_printf(b, "<polyline class=\"%s\" points=\"", cls);
	for (unsigned i = 0; i < l->l_nrows; i++) {
		const struct rpt_row *w = &l->l_rows[i];
		uint64_t v = which == 0 ? w->w_isize : which == 1 ? w->w_disksize : w->w_durable;
		int x = sx(v, max);

		sb_printf(b, "%d,%d %d,%d ", x, w->w_y, x, w->w_y + w->w_h);
	}
	sb_puts(b, "\"/>\n");
}

static void chart_head(struct sbuf *b, uint64_t max)
{
	char t[32];

	sb_puts(b, "<line class=\"k0\" x1=\"14\" y1=\"9\" x2=\"34\" y2=\"9\"/>"
		   "<text class=\"lg\" x=\"38\" y=\"13\">i_size</text>"
		   "<line class=\"k1\" x1=\"94\" y1=\"9\" x2=\"114\" y2=\"9\"/>"
		   "<text class=\"lg\" x=\"118\" y=\"13\">i_disksize</text>"
		   "<line class=\"k2\" x1=\"190\" y1=\"9\" x2=\"210\" y2=\"9\"/>"
		   "<text class=\"lg\" x=\"214\" y=\"13\">durable</text>\n");
	for (int k = 0; k <= 4; k++) {
		uint64_t v = max * (uint64_t)k / 4;
		int x = sx(v, max);

		axis_label(v, t, sizeof(t));
		sb_printf(b, "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
			  x, RPT_HEAD_H - 10, k == 0 ? "start" : k == 4 ? "end" : "middle", t);
	}
}

static void grid(struct sbuf *b, const struct rpt_layout *l, uint64_t max)
{
	for (int k = 0; k <= 4; k++) {
		int x = sx(max * (uint64_t)k / 4, max);

		sb_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", x,
			  RPT_HEAD_H - 6, x, l->l_height - 4);
	}
	for (unsigned i = 0; i < l->l_nrows; i++) {
		const struct rpt_row *w = &l->l_rows[i];
		int ym = w->w_y + w->w_h / 2;

		if (w->w_kind == ROW_CRASH)
			sb_printf(b, "<line class=\"crash\" x1=\"4\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
				  ym + 4, SZ_W - 4, ym + 4);
		else if (w->w_kind == ROW_POWERCUT)
			sb_printf(b, "<rect class=\"pcut\" x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\" "
				  "rx=\"3\"/>\n", w->w_y + 3, SZ_W - 8, w->w_h - 6);
		else if (w->w_kind == ROW_GAP)
			sb_printf(b, "<rect class=\"gap\" x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
				  w->w_y + 4, SZ_W - 8, w->w_h - 8);
	}
}

static void bands(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l,
		  uint64_t max)
{
	for (unsigned i = 0; i < v->rv_r.r_nviol; i++) {
		const struct pc_violation *x = &v->rv_r.r_viol[i];
		int x0, x1;

		if (x->v_file != 0 || !x->v_len)
			continue;
		x0 = sx(x->v_off, max);
		x1 = sx(x->v_off + x->v_len, max);
		sb_printf(b, "<rect class=\"vband\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
			  "<title>%s: bytes %llu-%llu</title></rect>\n", x0, RPT_HEAD_H - 4,
			  x1 - x0 > 1 ? x1 - x0 : 2, l->l_height - RPT_HEAD_H,
			  pc_invariant_names[x->v_inv], (unsigned long long)x->v_off,
			  (unsigned long long)(x->v_off + x->v_len - 1));
	}
}

void rpt_svg_sizes(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l)
{
	uint64_t max = axis_max(l->l_max_size);

	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sz\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>file 0: i_size, "
		  "i_disksize and durable size over simulated time</title>\n", SZ_W, l->l_height,
		  SZ_W, l->l_height);
	chart_head(b, max);
	grid(b, l, max);
	bands(b, v, l, max);
	series(b, l, max, 2, "k2");
	series(b, l, max, 1, "k1");
	series(b, l, max, 0, "k0");
	sb_puts(b, "</svg>\n");
}

/* ---- the byte map ---- */

#define BM_W	880
#define BM_X0	70
#define BM_X1	(BM_W - 20)

static uint64_t file_extent(const struct rpt_variant *v, unsigned file)
{
	uint64_t e = 0;

	for (unsigned i = 0; i < v->rv_r.r_nviol; i++) {
		const struct pc_violation *x = &v->rv_r.r_viol[i];

		if (x->v_file == file && x->v_off + x->v_len > e)
			e = x->v_off + x->v_len;
	}
	for (unsigned i = 0; file == 0 && i < v->rv_nsteps; i++)
		if (v->rv_steps[i].st_isize > e)
			e = v->rv_steps[i].st_isize;
	return e;
}

static int bx(uint64_t v, uint64_t max)
{
	return BM_X0 + (int)((double)v * (BM_X1 - BM_X0) / (double)(max ? max : 1));
}

static void blocks(struct sbuf *b, uint64_t max, uint32_t bs, int y)
{
	sb_printf(b, "<rect class=\"fbar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\"/>\n",
		  BM_X0, y, BM_X1 - BM_X0);
	if (!bs || max / bs > 128)
		return;
	for (uint64_t off = bs; off < max; off += bs)
		sb_printf(b, "<line class=\"bgl\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
			  bx(off, max), y, bx(off, max), y + 18);
}

/* Is a label at x clear of those drawn (at least a label's width away)? */
static bool label_clear(const int *drawn, unsigned n, int x)
{
	for (unsigned i = 0; i < n; i++)
		if (x > drawn[i] - 40 && x < drawn[i] + 40)
			return false;
	return true;
}

static void ranges(struct sbuf *b, const struct rpt_variant *v, unsigned file, uint64_t max,
		   int y)
{
	int drawn[8];
	unsigned nd = 0;

	for (unsigned i = 0; i < v->rv_r.r_nviol; i++) {
		const struct pc_violation *x = &v->rv_r.r_viol[i];
		int x0 = bx(x->v_off, max), x1 = bx(x->v_off + x->v_len, max);

		if (x->v_file != file || !x->v_len)
			continue;
		sb_printf(b, "<rect class=\"vrange\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\">"
			  "<title>%s: bytes %llu-%llu%s</title></rect>\n", x0, y,
			  x1 - x0 > 2 ? x1 - x0 : 2, pc_invariant_names[x->v_inv],
			  (unsigned long long)x->v_off,
			  (unsigned long long)(x->v_off + x->v_len - 1),
			  x->v_crash ? " after the crash" : "");
		if (!label_clear(drawn, nd, x0) || nd == sizeof(drawn) / sizeof(drawn[0]))
			continue;	/* the offset is in the tooltip */
		drawn[nd++] = x0;
		sb_printf(b, "<text class=\"bl\" x=\"%d\" y=\"%d\">%llu</text>\n", x0, y + 30,
			  (unsigned long long)x->v_off);
	}
}

static void final_sizes(struct sbuf *b, const struct rpt_variant *v, uint64_t max, int y)
{
	const struct rpt_step *st = NULL;
	static const char *const name[] = { "i_size", "i_disksize", "durable" };

	for (unsigned i = 0; i < v->rv_nsteps; i++)
		if (v->rv_steps[i].st_kind == RPT_STEP)
			st = &v->rv_steps[i];
	if (!st)
		return;
	for (int k = 0; k < 3; k++) {
		uint64_t s = k == 0 ? st->st_isize : k == 1 ? st->st_disksize : st->st_durable;

		sb_printf(b, "<line class=\"k%d\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\">"
			  "<title>%s %llu</title></line>\n", k, bx(s, max), y - 6 - 3 * k, bx(s, max),
			  y + 20, name[k], (unsigned long long)s);
	}
}

void rpt_svg_bytes(struct sbuf *b, const struct rpt_variant *v)
{
	unsigned files[2], nf = 0;
	int h;

	for (unsigned f = 0; f < 2; f++) {
		bool any = false;

		for (unsigned i = 0; i < v->rv_r.r_nviol; i++)
			any |= v->rv_r.r_viol[i].v_file == f && v->rv_r.r_viol[i].v_len;
		if (any)
			files[nf++] = f;
	}
	if (!nf)
		return;
	h = 16 + 46 * (int)nf;
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bm\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>offending bytes"
		  "</title>\n", BM_W, h, BM_W, h);
	for (unsigned i = 0; i < nf; i++) {
		uint64_t max = axis_max(file_extent(v, files[i]));
		char t[32];
		int y = 14 + 46 * (int)i;

		axis_label(max, t, sizeof(t));
		sb_printf(b, "<text class=\"ln\" x=\"4\" y=\"%d\">file %u</text>"
			  "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
			  y + 13, files[i], BM_X1, y + 30, t);
		blocks(b, max, v->rv_bs, y);
		ranges(b, v, files[i], max, y);
		if (files[i] == 0)
			final_sizes(b, v, max, y);
	}
	sb_puts(b, "</svg>\n");
}
