// Starts a formd for one test: its own port, its own data directory.
//
//   const { startFormd } = require("./harness");
//   const server = await startFormd({ dev: false, definitions: undefined, devLogin: true });
//   server.url, server.dataDir, server.log(); await server.stop();
//
//   const { startDeployment } = require("./harness");
//   const site = await startDeployment({});   // formd behind nginx, the supported deployment
//   site.url (nginx), site.port, site.formd (as above: .url is formd's own), site.rssKiB(); await site.stop();
//
// The formd binary comes from FORMD (set by CTest). The port is picked by
// binding :0 first, then handed to formd (a tiny race, retried). formd's
// stderr is kept and printed when a test fails (server.log()).
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

// A TCP port free on 127.0.0.1 now (for a server a test starts itself).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(url + "/healthz");
      if (res.ok) return true;
    } catch (_) {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function startFormd(options = {}) {
  const binary = process.env.FORMD;
  if (!binary) throw new Error("FORMD is not set (path of the formd binary)");
  const dataDir = options.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "formd-test-"));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = ["--port", String(port), "--data", dataDir, ...(options.extraArgs || [])];
    // Tests sign in through the development login unless they test its absence.
    if (options.devLogin !== false) args.push("--dev-login");
    if (options.dev) args.push("--dev");
    if (options.definitions) args.push("--definitions", options.definitions);
    if (options.assets) args.push("--assets", options.assets);
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const url = `http://127.0.0.1:${port}`;
    if (await waitHealthy(url, child, 15000)) {
      return {
        url,
        port,
        dataDir,
        pid: child.pid,
        rssKiB: () => rssKiB(child.pid),
        log: () => stderr,
        stop: () =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(child.exitCode);
            child.on("exit", (code) => resolve(code));
            child.kill("SIGTERM");
          }),
        removeData: () => fs.rmSync(dataDir, { recursive: true, force: true }),
      };
    }
    child.kill("SIGKILL");
    if (!/cannot listen/.test(stderr)) throw new Error("formd did not start:\n" + stderr);
  }
  throw new Error("formd: no free port after 5 attempts");
}

// Resident memory of a process, in KiB (VmRSS of /proc/<pid>/status).
function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

function stopChild(child, signal = "SIGTERM") {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.on("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

// formd behind nginx (runtime/formd/deploy/nginx.conf.in, started by
// scripts/formd-nginx.sh): the deployment README.md supports, and the one
// the hostile-input tests attack. `url` and `port` are nginx's.
async function startDeployment(options = {}) {
  const sourceDir = process.env.FORMD_SOURCE_DIR || path.resolve(__dirname, "../..");
  const formd = await startFormd(options);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "formd-nginx-"));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(
      path.join(sourceDir, "scripts/formd-nginx.sh"),
      ["--listen", `127.0.0.1:${port}`, "--upstream", `127.0.0.1:${formd.port}`, "--dir", runDir,
       ...(options.maxBody ? ["--max-body", options.maxBody] : [])],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const url = `http://127.0.0.1:${port}`;
    if (await waitHealthy(url, child, 15000)) {
      const errorLog = () => {
        try {
          return fs.readFileSync(path.join(runDir, "error.log"), "utf8");
        } catch (_) {
          return "";
        }
      };
      return {
        url,
        port,
        formd,
        nginxPid: child.pid,
        // formd's memory: what an attack through nginx could make grow.
        rssKiB: () => formd.rssKiB(),
        log: () => formd.log() + (stderr ? "\n--- nginx ---\n" + stderr : "") + "\n--- nginx error.log ---\n" + errorLog().slice(-3000),
        stop: async () => {
          await stopChild(child);
          const code = await formd.stop();
          fs.rmSync(runDir, { recursive: true, force: true });
          return code;
        },
        removeData: () => formd.removeData(),
      };
    }
    await stopChild(child, "SIGKILL");
    if (!/Address already in use/.test(stderr + (fs.existsSync(path.join(runDir, "error.log")) ? fs.readFileSync(path.join(runDir, "error.log"), "utf8") : ""))) {
      await formd.stop();
      throw new Error("nginx did not start:\n" + stderr);
    }
  }
  await formd.stop();
  throw new Error("nginx: no free port after 5 attempts");
}

module.exports = { startFormd, startDeployment, rssKiB, freePort };
