// Benchmark (not a test): the generated C++ validator end to end from JSON
// text — T::validate_json_text(text, submit context, form), i.e. parsing
// into the typed class then validating — on a set of documents.
//
//   bench_validator_<corpus> FORM_UID DOCS N RUNS
// DOCS: one JSON document per line. Each run validates N documents (cycling
// through DOCS); prints one JSON line: the median docs/s of RUNS runs, every
// run's figure, and how many of the file's documents are valid.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "registry.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench_validator FORM_UID DOCS N RUNS\n";
    return 2;
  }
  const std::string uid = argv[1];
  const formc_test::GeneratedClass* cls = nullptr;
  const formc::rt::FormInfo* form = nullptr;
  for (const auto& c : formc_test::generated_classes())
    for (const auto& f : c.forms())
      if (f.uid == uid) cls = &c, form = &f;
  if (!form) {
    std::cerr << "no form " << uid << "\n";
    return 2;
  }
  std::vector<std::string> docs;
  std::size_t bytes = 0;
  {
    std::ifstream in(argv[2], std::ios::binary);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) bytes += line.size(), docs.push_back(std::move(line));
  }
  if (docs.empty()) return 2;
  const long n = std::stol(argv[3]);
  const int runs = std::stoi(argv[4]);
  formc::rt::Context context = formc::rt::Context::submit();
  context.today = formc::rt::date(2026, 1, 15);

  std::size_t valid = 0;
  for (const auto& d : docs) valid += cls->validate_json_text(d, context, *form).valid();
  std::vector<double> rates;
  std::size_t sink = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) sink += cls->validate_json_text(docs[static_cast<std::size_t>(i) % docs.size()], context, *form).errors.size();
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    rates.push_back(static_cast<double>(n) / dt.count());
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  std::printf("{\"engine\":\"cpp\",\"form\":\"%s\",\"docs\":%zu,\"avg_bytes\":%zu,\"valid\":%zu,\"n\":%ld,\"docs_per_s\":%.0f,\"runs\":[",
              uid.c_str(), docs.size(), bytes / docs.size(), valid, n, sorted[sorted.size() / 2]);
  for (std::size_t i = 0; i < rates.size(); ++i) std::printf("%s%.0f", i ? "," : "", rates[i]);
  std::printf("],\"sink\":%zu}\n", sink);
  return 0;
}
