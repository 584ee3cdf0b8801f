// Writing an OutputSet to disk, the way build systems need it.
//
// Contract (TableGen's --write-if-changed, ninja's restat):
//  - a file whose content is unchanged is not touched (its mtime stays);
//  - a changed file is written to a temporary file in the same directory and
//    renamed over the old one, so readers never see a partial file; a new
//    file (no old content to protect) is created in place;
//  - parts may be written on every core at once, the result is the same;
//  - files this tool produced last time (listed in OUTDIR/.formc-outputs)
//    and not produced now are removed, then empty folders are pruned;
//  - outputs of this compilation that the caller left on disk from the
//    previous one (an incremental compile, driver/compile_units.h) are
//    neither compared nor written, and are not stale;
//  - a caller that had errors calls none of this: nothing is written.
// write_depfile() writes a Make-syntax depfile naming every input read; it is
// written on every run (ninja treats a missing depfile as dirty).
#pragma once

#include <string>
#include <vector>

#include "gen/output_set.h"

namespace formc::gen {

struct CommitStats {
  std::size_t written = 0, unchanged = 0, removed = 0, kept = 0;
  void add(const CommitStats& other) {
    written += other.written;
    unchanged += other.unchanged;
    removed += other.removed;
    kept += other.kept;
  }
};

// A commit is in two halves, so that a compile can write its outputs as it
// generates them (driver/compile_units.h), part by part on every core, and
// never hold them all in memory: write_files() compares and writes each file
// of `outputs` (on the calling thread); once every part is written,
// record_outputs() removes the previous compile's outputs that `produced`
// (every output of this compile, sorted, including those kept on disk
// untouched) no longer names, and records `produced` in OUTDIR/.formc-outputs.
// Both return false (with `error` set) on an I/O failure.
[[nodiscard]] bool write_files(const OutputSet& outputs, const std::string& out_dir, CommitStats& stats, std::string& error);
[[nodiscard]] bool record_outputs(const std::vector<std::string>& produced, const std::string& out_dir, CommitStats& stats,
                                  std::string& error);

// Writes `depfile` only if its content changed. `target` is the rule's output
// as the build system names it (the stamp file).
[[nodiscard]] bool write_depfile(const std::string& depfile, const std::string& target, const std::vector<std::string>& inputs,
                                 std::string& error);

// Escapes a path for a Make depfile (spaces, '#', '$').
[[nodiscard]] std::string escape_make_path(const std::string& path);

// Writes one file only if its content differs (temp file + rename).
// Returns false with `error` set on failure; `changed` tells whether it wrote.
[[nodiscard]] bool write_if_changed(const std::string& path, const std::string& content, bool& changed, std::string& error);

}  // namespace formc::gen
