// Messaging over HTTP (issue 10, LIFECYCLE.md §2.7, with §2.8's history
// events and §2.11's emails): the applicant posts on their side and the
// instructors of the definition on theirs, in every state but archived;
// organisation members and reporters read a sent request's conversation and
// never post; outsiders get 404; `features.messaging` off refuses both;
// "Corps du message" is required. Each message adds one to the other side's
// unread counter, which resets when that side reads the conversation (API
// or page); the counters show on the applicant's dashboard card and request
// page, in the instruction list and on the instruction page. Every refusal
// changes nothing: the request, its history, the outbox, the conversation
// and the counters are compared before and after. Emails are checked in the
// outbox and as delivered .eml files (formd runs without --smtp-url).
// Two formd: the repository's definitions, and a copy whose API Pro Santé
// Connect turns messaging off (DGFiP-style).
//
//   FORMD=build/runtime/formd/formd node tests/formd/messaging_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.messaging: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const { Client, newSiret, uniqueEmail, validDocument, PAYLOADS, assertEscaped, pageText, csrfOf, linkHrefs } = require("./client");

const PSC = "api-pro-sante-connect";
const INSTRUCTOR = "ans:api_pro_sante_connect:instructor";
const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const PYTHON = "/usr/bin/python3";

let server; // the repository's definitions
let silent; // messaging off
let silentDefinitions;
// The instructors of API Pro Santé Connect granted so far, per server: an
// applicant's message is emailed to each of them.
const instructors = new Map();

// ---- Helpers ---------------------------------------------------------------------

function grant(srv, email, role) {
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", srv.dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

async function login({ srv = server, email = uniqueEmail("agent"), siret = newSiret(), role, name = "Agent Test" } = {}) {
  if (role) grant(srv, email, role);
  if (role === INSTRUCTOR) {
    if (!instructors.has(srv)) instructors.set(srv, new Set());
    instructors.get(srv).add(email);
  }
  const client = new Client(srv.url);
  const res = await client.post("/api/v1/session", { json: { email, name, siret } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  client.email = email;
  client.name = name;
  client.siret = siret;
  return client;
}

// The actors of one conversation: the applicant, a colleague of the same
// organisation, two instructors and a reporter of the definition, a user of
// another organisation, and an instructor of no definition here.
async function cast(srv = server) {
  const applicant = await login({ srv, email: uniqueEmail("demandeur"), name: "Élise Demandeuse" });
  return {
    applicant,
    colleague: await login({ srv, email: uniqueEmail("collegue"), siret: applicant.siret, name: "Paul Collègue" }),
    instructor: await login({ srv, role: INSTRUCTOR, email: uniqueEmail("instructrice"), name: "Jean DUPONT" }),
    instructor2: await login({ srv, role: INSTRUCTOR, email: uniqueEmail("instructeur2"), name: "Lina Martin" }),
    reporter: await login({ srv, role: "ans:api_pro_sante_connect:reporter", name: "Rita Rapporteuse" }),
    stranger: await login({ srv, email: uniqueEmail("ailleurs") }),
    elsewhere: await login({ srv, role: "dgfip:*:instructor", email: uniqueEmail("dgfip") }),
  };
}

async function ok(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text}`);
  return res.json;
}

async function draft(applicant) {
  return ok(await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: validDocument() }), "create", 201);
}

async function submitted(applicant) {
  const created = await draft(applicant);
  return ok(await applicant.api("POST", `/api/v1/requests/${created.id}/submit`, { version: created.version }), "submit");
}

const post = (client, id, body) => client.api("POST", `/api/v1/requests/${id}/messages`, body);
const list = (client, id) => client.get(`/api/v1/requests/${id}/messages`);
const getRequest = async (client, id) => ok(await client.get(`/api/v1/requests/${id}`), `GET ${id}`);
const unread = async (observer, id) => (await getRequest(observer, id)).unread_messages;

// Rows of formd's database (read with Python's sqlite3): the outbox of
// request `id`, its conversation and its counters.
function dbRows(srv, sql, ...params) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute(sys.argv[2], sys.argv[3:]).fetchall()
print(json.dumps(rows))
`;
  const r = spawnSync(PYTHON, ["-c", script, path.join(srv.dataDir, "formd.sqlite3"), sql, ...params.map(String)], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function outbox(srv, id) {
  return dbRows(srv, "SELECT payload FROM outbox ORDER BY id").map((row) => JSON.parse(row[0])).filter((m) => m.request_id === id);
}

// Everything observable of a request's messaging: the request (with its
// unread counters), its history, its emails, its stored conversation and
// counters. Equal before and after a refused call.
async function snapshot(srv, observer, id) {
  return {
    request: await getRequest(observer, id),
    events: await ok(await observer.get(`/api/v1/requests/${id}/events`), "events"),
    outbox: outbox(srv, id),
    messages: dbRows(srv, "SELECT id, user_id, from_party, body, created_at FROM authorization_request_messages WHERE request_id = ? ORDER BY id", id),
    counters: dbRows(srv, "SELECT applicant_unread, instructor_unread FROM authorization_request_message_counters WHERE request_id = ?", id),
  };
}

// `call` is refused with `status` (a French message matching `message` for
// JSON answers), and nothing changes.
async function refused(srv, observer, id, status, call, message, what = "") {
  const before = await snapshot(srv, observer, id);
  const res = await call();
  assert.equal(res.status, status, `${what} expected ${status}: ${res.status} ${res.text}`);
  if (message) {
    const text = res.json && res.json.error ? res.json.error.message : pageText(res.text);
    assert.match(text, message, what);
  }
  assert.deepEqual(await snapshot(srv, observer, id), before, `${what}: nothing changed`);
  return res;
}

// The .eml files formd wrote (no --smtp-url) to `to` whose body contains `text`, waited for.
async function delivered(srv, to, text, count = 1) {
  const dir = path.join(srv.dataDir, "emails");
  const deadline = Date.now() + 15000;
  let found = [];
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".eml")) : [];
    found = files
      .map((n) => fs.readFileSync(path.join(dir, n), "latin1"))
      .filter((eml) => eml.toLowerCase().includes(`to: ${to.toLowerCase()}\r\n`) && decodeQuotedPrintable(eml).includes(text));
    if (found.length >= count) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return found.map(decodeQuotedPrintable);
}

// The body of an .eml (quoted-printable, UTF-8) as text (as email_test.js reads it).
function decodeQuotedPrintable(eml) {
  const body = eml.slice(eml.indexOf("\r\n\r\n") + 4).replace(/=\r\n/g, "");
  const bytes = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "=" && /^[0-9A-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(body.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n");
}

// A page's form post (the session's _csrf added).
function postForm(client, url, pairs) {
  return client.post(url, { form: [["_csrf", client.csrf], ...pairs] });
}

describe("formd messaging (issue 10, LIFECYCLE.md §2.7)", () => {
  before(async () => {
    server = await startFormd({});
    // A copy of the definitions whose API Pro Santé Connect turns messaging off.
    silentDefinitions = fs.mkdtempSync(path.join(os.tmpdir(), "formd-messaging-defs-"));
    for (const entry of fs.readdirSync(path.join(SOURCE_DIR, "definitions"))) {
      if (entry !== "library") fs.cpSync(path.join(SOURCE_DIR, "definitions", entry), path.join(silentDefinitions, entry), { recursive: true });
    }
    const ans = path.join(silentDefinitions, "authorization_definitions/ans.yml");
    const text = fs.readFileSync(ans, "utf8");
    assert.ok(text.includes("  public: true\n"));
    fs.writeFileSync(ans, text.replace("  public: true\n", "  public: true\n  features:\n    messaging: false\n"));
    silent = await startFormd({ definitions: silentDefinitions });
  });
  after(async () => {
    for (const srv of [server, silent]) {
      if (srv) {
        await srv.stop();
        srv.removeData();
      }
    }
    if (silentDefinitions) fs.rmSync(silentDefinitions, { recursive: true, force: true });
  });

  // ---- JSON API ---------------------------------------------------------------------

  test("the applicant posts: 201 with the message, an applicant_message event, one email to each instructor, the instructors' counter +1", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 0 });
    const before = outbox(server, r.id).length;
    const versionBefore = (await getRequest(p.reporter, r.id)).version;

    const res = await post(p.applicant, r.id, { body: "Bonjour,\nquelle est la durée de conservation attendue ?" });
    const answer = await ok(res, "applicant posts", 201);
    assert.equal(res.headers.get("location"), `/api/v1/requests/${r.id}/messages`);
    assert.equal(answer.message.request_id, r.id);
    assert.equal(answer.message.from, "applicant");
    assert.equal(answer.message.author.name, "Élise Demandeuse");
    assert.equal(answer.message.body, "Bonjour,\nquelle est la durée de conservation attendue ?");
    assert.ok(Number.isInteger(answer.message.id) && answer.message.created_at > 0);
    assert.deepEqual(answer.unread_messages, { applicant: 0, instructor: 1 });

    // The counter, as everyone sees it on the request; the request itself did not move.
    const after = await getRequest(p.reporter, r.id);
    assert.deepEqual(after.unread_messages, { applicant: 0, instructor: 1 });
    assert.equal(after.version, versionBefore, "a message does not change the request's version");
    assert.equal(after.state, "submitted");

    // History: the event, named after the applicant.
    const events = await ok(await p.reporter.get(`/api/v1/requests/${r.id}/events`), "events");
    assert.equal(events[0].name, "applicant_message");
    assert.equal(events[0].actor_email, p.applicant.email);

    // Emails: each instructor of the definition, not the applicant ("Nouveau message concernant …").
    const mails = outbox(server, r.id).slice(before);
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), [...instructors.get(server)].sort());
    assert.ok(mails.some((m) => m.to[0] === p.instructor.email) && mails.some((m) => m.to[0] === p.instructor2.email));
    assert.ok(!mails.some((m) => m.to[0] === p.applicant.email), "not the applicant");
    for (const m of mails) {
      assert.equal(m.audience, "instructor");
      assert.equal(m.event, "applicant_message");
      assert.match(m.subject, new RegExp(`^Nouveau message concernant la demande d’habilitation n°${r.id} – API Pro Santé Connect$`));
      assert.ok(m.text.includes(`/instruction/demandes/${r.id}/messagerie`), m.text);
      assert.ok(!m.text.includes("durée de conservation"), "the body stays in formd");
    }
    // Delivered (.eml under <data>/emails).
    for (const who of [p.instructor, p.instructor2]) {
      const eml = await delivered(server, who.email, `/instruction/demandes/${r.id}/messagerie`);
      assert.equal(eml.length, 1, `the email to ${who.email} was delivered once`);
      assert.ok(eml[0].includes("a envoyé un nouveau message concernant la demande d’habilitation n°" + r.id), eml[0]);
    }
  });

  test("an instructor posts: the applicant's counter +1 per message, one email to the applicant ('Vous avez reçu un nouveau message')", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const before = outbox(server, r.id).length;
    const first = await ok(await post(p.instructor, r.id, { body: "Pouvez-vous préciser le cadre juridique ?" }), "instructor posts", 201);
    assert.equal(first.message.from, "instructor");
    assert.equal(first.message.author.name, "Jean DUPONT");
    assert.deepEqual(first.unread_messages, { applicant: 1, instructor: 0 });
    await ok(await post(p.instructor2, r.id, { body: "Et la volumétrie." }), "second instructor posts", 201);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 2, instructor: 0 });

    const events = await ok(await p.reporter.get(`/api/v1/requests/${r.id}/events`), "events");
    assert.deepEqual(events.slice(0, 2).map((e) => [e.name, e.actor_email]),
      [["instructor_message", p.instructor2.email], ["instructor_message", p.instructor.email]]);

    const mails = outbox(server, r.id).slice(before);
    assert.equal(mails.length, 2);
    for (const m of mails) {
      assert.deepEqual(m.to, [p.applicant.email]);
      assert.equal(m.audience, "applicant");
      assert.equal(m.event, "instructor_message");
      assert.match(m.subject, new RegExp(`^Vous avez reçu un nouveau message concernant votre demande d’habilitation n°${r.id}$`));
      assert.ok(m.text.includes(`/demandes/${r.id}/messagerie`), m.text);
    }
    const eml = await delivered(server, p.applicant.email, `/demandes/${r.id}/messagerie`, 2);
    assert.equal(eml.length, 2, "both emails delivered to the applicant");
    assert.ok(eml[0].includes("Vous avez reçu un nouveau message des instructeurs de API Pro Santé Connect"), eml[0]);
  });

  test("the conversation lists both sides oldest first; reading resets the reader's side only, other readers reset nothing", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    await ok(await post(p.instructor, r.id, { body: "Question 1" }), "q1", 201);
    await ok(await post(p.instructor, r.id, { body: "Question 2" }), "q2", 201);
    await ok(await post(p.applicant, r.id, { body: "Réponse" }), "a1", 201);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 2, instructor: 1 });

    // The colleague and the reporter read: nothing resets.
    for (const [who, client] of [["colleague", p.colleague], ["reporter", p.reporter]]) {
      const seen = await ok(await list(client, r.id), `${who} reads`);
      assert.deepEqual(seen.messages.map((m) => [m.from, m.body]), [["instructor", "Question 1"], ["instructor", "Question 2"], ["applicant", "Réponse"]]);
      assert.equal(seen.can_post, false, `${who} may not post`);
      assert.equal(seen.side, null);
      assert.deepEqual(await unread(p.reporter, r.id), { applicant: 2, instructor: 1 }, `${who} reading reset nothing`);
    }
    // The applicant reads: their counter goes to 0, the instructors' stays.
    const mine = await ok(await list(p.applicant, r.id), "applicant reads");
    assert.equal(mine.side, "applicant");
    assert.equal(mine.can_post, true);
    assert.deepEqual(mine.messages.map((m) => m.author.name), ["Jean DUPONT", "Jean DUPONT", "Élise Demandeuse"]);
    assert.deepEqual(mine.unread_messages, { applicant: 0, instructor: 1 });
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 1 });
    // An instructor reads (any of them: one shared side): theirs goes to 0.
    const theirs = await ok(await list(p.instructor2, r.id), "instructor reads");
    assert.equal(theirs.side, "instructor");
    assert.deepEqual(theirs.unread_messages, { applicant: 0, instructor: 0 });
    // A new message counts again; reading writes no history event.
    const events = (await ok(await p.reporter.get(`/api/v1/requests/${r.id}/events`), "events")).length;
    await ok(await post(p.applicant, r.id, { body: "Encore" }), "a2", 201);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 1 });
    assert.equal((await ok(await p.reporter.get(`/api/v1/requests/${r.id}/events`), "events")).length, events + 1);
  });

  test("organisation members and reporters read but may not post (403); outsiders get 404; nothing changes", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    await ok(await post(p.instructor, r.id, { body: "Bonjour" }), "instructor posts", 201);
    for (const [who, client] of [["colleague", p.colleague], ["reporter", p.reporter]]) {
      await refused(server, p.reporter, r.id, 403, () => post(client, r.id, { body: "Je voudrais aussi écrire." }),
        /Seuls le demandeur et les instructeurs/, `${who} posts`);
      // Even with an empty body: who they are comes first.
      await refused(server, p.reporter, r.id, 403, () => post(client, r.id, { body: "" }), /Seuls le demandeur/, `${who} posts nothing`);
    }
    for (const [who, client] of [["stranger", p.stranger], ["instructor of another provider", p.elsewhere]]) {
      await refused(server, p.reporter, r.id, 404, () => post(client, r.id, { body: "Bonjour" }), /introuvable/, `${who} posts`);
      await refused(server, p.reporter, r.id, 404, () => list(client, r.id), /introuvable/, `${who} reads`);
    }
    await refused(server, p.reporter, r.id, 404, () => post(p.applicant, r.id + 100000, { body: "x" }), /introuvable/, "unknown request");
    assert.equal((await list(p.applicant, r.id + 100000)).status, 404);
    // The applicant signed in for another organisation is a stranger to it.
    const away = await login({ email: p.applicant.email, siret: newSiret(), name: "Élise Demandeuse" });
    await refused(server, p.reporter, r.id, 404, () => post(away, r.id, { body: "x" }), /introuvable/, "applicant for another organisation");
  });

  test("a draft: the applicant and instructors write and read, members and reporters may not read it yet (409); an archived request takes no message (409) but is still read", async () => {
    const p = await cast();
    const d = await draft(p.applicant);
    await ok(await post(p.applicant, d.id, { body: "Une question avant d’envoyer." }), "applicant on a draft", 201);
    await ok(await post(p.instructor, d.id, { body: "Réponse sur le brouillon." }), "instructor on a draft", 201);
    assert.equal((await ok(await list(p.instructor, d.id), "instructor reads a draft")).messages.length, 2);
    await refused(server, p.instructor, d.id, 409, () => list(p.colleague, d.id), /brouillon/, "colleague reads a draft");
    await refused(server, p.instructor, d.id, 409, () => list(p.reporter, d.id), /brouillon/, "reporter reads a draft");
    await refused(server, p.instructor, d.id, 403, () => post(p.colleague, d.id, { body: "x" }), /Seuls/, "colleague posts on a draft");

    // Validated requests take messages from both sides (LIFECYCLE.md §2.7).
    const v = await submitted(p.applicant);
    await ok(await p.instructor.api("POST", `/api/v1/requests/${v.id}/approve`, {}), "approve");
    await ok(await post(p.instructor, v.id, { body: "Habilitation délivrée." }), "instructor on a validated request", 201);
    await ok(await post(p.applicant, v.id, { body: "Merci." }), "applicant on a validated request", 201);

    // Archived: nobody writes any more; the conversation stays readable.
    await ok(await p.instructor.api("POST", `/api/v1/requests/${d.id}/archive`, {}), "archive");
    for (const [who, client] of [["applicant", p.applicant], ["instructor", p.instructor]]) {
      await refused(server, p.instructor, d.id, 409, () => post(client, d.id, { body: "Encore là ?" }), /supprimée/, `${who} on an archived request`);
    }
    assert.equal((await ok(await list(p.reporter, d.id), "reporter reads an archived request")).messages.length, 2);
  });

  test("'Corps du message' is required and bounded: 422 with a French message; malformed calls 400 / 401 / 403 / 415; nothing changes", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    for (const [what, body] of [["missing", {}], ["empty", { body: "" }], ["blank", { body: " \n\t " }]]) {
      const res = await refused(server, p.reporter, r.id, 422, () => post(p.applicant, r.id, body), /« Corps du message » est requis/, `${what} body`);
      assert.equal(res.json.error.details[0].field, "body");
      await refused(server, p.reporter, r.id, 422, () => post(p.instructor, r.id, body), /Corps du message/, `instructor, ${what} body`);
    }
    await refused(server, p.reporter, r.id, 422, () => post(p.applicant, r.id, { body: "é".repeat(5001) }), /dépasse 10000 octets/, "too long");
    await refused(server, p.reporter, r.id, 422, () => post(p.applicant, r.id, { body: "bonjour\u0000" }), /caractères de contrôle/, "NUL");
    await refused(server, p.reporter, r.id, 422, () => post(p.applicant, r.id, { body: "a\u001bb" }), /caractères de contrôle/, "ESC");
    await refused(server, p.reporter, r.id, 400, () => post(p.applicant, r.id, { body: 42 }), /chaîne de caractères/, "not a string");
    await refused(server, p.reporter, r.id, 400, () => post(p.applicant, r.id, { body: "x", to: "y" }), /Clé inconnue/, "unknown key");
    await refused(server, p.reporter, r.id, 400, () => post(p.applicant, r.id, ["x"]), /objet JSON/, "not an object");
    await refused(server, p.reporter, r.id, 415, () => p.applicant.request("POST", `/api/v1/requests/${r.id}/messages`,
      { body: "body=x", headers: { "content-type": "application/x-www-form-urlencoded" }, csrf: true }), /JSON/, "a form post");
    await refused(server, p.reporter, r.id, 403, () => p.applicant.request("POST", `/api/v1/requests/${r.id}/messages`, { json: { body: "x" } }),
      /X-CSRF-Token/, "without the CSRF token");
    await refused(server, p.reporter, r.id, 401, () => new Client(server.url).request("POST", `/api/v1/requests/${r.id}/messages`,
      { json: { body: "x" } }), /Authentification/, "without a session");
    assert.equal((await new Client(server.url).get(`/api/v1/requests/${r.id}/messages`)).status, 401);
    // At the limit: accepted, line breaks and tabs kept.
    const long = "é".repeat(4997) + "\n\tfin!";
    assert.equal(Buffer.byteLength(long), 10000);
    assert.equal((await ok(await post(p.applicant, r.id, { body: long }), "10000 bytes", 201)).message.body, long);
  });

  test("features.messaging off: 403 on reading and posting for the applicant and instructors, 404 for outsiders, nothing changes", async () => {
    const p = await cast(silent);
    const r = await submitted(p.applicant);
    for (const [who, client] of [["applicant", p.applicant], ["instructor", p.instructor], ["colleague", p.colleague], ["reporter", p.reporter]]) {
      await refused(silent, p.reporter, r.id, 403, () => post(client, r.id, { body: "Bonjour" }), /messagerie n’est pas disponible/, `${who} posts`);
      await refused(silent, p.reporter, r.id, 403, () => list(client, r.id), /messagerie n’est pas disponible/, `${who} reads`);
    }
    await refused(silent, p.reporter, r.id, 404, () => post(p.stranger, r.id, { body: "Bonjour" }), /introuvable/, "stranger posts");
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 0 });
  });

  test("concurrent posts from both sides are all kept and all counted", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const calls = [];
    for (let i = 0; i < 8; i++) {
      calls.push(post(p.applicant, r.id, { body: `demandeur ${i}` }));
      calls.push(post(i % 2 ? p.instructor : p.instructor2, r.id, { body: `instructeur ${i}` }));
    }
    for (const res of await Promise.all(calls)) assert.equal(res.status, 201, res.text);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 8, instructor: 8 });
    const seen = await ok(await list(p.reporter, r.id), "reporter reads");
    assert.equal(seen.messages.length, 16);
    const events = await ok(await p.reporter.get(`/api/v1/requests/${r.id}/events`), "events");
    assert.equal(events.filter((e) => e.name === "applicant_message").length, 8);
    assert.equal(events.filter((e) => e.name === "instructor_message").length, 8);
    // 8 applicant messages × every instructor + 8 instructor messages × the applicant.
    assert.equal(outbox(server, r.id).filter((m) => m.event.endsWith("_message")).length, 8 * instructors.get(server).size + 8);
  });

  test("hostile bodies are stored and answered verbatim in JSON", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    for (const payload of PAYLOADS) {
      assert.equal((await ok(await post(p.applicant, r.id, { body: payload }), "payload", 201)).message.body, payload);
    }
    assert.deepEqual((await ok(await list(p.instructor, r.id), "list")).messages.map((m) => m.body), PAYLOADS);
  });

  // ---- Pages -----------------------------------------------------------------------

  test("pages: the applicant's 'Messagerie' (form, 'Envoyer', 303 back), the instructor's ('Pour quel motif voulez-vous écrire au demandeur ?'), readers without a form", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const mine = `/demandes/${r.id}/messagerie`;
    const theirs = `/instruction/demandes/${r.id}/messagerie`;

    let page = await p.applicant.get(mine);
    assert.equal(page.status, 200, page.text);
    let text = pageText(page.text);
    assert.match(text, /Messagerie/);
    assert.match(text, /Aucun message pour le moment/);
    assert.match(text, /Corps du message/);
    assert.match(page.text, /<button class="fr-btn" type="submit">Envoyer<\/button>/);
    assert.ok(page.text.includes(`action="${mine}"`));

    // Posting through the page: 303 back to the conversation, the message shown.
    let res = await postForm(p.applicant, mine, [["body", "Bonjour depuis la page."]]);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.get("location"), `${mine}?envoye=1#messagerie`);
    page = await p.applicant.get(`${mine}?envoye=1`);
    text = pageText(page.text);
    assert.match(text, /Votre message a été envoyé/);
    assert.match(text, /Élise Demandeuse \(demandeur\) – le .* Bonjour depuis la page\./);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 1 });

    // The instructor's page: DataPass's form wording, the author's name.
    page = await p.instructor.get(theirs);
    assert.equal(page.status, 200, page.text);
    text = pageText(page.text);
    assert.match(text, /Pour quel motif voulez-vous écrire au demandeur \?/);
    assert.match(text, /Élise Demandeuse \(demandeur\)/);
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 0 }, "the instructor opened the tab");
    res = await postForm(p.instructor, theirs, [["body", "Réponse de l’instruction."]]);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.get("location"), `${theirs}?envoye=1#messagerie`);
    assert.match(pageText((await p.instructor.get(theirs)).text), /Jean DUPONT \(instructeur\) – le .* Réponse de l'instruction\./);

    // Readers: the conversation, no form; a post is refused (403) and changes nothing.
    for (const [who, client, url] of [["colleague", p.colleague, mine], ["reporter", p.reporter, theirs]]) {
      page = await client.get(url);
      assert.equal(page.status, 200, `${who}: ${page.text}`);
      assert.match(pageText(page.text), /Réponse de l'instruction\./);
      assert.ok(!page.text.includes("Corps du message"), `${who} gets no form`);
      assert.ok(!page.text.includes("<textarea"), `${who} gets no form`);
      await refused(server, p.reporter, r.id, 403, () => postForm(client, url, [["body", "Moi aussi."]]), /Seuls le demandeur/, `${who} posts on the page`);
    }
    // An instructor opening the applicant's URL is sent to the instruction space.
    res = await p.instructor.get(mine);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), theirs);
    // Outsiders: 404; the applicant has no instruction space (403: no role).
    for (const url of [mine, theirs, `/demandes/${r.id + 100000}/messagerie`]) {
      assert.equal((await p.stranger.get(url)).status, url === theirs ? 403 : 404, `stranger ${url}`);
    }
    assert.equal((await p.elsewhere.get(theirs)).status, 404, "an instructor of another provider");
    assert.equal((await p.applicant.get(theirs)).status, 403);
    // Without a session: to the login; a post without _csrf: 403.
    res = await new Client(server.url).get(mine);
    assert.equal(res.status, 303);
    assert.match(res.headers.get("location"), /^\/connexion/);
    await refused(server, p.reporter, r.id, 403, () => p.applicant.post(mine, { form: [["body", "sans jeton"]] }), null, "no _csrf");
  });

  test("pages: an empty 'Corps du message' is refused with 422 and the error at the field, keeping the conversation; nothing changes", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    await ok(await post(p.instructor, r.id, { body: "Question ?" }), "instructor posts", 201);
    for (const [client, url] of [[p.applicant, `/demandes/${r.id}/messagerie`], [p.instructor, `/instruction/demandes/${r.id}/messagerie`]]) {
      const res = await refused(server, p.reporter, r.id, 422, () => postForm(client, url, [["body", "   "]]), null, `empty on ${url}`);
      assert.match(res.text, /<p id="message-corps-erreur" class="fr-error-text">Le champ « Corps du message » est requis\.<\/p>/);
      assert.match(res.text, /aria-describedby="message-corps-erreur"/);
      assert.match(pageText(res.text), /Question \?/);
    }
    // Too long: 422, the typed text kept in the field (escaped).
    const long = "<b>x</b>".repeat(1300);
    const res = await refused(server, p.reporter, r.id, 422, () => postForm(p.applicant, `/demandes/${r.id}/messagerie`, [["body", long]]), null, "too long");
    assert.match(pageText(res.text), /dépasse 10000 octets/);
    assert.ok(res.text.includes("&lt;b&gt;x&lt;/b&gt;"), "the typed text, escaped");
    assert.ok(!res.text.includes("<b>x</b>"));
  });

  test("pages: hostile bodies are escaped on every page that shows them", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    await ok(await p.instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {}), "approve");
    const h = (await getRequest(p.instructor, r.id)).habilitations[0].id;
    for (const payload of PAYLOADS) {
      await ok(await post(p.applicant, r.id, { body: payload }), "applicant payload", 201);
      await ok(await post(p.instructor, r.id, { body: payload }), "instructor payload", 201);
    }
    for (const [client, url] of [[p.applicant, `/demandes/${r.id}/messagerie`], [p.colleague, `/demandes/${r.id}/messagerie`],
                                 [p.instructor, `/instruction/demandes/${r.id}/messagerie`], [p.reporter, `/instruction/demandes/${r.id}/messagerie`],
                                 [p.applicant, `/habilitations/${h}/messagerie`], [p.instructor, `/habilitations/${h}/messagerie`]]) {
      const page = await client.get(url);
      assert.equal(page.status, 200, `${url}: ${page.text}`);
      assertEscaped(page.text, url);
    }
    // Pages that link to the conversation show no body at all.
    for (const [client, url] of [[p.applicant, "/demandes"], [p.applicant, `/demandes/${r.id}`], [p.instructor, "/instruction/demandes"],
                                 [p.instructor, `/instruction/demandes/${r.id}`]]) {
      const page = await client.get(url);
      assert.equal(page.status, 200, `${url}: ${page.text}`);
      assertEscaped(page.text, url, { expectPayload: false });
    }
  });

  test("pages: unread counters on the dashboard card, the request page, the instruction list and tab; opening the conversation resets them", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const card = (html) => {
      const at = html.indexOf(`data-formd-request="${r.id}"`);
      assert.ok(at >= 0, "the request's card / row");
      const next = html.indexOf("data-formd-request=", at + 1);
      return html.slice(at, next < 0 ? html.length : next);
    };
    const row = (html) => {
      const at = html.indexOf(`<tr data-formd-request="${r.id}"`);
      assert.ok(at >= 0, "the request's row");
      return html.slice(at, html.indexOf("</tr>", at));
    };
    // Nothing unread: no badge anywhere, the links to the conversation are there.
    assert.ok(!card((await p.applicant.get("/demandes")).text).includes("nouveau message"));
    let page = await p.applicant.get(`/demandes/${r.id}`);
    assert.ok(linkHrefs(page.text).includes(`/demandes/${r.id}/messagerie`), "the request page links to the conversation");
    assert.ok(!page.text.includes("data-formd-unread"));
    assert.ok(!row((await p.instructor.get("/instruction/demandes")).text).includes("nouveau message"));

    // Two instructor messages: the applicant sees 2 on the card and on the request.
    await ok(await post(p.instructor, r.id, { body: "Un" }), "m1", 201);
    await ok(await post(p.instructor, r.id, { body: "Deux" }), "m2", 201);
    const withCount = card((await p.applicant.get("/demandes")).text);
    assert.match(pageText(withCount), /2 nouveaux messages/);
    assert.ok(linkHrefs(withCount).includes(`/demandes/${r.id}/messagerie`), "the count links to the conversation");
    page = await p.applicant.get(`/demandes/${r.id}`);
    assert.match(page.text, /data-formd-unread="2"/);
    assert.match(pageText(page.text), /Messagerie 2 \(2 nouveaux messages\)/);
    // The colleague reads the card: not their counter.
    assert.ok(!card((await p.colleague.get("/demandes")).text).includes("nouveau"), "a colleague sees no count");
    // Opening the conversation resets it.
    assert.equal((await p.applicant.get(`/demandes/${r.id}/messagerie`)).status, 200);
    assert.ok(!card((await p.applicant.get("/demandes")).text).includes("nouveau message"));
    assert.ok(!(await p.applicant.get(`/demandes/${r.id}`)).text.includes("data-formd-unread"));

    // One applicant message: "1 nouveau message" in the list, "Messagerie 1" on the instruction page.
    await ok(await post(p.applicant, r.id, { body: "Réponse" }), "a1", 201);
    const listed = row((await p.instructor.get("/instruction/demandes")).text);
    assert.match(pageText(listed), /1 nouveau message/);
    assert.ok(linkHrefs(listed).includes(`/instruction/demandes/${r.id}/messagerie`), "the count links to the conversation");
    assert.match(pageText(row((await p.reporter.get("/instruction/demandes")).text)), /1 nouveau message/);
    page = await p.instructor.get(`/instruction/demandes/${r.id}`);
    assert.ok(linkHrefs(page.text).includes(`/instruction/demandes/${r.id}/messagerie`));
    assert.match(pageText(page.text), /Messagerie 1 \(1 nouveau message\)/);
    // A reporter's visit resets nothing; an instructor's does, for every instructor.
    assert.equal((await p.reporter.get(`/instruction/demandes/${r.id}/messagerie`)).status, 200);
    assert.match(pageText(row((await p.instructor2.get("/instruction/demandes")).text)), /1 nouveau message/);
    assert.equal((await p.instructor.get(`/instruction/demandes/${r.id}/messagerie`)).status, 200);
    assert.ok(!row((await p.instructor2.get("/instruction/demandes")).text).includes("nouveau message"));
    assert.ok(!(await p.instructor2.get(`/instruction/demandes/${r.id}`)).text.includes("data-formd-unread"));
  });

  test("pages: the habilitation card of 'Les habilitations délivrées' shows the applicant's unread messages, linking to the habilitation's Messagerie", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const h = (await ok(await p.instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {}), "approve")).habilitation.id;
    const cardOf = (html) => {
      const at = html.indexOf(`data-formd-habilitation="${h}"`);
      assert.ok(at >= 0, "the habilitation's card");
      const next = html.indexOf("data-formd-habilitation=", at + 1);
      return html.slice(at, next < 0 ? html.length : next);
    };
    assert.ok(!cardOf((await p.applicant.get("/demandes?onglet=habilitations")).text).includes("nouveau message"));
    await ok(await post(p.instructor, r.id, { body: "Pensez à renouveler votre certificat." }), "i1", 201);
    const card = cardOf((await p.applicant.get("/demandes?onglet=habilitations")).text);
    assert.match(pageText(card), /1 nouveau message/);
    assert.ok(linkHrefs(card).includes(`/habilitations/${h}/messagerie`));
    assert.ok(!cardOf((await p.colleague.get("/demandes?onglet=habilitations")).text).includes("nouveau message"), "not the colleague's");
    assert.equal((await p.applicant.get(`/habilitations/${h}/messagerie`)).status, 200);
    assert.ok(!cardOf((await p.applicant.get("/demandes?onglet=habilitations")).text).includes("nouveau message"), "read: gone");
  });

  test("history: 'Le demandeur X a envoyé un message' and 'L’instructeur Y a envoyé un message' on the request and instruction pages", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    await ok(await post(p.applicant, r.id, { body: "Question" }), "a1", 201);
    await ok(await post(p.instructor, r.id, { body: "Réponse" }), "i1", 201);
    for (const [client, url] of [[p.applicant, `/demandes/${r.id}`], [p.instructor, `/instruction/demandes/${r.id}`]]) {
      const text = pageText((await client.get(url)).text);
      assert.match(text, /Le demandeur Élise Demandeuse a envoyé un message/, url);
      assert.match(text, /L'instructeur Jean DUPONT a envoyé un message/, url);
    }
  });

  test("pages: a draft's wizard and summary link to its Messagerie, with the applicant's count", async () => {
    const p = await cast();
    const d = await draft(p.applicant);
    const wizard = await p.applicant.get(`/demandes/${d.id}`);
    assert.equal(wizard.status, 303, "a draft opens in its wizard");
    for (const url of [wizard.headers.get("location"), `/demandes/${d.id}/resume`]) {
      const page = await p.applicant.get(url);
      assert.equal(page.status, 200, `${url}: ${page.text}`);
      assert.ok(linkHrefs(page.text).includes(`/demandes/${d.id}/messagerie`), `${url} links to the conversation`);
      assert.ok(!page.text.includes("data-formd-unread"), `${url}: nothing unread`);
    }
    await ok(await post(p.instructor, d.id, { body: "Une précision avant l’envoi ?" }), "instructor on a draft", 201);
    const summary = await p.applicant.get(`/demandes/${d.id}/resume`);
    assert.match(summary.text, /data-formd-unread="1"/);
    assert.match(pageText(summary.text), /Messagerie 1 \(1 nouveau message\)/);
  });

  test("pages with messaging off: no link to a conversation, the pages answer 403", async () => {
    const p = await cast(silent);
    const r = await submitted(p.applicant);
    const page = await p.applicant.get(`/demandes/${r.id}`);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes("/messagerie"), "no link to the conversation");
    assert.ok(!(await p.instructor.get(`/instruction/demandes/${r.id}`)).text.includes("/messagerie"));
    const d = await draft(p.applicant);
    assert.ok(!(await p.applicant.get(`/demandes/${d.id}/resume`)).text.includes("/messagerie"), "no link on a draft's summary");
    assert.equal((await p.applicant.get(`/demandes/${r.id}/messagerie`)).status, 403);
    assert.equal((await p.instructor.get(`/instruction/demandes/${r.id}/messagerie`)).status, 403);
    await refused(silent, p.reporter, r.id, 403, () => postForm(p.applicant, `/demandes/${r.id}/messagerie`, [["body", "x"]]),
      /messagerie n'est pas disponible/, "applicant posts on the page");
  });

  test("the habilitation's 'Messagerie' tab shows its request's conversation and posts to it", async () => {
    const p = await cast();
    const r = await submitted(p.applicant);
    const approved = await ok(await p.instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {}), "approve");
    const h = approved.habilitation.id;
    await ok(await post(p.instructor, r.id, { body: "Votre habilitation est active." }), "i1", 201);
    const url = `/habilitations/${h}/messagerie`;
    const page = await p.applicant.get(url);
    assert.equal(page.status, 200, page.text);
    const text = pageText(page.text);
    assert.match(text, /Habilitation à API Pro Santé Connect/);
    assert.match(text, /Habilitation H\d+/);
    assert.match(text, /Votre habilitation est active\./);
    for (const tab of ["Habilitation", "Historique", "Messagerie", "Toutes les habilitations"]) assert.match(text, new RegExp(tab));
    assert.ok(linkHrefs(page.text).includes(`/habilitations/${h}/historique`));
    assert.deepEqual(await unread(p.reporter, r.id), { applicant: 0, instructor: 0 }, "the applicant read it there");
    const res = await postForm(p.applicant, url, [["body", "Merci !"]]);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.get("location"), `${url}?envoye=1#messagerie`);
    assert.deepEqual((await ok(await list(p.reporter, r.id), "list")).messages.map((m) => m.body), ["Votre habilitation est active.", "Merci !"]);
    assert.equal((await p.stranger.get(url)).status, 404);
    assert.equal((await p.applicant.get(`/habilitations/${h + 100000}/messagerie`)).status, 404);
  });
});
