// Finding and classifying input files.
//
// Contract: expands each PATH given on the command line (a configuration
// root, any directory below one, or a single file) into the list of YAML
// files to read, classified by what they hold (DataPass's layout, plus
// formc's block library). The order is deterministic: by kind, then by path.
// Paths are kept as given (for display) plus canonical (for dedup, depfiles).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "support/diagnostics.h"

namespace formc::model {

enum class InputKind {
  Blocks,               // blocks/*.yml
  ContactKinds,         // contact_kinds.yml
  DefinitionExtensions, // definition_extensions/*.yml
  ServiceProviders,     // config/service_providers.yml
  Definitions,          // authorization_definitions/*.yml
  Forms,                // authorization_request_forms/*.yml
  EligibilityRules,     // db_data/eligibility_rules.yml
  Locales,              // locales/*.yml
};

struct InputFile {
  InputKind kind;
  std::string display_path;    // as the user wrote it (joined with the file name)
  std::string canonical_path;  // absolute, for dedup and depfiles
  std::string relative_path;   // inside its root ("authorization_definitions/x.yml"): what outputs cite
  int layer = 0;               // 0: standard library, 1: --blocks dirs, 2: user inputs
};

// Classifies one file by its name and its parent directory's name.
[[nodiscard]] std::optional<InputKind> classify_file(const std::string& path);

// Walks `path` (file or directory, at most 6 levels deep) and appends the
// YAML files found. Reports input-not-found for missing paths and
// input-unknown-kind for an explicit file formc cannot classify.
void collect_inputs(const std::string& path, int layer, std::vector<InputFile>& out, support::DiagnosticEngine& diags);

// Sorts by (layer, kind, path) and drops duplicates of one canonical path.
void order_inputs(std::vector<InputFile>& files);

}  // namespace formc::model
