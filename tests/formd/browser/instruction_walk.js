// The instruction walk in a real Chromium (browser_instruction_test.js runs
// it): an applicant (A) and an instructor (I), each in their own browser
// context, log in through the development login page and use the pages by
// clicks and typing. A submits a request (through the JSON API, with A's
// session); I finds it in the list with the filters, opens it and asks for
// changes (first without a reason: 422, the error at the field); A sees the
// reason, edits a field through the wizard and resubmits; I sees the
// changelog in the history and validates; A finds the habilitation under
// "Les habilitations délivrées" and opens it; a second request is refused
// and A sees why. Finally a manager grants a role on /instruction/roles.
//
// Every new page state goes through audit.step() (browser/audit.js): a
// full-page screenshot, axe with no violation, id references, markup checks.
"use strict";

const assert = require("node:assert/strict");
const { newSiret, uniqueEmail, grantRole, validDocument } = require("../client");
const { expectFieldError } = require("./journey");
const {
  clickAndLoad, expectPath, squash, mainText, historyOf, logIn, submitThroughApi, requestState, expectSuccessNotice,
} = require("./steps");

const DEFINITION = "api_pro_sante_connect";

// runs the walk. `newContext()` gives a fresh browser context; `shot(name, page)` audits and screenshots.
async function instructionWalk({ base, dataDir, newContext, shot, watch }) {
  const project = `Télésanté de la ville ${process.pid}`;
  const renamed = `${project} – portail des médecins`;
  const applicant = { email: uniqueEmail("camille"), name: "Camille Martin", siret: newSiret() };
  const instructor = { email: uniqueEmail("ines"), name: "Inès Durand", siret: newSiret() };
  const manager = { email: uniqueEmail("gestion"), name: "Gaëlle Gestion", siret: newSiret() };
  grantRole(dataDir, instructor.email, `ans:${DEFINITION}:instructor`);
  grantRole(dataDir, manager.email, `ans:${DEFINITION}:manager`);

  const aContext = await newContext();
  const iContext = await newContext();
  const A = await aContext.newPage();
  const I = await iContext.newPage();
  watch(A);
  watch(I);

  // ---- A logs in and submits ------------------------------------------------
  await A.goto(base + "/demandes");
  await expectPath(A, /^\/connexion\?suite=/, "applicant, not logged in");
  await logIn(A, applicant);
  await expectPath(A, /^\/demandes$/, "applicant after login");
  const id = await submitThroughApi(aContext, base, { intitule: project });

  // ---- I: the list, the filters ---------------------------------------------
  await I.goto(base + "/instruction");
  await expectPath(I, /^\/connexion\?suite=/, "instructor, not logged in");
  await logIn(I, instructor);
  await expectPath(I, /^\/instruction\/demandes$/, "instructor after login");
  assert.equal(await I.locator(`tr[data-formd-request="${id}"]`).count(), 1, "the request is listed");
  assert.match(await mainText(I), /\b\d+ demandes?\b/, "the total");
  await shot("instruction-list", I);

  await I.getByLabel("État").selectOption("submitted");
  await I.getByLabel(/^Rechercher/).fill(project);
  await clickAndLoad(I, I.getByRole("button", { name: "Filtrer" }));
  await expectPath(I, /[?&]etat=submitted(&|$)/, "the state filter");
  await expectPath(I, /[?&]q=/, "the search");
  assert.deepEqual(await I.locator("tr[data-formd-request]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-formd-request"))), [String(id)]);
  assert.equal(await I.getByLabel("État").inputValue(), "submitted", "the filter stays chosen");
  assert.match(await mainText(I), /\b1 demande\b/);
  await shot("instruction-list-filtered", I);

  // ---- I: the request, "Demander des modifications" ---------------------------
  await clickAndLoad(I, I.getByRole("link", { name: `Consulter la demande n°${id}` }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}$`), "the request page");
  let text = await mainText(I);
  for (const shown of ["En cours d'instruction", applicant.name, applicant.email, applicant.siret, project]) {
    assert.ok(text.toLowerCase().includes(shown.toLowerCase()), `the request page shows "${shown}"`);
  }
  const menu = I.getByRole("navigation", { name: "Instruire la demande" });
  assert.deepEqual((await menu.getByRole("link").allTextContents()).map(squash), ["Valider", "Refuser", "Demander des modifications", "Transférer"]);
  assert.deepEqual((await historyOf(I)).map((e) => e.name), ["submit", "create"]);
  await shot("instruction-request-submitted", I);

  await clickAndLoad(I, menu.getByRole("link", { name: "Demander des modifications" }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}/demander-des-modifications$`), "the action page");
  await shot("action-request-changes", I);
  let response = await clickAndLoad(I, I.getByRole("button", { name: "Envoyer la demande de modification" }));
  assert.equal(response.status(), 422, "no reason: 422");
  assert.equal(await I.locator(".fr-input-group--error textarea[name=reason]").count(), 1, "the error at the field");
  assert.match(squash(await I.locator(".fr-input-group--error").innerText()), /raison/i);
  await shot("action-request-changes-invalid", I);
  const reason = "Précisez le nom du service raccordé.";
  await I.getByLabel("Raison de la demande de modification").fill(reason);
  await clickAndLoad(I, I.getByRole("button", { name: "Envoyer la demande de modification" }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}(\\?|$)`), "back to the request");
  await expectSuccessNotice(I, "changes requested");
  let history = await historyOf(I);
  assert.equal(history[0].name, "request_changes");
  const folded = I.locator("#historique [data-formd-event=request_changes] details").first();
  assert.equal(await folded.getByText(reason).isVisible(), false, "the reason is folded");
  await folded.locator("summary").click();
  assert.equal(await folded.getByText(reason).isVisible(), true, "the reason unfolds");
  await shot("instruction-request-changes-requested", I);

  // ---- A: the reason, the wizard, the resubmission ---------------------------
  await A.goto(base + "/demandes");
  const toModify = A.getByRole("region", { name: /^Demandes à modifier/ });
  assert.equal(await toModify.locator(`[data-formd-request="${id}"]`).count(), 1, 'under "Demandes à modifier"');
  await shot("dashboard-to-modify", A);
  await clickAndLoad(A, toModify.locator(`[data-formd-request="${id}"]`).getByRole("link"));
  await expectPath(A, new RegExp(`^/demandes/${id}$`), "the applicant's request page");
  assert.ok((await A.locator("main .fr-alert--warning").innerText()).includes(reason), "the reason in a warning notice");
  await shot("applicant-request-changes-requested", A);
  await clickAndLoad(A, A.getByRole("link", { name: "Modifier la demande", exact: true }));
  await expectPath(A, new RegExp(`^/demandes/${id}/etapes/`), "the wizard");
  await A.getByLabel("Nom du projet").fill(renamed);
  await shot("wizard-edit-after-changes", A);
  for (let i = 0; i < 10 && !/\/resume$/.test(new URL(A.url()).pathname); i++) {
    const next = A.getByRole("button", { name: /^Enregistrer et (continuer|voir le résumé)$/ });
    const before = A.url();
    await clickAndLoad(A, next);
    assert.notEqual(A.url(), before, `the wizard did not go on: ${squash(await A.locator("main").innerText()).slice(0, 300)}`);
  }
  await expectPath(A, new RegExp(`^/demandes/${id}/resume$`), "the summary");
  for (const name of [/conditions générales d’utilisation/, /délégué à la protection des données/]) {
    const box = A.getByRole("checkbox", { name });
    if (!(await box.isChecked())) await A.locator(`label[for="${await box.getAttribute("id")}"]`).click({ position: { x: 8, y: 10 } });
  }
  await clickAndLoad(A, A.getByRole("button", { name: "Soumettre la demande" }));
  await expectPath(A, new RegExp(`^/demandes/${id}(\\?|$)`), "after resubmission");
  assert.equal((await requestState(aContext, base, id)).state, "submitted");

  // ---- I: the changelog, "Valider" ---------------------------------------------
  await I.goto(`${base}/instruction/demandes/${id}`);
  history = await historyOf(I);
  assert.equal(history[0].name, "submit");
  const changelog = history.find((e) => e.text.includes("a changé de"));
  assert.ok(changelog && changelog.text.includes(`Le champ Nom du projet a changé de « ${project} » en « ${renamed} »`),
    `the changelog: ${JSON.stringify(history.map((e) => e.text))}`);
  await shot("instruction-request-resubmitted", I);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Valider" }));
  await shot("action-approve", I);
  await I.getByLabel("Message complémentaire (optionnel)").fill("Bienvenue sur Pro Santé Connect.");
  await clickAndLoad(I, I.getByRole("button", { name: "Valider la demande d’habilitation" }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}(\\?|$)`), "after approval");
  await expectSuccessNotice(I, "approved");
  const state = await requestState(iContext, base, id);
  assert.equal(state.state, "validated");
  const hid = state.habilitations[0].id;
  history = await historyOf(I);
  assert.equal(history[0].name, "approve");
  assert.match(history[0].text, /a approuvé la demande/);
  await shot("instruction-request-validated", I);

  // ---- A: the habilitation ----------------------------------------------------
  await A.goto(base + "/demandes");
  await clickAndLoad(A, A.getByRole("link", { name: "Les habilitations délivrées" }));
  await expectPath(A, /^\/demandes\?onglet=habilitations$/, "the habilitations tab");
  assert.equal(await A.getByRole("link", { name: "Les habilitations délivrées" }).getAttribute("aria-current"), "page");
  const active = A.getByRole("region", { name: /^Habilitations actives/ });
  const card = active.locator(`[data-formd-habilitation="${hid}"]`);
  assert.equal(await card.count(), 1, 'the card under "Habilitations actives"');
  const cardText = squash(await card.innerText());
  for (const shown of ["Habilitation à API Pro Santé Connect", renamed, `HABILITATION H${hid}`, "ACTIVE"]) {
    assert.ok(cardText.toUpperCase().includes(shown.toUpperCase()), `the card shows "${shown}": ${cardText}`);
  }
  assert.match(cardText, /Validée le \d{2}\/\d{2}\/\d{4}/);
  await shot("dashboard-habilitations", A);
  await clickAndLoad(A, card.getByRole("link", { name: /^Consulter/ }));
  await expectPath(A, new RegExp(`^/habilitations/${hid}$`), "the habilitation page");
  text = await mainText(A);
  for (const shown of ["Habilitation à API Pro Santé Connect", renamed, validDocument().description]) {
    assert.ok(text.includes(shown), `the habilitation page shows "${shown}"`);
  }
  await shot("habilitation", A);

  // ---- A second request, refused ----------------------------------------------
  const id2 = await submitThroughApi(aContext, base, { intitule: `${project} (bis)` });
  await I.goto(base + "/instruction/demandes");
  await clickAndLoad(I, I.getByRole("link", { name: `Consulter la demande n°${id2}` }));
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Refuser" }));
  await shot("action-refuse", I);
  response = await clickAndLoad(I, I.getByRole("button", { name: "Refuser la demande d’habilitation" }));
  assert.equal(response.status(), 422, "no reason: 422");
  await shot("action-refuse-invalid", I);
  const refusal = "Le service décrit ne relève pas de Pro Santé Connect.";
  await I.getByLabel("Raison du refus").fill(refusal);
  await clickAndLoad(I, I.getByRole("button", { name: "Refuser la demande d’habilitation" }));
  await expectSuccessNotice(I, "refused");
  assert.equal((await historyOf(I))[0].name, "refuse");
  await shot("instruction-request-refused", I);

  await A.goto(base + "/demandes");
  const refused = A.getByRole("region", { name: /^Demandes refusées/ });
  assert.equal(await refused.locator(`[data-formd-request="${id2}"]`).count(), 1, 'under "Demandes refusées"');
  await shot("dashboard-refused", A);
  await clickAndLoad(A, refused.locator(`[data-formd-request="${id2}"]`).getByRole("link"));
  text = await mainText(A);
  assert.ok(text.includes("Votre demande d'habilitation a été refusée"), "the refusal notice");
  assert.ok(text.includes(refusal), "the refusal's reason");
  await shot("applicant-request-refused", A);

  // ---- A manager grants a role ------------------------------------------------------
  const mContext = await newContext();
  const M = await mContext.newPage();
  watch(M);
  await M.goto(base + "/instruction/roles");
  await logIn(M, manager);
  await expectPath(M, /^\/instruction\/roles$/, "the roles page");
  await shot("roles", M);
  const newcomer = uniqueEmail("rapporteur");
  await M.getByLabel("Adresse électronique").fill(newcomer);
  await M.getByLabel("Rôle").selectOption("reporter");
  await clickAndLoad(M, M.getByRole("button", { name: "Accorder le rôle" }));
  await expectSuccessNotice(M, "role granted");
  assert.ok((await mainText(M)).includes(newcomer), "the new grant is listed");
  await shot("roles-granted", M);

  for (const c of [aContext, iContext, mContext]) await c.close();
}

module.exports = { instructionWalk };
