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
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "driver/session.h"
#include "gen/cpp/cpp_generator.h"
#include "gen/html/html_generator.h"
#include "gen/json_schema/json_schema_generator.h"
#include "gen/manifest.h"
#include "gen/output_set.h"
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


// Loads one configuration root and compares its diagnostics with its
// annotations; returns the session for further checks.
std::unique_ptr<formc::driver::Session> check_annotated(const fs::path& dir) {
  const auto expected = expectations(dir);
  REQUIRE_FALSE(expected.empty());  // a case without annotations tests nothing
  formc::driver::CommonOptions options;
  options.paths = {dir.string()};
  options.library = FORMC_STANDARD_LIBRARY;
  auto session = std::make_unique<formc::driver::Session>(options);
  (void)session->load();
  std::multiset<Key> actual;
  for (const auto& d : session->diagnostics().sorted()) {
    if (!d.span.valid()) continue;
    const auto& file = session->sources().file(d.span.file);
    const fs::path p = file.path();
    const auto loc = session->sources().locate(d.span);
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
  INFO("rendered diagnostics:\n" << formc::support::render_text(session->sources(), session->diagnostics().sorted()));
  std::string report;
  for (const auto& m : missing) report += "missing    " + m + "\n";
  for (const auto& u : unexpected) report += "unexpected " + u + "\n";
  INFO(report);
  CHECK(missing.empty());
  CHECK(unexpected.empty());
  return session;
}

std::vector<fs::path> case_dirs(const fs::path& root) {
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// Every output formc compile would write for a loaded session, in memory.
formc::gen::OutputSet generate(const formc::driver::Session& session) {
  formc::gen::OutputSet out;
  formc::gen::json_schema::JsonSchemaGenerator().generate(session.module(), out);
  formc::gen::html::HtmlGenerator().generate(session.module(), out);
  formc::gen::cpp::CppGenerator().generate(session.module(), out);
  formc::gen::add_manifest(session.module(), out);
  return out;
}

bool any_output_contains(const formc::gen::OutputSet& out, std::string_view text) {
  return std::any_of(out.files().begin(), out.files().end(),
                     [&](const auto& f) { return f.second.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("every broken definition produces exactly its annotated diagnostics") {
  const auto cases = case_dirs(FORMC_DIAGNOSTIC_CASES);
  REQUIRE(cases.size() >= 40);
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) { (void)check_annotated(dir); }
  }
}

// tests/diagnostics/tolerated: what DataPass serves compiles, with warnings.
TEST_CASE("what DataPass accepts compiles with a warning, not an error") {
  const auto cases = case_dirs(FORMC_TOLERATED_CASES);
  REQUIRE(cases.size() >= 3);
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      for (const auto& k : expectations(dir)) {
        INFO(describe(k));
        CHECK(k.severity == "warning");
      }
      const auto session = check_annotated(dir);
      CHECK_FALSE(session->diagnostics().has_errors());
      CHECK(session->diagnostics().warning_count() > 0);
    }
  }
}

TEST_CASE("normalised values are the ones the outputs use") {
  const auto session = check_annotated(fs::path(FORMC_TOLERATED_CASES) / "01_whitespace_around_values");
  REQUIRE_FALSE(session->diagnostics().has_errors());
  const auto& module = session->module();
  const auto* def = module.find_definition("api_demo");
  REQUIRE(def);
  CHECK(def->link == "https://api.gouv.fr/les-api/api-demo");
  CHECK(def->cgu_link == "/cgus/cgu_api_demo.pdf");
  CHECK(def->access_link == "https://demo.api.gouv.fr/compte/jetons/%{external_provider_id}");
  CHECK(def->support_email == "support@demo.gouv.fr");
  REQUIRE(def->find_scope("identite"));
  CHECK(def->find_scope("identite")->link == "https://api.gouv.fr/identite");
  CHECK(def->find_scope("identite")->deprecated_since == "2025-05-20");
  REQUIRE(module.eligibility_rules.size() == 1);
  REQUIRE(module.eligibility_rules[0].options.at(0).cta);
  CHECK(module.eligibility_rules[0].options[0].cta->url == "/formulaires/api-demo/demande/nouveau");

  const auto out = generate(*session);
  // The CGU checkbox links to the trimmed path; the scope's link and
  // deprecation, the C++ metadata and the eligibility call to action too.
  CHECK(any_output_contains(out, "href=\"/cgus/cgu_api_demo.pdf\""));
  CHECK(any_output_contains(out, "href=\"https://api.gouv.fr/identite\""));
  CHECK(any_output_contains(out, "href=\"/formulaires/api-demo/demande/nouveau\""));
  CHECK(any_output_contains(out, "https://demo.api.gouv.fr/compte/jetons/"));
  for (const char* raw : {" https://api.gouv.fr/les-api/api-demo ", "cgu_api_demo.pdf\\n", "cgu_api_demo.pdf\n", "HTTPS://",
                          "  support@demo.gouv.fr", "identite  ", " 2025-05-20 ", "  /formulaires"}) {
    INFO(raw);
    CHECK_FALSE(any_output_contains(out, raw));
  }
}

TEST_CASE("a duplicate key or a redefined id keeps the later one, as DataPass") {
  const auto session = check_annotated(fs::path(FORMC_TOLERATED_CASES) / "03_duplicate_keys_and_ids");
  REQUIRE_FALSE(session->diagnostics().has_errors());
  const auto& module = session->module();
  REQUIRE(module.definitions.size() == 1);
  CHECK(module.definitions[0].name == "API Démo (retenue)");
  CHECK(module.definitions[0].description == "La définition retenue.");
  CHECK(module.definitions[0].source_file == "authorization_definitions/b.yml");
}
