// The messaging walk in a real Chromium (browser_messaging_test.js runs it),
// on API Pro Santé Connect (LIFECYCLE.md §2.7). An applicant (A) and an
// instructor (I), each in their own browser context, log in through the
// development login page and use the pages by clicks and typing:
//   1. A's submitted request (made through the JSON API with A's session):
//      its page links to "Messagerie"; "Envoyer" with an empty "Corps du
//      message" shows the error at the field; a message is sent;
//   2. I's list says "1 nouveau message", the instruction page "Messagerie 1";
//      I opens the tab (the count goes), reads A's message with A's name and
//      answers through "Pour quel motif voulez-vous écrire au demandeur ?";
//   3. A's dashboard card shows "1 nouveau message", a link to the
//      conversation, where both messages are; back on the dashboard the
//      count is gone; the request's history says "L’instructeur … a envoyé
//      un message".
// Every new page state goes through audit.step() (browser/audit.js): a
// full-page screenshot, axe with no violation, id references, markup checks.
"use strict";

const assert = require("node:assert/strict");
const { newSiret, uniqueEmail, grantRole, validDocument } = require("../client");
const { clickAndLoad, expectPath, squash, mainText, logIn, api } = require("./steps");

const PSC = "api-pro-sante-connect";

async function messagingWalk({ base, dataDir, newContext, shot, watch }) {
  const project = `Téléconsultation de l’hôpital ${process.pid}`;
  const applicant = { email: uniqueEmail("elise"), name: "Élise Demandeuse", siret: newSiret() };
  const instructor = { email: uniqueEmail("jean"), name: "Jean DUPONT", siret: newSiret() };
  grantRole(dataDir, instructor.email, "ans:api_pro_sante_connect:instructor");

  const aContext = await newContext();
  const iContext = await newContext();
  const A = await aContext.newPage();
  const I = await iContext.newPage();
  watch(A);
  watch(I);

  // ---- 1. The applicant writes ------------------------------------------------------
  await A.goto(base + "/demandes");
  await expectPath(A, /^\/connexion\?suite=/, "applicant, not logged in");
  await logIn(A, applicant);
  const aApi = await api(aContext, base);
  const created = await aApi.post("/api/v1/requests", { form_uid: PSC, data: { ...validDocument(), intitule: project } }, 201);
  const id = created.id;
  await aApi.post(`/api/v1/requests/${id}/submit`, { version: created.version });

  await A.goto(`${base}/demandes/${id}`);
  await clickAndLoad(A, A.locator("main").getByRole("link", { name: "Messagerie", exact: true }));
  await expectPath(A, new RegExp(`^/demandes/${id}/messagerie$`), "the applicant's Messagerie");
  assert.match(await mainText(A), /Aucun message pour le moment/);
  await shot("applicant-messagerie-empty", A);
  await clickAndLoad(A, A.getByRole("button", { name: "Envoyer" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/messagerie$`), "refused: the same page");
  const field = A.getByLabel(/^Corps du message/);
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.match(await mainText(A), /Le champ « Corps du message » est requis\./);
  await shot("applicant-messagerie-empty-body-refused", A);
  await field.fill("Bonjour,\nquelle durée de conservation attendez-vous ?");
  await clickAndLoad(A, A.getByRole("button", { name: "Envoyer" }));
  await expectPath(A, new RegExp(`^/demandes/${id}/messagerie\\?envoye=1$`), "sent");
  let text = await mainText(A);
  assert.match(text, /Votre message a été envoyé\./);
  assert.match(text, /Élise Demandeuse \(demandeur\) – le .* Bonjour, quelle durée de conservation attendez-vous \?/);
  await shot("applicant-messagerie-sent", A);

  // ---- 2. The instructor reads and answers -----------------------------------------------
  await I.goto(base + "/instruction/demandes");
  await logIn(I, instructor);
  const row = I.locator(`tr[data-formd-request="${id}"]`);
  assert.match(squash(await row.innerText()), /1 nouveau message/);
  await shot("instruction-list-unread", I);
  await clickAndLoad(I, row.getByRole("link", { name: /^Consulter/ }));
  const tab = I.locator("main").getByRole("link", { name: /^Messagerie 1/ });
  assert.equal(await tab.count(), 1, "'Messagerie 1' on the instruction page");
  await shot("instruction-request-unread", I);
  await clickAndLoad(I, tab);
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}/messagerie$`), "the instructor's Messagerie");
  text = await mainText(I);
  assert.match(text, /Élise Demandeuse \(demandeur\)/);
  assert.match(text, /Pour quel motif voulez-vous écrire au demandeur \?/);
  await shot("instructor-messagerie", I);
  await I.getByLabel(/^Corps du message/).fill("Cinq ans, comme indiqué dans le cadre juridique.");
  await clickAndLoad(I, I.getByRole("button", { name: "Envoyer" }));
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}/messagerie\\?envoye=1$`), "answered");
  assert.match(await mainText(I), /Jean DUPONT \(instructeur\) – le .* Cinq ans, comme indiqué dans le cadre juridique\./);
  await shot("instructor-messagerie-answered", I);
  await I.goto(base + "/instruction/demandes");
  assert.doesNotMatch(squash(await I.locator(`tr[data-formd-request="${id}"]`).innerText()), /nouveau message/, "read: the count is gone");

  // ---- 3. The applicant sees the answer ---------------------------------------------------
  await A.goto(base + "/demandes");
  const card = A.locator(`[data-formd-request="${id}"]`);
  const unread = card.getByRole("link", { name: "1 nouveau message" });
  assert.equal(await unread.count(), 1, "the card's count, a link");
  await shot("dashboard-unread", A);
  await clickAndLoad(A, unread);
  await expectPath(A, new RegExp(`^/demandes/${id}/messagerie$`), "the count leads to the conversation");
  text = await mainText(A);
  assert.ok(text.indexOf("Bonjour, quelle durée") < text.indexOf("Cinq ans"), "oldest first");
  await shot("applicant-messagerie-answer", A);
  await A.goto(base + "/demandes");
  assert.doesNotMatch(squash(await A.locator(`[data-formd-request="${id}"]`).innerText()), /nouveau message/, "read: the count is gone");
  await A.goto(`${base}/demandes/${id}`);
  text = await mainText(A);
  assert.match(text, /L'instructeur Jean DUPONT a envoyé un message/);
  assert.match(text, /Le demandeur Élise Demandeuse a envoyé un message/);
  await shot("applicant-request-history", A);

  await aContext.close();
  await iContext.close();
}

module.exports = { messagingWalk };
