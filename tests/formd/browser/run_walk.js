// Runs one browser walk (browser/*_walk.js) in a real Chromium, the way
// every formd browser test does: a negative control first (the checks must
// catch a page known to be wrong), then the walk, whose `shot(name, page)`
// audits each new page state (browser/audit.js: a full-page screenshot under
// FORMD_ARTIFACTS/<artifactsName>/NN-name.png, axe with zero violations, id
// references, markup checks, no console error). Walk assertions stop the
// walk at once; page problems are collected and listed at the end.
//
// runWalk() returns the exit code (0 pass, 1 fail); runWalkTest() is the
// whole test file: skipped (exit 77) without chromium or FORMD, else the
// walk's exit code.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { startFormd } = require("../harness");
const { Auditor } = require("./audit");

const CHROMIUM = "/usr/bin/chromium";

function pad(n) {
  return String(n).padStart(2, "0");
}

async function runWalk({ artifactsName, walk, label, deadlineMs = 170000, serverOptions = {} }) {
  const ARTIFACTS = path.join(process.env.FORMD_ARTIFACTS || path.join(os.tmpdir(), "formd-artifacts"), artifactsName);
  const DEADLINE_MS = deadlineMs;
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { chromium } = require("playwright-core");
  const server = await startFormd(serverOptions);
  let browser;
  let audit;
  const pages = [];
  const started = Date.now();
  const watchdog = setTimeout(async () => {
    console.error(`FAIL: the browser test took more than ${DEADLINE_MS / 1000} s (last step: ${audit ? audit.current : "launch"})`);
    setTimeout(() => process.exit(1), 5000).unref();
    await cleanup(browser, server).catch(() => {});
    process.exit(1);
  }, DEADLINE_MS);
  watchdog.unref();

  let n = 0;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const newContext = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
      context.setDefaultTimeout(10000);
      context.on("page", (p) => pages.push(p));
      return context;
    };

    // ---- Negative control: the checks catch a page known to be wrong --------
    const controlContext = await newContext();
    const control = await controlContext.newPage();
    audit = new Auditor(control, ARTIFACTS);
    await control.setContent('<!doctype html><html lang="fr"><head><title>Contrôle</title></head><body><main>' +
      '<h1>Contrôle</h1><input id="probe" aria-describedby="probe-absent"><a href="#">Nulle part</a></main></body></html>');
    const probe = await audit.probe();
    assert.ok(probe.axe.includes("label"), `axe should flag an input without label: ${probe.axe}`);
    assert.ok(probe.ids.some((p) => p.includes('"probe-absent"')), `the id check should flag a broken aria-describedby: ${probe.ids}`);
    assert.ok(probe.markup.some((p) => p.includes("goes nowhere")), `the markup check should flag href="#": ${probe.markup}`);
    await controlContext.close();

    await walk({
      base: server.url,
      dataDir: server.dataDir,
      newContext,
      shot: (name, page) => audit.step(`${pad(++n)}-${name}`, page),
      watch: (page) => audit.watch(page),
    });
  } catch (err) {
    if (audit) audit.report("walk", err && err.stack ? err.stack : String(err));
    else console.error(err);
    for (const [i, page] of pages.entries()) {
      try {
        if (page.isClosed()) continue;
        const file = path.join(ARTIFACTS, `failure-${i}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.error(`failure: page ${i} at ${page.url()} (screenshot: ${file})`);
      } catch (_) { /* the browser is gone */ }
    }
    if (!audit) {
      await cleanup(browser, server);
      return 1;
    }
  }
  await cleanup(browser, server);

  console.log(`\n${audit.screenshots.length} screenshots in ${ARTIFACTS}:`);
  for (const s of audit.screenshots) console.log("  " + path.basename(s));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (audit.problems.length === 0) {
    console.log(`PASS: ${label} complete; no axe violation, no broken id reference, no console error`);
    return 0;
  }
  const groups = audit.grouped();
  console.log(`\nFAIL: ${groups.length} problem(s):`);
  for (const g of groups) console.log(`  ${g.kind}: ${g.text}\n      at ${g.steps.join(", ")}`);
  if (audit.problems.some((p) => p.kind === "walk")) console.log("\nformd log:\n" + server.log());
  return 1;
}

async function cleanup(browser, server) {
  try { if (browser) await browser.close(); } catch (_) { /* already closed */ }
  await server.stop();
  server.removeData();
}


// A browser test file in one call: `loadWalk()` requires the walk module
// (after the skip checks, so a machine without chromium skips cleanly).
function runWalkTest({ loadWalk, ...options }) {
  if (!fs.existsSync(CHROMIUM)) {
    console.log("SKIPPED: chromium not installed");
    process.exit(77);
  }
  if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
    console.log("SKIPPED: FORMD is not set or missing");
    process.exit(77);
  }
  runWalk({ ...options, walk: loadWalk() }).then((code) => process.exit(code), (err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { runWalk, runWalkTest, CHROMIUM };
