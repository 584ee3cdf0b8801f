// The generated C++ validator against ajv, end to end from JSON text, on the
// same form (API Pro Santé Connect, definitions/) and the same documents
// (documents.json: a realistic 25-field request, ~1.7 KB, and an invalid one).
//
//   cpp_validator_bench --schema FILE          writes the form's JSON Schema (2020-12)
//   cpp_validator_bench DOCS [ITERATIONS RUNS]  times the generated validator
//
// Prints one JSON object per document: {"doc", "valid", "errors", "docs_per_s",
// "ns_per_doc"} (median of RUNS runs of ITERATIONS validations, after a warm-up).
// run.sh runs this and ajv_bench.js in one go and prints the ratio.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpp/ans/api_pro_sante_connect.h"
#include "driver/session.h"
#include "gen/json_schema/json_schema_generator.h"

using PSC = formc_generated::ans::APIProSanteConnect;

namespace {

constexpr const char* kForm = "api-pro-sante-connect";

int write_schema(const std::string& path) {
  formc::driver::CommonOptions options;
  options.paths = {FORMC_DEFINITIONS_DIR};
  options.library = FORMC_DEFINITIONS_DIR "/library";
  formc::driver::Session session(options);
  if (!session.load()) {
    session.print_diagnostics();
    return 1;
  }
  const auto* form = session.module().find_form(kForm);
  const auto* def = form ? session.module().find_definition(form->definition_id) : nullptr;
  if (!def) {
    std::cerr << "form " << kForm << " not found\n";
    return 1;
  }
  std::ofstream out(path);
  out << formc::gen::json_schema::form_schema(*def, *form).dump(2) << "\n";
  return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--schema") return write_schema(argv[2]);
  if (argc < 2) {
    std::cerr << "usage: cpp_validator_bench --schema FILE | DOCS.json [ITERATIONS RUNS]\n";
    return 2;
  }
  const long iterations = argc > 2 ? std::stol(argv[2]) : 1000000;
  const int runs = argc > 3 ? std::stoi(argv[3]) : 5;
  std::ifstream in(argv[1]);
  const auto docs = nlohmann::ordered_json::parse(in);
  const formc::rt::FormInfo* form = PSC::find_form(kForm);
  const formc::rt::Context context = formc::rt::Context::submit();
  for (const auto& [name, doc] : docs.items()) {
    const std::string text = doc.dump();  // compact, as a client sends it
    std::size_t sink = 0;
    for (long i = 0; i < std::min(iterations, 20000L); ++i) sink += PSC::validate_json_text(text, context, *form).errors.size();
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      for (long i = 0; i < iterations; ++i) sink += PSC::validate_json_text(text, context, *form).errors.size();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      rates.push_back(static_cast<double>(iterations) / seconds);
    }
    std::sort(rates.begin(), rates.end());
    const double median = rates[rates.size() / 2];
    const auto result = PSC::validate_json_text(text, context, *form);
    nlohmann::ordered_json line;
    line["doc"] = name;
    line["bytes"] = text.size();
    line["valid"] = result.valid();
    line["errors"] = result.errors.size();
    line["docs_per_s"] = static_cast<long>(median);
    line["ns_per_doc"] = static_cast<long>(1e9 / median);
    line["sink"] = sink > 0;
    std::cout << line.dump() << std::endl;
  }
  return 0;
}
