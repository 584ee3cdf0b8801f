#include "driver/compile.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "driver/compile_state.h"
#include "gen/commit.h"
#include "gen/manifest.h"

namespace formc::driver {
namespace fs = std::filesystem;

namespace {

// FORMC_TIMINGS=1 prints how long each phase took (tests/bench/bench_check.sh).
class Timings {
 public:
  Timings() : on_(std::getenv("FORMC_TIMINGS") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void phase(std::string_view name) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    parts_ += fmt::format("{}{} {:.1f} ms", parts_.empty() ? "" : ", ", name,
                          std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }
  // A figure inside the current phase (a generator's own time).
  void note(std::string_view text) {
    if (on_) notes_ += fmt::format("{}{}", notes_.empty() ? "" : ", ", text);
  }
  ~Timings() {
    if (on_) std::cerr << "formc: timings: " << parts_ << (notes_.empty() ? "" : " (" + notes_ + ")") << "\n";
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  std::string parts_, notes_;
};

// Runs `tasks` on up to as many threads as the machine has cores (the
// calling thread is one of them). Each task writes only its own result.
void run_parallel(std::vector<std::function<void()>>& tasks) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min(cores, tasks.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

// Every generator on the checked module, each cut into parts that run in
// parallel (into sets of their own, merged in a fixed order: the bytes never
// depend on scheduling), then each generator's finish() on the merged set.
gen::OutputSet generate(const model::Module& module, const std::vector<const gen::Generator*>& generators, Timings& timings) {
  const std::size_t parts = std::max(1u, std::thread::hardware_concurrency());
  std::vector<gen::OutputSet> sets(generators.size() * parts);
  std::vector<double> took(sets.size());
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < generators.size(); ++i) {
    for (std::size_t part = 0; part < parts; ++part) {
      tasks.emplace_back([&, i, part] {
        const auto start = std::chrono::steady_clock::now();
        generators[i]->generate_part(module, part, parts, sets[i * parts + part]);
        took[i * parts + part] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      });
    }
  }
  run_parallel(tasks);
  gen::OutputSet outputs;
  for (auto& set : sets) outputs.merge(std::move(set));
  for (std::size_t i = 0; i < generators.size(); ++i) {
    generators[i]->finish(module, outputs);
    double total = 0;
    for (std::size_t part = 0; part < parts; ++part) total += took[i * parts + part];
    timings.note(fmt::format("{} {:.1f} ms", generators[i]->name(), total));
  }
  gen::add_manifest(module, outputs);
  return outputs;
}

// Loads, checks and generates everything in memory; nullopt on errors.
std::optional<gen::OutputSet> generate_all(Session& session, const std::vector<const gen::Generator*>& generators,
                                           Timings& timings) {
  const bool ok = session.load();
  session.print_diagnostics();
  timings.phase("load and check");
  if (!ok) {
    std::cerr << "formc: no output written because of the errors above\n";
    return std::nullopt;
  }
  auto outputs = generate(session.module(), generators, timings);
  timings.phase("generate");
  return outputs;
}

std::string depfile_target(const CompileOptions& options) {
  return options.depfile_target.empty() ? (fs::path(options.out_dir) / "manifest.json").string() : options.depfile_target;
}

}  // namespace

int list_compile_outputs(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Session session(options.common);
  Timings timings;
  const auto outputs = generate_all(session, generators, timings);
  if (!outputs) return 1;
  const fs::path root = fs::absolute(options.out_dir).lexically_normal();
  for (const auto& [rel, content] : outputs->files()) std::cout << (root / rel).string() << "\n";
  return 0;
}

int run_compile(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Timings timings;
  Session session(options.common);
  std::string error;

  // Nothing changed since the last successful run: say what it said, touch nothing.
  const std::string key = input_key(options.common, session.library_directory());
  if (const auto state = read_state(options.out_dir); state && state->key == key && outputs_intact(options.out_dir, *state)) {
    std::cout << state->diagnostics_out;
    std::cerr << state->diagnostics_err;
    if (!options.depfile.empty() && !gen::write_depfile(options.depfile, depfile_target(options), state->inputs, error)) {
      std::cerr << "formc: error: " << error << "\n";
      return 1;
    }
    timings.phase("no-op (inputs unchanged)");
    if (!options.quiet) {
      std::cerr << fmt::format("formc: {} files: 0 written, {} unchanged, 0 removed\n", state->outputs.size(),
                               state->outputs.size());
    }
    return 0;
  }
  timings.phase("inputs changed");

  const auto generated = generate_all(session, generators, timings);
  if (!generated) return 1;
  const gen::OutputSet& outputs = *generated;

  gen::CommitStats stats;
  // Until the new state is recorded, no stale one may vouch for the outputs.
  remove_state(options.out_dir);
  if (!gen::commit_outputs(outputs, options.out_dir, stats, error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  timings.phase("write");
  if (!options.depfile.empty() && !gen::write_depfile(options.depfile, depfile_target(options), session.module().inputs, error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  CompileState state;
  state.key = key;
  state.inputs = session.module().inputs;
  for (const auto& [rel, content] : outputs.files()) state.outputs.push_back(rel);
  std::tie(state.diagnostics_out, state.diagnostics_err) = session.rendered_diagnostics();
  if (!write_state(options.out_dir, std::move(state), error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  timings.phase("record state");
  if (!options.quiet) {
    std::cerr << fmt::format("formc: {} files: {} written, {} unchanged, {} removed\n", outputs.files().size(),
                             stats.written, stats.unchanged, stats.removed);
  }
  return 0;
}

}  // namespace formc::driver
