#!/usr/bin/env bash
# generated/ holds formc's committed output for definitions/ (reviewed in
# diffs, never edited by hand). This test regenerates it in a temporary
# directory and fails with the diff when the committed copy is stale.
set -euo pipefail
FORMC="$1"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
(cd "$REPO" && "$FORMC" compile definitions -o "$OUT" --quiet)
if ! diff -ruN -x .formc-outputs -x .formc-state "$REPO/generated" "$OUT"; then
  echo
  echo "generated/ is stale. Refresh it with:"
  echo "  build/compiler/driver/formc compile definitions -o generated"
  exit 1
fi
echo "generated/ is up to date ($(find "$OUT" -type f | wc -l) files)"
