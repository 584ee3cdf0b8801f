#include "driver/compile.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "driver/compile_state.h"
#include "driver/compile_units.h"
#include "gen/commit.h"
#include "gen/manifest.h"

namespace formc::driver {
namespace fs = std::filesystem;

namespace {

// FORMC_TIMINGS=1 prints how long each phase took (tests/bench/bench_check.sh):
// its wall time, and the CPU time of the process's threads (user + system),
// which a busy machine does not inflate and which shows whether the phase
// used both cores.
class Timings {
 public:
  Timings() : on_(std::getenv("FORMC_TIMINGS") != nullptr), last_(std::chrono::steady_clock::now()), last_cpu_(cpu_ms()) {}
  void phase(std::string_view name) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double cpu = cpu_ms();
    parts_ += fmt::format("{}{} {:.1f} ms (cpu {:.1f} ms)", parts_.empty() ? "" : ", ", name,
                          std::chrono::duration<double, std::milli>(now - last_).count(), cpu - last_cpu_);
    last_ = now;
    last_cpu_ = cpu;
  }
  // A figure inside the current phase (a generator's own time).
  void note(std::string_view text) {
    if (on_) notes_ += fmt::format("{}{}", notes_.empty() ? "" : ", ", text);
  }
  ~Timings() {
    if (on_) std::cerr << "formc: timings: " << parts_ << (notes_.empty() ? "" : " (" + notes_ + ")") << "\n";
  }

 private:
  static double cpu_ms() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
  }

  bool on_;
  std::chrono::steady_clock::time_point last_;
  double last_cpu_;
  std::string parts_, notes_;
};

// Loads and checks; false (and says so) on errors.
bool load(Session& session, Timings& timings) {
  const bool ok = session.load();
  session.print_diagnostics();
  timings.phase("load and check");
  if (!ok) std::cerr << "formc: no output written because of the errors above\n";
  return ok;
}

std::string depfile_target(const CompileOptions& options) {
  return options.depfile_target.empty() ? (fs::path(options.out_dir) / "manifest.json").string() : options.depfile_target;
}

}  // namespace

int list_compile_outputs(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Session session(options.common);
  Timings timings;
  if (!load(session, timings)) return 1;
  // The paths only: every generator in memory, as a full compile generates them.
  gen::OutputSet outputs;
  for (const gen::Generator* g : generators) g->generate(session.module(), outputs);
  gen::add_manifest(session.module(), outputs);
  const fs::path root = fs::absolute(options.out_dir).lexically_normal();
  for (const auto& [rel, content] : outputs.files()) std::cout << (root / rel).string() << "\n";
  return 0;
}

int run_compile(const CompileOptions& options, const std::vector<const gen::Generator*>& generators) {
  Timings timings;
  Session session(options.common);
  std::string error;

  // Nothing changed since the last successful run: say what it said, touch nothing.
  const std::string key = input_key(options.common, session.library_directory());
  const auto previous = read_state(options.out_dir);
  if (const auto& state = previous; state && state->key == key && outputs_intact(options.out_dir, *state)) {
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

  if (!load(session, timings)) return 1;
  // Until the new state is recorded, no stale one may vouch for the outputs.
  remove_state(options.out_dir);
  // Something changed: regenerate and write the definitions it changed (compile_units.h).
  UnitCompile compiled;
  if (!compile_units(session.module(), generators, previous ? &*previous : nullptr, options.out_dir, compiled, error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  timings.phase("generate and write");
  timings.note(fmt::format("{} of {} definitions regenerated", compiled.regenerated, session.module().definitions.size()));
  if (!options.depfile.empty() && !gen::write_depfile(options.depfile, depfile_target(options), session.module().inputs, error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  const gen::CommitStats& stats = compiled.stats;
  const std::size_t files = compiled.outputs.size();
  CompileState state;
  state.key = key;
  state.generator = generator_identity();
  state.units = std::move(compiled.units);
  state.inputs = session.module().inputs;
  state.outputs = std::move(compiled.outputs);
  state.output_stamps = std::move(compiled.output_stamps);
  std::tie(state.diagnostics_out, state.diagnostics_err) = session.rendered_diagnostics();
  if (!write_state(options.out_dir, std::move(state), error)) {
    std::cerr << "formc: error: " << error << "\n";
    return 1;
  }
  timings.phase("record state");
  if (!options.quiet) {
    std::cerr << fmt::format("formc: {} files: {} written, {} unchanged, {} removed, {} kept ({} of {} definitions regenerated)\n",
                             files, stats.written, stats.unchanged, stats.removed, stats.kept, compiled.regenerated,
                             session.module().definitions.size());
  }
  return 0;
}

}  // namespace formc::driver
