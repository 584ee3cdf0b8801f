// The schema of a form, in the submit context.
//
// Each field contributes up to three schemas:
//   shape     its JSON type (always checked: the value must fit the C++
//             member): string, integer, boolean, array of strings, array of
//             document objects, each also accepting JSON null, which means
//             absent (as a missing key) everywhere;
//   value     its constraints (format, pattern, lengths, options, bounds,
//             document limits), checked only when the field is visible; for
//             strings only when present (a blank string counts as absent);
//   presence  what "filled in" means, checked when the field is required:
//             a string with a non-whitespace character, an integer, a
//             checkbox that is true, a non-empty list (never null, so a
//             required field that is null fails).
// A field without visible_if gets shape + value in `properties` (+ presence
// and a `required` entry when it is required unconditionally). Conditions
// become `allOf: [{if: <condition>, then: {properties: {...}, required:
// [...]}}]`, one entry per distinct condition: visible_if guards the value
// schema, visible_if AND required_if (or `required`) guards presence. The
// `then` repeats every property it requires (strictRequired) and its type
// (strictTypes). Contact sub-fields are grouped per kind in
// `$defs/contact_<kind>`, referenced from the root `allOf`; shared formats
// live in `$defs` (email, phone, mobile_phone, url, date, document).
// Whatever a condition or bound cannot express is left out and named in a
// `$comment` at the place it would have been: the schema accepts every
// document the C++ validator accepts.

#include "gen/json_schema/json_schema_generator.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "expr/json_schema_emitter.h"
#include "formc/runtime/expr_regex.h"
#include "formc/runtime/expr_runtime.h"
#include "formc/runtime/formats.h"
#include "gen/paths.h"

namespace formc::gen::json_schema {
namespace {

using Json = nlohmann::ordered_json;
using model::Field;
using model::FieldType;

constexpr const char* kSchemaDialect = "https://json-schema.org/draft/2020-12/schema";
// present() on text (rt::detail::has_non_space): a character that is not ASCII whitespace.
constexpr const char* kNonBlankPattern = "[^\\t\\n\\v\\f\\r ]";

constexpr const char* kCalendarDatePattern =
    "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|"
    "02-(?:0[1-9]|1[0-9]|2[0-8]))|"
    "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$";

// ---- schema objects ---------------------------------------------------------

// The order keys are printed in, whatever order they were added in.
constexpr const char* kKeyOrder[] = {
    "$schema", "$id",      "$comment", "title",     "description", "type",      "$ref",
    "const",   "enum",     "minLength", "maxLength", "pattern",     "minimum",   "exclusiveMinimum",
    "maximum", "exclusiveMaximum", "items", "contains", "minItems", "maxItems",  "uniqueItems",
    "properties", "required", "additionalProperties", "if", "then", "else", "not",
    "anyOf",   "oneOf",    "allOf",    "$defs",     "unevaluatedProperties", "dependentRequired"};

// Reorders the keys of a schema object (and of every subschema) by kKeyOrder;
// unknown keys keep their relative order, after the known ones. The maps
// `properties` and `$defs` keep their own (IR) order.
Json normalize(Json&& schema) {
  // Takes the schema by value and moves every sub-schema: a form's schema is
  // large and normalised once, copying it was most of this generator's time.
  if (!schema.is_object()) return std::move(schema);
  // Objects are vectors of (const key, value) pairs (ordered_json): when one
  // grows, its pairs are copied, values and all (a const key cannot be moved
  // from). Reserved first, they never grow.
  Json out = Json::object();
  out.get_ref<Json::object_t&>().reserve(schema.size());
  auto sub = [](const std::string& key, Json&& value) -> Json {
    if (key == "properties" || key == "$defs") {
      Json m = Json::object();
      m.get_ref<Json::object_t&>().reserve(value.size());
      for (auto& [k, v] : value.items()) m[k] = normalize(std::move(v));
      return m;
    }
    if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      Json a = Json::array();
      for (auto& v : value) a.push_back(normalize(std::move(v)));
      return a;
    }
    if (key == "items" || key == "contains" || key == "if" || key == "then" || key == "else" || key == "not" ||
        key == "additionalProperties" || key == "unevaluatedProperties") {
      return normalize(std::move(value));
    }
    return std::move(value);
  };
  std::set<std::string, std::less<>> placed;
  for (const char* key : kKeyOrder) {
    if (const auto it = schema.find(key); it != schema.end()) {
      out[key] = sub(key, std::move(*it));
      placed.insert(key);
    }
  }
  for (auto& [k, v] : schema.items()) {
    if (!placed.count(k)) out[k] = sub(k, std::move(v));
  }
  return out;
}

// Adds the constraints of `b` to `a` (both schemas of the same instance).
// Equal keys merge; `properties` and `items` merge recursively; a genuine
// conflict (two patterns, two `if`s) moves `b`'s keyword into `allOf`.
void merge_into(Json& a, const Json& b) {
  Json rest = Json::object();
  for (const auto& [k, v] : b.items()) {
    const auto it = a.find(k);
    if (it == a.end()) {
      a[k] = v;
    } else if (*it == v) {
      continue;
    } else if (k == "properties" && it->is_object() && v.is_object()) {
      for (const auto& [name, s] : v.items()) {
        if (it->contains(name)) merge_into((*it)[name], s);
        else (*it)[name] = s;
      }
    } else if (k == "items" && it->is_object() && v.is_object()) {
      merge_into(*it, v);
    } else if (k == "required" && it->is_array() && v.is_array()) {
      for (const auto& name : v) {
        if (std::find(it->begin(), it->end(), name) == it->end()) it->push_back(name);
      }
    } else if (k == "allOf" && it->is_array() && v.is_array()) {
      for (const auto& s : v) it->push_back(s);
    } else {
      rest[k] = v;
    }
  }
  if (!rest.empty()) {
    // The type repeats so that the moved keyword keeps a type in strict mode.
    if (a.contains("type") && !rest.contains("type") && !rest.contains("$ref")) rest["type"] = a["type"];
    if (!a.contains("allOf")) a["allOf"] = Json::array();
    a["allOf"].push_back(std::move(rest));
  }
}

Json merged(Json a, const Json& b) {
  merge_into(a, b);
  return a;
}

std::string def_ref(std::string_view def) { return "#/$defs/" + std::string(def); }

// ---- field kinds -------------------------------------------------------------

bool is_integer_valued(const Field& f) {
  return f.type == FieldType::Integer || (f.type == FieldType::Select && f.integer_options);
}
bool is_list(const Field& f) { return f.type == FieldType::Multiselect || f.type == FieldType::Scopes; }

// The shared value formats, by $defs name.
const char* format_def(const Field& f) {
  switch (f.type) {
    case FieldType::Email: return "email";
    case FieldType::Phone: return f.mobile ? "mobile_phone" : "phone";
    case FieldType::Url: return "url";
    case FieldType::Date: return "date";
    default: return nullptr;
  }
}

// A present string: JSON null and blank strings count as absent.
Json when_present(Json constraints) {
  if (constraints.empty()) return Json::object();
  return Json{{"if", Json{{"type", "string"}, {"pattern", kNonBlankPattern}}}, {"then", std::move(constraints)}};
}

// JSON null means absent, whatever the field: every shape accepts it (ajv's
// strict mode allows the nullable union [T, "null"]). Presence schemas keep
// the bare type, so a required field that is null fails.
Json nullable(const char* type) { return Json::array({type, "null"}); }

Json shape(const Field& f) {
  if (is_integer_valued(f)) return Json{{"type", nullable("integer")}};
  if (f.type == FieldType::Checkbox) return Json{{"type", nullable("boolean")}};
  if (is_list(f)) return Json{{"type", nullable("array")}, {"items", Json{{"type", "string"}}}};
  if (f.type == FieldType::Document) {
    return Json{{"type", nullable("array")}, {"items", Json{{"$ref", def_ref("document")}}}};
  }
  return Json{{"type", nullable("string")}};
}

Json presence(const Field& f) {
  if (is_integer_valued(f)) return Json{{"type", "integer"}};
  if (f.type == FieldType::Checkbox) return Json{{"type", "boolean"}, {"const", true}};
  if (is_list(f) || f.type == FieldType::Document) return Json{{"type", "array"}, {"minItems", 1}};
  return Json{{"type", "string"}, {"pattern", kNonBlankPattern}};
}

Json option_values(const Field& f) {
  Json values = Json::array();
  for (const auto& o : f.options) {
    if (is_integer_valued(f)) values.push_back(std::stoll(o.value));
    else values.push_back(o.value);
  }
  return values;
}

std::string date_bound_pattern(std::string_view bound, bool at_least);

// A field's value constraints, and what of them JSON Schema cannot say.
struct ValueSchema {
  Json schema = Json::object();
  std::vector<std::string> unexpressed;
};

// `scopes`: the scopes the form allows. The length bound of a list is
// model::list_bound(), as in the C++ validator and the interpreter.
ValueSchema value_schema(const Field& f, const model::Definition& def, const std::vector<std::string>* scopes) {
  ValueSchema out;
  Json& s = out.schema;
  if (is_integer_valued(f)) {
    if (f.type == FieldType::Select) {
      s["enum"] = option_values(f);
      s["enum"].push_back(nullptr);  // null: absent
    } else {
      s["minimum"] = f.min.value_or(-rt::kMaxSafeInteger);
      s["maximum"] = f.max.value_or(rt::kMaxSafeInteger);
    }
    return out;
  }
  switch (f.type) {
    case FieldType::Checkbox: return out;
    case FieldType::Scopes: {
      if (scopes->empty()) {
        s["maxItems"] = 0;
      } else {
        s["items"] = Json{{"enum", Json(*scopes)}};
        s["maxItems"] = *model::list_bound(f, def);
      }
      s["uniqueItems"] = true;
      return out;
    }
    case FieldType::Multiselect:
      if (!f.options.empty()) s["items"] = Json{{"enum", option_values(f)}};
      s["maxItems"] = *model::list_bound(f, def);
      s["uniqueItems"] = true;
      return out;
    case FieldType::Document: {
      Json props = Json::object();
      if (!f.content_types.empty()) props["content_type"] = Json{{"type", "string"}, {"enum", Json(f.content_types)}};
      if (f.max_size) props["size"] = Json{{"type", "integer"}, {"maximum", *f.max_size}};
      if (!props.empty()) s["items"] = Json{{"type", "object"}, {"properties", std::move(props)}};
      s["maxItems"] = *model::list_bound(f, def);
      return out;
    }
    default: break;
  }
  // Strings.
  if (const char* def = format_def(f)) s["$ref"] = def_ref(def);
  Json constraints = Json::object();
  if (f.type == FieldType::Select || f.type == FieldType::Radio) constraints["enum"] = option_values(f);
  if (f.min_length) constraints["minLength"] = *f.min_length;
  if (f.max_length) constraints["maxLength"] = *f.max_length;
  if (f.pattern) {
    const rt::Regex regex(*f.pattern);
    if (regex.ok()) {
      constraints["pattern"] = regex.canonical();
    } else {
      out.unexpressed.push_back("its pattern (outside the portable regular expression subset)");
    }
  }
  if (f.type == FieldType::Date) {
    Json bounds = Json::array();
    for (const auto& [bound, at_least] : {std::pair{f.min_date, true}, std::pair{f.max_date, false}}) {
      if (!bound) continue;
      if (*bound == "today") {
        out.unexpressed.push_back(std::string(at_least ? "its minimum" : "its maximum") + " date 'today'");
      } else {
        bounds.push_back(Json{{"pattern", date_bound_pattern(*bound, at_least)}});
      }
    }
    if (bounds.size() == 1) merge_into(constraints, bounds[0]);
    else if (bounds.size() == 2) constraints["allOf"] = std::move(bounds);
  }
  merge_into(s, when_present(std::move(constraints)));
  return out;
}

// ---- conditions ----------------------------------------------------------------

// A condition as JSON Schema: always, never, a fragment, or not expressible.
struct Cond {
  enum Kind { Always, Never, Fragment, Unknown } kind = Always;
  Json fragment;
  std::string source;  // expression text, for $comment
};

Cond from_condition(const std::optional<model::Condition>& c) {
  if (!c) return {Cond::Always, {}, {}};
  if (!c->expr) return {Cond::Unknown, {}, c->source};
  auto s = expr::to_json_schema(*c->expr);
  if (!s) return {Cond::Unknown, {}, c->source};
  if (s->is_boolean()) return {s->get<bool>() ? Cond::Always : Cond::Never, {}, c->source};
  return {Cond::Fragment, std::move(*s), c->source};
}

Cond both(const Cond& a, const Cond& b) {
  if (a.kind == Cond::Never || b.kind == Cond::Never) return {Cond::Never, {}, {}};
  if (a.kind == Cond::Unknown || b.kind == Cond::Unknown) {
    return {Cond::Unknown, {}, a.kind == Cond::Unknown ? a.source : b.source};
  }
  if (a.kind == Cond::Always) return b;
  if (b.kind == Cond::Always) return a;
  // The conjuncts of both, flattened and without repeats: `visible_if: A`
  // with `required_if: A and B` needs A and B, not A and (A and B).
  Json conjuncts = Json::array();
  auto add = [&](const Json& s, auto& self) -> void {
    if (s.is_object() && s.size() == 1 && s.contains("allOf")) {
      for (const auto& x : s["allOf"]) self(x, self);
    } else if (std::find(conjuncts.begin(), conjuncts.end(), s) == conjuncts.end()) {
      conjuncts.push_back(s);
    }
  };
  add(a.fragment, add);
  add(b.fragment, add);
  if (conjuncts.size() == 1) return {Cond::Fragment, conjuncts[0], a.source};
  return {Cond::Fragment, Json{{"allOf", std::move(conjuncts)}}, a.source + " and " + b.source};
}

// A subschema that collects requirements: the root, or one contact kind's $def.
class Target {
 public:
  // Adds `schema` for `field` under `cond` (Always: unconditionally).
  void add(const Cond& cond, const std::string& field, const Json& schema, bool require) {
    assert(cond.kind == Cond::Always || cond.kind == Cond::Fragment);
    if (cond.kind == Cond::Always) {
      if (require) {
        if (std::find(required_.begin(), required_.end(), field) == required_.end()) required_.push_back(field);
        if (!properties_.contains(field)) properties_[field] = Json::object();
        merge_into(properties_[field], schema);
      }
      return;
    }
    const std::string key = cond.fragment.dump();
    auto it = branches_.find(key);
    if (it == branches_.end()) {
      entries_.push_back(Json{{"if", cond.fragment}, {"then", Json::object()}});
      it = branches_.emplace(key, entries_.size() - 1).first;
    }
    Json& then = entries_[it->second]["then"];
    merge_into(then, Json{{"properties", Json{{field, schema}}}});
    if (require) merge_into(then, Json{{"required", Json::array({field})}});
  }

  [[nodiscard]] const std::vector<std::string>& required() const { return required_; }
  [[nodiscard]] const Json& properties() const { return properties_; }
  [[nodiscard]] const std::vector<Json>& entries() const { return entries_; }

 private:
  std::vector<std::string> required_;
  Json properties_ = Json::object();  // presence schemas of the required fields
  std::vector<Json> entries_;         // allOf
  std::map<std::string, std::size_t> branches_;
};

std::string rule_name(const model::Rule& r) { return r.code.empty() ? std::string("(unnamed)") : r.code; }

// ---- dates -------------------------------------------------------------------

std::string date_bound_pattern(std::string_view bound, bool at_least) {
  // "YYYY-MM-DD" strings order like the dates they name: T >= S when T equals
  // S, or T has a greater digit than S at the first position where they differ.
  std::vector<std::string> alternatives;
  alternatives.emplace_back(bound);
  for (std::size_t i = 0; i < bound.size(); ++i) {
    const char c = bound[i];
    if (c == '-') continue;
    if (at_least ? c == '9' : c == '0') continue;
    std::string alt(bound.substr(0, i));
    alt += at_least ? (c == '8' ? std::string("9") : "[" + std::string(1, static_cast<char>(c + 1)) + "-9]")
                    : (c == '1' ? std::string("0") : "[0-" + std::string(1, static_cast<char>(c - 1)) + "]");
    for (std::size_t k = i + 1; k < bound.size(); ++k) alt += bound[k] == '-' ? "-" : "[0-9]";
    alternatives.push_back(std::move(alt));
  }
  std::string out = "^(?:";
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    if (i) out += '|';
    out += alternatives[i];
  }
  return out + ")$";
}

// ---- the form schema ---------------------------------------------------------------

class FormSchemaBuilder {
 public:
  FormSchemaBuilder(const model::Definition& def, const model::Form& form)
      : def_(def), form_(form), scopes_(allowed_scopes(def, form)) {}

  Json build() {
    Json root = Json::object();
    root["$schema"] = kSchemaDialect;
    root["$id"] = "urn:datapass-forms:form:" + form_.uid;
    root["$comment"] = "Generated by formc from " + def_.source_file + " and " + form_.source_file + ". DO NOT EDIT.";
    root["title"] = title();
    if (const std::string d = plain_text(form_.description.value_or(def_.description)); !d.empty()) root["description"] = d;
    root["type"] = "object";

    // One property per field (and two submit checkboxes): reserved, the
    // object never copies its properties as it grows (see normalize()).
    std::size_t fields = def_.extra_checkboxes.size() + 2;
    for (const auto& block : def_.blocks) fields += block.fields.size();
    properties_.get_ref<Json::object_t&>().reserve(fields);
    for (const auto& block : def_.blocks) {
      for (const auto& f : block.fields) add_field(f);
    }
    for (const auto& f : def_.extra_checkboxes) add_field(f);
    add_submit_checkboxes();

    root["properties"] = std::move(properties_);
    if (!root_.required().empty()) root["required"] = root_.required();
    root["additionalProperties"] = false;

    Json all_of = Json::array();
    for (const auto& e : root_.entries()) all_of.push_back(e);
    for (const auto& kind : contact_order_) all_of.push_back(Json{{"$ref", def_ref("contact_" + kind)}});
    add_rules(all_of);
    if (!all_of.empty()) root["allOf"] = std::move(all_of);

    Json defs = Json::object();
    add_format_defs(defs);
    for (const auto& kind : contact_order_) defs["contact_" + kind] = contact_def(kind);
    if (!defs.empty()) root["$defs"] = std::move(defs);
    return normalize(std::move(root));
  }

 private:
  std::string title() const {
    const std::string def_name = plain_text(def_.name.empty() ? def_.id : def_.name);
    if (!form_.name) return def_name;
    const std::string form_name = plain_text(*form_.name);
    if (form_name.empty() || form_name == def_name) return def_name;
    return def_name + " — " + form_name;
  }

  const model::ContactKindRef* contact(const std::string& kind) const {
    for (const auto& c : def_.contacts) {
      if (c.kind == kind) return &c;
    }
    return nullptr;
  }

  Target& target_of(const Field& f) {
    if (f.contact_kind.empty()) return root_;
    auto it = contact_targets_.find(f.contact_kind);
    if (it == contact_targets_.end()) {
      contact_order_.push_back(f.contact_kind);
      it = contact_targets_.emplace(f.contact_kind, Target{}).first;
    }
    return it->second;
  }

  void add_field(const Field& f) {
    Json property = Json::object();
    std::string label = plain_text(f.label);
    if (label.empty()) label = f.name;
    if (!f.contact_kind.empty()) {
      const auto* c = contact(f.contact_kind);
      const std::string kind_label = c && !c->label.empty() ? plain_text(c->label) : f.contact_kind;
      label = kind_label + " : " + label;
    }
    property["title"] = label;
    if (const std::string hint = plain_text(f.hint); !hint.empty()) property["description"] = hint;

    std::vector<std::string> comments;
    const Json type = shape(f);
    ValueSchema value = value_schema(f, def_, &scopes_);
    for (const auto& u : value.unexpressed) comments.push_back("Not expressed here, checked by the C++ validator: " + u + ".");
    if (f.type == FieldType::Scopes) comments.push_back(scopes_comment());
    if (f.type == FieldType::Email && !f.contact_kind.empty()) {
      if (const auto* c = contact(f.contact_kind); c && c->required_personal_email) {
        comments.push_back("A personal (nominative) address is expected; this schema only checks the format.");
      }
    }

    const Cond visible = from_condition(f.visible_if);
    const Cond required = f.required_if ? from_condition(f.required_if) : Cond{f.required ? Cond::Always : Cond::Never, {}, {}};
    Target& target = target_of(f);

    Json full = merged(type, value.schema);
    switch (visible.kind) {
      case Cond::Always: merge_into(property, full); break;
      case Cond::Never: merge_into(property, type); break;
      case Cond::Fragment:
        merge_into(property, type);
        if (!value.schema.empty()) target.add(visible, f.name, full, false);
        break;
      case Cond::Unknown:
        merge_into(property, type);
        comments.push_back("Visible only when `" + visible.source +
                           "`, which JSON Schema cannot express: its constraints and whether it is required are checked by the "
                           "C++ validator only.");
        break;
    }

    const Cond requirement = both(visible, required);
    switch (requirement.kind) {
      case Cond::Always:
      case Cond::Fragment: {
        // Fields of the root target carry presence in their own property.
        const bool root_unconditional = requirement.kind == Cond::Always && f.contact_kind.empty();
        if (root_unconditional) {
          merge_into(property, presence(f));
          target.add(requirement, f.name, Json::object(), true);
        } else {
          target.add(requirement, f.name, presence(f), true);
        }
        break;
      }
      case Cond::Never: break;
      case Cond::Unknown:
        if (visible.kind != Cond::Unknown) {
          comments.push_back("Required when `" + requirement.source +
                             "`, which JSON Schema cannot express: checked by the C++ validator only.");
        }
        break;
    }
    if (!comments.empty()) {
      std::string text;
      for (const auto& c : comments) text += (text.empty() ? "" : " ") + c;
      property["$comment"] = text;
    }
    note_formats(f);
    properties_[f.name] = std::move(property);
  }

  void add_submit_checkboxes() {
    // DataPass's final-step checkboxes (DATAPASS.md §2.6): columns of every
    // request, required (checked) on submit when they apply.
    const bool cgu = def_.cgu_link.has_value() && !def_.cgu_link->empty();
    bool dpo = false;
    for (const auto& b : def_.blocks) {
      for (const auto& f : b.fields) dpo = dpo || f.contact_kind == "delegue_protection_donnees";
    }
    auto checkbox = [&](const std::string& name, std::string title, std::string description, bool needed) {
      Json p = Json{{"title", std::move(title)}};
      if (!description.empty()) p["description"] = std::move(description);
      p["type"] = nullable("boolean");
      if (needed) {
        p["const"] = true;
        root_.add(Cond{}, name, Json::object(), true);
      }
      properties_[name] = std::move(p);
    };
    checkbox("terms_of_service_accepted", "J’ai pris connaissance des conditions générales d’utilisation et je les valide.",
             cgu ? "Conditions générales d’utilisation : " + *def_.cgu_link : std::string(), cgu);
    checkbox("data_protection_officer_informed",
             "Je confirme que le délégué à la protection des données de mon organisation est informé de ma demande.", "", dpo);
  }

  void add_rules(Json& all_of) {
    auto add = [&](const model::Rule& r) {
      const Cond check = from_condition(r.check);
      const Cond when = r.when ? from_condition(r.when) : Cond{};
      const std::string name = "Rule " + rule_name(r);
      if (when.kind == Cond::Never || check.kind == Cond::Always) return;
      if (check.kind == Cond::Unknown || when.kind == Cond::Unknown) {
        std::string text = name + " (`" + r.check.source + "`";
        if (r.when) text += " when `" + r.when->source + "`";
        all_of.push_back(Json{{"$comment", text + ") cannot be expressed in JSON Schema: checked by the C++ validator only."}});
        return;
      }
      Json entry = Json{{"$comment", name + ": " + r.message}};
      const Json holds = check.kind == Cond::Never ? Json(false) : check.fragment;
      if (when.kind == Cond::Always) {
        if (holds.is_object()) merge_into(entry, holds);
        else entry["allOf"] = Json::array({holds});
      } else {
        entry["if"] = when.fragment;
        entry["then"] = holds;
      }
      all_of.push_back(std::move(entry));
    };
    for (const auto& b : def_.blocks) {
      for (const auto& r : b.rules) add(r);
    }
    for (const auto& r : def_.rules) add(r);
  }

  Json contact_def(const std::string& kind) const {
    const Target& t = contact_targets_.at(kind);
    Json d = Json::object();
    const auto* c = contact(kind);
    d["title"] = c && !c->label.empty() ? plain_text(c->label) : kind;
    if (c) {
      if (const std::string hint = plain_text(c->hint); !hint.empty()) d["description"] = hint;
    }
    d["type"] = "object";
    if (!t.properties().empty()) d["properties"] = t.properties();
    if (!t.required().empty()) d["required"] = t.required();
    if (!t.entries().empty()) d["allOf"] = t.entries();
    return d;
  }

  std::string scopes_comment() const {
    std::vector<std::string> excluded;
    for (const auto& s : def_.scopes) {
      if (std::find(scopes_.begin(), scopes_.end(), s.value) == scopes_.end()) excluded.push_back(s.value);
    }
    std::string text =
        "Scopes this form accepts: the ones its scopes_config displays, the definition's included ones and the ones "
        "initialize_with prefills.";
    if (!excluded.empty()) {
      text += " Not selectable here:";
      for (std::size_t i = 0; i < excluded.size(); ++i) text += (i ? ", " : " ") + excluded[i];
      text += '.';
    }
    return text;
  }

  void note_formats(const Field& f) {
    if (const char* def = format_def(f)) used_formats_.insert(def);
    if (f.type == FieldType::Document) used_formats_.insert("document");
  }

  void add_format_defs(Json& defs) const {
    auto string_format = [](const char* title, const char* pattern, const char* comment) {
      Json d = Json{{"title", title}};
      if (comment) d["$comment"] = comment;
      d["type"] = nullable("string");
      d["if"] = Json{{"type", "string"}, {"pattern", kNonBlankPattern}};
      d["then"] = Json{{"pattern", pattern}};
      return d;
    };
    if (used_formats_.count("email")) {
      defs["email"] = string_format("Adresse électronique", rt::kEmailPattern,
                                    "formc::rt::kEmailPattern (Ruby's URI::MailTo::EMAIL_REGEXP).");
    }
    if (used_formats_.count("phone")) {
      defs["phone"] = string_format("Numéro de téléphone français", rt::kPhonePattern, "formc::rt::kPhonePattern.");
    }
    if (used_formats_.count("mobile_phone")) {
      defs["mobile_phone"] =
          string_format("Numéro de téléphone mobile français", rt::kMobilePhonePattern, "formc::rt::kMobilePhonePattern.");
    }
    if (used_formats_.count("url")) {
      defs["url"] = string_format("Adresse web", rt::kUrlPattern, "formc::rt::kUrlPattern (DataPass's URL rule).");
    }
    if (used_formats_.count("date")) {
      defs["date"] = string_format("Date (AAAA-MM-JJ)", kCalendarDatePattern,
                                   "A real calendar day: exactly formc::rt::is_valid_date, leap years included.");
    }
    if (used_formats_.count("document")) {
      defs["document"] = Json{
          {"title", "Pièce jointe"},
          {"type", "object"},
          {"properties",
           Json{{"name", Json{{"title", "Nom du fichier"}, {"type", "string"}}},
                {"content_type", Json{{"title", "Type MIME"}, {"type", "string"}}},
                {"size", Json{{"title", "Taille en octets"},
                              {"type", "integer"},
                              {"minimum", 0},
                              {"maximum", rt::kMaxSafeInteger}}}}},
          {"required", Json::array({"name", "content_type", "size"})},
          {"additionalProperties", false}};
    }
  }

  const model::Definition& def_;
  const model::Form& form_;
  std::vector<std::string> scopes_;
  Json properties_ = Json::object();
  Target root_;
  std::map<std::string, Target> contact_targets_;
  std::vector<std::string> contact_order_;
  std::set<std::string> used_formats_;
};

}  // namespace

const char* calendar_date_pattern() { return kCalendarDatePattern; }
std::string date_at_least_pattern(std::string_view bound) { return date_bound_pattern(bound, true); }
std::string date_at_most_pattern(std::string_view bound) { return date_bound_pattern(bound, false); }

bool expressible(const model::Condition& condition) {
  return condition.expr && expr::to_json_schema(*condition.expr).has_value();
}

std::vector<std::string> allowed_scopes(const model::Definition& def, const model::Form& form) {
  std::set<std::string> hidden, displayed, prefilled;
  for (const auto& h : form.scopes_config.hide) hidden.insert(h.value);
  if (form.scopes_config.displayed) {
    for (const auto& d : *form.scopes_config.displayed) displayed.insert(d.value);
  }
  for (const auto& p : form.initialize_with) {
    if (p.field != "scopes") continue;
    if (p.value.is_array()) {
      for (const auto& v : p.value) {
        if (v.is_string()) prefilled.insert(v.get<std::string>());
      }
    } else if (p.value.is_string()) {
      prefilled.insert(p.value.get<std::string>());
    }
  }
  std::vector<std::string> out;
  for (const auto& s : def.scopes) {
    const bool shown = !hidden.count(s.value) && (!form.scopes_config.displayed || displayed.count(s.value));
    if ((shown || s.included || prefilled.count(s.value)) &&
        std::find(out.begin(), out.end(), s.value) == out.end()) {
      out.push_back(s.value);
    }
  }
  return out;
}

std::vector<SchemaGap> schema_gaps(const model::Definition& def) {
  std::vector<SchemaGap> out;
  auto field_gaps = [&](const Field& f) {
    for (const auto* c : {&f.visible_if, &f.required_if}) {
      if (*c && (*c)->expr && !expressible(**c)) {
        out.push_back({(*c)->span, std::string(c == &f.visible_if ? "visible_if" : "required_if") + " of field '" + f.name +
                                       "' (" + (*c)->source + ") cannot be expressed in JSON Schema"});
      }
    }
    if (f.type == FieldType::Date) {
      for (const auto* b : {&f.min_date, &f.max_date}) {
        if (*b && **b == "today") {
          out.push_back({f.value_spans.of(b == &f.min_date ? "min" : "max"), std::string(b == &f.min_date ? "'min'" : "'max'") + " 'today' of field '" + f.name +
                                     "' cannot be expressed in JSON Schema"});
        }
      }
    }
    if (f.pattern && !rt::Regex(*f.pattern).ok()) {
      out.push_back({f.span, "the pattern of field '" + f.name + "' is outside the portable subset and is left out of the JSON Schema"});
    }
  };
  auto rule_gaps = [&](const model::Rule& r) {
    const bool check_ok = !r.check.expr || expressible(r.check);
    const bool when_ok = !r.when || !r.when->expr || expressible(*r.when);
    if (!check_ok || !when_ok) {
      const model::Condition& c = !check_ok ? r.check : *r.when;
      out.push_back({c.span, "rule '" + rule_name(r) + "' (" + c.source + ") cannot be expressed in JSON Schema"});
    }
  };
  for (const auto& b : def.blocks) {
    for (const auto& f : b.fields) field_gaps(f);
  }
  for (const auto& f : def.extra_checkboxes) field_gaps(f);
  for (const auto& b : def.blocks) {
    for (const auto& r : b.rules) rule_gaps(r);
  }
  for (const auto& r : def.rules) rule_gaps(r);
  return out;
}

Json form_schema(const model::Definition& definition, const model::Form& form) {
  return FormSchemaBuilder(definition, form).build();
}

void JsonSchemaGenerator::generate_definition(const model::Module& module, std::size_t index, std::size_t part,
                                              std::size_t parts, OutputSet& out) const {
  const model::Definition& def = module.definitions[index];
  const auto forms = module.forms_of(def.id);
  for (std::size_t j = part; j < forms.size(); j += parts) {
    const model::Form* form = forms[j];
    // The loader rejects invalid UTF-8; `replace` only keeps dump() from ever throwing.
    out.add(paths::schema(form->uid), form_schema(def, *form).dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  }
}

}  // namespace formc::gen::json_schema
