// What the last successful `formc compile` into OUTDIR read and wrote
// (OUTDIR/.formc-state), so that a run with nothing to do does nothing.
//
// Contract: input_key() describes a run before any YAML is read: formc's own
// binary (path, size, modification time), every option that shapes outputs or
// diagnostics, and every input file it would read (found by the same walk as
// the builder, with the same block library) with its size and modification
// time in nanoseconds — what make and ninja trust. A compile whose key equals
// the recorded one, and whose recorded outputs are all still on disk with the
// size and modification time formc left them with, is a no-op: it prints the
// recorded diagnostics again, writes the depfile if it differs, and touches
// nothing else. Any difference (an edited, added or removed input, another
// option, a new formc, an output edited or deleted by hand) runs the full
// compile, which records a new state. A failed compile leaves the state alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "driver/session.h"

namespace formc::driver {

struct CompileState {
  std::string key;                                   // input_key() of the run
  std::vector<std::string> inputs;                   // canonical paths, for the depfile
  std::vector<std::string> outputs;                  // relative to OUTDIR
  std::vector<std::string> output_stamps;            // "size mtime_ns", one per output
  std::string diagnostics_out, diagnostics_err;      // what the run printed
};

// The key of a run with `options` (see above). `library` is the block
// library directory the session will load ("" for none).
[[nodiscard]] std::string input_key(const CommonOptions& options, const std::string& library);

// Reads OUTDIR/.formc-state; nullopt when absent or unreadable.
[[nodiscard]] std::optional<CompileState> read_state(const std::string& out_dir);
// True when every recorded output is on disk as formc left it.
[[nodiscard]] bool outputs_intact(const std::string& out_dir, const CompileState& state);
// Records `state` after a successful compile, stamping each output as it is
// now on disk. Returns false with `error` set on an I/O failure.
[[nodiscard]] bool write_state(const std::string& out_dir, CompileState state, std::string& error);
// Removes the state (a run that could not record one must not leave a stale one).
void remove_state(const std::string& out_dir);

}  // namespace formc::driver
