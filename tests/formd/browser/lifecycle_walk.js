// The seed document's three cases in a real Chromium (browser_lifecycle_test.js
// runs it), on API Pro Santé Connect, as the seed shows them (LIFECYCLE.md §3):
//
//   CAS 1: the applicant (A) updates the technical contact of their
//          habilitation: "Mettre à jour" on the dashboard card, the
//          confirmation, the update summary ("Envoyer ma demande de
//          modification" disabled until something changes), "Modifier" on
//          « Les personnes impliquées », "Enregistrer les modifications",
//          "Envoyer ma demande de modification"; the habilitation stays
//          active and says an update is in progress; the instructor (I)
//          approves it: a new active habilitation, the old one obsolete and
//          still showing the old contact. A second update, from the
//          habilitation's header, is refused by I: the data is back and the
//          habilitation still active.
//   CAS 2: A transfers the request to a colleague (C) by email; first to a
//          user of another organisation (S): refused with DataPass's message.
//   CAS 3: another colleague (D) takes it over ("Valider le transfert vers
//          mon compte"), then starts an update, and cancels it on
//          « Annulation de vos modifications ».
//
// Every new page state goes through shot() (browser/audit.js: screenshot,
// axe with no violation, every aria-* and href="#…" target present).
"use strict";

const assert = require("node:assert/strict");
const { newSiret, uniqueEmail, grantRole } = require("../client");
const {
  clickAndLoad, expectPath, squash, mainText, logIn, submitThroughApi, requestState, expectSuccessNotice,
} = require("./steps");

const DEFINITION = "api_pro_sante_connect";
const OLD_CONTACT = "tech@exemple.fr";

// A JSON API call with the session of `context` (its CSRF token).
async function apiCall(context, base, method, path, body) {
  const session = await context.request.get(base + "/api/v1/session");
  assert.equal(session.status(), 200, "the API session of the browser");
  const headers = { "X-CSRF-Token": (await session.json()).csrf_token };
  const res = await context.request.fetch(base + path, { method, data: body, headers });
  assert.ok(res.status() < 300, `${method} ${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

// The header actions of a habilitation or request page.
async function headerActions(page) {
  const nav = page.getByRole("navigation", { name: /^Actions sur / });
  if ((await nav.count()) === 0) return [];
  return (await nav.getByRole("link").allTextContents()).map(squash);
}

// On the update summary: "Modifier" a block, change the technical contact's
// email, "Enregistrer les modifications" (back on the summary).
async function changeTechnicalContact(A, id, email, shot, name) {
  await clickAndLoad(A, A.getByRole("link", { name: "Modifier « Les personnes impliquées »" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/etapes/`), "the block's edit page");
  assert.equal(await A.getByRole("link", { name: "Retour à la synthèse" }).count(), 1);
  await A.locator('input[name="contact_technique_email"]').fill(email);
  if (shot) await shot(name, A);
  await clickAndLoad(A, A.getByRole("button", { name: "Enregistrer les modifications" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/resume$`), "back on the update summary");
}

async function lifecycleWalk({ base, dataDir, newContext, shot, watch }) {
  const siret = newSiret();
  const applicant = { email: uniqueEmail("elise"), name: "Élise Demandeuse", siret };
  const colleague = { email: uniqueEmail("paul"), name: "Paul Collègue", siret };
  const other = { email: uniqueEmail("dora"), name: "Dora Collègue", siret };
  const stranger = { email: uniqueEmail("hors"), name: "Hugo Ailleurs", siret: newSiret() };
  const instructor = { email: uniqueEmail("ines"), name: "Inès Durand", siret: newSiret() };
  grantRole(dataDir, instructor.email, `ans:${DEFINITION}:instructor`);

  const contexts = [];
  const open = async (who, path) => {
    const context = await newContext();
    contexts.push(context);
    const page = await context.newPage();
    watch(page);
    await page.goto(base + path);
    await logIn(page, who);
    return { context, page };
  };
  const { context: aContext, page: A } = await open(applicant, "/demandes?onglet=habilitations");
  const { context: iContext, page: I } = await open(instructor, "/instruction/demandes");
  // The colleagues and the stranger have signed in once (an account, an organisation).
  const { page: C } = await open(colleague, "/demandes");
  const { page: D } = await open(other, "/demandes");
  await open(stranger, "/demandes");

  const project = `Téléconsultation du centre ${process.pid}`;
  const id = await submitThroughApi(aContext, base, { intitule: project });
  const approved = await apiCall(iContext, base, "POST", `/api/v1/requests/${id}/approve`, {});
  const h1 = approved.habilitation.id;

  // ---- CAS 1: update from the dashboard card --------------------------------------
  await A.goto(base + "/demandes?onglet=habilitations");
  const card = A.locator(`[data-formd-habilitation="${h1}"]`);
  assert.equal(await card.count(), 1, "the habilitation's card");
  await shot("cas1-dashboard-habilitations", A);
  await clickAndLoad(A, card.getByRole("link", { name: /^Mettre à jour/ }));
  await expectPath(A, new RegExp(`^/habilitations/${h1}/mettre-a-jour$`), "the confirmation");
  assert.match(await mainText(A), /Votre habilitation restera valide quelque soit l'issue de la demande de mise à jour/);
  await shot("cas1-reopen-confirmation", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Mettre à jour l’habilitation" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/resume$`), "the update summary");
  let text = await mainText(A);
  assert.match(text, /Demande de mise à jour des informations/);
  assert.match(text, /Ces informations ne sont pas modifiables/);
  const send = A.getByRole("button", { name: "Envoyer ma demande de modification" });
  assert.equal(await send.isDisabled(), true, "disabled while nothing changed");
  await shot("cas1-update-summary-unchanged", A);

  await changeTechnicalContact(A, id, "nouveau.tech@exemple.fr", shot, "cas1-edit-contacts");
  assert.equal(await send.isDisabled(), false, "enabled once changed");
  await shot("cas1-update-summary-changed", A);
  await clickAndLoad(A, send);
  await expectPath(A, new RegExp(`^/demandes\\?fait=mise-a-jour-soumise&demande=${id}$`), "after sending");
  await expectSuccessNotice(A, "update sent");
  await shot("cas1-dashboard-update-sent", A);

  await A.goto(`${base}/habilitations/${h1}`);
  text = await mainText(A);
  assert.match(text, /Une mise à jour de cette habilitation est en cours/);
  assert.match(text, /Active/i);
  await shot("cas1-habilitation-update-in-progress", A);

  // I approves the update.
  await I.goto(`${base}/instruction/demandes/${id}`);
  assert.match(await mainText(I), /Mise à jour/i);
  await shot("cas1-instruction-update", I);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Valider" }));
  await clickAndLoad(I, I.getByRole("button", { name: "Valider la demande de mise à jour" }));
  await expectSuccessNotice(I, "update approved");
  let state = await requestState(aContext, base, id);
  assert.equal(state.state, "validated");
  const h2 = state.habilitations.find((h) => h.id !== h1).id;
  assert.deepEqual(state.habilitations.map((h) => [h.id, h.state]).sort(), [[h1, "obsolete"], [h2, "active"]].sort());

  // The old habilitation is obsolete and still shows the old contact.
  await A.goto(`${base}/habilitations/${h1}`);
  text = await mainText(A);
  assert.match(text, new RegExp(`Cette habilitation est obsolète, elle a été remplacée par l'habilitation N°${h2}`));
  assert.ok(text.includes(OLD_CONTACT) && !text.includes("nouveau.tech@exemple.fr"), "the old values");
  assert.deepEqual(await headerActions(A), []);
  await shot("cas1-old-habilitation-obsolete", A);
  await clickAndLoad(A, A.getByRole("link", { name: `N°${h2}` }));
  assert.ok((await mainText(A)).includes("nouveau.tech@exemple.fr"));
  assert.deepEqual(await headerActions(A), ["Mettre à jour", "Transférer"]);
  await shot("cas1-new-habilitation", A);

  // A second update, from the habilitation's header, refused by I.
  await clickAndLoad(A, A.getByRole("navigation", { name: /^Actions sur / }).getByRole("link", { name: "Mettre à jour" }));
  await clickAndLoad(A, A.getByRole("button", { name: "Mettre à jour l’habilitation" }));
  await changeTechnicalContact(A, id, "refusee@exemple.fr");
  await clickAndLoad(A, A.getByRole("button", { name: "Envoyer ma demande de modification" }));
  await I.goto(`${base}/instruction/demandes/${id}`);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Refuser" }));
  assert.match(await mainText(I), /L'habilitation sera toujours valide/);
  await I.getByLabel("Raison du refus").fill("Ce contact n’est pas connu de nos services.");
  await shot("cas1-refuse-update", I);
  await clickAndLoad(I, I.getByRole("button", { name: "Refuser la demande de mise à jour" }));
  state = await requestState(aContext, base, id);
  assert.equal(state.state, "validated", "a refused update goes back to validated");
  assert.equal(state.data.contact_technique_email, "nouveau.tech@exemple.fr", "the habilitation's data is back");
  await A.goto(`${base}/habilitations/${h2}`);
  text = await mainText(A);
  assert.match(text, /Active/i);
  assert.ok(!/Une mise à jour de cette habilitation est en cours/.test(text));
  await shot("cas1-after-refused-update", A);
  await clickAndLoad(A, A.getByRole("link", { name: "Historique" }));
  assert.match(await mainText(A), /a réouvert l'habilitation/);
  await shot("cas1-history", A);

  // ---- CAS 2: transfer to a colleague ------------------------------------------------
  await A.goto(`${base}/habilitations/${h2}`);
  await clickAndLoad(A, A.getByRole("navigation", { name: /^Actions sur / }).getByRole("link", { name: "Transférer" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/transferer$`), "the transfer page");
  assert.match(await mainText(A), /Transférer ma demande d'habilitation/);
  await shot("cas2-transfer-form", A);
  await A.getByLabel(/^Email du nouveau demandeur/).fill(stranger.email);
  const refused = await clickAndLoad(A, A.getByRole("button", { name: "Valider le transfert" }));
  assert.equal(refused.status(), 422);
  assert.match(await mainText(A), /Le destinataire n'appartient pas à la même organisation/);
  await shot("cas2-transfer-other-organisation", A);
  await A.getByLabel(/^Email du nouveau demandeur/).fill(colleague.email);
  await clickAndLoad(A, A.getByRole("button", { name: "Valider le transfert" }));
  await expectPath(A, new RegExp(`^/demandes/${id}\\?fait=transferee$`), "after the transfer");
  await expectSuccessNotice(A, "transferred");
  await shot("cas2-transferred", A);
  await C.goto(`${base}/habilitations/${h2}`);
  assert.deepEqual(await headerActions(C), ["Mettre à jour", "Transférer"], "the new applicant");
  await shot("cas2-new-applicant", C);

  // ---- CAS 3: another colleague takes it over, updates it, then cancels -------------
  await D.goto(`${base}/habilitations/${h2}`);
  assert.deepEqual(await headerActions(D), ["Transférer"], "a colleague may only take it over");
  await clickAndLoad(D, D.getByRole("navigation", { name: /^Actions sur / }).getByRole("link", { name: "Transférer" }));
  assert.match(await mainText(D), /Transfert d'une demande d'habilitation/);
  assert.equal(await D.getByLabel(/^Email du nouveau demandeur/).count(), 0, "no email field");
  await shot("cas3-take-over", D);
  await clickAndLoad(D, D.getByRole("button", { name: "Valider le transfert vers mon compte" }));
  await expectSuccessNotice(D, "taken over");
  assert.match(await mainText(D), /a bien été transférée sur votre compte/);
  await shot("cas3-taken-over", D);
  await D.goto(`${base}/habilitations/${h2}`);
  await clickAndLoad(D, D.getByRole("navigation", { name: /^Actions sur / }).getByRole("link", { name: "Mettre à jour" }));
  await clickAndLoad(D, D.getByRole("button", { name: "Mettre à jour l’habilitation" }));
  await changeTechnicalContact(D, id, "dora.tech@exemple.fr");
  await clickAndLoad(D, D.getByRole("link", { name: "Annuler ma demande de modification" }));
  assert.match(await mainText(D), /Annulation de vos modifications/);
  await shot("cas3-cancel-confirmation", D);
  await clickAndLoad(D, D.getByRole("button", { name: "Annuler ma demande de modification" }));
  await expectPath(D, /^\/demandes\?fait=reouverture-annulee/, "after cancelling");
  assert.match(await mainText(D), /La réouverture de l'habilitation .* a été annulée/);
  await shot("cas3-cancelled", D);
  state = await requestState(aContext, base, id);
  assert.equal(state.state, "validated");
  assert.equal(state.applicant.email, other.email);
  assert.equal(state.data.contact_technique_email, "nouveau.tech@exemple.fr", "data restored");

  for (const c of contexts) await c.close();
}

module.exports = { lifecycleWalk };
