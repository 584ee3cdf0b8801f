// The stages walk in a real Chromium (browser_stages_test.js runs it), on
// API FICOBA, the two-stage definition of definitions/ (LIFECYCLE.md §2.10).
// An applicant (A) and an instructor (I), each in their own browser context,
// log in through the development login page and use the pages by clicks and
// typing:
//   1. the sandbox form is marked "Bac à sable" from its start page; A's
//      sandbox request (made through the JSON API with A's session) is
//      validated by I ("Valider");
//   2. A's dashboard card says the sandbox access is validated and offers
//      "Démarrer ma demande d’habilitation en production"; the introduction
//      page, "Débuter ma demande"; the production wizard (recette
//      fonctionnelle, homologation de sécurité, volumétrie), the summary's
//      checkboxes, "Soumettre la demande": badges "Production" and "En cours";
//   3. I validates the production request: A's dashboard shows two "Active"
//      habilitations, "Bac à sable" and "Production"; the sandbox one's page
//      mentions neither "Production" nor the start button;
//   4. a second request: A starts production from the habilitation page,
//      then "Annuler la demande de production" and its confirmation: the
//      sandbox request is back, with the start button;
//   5. a third one, sent in production: I's "Annuler la demande de
//      production" and "Confirmer l'annulation" lead back to the list.
// The homologation's file is attached through the wizard's file input (the
// browser's file chooser), and for the third request through the documents
// endpoint of the JSON API (issue 12): never written in the data.
//
// Every new page state goes through audit.step() (browser/audit.js): a
// full-page screenshot, axe with no violation, id references, markup checks.
"use strict";

const assert = require("node:assert/strict");
const { newSiret, uniqueEmail, grantRole, validDocument } = require("../client");
const { clickAndLoad, expectPath, squash, mainText, chooseFile, logIn, api } = require("./steps");

const SANDBOX = "api-ficoba-sandbox";
const PRODUCTION = "api-ficoba-production";


function sandboxDocument(intitule) {
  const doc = { ...validDocument(), intitule, modalities: ["with_ficoba_iban", "with_ficoba_siren"], dpd_homologation_checkbox: true };
  delete doc.scopes;
  return doc;
}

const HOMOLOGATION_FIELD = "safety_certification_document";
const HOMOLOGATION_FILE = {
  name: "décision-homologation.pdf",
  mimeType: "application/pdf",
  buffer: Buffer.from("%PDF-1.4\n1 0 obj\n<< /Title (Homologation) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1"),
};

// The production blocks but the file (uploaded: HOMOLOGATION_FILE).
function productionDocument() {
  return {
    operational_acceptance_done: true,
    safety_certification_authority_name: "Claire Autorité",
    safety_certification_authority_function: "Directrice générale des services",
    safety_certification_begin_date: "2026-01-01",
    safety_certification_end_date: "2029-01-01",
    volumetrie_appels_par_minute: 200,
    volumetrie_justification: "Campagnes de recouvrement mensuelles.",
    terms_of_service_accepted: true,
    data_protection_officer_informed: true,
    dpd_homologation_checkbox: true,
  };
}

// Ticks a DSFR checkbox as a person does: on its label.
async function tick(page, name) {
  const box = page.getByRole("checkbox", { name });
  if (!(await box.isChecked())) await page.locator(`label[for="${await box.getAttribute("id")}"]`).click({ position: { x: 8, y: 10 } });
  assert.equal(await box.isChecked(), true, `ticked: ${name}`);
}

async function badges(locator) {
  return (await locator.locator(".fr-badge").allTextContents()).map((t) => squash(t).toLowerCase());
}

async function stagesWalk({ base, dataDir, newContext, shot, watch }) {
  const project = `Recouvrement des amendes ${process.pid}`;
  const applicant = { email: uniqueEmail("camille"), name: "Camille Martin", siret: newSiret() };
  const instructor = { email: uniqueEmail("ines"), name: "Inès Durand", siret: newSiret() };
  grantRole(dataDir, instructor.email, "dgfip:api_ficoba_sandbox:instructor");
  grantRole(dataDir, instructor.email, "dgfip:api_ficoba:instructor");

  const aContext = await newContext();
  const iContext = await newContext();
  const A = await aContext.newPage();
  const I = await iContext.newPage();
  watch(A);
  watch(I);

  // ---- 1. The sandbox request, validated ------------------------------------------
  await A.goto(`${base}/formulaires/${SANDBOX}/demande/nouveau`);
  await expectPath(A, /^\/connexion\?suite=/, "applicant, not logged in");
  await logIn(A, applicant);
  await expectPath(A, new RegExp(`^/formulaires/${SANDBOX}/demande/nouveau$`), "the start page after login");
  assert.ok((await badges(A.locator("main"))).includes("bac à sable"), "the sandbox form is marked from the start");
  await shot("sandbox-start", A);
  const aApi = await api(aContext, base);
  const created = await aApi.post("/api/v1/requests", { form_uid: SANDBOX, data: sandboxDocument(project) }, 201);
  const id = created.id;
  await aApi.submit(id);

  await I.goto(`${base}/instruction/demandes/${id}`);
  await logIn(I, instructor);
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}$`), "the instruction page");
  assert.ok((await badges(I.locator("main"))).includes("bac à sable"), "the stage badge on the instruction page");
  assert.doesNotMatch(await mainText(I), /Annuler la demande de production/, "not a production request");
  await shot("instruction-sandbox-submitted", I);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Valider" }));
  await clickAndLoad(I, I.getByRole("button", { name: "Valider la demande d’habilitation" }));
  const iApi = await api(iContext, base);
  const validated = await iApi.get(`/api/v1/requests/${id}`);
  assert.equal(validated.state, "validated");
  const sandboxHid = validated.habilitations[0].id;

  // ---- 2. Production started from the dashboard, filled in and sent ------------------
  await A.goto(base + "/demandes");
  await clickAndLoad(A, A.getByRole("link", { name: "Les habilitations délivrées" }));
  const card = A.getByRole("region", { name: /^Habilitations actives/ }).locator(`[data-formd-habilitation="${sandboxHid}"]`);
  assert.equal(await card.count(), 1, "the sandbox habilitation's card");
  const cardText = squash(await card.innerText());
  assert.ok(cardText.includes("Votre demande d'accès au bac à sable a été validée ! Vous pouvez poursuivre votre demande afin d'accéder à la production."),
    `the card's message: ${cardText}`);
  assert.ok((await badges(card)).includes("bac à sable"));
  await shot("dashboard-sandbox-validated", A);
  await clickAndLoad(A, card.getByRole("link", { name: "Démarrer ma demande d’habilitation en production" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/production$`), "the introduction page");
  assert.match(await mainText(A), /recette fonctionnelle/i);
  await shot("production-introduction", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Débuter ma demande" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/etapes/operational_acceptance$`), "the production wizard");
  let state = await aApi.get(`/api/v1/requests/${id}`);
  assert.equal(state.form_uid, PRODUCTION);
  assert.equal(state.state, "draft");
  assert.deepEqual(state.habilitations.map((h) => [h.id, h.state, h.stage]), [[sandboxHid, "active", "sandbox"]]);
  assert.ok((await badges(A.locator("main"))).includes("production"), "the production badge on the wizard");
  await shot("production-wizard-recette", A);

  await tick(A, /^J’atteste avoir réalisé une recette fonctionnelle/);
  await clickAndLoad(A, A.getByRole("button", { name: "Enregistrer et continuer" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/etapes/safety_certification$`), "the homologation step");
  await A.getByLabel(/^Nom de l’autorité d’homologation/).fill("Claire Autorité");
  await A.getByLabel(/^Fonction de l’autorité d’homologation/).fill("Directrice générale des services");
  await A.getByLabel(/^Date de début d’homologation/).fill("2026-01-01");
  await A.getByLabel(/^Date de fin d’homologation/).fill("2029-01-01");
  await chooseFile(A, /^La décision d’homologation ou le questionnaire de sécurité/, HOMOLOGATION_FILE);
  await shot("production-wizard-homologation", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Enregistrer et continuer" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/etapes/volumetrie$`), "the volumetry step");
  await A.getByLabel(/^Quelle limitation de débit/).selectOption("500");
  await A.getByLabel(/^Pour quels motifs souhaitez-vous un débit plus grand/).fill("Jusqu’à 400 appels par minute lors des campagnes mensuelles.");
  await shot("production-wizard-volumetrie", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Enregistrer et voir le résumé" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/resume$`), "the summary");
  for (const name of [/conditions générales d’utilisation/, /délégué à la protection des données/, /^J’atteste que mon organisation devra déclarer à la DGFiP/]) {
    await tick(A, name);
  }
  await shot("production-summary", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Soumettre la demande" }));
  await expectPath(A, new RegExp(`^/demandes/${id}(\\?|$)`), "after submission");
  const sentBadges = await badges(A.locator("main"));
  assert.ok(sentBadges.includes("production") && sentBadges.some((b) => b.startsWith("en cours")), `badges: ${sentBadges}`);
  await shot("production-submitted", A);
  state = await aApi.get(`/api/v1/requests/${id}`);
  assert.equal(state.state, "submitted");
  assert.equal(state.data.volumetrie_appels_par_minute, 500);
  assert.deepEqual(state.data[HOMOLOGATION_FIELD],
    [{ name: HOMOLOGATION_FILE.name, content_type: "application/pdf", size: HOMOLOGATION_FILE.buffer.length }], "the file chosen in the wizard");

  // ---- 3. Production validated: two active habilitations ------------------------------
  await I.goto(`${base}/instruction/demandes/${id}`);
  assert.ok((await badges(I.locator("main"))).includes("production"), "the production badge for the instructor");
  assert.ok(await I.getByRole("link", { name: "Annuler la demande de production" }).isVisible(), "the instructor may cancel a sent production request");
  await shot("instruction-production-submitted", I);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Valider" }));
  await clickAndLoad(I, I.getByRole("button", { name: "Valider la demande d’habilitation" }));
  state = await iApi.get(`/api/v1/requests/${id}`);
  assert.equal(state.state, "validated");
  assert.deepEqual(state.habilitations.map((h) => [h.state, h.stage]), [["active", "sandbox"], ["active", "production"]]);
  const productionHid = state.habilitations[1].id;

  await A.goto(base + "/demandes?onglet=habilitations");
  const active = A.getByRole("region", { name: /^Habilitations actives/ });
  for (const [hid, stage] of [[sandboxHid, "bac à sable"], [productionHid, "production"]]) {
    const c = active.locator(`[data-formd-habilitation="${hid}"]`);
    assert.equal(await c.count(), 1, `the ${stage} card`);
    const b = await badges(c);
    assert.ok(b.includes("active") && b.includes(stage), `H${hid}: ${b}`);
  }
  assert.doesNotMatch(await mainText(A), /Démarrer ma demande/, "no start button any more");
  await shot("dashboard-two-habilitations", A);
  await clickAndLoad(A, active.locator(`[data-formd-habilitation="${sandboxHid}"]`).getByRole("link", { name: /^Consulter/ }));
  await expectPath(A, new RegExp(`^/habilitations/${sandboxHid}$`), "the sandbox habilitation");
  const sandboxPage = await mainText(A);
  assert.doesNotMatch(sandboxPage, /Production|Démarrer ma demande|obsolète/, "the sandbox page after production");
  await shot("habilitation-sandbox-after-production", A);
  await A.goto(`${base}/habilitations/${productionHid}`);
  assert.ok((await badges(A.locator("main"))).includes("production"));
  await shot("habilitation-production", A);

  // ---- 4. The applicant cancels a production request ----------------------------------
  const second = await aApi.post("/api/v1/requests", { form_uid: SANDBOX, data: sandboxDocument(`${project} (bis)`) }, 201);
  await aApi.submit(second.id);
  const secondHid = (await iApi.post(`/api/v1/requests/${second.id}/approve`)).habilitation.id;
  await A.goto(`${base}/habilitations/${secondHid}`);
  await shot("habilitation-sandbox-start", A);
  await clickAndLoad(A, A.getByRole("link", { name: "Démarrer ma demande d’habilitation en production" }));
  await clickAndLoad(A, A.getByRole("button", { name: "Débuter ma demande" }));
  await expectPath(A, new RegExp(`^/demandes/${second.id}/etapes/operational_acceptance$`), "the second production wizard");
  await clickAndLoad(A, A.getByRole("link", { name: "Annuler la demande de production" }));
  await expectPath(A, new RegExp(`^/demandes/${second.id}/annuler-production$`), "the confirmation page");
  assert.match(await mainText(A), /Cette action est irréversible/);
  await shot("production-cancel-confirmation", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Annuler la demande de production" }));
  await expectPath(A, new RegExp(`^/demandes/${second.id}\\?production-annulee=1$`), "after cancelling");
  const cancelledText = await mainText(A);
  assert.ok(cancelledText.includes("Votre demande d'habilitation en production a été annulée"), "the notice");
  assert.ok((await badges(A.locator("main"))).includes("bac à sable"), "the sandbox badge is back");
  assert.ok(await A.getByRole("link", { name: "Démarrer ma demande d’habilitation en production" }).isVisible(), "the start button is back");
  await shot("production-cancelled", A);
  state = await aApi.get(`/api/v1/requests/${second.id}`);
  assert.equal(state.state, "validated");
  assert.equal(state.form_uid, SANDBOX);

  // ---- 5. The instructor cancels a sent production request -----------------------------
  const third = await aApi.post("/api/v1/requests", { form_uid: SANDBOX, data: sandboxDocument(`${project} (ter)`) }, 201);
  await aApi.submit(third.id);
  await iApi.post(`/api/v1/requests/${third.id}/approve`);
  await aApi.post(`/api/v1/requests/${third.id}/start_next_stage`);
  await aApi.patch(third.id, productionDocument());
  await aApi.upload(third.id, HOMOLOGATION_FIELD, HOMOLOGATION_FILE);
  await aApi.submit(third.id);
  await I.goto(`${base}/instruction/demandes/${third.id}`);
  await clickAndLoad(I, I.getByRole("link", { name: "Annuler la demande de production" }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${third.id}/annuler-production$`), "the instructor's confirmation");
  await shot("instruction-production-cancel", I);
  await clickAndLoad(I, I.getByRole("button", { name: "Confirmer l'annulation" }));
  await expectPath(I, /^\/instruction\/demandes$/, "back to the list");
  state = await iApi.get(`/api/v1/requests/${third.id}`);
  assert.equal(state.state, "validated");
  assert.equal(state.stage, "sandbox");
  await I.goto(`${base}/instruction/demandes/${third.id}`);
  const history = await I.locator("#historique [data-formd-event]").evaluateAll((items) => items.map((li) => li.getAttribute("data-formd-event")));
  // Two updates: the production data, then the homologation's upload.
  assert.deepEqual(history.slice(0, 5), ["cancel_next_stage", "submit", "update", "update", "start_next_stage"]);
  assert.match(await mainText(I), /a annulé la demande d'habilitation en production/);
  await shot("instruction-production-cancelled", I);

  for (const c of [aContext, iContext]) await c.close();
}

module.exports = { stagesWalk };
