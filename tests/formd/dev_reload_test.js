// Dev mode (formd --dev): definitions reloaded from disk on change, through
// formc's interpreter, without restart; a broken edit keeps the last good
// catalogue and shows formc's diagnostics on the preview. A formd without
// --dev refuses definitions that differ from the ones compiled into it.
//
//   FORMD=build/runtime/formd/formd node tests/formd/dev_reload_test.js
//
// Each test works on its own copy of definitions/ (without library/: formd
// loads the standard block library itself) and starts its own formd.
// Exit code 77 (CTest: skipped) when FORMD is not set or does not exist.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { test } = require("node:test");
const assert = require("node:assert/strict");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.dev_reload: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");

const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const DEFINITIONS = path.join(SOURCE_DIR, "definitions");
const ANS = path.join("authorization_definitions", "ans.yml");
const PSC = "api-pro-sante-connect";
const ETAB = "api-pro-sante-connect-etablissement-editeur";
const NAME = "API Pro Santé Connect";
const POLL_MS = 50;
const MAX_RELOAD_MS = 10000;

// A copy of definitions/ without the block library (a second copy of the
// library next to the standard one would declare every block twice).
function copyDefinitions() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-defs-"));
  fs.cpSync(DEFINITIONS, dir, {
    recursive: true,
    filter: (src) => path.relative(DEFINITIONS, src).split(path.sep)[0] !== "library",
  });
  return dir;
}

// As an editor saves: the watcher must notice from the file itself (path, size, mtime).
function writeFile(file, text) {
  fs.writeFileSync(file, text);
}

async function get(url) {
  const res = await fetch(url, { redirect: "manual" });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch (_) {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

// Polls every POLL_MS until `check(answer)` holds; returns the answer and the elapsed ms.
async function pollUntil(url, check, what) {
  const start = process.hrtime.bigint();
  for (;;) {
    const answer = await get(url);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (check(answer)) return { answer, elapsed };
    if (elapsed > MAX_RELOAD_MS) assert.fail(`${what}: not seen after ${Math.round(elapsed)} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const BANNER = /role="alert"[^>]*>[\s\S]*?ne se chargent pas/;

function withLog(server, fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (e) {
      if (server.current) e.message += "\n--- formd log (tail) ---\n" + server.current.log().slice(-3000);
      throw e;
    }
  };
}

const devServer = { current: null };

test("dev mode: an edit shows on the preview without restart; a broken edit keeps the last good catalogue", withLog(devServer, async () => {
  const defs = copyDefinitions();
  const server = await startFormd({ dev: true, definitions: defs });
  devServer.current = server;
  try {
    let health = await get(server.url + "/healthz");
    assert.equal(health.status, 200);
    assert.equal(health.json.validator, "interpreted");
    assert.equal(health.json.reload_error, null);
    // Every form of definitions/: API Pro Santé Connect's three, and the others (API FICOBA's two stages).
    assert.ok(health.json.forms >= 3, `forms: ${health.json.forms}`);
    const formsServed = health.json.forms;
    const generation = health.json.catalog_generation;

    const before = await get(server.url + `/preview/${PSC}`);
    assert.equal(before.status, 200);
    assert.ok(before.text.includes(`>${NAME}<`), "the definition name is on the preview");
    assert.ok(!BANNER.test(before.text), "no error banner before any edit");
    const hashBefore = (await get(server.url + "/api/v1/forms")).json.find((f) => f.uid === PSC).definition_hash;

    // The interpreter validates like the compiled validators.
    const valid = await fetch(server.url + `/api/v1/forms/${PSC}/validate?context=draft`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ intitule: 3, inconnu: 1 }),
    }).then((r) => r.json());
    assert.equal(valid.valid, false);
    assert.ok(valid.errors.some((e) => e.field === "intitule" && e.code === "type"));
    assert.ok(valid.errors.some((e) => e.field === "inconnu" && e.code === "unknown_field"));

    // 1. Rename the definition: the preview follows.
    const file = path.join(defs, ANS);
    const original = fs.readFileSync(file, "utf8");
    assert.ok(original.includes(`name: "${NAME}"`), "ans.yml declares the name");
    const renamed = `${NAME} rechargée ${process.pid}`;
    const edited = original.replace(`name: "${NAME}"`, `name: "${renamed}"`);
    writeFile(file, edited);
    const { answer: after, elapsed } = await pollUntil(server.url + `/preview/${PSC}`, (a) => a.status === 200 && a.text.includes(renamed), "the renamed definition");
    console.log(`formd.dev_reload: edit visible on /preview after ${Math.round(elapsed)} ms`);
    assert.ok(elapsed <= MAX_RELOAD_MS);
    assert.ok(!after.text.includes(`>${NAME}<`), "the old name is gone");
    assert.ok(!BANNER.test(after.text));
    health = await get(server.url + "/healthz");
    assert.ok(health.json.catalog_generation > generation, "catalog_generation grows at a reload");
    assert.equal(health.json.reload_error, null);
    const forms = (await get(server.url + "/api/v1/forms")).json;
    assert.equal(forms.find((f) => f.uid === PSC).definition_name, renamed);
    assert.notEqual(forms.find((f) => f.uid === PSC).definition_hash, hashBefore, "the content hash follows the edit");
    const catalogue = await get(server.url + "/");
    assert.ok(catalogue.text.includes(renamed), "the catalogue follows too");

    // An edit that keeps the file size (only the mtime tells).
    const sameSize = renamed.replace("rechargée", "RECHARGÉE");
    assert.equal(Buffer.byteLength(sameSize), Buffer.byteLength(renamed));
    writeFile(file, original.replace(`name: "${NAME}"`, `name: "${sameSize}"`));
    assert.equal(fs.statSync(file).size, Buffer.byteLength(edited));
    const { elapsed: sameSizeMs } = await pollUntil(server.url + `/preview/${PSC}`, (a) => a.text.includes(sameSize), "the same-size edit");
    console.log(`formd.dev_reload: same-size edit visible after ${Math.round(sameSizeMs)} ms`);
    writeFile(file, edited);
    await pollUntil(server.url + `/preview/${PSC}`, (a) => a.text.includes(renamed), "the edit back");

    // 2. A YAML syntax error (with markup in it): the last good catalogue stays, with a banner.
    const broken = edited + '\nautre_definition:\n  name: "<script>alert(1)</script>\n  blocks: [\n';
    writeFile(file, broken);
    const { answer: errHealth } = await pollUntil(server.url + "/healthz", (a) => a.json && a.json.reload_error !== null, "reload_error");
    assert.equal(typeof errHealth.json.reload_error, "string");
    assert.ok(errHealth.json.reload_error.length > 0);
    assert.equal(errHealth.json.status, "ok");
    const { answer: bannerPage } = await pollUntil(server.url + `/preview/${PSC}`, (a) => BANNER.test(a.text), "the error banner");
    assert.equal(bannerPage.status, 200);
    assert.ok(bannerPage.text.includes(renamed), "the preview keeps the last good content");
    assert.match(bannerPage.text, /ans\.yml:\d+:\d+/, "formc's diagnostic points at the file");
    assert.ok(!bannerPage.text.includes("<script>alert(1)</script>"), "diagnostics are escaped");
    // The application keeps serving the last good catalogue.
    assert.equal((await get(server.url + "/")).status, 200);
    assert.equal((await get(server.url + "/api/v1/forms")).json.length, formsServed);

    // 3. Fixed: the banner goes away.
    writeFile(file, edited.replace(renamed, renamed + " corrigée"));
    const { answer: fixed } = await pollUntil(server.url + `/preview/${PSC}`, (a) => !BANNER.test(a.text) && a.text.includes(renamed + " corrigée"), "the fixed definitions");
    assert.equal(fixed.status, 200);
    health = await get(server.url + "/healthz");
    assert.equal(health.json.reload_error, null);
  } finally {
    await server.stop();
    server.removeData();
    fs.rmSync(defs, { recursive: true, force: true });
  }
}));

const draftServer = { current: null };

test("dev mode: drafts survive a reload; the requests of a removed form answer 410", withLog(draftServer, async () => {
  const defs = copyDefinitions();
  const server = await startFormd({ dev: true, definitions: defs });
  draftServer.current = server;
  try {
    const session = await fetch(server.url + "/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "dev@exemple.fr", name: "Dev", siret: "13002526500013" }),
    });
    assert.equal(session.status, 200);
    const cookie = session.headers.getSetCookie()[0].split(";")[0];
    const { csrf_token: csrf } = await session.json();
    const created = await fetch(server.url + "/api/v1/requests", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
      body: JSON.stringify({ form_uid: PSC, data: { intitule: "Avant" } }),
    });
    assert.equal(created.status, 201);
    const request = await created.json();

    const file = path.join(defs, ANS);
    const renamed = `${NAME} v2`;
    writeFile(file, fs.readFileSync(file, "utf8").replace(`name: "${NAME}"`, `name: "${renamed}"`));
    await pollUntil(server.url + `/preview/${PSC}`, (a) => a.text.includes(renamed), "the reload");

    const step = await fetch(server.url + `/demandes/${request.id}/etapes/basic_infos`, { headers: { cookie }, redirect: "manual" });
    assert.equal(step.status, 200);
    const html = await step.text();
    assert.match(html, /value="Avant"/);
    const version = /name="_version" value="(\d+)"/.exec(html)[1];
    const saved = await fetch(server.url + `/demandes/${request.id}/etapes/basic_infos`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ _csrf: csrf, _version: version, intitule: "Après", description: "Texte" }).toString(),
      redirect: "manual",
    });
    assert.equal(saved.status, 303);
    const after = await fetch(server.url + `/api/v1/requests/${request.id}`, { headers: { cookie } }).then((r) => r.json());
    assert.equal(after.data.intitule, "Après");

    // A form removed by a reload: its requests stay readable, answer 410 where they would be edited.
    const etab = await fetch(server.url + "/api/v1/requests", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
      body: JSON.stringify({ form_uid: ETAB, data: { intitule: "Établissement" } }),
    }).then((r) => r.json());
    const formsBefore = (await get(server.url + "/healthz")).json.forms;
    const formsFile = path.join(defs, "authorization_request_forms", "api_pro_sante_connect.yml");
    const forms = fs.readFileSync(formsFile, "utf8");
    const cut = forms.indexOf(`${ETAB}:`);
    assert.ok(cut > 0);
    writeFile(formsFile, forms.slice(0, cut));
    await pollUntil(server.url + "/healthz", (a) => a.json && a.json.forms === formsBefore - 1, "the removed form");
    const page = await fetch(server.url + `/demandes/${etab.id}/etapes/basic_infos`, { headers: { cookie }, redirect: "manual" });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /n’est plus proposé/);
    const patch = await fetch(server.url + `/api/v1/requests/${etab.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
      body: JSON.stringify({ version: 1, data: { intitule: "x" } }),
    });
    assert.equal(patch.status, 410);
    const read = await fetch(server.url + `/api/v1/requests/${etab.id}`, { headers: { cookie } });
    assert.equal(read.status, 200);
    assert.equal((await read.json()).data.intitule, "Établissement");
    const list = await fetch(server.url + "/demandes", { headers: { cookie } });
    assert.equal(list.status, 200);
    assert.match(await list.text(), new RegExp(`data-formd-request="${etab.id}"`));
    assert.equal((await fetch(server.url + `/preview/${ETAB}`)).status, 404);
  } finally {
    await server.stop();
    server.removeData();
    fs.rmSync(defs, { recursive: true, force: true });
  }
}));

// Runs formd until it exits (or `timeoutMs`); returns its exit code and stderr.
function runFormd(args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.env.FORMD, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const plainServer = { current: null };

test("without --dev, formd refuses definitions that differ from the compiled ones", withLog(plainServer, async () => {
  const defs = copyDefinitions();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-data-"));
  try {
    // The unmodified copy is what formd was compiled from: it starts.
    const server = await startFormd({ definitions: defs });
    plainServer.current = server;
    const health = await get(server.url + "/healthz");
    assert.equal(health.json.validator, "compiled");
    await server.stop();
    server.removeData();
    plainServer.current = null;

    const file = path.join(defs, ANS);
    writeFile(file, fs.readFileSync(file, "utf8").replace(`name: "${NAME}"`, `name: "${NAME} modifiée"`));
    // Port 0: if it wrongly started, it would not collide with anything.
    const run = await runFormd(["--port", "0", "--data", dataDir, "--definitions", defs], 15000);
    assert.equal(run.signal, null, "formd kept running on modified definitions:\n" + run.stderr);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /differs from the one compiled|content hash/);
    assert.match(run.stderr, /api_pro_sante_connect/);
    assert.match(run.stderr, /--dev/, "the message tells how to proceed");
  } finally {
    fs.rmSync(defs, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}));
