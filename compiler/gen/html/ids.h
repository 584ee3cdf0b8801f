// HTML ids of the fragments: derived from field names, unique per page.
//
// Scheme (every id matches [A-Za-z][A-Za-z0-9_-]*):
//   step fragments   <field>                         the control (input, select, textarea) or the
//                                                    fieldset of a group: error summaries link to #<field>
//                    <field>-<option value>          one radio/checkbox of a group (-2, -3 on clashes)
//                    <field>-legend, <field>-messages (<field>-hint reserved)
//                    <field>-group-<n>[-legend]      scope groups, 1-based
//                    formc-step-<block>[-title]      the fragment (single-page forms: its h2)
//                    formc-contact-<kind>[-legend|-messages]
//   summary.html     formc-summary, formc-summary-<block>[-title]
//   submit.html      formc-submit; the checkbox names (terms_of_service_accepted,
//                    data_protection_officer_informed, extra checkboxes) with -messages
//   introduction     formc-introduction
//   eligibility.html formc-eligibility[-title|-results], formc-eligibility-type, formc-eligibility-q-<question>
//                    (radio groups, with -<value>, -legend, -messages), formc-eligibility-option-<type>,
//                    formc-eligibility-outcome-<n>
// Field names are snake_case, so a field id never contains '-': the suffixed
// and formc- prefixed ids cannot collide with another field's id. Field names
// are unique across the blocks of a definition, so the fragments of a form
// can share a page (the preview shows every step and the summary).
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace formc::gen::html {

// A field name as an id: characters outside [A-Za-z0-9_] become '_', and a
// name that does not start with a letter gets the prefix "f_".
[[nodiscard]] std::string field_id(std::string_view name);
// A value (option, scope, kind) as an id part: [A-Za-z0-9_-], others '_'.
[[nodiscard]] std::string id_part(std::string_view value);

// Hands out ids for the options of one group, making them unique
// ("<base>-<value>", then "-2", "-3" on clashes after id_part()).
class OptionIds {
 public:
  // The group's own suffixed ids (-legend, -messages, -hint) are reserved.
  explicit OptionIds(std::string base)
      : base_(std::move(base)), used_{base_ + "-legend", base_ + "-messages", base_ + "-hint"} {}
  [[nodiscard]] std::string next(std::string_view value);
  // Marks a full id as taken (the legend of a sub-group, …).
  void reserve(std::string id) { used_.insert(std::move(id)); }

 private:
  std::string base_;
  std::set<std::string> used_;
};

}  // namespace formc::gen::html
