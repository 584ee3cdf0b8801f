// Helpers shared by the JSON Schema tests (node, CommonJS, no dependency
// beyond the repository's node_modules: ajv and yaml).
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const SKIP = 77;  // CTest SKIP_RETURN_CODE

// `--name value` options and positional arguments.
function parseArgs(argv, flags = []) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (flags.includes(name)) options[name] = true;
      else options[name] = argv[++i];
    } else {
      positional.push(a);
    }
  }
  return { options, positional };
}

function requireModule(name) {
  const roots = [path.resolve(__dirname, '../../node_modules'), process.cwd()];
  for (const root of roots) {
    try {
      return require(require.resolve(name, { paths: [root] }));
    } catch (e) { /* next */ }
  }
  console.error(`FAIL: the npm package '${name}' is missing: run 'npm install' at the repository root ` +
                `(package.json lists the test tools).`);
  process.exit(1);
}

// Runs tests/json_schema/generate_schemas: OUTDIR/schemas/*.schema.json and
// OUTDIR/formc-definitions.schema.json.
function generate(generator, outDir, roots) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const r = spawnSync(generator, [outDir, ...roots], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`FAIL: ${generator} exited with ${r.status}\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

function walk(dir, out = []) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

// The kind of an input file, as formc classifies it (model/inputs.cc).
function fileKind(file) {
  const stem = path.basename(file).replace(/\.ya?ml$/, '');
  const parent = path.basename(path.dirname(file));
  if (stem === 'contact_kinds') return 'contact_kinds_file';
  if (stem === 'service_providers') return 'service_providers_file';
  if (stem === 'eligibility_rules') return 'eligibility_rules_file';
  if (parent === 'blocks') return 'blocks_file';
  if (parent === 'definition_extensions') return 'definition_extensions_file';
  if (parent === 'authorization_definitions') return 'definitions_file';
  if (parent === 'authorization_request_forms') return 'forms_file';
  if (parent === 'locales') return 'locales_file';
  return null;
}

// YAML 1.1 as Psych reads it, to JSON: anchors and aliases, merge keys `<<`
// (shallow, explicit keys win, earlier sources win), unquoted dates as
// strings. The yaml package's own merge support rejects some valid nested
// merges of DataPass's locales, so merges are resolved here.
function loadYaml(YAML, file) {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    customTags: (tags) => tags.filter((t) => t.tag !== 'tag:yaml.org,2002:merge'),
  });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  const resolve = (v) => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v === null || typeof v !== 'object') return v;
    const out = {};
    for (const [k, x] of Object.entries(v)) if (k !== '<<') out[k] = resolve(x);
    if ('<<' in v) {
      for (const source of [].concat(v['<<']).map(resolve)) {
        for (const [k, x] of Object.entries(source || {})) if (!(k in out)) out[k] = x;
      }
    }
    return out;
  };
  return resolve(JSON.parse(JSON.stringify(doc.toJS({ maxAliasCount: -1 }))));
}

// The fields an ajv error list blames, and the rules (by code) that failed.
// A field is blamed by `required` (missingProperty), `additionalProperties`
// (additionalProperty) or an error inside its value (first instancePath
// segment); a rule by any error under its root `allOf` entry, whose
// `$comment` starts with "Rule <code>".
function blame(schema, errors) {
  const fields = new Set();
  const rules = new Set();
  for (const e of errors || []) {
    if (e.keyword === 'required') fields.add(e.instancePath === '' ? e.params.missingProperty : e.instancePath.split('/')[1]);
    else if (e.keyword === 'additionalProperties') fields.add(e.instancePath === '' ? e.params.additionalProperty : e.instancePath.split('/')[1]);
    else if (e.instancePath !== '') fields.add(e.instancePath.split('/')[1]);
    const m = /^#\/allOf\/(\d+)\//.exec(e.schemaPath + '/');
    if (m) {
      const entry = schema.allOf[Number(m[1])];
      const c = entry && entry.$comment && /^Rule (\S+?):/.exec(entry.$comment);
      if (c) rules.add(c[1]);
    }
  }
  return { fields: [...fields].sort(), rules: [...rules].sort() };
}

module.exports = { SKIP, parseArgs, requireModule, generate, walk, fileKind, loadYaml, blame };
