// Building the IR from input paths.
//
// Contract: build() reads every input (standard library first, then --blocks
// directories, then the user's paths), reports every structural problem it
// finds, resolves cross-file links, instantiates blocks per definition and
// compiles their expressions. It always returns a Module (possibly partial);
// the caller must look at the DiagnosticEngine before trusting it. Reference
// and format checks that need the whole module live in check/.
#pragma once

#include <string>
#include <vector>

#include "model/ir.h"
#include "support/diagnostics.h"
#include "support/source.h"
#include "yaml/loader.h"

namespace formc::model {

struct BuildOptions {
  std::vector<std::string> paths;       // user inputs
  std::vector<std::string> block_dirs;  // --blocks
  std::string standard_library;         // definitions/library (empty: none)
  yaml::LoadOptions load;
  std::size_t max_file_size = 16 * 1024 * 1024;
};

[[nodiscard]] Module build(const BuildOptions& options, support::SourceManager& sources, support::DiagnosticEngine& diags);

}  // namespace formc::model
