#include "catalog/catalog.h"

#include <algorithm>
#include <fmt/format.h>

#include "driver/session.h"
#include "formc/runtime/checks.h"
#include "expr/interpreter.h"
#include "gen/cpp/registry.h"
#include "gen/html/html_generator.h"
#include "gen/json_schema/json_schema_generator.h"
#include "gen/manifest.h"
#include "gen/paths.h"
#include "support/diagnostic_render.h"
#include "validate/validator.h"

namespace formd::catalog {

using formc::model::Definition;
using formc::model::Form;

namespace {

bool listed(const std::vector<formc::model::Located>& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(), [&](const auto& l) { return l.value == name; });
}

// The wizard of a form, as the HTML generator lays it out: one page per
// step; a form without `steps` is a single page of its non-static blocks.
std::vector<Page> wizard_pages(const Definition& def, const Form& form) {
  std::vector<Page> pages;
  if (form.steps.empty()) {
    Page page{"formulaire", def.name, {}, false, ""};
    for (const auto& n : def.block_names) {
      if (!listed(form.static_blocks, n.value) && def.find_block(n.value)) page.blocks.push_back(n.value);
    }
    if (!page.blocks.empty()) page.validate_step = page.blocks.back();
    pages.push_back(std::move(page));
    return pages;
  }
  for (const auto& s : form.steps) {
    const auto* block = def.find_block(s.value);
    if (!block) continue;
    if (std::any_of(pages.begin(), pages.end(), [&](const Page& p) { return p.key == s.value; })) continue;
    const bool read_only = listed(form.static_blocks, s.value);
    pages.push_back(Page{s.value, block->title, {s.value}, read_only, read_only ? "" : s.value});
  }
  return pages;
}

formc::validate::Context to_interpreter(const formc::rt::Context& context) {
  formc::validate::Context out;
  switch (context.kind) {
    case formc::rt::Context::Kind::Draft: out.kind = formc::validate::Context::Kind::Draft; break;
    case formc::rt::Context::Kind::Step: out.kind = formc::validate::Context::Kind::Step; break;
    case formc::rt::Context::Kind::Submit: out.kind = formc::validate::Context::Kind::Submit; break;
  }
  out.step = context.step;
  return out;
}

const formc::rt::FormInfo* compiled_form(const formc::rt::CompiledDefinition& compiled, std::string_view uid) {
  for (const auto& info : compiled.forms()) {
    if (info.uid == uid) return &info;
  }
  return nullptr;
}

}  // namespace

Catalog::~Catalog() = default;

const formc::model::Module& Catalog::module() const { return session_->module(); }

const FormEntry* Catalog::find_form(std::string_view uid) const {
  for (const auto& f : forms_) {
    if (f.form->uid == uid) return &f;
  }
  return nullptr;
}

const Definition* Catalog::find_definition(std::string_view id) const { return module().find_definition(id); }

const formc::model::EligibilityRule* Catalog::eligibility_rule(std::string_view definition_id) const {
  for (const auto& rule : module().eligibility_rules) {
    if (rule.definition_id == definition_id) return &rule;
  }
  return nullptr;
}

std::string Catalog::definition_hash(std::string_view definition_id) const {
  const auto it = hashes_.find(definition_id);
  return it == hashes_.end() ? std::string() : it->second;
}

const std::string* Catalog::file(std::string_view path) const {
  const auto& files = outputs_.files();
  const auto it = files.find(std::string(path));
  return it == files.end() ? nullptr : &it->second;
}

const std::string* Catalog::step_fragment(const FormEntry& form, std::string_view block) const {
  return file(formc::gen::paths::html_step(form.form->uid, block));
}

std::vector<formc::rt::Error> Catalog::validate(const FormEntry& form, const nlohmann::json& data,
                                                const formc::rt::Context& context) const {
  if (validator_ == ValidatorKind::Compiled) {
    const auto it = compiled_.find(form.definition->id);
    const formc::rt::FormInfo* info = it == compiled_.end() ? nullptr : compiled_form(*it->second, form.form->uid);
    if (info) return it->second->validate_json_text(data.dump(), context, *info).errors;
    // load_catalog() checked every form has its class: unreachable.
    return {formc::rt::Error{"", "internal", "Formulaire non compilé dans ce serveur."}};
  }
  std::string problem;
  const auto errors = formc::validate::validate(*form.definition, *form.form, data, to_interpreter(context),
                                                context.today_or_now(), problem);
  if (!errors) return {formc::rt::Error{"", "invalid_context", problem}};
  std::vector<formc::rt::Error> out;
  out.reserve(errors->size());
  for (const auto& e : *errors) out.push_back(formc::rt::Error{e.field, e.code, e.message});
  return out;
}

nlohmann::json Catalog::prefill(const FormEntry& form) const {
  if (validator_ == ValidatorKind::Compiled) {
    const auto it = compiled_.find(form.definition->id);
    if (it != compiled_.end()) {
      if (const auto* info = compiled_form(*it->second, form.form->uid)) {
        return nlohmann::json::parse(it->second->prefill_json(*info));
      }
    }
  }
  // The interpreter's twin of the generated prefill(): initialize_with, then
  // the included scopes merged into `scopes` (sorted, without repeats).
  nlohmann::json data = nlohmann::json::object();
  for (const auto& p : form.form->initialize_with) data[p.field] = nlohmann::json::parse(p.value.dump());
  std::vector<std::string> scopes;
  const bool has_scopes = data.contains("scopes") && data["scopes"].is_array();
  if (has_scopes) {
    for (const auto& v : data["scopes"]) {
      if (v.is_string()) scopes.push_back(v.get<std::string>());
    }
  }
  for (const auto& s : form.definition->scopes) {
    if (s.included) scopes.push_back(s.value);
  }
  formc::rt::merge_sorted_unique(scopes, {});
  if (has_scopes || !scopes.empty()) data["scopes"] = scopes;
  return data;
}

bool Catalog::field_visible(const formc::model::Field& field, const nlohmann::json& data) const {
  if (!field.visible_if || !field.visible_if->expr) return true;
  return formc::expr::evaluate(*field.visible_if->expr, data, formc::rt::today()).truthy();
}

LoadResult load_catalog(const LoadOptions& options) {
  LoadResult result;
  formc::driver::CommonOptions common;
  common.paths = {options.definitions_dir};
  common.library = options.library_dir;
  auto session = std::make_unique<formc::driver::Session>(common);
  const bool ok = session->load();
  const auto& diagnostics = session->diagnostics().all();
  if (!diagnostics.empty()) result.diagnostics = formc::support::render_text(session->sources(), diagnostics);
  if (!ok) {
    result.error = fmt::format("the definitions in {} do not compile", options.definitions_dir);
    return result;
  }

  std::shared_ptr<Catalog> catalog(new Catalog());
  Catalog& c = *catalog;
  c.validator_ = options.validator;
  const auto& module = session->module();
  formc::gen::html::HtmlGenerator().generate(module, c.outputs_);
  formc::gen::json_schema::JsonSchemaGenerator().generate(module, c.outputs_);
  formc::gen::add_manifest(module, c.outputs_);

  for (const auto& def : module.definitions) {
    const std::string hash = formc::gen::cpp::content_hash(module, def);
    c.hashes_[def.id] = hash;
    if (options.validator != ValidatorKind::Compiled) continue;
    const auto it = std::find_if(options.registry.begin(), options.registry.end(),
                                 [&](const auto& entry) { return entry.definition().id == def.id; });
    if (it == options.registry.end()) {
      result.error = fmt::format(
          "definition '{}' ({}) is not compiled into this formd: rebuild formd, or run it with --dev", def.id,
          def.source_file);
      return result;
    }
    if (it->content_hash != hash) {
      result.error = fmt::format(
          "definition '{}' ({}) differs from the one compiled into this formd (content hash {} on disk, {} "
          "compiled): rebuild formd, or run it with --dev",
          def.id, def.source_file, hash.substr(0, 12), std::string(it->content_hash.substr(0, 12)));
      return result;
    }
    c.compiled_[def.id] = &*it;
  }

  for (const auto& form : module.forms) {
    const Definition* def = module.find_definition(form.definition_id);
    if (!def) continue;
    FormEntry entry;
    entry.form = &form;
    entry.definition = def;
    entry.single_page = form.steps.empty();
    entry.startable = form.is_public && form.startable_by_applicant.value_or(def->startable_by_applicant);
    entry.pages = wizard_pages(*def, form);
    entry.display_name = form.name ? *form.name : def->name;
    c.forms_.push_back(std::move(entry));
  }
  c.session_ = std::move(session);
  result.catalog = std::move(catalog);
  return result;
}

}  // namespace formd::catalog
