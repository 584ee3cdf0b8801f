// OUTDIR/manifest.json: the index of what a compilation produced, per form.
//
// {"forms":[{"uid", "definition", "name", "schema": path,
//            "html": {"steps": {block: path}, "summary", "submit", "eligibility"},
//            "cpp": {"header", "source"}}]}
// Paths are relative to OUTDIR; only files present in the OutputSet are listed.
#pragma once

#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen {

// Adds manifest.json to `out`, describing the files already in it.
void add_manifest(const model::Module& module, OutputSet& out);

}  // namespace formc::gen
