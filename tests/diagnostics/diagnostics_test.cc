// Diagnostics tests, clang -verify style.
//
// Each directory under cases/ is a configuration root holding broken
// definitions. Every expected diagnostic is annotated in the YAML itself, on
// the line where it must be reported:
//     some_key: value   # expect: unknown-key
//     other: x          # expect-warning: html-not-allowed
//     # expect@+2: expr-syntax        (two lines below; for block scalars)
// The test fails on a missing diagnostic and on an unexpected one.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "driver/session.h"
#include "support/diagnostic_render.h"

namespace fs = std::filesystem;

namespace {

struct Key {
  std::string file;  // relative to the case directory
  std::uint32_t line;
  std::string severity;
  std::string code;
  friend bool operator<(const Key& a, const Key& b) {
    return std::tie(a.file, a.line, a.severity, a.code) < std::tie(b.file, b.line, b.severity, b.code);
  }
};

std::string describe(const Key& k) { return k.file + ":" + std::to_string(k.line) + ": " + k.severity + " [" + k.code + "]"; }

std::multiset<Key> expectations(const fs::path& dir) {
  std::multiset<Key> out;
  static const std::regex re(R"(#\s*expect(-warning)?(@([+-]\d+))?:\s*([a-z0-9-]+(\s*,\s*[a-z0-9-]+)*))");
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && (e.path().extension() == ".yml" || e.path().extension() == ".yaml")) files.push_back(e.path());
  }
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    std::uint32_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      std::string rest = line;
      while (std::regex_search(rest, m, re)) {
        const std::int64_t offset = m[3].matched ? std::stoll(m[3].str()) : 0;
        std::stringstream codes(m[4].str());
        std::string code;
        while (std::getline(codes, code, ',')) {
          code.erase(0, code.find_first_not_of(' '));
          code.erase(code.find_last_not_of(' ') + 1);
          out.insert(Key{fs::relative(path, dir).string(), static_cast<std::uint32_t>(n + offset),
                         m[1].matched ? "warning" : "error", code});
        }
        rest = m.suffix();
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every broken definition produces exactly its annotated diagnostics") {
  const fs::path root = FORMC_DIAGNOSTIC_CASES;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 40);
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      const auto expected = expectations(dir);
      REQUIRE_FALSE(expected.empty());  // a case without annotations tests nothing
      formc::driver::CommonOptions options;
      options.paths = {dir.string()};
      options.library = FORMC_STANDARD_LIBRARY;
      formc::driver::Session session(options);
      (void)session.load();
      std::multiset<Key> actual;
      for (const auto& d : session.diagnostics().sorted()) {
        if (!d.span.valid()) continue;
        const auto& file = session.sources().file(d.span.file);
        const fs::path p = file.path();
        const auto loc = session.sources().locate(d.span);
        actual.insert(Key{fs::relative(p, dir).string(), loc.line, std::string(formc::support::to_string(d.severity)),
                          std::string(formc::support::info(d.code).code)});
      }
      std::vector<std::string> missing, unexpected;
      std::multiset<Key> remaining = actual;
      for (const auto& k : expected) {
        auto it = remaining.find(k);
        if (it == remaining.end()) {
          missing.push_back(describe(k));
        } else {
          remaining.erase(it);
        }
      }
      for (const auto& k : remaining) unexpected.push_back(describe(k));
      INFO("rendered diagnostics:\n" << formc::support::render_text(session.sources(), session.diagnostics().sorted()));
      std::string report;
      for (const auto& m : missing) report += "missing    " + m + "\n";
      for (const auto& u : unexpected) report += "unexpected " + u + "\n";
      INFO(report);
      CHECK(missing.empty());
      CHECK(unexpected.empty());
    }
  }
}
