/* SPDX-License-Identifier: MIT */
/*
 * sim/report/svg_timeline.c - the timeline of a failing variant as inline
 * SVG: one lane per task, each step a box in its lane (dashed when the task
 * went to sleep in it), operations as headings, the simulated time in the
 * gutter, power cuts as dark bands, the crash point as a red line, and a
 * disk column marking where the write log grew and where file 0's durable
 * size changed (a commit record reached the media). Rows come from
 * rpt_layout_build(); every box has a <title> with the details.
 */
#include <stdio.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/report/rpt_int.h"


/* Colours of the lanes: threads in blues and purples, kernel tasks by job. */
static const char *lane_class(const struct rpt_layout *l, unsigned k)
{
	static const char *const user[] = { "u0", "u1", "u2", "u3" };
	const char *n = l->l_lane[k];
	unsigned nu = 0;

	if (!l->l_kernel[k]) {
		for (unsigned i = 0; i < k; i++)
			nu += !l->l_kernel[i];
		return user[nu % 4];
	}
	if (!strncmp(n, "jbd2", 4) || !strcmp(n, "xfs-cil"))
		return "kj";
	if (!strncmp(n, "flusher", 7))
		return "kf";
	if (!strncmp(n, "endio", 5))
		return "ke";
	return "kd";
}

/* Text that fits in px pixels at RPT_CHAR_W per character, cut with an ellipsis. */
static void fit(struct sbuf *b, const char *s, int px)
{
	size_t max = px > 0 ? (size_t)((double)px / RPT_CHAR_W) : 0, n = strlen(s);
	char cut[96];

	if (n <= max) {
		sb_xml(b, s);
		return;
	}
	snprintf(cut, sizeof(cut), "%.*s", max > 1 ? (int)max - 1 : 0, s);
	sb_xml(b, cut);
	sb_puts(b, "…");
}

/* What the lane's task is: the thread's label from the scenario, or what
 * the kernel task does. */
static const char *lane_what(const struct rpt_scenario *s, const struct rpt_layout *l,
			     unsigned k)
{
	static const struct { const char *task, *what; } kt[] = {
		{ "flusher", "writeback (wb_workfn)" }, { "jbd2", "journal commit (kjournald2)" },
		{ "xfs-cil", "XFS log (xlog_cil_push_work)" },
		{ "endio", "end_io workqueue" }, { "endio2", "end_io workqueue" },
		{ "dio", "s_dio_done_wq" }, { "dio2", "s_dio_done_wq" },
	};

	for (unsigned t = 0; !l->l_kernel[k] && t < s->rs_nthreads; t++)
		if (!strncmp(s->rs_thread[t], l->l_lane[k], sizeof(l->l_lane[k]) - 1) && s->rs_label[t][0])
			return s->rs_label[t];
	for (size_t i = 0; l->l_kernel[k] && i < sizeof(kt) / sizeof(kt[0]); i++)
		if (!strcmp(kt[i].task, l->l_lane[k]))
			return kt[i].what;
	return l->l_kernel[k] ? "kernel task" : "thread";
}

static void head(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_layout *l)
{
	sb_printf(b, "<text class=\"gh\" x=\"%d\" y=\"18\" text-anchor=\"end\">sim time</text>\n",
		  RPT_GUTTER_W - 8);
	for (unsigned k = 0; k < l->l_nlanes; k++) {
		int x = l->l_lane_x[k], w = l->l_lane_w[k];

		sb_printf(b, "<rect class=\"lane %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
			  lane_class(l, k), x, RPT_HEAD_H - 4, w, l->l_height - RPT_HEAD_H);
		sb_printf(b, "<rect class=\"lh %s\" x=\"%d\" y=\"4\" width=\"%d\" height=\"%d\" "
			  "rx=\"4\"/>\n", lane_class(l, k), x + 2, w - 4, RPT_HEAD_H - 12);
		sb_printf(b, "<text class=\"ln\" x=\"%d\" y=\"20\">", x + 8);
		fit(b, l->l_lane[k], w - 12);
		sb_printf(b, "</text><text class=\"lk\" x=\"%d\" y=\"33\">", x + 8);
		fit(b, lane_what(s, l, k), w - 12);
		sb_puts(b, "</text>\n");
	}
	sb_printf(b, "<text class=\"ln\" x=\"%d\" y=\"20\">disk</text>"
		  "<text class=\"lk\" x=\"%d\" y=\"33\">write log · durable size</text>\n",
		  l->l_width - RPT_DISK_W + 8, l->l_width - RPT_DISK_W + 8);
}

static void time_label(struct sbuf *b, const struct rpt_row *w)
{
	char t[32];

	if (!w->w_time_label)
		return;
	rpt_fmt_time(w->w_time, t, sizeof(t));
	sb_printf(b, "<text class=\"tm\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
		  RPT_GUTTER_W - 8, w->w_y + 11, t);
}

static void tooltip(struct sbuf *b, const struct rpt_variant *v, const struct rpt_row *w)
{
	const struct rpt_step *st = &v->rv_steps[w->w_first];
	char t[32];

	rpt_fmt_time(w->w_time, t, sizeof(t));
	sb_puts(b, "<title>");
	sb_xml(b, st->st_task);
	sb_puts(b, ": ");
	sb_xml(b, st->st_what);
	if (w->w_n > 1)
		sb_printf(b, " (ran %u times)", w->w_n);
	sb_printf(b, "%s at %s; i_size %llu, i_disksize %llu, durable %llu; write log %u",
		  w->w_blocked ? ", went to sleep" : "", t, (unsigned long long)w->w_isize,
		  (unsigned long long)w->w_disksize, (unsigned long long)w->w_durable,
		  w->w_kind == ROW_STEP ? v->rv_steps[w->w_first + w->w_n - 1].st_wlog : 0);
	sb_puts(b, "</title>");
}

static void step(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l,
		 const struct rpt_row *w)
{
	int x = l->l_lane_x[w->w_lane] + 6, wd = l->l_lane_w[w->w_lane] - 12;
	char label[96];

	if (w->w_n > 1)
		snprintf(label, sizeof(label), "%s ×%u", v->rv_steps[w->w_first].st_what, w->w_n);
	else
		snprintf(label, sizeof(label), "%s", v->rv_steps[w->w_first].st_what);
	sb_printf(b, "<g><rect class=\"st %s%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		  "rx=\"3\"/>", lane_class(l, (unsigned)w->w_lane), w->w_blocked ? " blk" : "",
		  x, w->w_y + 1, wd, RPT_ROW_H - 2);
	sb_printf(b, "<text class=\"sn\" x=\"%d\" y=\"%d\">", x + 5, w->w_y + 11);
	fit(b, label, wd - 8);
	sb_puts(b, "</text>");
	tooltip(b, v, w);
	sb_puts(b, "</g>\n");
}

static void op(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l,
	       const struct rpt_row *w)
{
	int x = l->l_lane_x[w->w_lane] + 2, wd = l->l_lane_w[w->w_lane] - 4;

	sb_printf(b, "<rect class=\"opbar %s\" x=\"%d\" y=\"%d\" width=\"4\" height=\"%d\"/>",
		  lane_class(l, (unsigned)w->w_lane), x, w->w_y + 3, w->w_h - 5);
	sb_printf(b, "<text class=\"op\" x=\"%d\" y=\"%d\">", x + 9, w->w_y + 14);
	fit(b, v->rv_steps[w->w_first].st_what, wd - 12);
	sb_puts(b, "</text>\n");
}

static void across(struct sbuf *b, const struct rpt_variant *v, const struct rpt_layout *l,
		   const struct rpt_row *w)
{
	int x0 = 4, x1 = l->l_width - 4, ym = w->w_y + w->w_h / 2;
	char t[32];

	switch (w->w_kind) {
	case ROW_CRASH:
		sb_printf(b, "<line class=\"crash\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			  "<text class=\"crt\" x=\"%d\" y=\"%d\">⚡ crash point",
			  x0, ym + 4, x1, ym + 4, RPT_GUTTER_W + 6, ym - 2);
		if (v->rv_r.r_crash_violation)
			sb_printf(b, " · write log entry %u · %u surviving writes",
				  v->rv_r.r_crash_point, v->rv_r.r_nsurvivors);
		sb_puts(b, "</text>\n");
		break;
	case ROW_POWERCUT:
		sb_printf(b, "<rect class=\"pcut\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			  "rx=\"3\"/><text class=\"pct\" x=\"%d\" y=\"%d\">⚡ power cut · journal "
			  "recovery · mount (lifetime %u; the clock starts again at 0)</text>\n",
			  x0, w->w_y + 3, x1 - x0, w->w_h - 6, RPT_GUTTER_W + 6, ym + 4,
			  w->w_lifetime + 2);
		break;
	case ROW_GAP:
		rpt_fmt_time(w->w_time, t, sizeof(t));
		sb_printf(b, "<rect class=\"gap\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			  "<text class=\"gapt\" x=\"%d\" y=\"%d\" text-anchor=\"end\">+%s</text>\n",
			  x0, w->w_y + 4, x1 - x0, w->w_h - 8, RPT_GUTTER_W - 8, ym + 4, t);
		break;
	case ROW_MORE:
		sb_printf(b, "<text class=\"more\" x=\"%d\" y=\"%d\">… %u more steps not drawn "
			  "(the race diagram below has them all)</text>\n", RPT_GUTTER_W + 6, ym + 4,
			  l->l_hidden);
		break;
	default:
		break;
	}
}

/* The disk column: write-log growth and durable-size changes. */
static void disk(struct sbuf *b, const struct rpt_layout *l, const struct rpt_row *w)
{
	int x = l->l_width - RPT_DISK_W + 8;

	if (w->w_wlog_up)
		sb_printf(b, "<rect class=\"wl\" x=\"%d\" y=\"%d\" width=\"8\" height=\"9\"/>"
			  "<text class=\"dk\" x=\"%d\" y=\"%d\">log %u→%u</text>\n", x, w->w_y + 3,
			  x + 12, w->w_y + 11, w->w_wlog_from, w->w_wlog_to);
	if (w->w_durable_up)
		sb_printf(b, "<path class=\"dur\" d=\"M%d %dl5 5-5 5-5-5z\"/>"
			  "<text class=\"dkd\" x=\"%d\" y=\"%d\">durable %llu</text>\n", x + 76,
			  w->w_y + 2, x + 85, w->w_y + 11, (unsigned long long)w->w_durable);
}

void rpt_svg_timeline(struct sbuf *b, const struct rpt_scenario *s, const struct rpt_variant *v,
		      const struct rpt_layout *l)
{
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl\" width=\"%d\" "
		  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>timeline: ",
		  l->l_width, l->l_height, l->l_width, l->l_height);
	sb_xml(b, v->rv_r.r_scenario);
	sb_printf(b, " %s</title>\n", rpt_vname(v));
	head(b, s, l);
	for (unsigned i = 0; i < l->l_nrows; i++) {
		const struct rpt_row *w = &l->l_rows[i];

		if (w->w_kind == ROW_STEP && w->w_lane >= 0) {
			time_label(b, w);
			step(b, v, l, w);
			disk(b, l, w);
		} else if (w->w_kind == ROW_OP && w->w_lane >= 0) {
			op(b, v, l, w);
		} else {
			across(b, v, l, w);
		}
	}
	sb_puts(b, "</svg>\n");
}
