// The registry of generated definitions: how a program (formd) finds every
// class formc generated without naming them.
//
// Contract: formc writes cpp/formc_registry.h|.cc next to the classes; its
// formc_generated::registry() returns one CompiledDefinition per definition,
// in IR order, as constexpr data. The function pointers are the classes' own
// static members or thin wrappers around them; nothing allocates until
// called. `content_hash` is the SHA-256 (hex) of the definition's generated
// C++ header and source: formc computes the same hash from the YAML
// (gen/cpp/content_hash.h), so a program can tell whether the definitions on
// disk are the ones it was compiled with, and a stored request can name the
// exact definition it was made against.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "formc/runtime/metadata.h"
#include "formc/runtime/validation.h"

namespace formc::rt {

struct CompiledDefinition {
  const DefinitionInfo& (*definition)();
  std::span<const FormInfo> (*forms)();
  // from_json_text() then validate(): what a server runs on a submission.
  ValidationResult (*validate_json_text)(std::string_view text, const Context& context, const FormInfo& form);
  // A new request of `form`: its initialize_with and the included scopes, as
  // the flat JSON object text (DataPass's CreateAuthorizationRequestModel).
  std::string (*prefill_json)(const FormInfo& form);
  std::string_view content_hash;
};

}  // namespace formc::rt
