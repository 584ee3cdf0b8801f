#!/usr/bin/env node
// Runs the generated JavaScript of every case in cases.json (see gen_cases.cc)
// against runtime/static/formc-expr.js, and, with --schema, validates every
// document against the case's JSON Schema fragment with ajv (2020-12, strict).
//
//   node check_cases.js <formc-expr.js> <cases_generated.js> [--schema]
//
// Exit status: 0 all agree, 1 a disagreement, 77 ajv not installed (--schema).
"use strict";

const path = require("path");

const [runtimePath, casesPath, mode] = process.argv.slice(2);
if (!runtimePath || !casesPath) {
  console.error("usage: node check_cases.js <formc-expr.js> <cases_generated.js> [--schema]");
  process.exit(2);
}
const F = require(path.resolve(runtimePath));
const table = require(path.resolve(casesPath));
F.setToday(table.today);

function sameValue(got, want, type) {
  if (type === "date") want = want === null ? null : F.parseDate(want);
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && got.every((g, i) => g === want[i]);
  }
  return got === want;
}

let failures = 0;
let checked = 0;

// The runtime must also work as a plain <script> (no module object) and stay
// CSP-safe: no eval, no Function constructor, no string-evaluating timers.
function checkPlainScript() {
  const fs = require("fs");
  const vm = require("vm");
  const source = fs.readFileSync(path.resolve(runtimePath), "utf8");
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");  // comments may mention them
  for (const banned of [/\beval\s*\(/, /\bFunction\s*\(/, /\bset(Timeout|Interval)\s*\(\s*["'`]/]) {
    if (banned.test(code)) {
      console.error(`formc-expr.js uses ${banned}: not allowed under a strict Content-Security-Policy`);
      return false;
    }
  }
  const sandbox = {};  // becomes the script's global object, like window in a browser
  vm.runInNewContext(source, sandbox, { filename: "formc-expr.js" });
  const G = sandbox.FormcExpr;
  if (!G || !Object.isFrozen(G) || G.gt(G.str({ a: "b" }, "a"), "a") !== true) {
    console.error("formc-expr.js does not define a frozen FormcExpr global when loaded as a plain script");
    return false;
  }
  return true;
}

if (mode !== "--schema") {
  if (!checkPlainScript()) failures++;
  for (const c of table.cases) {
    const got = c.fn(c.doc, F);
    checked++;
    if (!sameValue(got, c.expected, c.type)) {
      failures++;
      console.error(`case ${c.id}: ${c.expr}\n  doc ${JSON.stringify(c.doc)}\n  expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(got)}\n  js ${c.fn.toString()}`);
    }
  }
  console.log(`generated JavaScript: ${checked - failures}/${checked} cases agree`);
} else {
  let Ajv2020;
  try {
    Ajv2020 = require("ajv/dist/2020");
  } catch (e) {
    console.log("ajv is not installed (npm install): JSON Schema checks skipped");
    process.exit(77);
  }
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  let boolean = 0;
  for (const c of table.cases) {
    if (c.type !== "boolean") continue;
    boolean++;
    if (c.schema === null) continue;
    checked++;
    let validate;
    try {
      validate = ajv.compile(c.schema);
    } catch (e) {
      failures++;
      console.error(`case ${c.id}: ${c.expr}\n  schema does not compile: ${e.message}\n  ${JSON.stringify(c.schema)}`);
      continue;
    }
    const got = validate(c.doc);
    if (got !== c.expected) {
      failures++;
      console.error(`case ${c.id}: ${c.expr}\n  doc ${JSON.stringify(c.doc)}\n  expected ${c.expected}, schema says ${got}\n  schema ${JSON.stringify(c.schema)}`);
    }
  }
  console.log(`JSON Schema: ${checked - failures}/${checked} expressible cases agree (${boolean - checked} of ${boolean} boolean cases not expressible)`);
}
process.exit(failures === 0 ? 0 : 1);
