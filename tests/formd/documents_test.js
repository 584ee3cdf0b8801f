// Documents (issue 12), over HTTP against a real formd: uploads through the
// JSON API and the wizard's step form, limits from the definition (content
// type read from the bytes by libmagic, size, count), downloads under the
// request page's policy, the content-addressed store (same bytes stored
// once, no half file after a SIGKILL, `formd gc`), the memory of a 200 MB
// upload, snapshots kept by a habilitation and restored when an update is
// cancelled, and a request whose definition needs a document.
"use strict";

const { describe, test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const { startFormd } = require("./harness");
const { loginClient, validDocument, grantRole, uniqueEmail, csrfOf, versionOf, pageText, unescapeHtml } = require("./client");

const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
const FIELD = "cadre_juridique_document";
const FORM = "api-pro-sante-connect";

let server;

function pdfBytes(text = "formd") {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Title (${text}) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
}
// A Windows executable's first bytes (DOS header "MZ", PE offset, "PE\0\0").
function exeBytes() {
  const b = Buffer.alloc(512);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  b.writeUInt16LE(0x14c, 0x84);
  return b;
}
const sha256 = (b) => crypto.createHash("sha256").update(b).digest("hex");

function upload(client, requestId, { bytes, name = "cadre.pdf", type = "application/pdf", field = FIELD, part = "file" }) {
  const form = new FormData();
  form.append(part, new Blob([bytes], { type }), name);
  return client.request("POST", `/api/v1/requests/${requestId}/documents/${field}`, { body: form, csrf: true });
}

async function draft(client, data = {}) {
  const created = await client.api("POST", "/api/v1/requests", { form_uid: FORM, data });
  assert.equal(created.status, 201, created.text);
  return created.json;
}

// What the store holds: content files (named by digest) and temporary files.
function storedFiles(dataDir) {
  const dir = path.join(dataDir, "documents");
  if (!fs.existsSync(dir)) return { blobs: [], temporary: [] };
  return {
    blobs: fs.readdirSync(dir).filter((n) => n !== "tmp").sort(),
    temporary: fs.existsSync(path.join(dir, "tmp")) ? fs.readdirSync(path.join(dir, "tmp")) : [],
  };
}

// The download links of a page's document lists (templates/document_list.mustache): [{id, name}].
function documentLinks(html) {
  return [...html.matchAll(/<a href="\/documents\/(\d+)" download>([^<]*)<\/a>/g)].map((m) => ({ id: Number(m[1]), name: unescapeHtml(m[2]) }));
}

async function habilitationLinks(client, hid) {
  const page = await client.get(`/habilitations/${hid}`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  return documentLinks(page.text);
}

function dbRows(dataDir, sql) {
  const r = spawnSync("sqlite3", [path.join(dataDir, "formd.sqlite3"), sql], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

before(async () => {
  server = await startFormd({});
});
after(async () => {
  if (server) {
    await server.stop();
    server.removeData();
  }
});

describe("formd documents (issue 12)", () => {
  test("a PDF is accepted: 201 {id, name, content_type, size, sha256}, the data holds its entry, the download is an attachment", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const bytes = pdfBytes("accepted");
    const res = await upload(applicant, r.id, { bytes, name: "Arrêté n°1.pdf", type: "application/octet-stream" });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.name, "Arrêté n°1.pdf");
    assert.equal(res.json.content_type, "application/pdf");
    assert.equal(res.json.size, bytes.length);
    assert.equal(res.json.sha256, sha256(bytes));
    assert.ok(Number.isInteger(res.json.id));

    const got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.deepEqual(got.json.data[FIELD], [{ name: "Arrêté n°1.pdf", content_type: "application/pdf", size: bytes.length }]);
    assert.equal(got.json.version, r.version + 1);

    const file = await fetch(`${server.url}/documents/${res.json.id}`, { headers: { cookie: [...applicant.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "application/pdf");
    assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    assert.match(file.headers.get("content-disposition"), /^attachment; filename="Arr_t_ n_1\.pdf"; filename\*=UTF-8''Arr%C3%AAt%C3%A9%20n%C2%B01\.pdf$/);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);
    assert.ok(storedFiles(server.dataDir).blobs.includes(sha256(bytes)));
  });

  test("a renamed .exe with a .pdf name and a PDF type is refused by its bytes, and nothing changes", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const before = storedFiles(server.dataDir).blobs;
    const res = await upload(applicant, r.id, { bytes: exeBytes(), name: "rapport.pdf", type: "application/pdf" });
    assert.equal(res.status, 422, res.text);
    assert.match(res.json.error.message, /^Le fichier « rapport\.pdf » n’est pas au format PDF\.$/);
    const got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.version, r.version);
    assert.equal(got.json.data[FIELD], undefined);
    assert.deepEqual(storedFiles(server.dataDir).blobs, before);
    assert.deepEqual((await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents, []);
  });

  test("a file over the field's size limit is refused (413) and nothing is stored", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const before = storedFiles(server.dataDir).blobs;
    const big = Buffer.concat([pdfBytes("big"), Buffer.alloc(10 * 1024 * 1024)]);
    const res = await upload(applicant, r.id, { bytes: big, name: "gros.pdf" });
    assert.equal(res.status, 413, res.text);
    assert.match(res.json.error.message, /gros\.pdf.*dépasse la taille maximale de 10 Mo/);
    assert.deepEqual(storedFiles(server.dataDir).blobs, before);
    assert.equal(storedFiles(server.dataDir).temporary.length, 0);
    assert.equal((await applicant.get(`/api/v1/requests/${r.id}`)).json.version, r.version);
    assert.deepEqual(dbRows(server.dataDir, `SELECT id FROM documents WHERE request_id = ${r.id}`), []);
  });

  test("the field's count limit: six files, the seventh is refused", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    for (let i = 0; i < 6; i++) {
      const res = await upload(applicant, r.id, { bytes: pdfBytes("count " + i), name: `piece-${i}.pdf` });
      assert.equal(res.status, 201, res.text);
    }
    const seventh = await upload(applicant, r.id, { bytes: pdfBytes("count 7"), name: "piece-7.pdf" });
    assert.equal(seventh.status, 422, seventh.text);
    assert.match(seventh.json.error.message, /plus de 6 fichiers/);
    const got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.data[FIELD].length, 6);
    assert.deepEqual(got.json.data[FIELD].map((d) => d.name), [0, 1, 2, 3, 4, 5].map((i) => `piece-${i}.pdf`));
  });

  test("another organisation's document and request answer 404, and so does a colleague-free download without a session", async () => {
    const owner = await loginClient(server.url);
    const stranger = await loginClient(server.url);
    const r = await draft(owner);
    const up = await upload(owner, r.id, { bytes: pdfBytes("secret") });
    assert.equal(up.status, 201, up.text);
    assert.equal((await stranger.get(`/documents/${up.json.id}`)).status, 404);
    assert.equal((await stranger.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${up.json.id}`, { csrf: true })).status, 404);
    assert.equal((await upload(stranger, r.id, { bytes: pdfBytes("intrus") })).status, 404);
    assert.equal((await stranger.get(`/api/v1/requests/${r.id}/documents`)).status, 404);
    const anonymous = await fetch(`${server.url}/documents/${up.json.id}`, { redirect: "manual" });
    assert.equal(anonymous.status, 303);
    // The owner still has it.
    assert.equal((await owner.get(`/api/v1/requests/${r.id}/documents`)).json.documents.length, 1);
  });

  test("path traversal in file names is harmless: the name is cut to its last component, the bytes are stored by digest", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const names = ["../../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "..", "<script>alert(1)</script>.pdf"];
    const stored = [];
    for (const [i, name] of names.entries()) {
      const res = await upload(applicant, r.id, { bytes: pdfBytes("traversal " + i), name });
      assert.equal(res.status, 201, res.text);
      stored.push(res.json.name);
    }
    assert.equal(stored[0], "passwd.pdf");
    assert.equal(stored[1], "win.ini.pdf");
    assert.equal(stored[2], "document");
    for (const n of stored) assert.ok(!n.includes("/") && !n.includes("\\") && !n.includes("<"), n);
    for (const n of storedFiles(server.dataDir).blobs) assert.match(n, /^[0-9a-f]{64}$/);
    assert.ok(!fs.existsSync(path.join(server.dataDir, "passwd.pdf")));
    // The wizard shows the names escaped.
    const page = await applicant.get(`/demandes/${r.id}/etapes/legal`);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes("<script>alert(1)"));
  });

  test("two uploads of the same bytes are stored once", async () => {
    const applicant = await loginClient(server.url);
    const other = await loginClient(server.url);
    const bytes = pdfBytes("twice " + Date.now());
    const a = await upload(applicant, (await draft(applicant)).id, { bytes, name: "a.pdf" });
    const b = await upload(other, (await draft(other)).id, { bytes, name: "b.pdf" });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(a.json.sha256, b.json.sha256);
    assert.notEqual(a.json.id, b.json.id);
    assert.equal(storedFiles(server.dataDir).blobs.filter((n) => n === sha256(bytes)).length, 1);
    assert.equal(fs.statSync(path.join(server.dataDir, "documents", sha256(bytes))).size, bytes.length);
  });

  test("DELETE removes the document from the draft and its entry from the data", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const a = await upload(applicant, r.id, { bytes: pdfBytes("del a"), name: "a.pdf" });
    const b = await upload(applicant, r.id, { bytes: pdfBytes("del b"), name: "b.pdf" });
    const del = await applicant.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${a.json.id}`, { csrf: true });
    assert.equal(del.status, 204, del.text);
    const got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.deepEqual(got.json.data[FIELD].map((d) => d.name), ["b.pdf"]);
    assert.equal((await applicant.get(`/documents/${a.json.id}`)).status, 404);
    assert.equal((await applicant.get(`/documents/${b.json.id}`)).status, 200);
    // Without the CSRF header: refused, nothing removed.
    const noCsrf = await applicant.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${b.json.id}`);
    assert.equal(noCsrf.status, 403);
    assert.equal((await applicant.get(`/api/v1/requests/${r.id}`)).json.data[FIELD].length, 1);
  });

  test("a request whose definition requires a document (no URL) cannot be submitted without one, and can with one", async () => {
    const applicant = await loginClient(server.url);
    const data = validDocument();
    data.cadre_juridique_url = null;  // the form prefills it: null removes it (merge patch)
    const r = await draft(applicant, data);
    const refused = await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: r.version });
    assert.equal(refused.status, 422, refused.text);
    assert.ok(refused.json.error.details.some((d) => d.field === FIELD || d.field === "cadre_juridique_url"), refused.text);
    const up = await upload(applicant, r.id, { bytes: pdfBytes("legal basis") });
    assert.equal(up.status, 201, up.text);
    const current = await applicant.get(`/api/v1/requests/${r.id}`);
    const submitted = await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.json.state, "submitted");
    // The summary lists the file with its size and a download link.
    const page = await applicant.get(`/demandes/${r.id}`);
    assert.ok(page.text.includes(`href="/documents/${up.json.id}"`), "download link on the request page");
    assert.match(pageText(page.text), /cadre\.pdf \(\d+ octets\)/);
  });

  test("the wizard's step form as multipart: a refused file gets its French message at the field and the rest of the step is saved; a PDF is stored", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const step = `/demandes/${r.id}/etapes/legal`;
    const page = await applicant.get(step);
    assert.match(page.text, /enctype="multipart\/form-data"/);
    const post = (fields, file) => {
      const form = new FormData();
      form.append("_csrf", csrfOf(page.text));
      form.append("_version", fields._version);
      for (const [k, v] of Object.entries(fields)) if (k !== "_version") form.append(k, v);
      form.append(`${FIELD}[]`, file ? new Blob([file.bytes], { type: file.type }) : new Blob([]), file ? file.name : "");
      return applicant.request("POST", step, { body: form });
    };
    const docx = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(100)]);
    const refused = await post({ _version: versionOf(page.text), _action: "next", cadre_juridique_nature: "Décret n° 2024-1" },
                               { bytes: docx, name: "x.docx", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    assert.equal(refused.status, 422, refused.text.slice(0, 500));
    assert.ok(pageText(refused.text).includes("Le fichier « x.docx » n'est pas au format PDF."), pageText(refused.text).slice(0, 3000));
    let got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.data.cadre_juridique_nature, "Décret n° 2024-1");
    assert.equal(got.json.data[FIELD], undefined);

    const again = await applicant.get(step);
    const bytes = pdfBytes("wizard");
    const saved = await post({ _version: versionOf(again.text), _action: "next", cadre_juridique_nature: "Décret n° 2024-1" },
                             { bytes, name: "decret.pdf", type: "application/pdf" });
    assert.equal(saved.status, 303, saved.text.slice(0, 500));
    got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.deepEqual(got.json.data[FIELD], [{ name: "decret.pdf", content_type: "application/pdf", size: bytes.length }]);
    const shown = await applicant.get(step);
    const id = (await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents[0].id;
    assert.ok(shown.text.includes(`href="/documents/${id}"`));
    assert.ok(shown.text.includes(`name="_remove_document" value="${id}"`));

    // An empty file input posts an empty part: the step saves, the file stays.
    const third = await applicant.get(step);
    const kept = await post({ _version: versionOf(third.text), _action: "draft", cadre_juridique_nature: "Décret n° 2024-2" });
    assert.equal(kept.status, 200, kept.text.slice(0, 300));
    got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.data.cadre_juridique_nature, "Décret n° 2024-2");
    assert.equal(got.json.data[FIELD].length, 1);

    // Removing it through the checkbox.
    const fourth = await applicant.get(step);
    const form = new FormData();
    form.append("_csrf", csrfOf(fourth.text));
    form.append("_version", versionOf(fourth.text));
    form.append("_action", "draft");
    form.append("cadre_juridique_nature", "Décret n° 2024-2");
    form.append("_remove_document", String(id));
    form.append(`${FIELD}[]`, new Blob([]), "");
    const removed = await applicant.request("POST", step, { body: form });
    // Saved; the step now lacks its URL or document (the block's rule): 422 with the page.
    assert.equal(removed.status, 422, removed.text.slice(0, 300));
    assert.match(pageText(removed.text), /Brouillon enregistré/);
    got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.data[FIELD], undefined);
  });

  test("a habilitation keeps its documents: removed during an update, they come back when the update is cancelled; gc keeps their bytes", async () => {
    const applicant = await loginClient(server.url);
    const instructor = await loginClient(server.url, { email: uniqueEmail("instructeur") });
    grantRole(server.dataDir, instructor.email, "ans:api_pro_sante_connect:instructor");
    const data = validDocument();
    data.cadre_juridique_url = null;  // the form prefills it: null removes it (merge patch)
    const r = await draft(applicant, data);
    const bytes = pdfBytes("snapshot " + Date.now());
    const up = await upload(applicant, r.id, { bytes, name: "habilitation.pdf" });
    assert.equal(up.status, 201, up.text);
    let current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal((await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version })).status, 200);
    const approved = await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {});
    assert.equal(approved.status, 200, approved.text);
    const h = approved.json.habilitations[approved.json.habilitations.length - 1].id;
    const reopened = await applicant.api("POST", `/api/v1/habilitations/${h}/reopen`, {});
    assert.equal(reopened.status, 200, reopened.text);
    const del = await applicant.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${up.json.id}`, { csrf: true });
    assert.equal(del.status, 204, del.text);
    current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(current.json.data[FIELD], undefined);
    // The habilitation still names the bytes: gc keeps them.
    const gc = spawnSync(process.env.FORMD, ["gc", "--data", server.dataDir, "--min-age", "0"], { encoding: "utf8" });
    assert.equal(gc.status, 0, gc.stderr);
    assert.ok(fs.existsSync(path.join(server.dataDir, "documents", sha256(bytes))));

    const cancelled = await applicant.api("POST", `/api/v1/requests/${r.id}/cancel_reopening`, {});
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.state, "validated");
    assert.deepEqual(cancelled.json.data[FIELD], [{ name: "habilitation.pdf", content_type: "application/pdf", size: bytes.length }]);
    const docs = (await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents;
    assert.equal(docs.length, 1);
    assert.equal(docs[0].sha256, sha256(bytes));
    const file = await applicant.get(`/documents/${docs[0].id}`);
    assert.equal(file.status, 200);
    // The instructor may download it too (same policy as the request page).
    assert.equal((await instructor.get(`/documents/${docs[0].id}`)).status, 200);
  });

  test("an update refused by the instructor puts the habilitation's files back with its data", async () => {
    const applicant = await loginClient(server.url);
    const instructor = await loginClient(server.url, { email: uniqueEmail("instructeur") });
    grantRole(server.dataDir, instructor.email, "ans:api_pro_sante_connect:instructor");
    const data = validDocument();
    data.cadre_juridique_url = null;
    const r = await draft(applicant, data);
    const approvedBytes = pdfBytes("refused update, approved " + Date.now());
    assert.equal((await upload(applicant, r.id, { bytes: approvedBytes, name: "approuvé.pdf" })).status, 201);
    let current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal((await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version })).status, 200);
    const approved = await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {});
    assert.equal(approved.status, 200, approved.text);
    const h = approved.json.habilitation.id;

    assert.equal((await applicant.api("POST", `/api/v1/habilitations/${h}/reopen`, {})).status, 200);
    const old = (await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents[0];
    assert.equal((await applicant.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${old.id}`, { csrf: true })).status, 204);
    assert.equal((await upload(applicant, r.id, { bytes: pdfBytes("refused update, proposed " + Date.now()), name: "proposé.pdf" })).status, 201);
    current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal((await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version })).status, 200);

    const refused = await instructor.api("POST", `/api/v1/requests/${r.id}/refuse`, { reason: "Le nouveau texte ne convient pas." });
    assert.equal(refused.status, 200, refused.text);
    assert.equal(refused.json.state, "validated");
    assert.deepEqual(refused.json.data[FIELD], [{ name: "approuvé.pdf", content_type: "application/pdf", size: approvedBytes.length }]);
    const docs = (await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents;
    assert.deepEqual(docs.map((d) => [d.name, d.sha256]), [["approuvé.pdf", sha256(approvedBytes)]]);
    const file = await applicant.get(`/documents/${docs[0].id}`);
    assert.equal(file.status, 200);
    assert.equal(file.text, approvedBytes.toString("latin1"));
  });

  test("document entries are refused in the JSON API's data (create and PATCH): 422 naming the field and the upload endpoint, nothing written", async () => {
    const applicant = await loginClient(server.url);
    const entry = [{ name: "faux.pdf", content_type: "application/pdf", size: 10 }];
    const created = await applicant.api("POST", "/api/v1/requests", { form_uid: FORM, data: { intitule: "Sans fichier", [FIELD]: entry } });
    assert.equal(created.status, 422, created.text);
    assert.match(created.json.error.message, new RegExp(`« ${FIELD} » est un champ de document.*POST /api/v1/requests/\\{id\\}/documents/${FIELD}`));
    assert.deepEqual(created.json.error.details.map((d) => [d.field, d.code]), [[FIELD, "document_upload_required"]]);
    assert.equal((await applicant.get("/api/v1/requests")).json.requests.length, 0, "no request created");

    const r = await draft(applicant);
    for (const value of [entry, []]) {
      const forged = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, { version: r.version, data: { intitule: "Changé", [FIELD]: value } });
      assert.equal(forged.status, 422, `${JSON.stringify(value)}: ${forged.text}`);
      assert.equal(forged.json.error.details[0].field, FIELD);
      assert.match(forged.json.error.message, /déposent un par un avec POST/);
    }
    // Another document field of the form too (the project mock-up).
    const mockup = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, { version: r.version, data: { maquette_projet: entry } });
    assert.equal(mockup.status, 422, mockup.text);
    assert.equal(mockup.json.error.details[0].field, "maquette_projet");
    let got = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal(got.json.version, r.version, "nothing written");
    assert.equal(got.json.data[FIELD], undefined);
    assert.notEqual(got.json.data.intitule, "Changé");

    // Uploaded, then the data read back and sent unchanged: the entries are not a write, the PATCH passes.
    const up = await upload(applicant, r.id, { bytes: pdfBytes("round trip"), name: "aller-retour.pdf" });
    assert.equal(up.status, 201, up.text);
    got = await applicant.get(`/api/v1/requests/${r.id}`);
    const roundTrip = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, { version: got.json.version, data: { ...got.json.data, intitule: "Aller-retour" } });
    assert.equal(roundTrip.status, 200, roundTrip.text);
    assert.deepEqual(roundTrip.json.data[FIELD], got.json.data[FIELD]);
    // Changing them is not: a renamed entry, or null (removing them), is refused.
    const removed = await applicant.api("PATCH", `/api/v1/requests/${r.id}`, { version: roundTrip.json.version, data: { [FIELD]: null } });
    assert.equal(removed.status, 422, removed.text);
    const renamed = await applicant.api("PATCH", `/api/v1/requests/${r.id}`,
                                        { version: roundTrip.json.version, data: { [FIELD]: [{ ...got.json.data[FIELD][0], name: "autre.pdf" }] } });
    assert.equal(renamed.status, 422, renamed.text);
    assert.deepEqual((await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents.map((d) => d.name), ["aller-retour.pdf"]);
  });

  test("the instruction page and the habilitation page list the documents with their size and a download link; a habilitation's links are its snapshot's, still there after the draft's file is replaced", async () => {
    const applicant = await loginClient(server.url);
    const instructor = await loginClient(server.url, { email: uniqueEmail("instructrice") });
    const stranger = await loginClient(server.url);
    grantRole(server.dataDir, instructor.email, "ans:api_pro_sante_connect:instructor");
    const data = validDocument();
    data.cadre_juridique_url = null;  // the file is the legal basis
    const r = await draft(applicant, data);
    const first = pdfBytes("approved with " + Date.now());
    const upFirst = await upload(applicant, r.id, { bytes: first, name: "arrêté & annexe \"A\".pdf" });
    assert.equal(upFirst.status, 201, upFirst.text);
    let current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal((await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version })).status, 200);

    // The instructor's page: name (escaped), size, link; the link downloads the bytes.
    const instruction = await instructor.get(`/instruction/demandes/${r.id}`);
    assert.equal(instruction.status, 200);
    const onInstruction = documentLinks(instruction.text);
    const stored = upFirst.json.name;  // the quotes become "_" (documents/file_name.cc)
    assert.deepEqual(onInstruction, [{ id: upFirst.json.id, name: stored }]);
    assert.ok(instruction.text.includes("arrêté &amp; annexe"), "the name escaped");
    assert.ok(pageText(instruction.text).includes(`${stored} (${first.length} octets)`), "the size next to the name");
    const fromInstruction = await instructor.get(`/documents/${onInstruction[0].id}`);
    assert.equal(fromInstruction.status, 200);
    assert.match(fromInstruction.headers.get("content-disposition"), /^attachment;/);
    assert.equal(fromInstruction.text, first.toString("latin1"));

    const approved = await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {});
    assert.equal(approved.status, 200, approved.text);
    const h = approved.json.habilitation.id;
    const snapshot = await habilitationLinks(instructor, h);
    assert.equal(snapshot.length, 1);
    assert.equal(snapshot[0].name, stored);
    assert.notEqual(snapshot[0].id, upFirst.json.id, "the snapshot's own row");
    assert.deepEqual(await habilitationLinks(applicant, h), snapshot, "the applicant sees the same links");
    assert.equal((await stranger.get(`/habilitations/${h}`)).status, 404);
    assert.equal((await stranger.get(`/documents/${snapshot[0].id}`)).status, 404);

    // An update replaces the draft's file: the habilitation keeps linking to the file it was approved with.
    assert.equal((await applicant.api("POST", `/api/v1/habilitations/${h}/reopen`, {})).status, 200);
    const draftDocs = (await applicant.get(`/api/v1/requests/${r.id}/documents`)).json.documents;
    assert.equal(draftDocs.length, 1);
    const del = await applicant.request("DELETE", `/api/v1/requests/${r.id}/documents/${FIELD}/${draftDocs[0].id}`, { csrf: true });
    assert.equal(del.status, 204, del.text);
    const second = pdfBytes("replacement " + Date.now());
    const upSecond = await upload(applicant, r.id, { bytes: second, name: "arrêté modifié.pdf" });
    assert.equal(upSecond.status, 201, upSecond.text);
    const gc = spawnSync(process.env.FORMD, ["gc", "--data", server.dataDir, "--min-age", "0"], { encoding: "utf8" });
    assert.equal(gc.status, 0, gc.stderr);
    assert.deepEqual(await habilitationLinks(applicant, h), snapshot, "the snapshot's links, not the draft's");
    for (const client of [applicant, instructor]) {
      const file = await client.get(`/documents/${snapshot[0].id}`);
      assert.equal(file.status, 200);
      assert.equal(file.text, first.toString("latin1"), "the approved bytes");
    }
    // The instruction page shows the draft's current file.
    assert.deepEqual(documentLinks((await instructor.get(`/instruction/demandes/${r.id}`)).text).map((d) => d.id), [upSecond.json.id]);

    // The update approved: the new habilitation links to the new file, the old one still to its own.
    current = await applicant.get(`/api/v1/requests/${r.id}`);
    assert.equal((await applicant.api("POST", `/api/v1/requests/${r.id}/submit`, { version: current.json.version })).status, 200);
    const updated = await instructor.api("POST", `/api/v1/requests/${r.id}/approve`, {});
    assert.equal(updated.status, 200, updated.text);
    const h2 = updated.json.habilitation.id;
    const newer = await habilitationLinks(instructor, h2);
    assert.deepEqual(newer.map((d) => d.name), ["arrêté modifié.pdf"]);
    assert.equal((await instructor.get(`/documents/${newer[0].id}`)).text, second.toString("latin1"));
    assert.deepEqual(await habilitationLinks(instructor, h), snapshot, "the obsolete habilitation keeps its file");
    assert.equal((await instructor.get(`/documents/${snapshot[0].id}`)).text, first.toString("latin1"));
  });

  test("the preview shows the document fields as the wizard does (label, hint, file input, disabled there) and an example file listed with its size, without link", async () => {
    const applicant = await loginClient(server.url);
    const r = await draft(applicant);
    const wizard = (await applicant.get(`/demandes/${r.id}/etapes/legal`)).text;
    const preview = await fetch(`${server.url}/preview/${FORM}`);
    assert.equal(preview.status, 200);
    const html = await preview.text();
    const group = (page) => {
      const m = new RegExp(`<div class="fr-upload-group" data-formc-field="${FIELD}">[\\s\\S]*?<input [^>]*>`).exec(page);
      assert.ok(m, "the upload group of " + FIELD);
      return m[0];
    };
    const shown = group(html);
    // The same label, hint and input as the wizard, but disabled: the preview sends nothing.
    assert.match(group(wizard), /<input class="fr-upload" type="file" [^>]*multiple  aria-describedby/, "enabled in the wizard");
    assert.equal(shown.replace(" disabled aria-describedby", "  aria-describedby"), group(wizard));
    assert.ok(pageText(shown).includes("Ajoutez votre document (optionnel) Taille maximale: 10 Mo. Formats supportés: pdf. Jusqu'à 6 fichiers."), pageText(shown));
    assert.match(shown, /<input class="fr-upload" type="file" id="cadre_juridique_document" name="cadre_juridique_document\[\]" accept="application\/pdf" multiple disabled aria-describedby=/);
    // An example file, as an uploaded one is listed (name and size), under the input and in the summary; nothing to download.
    const after = html.slice(html.indexOf(shown) + shown.length);
    assert.match(pageText(after.slice(0, after.indexOf("</div>"))), /^exemple\.pdf \(250 Ko\)$/);
    const summary = html.slice(html.indexOf('id="formd-preview-summary"'));
    assert.match(pageText(summary), /Ajoutez votre document exemple\.pdf \(250 Ko\)/);
    assert.doesNotMatch(html, /href="\/documents\//);
  });

  test("formd gc removes orphan bytes only", async () => {
    const orphan = Buffer.from("orphan " + Date.now());
    const name = sha256(orphan);
    fs.writeFileSync(path.join(server.dataDir, "documents", name), orphan);
    const kept = storedFiles(server.dataDir).blobs.filter((n) => n !== name);
    const referenced = new Set(dbRows(server.dataDir, "SELECT DISTINCT sha256 FROM documents"));
    const gc = spawnSync(process.env.FORMD, ["gc", "--data", server.dataDir, "--min-age", "0"], { encoding: "utf8" });
    assert.equal(gc.status, 0, gc.stderr);
    assert.match(gc.stdout, /supprimé/);
    const after = storedFiles(server.dataDir).blobs;
    assert.ok(!after.includes(name));
    for (const n of referenced) assert.ok(after.includes(n), "kept " + n);
    for (const n of after) assert.ok(referenced.has(n) || kept.includes(n));
  });
});

// A multipart body streamed from a generator: never built whole in the test either.
function streamUpload(url, cookie, csrf, { name, head, fillBytes, chunk = 1 << 20, delayMs = 0 }) {
  const boundary = "----formd" + crypto.randomBytes(8).toString("hex");
  const pre = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = pre.length + head.length + fillBytes + post.length;
  const u = new URL(url);
  return {
    total,
    promise: new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": total, cookie, "x-csrf-token": csrf } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject);
      req.write(pre);
      req.write(head);
      let left = fillBytes;
      const zeros = Buffer.alloc(chunk);
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk);
          left -= n;
          const drained = req.write(n === chunk ? zeros : zeros.subarray(0, n));
          if (delayMs) return setTimeout(pump, delayMs);
          if (!drained) return req.once("drain", pump);
        }
        req.end(post);
      };
      pump();
    }),
  };
}

describe("formd documents: memory and crashes", () => {
  let big, defs, library;
  before(async () => {
    // The legal block with a 300 MB limit: a copy of the library, served by the interpreter (--dev).
    library = fs.mkdtempSync(path.join(os.tmpdir(), "formd-documents-lib-"));
    fs.cpSync(path.join(SOURCE_DIR, "definitions", "library"), library, { recursive: true });
    const legal = path.join(library, "blocks", "legal.yml");
    const text = fs.readFileSync(legal, "utf8");
    assert.ok(text.includes("max_size: 10485760"));
    fs.writeFileSync(legal, text.replace("max_size: 10485760", "max_size: 314572800"));
    defs = fs.mkdtempSync(path.join(os.tmpdir(), "formd-documents-defs-"));
    for (const entry of fs.readdirSync(path.join(SOURCE_DIR, "definitions"))) {
      if (entry !== "library") fs.cpSync(path.join(SOURCE_DIR, "definitions", entry), path.join(defs, entry), { recursive: true });
    }
    big = await startFormd({ dev: true, definitions: defs, extraArgs: ["--library", library, "--max-upload-bytes", String(320 * 1024 * 1024)] });
  });
  after(async () => {
    if (big) {
      await big.stop();
      big.removeData();
    }
    for (const d of [defs, library]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  test("a 200 MB upload raises formd's memory by a few MB at most", async () => {
    const applicant = await loginClient(big.url);
    const r = await draft(applicant);
    const cookie = [...applicant.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const baseline = big.rssKiB();
    let peak = baseline;
    const timer = setInterval(() => {
      const now = big.rssKiB();
      if (now > peak) peak = now;
    }, 20);
    const size = 200 * 1024 * 1024;
    const head = pdfBytes("large");
    const { promise } = streamUpload(`${big.url}/api/v1/requests/${r.id}/documents/${FIELD}`, cookie, applicant.csrf,
                                     { name: "large.pdf", head, fillBytes: size - head.length });
    const res = await promise;
    clearInterval(timer);
    assert.equal(res.status, 201, res.text);
    const body = JSON.parse(res.text);
    assert.equal(body.size, size);
    assert.equal(fs.statSync(path.join(big.dataDir, "documents", body.sha256)).size, size);
    const grownMiB = (peak - baseline) / 1024;
    assert.ok(grownMiB < 16, `formd's RSS grew by ${grownMiB.toFixed(1)} MiB during a 200 MB upload`);
  });

  test("--max-upload-bytes bounds an upload body below the field's own limit: 413, nothing stored", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-documents-limit-"));
    const small = await startFormd({ dataDir, extraArgs: ["--max-upload-bytes", String(2 * 1024 * 1024)] });
    try {
      const applicant = await loginClient(small.url);
      const r = await draft(applicant);
      // 3 MB: under the field's 10 Mo, over the server's 2 MiB (streamed: formd answers before the body ends).
      const cookie = [...applicant.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const { promise } = streamUpload(`${small.url}/api/v1/requests/${r.id}/documents/${FIELD}`, cookie, applicant.csrf,
                                       { name: "trop.pdf", head: pdfBytes("over the option"), fillBytes: 3 * 1024 * 1024, chunk: 64 * 1024 });
      const res = await promise;
      assert.equal(res.status, 413, res.text);
      assert.match(JSON.parse(res.text).error.message, /taille maximale/);
      assert.deepEqual(storedFiles(dataDir).blobs, []);
      assert.deepEqual(storedFiles(dataDir).temporary, []);
      assert.equal((await applicant.get(`/api/v1/requests/${r.id}`)).json.version, r.version);
      // Under it: accepted.
      const ok = await upload(applicant, r.id, { bytes: Buffer.concat([pdfBytes("under the option"), Buffer.alloc(1024 * 1024)]) });
      assert.equal(ok.status, 201, ok.text);
    } finally {
      await small.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("SIGKILL during uploads leaves no half file visible and no metadata row without its bytes", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-documents-crash-"));
    const victim = await startFormd({ dataDir, extraArgs: ["--max-upload-bytes", String(64 * 1024 * 1024)] });
    try {
      const applicant = await loginClient(victim.url);
      const cookie = [...applicant.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      // Some uploads complete first.
      const done = [];
      for (let i = 0; i < 3; i++) {
        const r = await draft(applicant);
        const up = await upload(applicant, r.id, { bytes: pdfBytes("before crash " + i), name: `ok-${i}.pdf` });
        assert.equal(up.status, 201, up.text);
        done.push(up.json);
      }
      // Then several large ones in flight, and formd killed mid-way.
      const inflight = [];
      for (let i = 0; i < 4; i++) {
        const r = await draft(applicant);
        const s = streamUpload(`${victim.url}/api/v1/requests/${r.id}/documents/${FIELD}`, cookie, applicant.csrf,
                               { name: `crash-${i}.pdf`, head: pdfBytes("crash " + i), fillBytes: 9 * 1024 * 1024, chunk: 64 * 1024, delayMs: 5 });
        inflight.push(s.promise.catch(() => ({ status: 0 })));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(victim.pid, "SIGKILL");
      await Promise.all(inflight);
      await victim.stop();

      const { blobs } = storedFiles(dataDir);
      // Every visible file is complete: its name is the digest of its bytes.
      for (const n of blobs) assert.equal(sha256(fs.readFileSync(path.join(dataDir, "documents", n))), n, "half file " + n);
      // Every metadata row has its bytes.
      const rows = dbRows(dataDir, "SELECT sha256 FROM documents");
      assert.ok(rows.length >= done.length);
      for (const s of rows) assert.ok(blobs.includes(s), "row without bytes: " + s);
      for (const d of done) assert.ok(rows.includes(d.sha256));
      // gc then clears what the crash left (temporary files, orphans), keeping every referenced file.
      const gc = spawnSync(process.env.FORMD, ["gc", "--data", dataDir, "--min-age", "0"], { encoding: "utf8" });
      assert.equal(gc.status, 0, gc.stderr);
      assert.deepEqual(storedFiles(dataDir).temporary, []);
      for (const s of rows) assert.ok(fs.existsSync(path.join(dataDir, "documents", s)));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
