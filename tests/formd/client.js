// Shared by the node tests of formd: a browser-like HTTP client with a
// cookie jar, raw HTTP/1.1 over a socket, page scraping helpers and test
// identities (distinct SIRETs and emails per call, so tests sharing one
// formd never see each other's requests).
"use strict";

const assert = require("node:assert/strict");
const net = require("node:net");

// A 14-digit SIRET that passes the Luhn check (is_valid_siret), distinct per call.
let siretCounter = 0;
function newSiret() {
  siretCounter += 1;
  const body = ("4" + String(process.pid % 100000).padStart(5, "0") + String(siretCounter).padStart(7, "0")).slice(0, 13);
  let sum = 0;
  for (let i = 0; i < 13; i++) {
    let d = Number(body[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

let userCounter = 0;
function uniqueEmail(prefix = "agent") {
  userCounter += 1;
  return `${prefix}.${process.pid}.${userCounter}@exemple.fr`;
}

function encodeForm(pairs) {
  const list = Array.isArray(pairs) ? pairs : Object.entries(pairs);
  return list.map(([k, v]) => encodeURIComponent(k) + "=" + encodeURIComponent(v)).join("&");
}

// A browser-like client: a cookie jar managed by hand (Set-Cookie -> Cookie), no redirects followed.
class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null; // the API's X-CSRF-Token (POST /api/v1/session)
  }

  async request(method, urlPath, { json, form, body, headers = {}, csrf = false } = {}) {
    const h = { ...headers };
    if (this.cookies.size && !("cookie" in h)) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      if (!("content-type" in h)) h["content-type"] = "application/json";
    }
    if (form !== undefined) {
      payload = encodeForm(form);
      if (!("content-type" in h)) h["content-type"] = "application/x-www-form-urlencoded";
    }
    if (csrf && this.csrf && !("x-csrf-token" in h)) h["x-csrf-token"] = this.csrf;
    const res = await fetch(this.base + urlPath, { method, headers: h, body: payload, redirect: "manual" });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (_) {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: parsed, setCookies };
  }

  get(p, opts) {
    return this.request("GET", p, opts);
  }
  post(p, opts) {
    return this.request("POST", p, opts);
  }
  // JSON API calls carry X-CSRF-Token.
  api(method, p, json, opts = {}) {
    return this.request(method, p, { json, csrf: true, ...opts });
  }
}


// The name/value pairs of the hidden inputs of the <form> posting to `action`.
function hiddenInputs(html, action) {
  const at = html.indexOf(`action="${action}"`);
  assert.ok(at >= 0, "no form posting to " + action);
  const form = html.slice(at, html.indexOf("</form>", at));
  const pairs = [];
  for (const m of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) pairs.push([unescapeHtml(m[1]), unescapeHtml(m[2])]);
  return pairs;
}

function unescapeHtml(html) {
  return html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function csrfOf(html) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, "no _csrf input in the page");
  return m[1];
}

function versionOf(html) {
  const m = /name="_version" value="(\d+)"/.exec(html);
  assert.ok(m, "no _version input in the page");
  return m[1];
}


// A complete, valid PSC request (submit context), for every PSC form.
function validDocument() {
  return {
    intitule: "Téléconsultation de l’hôpital",
    description: "Permettre aux médecins de se connecter avec leur carte CPS.",
    cadre_juridique_nature: "Arrêté du 24 mars 2021",
    cadre_juridique_url: "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292",
    destinataire_donnees_caractere_personnel: "Les médecins de l’établissement",
    duree_conservation_donnees_caractere_personnel: 12,
    scopes: ["idnat", "donnees_sectorielles"],
    responsable_traitement_type: "person",
    responsable_traitement_family_name: "Dupont",
    responsable_traitement_given_name: "Jeanne",
    responsable_traitement_email: "jeanne.dupont@exemple.fr",
    responsable_traitement_phone_number: "0123456789",
    responsable_traitement_job_title: "Directrice",
    delegue_protection_donnees_type: "person",
    delegue_protection_donnees_family_name: "Martin",
    delegue_protection_donnees_given_name: "Anne",
    delegue_protection_donnees_email: "dpo@exemple.fr",
    delegue_protection_donnees_phone_number: "01 23 45 67 89",
    delegue_protection_donnees_job_title: "DPO",
    contact_technique_type: "person",
    contact_technique_family_name: "Durand",
    contact_technique_given_name: "Paul",
    contact_technique_email: "tech@exemple.fr",
    contact_technique_phone_number: "+33 1 23 45 67 89",
    contact_technique_job_title: "Responsable technique",
    terms_of_service_accepted: true,
    data_protection_officer_informed: true,
  };
}

// A small valid PDF (libmagic says application/pdf), distinct per `text`.
function pdfBytes(text = "formd") {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Title (${text}) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
}

// A document uploaded as clients must (issue 12): POST
// /api/v1/requests/{id}/documents/{field}, multipart/form-data, one part
// named "file". Document entries are never written in a request's data.
function uploadDocument(client, requestId, field, { bytes = pdfBytes(field), name = `${field}.pdf`, type = "application/pdf", part = "file" } = {}) {
  const form = new FormData();
  form.append(part, new Blob([bytes], { type }), name);
  return client.request("POST", `/api/v1/requests/${requestId}/documents/${field}`, { body: form, csrf: true });
}


// Raw HTTP/1.1 over a socket: exact bytes (paths fetch would normalise,
// invalid encodings). Resolves with the status (0 when the connection closed
// without a status line) and the whole answer.
function rawRequest(port, text, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks = [];
    const timer = setTimeout(() => {
      socket.destroy();
      const answer = Buffer.concat(chunks).toString("utf8");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : -1, text: answer, timedOut: true });
    }, timeoutMs);
    // write, not end: httplib drops a half-closed connection without answering.
    socket.on("connect", () => socket.write(Buffer.isBuffer(text) ? text : Buffer.from(text, "latin1")));
    const isHead = String(text).startsWith("HEAD ");
    socket.on("data", (d) => {
      chunks.push(d);
      // httplib keeps some connections open after an error answer: stop at the end of the answer.
      const answer = Buffer.concat(chunks);
      const end = answer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(answer.subarray(0, end).toString("latin1"));
      if (isHead || (m && answer.length >= end + 4 + Number(m[1]))) socket.destroy();
    });
    socket.on("error", () => {}); // reset after the answer: keep what arrived
    socket.on("close", () => {
      clearTimeout(timer);
      const answer = Buffer.concat(chunks).toString("utf8");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : 0, text: answer });
    });
  });
}

function rawGet(port, p, extraHeaders = "") {
  return rawRequest(port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extraHeaders}\r\n`);
}

function rawPost(port, p, contentType, body, extraHeaders = "") {
  return rawSend(port, "POST", p, contentType, body, extraHeaders);
}

function rawSend(port, method, p, contentType, body, extraHeaders = "") {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1");
  const head =
    `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
    (contentType ? `Content-Type: ${contentType}\r\n` : "") +
    `Content-Length: ${buf.length}\r\n${extraHeaders}\r\n`;
  return rawRequest(port, Buffer.concat([Buffer.from(head, "latin1"), buf]));
}


module.exports = {
  newSiret, uniqueEmail, encodeForm, Client,
  hiddenInputs, unescapeHtml, csrfOf, versionOf, validDocument, pdfBytes, uploadDocument,
  rawRequest, rawGet, rawPost, rawSend,
};


// ---- Shared by the instruction tests (instruction_pages_test.js, browser_instruction_test.js) ----

// Hostile strings every page must show escaped (http_test.js, instruction_pages_test.js).
const PAYLOADS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'onmouseover='x",
  "{{value:intitule}}",
  "</textarea><script>x</script>",
];

// No payload is in `html` raw, no inline script; with expectPayload, the
// escaped payload is there (the value really is shown, escaped).
function assertEscaped(html, where, { expectPayload = true } = {}) {
  for (const raw of ["<script>alert(1)</script>", "<img src=x", "<script>x</script>", "</textarea><script>", "'onmouseover='", "onerror=alert(1)>"]) {
    assert.ok(!html.includes(raw), `${where}: raw ${JSON.stringify(raw)} in the page`);
  }
  assert.ok(!/<script(?![^>]*\bsrc="\/static\/)/.test(html), `${where}: an inline <script> in the page`);
  if (expectPayload) {
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), `${where}: the escaped payload is missing`);
    assert.ok(/\{\{value:intitule\}\}|&#123;&#123;value:intitule&#125;&#125;|&#x7[bB];&#x7[bB];value:intitule/.test(html),
      `${where}: {{value:intitule}} is not shown literally`);
  }
}

// `formd roles grant --data DIR email role` (exit 0 expected).
function grantRole(dataDir, email, role) {
  const { spawnSync } = require("node:child_process");
  const r = spawnSync(process.env.FORMD, ["roles", "grant", "--data", dataDir, email, role], { encoding: "utf8" });
  assert.equal(r.status, 0, `formd roles grant ${email} ${role}: ${r.stderr}`);
}

// A client logged in through POST /api/v1/session (--dev-login): the same
// cookie serves the pages. client.csrf is the session's CSRF token (pages' _csrf too).
async function loginClient(baseUrl, { email = uniqueEmail("agent"), name = "Agent Test", siret = newSiret() } = {}) {
  const client = new Client(baseUrl);
  const res = await client.post("/api/v1/session", { json: { email, name, siret } });
  assert.equal(res.status, 200, `login ${email}: ${res.text}`);
  client.csrf = res.json.csrf_token;
  client.email = email;
  client.name = name;
  client.siret = siret;
  return client;
}

// A request created and submitted through the API (fully valid data, merged with `data`).
async function submitThroughApi(applicant, { formUid = "api-pro-sante-connect", data = {} } = {}) {
  const created = await applicant.api("POST", "/api/v1/requests", { form_uid: formUid, data: { ...validDocument(), ...data } });
  assert.equal(created.status, 201, created.text);
  const submitted = await applicant.api("POST", `/api/v1/requests/${created.json.id}/submit`, { version: created.json.version });
  assert.equal(submitted.status, 200, submitted.text);
  return submitted.json;
}

// The text of an HTML fragment: tags dropped, entities decoded, spaces
// collapsed, typographic apostrophes as plain ones.
function pageText(html) {
  return unescapeHtml(html.replace(/<script[\s\S]*?<\/script>/g, " ").replace(/<[^>]+>/g, " ").replace(/&apos;/g, "&#39;"))
    .replace(/&nbsp;|&#160;/g, " ").replace(/[’‘]/g, "'").replace(/\s+/g, " ").trim();
}

// The <section> whose first heading's text starts with `title` (apostrophes
// compared plain), or null. Sections are not nested in formd's pages.
function sectionByHeading(html, title) {
  const want = title.replace(/[’‘]/g, "'");
  for (const m of html.matchAll(/<section\b[^>]*>([\s\S]*?)<\/section>/g)) {
    const h = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(m[1]);
    if (h && pageText(h[1]).startsWith(want)) return m[0];
  }
  return null;
}

// The values of attribute `attr` in `html`, in order (e.g. data-formd-request).
function attrValues(html, attr) {
  return [...html.matchAll(new RegExp(`\\b${attr}="([^"]*)"`, "g"))].map((m) => unescapeHtml(m[1]));
}

// The hrefs of the links of `html` (entities decoded).
function linkHrefs(html) {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => unescapeHtml(m[1]));
}

Object.assign(module.exports, {
  PAYLOADS, assertEscaped, grantRole, loginClient, submitThroughApi, pageText, sectionByHeading, attrValues, linkHrefs,
});
