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
//
// The state also records each definition's unit (driver/compile_units.h): its
// fingerprint, its outputs and the generators' notes on them, with the
// identity of the formc binary that generated them (generator_identity()), so
// that a compile after an edit regenerates only the definitions it changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "driver/session.h"

namespace formc::driver {

// One definition's outputs, as the run that generated them recorded them.
struct UnitRecord {
  std::string definition;            // its id
  std::string fingerprint;           // gen::UnitFingerprints::fingerprint()
  std::vector<std::string> outputs;  // relative to OUTDIR
  std::vector<std::string> notes;    // Generator::note(), one per generator, in their order
};

struct CompileState {
  std::string key;                                   // input_key() of the run
  std::string generator;                             // generator_identity() of the run
  std::vector<UnitRecord> units;                     // one per definition, module order
  std::vector<std::string> inputs;                   // canonical paths, for the depfile
  std::vector<std::string> outputs;                  // relative to OUTDIR
  std::vector<std::string> output_stamps;            // "size mtime_ns", one per output ("" before write_state)
  std::string diagnostics_out, diagnostics_err;      // what the run printed
};

// The key of a run with `options` (see above). `library` is the block
// library directory the session will load ("" for none).
[[nodiscard]] std::string input_key(const CommonOptions& options, const std::string& library);

// What generated the outputs: formc's own binary (path, size, modification
// time). A rebuilt formc may generate other bytes from the same IR.
[[nodiscard]] std::string generator_identity();

// "size mtime_ns" of a file as it is now, "" when it cannot be read.
[[nodiscard]] std::string file_stamp(const std::string& path);

// Reads OUTDIR/.formc-state; nullopt when absent or unreadable.
[[nodiscard]] std::optional<CompileState> read_state(const std::string& out_dir);
// True when every recorded output is on disk as formc left it.
[[nodiscard]] bool outputs_intact(const std::string& out_dir, const CompileState& state);
// Records `state` after a successful compile, stamping each output whose
// stamp is empty as it is now on disk (outputs kept from the previous run come
// with the stamp already checked). Returns false with `error` set on an I/O
// failure.
[[nodiscard]] bool write_state(const std::string& out_dir, CompileState state, std::string& error);
// Removes the state (a run that could not record one must not leave a stale one).
void remove_state(const std::string& out_dir);

}  // namespace formc::driver
