#!/bin/sh
# The generated C++ validator vs ajv, same form schema, same documents, both
# end to end from JSON text, in one run. Builds what it needs, then for each
# form (API Pro Santé Connect from definitions/, and a big corpus form when
# the shared corpus is present) and each set (valid, invalid) prints the
# median docs/s of RUNS runs of N documents for C++ and for ajv, and the ratio.
#   tests/bench/bench_validator.sh [BUILD_DIR [N [RUNS]]]
# Documents: the differential test's generator (tests/differential/runner.cc,
# seed 7), split into valid and invalid by the generated validator.
# First, bench_lists: requests whose lists hold LIST_ITEMS (80,000) distinct
# items, which a list's bound turns into one error (see bench_lists.cc).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
n=${2:-20000}
runs=${3:-5}
list_items=${LIST_ITEMS:-80000}
shared="$root/../shared/reference/datapass-v2"
corpus_form=${CORPUS_FORM:-api-particulier}
cmake --build "$build" --target bench_validator differential_definitions_runner $( [ -d "$shared" ] && echo differential_datapass_runner ) >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib="$root/definitions/library"

bench() {  # bench NAME ROOT FORM
  name=$1 defroot=$2 form=$3
  bindir="$build/tests/differential/differential_$name"
  runner="$build/tests/differential/differential_${name}_runner"
  "$runner" generate "$lib" "$defroot" 1000 7 "$work/$name.tsv" "$work/$name.forms.json"
  "$runner" verdicts "$lib" "$defroot" 2026-01-15 "$work/$name.tsv" "$work/$name.verdicts" 2>/dev/null
  paste "$work/$name.tsv" "$work/$name.verdicts" | awk -F '\t' -v f="$form" -v o="$work/$form" '
    $1 == f { if ($3 ~ /"cpp":\[\]/) print $2 > (o ".valid"); else print $2 > (o ".invalid") }'
  for set in valid invalid; do
    docs="$work/$form.$set"
    [ -s "$docs" ] || { echo "$form: no $set documents"; continue; }
    "$build/tests/bench/validator/bench_validator_$4" "$form" "$docs" "$n" "$runs" > "$work/cpp.json"
    node "$root/tests/bench/validator/bench_ajv.js" "$bindir/out/schemas/$form.schema.json" "$docs" "$n" "$runs" > "$work/ajv.json"
    node -e '
      const [c, a] = process.argv.slice(1, 3).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
      const [form, set] = [process.argv[3], process.argv[4]];
      console.log(`${form} [${set}: ${c.docs} docs, ~${c.avg_bytes} B, valid C++ ${c.valid} / ajv ${a.valid}]  ` +
                  `C++ ${c.docs_per_s} docs/s  ajv ${a.docs_per_s} docs/s  ratio ${(c.docs_per_s / a.docs_per_s).toFixed(2)}x` +
                  `   (runs C++ ${c.runs.join(" ")}; ajv ${a.runs.join(" ")})`);
    ' "$work/cpp.json" "$work/ajv.json" "$form" "$set"
  done
}

echo "bench_lists: one request per list field of API Pro Santé Connect holding $list_items distinct items (then all at once)," \
     "median ms per request of $runs runs, generated C++ and interpreter, submit context, end to end from JSON text"
"$build/tests/bench/validator/bench_lists_definitions" api-pro-sante-connect "$root/definitions/library" "$root/definitions" \
  "$list_items" "$runs"

echo "bench_validator: N=$n documents per run, median of $runs runs, submit context, end to end from JSON text"
bench definitions "$root/definitions" api-pro-sante-connect definitions
if [ -d "$shared" ]; then
  bench datapass "$shared" "$corpus_form" corpus
else
  echo "shared corpus absent: corpus form skipped"
fi
