// The IR as deterministic JSON (`formc dump-ir`).
//
// Contract: keys in a fixed order, entities in IR order, no absolute paths,
// conditions as their source text. Same IR, same bytes.
#pragma once

#include <nlohmann/json.hpp>

#include "model/ir.h"

namespace formc::model {

[[nodiscard]] nlohmann::ordered_json to_json(const Module& module);
[[nodiscard]] nlohmann::ordered_json to_json(const Field& field);

}  // namespace formc::model
