#include "model/library.h"

#include <regex>

#include <fmt/format.h>

#include "formc/runtime/formats.h"
#include "model/reader.h"
#include "support/text.h"

namespace formc::model {

using support::DiagCode;

namespace {

const std::vector<std::string>& field_keys() {
  static const std::vector<std::string> keys = {
      "name",       "type",       "label",   "hint",          "placeholder", "required",  "required_if",
      "visible_if", "submit_only", "min",    "max",           "min_length",  "max_length", "pattern",
      "pattern_message", "mobile", "options", "content_types", "max_size",   "max_count", "max_items",
      "autocomplete", "prefillable"};
  return keys;
}

bool is_text_like(FieldType t) {
  return t == FieldType::Text || t == FieldType::Textarea || t == FieldType::Email || t == FieldType::Phone ||
         t == FieldType::Url;
}

bool is_choice(FieldType t) { return t == FieldType::Select || t == FieldType::Radio || t == FieldType::Multiselect; }



// Reports a constraint that does not apply to the field's type.
void reject_constraint(MapReader& reader, const yaml::Node& field, std::string_view key, FieldType type,
                       support::DiagnosticEngine& diags) {
  reader.mark_seen(key);  // reported here, not again as an unknown key
  if (const auto* e = field.find(key)) {
    diags.report(DiagCode::FieldBadConstraint, e->key->span,
                 fmt::format("'{}' does not apply to a field of type '{}'", key, to_string(type)));
  }
}

std::optional<std::string> read_date_bound(MapReader& r, std::string_view key, support::DiagnosticEngine& diags) {
  const auto* n = r.get(key);
  if (!n || n->is_null()) return std::nullopt;
  auto s = read_string(*n, fmt::format("'{}'", key), diags, true);
  if (!s) return std::nullopt;
  if (*s != "today" && !rt::is_valid_date(*s)) {
    diags.report(DiagCode::MalformedDate, n->span, fmt::format("'{}' must be a date YYYY-MM-DD or 'today', not {}", key, support::quote(*s)));
    return std::nullopt;
  }
  return s;
}

std::optional<ContactKindRef> read_contact_ref(const yaml::Node& node, support::DiagnosticEngine& diags) {
  ContactKindRef ref;
  ref.span = node.span;
  if (node.is_scalar()) {
    auto s = read_string(node, "a contact kind", diags);
    if (!s) return std::nullopt;
    ref.kind = *s;
    return ref;
  }
  if (!expect_mapping(node, "a contact kind", diags)) return std::nullopt;
  MapReader r(node, "a contact kind", {"kind", "except", "mobile_phone", "required_personal_email"}, diags);
  auto kind = r.located_string("kind");
  if (!kind) {
    diags.report(DiagCode::MissingKey, node.span, "a contact entry needs a 'kind'");
    r.accept_known();
    r.finish();
    return std::nullopt;
  }
  ref.kind = kind->value;
  ref.span = kind->span;
  if (auto except = r.string_list("except")) {
    for (const auto& e : *except) {
      if (e.value != "phone_number" && e.value != "job_title") {
        diags.report(DiagCode::InvalidValue, e.span,
                     fmt::format("'except' may list phone_number and job_title, not {}", support::quote(e.value)));
      } else {
        ref.except.push_back(e.value);
      }
    }
  }
  ref.mobile_phone = r.boolean("mobile_phone").value_or(false);
  ref.required_personal_email = r.boolean("required_personal_email").value_or(false);
  r.finish();
  return ref;
}

}  // namespace

const std::vector<std::string>& extension_key_names() {
  static const std::vector<std::string> keys = {"contacts", "modalities", "volumetries", "extra_fields", "extra_checkboxes",
                                                "rules"};
  return keys;
}

std::vector<Option> read_options(const yaml::Node& node, bool& integer_values, support::DiagnosticEngine& diags) {
  std::vector<Option> out;
  integer_values = false;
  if (!expect_sequence(node, "'options'", diags)) return out;
  bool any_int = false, any_text = false;
  for (const auto& item : node.items) {
    Option o;
    o.span = item->span;
    const yaml::Node* value_node = item.get();
    if (item->is_mapping()) {
      MapReader r(*item, "an option", {"value", "label", "hint"}, diags);
      value_node = r.get("value");
      o.label = r.string("label").value_or("");
      o.hint = r.string("hint").value_or("");
      r.finish();
      if (!value_node) {
        diags.report(DiagCode::MissingKey, item->span, "an option needs a 'value'");
        continue;
      }
    }
    if (!value_node->is_scalar() || value_node->is_null()) {
      diags.report(DiagCode::WrongType, value_node->span, "an option value must be a string or an integer");
      continue;
    }
    o.value = value_node->value;
    o.span = value_node->span;
    const auto as_int = value_node->is_plain() ? value_node->as_int() : std::nullopt;
    // An integer keeps the value YAML 1.1 gives it (1_000 is 1000, 010 is 8),
    // written in decimal: the form every output (C++ enumerators too) uses.
    if (as_int) o.value = std::to_string(*as_int);
    (as_int ? any_int : any_text) = true;
    if (o.label.empty()) o.label = o.value;
    for (const auto& prev : out) {
      if (prev.value == o.value) {
        diags.report(DiagCode::InvalidValue, o.span, fmt::format("option {} is listed twice", support::quote(o.value)));
        diags.note(prev.span, "first listed here");
        break;
      }
    }
    out.push_back(std::move(o));
  }
  if (any_int && any_text) {
    diags.report(DiagCode::FieldBadConstraint, node.span, "options mix integers and strings");
  }
  integer_values = any_int && !any_text;
  return out;
}

std::optional<FieldDecl> read_field(const yaml::Node& node, support::DiagnosticEngine& diags) {
  if (!expect_mapping(node, "a field", diags)) return std::nullopt;
  MapReader r(node, "a field", field_keys(), diags);
  FieldDecl decl;
  Field& f = decl.field;
  auto name = r.located_string("name");
  if (!name) {
    diags.report(DiagCode::MissingKey, node.span, "a field needs a 'name'");
    r.accept_known();
    r.finish();
    return std::nullopt;
  }
  f.name = name->value;
  f.span = name->span;
  f.value_spans = r.value_spans(f.span);
  static const std::regex name_re(R"(^[a-z_{][a-z0-9_{}]*$)");
  if (f.name.size() > 120 || !std::regex_match(f.name, name_re)) {
    diags.report(DiagCode::InvalidIdentifier, name->span,
                 fmt::format("field name {} must be snake_case (a-z, 0-9, _)", support::quote(f.name)));
  }
  const auto type = r.located_string("type");
  if (!type) {
    diags.report(DiagCode::MissingKey, node.span, fmt::format("field '{}' needs a 'type'", f.name));
    r.accept_known();
    r.finish();
    return std::nullopt;
  }
  if (type->value == "contact") {
    decl.is_contact = true;
    f.type = FieldType::Text;
  } else if (auto t = field_type_from_string(type->value)) {
    f.type = *t;
  } else {
    std::vector<std::string> names = {"text",     "textarea", "email", "phone",       "url",      "integer", "date",
                                      "checkbox", "select",   "radio", "multiselect", "document", "scopes",  "contact"};
    diags.report(DiagCode::FieldTypeUnknown, type->span, fmt::format("unknown field type {}", support::quote(type->value)));
    if (auto s = support::closest_match(type->value, names)) diags.note(type->span, fmt::format("did you mean '{}'?", *s));
    r.accept_known();
    r.finish();
    return std::nullopt;
  }
  f.label = r.string("label").value_or("");
  f.hint = r.string("hint").value_or("");
  f.placeholder = r.string("placeholder").value_or("");
  f.required = r.boolean("required").value_or(true);
  f.submit_only = r.boolean("submit_only").value_or(false);
  decl.required_if = r.get("required_if");
  decl.visible_if = r.get("visible_if");
  f.prefillable = r.boolean("prefillable").value_or(true);
  f.autocomplete = r.string("autocomplete").value_or("");
  if (decl.is_contact) {
    for (const auto& key : field_keys()) {
      if (key != "name" && key != "type" && key != "label" && key != "hint") reject_constraint(r, node, key, FieldType::Text, diags);
    }
    r.finish();
    return decl;
  }
  if (f.type == FieldType::Integer) {
    f.min = r.integer("min");
    f.max = r.integer("max");
    if (f.min && f.max && *f.min > *f.max) diags.report(DiagCode::FieldBadConstraint, f.span, "'min' is greater than 'max'");
  } else if (f.type == FieldType::Date) {
    f.min_date = read_date_bound(r, "min", diags);
    f.max_date = read_date_bound(r, "max", diags);
  } else {
    reject_constraint(r, node, "min", f.type, diags);
    reject_constraint(r, node, "max", f.type, diags);
    r.mark_seen("min");
    r.mark_seen("max");
  }
  if (is_text_like(f.type)) {
    f.min_length = r.integer("min_length");
    f.max_length = r.integer("max_length");
    if (const auto* p = r.get("pattern")) {
      if (auto s = read_string(*p, "'pattern'", diags, true)) {
        try {
          std::regex test(*s, std::regex::ECMAScript);
          f.pattern = *s;
        } catch (const std::regex_error&) {
          diags.report(DiagCode::FieldBadConstraint, p->span, fmt::format("'pattern' is not a valid regular expression: {}", support::quote(*s)));
        }
      }
    }
    f.pattern_message = r.string("pattern_message");
  } else {
    for (const char* key : {"min_length", "max_length", "pattern", "pattern_message", "placeholder"}) {
      reject_constraint(r, node, key, f.type, diags);
    }
  }
  if (f.type == FieldType::Phone) {
    f.mobile = r.boolean("mobile").value_or(false);
  } else {
    reject_constraint(r, node, "mobile", f.type, diags);
    r.mark_seen("mobile");
  }
  if (is_choice(f.type)) {
    if (const auto* o = r.get("options")) {
      f.options = read_options(*o, f.integer_options, diags);
      if (f.integer_options && f.type == FieldType::Multiselect) {
        diags.report(DiagCode::FieldBadConstraint, o->span, "multiselect options must be strings");
      }
    } else if (f.type != FieldType::Multiselect) {
      diags.report(DiagCode::FieldOptionMissing, f.span, fmt::format("field '{}' of type '{}' needs 'options'", f.name, to_string(f.type)));
    }
  } else {
    reject_constraint(r, node, "options", f.type, diags);
    r.mark_seen("options");
  }
  if (f.type == FieldType::Multiselect) {
    // The bound of a free list, or a "choose at most N" below the option count (model::list_bound).
    f.max_items = r.integer("max_items");
    if (f.max_items && *f.max_items < 1) {
      diags.report(DiagCode::FieldBadConstraint, f.value_spans.of("max_items"), "'max_items' must be at least 1");
    }
  } else {
    reject_constraint(r, node, "max_items", f.type, diags);
  }
  if (f.type == FieldType::Document) {
    if (auto types = r.string_list("content_types")) {
      for (const auto& t : *types) f.content_types.push_back(t.value);
    }
    f.max_size = r.integer("max_size");
    f.max_count = r.integer("max_count").value_or(6);
    if (f.max_count < 1) diags.report(DiagCode::FieldBadConstraint, f.value_spans.of("max_count"), "'max_count' must be at least 1");
  } else {
    for (const char* key : {"content_types", "max_size", "max_count"}) {
      reject_constraint(r, node, key, f.type, diags);
      r.mark_seen(key);
    }
  }
  r.finish();
  return decl;
}

std::vector<FieldDecl> read_fields(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags) {
  std::vector<FieldDecl> out;
  if (node.is_null()) return out;
  if (!expect_sequence(node, what, diags)) return out;
  for (const auto& item : node.items) {
    if (auto f = read_field(*item, diags)) out.push_back(std::move(*f));
  }
  return out;
}

std::vector<RuleDecl> read_rules(const yaml::Node& node, support::DiagnosticEngine& diags) {
  std::vector<RuleDecl> out;
  if (node.is_null()) return out;
  if (!expect_sequence(node, "'rules'", diags)) return out;
  for (const auto& item : node.items) {
    if (!expect_mapping(*item, "a rule", diags)) continue;
    MapReader r(*item, "a rule", {"check", "when", "message", "fields", "code"}, diags);
    RuleDecl decl;
    decl.rule.span = item->span;
    decl.check = r.get("check");
    decl.when = r.get("when");
    decl.rule.message = r.string("message").value_or("");
    decl.rule.code = r.string("code").value_or("");
    if (auto fields = r.string_list("fields")) {
      for (const auto& f : *fields) decl.rule.fields.push_back(f.value);
    }
    bool ok = true;
    if (!decl.check) {
      diags.report(DiagCode::MissingKey, item->span, "a rule needs a 'check' expression");
      ok = false;
    }
    if (decl.rule.message.empty()) {
      diags.report(DiagCode::MissingKey, item->span, "a rule needs a French 'message'");
      ok = false;
    }
    if (decl.rule.code.empty()) {
      diags.report(DiagCode::MissingKey, item->span, "a rule needs a stable 'code'");
      ok = false;
    }
    r.finish();
    if (ok) out.push_back(std::move(decl));
  }
  return out;
}

void read_blocks_file(const yaml::Node& root, int layer, Library& library, support::DiagnosticEngine& diags) {
  if (!expect_mapping(root, "a block library file", diags)) return;
  for (const auto& entry : root.entries) {
    if (entry.key->value == "$schema") continue;  // editor modeline key
    const std::string& name = entry.key->value;
    const yaml::Node& node = *entry.value;
    if (!expect_mapping(node, fmt::format("block '{}'", name), diags)) continue;
    MapReader r(node, fmt::format("block '{}'", name),
                {"title", "slug", "introduction", "fields", "rules", "contact_fields", "contact_rules"}, diags);
    BlockDecl block;
    block.name = name;
    block.span = entry.key->span;
    block.layer = layer;
    block.value_spans = r.value_spans(block.span);
    block.title = r.string("title").value_or(name);
    block.slug = r.string("slug").value_or(name);
    block.introduction = r.string("introduction").value_or("");
    if (const auto* f = r.get("fields")) block.fields = read_fields(*f, "'fields'", diags);
    if (const auto* ru = r.get("rules")) block.rules = read_rules(*ru, diags);
    if (const auto* cf = r.get("contact_fields")) block.contact_fields = read_fields(*cf, "'contact_fields'", diags);
    if (const auto* cr = r.get("contact_rules")) block.contact_rules = read_rules(*cr, diags);
    r.finish();
    if (block.fields.empty() && !r.node().find("fields")) {
      diags.report(DiagCode::BlockWithoutFields, entry.key->span, fmt::format("block '{}' declares no field", name));
    }
    const auto existing = library.blocks.find(name);
    if (existing != library.blocks.end()) {
      if (existing->second.layer == layer) {
        diags.report(DiagCode::DuplicateId, entry.key->span, fmt::format("block '{}' is declared twice", name));
        diags.note(existing->second.span, "first declared here");
        continue;
      }
      library.blocks.erase(existing);  // --blocks overrides the standard library
    }
    library.blocks.emplace(name, std::move(block));
  }
}

void read_contact_kinds_file(const yaml::Node& root, Library& library, support::DiagnosticEngine& diags) {
  if (!expect_mapping(root, "contact_kinds.yml", diags)) return;
  MapReader top(root, "contact_kinds.yml", {"contact_kinds"}, diags);
  const auto* kinds = top.get("contact_kinds");
  top.finish();
  if (!kinds) {
    diags.report(DiagCode::MissingKey, root.span, "contact_kinds.yml needs a top-level 'contact_kinds' mapping");
    return;
  }
  if (!expect_mapping(*kinds, "'contact_kinds'", diags)) return;
  for (const auto& entry : kinds->entries) {
    if (!expect_mapping(*entry.value, fmt::format("contact kind '{}'", entry.key->value), diags)) continue;
    MapReader r(*entry.value, fmt::format("contact kind '{}'", entry.key->value),
                {"label", "hint", "fillable_with_applicant_data", "required_personal_email", "mobile_phone", "except"}, diags);
    ContactKindDecl k;
    k.kind = entry.key->value;
    k.span = entry.key->span;
    k.label = r.string("label").value_or(k.kind);
    k.hint = r.string("hint").value_or("");
    k.fillable_with_applicant_data = r.boolean("fillable_with_applicant_data").value_or(false);
    k.required_personal_email = r.boolean("required_personal_email").value_or(false);
    k.mobile_phone = r.boolean("mobile_phone").value_or(false);
    if (auto except = r.string_list("except")) {
      for (const auto& e : *except) k.except.push_back(e.value);
    }
    r.finish();
    if (library.contact_kinds.count(k.kind)) {
      diags.report(DiagCode::DuplicateId, k.span, fmt::format("contact kind '{}' is declared twice", k.kind));
      continue;
    }
    library.contact_kinds.emplace(k.kind, std::move(k));
  }
}

void read_extension_keys(MapReader& r, ExtensionDecl& out, support::DiagnosticEngine& diags) {
  if (const auto* contacts = r.get("contacts")) {
    std::vector<ContactKindRef> refs;
    if (!contacts->is_null() && expect_sequence(*contacts, "'contacts'", diags)) {
      for (const auto& item : contacts->items) {
        if (auto ref = read_contact_ref(*item, diags)) refs.push_back(std::move(*ref));
      }
    }
    out.contacts = std::move(refs);
  }
  bool ints = false;
  if (const auto* m = r.get("modalities"); m && !m->is_null()) out.modalities = read_options(*m, ints, diags);
  if (const auto* v = r.get("volumetries"); v && !v->is_null()) {
    out.volumetries = read_options(*v, ints, diags);
    if (!ints && !out.volumetries->empty()) diags.report(DiagCode::WrongType, v->span, "'volumetries' values must be integers");
  }
  if (const auto* x = r.get("extra_fields"); x && !x->is_null() && expect_mapping(*x, "'extra_fields'", diags)) {
    for (const auto& e : x->entries) {
      out.extra_fields.emplace_back(Located{e.key->value, e.key->span},
                                    read_fields(*e.value, fmt::format("'extra_fields.{}'", e.key->value), diags));
    }
  }
  if (const auto* c = r.get("extra_checkboxes"); c && !c->is_null()) {
    out.extra_checkboxes = read_fields(*c, "'extra_checkboxes'", diags);
    for (auto& f : out.extra_checkboxes) {
      if (f.field.type != FieldType::Checkbox) {
        diags.report(DiagCode::WrongType, f.field.span, fmt::format("extra checkbox '{}' must have type 'checkbox'", f.field.name));
      }
      f.field.submit_only = true;
    }
  }
  if (const auto* ru = r.get("rules"); ru && !ru->is_null()) out.rules = read_rules(*ru, diags);
}

void read_extensions_file(const yaml::Node& root, Library& library, support::DiagnosticEngine& diags) {
  if (!expect_mapping(root, "a definition extensions file", diags)) return;
  for (const auto& entry : root.entries) {
    if (entry.key->value == "$schema") continue;  // editor modeline key
    if (!expect_mapping(*entry.value, fmt::format("extensions of '{}'", entry.key->value), diags)) continue;
    MapReader r(*entry.value, fmt::format("extensions of '{}'", entry.key->value), extension_key_names(), diags);
    ExtensionDecl ext;
    ext.span = entry.key->span;
    read_extension_keys(r, ext, diags);
    r.finish();
    if (library.extensions.count(entry.key->value)) {
      diags.report(DiagCode::DuplicateId, entry.key->span,
                   fmt::format("extensions for '{}' are declared twice", entry.key->value));
      continue;
    }
    library.extensions.emplace(entry.key->value, std::move(ext));
  }
}

}  // namespace formc::model
