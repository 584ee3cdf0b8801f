#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for a
# bounded time (default 60 s) on its committed seed corpus. A crash, a leak or
# a hang (per-input timeout) fails the run; the crashing input is kept in
# build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFORMC_BUILD_FUZZERS=ON -DFORMC_BUILD_TESTS=OFF -DFORMC_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzzers
mkdir -p build-fuzz/artifacts
status=0
while read -r target corpus_seed; do
  [[ -z "$target" ]] && continue
  name=$(basename "$target")
  work="build-fuzz/corpus/$name"
  mkdir -p "$work"
  echo "fuzz: $name for ${SECONDS_PER_TARGET}s"
  if ! "$target" "$work" "$corpus_seed" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=build-fuzz/artifacts/"$name"- -print_final_stats=1 >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -n 40 "build-fuzz/$name.log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "build-fuzz/$name.log" | head -n 2 || true
  fi
done < build-fuzz/fuzzers.txt
exit $status
