// `formc compile`: build the outputs in memory, then commit them atomically.
//
// Contract: if loading or checking reported an error, nothing is written
// (not even the depfile's outputs) and the exit status is 1. Inputs unchanged
// since the last successful compile into OUT_DIR (compile_state.h): nothing
// is read or written. Otherwise every input is loaded and checked, every
// definition whose outputs the previous compile cannot vouch for is generated
// (all of them the first time; compile_units.h), the others' outputs are left
// on disk, the outputs that need every definition and the manifest are
// generated, files are written only when their content changed, stale outputs
// are removed, and the depfile (if asked) is written on every run. The files
// are byte for byte those of a full compile into an empty directory, from any
// working directory: generators see display paths relative to the inputs as
// given, never absolute paths.
#pragma once

#include <string>
#include <vector>

#include "driver/session.h"
#include "gen/generator.h"

namespace formc::driver {

struct CompileOptions {
  CommonOptions common;
  std::string out_dir;
  std::string depfile;
  std::string depfile_target;  // default: OUT_DIR/manifest.json
  bool quiet = false;
};

[[nodiscard]] int run_compile(const CompileOptions& options, const std::vector<const gen::Generator*>& generators);
// Prints the absolute path of every file run_compile() would write; writes nothing.
[[nodiscard]] int list_compile_outputs(const CompileOptions& options, const std::vector<const gen::Generator*>& generators);

}  // namespace formc::driver
