#!/usr/bin/env bash
# Sets up, builds once, and runs every test: the CTest suite (unit,
# diagnostics, expressions, CLI, corpus) in parallel, then the fuzzers for a
# bounded time. Exit status is non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== ctest"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
# A Release build (-O3) of the two programs configured as a user or a
# packager does (no warnings as errors: the build above has them), then a
# smoke check of each: a Release build that fails, or a Release-only
# miscompile of definitions/, cannot come back unnoticed.
echo "== Release build of formc and formd"
BUILD_DIR=build-release BUILD_TYPE=Release BUILD_TARGETS="formc formd" \
  scripts/build.sh -DFORMC_WARNINGS_AS_ERRORS=OFF -DFORMC_BUILD_TESTS=OFF -DFORMC_BUILD_BENCH=OFF
build-release/compiler/driver/formc check definitions
release_out="$(mktemp -d)"
build-release/compiler/driver/formc compile definitions -o "$release_out" --quiet
diff -r -x .formc-outputs -x .formc-state generated "$release_out"
rm -rf "$release_out"
build-release/runtime/formd/formd --help >/dev/null
echo "== fuzzers (bounded)"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
