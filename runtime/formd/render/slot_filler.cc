// Slot filling: one linear scan of the template (compiler/gen/html/slots.h);
// tests/html/fill.js is the reference behaviour.
#include "render/slot_filler.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/field_id.h"
#include "render/json_text.h"
#include "support/html.h"

namespace formd::render {

using formc::model::Definition;
using formc::model::Field;
using formc::model::FieldType;
using nlohmann::json;

// formc's generators and formd escape with the same primitive.
void append_escaped(std::string& out, std::string_view text) { out += formc::support::escape_attribute(text); }

std::string escape_html(std::string_view text) { return formc::support::escape_attribute(text); }

namespace {

constexpr std::string_view kBlank = R"(<span class="formc-blank">Non renseigné</span>)";

[[noreturn]] void fail(std::size_t offset, const std::string& what) {
  throw SlotError("template slot at offset " + std::to_string(offset) + ": " + what);
}

// ---- Token parsing ---------------------------------------------------------

bool is_kind_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

bool is_arg_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '~' || c == '%' || c == '-';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Length of the UTF-8 sequence a lead byte opens and its smallest code point
// (to reject overlong forms); length 0 for a byte that cannot lead.
std::pair<std::size_t, unsigned> utf8_lead(unsigned char c) {
  if ((c & 0xE0) == 0xC0) return {2, 0x80};
  if ((c & 0xF0) == 0xE0) return {3, 0x800};
  if ((c & 0xF8) == 0xF0) return {4, 0x10000};
  return {0, 0};
}

// Strict UTF-8 (no overlongs, no surrogates), as decodeURIComponent demands.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const auto [len, min] = utf8_lead(c);
    if (len == 0 || i + len > s.size()) return false;
    unsigned cp = c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string percent_decode(std::string_view arg, std::size_t offset) {
  std::string out;
  out.reserve(arg.size());
  for (std::size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] != '%') {
      out += arg[i];
      continue;
    }
    const int h = i + 1 < arg.size() ? hex_value(arg[i + 1]) : -1;
    const int l = i + 2 < arg.size() ? hex_value(arg[i + 2]) : -1;
    if (h < 0 || l < 0) fail(offset, "invalid %-escape in '" + std::string(arg) + "'");
    out += static_cast<char>(h * 16 + l);
    i += 2;
  }
  if (!valid_utf8(out)) fail(offset, "%-escape is not UTF-8 in '" + std::string(arg) + "'");
  return out;
}

struct Token {
  std::string kind;
  std::vector<std::string> args;
};

// `inside` is the text between "{{" and "}}": [a-z_]+(:[A-Za-z0-9_.~%-]*)*
Token parse_token(std::string_view inside, std::size_t offset) {
  std::size_t i = 0;
  while (i < inside.size() && is_kind_char(inside[i])) ++i;
  if (i == 0) fail(offset, "malformed slot {{" + std::string(inside) + "}}");
  Token token{std::string(inside.substr(0, i)), {}};
  while (i < inside.size()) {
    if (inside[i] != ':') fail(offset, "malformed slot {{" + std::string(inside) + "}}");
    const std::size_t start = ++i;
    while (i < inside.size() && is_arg_char(inside[i])) ++i;
    token.args.push_back(percent_decode(inside.substr(start, i - start), offset));
  }
  return token;
}

// ---- Values ----------------------------------------------------------------

const json* field_value(const SlotContext& ctx, const std::string& field) {
  if (!ctx.values || !ctx.values->is_object()) return nullptr;
  const auto it = ctx.values->find(field);
  return it == ctx.values->end() ? nullptr : &*it;
}

// fill.js's blank(): absent, null, "" or [].
bool blank(const json* v) {
  return !v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()) ||
         (v->is_array() && v->empty());
}

// display's blank also treats whitespace-only text as blank.
bool blank_for_display(const json* v) {
  if (blank(v)) return true;
  if (!v->is_string()) return false;
  return is_blank_text(v->get_ref<const std::string&>());
}

bool has_error(const SlotContext& ctx, const std::string& field) { return ctx.errors.count(field) > 0; }

bool is_valid(const SlotContext& ctx, const std::string& field) {
  return std::find(ctx.valid_fields.begin(), ctx.valid_fields.end(), field) != ctx.valid_fields.end();
}

const Field* find_field(const SlotContext& ctx, std::string_view name) {
  return ctx.definition ? ctx.definition->find_field(name) : nullptr;
}

// ---- Slot kinds ------------------------------------------------------------

void fill_value(std::string& out, const json* v) {
  if (!v || v->is_boolean() || v->is_array() || v->is_object()) return;  // checkboxes: no text
  if (const auto text = scalar_text(*v)) append_escaped(out, *text);
}

// {{checked:F:V}} and {{selected:F:V}} (V non-empty) share this comparison.
bool matches(const json* v, const std::string& option) {
  if (blank(v)) return false;
  if (v->is_array()) {
    return std::any_of(v->begin(), v->end(), [&](const json& item) { return scalar_text(item) == option; });
  }
  if (v->is_boolean()) return option == "1" && v->get<bool>();
  return scalar_text(*v) == option;
}

void fill_state(std::string& out, const SlotContext& ctx, const std::string& field, const std::string& cls) {
  if (!has_error(ctx, field) && !is_valid(ctx, field)) return;
  out += ' ';
  append_escaped(out, cls);
  out += has_error(ctx, field) ? "--error" : "--valid";
}

void fill_messages(std::string& out, const SlotContext& ctx, const std::string& field) {
  const auto it = ctx.errors.find(field);
  if (it != ctx.errors.end()) {
    for (const auto& message : it->second) {
      out += R"(<p class="fr-message fr-message--error">)";
      append_escaped(out, message);
      out += "</p>";
    }
  } else if (is_valid(ctx, field)) {
    out += R"(<p class="fr-message fr-message--valid">Champ valide</p>)";
  }
}

// Writes <ul CLASS><li>name</li>…</ul>; false (nothing written) when no name.
bool append_list(std::string& out, std::string_view open_tag, const std::vector<std::string>& items) {
  if (items.empty()) return false;
  out += open_tag;
  for (const auto& item : items) {
    out += "<li>";
    append_escaped(out, item);
    out += "</li>";
  }
  out += "</ul>";
  return true;
}

void fill_documents(std::string& out, const json* v) {
  if (v) append_list(out, R"(<ul class="formc-documents__list">)", document_names(*v));
}

// ---- {{display:F}} ---------------------------------------------------------

std::string option_label(const Field& f, const std::string& value) {
  for (const auto& o : f.options) {
    if (o.value == value) return o.label.empty() ? o.value : o.label;
  }
  return value;
}

std::string scope_name(const SlotContext& ctx, const std::string& value) {
  const auto* scope = ctx.definition->find_scope(value);
  return scope && !scope->name.empty() ? scope->name : value;
}

// Scalars as one-item lists, so a stray string still displays.
std::vector<std::string> item_texts(const json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) {
    if (auto text = scalar_text(v)) out.push_back(std::move(*text));
    return out;
  }
  for (const auto& item : v) {
    if (auto text = scalar_text(item)) out.push_back(std::move(*text));
  }
  return out;
}

void append_textarea(std::string& out, std::string_view text) {
  // Browsers post textarea line breaks as CRLF: one <br> per break.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "<br>";
    } else {
      append_escaped(out, text.substr(i, 1));
    }
  }
}

bool truthy(const json& v) {
  return (v.is_boolean() && v.get<bool>()) || (v.is_string() && (v == "1" || v == "true"));
}

// A value the definition says nothing about: text, or a list of texts.
void append_generic(std::string& out, const json& v) {
  if (v.is_array()) {
    if (!append_list(out, "<ul>", item_texts(v))) out += kBlank;
  } else if (v.is_boolean()) {
    out += v.get<bool>() ? "Oui" : "Non";
  } else if (const auto text = scalar_text(v)) {
    append_escaped(out, *text);
  } else {
    append_escaped(out, dump_json(v));
  }
}

void append_labels(std::string& out, std::vector<std::string> items, const std::function<std::string(const std::string&)>& label) {
  for (auto& item : items) item = label(item);
  if (!append_list(out, "<ul>", items)) out += kBlank;
}

void fill_display(std::string& out, const SlotContext& ctx, const std::string& name) {
  const json* v = field_value(ctx, name);
  if (blank_for_display(v)) {
    out += kBlank;
    return;
  }
  const Field* f = find_field(ctx, name);
  if (!f) return append_generic(out, *v);
  switch (f->type) {
    case FieldType::Select:
    case FieldType::Radio:
      if (const auto text = scalar_text(*v); text && !v->is_array()) return append_escaped(out, option_label(*f, *text));
      return append_generic(out, *v);
    case FieldType::Checkbox:
      out += truthy(*v) ? "Oui" : "Non";
      return;
    case FieldType::Scopes:
      return append_labels(out, item_texts(*v), [&](const std::string& s) { return scope_name(ctx, s); });
    case FieldType::Multiselect:
      return append_labels(out, item_texts(*v), [&](const std::string& s) { return option_label(*f, s); });
    case FieldType::Document:
      if (ctx.documents_html) {
        if (const std::string html = ctx.documents_html(name); !html.empty()) return void(out += html);
      }
      if (!append_list(out, "<ul>", document_names(*v))) out += kBlank;
      return;
    case FieldType::Textarea:
      if (v->is_string()) return append_textarea(out, v->get_ref<const std::string&>());
      return append_generic(out, *v);
    default:
      return append_generic(out, *v);
  }
}

// ---- {{error_summary}} -----------------------------------------------------

std::string field_label(const SlotContext& ctx, const std::string& name) {
  const Field* f = find_field(ctx, name);
  if (!f) {
    const auto it = ctx.labels.find(name);
    return it == ctx.labels.end() ? name : it->second;
  }
  if (f->label.empty()) return name;
  if (!f->contact_kind.empty()) {
    for (const auto& contact : ctx.definition->contacts) {
      if (contact.kind == f->contact_kind && !contact.label.empty()) return contact.label + " – " + f->label;
    }
  }
  return f->label;
}

struct SummaryItem {
  std::string field;  // "" for a document-level error: no link
  std::string text;
};

// Document-level errors first (they concern the whole request), then fields.
std::vector<SummaryItem> summary_items(const SlotContext& ctx) {
  std::vector<SummaryItem> items;
  if (const auto it = ctx.errors.find(""); it != ctx.errors.end()) {
    for (const auto& message : it->second) items.push_back({"", message});
  }
  auto add_field = [&](const std::string& name) {
    const auto it = ctx.errors.find(name);
    if (name.empty() || it == ctx.errors.end()) return;
    std::string text = field_label(ctx, name);
    if (!it->second.empty()) text += " : " + it->second.front();
    items.push_back({name, std::move(text)});
  };
  if (ctx.page_fields.empty()) {
    for (const auto& [name, messages] : ctx.errors) add_field(name);
  } else {
    for (const auto& name : ctx.page_fields) add_field(name);
  }
  return items;
}

void fill_error_summary(std::string& out, const SlotContext& ctx) {
  const auto items = summary_items(ctx);
  if (items.empty()) return;
  out += R"(<div class="fr-alert fr-alert--error" role="alert"><h2 class="fr-alert__title">Le formulaire contient )";
  out += std::to_string(items.size());
  out += items.size() == 1 ? " erreur" : " erreurs";
  out += "</h2><ul>";
  for (const auto& item : items) {
    out += "<li>";
    if (item.field.empty()) {
      append_escaped(out, item.text);
    } else {
      out += "<a href=\"#";
      append_escaped(out, field_id(item.field));
      out += "\">";
      append_escaped(out, item.text);
      out += "</a>";
    }
    out += "</li>";
  }
  out += "</ul></div>";
}

// ---- Dispatch --------------------------------------------------------------

void expect_args(const Token& t, std::size_t count, std::size_t offset) {
  if (t.args.size() != count) {
    fail(offset, "slot '" + t.kind + "' takes " + std::to_string(count) + " argument(s), got " +
                     std::to_string(t.args.size()));
  }
}

void fill_token(std::string& out, const Token& t, const SlotContext& ctx, std::size_t offset) {
  const auto& k = t.kind;
  const auto& a = t.args;
  if (k == "value") {
    expect_args(t, 1, offset);
    fill_value(out, field_value(ctx, a[0]));
  } else if (k == "checked" || k == "selected") {
    expect_args(t, 2, offset);
    const json* v = field_value(ctx, a[0]);
    const bool on = k == "selected" && a[1].empty() ? blank(v) : matches(v, a[1]);
    if (on) out += k;
  } else if (k == "hidden") {
    expect_args(t, 2, offset);
    if (ctx.hidden && ctx.hidden(a[0], a[1])) out += "hidden";
  } else if (k == "state") {
    expect_args(t, 2, offset);
    fill_state(out, ctx, a[0], a[1]);
  } else if (k == "messages") {
    expect_args(t, 1, offset);
    fill_messages(out, ctx, a[0]);
  } else if (k == "documents") {
    expect_args(t, 1, offset);
    if (ctx.documents_html) out += ctx.documents_html(a[0]);
    else fill_documents(out, field_value(ctx, a[0]));
  } else if (k == "disabled") {
    expect_args(t, 1, offset);
    if (ctx.disabled && ctx.disabled(a[0])) out += "disabled";
  } else if (k == "display") {
    expect_args(t, 1, offset);
    fill_display(out, ctx, a[0]);
  } else if (k == "step_url") {
    expect_args(t, 1, offset);
    append_escaped(out, ctx.step_url ? ctx.step_url(a[0]) : std::string("#"));
  } else if (k == "error_summary") {
    expect_args(t, 0, offset);
    fill_error_summary(out, ctx);
  } else if (k == "values_json") {
    expect_args(t, 0, offset);
    const bool none = !ctx.values || ctx.values->is_null();
    append_escaped(out, none ? std::string("{}") : dump_json(*ctx.values));
  } else {
    fail(offset, "unknown slot kind '" + k + "'");
  }
}

}  // namespace

std::string fill_slots(std::string_view tmpl, const SlotContext& context) {
  std::string out;
  out.reserve(tmpl.size() + tmpl.size() / 4);
  std::size_t i = 0;
  for (;;) {
    const std::size_t start = tmpl.find("{{", i);
    if (start == std::string_view::npos) break;
    const std::size_t end = tmpl.find("}}", start + 2);
    if (end == std::string_view::npos) fail(start, "unterminated slot");
    out.append(tmpl.substr(i, start - i));
    const Token token = parse_token(tmpl.substr(start + 2, end - start - 2), start);
    fill_token(out, token, context, start);  // written to `out`, never scanned again
    i = end + 2;
  }
  out.append(tmpl.substr(i));
  return out;
}

}  // namespace formd::render
