// Small readers the page handlers share: an id in a URL, a request's data
// object and its project name ("intitule", DataPass's request name).
//
// Contract: total functions; malformed text gives nullopt / an empty object /
// "(sans nom)", never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace formd::server {

// A non-negative decimal integer (an id, a version, a page number), the
// whole text; nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_id(std::string_view text);
// The JSON object in `text`; an empty object when it is not one.
[[nodiscard]] nlohmann::json parse_object(const std::string& text);
// The request's name as DataPass shows it; "(sans nom)" when it has none.
[[nodiscard]] std::string project_name(const nlohmann::json& data);
[[nodiscard]] std::string project_name_of(const std::string& data_json);

// A confirmation page of a lifecycle action (templates/lifecycle_action.mustache):
// DataPass's modals ("Mettre à jour l'habilitation", "Transférer", "Annuler ma
// demande de modification", "Supprimer", "Révoquer") as pages, so they work
// without JavaScript. Every text is escaped by the template.
struct ActionPage {
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::string> conditions;  // a bulleted list after the paragraphs
  std::string warning;                  // "" : none
  bool irreversible = false;            // "Cette action est irréversible."
  std::string action;                   // the POST URL; "" : no form (an information page)
  std::string csrf, version;
  std::string field;                    // "" : nothing to type
  std::string field_label, field_hint, value, field_error;
  bool textarea = true;                 // else an email input
  std::string submit_label;
  std::string cancel_href, cancel_label = "Annuler";
  std::string error_title, error;       // an alert above (a refused action)
};
// The page's body (templates/lifecycle_action.mustache).
[[nodiscard]] std::string render_action_page(const ActionPage& page);

}  // namespace formd::server
