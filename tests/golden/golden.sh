#!/usr/bin/env bash
# Golden tests: each tests/golden/<case>/input is a configuration root whose
# `formc compile` output must equal tests/golden/<case>/expected byte for byte.
#   tests/golden/golden.sh FORMC            compare (prints a diff on mismatch)
#   tests/golden/golden.sh FORMC --update   rewrite expected/ and print the diff
set -euo pipefail
FORMC="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; MODE="${2:-check}"
cd "$(dirname "$0")"
status=0
for case_dir in */; do
  case_dir="${case_dir%/}"
  [[ -d "$case_dir/input" ]] || continue
  out="$(mktemp -d)"
  # Run from inside the case so paths in outputs are the same for everyone.
  if ! (cd "$case_dir" && "$FORMC" compile input -o "$out" --quiet); then
    echo "golden: $case_dir: formc compile failed"; status=1; rm -rf "$out"; continue
  fi
  rm -f "$out/.formc-outputs" "$out/.formc-state"
  if [[ "$MODE" == "--update" ]]; then
    diff -ruN "$case_dir/expected" "$out" || true
    rm -rf "$case_dir/expected"; cp -r "$out" "$case_dir/expected"
    echo "golden: $case_dir updated"
  elif ! diff -ruN "$case_dir/expected" "$out"; then
    echo "golden: $case_dir differs; if the change is intended run: tests/golden/golden.sh build/compiler/driver/formc --update"
    status=1
  fi
  rm -rf "$out"
done
exit $status
