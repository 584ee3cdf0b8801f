// ajv side of bench_validator.sh: Ajv2020 (allErrors, strict), JSON.parse +
// validate per document, same documents and N/RUNS as the C++ side.
//   node bench_ajv.js SCHEMA DOCS N RUNS
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require(require.resolve('ajv/dist/2020', { paths: [path.resolve(__dirname, '../../../node_modules')] }));
const [schemaFile, docsFile, nText, runsText] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const docs = fs.readFileSync(docsFile, 'utf8').split('\n').filter((l) => l);
const n = Number(nText), runs = Number(runsText);
let valid = 0;
for (const d of docs) valid += validate(JSON.parse(d)) ? 1 : 0;
for (let i = 0; i < Math.min(n, 20000); i++) validate(JSON.parse(docs[i % docs.length]));  // JIT warm-up
const rates = [];
let sink = 0;
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (!validate(JSON.parse(docs[i % docs.length]))) sink += validate.errors.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push(Math.round(n / s));
}
const sorted = [...rates].sort((a, b) => a - b);
console.log(JSON.stringify({ engine: 'ajv', docs: docs.length, valid, n, docs_per_s: sorted[Math.floor(runs / 2)], runs: rates, sink }));
