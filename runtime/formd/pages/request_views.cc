#include "pages/request_views.h"

#include <algorithm>
#include <map>

#include "expr/interpreter.h"
#include "gen/paths.h"
#include "pages/layout.h"
#include "render/field_id.h"

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

  std::string out;
  if (!view.action.empty()) {
    out += "<form method=\"post\" action=\"" + esc(view.action) + "\" novalidate class=\"formc-form\">\n";
    out += csrf_input(view.csrf_token);
    out += "<input type=\"hidden\" name=\"_version\" value=\"" + std::to_string(view.version) + "\">\n";
  }
  if (page.read_only) {
    out += "<div class=\"fr-notice fr-notice--info fr-mb-3w\"><div class=\"fr-container\"><div class=\"fr-notice__body\">"
           "<p class=\"fr-notice__title\">Ces informations sont fixées par ce formulaire et ne peuvent pas être "
           "modifiées.</p></div></div></div>\n";
    out += "<fieldset class=\"formc-readonly\" disabled aria-label=\"Informations non modifiables\">\n";
  }
  for (const auto& block : page.blocks) {
    out += render::fill_slots(fragment_or_empty(view.catalog->step_fragment(form, block)), slots);
  }
  if (page.read_only) out += "</fieldset>\n";
  if (!view.action.empty()) {
    const bool last = view.page_index + 1 == form.pages.size();
    out += "<ul class=\"fr-btns-group fr-btns-group--inline-md fr-mt-4w\">\n";
    out += std::string("<li><button type=\"submit\" class=\"fr-btn\" name=\"_action\" value=\"next\">") +
           (last ? "Enregistrer et voir le résumé" : "Enregistrer et continuer") + "</button></li>\n";
    if (!page.read_only) {
      out += "<li><button type=\"submit\" class=\"fr-btn fr-btn--secondary\" name=\"_action\" value=\"draft\">"
             "Enregistrer le brouillon</button></li>\n";
    }
    if (!view.previous_url.empty()) {
      out += "<li><a class=\"fr-btn fr-btn--tertiary\" href=\"" + esc(view.previous_url) + "\">Étape précédente</a></li>\n";
    }
    out += "</ul>\n</form>\n";
  }
  return out;
}

std::string summary_body(const SummaryView& view) {
  const auto& form = *view.form;
  const auto& def = *form.definition;
  const auto checkboxes = submit_fields(def);
  auto is_checkbox = [&](const std::string& name) {
    return std::any_of(checkboxes.begin(), checkboxes.end(), [&](const Field& f) { return f.name == name; });
  };

  std::string out;
  // Errors outside the checkboxes live on other pages: list them with links there.
  std::vector<const formc::rt::Error*> elsewhere;
  for (const auto& e : view.errors) {
    if (!is_checkbox(e.field)) elsewhere.push_back(&e);
  }
  if (!elsewhere.empty()) {
    out += "<div class=\"fr-alert fr-alert--error fr-mb-3w\" role=\"alert\"><h2 class=\"fr-alert__title\">"
           "La demande n’est pas complète</h2><ul>";
    for (const auto* e : elsewhere) {
      const catalog::Page* page = page_of_field(form, e->field);
      const std::string text = (e->field.empty() ? "" : field_label(def, e->field) + " : ") + e->message;
      if (page && view.request_id != 0) {
        out += "<li><a href=\"" + esc(step_url(view.request_id, page->key) + "#" + render::field_id(e->field)) + "\">" +
               esc(text) + "</a></li>";
      } else {
        out += "<li>" + esc(text) + "</li>";
      }
    }
    out += "</ul></div>\n";
  }

  render::SlotContext slots;
  slots.definition = &def;
  slots.values = view.data;
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
  out += render::fill_slots(fragment_or_empty(view.catalog->file(formc::gen::paths::html_summary(form.form->uid))), slots);

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
    out += "<form method=\"post\" action=\"" + esc(view.action) + "\" novalidate class=\"formc-form fr-mt-4w\">\n";
    out += csrf_input(view.csrf_token);
    out += "<input type=\"hidden\" name=\"_version\" value=\"" + std::to_string(view.version) + "\">\n";
    out += "<h2 class=\"fr-h4\">Validation de la demande</h2>\n";
    out += render::fill_slots("{{error_summary}}", submit_slots);
    out += render::fill_slots(fragment_or_empty(view.catalog->file(formc::gen::paths::html_submit(form.form->uid))),
                              submit_slots);
    out += "<ul class=\"fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-4w\">\n"
           "<li><button type=\"submit\" class=\"fr-btn fr-icon-send-plane-fill fr-btn--icon-left\">Soumettre la "
           "demande</button></li>\n</ul>\n</form>\n";
  }
  return out;
}

}  // namespace formd::pages
