// Hostile input in request bodies: deep nesting, huge lists, many keys,
// huge numbers, invalid UTF-8, compression bombs. Each attack is one test;
// each ends by checking that /healthz answers at once and that formd's
// memory did not grow (hostile_common.js).
//
//   FORMD=build/runtime/formd/formd node tests/formd/hostile_json_test.js
"use strict";

const assert = require("node:assert/strict");
const zlib = require("node:zlib");

const { skipUnlessFormd, hostileSuite } = require("./hostile_common");
const { Client, newSiret, uniqueEmail, rawSend, csrfOf, versionOf } = require("./client");

skipUnlessFormd("formd.hostile_json");

const PSC = "api-pro-sante-connect";
const VALIDATE = `/api/v1/forms/${PSC}/validate?context=submit`;
const MAX_ERRORS_SHOWN = 100; // AppOptions / kMaxErrorsShown

async function apiUser(url) {
  const client = new Client(url);
  const res = await client.post("/api/v1/session", { json: { email: uniqueEmail("hostile"), name: "Agent Hostile", siret: newSiret() } });
  assert.equal(res.status, 200, res.text);
  client.csrf = res.json.csrf_token;
  return client;
}

function nestedArrays(depth) {
  return "[".repeat(depth) + "]".repeat(depth);
}
function nestedObjects(depth) {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

async function postJson(client, method, path, text, headers = {}) {
  const started = performance.now();
  const res = await client.request(method, path, {
    body: text,
    headers: { "content-type": "application/json", ...headers },
    csrf: true,
  });
  res.ms = performance.now() - started;
  return res;
}

hostileSuite("formd under hostile JSON and form bodies", __filename, (attack) => {
  attack("nesting depth 100,000 (arrays) on /validate answers 400", async (s) => {
    const res = await postJson(new Client(s.url), "POST", VALIDATE, nestedArrays(100000));
    assert.equal(res.status, 400, res.text.slice(0, 300));
    assert.match(res.json.error.message, /trop profond/);
    return `${res.status} in ${res.ms.toFixed(1)} ms`;
  });

  attack("nesting depth 100,000 (objects) on /validate answers 400", async (s) => {
    const res = await postJson(new Client(s.url), "POST", VALIDATE, nestedObjects(100000));
    assert.equal(res.status, 400);
    return `${res.status} in ${res.ms.toFixed(1)} ms`;
  });

  attack("deep nesting inside the data of a request (create, merge patch) answers 400", async (s) => {
    const client = await apiUser(s.url);
    const create = await postJson(client, "POST", "/api/v1/requests", `{"form_uid":"${PSC}","data":{"intitule":${nestedArrays(50000)}}}`);
    assert.equal(create.status, 400);
    const ok = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data: { intitule: "Projet" } });
    assert.equal(ok.status, 201, ok.text);
    const patch = await postJson(client, "PATCH", `/api/v1/requests/${ok.json.id}`,
                                 `{"version":1,"data":{"description":${nestedObjects(50000)}}}`);
    assert.equal(patch.status, 400);
    // Nothing was written.
    const stored = await client.get(`/api/v1/requests/${ok.json.id}`);
    assert.equal(stored.json.version, 1);
    // Just past the bound (33 levels) is refused too; what real data needs is not.
    const shallow = await postJson(client, "PATCH", `/api/v1/requests/${ok.json.id}`,
                                   `{"version":1,"data":{"description":${nestedArrays(31)}}}`);
    assert.equal(shallow.status, 400, "33 levels in all");
    return `${create.status}/${patch.status}`;
  });

  attack("80,000 distinct scopes are refused at once with a bounded error list", async (s) => {
    const scopes = Array.from({ length: 80000 }, (_, i) => `s${i}`);
    const res = await postJson(new Client(s.url), "POST", VALIDATE, JSON.stringify({ scopes }));
    assert.equal(res.status, 200);
    assert.equal(res.json.valid, false);
    assert.ok(res.json.errors.length <= MAX_ERRORS_SHOWN, `${res.json.errors.length} errors listed`);
    assert.ok(res.text.length < 64 * 1024, `answer of ${res.text.length} bytes`);
    assert.ok(res.json.errors.some((e) => e.field === "scopes"), "an error names the scopes field");
    // Only a quadratic regression (80,000² comparisons: seconds) trips this;
    // the time itself is measured by tests/bench/ and the line recorded here.
    assert.ok(res.ms < 2000, `${res.ms} ms`);
    return `200, ${res.json.error_count} error(s), ${res.ms.toFixed(1)} ms`;
  });

  attack("80,000 copies of one scope are refused at once with a bounded error list", async (s) => {
    const scopes = Array.from({ length: 80000 }, () => "idnat");
    const res = await postJson(new Client(s.url), "POST", VALIDATE, JSON.stringify({ scopes }));
    assert.equal(res.status, 200);
    assert.ok(res.json.errors.length <= MAX_ERRORS_SHOWN);
    assert.ok(res.ms < 2000, `${res.ms} ms`);
    return `200, ${res.json.error_count} error(s), ${res.ms.toFixed(1)} ms`;
  });

  attack("80,000 unknown keys answer a bounded error list with the total", async (s) => {
    const doc = {};
    for (let i = 0; i < 80000; i++) doc[`k${i}`] = 1;
    const res = await postJson(new Client(s.url), "POST", VALIDATE, JSON.stringify(doc));
    assert.equal(res.status, 200);
    assert.equal(res.json.errors.length, MAX_ERRORS_SHOWN);
    assert.ok(res.json.error_count >= 80000, `error_count ${res.json.error_count}`);
    assert.ok(res.ms < 2000, `${res.ms} ms`);
    return `200, ${res.json.error_count} errors (${res.json.errors.length} listed), ${res.ms.toFixed(1)} ms`;
  });

  attack("60,000 scopes posted through the HTML wizard are refused at once", async (s) => {
    const client = await apiUser(s.url);
    const created = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    assert.equal(created.status, 201);
    const id = created.json.id;
    const step = await client.get(`/demandes/${id}/etapes/scopes`);
    assert.equal(step.status, 200, step.text.slice(0, 200));
    const pairs = [`_csrf=${csrfOf(step.text)}`, `_version=${versionOf(step.text)}`];
    for (let i = 0; i < 60000; i++) pairs.push(`scopes[]=s${i}`);
    const body = pairs.join("&");
    const started = performance.now();
    const res = await client.request("POST", `/demandes/${id}/etapes/scopes`, {
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const ms = performance.now() - started;
    assert.equal(res.status, 422, res.text.slice(0, 300));
    // What was typed comes back (in the page's values for its scripts), and
    // nothing more: no amplification of the post.
    assert.ok(res.text.length < body.length * 1.5 + 100 * 1024, `page of ${res.text.length} bytes for a post of ${body.length}`);
    assert.ok(ms < 2000, `${ms} ms`);
    // Nothing stored: the API still sees version 1 and no scopes.
    const stored = await client.get(`/api/v1/requests/${id}`);
    assert.equal(stored.json.version, 1);
    assert.equal(stored.json.data.scopes, undefined);
    return `422, ${ms.toFixed(1)} ms`;
  });

  attack("60,000 unknown fields posted through the HTML wizard: a bounded problem list", async (s) => {
    const client = await apiUser(s.url);
    const created = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    const id = created.json.id;
    const step = await client.get(`/demandes/${id}/etapes/basic_infos`);
    const pairs = [`_csrf=${csrfOf(step.text)}`, `_version=${versionOf(step.text)}`];
    for (let i = 0; i < 60000; i++) pairs.push(`f${i}=1`);
    const res = await client.request("POST", `/demandes/${id}/etapes/basic_infos`, {
      body: pairs.join("&"),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 400);
    assert.ok((res.text.match(/Champ inconnu/g) || []).length <= 20);
    assert.match(res.text, /et 59980 autre\(s\) problème\(s\)/);
    return res.status;
  });

  attack("huge and out-of-range numbers answer 400, or a type error", async (s) => {
    const client = new Client(s.url);
    const answers = [];
    for (const text of ['{"duree_conservation_donnees_caractere_personnel": 1e400}', '{"x": -1e400}', "1e309", '{"a": 1E+99999}']) {
      const res = await postJson(client, "POST", VALIDATE, text);
      assert.equal(res.status, 400, text);
      assert.match(res.json.error.message, /nombre hors limites/);
      answers.push(res.status);
    }
    // Finite but beyond int64: a value of the wrong type, not a crash.
    const big = await postJson(client, "POST", VALIDATE, '{"duree_conservation_donnees_caractere_personnel": 123456789012345678901234567890}');
    assert.equal(big.status, 200);
    assert.ok(big.json.errors.some((e) => e.field === "duree_conservation_donnees_caractere_personnel"), big.text);
    // A version that is not an int64.
    const user = await apiUser(s.url);
    const created = await user.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    const patch = await postJson(user, "PATCH", `/api/v1/requests/${created.json.id}`, '{"version": 1e30, "data": {}}');
    assert.ok(patch.status >= 400 && patch.status < 500, `version 1e30 -> ${patch.status}`);
    answers.push(big.status, patch.status);
    return answers.join("/");
  });

  attack("invalid UTF-8 in JSON, form posts and paths answers 4xx", async (s) => {
    const answers = [];
    for (const bytes of [
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"\xff"}
      Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), // overlong "/" as a key
      Buffer.from('{"a":"\\ud800"}'), // lone surrogate escape
    ]) {
      const res = await rawSend(s.port, "POST", VALIDATE, "application/json", bytes);
      assert.equal(res.status, 400, bytes.toString("hex"));
      answers.push(res.status);
    }
    const client = await apiUser(s.url);
    const created = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} });
    const step = await client.get(`/demandes/${created.json.id}/etapes/basic_infos`);
    const form = await client.request("POST", `/demandes/${created.json.id}/etapes/basic_infos`, {
      body: `_csrf=${csrfOf(step.text)}&_version=${versionOf(step.text)}&intitule=%FF%FE`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(form.status, 400);
    const pathRes = await rawSend(s.port, "GET", "/definitions/%FF%FE", null, "");
    assert.equal(pathRes.status, 404);
    answers.push(form.status, pathRes.status);
    return answers.join("/");
  });

  attack("a gzip bomb (200 MB of zeros in 200 KB) answers 413 without inflating it", async (s) => {
    const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
    const res = await rawSend(s.port, "POST", VALIDATE, "application/json", bomb, "Content-Encoding: gzip\r\n");
    assert.equal(res.status, 413, res.text.slice(0, 200));
    return `413 (${bomb.length} bytes sent)`;
  });

  attack("a 1 MiB array of numbers is refused without holding memory", async (s) => {
    const text = "[" + "0,".repeat(512 * 1024 - 2) + "0]";
    const res = await postJson(new Client(s.url), "POST", VALIDATE, text);
    assert.ok(res.status === 200 || res.status === 400, `${res.status}`);
    if (res.status === 200) assert.equal(res.json.valid, false);
    return res.status;
  });
});
