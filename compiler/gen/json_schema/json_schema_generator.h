// The JSON Schema generator: one draft 2020-12 schema per form, at
// paths::schema(form.uid), describing a submission in the SUBMIT context.
//
// Contract (the full design is in the header comment of the .cc file):
// - Instance: DataPass's flat attribute object (`intitule`, `scopes`,
//   `contact_technique_email`, ..., `terms_of_service_accepted`,
//   `data_protection_officer_informed`, extra checkboxes), closed with
//   `additionalProperties: false`. Fields of every block of the definition
//   are listed, because on submit DataPass validates every block.
// - "Present" is the expression language's present(): a string holds a
//   character other than ASCII whitespace (rt::present), a list is non-empty,
//   a checkbox is true. A blank string counts as absent: value constraints
//   (format, pattern, lengths, options) apply only to present strings.
// - JSON null is not a value: an absent field is an absent key.
// - Sound, never stricter than the C++ validator: what JSON Schema cannot
//   say (expression_gaps()) is left out, with a `$comment` where it would be.
// - Deterministic: keys in a fixed order, IR order for fields, dump(2) plus a
//   trailing newline. Accepted by ajv's Ajv2020 in strict mode.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gen/generator.h"
#include "gen/json_schema/plain_text.h"
#include "model/ir.h"

namespace formc::gen::json_schema {

class JsonSchemaGenerator final : public gen::Generator {
 public:
  [[nodiscard]] std::string_view name() const override { return "json-schema"; }
  void generate_definition(const model::Module& module, std::size_t index, std::size_t part, std::size_t parts,
                           OutputSet& out) const override;
};

// The schema of one form (what generate() writes, before dump()).
[[nodiscard]] nlohmann::ordered_json form_schema(const model::Definition& definition, const model::Form& form);

// The scope values a form's schema accepts: displayed by its scopes_config
// (not hidden, and listed in `displayed` when that is given), or included by
// the definition, or prefilled by the form's `initialize_with.scopes`.
// Definition order.
[[nodiscard]] std::vector<std::string> allowed_scopes(const model::Definition& definition, const model::Form& form);

// True when JSON Schema can state the condition exactly (expr::to_json_schema
// gives a fragment). A condition that failed to compile is not expressible.
[[nodiscard]] bool expressible(const model::Condition& condition);

// Something of a definition that the schemas leave to the C++ validator: the
// checker reports each as an `expr-not-in-schema` warning at `span`.
struct SchemaGap {
  support::Span span;
  std::string message;  // English, for the warning: "rule 'x' (a > b) ..."
};
[[nodiscard]] std::vector<SchemaGap> schema_gaps(const model::Definition& definition);

// An exact ECMAScript pattern for rt::is_valid_date (YYYY-MM-DD, a real day
// of the proleptic Gregorian calendar, years 0000-9999, leap years included).
[[nodiscard]] const char* calendar_date_pattern();
// A pattern for "YYYY-MM-DD" strings >= (or <=) `bound` in the calendar
// order; `bound` must be a valid date.
[[nodiscard]] std::string date_at_least_pattern(std::string_view bound);
[[nodiscard]] std::string date_at_most_pattern(std::string_view bound);

}  // namespace formc::gen::json_schema
