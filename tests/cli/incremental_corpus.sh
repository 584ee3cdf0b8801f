#!/usr/bin/env bash
# Incremental compiles of the shared DataPass corpus give the bytes of full
# compiles (compiler/driver/compile_units.h): compile a copy, edit one
# definition (le_taxi.yml's name), compile again into the same directory, and
# compare with a fresh compile of the edited copy; then the same with a block
# of a copied library (--library) that some definitions use (modalities). Also checks that
# each incremental compile regenerated fewer definitions than the corpus has.
#
#   tests/cli/incremental_corpus.sh FORMC LIBRARY CORPUS    (exit 77: corpus absent)
set -euo pipefail
FORMC="$1" LIBRARY="$2" CORPUS="$3"
[[ -d "$CORPUS" ]] || { echo "SKIPPED: $CORPUS is absent"; exit 77; }
FORMC="$(realpath "$FORMC")" LIBRARY="$(realpath "$LIBRARY")" CORPUS="$(realpath "$CORPUS")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS" "$WORK/root"
cp -r "$LIBRARY" "$WORK/library"
cd "$WORK"

# Compiles into inc (incremental) and into a fresh directory; fails unless
# both hold the same files, byte for byte (.formc-state is formc's record).
# Prints the incremental compile's summary line.
compile_and_compare() {
  local fresh="$1" summary
  summary="$("$FORMC" compile root --library library -o inc 2>&1 >/dev/null | grep -E '^formc: [0-9]+ files')"
  "$FORMC" compile root --library library -o "$fresh" --quiet 2>/dev/null
  diff -r -x .formc-state inc "$fresh" >/dev/null || { echo "FAIL: incremental output differs from a full compile ($fresh)"; diff -r -x .formc-state inc "$fresh" | head -20; exit 1; }
  echo "$summary"
}

# "(R of N definitions regenerated)" -> "R N"
regenerated() { sed -E 's/.*\(([0-9]+) of ([0-9]+) definitions regenerated\).*/\1 \2/' <<<"$1"; }

"$FORMC" compile root --library library -o inc --quiet 2>/dev/null
sleep 0.02
sed -i 's/^  name: .*/  name: "le.taxi (bis)"/' root/authorization_definitions/le_taxi.yml
line="$(compile_and_compare full1)"
echo "le_taxi.yml edited: $line"
read -r r n <<<"$(regenerated "$line")"
[[ "$r" -ge 1 && "$r" -lt "$n" ]] || { echo "FAIL: expected some but not all of $n definitions regenerated, got $r"; exit 1; }
grep -rq 'le.taxi (bis)' inc/cpp || { echo "FAIL: the edit is not in the C++ outputs"; exit 1; }

sleep 0.02
sed -i "s/^  title: \"Les modalités d'accès aux données\"/  title: \"Les modalités d'accès aux données (bis)\"/" library/blocks/modalities.yml
grep -q "données (bis)" library/blocks/modalities.yml || { echo "FAIL: could not edit the modalities block"; exit 1; }
line="$(compile_and_compare full2)"
echo "modalities block edited: $line"
read -r r n <<<"$(regenerated "$line")"
[[ "$r" -ge 1 && "$r" -lt "$n" ]] || { echo "FAIL: expected the definitions using modalities regenerated, got $r of $n"; exit 1; }
grep -rq "données (bis)" inc/html || { echo "FAIL: the block edit is not in the HTML outputs"; exit 1; }
echo "OK"
