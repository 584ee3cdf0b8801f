// Slow and half-open clients: connections that never finish their request
// must not leave formd unable to answer anyone else. Each attack holds its
// connections open while normal requests are timed, then releases them; each
// ends with the /healthz and memory checks of hostile_common.js.
//
//   FORMD=build/runtime/formd/formd node tests/formd/hostile_slow_test.js
"use strict";

const assert = require("node:assert/strict");
const net = require("node:net");
const { describe, before, after } = require("node:test");

const { skipUnlessFormd, startSite, makeAttack, freshRequest, ALIVE_DEADLINE_MS } = require("./hostile_common");
const { newSiret, uniqueEmail } = require("./client");

skipUnlessFormd("formd.hostile_slow");

let site;
const attack = makeAttack(() => site, __filename);

// Opens `count` connections and writes `first` on each; resolves with them
// once all are connected. Errors (resets) are ignored: the server may shed them.
async function openConnections(port, count, first) {
  const sockets = [];
  await Promise.all(
    Array.from({ length: count }, () =>
      new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => {
          if (first) s.write(first);
          resolve();
        });
        s.on("error", () => resolve());
        sockets.push(s);
      }),
    ),
  );
  return sockets;
}

function closeAll(sockets) {
  for (const s of sockets) s.destroy();
}

// Times `count` rounds of normal requests from new visitors (a page, then a
// login through the API), each on a new connection; each must answer
// within the deadline. Resolves with the slowest, in ms.
async function normalRequestsAnswer(url, count = 5) {
  let slowest = 0;
  for (let i = 0; i < count; i++) {
    const page = await freshRequest(url + "/");
    assert.equal(page.status, 200);
    const body = JSON.stringify({ email: uniqueEmail("slow"), name: "Agent Patient", siret: newSiret() });
    const login = await freshRequest(url + "/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      body,
    });
    assert.equal(login.status, 200, login.text);
    slowest = Math.max(slowest, page.ms, login.ms);
  }
  assert.ok(slowest < ALIVE_DEADLINE_MS, `a normal request took ${slowest} ms`);
  return slowest;
}

describe("formd under slow and half-open clients", () => {
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    if (site) {
      await site.stop();
      site.removeData();
    }
  });

  attack("300 half-open connections: a normal request still answers in under 1 s", async (s) => {
    const sockets = await openConnections(s.port, 300, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    try {
      await new Promise((r) => setTimeout(r, 200)); // let the server take them all
      const slowest = await normalRequestsAnswer(s.url);
      return `slowest normal request ${slowest.toFixed(1)} ms`;
    } finally {
      closeAll(sockets);
    }
  });

  attack("300 idle connections (nothing sent): a normal request still answers in under 1 s", async (s) => {
    const sockets = await openConnections(s.port, 300, null);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const slowest = await normalRequestsAnswer(s.url);
      return `slowest normal request ${slowest.toFixed(1)} ms`;
    } finally {
      closeAll(sockets);
    }
  });

  attack("100 clients trickling their headers (slowloris): others are still served", async (s) => {
    const sockets = await openConnections(s.port, 100, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    let line = 0;
    const trickle = setInterval(() => {
      line += 1;
      for (const sock of sockets) if (!sock.destroyed) sock.write(`X-Slow-${line}: 1\r\n`);
    }, 250);
    try {
      const slowest = await normalRequestsAnswer(s.url, 8);
      return `slowest normal request ${slowest.toFixed(1)} ms`;
    } finally {
      clearInterval(trickle);
      closeAll(sockets);
    }
  });

  attack("100 clients trickling a request body: others are still served", async (s) => {
    const head =
      "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
      "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
    const sockets = await openConnections(s.port, 100, head);
    const trickle = setInterval(() => {
      for (const sock of sockets) if (!sock.destroyed) sock.write("0,");
    }, 250);
    try {
      const slowest = await normalRequestsAnswer(s.url, 8);
      return `slowest normal request ${slowest.toFixed(1)} ms`;
    } finally {
      clearInterval(trickle);
      closeAll(sockets);
    }
  });
});
