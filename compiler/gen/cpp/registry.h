// The registry of a compilation's C++ classes and the definitions' content hash.
//
// Contract: add_registry() writes, next to the per-definition classes,
//   cpp/formc_registry.h   declares formc_generated::registry()
//   cpp/formc_registry.cc  one formc::rt::CompiledDefinition per definition
//                          (runtime/include/formc/runtime/registry.h), IR order
//   cpp/formc_all.cc       every generated .cc in one translation unit, so a
//                          build can compile the whole set from a file name
//                          known before formc runs (formc_generate(... UNITY))
// content_hash() is the SHA-256 (lower-case hex) of a definition's generated
// header, a NUL byte, and its source: it changes whenever anything the class
// encodes changes (fields, rules, forms, labels), and formd computes it from
// the YAML to compare with the compiled classes.
#pragma once

#include <string>
#include <vector>

#include "gen/cpp/cpp_generator.h"
#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::gen::cpp {

[[nodiscard]] std::string content_hash(const GeneratedFiles& files);
[[nodiscard]] std::string content_hash(const model::Module& module, const model::Definition& definition);

// `hashes[i]` is content_hash() of module.definitions[i].
void add_registry(const model::Module& module, const std::vector<std::string>& hashes, OutputSet& out);

}  // namespace formc::gen::cpp
