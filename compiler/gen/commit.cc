#include "gen/commit.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace formc::gen {
namespace fs = std::filesystem;

namespace {

constexpr const char* kOutputList = ".formc-outputs";

std::optional<std::string> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool write_if_changed(const std::string& path, const std::string& content, bool& changed, std::string& error) {
  changed = false;
  const fs::path target(path);
  if (auto existing = read_all(target); existing && *existing == content) return true;
  std::error_code ec;
  fs::create_directories(target.parent_path().empty() ? fs::path(".") : target.parent_path(), ec);
  if (ec) {
    error = "cannot create directory " + target.parent_path().string() + ": " + ec.message();
    return false;
  }
  const fs::path temp = target.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      error = "cannot write " + temp.string();
      fs::remove(temp, ec);
      return false;
    }
  }
  fs::rename(temp, target, ec);
  if (ec) {
    error = "cannot rename " + temp.string() + " to " + target.string() + ": " + ec.message();
    fs::remove(temp, ec);
    return false;
  }
  changed = true;
  return true;
}

bool commit_outputs(const OutputSet& outputs, const std::string& out_dir, CommitStats& stats, std::string& error) {
  const fs::path root(out_dir);
  std::set<std::string> previous;
  if (auto list = read_all(root / kOutputList)) {
    std::istringstream lines(*list);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) previous.insert(line);
    }
  }
  for (const auto& [rel, content] : outputs.files()) {
    bool changed = false;
    if (!write_if_changed((root / rel).string(), content, changed, error)) return false;
    ++(changed ? stats.written : stats.unchanged);
    previous.erase(rel);
  }
  // Stale outputs: produced last time, not now. Only our own files are removed.
  std::error_code ec;
  for (const auto& rel : previous) {
    if (rel.find("..") != std::string::npos) continue;  // never leave OUTDIR
    if (fs::remove(root / rel, ec)) ++stats.removed;
    for (fs::path dir = (root / rel).parent_path(); dir != root && dir.string().size() > root.string().size();
         dir = dir.parent_path()) {
      if (!fs::is_empty(dir, ec) || ec) break;
      fs::remove(dir, ec);
    }
  }
  std::string list;
  for (const auto& [rel, content] : outputs.files()) list += rel + "\n";
  bool changed = false;
  return write_if_changed((root / kOutputList).string(), list, changed, error);
}

std::string escape_make_path(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

bool write_depfile(const std::string& depfile, const std::string& target, const std::vector<std::string>& inputs,
                   std::string& error) {
  std::string text = escape_make_path(target) + ":";
  for (const auto& in : inputs) text += " \\\n  " + escape_make_path(in);
  text += "\n";
  bool changed = false;
  return write_if_changed(depfile, text, changed, error);
}

}  // namespace formc::gen
