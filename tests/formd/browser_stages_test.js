// Browser test of the stages sandbox → production (issue 10 point 6,
// LIFECYCLE.md §2.10): the walk of browser/stages_walk.js in a real
// Chromium, an applicant and an instructor in two browser contexts, on API
// FICOBA (definitions/).
//
// On every new page state: a full-page screenshot
// (FORMD_ARTIFACTS/stages/NN-name.png, the kept artefacts), axe with
// zero violations, id references, no console error nor uncaught exception,
// and the markup checks of browser/audit.js. Walk assertions stop the test at
// once; the page checks are collected and listed at the end (exit 1 if any).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77
// (skipped) when /usr/bin/chromium is absent. Run alone (RUN_SERIAL).
"use strict";

const { runWalkTest } = require("./browser/run_walk");

runWalkTest({
  artifactsName: "stages",
  loadWalk: () => require("./browser/stages_walk").stagesWalk,
  label: "stages walk",
});
