// The documents walk in a real Chromium (browser_documents_test.js runs it),
// on API Pro Santé Connect's "Le cadre juridique" step (issue 12). The
// applicant logs in through the development login page, then, by clicks and
// the browser's own file chooser:
//   1. attaches a Word file to "Ajoutez votre document" and saves: the step
//      comes back with "Le fichier « projet.docx » n'est pas au format PDF."
//      at the field, and the nature typed in the same post is saved;
//   2. attaches a PDF and saves: the wizard goes on; back on the step, the
//      file is listed with its size, a download link and "Supprimer ce fichier";
//   3. the summary lists the file; the request (no URL, the file as its legal
//      basis) is then submitted, which the block's rule allows only with it;
//   4. an instructor downloads the file from the instruction page by a click,
//      validates the request ("Valider"), and the applicant downloads the
//      habilitation's copy from the habilitation page.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const { newSiret, uniqueEmail, validDocument, grantRole } = require("../client");
const { chooseFile, logIn, expectPath } = require("./steps");

const PSC = "api-pro-sante-connect";

async function clickAndLoad(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  return response;
}

const squash = (t) => (t || "").replace(/\s+/g, " ").replace(/[’‘]/g, "'").trim();

// A click on a download link: the file the browser receives.
async function downloadByClick(page, link) {
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

async function documentsWalk({ base, dataDir, newContext, shot, watch }) {
  const applicant = { email: uniqueEmail("louise"), name: "Louise Déposante", siret: newSiret() };
  const context = await newContext();
  const page = await context.newPage();
  watch(page);
  await page.goto(base + "/connexion");
  await page.getByLabel("Adresse électronique").fill(applicant.email);
  await page.getByLabel("Prénom et nom").fill(applicant.name);
  await page.getByLabel("SIRET de votre organisation").fill(applicant.siret);
  await clickAndLoad(page, page.getByRole("button", { name: "Se connecter" }));

  const session = await context.request.get(base + "/api/v1/session");
  const headers = { "X-CSRF-Token": (await session.json()).csrf_token };
  const data = validDocument();
  data.cadre_juridique_url = null;  // the form prefills it: null removes it (merge patch)
  const created = await context.request.post(base + "/api/v1/requests", { data: { form_uid: PSC, data }, headers });
  assert.equal(created.status(), 201, await created.text());
  const id = (await created.json()).id;

  // ---- 1. A Word file is refused by its bytes ---------------------------------------
  await page.goto(`${base}/demandes/${id}/etapes/legal`);
  await shot("legal-step", page);
  await page.getByLabel("Précisez la nature et les références du texte vous autorisant à traiter les données").fill("Décret n° 2021-1 du 1er janvier 2021");
  await chooseFile(page, "Ajoutez votre document", {
    name: "projet.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(200)]),
  });
  await clickAndLoad(page, page.getByRole("button", { name: "Enregistrer et continuer" }));
  const group = page.locator(".fr-upload-group").filter({ has: page.getByLabel("Ajoutez votre document") });
  assert.match(squash(await group.innerText()), /Le fichier « projet\.docx » n'est pas au format PDF\./);
  assert.equal(await page.getByLabel("Précisez la nature et les références du texte vous autorisant à traiter les données").inputValue(),
               "Décret n° 2021-1 du 1er janvier 2021");
  await shot("legal-step-docx-refused", page);

  // ---- 2. A PDF is stored ------------------------------------------------------------
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Title (Décret) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "latin1");
  await chooseFile(page, "Ajoutez votre document", { name: "décret.pdf", mimeType: "application/pdf", buffer: pdf });
  await clickAndLoad(page, page.getByRole("button", { name: "Enregistrer et continuer" }));
  assert.match(new URL(page.url()).pathname, new RegExp(`^/demandes/${id}/etapes/`));
  assert.doesNotMatch(new URL(page.url()).pathname, /legal$/);
  await page.goto(`${base}/demandes/${id}/etapes/legal`);
  const link = page.getByRole("link", { name: "décret.pdf" });
  assert.match(await link.getAttribute("href"), /^\/documents\/\d+$/);
  assert.match(squash(await page.locator(".formc-documents").innerText()), new RegExp(`décret\\.pdf \\(${pdf.length} octets\\)`));
  assert.equal(await page.getByLabel("Supprimer ce fichier").count(), 1);
  await shot("legal-step-pdf-stored", page);
  const download = await context.request.get(base + (await link.getAttribute("href")));
  assert.equal(download.status(), 200);
  assert.match(download.headers()["content-disposition"], /^attachment;/);
  assert.deepEqual(Buffer.from(await download.body()), pdf);

  // ---- 3. The summary lists it, and the request can be sent ---------------------------
  await page.goto(`${base}/demandes/${id}/resume`);
  assert.ok(await page.getByRole("link", { name: "décret.pdf" }).count() >= 1, "the summary links to the file");
  await shot("summary-with-document", page);
  const current = await (await context.request.get(`${base}/api/v1/requests/${id}`)).json();
  const submitted = await context.request.post(`${base}/api/v1/requests/${id}/submit`, { data: { version: current.version }, headers });
  assert.equal(submitted.status(), 200, await submitted.text());

  // ---- 4. The instruction page and the habilitation page link to the file -------------
  const instructor = { email: uniqueEmail("ines"), name: "Inès Instructrice", siret: newSiret() };
  grantRole(dataDir, instructor.email, "ans:api_pro_sante_connect:instructor");
  const iContext = await newContext();
  const I = await iContext.newPage();
  watch(I);
  await I.goto(`${base}/instruction/demandes/${id}`);
  await logIn(I, instructor);
  await expectPath(I, new RegExp(`^/instruction/demandes/${id}$`), "the instruction page");
  const onInstruction = I.getByRole("link", { name: "décret.pdf" });
  assert.equal(await onInstruction.count(), 1, "the instruction page links to the file");
  assert.match(squash(await I.locator("main").innerText()), new RegExp(`décret\\.pdf \\(${pdf.length} octets\\)`));
  await shot("instruction-with-document", I);
  const fromInstruction = await downloadByClick(I, onInstruction);
  assert.equal(fromInstruction.name, "décret.pdf");
  assert.deepEqual(fromInstruction.bytes, pdf);
  await clickAndLoad(I, I.getByRole("navigation", { name: "Instruire la demande" }).getByRole("link", { name: "Valider" }));
  await clickAndLoad(I, I.getByRole("button", { name: "Valider la demande d’habilitation" }));
  const validated = await (await context.request.get(`${base}/api/v1/requests/${id}`)).json();
  assert.equal(validated.state, "validated");
  const hid = validated.habilitations[0].id;
  await page.goto(`${base}/habilitations/${hid}`);
  const onHabilitation = page.getByRole("link", { name: "décret.pdf" });
  assert.equal(await onHabilitation.count(), 1, "the habilitation page links to its copy");
  await shot("habilitation-with-document", page);
  const fromHabilitation = await downloadByClick(page, onHabilitation);
  assert.deepEqual(fromHabilitation.bytes, pdf);
  await iContext.close();
}

module.exports = { documentsWalk };
