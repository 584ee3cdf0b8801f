// ProConnect login (issue 13) against a local identity provider configured
// like ProConnect (tests/formd/oidc/provider.js, npm oidc-provider): the
// full login, organisations and their switch, every attack of the issue
// failing cleanly with nothing logged in, the provider unreachable, and
// sessions (hashed at rest, rotated, expiring, ended at logout).
//
//   FORMD=build/runtime/formd/formd node tests/formd/proconnect_test.js
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { describe, test, before, after } = require("node:test");

const { startFormd, freePort } = require("./harness");
const { Client, newSiret, uniqueEmail, csrfOf } = require("./client");
const { startProvider } = require("./oidc/provider");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.proconnect: FORMD is not set or missing; skipped");
  process.exit(77);
}

const CLIENT_ID = "formd-test";
const CLIENT_SECRET = crypto.randomBytes(24).toString("hex");


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function secretFile() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "formd-oidc-")), "client_secret");
  fs.writeFileSync(file, CLIENT_SECRET + "\n", { mode: 0o600 });
  return file;
}

function sql(server, query) {
  return execFileSync("sqlite3", ["-readonly", path.join(server.dataDir, "formd.sqlite3"), query], { encoding: "utf8" }).trim();
}

function sessionCookie(client) {
  return client.cookies.get("formd_session");
}

// formd, then the provider whose client is registered with formd's redirect URI.
async function startPair(extraArgs = []) {
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}/api/v2`;
  const server = await startFormd({
    devLogin: false,
    extraArgs: ["--oidc-issuer", issuer, "--oidc-client-id", CLIENT_ID, "--oidc-client-secret-file", secretFile(), ...extraArgs],
  });
  const publicUrl = `http://localhost:${server.port}`;
  const idp = await startProvider({
    port: idpPort,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [publicUrl + "/auth/proconnect/callback"],
    postLogoutRedirectUris: [publicUrl + "/"],
  });
  return { server, idp, publicUrl };
}

// Walks the login up to the provider's redirect back to formd: formd's
// /auth/proconnect, the provider's login page (email + SIRET), its redirect.
// Returns the callback's path and query (to call on formd with `client`).
async function walkToCallback(pair, client, identity) {
  const start = await client.get("/auth/proconnect?suite=/demandes");
  assert.equal(start.status, 303, start.text);
  const authorize = new URL(start.headers.get("location"));
  assert.equal(authorize.origin + authorize.pathname, pair.idp.issuer + "/auth");
  for (const [k, v] of Object.entries({ response_type: "code", client_id: CLIENT_ID, code_challenge_method: "S256" })) {
    assert.equal(authorize.searchParams.get(k), v, k);
  }
  assert.equal(authorize.searchParams.get("scope"), "openid email given_name usual_name siret uid idp_id");
  assert.match(authorize.searchParams.get("state"), /^[0-9a-f]{64}$/);
  assert.match(authorize.searchParams.get("nonce"), /^[0-9a-f]{64}$/);
  assert.match(authorize.searchParams.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);

  const browser = new Client("");
  let res = await browser.get(authorize.href);
  assert.equal(res.status, 303, res.text);
  const interaction = new URL(res.headers.get("location"), pair.idp.url).href;
  res = await browser.get(interaction);
  assert.equal(res.status, 200);
  assert.match(res.text, /SIRET/);
  res = await browser.post(interaction + "/login", { form: identity });
  assert.equal(res.status, 303, res.text);
  res = await browser.get(new URL(res.headers.get("location"), pair.idp.url).href);
  assert.equal(res.status, 303, res.text);
  const back = new URL(res.headers.get("location"));
  assert.equal(back.origin + back.pathname, pair.publicUrl + "/auth/proconnect/callback");
  return back.pathname + back.search;
}

async function login(pair, identity, client = new Client(pair.server.url)) {
  const callback = await walkToCallback(pair, client, identity);
  const res = await client.get(callback);
  assert.equal(res.status, 303, `callback: ${res.status} ${res.text}\n${pair.server.log()}`);
  assert.equal(res.headers.get("location"), "/demandes");
  const me = await client.get("/api/v1/session");
  assert.equal(me.status, 200, me.text);
  client.csrf = me.json.csrf_token;
  return { client, me: me.json.user, callback };
}

function person(overrides = {}) {
  return { email: uniqueEmail("pc"), given_name: "Jeanne", usual_name: "Dupont", siret: newSiret(), ...overrides };
}

async function assertNotLoggedIn(pair, client, res) {
  assert.ok([400, 409, 502].includes(res.status), `status ${res.status}: ${res.text}`);
  assert.match(res.text, /Connexion impossible/);
  assert.match(res.text, /id="proconnect-retry" href="\/auth\/proconnect">Réessayer</);
  assert.ok(!res.setCookies.some((c) => c.startsWith("formd_session=") && !/Max-Age=0/.test(c)), "a session cookie was set");
  assert.equal(sessionCookie(client), undefined);
  assert.equal((await client.get("/api/v1/session")).status, 401);
}

describe("formd ProConnect login (issue 13)", () => {
  let pair;
  before(async () => {
    pair = await startPair();
  });
  after(async () => {
    if (pair) {
      await pair.server.stop();
      await pair.idp.stop();
    }
  });

  test("the login page shows the ProConnect button and its link, no dev form; the dev login answers 404", async () => {
    const c = new Client(pair.server.url);
    const page = await c.get("/connexion");
    assert.equal(page.status, 200);
    assert.match(page.text, /<span class="fr-connect__login">S’identifier avec<\/span> <span class="fr-connect__brand">ProConnect<\/span>/);
    assert.match(page.text, /Qu’est-ce que ProConnect \?/);
    assert.doesNotMatch(page.text, /action="\/connexion"/);
    assert.doesNotMatch(page.text, /Connexion de développement/);
    assert.equal((await c.post("/connexion", { form: { email: "a@b.fr", name: "x", siret: newSiret() } })).status, 404);
    assert.equal((await c.post("/api/v1/session", { json: { email: "a@b.fr", name: "x", siret: newSiret() } })).status, 404);
  });

  test("full login: provider and back, signed in with the claims' name, email and SIRET; the token is hashed at rest", async () => {
    const who = person();
    const { client, me } = await login(pair, who);
    assert.equal(me.email, who.email);
    assert.equal(me.name, "Jeanne Dupont");
    assert.equal(me.organization_siret, who.siret);
    const token = sessionCookie(client);
    assert.match(token, /^[0-9a-f]{64}$/);
    const digest = crypto.createHash("sha256").update(token).digest("hex");
    assert.equal(sql(pair.server, `SELECT count(*) FROM sessions WHERE token_digest = '${digest}'`), "1");
    assert.equal(sql(pair.server, `SELECT count(*) FROM sessions WHERE token_digest = '${token}'`), "0");
    // Every byte formd wrote: the database and its WAL.
    const db = path.join(pair.server.dataDir, "formd.sqlite3");
    const bytes = Buffer.concat([db, db + "-wal"].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))).toString("latin1");
    assert.ok(!bytes.includes(token), "the session token is stored in clear");
    assert.ok(bytes.includes(digest) || sql(pair.server, "SELECT count(*) FROM sessions") !== "0");
    // The user is known by the provider's subject.
    assert.match(sql(pair.server, `SELECT oidc_sub FROM users WHERE email = '${who.email}'`), /^[0-9a-f]{64}$/);
    const page = await client.get("/demandes");
    assert.equal(page.status, 200);
    assert.match(page.text, /Changer d’organisation/);
  });

  test("a second login rotates the session: a new token, the old one no longer works", async () => {
    const who = person();
    const { client } = await login(pair, who);
    const first = sessionCookie(client);
    await login(pair, who, client);
    const second = sessionCookie(client);
    assert.notEqual(first, second);
    const old = new Client(pair.server.url);
    old.cookies.set("formd_session", first);
    assert.equal((await old.get("/api/v1/session")).status, 401);
  });

  test("two SIRETs: each login adds and selects its organisation; 'Changer d'organisation' switches and shows each one's requests only", async () => {
    const who = person();
    const sirets = [who.siret, newSiret()];
    const { client, me } = await login(pair, who);
    const created = await client.api("POST", "/api/v1/requests", { form_uid: "api-pro-sante-connect", data: {} });
    assert.equal(created.status, 201, created.text);
    const requestA = created.json.id ?? created.json.request?.id;
    assert.ok(requestA, created.text);

    const second = await login(pair, { ...who, siret: sirets[1] }, client);
    assert.equal(second.me.id, me.id, "the same person (same sub) is the same user");
    assert.equal(second.me.organization_siret, sirets[1]);
    let list = await client.get("/api/v1/requests");
    assert.ok(!list.json.requests.some((r) => r.id === requestA), "organisation B sees A's request");
    assert.equal((await client.get(`/api/v1/requests/${requestA}`)).status, 404);

    const page = await client.get("/organisations");
    assert.equal(page.status, 200);
    for (const s of sirets) assert.match(page.text, new RegExp(`data-siret="${s}"`));
    assert.match(page.text, new RegExp(`SIRET ${sirets[1]} <span class="fr-badge fr-badge--success fr-badge--sm">Organisation actuelle`));

    // Not one of theirs: refused, nothing changes.
    const before = sessionCookie(client);
    const refused = await client.post("/organisations/choisir", { form: { _csrf: client.csrf, siret: newSiret() } });
    assert.equal(refused.status, 404);
    assert.equal((await client.get("/api/v1/session")).json.user.organization_siret, sirets[1]);
    // Without the CSRF token: 403.
    assert.equal((await client.post("/organisations/choisir", { form: { siret: sirets[0] } })).status, 403);

    const switched = await client.post("/organisations/choisir", { form: { _csrf: client.csrf, siret: sirets[0] } });
    assert.equal(switched.status, 303);
    assert.notEqual(sessionCookie(client), before, "the session is rotated on organisation change");
    const stale = new Client(pair.server.url);
    stale.cookies.set("formd_session", before);
    assert.equal((await stale.get("/api/v1/session")).status, 401);
    const me2 = (await client.get("/api/v1/session")).json;
    assert.equal(me2.user.organization_siret, sirets[0]);
    client.csrf = me2.csrf_token;
    list = await client.get("/api/v1/requests");
    assert.ok(list.json.requests.some((r) => r.id === requestA));
  });

  for (const attack of ["other_key", "alg_none", "wrong_aud", "expired", "wrong_nonce", "tampered_userinfo"]) {
    test(`attack ${attack}: refused with the French error page, nobody logged in, a log line`, async () => {
      const sessions = sql(pair.server, "SELECT count(*) FROM sessions");
      const client = new Client(pair.server.url);
      const callback = await walkToCallback(pair, client, person());
      pair.idp.setAttack(attack);
      let res;
      try {
        res = await client.get(callback);
      } finally {
        pair.idp.setAttack(null);
      }
      await assertNotLoggedIn(pair, client, res);
      assert.equal(sql(pair.server, "SELECT count(*) FROM sessions"), sessions);
      assert.match(pair.server.log(), /ProConnect login refused/);
    });
  }

  test("wrong state: refused, nobody logged in", async () => {
    const client = new Client(pair.server.url);
    const callback = await walkToCallback(pair, client, person());
    const forged = callback.replace(/state=[0-9a-f]+/, "state=" + "0".repeat(64));
    await assertNotLoggedIn(pair, client, await client.get(forged));
    // Without the attempt cookie (another browser): refused too.
    const other = new Client(pair.server.url);
    await assertNotLoggedIn(pair, other, await other.get(callback));
  });

  test("a reused code is refused: by formd (attempt spent) and by the provider (code already used)", async () => {
    const who = person();
    const { client, callback } = await login(pair, who);
    const replay = await client.get(callback);
    assert.equal(replay.status, 400);
    // A new attempt of another browser, carrying the spent code with its own valid state.
    const thief = new Client(pair.server.url);
    const fresh = await walkToCallback(pair, thief, person());
    const state = new URL(fresh, "http://x").searchParams.get("state");
    const oldCode = new URL(callback, "http://x").searchParams.get("code");
    const res = await thief.get(`/auth/proconnect/callback?code=${encodeURIComponent(oldCode)}&state=${state}`);
    await assertNotLoggedIn(pair, thief, res);
    assert.match(pair.server.log(), /provider_error/);
  });

  test("logout ends the server session and goes through the provider's end_session_endpoint", async () => {
    const { client } = await login(pair, person());
    const token = sessionCookie(client);
    const digest = crypto.createHash("sha256").update(token).digest("hex");
    const page = await client.get("/demandes");
    const res = await client.post("/deconnexion", { form: { _csrf: csrfOf(page.text) } });
    assert.equal(res.status, 303);
    const end = new URL(res.headers.get("location"));
    assert.equal(end.origin + end.pathname, pair.idp.issuer + "/session/end");
    assert.equal(end.searchParams.get("post_logout_redirect_uri"), pair.publicUrl + "/");
    assert.ok(end.searchParams.get("id_token_hint").split(".").length === 3);
    assert.equal(sql(pair.server, `SELECT count(*) FROM sessions WHERE token_digest = '${digest}'`), "0");
    const old = new Client(pair.server.url);
    old.cookies.set("formd_session", token);
    assert.equal((await old.get("/api/v1/session")).status, 401);
    // The provider accepts the hint (its logout confirmation, not an error).
    const confirm = await fetch(end.href, { redirect: "manual" });
    assert.equal(confirm.status, 200);
  });

  test("'Se déconnecter de tous mes appareils' ends every session of the user, and only theirs", async () => {
    const who = person();
    const laptop = (await login(pair, who)).client;
    const phone = (await login(pair, who, new Client(pair.server.url))).client;
    const someoneElse = (await login(pair, person())).client;
    const userId = sql(pair.server, `SELECT id FROM users WHERE email = '${who.email}'`);
    assert.equal(sql(pair.server, `SELECT count(*) FROM sessions WHERE user_id = ${userId}`), "2");
    const page = await laptop.get("/organisations");
    assert.match(page.text, /id="logout-everywhere"/);
    const res = await laptop.post("/deconnexion", { form: { _csrf: csrfOf(page.text), partout: "1" } });
    assert.equal(res.status, 303);
    assert.equal(sql(pair.server, `SELECT count(*) FROM sessions WHERE user_id = ${userId}`), "0");
    assert.equal((await phone.get("/api/v1/session")).status, 401, "the other device is signed out too");
    assert.equal((await someoneElse.get("/api/v1/session")).status, 200, "another user keeps their session");
    // Without the CSRF token nothing is ended.
    const again = (await login(pair, who)).client;
    assert.equal((await again.post("/deconnexion", { form: { partout: "1" } })).status, 403);
    assert.equal((await again.get("/api/v1/session")).status, 200);
  });
});

describe("formd ProConnect: provider down, expiry, HTTPS cookies", () => {
  test("provider unreachable: the French error page with Réessayer, a log line, nobody logged in", async () => {
    const deadPort = await freePort();
    const server = await startFormd({
      devLogin: false,
      extraArgs: ["--oidc-issuer", `http://127.0.0.1:${deadPort}/api/v2`, "--oidc-client-id", CLIENT_ID, "--oidc-client-secret-file", secretFile()],
    });
    try {
      const client = new Client(server.url);
      const res = await client.get("/auth/proconnect");
      assert.equal(res.status, 502);
      assert.match(res.text, /ProConnect ne répond pas/);
      await assertNotLoggedIn({ server }, client, res);
      assert.match(server.log(), /ProConnect login refused: discovery/);
      assert.equal((await client.get("/healthz")).status, 200);
    } finally {
      await server.stop();
    }
  });

  test("sessions expire: absolute lifetime even when used, idle limit when unused; purged rows", async () => {
    const pair = await startPair(["--session-ttl", "4", "--session-idle", "2", "--session-purge-interval", "1"]);
    try {
      const { client } = await login(pair, person());
      const t0 = Date.now();
      for (const at of [1000, 2000, 3000]) {
        await sleep(Math.max(0, t0 + at - Date.now()));
        assert.equal((await client.get("/api/v1/session")).status, 200, `used at +${at} ms`);
      }
      await sleep(Math.max(0, t0 + 4600 - Date.now()));
      assert.equal((await client.get("/api/v1/session")).status, 401, "past the absolute lifetime");

      const idle = (await login(pair, person())).client;
      await sleep(3200);
      assert.equal((await idle.get("/api/v1/session")).status, 401, "past the idle limit");
      await sleep(1500);
      assert.equal(sql(pair.server, "SELECT count(*) FROM sessions"), "0", "expired sessions are purged");
    } finally {
      await pair.server.stop();
      await pair.idp.stop();
    }
  });

  test("behind HTTPS (--public-url https://…): __Host- cookies with Secure", async () => {
    const pair = await startPair(["--public-url", "https://datapass.example.fr"]);
    try {
      const client = new Client(pair.server.url);
      const res = await client.get("/auth/proconnect");
      assert.equal(res.status, 303);
      assert.equal(new URL(res.headers.get("location")).searchParams.get("redirect_uri"), "https://datapass.example.fr/auth/proconnect/callback");
      const cookie = res.setCookies.find((c) => c.startsWith("__Host-formd_proconnect="));
      assert.ok(cookie, res.setCookies.join("\n"));
      assert.match(cookie, /; Path=\/; HttpOnly; SameSite=Lax; Secure/);
      assert.doesNotMatch(cookie, /Domain=/i);
    } finally {
      await pair.server.stop();
      await pair.idp.stop();
    }
  });
});
