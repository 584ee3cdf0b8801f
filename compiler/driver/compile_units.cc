#include "driver/compile_units.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <string_view>
#include <utility>

#include "support/parallel.h"
#include "gen/manifest.h"
#include "gen/units.h"

namespace formc::driver {
namespace fs = std::filesystem;

namespace {

// What the previous state knows, looked up by definition id and by output path.
class PreviousUnits {
 public:
  PreviousUnits(const CompileState* state, std::size_t generators) {
    // Another formc, or another set of generators, may write other bytes: nothing is reused.
    if (!state || state->generator != generator_identity()) return;
    for (const auto& unit : state->units) {
      if (unit.notes.size() == generators) units_.emplace(unit.definition, &unit);
    }
    for (std::size_t i = 0; i < state->outputs.size() && i < state->output_stamps.size(); ++i) {
      stamps_.emplace(state->outputs[i], state->output_stamps[i]);
    }
  }

  // The record of `definition` if it has `fingerprint` and its outputs are
  // on disk as recorded, else null. `stamps` receives the outputs' stamps.
  [[nodiscard]] const UnitRecord* reusable(const std::string& definition, const std::string& fingerprint,
                                           const fs::path& out_dir, std::vector<std::string>& stamps) const {
    const auto it = units_.find(definition);
    if (it == units_.end() || it->second->fingerprint != fingerprint) return nullptr;
    stamps.clear();
    for (const auto& rel : it->second->outputs) {
      const auto recorded = stamps_.find(rel);
      if (recorded == stamps_.end() || recorded->second.empty()) return nullptr;
      if (file_stamp((out_dir / rel).string()) != recorded->second) return nullptr;
      stamps.push_back(recorded->second);
    }
    return it->second;
  }

 private:
  std::map<std::string, const UnitRecord*, std::less<>> units_;
  std::map<std::string, std::string, std::less<>> stamps_;
};

}  // namespace

namespace {

// A definition's forms are generated in parts of about this many forms, so
// that the parts of a large definition keep every core busy.
constexpr std::size_t kFormsPerPart = 4;
constexpr std::size_t kMaxParts = 32;

struct Task {
  std::size_t unit, part, cost;
};

}  // namespace

bool compile_units(const model::Module& module, const std::vector<const gen::Generator*>& generators,
                   const CompileState* previous, const std::string& out_dir, UnitCompile& result, std::string& error) {
  const std::size_t n = module.definitions.size();
  const PreviousUnits before(previous, generators.size());
  const gen::UnitFingerprints fingerprints(module);
  const fs::path root(out_dir);

  // Per definition, filled by its own task: its record, and whether it was
  // reused (with its outputs' stamps).
  std::vector<UnitRecord> records(n);
  std::vector<char> reused(n, 0);
  std::vector<std::vector<std::string>> stamps(n);
  support::run_parallel(n, [&](std::size_t i) {
    UnitRecord& record = records[i];
    record.definition = module.definitions[i].id;
    record.fingerprint = fingerprints.fingerprint(i);
    if (const UnitRecord* old = before.reusable(record.definition, record.fingerprint, root, stamps[i])) {
      reused[i] = 1;
      record.outputs = old->outputs;
      record.notes = old->notes;
    }
  });

  // The definitions to generate, cut into parts, the costliest handed out
  // first (the schedule changes nothing in the outputs: see generator.h).
  std::vector<Task> tasks;
  std::vector<std::vector<gen::OutputSet>> sets(n);
  std::vector<std::atomic<std::size_t>> remaining(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (reused[i]) {
      result.stats.kept += records[i].outputs.size();
      continue;
    }
    ++result.regenerated;
    const std::size_t forms = module.forms_of(module.definitions[i].id).size();
    const std::size_t parts = std::clamp<std::size_t>((forms + kFormsPerPart - 1) / kFormsPerPart, 1, kMaxParts);
    sets[i].resize(parts);
    remaining[i] = parts;
    for (std::size_t part = 0; part < parts; ++part) {
      const std::size_t part_forms = forms / parts + (part < forms % parts ? 1 : 0);
      tasks.push_back(Task{i, part, part_forms + (part == 0 ? 1 : 0)});
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.cost > b.cost; });

  // Each part is written as soon as it is generated; the last part of a
  // definition to finish gathers its parts for the notes, then frees them.
  std::vector<gen::CommitStats> stats(tasks.size());
  std::vector<std::string> errors(tasks.size());
  support::run_parallel(tasks.size(), [&](std::size_t t) {
    const Task& task = tasks[t];
    gen::OutputSet& set = sets[task.unit][task.part];
    for (const gen::Generator* g : generators) {
      g->generate_definition(module, task.unit, task.part, sets[task.unit].size(), set);
    }
    (void)gen::write_files(set, out_dir, stats[t], errors[t]);
    if (remaining[task.unit].fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    gen::OutputSet all;
    for (auto& part : sets[task.unit]) all.merge(std::move(part));
    UnitRecord& record = records[task.unit];
    for (const gen::Generator* g : generators) record.notes.push_back(g->note(module, task.unit, all));
    for (const auto& [rel, content] : all.files()) record.outputs.push_back(rel);
    sets[task.unit].clear();
  });
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (!errors[t].empty()) {
      error = errors[t];
      return false;
    }
    result.stats.add(stats[t]);
  }

  // The outputs that need every definition, as a full compile writes them.
  std::vector<std::pair<std::string, std::string>> all;  // path, stamp if kept
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < records[i].outputs.size(); ++k) {
      all.emplace_back(records[i].outputs[k], reused[i] ? stamps[i][k] : std::string());
    }
  }
  std::sort(all.begin(), all.end());
  gen::OutputSet global;
  for (std::size_t g = 0; g < generators.size(); ++g) {
    std::vector<std::string> notes;
    notes.reserve(n);
    for (const auto& record : records) notes.push_back(record.notes[g]);
    generators[g]->finish(module, notes, global);
  }
  gen::add_manifest(
      module,
      [&](const std::string& path) {
        const auto it = std::lower_bound(all.begin(), all.end(), path,
                                         [](const auto& entry, const std::string& p) { return entry.first < p; });
        return global.contains(path) || (it != all.end() && it->first == path);
      },
      global);
  if (!gen::write_files(global, out_dir, result.stats, error)) return false;
  for (const auto& [rel, content] : global.files()) all.emplace_back(rel, std::string());
  std::sort(all.begin(), all.end());

  result.outputs.reserve(all.size());
  result.output_stamps.reserve(all.size());
  for (auto& [rel, stamp] : all) {
    result.outputs.push_back(std::move(rel));
    result.output_stamps.push_back(std::move(stamp));
  }
  result.units = std::move(records);
  return gen::record_outputs(result.outputs, out_dir, result.stats, error);
}

}  // namespace formc::driver
