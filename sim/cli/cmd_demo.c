/* SPDX-License-Identifier: MIT */
/*
 * sim/cli/cmd_demo.c - `pcsim demo`: the engine's self-demo.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/core/demo.h"
#include "sim/core/sim.h"

static const char *status_name(enum sim_status st)
{
	static const char *const names[] = { "ok", "stopped", "deadlock", "diverged",
					     "step-limit", "time-limit" };

	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

int cmd_demo(int argc, char **argv)
{
	struct sim_demo_cfg dc = { .tasks = 4, .ops = 20, .locks = 3, .random = false };
	struct sim_config cfg = { .seed = 1, .arena_size = 1 << 20 };
	bool trace = false, hash_only = false;
	const char *tape_text = NULL;
	struct sim_tape rec, rep;
	struct sim *s;
	enum sim_status st;
	uint64_t v;
	int rc = PCSIM_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--tasks") && cli_parse_u64(a, val, 16, &v) && v) {
			dc.tasks = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--ops") && cli_parse_u64(a, val, SIM_MAX_OPS, &v) && v) {
			dc.ops = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--locks") && cli_parse_u64(a, val, 8, &v) && v) {
			dc.locks = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--seed") && cli_parse_u64(a, val, UINT64_MAX, &v)) {
			cfg.seed = v;
			dc.random = true;
			i++;
		} else if (!strcmp(a, "--tape") && val) {
			tape_text = val;
			i++;
		} else if (!strcmp(a, "--random")) {
			dc.random = true;
		} else if (!strcmp(a, "--deadlock")) {
			dc.deadlock = true;
		} else if (!strcmp(a, "--trace")) {
			trace = true;
		} else if (!strcmp(a, "--hash")) {
			hash_only = true;
		} else {
			fprintf(stderr, "pcsim demo: bad option '%s' (see pcsim --help)\n", a);
			return PCSIM_EXIT_USAGE;
		}
	}
	sim_tape_init(&rec);
	sim_tape_init(&rep);
	if (tape_text) {
		size_t at = 0;

		if (sim_tape_parse(&rep, tape_text, &at)) {
			fprintf(stderr, "pcsim demo: --tape: malformed at byte %zu: '%s'\n", at,
				tape_text);
			sim_tape_free(&rep);
			return PCSIM_EXIT_USAGE;
		}
	}
	s = sim_create(&cfg);
	if (!s || sim_demo_setup(s, &dc)) {
		fprintf(stderr, "pcsim demo: setup failed\n");
		sim_destroy(s);
		return PCSIM_EXIT_USAGE;
	}
	if (dc.random)
		sim_set_chooser(s, &sim_demo_random_chooser);
	if (trace)
		sim_trace_to(s, stdout);
	sim_record(s, &rec);
	if (tape_text)
		sim_replay(s, &rep);
	st = sim_run(s);
	if (hash_only) {
		printf("%016" PRIx64 "\n", sim_trace_hash(s));
	} else {
		size_t need = sim_tape_format(&rec, NULL, 0) + 1;
		char *buf = malloc(need);

		printf("status     %s%s%s\n", status_name(st), st == SIM_DIVERGED ? ": " : "",
		       st == SIM_DIVERGED ? sim_divergence(s) : "");
		printf("tasks      %u user + 1 worker, %u ops each\n", dc.tasks, dc.ops);
		printf("steps      %" PRIu64 "\n", sim_steps(s));
		printf("sim time   %" PRIu64 " ns\n", sim_now(s));
		printf("counters   %" PRIu64 "\n", sim_demo_total(s));
		printf("trace hash %016" PRIx64 "\n", sim_trace_hash(s));
		if (buf) {
			sim_tape_format(&rec, buf, need);
			printf("choices    %u\nreplay     pcsim demo --tasks %u --ops %u --locks %u%s "
			       "--tape '%s'\n",
			       rec.tp_len, dc.tasks, dc.ops, dc.locks,
			       dc.deadlock ? " --deadlock" : "", buf);
		}
		free(buf);
	}
	if (st != SIM_OK)
		rc = PCSIM_EXIT_MISMATCH;
	sim_tape_free(&rec);
	sim_tape_free(&rep);
	sim_destroy(s);
	return rc;
}
