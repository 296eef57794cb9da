#!/bin/bash -eu
# Build pcsim's fuzz targets with the flags ClusterFuzzLite / OSS-Fuzz set
# ($CC, $CFLAGS with the sanitizer of this build, $LIB_FUZZING_ENGINE) and
# put them, their seed corpora and dictionaries in $OUT.
cd "$SRC/pcsim"
cmake -S . -B "$WORK/build-cfl" -DCMAKE_BUILD_TYPE=Release -DPCSIM_FUZZ=ON -DPCSIM_TESTS=OFF \
      -DPCSIM_WERROR=OFF -DPCSIM_FUZZ_FLAGS=external \
      -DPCSIM_FUZZ_LINK="$LIB_FUZZING_ENGINE" \
      -DCMAKE_C_FLAGS_RELEASE="" -DCMAKE_C_FLAGS="$CFLAGS"
cmake --build "$WORK/build-cfl" --target fuzz_tape fuzz_scenario -j"$(nproc)"
for t in fuzz_tape fuzz_scenario; do
  cp "$WORK/build-cfl/tests/fuzz/$t" "$OUT/"
done
# fuzz_tape: bytes as choices over the seeds (tests/fuzz/corpus/tape).
cp tests/fuzz/tape.dict "$OUT/fuzz_tape.dict"
(cd tests/fuzz/corpus/tape && zip -q -r "$OUT/fuzz_tape_seed_corpus.zip" .)
# fuzz_scenario: every scenario file.
cp tests/fuzz/scenario.dict "$OUT/fuzz_scenario.dict"
zip -q -j "$OUT/fuzz_scenario_seed_corpus.zip" scenarios/*/*.scn tests/unit/scn/*.scn
# The simulator checks every crash state of a run: give each input time.
for t in fuzz_tape fuzz_scenario; do
  printf '[libfuzzer]\ntimeout = 60\nrss_limit_mb = 4096\n' > "$OUT/$t.options"
done
