// formd's emails end to end (issue 9, point 6): a real SMTP server (Debian's
// python3-aiosmtpd with tests/formd/notify/smtp_sink.py, which decodes each
// message with Python's email package) receives exactly the mails of an
// instruction walk; with the server down, mails wait in the outbox and go
// out once it is back, once; without --smtp-url they are .eml files.
//
//   FORMD=build/runtime/formd/formd node tests/formd/email_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

const PYTHON = "/usr/bin/python3"; // Debian's, with python3-aiosmtpd
if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.email: FORMD is not set or missing; skipped");
  process.exit(77);
}
if (spawnSync(PYTHON, ["-c", "import aiosmtpd"]).status !== 0) {
  console.log("formd.email: python3-aiosmtpd is not installed; skipped");
  process.exit(77);
}

const { startFormd, freePort } = require("./harness");
const { Client, newSiret, uniqueEmail, validDocument } = require("./client");

const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const PSC = "api-pro-sante-connect";
const DEFINITION = "API Pro Santé Connect";
const PUBLIC_URL = "https://datapass.exemple.fr";
const MAIL_FROM = "ne-pas-repondre@datapass.exemple.fr";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- The SMTP server ---------------------------------------------------------


function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

// aiosmtpd on `port`, writing one JSON file per accepted message into `dir`.
async function startSink(port, dir) {
  const child = spawn(
    PYTHON,
    ["-B", "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "smtp_sink.DirectoryHandler", dir],
    { env: { ...process.env, PYTHONPATH: path.join(SOURCE_DIR, "tests/formd/notify") }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const deadline = Date.now() + 15000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("aiosmtpd did not start:\n" + stderr);
    await sleep(50);
  }
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

// What arrived, in arrival order.
function received(dir) {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), "utf8")));
}

// Waits for `count` mails in all, then long enough for the worker (1 s
// interval) to have sent anything more it would wrongly send.
async function waitForMails(dir, count, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (received(dir).length < count && Date.now() < deadline) await sleep(100);
  await sleep(2500);
  return received(dir);
}

// ---- formd -------------------------------------------------------------------

let sinkPort;
let sinkDir;
let sink;
let server;
let instructor;

function grant(dataDir, email, role) {
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

async function login(url, { email = uniqueEmail("demandeur"), siret = newSiret() } = {}) {
  const client = new Client(url);
  const res = await client.post("/api/v1/session", { json: { email, name: "Élise Martin", siret } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  client.email = email;
  return client;
}

async function createAndSubmit(applicant) {
  const created = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: validDocument() });
  assert.equal(created.status, 201, created.text);
  const submitted = await applicant.api("POST", `/api/v1/requests/${created.json.id}/submit`, { version: created.json.version });
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.json;
}

// The outbox rows, read from formd's database by Python's sqlite3.
function outbox(dataDir) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, attempts, sent_at, abandoned_at, payload FROM outbox ORDER BY id").fetchall()
print(json.dumps([{"id": r[0], "attempts": r[1], "sent_at": r[2], "abandoned_at": r[3], "payload": json.loads(r[4])} for r in rows]))
`;
  const r = spawnSync(PYTHON, ["-c", script, path.join(dataDir, "formd.sqlite3")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// One line per mail, sorted: "recipient | subject".
function summary(mails) {
  return mails.map((m) => `${m.rcpt_tos.join(",")} | ${m.headers.Subject}`).sort();
}

function bodyFor(mails, recipient) {
  const found = mails.filter((m) => m.rcpt_tos.includes(recipient));
  assert.equal(found.length, 1, `one mail to ${recipient}`);
  return found[0].body;
}

function assertWellFormed(mails) {
  for (const m of mails) {
    assert.deepEqual(m.defects, [], JSON.stringify(m));
    assert.equal(m.mail_from, MAIL_FROM);
    assert.equal(m.headers.From, MAIL_FROM);
    assert.equal(m.rcpt_tos.length, 1);
  }
  const ids = mails.map((m) => m.headers["Message-ID"]);
  assert.equal(new Set(ids).size, ids.length, "every mail has its own Message-ID: none was sent twice");
}

describe("formd emails", () => {
  before(async () => {
    sinkPort = await freePort();
    sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-smtp-"));
    sink = await startSink(sinkPort, sinkDir);
    server = await startFormd({
      extraArgs: ["--smtp-url", `smtp://127.0.0.1:${sinkPort}`, "--mail-from", MAIL_FROM, "--public-url", PUBLIC_URL,
                  "--mail-retry-delay", "1"],
    });
    instructor = uniqueEmail("instructrice");
    grant(server.dataDir, instructor, "ans:api_pro_sante_connect:instructor");
  });
  after(async () => {
    if (server) {
      await server.stop();
      server.removeData();
    }
    if (sink) await sink.stop();
    if (sinkDir) fs.rmSync(sinkDir, { recursive: true, force: true });
  });

  test("formd says where mail goes", () => {
    assert.match(server.log(), new RegExp(`emails sent to smtp://127\\.0\\.0\\.1:${sinkPort}/?, from ${MAIL_FROM}, links to ${PUBLIC_URL}`));
  });

  test("a walk sends exactly its mails: recipients, subjects, reasons", async () => {
    const applicant = await login(server.url);
    const agent = await login(server.url, { email: instructor });
    let total = received(sinkDir).length;
    const step = async (expected) => {
      const mails = (await waitForMails(sinkDir, total + expected.length)).slice(total);
      total += mails.length;
      assertWellFormed(mails);
      assert.deepEqual(summary(mails), [...expected].sort());
      return mails;
    };

    // A submits: an acknowledgement to A, "Nouvelle demande" to the instructor.
    const r = await createAndSubmit(applicant);
    let mails = await step([
      `${applicant.email} | Votre demande d’habilitation n°${r.id} à ${DEFINITION} a bien été soumise`,
      `${instructor} | Nouvelle demande d’habilitation n°${r.id} à instruire – ${DEFINITION}`,
    ]);
    assert.match(bodyFor(mails, applicant.email), new RegExp(`${PUBLIC_URL}/demandes/${r.id}\\n`));
    assert.match(bodyFor(mails, instructor), new RegExp(`${PUBLIC_URL}/instruction/demandes/${r.id}\\n`));
    assert.match(bodyFor(mails, instructor), /« Téléconsultation de l’hôpital »/);

    // I asks for changes: A gets the reason.
    const reason = "Précisez la durée de conservation & le cadre <juridique>.";
    const changes = await agent.api("POST", `/api/v1/requests/${r.id}/request_changes`, { reason });
    assert.equal(changes.status, 200, changes.text);
    mails = await step([`${applicant.email} | Votre demande d’habilitation n°${r.id} à ${DEFINITION} requiert des modifications`]);
    assert.ok(bodyFor(mails, applicant.email).includes(`Raison de la demande de modification :\n${reason}\n`), mails[0].body);

    // A edits and resubmits: the same two mails again.
    const patched = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, {
      version: changes.json.version, data: { duree_conservation_donnees_caractere_personnel: 24 },
    });
    assert.equal(patched.status, 200, patched.text);
    const resubmitted = await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: patched.json.version });
    assert.equal(resubmitted.status, 200, resubmitted.text);
    await step([
      `${applicant.email} | Votre demande d’habilitation n°${r.id} à ${DEFINITION} a bien été soumise`,
      `${instructor} | Nouvelle demande d’habilitation n°${r.id} à instruire – ${DEFINITION}`,
    ]);

    // I approves: A, and the GDPR contacts named in the request.
    const approved = await agent.api("POST", `/api/v1/requests/${r.id}/approve`, { message: "Bienvenue !" });
    assert.equal(approved.status, 200, approved.text);
    mails = await step([
      `${applicant.email} | Votre habilitation numéro ${r.id} vient d’être validée – ${DEFINITION}`,
      `dpo@exemple.fr | Vous avez été désigné(e) Délégué à la protection des données pour la démarche ${DEFINITION}`,
      `jeanne.dupont@exemple.fr | Vous avez été désigné(e) Responsable de traitement pour la démarche ${DEFINITION}`,
    ]);
    assert.match(bodyFor(mails, applicant.email), /Message complémentaire de l’instructeur :\nBienvenue !\n/);
    assert.match(bodyFor(mails, "dpo@exemple.fr"), /Élise Martin vous a désigné\(e\) comme Délégué à la protection des données/);

    // A second request, refused: A gets the reason.
    const r2 = await createAndSubmit(applicant);
    await step([
      `${applicant.email} | Votre demande d’habilitation n°${r2.id} à ${DEFINITION} a bien été soumise`,
      `${instructor} | Nouvelle demande d’habilitation n°${r2.id} à instruire – ${DEFINITION}`,
    ]);
    const refusal = "Hors du cadre légal.";
    const refused = await agent.api("POST", `/api/v1/requests/${r2.id}/refuse`, { reason: refusal });
    assert.equal(refused.status, 200, refused.text);
    mails = await step([`${applicant.email} | Votre demande d’habilitation n°${r2.id} à ${DEFINITION} a été refusée`]);
    assert.match(bodyFor(mails, applicant.email), /Raison du refus :\nHors du cadre légal\.\n/);

    // Archiving a draft sends nothing.
    const draft = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    assert.equal((await agent.api("POST", `/api/v1/requests/${draft.json.id}/archive`, {})).status, 200);
    assert.equal((await waitForMails(sinkDir, total + 1, 2000)).length, total);
  });

  test("with the SMTP server down, mails wait in the outbox and go out once it is back, once", async () => {
    const applicant = await login(server.url);
    const agent = await login(server.url, { email: instructor });
    const r = await createAndSubmit(applicant);
    // Whatever submitting sends goes out first (the server is up).
    const settle = async () => {
      let count = received(sinkDir).length;
      for (;;) {
        await sleep(2500);
        const now = received(sinkDir).length;
        if (now === count && outbox(server.dataDir).every((m) => m.sent_at !== null || m.abandoned_at !== null)) return now;
        count = now;
      }
    };
    const before = await settle();

    await sink.stop();
    const reason = "Le cadre juridique ne couvre pas la téléconsultation.";
    const refused = await agent.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason });
    assert.equal(refused.status, 200, refused.text);  // the server being down is not the user's problem
    // formd tries, fails, and keeps the mail.
    const deadline = Date.now() + 15000;
    let waiting;
    do {
      await sleep(200);
      waiting = outbox(server.dataDir).filter((m) => m.payload.request_id === r.id && m.payload.event === "refuse");
    } while (!(waiting.length === 1 && waiting[0].attempts >= 1) && Date.now() < deadline);
    assert.equal(waiting.length, 1);
    assert.ok(waiting[0].attempts >= 1, JSON.stringify(waiting));
    assert.equal(waiting[0].sent_at, null);
    assert.equal(waiting[0].abandoned_at, null);
    assert.deepEqual(waiting[0].payload.to, [applicant.email]);
    assert.equal(received(sinkDir).length, before);
    assert.equal((await fetch(server.url + "/healthz")).status, 200, "formd keeps serving");
    assert.match(server.log(), /attempt 1 failed, next in 1 s/);

    // The server is back on the same port: the mail arrives, once.
    sink = await startSink(sinkPort, sinkDir);
    const all = await waitForMails(sinkDir, before + 1, 60000);
    assert.equal(all.length, before + 1, "exactly one more mail");
    const mail = all[all.length - 1];
    assert.deepEqual(mail.rcpt_tos, [applicant.email]);
    assert.equal(mail.headers.Subject, `Votre demande d’habilitation n°${r.id} à ${DEFINITION} a été refusée`);
    assert.ok(mail.body.includes(reason));
    assertWellFormed(all);
    const row = outbox(server.dataDir).find((m) => m.id === waiting[0].id);
    assert.notEqual(row.sent_at, null);
    await sleep(2500);
    assert.equal(received(sinkDir).length, before + 1, "nothing sent twice");
  });
});

test("without --smtp-url, each email is an .eml file under <data>/emails/", async () => {
  const formd = await startFormd({});
  try {
    assert.match(formd.log(), /emails written as \.eml files in .*\/emails \(no --smtp-url\)/);
    const agentEmail = uniqueEmail("instructrice");
    grant(formd.dataDir, agentEmail, "ans:api_pro_sante_connect:instructor");
    const applicant = await login(formd.url);
    const agent = await login(formd.url, { email: agentEmail });
    const r = await createAndSubmit(applicant);
    const refused = await agent.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: "Hors du cadre légal." });
    assert.equal(refused.status, 200, refused.text);
    const dir = path.join(formd.dataDir, "emails");
    const deadline = Date.now() + 15000;
    let refusal;
    while (!refusal && Date.now() < deadline) {
      await sleep(200);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith(".eml")) : [];
      refusal = files
        .map((n) => fs.readFileSync(path.join(dir, n), "latin1"))
        .find((text) => text.includes(`To: ${applicant.email}\r\n`) && decodeQuotedPrintable(text).includes("Raison du refus"));
    }
    assert.ok(refusal, "an .eml of the refusal");
    assert.match(refusal, /^From: ne-pas-repondre@localhost\r$/m);
    assert.ok(decodeQuotedPrintable(refusal).includes("Hors du cadre légal."));
    assert.ok(decodeQuotedPrintable(refusal).includes(`http://localhost:${formd.port}/demandes/${r.id}`));
  } finally {
    await formd.stop();
    formd.removeData();
  }
});

test("invalid mail options are refused at start", () => {
  for (const args of [["--smtp-url", "http://relay:25"], ["--mail-from", "DataPass <x@y.fr>"],
                      ["--public-url", "ftp://x"], ["--public-url", "https://x.fr/?a=b"]]) {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "formd-mail-options-"));
    const r = spawnSync(process.env.FORMD, ["--port", "0", "--data", data, ...args], { encoding: "utf8", timeout: 10000 });
    fs.rmSync(data, { recursive: true, force: true });
    assert.notEqual(r.status, 0, args.join(" "));
    assert.match(r.stderr + r.stdout, new RegExp(args[0]), args.join(" "));
  }
});

// The body of an .eml (quoted-printable, UTF-8) as text.
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
