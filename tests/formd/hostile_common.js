// Shared by tests/formd/hostile_*_test.js: the site under attack and the
// checks every attack ends with.
//
// Each hostile test is `attack(name, async (site) => status)`: it runs the
// attack, asserts formd's answer itself, then attack() checks that
//   - /healthz still answers, within ALIVE_DEADLINE_MS, and
//   - formd's resident memory grew by at most MEMORY_SLACK_KIB during it,
// and records one line (attack, answer, time, memory) in
// $FORMD_ARTIFACTS/hostile/<file>.tsv and on stdout, for the closing note.
//
// The site is formd behind nginx, the supported deployment (harness.js
// startDeployment). HOSTILE_TARGET=direct attacks a bare formd instead: not
// a supported deployment, kept to measure what nginx takes on (several
// attacks are then expected to fail).
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");
const { describe, before, after, test } = require("node:test");

const { startFormd, startDeployment } = require("./harness");

const ALIVE_DEADLINE_MS = 1000;
// "A few MB": allocator noise on a 64-thread server is well under this; a
// body kept in memory or a leak per attack is not.
const MEMORY_SLACK_KIB = 4 * 1024;

function skipUnlessFormd(name) {
  if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
    console.log(`${name}: FORMD is not set or missing; skipped`);
    process.exit(77);
  }
}

async function startSite(options = {}) {
  let site;
  if (process.env.HOSTILE_TARGET === "direct") {
    const formd = await startFormd(options);
    site = { ...formd, formd, rssKiB: () => formd.rssKiB() };
  } else {
    site = await startDeployment(options);
  }
  await warmUp(site.url);
  return site;
}

// Every worker thread's allocator arena is set up on its first requests:
// serve a few hundred, many at once, before any memory is measured.
async function warmUp(url) {
  const pages = ["/", "/connexion", "/definitions/api_pro_sante_connect", "/preview/api-pro-sante-connect", "/healthz", "/api/v1/forms"];
  for (let round = 0; round < 4; round++) {
    await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const res = await fetch(url + pages[i % pages.length]);
        await res.arrayBuffer();
      }),
    );
  }
}

// One request on a new connection, as a new visitor makes it (fetch would
// reuse a kept-alive connection, which a server may still be serving when
// new ones wait). Resolves with {status, headers, text, ms}; rejects after
// `deadlineMs`.
function freshRequest(url, { method = "GET", headers = {}, body, deadlineMs = ALIVE_DEADLINE_MS } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method, headers, agent: false, timeout: deadlineMs }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${deadlineMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

// GET /healthz from a new connection, with a deadline; resolves with the time it took in ms.
async function assertAlive(site) {
  const res = await freshRequest(site.url + "/healthz");
  assert.equal(res.status, 200, "/healthz after the attack");
  assert.equal(JSON.parse(res.text).status, "ok");
  return res.ms;
}

function recorder(file) {
  const dir = process.env.FORMD_ARTIFACTS ? path.join(process.env.FORMD_ARTIFACTS, "hostile") : null;
  const target = process.env.HOSTILE_TARGET === "direct" ? "direct" : "nginx";
  const out = dir ? path.join(dir, `${path.basename(file, ".js")}.${target}.tsv`) : null;
  if (out) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(out, "attack\tanswer\tms\trss_growth_kib\thealthz_ms\n");
  }
  return (line) => {
    console.log(`# hostile[${target}] ${line.join(" | ")}`);
    if (out) fs.appendFileSync(out, line.join("\t") + "\n");
  };
}

// Declares one attack as a node:test test (see the file comment).
function makeAttack(getSite, file) {
  const record = recorder(file);
  return (name, fn, { memory = true } = {}) =>
    test(name, async () => {
      const site = getSite();
      const rssBefore = site.rssKiB();
      const started = performance.now();
      let answer;
      try {
        answer = await fn(site);
      } catch (e) {
        record([name, "FAILED: " + String(e.message).split("\n")[0], "", "", ""]);
        e.message += "\n--- server log (tail) ---\n" + site.log().slice(-3000);
        throw e;
      }
      const ms = performance.now() - started;
      const healthMs = await assertAlive(site);
      const growth = site.rssKiB() - rssBefore;
      record([name, String(answer), ms.toFixed(1), String(growth), healthMs.toFixed(1)]);
      if (memory) assert.ok(growth <= MEMORY_SLACK_KIB, `formd's memory grew by ${growth} KiB during "${name}"`);
    });
}

// One test file's suite: starts the site once, declares the attacks
// (`declare(attack)`), stops it after.
function hostileSuite(title, file, declare) {
  let site;
  const attack = makeAttack(() => site, file);
  describe(title, () => {
    before(async () => {
      site = await startSite();
    });
    after(async () => {
      if (site) {
        await site.stop();
        site.removeData();
      }
    });
    declare(attack);
  });
}

// Sends `method path` with a chunked body of up to `totalBytes`, in 64 KiB
// chunks, stopping as soon as the server answers or closes. Resolves with
// {status, sent} (status 0: closed without an answer).
function sendChunked(port, method, urlPath, { headers = "", totalBytes, contentType = "application/json" }) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, valid form bytes
    const frame = Buffer.concat([Buffer.from(chunk.length.toString(16) + "\r\n"), chunk, Buffer.from("\r\n")]);
    let sent = 0;
    let answer = Buffer.alloc(0);
    let done = false;
    let answered = false; // stop sending once the server has spoken
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer.toString("latin1"));
      resolve({ status: m ? Number(m[1]) : 0, sent, text: answer.toString("utf8") });
    };
    const pump = () => {
      while (!done && !answered && sent < totalBytes) {
        sent += chunk.length;
        if (!socket.write(frame)) return socket.once("drain", pump);
      }
      if (!done && !answered && sent >= totalBytes) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(
        `${method} ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n` +
          `Transfer-Encoding: chunked\r\n${headers}\r\n`,
      );
      pump();
    });
    socket.on("data", (d) => {
      answered = true;
      answer = Buffer.concat([answer, d]);
      if (answer.indexOf("\r\n\r\n") >= 0) setTimeout(finish, 20); // the rest of a short body
    });
    socket.on("error", finish);
    socket.on("close", finish);
    setTimeout(finish, 30000);
  });
}

module.exports = { skipUnlessFormd, startSite, assertAlive, freshRequest, makeAttack, hostileSuite, sendChunked, ALIVE_DEADLINE_MS, MEMORY_SLACK_KIB };
