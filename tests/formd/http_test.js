// HTTP tests of formd: the JSON API, sessions, ownership, the HTML flows
// (login, wizard, summary, submission), escaping, security headers, static
// files and robustness. One formd for the whole file (harness.js); every test
// uses its own users and organisations (its own SIRET), so tests do not see
// each other's requests.
//
//   FORMD=build/runtime/formd/formd node tests/formd/http_test.js
//
// Exit code 77 (CTest: skipped) when FORMD is not set or does not exist.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { describe, test, before, after } = require("node:test");
const assert = require("node:assert/strict");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.http: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const raw = require("./client");
const { newSiret, uniqueEmail, Client, hiddenInputs, unescapeHtml, csrfOf, versionOf, validDocument, PAYLOADS, assertEscaped } = raw;

const PSC = "api-pro-sante-connect";
const PSC_EDITEUR = "api-pro-sante-connect-editeur";
const PSC_ETAB = "api-pro-sante-connect-etablissement-editeur";
const ALL_FORMS = [PSC, PSC_EDITEUR, PSC_ETAB];

// ---------------------------------------------------------------------------
// Helpers

let server;

// Logs in through POST /api/v1/session; returns the client and its user.
async function apiUser({ siret = newSiret(), name = "Camille Martin", email = uniqueEmail() } = {}) {
  const client = new Client(server.url);
  const res = await client.post("/api/v1/session", { json: { email, name, siret } });
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.csrf_token, /^[0-9a-f]{32,}$/);
  client.csrf = res.json.csrf_token;
  client.user = res.json.user;
  client.siret = siret;
  return client;
}

// Logs in through the HTML form (GET then POST /connexion).
async function htmlUser({ siret = newSiret(), name = "Dominique Petit", email = uniqueEmail("html") } = {}) {
  const client = new Client(server.url);
  const page = await client.get("/connexion");
  assert.equal(page.status, 200);
  const res = await client.post("/connexion", { form: { _csrf: csrfOf(page.text), email, name, siret } });
  assert.equal(res.status, 303, res.text);
  const session = await client.get("/api/v1/session");
  assert.equal(session.status, 200, session.text);
  client.csrf = session.json.csrf_token;
  client.user = session.json.user;
  client.siret = siret;
  return client;
}

async function createRequest(client, formUid = PSC, data = {}) {
  const res = await client.api("POST", "/api/v1/requests", { form_uid: formUid, data });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function getRequest(client, id) {
  const res = await client.get(`/api/v1/requests/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function withoutKeys(doc, ...keys) {
  const out = { ...doc };
  for (const k of keys) delete out[k];
  return out;
}

function assertErrorShape(errors) {
  assert.ok(Array.isArray(errors) && errors.length > 0, "expected a non-empty error list");
  for (const e of errors) {
    assert.equal(typeof e.field, "string");
    assert.equal(typeof e.code, "string");
    assert.ok(e.code.length > 0);
    assert.equal(typeof e.message, "string");
    assert.ok(e.message.length > 0);
  }
}

function hasError(errors, field, code) {
  return errors.some((e) => e.field === field && (code instanceof RegExp ? code.test(e.code) : e.code === code));
}

// Raw HTTP to this file's formd.
const rawRequest = (text, timeoutMs) => raw.rawRequest(server.port, text, timeoutMs);
const rawGet = (p, extraHeaders) => raw.rawGet(server.port, p, extraHeaders);
const rawPost = (p, contentType, body, extraHeaders) => raw.rawPost(server.port, p, contentType, body, extraHeaders);
const rawSend = (method, p, contentType, body, extraHeaders) => raw.rawSend(server.port, method, p, contentType, body, extraHeaders);

function cookieHeaderOf(client) {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

// Every test prints formd's log when it fails.
function it(name, fn) {
  test(name, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      const log = server ? server.log() : "";
      if (log) e.message += "\n--- formd log (tail) ---\n" + log.slice(-3000);
      throw e;
    }
  });
}

// ---------------------------------------------------------------------------

describe("formd HTTP", () => {
  before(async () => {
    try {
      server = await startFormd({});
    } catch (e) {
      // node:test only reports the tests as cancelled: say why.
      console.error("formd.http: cannot start formd: " + e.message);
      throw e;
    }
  });
  after(async () => {
    if (server) {
      await server.stop();
      server.removeData();
    }
  });

  // 1. API: forms, schemas, validation --------------------------------------

  it("GET /healthz reports the compiled validators and the forms of definitions/ (PSC's 3, API FICOBA's 2)", async () => {
    const c = new Client(server.url);
    const res = await c.get("/healthz");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.equal(res.json.status, "ok");
    assert.equal(res.json.validator, "compiled");
    assert.equal(res.json.forms, 5);
    assert.equal(res.json.definitions, 3);
    assert.equal(res.json.reload_error, null);
  });

  it("GET /api/v1/forms lists the 3 PSC forms with uid, definition, name, hash", async () => {
    const c = new Client(server.url);
    const res = await c.get("/api/v1/forms");
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.json));
    // definitions/ also holds API FICOBA's two stages (stages_test.js).
    assert.deepEqual(res.json.filter((f) => f.definition === "api_pro_sante_connect").map((f) => f.uid).sort(), [...ALL_FORMS].sort());
    assert.deepEqual(res.json.filter((f) => f.definition !== "api_pro_sante_connect").map((f) => f.uid).sort(),
      ["api-ficoba-production", "api-ficoba-sandbox"]);
    for (const f of res.json) {
      assert.equal(typeof f.name, "string");
      assert.ok(f.name.length > 0);
      assert.match(f.definition_hash, /^[0-9a-f]{64}$/);
      assert.ok(Array.isArray(f.steps) && f.steps.length > 0);
    }
    const byUid = Object.fromEntries(res.json.map((f) => [f.uid, f]));
    assert.equal(byUid[PSC].name, "Demande libre");
    assert.deepEqual(byUid[PSC].steps.map((s) => s.key), ["basic_infos", "legal", "personal_data", "scopes", "contacts"]);
    assert.deepEqual(byUid[PSC_ETAB].steps.map((s) => s.key), ["basic_infos", "personal_data", "contacts"]);
  });

  it("GET /api/v1/forms/{uid}/schema: a JSON Schema 2020-12, 404 for an unknown uid", async () => {
    const c = new Client(server.url);
    for (const uid of ALL_FORMS) {
      const res = await c.get(`/api/v1/forms/${uid}/schema`);
      assert.equal(res.status, 200, uid);
      assert.match(res.headers.get("content-type"), /^application\/schema\+json/);
      assert.ok(res.json, `${uid}: schema is not valid JSON`);
      assert.equal(res.json.$schema, "https://json-schema.org/draft/2020-12/schema");
      assert.equal(res.json.type, "object");
      assert.ok(res.json.properties.intitule);
      assert.ok(res.json.required.includes("intitule"));
    }
    const missing = await c.get("/api/v1/forms/formulaire-inconnu/schema");
    assert.equal(missing.status, 404);
    assert.match(missing.json.error.message, /Formulaire inconnu/);
  });

  it("POST /validate: a complete document is valid in every context of every form", async () => {
    const c = new Client(server.url);
    // validDocument() is a PSC request: the PSC forms.
    const forms = (await c.get("/api/v1/forms")).json.filter((f) => f.definition === "api_pro_sante_connect");
    assert.equal(forms.length, ALL_FORMS.length);
    for (const f of forms) {
      const contexts = ["draft", "submit", ...f.steps.map((s) => "step:" + s.key)];
      for (const ctx of contexts) {
        const res = await c.post(`/api/v1/forms/${f.uid}/validate?context=${encodeURIComponent(ctx)}`, { json: validDocument() });
        assert.equal(res.status, 200, `${f.uid} ${ctx}: ${res.text}`);
        assert.deepEqual(res.json, { valid: true, errors: [], error_count: 0 }, `${f.uid} ${ctx}`);
      }
    }
    // Without ?context=, the submit context.
    const dflt = await c.post(`/api/v1/forms/${PSC}/validate`, { json: withoutKeys(validDocument(), "intitule") });
    assert.equal(dflt.json.valid, false);
    assert.ok(hasError(dflt.json.errors, "intitule", "required"));
  });

  it("POST /validate: required, type, unknown_field and email format errors", async () => {
    const c = new Client(server.url);
    const validate = async (doc, ctx = "submit") => {
      const res = await c.post(`/api/v1/forms/${PSC}/validate?context=${ctx}`, { json: doc });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.valid, false, JSON.stringify(doc).slice(0, 200));
      assertErrorShape(res.json.errors);
      return res.json.errors;
    };
    assert.ok(hasError(await validate(withoutKeys(validDocument(), "intitule")), "intitule", "required"));
    assert.ok(hasError(await validate(withoutKeys(validDocument(), "description"), "step:basic_infos"), "description", "required"));
    assert.ok(hasError(await validate({ ...validDocument(), intitule: 42 }), "intitule", "type"));
    assert.ok(hasError(await validate({ ...validDocument(), duree_conservation_donnees_caractere_personnel: "douze" }), "duree_conservation_donnees_caractere_personnel", "type"));
    assert.ok(hasError(await validate({ ...validDocument(), champ_pirate: "x" }), "champ_pirate", "unknown_field"));
    assert.ok(hasError(await validate({ ...validDocument(), contact_technique_email: "pas-un-email" }), "contact_technique_email", /^format/));
    // The messages are French.
    const errs = await validate(withoutKeys(validDocument(), "intitule"));
    assert.match(errs.find((e) => e.field === "intitule").message, /Nom du projet.*doit être rempli/);
    // Draft: nothing is required, but types and formats still hold.
    const draft = await c.post(`/api/v1/forms/${PSC}/validate?context=draft`, { json: {} });
    assert.deepEqual(draft.json, { valid: true, errors: [], error_count: 0 });
    for (const notObject of [[], "texte", null, 42]) {
      const errs = await validate(notObject, "draft");
      assert.ok(hasError(errs, "", "type"), JSON.stringify(notObject));
    }
    const draftBad = await validate({ intitule: [], contact_technique_email: "@" }, "draft");
    assert.ok(hasError(draftBad, "intitule", "type"));
    assert.ok(hasError(draftBad, "contact_technique_email", /^format/));
  });

  it("POST /validate: 400 unknown context or step, 415, 400 malformed JSON, 413, 404", async () => {
    const c = new Client(server.url);
    const url = (ctx) => `/api/v1/forms/${PSC}/validate?context=${encodeURIComponent(ctx)}`;
    for (const ctx of ["brouillon", "step:", "step:inexistant", "", "SUBMIT"]) {
      const res = await c.post(url(ctx), { json: validDocument() });
      assert.equal(res.status, 400, `context ${JSON.stringify(ctx)}: ${res.text}`);
      assert.match(res.json.error.message, /Contexte inconnu/);
    }
    // A block that is static (not a step) in this form.
    const staticStep = await c.post(`/api/v1/forms/${PSC_ETAB}/validate?context=step:scopes`, { json: {} });
    assert.equal(staticStep.status, 400);
    const noType = await c.post(url("submit"), { body: JSON.stringify(validDocument()) });
    assert.equal(noType.status, 415);
    assert.match(noType.json.error.message, /JSON/);
    const textPlain = await c.post(url("submit"), { body: "{}", headers: { "content-type": "text/plain" } });
    assert.equal(textPlain.status, 415);
    const malformed = await c.post(url("submit"), { body: '{"intitule": ', headers: { "content-type": "application/json" } });
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.error.message, /JSON invalide/);
    assert.equal(malformed.json.error.status, 400);
    const big = await rawPost(url("submit"), "application/json", JSON.stringify({ intitule: "x".repeat(1100 * 1024) }));
    assert.equal(big.status, 413);
    assert.match(big.text, /trop volumineuse/);
    const unknown = await c.post("/api/v1/forms/inconnu/validate?context=submit", { json: {} });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error.message, /Formulaire inconnu/);
  });

  // 2. Session + requests API ----------------------------------------------------

  it("POST /api/v1/session: 422 on a bad SIRET or email, cookie + csrf_token otherwise", async () => {
    const c = new Client(server.url);
    for (const siret of ["13002526500012", "1300252650001", "1300252650001A", "", "130 025 265 00013"]) {
      const res = await c.post("/api/v1/session", { json: { email: "a@exemple.fr", name: "A", siret } });
      assert.equal(res.status, 422, `siret ${siret}`);
      assert.ok(res.json.error.details.some((d) => d.field === "siret" && d.code === "format_siret"), res.text);
      assert.equal(res.setCookies.length, 0, "no session for a refused identity");
    }
    const badEmail = await c.post("/api/v1/session", { json: { email: "pas-un-email", name: "A", siret: "13002526500013" } });
    assert.equal(badEmail.status, 422);
    assert.ok(badEmail.json.error.details.some((d) => d.field === "email"));
    const noName = await c.post("/api/v1/session", { json: { email: "a@exemple.fr", name: "  ", siret: "13002526500013" } });
    assert.equal(noName.status, 422);
    const extra = await c.post("/api/v1/session", { json: { email: "a@exemple.fr", name: "A", siret: "13002526500013", admin: true } });
    assert.equal(extra.status, 400);

    for (const siret of ["13002526500013", "21750001600019"]) {
      const client = new Client(server.url);
      const email = uniqueEmail("Session");
      const res = await client.post("/api/v1/session", { json: { email, name: "Léa Dubois", siret } });
      assert.equal(res.status, 200, res.text);
      const cookie = res.setCookies.find((l) => l.startsWith("formd_session="));
      assert.ok(cookie, "Set-Cookie formd_session");
      assert.match(cookie, /^formd_session=[0-9a-f]{64};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(res.json.csrf_token, /^[0-9a-f]{32,}$/);
      assert.equal(res.json.user.organization_siret, siret);
      assert.equal(res.json.user.email, email.toLowerCase());
      const me = await client.get("/api/v1/session");
      assert.equal(me.status, 200);
      assert.equal(me.json.user.name, "Léa Dubois");
      assert.equal(me.json.csrf_token, res.json.csrf_token);
    }
    const anonymous = await new Client(server.url).get("/api/v1/session");
    assert.equal(anonymous.status, 401);
    const forged = await new Client(server.url).get("/api/v1/session", { headers: { cookie: "formd_session=" + "0".repeat(64) } });
    assert.equal(forged.status, 401);
  });

  it("POST /api/v1/requests: 201, Location, version 1, draft, definition hash, prefill", async () => {
    const c = await apiUser();
    const forms = (await c.get("/api/v1/forms")).json;
    const hash = forms.find((f) => f.uid === PSC).definition_hash;
    const res = await c.api("POST", "/api/v1/requests", { form_uid: PSC, data: { intitule: "Mon service" } });
    assert.equal(res.status, 201, res.text);
    const r = res.json;
    assert.equal(res.headers.get("location"), `/api/v1/requests/${r.id}`);
    assert.equal(r.version, 1);
    assert.equal(r.state, "draft");
    assert.equal(r.form_uid, PSC);
    assert.equal(r.definition_id, "api_pro_sante_connect");
    assert.match(r.definition_hash, /^[0-9a-f]{64}$/);
    assert.equal(r.definition_hash, hash);
    assert.equal(r.submitted_at, null);
    assert.equal(r.data.intitule, "Mon service");
    assert.equal(r.data.cadre_juridique_nature, "Arrêté du 24 mars 2021");
    assert.equal(r.data.cadre_juridique_url, "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292");

    const got = await c.get(res.headers.get("location"));
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("etag"), '"1"');
    assert.deepEqual(got.json.data, r.data);
    assert.equal(got.json.id, r.id);

    // The other forms' initialize_with.
    const editeur = await createRequest(c, PSC_EDITEUR);
    assert.deepEqual([...editeur.data.scopes].sort(), ["donnees_sectorielles", "idnat"]);
    const etab = await createRequest(c, PSC_ETAB);
    assert.equal(etab.data.contact_technique_email, "raccordement-psc@demo-sante-logiciels.example");
    assert.equal(etab.data.contact_technique_type, "organization");

    const list = await c.get("/api/v1/requests");
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.requests.map((x) => x.id).sort((a, b) => a - b), [r.id, editeur.id, etab.id].sort((a, b) => a - b));

    const unknownForm = await c.api("POST", "/api/v1/requests", { form_uid: "inconnu", data: {} });
    assert.equal(unknownForm.status, 404);
    const badData = await c.api("POST", "/api/v1/requests", { form_uid: PSC, data: [] });
    assert.equal(badData.status, 400);
    const invalid = await c.api("POST", "/api/v1/requests", { form_uid: PSC, data: { intitule: 3 } });
    assert.equal(invalid.status, 422);
    assert.ok(hasError(invalid.json.error.details, "intitule", "type"));
  });

  it("PATCH /api/v1/requests/{id}: versions, 409 stale, 428, 422 on bad data", async () => {
    const c = await apiUser();
    const r = await createRequest(c, PSC, { intitule: "Première version" });
    const url = `/api/v1/requests/${r.id}`;

    const ok = await c.api("PATCH", url, { version: 1, data: { intitule: "Deuxième version", description: "Texte" } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.version, 2);
    assert.equal(ok.json.data.intitule, "Deuxième version");
    assert.equal(ok.json.data.description, "Texte");
    assert.equal(ok.json.data.cadre_juridique_nature, "Arrêté du 24 mars 2021", "merge keeps other keys");
    assert.equal(ok.headers.get("etag"), '"2"');

    const stale = await c.api("PATCH", url, { version: 1, data: { intitule: "Écrasement" } });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.json.error.details.current_version, 2);
    let now = await getRequest(c, r.id);
    assert.equal(now.version, 2);
    assert.equal(now.data.intitule, "Deuxième version");

    const noVersion = await c.api("PATCH", url, { data: { intitule: "Sans version" } });
    assert.equal(noVersion.status, 428);
    assert.match(noVersion.json.error.message, /version/);

    // If-Match works as the version.
    const ifMatch = await c.api("PATCH", url, { data: { intitule: "Par If-Match" } }, { headers: { "if-match": '"2"' } });
    assert.equal(ifMatch.status, 200, ifMatch.text);
    assert.equal(ifMatch.json.version, 3);

    // null removes a key (JSON merge patch).
    const removed = await c.api("PATCH", url, { version: 3, data: { description: null } });
    assert.equal(removed.status, 200, removed.text);
    assert.ok(!("description" in removed.json.data));

    const unknown = await c.api("PATCH", url, { version: 4, data: { champ_inconnu: "x" } });
    assert.equal(unknown.status, 422);
    assert.ok(hasError(unknown.json.error.details, "champ_inconnu", "unknown_field"), unknown.text);
    const wrongType = await c.api("PATCH", url, { version: 4, data: { duree_conservation_donnees_caractere_personnel: "beaucoup" } });
    assert.equal(wrongType.status, 422);
    assert.ok(hasError(wrongType.json.error.details, "duree_conservation_donnees_caractere_personnel", "type"));
    const badEmail = await c.api("PATCH", url, { version: 4, data: { contact_technique_email: "x@" } });
    assert.equal(badEmail.status, 422);
    assert.ok(hasError(badEmail.json.error.details, "contact_technique_email", /^format/));
    const oversized = await c.api("PATCH", url, { version: 4, data: { description: "é".repeat(10001) } });
    assert.equal(oversized.status, 422);
    assert.ok(hasError(oversized.json.error.details, "description", "too_long"), oversized.text);
    const atLimit = "x".repeat(20000);
    const limitOk = await c.api("PATCH", url, { version: 4, data: { description: atLimit } });
    assert.equal(limitOk.status, 200, "20000 bytes is allowed");
    assert.equal(limitOk.json.version, 5);
    const notObject = await c.api("PATCH", url, { version: 5, data: "texte" });
    assert.equal(notObject.status, 400);

    now = await getRequest(c, r.id);
    assert.equal(now.version, 5);
    assert.equal(now.data.intitule, "Par If-Match");
    assert.ok(!("champ_inconnu" in now.data));
    assert.equal(now.data.duree_conservation_donnees_caractere_personnel, undefined);

    const missing = await c.api("PATCH", "/api/v1/requests/999999999", { version: 1, data: {} });
    assert.equal(missing.status, 404);

    // Concurrent writers of the same version: exactly one wins.
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => c.api("PATCH", url, { version: 5, data: { intitule: `Concurrent ${i}` } })),
    );
    const statuses = racers.map((x) => x.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
    const winner = racers.find((x) => x.status === 200);
    now = await getRequest(c, r.id);
    assert.equal(now.version, 6);
    assert.equal(now.data.intitule, winner.json.data.intitule);
  });

  it("JSON bodies with out-of-range numbers answer 400, not 500", async () => {
    const c = await apiUser();
    const r = await createRequest(c);
    const body = '{"version":1,"data":{"duree_conservation_donnees_caractere_personnel":1e400}}';
    const json = { "content-type": "application/json" };
    const calls = [
      ["POST", `/api/v1/forms/${PSC}/validate?context=draft`, '{"duree_conservation_donnees_caractere_personnel":1e400}'],
      ["POST", "/api/v1/session", '{"email":"a@exemple.fr","name":"A","siret":"13002526500013","x":-1e999}'],
      ["POST", "/api/v1/requests", `{"form_uid":"${PSC}","data":{"duree_conservation_donnees_caractere_personnel":1e400}}`],
      ["PATCH", `/api/v1/requests/${r.id}`, body],
      ["POST", `/api/v1/requests/${r.id}/submit`, '{"version":1e400}'],
    ];
    const failures = [];
    for (const [method, p, text] of calls) {
      const res = await c.request(method, p, { body: text, headers: json, csrf: true });
      if (res.status !== 400) failures.push(`${method} ${p}: ${res.status} ${res.text.slice(0, 120)}`);
      else assert.match(res.json.error.message, /JSON|nombre/);
    }
    assert.deepEqual(failures, [], "out-of-range JSON numbers:\n" + failures.join("\n"));
    assert.equal((await getRequest(c, r.id)).version, 1);
  });

  it("POST /api/v1/requests/{id}/submit: 422 when incomplete, 200 submitted, then frozen", async () => {
    const c = await apiUser();
    const r = await createRequest(c, PSC, { intitule: "Incomplète" });
    const url = `/api/v1/requests/${r.id}`;
    const incomplete = await c.api("POST", url + "/submit", { version: 1 });
    assert.equal(incomplete.status, 422, incomplete.text);
    const details = incomplete.json.error.details;
    assertErrorShape(details);
    assert.ok(hasError(details, "description", "required"));
    assert.ok(hasError(details, "terms_of_service_accepted", /./));
    assert.equal((await getRequest(c, r.id)).state, "draft");

    const noCheckboxes = withoutKeys(validDocument(), "terms_of_service_accepted", "data_protection_officer_informed");
    const filled = await c.api("PATCH", url, { version: 1, data: noCheckboxes });
    assert.equal(filled.status, 200, filled.text);
    const stillMissing = await c.api("POST", url + "/submit", { version: 2 });
    assert.equal(stillMissing.status, 422);
    assert.ok(hasError(stillMissing.json.error.details, "terms_of_service_accepted", /./));
    assert.ok(hasError(stillMissing.json.error.details, "data_protection_officer_informed", /./));

    const checked = await c.api("PATCH", url, { version: 2, data: { terms_of_service_accepted: true, data_protection_officer_informed: true } });
    assert.equal(checked.status, 200);
    const stale = await c.api("POST", url + "/submit", { version: 2 });
    assert.equal(stale.status, 409);
    const submitted = await c.api("POST", url + "/submit", { version: 3 });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.json.state, "submitted");
    assert.equal(typeof submitted.json.submitted_at, "number");
    assert.equal((await getRequest(c, r.id)).state, "submitted");

    const after = await c.api("PATCH", url, { version: submitted.json.version, data: { intitule: "Trop tard" } });
    assert.equal(after.status, 409, after.text);
    const again = await c.api("POST", url + "/submit", { version: submitted.json.version });
    assert.equal(again.status, 409);
    assert.equal((await getRequest(c, r.id)).data.intitule, validDocument().intitule);
  });

  it("requests API: 401 without login, 403 without X-CSRF-Token, 400 on unknown keys", async () => {
    const c = await apiUser();
    const r = await createRequest(c);
    const url = `/api/v1/requests/${r.id}`;
    const anon = new Client(server.url);
    for (const [method, p, body] of [
      ["GET", "/api/v1/requests", undefined],
      ["GET", url, undefined],
      ["POST", "/api/v1/requests", { form_uid: PSC, data: {} }],
      ["PATCH", url, { version: 1, data: {} }],
      ["POST", url + "/submit", { version: 1 }],
    ]) {
      const res = await anon.request(method, p, { json: body });
      assert.equal(res.status, 401, `${method} ${p}`);
      assert.match(res.json.error.message, /Authentification requise/);
    }
    for (const [method, p, body] of [
      ["POST", "/api/v1/requests", { form_uid: PSC, data: {} }],
      ["PATCH", url, { version: 1, data: { intitule: "Sans jeton" } }],
      ["POST", url + "/submit", { version: 1 }],
    ]) {
      const none = await c.request(method, p, { json: body });
      assert.equal(none.status, 403, `${method} ${p} without token`);
      assert.match(none.json.error.message, /X-CSRF-Token/);
      const wrong = await c.request(method, p, { json: body, headers: { "x-csrf-token": "0".repeat(64) } });
      assert.equal(wrong.status, 403, `${method} ${p} wrong token`);
      const empty = await c.request(method, p, { json: body, headers: { "x-csrf-token": "" } });
      assert.equal(empty.status, 403, `${method} ${p} empty token`);
    }
    const list = await c.get("/api/v1/requests");
    assert.equal(list.json.requests.length, 1, "nothing created without CSRF");
    assert.equal((await getRequest(c, r.id)).version, 1, "nothing written without CSRF");

    for (const [method, p, body] of [
      ["POST", "/api/v1/requests", { form_uid: PSC, data: {}, state: "submitted" }],
      ["PATCH", url, { version: 1, data: {}, state: "submitted" }],
      ["PATCH", url, { version: 1, id: 1 }],
      ["POST", url + "/submit", { version: 1, data: validDocument() }],
      ["POST", url + "/submit", []],
    ]) {
      const res = await c.api(method, p, body);
      assert.equal(res.status, 400, `${method} ${p} ${JSON.stringify(body).slice(0, 60)}`);
      assert.ok(res.json.error.message.length > 0);
    }
    assert.equal((await getRequest(c, r.id)).state, "draft");
    const wrongType = await c.api("PATCH", url, undefined, { body: "version=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(wrongType.status, 415);
  });

  // 3. Ownership ---------------------------------------------------------------

  it("another organisation gets 404 everywhere; a colleague of the same organisation sees the request", async () => {
    const owner = await apiUser({ name: "Alice Propriétaire" });
    const r = await createRequest(owner, PSC, { intitule: "Projet confidentiel" });
    const stranger = await apiUser({ name: "Bruno Étranger" });
    const colleague = await apiUser({ siret: owner.siret, name: "Chloé Collègue" });
    assert.notEqual(stranger.siret, owner.siret);

    const url = `/api/v1/requests/${r.id}`;
    assert.equal((await stranger.get(url)).status, 404);
    const patch = await stranger.api("PATCH", url, { version: 1, data: { intitule: "Piraté" } });
    assert.equal(patch.status, 404);
    const submit = await stranger.api("POST", url + "/submit", { version: 1 });
    assert.equal(submit.status, 404);
    for (const page of [`/demandes/${r.id}`, `/demandes/${r.id}/etapes/basic_infos`, `/demandes/${r.id}/resume`]) {
      const res = await stranger.get(page);
      assert.equal(res.status, 404, page);
      assert.match(res.text, /Demande introuvable/);
      assert.ok(!res.text.includes("Projet confidentiel"), page);
    }
    const post = await stranger.post(`/demandes/${r.id}/etapes/basic_infos`, {
      form: { _csrf: stranger.csrf, _version: "1", intitule: "Piraté", description: "x" },
    });
    assert.equal(post.status, 404);
    const submitHtml = await stranger.post(`/demandes/${r.id}/soumettre`, {
      form: { _csrf: stranger.csrf, _version: "1", terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    });
    assert.equal(submitHtml.status, 404);
    const strangerList = await stranger.get("/api/v1/requests");
    assert.equal(strangerList.status, 200);
    assert.deepEqual(strangerList.json.requests, []);
    const strangerPage = await stranger.get("/demandes");
    assert.equal(strangerPage.status, 200);
    assert.ok(!strangerPage.text.includes(`data-formd-request="${r.id}"`));
    assert.match(strangerPage.text, /aucune demande/);

    const still = await getRequest(owner, r.id);
    assert.equal(still.version, 1);
    assert.equal(still.data.intitule, "Projet confidentiel");

    // Same organisation: visible in the API and the pages; only the applicant
    // edits it (DataPass: a colleague reads, the applicant writes).
    assert.equal((await colleague.get(url)).status, 200);
    assert.ok((await colleague.get("/api/v1/requests")).json.requests.some((x) => x.id === r.id));
    const colleaguePage = await colleague.get("/demandes");
    assert.ok(colleaguePage.text.includes(`data-formd-request="${r.id}"`));
    assert.match(colleaguePage.text, /Alice Propriétaire/, "Déposée par: the owner's name");
    const step = await colleague.get(`/demandes/${r.id}/etapes/basic_infos`);
    assert.equal(step.status, 303, "the wizard sends a colleague to the read-only page");
    assert.equal(step.headers.get("location"), `/demandes/${r.id}`);
    const view = await colleague.get(`/demandes/${r.id}`);
    assert.equal(view.status, 200);
    assert.match(view.text, /Projet confidentiel/);
    const edit = await colleague.api("PATCH", url, { version: 1, data: { description: "Complétée par une collègue" } });
    assert.equal(edit.status, 403);
    const colleagueSubmit = await colleague.api("POST", url + "/submit", { version: 1 });
    assert.equal(colleagueSubmit.status, 403);
    const unchanged = await getRequest(owner, r.id);
    assert.equal(unchanged.version, 1);
    assert.equal(unchanged.state, "draft");
  });

  // 4. HTML flows ------------------------------------------------------------------

  it("GET/POST /connexion: signed login-form cookie, CSRF, 403, 415, 422, 303 with a session cookie, logout", async () => {
    const c = new Client(server.url);
    const page = await c.get("/connexion");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type"), /^text\/html/);
    assert.match(page.text, /<html lang="fr"/);
    assert.match(page.text, /Se connecter/);
    // No session for a visitor: only the login form's own cookie.
    assert.equal(c.cookies.get("formd_session"), undefined, "no session before login");
    const loginCookie = c.cookies.get("formd_login");
    assert.match(loginCookie || "", /^[0-9a-f]{64}$/, "login form cookie");
    assert.match(page.setCookies.join("\n"), /formd_login=[0-9a-f]{64}; Path=\/connexion; HttpOnly; SameSite=Strict/);
    const token = csrfOf(page.text);
    assert.notEqual(token, loginCookie, "the form's token is a signature of the cookie, not the cookie");
    // The same visitor keeps its token.
    const again = await c.get("/connexion");
    assert.equal(csrfOf(again.text), token);
    assert.equal(again.setCookies.length, 0, "no new cookie for a visitor who has one");

    const siret = newSiret();
    const email = uniqueEmail("connexion");
    const identity = { email, name: "Hélène Connexion", siret };
    const noToken = await c.post("/connexion", { form: identity });
    assert.equal(noToken.status, 403);
    assert.match(noToken.text, /jeton de sécurité/);
    const wrongToken = await c.post("/connexion", { form: { ...identity, _csrf: "0".repeat(token.length) } });
    assert.equal(wrongToken.status, 403);
    const otherSession = await new Client(server.url).post("/connexion", { form: { ...identity, _csrf: token } });
    assert.equal(otherSession.status, 403, "a token without its cookie is refused");
    const forgedCookie = await new Client(server.url).post("/connexion", {
      form: { ...identity, _csrf: loginCookie },
      headers: { cookie: `formd_login=${loginCookie}` },
    });
    assert.equal(forgedCookie.status, 403, "the cookie itself is not a valid token");
    const json = await c.post("/connexion", { json: { ...identity, _csrf: token } });
    assert.equal(json.status, 415);
    const badSiret = await c.post("/connexion", { form: { ...identity, siret: "12345678901234", _csrf: token } });
    assert.equal(badSiret.status, 422);
    assert.match(badSiret.text, /Le SIRET doit comporter 14 chiffres valides/);
    assert.equal((await c.get("/api/v1/session")).status, 401, "still anonymous");

    const ok = await c.post("/connexion", { form: { ...identity, _csrf: token, suite: "/demandes" } });
    assert.equal(ok.status, 303, ok.text);
    assert.equal(ok.headers.get("location"), "/demandes");
    const newCookie = c.cookies.get("formd_session");
    assert.match(newCookie, /^[0-9a-f]{64}$/);
    const me = await c.get("/api/v1/session");
    assert.equal(me.status, 200);
    assert.equal(me.json.user.organization_siret, siret);
    const mine = await c.get("/demandes");
    assert.equal(mine.status, 200);
    assert.match(mine.text, /Hélène Connexion/);
    // Signing in again from that browser ends the previous session.
    const relog = await c.post("/connexion", { form: { ...identity, _csrf: token, suite: "/demandes" } });
    assert.equal(relog.status, 303);
    assert.notEqual(c.cookies.get("formd_session"), newCookie, "a new session at each login");
    const stale = await new Client(server.url).get("/api/v1/session", { headers: { cookie: `formd_session=${newCookie}` } });
    assert.equal(stale.status, 401, "the previous session is gone");

    // Only local paths after login.
    for (const suite of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example",
                         "/%09/evil.example", "/\n/evil.example", "/nowhere/evil.example", "/demandes/../../evil.example"]) {
      const login = new Client(server.url);
      const p = await login.get("/connexion?suite=" + encodeURIComponent(suite));
      assert.ok(!p.text.includes("evil.example"), `suite ${suite} echoed`);
      const res = await login.post("/connexion", { form: { ...identity, _csrf: csrfOf(p.text), suite } });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/demandes", `suite ${suite}`);
    }

    // Logout: CSRF-protected, clears the session.
    const noCsrfLogout = await c.post("/deconnexion", { form: {} });
    assert.equal(noCsrfLogout.status, 403);
    const current = c.cookies.get("formd_session");
    const stillMe = await c.get("/api/v1/session");
    assert.notEqual(stillMe.json.csrf_token, me.json.csrf_token, "each session has its own CSRF token");
    const oldToken = await c.post("/deconnexion", { form: { _csrf: me.json.csrf_token } });
    assert.equal(oldToken.status, 403, "the previous session's CSRF token is refused");
    const logout = await c.post("/deconnexion", { form: { _csrf: stillMe.json.csrf_token } });
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get("location"), "/");
    const gone = await new Client(server.url).get("/api/v1/session", { headers: { cookie: `formd_session=${current}` } });
    assert.equal(gone.status, 401, "the session is deleted on the server");
  });

  it("pages that need a login redirect to /connexion", async () => {
    const c = new Client(server.url);
    for (const [p, loc] of [
      ["/demandes", /^\/connexion\?suite=%2Fdemandes$/],
      ["/demandes/1", /^\/connexion\?suite=/],
      ["/demandes/1/etapes/basic_infos", /^\/connexion\?suite=/],
      ["/demandes/1/resume", /^\/connexion\?suite=/],
      [`/formulaires/${PSC}/demande/nouveau?intitule=x`, /^\/connexion\?suite=%2Fformulaires%2Fapi-pro-sante-connect%2Fdemande%2Fnouveau/],
    ]) {
      const res = await c.get(p);
      assert.equal(res.status, 303, p);
      assert.match(res.headers.get("location"), loc, p);
    }
    // The login page keeps the local `suite`.
    const login = await c.get("/connexion?suite=%2Fdemandes%2F1%2Fresume");
    assert.match(login.text, /name="suite" value="\/demandes\/1\/resume"/);
  });

  // The hidden inputs of a page's form, in order.
  it("starting a request: query-string prefill, never the contacts", async () => {
    const c = await htmlUser();
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau?intitule=Mon%20projet&contact_technique_email=x@y.fr&champ_inconnu=1`);
    assert.equal(start.status, 200);
    assert.match(start.text, /<input type="hidden" name="prefill\.intitule" value="Mon projet">/);
    assert.ok(!start.text.includes("prefill.contact_technique_email"), "contacts are never prefillable");
    assert.ok(!start.text.includes("x@y.fr"));
    assert.ok(!start.text.includes("prefill.champ_inconnu"));
    assert.match(start.text, /action="\/formulaires\/api-pro-sante-connect\/demande"/);
    const token = csrfOf(start.text);

    // What the browser posts: the page's hidden inputs.
    const created = await c.post(`/formulaires/${PSC}/demande`, { form: hiddenInputs(start.text, `/formulaires/${PSC}/demande`) });
    assert.equal(created.status, 303, created.text);
    const m = /^\/demandes\/(\d+)\/etapes\/basic_infos$/.exec(created.headers.get("location"));
    assert.ok(m, "Location: " + created.headers.get("location"));
    const r = await getRequest(c, m[1]);
    assert.equal(r.state, "draft");
    assert.equal(r.version, 1);
    assert.equal(r.data.intitule, "Mon projet");
    assert.ok(!("contact_technique_email" in r.data));
    assert.equal(r.data.cadre_juridique_nature, "Arrêté du 24 mars 2021", "initialize_with applies too");
    const step = await c.get(created.headers.get("location"));
    assert.equal(step.status, 200);
    assert.match(step.text, /id="intitule" name="intitule"[^>]* value="Mon projet"/);

    const noCsrf = await c.post(`/formulaires/${PSC}/demande`, { form: { "prefill.intitule": "x" } });
    assert.equal(noCsrf.status, 403);
    const unknown = await c.get("/formulaires/inconnu/demande/nouveau");
    assert.equal(unknown.status, 404);
    const unknownPost = await c.post("/formulaires/inconnu/demande", { form: { _csrf: token } });
    assert.equal(unknownPost.status, 404);
    const list = await c.get("/api/v1/requests");
    assert.equal(list.json.requests.length, 1, "only the one request was created");
  });

  it("starting a request: one refused prefill value does not drop the others", async () => {
    const c = await htmlUser();
    // A forged contact prefill: the server filters it, and keeps the rest.
    const forged = await c.post(`/formulaires/${PSC}/demande`, {
      form: [["_csrf", c.csrf], ["prefill.intitule", "Mon projet"], ["prefill.contact_technique_email", "x@y.fr"]],
    });
    assert.equal(forged.status, 303, forged.text);
    const r = await getRequest(c, /\/demandes\/(\d+)\//.exec(forged.headers.get("location"))[1]);
    assert.ok(!("contact_technique_email" in r.data), "a contact was prefilled");

    // Without forging: a parameter given twice in the link.
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau?intitule=A&intitule=B&description=Ma%20description`);
    assert.equal(start.status, 200);
    const created = await c.post(`/formulaires/${PSC}/demande`, { form: hiddenInputs(start.text, `/formulaires/${PSC}/demande`) });
    assert.equal(created.status, 303);
    const twice = await getRequest(c, /\/demandes\/(\d+)\//.exec(created.headers.get("location"))[1]);

    // DataPass skips the attributes it cannot set, one by one.
    assert.deepEqual(
      { forgedContact: r.data.intitule, repeatedParameter: twice.data.description },
      { forgedContact: "Mon projet", repeatedParameter: "Ma description" },
      "one refused prefill value drops every other prefill value",
    );
  });

  it("starting a request: prefill values a field cannot hold are not stored", async () => {
    const c = await htmlUser();
    const validateDraft = async (data) => {
      const res = await c.post(`/api/v1/forms/${PSC}/validate?context=draft`, { json: data });
      return res.json;
    };
    // Values the field cannot hold (unknown scope, text in an integer field):
    // the page offers them as hidden inputs, the creation must not store them.
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau?intitule=Mon%20projet&scopes[]=pirate&duree_conservation_donnees_caractere_personnel=abc`);
    assert.equal(start.status, 200);
    const created = await c.post(`/formulaires/${PSC}/demande`, { form: hiddenInputs(start.text, `/formulaires/${PSC}/demande`) });
    assert.equal(created.status, 303, created.text);
    const r = await getRequest(c, /\/demandes\/(\d+)\//.exec(created.headers.get("location"))[1]);
    const check = await validateDraft(r.data);
    assert.deepEqual(check.errors, [], "the new draft does not pass the draft validator: " + JSON.stringify(r.data));
    assert.equal(r.data.intitule, "Mon projet");
    // Such a draft could not be saved through the API afterwards.
    const patch = await c.api("PATCH", `/api/v1/requests/${r.id}`, { version: r.version, data: { description: "x" } });
    assert.equal(patch.status, 200, patch.text);
  });

  it("wizard: 422 with errors at the fields, 303 to the next step, 400, 409, 403, summary, submission", async () => {
    const c = await htmlUser({ name: "Gaston Wizard" });
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau`);
    const created = await c.post(`/formulaires/${PSC}/demande`, { form: { _csrf: csrfOf(start.text) } });
    assert.equal(created.status, 303);
    const id = /\/demandes\/(\d+)\//.exec(created.headers.get("location"))[1];
    const stepUrl = (s) => `/demandes/${id}/etapes/${s}`;

    // A draft request goes to its first step.
    const show = await c.get(`/demandes/${id}`);
    assert.equal(show.status, 303);
    assert.equal(show.headers.get("location"), stepUrl("basic_infos"));

    let page = await c.get(stepUrl("basic_infos"));
    assert.equal(page.status, 200);
    assert.match(page.text, /id="intitule" name="intitule"/);
    const token = csrfOf(page.text);
    assert.equal(token, c.csrf);
    assert.equal(versionOf(page.text), "1");

    // Invalid: the error at the field and in the summary.
    const invalid = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "1", intitule: "  ", description: "Décrite" } });
    assert.equal(invalid.status, 422, invalid.text.slice(0, 500));
    assert.match(invalid.text, /fr-input-group--error" data-formc-field="intitule"/);
    const messages = /id="intitule-messages"[^>]*>(.*?)<\/div>/s.exec(invalid.text);
    assert.ok(messages, "intitule-messages");
    assert.match(messages[1], /fr-message--error/);
    assert.match(messages[1], /« Nom du projet » doit être rempli\(e\)\./);
    assert.match(invalid.text, /<a href="#intitule">[^<]*doit être rempli/);
    assert.match(invalid.text, /role="alert"/);
    assert.match(invalid.text, />Décrite<\/textarea>/, "posted values are shown again");
    // The draft was saved (version 2), without the blank value.
    let r = await getRequest(c, id);
    assert.equal(r.version, 2);
    assert.equal(r.data.description, "Décrite");
    assert.ok(!("intitule" in r.data));
    assert.equal(versionOf(invalid.text), "2");

    // Unknown field, duplicated field: 400, nothing stored.
    const unknown = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "2", intitule: "A", description: "B", pirate: "x" } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /pirate/);
    const twice = await c.post(stepUrl("basic_infos"), { form: [["_csrf", token], ["_version", "2"], ["intitule", "A"], ["intitule", "B"]] });
    assert.equal(twice.status, 400);
    const otherPage = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "2", contact_technique_email: "a@b.fr" } });
    assert.equal(otherPage.status, 400, "a field of another step");
    const noVersion = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, intitule: "A" } });
    assert.equal(noVersion.status, 400);
    // Missing or wrong CSRF: 403.
    const noCsrf = await c.post(stepUrl("basic_infos"), { form: { _version: "2", intitule: "A", description: "B" } });
    assert.equal(noCsrf.status, 403);
    const badCsrf = await c.post(stepUrl("basic_infos"), { form: { _csrf: "f".repeat(64), _version: "2", intitule: "A", description: "B" } });
    assert.equal(badCsrf.status, 403);
    const wrongType = await c.post(stepUrl("basic_infos"), { body: JSON.stringify({ _csrf: token }), headers: { "content-type": "application/json" } });
    assert.equal(wrongType.status, 415);
    r = await getRequest(c, id);
    assert.equal(r.version, 2, "nothing stored by the refused posts");
    assert.ok(!("intitule" in r.data));

    // Stale version: 409, nothing stored.
    const stale = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "1", intitule: "Périmé", description: "B" } });
    assert.equal(stale.status, 409);
    assert.match(stale.text, /modifiée entre-temps/);
    r = await getRequest(c, id);
    assert.equal(r.version, 2);
    assert.ok(!("intitule" in r.data));

    // "Enregistrer le brouillon" on an invalid page: saved, errors shown.
    const draftOnly = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "2", intitule: "", description: "B", _action: "draft" } });
    assert.equal(draftOnly.status, 422);
    assert.match(draftOnly.text, /Brouillon enregistré/);
    const draftValid = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: "3", intitule: "Projet", description: "B", _action: "draft" } });
    assert.equal(draftValid.status, 200);
    assert.match(draftValid.text, /Brouillon enregistré/);

    // Valid steps: 303 to the next one, then to the summary.
    const doc = validDocument();
    const steps = [
      ["basic_infos", { intitule: doc.intitule, description: doc.description }, "legal"],
      ["legal", { cadre_juridique_nature: doc.cadre_juridique_nature, cadre_juridique_url: doc.cadre_juridique_url }, "personal_data"],
      ["personal_data", { destinataire_donnees_caractere_personnel: "Médecins", duree_conservation_donnees_caractere_personnel: " 48 " }, "scopes"],
      ["scopes", [["scopes[]", "idnat"], ["scopes[]", "donnees_sectorielles"]], "contacts"],
    ];
    for (const [step, fields, next] of steps) {
      page = await c.get(stepUrl(step));
      assert.equal(page.status, 200, step);
      const pairs = [["_csrf", csrfOf(page.text)], ["_version", versionOf(page.text)], ...(Array.isArray(fields) ? fields : Object.entries(fields))];
      const res = await c.post(stepUrl(step), { form: pairs });
      if (step === "personal_data") {
        // 48 months need a justification (required_if duree > 36).
        assert.equal(res.status, 422, step);
        assert.match(res.text, /fr-input-group--error" data-formc-field="duree_conservation_donnees_caractere_personnel_justification"/);
        const retry = await c.post(stepUrl(step), {
          form: { _csrf: csrfOf(res.text), _version: versionOf(res.text), destinataire_donnees_caractere_personnel: "Médecins", duree_conservation_donnees_caractere_personnel: "48", duree_conservation_donnees_caractere_personnel_justification: "Archivage légal" },
        });
        assert.equal(retry.status, 303, retry.text.slice(0, 300));
        assert.equal(retry.headers.get("location"), stepUrl(next));
        continue;
      }
      assert.equal(res.status, 303, `${step}: ${res.text.slice(0, 300)}`);
      assert.equal(res.headers.get("location"), stepUrl(next), step);
    }
    r = await getRequest(c, id);
    assert.equal(r.data.duree_conservation_donnees_caractere_personnel, 48, "integer fields are stored as numbers");
    assert.deepEqual(r.data.scopes, ["idnat", "donnees_sectorielles"]);

    // An integer field that is not a number: 422 at the field.
    page = await c.get(stepUrl("personal_data"));
    const notNumber = await c.post(stepUrl("personal_data"), {
      form: { _csrf: token, _version: versionOf(page.text), destinataire_donnees_caractere_personnel: "Médecins", duree_conservation_donnees_caractere_personnel: "douze" },
    });
    assert.equal(notNumber.status, 422);
    assert.match(notNumber.text, /fr-input-group--error" data-formc-field="duree_conservation_donnees_caractere_personnel"/);
    const back = await c.post(stepUrl("personal_data"), {
      form: { _csrf: token, _version: versionOf(notNumber.text), destinataire_donnees_caractere_personnel: "Médecins", duree_conservation_donnees_caractere_personnel: "12" },
    });
    assert.equal(back.status, 303);

    // Contacts, with a bad email first.
    const contacts = {};
    for (const k of Object.keys(doc)) if (/^(responsable_traitement|delegue_protection_donnees|contact_technique)_/.test(k)) contacts[k] = doc[k];
    page = await c.get(stepUrl("contacts"));
    const badEmail = await c.post(stepUrl("contacts"), { form: { ...contacts, contact_technique_email: "pas@un@email", _csrf: token, _version: versionOf(page.text) } });
    assert.equal(badEmail.status, 422);
    const emailMessages = /id="contact_technique_email-messages"[^>]*>(.*?)<\/div>/s.exec(badEmail.text);
    assert.ok(emailMessages);
    assert.match(unescapeHtml(emailMessages[1]), /n'est pas une adresse email valide/);
    assert.match(badEmail.text, /href="#contact_technique_email"/);
    const goodContacts = await c.post(stepUrl("contacts"), { form: { ...contacts, _csrf: token, _version: versionOf(badEmail.text) } });
    assert.equal(goodContacts.status, 303, goodContacts.text.slice(0, 300));
    assert.equal(goodContacts.headers.get("location"), `/demandes/${id}/resume`);

    // Unknown step: 404.
    assert.equal((await c.get(stepUrl("inexistante"))).status, 404);

    // Summary, then submission.
    const summary = await c.get(`/demandes/${id}/resume`);
    assert.equal(summary.status, 200);
    assert.match(summary.text, /Téléconsultation de l’hôpital/);
    assert.match(summary.text, /action="\/demandes\/\d+\/soumettre"/);
    assert.match(summary.text, /name="terms_of_service_accepted"/);
    const version = versionOf(summary.text);
    const unchecked = await c.post(`/demandes/${id}/soumettre`, { form: { _csrf: token, _version: version } });
    assert.equal(unchecked.status, 422);
    assert.match(unescapeHtml(unchecked.text), /Vous devez accepter les conditions générales d'utilisation/);
    assert.equal((await getRequest(c, id)).state, "draft");
    const noCsrfSubmit = await c.post(`/demandes/${id}/soumettre`, { form: { _version: version, terms_of_service_accepted: "1", data_protection_officer_informed: "1" } });
    assert.equal(noCsrfSubmit.status, 403);
    const staleSubmit = await c.post(`/demandes/${id}/soumettre`, { form: { _csrf: token, _version: "1", terms_of_service_accepted: "1", data_protection_officer_informed: "1" } });
    assert.equal(staleSubmit.status, 409);
    assert.equal((await getRequest(c, id)).state, "draft");

    const submitted = await c.post(`/demandes/${id}/soumettre`, {
      form: { _csrf: token, _version: version, terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    });
    assert.equal(submitted.status, 303, submitted.text.slice(0, 300));
    assert.equal(submitted.headers.get("location"), `/demandes/${id}?envoyee=1`);
    r = await getRequest(c, id);
    assert.equal(r.state, "submitted");
    assert.equal(r.data.terms_of_service_accepted, true);
    assert.equal(r.data.data_protection_officer_informed, true);

    const done = await c.get(`/demandes/${id}?envoyee=1`);
    assert.equal(done.status, 200);
    assert.match(done.text, /Votre demande a été soumise/);
    assert.match(done.text, /En cours d(&#39;|')instruction/);
    const mine = await c.get("/demandes");
    const row = new RegExp(`data-formd-request="${id}">(.*?)</a>`, "s").exec(mine.text);
    assert.ok(row, "the request is listed");
    assert.match(row[1], /En cours d(&#39;|&apos;|')instruction/);
    assert.match(row[1], /Consulter/);
    assert.match(mine.text, /Demandes en cours d’instruction/);

    // Frozen: steps and summary redirect to the request, posts are refused.
    const stepAfter = await c.get(stepUrl("basic_infos"));
    assert.equal(stepAfter.status, 303);
    assert.equal(stepAfter.headers.get("location"), `/demandes/${id}`);
    assert.equal((await c.get(`/demandes/${id}/resume`)).status, 303);
    const postAfter = await c.post(stepUrl("basic_infos"), { form: { _csrf: token, _version: String(r.version), intitule: "Après", description: "x" } });
    assert.equal(postAfter.status, 409);
    const submitAgain = await c.post(`/demandes/${id}/soumettre`, { form: { _csrf: token, _version: String(r.version), terms_of_service_accepted: "1", data_protection_officer_informed: "1" } });
    assert.equal(submitAgain.status, 409);
    assert.equal((await getRequest(c, id)).data.intitule, doc.intitule);
  });

  it("wizard: long texts up to the 20000-byte value limit are accepted, longer ones refused with 400", async () => {
    const c = await htmlUser();
    const r = await createRequest(c);
    const url = `/demandes/${r.id}/etapes/basic_infos`;
    const post = async (fields) => {
      const page = await c.get(url);
      return c.post(url, { form: { _csrf: csrfOf(page.text), _version: versionOf(page.text), ...fields } });
    };
    // French prose: 3000 accented letters are 6000 bytes of UTF-8, 18000 bytes once url-encoded.
    const accents = "é".repeat(3000);
    const res1 = await post({ intitule: "Projet", description: accents });
    assert.equal(res1.status, 303, `a 6000-byte description (18 KB posted): ${res1.status}`);
    assert.equal((await getRequest(c, r.id)).data.description, accents);
    const atLimit = "x".repeat(20000);
    const res2 = await post({ intitule: "Projet", description: atLimit });
    assert.equal(res2.status, 303, `a 20000-byte description: ${res2.status}`);
    assert.equal((await getRequest(c, r.id)).data.description, atLimit);
    const tooLong = await post({ intitule: "Projet", description: atLimit + "x" });
    assert.equal(tooLong.status, 400, `a 20001-byte description: ${tooLong.status}`);
    assert.equal((await getRequest(c, r.id)).data.description, atLimit);
  });

  it("wizard of the établissement form: its own steps, the editor's contact prefilled, submission", async () => {
    const c = await htmlUser();
    const start = await c.get(`/formulaires/${PSC_ETAB}/demande/nouveau`);
    assert.equal(start.status, 200);
    const created = await c.post(`/formulaires/${PSC_ETAB}/demande`, { form: hiddenInputs(start.text, `/formulaires/${PSC_ETAB}/demande`) });
    assert.equal(created.status, 303);
    const id = /\/demandes\/(\d+)\//.exec(created.headers.get("location"))[1];
    // Static blocks are not steps.
    assert.equal((await c.get(`/demandes/${id}/etapes/scopes`)).status, 404);
    assert.equal((await c.get(`/demandes/${id}/etapes/legal`)).status, 404);
    const contactsPage = await c.get(`/demandes/${id}/etapes/contacts`);
    assert.equal(contactsPage.status, 200);
    assert.match(contactsPage.text, /id="contact_technique_email"[^>]*value="raccordement-psc@demo-sante-logiciels\.example"/);
    const doc = validDocument();
    const contacts = Object.fromEntries(Object.entries(doc).filter(([k]) => /^(responsable_traitement|delegue_protection_donnees)_/.test(k)));
    const steps = [
      ["basic_infos", { intitule: doc.intitule, description: doc.description }, "personal_data"],
      ["personal_data", { destinataire_donnees_caractere_personnel: "Médecins", duree_conservation_donnees_caractere_personnel: "6" }, "contacts"],
      ["contacts", { ...contacts, contact_technique_type: "organization", contact_technique_email: "raccordement-psc@demo-sante-logiciels.example", contact_technique_phone_number: "0199001234" }, "resume"],
    ];
    for (const [step, fields, next] of steps) {
      const page = await c.get(`/demandes/${id}/etapes/${step}`);
      const res = await c.post(`/demandes/${id}/etapes/${step}`, { form: { _csrf: csrfOf(page.text), _version: versionOf(page.text), ...fields } });
      assert.equal(res.status, 303, `${step}: ${res.text.slice(0, 300)}`);
      assert.equal(res.headers.get("location"), next === "resume" ? `/demandes/${id}/resume` : `/demandes/${id}/etapes/${next}`);
    }
    const summary = await c.get(`/demandes/${id}/resume`);
    const done = await c.post(`/demandes/${id}/soumettre`, {
      form: { _csrf: csrfOf(summary.text), _version: versionOf(summary.text), terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    const r = await getRequest(c, id);
    assert.equal(r.state, "submitted");
    assert.deepEqual([...r.data.scopes].sort(), ["donnees_sectorielles", "idnat"]);
  });

  // 5. Escaping ---------------------------------------------------------------------

  // PAYLOADS and assertEscaped are client.js's, shared with the instruction pages' tests.
  // Every free-text field of the PSC form, by step (typed fields — email,
  // phone, url, radio, integer — are refused by the draft validator).
  const TEXT_FIELDS = {
    basic_infos: ["intitule", "description"],
    legal: ["cadre_juridique_nature"],
    personal_data: ["destinataire_donnees_caractere_personnel", "duree_conservation_donnees_caractere_personnel_justification"],
    contacts: ["responsable_traitement_family_name", "responsable_traitement_given_name", "responsable_traitement_job_title",
      "delegue_protection_donnees_family_name", "delegue_protection_donnees_given_name", "delegue_protection_donnees_job_title",
      "contact_technique_family_name", "contact_technique_given_name", "contact_technique_job_title"],
  };
  const hostile = (field) => `[${field}] ` + PAYLOADS.join(" ");

  function fullHostileDocument() {
    const doc = validDocument();
    for (const fields of Object.values(TEXT_FIELDS)) for (const f of fields) doc[f] = hostile(f);
    doc.duree_conservation_donnees_caractere_personnel = 48; // so the justification is shown
    return doc;
  }

  async function checkRequestPages(c, id, formSteps) {
    for (const step of formSteps) {
      const page = await c.get(`/demandes/${id}/etapes/${step}`);
      assert.equal(page.status, 200, step);
      assertEscaped(page.text, `step ${step}`, { expectPayload: step !== "scopes" });
      for (const f of TEXT_FIELDS[step] || []) {
        assert.ok(page.text.includes(`[${f}] &lt;script&gt;`), `step ${step}: ${f} not shown escaped`);
      }
    }
    const summary = await c.get(`/demandes/${id}/resume`);
    assert.equal(summary.status, 200);
    assertEscaped(summary.text, "summary");
    for (const fields of Object.values(TEXT_FIELDS)) {
      for (const f of fields) assert.ok(summary.text.includes(`[${f}] &lt;script&gt;`), `summary: ${f} not shown escaped`);
    }
  }

  it("XSS: hostile text posted through the wizard is escaped on every page", async () => {
    const hostileName = "<b>x</b>";
    const c = await htmlUser({ name: hostileName });
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau`);
    assert.ok(start.text.includes("&lt;b&gt;x&lt;/b&gt;"), "the user name is escaped in the header");
    assert.ok(!start.text.includes("<b>x</b>"));
    const created = await c.post(`/formulaires/${PSC}/demande`, { form: { _csrf: csrfOf(start.text) } });
    const id = /\/demandes\/(\d+)\//.exec(created.headers.get("location"))[1];
    const doc = fullHostileDocument();
    const stepFields = {
      basic_infos: { intitule: doc.intitule, description: doc.description },
      legal: { cadre_juridique_nature: doc.cadre_juridique_nature, cadre_juridique_url: doc.cadre_juridique_url },
      personal_data: {
        destinataire_donnees_caractere_personnel: doc.destinataire_donnees_caractere_personnel,
        duree_conservation_donnees_caractere_personnel: "48",
        duree_conservation_donnees_caractere_personnel_justification: doc.duree_conservation_donnees_caractere_personnel_justification,
      },
      scopes: [["scopes[]", "idnat"]],
      contacts: Object.fromEntries(Object.entries(doc).filter(([k]) => /^(responsable_traitement|delegue_protection_donnees|contact_technique)_/.test(k))),
    };
    for (const [step, fields] of Object.entries(stepFields)) {
      const page = await c.get(`/demandes/${id}/etapes/${step}`);
      const pairs = [["_csrf", csrfOf(page.text)], ["_version", versionOf(page.text)], ...(Array.isArray(fields) ? fields : Object.entries(fields))];
      const res = await c.post(`/demandes/${id}/etapes/${step}`, { form: pairs });
      assert.equal(res.status, 303, `${step}: ${res.text.slice(0, 400)}`);
    }
    // Stored as posted (escaping is the pages' job, not the storage's).
    const stored = await getRequest(c, id);
    for (const fields of Object.values(TEXT_FIELDS)) for (const f of fields) assert.equal(stored.data[f], hostile(f), f);

    await checkRequestPages(c, id, ["basic_infos", "legal", "personal_data", "scopes", "contacts"]);

    // The 422 page re-renders posted values: escaped too.
    const page = await c.get(`/demandes/${id}/etapes/basic_infos`);
    const invalid = await c.post(`/demandes/${id}/etapes/basic_infos`, {
      form: { _csrf: c.csrf, _version: versionOf(page.text), intitule: hostile("intitule"), description: "   " },
    });
    assert.equal(invalid.status, 422);
    assertEscaped(invalid.text, "422 page");
    const fix = await c.post(`/demandes/${id}/etapes/basic_infos`, {
      form: { _csrf: c.csrf, _version: versionOf(invalid.text), intitule: hostile("intitule"), description: hostile("description") },
    });
    assert.equal(fix.status, 303);

    // Submitted: the read-only view and "mes demandes".
    const summary = await c.get(`/demandes/${id}/resume`);
    const submitted = await c.post(`/demandes/${id}/soumettre`, {
      form: { _csrf: c.csrf, _version: versionOf(summary.text), terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    });
    assert.equal(submitted.status, 303, submitted.text.slice(0, 400));
    const view = await c.get(`/demandes/${id}`);
    assert.equal(view.status, 200);
    assertEscaped(view.text, "submitted request");
    for (const fields of Object.values(TEXT_FIELDS)) {
      for (const f of fields) assert.ok(view.text.includes(`[${f}] &lt;script&gt;`), `submitted view: ${f}`);
    }
    const mine = await c.get("/demandes");
    assertEscaped(mine.text, "/demandes", { expectPayload: false });
    assert.ok(mine.text.includes("&lt;b&gt;x&lt;/b&gt;"));
    assert.ok(!mine.text.includes("<b>x</b>"));
  });

  it("XSS: hostile text stored through the API is escaped; names of colleagues too", async () => {
    const owner = await apiUser({ name: '"><img src=x onerror=alert(1)><script>alert(1)</script>' });
    const r = await createRequest(owner, PSC, fullHostileDocument());
    const colleague = await apiUser({ siret: owner.siret, name: "Collègue" });
    await checkRequestPages(owner, r.id, ["basic_infos", "legal", "personal_data", "scopes", "contacts"]);
    const mine = await colleague.get("/demandes");
    assert.equal(mine.status, 200);
    assertEscaped(mine.text, "/demandes with a hostile colleague name", { expectPayload: false });
    assert.ok(mine.text.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the owner's name, escaped");
    // The owner's own pages show their hostile name in the header, escaped.
    const ownerPage = await owner.get("/demandes");
    assertEscaped(ownerPage.text, "header with a hostile user name", { expectPayload: false });
    assert.ok(ownerPage.text.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "the user's name, escaped in the header");

    // Through the API and submitted: the read-only page.
    const submitted = await owner.api("POST", `/api/v1/requests/${r.id}/submit`, { version: 1 });
    assert.equal(submitted.status, 200, submitted.text);
    const view = await colleague.get(`/demandes/${r.id}`);
    assert.equal(view.status, 200);
    assertEscaped(view.text, "submitted request (API)");
  });

  it("XSS: query strings and paths are never echoed raw", async () => {
    const c = await apiUser();
    const evil = encodeURIComponent(PAYLOADS.join(" "));
    const start = await c.get(`/formulaires/${PSC}/demande/nouveau?intitule=${evil}&description=${evil}`);
    assert.equal(start.status, 200);
    assertEscaped(start.text, "start page prefill");
    const login = await new Client(server.url).get(`/connexion?suite=%2F${evil}`);
    assert.equal(login.status, 200);
    assertEscaped(login.text, "login suite", { expectPayload: false });
    const eligibility = await c.get(`/definitions/api_pro_sante_connect?type=${evil}`);
    assert.equal(eligibility.status, 200);
    assertEscaped(eligibility.text, "eligibility answers", { expectPayload: false });
    for (const p of [`/demandes/${evil}`, `/${evil}`, `/definitions/${evil}`, `/preview/${evil}`, `/api/v1/forms/${evil}/schema`]) {
      const res = await c.get(p);
      assert.ok(res.status >= 400 && res.status < 500, `${p}: ${res.status}`);
      assertEscaped(res.text, p, { expectPayload: false });
    }
  });

  // 6. Security headers, static files ---------------------------------------------

  function assertSecurityHeaders(res, where) {
    const csp = res.headers.get("content-security-policy");
    assert.ok(csp, `${where}: no Content-Security-Policy`);
    assert.ok(!csp.includes("unsafe-inline"), `${where}: CSP allows unsafe-inline`);
    assert.ok(!csp.includes("unsafe-eval"), `${where}: CSP allows unsafe-eval`);
    assert.match(csp, /frame-ancestors 'none'/, where);
    assert.match(csp, /script-src 'self'/, where);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", where);
  }

  it("security headers on HTML, JSON, static, redirects and errors", async () => {
    const c = await apiUser();
    const samples = [
      ["GET", "/"],
      ["GET", "/connexion"],
      ["GET", "/definitions/api_pro_sante_connect"],
      ["GET", `/preview/${PSC}`],
      ["GET", "/demandes"],
      ["GET", "/healthz"],
      ["GET", "/api/v1/forms"],
      ["GET", `/api/v1/forms/${PSC}/schema`],
      ["GET", "/static/dsfr/dsfr.min.css"],
      ["GET", "/static/formc/static/formc-forms.js"],
      ["GET", "/static/formd/formd.css"],
      ["GET", "/page-inexistante"],
      ["GET", "/api/v1/inexistant"],
      ["GET", "/static/dsfr/inexistant.css"],
      ["POST", "/connexion"],
      ["DELETE", "/demandes"],
    ];
    for (const [method, p] of samples) {
      const res = await c.request(method, p);
      assert.ok(res.status < 500, `${method} ${p}: ${res.status}`);
      assertSecurityHeaders(res, `${method} ${p}`);
    }
    const html = await c.get("/");
    assert.equal(html.headers.get("x-frame-options"), "DENY");
    assert.match(html.headers.get("content-type"), /^text\/html; charset=utf-8/);
    assert.equal(html.headers.get("cache-control"), "no-store");
    const redirect = await new Client(server.url).get("/demandes");
    assert.equal(redirect.status, 303);
    assertSecurityHeaders(redirect, "303");
    const notFound = await c.get("/page-inexistante");
    assert.equal(notFound.status, 404);
    assert.match(notFound.text, /Page introuvable|n’existe pas/);
    assert.match(notFound.headers.get("content-type"), /^text\/html/);
    const apiNotFound = await c.get("/api/v1/inexistant");
    assert.equal(apiNotFound.status, 404);
    assert.equal(apiNotFound.json.error.status, 404);
    // Pages never use inline scripts or styles (the CSP would block them).
    for (const p of ["/", `/preview/${PSC}`, "/definitions/api_pro_sante_connect", "/connexion"]) {
      const res = await c.get(p);
      assert.ok(!/<script(?![^>]*\bsrc=)/.test(res.text), `${p}: inline <script>`);
      assert.ok(!/\sstyle="/.test(res.text), `${p}: inline style attribute`);
      assert.ok(!/\son[a-z]+="/.test(res.text), `${p}: inline event handler`);
    }
  });

  it("static files: DSFR CSS, formc scripts, formd.css", async () => {
    const c = new Client(server.url);
    const css = await c.get("/static/dsfr/dsfr.min.css");
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type"), /^text\/css/);
    assert.ok(css.text.length > 10000);
    const js = await c.get("/static/formc/static/formc-forms.js");
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type"), /javascript/);
    assert.ok(js.text.length > 100);
    const expr = await c.get("/static/formc/static/formc-expr.js");
    assert.equal(expr.status, 200);
    const conditions = await c.get(`/static/formc/html/forms/${PSC}/conditions.js`);
    assert.equal(conditions.status, 200);
    assert.match(conditions.headers.get("content-type"), /javascript/);
    const formd = await c.get("/static/formd/formd.css");
    assert.equal(formd.status, 200);
    assert.match(formd.headers.get("content-type"), /^text\/css/);
    // Only the scripts of formc's output: no schemas, no C++, no HTML templates.
    for (const p of [`/static/formc/schemas/${PSC}.schema.json`, "/static/formc/manifest.json", "/static/formc/static/inexistant.js", "/static/formd/autre.css"]) {
      const res = await c.get(p);
      assert.equal(res.status, 404, p);
    }
  });

  it("static files: path traversal never escapes the asset directories", async () => {
    const attempts = [
      "/static/dsfr/../../package.json",
      "/static/dsfr/../package.json",
      "/static/dsfr/../../../../../../etc/passwd",
      "/static/dsfr/%2e%2e/%2e%2e/package.json",
      "/static/dsfr/%2e%2e%2f%2e%2e%2fpackage.json",
      "/static/dsfr/..%2f..%2fpackage.json",
      "/static/dsfr/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/static/dsfr/%252e%252e/%252e%252e/package.json",
      "/static/dsfr/..\\..\\package.json",
      "/static/dsfr/....//....//package.json",
      "/static/formc/../x",
      "/static/formc/../../../etc/passwd",
      "/static/formc/static/../../../../etc/passwd",
      "/static/formc/%2e%2e/%2e%2e/package.json",
      "/static/formc/..%2f..%2fmanifest.json",
      "/static/formd/../../etc/passwd",
      "/static/formd/..%2f..%2fetc%2fpasswd",
      "/static/%2e%2e/%2e%2e/package.json",
      "/static/dsfr/%00../../package.json",
    ];
    for (const p of attempts) {
      const res = await rawGet(p);
      assert.ok(res.status >= 400 && res.status < 500, `${p}: status ${res.status}`);
      assert.ok(!/"name"\s*:\s*"|"version"\s*:\s*"|"dependencies"|root:x:0:0|"scripts"\s*:/.test(res.text), `${p}: file contents leaked`);
    }
  });

  // 7. Robustness -------------------------------------------------------------------

  it("hostile and malformed requests never get a 5xx", async () => {
    const c = await apiUser();
    const r = await createRequest(c);
    const cookie = cookieHeaderOf(c);
    const h = `Cookie: ${cookie}\r\nX-CSRF-Token: ${c.csrf}\r\n`;
    const form = "application/x-www-form-urlencoded";
    const cases = [
      () => rawGet("/demandes/abc", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/-1", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/0", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/999999999999999999", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/9999999999999999999999999999", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/999999999999999999/etapes/basic_infos", `Cookie: ${cookie}\r\n`),
      () => rawGet("/demandes/999999999999999999/resume", `Cookie: ${cookie}\r\n`),
      () => rawGet(`/demandes/${r.id}/etapes/`, `Cookie: ${cookie}\r\n`),
      () => rawGet(`/demandes/${r.id}/etapes/BASIC`, `Cookie: ${cookie}\r\n`),
      () => rawGet(`/demandes/${r.id}/etapes/${"a".repeat(5000)}`, `Cookie: ${cookie}\r\n`),
      () => rawGet("/api/v1/requests/999999999999999999", `Cookie: ${cookie}\r\n`),
      () => rawGet("/api/v1/requests/99999999999999999999", `Cookie: ${cookie}\r\n`),
      () => rawGet("/api/v1/requests/abc", `Cookie: ${cookie}\r\n`),
      () => rawGet("/formulaires/" + "x".repeat(3000) + "/demande/nouveau", `Cookie: ${cookie}\r\n`),
      () => rawGet(`/formulaires/${PSC}/demande/nouveau?intitule=%FF%FE&scopes[]=%C0%AF&description=${"y".repeat(30000)}`, `Cookie: ${cookie}\r\n`),
      () => rawGet("/definitions/api_pro_sante_connect?type=%FF&" + "q=1&".repeat(500)),
      () => rawGet("/preview/inexistant"),
      () => rawGet("/?%%%=%%%"),
      () => rawGet("/connexion?suite=%0d%0aSet-Cookie:%20x=1"),
      () => rawGet("/", "Cookie: formd_session=" + "z".repeat(64) + "\r\n"),
      () => rawGet("/", "Cookie: formd_session=\r\n"),
      () => rawGet("/", "Cookie: ;;;=;formd_session;=\r\n"),
      () => rawGet("/", "Cookie: formd_session=" + "a".repeat(10000) + "\r\n"),
      () => rawGet("/api/v1/session", "Cookie: formd_session=' OR 1=1 --" + " ".repeat(48) + "\r\n"),
      // Invalid UTF-8 and odd encodings in form posts.
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=1&intitule=%FF%FE%80&description=%C3%28`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, Buffer.concat([Buffer.from(`_csrf=${c.csrf}&_version=1&intitule=`), Buffer.from([0xff, 0xfe, 0xc3])]), `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=1&%FF=1`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=99999999999999999999&intitule=a`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=-1&intitule=a`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=1&intitule=%&description=%zz&=&&&==`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, `_csrf=${c.csrf}&_version=1&intitule=${"a".repeat(20001)}`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/scopes`, form, `_csrf=${c.csrf}&_version=1&scopes[]=inexistant&scopes[]=%FF&scopes=idnat`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/personal_data`, form, `_csrf=${c.csrf}&_version=1&duree_conservation_donnees_caractere_personnel=99999999999999999999999`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/personal_data`, form, `_csrf=${c.csrf}&_version=1&duree_conservation_donnees_caractere_personnel=-5`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/contacts`, form, `_csrf=${c.csrf}&_version=1&contact_technique_type=robot`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/soumettre`, form, `_csrf=${c.csrf}&_version=1&terms_of_service_accepted=%FF`, `Cookie: ${cookie}\r\n`),
      () => rawPost(`/formulaires/${PSC}/demande`, form, `_csrf=${c.csrf}&prefill.intitule=%FF&prefill.scopes[]=x`, `Cookie: ${cookie}\r\n`),
      () => rawPost("/connexion", form, "_csrf=x&email=%FF@a.fr&name=%FF&siret=%FF"),
      // Missing bodies, missing or odd content types.
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, form, "", `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/etapes/basic_infos`, "", "", `Cookie: ${cookie}\r\n`),
      () => rawPost(`/demandes/${r.id}/soumettre`, form, "", `Cookie: ${cookie}\r\n`),
      () => rawPost("/connexion", form, ""),
      () => rawPost("/connexion", "multipart/form-data; boundary=x", "--x--"),
      () => rawPost("/deconnexion", form, ""),
      () => rawPost("/api/v1/session", "application/json", ""),
      () => rawPost("/api/v1/session", "application/json", "null"),
      () => rawPost("/api/v1/session", "application/json", '{"email":1,"name":[],"siret":{}}'),
      () => rawPost("/api/v1/session", "application/json", '{"email":"a@b.fr","name":"\\ud800","siret":"13002526500013"}'),
      () => rawPost("/api/v1/requests", "application/json", "", h),
      () => rawPost("/api/v1/requests", "application/json", "[]", h),
      () => rawPost("/api/v1/requests", "application/json", '{"form_uid":null,"data":null}', h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"intitule":"\\udfff"}}`, h),
      () => rawPost("/api/v1/requests", "application/json", Buffer.concat([Buffer.from(`{"form_uid":"${PSC}","data":{"intitule":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"scopes":${"[".repeat(5000)}${"]".repeat(5000)}}}`, h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"duree_conservation_donnees_caractere_personnel":-1}}`, h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"duree_conservation_donnees_caractere_personnel":18446744073709551615}}`, h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"maquette_projet":[{"name":"a","content_type":"application/pdf","size":-1}]}}`, h),
      () => rawPost("/api/v1/requests", "application/json", `{"form_uid":"${PSC}","data":{"scopes":["idnat","idnat",1,null]}}`, h),
      () => rawSend("PATCH", `/api/v1/requests/${r.id}`, "application/json", "", h),
      () => rawSend("PATCH", `/api/v1/requests/${r.id}`, "application/json", "{}", h + 'If-Match: "abc"\r\n'),
      () => rawSend("PATCH", `/api/v1/requests/${r.id}`, "application/json", '{"version":1.5,"data":{"a":1}}', h),
      () => rawSend("PATCH", `/api/v1/requests/${r.id}`, "application/json", '{"version":-9223372036854775808,"data":{}}', h),
      () => rawSend("PATCH", `/api/v1/requests/${r.id}`, "application/json", '{"version":9223372036854775807,"data":{}}', h),
      () => rawPost(`/api/v1/requests/${r.id}/submit`, "application/json", '{"version":"1"}', h),
      () => rawPost(`/api/v1/forms/${PSC}/validate?context=submit`, "application/json", "[]"),
      () => rawPost(`/api/v1/forms/${PSC}/validate?context=submit`, "application/json", '"texte"'),
      () => rawPost(`/api/v1/forms/${PSC}/validate?context=submit`, "application/json", "null"),
      () => rawPost(`/api/v1/forms/${PSC}/validate?context=step:%FF`, "application/json", "{}"),
      () => rawPost(`/api/v1/forms/${PSC}/validate?context=step:basic_infos&context=draft`, "application/json", "{}"),
      () => rawPost(`/api/v1/forms/${PSC}/validate`, "application/json; charset=latin1", '{"intitule":"\xe9"}'),
      () => rawPost(`/api/v1/forms/${PSC}/validate`, "application/json", `{"scopes":${"[".repeat(100000)}`),
      // Wrong methods.
      () => rawRequest("DELETE /api/v1/requests/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest(`PUT /api/v1/requests/${r.id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n${h}\r\n{}`),
      () => rawRequest("PUT /demandes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
      () => rawRequest("POST /demandes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
      () => rawRequest("POST /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
      () => rawRequest(`GET /demandes/${r.id}/soumettre HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      () => rawRequest("GET /api/v1/forms/x/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest("OPTIONS / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest("BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      // Malformed HTTP.
      () => rawRequest("GET /\r\n\r\n"),
      () => rawRequest("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n"),
      () => rawRequest("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}", 1500),
      () => rawRequest("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
      () => rawRequest("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      () => rawRequest("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "b".repeat(20000) + "\r\nConnection: close\r\n\r\n"),
    ];
    const failures = [];
    for (let i = 0; i < cases.length; i++) {
      const t0 = Date.now();
      const res = await cases[i]();
      res.ms = Date.now() - t0;
      const line = res.text.split("\r\n")[0];
      if (process.env.FORMD_TEST_VERBOSE) console.log(i, res.status, res.ms + "ms", res.timedOut ? "timeout" : "", line, cases[i].toString().slice(6, 160));
      if (res.status >= 500) failures.push(`case ${i}: ${line}`);
    }
    assert.deepEqual(failures, [], "5xx answers:\n" + failures.join("\n"));
    // The server still works, and the request was not damaged.
    const health = await new Client(server.url).get("/healthz");
    assert.equal(health.status, 200);
    const after = await getRequest(c, r.id);
    assert.equal(after.state, "draft");
  });

  it("a second formd cannot bind the port of a running one", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-second-"));
    const child = spawn(process.env.FORMD, ["--port", String(server.port), "--data", dataDir], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve("still running"), 5000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code === "still running") {
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    // Two processes sharing a port (SO_REUSEPORT) would split the traffic between two databases.
    assert.equal(code, 1, "second formd on a busy port: " + stderr);
    assert.match(stderr, /cannot listen/);
  });
});

test("formd --help documents --port, --data and --dev", () => {
  const { execFileSync } = require("node:child_process");
  const help = execFileSync(process.env.FORMD, ["--help"], { encoding: "utf8" });
  for (const option of ["--port", "--data", "--dev", "--definitions", "--assets"]) {
    assert.match(help, new RegExp(`^\\s+${option}\\b`, "m"), `${option} is documented`);
  }
  assert.match(help, /=8080/, "the default port is shown");
});

describe("without --dev-login", () => {
  let bare;
  before(async () => {
    bare = await startFormd({ devLogin: false });
  });
  after(async () => {
    await bare.stop();
    bare.removeData();
  });

  it("the development login does not exist: its page, its form post and the API session answer 404", async () => {
    const c = new Client(bare.url);
    assert.equal((await c.get("/connexion")).status, 404);
    const post = await fetch(bare.url + "/connexion", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.fr&name=A&siret=21750001600019&_csrf=x",
    });
    assert.equal(post.status, 404);
    const api = await fetch(bare.url + "/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "a@b.fr", name: "A", siret: "21750001600019" }),
    });
    assert.equal(api.status, 404);
    // Nobody was created: the catalogue still serves, and no session cookie came back.
    assert.equal(api.headers.get("set-cookie"), null);
    assert.equal((await c.get("/")).status, 200);
  });
});
