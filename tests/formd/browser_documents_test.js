// Browser test of documents (issue 12): the walk of browser/documents_walk.js
// in a real Chromium (a file attached through the browser's file chooser,
// refused by its bytes, then a PDF stored, listed and linked); screenshots
// under FORMD_ARTIFACTS/documents/, axe with zero violations and every id
// reference present on each page (browser/run_walk.js).
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

const { documentsWalk } = require("./browser/documents_walk");

runWalk({ artifactsName: "documents", walk: documentsWalk, label: "documents walk" }).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  });
