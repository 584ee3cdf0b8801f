#include "driver/compile_state.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gen/commit.h"
#include "model/inputs.h"
#include "support/diagnostics.h"

namespace formc::driver {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = ".formc-state";
constexpr std::string_view kMagic = "formc-state 2\n";

std::string stamp(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return {};
  const auto time = fs::last_write_time(path, ec);
  if (ec) return {};
  return std::to_string(size) + " " + std::to_string(time.time_since_epoch().count());
}

// Records are "<length>\n<bytes>\n": any byte may appear in a path or a message.
void put(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += '\n';
  out += value;
  out += '\n';
}

bool get(std::string_view& in, std::string& value) {
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos || nl == 0 || nl > 12) return false;
  std::size_t size = 0;
  for (char c : in.substr(0, nl)) {
    if (c < '0' || c > '9') return false;
    size = size * 10 + static_cast<std::size_t>(c - '0');
  }
  in.remove_prefix(nl + 1);
  if (in.size() < size + 1 || in[size] != '\n') return false;
  value.assign(in.substr(0, size));
  in.remove_prefix(size + 1);
  return true;
}

bool get_list(std::string_view& in, std::vector<std::string>& list) {
  std::string count;
  if (!get(in, count) || count.empty() || count.size() > 12) return false;
  const std::size_t n = std::stoull(count);
  list.clear();
  list.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string item;
    if (!get(in, item)) return false;
    list.push_back(std::move(item));
  }
  return true;
}

void put_list(std::string& out, const std::vector<std::string>& list) {
  put(out, std::to_string(list.size()));
  for (const auto& item : list) put(out, item);
}

bool get_units(std::string_view& in, std::vector<UnitRecord>& units) {
  std::string count;
  if (!get(in, count) || count.empty() || count.size() > 12) return false;
  const std::size_t n = std::stoull(count);
  units.clear();
  for (std::size_t i = 0; i < n; ++i) {
    UnitRecord unit;
    if (!get(in, unit.definition) || !get(in, unit.fingerprint) || !get_list(in, unit.outputs) || !get_list(in, unit.notes)) {
      return false;
    }
    units.push_back(std::move(unit));
  }
  return true;
}

void put_units(std::string& out, const std::vector<UnitRecord>& units) {
  put(out, std::to_string(units.size()));
  for (const auto& unit : units) {
    put(out, unit.definition);
    put(out, unit.fingerprint);
    put_list(out, unit.outputs);
    put_list(out, unit.notes);
  }
}

}  // namespace

std::string file_stamp(const std::string& path) { return stamp(path); }

std::string generator_identity() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return exe.string() + " " + stamp(exe);
}

std::string input_key(const CommonOptions& options, const std::string& library) {
  std::string key(kMagic);
  // A rebuilt formc may generate other bytes: its binary is an input too.
  key += "exe " + generator_identity() + "\n";
  auto list = [&](std::string_view name, const std::vector<std::string>& values) {
    key += name;
    for (const auto& v : values) {
      key += ' ';
      put(key, v);
    }
    key += '\n';
  };
  list("paths", options.paths);
  list("blocks", options.block_dirs);
  list("library", {library});
  list("features", options.features);
  list("options", {options.environment, options.format, options.werror ? "werror" : "", options.no_stdlib ? "no-stdlib" : ""});
  if (!options.credentials_file.empty()) list("credentials", {options.credentials_file, stamp(options.credentials_file)});
  // The files the builder will read, found by its own walk (layers as in model::build).
  support::DiagnosticEngine ignored;
  std::vector<model::InputFile> files;
  if (!library.empty()) model::collect_inputs(library, 0, files, ignored);
  for (const auto& dir : options.block_dirs) model::collect_inputs(dir, 1, files, ignored);
  for (const auto& path : options.paths) model::collect_inputs(path, 2, files, ignored);
  model::order_inputs(files);
  for (const auto& f : files) {
    put(key, f.canonical_path);
    key += f.display_path + "\n" + stamp(f.canonical_path) + "\n";
  }
  return key;
}

std::optional<CompileState> read_state(const std::string& out_dir) {
  std::ifstream in(fs::path(out_dir) / kStateFile, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::string_view rest(text);
  if (rest.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  rest.remove_prefix(kMagic.size());
  CompileState state;
  if (!get(rest, state.key) || !get(rest, state.generator) || !get_units(rest, state.units) || !get_list(rest, state.inputs) || !get_list(rest, state.outputs) ||
      !get_list(rest, state.output_stamps) || !get(rest, state.diagnostics_out) || !get(rest, state.diagnostics_err) ||
      state.outputs.size() != state.output_stamps.size() || !rest.empty()) {
    return std::nullopt;
  }
  return state;
}

bool outputs_intact(const std::string& out_dir, const CompileState& state) {
  const fs::path root(out_dir);
  for (std::size_t i = 0; i < state.outputs.size(); ++i) {
    if (stamp(root / state.outputs[i]) != state.output_stamps[i]) return false;
  }
  return true;
}

bool write_state(const std::string& out_dir, CompileState state, std::string& error) {
  const fs::path root(out_dir);
  state.output_stamps.resize(state.outputs.size());
  for (std::size_t i = 0; i < state.outputs.size(); ++i) {
    if (state.output_stamps[i].empty()) state.output_stamps[i] = stamp(root / state.outputs[i]);
  }
  std::string text(kMagic);
  put(text, state.key);
  put(text, state.generator);
  put_units(text, state.units);
  put_list(text, state.inputs);
  put_list(text, state.outputs);
  put_list(text, state.output_stamps);
  put(text, state.diagnostics_out);
  put(text, state.diagnostics_err);
  bool changed = false;
  return gen::write_if_changed((root / kStateFile).string(), text, changed, error);
}

void remove_state(const std::string& out_dir) {
  std::error_code ec;
  fs::remove(fs::path(out_dir) / kStateFile, ec);
}

}  // namespace formc::driver
