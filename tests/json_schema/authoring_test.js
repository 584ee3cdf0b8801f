#!/usr/bin/env node
// The authoring schema (`formc schema`), exercised with ajv (draft-07 `Ajv`).
//
//   node authoring_test.js --generator BIN --out DIR [--invalid DIR] [--skip-missing] ROOT...
//
// 1. Compiles the schema in strict mode; checks that every property (and
//    every map's entry schema) has a description, and that `$schema` is
//    accepted at the top of every kind of file that is a mapping.
// 2. Every YAML file under ROOT... (converted as Psych reads YAML 1.1) must
//    pass the root schema and the `definitions/<kind>` schema of its folder.
// 3. Every file under --invalid DIR (laid out like a root; line 1 is
//    `# expect: <instancePath>`) must fail both, with an error at that path
//    (only its kind's schema when a line starts with `# root-accepts`).
// With --skip-missing, exits 77 (skipped) when a ROOT does not exist.
'use strict';

const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const { options, positional: roots } = lib.parseArgs(process.argv.slice(2), ['skip-missing']);
const missing = roots.filter((r) => !fs.existsSync(r));
if (missing.length) {
  if (options['skip-missing']) {
    console.log(`SKIPPED: ${missing.join(', ')} not found (the shared reference corpus is absent)`);
    process.exit(lib.SKIP);
  }
  console.error(`FAIL: ${missing.join(', ')} not found`);
  process.exit(1);
}
const Ajv = lib.requireModule('ajv');
const YAML = lib.requireModule('yaml');

let failures = 0;
const fail = (message) => {
  failures++;
  console.error(`FAIL: ${message}`);
};

// The generator also writes the authoring schema; no form needs to exist.
lib.generate(options.generator, options.out, roots.length ? roots : []);
const schema = JSON.parse(fs.readFileSync(path.join(options.out, 'formc-definitions.schema.json'), 'utf8'));
const ajv = new Ajv({ strict: true, allErrors: true });
let validateRoot;
try {
  ajv.addSchema(schema);
  validateRoot = ajv.getSchema(schema.$id);
} catch (e) {
  fail(`ajv strict: ${e.message}`);
  process.exit(1);
}
if (schema.$schema !== 'http://json-schema.org/draft-07/schema#') fail(`$schema is ${schema.$schema}`);

// 1. Descriptions everywhere.
let described = 0;
function visit(node, where) {
  if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}/${i}`));
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && where.split('/').pop() !== 'properties') {
      for (const [name, p] of Object.entries(value)) {
        if (p === true) continue;  // `if` discriminators only
        described++;
        if (typeof p.description !== 'string' || p.description.length < 10) fail(`${where}/properties/${name}: no description`);
      }
    }
    if (key === 'additionalProperties' && typeof value === 'object' && !where.includes('/if')) {
      if (typeof value.description !== 'string') fail(`${where}/additionalProperties: no description`);
    }
    visit(value, `${where}/${key}`);
  }
}
visit(schema.definitions, '#/definitions');
for (const [name, d] of Object.entries(schema.definitions)) {
  if (typeof d.description !== 'string') fail(`#/definitions/${name}: no description`);
}

const byKind = (kind) => ajv.getSchema(`${schema.$id}#/definitions/${kind}`);
const check = (file, data, kind) => {
  const results = [['root', validateRoot]];
  if (kind) results.push([kind, byKind(kind)]);
  return results.map(([name, v]) => ({ name, ok: v(data), errors: v.errors }));
};

// `$schema` at the top of every mapping kind.
for (const [kind, sample] of Object.entries({
  definitions_file: { api_x: { name: 'API X' } },
  forms_file: { 'api-x': { authorization_request: 'APIX' } },
  blocks_file: { bloc: { fields: [] } },
  definition_extensions_file: { api_x: { contacts: [] } },
  contact_kinds_file: { contact_kinds: {} },
  service_providers_file: { shared: {} },
  locales_file: { fr: {} },
})) {
  const data = { $schema: './formc-definitions.schema.json', ...sample };
  for (const r of check(kind, data, kind)) if (!r.ok) fail(`$schema in a ${kind}: rejected by ${r.name}: ${JSON.stringify(r.errors)}`);
}

// 2. Real files.
let accepted = 0;
for (const root of roots) {
  for (const file of lib.walk(root)) {
    const kind = lib.fileKind(file);
    if (!kind) continue;
    let data;
    try {
      data = lib.loadYaml(YAML, file);
    } catch (e) {
      fail(`${file}: ${e.message}`);
      continue;
    }
    if (data === null || data === undefined) continue;
    let ok = true;
    for (const r of check(file, data, kind)) {
      if (!r.ok) {
        ok = false;
        fail(`${file}: rejected by ${r.name}: ${JSON.stringify(r.errors.slice(0, 3))}`);
      }
    }
    if (ok) accepted++;
  }
}

// 3. Files that must be rejected.
let rejected = 0;
if (options.invalid) {
  for (const file of lib.walk(options.invalid)) {
    const kind = lib.fileKind(file);
    const expect = /^# expect: (\S*)/.exec(fs.readFileSync(file, 'utf8'));
    if (!kind || !expect) {
      fail(`${file}: not in a known folder, or no '# expect: <instancePath>' on line 1`);
      continue;
    }
    const data = lib.loadYaml(YAML, file);
    const rootAccepts = /^# root-accepts/m.test(fs.readFileSync(file, 'utf8'));
    for (const r of check(file, data, kind)) {
      if (r.ok && r.name === 'root' && rootAccepts) continue;
      if (r.ok) fail(`${file}: accepted by ${r.name}`);
      else if (!r.errors.some((e) => e.instancePath === expect[1])) {
        fail(`${file}: ${r.name}: no error at ${expect[1]}: ${JSON.stringify(r.errors.map((e) => [e.instancePath, e.message]))}`);
      }
    }
    rejected++;
  }
}

console.log(`authoring schema: compiled by Ajv (draft-07) strict, ${described} described properties; ` +
            `${accepted} files accepted, ${rejected} invalid files rejected; ${failures} failure(s)`);
process.exit(failures ? 1 : 0);
