/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_diff.c - `pcsim diff BASE.json NEW.json`: what changed between
 * two runs' results (pcsim run --json): verdicts, new and fixed
 * violations, metrics that moved past a threshold. Exit 1 on a regression
 * (a verdict no longer as expected, a new violation), 0 otherwise, 2 when
 * an input is missing or malformed (the message names the file and the
 * field, or the line and column of bad JSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/report/report.h"
#include "sim/report/results.h"

#define DEFAULT_THRESHOLD 5.0	/* percent */

struct diff_opts {
	const char *base, *neu, *out;
	enum res_format fmt;
	double threshold;
};

static bool parse_threshold(const char *val, double *out)
{
	char *end;
	double v;

	if (!val || !*val)
		return false;
	v = strtod(val, &end);
	if (*end == '%')
		end++;
	if (*end || !(v >= 0 && v <= 1e9)) {
		fprintf(stderr, "pcsim diff: --threshold wants a percentage >= 0 (got '%s')\n", val);
		return false;
	}
	*out = v;
	return true;
}

static int parse(int argc, char **argv, struct diff_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = DEFAULT_THRESHOLD;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--markdown")) {
			o->fmt = RES_MARKDOWN;
		} else if (!strcmp(a, "--html")) {
			o->fmt = RES_HTML;
		} else if (!strcmp(a, "--text")) {
			o->fmt = RES_TEXT;
		} else if (!strcmp(a, "--threshold") && val) {
			if (!parse_threshold(val, &o->threshold))
				return -1;
			i++;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && val) {
			o->out = val;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pcsim diff: unknown option '%s' (see pcsim --help)\n", a);
			return -1;
		} else if (!o->base) {
			o->base = a;
		} else if (!o->neu) {
			o->neu = a;
		} else {
			fprintf(stderr, "pcsim diff: one BASE and one NEW file (got '%s' too)\n", a);
			return -1;
		}
	}
	if (!o->neu) {
		fprintf(stderr, "usage: pcsim diff BASE.json NEW.json [--markdown|--html] "
				"[--threshold PCT] [-o FILE]\n");
		return -1;
	}
	return 0;
}

static int emit(const struct diff_opts *o, char *text)
{
	char err[512];

	if (!text) {
		fprintf(stderr, "pcsim diff: out of memory\n");
		return -1;
	}
	if (!o->out) {
		fputs(text, stdout);
		free(text);
		return 0;
	}
	if (rpt_write_atomic(o->out, text, strlen(text), err, sizeof(err))) {
		fprintf(stderr, "pcsim diff: %s\n", err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o;
	struct res_doc a, b;
	struct res_diff d;
	char err[600];
	int rc = PCSIM_EXIT_USAGE;

	if (parse(argc, argv, &o))
		return PCSIM_EXIT_USAGE;
	if (res_load(o.base, &a, err, sizeof(err))) {
		fprintf(stderr, "pcsim diff: %s\n", err);
		return PCSIM_EXIT_USAGE;
	}
	if (res_load(o.neu, &b, err, sizeof(err))) {
		fprintf(stderr, "pcsim diff: %s\n", err);
		res_free(&a);
		return PCSIM_EXIT_USAGE;
	}
	if (res_diff(&a, &b, o.threshold, &d) == 0) {
		if (emit(&o, res_diff_format(&d, &a, &b, o.base, o.neu, o.fmt)) == 0)
			rc = d.rf_regressions ? PCSIM_EXIT_MISMATCH : PCSIM_EXIT_OK;
		res_diff_free(&d);
	} else {
		fprintf(stderr, "pcsim diff: out of memory\n");
	}
	res_free(&a);
	res_free(&b);
	return rc;
}
