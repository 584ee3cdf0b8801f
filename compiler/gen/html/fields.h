// DSFR markup of one field, one emitter per field kind (ECOSYSTEM.md §1.5).
//
// Contract: every control has an id (ids.h), a label whose `for` names it (or
// a fieldset whose legend and messages aria-labelledby names), and a
// div.fr-messages-group with id "<id>-messages", aria-live="polite" and the
// {{messages:F}} slot, named by the control's aria-describedby. The outermost
// element of a field carries data-formc-field="F", the {{state:F:C}} slot on
// its DSFR container, and for conditional fields data-formc-visible-if /
// data-formc-required-if (keys into the form's conditions.js) plus the
// {{hidden:field:F}} slot. Optional fields say "(optionnel)" in their label;
// statically required ones carry `required` (conditional ones get it from
// formc-forms.js, so a hidden field never blocks a submission).
#pragma once

#include <vector>

#include "gen/html/element.h"
#include "model/ir.h"

namespace formc::gen::html {

struct FieldContext {
  const model::Definition& definition;
  const model::Form* form = nullptr;  // scopes_config; null outside a form
};

// The fields of a block in order; the sub-fields of each contact kind are
// grouped in one fieldset whose legend is the kind's label.
[[nodiscard]] std::vector<Element> render_block_fields(const model::Block& block, const FieldContext& ctx);

// One field. `in_fieldset`: wrapped in div.fr-fieldset__element (inside a
// contact fieldset), which then carries the data-formc-* attributes.
[[nodiscard]] Element render_field(const model::Field& field, const FieldContext& ctx, bool in_fieldset = false);

// "contact_technique" -> "Contact technique": the label of a contact kind
// when contact_kinds.yml gives none.
[[nodiscard]] std::string humanize(std::string_view name);
// The contact kind declaration of `kind` in the definition, or null.
[[nodiscard]] const model::ContactKindRef* find_contact(const model::Definition& def, std::string_view kind);
[[nodiscard]] std::string contact_label(const model::Definition& def, std::string_view kind);

// True when the label must say "(optionnel)".
[[nodiscard]] bool is_optional(const model::Field& field);
// True when formc-forms.js decides `required` (required_if, or a required
// field that visible_if may hide): conditions.js has a `required` entry.
[[nodiscard]] bool conditionally_required(const model::Field& field);

}  // namespace formc::gen::html
