#include "app/stages.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace formd::app {

namespace {

using Kind = Outcome::Kind;
using HState = domain::HabilitationState;

const char* const kNotFound = "Demande introuvable.";
const char* const kStale = "La demande a été modifiée entre-temps : relisez-la puis recommencez.";

Outcome refusal(Kind kind, std::string message, std::optional<storage::Request> request = std::nullopt) {
  return {kind, std::move(message), std::move(request), std::nullopt};
}

// The next stage's definition and form, when the catalogue has both and the
// form belongs to that definition.
const catalog::FormEntry* next_stage_form(const catalog::Catalog& catalog, std::string_view definition_id) {
  const auto* definition = catalog.find_definition(definition_id);
  if (!definition || !definition->stage || !definition->stage->next) return nullptr;
  const auto& next = *definition->stage->next;
  const auto* form = catalog.find_form(next.form_id.value);
  if (!form || form->definition->id != next.id.value) return nullptr;
  return form;
}

bool is_applicant(const domain::Actor& actor, const domain::RequestView& view) {
  return actor.user_id == view.applicant_user_id && actor.current_siret == view.organization_siret;
}

nlohmann::json parse_object(const std::string& text) {
  auto data = nlohmann::json::parse(text, nullptr, false);
  return data.is_object() ? data : nlohmann::json::object();
}

bool has_block(const formc::model::Definition& definition, const std::string& name) {
  return std::any_of(definition.blocks.begin(), definition.blocks.end(), [&](const auto& b) { return b.name == name; });
}

// The data a production request starts with: the sandbox request's data,
// its final checkboxes unticked (DataPass resets CGU and DPO; the
// definition's extra attestations are asked again too), plus the fields of
// the production-only blocks of the latest production habilitation, if any.
nlohmann::json next_stage_data(const nlohmann::json& current, const formc::model::Definition& from,
                               const formc::model::Definition& to, const std::optional<storage::Habilitation>& previous) {
  nlohmann::json data = current;
  for (const char* name : {"terms_of_service_accepted", "data_protection_officer_informed"}) data.erase(name);
  for (const auto* definition : {&from, &to}) {
    for (const auto& f : definition->extra_checkboxes) data.erase(f.name);
  }
  if (previous) {
    const auto old = parse_object(previous->data_json);
    for (const auto& block : to.blocks) {
      if (has_block(from, block.name)) continue;
      for (const auto& f : block.fields) {
        if (const auto it = old.find(f.name); it != old.end()) data[f.name] = *it;
      }
    }
  }
  return data;
}

// The document fields next_stage_data() carries over from the previous
// habilitation of the next stage: their files come with their entries.
std::vector<std::string> carried_document_fields(const formc::model::Definition& from, const formc::model::Definition& to) {
  std::vector<std::string> out;
  for (const auto& block : to.blocks) {
    if (has_block(from, block.name)) continue;
    for (const auto& f : block.fields) {
      if (f.type == formc::model::FieldType::Document) out.push_back(f.name);
    }
  }
  return out;
}

}  // namespace

Stage stage_of(const catalog::Catalog& catalog, std::string_view definition_id) {
  const auto* definition = catalog.find_definition(definition_id);
  if (!definition || !definition->stage) return Stage::None;
  if (definition->stage->type == "sandbox") return Stage::Sandbox;
  if (definition->stage->type == "production") return Stage::Production;
  return Stage::None;
}

std::string_view stage_label(Stage stage) {
  switch (stage) {
    case Stage::Sandbox: return "Bac à sable";
    case Stage::Production: return "Production";
    case Stage::None: break;
  }
  return "";
}

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::Sandbox: return "sandbox";
    case Stage::Production: return "production";
    case Stage::None: break;
  }
  return "";
}

bool stage_reopenable(const storage::Habilitation& habilitation, const std::vector<storage::Habilitation>& all,
                      const storage::Request& request, const catalog::Catalog& catalog) {
  if (habilitation.state != HState::Active || request.reopening()) return false;
  // The latest of its stage: no newer habilitation of its definition.
  for (const auto& h : all) {
    if (h.id > habilitation.id && h.definition_id == habilitation.definition_id) return false;
  }
  switch (stage_of(catalog, habilitation.definition_id)) {
    case Stage::Production:
      return all.empty() || stage_of(catalog, all.back().definition_id) != Stage::Sandbox;
    case Stage::Sandbox: return request.state == domain::RequestState::Validated;
    case Stage::None: break;
  }
  return true;
}

std::optional<storage::Habilitation> stage_origin(const storage::Request& request,
                                                  const std::vector<storage::Habilitation>& habilitations,
                                                  const catalog::Catalog& catalog) {
  if (!next_stage_form(catalog, request.definition_id)) return std::nullopt;
  for (auto it = habilitations.rbegin(); it != habilitations.rend(); ++it) {
    if (it->state == HState::Active && it->definition_id == request.definition_id) return *it;
  }
  return std::nullopt;
}

void set_stage_facts(domain::RequestFacts& facts, const storage::Request& request,
                     const std::vector<storage::Habilitation>& habilitations, const catalog::Catalog& catalog) {
  // DataPass's guard: the definition has a next stage (the use case also
  // needs the sandbox habilitation to continue from).
  facts.has_next_stage = next_stage_form(catalog, request.definition_id) != nullptr;
  facts.in_later_stage = request.next_stage_from.has_value();
  facts.reopenable = std::any_of(habilitations.begin(), habilitations.end(), [&](const auto& h) {
    return stage_reopenable(h, habilitations, request, catalog);
  });
}

Outcome Stages::commit(const storage::StateChange& change) {
  auto written = store_.change_state(change);
  switch (written.outcome) {
    case storage::WriteOutcome::Ok: return {Kind::Ok, "", std::move(written.request), std::nullopt};
    case storage::WriteOutcome::NotFound: return refusal(Kind::NotFound, kNotFound);
    case storage::WriteOutcome::WrongState:
    case storage::WriteOutcome::Stale: break;
  }
  return refusal(Kind::Stale, kStale, std::move(written.request));
}

Outcome Stages::start_next_stage(const domain::Actor& actor, std::int64_t request_id) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  switch (domain::can(actor, domain::Action::StartNextStage, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden:
      return refusal(Kind::Forbidden, "Seul le demandeur peut démarrer la demande d’habilitation en production.", request);
    case domain::Verdict::WrongState:
      if (!view.facts.has_next_stage) {
        return refusal(Kind::WrongState, "Cette demande n’a pas d’étape suivante : elle ne peut pas passer en production.",
                       request);
      }
      return refusal(Kind::WrongState,
                     "La demande d’accès au bac à sable doit être validée avant de démarrer la demande d’habilitation "
                     "en production.",
                     request);
    case domain::Verdict::Allowed: break;
  }
  const auto habilitations = store_.habilitations_of(request->id);
  const auto origin = stage_origin(*request, habilitations, *catalog);
  const auto* next = next_stage_form(*catalog, request->definition_id);
  const auto* current = catalog->find_definition(request->definition_id);
  if (!origin || !next || !current) return refusal(Kind::WrongState, "Cette demande ne peut pas passer en production.", request);
  // The latest habilitation of the next stage, whose data comes back: then
  // the production request is an update of it (DataPass's `reopening?`).
  std::optional<storage::Habilitation> previous;
  for (auto it = habilitations.rbegin(); it != habilitations.rend() && !previous; ++it) {
    if (it->definition_id == next->definition->id && it->state != HState::Revoked) previous = *it;
  }
  const auto data = next_stage_data(parse_object(request->data_json), *current, *next->definition, previous);

  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *domain::next_state(domain::Event::StartNextStage, view.state, view.facts, domain::Party::Applicant);
  change.event = std::string(domain::to_string(domain::Event::StartNextStage));
  change.actor_user_id = actor.user_id;
  change.data_json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  change.switch_form = storage::StateChange::FormSwitch{next->form->uid, next->definition->id,
                                                        catalog->definition_hash(next->definition->id)};
  change.start_next_stage_from = origin->id;
  change.start_reopening = previous.has_value();
  change.habilitation_id = origin->id;
  if (previous) {
    // The carried production entries keep their files (issue 12), in the same transaction.
    auto fields = carried_document_fields(*current, *next->definition);
    if (!fields.empty()) {
      change.restore_documents_from = previous->id;
      change.restore_document_fields = std::move(fields);
    }
  }
  return commit(change);
}

Outcome Stages::cancel_next_stage(const domain::Actor& actor, std::int64_t request_id) {
  const auto catalog = catalogs_.current();
  const auto request = store_.find_request_by_id(request_id);
  if (!request) return refusal(Kind::NotFound, kNotFound);
  const auto view = view_of(*request, *catalog, store_);
  const auto event = domain::Event::CancelNextStage;
  switch (domain::can(actor, domain::Action::CancelNextStage, view)) {
    case domain::Verdict::NotVisible: return refusal(Kind::NotFound, kNotFound);
    case domain::Verdict::Forbidden:
      return refusal(Kind::Forbidden, "Seuls le demandeur et les instructeurs peuvent annuler la demande de production.",
                     request);
    case domain::Verdict::WrongState:
      if (!view.facts.in_later_stage) {
        return refusal(Kind::WrongState, "Cette demande n’est pas une demande de production en cours.", request);
      }
      if (is_applicant(actor, view) && request->state == domain::RequestState::Submitted) {
        return refusal(Kind::WrongState,
                       "La demande de production a été envoyée : seul un instructeur peut encore l’annuler.", request);
      }
      return refusal(Kind::WrongState, "La demande de production ne peut pas être annulée dans son état actuel.", request);
    case domain::Verdict::Allowed: break;
  }
  const auto origin = store_.find_habilitation(*request->next_stage_from);
  if (!origin || origin->request_id != request->id) {
    return refusal(Kind::WrongState, "La demande bac à sable de cette demande de production est introuvable.", request);
  }
  const bool as_applicant =
      is_applicant(actor, view) && domain::next_state(event, view.state, view.facts, domain::Party::Applicant);
  storage::StateChange change;
  change.request_id = request->id;
  change.expected_version = request->version;
  change.from = request->state;
  change.to = *domain::next_state(event, view.state, view.facts,
                                  as_applicant ? domain::Party::Applicant : domain::Party::Instructor);
  change.event = std::string(domain::to_string(event));
  change.actor_user_id = actor.user_id;
  // The sandbox request comes back: its form, definition and data.
  const std::string hash = catalog->definition_hash(origin->definition_id);
  change.switch_form = storage::StateChange::FormSwitch{origin->form_uid, origin->definition_id,
                                                        hash.empty() ? origin->definition_hash : hash};
  change.data_json = origin->data_json;
  change.habilitation_id = origin->id;
  // Its files too: the production request's uploads go with its data (issue 12).
  change.restore_documents_from = origin->id;
  return commit(change);
}

}  // namespace formd::app
