#include "gen/html/fields.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "gen/html/ids.h"
#include "gen/html/slots.h"

namespace formc::gen::html {
namespace {

using model::Field;
using model::FieldType;

constexpr std::string_view kOptional = " (optionnel)";
constexpr std::string_view kSelectPlaceholder = "Sélectionner une option";
constexpr std::string_view kNewWindow = " - nouvelle fenêtre";

bool statically_required(const Field& f) { return f.required && !f.required_if && !f.visible_if; }

std::string label_text(const Field& f) {
  std::string text = f.label.empty() ? humanize(f.name) : f.label;
  if (is_optional(f)) text += kOptional;
  return text;
}

Element hint_span(std::string_view hint_html) {
  Element span("span");
  span.cls("fr-hint-text").raw_sanitized(hint_html, support::HtmlContext::Hint, Flow::Phrasing);
  return span;
}

Element label_for(const std::string& id, const Field& f) {
  Element label("label");
  label.cls("fr-label").attr("for", id).text(label_text(f));
  if (!f.hint.empty()) label.child(hint_span(f.hint));
  return label;
}

Element messages_group(const std::string& id, std::string_view field) {
  Element m("div");
  m.cls("fr-messages-group").id(id + "-messages").attr("aria-live", "polite").slot(slot::messages(field));
  return m;
}

void conditional_attributes(Element& outer, const Field& f) {
  outer.attr("data-formc-field", f.name);
  if (f.visible_if) outer.attr("data-formc-visible-if", f.name).flag(slot::hidden("field", f.name));
  if (conditionally_required(f)) outer.attr("data-formc-required-if", f.name);
}

// The outermost element of a field carries its data-formc-* attributes.
Element finish(Element container, const Field& f, bool in_fieldset) {
  if (!in_fieldset) {
    conditional_attributes(container, f);
    return container;
  }
  Element element("div");
  element.cls("fr-fieldset__element");
  conditional_attributes(element, f);
  element.child(std::move(container));
  return element;
}

std::string_view input_type(FieldType t) {
  switch (t) {
    case FieldType::Email: return "email";
    case FieldType::Phone: return "tel";
    case FieldType::Url: return "url";
    case FieldType::Integer: return "number";
    case FieldType::Date: return "date";
    default: return "text";
  }
}

bool is_date(const std::optional<std::string>& d) { return d && d->size() == 10 && (*d)[4] == '-' && (*d)[7] == '-'; }

Element render_text(const Field& f, bool in_fieldset) {
  const std::string id = field_id(f.name);
  Element group("div");
  group.attr("class", "fr-input-group", slot::state(f.name, "fr-input-group"));
  group.child(label_for(id, f));
  const bool textarea = f.type == FieldType::Textarea;
  Element control(textarea ? "textarea" : "input");
  control.cls("fr-input");
  if (!textarea) control.attr("type", input_type(f.type));
  control.id(id).attr("name", f.name);
  if (!f.autocomplete.empty()) control.attr("autocomplete", f.autocomplete);
  if (!f.placeholder.empty()) control.attr("placeholder", f.placeholder);
  if (f.type == FieldType::Integer) {
    if (f.min) control.attr("min", std::to_string(*f.min));
    if (f.max) control.attr("max", std::to_string(*f.max));
  } else if (f.type == FieldType::Date) {
    // "today" moves: the server validates it, the page does not pin a date.
    if (is_date(f.min_date)) control.attr("min", *f.min_date);
    if (is_date(f.max_date)) control.attr("max", *f.max_date);
  } else {
    // Browsers count UTF-16 code units, formc code points: only differs past
    // U+FFFF, where the page is stricter than the server for maxlength.
    if (f.min_length) control.attr("minlength", std::to_string(*f.min_length));
    if (f.max_length) control.attr("maxlength", std::to_string(*f.max_length));
  }
  control.attr("aria-describedby", id + "-messages");
  if (statically_required(f)) control.flag("required");
  if (textarea) {
    control.slot(slot::value(f.name));
  } else {
    control.attr("value", "", slot::value(f.name));
  }
  group.child(std::move(control));
  group.child(messages_group(id, f.name));
  return finish(std::move(group), f, in_fieldset);
}

Element render_select(const Field& f, bool in_fieldset) {
  const std::string id = field_id(f.name);
  Element group("div");
  group.attr("class", "fr-select-group", slot::state(f.name, "fr-select-group"));
  group.child(label_for(id, f));
  Element select("select");
  select.cls("fr-select").id(id).attr("name", f.name).attr("aria-describedby", id + "-messages");
  if (statically_required(f)) select.flag("required");
  Element placeholder("option");
  placeholder.attr("value", "").flag("disabled").flag(slot::selected(f.name, "")).text(kSelectPlaceholder);
  select.child(std::move(placeholder));
  for (const auto& o : f.options) {
    Element option("option");
    option.attr("value", o.value).flag(slot::selected(f.name, o.value)).text(o.label.empty() ? o.value : o.label);
    select.child(std::move(option));
  }
  group.child(std::move(select));
  group.child(messages_group(id, f.name));
  return finish(std::move(group), f, in_fieldset);
}

// fieldset.fr-fieldset with its legend; the caller adds elements, then messages.
Element choice_fieldset(const Field& f, const std::string& id, bool regular_legend) {
  Element fieldset("fieldset");
  fieldset.attr("class", "fr-fieldset", slot::state(f.name, "fr-fieldset"))
      .id(id)
      .attr("aria-labelledby", id + "-legend " + id + "-messages");
  Element legend("legend");
  legend.cls(regular_legend ? "fr-fieldset__legend--regular fr-fieldset__legend" : "fr-fieldset__legend")
      .id(id + "-legend")
      .text(label_text(f));
  if (!f.hint.empty()) legend.child(hint_span(f.hint));
  fieldset.child(std::move(legend));
  return fieldset;
}

Element choice(std::string_view group_class, std::string_view type, const std::string& option_id, std::string_view name,
               std::string_view field, std::string_view value, std::string_view label, std::string_view hint,
               bool required) {
  Element input("input");
  input.attr("type", type).id(option_id).attr("name", name).attr("value", value);
  if (required) input.flag("required");
  input.flag(slot::checked(field, value));
  Element lab("label");
  lab.cls("fr-label").attr("for", option_id).text(label.empty() ? value : label);
  if (!hint.empty()) lab.child(hint_span(hint));
  Element group("div");
  group.cls(group_class).child(std::move(input)).child(std::move(lab));
  Element element("div");
  element.cls("fr-fieldset__element").child(std::move(group));
  return element;
}

Element render_choices(const Field& f, bool in_fieldset) {
  const bool radio = f.type == FieldType::Radio;
  const std::string id = field_id(f.name);
  Element fieldset = choice_fieldset(f, id, true);
  OptionIds ids(id);
  const std::string name = radio ? f.name : f.name + "[]";
  for (const auto& o : f.options) {
    fieldset.child(choice(radio ? "fr-radio-group" : "fr-checkbox-group", radio ? "radio" : "checkbox", ids.next(o.value),
                          name, f.name, o.value, o.label, o.hint, radio && statically_required(f)));
  }
  fieldset.child(messages_group(id, f.name));
  return finish(std::move(fieldset), f, in_fieldset);
}

Element render_checkbox(const Field& f, bool in_fieldset) {
  const std::string id = field_id(f.name);
  Element group("div");
  group.attr("class", "fr-checkbox-group", slot::state(f.name, "fr-checkbox-group"));
  Element input("input");
  input.attr("type", "checkbox").id(id).attr("name", f.name).attr("value", "1").attr("aria-describedby", id + "-messages");
  if (statically_required(f)) input.flag("required");
  input.flag(slot::checked(f.name, "1"));
  group.child(std::move(input));
  group.child(label_for(id, f));
  group.child(messages_group(id, f.name));
  return finish(std::move(group), f, in_fieldset);
}

std::string format_size(std::int64_t bytes) {
  constexpr std::int64_t kMo = 1024 * 1024, kKo = 1024;
  auto with_unit = [](std::int64_t value, std::int64_t unit, std::string_view name) {
    std::string s = std::to_string(value / unit);
    const std::int64_t tenth = (value % unit) * 10 / unit;
    if (tenth) s += "," + std::to_string(tenth);
    return s + " " + std::string(name);
  };
  if (bytes >= kMo) return with_unit(bytes, kMo, "Mo");
  if (bytes >= kKo) return with_unit(bytes, kKo, "Ko");
  return std::to_string(bytes) + " octets";
}

std::string format_name(std::string_view content_type) {
  static const std::pair<std::string_view, std::string_view> kKnown[] = {
      {"application/pdf", "pdf"},
      {"application/vnd.oasis.opendocument.spreadsheet", "ods"},
      {"application/vnd.oasis.opendocument.text", "odt"},
      {"application/vnd.ms-excel", "xls"},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
      {"application/msword", "doc"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
      {"application/vnd.sun.xml.calc", "sxc"},
      {"text/csv", "csv"},
      {"image/jpeg", "jpg"},
      {"image/png", "png"},
  };
  for (const auto& [type, name] : kKnown) {
    if (type == content_type) return std::string(name);
  }
  const auto slash = content_type.find('/');
  return std::string(slash == std::string_view::npos ? content_type : content_type.substr(slash + 1));
}

// "Taille maximale : 10 Mo. Formats acceptés : pdf." when the definition says
// nothing; the number of files is always stated.
Element document_hint(const Field& f) {
  Element span("span");
  span.cls("fr-hint-text");
  std::string generated;
  if (!f.hint.empty()) {
    span.raw_sanitized(f.hint, support::HtmlContext::Hint, Flow::Phrasing);
  } else {
    if (f.max_size) generated += "Taille maximale : " + format_size(*f.max_size) + ". ";
    if (!f.content_types.empty()) {
      std::string formats;
      for (const auto& t : f.content_types) {
        const std::string name = format_name(t);
        if (formats.find(name) == std::string::npos) formats += (formats.empty() ? "" : ", ") + name;
      }
      generated += "Formats acceptés : " + formats + ". ";
    }
  }
  generated += f.max_count > 1 ? "Jusqu’à " + std::to_string(f.max_count) + " fichiers." : "Un seul fichier.";
  std::string separator;
  if (!f.hint.empty()) {
    // "… Formats supportés: pdf" + ". Jusqu’à 6 fichiers."
    const auto last = f.hint.find_last_not_of(" \t\r\n");
    const char end = last == std::string::npos ? '.' : f.hint[last];
    separator = std::isalnum(static_cast<unsigned char>(end)) ? ". " : " ";
  }
  span.text(separator + generated);
  return span;
}

Element render_document(const Field& f, bool in_fieldset) {
  const std::string id = field_id(f.name);
  const bool multiple = f.max_count > 1;
  Element group("div");
  group.attr("class", "fr-upload-group", slot::state(f.name, "fr-upload-group"));
  Element label("label");
  label.cls("fr-label").attr("for", id).text(label_text(f)).child(document_hint(f));
  group.child(std::move(label));
  Element input("input");
  input.cls("fr-upload").attr("type", "file").id(id).attr("name", multiple ? f.name + "[]" : f.name);
  if (!f.content_types.empty()) {
    std::string accept;
    for (const auto& t : f.content_types) accept += (accept.empty() ? "" : ",") + t;
    input.attr("accept", accept);
  }
  if (multiple) input.flag("multiple");
  // Where nothing can be sent (a preview), the server disables the input.
  input.flag(slot::disabled(f.name));
  // No `required`: a draft may already hold the files (the server knows).
  input.attr("aria-describedby", id + "-messages");
  group.child(std::move(input));
  Element attached("div");
  attached.cls("formc-documents").slot(slot::documents(f.name));
  group.child(std::move(attached));
  group.child(messages_group(id, f.name));
  return finish(std::move(group), f, in_fieldset);
}

std::string french_date(std::string_view iso) {
  if (iso.size() != 10) return std::string(iso);
  return std::string(iso.substr(8, 2)) + "/" + std::string(iso.substr(5, 2)) + "/" + std::string(iso.substr(0, 4));
}

bool listed(const std::vector<model::Located>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const auto& l) { return l.value == value; });
}

Element render_scope(const model::Scope& s, const Field& f, const std::string& option_id, bool config_disabled) {
  Element element("div");
  element.cls("fr-fieldset__element");
  if (s.deprecated_since || !s.feature_flag.empty()) {
    // Available or not depends on the request (creation date, flags): the server decides.
    if (s.deprecated_since) element.attr("data-formc-deprecated-since", *s.deprecated_since);
    if (!s.feature_flag.empty()) element.attr("data-formc-feature-flag", s.feature_flag);
    element.flag(slot::hidden("scope", s.value));
  }
  Element input("input");
  input.attr("type", "checkbox").id(option_id).attr("name", f.name + "[]").attr("value", s.value);
  if (s.included) {
    // Always requested: the server adds included scopes whatever is posted.
    input.flag("checked").flag("disabled");
  } else {
    if (config_disabled || s.disabled || (s.deprecated_since && !s.deprecated_writable)) input.flag("disabled");
    input.flag(slot::checked(f.name, s.value));
  }
  Element label("label");
  label.cls("fr-label").attr("for", option_id).text(s.name.empty() ? s.value : s.name);
  const bool has_link = is_safe_url(s.link);
  if (!s.description.empty() || s.deprecated_since || has_link) {
    Element hint("span");
    hint.cls("fr-hint-text");
    bool first = true;
    if (!s.description.empty()) {
      hint.raw_sanitized(s.description, support::HtmlContext::Hint, Flow::Phrasing);
      first = false;
    }
    if (s.deprecated_since) {
      hint.text(std::string(first ? "" : " ") + "Donnée obsolète depuis le " + french_date(*s.deprecated_since) + ".");
      first = false;
    }
    if (has_link) {
      if (!first) hint.text(" ");
      Element a("a");
      a.href(s.link);
      a.attr("target", "_blank").attr("rel", "noopener").attr("title", "Documentation de la donnée" + std::string(kNewWindow));
      a.text("Documentation");
      hint.child(std::move(a));
    }
    label.child(std::move(hint));
  }
  Element group("div");
  group.cls("fr-checkbox-group").child(std::move(input)).child(std::move(label));
  element.child(std::move(group));
  return element;
}

// Scopes honour the form's scopes_config: `displayed`/`hide` filter (not
// rendered at all), `disabled` shows them read-only; included scopes are
// checked and read-only. Named groups become nested fieldsets.
Element render_scopes(const Field& f, const FieldContext& ctx, bool in_fieldset) {
  const model::ScopesConfig* config = ctx.form ? &ctx.form->scopes_config : nullptr;
  std::vector<const model::Scope*> shown;
  for (const auto& s : ctx.definition.scopes) {
    if (config && config->displayed && !listed(*config->displayed, s.value)) continue;
    if (config && listed(config->hide, s.value)) continue;
    shown.push_back(&s);
  }
  std::vector<std::string> groups;
  for (const auto* s : shown) {
    if (std::find(groups.begin(), groups.end(), s->group) == groups.end()) groups.push_back(s->group);
  }
  const bool grouped = groups.size() > 1 || (groups.size() == 1 && !groups[0].empty());
  const std::string id = field_id(f.name);
  OptionIds ids(id);
  Element fieldset = choice_fieldset(f, id, !grouped);
  fieldset.attr("data-formc-scopes", "true");
  auto scope_element = [&](const model::Scope& s) {
    const bool disabled = config && listed(config->disabled, s.value);
    return render_scope(s, f, ids.next(s.value), disabled);
  };
  if (!grouped) {
    for (const auto* s : shown) fieldset.child(scope_element(*s));
  } else {
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string group_id = ids.next("group-" + std::to_string(g + 1));
      ids.reserve(group_id + "-legend");
      Element inner("fieldset");
      inner.cls("fr-fieldset").id(group_id).attr("aria-labelledby", group_id + "-legend");
      Element legend("legend");
      legend.cls("fr-fieldset__legend--regular fr-fieldset__legend")
          .id(group_id + "-legend")
          .text(groups[g].empty() ? "Autres données" : groups[g]);
      inner.child(std::move(legend));
      for (const auto* s : shown) {
        if (s->group == groups[g]) inner.child(scope_element(*s));
      }
      Element element("div");
      element.cls("fr-fieldset__element").child(std::move(inner));
      fieldset.child(std::move(element));
    }
  }
  fieldset.child(messages_group(id, f.name));
  return finish(std::move(fieldset), f, in_fieldset);
}

Element render_contact(const model::Definition& def, std::string_view kind, std::vector<Element> fields) {
  const std::string id = "formc-contact-" + id_part(kind);
  Element fieldset("fieldset");
  fieldset.cls("fr-fieldset").id(id).attr("aria-labelledby", id + "-legend " + id + "-messages");
  fieldset.attr("data-formc-contact", kind);
  const auto* ref = find_contact(def, kind);
  if (ref && ref->fillable_with_applicant_data) fieldset.attr("data-formc-fillable-with-applicant-data", "true");
  Element legend("legend");
  legend.cls("fr-fieldset__legend").id(id + "-legend").text(contact_label(def, kind));
  if (ref && !ref->hint.empty()) legend.child(hint_span(ref->hint));
  fieldset.child(std::move(legend));
  for (auto& e : fields) fieldset.child(std::move(e));
  Element messages("div");
  messages.cls("fr-messages-group").id(id + "-messages").attr("aria-live", "polite");
  fieldset.child(std::move(messages));
  return fieldset;
}

}  // namespace

bool is_optional(const Field& field) { return !field.required && !field.required_if; }
bool conditionally_required(const Field& f) { return f.required_if.has_value() || (f.visible_if && f.required); }

std::string humanize(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

const model::ContactKindRef* find_contact(const model::Definition& def, std::string_view kind) {
  for (const auto& c : def.contacts) {
    if (c.kind == kind) return &c;
  }
  return nullptr;
}

std::string contact_label(const model::Definition& def, std::string_view kind) {
  const auto* ref = find_contact(def, kind);
  return ref && !ref->label.empty() ? ref->label : humanize(kind);
}

Element render_field(const Field& f, const FieldContext& ctx, bool in_fieldset) {
  switch (f.type) {
    case FieldType::Select: return render_select(f, in_fieldset);
    case FieldType::Radio:
    case FieldType::Multiselect: return render_choices(f, in_fieldset);
    case FieldType::Checkbox: return render_checkbox(f, in_fieldset);
    case FieldType::Document: return render_document(f, in_fieldset);
    case FieldType::Scopes: return render_scopes(f, ctx, in_fieldset);
    default: return render_text(f, in_fieldset);
  }
}

std::vector<Element> render_block_fields(const model::Block& block, const FieldContext& ctx) {
  std::vector<Element> out;
  const auto& fields = block.fields;
  for (std::size_t i = 0; i < fields.size();) {
    const std::string& kind = fields[i].contact_kind;
    if (kind.empty()) {
      out.push_back(render_field(fields[i], ctx));
      ++i;
      continue;
    }
    std::vector<Element> members;
    for (; i < fields.size() && fields[i].contact_kind == kind; ++i) members.push_back(render_field(fields[i], ctx, true));
    out.push_back(render_contact(ctx.definition, kind, std::move(members)));
  }
  return out;
}

}  // namespace formc::gen::html
