// Validating a submission with the interpreter (formc validate, preview).
//
// Contract: the same meaning as the generated C++ validators, computed from
// the IR: a document is the flat DataPass attribute object; the context is
// draft (types and formats only), step:<block> (every step of the form up to
// and including <block>, static blocks excluded, as DataPass's
// need_complete_validation?) or submit (everything, checkboxes included).
// Returns every error with its field, stable code and French message, in a
// deterministic order (IR field order, then definition-wide rules).
//
// "Present" means: a string with a non-whitespace character, a non-empty
// list, a checkbox set to true, any integer or date value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/expr_runtime.h"
#include "model/ir.h"

namespace formc::validate {

struct Context {
  enum class Kind { Draft, Step, Submit } kind = Kind::Submit;
  std::string step;  // block name for Kind::Step

  // Parses "draft", "submit" or "step:<block>".
  [[nodiscard]] static std::optional<Context> parse(std::string_view text);
};

struct Error {
  std::string field;
  std::string code;
  std::string message;
};

// The blocks a form shows, in order: its steps (or the definition's blocks
// for a single-page form) then its static blocks not already listed.
[[nodiscard]] std::vector<std::string> form_blocks(const model::Form& form, const model::Definition& definition);

// Returns nullopt (with `problem` set) when the context names a block the
// form does not have as a step.
[[nodiscard]] std::optional<std::vector<Error>> validate(const model::Definition& definition, const model::Form& form,
                                                         const nlohmann::json& document, const Context& context,
                                                         rt::Date today, std::string& problem);

}  // namespace formc::validate
