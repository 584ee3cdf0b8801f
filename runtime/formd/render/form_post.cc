// Reading an HTML form post: first collect the posted values per page field
// (reporting unknown, repeated and oversized ones), then write each page
// field into the attribute object with the JSON type its field type asks for.
#include "render/form_post.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include "render/json_text.h"

namespace formd::render {

namespace {

using formc::model::Definition;
using formc::model::Field;
using formc::model::FieldType;
using formc::model::Form;
using formc::model::Located;
using formc::model::Scope;
using nlohmann::json;

bool is_list(FieldType type) { return type == FieldType::Multiselect || type == FieldType::Scopes; }

bool listed(const std::vector<Located>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const Located& l) { return l.value == value; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "-"? digits, fitting int64; no '+', no spaces inside (the caller trims).
std::optional<std::int64_t> parse_int64(std::string_view s) {
  const std::size_t digits_at = !s.empty() && s.front() == '-' ? 1 : 0;
  if (s.size() == digits_at) return std::nullopt;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// A scope whose checkbox the page renders disabled or not at all: the browser
// posts nothing for it, so the server decides its presence.
bool scope_locked(const Scope& s, const Form& form) {
  const auto& config = form.scopes_config;
  const bool shown = (!config.displayed || listed(*config.displayed, s.value)) && !listed(config.hide, s.value);
  return !shown || s.included || s.disabled || (s.deprecated_since && !s.deprecated_writable) ||
         listed(config.disabled, s.value);
}

bool array_contains(const json& array, std::string_view value) {
  return array.is_array() &&
         std::any_of(array.begin(), array.end(), [&](const json& v) { return v.is_string() && v == value; });
}

class PostReader {
 public:
  PostReader(const Definition& definition, const Form& form, const std::vector<const Field*>& page_fields,
             std::size_t max_value_bytes)
      : definition_(definition), form_(form), page_fields_(page_fields), max_value_bytes_(max_value_bytes) {
    for (const Field* f : page_fields) {
      if (f) by_name_.emplace(f->name, f);
    }
  }

  void collect(const std::string& name, const std::string& value);
  PostResult finish(json base);

 private:
  struct Posted {
    std::vector<std::string> values;
    bool plain_seen = false;  // a list field posted as "F" rather than "F[]"
  };

  const Field* lookup(std::string_view name) const {
    const auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : it->second;
  }
  void problem(const std::string& posted_name, std::string message, const Field* field = nullptr) {
    if (result_.problems.size() < kMaxPostProblems) {
      result_.problems.push_back({posted_name, std::move(message)});
    } else {
      ++result_.omitted_problems;
    }
    if (field) failed_.insert(field->name);
  }
  void apply(const Field& f, const std::vector<std::string>& values);
  void apply_text(const Field& f, const std::vector<std::string>& values);
  void apply_integer(const Field& f, const std::vector<std::string>& values);
  void apply_checkbox(const Field& f, const std::vector<std::string>& values);
  void apply_list(const Field& f, std::vector<std::string> values);
  std::vector<std::string> scopes_value(const Field& f, const std::vector<std::string>& posted) const;

  const Definition& definition_;
  const Form& form_;
  const std::vector<const Field*>& page_fields_;
  const std::size_t max_value_bytes_;
  std::map<std::string, const Field*> by_name_;
  std::map<std::string, Posted> posted_;
  std::set<std::string> failed_;  // fields with a problem: left as in `base`
  PostResult result_;
};

void PostReader::collect(const std::string& name, const std::string& value) {
  if (!name.empty() && name.front() == '_') return;  // the page's own controls
  const Field* f = lookup(name);
  bool bracket = false;
  if (!f && name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0) {
    f = lookup(std::string_view(name).substr(0, name.size() - 2));
    bracket = true;
  }
  // Browsers post the names of chosen files for file inputs: not an error.
  if (f && f->type == FieldType::Document) return;
  if (!f || (bracket && !is_list(f->type))) return problem(name, "Champ inconnu : " + name);
  if (value.size() > max_value_bytes_) {
    return problem(name,
                   "Valeur trop longue pour le champ " + f->name + " (" + std::to_string(max_value_bytes_) +
                       " octets au plus)",
                   f);
  }
  Posted& posted = posted_[f->name];
  const bool repeated = is_list(f->type) ? !bracket && posted.plain_seen : !posted.values.empty();
  if (repeated) {
    if (failed_.insert(f->name).second) problem(name, "Valeur envoyée plusieurs fois pour le champ " + f->name);
    return;
  }
  if (!bracket) posted.plain_seen = true;
  posted.values.push_back(value);
}

PostResult PostReader::finish(json base) {
  result_.data = base.is_object() ? std::move(base) : json::object();
  for (const Field* f : page_fields_) {
    if (!f || failed_.count(f->name)) continue;
    const auto it = posted_.find(f->name);
    apply(*f, it == posted_.end() ? std::vector<std::string>{} : it->second.values);
  }
  return std::move(result_);
}

void PostReader::apply(const Field& f, const std::vector<std::string>& values) {
  switch (f.type) {
    case FieldType::Integer: return apply_integer(f, values);
    // A choice among numbers (DataPass's VOLUMETRIES) is stored as a number,
    // as the validator and the JSON API expect it.
    case FieldType::Select:
    case FieldType::Radio: return f.integer_options ? apply_integer(f, values) : apply_text(f, values);
    case FieldType::Checkbox: return apply_checkbox(f, values);
    case FieldType::Multiselect:
    case FieldType::Scopes: return apply_list(f, values);
    case FieldType::Document: return;  // uploads are not read here: keep the stored value
    default: return apply_text(f, values);
  }
}

// Absent (an unchecked radio, a select left on its disabled placeholder) is blank.
void PostReader::apply_text(const Field& f, const std::vector<std::string>& values) {
  if (values.empty() || is_blank_text(values.front())) {
    result_.data.erase(f.name);
  } else {
    result_.data[f.name] = values.front();
  }
}

void PostReader::apply_integer(const Field& f, const std::vector<std::string>& values) {
  if (values.empty() || is_blank_text(values.front())) {
    result_.data.erase(f.name);
  } else if (const auto n = parse_int64(trim(values.front()))) {
    result_.data[f.name] = *n;
  } else {
    result_.data[f.name] = values.front();  // the validator reports `type`
  }
}

void PostReader::apply_checkbox(const Field& f, const std::vector<std::string>& values) {
  if (values.empty()) {
    result_.data[f.name] = false;
  } else if (values.front() == "1") {
    result_.data[f.name] = true;
  } else {
    problem(f.name, "Valeur invalide pour la case à cocher " + f.name + " (« 1 » attendu)", &f);
  }
}

void PostReader::apply_list(const Field& f, std::vector<std::string> values) {
  if (f.type == FieldType::Scopes) values = scopes_value(f, values);
  json array = json::array();
  std::unordered_set<std::string_view> seen;  // linear: a post may carry many items
  for (const auto& v : values) {
    if (!v.empty() && seen.insert(v).second) array.push_back(v);
  }
  if (array.empty()) {
    result_.data.erase(f.name);
  } else {
    result_.data[f.name] = std::move(array);
  }
}

// Posted scopes (locked ones ignored), then the locked ones the server
// decides: included always, the others as they were in `base`.
std::vector<std::string> PostReader::scopes_value(const Field& f, const std::vector<std::string>& posted) const {
  std::vector<std::string> out;
  for (const auto& v : posted) {
    const Scope* s = definition_.find_scope(v);
    if (!s || !scope_locked(*s, form_)) out.push_back(v);  // unknown ones: the validator reports them
  }
  const auto stored = result_.data.find(f.name);
  for (const auto& s : definition_.scopes) {
    if (!scope_locked(s, form_)) continue;
    if (s.included || (stored != result_.data.end() && array_contains(*stored, s.value))) out.push_back(s.value);
  }
  return out;
}

}  // namespace

PostResult apply_form_post(const Definition& definition, const Form& form,
                           const std::vector<const Field*>& page_fields,
                           const std::vector<std::pair<std::string, std::string>>& params, json base,
                           std::size_t max_value_bytes) {
  PostReader reader(definition, form, page_fields, max_value_bytes);
  for (const auto& [name, value] : params) reader.collect(name, value);
  return reader.finish(std::move(base));
}

}  // namespace formd::render
