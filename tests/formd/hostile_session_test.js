// Hostile use of sessions, redirects and the wizard: open redirects after
// login, secrets at rest, sessions made by anonymous visits, expired
// sessions, and a wizard that would store what the API refuses. Each attack
// is one test; each ends with the /healthz and memory checks of
// hostile_common.js.
//
//   FORMD=build/runtime/formd/formd node tests/formd/hostile_session_test.js
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const { skipUnlessFormd, startSite, hostileSuite } = require("./hostile_common");
const { Client, newSiret, uniqueEmail, csrfOf, versionOf } = require("./client");

skipUnlessFormd("formd.hostile_session");

const PSC = "api-pro-sante-connect";

function dbFile(s) {
  return path.join(s.formd.dataDir, "formd.sqlite3");
}

// A read-only query through Debian's sqlite3 shell (WAL lets it read while formd writes).
function sql(s, query) {
  return execFileSync("sqlite3", ["-readonly", dbFile(s), query], { encoding: "utf8" }).trim();
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

async function htmlLogin(url, suite) {
  const client = new Client(url);
  const page = await client.get("/connexion" + (suite === undefined ? "" : "?suite=" + encodeURIComponent(suite)));
  assert.equal(page.status, 200);
  const identity = { email: uniqueEmail("session"), name: "Agent Session", siret: newSiret() };
  const res = await client.post("/connexion", { form: { ...identity, _csrf: csrfOf(page.text), ...(suite === undefined ? {} : { suite }) } });
  return { client, page, res };
}

hostileSuite("formd under hostile sessions, redirects and drafts", __filename, (attack) => {
  attack("open redirect after login (suite=/%09/evil.example and friends) stays on formd", async (s) => {
    const targets = [
      "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
      "https://evil.example", "/%09/evil.example", "/%2F%2Fevil.example", "/ /evil.example", "\t//evil.example",
      "/demandes/../..//evil.example", "/demandes\x00//evil.example", "javascript:alert(1)",
    ];
    for (const suite of targets) {
      const { page, res } = await htmlLogin(s.url, suite);
      assert.ok(!page.text.includes("evil.example"), `suite ${JSON.stringify(suite)} echoed in the form`);
      assert.equal(res.status, 303, JSON.stringify(suite));
      assert.equal(res.headers.get("location"), "/demandes", `suite ${JSON.stringify(suite)}`);
    }
    // A local page formd serves is kept, with its query.
    const { res } = await htmlLogin(s.url, "/formulaires/api-pro-sante-connect/demande/nouveau?intitule=Projet");
    assert.equal(res.headers.get("location"), "/formulaires/api-pro-sante-connect/demande/nouveau?intitule=Projet");
    return `303 /demandes x${targets.length}`;
  });

  attack("session and CSRF tokens are not in the database, only session digests", async (s) => {
    const { client } = await htmlLogin(s.url);
    const api = new Client(s.url);
    const login = await api.post("/api/v1/session", { json: { email: uniqueEmail("rest"), name: "Agent Repos", siret: newSiret() } });
    assert.equal(login.status, 200);
    const me = await client.get("/api/v1/session");
    const secrets = [
      client.cookies.get("formd_session"), me.json.csrf_token, api.cookies.get("formd_session"), login.json.csrf_token,
    ];
    for (const secret of secrets) assert.match(secret, /^[0-9a-f]{64}$/);
    // Every byte formd wrote: the database and its WAL.
    const files = [dbFile(s), dbFile(s) + "-wal"].filter((f) => fs.existsSync(f));
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(f))).toString("latin1");
    for (const secret of secrets) assert.ok(!bytes.includes(secret), "a token is stored in clear");
    const digests = sql(s, "SELECT token_digest FROM sessions").split("\n");
    assert.ok(digests.includes(sha256(client.cookies.get("formd_session"))));
    assert.ok(digests.includes(sha256(api.cookies.get("formd_session"))));
    // A digest is not a cookie.
    const forged = await new Client(s.url).get("/api/v1/session", { headers: { cookie: `formd_session=${digests[0]}` } });
    assert.equal(forged.status, 401);
    return `${digests.length} digests, 0 tokens in clear`;
  });

  attack("the database is readable by formd's user only", async (s) => {
    const modes = [];
    for (const f of [dbFile(s), dbFile(s) + "-wal", dbFile(s) + "-shm"]) {
      if (!fs.existsSync(f)) continue;
      const mode = fs.statSync(f).mode & 0o777;
      assert.equal(mode & 0o077, 0, `${path.basename(f)} mode ${mode.toString(8)}`);
      modes.push(`${path.basename(f)} ${mode.toString(8)}`);
    }
    assert.equal(fs.statSync(s.formd.dataDir).mode & 0o077, 0, "data directory");
    return modes.join(", ");
  });

  attack("anonymous visits store no session", async (s) => {
    const before = Number(sql(s, "SELECT COUNT(*) FROM sessions"));
    for (let i = 0; i < 200; i++) {
      for (const p of ["/", "/connexion", "/definitions/api_pro_sante_connect", `/preview/${PSC}`]) {
        const res = await fetch(s.url + p);
        assert.equal(res.status, 200, p);
        await res.arrayBuffer();
      }
    }
    const after = Number(sql(s, "SELECT COUNT(*) FROM sessions"));
    assert.equal(after, before, "cookieless visits added session rows");
    return `800 visits, ${after - before} rows`;
  });

  attack("the wizard refuses what the API refuses, so both paths store the same things", async (s) => {
    const client = new Client(s.url);
    const login = await client.post("/api/v1/session", { json: { email: uniqueEmail("wizard"), name: "Agent Wizard", siret: newSiret() } });
    client.csrf = login.json.csrf_token;
    const created = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    assert.equal(created.status, 201);
    const id = created.json.id;
    const step = await client.get(`/demandes/${id}/etapes/contacts`);
    assert.equal(step.status, 200);
    // An email the API refuses in a draft (format_email), saved as a draft from the wizard.
    const res = await client.request("POST", `/demandes/${id}/etapes/contacts`, {
      body: `_csrf=${csrfOf(step.text)}&_version=${versionOf(step.text)}&_action=draft&contact_technique_email=pas-une-adresse`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 422);
    assert.match(res.text, /n’ont pas été enregistrées/);
    assert.match(res.text, /value="pas-une-adresse"/, "what was typed comes back");
    const stored = await client.get(`/api/v1/requests/${id}`);
    assert.equal(stored.json.version, 1, "nothing stored");
    assert.equal(stored.json.data.contact_technique_email, undefined);
    // The API can still write the request.
    const patch = await client.api("PATCH", `/api/v1/requests/${id}`, { version: 1, data: { intitule: "Projet" } });
    assert.equal(patch.status, 200, patch.text);
    // The same value through the API: refused the same way.
    const apiPatch = await client.api("PATCH", `/api/v1/requests/${id}`, { version: 2, data: { contact_technique_email: "pas-une-adresse" } });
    assert.equal(apiPatch.status, 422);
    return `wizard ${res.status}, API ${apiPatch.status}`;
  });

  attack("expired sessions are purged in the background", async () => {
    // Its own formd: sessions of one second, purged every second.
    const short = await startSite({ extraArgs: ["--session-ttl", "1", "--session-purge-interval", "1"] });
    try {
      const client = new Client(short.url);
      const login = await client.post("/api/v1/session", { json: { email: uniqueEmail("ttl"), name: "Agent Bref", siret: newSiret() } });
      assert.equal(login.status, 200);
      assert.equal(Number(sql(short, "SELECT COUNT(*) FROM sessions")), 1);
      const deadline = Date.now() + 5000;
      let rows = 1;
      while (rows > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        rows = Number(sql(short, "SELECT COUNT(*) FROM sessions"));
      }
      assert.equal(rows, 0, "the expired session is still stored");
      assert.equal((await client.get("/api/v1/session")).status, 401);
      return "purged";
    } finally {
      await short.stop();
      short.removeData();
    }
  });
});
