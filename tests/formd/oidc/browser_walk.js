// The ProConnect login in Chromium (issue 13): formd's login page and its
// "S'identifier avec ProConnect" button, the local provider's page (email
// and SIRET), back to formd signed in with the right organisation, and the
// organisations page. formd's pages are audited (screenshots, axe, ids); the
// provider's page is a test stand-in and is not.
"use strict";

const assert = require("node:assert/strict");

const { startProvider } = require("./provider");
const { newSiret, uniqueEmail } = require("../client");

function proconnectWalk({ idpPort, clientId, clientSecret }) {
  return async ({ base, newContext, shot, watch }) => {
    const port = new URL(base).port;
    const publicUrl = `http://localhost:${port}`;
    const idp = await startProvider({
      port: idpPort,
      clientId,
      clientSecret,
      redirectUris: [publicUrl + "/auth/proconnect/callback"],
      postLogoutRedirectUris: [publicUrl + "/"],
    });
    try {
      const context = await newContext();
      const page = await context.newPage();
      watch(page);
      await page.goto(publicUrl + "/connexion");
      await shot("login-page", page);
      assert.equal(await page.locator(".fr-connect__brand").innerText(), "ProConnect");
      assert.equal(await page.locator("#dev-login-notice").count(), 0);

      await page.click("#proconnect-login");
      await page.waitForURL((url) => url.href.startsWith(idp.url + "/interaction/"));
      const email = uniqueEmail("navigateur");
      const siret = newSiret();
      await page.fill("#email", email);
      await page.fill("#given_name", "Camille");
      await page.fill("#usual_name", "Navigatrice");
      await page.fill("#siret", siret);
      await page.click("#login-submit");
      await page.waitForURL(publicUrl + "/demandes");
      await shot("signed-in", page);
      assert.match(await page.locator("header").innerText(), /Se déconnecter/);

      await page.click("#change-organisation");
      await page.waitForURL(publicUrl + "/organisations");
      await shot("organisations", page);
      const current = page.locator(`[data-siret="${siret}"]`);
      // textContent: DSFR badges are upper-cased by CSS, which innerText reflects.
      assert.match(await current.textContent(), /Organisation actuelle/);
      await context.close();
    } finally {
      await idp.stop();
    }
  };
}

module.exports = { proconnectWalk };
