// Instruction over the JSON API (issue 9, first part): who may see and act
// on a request (404 / 403 / 409 / 422), approve / refuse / request changes,
// the habilitation an approval issues, the history, and that a refusal
// changes nothing. One formd for the file; roles granted with
// `formd roles grant` on its data directory.
//
//   FORMD=build/runtime/formd/formd node tests/formd/instruction_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const { spawnSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.instruction: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const { Client, newSiret, uniqueEmail, validDocument } = require("./client");

const PSC = "api-pro-sante-connect";
let server;

function grant(email, role) {
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", server.dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

async function login({ email = uniqueEmail("instr"), siret = newSiret(), role } = {}) {
  if (role) grant(email, role);
  const client = new Client(server.url);
  const res = await client.post("/api/v1/session", { json: { email, name: "Agent Test", siret } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  client.email = email;
  client.siret = siret;
  return client;
}

async function submittedRequest(applicant) {
  const created = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: validDocument() });
  assert.equal(created.status, 201, created.text);
  const submitted = await applicant.api("POST", `/api/v1/requests/${created.json.id}/submit`, { version: created.json.version });
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.json;
}

async function state(client, id) {
  const res = await client.get(`/api/v1/requests/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

describe("formd instruction API", () => {
  before(async () => {
    server = await startFormd({});
  });
  after(async () => {
    if (server) {
      await server.stop();
      server.removeData();
    }
  });

  test("changes requested, resubmitted, approved: a habilitation and the history", async () => {
    const applicant = await login();
    const instructor = await login({ role: "ans:api_pro_sante_connect:instructor" });
    const r = await submittedRequest(applicant);

    // Instructors see requests of their definition across organisations.
    assert.equal((await state(instructor, r.id)).state, "submitted");

    const noReason = await instructor.api("POST", `/api/v1/requests/${r.id}/request_changes`, {});
    assert.equal(noReason.status, 422);
    assert.match(noReason.json.error.message, /raison/i);
    const changes = await instructor.api("POST", `/api/v1/requests/${r.id}/request_changes`, { reason: "Précisez la durée." });
    assert.equal(changes.status, 200, changes.text);
    assert.equal(changes.json.state, "changes_requested");
    const again = await instructor.api("POST", `/api/v1/requests/${r.id}/request_changes`, { reason: "Encore" });
    assert.equal(again.status, 409, "changes are asked only from submitted");

    // The applicant edits and resubmits.
    const current = await state(applicant, r.id);
    const patched = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, {
      version: current.version, data: { duree_conservation_donnees_caractere_personnel: 24 },
    });
    assert.equal(patched.status, 200, patched.text);
    const resubmitted = await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: patched.json.version });
    assert.equal(resubmitted.status, 200, resubmitted.text);
    assert.equal(resubmitted.json.state, "submitted");

    const approved = await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, { message: "Bienvenue" });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.state, "validated");
    const h = approved.json.habilitation;
    assert.equal(h.state, "active");
    assert.equal(h.data.duree_conservation_donnees_caractere_personnel, 24);
    assert.equal(approved.json.habilitations.length, 1);

    // The applicant sees the habilitation; the history is newest first.
    const seen = await applicant.get(`/api/v1/habilitations/${h.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.json.request_id, r.id);
    const events = await applicant.get(`/api/v1/requests/${r.id}/events`);
    assert.equal(events.status, 200);
    assert.deepEqual(events.json.map((e) => e.name), ["approve", "submit", "update", "request_changes", "submit", "create"]);
    assert.equal(events.json[0].habilitation_id, h.id);
    assert.equal(events.json[0].actor_email, instructor.email);
    assert.equal(events.json[3].reason, "Précisez la durée.");

    // Nothing more to approve.
    assert.equal((await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {})).status, 409);
  });

  test("a refusal needs a reason, and the applicant sees it", async () => {
    const applicant = await login();
    const instructor = await login({ role: "ans:*:instructor" });
    const r = await submittedRequest(applicant);
    assert.equal((await instructor.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: "   " })).status, 422);
    const refused = await instructor.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: "Hors du cadre légal." });
    assert.equal(refused.status, 200);
    assert.equal(refused.json.state, "refused");
    const events = await applicant.get(`/api/v1/requests/${r.id}/events`);
    assert.equal(events.json[0].name, "refuse");
    assert.equal(events.json[0].reason, "Hors du cadre légal.");
  });

  test("each kind of actor is refused what it may not do, and nothing changes", async () => {
    const applicant = await login();
    const colleague = await login({ siret: applicant.siret });
    const reporter = await login({ role: "ans:api_pro_sante_connect:reporter" });
    const otherDefinition = await login({ role: "ans:autre_api:instructor" });
    const stranger = await login();
    const r = await submittedRequest(applicant);
    const before = await state(applicant, r.id);
    const actions = [["approve", {}], ["refuse", { reason: "x" }], ["request_changes", { reason: "x" }], ["archive", undefined]];
    for (const [who, client, expected] of [
      ["applicant", applicant, 403], ["reporter", reporter, 403],
      ["instructor of another definition", otherDefinition, 404], ["user of another organisation", stranger, 404],
    ]) {
      for (const [verb, body] of actions) {
        const res = await client.api("POST", `/api/v1/requests/${r.id}/${verb}`, body);
        // The applicant may archive, but not a submitted request: 409.
        const want = who === "applicant" && verb === "archive" ? 409 : expected;
        assert.equal(res.status, want, `${who} ${verb}: ${res.text}`);
      }
    }
    // Reading: the organisation and the reporter may, the others may not.
    assert.equal((await reporter.get(`/api/v1/requests/${r.id}`)).status, 200);
    assert.equal((await otherDefinition.get(`/api/v1/requests/${r.id}`)).status, 404);
    assert.equal((await stranger.get(`/api/v1/requests/${r.id}/events`)).status, 404);
    const after = await state(applicant, r.id);
    assert.equal(after.version, before.version);
    assert.equal(after.state, "submitted");
    // A colleague of the organisation reads it, and may not instruct it either.
    assert.equal((await colleague.get(`/api/v1/requests/${r.id}`)).status, 200);
    assert.equal((await colleague.api("POST", `/api/v1/requests/${r.id}/approve`, {})).status, 403);
  });

  test("an instructor deletes a draft, not a submitted request; without CSRF nothing happens", async () => {
    const applicant = await login();
    const instructor = await login({ role: "ans:api_pro_sante_connect:instructor" });
    const created = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    const noCsrf = await instructor.request("POST", `/api/v1/requests/${created.json.id}/archive`, { json: {} });
    assert.equal(noCsrf.status, 403);
    const archived = await instructor.api("POST", `/api/v1/requests/${created.json.id}/archive`, {});
    assert.equal(archived.status, 200, archived.text);
    assert.equal(archived.json.state, "archived");
    const r = await submittedRequest(applicant);
    assert.equal((await instructor.api("POST", `/api/v1/requests/${r.id}/archive`, {})).status, 409);
  });

  test("reasons are stored as written and come back as JSON strings", async () => {
    const applicant = await login();
    const instructor = await login({ role: "ans:api_pro_sante_connect:instructor" });
    const r = await submittedRequest(applicant);
    const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const res = await instructor.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: xss });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const events = await applicant.get(`/api/v1/requests/${r.id}/events`);
    assert.equal(events.json[0].reason, xss);
  });
});
