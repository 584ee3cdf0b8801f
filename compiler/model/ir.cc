#include "model/ir.h"

#include <algorithm>
#include <array>
#include <utility>

namespace formc::model {
namespace {

constexpr std::array<std::pair<FieldType, const char*>, 13> kFieldTypes = {{
    {FieldType::Text, "text"},
    {FieldType::Textarea, "textarea"},
    {FieldType::Email, "email"},
    {FieldType::Phone, "phone"},
    {FieldType::Url, "url"},
    {FieldType::Integer, "integer"},
    {FieldType::Date, "date"},
    {FieldType::Checkbox, "checkbox"},
    {FieldType::Select, "select"},
    {FieldType::Radio, "radio"},
    {FieldType::Multiselect, "multiselect"},
    {FieldType::Document, "document"},
    {FieldType::Scopes, "scopes"},
}};

}  // namespace

const char* to_string(FieldType type) {
  for (const auto& [t, name] : kFieldTypes) {
    if (t == type) return name;
  }
  return "text";
}

std::optional<FieldType> field_type_from_string(std::string_view name) {
  for (const auto& [t, n] : kFieldTypes) {
    if (name == n) return t;
  }
  return std::nullopt;
}

Span Definition::span_of(const std::string& key) const {
  const auto it = value_spans.find(key);
  return it == value_spans.end() ? span : it->second;
}

Span Form::span_of(const std::string& key) const {
  const auto it = value_spans.find(key);
  return it == value_spans.end() ? span : it->second;
}

const Block* Definition::find_block(std::string_view name) const {
  for (const auto& b : blocks) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const Field* Definition::find_field(std::string_view name) const {
  for (const auto& b : blocks) {
    for (const auto& f : b.fields) {
      if (f.name == name) return &f;
    }
  }
  for (const auto& f : extra_checkboxes) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Scope* Definition::find_scope(std::string_view value) const {
  for (const auto& s : scopes) {
    if (s.value == value) return &s;
  }
  return nullptr;
}

std::optional<std::int64_t> list_bound(const Field& field, const Definition& definition) {
  switch (field.type) {
    case FieldType::Multiselect: {
      if (field.options.empty()) return field.max_items.value_or(kDefaultFreeListItems);
      const auto options = static_cast<std::int64_t>(field.options.size());
      return field.max_items ? std::min(*field.max_items, options) : options;
    }
    case FieldType::Scopes: return static_cast<std::int64_t>(definition.scopes.size());
    case FieldType::Document: return field.max_count;
    default: return std::nullopt;
  }
}

bool Module::indexed() const {
  return index.definitions == definitions.size() && index.forms == forms.size() &&
         index.eligibility_rules == eligibility_rules.size() && (!definitions.empty() || !forms.empty() || !eligibility_rules.empty());
}

void Module::reindex() {
  index = Index{};
  // The first entity of an id wins, as the scans below find it.
  for (std::size_t i = 0; i < definitions.size(); ++i) index.definition_by_id.emplace(definitions[i].id, i);
  for (std::size_t i = 0; i < forms.size(); ++i) {
    index.form_by_uid.emplace(forms[i].uid, i);
    index.forms_by_definition[forms[i].definition_id].push_back(i);
  }
  for (std::size_t i = 0; i < eligibility_rules.size(); ++i) index.rule_by_definition.emplace(eligibility_rules[i].definition_id, i);
  index.definitions = definitions.size();
  index.forms = forms.size();
  index.eligibility_rules = eligibility_rules.size();
}

const Definition* Module::find_definition(std::string_view id) const {
  if (indexed()) {
    const auto it = index.definition_by_id.find(id);
    if (it == index.definition_by_id.end()) return nullptr;
    if (definitions[it->second].id == id) return &definitions[it->second];
  }
  for (const auto& d : definitions) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

const Form* Module::find_form(std::string_view uid) const {
  if (indexed()) {
    const auto it = index.form_by_uid.find(uid);
    if (it == index.form_by_uid.end()) return nullptr;
    if (forms[it->second].uid == uid) return &forms[it->second];
  }
  for (const auto& f : forms) {
    if (f.uid == uid) return &f;
  }
  return nullptr;
}

std::vector<const Form*> Module::forms_of(std::string_view definition_id) const {
  std::vector<const Form*> out;
  if (indexed()) {
    const auto it = index.forms_by_definition.find(definition_id);
    if (it == index.forms_by_definition.end()) return out;
    bool verified = true;
    for (const std::size_t i : it->second) {
      verified = verified && forms[i].definition_id == definition_id;
      out.push_back(&forms[i]);
    }
    if (verified) return out;
    out.clear();
  }
  for (const auto& f : forms) {
    if (f.definition_id == definition_id) out.push_back(&f);
  }
  return out;
}

const EligibilityRule* Module::first_eligibility_rule(std::string_view definition_id) const {
  if (indexed()) {
    const auto it = index.rule_by_definition.find(definition_id);
    if (it == index.rule_by_definition.end()) return nullptr;
    if (eligibility_rules[it->second].definition_id == definition_id) return &eligibility_rules[it->second];
  }
  for (const auto& r : eligibility_rules) {
    if (r.definition_id == definition_id) return &r;
  }
  return nullptr;
}

}  // namespace formc::model
