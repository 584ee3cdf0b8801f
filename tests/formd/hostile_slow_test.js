// Slow and half-open clients: connections that never finish their request
// must not leave formd unable to answer anyone else. Each attack holds its
// connections open while normal requests are timed, then releases them; each
// ends with the /healthz and memory checks of hostile_common.js.
//
//   FORMD=build/runtime/formd/formd node tests/formd/hostile_slow_test.js
"use strict";

const assert = require("node:assert/strict");
const net = require("node:net");

const { skipUnlessFormd, hostileSuite, freshRequest, ALIVE_DEADLINE_MS } = require("./hostile_common");
const { newSiret, uniqueEmail } = require("./client");

skipUnlessFormd("formd.hostile_slow");


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

// `count` clients connect and send `head` (if any), then `piece(n)` every
// 250 ms (if given), while rounds of normal requests are timed.
async function whileHolding(s, { count, head = null, piece = null, rounds = 5 }) {
  const sockets = await openConnections(s.port, count, head);
  let n = 0;
  const trickle = setInterval(() => {
    n += 1;
    if (piece) for (const sock of sockets) if (!sock.destroyed) sock.write(piece(n));
  }, 250);
  try {
    await new Promise((r) => setTimeout(r, 200)); // let the server take them all
    const slowest = await normalRequestsAnswer(s.url, rounds);
    return `slowest normal request ${slowest.toFixed(1)} ms`;
  } finally {
    clearInterval(trickle);
    closeAll(sockets);
  }
}

hostileSuite("formd under slow and half-open clients", __filename, (attack) => {
  attack("300 half-open connections: a normal request still answers in under 1 s", (s) =>
    whileHolding(s, { count: 300, head: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" }));

  attack("300 idle connections (nothing sent): a normal request still answers in under 1 s", (s) =>
    whileHolding(s, { count: 300 }));

  attack("100 clients trickling their headers (slowloris): others are still served", (s) =>
    whileHolding(s, { count: 100, head: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", piece: (n) => `X-Slow-${n}: 1\r\n`, rounds: 8 }));

  attack("100 clients trickling a request body: others are still served", (s) =>
    whileHolding(s, {
      count: 100,
      head:
        "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[",
      piece: () => "0,",
      rounds: 8,
    }));
});
