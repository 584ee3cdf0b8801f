#include "pages/request_views.h"

#include <algorithm>
#include <map>

#include "expr/interpreter.h"
#include "gen/paths.h"
#include "render/field_id.h"
#include "web/view.h"

namespace formd::pages {

using formc::model::Definition;
using formc::model::Field;
using formc::model::FieldType;

std::string request_url(std::int64_t id) { return "/demandes/" + std::to_string(id); }
std::string step_url(std::int64_t id, std::string_view page_key) {
  return request_url(id) + "/etapes/" + std::string(page_key);
}
std::string summary_url(std::int64_t id) { return request_url(id) + "/resume"; }

namespace {

std::string field_label(const Definition& def, std::string_view name) {
  if (const Field* f = def.find_field(name)) return f->label.empty() ? std::string(name) : f->label;
  if (name == "terms_of_service_accepted") return "Conditions générales d’utilisation";
  if (name == "data_protection_officer_informed") return "Délégué à la protection des données informé";
  return std::string(name);
}

const std::string& fragment_or_empty(const std::string* text) {
  static const std::string empty;
  return text ? *text : empty;
}

}  // namespace

std::vector<const Field*> page_fields(const Definition& definition, const catalog::Page& page) {
  std::vector<const Field*> out;
  if (page.read_only) return out;
  for (const auto& name : page.blocks) {
    if (const auto* block = definition.find_block(name)) {
      for (const auto& f : block->fields) out.push_back(&f);
    }
  }
  return out;
}

std::vector<Field> submit_fields(const Definition& definition) {
  std::vector<Field> out;
  auto checkbox = [](std::string name) {
    Field f;
    f.name = std::move(name);
    f.type = FieldType::Checkbox;
    return f;
  };
  out.push_back(checkbox("terms_of_service_accepted"));
  out.push_back(checkbox("data_protection_officer_informed"));
  for (const auto& f : definition.extra_checkboxes) out.push_back(f);
  return out;
}

std::map<std::string, std::vector<std::string>> errors_by_field(const std::vector<formc::rt::Error>& errors) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& e : errors) out[e.field].push_back(e.message);
  return out;
}

const catalog::Page* page_of_field(const catalog::FormEntry& form, std::string_view field) {
  const Field* f = form.definition->find_field(field);
  if (!f) return nullptr;
  for (const auto& page : form.pages) {
    if (std::find(page.blocks.begin(), page.blocks.end(), f->block) != page.blocks.end()) return &page;
  }
  return nullptr;
}

std::function<bool(std::string_view, std::string_view)> form_hidden(const catalog::Catalog& catalog,
                                                                    const catalog::FormEntry& form,
                                                                    const nlohmann::json& data) {
  return [&catalog, &form, &data](std::string_view kind, std::string_view name) {
    if (kind == "field") {
      const Field* f = form.definition->find_field(name);
      return f != nullptr && !catalog.field_visible(*f, data);
    }
    if (kind == "scope") {
      const auto* s = form.definition->find_scope(name);
      if (!s) return false;
      // Feature flags are off until formd has feature management.
      if (!s->feature_flag.empty()) return true;
      // A deprecated scope stays visible on requests that already have it.
      if (s->deprecated_since) {
        const auto scopes = data.find("scopes");
        const bool chosen = scopes != data.end() && scopes->is_array() &&
                            std::find(scopes->begin(), scopes->end(), nlohmann::json(s->value)) != scopes->end();
        return !chosen;
      }
    }
    return false;
  };
}

EligibilityDecision decide_eligibility(const formc::model::EligibilityRule& rule, const nlohmann::json& answers) {
  EligibilityDecision decision;
  nlohmann::json e = answers.is_object() ? answers : nlohmann::json::object();
  const auto today = formc::rt::today();
  for (const auto& q : rule.questions) {
    const bool visible = !q.visible_if || !q.visible_if->expr ||
                         formc::expr::evaluate(*q.visible_if->expr, e, today).truthy();
    if (visible) {
      decision.visible_questions.push_back(q.id);
    } else {
      e[q.id] = nullptr;
    }
  }
  const auto type = e.find("type");
  if (type == e.end() || type->is_null()) return decision;
  for (std::size_t i = 0; i < rule.outcomes.size(); ++i) {
    const auto& c = rule.outcomes[i].condition;
    if (c.expr && formc::expr::evaluate(*c.expr, e, today).truthy()) {
      decision.outcome = i;
      return decision;
    }
  }
  if (type->is_string()) decision.option = type->get<std::string>();
  return decision;
}

std::string generated_file_url(std::string_view output_path) { return "/static/formc/" + std::string(output_path); }

std::vector<std::string> form_scripts(const catalog::FormEntry& form) {
  namespace paths = formc::gen::paths;
  return {generated_file_url(paths::kExprJs), generated_file_url(paths::kFormsJs),
          generated_file_url(paths::html_conditions_js(form.form->uid))};
}

std::vector<std::string> eligibility_scripts(std::string_view definition_id) {
  namespace paths = formc::gen::paths;
  return {generated_file_url(paths::kExprJs), generated_file_url(paths::kFormsJs),
          generated_file_url(paths::html_eligibility_js(definition_id))};
}

std::string wizard_page_body(const WizardPageView& view) {
  const auto& form = *view.form;
  const auto& page = form.pages.at(view.page_index);
  const auto fields = page_fields(*form.definition, page);

  render::SlotContext slots;
  slots.definition = form.definition;
  slots.values = view.data;
  slots.errors = errors_by_field(view.errors);
  for (const auto* f : fields) {
    slots.page_fields.push_back(f->name);
    if (view.checked && !slots.errors.count(f->name)) slots.valid_fields.push_back(f->name);
  }
  slots.hidden = form_hidden(*view.catalog, form, *view.data);
  slots.documents_html = view.documents_html;
  if (view.files_disabled) slots.disabled = [](std::string_view) { return true; };
  std::string blocks;
  for (const auto& block : page.blocks) {
    blocks += render::fill_slots(fragment_or_empty(view.catalog->step_fragment(form, block)), slots);
  }

  web::Data data;
  data.set("not_saved", view.notice == WizardNotice::NotSaved);
  data.set("draft_saved", view.notice == WizardNotice::DraftSaved);
  data.set("has_form", !view.action.empty());
  data.set("action", view.action);
  data.set("csrf", view.csrf_token);
  data.set("version", std::to_string(view.version));
  data.set("read_only", page.read_only);
  data.set("blocks_trusted_html", web::trusted_html(std::move(blocks)));
  data.set("last", view.page_index + 1 == form.pages.size());
  data.set("has_previous", !view.previous_url.empty());
  data.set("previous_url", view.previous_url);
  data.set("update", !view.update_summary_url.empty());
  data.set("summary_url", view.update_summary_url);
  // A page with a document field posts multipart/form-data (its files streamed, issue 12).
  data.set("multipart", std::any_of(fields.begin(), fields.end(), [](const formc::model::Field* f) {
             return f->type == formc::model::FieldType::Document;
           }));
  return web::render("wizard_page", data);
}

std::string summary_body(const SummaryView& view) {
  const auto& form = *view.form;
  const auto& def = *form.definition;
  const auto checkboxes = submit_fields(def);
  auto is_checkbox = [&](const std::string& name) {
    return std::any_of(checkboxes.begin(), checkboxes.end(), [&](const Field& f) { return f.name == name; });
  };

  web::Data data;
  // Errors outside the checkboxes live on other pages: list them with links there.
  web::List elsewhere;
  for (const auto& e : view.errors) {
    if (is_checkbox(e.field)) continue;
    const catalog::Page* page = page_of_field(form, e.field);
    web::Data item;
    item.set("has_label", !e.field.empty());
    item.set("label", e.field.empty() ? std::string() : field_label(def, e.field));
    item.set("message", e.message);
    const bool linked = page && view.request_id != 0;
    item.set("has_href", linked);
    item.set("href", linked ? step_url(view.request_id, page->key) + "#" + render::field_id(e.field) : std::string());
    elsewhere.push_back(item);
  }
  data.set("has_elsewhere", !elsewhere.empty());
  data.set("elsewhere", elsewhere);

  render::SlotContext slots;
  slots.definition = &def;
  slots.values = view.data;
  slots.documents_html = view.documents_html;
  const auto hidden = form_hidden(*view.catalog, form, *view.data);
  const bool editable = view.editable;
  slots.hidden = [hidden, editable](std::string_view kind, std::string_view name) {
    if (kind == "edit") return !editable;
    return hidden(kind, name);
  };
  const std::int64_t id = view.request_id;
  slots.step_url = [id, &form](std::string_view block) -> std::string {
    // The preview shows every step on the same page: link to it there.
    if (id == 0) return "#formc-step-" + std::string(block);
    for (const auto& p : form.pages) {
      if (std::find(p.blocks.begin(), p.blocks.end(), block) != p.blocks.end()) return step_url(id, p.key);
    }
    return request_url(id);
  };
  data.set("summary_trusted_html", web::trusted_html(render::fill_slots(
                                       fragment_or_empty(view.catalog->file(formc::gen::paths::html_summary(form.form->uid))), slots)));

  data.set("has_form", !view.action.empty());
  if (!view.action.empty()) {
    render::SlotContext submit_slots = slots;
    submit_slots.errors.clear();
    for (const auto& e : view.errors) {
      if (is_checkbox(e.field)) submit_slots.errors[e.field].push_back(e.message);
    }
    for (const auto& f : checkboxes) {
      submit_slots.page_fields.push_back(f.name);
      submit_slots.labels[f.name] = f.label.empty() ? field_label(def, f.name) : f.label;
    }
    data.set("action", view.action);
    data.set("csrf", view.csrf_token);
    data.set("version", std::to_string(view.version));
    data.set("update", view.update);
    data.set("unchanged", view.update && view.unchanged);
    data.set("cancel_update_url", view.cancel_update_url);
    data.set("has_cancel_update", !view.cancel_update_url.empty());
    data.set("has_archive", !view.archive_url.empty());
    data.set("archive_url", view.archive_url);
    // formc's slot (not markup of formd's): the error summary of the checkboxes.
    data.set("error_summary_trusted_html", web::trusted_html(render::fill_slots("{{error_summary}}", submit_slots)));
    data.set("submit_trusted_html",
             web::trusted_html(render::fill_slots(
                 fragment_or_empty(view.catalog->file(formc::gen::paths::html_submit(form.form->uid))), submit_slots)));
  }
  return web::render("summary", data);
}

}  // namespace formd::pages
