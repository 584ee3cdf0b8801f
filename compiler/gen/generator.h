// The interface every output format implements (protoc's CodeGenerator).
//
// Contract: a generator reads the checked IR and adds files to an OutputSet.
// It never reports user errors (those were all found by the checker before);
// a template mistake is a bug and asserts. Output follows IR order, has no
// timestamps and no absolute paths: same IR, same bytes.
#pragma once

#include <string_view>

#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen {

class Generator {
 public:
  virtual ~Generator() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  virtual void generate(const model::Module& module, OutputSet& out) const = 0;
};

}  // namespace formc::gen
