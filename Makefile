SHELL := /bin/bash
# Thin wrapper over CMake. `make run` and `make test` are the whole quick start.
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE   ?= cmake
RUN_ARGS ?=

.PHONY: all build run test test-long coverage bench bench-fuzz fuzz fuzz-run fuzz-tape-run sanitize deps clean perf determinism crashdiff

all: build

deps:
	@.ci/deps build test

$(BUILD)/CMakeCache.txt:
	@.ci/deps build test
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

# The main job: every scenario under scenarios/, its verdicts on the
# terminal and in build/report.txt, and the reports: build/report.html (open
# it in a browser), build/report.json, build/report.xml (JUnit),
# build/report.md.
run: build
	./$(BUILD)/pcsim run scenarios --json $(BUILD)/report.json --junit $(BUILD)/report.xml \
		--html $(BUILD)/report.html --markdown $(BUILD)/report.md $(RUN_ARGS) \
		| tee $(BUILD)/report.txt; exit $${PIPESTATUS[0]}

# The costs of zero_eof=submit|wait|deferred and buffer_head ordered mode on
# the scenarios/perf workloads: regenerates docs/perf.md (and an HTML page).
# tests/scenario/check_reports.c runs this command (into a scratch directory).
PERF_MD   ?= docs/perf.md
PERF_HTML ?= $(BUILD)/perf.html
perf: build
	./$(BUILD)/pcsim run -q scenarios/perf --metrics-md $(PERF_MD) --html $(PERF_HTML)

test: build
	@[ -x /usr/bin/chromium ] || echo "note: /usr/bin/chromium is not installed: the test html/screenshot is skipped (.ci/deps screenshot installs it)"
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The kernel check's long run (docs/crashdiff.md): CRASHDIFF_N generated
# workloads per configuration (ext4 and xfs, 1k and 4k) against the host
# kernel, JOBS configurations at a time; needs root, /dev/fuse and loop
# devices. Per configuration build/crashdiff-FS-BS.{txt,json,md}; the
# summaries are printed at the end. Ctrl-C stops every configuration after
# its current image and still writes what ran.
CRASHDIFF_N       ?= 2500
CRASHDIFF_SEED    ?= 1000
CRASHDIFF_CONFIGS ?= ext4:1024 ext4:4096 xfs:1024 xfs:4096
crashdiff: build
	@printf '%s\n' $(CRASHDIFF_CONFIGS) | xargs -P $(JOBS) -I{} sh -c 'fs=$${1%%:*}; bs=$${1##*:}; \
		./$(BUILD)/pcsim kernel --generate $(CRASHDIFF_N) --seed $(CRASHDIFF_SEED) \
		--fs $$fs --bs $$bs --json $(BUILD)/crashdiff-$$fs-$$bs.json \
		--markdown $(BUILD)/crashdiff-$$fs-$$bs.md > $(BUILD)/crashdiff-$$fs-$$bs.txt' _ {}; \
	rc=$$?; for c in $(CRASHDIFF_CONFIGS); do cat $(BUILD)/crashdiff-$${c%%:*}-$${c##*:}.txt; done; exit $$rc

test-long: build
	cd $(BUILD) && PCSIM_LONG=1 ctest --output-on-failure -j $(JOBS)

# Same inputs, same output across compilers: every scenario's trace and
# JSON results from a clang build must equal the gcc build's, byte for byte.
determinism: build
	@.ci/deps build test fuzz
	CC=clang $(CMAKE) -S . -B $(BUILD)-clang -DPCSIM_TESTS=OFF >/dev/null
	$(CMAKE) --build $(BUILD)-clang -j $(JOBS) --target pcsim
	$(CMAKE) -DA=$(CURDIR)/$(BUILD)/pcsim -DB=$(CURDIR)/$(BUILD)-clang/pcsim -DSRC=$(CURDIR) \
		-DOUT=$(CURDIR)/$(BUILD)-clang -P tests/same_run.cmake

sanitize:
	@.ci/deps build test
	$(CMAKE) -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DPCSIM_SANITIZE=ON >/dev/null
	$(CMAKE) --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

coverage:
	@.ci/deps build test coverage
	$(CMAKE) -S . -B $(BUILD)-cov -DCMAKE_BUILD_TYPE=Debug -DPCSIM_COVERAGE=ON >/dev/null
	$(CMAKE) --build $(BUILD)-cov -j $(JOBS)
	lcov -q --zerocounters --directory $(BUILD)-cov
	cd $(BUILD)-cov && ctest -j $(JOBS) >/dev/null || (ctest --output-on-failure; exit 1)
	lcov -q --capture --directory $(BUILD)-cov --output-file $(BUILD)-cov/all.info
	lcov -q --extract $(BUILD)-cov/all.info '*/sim/*' '*/model/*' --output-file $(BUILD)-cov/pcsim.info
	genhtml -q $(BUILD)-cov/pcsim.info --output-directory $(BUILD)/coverage
	@lcov --summary $(BUILD)-cov/pcsim.info 2>&1 | grep -E 'lines|functions'
	@echo "coverage report: $(BUILD)/coverage/index.html"

bench: build
	$(CMAKE) --build $(BUILD) --target bench -j $(JOBS)
	./$(BUILD)/bench_engine
	./$(BUILD)/bench_explore .

# Runs and seconds to the first violation of every seed bug under pcsim
# fuzz, random and PCT, median over 20 seeds (printed, not asserted).
bench-fuzz: build
	$(CMAKE) --build $(BUILD) --target bench_fuzz -j $(JOBS)
	./$(BUILD)/bench_fuzz . | tee $(BUILD)/bench-fuzz.txt

fuzz:
	@.ci/deps build test fuzz
	CC=clang $(CMAKE) -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPCSIM_FUZZ=ON -DPCSIM_TESTS=OFF >/dev/null
	$(CMAKE) --build $(BUILD)-fuzz -j $(JOBS)

# The scenario parser under libFuzzer + ASan + UBSan (FUZZ_TIME seconds).
FUZZ_TIME ?= 600
fuzz-run: fuzz
	mkdir -p $(BUILD)-fuzz/corpus
	cp scenarios/*/*.scn tests/unit/scn/*.scn $(BUILD)-fuzz/corpus/ 2>/dev/null || true
	./$(BUILD)-fuzz/tests/fuzz/fuzz_scenario -dict=tests/fuzz/scenario.dict \
		-max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 $(BUILD)-fuzz/corpus

# The tape target: choices over the seed scenarios under libFuzzer + ASan +
# UBSan, seeded with tests/fuzz/corpus/tape (FUZZ_TIME seconds). A violation
# on a variant expected to pass aborts with the replay command; with
# PCSIM_FUZZ_TAPE_REPORT=1 it is printed and the run goes on.
fuzz-tape-run: fuzz
	mkdir -p $(BUILD)-fuzz/corpus-tape
	./$(BUILD)-fuzz/tests/fuzz/fuzz_tape -dict=tests/fuzz/tape.dict \
		-max_total_time=$(FUZZ_TIME) -timeout=60 -rss_limit_mb=4096 \
		$(BUILD)-fuzz/corpus-tape tests/fuzz/corpus/tape

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-cov $(BUILD)-fuzz $(BUILD)-clang
