// The DataPass v2 reference corpus (../shared/reference/datapass-v2) loads
// with no error: 23 definitions, 132 forms, every form resolved.
//
// The corpus is present in CI and absent in a fresh clone: without it this
// executable prints why and exits 77, which CTest reports as skipped
// (SKIP_RETURN_CODE in tests/unit/CMakeLists.txt).

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <string>

#include "driver/session.h"
#include "support/diagnostic_render.h"

namespace fs = std::filesystem;
using formc::support::DiagCode;

namespace {

const fs::path kCorpus = fs::path(FORMC_SHARED_REFERENCE) / "datapass-v2";

// Top-level keys of every file of a folder, read without YAML: the count the
// compiler must agree with.
std::set<std::string> top_level_keys(const fs::path& folder) {
  std::set<std::string> keys;
  static const std::regex key(R"(^([a-z0-9_-]+):)");
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() != ".yml") continue;
    std::ifstream in(e.path());
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
      if (std::regex_search(line, m, key)) keys.insert(m[1].str());
    }
  }
  return keys;
}

struct Loaded {
  formc::driver::Session session;
  bool ok = false;
  explicit Loaded(formc::driver::CommonOptions options) : session(std::move(options)) { ok = session.load(); }
};

formc::driver::CommonOptions corpus_options() {
  formc::driver::CommonOptions options;
  options.paths = {kCorpus.string()};
  options.library = FORMC_STANDARD_LIBRARY;
  return options;
}

Loaded& corpus() {
  static Loaded loaded{corpus_options()};
  return loaded;
}

}  // namespace

TEST_CASE("the corpus loads without errors", "[corpus]") {
  auto& c = corpus();
  INFO(formc::support::render_text(c.session.sources(), c.session.diagnostics().sorted()));
  CHECK(c.ok);
  CHECK(c.session.diagnostics().error_count() == 0);
  // Every diagnostic is located in a corpus or library file.
  for (const auto& d : c.session.diagnostics().all()) CHECK(d.span.valid());
}

TEST_CASE("the corpus has 23 definitions and 132 forms", "[corpus]") {
  const auto& m = corpus().session.module();
  CHECK(m.definitions.size() == 23);
  CHECK(m.forms.size() == 132);
  // The same numbers as a plain reading of the files.
  CHECK(m.definitions.size() == top_level_keys(kCorpus / "authorization_definitions").size());
  CHECK(m.forms.size() == top_level_keys(kCorpus / "authorization_request_forms").size());
}

TEST_CASE("every corpus form resolves to a definition and every definition has a form", "[corpus]") {
  const auto& m = corpus().session.module();
  for (const auto& form : m.forms) {
    INFO(form.uid << " -> " << form.authorization_request.value);
    CHECK_FALSE(form.definition_id.empty());
    CHECK(m.find_definition(form.definition_id) != nullptr);
  }
  for (const auto& def : m.definitions) {
    INFO(def.id);
    CHECK_FALSE(m.forms_of(def.id).empty());
    CHECK_FALSE(def.blocks.empty());
  }
  CHECK(corpus().session.diagnostics().all().size() > 0);  // the corpus's known warnings
  std::size_t unresolved = 0;
  for (const auto& d : corpus().session.diagnostics().all()) {
    if (d.code == DiagCode::UnresolvedDefinition || d.code == DiagCode::UnresolvedBlock ||
        d.code == DiagCode::UnresolvedField || d.code == DiagCode::UnresolvedScope) {
      ++unresolved;
    }
  }
  CHECK(unresolved == 0);
}

TEST_CASE("corpus details that exercise the YAML traps", "[corpus]") {
  const auto& m = corpus().session.module();
  // api_particulier's scopes are anchored sub-lists, flattened.
  const auto* particulier = m.find_definition("api_particulier");
  REQUIRE(particulier != nullptr);
  CHECK(particulier->scopes.size() > 20);
  CHECK(particulier->class_name == "APIParticulier");
  // Every scope value of a definition is unique after flattening.
  for (const auto& def : m.definitions) {
    std::set<std::string> values;
    for (const auto& s : def.scopes) {
      INFO(def.id << " " << s.value);
      CHECK(values.insert(s.value).second);
    }
  }
  // Eligibility rules and service providers as the files list them.
  CHECK(m.eligibility_rules.size() == 13);
  CHECK(m.service_providers.size() == 70);  // DATAPASS.md §6.4
  // formulaire-qf's personal_data step is instantiated although its definition does not list it.
  const auto* qf = m.find_definition("formulaire_qf");
  REQUIRE(qf != nullptr);
  CHECK(qf->find_block("personal_data") != nullptr);
}

int main(int argc, char* argv[]) {
  std::error_code ec;
  if (!fs::is_directory(kCorpus, ec)) {
    std::cout << "SKIPPED: the DataPass reference corpus is not at " << kCorpus.string() << "\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
