// Checks run on every page state of the browser test: axe, ARIA id
// references, console errors, and a full-page screenshot kept as an artefact.
//
//   const audit = new Auditor(page, artifactsDir);
//   await audit.step("03-eligibility-answered");   // screenshot + axe + ids
//   audit.problems  // [{ step, kind, text }], reported at the end
//
// Accessibility and console problems are collected (the journey goes on, so
// one run lists them all); the test fails at the end when any was found.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { AxeBuilder } = require("@axe-core/playwright");

// axe reports a broken id reference or a duplicate id only as "incomplete"
// (it cannot always tell); for those rules an incomplete result is a failure.
const INCOMPLETE_IS_FAILURE = new Set(["aria-valid-attr-value", "duplicate-id-aria", "duplicate-id", "duplicate-id-active"]);

// In the page: every id reference (aria-describedby, aria-labelledby,
// aria-controls, label[for], href="#…") names an element that exists, and no
// id is used twice.
function idProblemsInPage() {
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (el.getAttribute("name")) s += "[name=" + el.getAttribute("name") + "]";
    else if (el.className && typeof el.className === "string") s += "." + el.className.trim().split(/\s+/).join(".");
    return s;
  };
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "aria-errormessage"]) {
    for (const el of document.querySelectorAll("[" + attr + "]")) {
      const ids = (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
      if (ids.length === 0) problems.push(`${describe(el)}: empty ${attr}`);
      for (const id of ids) {
        if (!document.getElementById(id)) problems.push(`${describe(el)}: ${attr} names "${id}", which is not in the document`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    const id = label.getAttribute("for");
    if (!document.getElementById(id)) problems.push(`label[for=${id}]: no element has this id`);
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (id && !document.getElementById(id)) problems.push(`a[href="#${id}"] ("${a.textContent.trim()}"): no element has this id`);
  }
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
  return problems;
}

// In the page: what axe does not see but a person does.
// - a DSFR button whose visible text is clipped (DSFR renders a .fr-btn with
//   an fr-icon-* class as icon-only inside an .fr-btns-group that lacks
//   .fr-btns-group--icon-left: only the icon shows);
// - text that loses the spaces around an inline element (DSFR lays checkbox
//   labels out as flex rows);
// - an error summary link that shows a field's technical name, not its label;
// - a link that goes nowhere (href="#").
function markupProblemsInPage() {
  const problems = [];
  const norm = (t) => t.replace(/\s+/g, " ").trim();
  const visible = (el) => el.getClientRects().length > 0 && !el.closest("[hidden]");
  for (const btn of document.querySelectorAll(".fr-btn")) {
    if (!visible(btn) || btn.hasAttribute("title")) continue;
    const clone = btn.cloneNode(true);
    for (const sr of clone.querySelectorAll(".fr-sr-only")) sr.remove();
    const text = norm(clone.textContent);
    if (text && btn.scrollWidth > btn.clientWidth + 1) {
      problems.push(`button "${text}" (${btn.tagName.toLowerCase()}.${btn.className.trim().split(/\s+/).join(".")}): ` +
        `its text is clipped (${btn.scrollWidth}px of text in ${btn.clientWidth}px), only the icon shows`);
    }
  }
  // In a flex or grid container, each run of text is its own item and the
  // spaces at its ends are dropped: "des <a>conditions</a> et" shows as
  // "desconditions et".
  for (const el of document.querySelectorAll("a, strong, em, b, i, code, abbr")) {
    const parent = el.parentElement;
    if (!parent || !visible(el)) continue;
    if (!/flex|grid/.test(getComputedStyle(parent).display)) continue;
    const before = el.previousSibling;
    const after = el.nextSibling;
    const spaced = (before && before.nodeType === 3 && /\S\s+$/.test(before.textContent)) ||
      (after && after.nodeType === 3 && /^\s+\S/.test(after.textContent));
    if (spaced) {
      const where = parent.tagName.toLowerCase() + (parent.htmlFor ? `[for=${parent.htmlFor}]` : parent.id ? "#" + parent.id : "");
      problems.push(`${where} is display:${getComputedStyle(parent).display}: the spaces around <${el.tagName.toLowerCase()}>` +
        `${norm(el.textContent)}</${el.tagName.toLowerCase()}> are not rendered ("${norm(parent.textContent).slice(0, 80)}")`);
    }
  }
  for (const a of document.querySelectorAll('a[href="#"], a:not([href])')) {
    if (!visible(a) || a.getAttribute("aria-current") === "page") continue;  // DSFR's current breadcrumb has no href
    problems.push(`link "${norm(a.textContent)}" goes nowhere (href="${a.getAttribute("href") || ""}")` +
      (a.closest("section[id]") ? ` in section#${a.closest("section[id]").id}` : ""));
  }
  for (const a of document.querySelectorAll('.fr-alert--error a[href^="#"]')) {
    const id = a.getAttribute("href").slice(1);
    if (id.includes("_") && a.textContent.includes(id)) {
      problems.push(`error summary link to #${id} shows the technical name "${id}": "${norm(a.textContent)}"`);
    }
  }
  return problems;
}

class Auditor {
  constructor(page, outDir) {
    this.page = page;
    this.outDir = outDir;
    this.problems = [];
    this.screenshots = [];
    this.current = "(start)";
    fs.mkdirSync(outDir, { recursive: true });
    this.watch(page);
  }

  // Console errors (a CSP violation is one) and uncaught exceptions.
  watch(page) {
    // formd answers an invalid form POST with the page re-rendered and status
    // 422, which Chromium logs as "Failed to load resource": expected (the test
    // asserts the 422 itself), not an error of the page.
    const navigations = new Set();
    page.on("request", (req) => {
      if (req.isNavigationRequest()) navigations.add(req.url());
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") {
        const loc = msg.location();
        if (/status of 422\b/.test(msg.text()) && loc && navigations.has(loc.url)) return;
        this.report("console", `${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
      }
    });
    page.on("pageerror", (err) => this.report("pageerror", String(err && err.stack ? err.stack : err)));
    page.on("requestfailed", (req) => {
      // A navigation cut short by another one is not a failure of the page.
      const failure = req.failure();
      if (failure && /ERR_ABORTED/.test(failure.errorText)) return;
      this.report("request", `${req.method()} ${req.url()}: ${failure ? failure.errorText : "failed"}`);
    });
  }

  report(kind, text) {
    text = text.replace(/\x1b\[[0-9;]*m/g, "");
    this.problems.push({ step: this.current, kind, text });
    console.log(`  !! [${this.current}] ${kind}: ${text}`);
  }

  // Screenshot, then axe and the id check, for the page as it is now.
  async step(name, page = this.page) {
    this.current = name;
    const file = path.join(this.outDir, name + ".png");
    await page.screenshot({ path: file, fullPage: true });
    this.screenshots.push(file);
    const url = new URL(page.url());
    console.log(`# ${name}  ${url.pathname}${url.search}${url.hash}`);

    const results = await new AxeBuilder({ page }).analyze();
    for (const v of results.violations) this.reportAxe(v, "violation");
    for (const v of results.incomplete) if (INCOMPLETE_IS_FAILURE.has(v.id)) this.reportAxe(v, "incomplete");

    for (const p of await page.evaluate(idProblemsInPage)) this.report("ids", p);
    for (const p of await page.evaluate(markupProblemsInPage)) this.report("markup", p);
  }

  // The checks on the page as it is, returned rather than reported (the
  // test's negative control: a page known to be wrong must be caught).
  async probe(page = this.page) {
    const results = await new AxeBuilder({ page }).analyze();
    return {
      axe: results.violations.map((v) => v.id)
        .concat(results.incomplete.filter((v) => INCOMPLETE_IS_FAILURE.has(v.id)).map((v) => v.id)),
      ids: await page.evaluate(idProblemsInPage),
      markup: await page.evaluate(markupProblemsInPage),
    };
  }

  // The problems, each text once with the steps where it was seen.
  grouped() {
    const groups = new Map();
    for (const p of this.problems) {
      const key = p.kind + "\u0000" + p.text;
      if (!groups.has(key)) groups.set(key, { kind: p.kind, text: p.text, steps: [] });
      groups.get(key).steps.push(p.step);
    }
    return [...groups.values()];
  }

  reportAxe(v, what) {
    const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : "";
    this.report(`axe ${what}`, `${v.id} [${v.impact}] ${v.help}: ${nodes}${more}`);
  }
}

module.exports = { Auditor, idProblemsInPage, markupProblemsInPage };
