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
    page.on("console", (msg) => {
      if (msg.type() === "error") {
        const loc = msg.location();
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
  }

  reportAxe(v, what) {
    const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : "";
    this.report(`axe ${what}`, `${v.id} [${v.impact}] ${v.help}: ${nodes}${more}`);
  }
}

module.exports = { Auditor, idProblemsInPage };
