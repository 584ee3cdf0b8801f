// ajv (Ajv2020, strict, allErrors) on the form's JSON Schema, end to end from
// JSON text (JSON.parse + validate), on the documents of documents.json.
//   node ajv_bench.js SCHEMA DOCS [ITERATIONS RUNS]
// Prints one JSON object per document, like cpp_validator_bench.
'use strict';
const fs = require('fs');
const path = require('path');
const modules = process.env.FORMC_NODE_MODULES || path.join(__dirname, '../../../node_modules');
const Ajv2020 = require(path.join(modules, 'ajv/dist/2020')).default;
const addFormats = require(path.join(modules, 'ajv-formats'));

const [schemaFile, docsFile, itArg, runArg] = process.argv.slice(2);
const iterations = Number(itArg || 1000000);
const runs = Number(runArg || 5);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const docs = JSON.parse(fs.readFileSync(docsFile, 'utf8'));

for (const [name, doc] of Object.entries(docs)) {
  const text = JSON.stringify(doc);
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 20000); ++i) sink += validate(JSON.parse(text)) ? 1 : 0;
  const rates = [];
  for (let r = 0; r < runs; ++r) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; ++i) sink += validate(JSON.parse(text)) ? 1 : 0;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(iterations / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  // For reference: validation alone, on an already parsed document.
  const parsed = JSON.parse(text);
  const only = [];
  for (let r = 0; r < runs; ++r) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; ++i) sink += validate(parsed) ? 1 : 0;
    only.push(iterations / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  only.sort((a, b) => a - b);
  const valid = validate(JSON.parse(text));
  console.log(JSON.stringify({
    doc: name, bytes: Buffer.byteLength(text), valid, errors: valid ? 0 : validate.errors.length,
    docs_per_s: Math.round(median), ns_per_doc: Math.round(1e9 / median),
    validate_only_docs_per_s: Math.round(only[Math.floor(only.length / 2)]), sink: sink >= 0,
  }));
}
