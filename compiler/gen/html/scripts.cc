#include "gen/html/scripts.h"

#include <cstdint>
#include <map>
#include <vector>

#include "expr/checked_expr.h"
#include "expr/js_emitter.h"
#include "gen/html/fields.h"

namespace formc::gen::html {
namespace {

using Kind = expr::Type::Kind;

// Decodes one UTF-8 sequence at s[i] (advancing i); U+FFFD when malformed.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (extra == 0) {
    ++i;
    return c;
  }
  if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  std::uint32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((b(i + static_cast<std::size_t>(k)) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b(i + static_cast<std::size_t>(k)) & 0x3F);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

void append_u(std::string& out, std::uint32_t unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 15];
}

// A line comment holding an expression's source (no line terminator in it).
std::string js_comment(std::string_view text) {
  std::string out = "// ";
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const std::uint32_t cp = next_code_point(text, i);
    if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
      out += ' ';
    } else if (cp == '<' || cp == '>') {
      out += cp == '<' ? "\\u003c" : "\\u003e";  // no "</script>" even in comments
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

std::string_view reader_kind(expr::Type t) {
  switch (t.kind()) {
    case Kind::Integer: return "integer";
    case Kind::Decimal: return "number";
    case Kind::Boolean: return "boolean";
    case Kind::List: return "list";
    case Kind::Document: return "document";
    default: return "string";
  }
}

std::string function_of(const model::Condition& c) {
  return "function (d, F) { return " + expr::to_js(*c.expr) + "; }";
}

struct Entry {
  std::string key, comment, function;
};

std::string object(const std::vector<Entry>& entries, int indent) {
  if (entries.empty()) return "{}";
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  std::string out = "{\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].comment.empty()) out += pad + "  " + entries[i].comment + "\n";
    out += pad + "  " + js_string(entries[i].key) + ": " + entries[i].function + (i + 1 < entries.size() ? "," : "") + "\n";
  }
  return out + pad + "}";
}

void add_reads(std::map<std::string, std::string>& reads, std::vector<std::string>& order, const model::Condition& c) {
  for (const auto& f : c.expr->fields()) {
    if (reads.emplace(f.name, std::string(reader_kind(f.type))).second) order.push_back(f.name);
  }
}

}  // namespace

std::string js_string(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const std::uint32_t cp = next_code_point(text, i);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp >= 0x20 && cp < 0x7F && cp != '<' && cp != '>' && cp != '&') {
      out += static_cast<char>(cp);
    } else if (cp >= 0x10000) {
      const std::uint32_t v = cp - 0x10000;
      append_u(out, 0xD800 + (v >> 10));
      append_u(out, 0xDC00 + (v & 0x3FF));
    } else {
      append_u(out, cp);
    }
  }
  return out + "\"";
}

std::string conditions_js(const model::Definition& def, const model::Form& form, std::string_view header) {
  std::vector<Entry> visible, required;
  std::map<std::string, std::string> reads;
  std::vector<std::string> order;
  auto visit = [&](const model::Field& f) {
    if (f.visible_if && f.visible_if->expr) {
      visible.push_back({f.name, js_comment(f.visible_if->source), function_of(*f.visible_if)});
      add_reads(reads, order, *f.visible_if);
    }
    if (f.required_if && f.required_if->expr) {
      required.push_back({f.name, js_comment(f.required_if->source), function_of(*f.required_if)});
      add_reads(reads, order, *f.required_if);
    } else if (conditionally_required(f)) {
      required.push_back({f.name, "// required when visible", "function () { return true; }"});
    }
  };
  for (const auto& b : def.blocks) {
    for (const auto& f : b.fields) visit(f);
  }
  for (const auto& f : def.extra_checkboxes) visit(f);

  std::vector<Entry> fields;
  for (const auto& name : order) fields.push_back({name, "", js_string(reads[name])});
  std::string out = js_comment(header) + "\n";
  out += "// Conditions of form " + js_string(form.uid) + " (visible_if, required_if), read by formc-forms.js.\n";
  out += "FormcForms.registerForm(" + js_string(form.uid) + ", {\n";
  out += "  \"fields\": " + object(fields, 1) + ",\n";
  out += "  \"visible\": " + object(visible, 1) + ",\n";
  out += "  \"required\": " + object(required, 1) + "\n";
  out += "});\n";
  return out;
}

std::string eligibility_js(const model::EligibilityRule& rule, std::string_view header) {
  std::vector<Entry> questions;
  for (const auto& q : rule.questions) {
    if (q.visible_if && q.visible_if->expr) questions.push_back({q.id, js_comment(q.visible_if->source), function_of(*q.visible_if)});
  }
  std::string out = js_comment(header) + "\n";
  out += "// Eligibility questionnaire of " + js_string(rule.definition_id) +
         ": follow-up questions and outcomes, read by formc-forms.js.\n";
  out += "FormcForms.registerEligibility(" + js_string(rule.definition_id) + ", {\n";
  out += "  \"questions\": " + object(questions, 1) + ",\n";
  out += "  \"outcomes\": [";
  for (std::size_t i = 0; i < rule.outcomes.size(); ++i) {
    const auto& o = rule.outcomes[i];
    out += i ? ",\n" : "\n";
    out += "    " + js_comment(o.condition.source) + "\n";
    out += "    " + (o.condition.expr ? function_of(o.condition) : std::string("function () { return false; }"));
  }
  out += rule.outcomes.empty() ? "]\n" : "\n  ]\n";
  out += "});\n";
  return out;
}

}  // namespace formc::gen::html
