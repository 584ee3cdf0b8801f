// A form without `steps` is one page (DataPass's single-page forms): formd
// shows every block on it, validates them together and goes to the summary.
// Uses the fixture definitions in single_page/, served by formd --dev (the
// interpreter), since the compiled classes only cover definitions/.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { startFormd } = require("./harness");

const FIXTURE = path.join(__dirname, "single_page");

function cookieOf(res) {
  const set = res.headers.get("set-cookie") || "";
  const m = /formd_session=([0-9a-f]*)/.exec(set);
  return m ? `formd_session=${m[1]}` : null;
}

function form(fields) {
  return {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: fields.cookie },
    body: new URLSearchParams(fields.body).toString(),
  };
}

test("a single-page form: one page with every block, then the summary and submission", async () => {
  const server = await startFormd({ dev: true, definitions: FIXTURE });
  try {
    const login = await fetch(server.url + "/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "sp@exemple.gouv.fr", name: "Sam Page", siret: "21750001600019" }),
    });
    assert.equal(login.status, 200);
    const cookie = cookieOf(login);
    const { csrf_token: csrf } = await login.json();

    const created = await fetch(server.url + "/api/v1/requests", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Cookie: cookie },
      body: JSON.stringify({ form_uid: "api-demo-page-unique" }),
    });
    assert.equal(created.status, 201);
    const { id } = await created.json();

    const entry = await fetch(`${server.url}/demandes/${id}`, { redirect: "manual", headers: { Cookie: cookie } });
    assert.equal(entry.status, 303);
    assert.equal(entry.headers.get("location"), `/demandes/${id}/etapes/formulaire`);

    const page = await (await fetch(server.url + entry.headers.get("location"), { headers: { Cookie: cookie } })).text();
    assert.match(page, /id="formc-step-basic_infos"/);
    assert.match(page, /id="formc-step-legal"/);
    const forms = page.match(new RegExp(`<form method="post" action="/demandes/${id}/etapes/[a-z_]+"`, "g")) || [];
    assert.deepEqual(forms, [`<form method="post" action="/demandes/${id}/etapes/formulaire"`], "one form for the whole page");
    assert.doesNotMatch(page, /fr-stepper/, "no stepper on a single page");

    const empty = await fetch(`${server.url}/demandes/${id}/etapes/formulaire`,
      form({ cookie, body: { _csrf: csrf, _version: "1", intitule: "", description: "" } }));
    assert.equal(empty.status, 422);
    const errors = await empty.text();
    assert.match(errors, /fr-input-group--error/);
    assert.match(errors, /href="#intitule"/, "error summary links to a field of the first block");
    assert.match(errors, /href="#cadre_juridique_nature"/, "and to a field of the second block");

    const filled = await fetch(`${server.url}/demandes/${id}/etapes/formulaire`, form({
      cookie,
      body: {
        _csrf: csrf, _version: "2", intitule: "Projet sur une page", description: "Tout tient sur une page.",
        cadre_juridique_nature: "Arrêté du 1er janvier 2024", cadre_juridique_url: "https://www.legifrance.gouv.fr/",
      },
    }));
    assert.equal(filled.status, 303);
    assert.equal(filled.headers.get("location"), `/demandes/${id}/resume`);

    const summary = await (await fetch(`${server.url}/demandes/${id}/resume`, { headers: { Cookie: cookie } })).text();
    assert.match(summary, /Projet sur une page/);
    assert.match(summary, new RegExp(`href="/demandes/${id}/etapes/formulaire"`), "edit links go to the single page");

    const submitted = await fetch(`${server.url}/demandes/${id}/soumettre`, form({
      cookie,
      body: { _csrf: csrf, _version: "3", terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    }));
    assert.equal(submitted.status, 303, await submitted.text());
    const stored = await (await fetch(`${server.url}/api/v1/requests/${id}`, { headers: { Cookie: cookie } })).json();
    assert.equal(stored.state, "submitted");
    assert.equal(stored.data.intitule, "Projet sur une page");
  } catch (e) {
    console.error(server.log());
    throw e;
  } finally {
    await server.stop();
    server.removeData();
  }
});
