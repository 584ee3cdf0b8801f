// Fills the template slots of formc's HTML fragments (compiler/gen/html/slots.h).
//
// Contract: fill_slots() makes one linear pass over the template, replaces
// every {{kind:args}} token and never re-scans a replacement, so text coming
// from a request can never become a slot or markup. Every value written is
// HTML-escaped (& < > " '); only markup built here (messages, lists, the
// error summary) is emitted raw. A malformed or unknown token is a bug in the
// generator: fill_slots() throws SlotError, which the HTTP layer reports as a
// 500-free "page indisponible" error after logging it.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/ir.h"

namespace formd::render {

class SlotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// & < > " ' escaped; everything else (UTF-8 included) kept.
void append_escaped(std::string& out, std::string_view text);
[[nodiscard]] std::string escape_html(std::string_view text);

// What the server knows about the request being shown.
struct SlotContext {
  const formc::model::Definition* definition = nullptr;  // labels of options and scopes (display)
  const nlohmann::json* values = nullptr;                 // the flat attribute object (null: no values)
  // field -> French messages, in the validator's order. Fields listed here are in error.
  std::map<std::string, std::vector<std::string>> errors;
  // Fields that get the "--valid" state and "Champ valide" (only after a step was checked).
  std::vector<std::string> valid_fields;
  // Fields of the current page, in page order: the error summary lists the
  // ones in error (label + first message, linking to #field); empty: all errors.
  std::vector<std::string> page_fields;
  // Labels of fields the definition does not declare as fields (the final
  // checkboxes: terms_of_service_accepted, ...), for the error summary.
  std::map<std::string, std::string> labels;
  // {{hidden:kind:name}}; unset: never hidden.
  std::function<bool(std::string_view kind, std::string_view name)> hidden;
  // Documents (issue 12): the stored files of a document field as trusted
  // HTML (names escaped, sizes, download links), for {{documents:F}} and
  // {{display:F}}; unset or "": the names in the data, as text.
  std::function<std::string(std::string_view field)> documents_html;
  // {{disabled:F}} on a file input: true where no file can be sent (the
  // preview); unset: never disabled.
  std::function<bool(std::string_view field)> disabled;
  // {{step_url:block}}; unset: "#".
  std::function<std::string(std::string_view block)> step_url;
};

// Fills `tmpl`. Throws SlotError on a malformed or unknown token.
[[nodiscard]] std::string fill_slots(std::string_view tmpl, const SlotContext& context);

}  // namespace formd::render
