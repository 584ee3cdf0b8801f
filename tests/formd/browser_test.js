// Browser test of formd: the applicant's journey in a real Chromium, as a
// newcomer would walk it (clicks and typing; the only URL typed is the first
// page). Catalogue → definition and its eligibility questionnaire (with and
// without JavaScript) → "Remplir une demande" → dev login → every wizard
// step, first with invalid values then fixed → summary → submission → "Mes
// demandes"; then the provider preview.
//
// On every page state: a full-page screenshot (FORMD_ARTIFACTS/browser/NN-name.png,
// the kept artefacts), axe with zero violations, every aria-describedby /
// aria-labelledby / label[for] / #fragment naming an existing id, no console
// error (a CSP violation is one) nor uncaught exception, and what axe does not
// see (browser/audit.js): a button whose text DSFR clips to its icon, spaces
// lost around a link in a flex label, a link to "#", a technical field name
// in an error summary. Journey assertions stop the test at once; the page
// checks are collected and listed at the end (exit 1 if any).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77 (skipped)
// when /usr/bin/chromium is absent. About 35 s on 2 cores (run alone).
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const CHROMIUM = "/usr/bin/chromium";
if (!fs.existsSync(CHROMIUM)) {
  console.log("SKIPPED: chromium not installed");
  process.exit(77);
}

const { chromium } = require("playwright-core");
const { startFormd } = require("./harness");
const { Auditor } = require("./browser/audit");
const { expectFieldError, expectNoFieldError, visibleCallouts, hiddenInHtml } = require("./browser/journey");
const { clickAndLoad, expectPath } = require("./browser/steps");

const ARTIFACTS = path.join(process.env.FORMD_ARTIFACTS || path.join(os.tmpdir(), "formd-artifacts"), "browser");
const DEADLINE_MS = 170000;

const FORM_UID = "api-pro-sante-connect";
const DEFINITION_ID = "api_pro_sante_connect";
const CGU_LINK = "https://esante.gouv.fr/cgu/pro-sante-connect";
const REQUIRED = /doit être rempli/;

async function heading(page) {
  return (await page.locator("h1").first().textContent()).trim();
}

// Ticks a DSFR radio or checkbox the way a person does: on its drawn box,
// which belongs to the label (the real input is visually hidden under it).
async function tick(control) {
  const id = await control.getAttribute("id");
  const page = control.page();
  await page.locator(`label[for="${id}"]`).click({ position: { x: 8, y: 10 } });
  assert.equal(await control.isChecked(), true, `#${id} should be checked after a click on its label`);
}

function pad(n) {
  return String(n).padStart(2, "0");
}

async function main() {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "formd-chromium-"));
  const server = await startFormd();
  let context;
  let audit;
  const started = Date.now();
  const watchdog = setTimeout(async () => {
    console.error(`FAIL: the browser test took more than ${DEADLINE_MS / 1000} s (last step: ${audit ? audit.current : "launch"})`);
    setTimeout(() => process.exit(1), 5000).unref();
    await cleanup(context, server, profile).catch(() => {});
    process.exit(1);
  }, DEADLINE_MS);
  watchdog.unref();

  let n = 0;
  const shot = (name, page) => audit.step(`${pad(++n)}-${name}`, page);

  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
      locale: "fr-FR",
    });
    context.setDefaultTimeout(10000);
    const page = context.pages()[0] || (await context.newPage());
    audit = new Auditor(page, ARTIFACTS);

    // ---- Negative control: the checks catch a page known to be wrong --------
    await page.setContent('<!doctype html><html lang="fr"><head><title>Contrôle</title></head><body><main>' +
      '<h1>Contrôle</h1><input id="probe" aria-describedby="probe-absent"><a href="#">Nulle part</a>' +
      '<p class="fr-checkbox-group" style="display:flex">Lire les <a href="/cgu">CGU</a> puis valider.</p></main></body></html>');
    const probe = await audit.probe();
    assert.ok(probe.axe.includes("label"), `axe should flag an input without label: ${probe.axe}`);
    assert.ok(probe.ids.some((p) => p.includes('"probe-absent"')), `the id check should flag a broken aria-describedby: ${probe.ids}`);
    assert.ok(probe.markup.some((p) => p.includes("goes nowhere")), `the markup check should flag href="#": ${probe.markup}`);
    assert.ok(probe.markup.some((p) => p.includes("spaces around <a>CGU</a>")), `the markup check should flag lost spaces: ${probe.markup}`);

    // ---- Catalogue --------------------------------------------------------
    const home = await page.goto(server.url + "/");
    assert.equal(home.status(), 200);
    assert.match(home.headers()["content-security-policy"] || "", /script-src 'self'/, "formd's CSP is on (its violations would be console errors)");
    assert.equal(await heading(page), "Catalogue des API et données");
    // DSFR's stylesheet is really applied (Marianne, the header's layout).
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(font, /Marianne/, `DSFR CSS not applied: body font is ${font}`);
    await shot("catalogue");

    // ---- Definition and eligibility (JavaScript on) -------------------------
    await clickAndLoad(page, page.getByRole("link", { name: "API Pro Santé Connect" }));
    await expectPath(page, new RegExp(`^/definitions/${DEFINITION_ID}$`), "definition");
    assert.equal(await heading(page), "API Pro Santé Connect");
    const question = page.locator("#formc-eligibility-q-integration");
    await assert.doesNotReject(question.waitFor({ state: "hidden" }), "the follow-up question is shown before any answer");
    assert.deepEqual(await visibleCallouts(page), [], "a callout is shown before any answer");
    await shot("definition");

    await tick(page.getByLabel("Une collectivité ou une administration", { exact: true }));
    await question.waitFor({ state: "visible" });
    assert.deepEqual(await visibleCallouts(page), ["formc-eligibility-option-collectivite_ou_administration"],
      "after the type only, the callout of the type");
    await tick(page.getByLabel("Vos développeurs", { exact: true }));
    await page.locator("#formc-eligibility-outcome-1").waitFor({ state: "visible" });
    assert.deepEqual(await visibleCallouts(page), ["formc-eligibility-outcome-1"], "the outcome of (administration, internal)");
    assert.match(await page.locator("#formc-eligibility-outcome-1").textContent(), /Vous êtes éligible[\s\S]*compte iSC/);
    await shot("eligibility-answered");

    // The button submits the same answers as a GET: the server decides alike.
    const [checked] = await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.getByRole("button", { name: "Vérifier mon éligibilité" }).click(),
    ]);
    await expectPath(page, /[?&]type=collectivite_ou_administration(&|$)/, "eligibility GET");
    await expectPath(page, /[?&]integration=internal(&|$)/, "eligibility GET");
    assert.equal(new URL(page.url()).hash, "#formc-eligibility");
    const served = await checked.text();
    assert.equal(hiddenInHtml(served, "formc-eligibility-outcome-1"), false, "server HTML: outcome 1 should be shown");
    assert.equal(hiddenInHtml(served, "formc-eligibility-q-integration"), false, "server HTML: the question should be shown");
    for (const id of ["formc-eligibility-outcome-0", "formc-eligibility-outcome-2",
      "formc-eligibility-option-collectivite_ou_administration", "formc-eligibility-option-particulier"]) {
      assert.equal(hiddenInHtml(served, id), true, `server HTML: #${id} should be hidden`);
    }
    assert.ok(await page.getByLabel("Vos développeurs", { exact: true }).isChecked(), "the answer is kept after the GET");
    assert.deepEqual(await visibleCallouts(page), ["formc-eligibility-outcome-1"]);
    await shot("eligibility-checked-by-server");

    // Without JavaScript (a second tab, scripts disabled): answer, submit,
    // the follow-up question appears, answer it, submit, the callout appears.
    {
      // The page's scripts are served empty (axe and the checks still run).
      const nojs = await context.newPage();
      audit.watch(nojs);
      await nojs.route(/\.js(\?|$)/, (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
      await nojs.goto(server.url + "/");
      await clickAndLoad(nojs, nojs.getByRole("link", { name: "API Pro Santé Connect" }));
      assert.equal(await nojs.evaluate(() => typeof window.FormcForms), "undefined", "formc's scripts should not run in this tab");
      assert.equal(await nojs.locator("#formc-eligibility-q-integration").isVisible(), false);
      await tick(nojs.getByLabel("Une collectivité ou une administration", { exact: true }));
      assert.equal(await nojs.locator("#formc-eligibility-q-integration").isVisible(), false, "no JS: nothing changes before submit");
      await clickAndLoad(nojs, nojs.getByRole("button", { name: "Vérifier mon éligibilité" }));
      assert.equal(await nojs.locator("#formc-eligibility-q-integration").isVisible(), true, "no JS: the server shows the question");
      assert.deepEqual(await visibleCallouts(nojs), ["formc-eligibility-option-collectivite_ou_administration"]);
      await shot("eligibility-nojs-type", nojs);
      await tick(nojs.getByLabel("Vos développeurs", { exact: true }));
      await clickAndLoad(nojs, nojs.getByRole("button", { name: "Vérifier mon éligibilité" }));
      assert.deepEqual(await visibleCallouts(nojs), ["formc-eligibility-outcome-1"], "no JS: the server shows the outcome");
      await shot("eligibility-nojs-answered", nojs);
      await nojs.close();
    }

    // ---- "Remplir une demande" → login → start -----------------------------
    await clickAndLoad(page, page.getByRole("link", { name: "Remplir une demande « Demande libre »" }));
    await expectPath(page, /^\/connexion\?suite=/, "not logged in: the login page");
    assert.equal(await heading(page), "Se connecter");
    await shot("login");
    await page.getByLabel("Adresse électronique").fill("camille.martin@paris.fr");
    await page.getByLabel("Prénom et nom").fill("Camille Martin");
    await page.getByLabel("SIRET de votre organisation").fill("217 500 016 00019");
    await clickAndLoad(page, page.getByRole("button", { name: "Se connecter" }));
    await expectPath(page, new RegExp(`^/formulaires/${FORM_UID}/demande/nouveau$`), "after login: back to the form");
    assert.match(await heading(page), /Nouvelle demande : .*Demande libre/);
    await page.getByRole("link", { name: "Mes demandes" }).waitFor();  // logged in: the header changed
    await shot("start");
    await clickAndLoad(page, page.getByRole("button", { name: "Commencer ma demande" }));
    const stepUrl = /^\/demandes\/(\d+)\/etapes\/([a-z0-9_-]+)$/;
    await expectPath(page, stepUrl, "the first step");
    const requestId = new URL(page.url()).pathname.match(stepUrl)[1];

    const next = () => page.getByRole("button", { name: "Enregistrer et continuer" });
    const stepTitle = async () => (await page.locator(".fr-stepper__title").first().textContent()).replace(/\s+/g, " ").trim();
    async function submitInvalid(button) {
      const response = await clickAndLoad(page, button);
      assert.equal(response.status(), 422, `an invalid step should answer 422, got ${response.status()} at ${page.url()}`);
    }
    async function submitValid(button, pathRe) {
      const before = page.url();
      await clickAndLoad(page, button);
      if (page.url() === before) {
        const errors = await page.locator(".fr-alert--error").allTextContents();
        assert.fail(`the step did not go on: ${errors.join(" / ").replace(/\s+/g, " ")}`);
      }
      await expectPath(page, pathRe, "next step");
    }

    // ---- Step 1: Mon projet ----------------------------------------------
    assert.match(await stepTitle(), /^Mon projet\s*Étape 1 sur 5/);
    await shot("step1-projet");
    await submitInvalid(next());
    await expectFieldError(page, "intitule", REQUIRED);
    await expectFieldError(page, "description", REQUIRED);
    assert.match(await page.locator(".formc-error-summary").textContent(), /Le formulaire contient 2 erreurs/);
    await shot("step1-projet-invalid");
    await page.getByLabel("Nom du projet").fill("Portail des agents de santé de la ville");
    await page.getByLabel(/^Description du projet/).fill("Connexion des médecins de la ville à notre portail de prise de rendez-vous.");
    await shot("step1-projet-fixed");
    await submitValid(next(), /\/etapes\/[^/]+$/);

    // ---- Step 2: Le cadre juridique (prefilled by the form) ----------------
    assert.match(await stepTitle(), /^Le cadre juridique\s*Étape 2 sur 5/);
    assert.equal(await page.getByLabel(/^Précisez la nature/).inputValue(), "Arrêté du 24 mars 2021", "initialize_with prefill");
    await page.getByLabel(/^Précisez la nature/).fill("");
    await page.getByLabel(/^URL du texte/).fill("legifrance arrêté 2021");
    await submitInvalid(next());
    await expectFieldError(page, "cadre_juridique_nature", REQUIRED);
    await expectFieldError(page, "cadre_juridique_url", /n'est pas un lien valide/);
    await shot("step2-cadre-juridique-invalid");
    await page.getByLabel(/^Précisez la nature/).fill("Arrêté du 24 mars 2021 relatif à Pro Santé Connect");
    await page.getByLabel(/^URL du texte/).fill("https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292");
    await shot("step2-cadre-juridique-fixed");
    await submitValid(next(), /\/etapes\/[^/]+$/);

    // ---- Step 3: données personnelles (a field shown by a condition) ------
    assert.match(await stepTitle(), /^Le traitement des données personnelles\s*Étape 3 sur 5/);
    const justification = page.locator('[data-formc-field="duree_conservation_donnees_caractere_personnel_justification"]');
    assert.equal(await justification.isVisible(), false, "the justification is hidden at first");
    await page.getByLabel("Durée de conservation des données en mois").fill("-3");
    await submitInvalid(next());
    await expectFieldError(page, "destinataire_donnees_caractere_personnel", REQUIRED);
    await expectFieldError(page, "duree_conservation_donnees_caractere_personnel", /supérieur ou égal à 0/);
    await shot("step3-donnees-personnelles-invalid");
    await page.getByLabel("Destinataire des données").fill("Agents de la direction de la santé");
    await page.getByLabel("Durée de conservation des données en mois").fill("48");
    await justification.waitFor({ state: "visible" });  // live, through conditions.js
    assert.equal(await page.locator("#duree_conservation_donnees_caractere_personnel_justification").evaluate((e) => e.required), true,
      "the justification becomes required above 36 months");
    await submitInvalid(next());
    await expectNoFieldError(page, "destinataire_donnees_caractere_personnel");
    await expectFieldError(page, "duree_conservation_donnees_caractere_personnel_justification", REQUIRED);
    await shot("step3-justification-invalid");
    await page.getByLabel("Justification de la durée de conservation des données").fill("Durée du marché public du portail.");
    await shot("step3-donnees-personnelles-fixed");
    await submitValid(next(), /\/etapes\/[^/]+$/);

    // ---- Step 4: Les données (scopes) --------------------------------------
    assert.match(await stepTitle(), /^Les données\s*Étape 4 sur 5/);
    await submitInvalid(next());
    await expectFieldError(page, "scopes", /doit|sélectionn|coch|rempli/i);
    await shot("step4-donnees-invalid");
    await tick(page.getByLabel(/^Identifiant national/));
    await tick(page.getByLabel(/^Données sectorielles/));
    await shot("step4-donnees-fixed");
    await submitValid(next(), /\/etapes\/[^/]+$/);

    // ---- Step 5: Les personnes impliquées ----------------------------------
    assert.match(await stepTitle(), /^Les personnes impliquées\s*Étape 5 sur 5/);
    const toSummary = () => page.getByRole("button", { name: "Enregistrer et voir le résumé" });
    const fill = (id, value) => page.locator("#" + id).fill(value);
    await fill("responsable_traitement_email", "pas-une-adresse");
    await fill("responsable_traitement_phone_number", "12");
    await submitInvalid(toSummary());
    await expectFieldError(page, "responsable_traitement_family_name", REQUIRED);
    await expectFieldError(page, "responsable_traitement_email", /n'est pas une adresse email valide/);
    await expectFieldError(page, "responsable_traitement_phone_number", /numéro de téléphone français/);
    await expectFieldError(page, "delegue_protection_donnees_email", REQUIRED);
    await expectFieldError(page, "contact_technique_job_title", REQUIRED);
    await shot("step5-contacts-invalid");
    await fill("responsable_traitement_family_name", "Martin");
    await fill("responsable_traitement_given_name", "Camille");
    await fill("responsable_traitement_email", "camille.martin@paris.fr");
    await fill("responsable_traitement_phone_number", "0142765040");
    await fill("responsable_traitement_job_title", "Directrice de la santé");
    // The DPO is a service: names and job title are no longer required (live).
    await tick(page.getByRole("group", { name: /^Délégué à la protection des données/ })
      .getByLabel(/^Une organisation/));
    assert.equal(await page.locator("#delegue_protection_donnees_family_name").evaluate((e) => e.required), false,
      "an organisation needs no family name");
    await fill("delegue_protection_donnees_email", "dpo@paris.fr");
    await fill("delegue_protection_donnees_phone_number", "0142765000");
    await fill("contact_technique_family_name", "Durand");
    await fill("contact_technique_given_name", "Alex");
    await fill("contact_technique_email", "alex.durand@paris.fr");
    await fill("contact_technique_phone_number", "+33142765041");
    await fill("contact_technique_job_title", "Développeur");
    await shot("step5-contacts-fixed");
    await submitValid(toSummary(), /^\/demandes\/\d+\/resume$/);

    // ---- Summary -----------------------------------------------------------
    assert.equal(await heading(page), `Résumé de la demande n°${requestId}`);
    const blocks = page.locator(".formc-summary__block");
    const titles = (await blocks.locator("h2").allTextContents()).map((t) => t.trim());
    assert.deepEqual(titles, ["Mon projet", "Le cadre juridique", "Le traitement des données personnelles", "Les données",
      "Les personnes impliquées"]);
    for (let i = 0; i < titles.length; i++) {
      const edit = blocks.nth(i).getByRole("link", { name: `Modifier « ${titles[i]} »` });
      assert.match(await edit.getAttribute("href"), new RegExp(`^/demandes/${requestId}/etapes/[^/]+$`),
        `"Modifier" of ${titles[i]}`);
    }
    const summaryText = (await page.locator("#formc-summary").textContent()).replace(/\s+/g, " ");
    for (const shown of ["Portail des agents de santé de la ville", "Durée du marché public du portail.",
      "Identifiant national", "dpo@paris.fr", "alex.durand@paris.fr"]) {
      assert.ok(summaryText.includes(shown), `the summary should show "${shown}"`);
    }
    assert.equal(await page.locator(".fr-alert--error").count(), 0, "a complete request: no error on the summary");
    const cgu = page.getByRole("link", { name: "conditions générales d’utilisation" });
    assert.equal(await cgu.getAttribute("href"), CGU_LINK, "the CGU label links to cgu_link");
    await shot("summary");

    // "Modifier" goes back to the step with its values; the wizard leads back here.
    await clickAndLoad(page, blocks.nth(3).getByRole("link", { name: "Modifier « Les données »" }));
    assert.match(await stepTitle(), /^Les données\s*Étape 4 sur 5/);
    assert.equal(await page.getByLabel(/^Identifiant national/).isChecked(), true);
    await submitValid(next(), /\/etapes\/[^/]+$/);
    await submitValid(toSummary(), /^\/demandes\/\d+\/resume$/);

    const submit = () => page.getByRole("button", { name: "Soumettre la demande" });
    await submitInvalid(submit());
    await expectFieldError(page, "terms_of_service_accepted", /Vous devez accepter les conditions générales|doit être coché/);
    await expectFieldError(page, "data_protection_officer_informed", /doit être coché|Vous devez/);
    await shot("summary-errors");
    await tick(page.getByRole("checkbox", { name: /conditions générales d’utilisation/ }));
    await tick(page.getByRole("checkbox", { name: /délégué à la protection des données/ }));
    await clickAndLoad(page, submit());
    await expectPath(page, new RegExp(`^/demandes/${requestId}\\?envoyee=1$`), "after submission");
    await page.getByRole("heading", { name: "Votre demande a été soumise" }).waitFor();
    assert.equal((await page.locator("main .fr-badge").first().textContent()).trim(), "En cours d'instruction");
    await shot("submitted");

    // ---- Mes demandes --------------------------------------------------------
    await clickAndLoad(page, page.getByRole("banner").getByRole("link", { name: "Mes demandes" }));
    await expectPath(page, /^\/demandes$/, "Mes demandes");
    const row = page.locator(`[data-formd-request="${requestId}"]`);
    assert.equal(await row.count(), 1, "the request is listed");
    const card = (await row.textContent()).replace(/\s+/g, " ");
    assert.match(card, /API Pro Santé Connect/);
    assert.match(card, /Via le formulaire « Demande libre »/);
    assert.equal((await row.locator(".fr-badge").last().textContent()).trim(), "En cours d'instruction");
    await shot("mes-demandes");

    // ---- Preview of the form (providers' view) -------------------------------
    await clickAndLoad(page, page.getByRole("link", { name: /^Accueil - DataPass|^DataPass$/ }).first());
    await clickAndLoad(page, page.getByRole("link", { name: "API Pro Santé Connect" }));
    await clickAndLoad(page, page.getByRole("link", { name: "Aperçu du formulaire « Demande libre »" }));
    await expectPath(page, new RegExp(`^/preview/${FORM_UID}$`), "preview");
    await shot("preview");
  } catch (err) {
    if (audit) audit.report("journey", err && err.stack ? err.stack : String(err));
    else console.error(err);
    try {
      const page = context && context.pages()[0];
      if (page) {
        await page.screenshot({ path: path.join(ARTIFACTS, "failure.png"), fullPage: true });
        console.error(`failure at ${page.url()} (screenshot: ${path.join(ARTIFACTS, "failure.png")})`);
      }
    } catch (_) { /* the browser is gone */ }
    if (!audit) {
      await cleanup(context, server, profile);
      return 1;
    }
  }
  await cleanup(context, server, profile);

  console.log(`\n${audit.screenshots.length} screenshots in ${ARTIFACTS}:`);
  for (const s of audit.screenshots) console.log("  " + path.basename(s));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (audit.problems.length === 0) {
    console.log("PASS: journey complete; no axe violation, no broken id reference, no console error");
    return 0;
  }
  const groups = audit.grouped();
  console.log(`\nFAIL: ${groups.length} problem(s):`);
  for (const g of groups) console.log(`  ${g.kind}: ${g.text}\n      at ${g.steps.join(", ")}`);
  if (audit.problems.some((p) => p.kind === "journey")) console.log("\nformd log:\n" + server.log());
  return 1;
}

async function cleanup(context, server, profile) {
  try { if (context) await context.close(); } catch (_) { /* already closed */ }
  await server.stop();
  server.removeData();
  fs.rmSync(profile, { recursive: true, force: true });
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
