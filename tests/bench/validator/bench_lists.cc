// Benchmark (not a test): hostile list lengths. For each list field of a
// form's definition (multiselect, scopes, documents: model::list_bound), a
// request whose list holds ITEMS distinct items, validated end to end from
// JSON text in the submit context by
//   - the generated C++ class (T::validate_json_text: read, then validate),
//   - the interpreter (nlohmann::json::parse, then formc::validate::validate,
//     what `formc validate` and formd --dev run; timed apart),
// and the same with every list field long at once.
//
//   bench_lists_<corpus> FORM_UID LIBRARY ROOT ITEMS RUNS
// Prints one JSON line per case: the request's size, both engines' error
// counts (all, and those about the long lists: one per list), and the median
// milliseconds of RUNS runs (every run's figure too) of the generated class
// end to end, of nlohmann's parse, and of the interpreter's validate(). A
// list over its bound is one error, so the counts stay small however long
// the list; the times show the work is linear in ITEMS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/session.h"
#include "registry.h"
#include "validate/validator.h"

using json = nlohmann::json;

namespace {

struct Engines {
  const formc_test::GeneratedClass* cls = nullptr;
  const formc::rt::FormInfo* info = nullptr;
  const formc::model::Definition* def = nullptr;
  const formc::model::Form* form = nullptr;
};

// ITEMS distinct values of the field's kind (files for documents).
json long_list(const formc::model::Field& f, int items) {
  json list = json::array();
  for (int i = 0; i < items; ++i) {
    if (f.type == formc::model::FieldType::Document) {
      list.push_back({{"name", "piece_" + std::to_string(i) + ".pdf"}, {"content_type", "application/pdf"}, {"size", 1000}});
    } else {
      list.push_back("element_" + std::to_string(i));
    }
  }
  return list;
}

// Median of `runs` timings of fn(), in milliseconds; every run's figure in `all`.
template <class Fn>
double median_ms(int runs, std::vector<double>& all, Fn fn) {
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const std::chrono::duration<double, std::milli> dt = std::chrono::steady_clock::now() - t0;
    all.push_back(dt.count());
  }
  std::vector<double> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  return sorted[sorted.size() / 2];
}

void print_runs(const std::vector<double>& runs) {
  for (std::size_t i = 0; i < runs.size(); ++i) std::printf("%s%.3f", i ? "," : "", runs[i]);
}

// The errors about the long lists (the others: required fields left empty).
std::size_t list_errors(const std::vector<std::string>& fields, const std::vector<std::string>& long_fields) {
  return static_cast<std::size_t>(std::count_if(fields.begin(), fields.end(), [&](const std::string& f) {
    return std::find(long_fields.begin(), long_fields.end(), f) != long_fields.end();
  }));
}

template <class E>
std::vector<std::string> fields_of(const std::vector<E>& errors) {
  std::vector<std::string> out;
  for (const auto& err : errors) out.push_back(err.field);
  return out;
}

void bench(const Engines& e, const std::string& name, const std::vector<std::string>& long_fields, const std::string& text,
           int runs) {
  formc::rt::Context context = formc::rt::Context::submit();
  context.today = formc::rt::date(2026, 1, 15);
  const auto interpreter_context = *formc::validate::Context::parse("submit");
  std::vector<std::string> cpp_fields, interp_fields;
  std::vector<double> cpp_runs, parse_runs, interp_runs;
  const double cpp = median_ms(runs, cpp_runs, [&] { cpp_fields = fields_of(e.cls->validate_json_text(text, context, *e.info).errors); });
  // The interpreter takes a parsed document: nlohmann's parse, then validate(), timed apart.
  json doc;
  const double parse = median_ms(runs, parse_runs, [&] { doc = json::parse(text); });
  const double interp = median_ms(runs, interp_runs, [&] {
    std::string problem;
    const auto errors = formc::validate::validate(*e.def, *e.form, doc, interpreter_context, *context.today, problem);
    interp_fields = errors ? fields_of(*errors) : std::vector<std::string>{};
  });
  std::printf(
      "{\"case\":\"%s\",\"bytes\":%zu,\"cpp_errors\":%zu,\"cpp_list_errors\":%zu,\"interp_errors\":%zu,"
      "\"interp_list_errors\":%zu,\"cpp_ms\":%.3f,\"interp_parse_ms\":%.3f,\"interp_validate_ms\":%.3f,\"cpp_runs\":[",
      name.c_str(), text.size(), cpp_fields.size(), list_errors(cpp_fields, long_fields), interp_fields.size(),
      list_errors(interp_fields, long_fields), cpp, parse, interp);
  print_runs(cpp_runs);
  std::printf("],\"parse_runs\":[");
  print_runs(parse_runs);
  std::printf("],\"interp_runs\":[");
  print_runs(interp_runs);
  std::printf("]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: bench_lists FORM_UID LIBRARY ROOT ITEMS RUNS\n";
    return 2;
  }
  const std::string uid = argv[1];
  formc::driver::CommonOptions options;
  options.library = argv[2];
  options.paths = {argv[3]};
  formc::driver::Session session(options);
  if (!session.load()) {
    session.print_diagnostics();
    return 1;
  }
  const int items = std::stoi(argv[4]);
  const int runs = std::stoi(argv[5]);

  Engines e;
  e.form = session.module().find_form(uid);
  if (e.form) e.def = session.module().find_definition(e.form->definition_id);
  for (const auto& c : formc_test::generated_classes())
    for (const auto& f : c.forms())
      if (f.uid == uid) e.cls = &c, e.info = &f;
  if (!e.form || !e.def || !e.cls) {
    std::cerr << "no form " << uid << "\n";
    return 2;
  }

  json all = json::object();
  std::vector<std::string> long_fields;
  for (const auto& block : e.def->blocks) {
    for (const auto& f : block.fields) {
      if (!formc::model::list_bound(f, *e.def)) continue;
      const json list = long_list(f, items);
      all[f.name] = list;
      long_fields.push_back(f.name);
      bench(e, f.name, {f.name}, json{{f.name, list}}.dump(), runs);
    }
  }
  if (long_fields.size() > 1) bench(e, "every list", long_fields, all.dump(), runs);
  return 0;
}
