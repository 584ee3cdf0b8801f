#include "driver/compile.h"

#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "gen/commit.h"
#include "gen/manifest.h"

namespace formc::driver {
namespace fs = std::filesystem;

namespace {

// Loads, checks and generates everything in memory; nullopt on errors.
std::optional<gen::OutputSet> generate_all(Session& session, const std::vector<const gen::Generator*>& generators) {
  const bool ok = session.load();
  session.print_diagnostics();
  if (!ok) {
    std::cerr << "formc: no output written because of the errors above\n";
    return std::nullopt;
  }
  gen::OutputSet outputs;
  for (const auto* g : generators) g->generate(session.module(), outputs);
  gen::add_manifest(session.module(), outputs);
  return outputs;
}

}  // namespace

int list_compile_outputs(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Session session(options.common);
  const auto outputs = generate_all(session, generators);
  if (!outputs) return 1;
  const fs::path root = fs::absolute(options.out_dir).lexically_normal();
  for (const auto& [rel, content] : outputs->files()) std::cout << (root / rel).string() << "\n";
  return 0;
}

int run_compile(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Session session(options.common);
  const auto generated = generate_all(session, generators);
  if (!generated) return 1;
  const gen::OutputSet& outputs = *generated;

  std::string error;
  gen::CommitStats stats;
  if (!gen::commit_outputs(outputs, options.out_dir, stats, error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  if (!options.depfile.empty()) {
    const std::string target =
        options.depfile_target.empty() ? (fs::path(options.out_dir) / "manifest.json").string() : options.depfile_target;
    if (!gen::write_depfile(options.depfile, target, session.module().inputs, error)) {
      std::cerr << "formc: error: " << error << "\n";
      return 1;
    }
  }
  if (!options.quiet) {
    std::cerr << fmt::format("formc: {} files: {} written, {} unchanged, {} removed\n", outputs.files().size(),
                             stats.written, stats.unchanged, stats.removed);
  }
  return 0;
}

}  // namespace formc::driver
