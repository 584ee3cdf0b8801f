#!/usr/bin/env node
// Differential test driver: three verdicts on the same documents.
//
//   node differential.js --formc FORMC --runner RUNNER --library LIB --root ROOT
//        --out OUT --work DIR --per-form N --seed S --today YYYY-MM-DD
//   node differential.js --skip-missing ROOT      (exit 77: corpus absent)
//
// OUT is `formc compile ROOT -o OUT` (done at build time; RUNNER links the
// C++ it wrote). Steps:
//  1. RUNNER generate: N documents per form (valid, random, mutated; seeded),
//     and each form's definition with its schema gaps (expr-not-in-schema).
//  2. RUNNER verdicts: the generated C++ validator and the interpreter
//     (formc::validate::validate, `formc validate`'s code), submit context,
//     fixed today, in one batch process.
//  3. ajv (Ajv2020, strict, allErrors) on OUT/schemas/<uid>.schema.json.
//  4. Rules, per document:
//     - C++ and interpreter: the same sorted list of (field, code). Always.
//     - ajv and C++: the same valid/invalid verdict, and the same set of
//       failing top-level fields (ajv: first instancePath segment, required's
//       missingProperty, additionalProperties' additionalProperty; C++: the
//       error's field). Allowed only on a form whose definition has schema
//       gaps: ajv accepts or blames fewer fields where C++ is stricter
//       (ajv's fields a subset of C++'s) — the schema leaves those rules out,
//       by design sound but incomplete. ajv stricter than C++ is never allowed.
//  5. A few real `formc validate` CLI runs must print what step 2 computed.
// Prints the counts; on a real disagreement, prints the smallest disagreeing
// document with the three verdicts and exits 1.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const lib = require('../json_schema/lib.js');

const { options, positional } = lib.parseArgs(process.argv.slice(2), ['skip-missing']);
if (options['skip-missing']) {
  console.log(`SKIPPED: ${positional[0]} absent (the shared DataPass corpus is not available here)`);
  process.exit(lib.SKIP);
}
for (const k of ['formc', 'runner', 'library', 'root', 'out', 'work', 'per-form', 'seed', 'today']) {
  if (!options[k]) { console.error(`usage: missing --${k}`); process.exit(2); }
}
if (!fs.existsSync(options.root)) {
  console.log(`SKIPPED: ${options.root} absent`);
  process.exit(lib.SKIP);
}
const Ajv2020 = lib.requireModule('ajv/dist/2020');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    console.error(`FAIL: ${cmd} ${args.join(' ')} exited with ${r.status}\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r;
}

fs.mkdirSync(options.work, { recursive: true });
const docsFile = path.join(options.work, 'documents.tsv');
const formsFile = path.join(options.work, 'forms.json');
const verdictsFile = path.join(options.work, 'verdicts.jsonl');
const t0 = Date.now();
run(options.runner, ['generate', options.library, options.root, options['per-form'], options.seed, docsFile, formsFile]);
run(options.runner, ['verdicts', options.library, options.root, options.today, docsFile, verdictsFile]);
const t1 = Date.now();

const manifest = JSON.parse(fs.readFileSync(path.join(options.out, 'manifest.json'), 'utf8'));
const forms = new Map(JSON.parse(fs.readFileSync(formsFile, 'utf8')).map((f) => [f.uid, f]));
if (manifest.forms.length !== forms.size) {
  console.error(`FAIL: the manifest lists ${manifest.forms.length} forms, the IR ${forms.size}`);
  process.exit(1);
}
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = new Map();
for (const f of manifest.forms) {
  if (!forms.has(f.uid)) { console.error(`FAIL: form ${f.uid} of the manifest is not in the IR`); process.exit(1); }
  const schema = JSON.parse(fs.readFileSync(path.join(options.out, f.schema), 'utf8'));
  validators.set(f.uid, { schema, validate: ajv.compile(schema) });
}

const docs = fs.readFileSync(docsFile, 'utf8').split('\n').filter((l) => l);
const verdicts = fs.readFileSync(verdictsFile, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
if (docs.length !== verdicts.length) { console.error('FAIL: documents and verdicts differ in number'); process.exit(1); }

const topField = (f) => f.split(/[./[]/)[0];
const key = (pairs) => JSON.stringify(pairs);
const counts = { documents: docs.length, forms: validators.size, valid: 0, invalid: 0, agreed: 0,
                 allowed: 0, allowedForms: new Set(), formsWithGaps: new Set(), perForm: new Map() };
const failures = [];
for (let i = 0; i < docs.length; i++) {
  const tab = docs[i].indexOf('\t');
  const uid = docs[i].slice(0, tab);
  const text = docs[i].slice(tab + 1);
  const form = forms.get(uid);
  const hasGaps = form.gaps.length > 0;
  if (hasGaps) counts.formsWithGaps.add(uid);
  counts.perForm.set(uid, (counts.perForm.get(uid) || 0) + 1);
  const { schema, validate } = validators.get(uid);
  const ajvValid = validate(JSON.parse(text));
  const ajvFields = lib.blame(schema, validate.errors).fields;
  const { cpp, interp } = verdicts[i];
  const cppValid = cpp.length === 0;
  const cppFields = [...new Set(cpp.map(([f]) => topField(f)))].sort();
  if (cppValid) counts.valid++; else counts.invalid++;

  let problem = null;
  if (key(cpp) !== key(interp)) {
    problem = 'the generated C++ and the interpreter report different errors';
  } else if (ajvValid === cppValid && key(ajvFields) === key(cppFields)) {
    counts.agreed++;
  } else if (hasGaps && (ajvValid || !cppValid) && ajvFields.every((f) => cppFields.includes(f))) {
    counts.allowed++;
    counts.allowedForms.add(uid);
  } else if (ajvValid !== cppValid) {
    problem = `ajv says ${ajvValid ? 'valid' : 'invalid'}, the generated C++ ${cppValid ? 'valid' : 'invalid'}`;
  } else {
    problem = 'ajv and the generated C++ blame different fields';
  }
  if (problem) {
    failures.push({ uid, definition: form.definition, index: i, text, problem, ajvValid, ajvFields, cppFields, cpp, interp,
                    ajvErrors: (validate.errors || []).map((e) => `${e.instancePath || '/'} ${e.keyword} ${JSON.stringify(e.params)} (${e.schemaPath})`),
                    gaps: form.gaps });
  }
}

// A few real CLI runs: `formc validate` must print what the interpreter gave.
let cliRuns = 0;
{
  const picks = [];
  const uids = [...counts.perForm.keys()];
  for (let u = 0; u < uids.length && picks.length < 8; u += Math.max(1, Math.floor(uids.length / 4))) {
    const first = docs.findIndex((l) => l.startsWith(uids[u] + '\t'));
    picks.push(first, first + 1, first + 2);  // a valid one and two mutated ones
  }
  for (const i of picks) {
    const tab = docs[i].indexOf('\t');
    const uid = docs[i].slice(0, tab);
    const file = path.join(options.work, 'cli-document.json');
    fs.writeFileSync(file, docs[i].slice(tab + 1));
    const r = spawnSync(options.formc, ['validate', '--form', uid, '--data', file, '--context', 'submit', '--format', 'json',
                                         '--today', options.today, '--library', options.library, options.root], { encoding: 'utf8' });
    let out = null;
    try { out = JSON.parse(r.stdout); } catch (e) { /* reported below */ }
    const want = verdicts[i].interp;
    const got = out && out.errors.map((e) => [e.field, e.code]).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const wantStatus = want.length === 0 ? 0 : 1;
    if (!out || r.status !== wantStatus || key(got) !== key(want) || out.valid !== (want.length === 0)) {
      console.error(`FAIL: formc validate --form ${uid} (document ${i}) exited ${r.status} and printed\n${r.stdout}${r.stderr}\n` +
                    `expected exit ${wantStatus} and errors ${key(want)}`);
      process.exit(1);
    }
    cliRuns++;
  }
}

const minPerForm = Math.min(...counts.perForm.values());
console.log(`differential: ${counts.forms} forms, ${counts.documents} documents (at least ${minPerForm} per form; ` +
            `${counts.valid} valid, ${counts.invalid} invalid per the generated C++), C++ and interpreter and ajv run in ${(t1 - t0) / 1000}s`);
console.log(`  three-way agreement (verdict and failing fields): ${counts.agreed}`);
console.log(`  allowed disagreements (ajv more lenient on a form whose definition has expr-not-in-schema gaps): ` +
            `${counts.allowed} on ${counts.allowedForms.size} of the ${counts.formsWithGaps.size} forms with gaps`);
console.log(`  real disagreements: ${failures.length}`);
console.log(`  formc validate CLI runs matching the in-process interpreter: ${cliRuns}`);
if (counts.forms !== manifest.forms.length || minPerForm < 1000 && Number(options['per-form']) >= 1000) {
  console.error('FAIL: not every form got its documents');
  process.exit(1);
}
if (failures.length) {
  // Group by form and problem; show the smallest document of each group.
  const groups = new Map();
  for (const f of failures) {
    const k = `${f.uid}: ${f.problem}`;
    const g = groups.get(k);
    if (!g) groups.set(k, { n: 1, min: f });
    else { g.n++; if (f.text.length < g.min.text.length) g.min = f; }
  }
  const shown = [...groups.entries()].slice(0, Number(process.env.DIFFERENTIAL_SHOW || 10));
  for (const [k, { n, min }] of shown) {
    console.error(`\nDISAGREEMENT (${n} documents) ${k}  [definition ${min.definition}]\n  document #${min.index}: ${min.text}\n` +
                  `  ajv:         ${min.ajvValid ? 'valid' : 'invalid'}; fields only ajv blames: ${key(min.ajvFields.filter((f) => !min.cppFields.includes(f)))}, ` +
                  `only C++ blames: ${key(min.cppFields.filter((f) => !min.ajvFields.includes(f)))}\n` +
                  `               ${min.ajvErrors.join('\n               ')}\n` +
                  `  generated:   ${key(min.cpp)}\n  interpreter: ${key(min.interp)}\n` +
                  (min.gaps.length ? `  schema gaps: ${min.gaps.join('; ')}\n` : ''));
  }
  console.error(`FAIL: ${failures.length} real disagreements in ${groups.size} (form, kind) groups` +
                (groups.size > shown.length ? ` (first ${shown.length} shown; DIFFERENTIAL_SHOW=N for more)` : ''));
  process.exit(1);
}
console.log('PASS');
