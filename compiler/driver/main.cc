// formc: the DataPass Forms compiler. main() wires the subcommands; each
// subcommand is a small function over a Session. Exit codes: 0 success,
// 1 errors in the input, 2 usage errors.

#include <iostream>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "driver/compile.h"
#include "driver/session.h"
#include "driver/validate_command.h"
#include "gen/cpp/cpp_generator.h"
#include "gen/html/html_generator.h"
#include "gen/json_schema/authoring_schema.h"
#include "gen/json_schema/json_schema_generator.h"
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
  cmd.add_option("PATH", o.paths,
                 "Configuration roots or single YAML files; a root holding library/ uses that block library instead of "
                 "the default one")
      ->required()
      ->check(CLI::ExistingPath);
  cmd.add_option("--blocks", o.block_dirs, "Extra block library directory (adds or overrides blocks)")->check(CLI::ExistingDirectory);
  cmd.add_option("--library", o.library,
                 "Block library directory (default: the library/ folder of the first PATH that has one, else the one "
                 "shipped with formc)")
      ->check(CLI::ExistingDirectory);
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

// The generators `formc compile` runs, in this order (protoc registers its
// generators explicitly in main() too).
std::vector<std::unique_ptr<formc::gen::Generator>> make_generators() {
  std::vector<std::unique_ptr<formc::gen::Generator>> out;
  out.push_back(std::make_unique<formc::gen::json_schema::JsonSchemaGenerator>());
  out.push_back(std::make_unique<formc::gen::html::HtmlGenerator>());
  out.push_back(std::make_unique<formc::gen::cpp::CppGenerator>());
  return out;
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

  auto* schema = app.add_subcommand("schema", "Print the JSON Schema (draft-07) of the definition format, for editors");

  formc::driver::CompileOptions compile_options;
  bool list_outputs = false;
  auto* compile = app.add_subcommand("compile", "Generate C++ classes, JSON Schemas and DSFR HTML (writes only changed files)");
  add_common_options(*compile, compile_options.common, true);
  compile->add_option("-o,--output", compile_options.out_dir, "Output directory")->required();
  compile->add_option("--depfile", compile_options.depfile, "Write a Make-syntax depfile listing every input read");
  compile->add_option("--depfile-target", compile_options.depfile_target, "Target named in the depfile (default: OUTDIR/manifest.json)");
  compile->add_flag("--quiet", compile_options.quiet, "Do not print the summary line");
  compile->add_flag("--list-outputs", list_outputs, "Print the files that would be generated (absolute paths) and write nothing");

  formc::driver::ValidateOptions validate_options;
  auto* validate = app.add_subcommand("validate", "Validate a JSON submission against a form (exit 0 valid, 1 invalid)");
  add_common_options(*validate, validate_options.common, true);
  validate->add_option("--form", validate_options.form_uid, "Form uid")->required();
  validate->add_option("--data", validate_options.data_file, "JSON file with the flat DataPass attributes")->required()->check(CLI::ExistingFile);
  validate->add_option("--context", validate_options.context, "draft, submit or step:<block>")->capture_default_str();
  validate->add_option("--today", validate_options.today, "Date used by today() (YYYY-MM-DD; default: the current UTC date)");

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
    if (schema->parsed()) {
      std::cout << formc::gen::json_schema::authoring_schema().dump(2) << "\n";
      return kExitOk;
    }
    if (validate->parsed()) return formc::driver::run_validate(validate_options);
    if (compile->parsed()) {
      const auto generators = make_generators();
      std::vector<const formc::gen::Generator*> list;
      for (const auto& g : generators) list.push_back(g.get());
      return list_outputs ? formc::driver::list_compile_outputs(compile_options, list)
                          : formc::driver::run_compile(compile_options, list);
    }
  } catch (const std::exception& e) {
    // A bug, never a user error: say so plainly instead of aborting.
    std::cerr << "formc: internal error: " << e.what() << "\n";
    return 3;
  }
  return kExitUsage;
}
