/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_scenario.c - libFuzzer target for the scenario language.
 *
 * For any input: parse it with the model's vocabulary (or, built with
 * -DPCSIM_FUZZ_TEST_VOCAB, the fixed test vocabulary); if it parses, print
 * it, parse the printed text again and abort unless
 *   - the second parse succeeds,
 *   - the two trees are scn_equal, and
 *   - printing the second tree gives the same text (print is a fixed point).
 * Errors are formatted too, so the diagnostic code runs under the sanitizers.
 *
 * Build and run with the test vocabulary (from the source root; SRC is every
 * .c file of sim/scenario and sim/core, the tape section uses the engine's
 * tape parser):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DPCSIM_FUZZ_TEST_VOCAB -I. \
 *         $SRC tests/fuzz/fuzz_scenario.c -o /tmp/fz
 *   /tmp/fz -dict=tests/fuzz/scenario.dict -max_total_time=60 corpus/ tests/unit/scn
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/scenario.h"
#ifdef PCSIM_FUZZ_TEST_VOCAB
#include "tests/unit/test_scenario_vocab.h"
#define FUZZ_VOCAB scn_test_vocab
#else
#include "sim/explore/runner.h"	/* the model's real vocabulary */
#define FUZZ_VOCAB pcr_vocab
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, const char *text, const struct scn_diag *d)
{
	fprintf(stderr, "fuzz_scenario: %s\n--- printed text ---\n%s\n---\n", what, text);
	if (d)
		scn_diag_print(d, stderr);
	abort();
}

static void fz_diag(const struct scn_diag *d)
{
	char *s = scn_diag_str(d);

	if (!s || !strstr(s, "error: "))
		abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_file *a = NULL, *b = NULL;
	struct scn_diag d;
	char *p1, *p2;

	if (scn_parse("fuzz.scn", (const char *)data, size, &FUZZ_VOCAB, &a, &d)) {
		fz_diag(&d);
		return 0;
	}
	p1 = scn_print_str(a);
	if (!p1)
		abort();
	if (scn_parse("fuzz.scn", p1, strlen(p1), &FUZZ_VOCAB, &b, &d))
		fz_fail("the printed text does not parse", p1, &d);
	if (!scn_equal(a, b))
		fz_fail("parse(print(x)) differs from parse(x)", p1, NULL);
	p2 = scn_print_str(b);
	if (!p2 || strcmp(p1, p2))
		fz_fail("print(parse(print(x))) differs from print(x)", p1, NULL);
	free(p1);
	free(p2);
	scn_free(a);
	scn_free(b);
	return 0;
}
