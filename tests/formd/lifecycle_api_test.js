// Life with a habilitation over the JSON API (issue 10, LIFECYCLE.md
// §2.3–§2.6): update ("Mettre à jour": reopen, send, approve / refuse /
// request changes, cancel), transfer (to a colleague, take-over, instructor,
// admin), revocation (a request, one habilitation), archive. Every rule is
// tried both ways, and a refusal changes nothing: the request, its history,
// its habilitations and the outbox are compared before and after. Two
// formd: the repository's definitions, and a copy whose API Pro Santé
// Connect turns reopening and transfer off (DGFiP-style).
//
//   FORMD=build/runtime/formd/formd node tests/formd/lifecycle_api_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.lifecycle_api: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const { Client, newSiret, uniqueEmail, validDocument } = require("./client");

const PSC = "api-pro-sante-connect";
const INSTRUCTOR = "ans:api_pro_sante_connect:instructor";
const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const PYTHON = "/usr/bin/python3";

let server; // the repository's definitions
let manual; // reopening and transfer off
let manualDefinitions;

// ---- Helpers ---------------------------------------------------------------------

function grant(srv, email, role) {
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", srv.dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

async function login({ srv = server, email = uniqueEmail("agent"), siret = newSiret(), role, name = "Agent Test" } = {}) {
  if (role) grant(srv, email, role);
  const client = new Client(srv.url);
  const res = await client.post("/api/v1/session", { json: { email, name, siret } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  client.email = email;
  client.siret = siret;
  client.userId = res.json.user.id;
  return client;
}

// The actors of one request's story: the applicant, a colleague of the same
// organisation, an instructor and a reporter of the definition, a user of
// another organisation, and an admin who observes everything.
async function cast(srv = server) {
  const applicant = await login({ srv, email: uniqueEmail("demandeur"), name: "Élise Demandeuse" });
  return {
    applicant,
    colleague: await login({ srv, email: uniqueEmail("collegue"), siret: applicant.siret, name: "Paul Collègue" }),
    instructor: await login({ srv, role: INSTRUCTOR, email: uniqueEmail("instructrice") }),
    reporter: await login({ srv, role: "ans:api_pro_sante_connect:reporter" }),
    stranger: await login({ srv, email: uniqueEmail("ailleurs") }),
    admin: await login({ srv, role: "admin", email: uniqueEmail("admin") }),
  };
}

async function ok(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text}`);
  return res.json;
}

async function submitted(applicant, data = {}) {
  const created = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: { ...validDocument(), ...data } });
  assert.equal(created.status, 201, created.text);
  return ok(await applicant.api("POST", `/api/v1/requests/${created.json.id}/submit`, { version: created.json.version }), "submit");
}

// A validated request and its active habilitation.
async function validated(people, data = {}) {
  const r = await submitted(people.applicant, data);
  const approved = await ok(await people.instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {}), "approve");
  return { id: r.id, request: approved, habilitation: approved.habilitation };
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

const reopen = (client, hid, body) => client.api("POST", `/api/v1/habilitations/${hid}/reopen`, body);
const cancel = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/cancel_reopening`, body);
const transfer = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/transfer`, body);
const revoke = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/revoke`, body);
const revokeOne = (client, hid, body) => client.api("POST", `/api/v1/habilitations/${hid}/revoke`, body);
const archive = (client, id) => client.api("POST", `/api/v1/requests/${id}/archive`, {});

// The outbox messages of request `id` (read from formd's database).
function outbox(srv, id) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT payload FROM outbox ORDER BY id").fetchall()
print(json.dumps([json.loads(r[0]) for r in rows]))
`;
  const r = spawnSync(PYTHON, ["-c", script, path.join(srv.dataDir, "formd.sqlite3")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).filter((m) => m.request_id === id);
}

// Everything observable of a request: itself (with its habilitations), its
// history and its emails. Equal before and after a refused call.
async function snapshot(srv, observer, id) {
  return {
    request: await get(observer, id),
    events: await ok(await observer.get(`/api/v1/requests/${id}/events`), "events"),
    outbox: outbox(srv, id),
  };
}

// `call` is refused with `status` (and a French message matching `message`), and nothing changes.
async function refused(srv, observer, id, status, call, message, what = "") {
  const before = await snapshot(srv, observer, id);
  const res = await call();
  assert.equal(res.status, status, `${what} expected ${status}: ${res.status} ${res.text}`);
  assert.ok(res.json && res.json.error && typeof res.json.error.message === "string", `${what}: a JSON error`);
  if (message) assert.match(res.json.error.message, message, what);
  assert.deepEqual(await snapshot(srv, observer, id), before, `${what}: nothing changed`);
  return res;
}

// Data as the API answers it, without the keys a test does not compare.
const subjects = (messages) => messages.map((m) => `${m.audience}:${m.to[0]}:${m.subject}`);

// An update in progress: reopened by the applicant, with the technical contact changed.
async function inUpdate(people, v, email = "nouveau.tech@exemple.fr") {
  await ok(await reopen(people.applicant, v.habilitation.id), "reopen");
  await ok(await patch(people.applicant, v.id, { contact_technique_email: email }), "patch");
}

describe("formd lifecycle API (issue 10)", () => {
  before(async () => {
    server = await startFormd({});
    // A copy of the definitions whose API Pro Santé Connect turns reopening and transfer off.
    manualDefinitions = fs.mkdtempSync(path.join(os.tmpdir(), "formd-lifecycle-defs-"));
    // Everything but library/ (formc always loads the standard library itself).
    for (const entry of fs.readdirSync(path.join(SOURCE_DIR, "definitions"))) {
      if (entry !== "library") fs.cpSync(path.join(SOURCE_DIR, "definitions", entry), path.join(manualDefinitions, entry), { recursive: true });
    }
    const ans = path.join(manualDefinitions, "authorization_definitions/ans.yml");
    const text = fs.readFileSync(ans, "utf8");
    assert.ok(text.includes("  public: true\n"));
    fs.writeFileSync(ans, text.replace("  public: true\n", "  public: true\n  features:\n    reopening: false\n    transfer: false\n"));
    manual = await startFormd({ definitions: manualDefinitions });
  });
  after(async () => {
    for (const srv of [server, manual]) {
      if (srv) {
        await srv.stop();
        srv.removeData();
      }
    }
    if (manualDefinitions) fs.rmSync(manualDefinitions, { recursive: true, force: true });
  });

  // ---- §2.3 Update / reopening --------------------------------------------------------

  test("§2.3 reopen: only the applicant, on the latest active habilitation, once; the same request goes back to draft and the habilitation stays active", async () => {
    const p = await cast();
    const v = await validated(p);
    const h = v.habilitation.id;
    assert.equal(v.request.reopening, false);
    assert.equal(v.request.reopened_at, null);

    // Who: a colleague (CAS 3: take it over first), an instructor, a reporter: 403; another organisation: 404.
    for (const [who, client] of [["colleague", p.colleague], ["instructor", p.instructor], ["reporter", p.reporter], ["admin", p.admin]]) {
      await refused(server, p.admin, v.id, 403, () => reopen(client, h), /demandeur/, `${who} reopens`);
    }
    await refused(server, p.admin, v.id, 404, () => reopen(p.stranger, h), /introuvable/, "stranger reopens");
    await refused(server, p.admin, v.id, 404, () => reopen(p.applicant, h + 100000), /introuvable/, "unknown habilitation");
    await refused(server, p.admin, v.id, 403, () => p.applicant.request("POST", `/api/v1/habilitations/${h}/reopen`, { json: {} }),
      null, "without the CSRF token");
    await refused(server, p.admin, v.id, 400, () => reopen(p.applicant, h, { reason: "x" }), /Clé inconnue/, "unknown key");
    // The applicant acting for another organisation (signed in with another SIRET) is a stranger to it.
    const elsewhere = await login({ email: p.applicant.email, siret: newSiret(), name: "Élise Demandeuse" });
    await refused(server, p.admin, v.id, 404, () => reopen(elsewhere, h), /introuvable/, "applicant for another organisation");
    await login({ email: p.applicant.email, siret: p.applicant.siret, name: "Élise Demandeuse" });

    const before = outbox(server, v.id).length;
    const reopened = await ok(await reopen(p.applicant, h), "reopen");
    assert.equal(reopened.id, v.id, "the same request");
    assert.equal(reopened.state, "draft");
    assert.equal(reopened.reopening, true);
    assert.equal(typeof reopened.reopened_at, "number");
    assert.ok(reopened.reopened_at >= v.request.updated_at);
    assert.equal(reopened.habilitations.length, 1);
    assert.equal(reopened.habilitations[0].id, h);
    assert.equal(reopened.habilitations[0].state, "active", "the habilitation stays active");
    assert.equal((await ok(await p.applicant.get(`/api/v1/habilitations/${h}`), "habilitation")).state, "active");
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "reopen");
    assert.equal(events[0].habilitation_id, h);
    assert.equal(events[0].actor_email, p.applicant.email);
    assert.equal(outbox(server, v.id).length, before, "a reopen sends no email");
    // Everyone who sees the request sees the update.
    for (const client of [p.colleague, p.instructor, p.reporter]) {
      const seen = await get(client, v.id);
      assert.equal(seen.reopening, true);
      assert.equal(seen.reopened_at, reopened.reopened_at);
    }

    // A second reopen: 409, nothing changes.
    await refused(server, p.admin, v.id, 409, () => reopen(p.applicant, h), /déjà en cours/, "second reopen");
  });

  test("§2.3 an update is sent only once something changed; it keeps the update's flag and records its changelog against the habilitation", async () => {
    const p = await cast();
    const v = await validated(p);
    await ok(await reopen(p.applicant, v.habilitation.id), "reopen");
    // Nothing changed: 422 (DataPass disables "Envoyer ma demande de modification").
    await refused(server, p.admin, v.id, 422, () => send(p.applicant, v.id), /à minima un changement/, "unchanged update");
    // Changed, then changed back: still nothing to send.
    await ok(await patch(p.applicant, v.id, { contact_technique_email: "autre@exemple.fr" }), "patch");
    await ok(await patch(p.applicant, v.id, { contact_technique_email: validDocument().contact_technique_email }), "patch back");
    await refused(server, p.admin, v.id, 422, () => send(p.applicant, v.id), /à minima un changement/, "changed back");
    // A colleague may not send it for the applicant.
    await refused(server, p.admin, v.id, 403, () => send(p.colleague, v.id), null, "colleague sends");

    await ok(await patch(p.applicant, v.id, { contact_technique_email: "nouveau.tech@exemple.fr" }), "patch");
    const sent = await ok(await send(p.applicant, v.id), "send");
    assert.equal(sent.state, "submitted");
    const seen = await get(p.instructor, v.id);
    assert.equal(seen.reopening, true, "a sent update is still an update");
    assert.equal(seen.habilitations[0].state, "active");
    const events = await ok(await p.instructor.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "submit");
    assert.deepEqual(events[0].changes.map((c) => [c.field, c.from, c.to]),
      [["contact_technique_email", validDocument().contact_technique_email, "nouveau.tech@exemple.fr"]]);
    // The update's emails (the last submit's), the reopening variants: the applicant and each instructor.
    const mails = outbox(server, v.id).filter((m) => m.event === "submit");
    const last = mails.slice(mails.findLastIndex((m) => m.audience === "applicant"));
    assert.match(subjects(last)[0], /^applicant:.*Votre demande de modification d’habilitation n°\d+/);
    const toInstructor = last.find((m) => m.to[0] === p.instructor.email);
    assert.ok(toInstructor, "the instructor is told");
    assert.match(toInstructor.subject, /^Demande de réouverture d’habilitation sur DataPass/);
  });

  test("§2.3 approving an update: a new active habilitation, the earlier one obsolete with its old data; two instructors at once make one", async () => {
    const p = await cast();
    const second = await login({ role: INSTRUCTOR, email: uniqueEmail("instructeur2") });
    const v = await validated(p);
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");

    // Concurrency: both approve at once; exactly one wins.
    const results = await Promise.all([
      p.instructor.api("POST", `/api/v1/requests/${v.id}/approve`, {}),
      second.api("POST", `/api/v1/requests/${v.id}/approve`, {}),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], results.map((r) => r.text).join("\n"));
    const approved = results.find((r) => r.status === 200).json;
    assert.equal(approved.state, "validated");
    assert.equal(approved.reopening, false, "the update is over");
    assert.equal(approved.reopened_at, null);
    const hs = (await get(p.applicant, v.id)).habilitations;
    assert.equal(hs.length, 2, "one new habilitation, not two");
    assert.equal(hs[0].id, v.habilitation.id);
    assert.equal(hs[0].state, "obsolete");
    assert.equal(hs[0].data.contact_technique_email, validDocument().contact_technique_email, "the old data stays");
    assert.equal(hs[1].state, "active");
    assert.equal(hs[1].data.contact_technique_email, "nouveau.tech@exemple.fr");
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events.filter((e) => e.name === "approve").length, 2, "the first approval and one of the update");
    assert.equal(events[0].habilitation_id, hs[1].id);
    assert.match(subjects(outbox(server, v.id).filter((m) => m.event === "approve" && m.audience === "applicant")).pop(),
      /Votre réouverture d’habilitation numéro \d+ vient d’être validée/);

    // The obsolete habilitation cannot be updated; the new one can.
    await refused(server, p.admin, v.id, 409, () => reopen(p.applicant, hs[0].id), /obsolète/, "reopen an obsolete habilitation");
    const again = await ok(await reopen(p.applicant, hs[1].id), "reopen the new habilitation");
    assert.equal(again.reopening, true);
  });

  test("§2.3 refusing an update: validated again with the habilitation's data, which stays active (not refused)", async () => {
    const p = await cast();
    const v = await validated(p);
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");
    await refused(server, p.admin, v.id, 422, () => p.instructor.api("POST", `/api/v1/requests/${v.id}/refuse`, { reason: " " }),
      /raison/i, "refuse without a reason");
    const res = await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/refuse`, { reason: "Le contact doit avoir un compte iSC." }),
      "refuse");
    assert.equal(res.state, "validated", "a refused update is validated again, not refused");
    assert.equal(res.reopening, false);
    assert.equal(res.reopened_at, null);
    assert.deepEqual(res.data, v.habilitation.data, "the habilitation's data is back");
    assert.equal(res.habilitations.length, 1, "no habilitation issued");
    assert.equal(res.habilitations[0].state, "active");
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "refuse");
    assert.equal(events[0].reason, "Le contact doit avoir un compte iSC.");
    const mail = outbox(server, v.id).filter((m) => m.event === "refuse").pop();
    assert.match(mail.subject, /Votre réouverture d’habilitation numéro \d+ a été refusée/);
    assert.ok(mail.text.includes("Le contact doit avoir un compte iSC."));
    // A first request refused is refused (both ways).
    const plain = await submitted(p.applicant);
    const refusedPlain = await ok(await p.instructor.api("POST", `/api/v1/requests/${plain.id}/refuse`, { reason: "Non." }), "refuse");
    assert.equal(refusedPlain.state, "refused");
    assert.equal(refusedPlain.reopening, false);
  });

  test("§2.3 changes requested on an update: still an update, edited and sent again, and the applicant may still cancel", async () => {
    const p = await cast();
    const v = await validated(p);
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");
    const changes = await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/request_changes`, { reason: "Précisez le contact." }),
      "request changes");
    assert.equal(changes.state, "changes_requested");
    assert.equal(changes.reopening, true);
    assert.equal(changes.habilitations[0].state, "active");
    assert.match(outbox(server, v.id).filter((m) => m.event === "request_changes").pop().subject, /Votre demande de mise à jour de l’habilitation/);
    await ok(await patch(p.applicant, v.id, { contact_technique_email: "encore.autre@exemple.fr" }), "patch");
    const cancelled = await ok(await cancel(p.applicant, v.id), "applicant cancels after changes were asked");
    assert.equal(cancelled.state, "validated");
    assert.deepEqual(cancelled.data, v.habilitation.data);
    // Sent again this time, then approved.
    await inUpdate(p, v, "troisieme@exemple.fr");
    await ok(await send(p.applicant, v.id), "send");
    await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/request_changes`, { reason: "Encore." }), "changes");
    await ok(await patch(p.applicant, v.id, { contact_technique_email: "quatrieme@exemple.fr" }), "patch");
    const resent = await ok(await send(p.applicant, v.id), "send again");
    assert.equal(resent.state, "submitted");
    assert.equal((await get(p.applicant, v.id)).reopening, true);
  });

  test("§2.3 cancel_reopening: the applicant until the update is sent (no reason), an instructor at any point (reason required), never without an update", async () => {
    const p = await cast();
    const v = await validated(p);
    // Never reopened: 409 for both.
    await refused(server, p.admin, v.id, 409, () => cancel(p.applicant, v.id), /Aucune mise à jour/, "applicant, no update");
    await refused(server, p.admin, v.id, 409, () => cancel(p.instructor, v.id, { reason: "x" }), /Aucune mise à jour/, "instructor, no update");

    await inUpdate(p, v);
    for (const [who, client] of [["colleague", p.colleague], ["reporter", p.reporter]]) {
      await refused(server, p.admin, v.id, 403, () => cancel(client, v.id), null, `${who} cancels`);
    }
    await refused(server, p.admin, v.id, 404, () => cancel(p.stranger, v.id), null, "stranger cancels");
    const byApplicant = await ok(await cancel(p.applicant, v.id), "applicant cancels a draft update");
    assert.equal(byApplicant.state, "validated");
    assert.equal(byApplicant.reopening, false);
    assert.equal(byApplicant.reopened_at, null);
    assert.deepEqual(byApplicant.data, v.habilitation.data, "data restored from the habilitation");
    assert.equal(byApplicant.habilitations.length, 1);
    assert.equal(byApplicant.habilitations[0].state, "active");
    let events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "cancel_reopening");
    assert.equal(events[0].reason, null);
    assert.equal(events[0].habilitation_id, v.habilitation.id);

    // Sent: the applicant can no longer cancel; an instructor can, with a reason.
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");
    await refused(server, p.admin, v.id, 409, () => cancel(p.applicant, v.id), /seul un instructeur/, "applicant cancels a sent update");
    await refused(server, p.admin, v.id, 422, () => cancel(p.instructor, v.id), /raison de l’annulation/, "instructor without reason");
    await refused(server, p.admin, v.id, 422, () => cancel(p.instructor, v.id, { reason: "  " }), /raison de l’annulation/, "blank reason");
    const byInstructor = await ok(await cancel(p.instructor, v.id, { reason: "Demande faite par erreur." }), "instructor cancels");
    assert.equal(byInstructor.state, "validated");
    assert.deepEqual(byInstructor.data, v.habilitation.data);
    events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "cancel_reopening");
    assert.equal(events[0].reason, "Demande faite par erreur.");
    assert.equal(events[0].actor_email, p.instructor.email);
    // An instructor cancels a draft update too.
    await inUpdate(p, v);
    assert.equal((await ok(await cancel(p.instructor, v.id, { reason: "Doublon." }), "instructor cancels a draft")).state, "validated");
  });

  test("§2.3 features.reopening off: 403 for the applicant, nothing changes", async () => {
    const p = await cast(manual);
    const v = await validated(p);
    await refused(manual, p.admin, v.id, 403, () => reopen(p.applicant, v.habilitation.id), /n’est pas disponible pour « API Pro Santé Connect »/,
      "reopen with reopening off");
  });

  // ---- §2.4 Transfer ------------------------------------------------------------------

  test("§2.4 the applicant transfers to a colleague by email (CAS 2): an account, the same organisation, not oneself; both are emailed", async () => {
    const p = await cast();
    const v = await validated(p);
    const neverLoggedIn = uniqueEmail("jamais");
    grant(server, neverLoggedIn, "ans:autre_api:reporter"); // a user without an account yet
    const body = (email) => (email === undefined ? {} : { email });
    for (const [what, email, status, message] of [
      ["no email", undefined, 422, /Indiquez l’email du nouveau demandeur/],
      ["a blank email", "  ", 422, /Indiquez l’email du nouveau demandeur/],
      ["oneself", p.applicant.email.toUpperCase(), 422, /^Vous ne pouvez pas transférer cette demande à la même personne$/],
      ["no account", "personne@exemple.fr", 422, /ne possède pas de compte sur DataPass.*numero de siret \d{14}/],
      ["a user who never signed in", neverLoggedIn, 422, /ne possède pas de compte sur DataPass/],
      ["another organisation", p.stranger.email, 422, /n'appartient pas à la même organisation \(numero de siret \d{14}\) que la demande d'habilitation\. Celui-ci doit d'abord se connecter via ProConnect/],
    ]) {
      await refused(server, p.admin, v.id, status, () => transfer(p.applicant, v.id, body(email)), message, what);
    }
    await refused(server, p.admin, v.id, 400, () => transfer(p.applicant, v.id, { email: 42 }), /chaîne/, "email not a string");
    await refused(server, p.admin, v.id, 400, () => transfer(p.applicant, v.id, { email: null }), /chaîne/, "email null");
    await refused(server, p.admin, v.id, 400, () => transfer(p.applicant, v.id, { to: p.colleague.email }), /Clé inconnue/, "unknown key");

    // Mixed case and spaces: the colleague's account.
    const moved = await ok(await transfer(p.applicant, v.id, { email: `  ${p.colleague.email.toUpperCase()} ` }), "transfer");
    assert.equal(moved.id, v.id);
    assert.equal(moved.applicant.email, p.colleague.email);
    assert.equal(moved.state, "validated");
    assert.deepEqual(moved.data, v.request.data);
    assert.deepEqual(moved.habilitations.map((h) => [h.id, h.state]), [[v.habilitation.id, "active"]]);
    const events = await ok(await p.colleague.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "transfer");
    assert.equal(events[0].actor_email, p.applicant.email);
    assert.deepEqual(events[0].changes.map((c) => [c.field, c.from, c.to]), [["applicant", p.applicant.email, p.colleague.email]]);
    const mails = outbox(server, v.id).filter((m) => m.event === "transfer");
    assert.deepEqual(mails.map((m) => `${m.audience}:${m.to[0]}`), [`applicant:${p.colleague.email}`, `previous_applicant:${p.applicant.email}`]);
    for (const m of mails) assert.match(m.subject, /^Transfert de la demande d’habilitation n°\d+ réussie$/);

    // Now the colleague is the applicant: they update it; the former applicant no longer may.
    await refused(server, p.admin, v.id, 403, () => reopen(p.applicant, v.habilitation.id), null, "former applicant reopens");
    assert.equal((await ok(await reopen(p.colleague, v.habilitation.id), "new applicant reopens")).reopening, true);
  });

  test("§2.4 the new applicant needs the request's organisation among theirs, not as their current one; the request stays in it", async () => {
    const p = await cast();
    const v = await validated(p);
    // A colleague who belongs to the organisation but now acts for another one
    // (two logins, the last with another SIRET: the first stays linked).
    const email = uniqueEmail("deux-organisations");
    await login({ email, siret: p.applicant.siret, name: "Inès Double" });
    const elsewhere = await login({ email, name: "Inès Double" });
    assert.notEqual(elsewhere.siret, p.applicant.siret);
    const moved = await ok(await transfer(p.applicant, v.id, { email }), "transfer to a member whose current organisation is another");
    assert.equal(moved.applicant.email, email);
    assert.equal(moved.organization_siret, p.applicant.siret);
    const events = await ok(await p.admin.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.deepEqual(events[0].changes.map((c) => c.field), ["applicant"], "the organisation does not change");
    // The request is the organisation's: its new applicant sees it once they act for it again, not before.
    assert.equal((await elsewhere.get(`/api/v1/requests/${v.id}`)).status, 404);
    const back = await login({ email, siret: p.applicant.siret, name: "Inès Double" });
    assert.equal((await ok(await back.get(`/api/v1/requests/${v.id}`), "the new applicant, back in the organisation")).applicant.email, email);
  });

  test("§2.4 not on a plain draft; an update in progress, a submitted request are transferred and stay as they are", async () => {
    const p = await cast();
    const created = await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    assert.equal(created.status, 201);
    for (const [who, call] of [
      ["applicant", () => transfer(p.applicant, created.json.id, { email: p.colleague.email })],
      ["colleague", () => transfer(p.colleague, created.json.id)],
      ["instructor", () => transfer(p.instructor, created.json.id, { email: p.colleague.email })],
    ]) {
      await refused(server, p.admin, created.json.id, 409, call, /brouillon ne peut pas être transférée/, `${who} on a plain draft`);
    }
    // A submitted request.
    const s = await submitted(p.applicant);
    const movedSubmitted = await ok(await transfer(p.applicant, s.id, { email: p.colleague.email }), "submitted");
    assert.equal(movedSubmitted.state, "submitted");
    // An update in progress stays in progress.
    const v = await validated(p);
    await inUpdate(p, v);
    const before = await get(p.admin, v.id);
    const moved = await ok(await transfer(p.applicant, v.id, { email: p.colleague.email }), "update in progress");
    assert.equal(moved.state, "draft");
    assert.equal(moved.reopening, true);
    assert.equal(moved.reopened_at, before.reopened_at);
    assert.deepEqual(moved.data, before.data);
    assert.equal(moved.version, before.version + 1);
    // The new applicant sends it; the former one may not cancel it.
    await refused(server, p.admin, v.id, 403, () => cancel(p.applicant, v.id), null, "former applicant cancels");
    assert.equal((await ok(await send(p.colleague, v.id), "new applicant sends")).state, "submitted");
    // A deleted request is not transferred.
    const gone = await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    await ok(await archive(p.applicant, gone.json.id), "archive");
    await refused(server, p.admin, gone.json.id, 409, () => transfer(p.instructor, gone.json.id, { email: p.colleague.email }),
      /supprimée/, "archived");
  });

  test("§2.4 a colleague takes it over (CAS 3), then may update it; they cannot send it to a third person", async () => {
    const p = await cast();
    const third = await login({ siret: p.applicant.siret, email: uniqueEmail("tiers") });
    const v = await validated(p);
    await refused(server, p.admin, v.id, 403, () => transfer(p.colleague, v.id, { email: third.email }), /votre propre compte/, "colleague to a third person");
    await refused(server, p.admin, v.id, 403, () => transfer(p.reporter, v.id), null, "reporter takes over");
    await refused(server, p.admin, v.id, 403, () => transfer(p.reporter, v.id, { email: p.colleague.email }), null, "reporter transfers");
    await refused(server, p.admin, v.id, 404, () => transfer(p.stranger, v.id), null, "stranger takes over");
    await refused(server, p.admin, v.id, 404, () => transfer(p.stranger, v.id, { email: p.colleague.email }), null, "stranger transfers");
    const taken = await ok(await transfer(p.colleague, v.id), "take over");
    assert.equal(taken.applicant.email, p.colleague.email);
    // Their own email is a take-over too.
    const back = await ok(await transfer(p.applicant, v.id, { email: p.applicant.email }), "take back");
    assert.equal(back.applicant.email, p.applicant.email);
    await ok(await transfer(p.colleague, v.id), "take over again");
    const mails = outbox(server, v.id).filter((m) => m.event === "transfer");
    assert.equal(mails.length, 6, "two emails per transfer");
    assert.equal((await ok(await reopen(p.colleague, v.habilitation.id), "the colleague updates it")).state, "draft");
  });

  test("§2.4 an instructor transfers within the organisation, an admin to another organisation", async () => {
    const p = await cast();
    const v = await validated(p);
    for (const [what, email, message] of [
      ["no email", undefined, /Indiquez l’email/],
      ["unknown", "inconnu@exemple.fr", /Aucun utilisateur n'a été trouvé avec l'email fourni/],
      ["the applicant", p.applicant.email, /même personne/],
      ["another organisation", p.stranger.email, /L'utilisateur doit appartenir à la même organisation \(numéro de siret: \d{14}\)\./],
    ]) {
      await refused(server, p.admin, v.id, 422, () => transfer(p.instructor, v.id, email === undefined ? {} : { email }), message, `instructor: ${what}`);
    }
    const moved = await ok(await transfer(p.instructor, v.id, { email: p.colleague.email }), "instructor transfers");
    assert.equal(moved.applicant.email, p.colleague.email);
    assert.equal((await ok(await p.colleague.get(`/api/v1/requests/${v.id}/events`), "events"))[0].actor_email, p.instructor.email);

    // An admin moves it to another organisation: the request and its habilitation go there.
    const elsewhere = await ok(await transfer(p.admin, v.id, { email: p.stranger.email }), "admin transfers");
    assert.equal(elsewhere.applicant.email, p.stranger.email);
    assert.equal(elsewhere.state, "validated");
    assert.equal((await p.colleague.get(`/api/v1/requests/${v.id}`)).status, 404, "the old organisation no longer sees it");
    assert.equal((await p.applicant.get(`/api/v1/habilitations/${v.habilitation.id}`)).status, 404);
    assert.equal((await ok(await p.stranger.get(`/api/v1/habilitations/${v.habilitation.id}`), "habilitation")).state, "active");
    const events = await ok(await p.stranger.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.deepEqual(events[0].changes.map((c) => c.field), ["applicant", "organization_siret"]);
    assert.equal(events[0].changes[1].to, p.stranger.siret);
    assert.equal((await ok(await reopen(p.stranger, v.habilitation.id), "the new applicant updates it")).reopening, true);
  });

  test("§2.4 features.transfer off: the applicant and colleagues get 403 pointing to the manual transfer; instructors still transfer", async () => {
    const p = await cast(manual);
    const v = await validated(p);
    await refused(manual, p.admin, v.id, 403, () => transfer(p.applicant, v.id, { email: p.colleague.email }),
      /transfert automatique n'est pas disponible pour « API Pro Santé Connect ».*contactez le fournisseur/, "applicant, transfer off");
    await refused(manual, p.admin, v.id, 403, () => transfer(p.colleague, v.id), /transfert automatique n'est pas disponible/, "colleague, transfer off");
    assert.equal((await ok(await transfer(p.instructor, v.id, { email: p.colleague.email }), "instructor")).applicant.email, p.colleague.email);
  });

  test("§2.4 a transfer racing edits, sending and another transfer of an update loses nothing", async () => {
    const p = await cast();
    const v = await validated(p);
    await ok(await reopen(p.applicant, v.habilitation.id), "reopen");
    for (let round = 0; round < 8; round++) {
      const current = await get(p.admin, v.id);
      const owner = current.applicant.email === p.applicant.email ? p.applicant : p.colleague;
      const other = owner === p.applicant ? p.colleague : p.applicant;
      const value = `round${round}@exemple.fr`;
      // The owner edits while the other takes it over.
      const [edit, take] = await Promise.all([
        owner.api("PATCH", `/api/v1/requests/${v.id}`, { version: current.version, data: { contact_technique_email: value } }),
        transfer(other, v.id),
      ]);
      assert.equal(take.status, 200, `round ${round} transfer: ${take.text}`);
      assert.ok([200, 403, 409].includes(edit.status), `round ${round} edit: ${edit.status} ${edit.text}`);
      const after = await get(p.admin, v.id);
      assert.equal(after.applicant.email, other.email);
      assert.equal(after.state, "draft");
      assert.equal(after.reopening, true);
      assert.equal(after.reopened_at, current.reopened_at);
      if (edit.status === 200) assert.equal(after.data.contact_technique_email, value, `round ${round}: an edit that succeeded is kept`);
      else assert.equal(after.data.contact_technique_email, current.data.contact_technique_email, `round ${round}: a refused edit wrote nothing`);
      assert.equal(after.version, current.version + 1 + (edit.status === 200 ? 1 : 0), `round ${round}: every write counted once`);
    }
    // Two transfers at once: one after the other, each decided on what it found (both succeed, or one is refused visibly).
    const owner = (await get(p.admin, v.id)).applicant.email === p.applicant.email ? p.applicant : p.colleague;
    const third = await login({ siret: p.applicant.siret, email: uniqueEmail("tiers") });
    const both = await Promise.all([transfer(third, v.id), transfer(owner, v.id, { email: owner === p.applicant ? p.colleague.email : p.applicant.email })]);
    for (const r of both) assert.ok([200, 403, 409].includes(r.status), r.text);
    const transfersBefore = (await ok(await p.admin.get(`/api/v1/requests/${v.id}/events`), "events")).filter((e) => e.name === "transfer");
    assert.ok(transfersBefore.length >= 9);
    // Sending races a transfer: the update is sent once, and stays an update.
    const current = await get(p.admin, v.id);
    const sender = [p.applicant, p.colleague, third].find((c) => c.email === current.applicant.email);
    await ok(await patch(sender, v.id, { contact_technique_email: "final@exemple.fr" }), "patch");
    const fresh = await get(p.admin, v.id);
    const taker = [p.applicant, p.colleague, third].find((c) => c.email !== fresh.applicant.email);
    const [sent, taken] = await Promise.all([
      sender.api("POST", `/api/v1/requests/${v.id}/submit`, { version: fresh.version }),
      transfer(taker, v.id),
    ]);
    assert.equal(taken.status, 200, taken.text);
    assert.ok([200, 403, 409].includes(sent.status), sent.text);
    const last = await get(p.admin, v.id);
    assert.equal(last.applicant.email, taker.email);
    assert.equal(last.state, sent.status === 200 ? "submitted" : "draft");
    assert.equal(last.reopening, true);
    assert.equal(last.data.contact_technique_email, "final@exemple.fr");
  });

  // ---- §2.5 Revocation ----------------------------------------------------------------

  test("§2.5 revoking a request: instructors, validated only, reason required; every active habilitation revoked, obsolete ones stay; the applicant is emailed", async () => {
    const p = await cast();
    const v = await validated(p);
    // A second habilitation: the first becomes obsolete.
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");
    await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/approve`, {}), "approve the update");
    for (const [who, client, status] of [["applicant", p.applicant, 403], ["colleague", p.colleague, 403], ["reporter", p.reporter, 403],
                                         ["stranger", p.stranger, 404]]) {
      await refused(server, p.admin, v.id, status, () => revoke(client, v.id, { reason: "x" }), null, `${who} revokes`);
    }
    await refused(server, p.admin, v.id, 422, () => revoke(p.instructor, v.id), /motifs de révocation/, "no reason");
    await refused(server, p.admin, v.id, 422, () => revoke(p.instructor, v.id, { reason: " \n " }), /motifs de révocation/, "blank reason");
    await refused(server, p.admin, v.id, 422, () => revoke(p.instructor, v.id, { reason: 3 }), /motifs de révocation/, "reason not a string");
    const res = await ok(await revoke(p.instructor, v.id, { reason: "Fin de la convention." }), "revoke");
    assert.equal(res.state, "revoked");
    assert.deepEqual(res.habilitations.map((h) => h.state), ["obsolete", "revoked"]);
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "revoke");
    assert.equal(events[0].reason, "Fin de la convention.");
    const mail = outbox(server, v.id).filter((m) => m.event === "revoke").pop();
    assert.equal(mail.to[0], p.applicant.email);
    assert.ok(mail.text.includes("Fin de la convention."));
    // Revoked: not again, not updated.
    await refused(server, p.admin, v.id, 409, () => revoke(p.instructor, v.id, { reason: "encore" }), /validée/, "revoke again");
    await refused(server, p.admin, v.id, 409, () => reopen(p.applicant, res.habilitations[1].id), /révoquée/, "reopen a revoked habilitation");
    // Not a submitted request, nor an update in progress.
    const s = await submitted(p.applicant);
    await refused(server, p.admin, s.id, 409, () => revoke(p.instructor, s.id, { reason: "x" }), null, "revoke a submitted request");
    const u = await validated(p);
    await inUpdate(p, u);
    await refused(server, p.admin, u.id, 409, () => revoke(p.instructor, u.id, { reason: "x" }), /mise à jour .* en cours/, "revoke an update");
  });

  test("§2.5 revoking one habilitation: only an active one; the request is revoked once none is active; not during an update", async () => {
    const p = await cast();
    const v = await validated(p);
    await inUpdate(p, v);
    // During an update: cancel it first.
    await refused(server, p.admin, v.id, 409, () => revokeOne(p.instructor, v.habilitation.id, { reason: "x" }), /annulez-la/, "during an update");
    await ok(await cancel(p.instructor, v.id, { reason: "Révocation à venir." }), "cancel");
    // An update approved: the old one is obsolete.
    await inUpdate(p, v);
    await ok(await send(p.applicant, v.id), "send");
    const approved = await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/approve`, {}), "approve");
    const [old, current] = approved.habilitations;
    await refused(server, p.admin, v.id, 409, () => revokeOne(p.instructor, old.id, { reason: "x" }), /obsolète/, "an obsolete habilitation");
    for (const [who, client, status] of [["applicant", p.applicant, 403], ["reporter", p.reporter, 403], ["stranger", p.stranger, 404]]) {
      await refused(server, p.admin, v.id, status, () => revokeOne(client, current.id, { reason: "x" }), null, `${who} revokes one`);
    }
    await refused(server, p.admin, v.id, 404, () => revokeOne(p.instructor, current.id + 100000, { reason: "x" }), /Habilitation introuvable/, "unknown");
    await refused(server, p.admin, v.id, 422, () => revokeOne(p.instructor, current.id, {}), /motifs de révocation/, "no reason");
    const res = await ok(await revokeOne(p.instructor, current.id, { reason: "Usage abusif." }), "revoke one");
    assert.equal(res.state, "revoked", "no active habilitation left");
    assert.deepEqual(res.habilitations.map((h) => [h.id, h.state]), [[old.id, "obsolete"], [current.id, "revoked"]]);
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events[0].name, "revoke");
    assert.equal(events[0].habilitation_id, current.id);
    assert.equal(events[0].reason, "Usage abusif.");
    const mail = outbox(server, v.id).filter((m) => m.event === "revoke").pop();
    assert.match(mail.subject, new RegExp(`Votre habilitation H${current.id} à API Pro Santé Connect a été révoquée`));
    await refused(server, p.admin, v.id, 409, () => revokeOne(p.instructor, current.id, { reason: "x" }), /déjà révoquée/, "revoke it again");
  });

  // ---- §2.6 Archive --------------------------------------------------------------------

  test("§2.6 the applicant deletes their own draft, refused or revoked request without an active habilitation; instructors delete drafts", async () => {
    const p = await cast();
    const draft = async () => (await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} })).json;
    // Allowed.
    assert.equal((await ok(await archive(p.applicant, (await draft()).id), "own draft")).state, "archived");
    const r = await submitted(p.applicant);
    await ok(await p.instructor.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: "Non." }), "refuse");
    assert.equal((await ok(await archive(p.applicant, r.id), "refused")).state, "archived");
    const rv = await validated(p);
    await ok(await revoke(p.instructor, rv.id, { reason: "Fin." }), "revoke");
    assert.equal((await ok(await archive(p.applicant, rv.id), "revoked")).state, "archived");
    assert.equal((await ok(await archive(p.instructor, (await draft()).id), "instructor, a draft")).state, "archived");

    // Refused.
    const d = await draft();
    await refused(server, p.admin, d.id, 403, () => archive(p.colleague, d.id), null, "a colleague's draft");
    await refused(server, p.admin, d.id, 403, () => archive(p.reporter, d.id), null, "reporter");
    await refused(server, p.admin, d.id, 404, () => archive(p.stranger, d.id), null, "stranger");
    const s = await submitted(p.applicant);
    await refused(server, p.admin, s.id, 409, () => archive(p.applicant, s.id), null, "submitted");
    const v = await validated(p);
    await refused(server, p.admin, v.id, 409, () => archive(p.applicant, v.id), null, "validated");
    await inUpdate(p, v);
    await refused(server, p.admin, v.id, 409, () => archive(p.applicant, v.id), null, "a reopened draft (applicant)");
    await refused(server, p.admin, v.id, 409, () => archive(p.instructor, v.id), null, "a reopened draft (instructor)");
    const r2 = await submitted(p.applicant);
    await ok(await p.instructor.api("POST", `/api/v1/requests/${r2.id}/refuse`, { reason: "Non." }), "refuse");
    await refused(server, p.admin, r2.id, 409, () => archive(p.instructor, r2.id), null, "instructor, a refused request");
    // Archived: nothing more.
    const gone = await draft();
    await ok(await archive(p.applicant, gone.id), "archive");
    await refused(server, p.admin, gone.id, 409, () => archive(p.applicant, gone.id), null, "archive twice");
  });

  test("§2.3 two reopens at once: one update", async () => {
    const p = await cast();
    const v = await validated(p);
    const results = await Promise.all([reopen(p.applicant, v.habilitation.id), reopen(p.applicant, v.habilitation.id)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], results.map((r) => r.text).join("\n"));
    const events = await ok(await p.applicant.get(`/api/v1/requests/${v.id}/events`), "events");
    assert.equal(events.filter((e) => e.name === "reopen").length, 1);
  });
});
