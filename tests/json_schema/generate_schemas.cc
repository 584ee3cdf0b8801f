// Test helper: writes the JSON Schemas of every form under PATH... to OUTDIR
// (OUTDIR/schemas/<uid>.schema.json, as `formc compile` lays them out), and
// the authoring schema to OUTDIR/formc-definitions.schema.json. Stands in
// for `formc compile` in the tests, so they exercise the library directly.
//
//   generate_schemas OUTDIR PATH...     exit 0, 1 (errors while loading), 2 (usage)
//   generate_schemas --gaps PATH...     prints the schema gaps (expr-not-in-schema)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "driver/session.h"
#include "gen/json_schema/authoring_schema.h"
#include "gen/json_schema/json_schema_generator.h"
#include "gen/output_set.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: generate_schemas OUTDIR|--gaps PATH...\n";
    return 2;
  }
  const std::string out_dir = argv[1];
  formc::driver::CommonOptions options;
  for (int i = 2; i < argc; ++i) options.paths.emplace_back(argv[i]);
  options.library = FORMC_STANDARD_LIBRARY;
  formc::driver::Session session(options);
  if (!session.load()) {
    session.print_diagnostics();
    return 1;
  }
  const auto& module = session.module();
  if (out_dir == "--gaps") {
    std::size_t n = 0;
    for (const auto& def : module.definitions) {
      for (const auto& gap : formc::gen::json_schema::schema_gaps(def)) {
        std::cout << def.id << ": " << gap.message << "\n";
        ++n;
      }
    }
    std::cout << n << " gap(s) in " << module.definitions.size() << " definition(s)\n";
    return 0;
  }
  formc::gen::OutputSet out;
  formc::gen::json_schema::JsonSchemaGenerator().generate(module, out);
  out.add("formc-definitions.schema.json", formc::gen::json_schema::authoring_schema().dump(2) + "\n");
  for (const auto& [path, content] : out.files()) {
    const fs::path target = fs::path(out_dir) / path;
    fs::create_directories(target.parent_path());
    std::ofstream f(target, std::ios::binary);
    f << content;
    if (!f) {
      std::cerr << "cannot write " << target << "\n";
      return 1;
    }
  }
  std::cout << out.files().size() << " file(s) written to " << out_dir << "\n";
  return 0;
}
