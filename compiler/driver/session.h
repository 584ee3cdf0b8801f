// One formc run: options shared by every subcommand, loading and checking.
//
// Contract: Session::load() builds and checks the IR from the command-line
// inputs; diagnostics are printed by print_diagnostics() in the requested
// format. The standard block library is found next to the binary
// (../share/formc/library when installed) or in the source tree it was built
// from; --library overrides, --no-stdlib disables.
#pragma once

#include <string>
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

}  // namespace formc::driver
