// Browser test of formd's instruction pages (issue 9): the walk of
// browser/instruction_walk.js in a real Chromium, an applicant and an
// instructor in two browser contexts (then a manager in a third).
//
// On every new page state: a full-page screenshot
// (FORMD_ARTIFACTS/instruction/NN-name.png, the kept artefacts), axe with
// zero violations, id references, no console error nor uncaught exception,
// and the markup checks of browser/audit.js. Walk assertions stop the test at
// once; the page checks are collected and listed at the end (exit 1 if any).
//
// Environment (set by CTest): FORMD (binary), FORMD_ARTIFACTS. Exit 77
// (skipped) when /usr/bin/chromium is absent. Run alone (RUN_SERIAL).
"use strict";

const { runWalkTest } = require("./browser/run_walk");

runWalkTest({
  artifactsName: "instruction",
  loadWalk: () => require("./browser/instruction_walk").instructionWalk,
  label: "instruction walk",
});
