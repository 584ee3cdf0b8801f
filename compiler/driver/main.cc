// formc: the DataPass Forms compiler. main() wires the subcommands; each
// subcommand is a small function over a Session. Exit codes: 0 success,
// 1 errors in the input, 2 usage errors.

#include <iostream>

#include <CLI/CLI.hpp>

#include "driver/session.h"
#include "model/ir_json.h"
#include "support/diagnostics.h"

#ifndef FORMC_VERSION
#define FORMC_VERSION "0.0.0"
#endif

namespace {

using formc::driver::CommonOptions;
using formc::driver::Session;

constexpr int kExitOk = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;

void add_common_options(CLI::App& cmd, CommonOptions& o, bool with_format) {
  cmd.add_option("PATH", o.paths, "Configuration roots or single YAML files")->required()->check(CLI::ExistingPath);
  cmd.add_option("--blocks", o.block_dirs, "Extra block library directory (adds or overrides blocks)")->check(CLI::ExistingDirectory);
  cmd.add_option("--library", o.library, "Standard library directory (default: the one shipped with formc)")->check(CLI::ExistingDirectory);
  cmd.add_flag("--no-stdlib", o.no_stdlib, "Do not load the standard block library");
  cmd.add_option("--environment", o.environment, "Rails.env seen by ERB (Rails.env.production?)")->capture_default_str();
  cmd.add_option("--credentials", o.credentials_file, "Flat YAML map of Rails credentials used by ERB")->check(CLI::ExistingFile);
  cmd.add_option("--feature", o.features, "Enable a FeatureFlag for ERB conditions (repeatable)");
  if (with_format) {
    cmd.add_option("--format", o.format, "Diagnostics format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  }
  cmd.add_flag("--werror", o.werror, "Treat warnings as errors");
}

int run_check(const CommonOptions& options) {
  Session session(options);
  const bool ok = session.load();
  session.print_diagnostics();
  return ok ? kExitOk : kExitErrors;
}

int run_dump_ir(const CommonOptions& options) {
  Session session(options);
  const bool ok = session.load();
  if (!ok) {
    session.print_diagnostics();
    return kExitErrors;
  }
  std::cout << formc::model::to_json(session.module()).dump(2) << "\n";
  return kExitOk;
}

// The catalog of diagnostics as Markdown (schema/DIAGNOSTICS.md is this output).
int run_diagnostics() {
  std::cout << "# Diagnostics\n\n"
               "Every diagnostic formc can report, with its stable code (printed in brackets and used in\n"
               "`tests/diagnostics/` annotations) and its default severity. `--werror` turns warnings into\n"
               "errors. This file is generated: `formc diagnostics > schema/DIAGNOSTICS.md`.\n\n"
               "| Code | Severity | Meaning |\n|---|---|---|\n";
  for (const auto& d : formc::support::catalog()) {
    std::cout << "| `" << d.code << "` | " << formc::support::to_string(d.default_severity) << " | " << d.summary << " |\n";
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"formc: compiles DataPass form definitions into validated C++ classes, JSON Schemas and DSFR HTML"};
  app.set_version_flag("--version", std::string("formc ") + FORMC_VERSION);
  app.require_subcommand(1);

  CommonOptions check_options;
  auto* check = app.add_subcommand("check", "Check definitions and report every problem (exit 1 on errors)");
  add_common_options(*check, check_options, true);

  CommonOptions dump_options;
  auto* dump = app.add_subcommand("dump-ir", "Print the checked model as deterministic JSON");
  add_common_options(*dump, dump_options, false);

  auto* diagnostics = app.add_subcommand("diagnostics", "Print the catalog of diagnostic codes (Markdown)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  try {
    if (check->parsed()) return run_check(check_options);
    if (dump->parsed()) return run_dump_ir(dump_options);
    if (diagnostics->parsed()) return run_diagnostics();
  } catch (const std::exception& e) {
    // A bug, never a user error: say so plainly instead of aborting.
    std::cerr << "formc: internal error: " << e.what() << "\n";
    return 3;
  }
  return kExitUsage;
}
