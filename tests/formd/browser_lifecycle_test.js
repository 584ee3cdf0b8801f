// Browser test of life with a habilitation (issue 10): the seed document's
// three cases (browser/lifecycle_walk.js) in a real Chromium, each person in
// their own browser context; screenshots under FORMD_ARTIFACTS/lifecycle/,
// axe with zero violations and every id reference present on each page
// (browser/run_walk.js).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77
// (skipped) when /usr/bin/chromium is absent. Run alone (RUN_SERIAL).
"use strict";

const fs = require("node:fs");
const { runWalk, CHROMIUM } = require("./browser/run_walk");

if (!fs.existsSync(CHROMIUM)) {
  console.log("SKIPPED: chromium not installed");
  process.exit(77);
}
if (!process.env.FORMD || !fs.existsSync(process.env.FORMD)) {
  console.log("SKIPPED: FORMD is not set or missing");
  process.exit(77);
}

const { lifecycleWalk } = require("./browser/lifecycle_walk");

runWalk({ artifactsName: "lifecycle", walk: lifecycleWalk, label: "lifecycle walk (CAS 1, 2, 3)", deadlineMs: 300000 }).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  });
