#!/usr/bin/env node
// Checks the HTML fragments and scripts that formc generated under OUTDIR.
//
//   node check_fragments.js OUTDIR [--xss] [--long]
//
// For every fragment, three variants are wrapped in a minimal full page and
// checked: the raw template, the template filled for a new request (every
// slot empty, fill.js), and filled in error state (values, every field in
// error with an error summary, everything visible). Each page must:
//   - pass html-validate with html-validate:recommended, no rule disabled
//     (raw and error variants; the new-request one differs from raw only by
//     the emptied slots);
//   - have no duplicate id, and every `for`, aria-describedby,
//     aria-labelledby and href="#…" must name an existing id;
//   - contain no <script>/<style>/<iframe>/<object>/<embed>/<img> element, no
//     style= or on*= attribute, and only http(s)/mailto/relative/#/slot URLs.
// Per form, a "preview" page holding every fragment of the form at once must
// also have unique ids. Line 1 of every file names its sources. Generated
// scripts must compile, contain no eval/Function, and register callable
// conditions. --xss: the outputs of tests/html/fixtures/xss, whose texts
// carry script/attribute/javascript: payloads, contain none of them
// unescaped (and the escaped payload is visible where plain text goes).
// --long: the form with more than 8 steps uses the stepper fallback.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { HtmlValidate } = require("html-validate");
const { fill, slots, server } = require("./fill.js");

const outDir = process.argv[2];
const flags = new Set(process.argv.slice(3));
if (!outDir) {
  console.error("usage: check_fragments.js OUTDIR [--xss] [--long]");
  process.exit(2);
}

const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

// --- a tokenizer for generated markup (text never holds a raw '<') ----------
function tags(html) {
  const out = [];
  let i = 0;
  while ((i = html.indexOf("<", i)) >= 0) {
    if (html.startsWith("<!--", i)) {
      const e = html.indexOf("-->", i + 4);
      i = e < 0 ? html.length : e + 3;
      continue;
    }
    let j = i + 1;
    let quote = null;
    for (; j < html.length; j++) {
      const c = html[j];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === ">") {
        break;
      }
    }
    const src = html.slice(i + 1, j);
    i = j + 1;
    if (src.startsWith("!")) continue;  // doctype
    const m = /^(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(src);
    if (!m) {
      out.push({ name: "#bogus", closing: false, attrs: [], src });
      continue;
    }
    const attrs = [];
    const re = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    const rest = src.slice(m[0].length);
    let a;
    while ((a = re.exec(rest))) attrs.push([a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? ""]);
    out.push({ name: m[2].toLowerCase(), closing: m[1] === "/", attrs, src });
  }
  return out;
}
const attr = (t, n) => {
  const a = t.attrs.find(([k]) => k === n);
  return a ? a[1] : undefined;
};
const decode = (s) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot);/gi, (_, e) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"' }[e.toLowerCase()];
  });

const FORBIDDEN_TAGS = new Set(["script", "style", "iframe", "object", "embed", "img", "svg", "math", "base", "link", "meta", "form"]);

// Safety and id integrity of one page (or fragment).
function checkMarkup(where, html, { page }) {
  const list = tags(html);
  const ids = new Map();
  for (const t of list) {
    if (t.closing) continue;
    if (t.name === "#bogus") fail(where, `unparsable tag <${t.src.slice(0, 40)}>`);
    if (!page && FORBIDDEN_TAGS.has(t.name)) fail(where, `forbidden element <${t.name}>`);
    for (const [k, v] of t.attrs) {
      if (k.startsWith("{{")) continue;  // attribute-position slot (raw template)
      if (k === "style" || k.startsWith("on")) fail(where, `forbidden attribute ${k}= on <${t.name}>`);
      if (k === "href" || k === "src" || k === "action" || k === "formaction") {
        const url = decode(v).trim();
        if (!/^(https?:\/\/|mailto:|\/(?![/\\])|#|\{\{)/i.test(url) && url !== "/") fail(where, `unsafe URL ${k}="${v}"`);
      }
    }
    const id = attr(t, "id");
    if (id !== undefined) {
      if (ids.has(id)) fail(where, `duplicate id "${id}"`);
      ids.set(id, t);
    }
  }
  for (const t of list) {
    if (t.closing) continue;
    const refs = [];
    const f = attr(t, "for");
    if (f !== undefined) refs.push(["for", f]);
    for (const k of ["aria-describedby", "aria-labelledby"]) {
      const v = attr(t, k);
      if (v !== undefined) for (const r of v.split(/\s+/).filter(Boolean)) refs.push([k, r]);
    }
    const href = attr(t, "href");
    if (href && href.startsWith("#") && href.length > 1) refs.push(["href", href.slice(1)]);
    for (const [k, r] of refs) if (!ids.has(r)) fail(where, `${k} on <${t.name}> names missing id "${r}"`);
    // DSFR conventions (ECOSYSTEM.md §1.3).
    const cls = (attr(t, "class") || "").split(/\s+/);
    if (cls.includes("fr-messages-group") && (attr(t, "aria-live") !== "polite" || !attr(t, "id"))) {
      fail(where, "fr-messages-group without id or aria-live=polite");
    }
    if (["input", "select", "textarea"].includes(t.name) && attr(t, "type") !== "hidden") {
      const id = attr(t, "id");
      if (!id || !list.some((l) => l.name === "label" && attr(l, "for") === id)) fail(where, `control without label[for]: ${id}`);
      if (cls.some((c) => ["fr-input", "fr-select", "fr-upload"].includes(c)) && attr(t, "aria-describedby") !== `${id}-messages`) {
        fail(where, `control ${id} lacks aria-describedby="${id}-messages"`);
      }
    }
    if (t.name === "fieldset" && cls.includes("fr-fieldset")) {
      const labelled = (attr(t, "aria-labelledby") || "").split(/\s+/)[0];
      const legend = list[list.indexOf(t) + 1];
      if (!legend || legend.name !== "legend" || attr(legend, "id") !== labelled) fail(where, "fieldset not labelled by its legend");
    }
  }
  return ids;
}

function wrap(body, title) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Fragment formc</title>
</head>
<body>
<main>
<h1>${title}</h1>
<form method="post" action="/demandes/42" novalidate>
${body}
<button class="fr-btn" type="submit">Enregistrer et continuer</button>
</form>
</main>
</body>
</html>
`;
}

function validate(where, page) {
  const report = validator.validateStringSync(page);
  for (const r of report.results) {
    for (const m of r.messages) fail(where, `html-validate ${m.ruleId} (line ${m.line}): ${m.message}`);
  }
}

// A request with a value for every slot, all in error, everything visible.
function errorRequest(template) {
  const values = {};
  const errors = {};
  const onPage = new Set();
  for (const { kind, args } of slots(template)) {
    const [f, v] = args;
    if (kind === "messages") {
      onPage.add(f);
      errors[f] = [`Valeur invalide pour ${f} <script>alert(1)</script>`];
    }
    if ((kind === "checked" || kind === "selected") && v) {
      if (kind === "checked" && f === "scopes") values[f] = (values[f] || []).concat([v]);
      else if (values[f] === undefined) values[f] = v === "1" ? true : v;
    }
    if (kind === "value" || kind === "display") values[f] = values[f] ?? `Valeur "de" <b>${f}</b> & 'test'`;
  }
  return { values, errors, onPage, documents: { maquette_projet: ["maquette <1>.pdf"] }, disabled: () => true };
}

// [name, fill, html-validate?]: a new request's page differs from the raw
// template only by the slots it empties, so html-validate runs on the raw
// template and the error state (a third of the time saved on the corpus).
const variants = [
  ["raw", (t) => t, true],
  ["new", (t) => fill(t, server({})), false],
  ["error", (t) => fill(t, server(errorRequest(t))), true],
];

const files = walk(outDir);
const htmlFiles = files.filter((f) => f.endsWith(".html"));
const jsFiles = files.filter((f) => f.endsWith(".js"));
if (htmlFiles.length === 0) fail(outDir, "no fragment generated");

const HEADER = /^<!-- Generated by formc from \S.* \/ \S.*\. DO NOT EDIT\. -->$/;
const forms = new Map();  // form dir -> [fragment]
for (const file of htmlFiles) {
  const rel = path.relative(outDir, file);
  const text = fs.readFileSync(file, "utf8");
  if (!HEADER.test(text.split("\n")[0])) fail(rel, `line 1 is not the formc header: ${text.split("\n")[0]}`);
  try {
    slots(text);
  } catch (e) {
    fail(rel, e.message);
    continue;
  }
  checkMarkup(rel, text, { page: false });
  for (const [name, make, full] of variants) {
    const page = wrap(make(text), `Fragment ${rel}`);
    if (full) validate(`${rel} [${name}]`, page);
    checkMarkup(`${rel} [${name}]`, page, { page: true });
  }
  const m = /^html\/forms\/([^/]+)\//.exec(rel.split(path.sep).join("/"));
  if (m) {
    if (!forms.has(m[1])) forms.set(m[1], []);
    forms.get(m[1]).push(text);
  }
}

// The provider preview shows every step and the summary on one page.
for (const [uid, fragments] of forms) {
  const body = fragments.join("\n");
  const page = wrap(fill(body, server(errorRequest(body))), `Aperçu ${uid}`);
  checkMarkup(`preview of ${uid}`, page, { page: true });
  validate(`preview of ${uid}`, page);
}

// --- scripts -------------------------------------------------------------------
const exprRuntime = require(path.join(__dirname, "../../runtime/static/formc-expr.js"));
const isStatic = (rel) => rel.split(path.sep).join("/").startsWith("static/");
for (const file of jsFiles) {
  const rel = path.relative(outDir, file);
  const text = fs.readFileSync(file, "utf8");
  try {
    new vm.Script(text, { filename: rel });  // compiles only
  } catch (e) {
    fail(rel, `does not compile: ${e.message}`);
    continue;
  }
  if (/\beval\s*\(|\bFunction\s*\(|setTimeout\s*\(\s*["'`]/.test(text)) fail(rel, "uses eval, Function or string timers");
  if (isStatic(rel)) continue;  // copies of reviewed sources (scripts_test.js compares them)
  if (!/^\/\/ Generated by formc from \S.* \/ \S.*\. DO NOT EDIT\.$/.test(text.split("\n")[0])) fail(rel, "line 1 is not the formc header");
  if (/[<>]|[^\x00-\x7f]/.test(text.split("\n").filter((l) => !l.trimStart().startsWith("//")).join("\n"))) {
    fail(rel, "code outside comments must be ASCII without < or >");
  }
  // Run it against a recording FormcForms and call every condition once.
  const registered = [];
  const sandbox = {
    FormcForms: {
      registerForm: (uid, spec) => registered.push(spec),
      registerEligibility: (id, spec) => registered.push(spec),
    },
  };
  vm.runInNewContext(text, sandbox, { filename: rel });
  if (registered.length !== 1) fail(rel, "must register exactly once");
  for (const spec of registered) {
    const fns = [...Object.values(spec.visible || {}), ...Object.values(spec.required || {}), ...Object.values(spec.questions || {}), ...(spec.outcomes || [])];
    for (const fn of fns) {
      const r = fn({}, exprRuntime);
      if (typeof r !== "boolean") fail(rel, `a condition returned ${typeof r} on an empty request`);
    }
  }
}

// --- XSS fixture ------------------------------------------------------------------
if (flags.has("--xss")) {
  const everything = htmlFiles.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const generated = files.filter((f) => !isStatic(path.relative(outDir, f))).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  for (const bad of ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><img', "javascript:", "<script", "<img", "</script"]) {
    if (generated.toLowerCase().includes(bad.toLowerCase())) fail("xss", `payload ${JSON.stringify(bad)} appears unescaped`);
  }
  for (const t of tags(everything)) {
    if (FORBIDDEN_TAGS.has(t.name) && !t.closing) fail("xss", `<${t.name}> element in output`);
  }
  // A structured introduction keeps its structure, classes and titles, and
  // a link opened in a new tab gets rel="noopener".
  const etapes = path.join(outDir, "html/forms/xss-form-etapes/introduction.html");
  if (!fs.existsSync(etapes)) fail("xss", "no introduction for xss-form-etapes");
  else {
    const intro = fs.readFileSync(etapes, "utf8");
    for (const kept of ['<div class="formc-intro-steps">', '<h3 class="formc-intro-steps__title" title="Les étapes">',
                        '<div class="formc-intro-step"><span class="formc-intro-step__number">1</span>', "<blockquote>", "<hr>",
                        '<a href="https://api.gouv.fr" target="_blank" rel="noopener">En savoir plus</a>',
                        "<a>Vos données</a>"]) {
      if (!intro.includes(kept)) fail("xss", `introduction lost ${JSON.stringify(kept)}`);
    }
    for (const gone of ["onclick", "style=", "<script", "<img", "javascript:", "onerror"]) {
      if (intro.toLowerCase().includes(gone)) fail("xss", `introduction kept ${JSON.stringify(gone)}`);
    }
  }
  // The payloads did reach the output, as text.
  for (const seen of ["&lt;script&gt;alert(1)&lt;/script&gt;", "\"&gt;&lt;img src=x onerror=alert(1)&gt;", "&#123;&#123;value:intitule&#125;&#125;"]) {
    if (!generated.includes(seen)) fail("xss", `expected escaped payload ${seen} in some fragment`);
  }
}

if (flags.has("--long")) {
  const long = htmlFiles.map((f) => fs.readFileSync(f, "utf8")).filter((t) => /data-formc-steps="(9|[1-9][0-9]+)"/.test(t));
  if (long.length === 0) fail("long", "no fragment of a form with more than 8 steps");
  for (const t of long) {
    if (t.includes("data-fr-steps")) fail("long", "a form with more than 8 steps uses data-fr-steps (no DSFR CSS past 8)");
    if (!t.includes('class="formc-stepper__list"') || !t.includes('aria-current="step"')) fail("long", "stepper fallback list missing");
  }
}

const pages = htmlFiles.length * variants.filter((v) => v[2]).length + forms.size;
if (failures.length) {
  console.error(failures.slice(0, 200).join("\n"));
  if (failures.length > 200) console.error(`… and ${failures.length - 200} more`);
  console.error(`FAILED: ${failures.length} problem(s) in ${htmlFiles.length} fragments / ${jsFiles.length} scripts`);
  process.exit(1);
}
console.log(`OK: ${htmlFiles.length} fragments (${pages} pages validated), ${jsFiles.length} scripts`);
