// Stages sandbox → production over HTTP (issue 10 point 6, LIFECYCLE.md
// §2.10, §2.2 and §2.3's multi-stage rules) on API FICOBA, the two-stage
// definition of definitions/: start the production request from a validated
// sandbox one (the same request, the production form, checkboxes unticked,
// the sandbox habilitation active), cancel it (the applicant before sending
// or once changes are asked for, an instructor once sent; the sandbox form
// and data back), two active habilitations after approval, obsolescence
// within a stage only, "Mettre à jour" per stage, and the pages (badges,
// the dashboard card, the habilitation page's button, the introduction page,
// the confirmation pages). Every rule both ways; a refusal changes nothing
// (request, habilitations, history and outbox compared before and after).
//
//   FORMD=build/runtime/formd/formd node tests/formd/stages_test.js
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.stages: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const { Client, newSiret, uniqueEmail, validDocument, csrfOf, pageText, linkHrefs, PAYLOADS, assertEscaped, pdfBytes, uploadDocument } = require("./client");

const SANDBOX = "api-ficoba-sandbox";
const PRODUCTION = "api-ficoba-production";
const PYTHON = "/usr/bin/python3";

let server;

// ---- Helpers ---------------------------------------------------------------------

function grant(email, role) {
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", server.dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

async function login({ email = uniqueEmail("agent"), siret = newSiret(), role, name = "Agent Test" } = {}) {
  if (role) grant(email, role);
  const client = new Client(server.url);
  const res = await client.post("/api/v1/session", { json: { email, name, siret } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  client.email = email;
  client.siret = siret;
  return client;
}

// The applicant, a colleague, an instructor and a reporter of DGFiP's
// definitions (both stages), a user of another organisation, an admin.
async function cast() {
  const applicant = await login({ email: uniqueEmail("demandeur"), name: "Élise Demandeuse" });
  return {
    applicant,
    colleague: await login({ email: uniqueEmail("collegue"), siret: applicant.siret, name: "Paul Collègue" }),
    instructor: await login({ role: "dgfip:*:instructor", email: uniqueEmail("instructrice"), name: "Iris Instructrice" }),
    reporter: await login({ role: "dgfip:*:reporter" }),
    stranger: await login({ email: uniqueEmail("ailleurs") }),
    admin: await login({ role: "admin", email: uniqueEmail("admin") }),
  };
}

// A complete sandbox request of API FICOBA (no scopes block; FICOBA's modalities; the DGFiP attestation).
function sandboxDocument(extra = {}) {
  const doc = { ...validDocument(), intitule: "Recouvrement des créances", modalities: ["with_ficoba_iban"], dpd_homologation_checkbox: true, ...extra };
  delete doc.scopes;
  return doc;
}

// The production blocks and the final checkboxes; the homologation's file
// is uploaded (attachHomologation), never written in the data (issue 12).
function productionDocument(extra = {}) {
  return {
    operational_acceptance_done: true,
    safety_certification_authority_name: "Claire Autorité",
    safety_certification_authority_function: "Directrice générale des services",
    safety_certification_begin_date: "2026-01-01",
    safety_certification_end_date: "2029-01-01",
    volumetrie_appels_par_minute: 500,
    volumetrie_justification: "Pics de 400 appels par minute lors des campagnes de recouvrement.",
    terms_of_service_accepted: true,
    data_protection_officer_informed: true,
    dpd_homologation_checkbox: true,
    ...extra,
  };
}

async function ok(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text}`);
  return res.json;
}

async function get(client, id) {
  return ok(await client.get(`/api/v1/requests/${id}`), `GET ${id}`);
}

async function patch(client, id, data) {
  const current = await get(client, id);
  return client.api("PATCH", `/api/v1/requests/${id}`, { version: current.version, data });
}

async function send(client, id) {
  const current = await get(client, id);
  return client.api("POST", `/api/v1/requests/${id}/submit`, { version: current.version });
}

const start = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/start_next_stage`, body);
const cancel = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/cancel_next_stage`, body);
const approve = (client, id) => client.api("POST", `/api/v1/requests/${id}/approve`, {});
const reopen = (client, hid) => client.api("POST", `/api/v1/habilitations/${hid}/reopen`, {});

async function submittedSandbox(people, extra = {}) {
  const created = await people.applicant.api("POST", "/api/v1/requests", { form_uid: SANDBOX, data: sandboxDocument(extra) });
  assert.equal(created.status, 201, created.text);
  return ok(await send(people.applicant, created.json.id), "submit sandbox");
}

// A validated sandbox request and its sandbox habilitation.
async function validatedSandbox(people, extra = {}) {
  const r = await submittedSandbox(people, extra);
  const approved = await ok(await approve(people.instructor, r.id), "approve sandbox");
  return { id: r.id, request: approved, sandbox: approved.habilitation };
}

// The homologation decision, uploaded as a client must: POST …/documents/{field}.
async function attachHomologation(client, id) {
  const up = await uploadDocument(client, id, "safety_certification_document", { bytes: pdfBytes(`homologation ${id}`), name: "homologation.pdf" });
  assert.equal(up.status, 201, `upload the homologation: ${up.status} ${up.text}`);
  return up.json;
}

// The production request filled in (its file uploaded unless it holds one already) and sent.
async function sentProduction(people, id, extra = {}) {
  const filled = await ok(await patch(people.applicant, id, productionDocument(extra)), "patch production");
  if (!(filled.data.safety_certification_document || []).length) await attachHomologation(people.applicant, id);
  return ok(await send(people.applicant, id), "submit production");
}

// The outbox messages of request `id` (read from formd's database).
function outbox(id) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT payload FROM outbox ORDER BY id").fetchall()
print(json.dumps([json.loads(r[0]) for r in rows]))
`;
  const r = spawnSync(PYTHON, ["-c", script, path.join(server.dataDir, "formd.sqlite3")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).filter((m) => m.request_id === id);
}

// Everything observable of a request: itself (habilitations and stages included), its history, its emails.
async function snapshot(observer, id) {
  return {
    request: await get(observer, id),
    events: await ok(await observer.get(`/api/v1/requests/${id}/events`), "events"),
    outbox: outbox(id),
  };
}

// `call` is refused with `status` (and a French message matching `message`), and nothing changes.
async function refused(observer, id, status, call, message, what = "") {
  const before = await snapshot(observer, id);
  const res = await call();
  assert.equal(res.status, status, `${what} expected ${status}: ${res.status} ${res.text}`);
  if (res.json) {
    assert.ok(res.json.error && typeof res.json.error.message === "string", `${what}: a JSON error`);
    if (message) assert.match(res.json.error.message, message, what);
  } else if (message) {
    assert.match(pageText(res.text), message, what);
  }
  assert.deepEqual(await snapshot(observer, id), before, `${what}: nothing changed`);
  return res;
}

async function events(client, id) {
  return (await ok(await client.get(`/api/v1/requests/${id}/events`), "events")).map((e) => e.name);
}

// The fields of a request's current documents (GET …/documents), sorted.
async function documentFields(client, id) {
  const list = (await ok(await client.get(`/api/v1/requests/${id}/documents`), "documents")).documents;
  return list.map((d) => d.field).sort();
}

const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");

// A page (GET) answered 200.
async function page(client, url) {
  const res = await client.get(url);
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${res.text.slice(0, 400)}`);
  return res.text;
}

describe("formd stages sandbox → production (issue 10, LIFECYCLE.md §2.10)", () => {
  before(async () => {
    server = await startFormd({});
  });
  after(async () => {
    if (server) {
      await server.stop();
      server.removeData();
    }
  });

  // ---- The definition --------------------------------------------------------------

  test("the two-stage definition: the sandbox form is listed and startable, the production form only continues a sandbox request", async () => {
    const forms = await ok(await new Client(server.url).get("/api/v1/forms"), "forms");
    const sandbox = forms.find((f) => f.uid === SANDBOX);
    const production = forms.find((f) => f.uid === PRODUCTION);
    assert.ok(sandbox && production, "both forms are served");
    assert.equal(sandbox.definition, "api_ficoba_sandbox");
    assert.equal(production.definition, "api_ficoba");
    // The production form asks only the production blocks; the sandbox ones are read-only.
    assert.deepEqual(production.steps.map((s) => [s.key, s.read_only]),
      [["operational_acceptance", false], ["safety_certification", false], ["volumetrie", false]]);
    const catalogue = await page(new Client(server.url), "/");
    assert.match(pageText(catalogue), /API FICOBA \(Bac à sable\)/);
    const p = await cast();
    // Neither the API nor the pages start a production request from scratch.
    const direct = await p.applicant.api("POST", "/api/v1/requests", { form_uid: PRODUCTION, data: {} });
    assert.equal(direct.status, 403, direct.text);
    assert.equal((await p.applicant.get(`/formulaires/${PRODUCTION}/demande/nouveau`)).status, 404);
    assert.equal((await p.applicant.get("/api/v1/requests")).json.requests.length, 0, "nothing created");
  });

  // ---- Starting production ---------------------------------------------------------

  test("start: only the applicant, only once the sandbox request is validated; the same request switches to the production form, the sandbox habilitation stays active", async () => {
    const p = await cast();
    const draft = await p.applicant.api("POST", "/api/v1/requests", { form_uid: SANDBOX, data: sandboxDocument() });
    await refused(p.admin, draft.json.id, 409, () => start(p.applicant, draft.json.id), /validée/, "a sandbox draft");
    const sent = await ok(await send(p.applicant, draft.json.id), "submit");
    assert.equal(sent.state, "submitted");
    await refused(p.admin, sent.id, 409, () => start(p.applicant, sent.id), /validée/, "a submitted sandbox request");
    const changes = await ok(await p.instructor.api("POST", `/api/v1/requests/${sent.id}/request_changes`, { reason: "Précisez." }), "changes");
    await refused(p.admin, changes.id, 409, () => start(p.applicant, changes.id), /validée/, "changes requested");
    await ok(await send(p.applicant, sent.id), "resubmit");
    const approved = await ok(await approve(p.instructor, sent.id), "approve");
    const h = approved.habilitation;
    assert.equal(approved.stage, "sandbox");
    assert.equal(approved.next_stage_from, null);
    assert.deepEqual(approved.habilitations.map((x) => [x.id, x.state, x.stage]), [[h.id, "active", "sandbox"]]);

    for (const [who, client] of [["colleague", p.colleague], ["instructor", p.instructor], ["reporter", p.reporter], ["admin", p.admin]]) {
      await refused(p.admin, sent.id, 403, () => start(client, sent.id), /demandeur/, `${who} starts`);
    }
    await refused(p.admin, sent.id, 404, () => start(p.stranger, sent.id), /introuvable/, "stranger starts");
    await refused(p.admin, sent.id, 404, () => start(p.applicant, 999999999), /introuvable/, "unknown request");
    await refused(p.admin, sent.id, 403, () => p.applicant.request("POST", `/api/v1/requests/${sent.id}/start_next_stage`, { json: {} }),
      null, "without the CSRF token");
    await refused(p.admin, sent.id, 400, () => start(p.applicant, sent.id, { form_uid: PRODUCTION }), /Clé inconnue/, "unknown key");

    const before = await get(p.applicant, sent.id);
    const mailsBefore = outbox(sent.id);
    const started = await ok(await start(p.applicant, sent.id), "start");
    assert.equal(started.id, sent.id, "the same request");
    assert.equal(started.state, "draft");
    assert.equal(started.form_uid, PRODUCTION);
    assert.equal(started.definition_id, "api_ficoba");
    assert.equal(started.stage, "production");
    assert.equal(started.next_stage_from, h.id);
    assert.equal(started.reopening, false, "no production habilitation yet: not an update");
    assert.equal(started.version, before.version + 1);
    // CGU, DPO and DGFiP's attestation unticked; the sandbox data kept.
    for (const box of ["terms_of_service_accepted", "data_protection_officer_informed", "dpd_homologation_checkbox"]) {
      assert.equal(started.data[box], undefined, `${box} reset`);
    }
    assert.equal(started.data.intitule, before.data.intitule);
    assert.deepEqual(started.data.modalities, ["with_ficoba_iban"]);
    assert.deepEqual(started.habilitations.map((x) => [x.id, x.state, x.stage, x.form_uid]), [[h.id, "active", "sandbox", SANDBOX]]);
    assert.deepEqual((await events(p.applicant, sent.id))[0], "start_next_stage");
    const event = (await ok(await p.applicant.get(`/api/v1/requests/${sent.id}/events`), "events"))[0];
    assert.equal(event.actor_email, p.applicant.email);
    assert.equal(event.habilitation_id, h.id);
    // No email for a stage (nor a webhook in DataPass: LIFECYCLE.md §2.9).
    assert.deepEqual(outbox(sent.id), mailsBefore);

    // Once started: not twice, and the production request is the applicant's draft to edit.
    await refused(p.admin, sent.id, 409, () => start(p.applicant, sent.id), /validée|étape suivante/, "a second start");
    const edited = await ok(await patch(p.applicant, sent.id, { operational_acceptance_done: true }), "edit production");
    assert.equal(edited.form_uid, PRODUCTION);
    // Submitting checks the production form: the production blocks and the checkboxes are required.
    const early = await send(p.applicant, sent.id);
    assert.equal(early.status, 422, early.text);
    const fields = early.json.error.details.map((d) => d.field);
    for (const f of ["safety_certification_document", "volumetrie_appels_par_minute", "terms_of_service_accepted", "dpd_homologation_checkbox"]) {
      assert.ok(fields.includes(f), `${f} is required on the production form (${fields})`);
    }
  });

  test("start is refused on single-stage and on production requests", async () => {
    const p = await cast();
    const psc = await p.applicant.api("POST", "/api/v1/requests", { form_uid: "api-pro-sante-connect", data: validDocument() });
    await ok(await send(p.applicant, psc.json.id), "submit PSC");
    const pscInstructor = await login({ role: "ans:api_pro_sante_connect:instructor" });
    await ok(await approve(pscInstructor, psc.json.id), "approve PSC");
    await refused(p.admin, psc.json.id, 409, () => start(p.applicant, psc.json.id), /étape suivante/, "single-stage");
    const v = await validatedSandbox(p);
    await ok(await start(p.applicant, v.id), "start");
    await sentProduction(p, v.id);
    const done = await ok(await approve(p.instructor, v.id), "approve production");
    assert.equal(done.stage, "production");
    await refused(p.admin, v.id, 409, () => start(p.applicant, v.id), /étape suivante/, "a validated production request");
    await refused(p.admin, psc.json.id, 409, () => cancel(p.applicant, psc.json.id), /pas une demande de production/, "cancel single-stage");
  });

  // ---- Cancelling production -------------------------------------------------------

  test("cancel: the applicant before sending or once changes are asked for, an instructor once sent; the sandbox form and data come back", async () => {
    const p = await cast();
    const v = await validatedSandbox(p);
    await refused(p.admin, v.id, 409, () => cancel(p.applicant, v.id), /pas une demande de production/, "cancel a validated sandbox");
    await ok(await start(p.applicant, v.id), "start");
    await ok(await patch(p.applicant, v.id, productionDocument({ intitule: "Changé en production" })), "patch");
    await attachHomologation(p.applicant, v.id);

    // A draft: the applicant only.
    await refused(p.admin, v.id, 409, () => cancel(p.instructor, v.id), /état actuel/, "instructor on a draft");
    for (const [who, client] of [["colleague", p.colleague], ["reporter", p.reporter]]) {
      await refused(p.admin, v.id, 403, () => cancel(client, v.id), /demandeur et les instructeurs/, `${who} cancels`);
    }
    await refused(p.admin, v.id, 404, () => cancel(p.stranger, v.id), /introuvable/, "stranger cancels");
    await refused(p.admin, v.id, 403, () => p.applicant.request("POST", `/api/v1/requests/${v.id}/cancel_next_stage`, { json: {} }),
      null, "without the CSRF token");
    await refused(p.admin, v.id, 400, () => cancel(p.applicant, v.id, { reason: "x" }), /Clé inconnue/, "unknown key");

    const back = await ok(await cancel(p.applicant, v.id), "applicant cancels");
    assert.equal(back.state, "validated");
    assert.equal(back.form_uid, SANDBOX);
    assert.equal(back.definition_id, "api_ficoba_sandbox");
    assert.equal(back.stage, "sandbox");
    assert.equal(back.next_stage_from, null);
    assert.deepEqual(back.data, v.sandbox.data, "the sandbox habilitation's data");
    assert.deepEqual(await documentFields(p.applicant, v.id), [], "the production file goes with the production data (issue 12)");
    assert.deepEqual(back.habilitations.map((x) => [x.id, x.state, x.stage]), [[v.sandbox.id, "active", "sandbox"]]);
    // Two updates: the production data (PATCH), then its file (the upload, an `update` event of its own).
    assert.deepEqual((await events(p.applicant, v.id)).slice(0, 4), ["cancel_next_stage", "update", "update", "start_next_stage"]);
    const event = (await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events"))[0];
    assert.equal(event.actor_email, p.applicant.email);
    assert.equal(event.habilitation_id, v.sandbox.id);

    // Production can be started again, then sent: the applicant may no longer cancel, an instructor may.
    await ok(await start(p.applicant, v.id), "start again");
    await sentProduction(p, v.id);
    await refused(p.admin, v.id, 409, () => cancel(p.applicant, v.id), /seul un instructeur/, "applicant on a sent production request");
    // Changes requested: the applicant again, not the instructor.
    await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/request_changes`, { reason: "La volumétrie ?" }), "changes");
    await refused(p.admin, v.id, 409, () => cancel(p.instructor, v.id), /état actuel/, "instructor on changes_requested");
    const again = await ok(await cancel(p.applicant, v.id), "applicant cancels changes_requested");
    assert.equal(again.form_uid, SANDBOX);
    assert.equal(again.state, "validated");

    await ok(await start(p.applicant, v.id), "start a third time");
    await sentProduction(p, v.id);
    const byInstructor = await ok(await cancel(p.instructor, v.id), "instructor cancels a sent production request");
    assert.equal(byInstructor.state, "validated");
    assert.equal(byInstructor.stage, "sandbox");
    assert.deepEqual(byInstructor.data, v.sandbox.data);
    const last = (await ok(await p.instructor.get(`/api/v1/requests/${v.id}/events`), "events"))[0];
    assert.equal(last.name, "cancel_next_stage");
    assert.equal(last.actor_email, p.instructor.email);
  });

  // ---- After approval, obsolescence and updates per stage ----------------------------

  test("production approved: two active habilitations; obsolescence only within a stage; updates per stage", async () => {
    const p = await cast();
    const v = await validatedSandbox(p);
    const h1 = v.sandbox.id;
    await ok(await start(p.applicant, v.id), "start");
    // While production is in progress the sandbox habilitation cannot be updated.
    await refused(p.admin, v.id, 409, () => reopen(p.applicant, h1), null, "sandbox update during production");
    await sentProduction(p, v.id);
    const approved = await ok(await approve(p.instructor, v.id), "approve production");
    const h2 = approved.habilitation.id;
    assert.equal(approved.state, "validated");
    assert.equal(approved.next_stage_from, null);
    assert.deepEqual(approved.habilitations.map((x) => [x.id, x.state, x.stage]), [[h1, "active", "sandbox"], [h2, "active", "production"]]);
    assert.equal(approved.habilitation.form_uid, PRODUCTION);
    assert.equal(approved.habilitation.data.volumetrie_appels_par_minute, 500);

    // A production update approved: the earlier production habilitation is obsolete, the sandbox one stays active.
    await ok(await reopen(p.applicant, h2), "reopen production");
    const updating = await get(p.applicant, v.id);
    assert.equal(updating.form_uid, PRODUCTION, "a production update stays on the production form");
    await ok(await patch(p.applicant, v.id, { volumetrie_appels_par_minute: 750, volumetrie_justification: "Plus de dossiers." }), "patch");
    await ok(await send(p.applicant, v.id), "send the update");
    const second = await ok(await approve(p.instructor, v.id), "approve the update");
    const h3 = second.habilitation.id;
    assert.deepEqual(second.habilitations.map((x) => [x.id, x.state, x.stage]),
      [[h1, "active", "sandbox"], [h2, "obsolete", "production"], [h3, "active", "production"]]);

    // The sandbox habilitation can be updated once the request is validated: the request turns back into the sandbox request.
    await refused(p.admin, v.id, 409, () => reopen(p.applicant, h2), /obsolète/, "an obsolete production habilitation");
    const sandboxUpdate = await ok(await reopen(p.applicant, h1), "reopen the sandbox");
    assert.equal(sandboxUpdate.form_uid, SANDBOX);
    assert.equal(sandboxUpdate.stage, "sandbox");
    assert.equal(sandboxUpdate.reopening, true);
    assert.deepEqual(sandboxUpdate.data, v.sandbox.data);
    await ok(await patch(p.applicant, v.id, { contact_technique_email: "nouvelle.tech@exemple.fr" }), "patch sandbox");
    await ok(await send(p.applicant, v.id), "send the sandbox update");
    const third = await ok(await approve(p.instructor, v.id), "approve the sandbox update");
    const h4 = third.habilitation.id;
    assert.deepEqual(third.habilitations.map((x) => [x.id, x.state, x.stage]),
      [[h1, "obsolete", "sandbox"], [h2, "obsolete", "production"], [h3, "active", "production"], [h4, "active", "sandbox"]]);

    // The newest habilitation is a sandbox one: production is updated by starting it again, not by "Mettre à jour".
    await refused(p.admin, v.id, 409, () => reopen(p.applicant, h3), /démarrez votre demande/, "production behind a newer sandbox");
    const restarted = await ok(await start(p.applicant, v.id), "start production again");
    assert.equal(restarted.reopening, true, "a production habilitation exists: the production request is an update");
    assert.equal(restarted.next_stage_from, h4);
    assert.equal(restarted.data.contact_technique_email, "nouvelle.tech@exemple.fr", "the new sandbox data");
    assert.equal(restarted.data.volumetrie_appels_par_minute, 750, "the previous production data carried over");
    assert.equal(restarted.data.terms_of_service_accepted, undefined);
    // The carried homologation entry keeps its file: a copy of the production habilitation's (issue 12).
    const homologation = pdfBytes(`homologation ${v.id}`);
    assert.deepEqual(restarted.data.safety_certification_document, [{ name: "homologation.pdf", content_type: "application/pdf", size: homologation.length }]);
    const carried = (await ok(await p.applicant.get(`/api/v1/requests/${v.id}/documents`), "documents")).documents
      .filter((d) => d.field === "safety_certification_document");
    assert.deepEqual(carried.map((d) => [d.name, d.sha256]), [["homologation.pdf", sha256(homologation)]]);
    const file = await p.applicant.get(carried[0].href);
    assert.equal(file.status, 200);
    assert.equal(file.text, homologation.toString("latin1"));
    await ok(await patch(p.applicant, v.id, { terms_of_service_accepted: true, data_protection_officer_informed: true, dpd_homologation_checkbox: true }), "tick");
    await ok(await send(p.applicant, v.id), "send");
    const fourth = await ok(await approve(p.instructor, v.id), "approve");
    assert.deepEqual(fourth.habilitations.map((x) => [x.state, x.stage]),
      [["obsolete", "sandbox"], ["obsolete", "production"], ["obsolete", "production"], ["active", "sandbox"], ["active", "production"]]);
  });

  test("a refused first production request is refused, its sandbox habilitation stays active", async () => {
    const p = await cast();
    const v = await validatedSandbox(p);
    await ok(await start(p.applicant, v.id), "start");
    await sentProduction(p, v.id);
    const r = await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/refuse`, { reason: "Homologation expirée." }), "refuse");
    assert.equal(r.state, "refused");
    assert.equal(r.stage, "production");
    assert.equal(r.next_stage_from, null);
    assert.deepEqual(r.habilitations.map((x) => [x.state, x.stage]), [["active", "sandbox"]]);
    await refused(p.admin, v.id, 409, () => cancel(p.applicant, v.id), /pas une demande de production/, "cancel a refused one");
  });

  // ---- Concurrency --------------------------------------------------------------------

  test("races: two starts of one request make one production request; an instructor's cancellation racing an approval leaves one consistent outcome", async () => {
    const p = await cast();
    const v = await validatedSandbox(p);
    const starts = await Promise.all([start(p.applicant, v.id), start(p.applicant, v.id)]);
    assert.deepEqual(starts.map((r) => r.status).sort(), [200, 409], starts.map((r) => r.text).join(" | "));
    assert.equal((await events(p.applicant, v.id)).filter((e) => e === "start_next_stage").length, 1);
    const started = await get(p.applicant, v.id);
    assert.equal(started.version, v.request.version + 1);

    await sentProduction(p, v.id);
    const [approved, cancelled] = await Promise.all([approve(p.instructor, v.id), cancel(p.instructor, v.id)]);
    assert.deepEqual([approved.status, cancelled.status].sort(), [200, 409], `${approved.text} | ${cancelled.text}`);
    const after = await get(p.instructor, v.id);
    assert.equal(after.state, "validated");
    if (approved.status === 200) {
      assert.equal(after.stage, "production");
      assert.deepEqual(after.habilitations.map((h) => [h.state, h.stage]), [["active", "sandbox"], ["active", "production"]]);
    } else {
      assert.equal(after.stage, "sandbox");
      assert.deepEqual(after.data, v.sandbox.data);
      assert.deepEqual(after.habilitations.map((h) => [h.state, h.stage]), [["active", "sandbox"]]);
    }
  });

  // ---- Pages --------------------------------------------------------------------------

  test("pages: badges, the dashboard card, the habilitation page's button, the introduction page and its POST, cancellation by the applicant", async () => {
    const p = await cast();
    const v = await validatedSandbox(p, { intitule: `${PAYLOADS[0]} ${PAYLOADS[3]} ${PAYLOADS[1]}` });
    const hid = v.sandbox.id;

    // The sandbox form is marked from the start.
    const startPage = await page(p.applicant, `/formulaires/${SANDBOX}/demande/nouveau`);
    assert.match(pageText(startPage), /Bac à sable/);

    // Dashboard: the card of the sandbox habilitation says it may continue.
    const dashboard = await page(p.applicant, "/demandes?onglet=habilitations");
    const text = pageText(dashboard);
    assert.match(text, /Votre demande d'accès au bac à sable a été validée ! Vous pouvez poursuivre votre demande afin d'accéder à la production\./);
    assert.match(text, /Démarrer ma demande d'habilitation en production/);
    assert.match(text, /Bac à sable/);
    assert.ok(linkHrefs(dashboard).includes(`/demandes/${v.id}/production`), "the card links to the introduction page");
    assertEscaped(dashboard, "dashboard");
    // The habilitation page has the same button (the applicant's only).
    const habilitation = await page(p.applicant, `/habilitations/${hid}`);
    assert.match(pageText(habilitation), /Démarrer ma demande d'habilitation en production/);
    assert.match(pageText(habilitation), /Bac à sable/);
    assert.ok(linkHrefs(habilitation).includes(`/demandes/${v.id}/production`));
    assertEscaped(habilitation, "habilitation page");
    const colleagueView = await page(p.colleague, `/habilitations/${hid}`);
    assert.doesNotMatch(pageText(colleagueView), /Démarrer ma demande/);

    // The introduction page: only for the applicant; "Débuter ma demande" posts with the session's CSRF token.
    const intro = await page(p.applicant, `/demandes/${v.id}/production`);
    assert.match(pageText(intro), /Débuter ma demande/);
    assertEscaped(intro, "introduction page");
    assert.equal((await p.colleague.get(`/demandes/${v.id}/production`)).status, 403);
    assert.equal((await p.stranger.get(`/demandes/${v.id}/production`)).status, 404);
    await refused(p.admin, v.id, 403, () => p.applicant.post(`/demandes/${v.id}/production`, { form: { _csrf: "faux" } }), null, "a POST without the CSRF token");
    await refused(p.admin, v.id, 403, () => p.colleague.post(`/demandes/${v.id}/production`, { form: { _csrf: p.colleague.csrf } }), null, "a colleague's POST");
    const posted = await p.applicant.post(`/demandes/${v.id}/production`, { form: { _csrf: csrfOf(intro) } });
    assert.equal(posted.status, 303, posted.text);
    assert.match(posted.headers.get("location"), new RegExp(`^/demandes/${v.id}/etapes/operational_acceptance`));
    const started = await get(p.applicant, v.id);
    assert.equal(started.form_uid, PRODUCTION);
    // A second POST: refused, nothing changes.
    await refused(p.admin, v.id, 409, () => p.applicant.post(`/demandes/${v.id}/production`, { form: { _csrf: csrfOf(intro) } }), null, "a second start");

    // The volumétrie step posted as a browser does: the chosen rate is stored as a number.
    const volumetrie = await page(p.applicant, `/demandes/${v.id}/etapes/volumetrie`);
    const saved = await p.applicant.post(`/demandes/${v.id}/etapes/volumetrie`, { form: {
      _csrf: csrfOf(volumetrie), _version: String((await get(p.applicant, v.id)).version), _action: "next",
      volumetrie_appels_par_minute: "500", volumetrie_justification: "Campagnes mensuelles." } });
    assert.equal(saved.status, 303, pageText(saved.text).slice(0, 400));
    assert.equal((await get(p.applicant, v.id)).data.volumetrie_appels_par_minute, 500);

    // The production wizard: the "Production" badge and "Annuler la demande de production".
    const wizard = await page(p.applicant, `/demandes/${v.id}/etapes/operational_acceptance`);
    assert.match(pageText(wizard), /Production/);
    assert.match(pageText(wizard), /Annuler la demande de production/);
    assert.ok(linkHrefs(wizard).includes(`/demandes/${v.id}/annuler-production`));
    // The sandbox habilitation no longer offers the start button.
    assert.doesNotMatch(pageText(await page(p.applicant, `/habilitations/${hid}`)), /Démarrer ma demande/);
    assert.doesNotMatch(pageText(await page(p.applicant, "/demandes?onglet=habilitations")), /Démarrer ma demande/);

    // The applicant's confirmation page, then the cancellation.
    const confirm = await page(p.applicant, `/demandes/${v.id}/annuler-production`);
    assert.match(pageText(confirm), /Annuler la demande de production/);
    assertEscaped(confirm, "confirmation page");
    assert.equal((await p.colleague.get(`/demandes/${v.id}/annuler-production`)).status, 403);
    const done = await p.applicant.post(`/demandes/${v.id}/annuler-production`, { form: { _csrf: csrfOf(confirm) } });
    assert.equal(done.status, 303, done.text);
    const landing = await page(p.applicant, done.headers.get("location"));
    assert.match(pageText(landing), /Votre demande d'habilitation en production a été annulée/);
    const back = await get(p.applicant, v.id);
    assert.equal(back.form_uid, SANDBOX);
    assert.equal(back.state, "validated");
    assert.match(pageText(await page(p.applicant, `/habilitations/${hid}`)), /Démarrer ma demande d'habilitation en production/);
  });

  test("pages: the instructor cancels a submitted production request; the button is absent elsewhere", async () => {
    const p = await cast();
    const v = await validatedSandbox(p);
    // Not a production request: no button, and the page refuses.
    const sandboxPage = await page(p.instructor, `/instruction/demandes/${v.id}`);
    assert.doesNotMatch(pageText(sandboxPage), /Annuler la demande de production/);
    assert.match(pageText(sandboxPage), /Bac à sable/);
    await refused(p.admin, v.id, 409, () => p.instructor.get(`/instruction/demandes/${v.id}/annuler-production`), null, "the page on a sandbox request");

    await ok(await start(p.applicant, v.id), "start");
    // A draft production request: the instructor has no button yet.
    assert.doesNotMatch(pageText(await page(p.instructor, `/instruction/demandes/${v.id}`)), /Annuler la demande de production/);
    await sentProduction(p, v.id);
    const instruction = await page(p.instructor, `/instruction/demandes/${v.id}`);
    assert.match(pageText(instruction), /Production/);
    // The instructors' list shows the stage too.
    const list = await page(p.instructor, `/instruction/demandes?q=${v.id}`);
    const row = list.slice(list.indexOf(`data-formd-request="${v.id}"`), list.indexOf("</tr>", list.indexOf(`data-formd-request="${v.id}"`)));
    assert.ok(row.includes('data-formd-stage="production"'), row);
    assert.match(pageText(instruction), /Annuler la demande de production/);
    assert.ok(linkHrefs(instruction).includes(`/instruction/demandes/${v.id}/annuler-production`));
    // A reporter reads, never cancels.
    assert.doesNotMatch(pageText(await page(p.reporter, `/instruction/demandes/${v.id}`)), /Annuler la demande de production/);
    await refused(p.admin, v.id, 403, () => p.reporter.get(`/instruction/demandes/${v.id}/annuler-production`), null, "a reporter's page");
    const form = await page(p.instructor, `/instruction/demandes/${v.id}/annuler-production`);
    assert.match(pageText(form), /Confirmer l'annulation/);
    await refused(p.admin, v.id, 403, () => p.reporter.post(`/instruction/demandes/${v.id}/annuler-production`, { form: { _csrf: p.reporter.csrf } }), null, "a reporter's POST");
    const done = await p.instructor.post(`/instruction/demandes/${v.id}/annuler-production`, { form: { _csrf: csrfOf(form) } });
    assert.equal(done.status, 303, done.text);
    assert.match(done.headers.get("location"), /^\/instruction\/demandes/);
    const back = await get(p.instructor, v.id);
    assert.equal(back.state, "validated");
    assert.equal(back.stage, "sandbox");

    // Production approved: two "Active" habilitations on the dashboard, "Bac à sable" and "Production";
    // the sandbox habilitation page mentions neither "Production" nor the start button.
    await ok(await start(p.applicant, v.id), "start again");
    await sentProduction(p, v.id);
    const approved = await ok(await approve(p.instructor, v.id), "approve production");
    const dashboard = pageText(await page(p.applicant, "/demandes?onglet=habilitations"));
    assert.equal((dashboard.match(/\bActive\b/g) || []).length, 2, dashboard);
    assert.match(dashboard, /Bac à sable/);
    assert.match(dashboard, /Production/);
    assert.doesNotMatch(dashboard, /Démarrer ma demande/);
    const sandboxHabilitation = pageText(await page(p.applicant, `/habilitations/${v.sandbox.id}`));
    assert.doesNotMatch(sandboxHabilitation, /Production|Démarrer ma demande/);
    assert.doesNotMatch(sandboxHabilitation, /obsolète/);
    const productionHabilitation = pageText(await page(p.applicant, `/habilitations/${approved.habilitation.id}`));
    assert.match(productionHabilitation, /Production/);
    // "Toutes les habilitations": both, with their stage.
    const all = pageText(await page(p.instructor, `/habilitations/${approved.habilitation.id}/habilitations`));
    assert.match(all, new RegExp(`Habilitation API FICOBA \\(Bac à sable\\) validée par ${p.instructor.email.replace(/[.]/g, "\\.")} le [0-9/]+ Active Bac à sable`));
    assert.match(all, new RegExp(`Habilitation API FICOBA validée par ${p.instructor.email.replace(/[.]/g, "\\.")} le [0-9/]+ Active Production`));
    // The history says what happened, in DataPass's words.
    const history = pageText(await page(p.instructor, `/instruction/demandes/${v.id}`));
    assert.match(history, /a démarré la demande d'habilitation en production/);
    assert.match(history, /a annulé la demande d'habilitation en production/);
  });
});
