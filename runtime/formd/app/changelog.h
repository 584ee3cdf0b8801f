// The changelog of a resubmission: what changed between the data as last
// submitted and the data submitted again, field by field (DataPass records it
// on the submit event and shows "Le champ <label> a changé de « old » en
// « new »", or "sans effectuer de changement" when nothing did).
//
// Contract: pure. Fields are the definition's, in its order; the
// attributes it does not declare (the final checkboxes among them) are left
// out, as DataPass's changelog lists form fields only. A value that is
// absent, null, "" or [] counts as empty: two empty values are no change.
// Each entry is {field, label, from, to} with from/to the JSON values
// (null when empty).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/ir.h"

namespace formd::app {

[[nodiscard]] nlohmann::json changelog(const formc::model::Definition& definition, const nlohmann::json& before,
                                       const nlohmann::json& after);

// A changelog value as text for people: "" for empty, a list joined by ", ",
// true/false as "Oui"/"Non", strings as they are, numbers as JSON writes them.
[[nodiscard]] std::string changelog_value_text(const nlohmann::json& value);

}  // namespace formd::app
