// The bodies of the request pages: a wizard page, the summary with the final
// checkboxes, the read-only view, and the eligibility questionnaire.
//
// Contract: every function fills formc's fragments with render::fill_slots()
// (values escaped there) and wraps them in formd's own markup, which lives in
// web/templates (wizard_page, summary) and escapes every text it adds; the
// filled fragments go in through *_trusted_html keys. The server twins of formc-forms.js live here too: the
// eligibility decision and the `hidden` slots, so pages are right without
// JavaScript; the scripts only make them live.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "formc/runtime/validation.h"
#include "render/slot_filler.h"

namespace formd::pages {

// The URLs of a request's pages.
[[nodiscard]] std::string request_url(std::int64_t id);
[[nodiscard]] std::string step_url(std::int64_t id, std::string_view page_key);
[[nodiscard]] std::string summary_url(std::int64_t id);

// The editable fields of a wizard page, in order (none for a read-only page).
[[nodiscard]] std::vector<const formc::model::Field*> page_fields(const formc::model::Definition& definition,
                                                                  const catalog::Page& page);
// The checkboxes of the submit fragment (CGU, DPO, extra ones) as fields.
[[nodiscard]] std::vector<formc::model::Field> submit_fields(const formc::model::Definition& definition);
// Errors grouped by field for the slots.
[[nodiscard]] std::map<std::string, std::vector<std::string>> errors_by_field(
    const std::vector<formc::rt::Error>& errors);
// The page (wizard order) that edits `field`, or null.
[[nodiscard]] const catalog::Page* page_of_field(const catalog::FormEntry& form, std::string_view field);

// `hidden` slots for forms: fields by visible_if, scopes by deprecation and feature flags.
[[nodiscard]] std::function<bool(std::string_view, std::string_view)> form_hidden(const catalog::Catalog& catalog,
                                                                                  const catalog::FormEntry& form,
                                                                                  const nlohmann::json& data);

struct EligibilityDecision {
  std::vector<std::string> visible_questions;
  std::optional<std::string> option;  // the chosen type's callout
  std::optional<std::size_t> outcome;  // or the first outcome that holds
};
// The server twin of formc-forms.js decideEligibility().
[[nodiscard]] EligibilityDecision decide_eligibility(const formc::model::EligibilityRule& rule,
                                                     const nlohmann::json& answers);

// The notice above a wizard page after a post.
enum class WizardNotice {
  None,
  NotSaved,    // the post was refused: nothing was written
  DraftSaved,  // "Enregistrer le brouillon"
};

struct WizardPageView {
  const catalog::Catalog* catalog = nullptr;
  const catalog::FormEntry* form = nullptr;
  std::size_t page_index = 0;
  const nlohmann::json* data = nullptr;
  std::vector<formc::rt::Error> errors;  // of this page's fields (shown at the fields and in the summary)
  bool checked = false;                  // the page was validated: fields without error show as valid
  std::string action;                    // POST URL ("" : no form, e.g. the preview)
  std::string csrf_token;
  std::int64_t version = 0;
  std::string previous_url;  // "" on the first page
  WizardNotice notice = WizardNotice::None;
  // An update of a habilitation edits one page at a time from its summary
  // (LIFECYCLE.md §2.3): set, the page offers "Enregistrer les
  // modifications" and "Retour à la synthèse" (this URL) instead of the
  // wizard's buttons.
  std::string update_summary_url;
  // Documents (issue 12): a field's stored files as trusted HTML (see
  // render::SlotContext::documents_html); unset: names only.
  std::function<std::string(std::string_view)> documents_html;
  // The preview: file inputs shown disabled (nothing can be sent from it).
  bool files_disabled = false;
};
[[nodiscard]] std::string wizard_page_body(const WizardPageView& view);

struct SummaryView {
  const catalog::Catalog* catalog = nullptr;
  const catalog::FormEntry* form = nullptr;
  const nlohmann::json* data = nullptr;
  std::int64_t request_id = 0;              // edit links to its steps; 0: to the steps on the page (preview)
  bool editable = true;                     // false: edit links hidden (a submitted request)
  std::vector<formc::rt::Error> errors;     // submit-context errors
  std::string action;                       // "" : read-only (no checkboxes, no submit)
  std::string csrf_token;
  std::int64_t version = 0;
  // The update of a habilitation (§2.3): "Envoyer ma demande de
  // modification", disabled while nothing differs from the habilitation
  // (`unchanged`), and "Annuler ma demande de modification" (its page).
  bool update = false;
  bool unchanged = false;
  std::string cancel_update_url;
  std::string archive_url;  // "Supprimer" for the applicant's own draft; "" : not offered
  std::function<std::string(std::string_view)> documents_html;  // documents with links (issue 12); unset: names
};
[[nodiscard]] std::string summary_body(const SummaryView& view);

// The URL formd serves a generated file at (path inside formc's output, gen/paths.h).
[[nodiscard]] std::string generated_file_url(std::string_view output_path);
// Script URLs of a form's pages (formc-expr.js, formc-forms.js, its conditions.js).
[[nodiscard]] std::vector<std::string> form_scripts(const catalog::FormEntry& form);
// Script URLs of a definition's eligibility questionnaire.
[[nodiscard]] std::vector<std::string> eligibility_scripts(std::string_view definition_id);

}  // namespace formd::pages
