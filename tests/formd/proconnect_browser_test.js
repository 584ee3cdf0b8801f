// Browser test of the ProConnect login (issue 13): tests/formd/oidc/browser_walk.js
// in a real Chromium against the local provider (tests/formd/oidc/provider.js);
// screenshots under FORMD_ARTIFACTS/proconnect/, axe with zero violations on
// formd's pages. Exit 77 (skipped) without chromium or FORMD. Run alone (RUN_SERIAL).
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { runWalkTest } = require("./browser/run_walk");
const { freePort } = require("./harness");


(async () => {
  const idpPort = await freePort();
  const clientId = "formd-browser";
  const clientSecret = crypto.randomBytes(24).toString("hex");
  const secretFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "formd-oidc-")), "client_secret");
  fs.writeFileSync(secretFile, clientSecret, { mode: 0o600 });
  runWalkTest({
    artifactsName: "proconnect",
    label: "ProConnect login walk",
    serverOptions: {
      devLogin: false,
      extraArgs: ["--oidc-issuer", `http://127.0.0.1:${idpPort}/api/v2`, "--oidc-client-id", clientId,
        "--oidc-client-secret-file", secretFile],
    },
    loadWalk: () => require("./oidc/browser_walk").proconnectWalk({ idpPort, clientId, clientSecret }),
  });
})();
