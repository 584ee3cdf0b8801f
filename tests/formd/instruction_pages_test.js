// The instruction pages of formd (issue 9), over HTTP as a browser without
// JavaScript uses them: the whole walk applicant → instructor → applicant →
// instructor (changes requested, edited in the wizard, resubmitted, the
// changelog in the history, validated, the habilitation on the dashboard and
// its page, a second request refused); what each kind of actor is refused on
// every instruction page and action, with nothing changed; escaping of every
// user-typed text on every new page; the list's filters and paging over
// ~120 requests; the actions each state allows; the roles page.
// One formd for the file (roles granted with `formd roles grant` on its data
// directory); every test uses its own users and organisations.
//
//   FORMD=build-pages/runtime/formd/formd node tests/formd/instruction_pages_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const { describe, test, before, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.instruction_pages: FORMD is not set or missing; skipped");
  process.exit(77);
}

const { startFormd } = require("./harness");
const {
  Client, newSiret, uniqueEmail, validDocument, csrfOf, versionOf, unescapeHtml,
  PAYLOADS, assertEscaped, grantRole, loginClient, submitThroughApi, pageText, sectionByHeading, attrValues, linkHrefs,
} = require("./client");

const PSC = "api-pro-sante-connect";
const DEFINITION = "api_pro_sante_connect";
const DEFINITION_NAME = "API Pro Santé Connect";
const FORM_NAME = "Demande libre";
const INSTRUCTOR = `ans:${DEFINITION}:instructor`;
const REPORTER = `ans:${DEFINITION}:reporter`;
const MANAGER = `ans:${DEFINITION}:manager`;
const OTHER_INSTRUCTOR = "ans:autre_definition:instructor";
const SLUGS = ["valider", "refuser", "demander-des-modifications", "supprimer"];
const STATES = ["", "draft", "submitted", "changes_requested", "validated", "refused", "archived", "revoked"];
const HOSTILE = PAYLOADS.join(" ");

let server;

async function login({ role, roles = [], siret, name, email } = {}) {
  email = email || uniqueEmail(role ? role.split(":").pop() : "demandeur");
  for (const r of role ? [role, ...roles] : roles) grantRole(server.dataDir, email, r);
  return loginClient(server.url, { email, name: name || "Agent Test", siret: siret || newSiret() });
}

// A unique word of letters only (search by project name never matches a number).
let tagCounter = 0;
function tag() {
  tagCounter += 1;
  let n = process.pid * 100 + tagCounter;
  let s = "";
  while (n > 0) {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  }
  return "lot" + s;
}

async function apiRequest(client, id) {
  const res = await client.get(`/api/v1/requests/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function apiEvents(client, id) {
  const res = await client.get(`/api/v1/requests/${id}/events`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

// GET that must answer 200 (the page's text in the message otherwise).
async function page(client, path, what = path) {
  const res = await client.get(path);
  assert.equal(res.status, 200, `${what}: GET ${path} answered ${res.status}: ${pageText(res.text).slice(0, 400)}`);
  return res.text;
}

function location(res) {
  return res.headers.get("location");
}

function expectRedirect(res, re, what) {
  assert.equal(res.status, 303, `${what}: expected 303, got ${res.status}: ${pageText(res.text).slice(0, 400)}`);
  assert.match(location(res) || "", re, `${what}: Location`);
}

// The wizard: one step posted as the page would (its _csrf and _version).
async function postStep(client, id, step, fields) {
  const form = await page(client, `/demandes/${id}/etapes/${step}`, `step ${step}`);
  const res = await client.post(`/demandes/${id}/etapes/${step}`, {
    form: { _csrf: csrfOf(form), _version: versionOf(form), ...fields },
  });
  assert.equal(res.status, 303, `step ${step}: ${res.status} ${pageText(res.text).slice(0, 600)}`);
  return res;
}

async function submitFromSummary(client, id) {
  const summary = await page(client, `/demandes/${id}/resume`, "summary");
  const res = await client.post(`/demandes/${id}/soumettre`, {
    form: { _csrf: csrfOf(summary), _version: versionOf(summary), terms_of_service_accepted: "1", data_protection_officer_informed: "1" },
  });
  expectRedirect(res, new RegExp(`^/demandes/${id}(\\?|$)`), "submission from the summary");
  return res;
}

// An action through its page: GET the form, POST it with its hidden inputs.
async function actionForm(client, id, slug) {
  const html = await page(client, `/instruction/demandes/${id}/${slug}`, `action page ${slug}`);
  assert.match(html, new RegExp(`<form[^>]*method="post"[^>]*action="/instruction/demandes/${id}/${slug}"`), `${slug}: the form posts to itself`);
  return html;
}

async function act(client, id, slug, fields = {}) {
  const html = await actionForm(client, id, slug);
  const hidden = { _csrf: csrfOf(html) };
  const v = /name="_version" value="(\d+)"/.exec(html);
  if (v) hidden._version = v[1];
  return client.post(`/instruction/demandes/${id}/${slug}`, { form: { ...hidden, ...fields } });
}

// The entries of <section id="historique">, newest first: [{ name, text, html }].
function history(html, where) {
  const at = html.indexOf('id="historique"');
  assert.ok(at >= 0, `${where}: no section#historique`);
  const start = html.lastIndexOf("<section", at);
  const section = html.slice(start, html.indexOf("</section>", at));
  const entries = [];
  const re = /<li\b[^>]*\bdata-formd-event="([^"]*)"[^>]*>/g;
  const marks = [...section.matchAll(re)];
  for (let i = 0; i < marks.length; i++) {
    const body = section.slice(marks[i].index, i + 1 < marks.length ? marks[i + 1].index : section.length);
    entries.push({ name: marks[i][1], html: body, text: pageText(body) });
  }
  return entries;
}

// The links of the "Instruire la demande" menu: [slug] (null when there is no menu).
function instructMenu(html, id) {
  const m = /<nav\b[^>]*aria-label="Instruire la demande"[^>]*>([\s\S]*?)<\/nav>/.exec(html);
  if (!m) return null;
  const slugs = [];
  for (const href of linkHrefs(m[1])) {
    const s = new RegExp(`^/instruction/demandes/${id}/([a-z-]+)$`).exec(href);
    assert.ok(s, `menu link ${href} is not an action of request ${id}`);
    slugs.push(s[1]);
  }
  return slugs;
}

// The list page: rows' ids, total, pagination links.
function listOf(html) {
  const rows = attrValues(html, "data-formd-request").map(Number);
  const total = /\b(\d[\d\s\u202f\u00a0]*) demandes?\b/.exec(pageText(html));
  const nav = /<nav\b[^>]*class="[^"]*\bfr-pagination\b[^"]*"[^>]*>([\s\S]*?)<\/nav>/.exec(html);
  return {
    rows,
    total: total ? Number(total[1].replace(/\D/g, "")) : null,
    pages: nav ? linkHrefs(nav[1]) : null,
  };
}

async function list(client, query = "") {
  const html = await page(client, "/instruction/demandes" + (query ? "?" + query : ""), "the list");
  return { html, ...listOf(html) };
}

function today() {
  const d = new Date();
  return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
}

function assertDateToday(text, prefix, where) {
  const m = new RegExp(`${prefix} (\\d{2}/\\d{2}/\\d{4})`).exec(text);
  assert.ok(m, `${where}: no "${prefix} dd/mm/yyyy" in ${text.slice(0, 300)}`);
  assert.equal(m[1], today(), `${where}: ${prefix}`);
}

// The opening tag of the dashboard's tab link named `text`, checked to go to `href`.
function tabLink(html, text, href) {
  const m = new RegExp(`(<a\\b[^>]*>)\\s*${text}\\s*</a>`).exec(html);
  assert.ok(m, `no link "${text}"`);
  assert.equal(unescapeHtml(/href="([^"]*)"/.exec(m[1])[1]), href, `the link "${text}"`);
  return m[1];
}

// The habilitation card of the dashboard, by id.
function habilitationCard(html, hid) {
  const at = html.indexOf(`data-formd-habilitation="${hid}"`);
  if (at < 0) return null;
  const start = html.lastIndexOf("<div", at);
  const next = html.indexOf("data-formd-habilitation=", at + 10);
  const end = html.indexOf("</section>", at);
  return html.slice(start, next > 0 && next < end ? next : end);
}

// What may not change while a refused actor tries: state, version, history.
async function snapshot(applicant, id) {
  const r = await apiRequest(applicant, id);
  const events = await apiEvents(applicant, id);
  return { state: r.state, version: r.version, habilitations: (r.habilitations || []).length, events: events.map((e) => e.name) };
}

describe("formd instruction pages", () => {
  before(async () => {
    server = await startFormd({});
  });
  after(async () => {
    if (server) {
      await server.stop();
      server.removeData();
    }
  });

  test("the walk: changes requested, edited in the wizard, resubmitted, validated; a second request refused", async () => {
    const project = `Portail ${tag()}`;
    const applicant = await login({ name: "Alice Demandeuse" });
    const instructor = await login({ role: INSTRUCTOR, name: "Ines Instructrice" });
    const r = await submitThroughApi(applicant, { data: { intitule: project } });

    // ---- The instructor finds it ---------------------------------------------
    expectRedirect(await instructor.get("/instruction"), /^\/instruction\/demandes$/, "/instruction");
    const all = await list(instructor);
    assert.ok(all.rows.includes(r.id), "the submitted request is listed");
    assert.ok(all.total >= 1, "a line with the total");
    assert.match(all.html, /<form\b[^>]*method="get"[^>]*action="\/instruction\/demandes"|<form\b[^>]*action="\/instruction\/demandes"[^>]*method="get"/, "the filter form is a GET");
    const etat = /<select\b[^>]*name="etat"[^>]*>([\s\S]*?)<\/select>/.exec(all.html);
    assert.ok(etat, 'no select name="etat"');
    assert.deepEqual(attrValues(etat[1], "value"), STATES, "the state filter's values");
    const definition = /<select\b[^>]*name="definition"[^>]*>([\s\S]*?)<\/select>/.exec(all.html);
    assert.ok(definition, 'no select name="definition"');
    assert.ok(attrValues(definition[1], "value").includes(DEFINITION), "the definition filter offers API Pro Santé Connect");
    assert.match(all.html, /<input\b[^>]*name="q"/, 'no input name="q"');
    const rowHtml = all.html.slice(all.html.indexOf(`data-formd-request="${r.id}"`), all.html.indexOf("</tr>", all.html.indexOf(`data-formd-request="${r.id}"`)));
    assert.ok(linkHrefs(rowHtml).includes(`/instruction/demandes/${r.id}`), "the row links to the request");
    assert.ok(pageText(rowHtml).includes(project), "the row shows the project name");

    const filtered = await list(instructor, `etat=submitted&definition=${DEFINITION}&q=${encodeURIComponent(project)}`);
    assert.deepEqual(filtered.rows, [r.id], "state + definition + project name");
    assert.equal(filtered.total, 1);
    assert.match(filtered.html, /<option value="submitted" selected/, "the chosen state stays selected");
    assert.ok(filtered.html.includes(`value="${project}"`), "the search stays in its input");
    assert.deepEqual((await list(instructor, `etat=validated&q=${encodeURIComponent(project)}`)).rows, [], "another state: none");

    // ---- The request page ------------------------------------------------------
    let view = await page(instructor, `/instruction/demandes/${r.id}`, "instruction request page");
    let text = pageText(view);
    for (const shown of ["En cours d'instruction", "Alice Demandeuse", applicant.email, applicant.siret, project,
      validDocument().description, validDocument().cadre_juridique_nature, "dpo@exemple.fr"]) {
      assert.ok(text.includes(shown), `the request page should show "${shown}"`);
    }
    assert.deepEqual(history(view, "request page").map((e) => e.name), ["submit", "create"]);
    assert.match(history(view, "request page")[0].text, /a soumis la demande/);
    assert.match(history(view, "request page")[1].text, /a créé la demande/);
    assert.deepEqual(instructMenu(view, r.id), ["valider", "refuser", "demander-des-modifications", "transferer"]);
    assert.ok(!/<(input|textarea|select)\b(?![^>]*type="hidden")[^>]*name="(intitule|description)"/.test(view), "the data is read-only");

    // ---- Demander des modifications -----------------------------------------------
    const changesForm = await actionForm(instructor, r.id, "demander-des-modifications");
    assert.match(changesForm, /<textarea\b[^>]*name="reason"/);
    assert.match(changesForm, /name="_csrf"/);
    const empty = await instructor.post(`/instruction/demandes/${r.id}/demander-des-modifications`, {
      form: { _csrf: csrfOf(changesForm), _version: versionOf(changesForm), reason: "  " },
    });
    assert.equal(empty.status, 422, "a missing reason");
    assert.match(empty.text, /<textarea\b[^>]*name="reason"/, "the form again");
    assert.match(empty.text, /fr-input-group--error/, "an error at the field");
    assert.equal((await apiRequest(applicant, r.id)).state, "submitted", "a 422 changes nothing");
    const reason = "Précisez le nom du projet, s'il vous plaît.";
    const asked = await act(instructor, r.id, "demander-des-modifications", { reason });
    expectRedirect(asked, new RegExp(`^/instruction/demandes/${r.id}(\\?|$)`), "request changes");
    view = await page(instructor, location(asked));
    assert.match(view, /fr-alert--success/, "a success notice");
    assert.equal((await apiRequest(applicant, r.id)).state, "changes_requested");
    let entries = history(view, "after request changes");
    assert.equal(entries[0].name, "request_changes");
    assert.match(entries[0].text, /a demandé des modifications/);
    assert.match(entries[0].html, /<details\b[\s\S]*<\/details>/, "the reason is folded");
    assert.ok(pageText(/<details\b[\s\S]*?<\/details>/.exec(entries[0].html)[0]).includes(reason), "the reason inside <details>");
    assert.deepEqual(instructMenu(view, r.id), ["valider", "refuser", "transferer"], "changes_requested: Valider, Refuser, Transférer");

    // ---- The applicant sees the reason and edits --------------------------------------
    let mine = await page(applicant, `/demandes/${r.id}`, "applicant request page");
    assert.match(mine, /fr-alert--warning/, "a warning notice");
    assert.ok(pageText(mine).includes(reason), "the reason on the request page");
    const editLink = /<a\b[^>]*href="(\/demandes\/\d+\/etapes\/[a-z0-9_]+)"[^>]*>\s*Modifier la demande\s*</.exec(mine);
    assert.ok(editLink, 'a link "Modifier la demande" to the wizard');
    assert.ok(editLink[1].startsWith(`/demandes/${r.id}/etapes/`));
    assert.deepEqual(history(mine, "applicant page").map((e) => e.name).slice(0, 3), ["request_changes", "submit", "create"]);
    const dashboard = await page(applicant, "/demandes", "dashboard");
    const toModify = sectionByHeading(dashboard, "Demandes à modifier");
    assert.ok(toModify, 'a section "Demandes à modifier"');
    assert.ok(attrValues(toModify, "data-formd-request").includes(String(r.id)), 'the request under "Demandes à modifier"');

    const renamed = `${project} (renommé)`;
    assert.equal((await applicant.get(editLink[1])).status, 200, "the wizard opens");
    await postStep(applicant, r.id, "basic_infos", { intitule: renamed, description: validDocument().description });
    assert.equal((await apiRequest(applicant, r.id)).state, "changes_requested", "saved, not yet submitted");
    await submitFromSummary(applicant, r.id);
    assert.equal((await apiRequest(applicant, r.id)).state, "submitted");

    // ---- The changelog in the instructor's history ---------------------------------------
    view = await page(instructor, `/instruction/demandes/${r.id}`);
    entries = history(view, "after resubmission");
    assert.equal(entries[0].name, "submit");
    const names = entries.map((e) => e.name);
    assert.deepEqual(names.slice(names.indexOf("request_changes")), ["request_changes", "submit", "create"]);
    const changelog = entries.find((e) => e.text.includes("a changé de"));
    assert.ok(changelog, "a changelog entry in the history");
    assert.ok(changelog.text.includes(`Le champ Nom du projet a changé de « ${project} » en « ${renamed} »`), changelog.text);
    assert.equal(changelog.name, "submit", "the changelog belongs to the resubmission");

    // ---- Valider with a message -------------------------------------------------------
    const approveForm = await actionForm(instructor, r.id, "valider");
    assert.match(approveForm, /<textarea\b[^>]*name="message"/);
    assert.doesNotMatch(/<textarea\b[^>]*name="message"[^>]*>/.exec(approveForm)[0], /\brequired\b/, "the message is optional");
    const approved = await act(instructor, r.id, "valider", { message: "Bienvenue sur Pro Santé Connect." });
    expectRedirect(approved, new RegExp(`^/instruction/demandes/${r.id}(\\?|$)`), "approve");
    view = await page(instructor, location(approved));
    assert.match(view, /fr-alert--success/);
    const validated = await apiRequest(applicant, r.id);
    assert.equal(validated.state, "validated");
    assert.equal(validated.habilitations.length, 1);
    const hid = validated.habilitations[0].id;
    entries = history(view, "after approval");
    assert.equal(entries[0].name, "approve");
    assert.match(entries[0].text, /a approuvé la demande/);
    assert.ok(linkHrefs(entries[0].html).includes(`/habilitations/${hid}`), "the approval links to the habilitation");
    assert.deepEqual(instructMenu(view, r.id) || [], ["transferer", "revoquer"], "validated: Transférer, Révoquer (issue 10)");

    // ---- The applicant's habilitations ---------------------------------------------------
    const tabs = await page(applicant, "/demandes?onglet=habilitations", "habilitations tab");
    assert.match(tabLink(tabs, "Les habilitations délivrées", "/demandes?onglet=habilitations"), /aria-current="page"/, "the habilitations tab is current");
    assert.doesNotMatch(tabLink(tabs, "Les demandes en cours", "/demandes"), /aria-current/, "the requests tab is not current");
    const active = sectionByHeading(tabs, "Habilitations actives");
    assert.ok(active, 'a section "Habilitations actives"');
    const card = habilitationCard(active, hid);
    assert.ok(card, `the card of H${hid} under "Habilitations actives"`);
    const cardText = pageText(card);
    for (const shown of [`Habilitation à ${DEFINITION_NAME}`, renamed, "Active"]) assert.ok(cardText.includes(shown), `card: "${shown}" in ${cardText}`);
    assert.match(cardText, new RegExp(`HABILITATION H${hid}\\b`, "i"));
    assert.match(cardText, new RegExp(`Via le formulaire «?\\s*${FORM_NAME}`));
    assertDateToday(cardText, "Validée le", "card");
    assert.match(card, new RegExp(`<a\\b[^>]*href="/habilitations/${hid}"[^>]*>\\s*Consulter`), 'a link "Consulter"');
    const requestsTab = await page(applicant, "/demandes", "requests tab");
    assert.match(tabLink(requestsTab, "Les demandes en cours", "/demandes"), /aria-current="page"/, "the requests tab is current");
    assert.doesNotMatch(tabLink(requestsTab, "Les habilitations délivrées", "/demandes?onglet=habilitations"), /aria-current/);
    assert.ok(!attrValues(requestsTab, "data-formd-request").includes(String(r.id)), "a validated request is no longer in progress");
    mine = await page(applicant, `/demandes/${r.id}`);
    assert.ok(linkHrefs(mine).includes(`/habilitations/${hid}`), "the request page links to its habilitation");

    // ---- The habilitation page --------------------------------------------------------
    for (const [who, client, back] of [["applicant", applicant, `/demandes/${r.id}`], ["instructor", instructor, `/instruction/demandes/${r.id}`]]) {
      const h = await page(client, `/habilitations/${hid}`, `habilitation page (${who})`);
      const t = pageText(h);
      for (const shown of [`Habilitation à ${DEFINITION_NAME}`, renamed, "Active", validDocument().description, "tech@exemple.fr"]) {
        assert.ok(t.includes(shown), `habilitation page (${who}): "${shown}"`);
      }
      assert.match(t, new RegExp(`HABILITATION H${hid}\\b`, "i"));
      assertDateToday(t, "Validée le", `habilitation page (${who})`);
      assert.ok(linkHrefs(h).includes(back), `habilitation page (${who}): a link to ${back}`);
    }

    // ---- A second request, refused ----------------------------------------------------------
    const r2 = await submitThroughApi(applicant, { data: { intitule: `${project} bis` } });
    const refuseForm = await actionForm(instructor, r2.id, "refuser");
    assert.match(refuseForm, /<textarea\b[^>]*name="reason"/);
    const noReason = await instructor.post(`/instruction/demandes/${r2.id}/refuser`, {
      form: { _csrf: csrfOf(refuseForm), _version: versionOf(refuseForm), reason: "" },
    });
    assert.equal(noReason.status, 422);
    assert.match(noReason.text, /fr-input-group--error/);
    const refusal = "Le cadre juridique ne couvre pas ce projet.";
    const refused = await act(instructor, r2.id, "refuser", { reason: refusal });
    expectRedirect(refused, new RegExp(`^/instruction/demandes/${r2.id}(\\?|$)`), "refuse");
    view = await page(instructor, location(refused));
    assert.match(view, /fr-alert--success/);
    entries = history(view, "after refusal");
    assert.equal(entries[0].name, "refuse");
    assert.match(entries[0].text, /a refusé la demande/);
    assert.ok(pageText(/<details\b[\s\S]*?<\/details>/.exec(entries[0].html)[0]).includes(refusal), "the reason inside <details>");
    assert.equal((await apiRequest(applicant, r2.id)).state, "refused");
    const refusedSection = sectionByHeading(await page(applicant, "/demandes"), "Demandes refusées");
    assert.ok(refusedSection && attrValues(refusedSection, "data-formd-request").includes(String(r2.id)), 'under "Demandes refusées"');
    const mine2 = pageText(await page(applicant, `/demandes/${r2.id}`));
    assert.ok(mine2.includes("Votre demande d'habilitation a été refusée"), "the refusal notice");
    assert.ok(mine2.includes(refusal), "the refusal's reason");
  });

  test("each state offers its actions; an instructor deletes a draft; a wrong state answers 409", async () => {
    const applicant = await login();
    const instructor = await login({ role: INSTRUCTOR });
    const reporter = await login({ role: REPORTER });
    const created = await applicant.api("POST", "/api/v1/requests", { form_uid: PSC, data: { intitule: `Brouillon ${tag()}` } });
    assert.equal(created.status, 201);
    const draft = created.json.id;
    let view = await page(instructor, `/instruction/demandes/${draft}`);
    assert.deepEqual(instructMenu(view, draft), ["supprimer"], "draft: Supprimer only");
    assert.match(pageText(view), /Brouillon/);
    assert.equal(instructMenu(await page(reporter, `/instruction/demandes/${draft}`), draft), null, "a reporter has no menu");
    for (const slug of ["valider", "refuser", "demander-des-modifications"]) {
      assert.equal((await instructor.get(`/instruction/demandes/${draft}/${slug}`)).status, 409, `${slug} a draft: 409`);
      const res = await instructor.post(`/instruction/demandes/${draft}/${slug}`, { form: { _csrf: instructor.csrf, reason: "x", message: "x" } });
      assert.equal(res.status, 409, `POST ${slug} a draft: 409`);
    }
    const del = await act(instructor, draft, "supprimer");
    expectRedirect(del, new RegExp(`^/instruction/demandes/${draft}(\\?|$)`), "supprimer");
    view = await page(instructor, location(del));
    assert.match(view, /fr-alert--success/);
    assert.equal((await apiRequest(applicant, draft)).state, "archived");
    assert.equal(history(view, "archived")[0].name, "archive");
    assert.match(history(view, "archived")[0].text, /a supprimé la demande/);
    assert.deepEqual(instructMenu(view, draft) || [], []);
    assert.equal((await instructor.post(`/instruction/demandes/${draft}/supprimer`, { form: { _csrf: instructor.csrf } })).status, 409, "twice: 409");

    // Submitted: the reporter reads everything but has no menu and no action.
    const r = await submitThroughApi(applicant);
    view = await page(reporter, `/instruction/demandes/${r.id}`);
    assert.equal(instructMenu(view, r.id), null, "no \"Instruire la demande\" for a reporter");
    // (The "Messagerie" tab is for reading: LIFECYCLE.md §2.7, tests/formd/messaging_test.js.)
    assert.ok(!linkHrefs(view).some((h) => h.startsWith(`/instruction/demandes/${r.id}/`) && h !== `/instruction/demandes/${r.id}/messagerie`),
      "reporter: no action link");
    assert.ok(!/>\s*(Valider|Refuser|Demander des modifications|Supprimer)\s*</.test(view), "reporter: no action button");
    assert.deepEqual(instructMenu(await page(instructor, `/instruction/demandes/${r.id}`), r.id), ["valider", "refuser", "demander-des-modifications", "transferer"]);
    assert.equal((await instructor.get(`/instruction/demandes/${r.id}/supprimer`)).status, 409, "a submitted request is not deleted");

    // A stale version: the form was read before another instructor acted.
    const form = await actionForm(instructor, r.id, "refuser");
    expectRedirect(await act(instructor, r.id, "demander-des-modifications", { reason: "Précisez." }), /^\/instruction\/demandes\//, "changes");
    const stale = await instructor.post(`/instruction/demandes/${r.id}/refuser`, {
      form: { _csrf: csrfOf(form), _version: versionOf(form), reason: "Trop tard" },
    });
    assert.equal(stale.status, 409, "a stale form answers 409");
    assert.equal((await apiRequest(applicant, r.id)).state, "changes_requested");
    // changes_requested → no second request for changes.
    assert.equal((await instructor.get(`/instruction/demandes/${r.id}/demander-des-modifications`)).status, 409);
    // Without the CSRF token, nothing happens.
    const before = await snapshot(applicant, r.id);
    const noCsrf = await instructor.post(`/instruction/demandes/${r.id}/valider`, { form: { message: "x" } });
    assert.equal(noCsrf.status, 403, "no _csrf");
    const badCsrf = await instructor.post(`/instruction/demandes/${r.id}/valider`, { form: { _csrf: "0".repeat(64), message: "x" } });
    assert.equal(badCsrf.status, 403, "a wrong _csrf");
    assert.deepEqual(await snapshot(applicant, r.id), before);
  });

  test("every kind of actor is refused every instruction page and action, and nothing changes", async () => {
    const applicant = await login();
    const colleague = await login({ siret: applicant.siret });
    const reporter = await login({ role: REPORTER });
    const otherDefinition = await login({ role: OTHER_INSTRUCTOR });
    const stranger = await login();
    const anonymous = new Client(server.url);
    const instructor = await login({ role: INSTRUCTOR });
    const r = await submitThroughApi(applicant, { data: { intitule: `Refus ${tag()}` } });
    const approvedOne = await submitThroughApi(applicant);
    const ok = await instructor.api("POST", `/api/v1/requests/${approvedOne.id}/approve`, {});
    assert.equal(ok.status, 200, ok.text);
    const hid = ok.json.habilitation.id;
    const missing = 999999999;

    // The page _csrf of a session is the API's token: a refusal below is never a CSRF refusal.
    assert.equal(csrfOf(await page(applicant, `/demandes/${r.id}`)), applicant.csrf);

    const before = await snapshot(applicant, r.id);
    const beforeApproved = await snapshot(applicant, approvedOne.id);

    // For anyone who may not see the request, it answers exactly as a request that does not exist.
    async function sameAsMissing(client, method, suffix, form, who) {
      const real = await client.request(method, `/instruction/demandes/${r.id}${suffix}`, form ? { form } : {});
      const none = await client.request(method, `/instruction/demandes/${missing}${suffix}`, form ? { form } : {});
      assert.ok([403, 404].includes(real.status), `${who} ${method} ${suffix || "(page)"}: ${real.status}`);
      assert.equal(real.status, none.status, `${who} ${method} ${suffix || "(page)"}: not the same answer as a missing request`);
      return real.status;
    }

    // The list: 303 to the login, 403 without a role, the other definition's instructor sees none of ours.
    expectRedirect(await anonymous.get("/instruction/demandes"), /^\/connexion/, "anonymous list");
    expectRedirect(await anonymous.get("/instruction"), /^\/instruction\/demandes$|^\/connexion/, "anonymous /instruction");
    for (const [who, client] of [["applicant", applicant], ["colleague", colleague], ["stranger", stranger]]) {
      const res = await client.get("/instruction/demandes");
      assert.equal(res.status, 403, `${who}: the list is for role holders`);
      assert.ok(!attrValues(res.text, "data-formd-request").length, `${who}: no row on the 403 page`);
      assert.equal((await client.get(`/instruction/demandes?q=${r.id}`)).status, 403);
    }
    const theirs = await list(otherDefinition, `q=${r.id}`);
    assert.ok(!theirs.rows.includes(r.id), "another definition's instructor does not list it");
    assert.ok(!(await list(otherDefinition)).rows.includes(r.id));
    assert.deepEqual((await list(otherDefinition, `definition=${DEFINITION}`)).rows, [], "asking for a definition without a role lists nothing");
    assert.ok((await list(reporter, `q=${r.id}`)).rows.includes(r.id), "a reporter lists it");

    // The request page.
    expectRedirect(await anonymous.get(`/instruction/demandes/${r.id}`), /^\/connexion/, "anonymous request page");
    for (const [who, client] of [["applicant", applicant], ["colleague", colleague], ["stranger", stranger], ["instructor of another definition", otherDefinition]]) {
      const status = await sameAsMissing(client, "GET", "", null, who);
      if (who === "instructor of another definition") assert.equal(status, 404, `${who}: 404`);
    }

    // Every action page and POST.
    for (const slug of SLUGS) {
      const fields = { reason: "Raison", message: "Message" };
      const res = await anonymous.get(`/instruction/demandes/${r.id}/${slug}`);
      expectRedirect(res, /^\/connexion/, `anonymous GET ${slug}`);
      const post = await anonymous.post(`/instruction/demandes/${r.id}/${slug}`, { form: fields });
      assert.ok(post.status === 403 || (post.status === 303 && /^\/connexion/.test(location(post))), `anonymous POST ${slug}: ${post.status}`);
      for (const [who, client] of [["applicant", applicant], ["colleague", colleague], ["stranger", stranger], ["instructor of another definition", otherDefinition]]) {
        const g = await sameAsMissing(client, "GET", `/${slug}`, null, who);
        const p = await sameAsMissing(client, "POST", `/${slug}`, { _csrf: client.csrf, _version: String(before.version), ...fields }, who);
        if (who === "instructor of another definition") assert.deepEqual([g, p], [404, 404], `${who} ${slug}: 404`);
      }
      // The reporter sees the request: 403, not 404.
      assert.equal((await reporter.get(`/instruction/demandes/${r.id}/${slug}`)).status, 403, `reporter GET ${slug}`);
      const rp = await reporter.post(`/instruction/demandes/${r.id}/${slug}`, { form: { _csrf: reporter.csrf, _version: String(before.version), ...fields } });
      assert.equal(rp.status, 403, `reporter POST ${slug}`);
    }

    // The habilitation page: the organisation, reporters and instructors; 404 otherwise.
    expectRedirect(await anonymous.get(`/habilitations/${hid}`), /^\/connexion/, "anonymous habilitation");
    for (const [who, client, want] of [["applicant", applicant, 200], ["colleague", colleague, 200], ["reporter", reporter, 200],
      ["instructor", instructor, 200], ["stranger", stranger, 404], ["instructor of another definition", otherDefinition, 404]]) {
      assert.equal((await client.get(`/habilitations/${hid}`)).status, want, `${who}: /habilitations/${hid}`);
    }
    assert.equal((await applicant.get(`/habilitations/${missing}`)).status, 404);

    // The applicant's view is not the instructors' door: a stranger gets 404 there too.
    assert.equal((await stranger.get(`/demandes/${r.id}`)).status, 404);
    assert.equal((await otherDefinition.get(`/demandes/${r.id}`)).status, 404);

    // The roles page: managers only.
    for (const [who, client] of [["applicant", applicant], ["reporter", reporter], ["instructor", instructor], ["stranger", stranger]]) {
      assert.equal((await client.get("/instruction/roles")).status, 403, `${who}: GET /instruction/roles`);
      const g = await client.post("/instruction/roles", { form: { _csrf: client.csrf, email: stranger.email, definition: DEFINITION, role: "instructor" } });
      assert.equal(g.status, 403, `${who}: POST /instruction/roles`);
    }
    expectRedirect(await anonymous.get("/instruction/roles"), /^\/connexion/, "anonymous roles page");
    assert.equal((await stranger.get("/instruction/demandes")).status, 403, "no role was granted to the stranger");

    // Nothing changed.
    assert.deepEqual(await snapshot(applicant, r.id), before, "the submitted request");
    assert.deepEqual(await snapshot(applicant, approvedOne.id), beforeApproved, "the validated request");
  });

  test("managers grant and revoke roles on their definitions only", async () => {
    const manager = await login({ role: MANAGER });
    const otherManager = await login({ role: "ans:autre_definition:manager" });
    const newcomer = await login();
    const rolesPage = await page(manager, "/instruction/roles", "roles page");
    assert.match(rolesPage, /<form\b[^>]*action="\/instruction\/roles"/);
    assert.ok(attrValues(rolesPage, "data-formd-role").includes(MANAGER) || pageText(rolesPage).includes(manager.email), "the manager's own grant is listed");
    assert.equal((await newcomer.get("/instruction/demandes")).status, 403);

    const granted = await manager.post("/instruction/roles", { form: { _csrf: csrfOf(rolesPage), email: newcomer.email, definition: DEFINITION, role: "reporter" } });
    expectRedirect(granted, /^\/instruction\/roles/, "grant");
    const after = await page(manager, location(granted));
    assert.ok(pageText(after).includes(newcomer.email), "the new grant is listed");
    assert.equal((await newcomer.get("/instruction/demandes")).status, 200, "the new reporter opens the list");
    assert.equal((await newcomer.get("/instruction/roles")).status, 403, "a reporter does not manage roles");

    // Another definition's manager may not grant nor revoke on this one.
    assert.equal((await otherManager.post("/instruction/roles", {
      form: { _csrf: otherManager.csrf, email: newcomer.email, definition: DEFINITION, role: "instructor" } })).status, 403);
    assert.equal((await otherManager.post("/instruction/roles/retirer", {
      form: { _csrf: otherManager.csrf, email: newcomer.email, role: `ans:${DEFINITION}:reporter` } })).status, 403);
    assert.equal((await manager.post("/instruction/roles/retirer", {
      form: { _csrf: manager.csrf, email: otherManager.email, role: "ans:autre_definition:manager" } })).status, 403);
    // Without the CSRF token: nothing.
    assert.equal((await manager.post("/instruction/roles", { form: { email: newcomer.email, definition: DEFINITION, role: "manager" } })).status, 403);
    assert.equal((await newcomer.get("/instruction/roles")).status, 403, "no manager role was granted");

    const revoked = await manager.post("/instruction/roles/retirer", { form: { _csrf: manager.csrf, email: newcomer.email, role: `ans:${DEFINITION}:reporter` } });
    expectRedirect(revoked, /^\/instruction\/roles/, "revoke");
    assert.equal((await newcomer.get("/instruction/demandes")).status, 403, "the role is gone");
    // A provider-wide manager manages this definition too.
    const providerManager = await login({ role: "ans:*:manager" });
    const theirs = await page(providerManager, "/instruction/roles", "roles page of a provider-wide manager");
    assert.ok(attrValues(theirs, "value").includes(DEFINITION), "the definition is offered");
  });

  test("XSS: project names, user names, reasons and messages come back escaped on every page", async () => {
    const hostileName = PAYLOADS[1] + " " + PAYLOADS[0];
    const applicant = await login({ name: hostileName });
    const instructor = await login({ role: INSTRUCTOR, name: HOSTILE });
    const reporter = await login({ role: REPORTER });
    const hostileDoc = { intitule: `[intitule] ${HOSTILE}`, description: `[description] ${HOSTILE}` };
    const r = await submitThroughApi(applicant, { data: hostileDoc });

    const check = async (client, path, where, options) => {
      const res = await client.get(path);
      assert.ok(res.status === 200, `${where}: GET ${path} answered ${res.status}`);
      assertEscaped(res.text, where, options);
      return res.text;
    };
    await check(instructor, "/instruction/demandes", "list");
    await check(instructor, `/instruction/demandes?q=${encodeURIComponent(HOSTILE)}`, "list searching a payload", { expectPayload: false });
    const searched = await instructor.get(`/instruction/demandes?q=${encodeURIComponent("[intitule] <script>")}`);
    assertEscaped(searched.text, "list searching a payload", { expectPayload: false });
    assert.ok(attrValues(searched.text, "data-formd-request").includes(String(r.id)), "a search with markup finds the request");
    for (const q of [`etat=${encodeURIComponent(HOSTILE)}`, `definition=${encodeURIComponent(HOSTILE)}`, `page=${encodeURIComponent(HOSTILE)}`]) {
      const res = await instructor.get(`/instruction/demandes?${q}`);
      assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${q}: ${res.status}`);
      assertEscaped(res.text, `list ?${q}`, { expectPayload: false });
    }
    await check(instructor, `/instruction/demandes/${r.id}`, "request page");
    await check(reporter, `/instruction/demandes/${r.id}`, "request page (reporter)");
    for (const slug of ["valider", "refuser", "demander-des-modifications"]) await check(instructor, `/instruction/demandes/${r.id}/${slug}`, `action ${slug}`);

    // A reason too long is refused (422) and shown back in the form, escaped.
    const long = (HOSTILE + " ").repeat(Math.ceil(10500 / (HOSTILE.length + 1)));
    const form = await actionForm(instructor, r.id, "refuser");
    const tooLong = await instructor.post(`/instruction/demandes/${r.id}/refuser`, { form: { _csrf: csrfOf(form), _version: versionOf(form), reason: long } });
    assert.equal(tooLong.status, 422, "a reason over 10,000 bytes");
    assertEscaped(tooLong.text, "422 refuse form");
    assert.ok(/<textarea\b[^>]*name="reason"[^>]*>([\s\S]*?)<\/textarea>/.exec(tooLong.text)[1].includes("&lt;/textarea&gt;"),
      "the typed text is inside the textarea, escaped");
    assert.equal((await apiRequest(applicant, r.id)).state, "submitted");
    const emptyApprove = await instructor.post(`/instruction/demandes/${r.id}/valider`, { form: { _csrf: instructor.csrf, _version: versionOf(form), message: long } });
    assert.equal(emptyApprove.status, 422, "a message over 10,000 bytes");
    assertEscaped(emptyApprove.text, "422 approve form");

    // Changes requested with a hostile reason; the applicant resubmits with a hostile new name.
    expectRedirect(await act(instructor, r.id, "demander-des-modifications", { reason: `[reason] ${HOSTILE}` }), /^\/instruction\//, "changes");
    await check(instructor, `/instruction/demandes/${r.id}`, "history with a reason");
    await check(applicant, `/demandes/${r.id}`, "applicant page with the reason");
    await check(applicant, "/demandes", "dashboard");
    await postStep(applicant, r.id, "basic_infos", { intitule: `[nouveau] ${HOSTILE}`, description: hostileDoc.description });
    await submitFromSummary(applicant, r.id);
    const changelog = await check(instructor, `/instruction/demandes/${r.id}`, "history with the changelog");
    assert.ok(pageText(changelog).includes(`a changé de « [intitule] ${HOSTILE} » en « [nouveau] ${HOSTILE} »`), "the changelog shows both values");
    expectRedirect(await act(instructor, r.id, "valider", { message: `[message] ${HOSTILE}` }), /^\/instruction\//, "approve");
    const approvedPage = await check(instructor, `/instruction/demandes/${r.id}`, "history with a message");
    assert.ok(pageText(approvedPage).includes(`[message] ${HOSTILE}`), "the approval's message is in the history");
    const hid = (await apiRequest(applicant, r.id)).habilitations[0].id;
    await check(applicant, "/demandes?onglet=habilitations", "habilitations tab");
    await check(applicant, `/habilitations/${hid}`, "habilitation page (applicant)");
    await check(instructor, `/habilitations/${hid}`, "habilitation page (instructor)");
    await check(applicant, `/demandes/${r.id}`, "applicant page, validated");

    // Refused with a hostile reason.
    const r2 = await submitThroughApi(applicant, { data: hostileDoc });
    expectRedirect(await act(instructor, r2.id, "refuser", { reason: `[refus] ${HOSTILE}` }), /^\/instruction\//, "refuse");
    const refusedPage = await check(applicant, `/demandes/${r2.id}`, "applicant page, refused");
    assert.ok(pageText(refusedPage).includes(`[refus] ${HOSTILE}`));
    await check(applicant, "/demandes", "dashboard with a refused request");
    await check(instructor, `/instruction/demandes/${r2.id}`, "refused request page");
    await check(instructor, `/instruction/demandes?etat=refused&q=${encodeURIComponent("[intitule]")}`, "list of refused");
  });

  test("the list: 50 rows a page, the total, filters that combine, search by number and by name, pages beyond the end", async () => {
    const word = tag();
    const applicant = await login();
    const other = await login();
    const instructor = await login({ role: INSTRUCTOR });
    // 120 requests of one batch: 100 submitted (5 refused after), 20 drafts; names "<word> <letters>".
    const letters = (i) => String.fromCharCode(97 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26));
    const ids = new Array(120);
    const states = new Array(120);
    let next = 0;
    async function worker() {
      while (next < 120) {
        const i = next++;
        const client = i % 3 === 0 ? other : applicant;
        const data = { ...validDocument(), intitule: `${word} ${letters(i)}` };
        const created = await client.api("POST", "/api/v1/requests", { form_uid: PSC, data });
        assert.equal(created.status, 201, created.text);
        ids[i] = created.json.id;
        states[i] = "draft";
        if (i < 100) {
          const s = await client.api("POST", `/api/v1/requests/${created.json.id}/submit`, { version: created.json.version });
          assert.equal(s.status, 200, s.text);
          states[i] = "submitted";
        }
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker));
    for (let i = 0; i < 5; i++) {
      assert.equal((await instructor.api("POST", `/api/v1/requests/${ids[i]}/refuse`, { reason: "Non." })).status, 200);
      states[i] = "refused";
    }
    const q = `q=${encodeURIComponent(word)}`;
    const expect = (state) => ids.filter((_, i) => !state || states[i] === state).sort((a, b) => a - b);

    // Paging through the batch: 50, 50, 20, each id once, the filters kept in the links.
    const seen = [];
    let first;
    for (let p = 1; p <= 3; p++) {
      const l = await list(instructor, `${q}&page=${p}`);
      if (p === 1) first = l;
      assert.equal(l.total, 120, `page ${p}: the total`);
      assert.equal(l.rows.length, p < 3 ? 50 : 20, `page ${p}: rows`);
      assert.ok(l.pages && l.pages.length > 0, `page ${p}: a pagination`);
      for (const href of l.pages) {
        assert.match(href, /^\/instruction\/demandes\?/, href);
        const params = new URLSearchParams(href.split("?")[1]);
        assert.equal(params.get("q"), word, `pagination link keeps q: ${href}`);
        assert.match(params.get("page") || "", /^\d+$/, `pagination link carries page: ${href}`);
      }
      const pageNumbers = l.pages.map((h) => Number(new URLSearchParams(h.split("?")[1]).get("page")));
      for (const n of [1, 2, 3]) if (n !== p) assert.ok(pageNumbers.includes(n), `page ${p}: a link to page ${n} (${pageNumbers})`);
      assert.match(l.html, /aria-current="page"/, `page ${p}: the current page is marked`);
      seen.push(...l.rows);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), expect(), "every request of the batch once over the pages");
    const page1Again = await list(instructor, q);
    assert.deepEqual(page1Again.rows, first.rows, "no page parameter: page 1");
    for (const bad of ["0", "-1", "abc", "1.5", "99999999999999999999"]) {
      const res = await instructor.get(`/instruction/demandes?${q}&page=${encodeURIComponent(bad)}`);
      assert.ok(res.status === 200 || res.status === 400, `page=${bad}: ${res.status}`);
    }
    const beyond = await list(instructor, `${q}&page=4`);
    assert.deepEqual(beyond.rows, [], "page 4 of 3: no row");
    assert.equal(beyond.total, 120, "page 4 of 3: the total still said");
    assert.deepEqual((await list(instructor, `${q}&page=1000000`)).rows, []);

    // Filters combine.
    const drafts = await list(instructor, `${q}&etat=draft`);
    assert.deepEqual([...drafts.rows].sort((a, b) => a - b), expect("draft"));
    assert.equal(drafts.total, 20);
    assert.equal(drafts.pages, null, "20 rows: no pagination");
    const refused = await list(instructor, `${q}&etat=refused&definition=${DEFINITION}`);
    assert.deepEqual([...refused.rows].sort((a, b) => a - b), expect("refused"));
    assert.equal(refused.total, 5);
    const submitted = await list(instructor, `etat=submitted&${q}&page=2`);
    assert.equal(submitted.total, 95);
    assert.equal(submitted.rows.length, 45);
    for (const href of submitted.pages) {
      const params = new URLSearchParams(href.split("?")[1]);
      assert.equal(params.get("etat"), "submitted", `the state filter is kept: ${href}`);
      assert.equal(params.get("q"), word, `the search is kept: ${href}`);
    }
    assert.deepEqual((await list(instructor, `${q}&etat=validated`)).rows, []);
    assert.equal((await list(instructor, `${q}&etat=validated`)).total, 0);
    assert.deepEqual((await list(instructor, `${q}&definition=autre_definition`)).rows, [], "a definition without a role: nothing");
    assert.deepEqual((await list(instructor, `${q}&definition=${DEFINITION}&etat=draft`)).rows.length, 20);

    // Search by project name (a part of it) and by number.
    const byName = await list(instructor, `q=${encodeURIComponent(`${word} ${letters(42)}`)}`);
    assert.deepEqual(byName.rows, [ids[42]], "the exact project name");
    const byPrefix = await list(instructor, `q=${encodeURIComponent(`${word} ${letters(42).slice(0, 1)}`)}`);
    assert.ok(byPrefix.rows.includes(ids[42]) && byPrefix.total >= 26, "a part of the name");
    for (const i of [0, 57, 119]) {
      const byNumber = await list(instructor, `q=${ids[i]}`);
      assert.ok(byNumber.rows.includes(ids[i]), `search by number ${ids[i]}`);
      const found = await instructor.get(`/instruction/demandes?q=${ids[i]}`);
      // Every row found by a number is that request, or a project whose name holds the number.
      for (const id of byNumber.rows) {
        if (id === ids[i]) continue;
        const r = await apiRequest(instructor, id);
        assert.ok(String(r.data.intitule || "").includes(String(ids[i])), `q=${ids[i]} found ${id} (${r.data.intitule})`);
      }
      assert.equal(found.status, 200);
    }
    assert.deepEqual((await list(instructor, `q=${encodeURIComponent(`${word}zz`)}`)).rows, [], "no match: no row");
    assert.equal((await list(instructor, `q=${encodeURIComponent(`${word}zz`)}`)).total, 0);

    // Without a filter: pages of 50 whose rows add up to the total, none twice.
    const whole = await list(instructor);
    assert.ok(whole.total >= 120);
    assert.equal(whole.rows.length, 50);
    const pageCount = Math.ceil(whole.total / 50);
    const lastPage = await list(instructor, `page=${pageCount}`);
    assert.equal(lastPage.rows.length, whole.total - 50 * (pageCount - 1), "the last page holds the rest");
  });
});
