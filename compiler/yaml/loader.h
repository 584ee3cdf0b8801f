// Loading YAML files into source trees.
//
// Contract: load() never throws and never crashes on any input (binary junk,
// 10 MB files, 10,000 nested levels, cyclic aliases): yaml-cpp exceptions are
// caught here and become located diagnostics. Duplicate keys are errors that
// name both places; a redefined anchor is a warning (Psych lets the later one
// win, and so do we).
#pragma once

#include <memory>
#include <string>

#include "support/diagnostics.h"
#include "support/source.h"
#include "yaml/erb.h"
#include "yaml/tree.h"

namespace formc::yaml {

struct LoadOptions {
  ErbOptions erb;
  std::size_t max_depth = 200;            // nesting of collections
  std::size_t max_nodes = 2'000'000;      // distinct nodes in one file
};

// Parses the registered file `id`. The returned document is never null; its
// root is null when the file holds no document or could not be parsed.
[[nodiscard]] std::unique_ptr<Document> load(const support::SourceManager& sources, support::FileId id,
                                             const LoadOptions& options, support::DiagnosticEngine& diags);

}  // namespace formc::yaml
