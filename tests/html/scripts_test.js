#!/usr/bin/env node
// The JavaScript of the fragments, run under node: the generated
// conditions.js / eligibility.js of definitions/ (API Pro Santé Connect) with
// the real formc-expr.js and formc-forms.js, through formc-forms.js's pure
// functions (the DOM glue around them is a few loops over querySelectorAll).
//
//   node scripts_test.js OUTDIR      (OUTDIR: what html_fragments wrote for definitions/)
"use strict";

const assert = require("assert");
const fs = require("fs");
const path = require("path");

const outDir = process.argv[2];
// The copies formc wrote, not the sources: what pages load.
globalThis.FormcExpr = require(path.resolve(outDir, "static/formc-expr.js"));
const FormcForms = require(path.resolve(outDir, "static/formc-forms.js"));
const registered = { forms: {}, eligibility: {} };
// conditions.js calls the global FormcForms; record what it registers.
globalThis.FormcForms = {
  registerForm: (uid, spec) => (registered.forms[uid] = spec),
  registerEligibility: (id, spec) => (registered.eligibility[id] = spec),
};
require(path.resolve(outDir, "html/forms/api-pro-sante-connect/conditions.js"));
require(path.resolve(outDir, "html/definitions/api_pro_sante_connect/eligibility.js"));

const tests = [];
const test = (name, fn) => tests.push([name, fn]);

const form = () => registered.forms["api-pro-sante-connect"];
const justification = "duree_conservation_donnees_caractere_personnel_justification";
const duration = "duree_conservation_donnees_caractere_personnel";

test("static/ holds the source scripts, byte for byte", () => {
  for (const [copy, source] of [
    ["static/formc-forms.js", "compiler/gen/html/static/formc-forms.js"],
    ["static/formc-expr.js", "runtime/static/formc-expr.js"],
  ]) {
    const expected = fs.readFileSync(path.join(__dirname, "../..", source), "utf8");
    assert.strictEqual(fs.readFileSync(path.resolve(outDir, copy), "utf8"), expected, copy);
  }
});

test("the justification shows, and is required, past 36 months", () => {
  for (const [months, expected] of [[36, false], [37, true], [null, false]]) {
    const state = FormcForms.evaluateForm(form(), { [duration]: months });
    assert.strictEqual(state.visible[justification], expected, `visible at ${months}`);
    assert.strictEqual(state.required[justification], expected, `required at ${months}`);
  }
});

test("contact names are required unless the contact is an organization", () => {
  const name = "contact_technique_family_name";
  assert.strictEqual(FormcForms.evaluateForm(form(), {}).required[name], true);
  assert.strictEqual(FormcForms.evaluateForm(form(), { contact_technique_type: "person" }).required[name], true);
  assert.strictEqual(FormcForms.evaluateForm(form(), { contact_technique_type: "organization" }).required[name], false);
});

test("values come from the controls, over the server's values", () => {
  const fields = form().fields;
  assert.strictEqual(fields[duration], "integer");
  const controls = [
    { name: duration, type: "number", value: "48" },
    { name: "contact_technique_type", type: "radio", value: "person", checked: false },
    { name: "contact_technique_type", type: "radio", value: "organization", checked: true },
    { name: "responsable_traitement_type", type: "radio", value: "person", checked: false },
    { name: "intitule", type: "text", value: "not read by any condition" },
  ];
  const d = FormcForms.collectValues(controls, fields, { delegue_protection_donnees_type: "organization", [duration]: 12 });
  assert.deepStrictEqual(d, {
    delegue_protection_donnees_type: "organization",
    [duration]: 48,
    contact_technique_type: "organization",
    responsable_traitement_type: null,
  });
  assert.strictEqual(FormcForms.evaluateForm(form(), d).visible[justification], true);
  // A non-integer in a number field reads as null, like F.int does.
  assert.strictEqual(FormcForms.collectValues([{ name: duration, type: "number", value: "4x" }], fields, {})[duration], null);
});

test("lists, booleans and documents", () => {
  const fields = { scopes: "list", ok: "boolean", doc: "document" };
  const d = FormcForms.collectValues(
    [
      { name: "scopes[]", type: "checkbox", value: "idnat", checked: true },
      { name: "scopes[]", type: "checkbox", value: "donnees_sectorielles", checked: false },
      { name: "ok", type: "checkbox", value: "1", checked: true },
      { name: "doc[]", type: "file", files: [] },
    ],
    fields,
    { scopes: ["old"], doc: [{ filename: "a.pdf" }] },
  );
  assert.deepStrictEqual(d, { scopes: ["idnat"], ok: true, doc: [{ filename: "a.pdf" }] });
});

const eligibility = () => registered.eligibility.api_pro_sante_connect;
const decide = (answers) => FormcForms.decideEligibility(eligibility(), answers, ["integration"]);

test("eligibility: nothing before a type is chosen", () => {
  assert.deepStrictEqual(decide({ type: null, integration: null }).result, null);
});

test("eligibility: the option's callout when no outcome applies", () => {
  assert.deepStrictEqual(decide({ type: "particulier", integration: null }).result, { option: "particulier" });
  assert.strictEqual(decide({ type: "particulier", integration: null }).visible.integration, false);
  assert.deepStrictEqual(decide({ type: "collectivite_ou_administration", integration: null }).result, {
    option: "collectivite_ou_administration",
  });
});

test("eligibility: the follow-up question and its outcomes", () => {
  const d = decide({ type: "collectivite_ou_administration", integration: "none" });
  assert.strictEqual(d.visible.integration, true);
  assert.deepStrictEqual(d.result, { outcome: 2 });
  assert.deepStrictEqual(decide({ type: "collectivite_ou_administration", integration: "editor" }).result, { outcome: 0 });
  // The answer to a hidden question does not count.
  assert.deepStrictEqual(decide({ type: "editeur_logiciel", integration: "none" }).result, { option: "editeur_logiciel" });
});

test("the eligibility markup has one callout per option and outcome", () => {
  const html = fs.readFileSync(path.resolve(outDir, "html/definitions/api_pro_sante_connect/eligibility.html"), "utf8");
  for (const type of ["particulier", "entreprise_ou_association", "collectivite_ou_administration", "editeur_logiciel"]) {
    assert.ok(html.includes(`data-formc-eligibility-option="${type}" {{hidden:option:${type}}}`), type);
  }
  for (const i of [0, 1, 2]) assert.ok(html.includes(`data-formc-eligibility-outcome="${i}" {{hidden:outcome:${i}}}`), `outcome ${i}`);
  assert.ok(html.includes('data-formc-eligibility-question="integration" {{hidden:question:integration}}'));
  assert.ok(html.includes(">Êtes-vous :</legend>"));
});

// --- the DOM glue, on real fragments, with a minimal DOM ---------------------
// Enough DOM for formc-forms.js: a tree parsed from generated markup,
// attribute selectors, hidden/required/checked/value, events on document.
const VOID = new Set(["input", "br", "hr", "img", "meta", "link"]);
function parse(html) {
  const root = makeElement("#root", []);
  let current = root;
  const re = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)/g;
  let m;
  while ((m = re.exec(html))) {
    if (m[4] !== undefined) {
      if (current.tagName === "textarea") current.value += m[4];
      continue;
    }
    if (!m[2]) continue;
    const name = m[2].toLowerCase();
    if (m[1]) {
      if (current.tagName === name) current = current.parentNode;
      continue;
    }
    const attrs = [];
    const ar = /([^\s"'=<>/]+)(?:\s*=\s*"([^"]*)")?/g;
    let a;
    while ((a = ar.exec(m[3]))) attrs.push([a[1].toLowerCase(), (a[2] ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&")]);
    const el = makeElement(name, attrs);
    el.parentNode = current;
    current.children.push(el);
    if (!VOID.has(name)) current = el;
  }
  return root;
}
function makeElement(tagName, attrs) {
  const map = new Map(attrs);
  const el = {
    tagName,
    children: [],
    parentNode: null,
    value: map.get("value") ?? "",
    checked: map.has("checked"),
    files: [],
    getAttribute: (n) => (map.has(n) ? map.get(n) : null),
    hasAttribute: (n) => map.has(n),
    get name() { return map.get("name") || ""; },
    get type() { return tagName === "select" ? "select-one" : tagName === "textarea" ? "textarea" : (map.get("type") || "text"); },
    get hidden() { return map.has("hidden"); },
    set hidden(v) { if (v) map.set("hidden", ""); else map.delete("hidden"); },
    get required() { return map.has("required"); },
    set required(v) { if (v) map.set("required", ""); else map.delete("required"); },
    querySelectorAll: (sel) => all(el).filter((e) => e !== el && matches(e, sel)),
    closest: (sel) => {
      for (let n = el; n; n = n.parentNode) if (matches(n, sel)) return n;
      return null;
    },
  };
  return el;
}
function all(el) {
  return [el, ...el.children.flatMap(all)];
}
function matches(el, selector) {
  return selector.split(",").some((part) => {
    const m = /^\s*([a-z]*)(?:\[([a-z-]+)(?:=([a-z-]+))?\])?\s*$/.exec(part);
    if (!m) throw new Error(`selector not supported by the test DOM: ${part}`);
    if (m[1] && el.tagName !== m[1]) return false;
    if (m[2] && !el.hasAttribute(m[2])) return false;
    if (m[3] && el.getAttribute(m[2]) !== m[3]) return false;
    return true;
  });
}
function page(html) {
  const root = parse(html);
  const listeners = [];
  const document = {
    readyState: "complete",
    querySelectorAll: (sel) => root.querySelectorAll(sel),
    addEventListener: (type, fn) => listeners.push(fn),
  };
  const byId = (id) => all(root).find((e) => e.getAttribute("id") === id);
  const fire = () => listeners.forEach((fn) => fn({}));
  return { root, document, byId, fire };
}
function loadGlue(document, scripts) {
  const vm = require("vm");
  const sandbox = { document, FormcExpr: globalThis.FormcExpr };
  vm.createContext(sandbox);
  vm.runInContext(fs.readFileSync(path.resolve(outDir, "static/formc-forms.js"), "utf8"), sandbox);
  for (const s of scripts) vm.runInContext(fs.readFileSync(path.resolve(outDir, s), "utf8"), sandbox);
}
const { fill, server } = require("./fill.js");

test("DOM glue: the justification appears and becomes required past 36 months", () => {
  const template = fs.readFileSync(path.resolve(outDir, "html/forms/api-pro-sante-connect/personal_data.html"), "utf8");
  // The server rendered it hidden (no value yet).
  const html = `<form>${fill(template, server({ hidden: (kind, name) => kind === "field" && name === justification }))}</form>`;
  const p = page(html);
  loadGlue(p.document, ["html/forms/api-pro-sante-connect/conditions.js"]);
  const container = p.byId(justification).parentNode;
  const textarea = p.byId(justification);
  assert.strictEqual(container.hidden, true);
  assert.strictEqual(textarea.required, false);
  p.byId(duration).value = "48";
  p.fire();
  assert.strictEqual(container.hidden, false);
  assert.strictEqual(textarea.required, true);
  p.byId(duration).value = "12";
  p.fire();
  assert.strictEqual(container.hidden, true);
  assert.strictEqual(textarea.required, false, "a hidden field never blocks the submission");
});

test("DOM glue: contact names stop being required for an organization", () => {
  const template = fs.readFileSync(path.resolve(outDir, "html/forms/api-pro-sante-connect/contacts.html"), "utf8");
  const p = page(`<form>${fill(template, server({}))}</form>`);
  loadGlue(p.document, ["html/forms/api-pro-sante-connect/conditions.js"]);
  const name = p.byId("contact_technique_family_name");
  assert.strictEqual(name.required, true);
  p.byId("contact_technique_type-organization").checked = true;
  p.fire();
  assert.strictEqual(name.required, false);
  assert.strictEqual(p.byId("responsable_traitement_family_name").required, true);
});

test("DOM glue: eligibility callouts follow the answers", () => {
  const template = fs.readFileSync(path.resolve(outDir, "html/definitions/api_pro_sante_connect/eligibility.html"), "utf8");
  const p = page(fill(template, server({ hidden: () => true })));
  loadGlue(p.document, ["html/definitions/api_pro_sante_connect/eligibility.js"]);
  const shown = () =>
    all(p.root)
      .filter((e) => (e.hasAttribute("data-formc-eligibility-option") || e.hasAttribute("data-formc-eligibility-outcome")) && !e.hidden)
      .map((e) => e.getAttribute("id"));
  const question = p.byId("formc-eligibility-q-integration");
  assert.deepStrictEqual(shown(), []);
  assert.strictEqual(question.hidden, true);
  p.byId("formc-eligibility-type-collectivite_ou_administration").checked = true;
  p.fire();
  assert.strictEqual(question.hidden, false);
  assert.deepStrictEqual(shown(), ["formc-eligibility-option-collectivite_ou_administration"]);
  p.byId("formc-eligibility-q-integration-none").checked = true;
  p.fire();
  assert.deepStrictEqual(shown(), ["formc-eligibility-outcome-2"]);
});

let failed = 0;
for (const [name, fn] of tests) {
  try {
    fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${e.message.split("\n").join("\n  ")}`);
  }
}
console.log(failed ? `FAILED: ${failed} of ${tests.length}` : `OK: ${tests.length} tests`);
process.exit(failed ? 1 : 0);
