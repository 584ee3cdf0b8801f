// The steps every browser walk takes (browser/*_walk.js): navigating by
// clicks, reading the page as a person does, the development login, and the
// JSON API with the session of a browser context.
"use strict";

const assert = require("node:assert/strict");
const { validDocument } = require("../client");

const PSC = "api-pro-sante-connect";

async function clickAndLoad(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  return response;
}

async function expectPath(page, re, what) {
  const url = new URL(page.url());
  assert.match(url.pathname + url.search, re, `${what}: unexpected URL ${page.url()}`);
}

const squash = (t) => (t || "").replace(/\s+/g, " ").replace(/[’‘]/g, "'").trim();

async function mainText(page) {
  return squash(await page.locator("main").innerText());
}

// The entries of the history, newest first: [{ name, text }].
async function historyOf(page) {
  return page.locator("#historique [data-formd-event]").evaluateAll((items) =>
    items.map((li) => ({ name: li.getAttribute("data-formd-event"), text: li.textContent.replace(/\s+/g, " ").replace(/[’‘]/g, "'").trim() })));
}

// A file attached through the browser's own file chooser, as a person picks it.
async function chooseFile(page, label, file) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByLabel(label).click()]);
  await chooser.setFiles(file);
}

// The development login page, as a person fills it.
async function logIn(page, { email, name, siret }) {
  await page.getByLabel("Adresse électronique").fill(email);
  await page.getByLabel("Prénom et nom").fill(name);
  await page.getByLabel("SIRET de votre organisation").fill(siret);
  await clickAndLoad(page, page.getByRole("button", { name: "Se connecter" }));
}

// A request created and submitted through the JSON API with the session of `context`.
async function submitThroughApi(context, base, data) {
  const session = await context.request.get(base + "/api/v1/session");
  assert.equal(session.status(), 200, "the API session of the browser");
  const csrf = (await session.json()).csrf_token;
  const headers = { "X-CSRF-Token": csrf };
  const created = await context.request.post(base + "/api/v1/requests", { data: { form_uid: PSC, data: { ...validDocument(), ...data } }, headers });
  assert.equal(created.status(), 201, await created.text());
  const { id, version } = await created.json();
  const submitted = await context.request.post(`${base}/api/v1/requests/${id}/submit`, { data: { version }, headers });
  assert.equal(submitted.status(), 200, await submitted.text());
  return id;
}

async function requestState(context, base, id) {
  const res = await context.request.get(`${base}/api/v1/requests/${id}`);
  assert.equal(res.status(), 200);
  return res.json();
}

async function expectSuccessNotice(page, what) {
  const notice = page.locator("main .fr-alert--success");
  assert.equal(await notice.count(), 1, `${what}: a success notice`);
}

// The JSON API with the session of a browser context (cookie and CSRF token).
async function api(context, base) {
  const session = await context.request.get(base + "/api/v1/session");
  assert.equal(session.status(), 200, "the API session of the browser");
  const headers = { "X-CSRF-Token": (await session.json()).csrf_token };
  const call = async (method, path, data, expected = 200) => {
    const res = await context.request.fetch(base + path, { method, data, headers });
    assert.equal(res.status(), expected, `${method} ${path}: ${await res.text()}`);
    return res.json();
  };
  return {
    get: (path) => call("GET", path),
    post: (path, data = {}, expected) => call("POST", path, data, expected),
    patch: async (id, data) => {
      const current = await call("GET", `/api/v1/requests/${id}`);
      return call("PATCH", `/api/v1/requests/${id}`, { version: current.version, data });
    },
    submit: async (id) => {
      const current = await call("GET", `/api/v1/requests/${id}`);
      return call("POST", `/api/v1/requests/${id}/submit`, { version: current.version });
    },
    // A document, as clients must send one (issue 12): `file` is { name, mimeType, buffer }.
    upload: async (id, field, file) => {
      const res = await context.request.fetch(`${base}/api/v1/requests/${id}/documents/${field}`, { method: "POST", multipart: { file }, headers });
      assert.equal(res.status(), 201, `upload ${field}: ${await res.text()}`);
      return res.json();
    },
  };
}

module.exports = {
  clickAndLoad, expectPath, squash, mainText, historyOf, chooseFile, logIn, submitThroughApi, requestState, expectSuccessNotice, api,
};
