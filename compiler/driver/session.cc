#include "driver/session.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "check/checks.h"
#include "model/builder.h"
#include "support/diagnostic_render.h"
#include "support/text.h"
#include "yaml/loader.h"

#ifndef FORMC_SOURCE_LIBRARY_DIR
#define FORMC_SOURCE_LIBRARY_DIR ""
#endif

namespace formc::driver {
namespace fs = std::filesystem;

std::string find_standard_library() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "formc" / "library";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  const fs::path source = FORMC_SOURCE_LIBRARY_DIR;
  if (!source.empty() && fs::is_directory(source, ec)) return source.string();
  return {};
}

std::string resolve_library(const std::vector<std::string>& paths, const std::string& library) {
  if (!library.empty()) return library;
  for (const auto& path : paths) {
    std::error_code ec;
    const fs::path own = fs::path(path) / "library";
    if (fs::is_directory(path, ec) && fs::is_directory(own, ec)) return own.lexically_normal().string();
  }
  return find_standard_library();
}

Session::Session(CommonOptions options) : options_(std::move(options)) { diags_.set_werror(options_.werror); }

std::string Session::standard_library() const {
  if (options_.no_stdlib) return {};
  std::string dir = resolve_library(options_.paths, options_.library);
  if (dir.empty()) return {};
  // Show library files relative to the working directory when possible, so
  // diagnostics are clickable and do not depend on where formc is installed.
  std::error_code ec;
  const fs::path rel = fs::relative(dir, fs::current_path(ec), ec);
  if (!ec && !rel.empty() && rel.string().rfind("../../..", 0) != 0) return rel.string();
  return dir;
}

bool Session::load() {
  model::BuildOptions build;
  build.paths = options_.paths;
  build.block_dirs = options_.block_dirs;
  build.standard_library = standard_library();
  build.load.erb.environment = options_.environment;
  for (const auto& f : options_.features) build.load.erb.enabled_features.insert(f);
  if (!options_.credentials_file.empty()) {
    // Credentials: a flat YAML map read with the same loader (spans, no throw).
    std::ifstream in(options_.credentials_file, std::ios::binary);
    if (!in) {
      diags_.report(support::DiagCode::InputNotFound, {}, fmt::format("cannot read credentials file '{}'", options_.credentials_file));
    } else {
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const auto id = sources_.add(options_.credentials_file, std::move(text));
      yaml::LoadOptions lo;
      auto doc = yaml::load(sources_, id, lo, diags_);
      if (doc->root && doc->root->is_mapping()) {
        for (const auto& e : doc->root->entries) {
          if (e.value->is_scalar()) build.load.erb.credentials[e.key->value] = e.value->value;
        }
      }
    }
  }
  module_ = model::build(build, sources_, diags_);
  check::run_checks(module_, diags_);
  return !diags_.has_errors();
}

std::pair<std::string, std::string> Session::rendered_diagnostics() const {
  const auto list = diags_.sorted();
  if (options_.format == "json") return {support::render_json(sources_, list).dump(2) + "\n", ""};
  std::string err = support::render_text(sources_, list);
  const std::string summary = support::render_summary(diags_.error_count(), diags_.warning_count());
  if (!summary.empty()) err += summary + "\n";
  return {"", err};
}

void Session::print_diagnostics() const {
  const auto [out, err] = rendered_diagnostics();
  std::cout << out;
  std::cerr << err;
}

}  // namespace formc::driver
