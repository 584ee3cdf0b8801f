// Browser test of life with a habilitation (issue 10): the seed document's
// three cases (browser/lifecycle_walk.js) in a real Chromium, each person in
// their own browser context; screenshots under FORMD_ARTIFACTS/lifecycle/,
// axe with zero violations and every id reference present on each page
// (browser/run_walk.js).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77
// (skipped) when /usr/bin/chromium is absent. Run alone (RUN_SERIAL).
"use strict";

const { runWalkTest } = require("./browser/run_walk");

runWalkTest({
  artifactsName: "lifecycle",
  loadWalk: () => require("./browser/lifecycle_walk").lifecycleWalk,
  label: "lifecycle walk (CAS 1, 2, 3)", deadlineMs: 300000,
});
