// The interface every output format implements (protoc's CodeGenerator).
//
// Contract: a generator reads the checked IR and adds files to an OutputSet.
// It never reports user errors (those were all found by the checker before);
// a template mistake is a bug and asserts. Output follows IR order, has no
// timestamps and no absolute paths: same IR, same bytes.
//
// Outputs are cut by definition, the unit formc compile regenerates
// (driver/compile_units.h): generate_definition() writes what one definition
// gives, and reads of the module only what gen/units.h fingerprints — the
// definition, its forms (Module::forms_of), its first eligibility rule
// (Module::first_eligibility_rule) and the service providers its forms name.
// Reading anything else would let an incremental compile keep outputs that a
// full compile would change. finish() writes the outputs that need every
// definition, from each definition's note() instead of its outputs (which an
// incremental compile leaves on disk, unread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen {

class Generator {
 public:
  virtual ~Generator() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;

  // Every output: each definition's, then finish().
  void generate(const model::Module& module, OutputSet& out) const {
    std::vector<std::string> notes;
    notes.reserve(module.definitions.size());
    for (std::size_t i = 0; i < module.definitions.size(); ++i) {
      OutputSet unit;
      generate_definition(module, i, 0, 1, unit);
      notes.push_back(note(module, i, unit));
      out.merge(std::move(unit));
    }
    finish(module, notes, out);
  }

  // Part `part` of `parts` of the outputs of module.definitions[index] (see
  // above): the outputs of the definition's forms whose position among
  // Module::forms_of() is `part` modulo `parts`, and in part 0 the outputs of
  // the definition itself. Parts touch nothing shared and their sets are
  // disjoint: a definition with many forms (DataPass's api_particulier has
  // most of them) is generated on every core at once.
  virtual void generate_definition(const model::Module& module, std::size_t index, std::size_t part, std::size_t parts,
                                   OutputSet& out) const = 0;

  // What finish() needs to know of definition `index`'s outputs, given a set
  // that holds them all (the C++ generator: their content hash). Recorded with
  // the compile's state, so that it is known without regenerating them.
  [[nodiscard]] virtual std::string note(const model::Module& module, std::size_t index, const OutputSet& outputs) const {
    (void)module;
    (void)index;
    (void)outputs;
    return {};
  }

  // Outputs that need every definition (the C++ registry, the static
  // scripts); `notes[i]` is note() of definition i. Most generators need none.
  virtual void finish(const model::Module& module, const std::vector<std::string>& notes, OutputSet& out) const {
    (void)module;
    (void)notes;
    (void)out;
  }
};

}  // namespace formc::gen
