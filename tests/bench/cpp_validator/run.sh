#!/bin/sh
# The generated C++ validator vs ajv, in one run, on the same form schema and
# documents, both end to end from JSON text. Prints both figures and the ratio.
#   run.sh BENCH_BINARY [ITERATIONS RUNS [MIN_RATIO]]
# With MIN_RATIO, exits 1 when C++ is not at least that many times faster
# than ajv on the valid document (exit 77 when node or ajv is missing).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=$1
iterations=${2:-1000000}
runs=${3:-5}
min_ratio=${4:-}
node_modules=${FORMC_NODE_MODULES:-$here/../../../node_modules}
if ! command -v node >/dev/null 2>&1 || [ ! -d "$node_modules/ajv" ]; then
  echo "node or ajv missing: skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench" --schema "$work/schema.json"
"$bench" "$here/documents.json" "$iterations" "$runs" > "$work/cpp.jsonl"
FORMC_NODE_MODULES="$node_modules" node "$here/ajv_bench.js" "$work/schema.json" "$here/documents.json" "$iterations" "$runs" > "$work/ajv.jsonl"
node - "$work/cpp.jsonl" "$work/ajv.jsonl" "$min_ratio" <<'JS'
const fs = require('fs');
const [cppFile, ajvFile, minRatio] = process.argv.slice(2);
const read = (f) => Object.fromEntries(fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.doc, r]));
const cpp = read(cppFile), ajv = read(ajvFile);
let ok = true;
console.log('document  bytes  C++ docs/s (ns/doc)   ajv docs/s (ns/doc)   ratio   verdicts (C++/ajv)   [ajv validate() alone, parsed input]');
for (const doc of Object.keys(cpp)) {
  const c = cpp[doc], a = ajv[doc];
  const ratio = c.docs_per_s / a.docs_per_s;
  console.log(`${doc.padEnd(9)} ${String(c.bytes).padStart(5)}  ${String(c.docs_per_s).padStart(10)} (${c.ns_per_doc})   ${String(a.docs_per_s).padStart(10)} (${a.ns_per_doc})   ${ratio.toFixed(2)}x   ${c.valid}/${a.valid} errors ${c.errors}/${a.errors}   [${a.validate_only_docs_per_s} docs/s]`);
  if (c.valid !== a.valid) { console.log(`  verdicts differ on ${doc}`); ok = false; }
  if (minRatio && doc === 'valid' && ratio < Number(minRatio)) { console.log(`  below the ${minRatio}x target`); ok = false; }
}
process.exit(ok ? 0 : 1);
JS
