#!/usr/bin/env bash
# Configures and builds the project once into build/ (Ninja, RelWithDebInfo),
# with warnings as errors (FORMC_WARNINGS_AS_ERRORS: on for development and
# CI, off in a plain `cmake` build). BUILD_DIR, BUILD_TYPE (e.g. Release) and
# BUILD_TARGETS (e.g. "formc formd": only those targets) choose another build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DFORMC_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
targets=()
for target in ${BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$BUILD_DIR" -j"$(nproc)" "${targets[@]}"
