// The provider preview: every page of a form and its summary, filled with
// example data, without login or storage. In dev mode it is the page an
// author keeps open: it shows the latest definitions, or why they no longer load.
#include <algorithm>
#include <cctype>

#include "documents/content_type.h"
#include "formc/runtime/expr_runtime.h"
#include "pages/request_views.h"
#include "server/app.h"
#include "http/messages.h"
#include "web/view.h"

namespace formd {

using formc::model::Field;
using formc::model::FieldType;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "exemple.pdf", "exemple.xlsx": named after the format ("exemple" when it has no short name).
std::string example_file_name(const std::string& content_type) {
  std::string extension = documents::format_names({content_type});
  for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool plain = !extension.empty() && std::all_of(extension.begin(), extension.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
  return plain ? "exemple." + extension : std::string("exemple");
}

// A plausible value for a field, so the preview looks like a real request.
nlohmann::json example_value(const formc::model::Definition& def, const formc::model::Form& form, const Field& f) {
  switch (f.type) {
    case FieldType::Email: return "camille.dupont@exemple.gouv.fr";
    case FieldType::Phone: return f.mobile ? "0601020304" : "0123456789";
    case FieldType::Url: return "https://www.exemple.gouv.fr";
    case FieldType::Date: return formc::rt::format_date(formc::rt::today());
    case FieldType::Integer: {
      std::int64_t v = f.min.value_or(12);
      if (f.max && v > *f.max) v = *f.max;
      if (!f.options.empty()) return std::stoll(f.options.front().value);
      return v;
    }
    case FieldType::Checkbox: return true;
    case FieldType::Select:
    case FieldType::Radio:
      if (f.options.empty()) return nullptr;
      return f.options.front().value;
    case FieldType::Multiselect:
      if (f.options.empty()) return nullptr;
      return nlohmann::json::array({f.options.front().value});
    case FieldType::Scopes: {
      nlohmann::json scopes = nlohmann::json::array();
      for (const auto& s : def.scopes) {
        const bool hidden = std::any_of(form.scopes_config.hide.begin(), form.scopes_config.hide.end(),
                                        [&](const auto& h) { return h.value == s.value; });
        if (!hidden && s.feature_flag.empty() && !s.deprecated_since) scopes.push_back(s.value);
      }
      return scopes;
    }
    case FieldType::Document: {
      // One example file, listed as an uploaded one is (name and size; no
      // link: the preview stores nothing).
      const std::string type = f.content_types.empty() ? std::string("application/pdf") : f.content_types.front();
      const std::int64_t size = std::min<std::int64_t>(f.max_size.value_or(250 * 1024), 250 * 1024);
      return nlohmann::json::array({{{"name", example_file_name(type)}, {"content_type", type}, {"size", size}}});
    }
    case FieldType::Textarea: return "Texte d’exemple : décrivez ici, en quelques phrases, ce que l’on attend de vous.";
    case FieldType::Text: break;
  }
  if (ends_with(f.name, "family_name")) return "Dupont";
  if (ends_with(f.name, "given_name")) return "Camille";
  if (ends_with(f.name, "job_title")) return "Cheffe de projet";
  if (f.name.find("siret") != std::string::npos) return "13002526500013";
  return "Exemple – " + (f.label.empty() ? f.name : f.label);
}

// The example files of `data` as documents without id (templates/document_list.mustache lists them unlinked).
std::vector<storage::Document> example_documents(const formc::model::Definition& def, const nlohmann::json& data) {
  std::vector<storage::Document> out;
  for (const auto& block : def.blocks) {
    for (const auto& f : block.fields) {
      const auto it = data.find(f.name);
      if (f.type != FieldType::Document || it == data.end() || !it->is_array()) continue;
      for (const auto& entry : *it) {
        storage::Document d;
        d.field = f.name;
        d.name = entry.value("name", std::string());
        d.content_type = entry.value("content_type", std::string());
        d.size = entry.value("size", std::int64_t{0});
        out.push_back(std::move(d));
      }
    }
  }
  return out;
}

}  // namespace

void App::preview(const httplib::Request& req, httplib::Response& res) {
  Caller caller = identify(req);
  const auto catalog = catalogs_.current();
  const auto* entry = catalog->find_form(req.matches[1].str());
  if (!entry) return send_error_page(res, 404, "Formulaire introuvable", "Ce formulaire n’existe pas.", caller);

  // Example data over the form's own prefill, which stays as the applicant will see it.
  nlohmann::json data = catalog->prefill(*entry);
  for (const auto& block : entry->definition->blocks) {
    for (const auto& f : block.fields) {
      if (data.contains(f.name) || (f.type == FieldType::Radio && f.name.find("_type") != std::string::npos)) continue;
      auto value = example_value(*entry->definition, *entry->form, f);
      if (!value.is_null()) data[f.name] = std::move(value);
    }
  }

  const auto examples = example_documents(*entry->definition, data);
  auto documents_html = [&examples](std::string_view field) { return documents::list_html(examples, field, false); };

  web::Data body;
  const auto status = catalogs_.status();
  body.set("watching", catalogs_.watching());
  body.set("generation", std::to_string(status.generation));
  body.set("has_error", !status.error.empty());
  body.set("diagnostics", status.diagnostics.empty() ? status.error : status.diagnostics);
  web::List steps;
  for (std::size_t i = 0; i < entry->pages.size(); ++i) {
    pages::WizardPageView view;
    view.catalog = catalog.get();
    view.form = entry;
    view.page_index = i;
    view.data = &data;
    view.documents_html = documents_html;
    view.files_disabled = true;  // the preview stores nothing: no file chooser
    web::Data step;
    step.set("number", std::to_string(i + 1));
    step.set("title", entry->pages[i].title);
    step.set("page_trusted_html", web::trusted_html(pages::wizard_page_body(view)));
    steps.push_back(step);
  }
  body.set("pages", steps);
  pages::SummaryView summary;
  summary.catalog = catalog.get();
  summary.form = entry;
  summary.data = &data;
  summary.documents_html = documents_html;
  body.set("summary_trusted_html", web::trusted_html(pages::summary_body(summary)));

  pages::PageShell page;
  page.title = "Aperçu : " + entry->display_name;
  page.body_html = web::render("preview", body);
  page.scripts = pages::form_scripts(*entry);
  page.breadcrumbs = {{"Catalogue", "/"}, {entry->definition->name, "/definitions/" + entry->definition->id},
                      {"Aperçu", ""}};
  send_page(res, 200, std::move(page), caller);
}

}  // namespace formd
