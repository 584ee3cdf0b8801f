// One formc run: options shared by every subcommand, loading and checking.
//
// Contract: Session::load() builds and checks the IR from the command-line
// inputs; diagnostics are printed by print_diagnostics() in the requested
// format. The block library is, in this order: --library; the library/
// folder of the first configuration root that has one (a root is one thing:
// a copied definitions/ brings its own library, which replaces the default
// one instead of being loaded beside it); the standard library found next to
// the binary (../share/formc/library when installed) or in the source tree it
// was built from. --no-stdlib disables all three.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/ir.h"
#include "support/diagnostics.h"
#include "support/source.h"

namespace formc::driver {

struct CommonOptions {
  std::vector<std::string> paths;
  std::vector<std::string> block_dirs;
  std::string library;  // empty: default location
  bool no_stdlib = false;
  std::string environment = "development";
  std::string credentials_file;
  std::vector<std::string> features;
  std::string format = "text";  // text | json
  bool werror = false;
};

class Session {
 public:
  explicit Session(CommonOptions options);

  // Builds and checks. Returns false when errors were reported.
  bool load();
  [[nodiscard]] const model::Module& module() const { return module_; }
  [[nodiscard]] support::DiagnosticEngine& diagnostics() { return diags_; }
  [[nodiscard]] const support::SourceManager& sources() const { return sources_; }
  // Prints diagnostics (text to stderr, JSON to stdout) and the summary line.
  void print_diagnostics() const;
  // What print_diagnostics() prints, as {stdout, stderr}.
  [[nodiscard]] std::pair<std::string, std::string> rendered_diagnostics() const;
  // The block library directory this session loads ("" for none).
  [[nodiscard]] std::string library_directory() const { return standard_library(); }
  [[nodiscard]] const CommonOptions& options() const { return options_; }

 private:
  std::string standard_library() const;

  CommonOptions options_;
  support::SourceManager sources_;
  support::DiagnosticEngine diags_;
  model::Module module_;
};

// The standard library directory for this binary, or "" if none is found.
[[nodiscard]] std::string find_standard_library();
// The block library used with these inputs (see above): `library` when not
// empty, else `<root>/library` of the first directory in `paths` that has
// one, else find_standard_library().
[[nodiscard]] std::string resolve_library(const std::vector<std::string>& paths, const std::string& library);

}  // namespace formc::driver
