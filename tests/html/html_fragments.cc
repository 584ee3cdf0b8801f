// Test-only driver: loads definitions through driver::Session, runs the HTML
// generator and writes its OutputSet under OUTDIR (emptied first). It stands
// in for `formc compile` in tests/html until the lead wires the generator.
//
//   html_fragments OUTDIR PATH...     exit 0, or 1 when the definitions have errors
#include <filesystem>
#include <fstream>
#include <iostream>

#include "driver/session.h"
#include "gen/html/html_generator.h"
#include "gen/output_set.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: html_fragments OUTDIR PATH...\n";
    return 2;
  }
  formc::driver::CommonOptions options;
  options.library = FORMC_STANDARD_LIBRARY;
  for (int i = 2; i < argc; ++i) options.paths.emplace_back(argv[i]);
  formc::driver::Session session(options);
  const bool ok = session.load();
  if (!ok) {
    session.print_diagnostics();
    return 1;
  }
  formc::gen::OutputSet outputs;
  formc::gen::html::HtmlGenerator().generate(session.module(), outputs);
  const fs::path out_dir = argv[1];
  std::error_code ec;
  fs::remove_all(out_dir, ec);
  for (const auto& [path, content] : outputs.files()) {
    const fs::path target = out_dir / path;
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out << content;
    if (!out) {
      std::cerr << "cannot write " << target << "\n";
      return 1;
    }
  }
  std::cout << outputs.files().size() << " files written to " << out_dir.string() << "\n";
  return 0;
}
