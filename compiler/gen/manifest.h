// OUTDIR/manifest.json: the index of what a compilation produced, per form.
//
// {"forms":[{"uid", "definition", "name", "schema": path,
//            "html": {"steps": {block: path}, "summary", "submit", "eligibility"},
//            "cpp": {"header", "source"}}]}
// Paths are relative to OUTDIR; only files present in the compilation's
// outputs are listed.
#pragma once

#include <functional>
#include <string>

#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen {

// Adds manifest.json to `out`, describing the files already in it.
void add_manifest(const model::Module& module, OutputSet& out);
// Adds manifest.json to `out`, describing the files for which `present` is
// true (an incremental compile's outputs are partly in `out`, partly kept on
// disk from the previous run).
void add_manifest(const model::Module& module, const std::function<bool(const std::string&)>& present, OutputSet& out);

}  // namespace formc::gen
