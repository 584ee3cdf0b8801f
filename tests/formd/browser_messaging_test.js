// Browser test of messaging (issue 10, LIFECYCLE.md §2.7): the walk of
// browser/messaging_walk.js in a real Chromium, an applicant and an
// instructor each in their own browser context, on API Pro Santé Connect;
// screenshots under FORMD_ARTIFACTS/messaging/, axe with zero violations and
// every id reference present on each page (browser/run_walk.js).
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

const { messagingWalk } = require("./browser/messaging_walk");

runWalk({ artifactsName: "messaging", walk: messagingWalk, label: "messaging walk" }).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  });
