// Compiling the conditions of the IR (visible_if, required_if, rules, eligibility).
//
// Contract: the only bridge between the model and the expression language.
// A ConditionSource names the YAML scalar an expression was read from and,
// for contact templates, the `{kind}` substitution applied to it, so every
// error points at the exact column of the original text.
#pragma once

#include <string>
#include <vector>

#include "model/ir.h"
#include "support/diagnostics.h"
#include "yaml/tree.h"

namespace formc::model {

struct ConditionSource {
  const yaml::Node* node = nullptr;
  std::string kind;  // replaces "{kind}" in the text when not empty
};

// Compiles `source` as a boolean condition over the fields of `definition`.
[[nodiscard]] Condition compile_condition(const ConditionSource& source, const Definition& definition,
                                          support::DiagnosticEngine& diags);

// Compiles an eligibility condition over the questionnaire's answers.
[[nodiscard]] Condition compile_eligibility_condition(const ConditionSource& source, const EligibilityRule& rule,
                                                      support::DiagnosticEngine& diags);

// "{kind}_type" -> "contact_technique_type"
[[nodiscard]] std::string substitute_kind(std::string_view text, std::string_view kind);

}  // namespace formc::model
