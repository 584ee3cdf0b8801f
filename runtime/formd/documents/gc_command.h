// `formd gc --data DIR`: removes the document files no metadata row names
// any more (a draft's file deleted and in no habilitation, an upload whose
// row was never written because formd stopped in between).
//
// Contract: reads the referenced digests from the database, then removes
// the unreferenced files of <DIR>/documents older than `min_age_seconds`
// (so an upload committing right now is never collected) and stale
// temporary files. Prints what it did; returns 0, or 1 on an error (named).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace formd::cli {

struct GcCommand {
  std::string data_dir = "data";
  std::int64_t min_age_seconds = 3600;
};

int run_gc_command(const GcCommand& command, std::ostream& out, std::ostream& err);

}  // namespace formd::cli
