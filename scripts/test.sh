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
echo "== fuzzers (bounded)"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
