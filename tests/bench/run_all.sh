#!/usr/bin/env bash
# Runs every benchmark against the build in BUILD_DIR (default build/), each
# with its peer in the same run: formc check/compile timings, the expression
# front end, and the generated validators against ajv.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${1:-build}"
echo "== formc check / compile (tests/bench/bench_check.sh)"
FORMC="$BUILD_DIR/compiler/driver/formc" tests/bench/bench_check.sh 9
echo "== expressions: parse + check (tests/bench/expr_bench)"
cmake --build "$BUILD_DIR" --target expr_bench >/dev/null && "$BUILD_DIR"/tests/bench/expr/expr_bench
echo "== generated validators vs ajv (tests/bench/bench_validator.sh)"
tests/bench/bench_validator.sh "$BUILD_DIR" 20000 5
echo "== formd under load vs nginx, wrk (tests/bench/bench_formd.sh)" && tests/bench/bench_formd.sh "$BUILD_DIR"
