// `formd roles grant|revoke|list`: the command line that grants DataPass
// roles (cli/roles_command.h), on a data directory of its own.
//
//   FORMD=build/runtime/formd/formd node tests/formd/roles_cli_test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { test, after } = require("node:test");

if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("formd.roles_cli: FORMD is not set or missing; skipped");
  process.exit(77);
}

const data = fs.mkdtempSync(path.join(os.tmpdir(), "formd-roles-"));
after(() => fs.rmSync(data, { recursive: true, force: true }));

function roles(...args) {
  const r = spawnSync(process.env.FORMD, ["roles", ...args], { encoding: "utf8" });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test("grant creates the user by email, once; list shows it; revoke removes it", () => {
  let r = roles("list", "--data", data);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /Aucun rôle accordé/);

  r = roles("grant", "--data", data, "Instructrice@Exemple.fr", "ans:api_pro_sante_connect:instructor");
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /Rôle « ans:api_pro_sante_connect:instructor » accordé à instructrice@exemple\.fr/);
  r = roles("grant", "--data", data, "instructrice@exemple.fr", "ans:api_pro_sante_connect:instructor");
  assert.equal(r.status, 0);
  assert.match(r.out, /a déjà le rôle/);
  assert.equal(roles("grant", "--data", data, "chef@exemple.fr", "ans:*:manager").status, 0);
  assert.equal(roles("grant", "--data", data, "admin@exemple.fr", "admin").status, 0);

  r = roles("list", "--data", data);
  assert.equal(r.status, 0);
  const lines = r.out.trim().split("\n").map((l) => l.split("\t").slice(0, 2).join(" "));
  assert.deepEqual(lines, [
    "admin@exemple.fr admin",
    "chef@exemple.fr ans:*:manager",
    "instructrice@exemple.fr ans:api_pro_sante_connect:instructor",
  ]);

  r = roles("revoke", "--data", data, "chef@exemple.fr", "ans:*:manager");
  assert.equal(r.status, 0);
  assert.match(r.out, /retiré à chef@exemple\.fr/);
  r = roles("revoke", "--data", data, "chef@exemple.fr", "ans:*:manager");
  assert.match(r.out, /n’a pas le rôle/);
  r = roles("revoke", "--data", data, "personne@exemple.fr", "admin");
  assert.equal(r.status, 0);
  assert.match(r.out, /n’a pas le rôle/);
  assert.equal(roles("list", "--data", data).out.trim().split("\n").length, 2);
});

test("malformed roles and emails are refused with exit status 2 and nothing stored", () => {
  for (const [email, role, what] of [
    ["a@exemple.fr", "ans:api:boss", /rôle invalide/],
    ["a@exemple.fr", "ans:api", /rôle invalide/],
    ["a@exemple.fr", "ANS:api:reporter", /rôle invalide/],
    ["a@exemple.fr", "ans:api:reporter:x", /rôle invalide/],
    ["pas une adresse", "admin", /adresse électronique invalide/],
  ]) {
    const r = roles("grant", "--data", data, email, role);
    assert.equal(r.status, 2, `${email} ${role}`);
    assert.match(r.err, what);
  }
  assert.ok(!roles("list", "--data", data).out.includes("a@exemple.fr"));
  // Usage errors from the parser itself: missing arguments, unknown verb.
  assert.notEqual(roles("grant", "--data", data, "a@exemple.fr").status, 0);
  assert.notEqual(roles("promote", "--data", data).status, 0);
});
