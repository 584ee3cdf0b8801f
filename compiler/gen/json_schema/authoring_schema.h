// The authoring schema: a JSON Schema (draft-07, for editors) of the YAML
// definition format itself, printed by `formc schema`.
//
// Contract: one schema whose top level is a `oneOf` over the kinds of input
// file (schema/README.md §1); each kind is also in `definitions` so an editor
// can point at one (`formc-definitions.schema.json#/definitions/forms_file`).
// Every property has a `description` (English); mappings that formc reads
// with unknown-key checks are closed (`additionalProperties: false`) and
// accept a `$schema` key. Compiles in ajv strict mode (draft-07 `Ajv`) and
// accepts every file of definitions/ and of DataPass's own configuration.
// Deterministic: the same bytes on every run.
#pragma once

#include <nlohmann/json.hpp>

namespace formc::gen::json_schema {

[[nodiscard]] nlohmann::ordered_json authoring_schema();

}  // namespace formc::gen::json_schema
