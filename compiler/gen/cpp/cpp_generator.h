// The C++ generator: one header and one source per definition, at
// paths::cpp_header / paths::cpp_source (cpp/<provider>/<definition id>.h|.cc).
//
// Contract (what the generated code promises is written in each generated
// header; the runtime types are in runtime/include/formc/runtime/):
// - namespace formc_generated::<provider>, one `final` class per definition
//   named after its DataPass class (Namer), a typed member per field in IR
//   order with its label as a comment (std::optional where a value may be
//   absent), options and scopes as enums with to_string/from_string, contacts
//   as `Contact` structs, documents as formc::rt::Document metadata;
// - from_json / from_json_text / to_json / to_json_text with DataPass's flat
//   attribute names; validate(context[, form]) with the interpreter's
//   semantics (compiler/validate); per-form metadata as constexpr data;
//   prefill(form);
// - compiles with -Wall -Wextra -Werror -pedantic (GCC and clang), needs only
//   formc_runtime and nlohmann-json, and static_asserts the runtime ABI.
// Generation never fails for a checked module: identifier collisions are
// reported by the checker (find_cpp_collisions, namer.h) beforehand.
#pragma once

#include <string>
#include <vector>

#include "gen/generator.h"

namespace formc::gen::cpp {

class CppGenerator final : public gen::Generator {
 public:
  [[nodiscard]] std::string_view name() const override { return "cpp"; }
  // The two files of the definition, in part 0.
  void generate_definition(const model::Module& module, std::size_t index, std::size_t part, std::size_t parts,
                           OutputSet& out) const override;
  // The definition's content hash (registry.h), which the registry names.
  [[nodiscard]] std::string note(const model::Module& module, std::size_t index, const OutputSet& outputs) const override;
  void finish(const model::Module& module, const std::vector<std::string>& notes, OutputSet& out) const override;
};

struct GeneratedFiles {
  std::string header, source;
};

// The two files of one definition.
[[nodiscard]] GeneratedFiles generate_definition(const model::Module& module, const model::Definition& definition);

}  // namespace formc::gen::cpp
