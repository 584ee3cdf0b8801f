// A configuration root is one thing (issue 11): `formd --definitions COPY`
// on a copy of definitions/ — library/ included — serves it with the copy's
// own block library, instead of refusing it for declaring every block twice.
// The copy's form introduction, written like providers' step lists (div,
// headings, classes), reaches the start page with its structure and without
// its dangerous parts, and formd.css styles those introduction classes.
//
//   FORMD=build/runtime/formd/formd node tests/formd/definitions_root_test.js
//
// Exit code 77 (CTest: skipped) when FORMD is not set or does not exist.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test, after } = require("node:test");
const assert = require("node:assert/strict");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.definitions_root: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const { Client, loginClient } = require("./client");

const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const FORM = "api-pro-sante-connect-etapes";

// The whole definitions/ folder, library/ included, somewhere else.
function copyRoot() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-root-"));
  const copy = path.join(dir, "definitions");
  fs.cpSync(path.join(SOURCE_DIR, "definitions"), copy, { recursive: true });
  fs.appendFileSync(
    path.join(copy, "authorization_request_forms", "api_pro_sante_connect.yml"),
    `
${FORM}:
  name: "Demande en trois étapes"
  authorization_request: APIProSanteConnect
  introduction: |
    <div class="formc-intro-steps" onclick="alert(1)" style="display:none">
      <h3 class="formc-intro-steps__title" title="Votre demande">Votre demande en trois étapes</h3>
      <div class="formc-intro-step"><span class="formc-intro-step__number">1</span> <strong>Le projet</strong><script>alert(1)</script></div>
      <div class="formc-intro-step"><span class="formc-intro-step__number">2</span> <a href="javascript:alert(1)">Les données</a></div>
      <div class="formc-intro-step"><span class="formc-intro-step__number">3</span> <a href="https://esante.gouv.fr" target="_blank">L’équipe</a></div>
    </div>
  steps: *psc_all_steps
`,
  );
  return { dir, copy };
}

const root = copyRoot();
let server;

after(async () => {
  if (server) await server.stop();
  fs.rmSync(root.dir, { recursive: true, force: true });
});

test("formd --definitions COPY --dev serves a copied root with its own library", async () => {
  server = await startFormd({ dev: true, definitions: root.copy });
  const c = new Client(server.url);
  const catalogue = await c.get("/");
  assert.equal(catalogue.status, 200, server.log());
  assert.match(catalogue.text, /API Pro Santé Connect/);
  assert.doesNotMatch(server.log(), /duplicate-id|declared twice/);
  const preview = await c.get(`/preview/${FORM}`);
  assert.equal(preview.status, 200, preview.text);
});

test("a structured introduction keeps its structure and loses its dangerous parts", async () => {
  const applicant = await loginClient(server.url);
  const start = await applicant.get(`/formulaires/${FORM}/demande/nouveau`);
  assert.equal(start.status, 200, start.text);
  const html = start.text;
  for (const kept of [
    '<div class="formc-intro-steps">',
    '<h3 class="formc-intro-steps__title" title="Votre demande">Votre demande en trois étapes</h3>',
    '<div class="formc-intro-step"><span class="formc-intro-step__number">1</span> <strong>Le projet</strong></div>',
    "<a>Les données</a>",
    '<a href="https://esante.gouv.fr" target="_blank" rel="noopener">L’équipe</a>',
  ]) {
    assert.ok(html.includes(kept), `start page lost ${kept}`);
  }
  for (const gone of ["onclick", "display:none", "alert(1)", "javascript:"]) {
    assert.ok(!html.includes(gone), `start page kept ${gone}`);
  }
});

test("formd.css styles the introduction classes", async () => {
  const css = await new Client(server.url).get("/static/formd/formd.css");
  assert.equal(css.status, 200);
  for (const selector of [".formc-introduction :is(h1, h2, h3, h4, h5, h6)", ".formc-introduction blockquote",
                          ".formc-introduction hr", ".formc-intro-steps", ".formc-intro-step ", ".formc-intro-step__number"]) {
    assert.ok(css.text.includes(selector), `formd.css has no rule for ${selector}`);
  }
});
