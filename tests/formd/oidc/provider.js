// A local identity provider configured like ProConnect, for formd's tests
// and for `scripts/run.sh --proconnect`: the npm package oidc-provider (a
// certified OpenID Provider) under /api/v2 like ProConnect's issuer, with
// ProConnect's scopes and claim names (given_name, usual_name, email, siret,
// uid, idp_id), signed userinfo (application/jwt, ES256), PKCE required,
// client_secret_post at the token endpoint, RP-initiated logout, and a login
// page that asks an email and a SIRET (the subject is derived from the
// email, so the same person keeps the same `sub` whatever SIRET they pick).
//
// In a test:
//   const { startProvider } = require("./oidc/provider");
//   const idp = await startProvider({ port, clientId, clientSecret, redirectUris, postLogoutRedirectUris });
//   idp.issuer; idp.setAttack("other_key" | "alg_none" | "wrong_aud" | "expired" | "wrong_nonce" |
//                             "tampered_userinfo" | null); await idp.stop();
// Attacks rewrite what the provider answers formd on the back channel, so
// that formd's verification meets a forged token through the real flow.
// From the command line: node tests/formd/oidc/provider.js --port 9090
//   --client-id formd --client-secret secret --redirect-uri http://localhost:8080/auth/proconnect/callback
"use strict";

const crypto = require("node:crypto");
const http = require("node:http");

const CLAIMS = ["given_name", "usual_name", "email", "siret", "uid", "idp_id"];

function b64url(buf) {
  return Buffer.from(buf).toString("base64url");
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// RS256 over header.payload with a node KeyObject.
function signRs256(header, payload, privateKey) {
  const input = b64url(JSON.stringify(header)) + "." + b64url(JSON.stringify(payload));
  return input + "." + b64url(crypto.sign("sha256", Buffer.from(input), privateKey));
}

function decodePart(compact, index) {
  return JSON.parse(Buffer.from(compact.split(".")[index], "base64url").toString("utf8"));
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
      if (body.length > 10000) reject(new Error("body too long"));
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

function loginPage(uid, clientId, error, values = {}) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>ProConnect (local) — Connexion</title></head>
<body><main><h1>ProConnect local (tests)</h1>
<p>Fournisseur d’identité de test configuré comme ProConnect, pour ${escapeHtml(clientId)}.</p>
${error ? `<p role="alert" id="login-error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">Adresse électronique professionnelle</label> <input id="email" name="email" type="email" required value="${escapeHtml(values.email || "")}"><br>
<label for="given_name">Prénom</label> <input id="given_name" name="given_name" value="${escapeHtml(values.given_name || "")}"><br>
<label for="usual_name">Nom</label> <input id="usual_name" name="usual_name" value="${escapeHtml(values.usual_name || "")}"><br>
<label for="siret">SIRET de l’organisation</label> <input id="siret" name="siret" inputmode="numeric" required value="${escapeHtml(values.siret || "")}"><br>
<button type="submit" id="login-submit">Se connecter</button>
</form></main></body></html>`;
}

async function startProvider(options) {
  const { default: Provider } = await import("oidc-provider");
  const port = options.port;
  const host = options.host || "127.0.0.1";
  const issuer = `http://${host}:${port}/api/v2`;

  const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const attacker = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsaKid = "rsa-" + crypto.randomBytes(4).toString("hex");
  const ecKid = "ec-" + crypto.randomBytes(4).toString("hex");
  const jwks = {
    keys: [
      { ...rsa.privateKey.export({ format: "jwk" }), kid: rsaKid, use: "sig", alg: "RS256" },
      { ...ec.privateKey.export({ format: "jwk" }), kid: ecKid, use: "sig", alg: "ES256" },
    ],
  };

  // Accounts by sub; the claims of each one's last login (its SIRET of the moment).
  const accounts = new Map();
  let attack = null;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris || [],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "RS256",
        userinfo_signed_response_alg: "ES256",
      },
    ],
    jwks,
    cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
    scopes: ["openid", ...CLAIMS],
    claims: Object.fromEntries([["openid", ["sub"]], ...CLAIMS.map((c) => [c, [c]])]),
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client, like ProConnect's federation: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.params.scope || "openid");
      await grant.save();
      return grant;
    },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
  provider.proxy = false;

  // Attacks on the back channel (formd's code exchange and userinfo).
  provider.use(async (ctx, next) => {
    await next();
    if (!attack) return;
    if (ctx.path === "/token" && ctx.status === 200 && ctx.body && ctx.body.id_token) {
      const header = decodePart(ctx.body.id_token, 0);
      const payload = decodePart(ctx.body.id_token, 1);
      const now = Math.floor(Date.now() / 1000);
      if (attack === "other_key") ctx.body.id_token = signRs256(header, payload, attacker.privateKey);
      if (attack === "alg_none") ctx.body.id_token = b64url(JSON.stringify({ alg: "none", kid: header.kid })) + "." + b64url(JSON.stringify(payload)) + ".";
      if (attack === "wrong_aud") ctx.body.id_token = signRs256(header, { ...payload, aud: "another-client" }, rsa.privateKey);
      if (attack === "expired") ctx.body.id_token = signRs256(header, { ...payload, iat: now - 7200, exp: now - 3600 }, rsa.privateKey);
      if (attack === "wrong_nonce") ctx.body.id_token = signRs256(header, { ...payload, nonce: "forged-nonce" }, rsa.privateKey);
    }
    if (ctx.path === "/me" && attack === "tampered_userinfo" && typeof ctx.body === "string") {
      const parts = ctx.body.split(".");
      const payload = decodePart(ctx.body, 1);
      payload.siret = "21750001600019";
      ctx.body = parts[0] + "." + b64url(JSON.stringify(payload)) + "." + parts[2];
    }
  });

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${host}:${port}`);
      const interaction = url.pathname.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
      if (interaction) {
        const details = await provider.interactionDetails(req, res);
        if (details.uid !== interaction[1]) throw new Error("interaction mismatch");
        if (req.method === "GET" && !interaction[2]) {
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          return res.end(loginPage(details.uid, details.params.client_id, ""));
        }
        if (req.method === "POST" && interaction[2]) {
          const form = await readForm(req);
          const email = (form.get("email") || "").trim().toLowerCase();
          const siret = (form.get("siret") || "").replace(/\s/g, "");
          const values = Object.fromEntries(["email", "given_name", "usual_name", "siret"].map((k) => [k, form.get(k) || ""]));
          if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || !/^\d{14}$/.test(siret)) {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
            return res.end(loginPage(details.uid, details.params.client_id, "Adresse électronique ou SIRET invalide.", values));
          }
          const sub = crypto.createHash("sha256").update("proconnect-local:" + email).digest("hex");
          accounts.set(sub, {
            email,
            given_name: form.get("given_name") || "Camille",
            usual_name: form.get("usual_name") || "Agent",
            siret,
            uid: sub.slice(0, 12),
            idp_id: "local-idp",
          });
          return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
        }
      }
      if (url.pathname === "/favicon.ico") {
        res.writeHead(204);
        return res.end();
      }
      if (url.pathname === "/api/v2" || url.pathname.startsWith("/api/v2/")) {
        req.originalUrl = req.url;
        req.url = req.url.slice("/api/v2".length) || "/";
        return callback(req, res);
      }
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
    } catch (e) {
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("erreur du fournisseur local : " + e.message);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    issuer,
    url: `http://${host}:${port}`,
    jwks: { keys: jwks.keys.map(({ d, p, q, dp, dq, qi, ...pub }) => pub) },
    setAttack: (name) => {
      attack = name;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startProvider };

if (require.main === module) {
  const args = process.argv.slice(2);
  const get = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const redirect = get("--redirect-uri", "http://localhost:8080/auth/proconnect/callback");
  startProvider({
    port: Number(get("--port", "9090")),
    host: get("--host", "127.0.0.1"),
    clientId: get("--client-id", "formd-local"),
    clientSecret: get("--client-secret", "formd-local-secret"),
    redirectUris: [redirect],
    postLogoutRedirectUris: [new URL("/", redirect).href],
  }).then((idp) => console.log(`ProConnect local: issuer ${idp.issuer}`));
}
