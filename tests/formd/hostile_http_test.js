// Hostile input at the HTTP layer: message framing (request smuggling),
// oversized and chunked bodies, headers, paths and methods. Each attack is
// one test; each ends by checking that /healthz answers at once and that
// formd's memory did not grow (hostile_common.js).
//
//   FORMD=build/runtime/formd/formd node tests/formd/hostile_http_test.js
"use strict";

const assert = require("node:assert/strict");

const { skipUnlessFormd, hostileSuite, sendChunked } = require("./hostile_common");
const { rawRequest, rawSend, rawGet } = require("./client");

skipUnlessFormd("formd.hostile_http");

const MB = 1024 * 1024;

// Every route that reads a body, with the content type it expects. Ids need
// not exist: the body limit comes before any lookup.
const BODY_ROUTES = [
  ["POST", "/api/v1/forms/api-pro-sante-connect/validate?context=draft", "application/json"],
  ["POST", "/api/v1/session", "application/json"],
  ["POST", "/api/v1/requests", "application/json"],
  ["PATCH", "/api/v1/requests/1", "application/json"],
  ["POST", "/api/v1/requests/1/submit", "application/json"],
  ["POST", "/connexion", "application/x-www-form-urlencoded"],
  ["POST", "/deconnexion", "application/x-www-form-urlencoded"],
  ["POST", "/formulaires/api-pro-sante-connect/demande", "application/x-www-form-urlencoded"],
  ["POST", "/demandes/1/etapes/basic_infos", "application/x-www-form-urlencoded"],
  ["POST", "/demandes/1/soumettre", "application/x-www-form-urlencoded"],
];

// Sends two requests on one connection; resolves with every status line the
// server wrote back. A smuggled second request shows as an extra answer.
function statuses(text) {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

hostileSuite("formd under hostile HTTP", __filename, (attack) => {
  attack("a 20 MB chunked body gets 413 on every JSON and form route", async (s) => {
    const answers = [];
    for (const [method, route, type] of BODY_ROUTES) {
      const res = await sendChunked(s.port, method, route, { totalBytes: 20 * MB, contentType: type });
      assert.equal(res.status, 413, `${method} ${route}: ${res.text.slice(0, 200)}`);
      // (How much the client managed to send before reading the answer
      // depends on scheduling: after a 413 the server reads and drops what
      // still comes, so that the answer is not lost to a reset. That nothing
      // beyond the limit is kept is checked by formd's memory, below.)
      answers.push(res.status);
    }
    return `413 x${answers.length}`;
  });

  attack("a declared 20 MB Content-Length gets 413 before any byte of the body", async (s) => {
    for (const [method, route, type] of BODY_ROUTES) {
      const res = await rawRequest(
        s.port,
        `${method} ${route} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${20 * MB}\r\n\r\n`,
      );
      assert.equal(res.status, 413, `${method} ${route}`);
    }
    return "413";
  });

  attack("smuggling: Content-Length and Transfer-Encoding together are refused", async (s) => {
    const body = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const res = await rawRequest(
      s.port,
      "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
    );
    assert.equal(res.status, 400);
    assert.deepEqual(statuses(res.text), [400], "one answer only: nothing smuggled");
    return res.status;
  });

  attack("smuggling: two different Content-Length headers are refused", async (s) => {
    const res = await rawRequest(
      s.port,
      "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert.equal(res.status, 400);
    assert.deepEqual(statuses(res.text), [400]);
    return res.status;
  });

  attack("smuggling: obfuscated Transfer-Encoding values are refused", async (s) => {
    const answers = [];
    for (const te of ["xchunked", "chunked, identity", "identity", "chunked\tx"]) {
      const res = await rawRequest(
        s.port,
        "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
          `Transfer-Encoding: ${te}\r\nContent-Length: 2\r\n\r\n{}`,
      );
      // 501 is RFC 9112's answer to a coding the server does not implement.
      assert.ok(res.status === 400 || res.status === 501, `Transfer-Encoding: ${te} -> ${res.status}`);
      assert.equal(statuses(res.text).length, 1);
      answers.push(res.status);
    }
    return answers.join("/");
  });

  attack("smuggling: a GET whose body hides a second request does not desynchronise anyone", async (s) => {
    // The hidden request is for formd.css. If a server took the GET's body for
    // the next request on its connection (from nginx: a shared keep-alive
    // connection), the stylesheet would be answered to someone else's
    // request afterwards. So: the attacker's connection gets exactly its own
    // answers, and 30 later requests from other clients each get theirs.
    const hidden = "GET /static/formd/formd.css HTTP/1.1\r\nHost: x\r\n\r\n";
    const res = await rawRequest(
      s.port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${hidden.length}\r\n\r\n${hidden}` +
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      3000,
    );
    const seen = statuses(res.text);
    // Either the GET's body is read and dropped (two answers, both /healthz),
    // or the GET is refused (400) and the connection to formd closed: nginx
    // may then still answer the pipelined /healthz (200) over a new one.
    // Never a third answer: the hidden request is never served.
    assert.ok(["[200,200]", "[400]", "[400,200]"].includes(JSON.stringify(seen)), `answers: ${JSON.stringify(seen)}`);
    assert.doesNotMatch(res.text, /text\/css/);
    for (let i = 0; i < 30; i++) {
      const other = await fetch(s.url + "/healthz");
      assert.match(other.headers.get("content-type"), /application\/json/, `request ${i} got someone else's answer`);
      assert.equal((await other.json()).status, "ok");
    }
    return seen.join(",");
  });

  attack("5,000 headers are refused", async (s) => {
    let headers = "";
    for (let i = 0; i < 5000; i++) headers += `X-Hostile-${i}: ${"v".repeat(8)}\r\n`;
    const res = await rawRequest(s.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
    assert.equal(res.status, 400);
    return res.status;
  });

  attack("one 64 KB header is refused", async (s) => {
    const res = await rawRequest(s.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: ${"a".repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`);
    assert.equal(res.status, 400);
    return res.status;
  });

  attack("NUL in a static path cannot change the served content type", async (s) => {
    const answers = [];
    for (const p of ["/static/formd/formd.css%00.html", "/static/dsfr/dsfr.min.css%00.html", "/static/dsfr/dsfr.min.css%00"]) {
      const res = await rawGet(s.port, p);
      assert.equal(res.status, 400, p);
      assert.doesNotMatch(res.text, /content-type: text\/html[^\r]*\r\n[\s\S]*\{/i);
      answers.push(res.status);
    }
    return answers.join("/");
  });

  attack("control characters in paths answer 400", async (s) => {
    const answers = [];
    for (const p of ["/demandes%00", "/%0d%0aSet-Cookie:%20x=1", "/definitions/api%09pro", "/preview/%7f", "/api/v1/requests/1%0a"]) {
      const res = await rawGet(s.port, p);
      assert.equal(res.status, 400, p);
      assert.doesNotMatch(res.text, /\r\nSet-Cookie: x=1/i);
      answers.push(res.status);
    }
    return answers.join("/");
  });

  attack("known paths with the wrong method answer 405 with Allow", async (s) => {
    const cases = [
      ["DELETE", "/api/v1/requests/1", /GET/],
      ["PUT", "/", /GET/],
      ["POST", "/healthz", /GET/],
      ["GET", "/api/v1/requests/1/submit", /POST/],
      ["DELETE", "/demandes/1/etapes/basic_infos", /POST/],
    ];
    for (const [method, p, allow] of cases) {
      const res = await rawSend(s.port, method, p, null, "");
      assert.equal(res.status, 405, `${method} ${p}`);
      const allowHeader = /\r\nallow: ([^\r]*)/i.exec(res.text);
      assert.ok(allowHeader, `${method} ${p}: Allow header`);
      assert.match(allowHeader[1], allow);
    }
    // Unknown paths stay 404.
    assert.equal((await rawSend(s.port, "DELETE", "/nowhere", null, "")).status, 404);
    return "405";
  });

  attack("an empty JSON body answers 400", async (s) => {
    const res = await rawSend(s.port, "POST", "/api/v1/forms/api-pro-sante-connect/validate", "application/json", "");
    assert.equal(res.status, 400);
    return res.status;
  });

  attack("a truncated JSON body answers 400", async (s) => {
    const res = await rawSend(s.port, "POST", "/api/v1/forms/api-pro-sante-connect/validate", "application/json", '{"intitule": "abc", "scopes": ["idn');
    assert.equal(res.status, 400);
    return res.status;
  });

  attack("a body shorter than its Content-Length is never processed", async (s) => {
    // The client announces 100 bytes, sends 10 and goes away: nothing to answer.
    const res = await rawRequest(
      s.port,
      "POST /api/v1/forms/api-pro-sante-connect/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"a": "b"',
      1500,
    );
    assert.ok(res.status === -1 || res.status === 0 || res.status === 400 || res.status === 408, `answer ${res.status}`);
    return res.status === -1 ? "no answer (waits for the body)" : res.status;
  });

  attack("two Host headers are refused", async (s) => {
    const res = await rawRequest(s.port, "GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n");
    assert.equal(res.status, 400);
    return res.status;
  });

  attack("a malformed request line answers 400", async (s) => {
    const answers = [];
    // (Extra spaces between the parts are tolerated by nginx, which then
    // forwards a normalised request line: not an attack, not tested.)
    for (const line of ["GET /healthz HTTP/9.9", "G\x01T /healthz HTTP/1.1", "GET /healthz\x00 HTTP/1.1", "GET /healthz HTTP/1.1 extra"]) {
      const res = await rawRequest(s.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.ok(res.status >= 400 && res.status < 600 && res.status !== 500, `${JSON.stringify(line)} -> ${res.status}`);
      answers.push(res.status);
    }
    return answers.join("/");
  });
});
