#include "model/inputs.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace formc::model {
namespace fs = std::filesystem;
using support::DiagCode;

namespace {

bool is_yaml(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

void walk(const fs::path& dir, const std::string& display, const std::string& relative, int depth, int layer,
          std::vector<InputFile>& out) {
  if (depth > 6) return;
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name == "node_modules") continue;
    const std::string child_display = display.empty() || display == "." ? name : display + "/" + name;
    const std::string child_relative = relative.empty() ? name : relative + "/" + name;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      walk(entry.path(), child_display, child_relative, depth + 1, layer, out);
    } else if (entry.is_regular_file(type_ec) && is_yaml(entry.path())) {
      if (auto kind = classify_file(entry.path().string())) {
        out.push_back(InputFile{*kind, child_display, fs::weakly_canonical(entry.path(), type_ec).string(), child_relative, layer});
      }
    }
  }
}

}  // namespace

std::optional<InputKind> classify_file(const std::string& path) {
  const fs::path p(path);
  if (!is_yaml(p)) return std::nullopt;
  const std::string stem = p.stem().string();
  const std::string parent = p.parent_path().filename().string();
  if (stem == "contact_kinds") return InputKind::ContactKinds;
  if (stem == "service_providers") return InputKind::ServiceProviders;
  if (stem == "eligibility_rules") return InputKind::EligibilityRules;
  if (parent == "blocks") return InputKind::Blocks;
  if (parent == "definition_extensions") return InputKind::DefinitionExtensions;
  if (parent == "authorization_definitions") return InputKind::Definitions;
  if (parent == "authorization_request_forms") return InputKind::Forms;
  if (parent == "locales") return InputKind::Locales;
  return std::nullopt;
}

void collect_inputs(const std::string& path, int layer, std::vector<InputFile>& out, support::DiagnosticEngine& diags) {
  std::error_code ec;
  const fs::path p(path);
  const auto status = fs::status(p, ec);
  if (ec || !fs::exists(status)) {
    diags.report(DiagCode::InputNotFound, {}, fmt::format("no such file or directory: '{}'", path));
    return;
  }
  if (fs::is_directory(status)) {
    std::string display = path;
    while (display.size() > 1 && display.back() == '/') display.pop_back();
    walk(p, display, "", 0, layer, out);
    return;
  }
  if (auto kind = classify_file(path)) {
    const std::string relative = (p.parent_path().filename() / p.filename()).string();
    out.push_back(InputFile{*kind, path, fs::weakly_canonical(p, ec).string(), relative, layer});
    return;
  }
  diags.report(DiagCode::InputUnknownKind, {},
               fmt::format("'{}' is not in a folder formc reads (authorization_definitions/, authorization_request_forms/, "
                           "blocks/, locales/, ...) and was skipped",
                           path));
}

void order_inputs(std::vector<InputFile>& files) {
  std::stable_sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) {
    if (a.layer != b.layer) return a.layer < b.layer;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.display_path < b.display_path;
  });
  std::set<std::string> seen;
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const InputFile& f) { return !seen.insert(f.canonical_path).second; }),
              files.end());
}

}  // namespace formc::model
