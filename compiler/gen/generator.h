// The interface every output format implements (protoc's CodeGenerator).
//
// Contract: a generator reads the checked IR and adds files to an OutputSet.
// It never reports user errors (those were all found by the checker before);
// a template mistake is a bug and asserts. Output follows IR order, has no
// timestamps and no absolute paths: same IR, same bytes.
#pragma once

#include <cstddef>
#include <string_view>

#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen {

class Generator {
 public:
  virtual ~Generator() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Every output: generate_part(0, 1), then finish().
  void generate(const model::Module& module, OutputSet& out) const {
    generate_part(module, 0, 1, out);
    finish(module, out);
  }
  // For parallel generation (formc compile uses both cores): part `part` of
  // `parts` writes the outputs of every form, definition or rule whose index
  // is `part` modulo `parts`, and part 0 the outputs of no one in particular.
  // Parts touch nothing shared; their sets are disjoint.
  virtual void generate_part(const model::Module& module, std::size_t part, std::size_t parts, OutputSet& out) const = 0;
  // After every part, on their merged set: outputs that need all of them (the
  // C++ registry names every definition's hash). Most generators need none.
  virtual void finish(const model::Module& module, OutputSet& out) const {
    (void)module;
    (void)out;
  }
};

// True when item `index` belongs to part `part` of `parts`.
[[nodiscard]] inline bool in_part(std::size_t index, std::size_t part, std::size_t parts) { return index % parts == part; }

}  // namespace formc::gen
