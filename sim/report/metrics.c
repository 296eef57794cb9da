/* SPDX-License-Identifier: MIT */
/*
 * sim/report/metrics.c - verdicts and metrics as every report form shows
 * them, and the formatting of times and sizes.
 *
 * The metrics are the costs seed 002 argues about: I/Os by kind and size,
 * the small zero-block writes of EOF zeroing, cache flushes and FUA, jbd2
 * commits, how sequential the writes are (a seek is a write that does not
 * start where the previous one ended), and the worst time until a new
 * i_disksize, or written data, is durable.
 */
#include <stdio.h>
#include <string.h>

#include "sim/report/rpt_int.h"

const struct rpt_metric_def rpt_metric_defs[RM__COUNT] = {
	[RM_DATA_IOS] = { "ios.data", "data I/Os", false, false,
			  "file data writes (writeback, direct I/O, writethrough)" },
	[RM_DATA_BLOCKS] = { "io_blocks.data", "data blocks", false, false,
			     "blocks those writes carried (and their size)" },
	[RM_ZERO_BLOCK_IOS] = { "zero_block_ios", "zero-block I/Os", false, false,
				"EOF blocks zeroed and written on their own (iomap zero_eof)" },
	[RM_META_IOS] = { "ios.meta", "checkpoint I/Os", false, false,
			  "metadata written to its home location (jbd2 checkpoint)" },
	[RM_LOG_IOS] = { "ios.log", "journal log I/Os", false, false,
			 "journal descriptor and metadata block writes" },
	[RM_COMMIT_IOS] = { "ios.commit", "commit records", false, false,
			    "journal commit record writes" },
	[RM_FLUSH_IOS] = { "ios.flush", "empty flushes", false, false,
			   "cache flushes sent without data" },
	[RM_FLUSHES] = { "flushes", "cache flushes", false, false,
			 "writes with REQ_PREFLUSH, and empty flushes" },
	[RM_FUA] = { "fua", "FUA writes", false, false, "writes with REQ_FUA" },
	[RM_COMMITS] = { "commits", "jbd2 commits", false, false, "journal transactions committed" },
	[RM_SEEKS] = { "seeks", "seeks", false, false,
		       "writes not starting at the block after the previous write" },
	[RM_SEQ_PCT] = { "sequential_pct", "sequential %", false, false,
			 "writes that continue where the previous one ended" },
	/* Size and data latencies are the model's (model/latency.c), per
	 * operation; the i_disksize one is read off the run's step log. */
	[RM_SIZE_LAT] = { "size_durable_max_ns", "new size durable after (max)", true, false,
			  "worst time from the response of an operation that grew a file "
			  "(append, extending write, truncate up, extending fallocate or zero "
			  "range) until a durable journal commit logs an on-disk size at least "
			  "that large" },
	[RM_SIZE_LAT_MEDIAN] = { "size_durable_median_ns", "new size durable after (median)",
				 true, false, "the same, median over the operations measured" },
	[RM_SIZE_OPEN] = { "size_durable_open", "sizes not durable at the end", false, false,
			   "operations that grew a file whose size was still not durable "
			   "when the run ended" },
	[RM_DISKSIZE_LAT] = { "disksize_durable_max_ns", "i_disksize update durable after (max)",
			      true, true, "worst time from file 0's in-memory i_disksize "
			      "growing until a durable commit records it (the commit delay "
			      "alone)" },
	[RM_DATA_LAT] = { "data_durable_max_ns", "data durable after (max)", true, false,
			  "worst time from the response of a write or store until every block "
			  "it wrote holds that data (or newer) on the media: written by a "
			  "completed bio, then covered by a completed flush or FUA" },
	[RM_DATA_LAT_MEDIAN] = { "data_durable_median_ns", "data durable after (median)", true,
				 false, "the same, median over the writes and stores measured" },
	[RM_DATA_OPEN] = { "data_durable_open", "writes not durable at the end", false, false,
			   "writes and stores whose data was still not durable when the run "
			   "ended" },
	[RM_WLOG] = { "write_log", "write-log entries", false, false,
		      "disk write log: submissions and completions" },
	[RM_STEPS] = { "steps", "steps", false, false, "engine steps run" },
	[RM_SIM_TIME] = { "sim_time_ns", "simulated time", true, false,
			  "simulated time at the end of the run" },
};

static uint64_t writes(const struct pc_metrics *m)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < PC_BIO_NKINDS; k++)
		if (k != PC_BIO_FLUSH)
			n += m->m_ios[k];
	return n;
}

uint64_t rpt_metric(const struct rpt_variant *v, enum rpt_metric_id id)
{
	const struct pc_metrics *m = &v->rv_r.r_metrics;
	uint64_t w;

	switch (id) {
	case RM_DATA_IOS: return m->m_ios[PC_BIO_DATA];
	case RM_DATA_BLOCKS: return m->m_io_blocks[PC_BIO_DATA];
	case RM_ZERO_BLOCK_IOS: return m->m_zero_ios;
	case RM_META_IOS: return m->m_ios[PC_BIO_META];
	case RM_LOG_IOS: return m->m_ios[PC_BIO_LOG];
	case RM_COMMIT_IOS: return m->m_ios[PC_BIO_COMMIT];
	case RM_FLUSH_IOS: return m->m_ios[PC_BIO_FLUSH];
	case RM_FLUSHES: return m->m_flushes;
	case RM_FUA: return m->m_fua;
	case RM_COMMITS: return m->m_commits;
	case RM_SEEKS: return m->m_seeks;
	case RM_SEQ_PCT:
		w = writes(m);
		return w ? (w - (m->m_seeks < w ? m->m_seeks : w)) * 100 / w : 100;
	case RM_SIZE_LAT: return m->m_disksize_lat_max;
	case RM_SIZE_LAT_MEDIAN: return m->m_disksize_lat_median;
	case RM_SIZE_OPEN: return m->m_disksize_lat_open;
	case RM_DISKSIZE_LAT: return v->rv_disksize_lat;
	case RM_DATA_LAT: return m->m_data_lat_max;
	case RM_DATA_LAT_MEDIAN: return m->m_data_lat_median;
	case RM_DATA_OPEN: return m->m_data_lat_open;
	case RM_WLOG: return v->rv_r.r_wlog;
	case RM_STEPS: return v->rv_r.r_steps;
	case RM_SIM_TIME: return v->rv_r.r_sim_time;
	default: return 0;
	}
}

void rpt_metric_fmt(const struct rpt_variant *v, enum rpt_metric_id id, char *buf, size_t len)
{
	uint64_t x = rpt_metric(v, id);

	if (!v->rv_ran || !rpt_metric_known(v, id))
		snprintf(buf, len, "-");
	else if (rpt_metric_defs[id].md_time)
		rpt_fmt_time(x, buf, len);
	else if (id == RM_DATA_BLOCKS && v->rv_bs) {
		char b[32];

		rpt_fmt_bytes(x * v->rv_bs, b, sizeof(b));
		snprintf(buf, len, "%llu (%s)", (unsigned long long)x, b);
	} else
		snprintf(buf, len, "%llu", (unsigned long long)x);
}

bool rpt_metric_known(const struct rpt_variant *v, enum rpt_metric_id id)
{
	if (v->rv_no_metrics)
		return false;
	/* A latency over no operation is unknown, not instant (0 is a real
	 * result: an O_DSYNC write is durable when it returns). */
	if (id == RM_SIZE_LAT || id == RM_SIZE_LAT_MEDIAN)
		return v->rv_r.r_metrics.m_disksize_lat_n != 0;
	if (id == RM_DATA_LAT || id == RM_DATA_LAT_MEDIAN)
		return v->rv_r.r_metrics.m_data_lat_n != 0;
	return !rpt_metric_defs[id].md_from_log || v->rv_lat_known;
}

/* ---- verdicts ---- */

bool rpt_as_expected(const struct rpt_variant *v)
{
	return v->rv_ran && (v->rv_r.r_verdict == PCR_PASS ||
			     v->rv_r.r_verdict == PCR_FAIL_EXPECTED || v->rv_not_found);
}

const char *rpt_verdict_key(const struct rpt_variant *v)
{
	static const char *const k[] = { "pass", "fail-expected", "unexpected-pass",
					 "unexpected-fail" };

	if (!v->rv_ran)
		return "error";
	return v->rv_not_found ? "not-found" : k[v->rv_r.r_verdict];
}

const char *rpt_verdict_text(const struct rpt_variant *v)
{
	if (!v->rv_ran)
		return "ERROR";
	return v->rv_not_found ? "NOT FOUND" : pcr_verdict_name(v->rv_r.r_verdict);
}

const char *rpt_vname(const struct rpt_variant *v)
{
	return v->rv_has_name ? v->rv_r.r_variant : "-";
}

bool rpt_has_details(const struct rpt_variant *v)
{
	return !v->rv_ran || v->rv_r.r_failed || !rpt_as_expected(v) || v->rv_error;
}

void rpt_inv_list(uint32_t mask, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < PC_INV_N && at < len; k++)
		if (mask & (1u << k))
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
					       pc_invariant_names[k]);
	if (!at)
		snprintf(buf, len, "-");
}

void rpt_count(const struct rpt *rp, struct rpt_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->c_scenarios = rp->rp_ns;
	for (unsigned i = 0; i < rp->rp_ns; i++) {
		const struct rpt_scenario *s = &rp->rp_s[i];

		c->c_parse_errors += s->rs_error != NULL;
		for (unsigned k = 0; k < s->rs_nv; k++) {
			const struct rpt_variant *v = &s->rs_v[k];
			unsigned *by[] = { &c->c_pass, &c->c_fail_expected, &c->c_unexpected_pass,
					   &c->c_unexpected_fail };

			c->c_variants++;
			*(rpt_as_expected(v) ? &c->c_ok : &c->c_bad) += 1;
			if (!v->rv_ran)
				c->c_error++;
			else if (v->rv_not_found)
				c->c_not_found++;
			else
				*by[v->rv_r.r_verdict] += 1;
		}
	}
}

/* ---- formatting ---- */

/* n / div with up to 4 decimals, trailing zeros dropped: 5.0002, 400, 1.5 */
static void fmt_frac(uint64_t n, uint64_t div, const char *unit, char *buf, size_t len)
{
	uint64_t whole = n / div, frac = (n % div) * 10000 / div % 10000;
	char f[24];
	int k = 4;

	snprintf(f, sizeof(f), "%04llu", (unsigned long long)frac);
	while (k > 0 && f[k - 1] == '0')
		f[--k] = '\0';
	snprintf(buf, len, "%llu%s%s %s", (unsigned long long)whole, k ? "." : "", f, unit);
}

void rpt_fmt_time(sim_time_t ns, char *buf, size_t len)
{
	if (ns == 0)
		snprintf(buf, len, "0");
	else if (ns < SIM_USEC)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < SIM_MSEC)
		fmt_frac(ns, SIM_USEC, "µs", buf, len);
	else if (ns < SIM_SEC)
		fmt_frac(ns, SIM_MSEC, "ms", buf, len);
	else
		fmt_frac(ns, SIM_SEC, "s", buf, len);
}

void rpt_fmt_bytes(uint64_t n, char *buf, size_t len)
{
	uint64_t tenths;
	const char *unit = "KiB";

	if (n < 4096) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	tenths = n * 10 / 1024;
	if (n >= (4ull << 20)) {
		tenths = n / 1024 * 10 / 1024;
		unit = "MiB";
	}
	if (tenths % 10)
		snprintf(buf, len, "%llu.%llu %s", (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10), unit);
	else
		snprintf(buf, len, "%llu %s", (unsigned long long)(tenths / 10), unit);
}

void rpt_anchor(unsigned si, unsigned vi, char *buf, size_t len)
{
	snprintf(buf, len, "s%u-v%u", si, vi);
}
