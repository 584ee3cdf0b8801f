// Browser test of messaging (issue 10, LIFECYCLE.md §2.7): the walk of
// browser/messaging_walk.js in a real Chromium, an applicant and an
// instructor each in their own browser context, on API Pro Santé Connect;
// screenshots under FORMD_ARTIFACTS/messaging/, axe with zero violations and
// every id reference present on each page (browser/run_walk.js).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77
// (skipped) when /usr/bin/chromium is absent. Run alone (RUN_SERIAL).
"use strict";

const { runWalkTest } = require("./browser/run_walk");

runWalkTest({
  artifactsName: "messaging",
  loadWalk: () => require("./browser/messaging_walk").messagingWalk,
  label: "messaging walk",
});
