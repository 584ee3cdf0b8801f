// Life with a habilitation through formd's pages (issue 10, LIFECYCLE.md
// §2.2–§2.6): the habilitation page and its tabs, "Mettre à jour" and the
// update summary (block editing, "Envoyer ma demande de modification",
// "Annulation de vos modifications"), the instructor's approval and refusal
// of an update, transfers (CAS 2, CAS 3, the manual-transfer page),
// revocation and deletion. Each page is posted as a browser would (its
// _csrf and _version); every refusal leaves the request, its history and
// its habilitations as they were. The JSON API's rules have their own test
// (lifecycle_api_test.js); this one checks what people see and click.
//
//   FORMD=build/runtime/formd/formd node tests/formd/lifecycle_pages_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.lifecycle_pages: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const {
  csrfOf, versionOf, validDocument, uniqueEmail, newSiret, loginClient, grantRole, pageText, PAYLOADS, assertEscaped,
} = require("./client");

const PSC = "api-pro-sante-connect";
const INSTRUCTOR = "ans:api_pro_sante_connect:instructor";
const SOURCE_DIR = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");

let server;
let manual; // API Pro Santé Connect with transfer and reopening off
let manualDefinitions;

// ---- Helpers ---------------------------------------------------------------------

async function login(srv, { role, siret = newSiret(), name = "Agent Test", email = uniqueEmail("agent") } = {}) {
  if (role) grantRole(srv.dataDir, email, role);
  return loginClient(srv.url, { email, name, siret });
}

async function cast(srv = server) {
  const applicant = await login(srv, { name: "Élise Demandeuse", email: uniqueEmail("demandeur") });
  return {
    applicant,
    colleague: await login(srv, { siret: applicant.siret, name: "Paul Collègue", email: uniqueEmail("collegue") }),
    instructor: await login(srv, { role: INSTRUCTOR, name: "Ines Instructrice", email: uniqueEmail("instructrice") }),
    reporter: await login(srv, { role: "ans:api_pro_sante_connect:reporter" }),
    stranger: await login(srv, { name: "Hors Organisation", email: uniqueEmail("ailleurs") }),
  };
}

async function json(res, what, status = 200) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text}`);
  return res.json;
}

async function validated(p, data = {}) {
  const created = await json(
    await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: { ...validDocument(), ...data } }), "create", 201);
  await json(await p.applicant.api("POST", `/api/v1/requests/${created.id}/submit`, { version: created.version }), "submit");
  const approved = await json(await p.instructor.api("POST", `/api/v1/requests/${created.id}/approve`, {}), "approve");
  return { id: created.id, hid: approved.habilitation.id };
}

async function apiGet(client, id) {
  return json(await client.get(`/api/v1/requests/${id}`), `GET request ${id}`);
}

// What a refusal must leave untouched.
async function snapshot(observer, id) {
  const r = await apiGet(observer, id);
  const events = await json(await observer.get(`/api/v1/requests/${id}/events`), "events");
  return { state: r.state, version: r.version, applicant: r.applicant, data: r.data, habilitations: r.habilitations, events: events.length };
}

async function page(client, p, what = p) {
  const res = await client.get(p);
  assert.equal(res.status, 200, `${what}: GET ${p} answered ${res.status}: ${pageText(res.text).slice(0, 400)}`);
  return res.text;
}

function expectRedirect(res, re, what) {
  assert.equal(res.status, 303, `${what}: expected 303, got ${res.status}: ${pageText(res.text).slice(0, 500)}`);
  assert.match(res.headers.get("location") || "", re, `${what}: Location`);
  return res.headers.get("location");
}

// A page's form posted as the page would, with `fields` added.
async function postPage(client, p, fields = {}, action = p) {
  const html = await page(client, p);
  assert.match(html, new RegExp(`<form[^>]*action="${action.replace(/[?]/g, "\\?")}"`), `${p}: a form posting to ${action}`);
  return client.post(action, { form: { _csrf: csrfOf(html), _version: versionOf(html), ...fields } });
}

// The same POST without going through the page (a forged or replayed click).
async function postDirect(client, action, version, fields = {}) {
  return client.post(action, { form: { _csrf: client.csrf, _version: String(version), ...fields } });
}

// `call` answers `status` and nothing changes on request `id`.
async function refused(observer, id, status, call, what) {
  const before = await snapshot(observer, id);
  const res = await call();
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status}: ${pageText(res.text).slice(0, 400)}`);
  assert.deepEqual(await snapshot(observer, id), before, `${what}: nothing changed`);
  return res;
}

// The header actions of a habilitation or request page (the nav's link texts).
function actions(html) {
  const m = /<nav aria-label="Actions sur [^"]*"[^>]*>([\s\S]*?)<\/nav>/.exec(html);
  return m ? [...m[1].matchAll(/<a\b[^>]*>([\s\S]*?)<\/a>/g)].map((a) => pageText(a[1])) : [];
}

// The contacts step as the update's edit page posts it, with `changes`.
function contactsStep(changes = {}) {
  const doc = validDocument();
  const fields = {};
  for (const [k, v] of Object.entries(doc)) {
    if (/^(responsable_traitement|delegue_protection_donnees|contact_technique)_/.test(k)) fields[k] = String(v);
  }
  return { ...fields, ...changes, _action: "next" };
}

function contactsStepKey(summaryHtml, id) {
  const m = new RegExp(`href="/demandes/${id}/etapes/([a-z0-9_]+)">Modifier<span class="fr-sr-only"> « Les personnes impliquées »`).exec(summaryHtml);
  assert.ok(m, "the update summary has « Modifier » on « Les personnes impliquées »");
  return m[1];
}

describe("formd lifecycle pages (issue 10)", () => {
  before(async () => {
    server = await startFormd({});
    manualDefinitions = fs.mkdtempSync(path.join(os.tmpdir(), "formd-lifecycle-pages-defs-"));
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

  test("CAS 1: « Mettre à jour » from the dashboard, block editing on the update summary, sent once changed, approved: new H active, old one obsolete with its old contact", async () => {
    const p = await cast();
    const v = await validated(p);

    // The dashboard card and the habilitation header offer « Mettre à jour » to the applicant only.
    const dashboard = await page(p.applicant, "/demandes?onglet=habilitations");
    assert.ok(dashboard.includes(`href="/habilitations/${v.hid}/mettre-a-jour"`), "the card offers « Mettre à jour »");
    const hpage = await page(p.applicant, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(hpage), ["Mettre à jour", "Transférer"]);
    assert.match(pageText(hpage), /Habilitation à API Pro Santé Connect/);
    for (const other of [p.colleague, p.instructor, p.reporter]) {
      const html = await page(other, `/habilitations/${v.hid}`);
      assert.ok(!actions(html).includes("Mettre à jour"), "only the applicant updates");
      assert.ok(!(await page(other, "/demandes?onglet=habilitations")).includes("/mettre-a-jour"), "no card button for others");
      await refused(p.applicant, v.id, 403, () => postDirect(other, `/habilitations/${v.hid}/mettre-a-jour`, 1), "another reopens");
    }
    await refused(p.applicant, v.id, 404, () => p.stranger.get(`/habilitations/${v.hid}`), "another organisation sees it");
    await refused(p.applicant, v.id, 404, () => postDirect(p.stranger, `/habilitations/${v.hid}/mettre-a-jour`, 1), "another organisation reopens");
    await refused(p.applicant, v.id, 403, () => p.applicant.post(`/habilitations/${v.hid}/mettre-a-jour`, { form: { _csrf: "x", _version: "1" } }),
      "a forged CSRF token");

    // The confirmation (DataPass's modal) then the same request in draft, on its update summary.
    const confirm = await page(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`);
    assert.match(pageText(confirm), /Mettre à jour la demande d'habilitation Téléconsultation/);
    assert.match(pageText(confirm), /Votre habilitation restera valide quelque soit l'issue de la demande de mise à jour/);
    const to = expectRedirect(await postPage(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`), new RegExp(`^/demandes/${v.id}/resume$`), "reopen");
    const reopened = await apiGet(p.applicant, v.id);
    assert.equal(reopened.state, "draft");
    assert.equal(reopened.reopening, true);
    assert.equal(reopened.habilitations[0].state, "active");
    // A second « Mettre à jour » is refused (409), and the button is gone.
    await refused(p.applicant, v.id, 409, () => p.applicant.get(`/habilitations/${v.hid}/mettre-a-jour`), "a second reopen page");
    await refused(p.applicant, v.id, 409, () => postDirect(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`, reopened.version), "a second reopen");

    let summary = await page(p.applicant, to, "update summary");
    const text = pageText(summary);
    assert.match(text, /Demande de mise à jour des informations/);
    assert.match(text, /Mise à jour/);
    assert.match(text, /Brouillon/);
    assert.match(text, /L'organisation SIRET \d{14} Ces informations ne sont pas modifiables/);
    assert.match(summary, /<button type="submit"[^>]* disabled[^>]*>Envoyer ma demande de modification<\/button>/, "disabled while unchanged");
    assert.match(text, /Vous devez effectuer à minima un changement si vous voulez soumettre cette demande/);
    assert.ok(summary.includes(`href="/demandes/${v.id}/annuler-mise-a-jour"`), "« Annuler ma demande de modification »");
    assert.ok(!/Soumettre la demande|Enregistrer le brouillon/.test(text), "no plain submission");
    // The request's page and the wizard's first step lead to this summary.
    expectRedirect(await p.applicant.get(`/demandes/${v.id}`), new RegExp(`^/demandes/${v.id}/resume$`), "the request URL");
    // The habilitation stays active and says an update is in progress.
    const during = pageText(await page(p.applicant, `/habilitations/${v.hid}`));
    assert.match(during, /Une mise à jour de cette habilitation est en cours/);
    assert.match(during, new RegExp(`Consulter la demande de mise à jour n°${v.id}`));
    assert.match(during, /Active/);

    // Sending it unchanged: refused with the reason, nothing sent.
    const unchanged = await refused(p.applicant, v.id, 422, () =>
      p.applicant.post(`/demandes/${v.id}/soumettre`, { form: { _csrf: csrfOf(summary), _version: versionOf(summary), terms_of_service_accepted: "1", data_protection_officer_informed: "1" } }),
    "sending an unchanged update");
    assert.match(pageText(unchanged.text), /Nous n'avons pas pu transmettre votre demande de mise à jour/);

    // « Modifier » on « Les personnes impliquées »: an edit page with « Enregistrer les modifications » and « Retour à la synthèse ».
    const step = contactsStepKey(summary, v.id);
    const edit = await page(p.applicant, `/demandes/${v.id}/etapes/${step}`);
    assert.match(pageText(edit), /Enregistrer les modifications/);
    assert.ok(edit.includes(`href="/demandes/${v.id}/resume">Retour à la synthèse</a>`));
    assert.ok(!/Enregistrer et continuer|Enregistrer le brouillon/.test(pageText(edit)));
    expectRedirect(await postPage(p.applicant, `/demandes/${v.id}/etapes/${step}`, contactsStep({ contact_technique_email: "nouveau.tech@exemple.fr" })),
      new RegExp(`^/demandes/${v.id}/resume$`), "saving the block");
    summary = await page(p.applicant, `/demandes/${v.id}/resume`);
    assert.ok(summary.includes("nouveau.tech@exemple.fr"));
    assert.match(summary, /<button type="submit" class="[^"]*">Envoyer ma demande de modification<\/button>/, "enabled once changed");
    const sent = await p.applicant.post(`/demandes/${v.id}/soumettre`, {
      form: { _csrf: csrfOf(summary), _version: versionOf(summary), terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    });
    const back = expectRedirect(sent, new RegExp(`^/demandes\\?fait=mise-a-jour-soumise&demande=${v.id}$`), "send the update");
    assert.match(pageText(await page(p.applicant, back)), /La demande de mise à jour de l'habilitation « Téléconsultation de l'hôpital » a été soumise avec succès/);
    // Once sent, it can no longer be cancelled by the applicant.
    assert.equal((await apiGet(p.applicant, v.id)).state, "submitted");
    await refused(p.applicant, v.id, 409, () => p.applicant.get(`/demandes/${v.id}/annuler-mise-a-jour`), "cancel after sending");
    const requestPage = pageText(await page(p.applicant, `/demandes/${v.id}`));
    assert.match(requestPage, /Mise à jour/);
    assert.ok(!/Annuler ma demande de modification/.test(requestPage));

    // The instructor approves it as an update: a new active H, the old one obsolete with its old contact.
    const approvePage = pageText(await page(p.instructor, `/instruction/demandes/${v.id}/valider`));
    assert.match(approvePage, /Valider la demande de mise à jour/);
    expectRedirect(await postPage(p.instructor, `/instruction/demandes/${v.id}/valider`), new RegExp(`^/instruction/demandes/${v.id}\\?fait=valider$`), "approve the update");
    const after = await apiGet(p.applicant, v.id);
    assert.equal(after.state, "validated");
    assert.equal(after.reopening, false);
    assert.equal(after.habilitations.length, 2);
    const newer = after.habilitations.find((h) => h.id !== v.hid);
    assert.equal(newer.state, "active");
    assert.equal(after.habilitations.find((h) => h.id === v.hid).state, "obsolete");
    const old = await page(p.applicant, `/habilitations/${v.hid}`);
    assert.match(pageText(old), new RegExp(`Attention, vous consultez une version ancienne de cette habilitation. Cette habilitation est obsolète, elle a été remplacée par l'habilitation N°${newer.id}`));
    assert.ok(old.includes("tech@exemple.fr") && !old.includes("nouveau.tech@exemple.fr"), "the old page shows the old contact");
    assert.deepEqual(actions(old), [], "no action on an obsolete habilitation");
    assert.ok((await page(p.applicant, `/habilitations/${newer.id}`)).includes("nouveau.tech@exemple.fr"));
    const cards = await page(p.applicant, "/demandes?onglet=habilitations");
    assert.ok(cards.includes(`data-formd-habilitation="${newer.id}"`) && !cards.includes(`data-formd-habilitation="${v.hid}"`),
      "obsolete habilitations are not listed");
    // The tabs: history with DataPass's words, and every habilitation of the request.
    const hist = pageText(await page(p.applicant, `/habilitations/${newer.id}/historique`));
    assert.match(hist, /Élise Demandeuse a réouvert l'habilitation/);
    assert.match(hist, /Le champ .* a changé de « tech@exemple.fr » en « nouveau.tech@exemple.fr »/);
    const all = await page(p.applicant, `/habilitations/${newer.id}/habilitations`);
    assert.match(pageText(all), /Historique des habilitations/);
    assert.ok(all.includes(`href="/habilitations/${v.hid}"`));
    assert.match(pageText(await page(p.instructor, `/habilitations/${newer.id}/habilitations`)), /Historique des habilitations liées à cette demande/);
  });

  test("CAS 1: an update refused by the instructor goes back to validated with the habilitation's data, which stays active", async () => {
    const p = await cast();
    const v = await validated(p);
    await postPage(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`);
    const summary = await page(p.applicant, `/demandes/${v.id}/resume`);
    const step = contactsStepKey(summary, v.id);
    await postPage(p.applicant, `/demandes/${v.id}/etapes/${step}`, contactsStep({ contact_technique_email: "refuse.moi@exemple.fr" }));
    const ready = await page(p.applicant, `/demandes/${v.id}/resume`);
    expectRedirect(await p.applicant.post(`/demandes/${v.id}/soumettre`, {
      form: { _csrf: csrfOf(ready), _version: versionOf(ready), terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
    }), /^\/demandes\?fait=mise-a-jour-soumise/, "send");
    const refusePage = pageText(await page(p.instructor, `/instruction/demandes/${v.id}/refuser`));
    assert.match(refusePage, /Refuser la demande de mise à jour/);
    assert.match(refusePage, /L'habilitation sera toujours valide/);
    // A reason is required.
    const missing = await refused(p.applicant, v.id, 422, () => postPage(p.instructor, `/instruction/demandes/${v.id}/refuser`, { reason: "  " }), "refuse without reason");
    assert.match(pageText(missing.text), /raison|motif/i);
    expectRedirect(await postPage(p.instructor, `/instruction/demandes/${v.id}/refuser`, { reason: "Contact inconnu" }), /fait=refuser/, "refuse the update");
    const after = await apiGet(p.applicant, v.id);
    assert.equal(after.state, "validated", "back to validated, not refused");
    assert.equal(after.data.contact_technique_email, "tech@exemple.fr", "the habilitation's data is back");
    assert.deepEqual(after.habilitations.map((h) => h.state), ["active"]);
    const hpage = await page(p.applicant, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(hpage), ["Mettre à jour", "Transférer"], "it may be updated again");
    assert.ok(!/Une mise à jour de cette habilitation est en cours/.test(pageText(hpage)));
    const requests = await page(p.applicant, "/demandes");
    assert.ok(!requests.includes(`data-formd-request="${v.id}"`), "no card left under « Les demandes en cours »");
  });

  test("« Annulation de vos modifications »: the applicant cancels an update in draft; data restored; an instructor cancels with a required reason", async () => {
    const p = await cast();
    const v = await validated(p);
    await postPage(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`);
    await json(await p.applicant.api("PATCH", `/api/v1/requests/${v.id}`, { version: (await apiGet(p.applicant, v.id)).version, data: { contact_technique_email: "annule@exemple.fr" } }), "patch");
    // The applicant only: a colleague or an instructor is refused this page.
    for (const other of [p.colleague, p.instructor]) {
      await refused(p.applicant, v.id, 403, () => other.get(`/demandes/${v.id}/annuler-mise-a-jour`), "another's cancel page");
      await refused(p.applicant, v.id, 403, () => postDirect(other, `/demandes/${v.id}/annuler-mise-a-jour`, 1), "another cancels");
    }
    await refused(p.applicant, v.id, 404, () => p.stranger.get(`/demandes/${v.id}/annuler-mise-a-jour`), "another organisation");
    const confirm = pageText(await page(p.applicant, `/demandes/${v.id}/annuler-mise-a-jour`));
    assert.match(confirm, /Annulation de vos modifications/);
    assert.match(confirm, /l'ensemble des changements que vous avez pu effectuer seront perdus. Votre habilitation quant à elle sera toujours valide/);
    assert.match(confirm, /Cette action est irréversible/);
    // A stale confirmation (the request changed since) is refused.
    await refused(p.applicant, v.id, 409, () => postDirect(p.applicant, `/demandes/${v.id}/annuler-mise-a-jour`, 1), "a stale confirmation");
    const back = expectRedirect(await postPage(p.applicant, `/demandes/${v.id}/annuler-mise-a-jour`), new RegExp(`^/demandes\\?fait=reouverture-annulee&demande=${v.id}$`), "cancel");
    assert.match(pageText(await page(p.applicant, back)), /La réouverture de l'habilitation « Téléconsultation de l'hôpital » a été annulée/);
    const after = await apiGet(p.applicant, v.id);
    assert.equal(after.state, "validated");
    assert.equal(after.data.contact_technique_email, "tech@exemple.fr");
    assert.match(pageText(await page(p.applicant, `/habilitations/${v.hid}/historique`)), /a annulé la réouverture de l'habilitation/);

    // An instructor cancels a sent update from the instruction space, with a reason.
    await postPage(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`);
    await json(await p.applicant.api("PATCH", `/api/v1/requests/${v.id}`, { version: (await apiGet(p.applicant, v.id)).version, data: { contact_technique_email: "autre@exemple.fr" } }), "patch");
    await json(await p.applicant.api("POST", `/api/v1/requests/${v.id}/submit`, { version: (await apiGet(p.applicant, v.id)).version }), "send");
    const menu = await page(p.instructor, `/instruction/demandes/${v.id}`);
    assert.ok(menu.includes(`href="/instruction/demandes/${v.id}/annuler-reouverture"`), "the instructor's menu offers it");
    assert.match(pageText(menu), /Mise à jour/);
    await refused(p.applicant, v.id, 422, () => postPage(p.instructor, `/instruction/demandes/${v.id}/annuler-reouverture`, { reason: "" }), "without a reason");
    expectRedirect(await postPage(p.instructor, `/instruction/demandes/${v.id}/annuler-reouverture`, { reason: "Demande en double" }), /fait=annuler-reouverture/, "instructor cancels");
    const done = await apiGet(p.applicant, v.id);
    assert.equal(done.state, "validated");
    assert.equal(done.data.contact_technique_email, "tech@exemple.fr");
    assert.match(pageText(await page(p.applicant, `/habilitations/${v.hid}/historique`)),
      /Ines Instructrice a annulé la réouverture de l'habilitation pour la raison suivante : .*Demande en double/);
  });

  test("CAS 2: the applicant transfers to a colleague by email; unknown, other organisation and self refused with DataPass's words", async () => {
    const p = await cast();
    const v = await validated(p);
    const form = pageText(await page(p.applicant, `/demandes/${v.id}/transferer`));
    assert.match(form, /Transférer ma demande d'habilitation/);
    assert.match(form, new RegExp(`Vous êtes sur le point de transférer votre demande d'habilitation n°D${v.id} vers le compte d'un autre usager`));
    assert.match(form, /Email du nouveau demandeur/);
    const cases = [
      [uniqueEmail("inconnu"), /Le destinataire ne possède pas de compte sur DataPass/],
      [p.stranger.email, /Le destinataire n'appartient pas à la même organisation/],
      [p.applicant.email, /Vous ne pouvez pas transférer cette demande à la même personne/],
      ["", /Indiquez l.email du nouveau demandeur/],
    ];
    for (const [email, message] of cases) {
      const res = await refused(p.applicant, v.id, 422, () => postPage(p.applicant, `/demandes/${v.id}/transferer`, { email }), `transfer to ${email}`);
      assert.match(pageText(res.text), /Transfert de la demande impossible/);
      assert.match(pageText(res.text), message);
      assert.ok(res.text.includes(`value="${email}"`), "the typed email stays in the field");
    }
    const to = expectRedirect(await postPage(p.applicant, `/demandes/${v.id}/transferer`, { email: p.colleague.email.toUpperCase() }),
      new RegExp(`^/demandes/${v.id}\\?fait=transferee$`), "transfer");
    assert.match(pageText(await page(p.applicant, to)), new RegExp(`a bien été transférée à l'utilisateur ${p.colleague.email.replace(/[.]/g, "\\.")}`));
    const after = await apiGet(p.colleague, v.id);
    assert.equal(after.applicant.email, p.colleague.email);
    assert.equal(after.state, "validated");
    assert.deepEqual(after.habilitations.map((h) => [h.id, h.state]), [[v.hid, "active"]], "ids and states kept");
    // The new applicant may update it; the previous one now sees the take-over variant only.
    assert.deepEqual(actions(await page(p.colleague, `/habilitations/${v.hid}`)), ["Mettre à jour", "Transférer"]);
    assert.deepEqual(actions(await page(p.applicant, `/habilitations/${v.hid}`)), ["Transférer"]);
    assert.match(pageText(await page(p.applicant, `/habilitations/${v.hid}/historique`)), new RegExp(`a transféré la demande à ${p.colleague.email.replace(/[.]/g, "\\.")}`));
    // Nobody outside the organisation reaches the page; an instructor is sent to the instruction space.
    await refused(p.colleague, v.id, 404, () => p.stranger.get(`/demandes/${v.id}/transferer`), "another organisation");
    expectRedirect(await p.instructor.get(`/demandes/${v.id}/transferer`), new RegExp(`^/instruction/demandes/${v.id}/transferer$`), "instructor");
  });

  test("CAS 3: a colleague takes the habilitation over (no email field), then may update it; not on a plain draft", async () => {
    const p = await cast();
    const v = await validated(p);
    const seen = await page(p.colleague, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(seen), ["Transférer"], "a colleague sees « Transférer » but not « Mettre à jour »");
    const form = await page(p.colleague, `/demandes/${v.id}/transferer`);
    assert.match(pageText(form), /Transfert d'une demande d'habilitation/);
    assert.match(pageText(form), new RegExp(`transférer la demande d'habilitation n°D${v.id} vers votre compte`));
    assert.ok(!/name="email"/.test(form), "no email field");
    // A colleague cannot send it to a third person: the email is ignored, it comes to them.
    const to = expectRedirect(await postPage(p.colleague, `/demandes/${v.id}/transferer`, { email: p.stranger.email }),
      new RegExp(`^/demandes/${v.id}\\?fait=transfert-recu$`), "take over");
    assert.match(pageText(await page(p.colleague, to)), /La demande d'habilitation « Téléconsultation de l'hôpital » a bien été transférée sur votre compte/);
    assert.equal((await apiGet(p.colleague, v.id)).applicant.email, p.colleague.email);
    // Then CAS 1 is open to them.
    expectRedirect(await postPage(p.colleague, `/habilitations/${v.hid}/mettre-a-jour`), new RegExp(`^/demandes/${v.id}/resume$`), "the new applicant updates");
    // During an update, « Transférer » stays (the seed's screenshot).
    assert.deepEqual(actions(await page(p.applicant, `/habilitations/${v.hid}`)), ["Transférer"]);

    // A plain draft: no « Transférer », and its page answers 409.
    const draft = await json(await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} }), "draft", 201);
    await refused(p.applicant, draft.id, 409, () => p.colleague.get(`/demandes/${draft.id}/transferer`), "transfer a plain draft");
    await refused(p.applicant, draft.id, 409, () => postDirect(p.applicant, `/demandes/${draft.id}/transferer`, draft.version, { email: p.colleague.email }), "post on a plain draft");
  });

  test("features.transfer off: « Transférer » leads to « Transfert manuel requis »; « Mettre à jour » is not offered", async () => {
    const p = await cast(manual);
    const v = await validated(p);
    const hpage = await page(p.applicant, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(hpage), ["Transférer"]);
    const info = pageText(await page(p.applicant, `/demandes/${v.id}/transferer`));
    assert.match(info, /Transfert manuel requis/);
    assert.match(info, /La fonctionnalité de transfert automatique n'est pas disponible pour « API Pro Santé Connect »/);
    await refused(p.applicant, v.id, 403, () => postDirect(p.applicant, `/demandes/${v.id}/transferer`, 3, { email: p.colleague.email }), "post anyway");
    await refused(p.applicant, v.id, 403, () => p.applicant.get(`/habilitations/${v.hid}/mettre-a-jour`), "reopen page");
    await refused(p.applicant, v.id, 403, () => postDirect(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`, 3), "reopen anyway");
    assert.ok(!(await page(p.applicant, "/demandes?onglet=habilitations")).includes("/mettre-a-jour"));
  });

  test("revocation: an instructor revokes one habilitation (reason required); the applicant sees « Habilitations révoquées » and « Contacter le support » only; a whole request from the instruction space", async () => {
    const p = await cast();
    const v = await validated(p);
    const seen = await page(p.instructor, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(seen), ["Révoquer"]);
    assert.match(pageText(seen), new RegExp(`Cette habilitation a été créée par la demande D${v.id} via le formulaire « .* » et a été validée par`));
    for (const other of [p.applicant, p.colleague, p.reporter]) {
      await refused(p.applicant, v.id, 403, () => other.get(`/habilitations/${v.hid}/revoquer`), "revoke page");
      await refused(p.applicant, v.id, 403, () => postDirect(other, `/habilitations/${v.hid}/revoquer`, 3, { reason: "x" }), "revoke");
    }
    const missing = await refused(p.applicant, v.id, 422, () => postPage(p.instructor, `/habilitations/${v.hid}/revoquer`, { reason: " " }), "no reason");
    assert.match(pageText(missing.text), /Indiquez les motifs de révocation/);
    expectRedirect(await postPage(p.instructor, `/habilitations/${v.hid}/revoquer`, { reason: "Usage non conforme" }),
      new RegExp(`^/habilitations/${v.hid}\\?fait=revoquee$`), "revoke");
    const after = await apiGet(p.applicant, v.id);
    assert.equal(after.state, "revoked");
    assert.equal(after.habilitations[0].state, "revoked");
    const hpage = await page(p.applicant, `/habilitations/${v.hid}`);
    assert.deepEqual(actions(hpage), ["Contacter le support"]);
    assert.ok(hpage.includes("mailto:datapass@api.gouv.fr?subject=Habilitation%20H" + v.hid + "%20r%C3%A9voqu%C3%A9e"));
    const dashboard = await page(p.applicant, "/demandes?onglet=habilitations");
    assert.match(pageText(dashboard), /Habilitations révoquées \(1\)/);
    assert.ok(!dashboard.includes("/mettre-a-jour"));
    await refused(p.applicant, v.id, 409, () => p.instructor.get(`/habilitations/${v.hid}/revoquer`), "revoke twice");

    // The whole request, from the instruction space.
    const w = await validated(p);
    await refused(p.applicant, w.id, 422, () => postPage(p.instructor, `/instruction/demandes/${w.id}/revoquer`, { reason: "" }), "request without reason");
    expectRedirect(await postPage(p.instructor, `/instruction/demandes/${w.id}/revoquer`, { reason: "Fin du projet" }), /fait=revoquer/, "revoke request");
    assert.equal((await apiGet(p.applicant, w.id)).state, "revoked");
  });

  test("deletion: « Supprimer » for the applicant's own refused request or draft, with its confirmation; not on a validated request nor for a colleague", async () => {
    const p = await cast();
    const created = await json(await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: validDocument() }), "create", 201);
    await json(await p.applicant.api("POST", `/api/v1/requests/${created.id}/submit`, { version: created.version }), "submit");
    await json(await p.instructor.api("POST", `/api/v1/requests/${created.id}/refuse`, { reason: "Hors périmètre" }), "refuse");
    const requestPage = await page(p.applicant, `/demandes/${created.id}`);
    assert.ok(actions(requestPage).includes("Supprimer"));
    assert.ok(!actions(await page(p.colleague, `/demandes/${created.id}`)).includes("Supprimer"));
    await refused(p.applicant, created.id, 403, () => p.colleague.get(`/demandes/${created.id}/supprimer`), "colleague's page");
    await refused(p.applicant, created.id, 403, () => postDirect(p.colleague, `/demandes/${created.id}/supprimer`, 3), "colleague deletes");
    const confirm = pageText(await page(p.applicant, `/demandes/${created.id}/supprimer`));
    assert.match(confirm, /Suppression de la demande d'habilitation « Téléconsultation de l'hôpital »/);
    assert.match(confirm, /Cette action est irréversible/);
    const back = expectRedirect(await postPage(p.applicant, `/demandes/${created.id}/supprimer`), new RegExp(`^/demandes\\?fait=supprimee&demande=${created.id}$`), "delete");
    const dashboard = await page(p.applicant, back);
    assert.match(pageText(dashboard), /La demande d'habilitation « Téléconsultation de l'hôpital » a été supprimée avec succès/);
    assert.ok(!dashboard.includes(`data-formd-request="${created.id}"`));
    assert.equal((await apiGet(p.applicant, created.id)).state, "archived");
    // A draft's summary offers it; a validated request does not.
    const draft = await json(await p.applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: {} }), "draft", 201);
    assert.ok((await page(p.applicant, `/demandes/${draft.id}/resume`)).includes(`href="/demandes/${draft.id}/supprimer"`));
    const v = await validated(p);
    assert.ok(!actions(await page(p.applicant, `/demandes/${v.id}`)).includes("Supprimer"));
    await refused(p.applicant, v.id, 409, () => p.applicant.get(`/demandes/${v.id}/supprimer`), "validated");
  });

  test("XSS: hostile request names and reasons come back escaped on the new pages", async () => {
    const p = await cast();
    // One name carrying every payload, as the other page tests do.
    for (const payload of [PAYLOADS.join(" ")]) {
      const v = await validated(p, { intitule: payload });
      await postPage(p.applicant, `/habilitations/${v.hid}/mettre-a-jour`);
      for (const where of [`/habilitations/${v.hid}`, `/habilitations/${v.hid}/habilitations`, `/demandes/${v.id}/resume`,
        `/demandes/${v.id}/annuler-mise-a-jour`, `/demandes/${v.id}/transferer`]) {
        assertEscaped(await page(p.applicant, where), where);
      }
      expectRedirect(await postPage(p.applicant, `/demandes/${v.id}/annuler-mise-a-jour`), /reouverture-annulee/, "cancel");
      assertEscaped(await page(p.applicant, `/demandes?fait=reouverture-annulee&demande=${v.id}`), "dashboard notice");
      await postPage(p.instructor, `/habilitations/${v.hid}/revoquer`, { reason: payload });
      assertEscaped(await page(p.applicant, `/habilitations/${v.hid}/historique`), "history with the reason");
    }
  });
});
