#include "gen/cpp/field_emitters.h"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "formc/runtime/expr_regex.h"
#include "formc/runtime/expr_runtime.h"
#include "formc/runtime/messages.h"
#include "gen/cpp/namer.h"

namespace formc::gen::cpp {

using model::FieldType;
namespace msg = formc::rt::msg;

namespace {

std::string lit(std::string_view s) { return string_literal(s); }

// The C++ type of an enum nested in the generated class, as seen from the .cc.
std::string enum_type(const ClassLayout& layout, int index) {
  return layout.class_name + "::" + layout.enums[static_cast<std::size_t>(index)].cpp;
}

std::string date_literal(rt::Date d) {
  const rt::Ymd ymd = rt::civil_from_days(d.days);
  return fmt::format("formc::rt::date({}, {}, {})", ymd.year, ymd.month, ymd.day);
}

// ---- text, textarea, email, phone, url ----------------------------------------

class TextEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return "formc::rt::has_text(" + self() + ")"; }

  bool has_value_checks() const override {
    const auto& f = *field_.field;
    return f.min_length || f.max_length || f.pattern || f.type == FieldType::Email || f.type == FieldType::Phone ||
           f.type == FieldType::Url;
  }

  void value_checks(Printer& p) const override {
    const auto& f = *field_.field;
    const std::string& label = field_.label;
    p.line("const std::string_view value = *$self$;", {{"self", self()}});
    if (f.min_length && f.max_length) {
      p.line("const std::int64_t length = formc::rt::code_points(value);");
    }
    const std::string length = f.min_length && f.max_length ? "length" : "formc::rt::code_points(value)";
    if (f.max_length) {
      p.line("if ($length$ > $max$) {", {{"length", length}, {"max", std::to_string(*f.max_length)}});
      {
        auto indent = p.indent();
        fail(p, "too_long", msg::too_long(label, *f.max_length));
      }
      p.line("}");
    }
    if (f.min_length) {
      p.line("if ($length$ < $min$) {", {{"length", length}, {"min", std::to_string(*f.min_length)}});
      {
        auto indent = p.indent();
        fail(p, "too_short", msg::too_short(label, *f.min_length));
      }
      p.line("}");
    }
    switch (f.type) {
      case FieldType::Email:
        p.line("if (!formc::rt::is_valid_email(value)) {");
        {
          auto indent = p.indent();
          fail(p, "format_email", msg::format_email(label));
        }
        p.line("}");
        break;
      case FieldType::Phone:
        p.line(f.mobile ? "if (!formc::rt::is_valid_french_phone(value, /*mobile=*/true)) {"
                        : "if (!formc::rt::is_valid_french_phone(value)) {");
        {
          auto indent = p.indent();
          fail(p, "format_phone", msg::format_phone(label, f.mobile));
        }
        p.line("}");
        break;
      case FieldType::Url:
        p.line("if (!formc::rt::is_valid_url(value)) {");
        {
          auto indent = p.indent();
          fail(p, "format_url", msg::format_url(label));
        }
        p.line("}");
        break;
      default: break;
    }
    if (f.pattern) {
      // formc::rt::Regex: linear time, code points, the portable syntax that
      // ajv reads the same way; std::regex only for what it cannot parse.
      const std::string message = f.pattern_message ? *f.pattern_message : msg::pattern(label);
      if (rt::Regex(*f.pattern).ok()) {
        p.line("static const formc::rt::Regex pattern($pattern$);", {{"pattern", lit(*f.pattern)}});
        p.line("if (!pattern.search(value)) {");
      } else {
        p.line("static const std::regex pattern($pattern$, std::regex::ECMAScript);", {{"pattern", lit(*f.pattern)}});
        p.line("if (!std::regex_search(value.begin(), value.end(), pattern)) {");
      }
      {
        auto indent = p.indent();
        fail(p, "pattern", message);
      }
      p.line("}");
    }
  }
};

// ---- integer ------------------------------------------------------------------

class IntegerEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return self() + ".has_value()"; }
  bool has_value_checks() const override { return field_.field->min || field_.field->max; }
  void value_checks(Printer& p) const override {
    const auto& f = *field_.field;
    p.line("const std::int64_t value = *$self$;", {{"self", self()}});
    if (f.min) {
      p.line("if (value < $min$) {", {{"min", integer_literal(*f.min)}});
      {
        auto indent = p.indent();
        fail(p, "min", msg::min(field_.label, *f.min));
      }
      p.line("}");
    }
    if (f.max) {
      p.line("if (value > $max$) {", {{"max", integer_literal(*f.max)}});
      {
        auto indent = p.indent();
        fail(p, "max", msg::max(field_.label, *f.max));
      }
      p.line("}");
    }
  }

  static std::string integer_literal(std::int64_t v) {
    // INT64_MIN has no literal of its own.
    if (v == std::numeric_limits<std::int64_t>::min()) return "std::numeric_limits<std::int64_t>::min()";
    return std::to_string(v);
  }
};

// ---- date ------------------------------------------------------------------------

class DateEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return self() + ".has_value()"; }
  bool has_value_checks() const override { return bound(field_.field->min_date) || bound(field_.field->max_date); }
  void value_checks(Printer& p) const override {
    const auto& f = *field_.field;
    p.line("const formc::rt::Date value = *$self$;", {{"self", self()}});
    emit_bound(p, f.min_date, true);
    emit_bound(p, f.max_date, false);
  }

 private:
  static bool bound(const std::optional<std::string>& b) { return b && (*b == "today" || rt::parse_date(*b)); }

  void emit_bound(Printer& p, const std::optional<std::string>& b, bool is_min) const {
    if (!bound(b)) return;
    if (*b == "today") {
      p.line("check.$fn$($json$, $label$, value, today());",
             {{"fn", is_min ? "date_min" : "date_max"}, {"json", lit(field_.json)}, {"label", lit(field_.label)}});
      return;
    }
    const rt::Date d = *rt::parse_date(*b);
    p.line("if (value $op$ $date$) {", {{"op", is_min ? "<" : ">"}, {"date", date_literal(d)}});
    {
      auto indent = p.indent();
      const std::string text = rt::format_date(d);
      fail(p, is_min ? "min" : "max", is_min ? msg::date_min(field_.label, text) : msg::date_max(field_.label, text));
    }
    p.line("}");
  }
};

// ---- checkbox ------------------------------------------------------------------------

class CheckboxEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;
  std::string present() const override { return self() + ".value_or(false)"; }
  bool is_checkbox() const override { return true; }
};

// ---- select / radio with text options ---------------------------------------------

class ChoiceEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return "formc::rt::has_text(" + self() + ")"; }
  bool has_value_checks() const override { return field_.enum_index >= 0; }
  void value_checks(Printer& p) const override {
    p.emit({{"self", self()}, {"enum", enum_type(layout_, field_.enum_index)}, {"json", lit(field_.json)}, {"label", lit(field_.label)}},
           R"cc(
             if (!formc::rt::is_option<$enum$>(*$self$)) {
               check.not_an_option($json$, $label$, *$self$);
             }
           )cc");
  }
};

// ---- select / radio with integer options --------------------------------------------

class IntegerChoiceEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return self() + ".has_value()"; }
  bool has_value_checks() const override { return !field_.field->options.empty(); }
  void value_checks(Printer& p) const override {
    std::string test;
    for (const auto& o : field_.field->options) {
      if (!test.empty()) test += " && ";
      test += "value != " + o.value;
    }
    p.emit({{"self", self()}, {"test", test}, {"json", lit(field_.json)}, {"label", lit(field_.label)}},
           R"cc(
             const std::int64_t value = *$self$;
             if ($test$) {
               check.not_an_option($json$, $label$, std::to_string(value));
             }
           )cc");
  }
};

// ---- multiselect --------------------------------------------------------------------

class MultiselectEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return "!" + self() + ".empty()"; }
  bool has_value_checks() const override { return true; }  // length and duplicates
  void value_checks(Printer& p) const override {
    const std::string option =
        field_.enum_index >= 0 ? "&formc::rt::is_option<" + enum_type(layout_, field_.enum_index) + ">" : "nullptr";
    const auto bound = model::list_bound(*field_.field, *layout_.definition);
    p.line("check.items($json$, $label$, $self$, $option$, /*max_items=*/$bound$);",
           {{"json", lit(field_.json)}, {"label", lit(field_.label)}, {"self", self()}, {"option", option},
            {"bound", std::to_string(bound.value_or(0))}});
  }
};

// ---- scopes ---------------------------------------------------------------------------

class ScopesEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return "!" + self() + ".empty()"; }
  bool has_value_checks() const override { return true; }
  // The bound (the definition's scopes, model::list_bound) is the size of
  // form.allowed_scopes, which the runtime reads.
  void value_checks(Printer& p) const override {
    const std::string index =
        field_.enum_index >= 0 ? "&formc::rt::enum_index<" + enum_type(layout_, field_.enum_index) + ">" : "nullptr";
    p.line("check.scopes($json$, $label$, $self$, $index$, form.allowed_scopes);",
           {{"json", lit(field_.json)}, {"label", lit(field_.label)}, {"self", self()}, {"index", index}});
  }
};

// ---- document --------------------------------------------------------------------------

class DocumentEmitter final : public FieldEmitter {
 public:
  using FieldEmitter::FieldEmitter;

  std::string present() const override { return "!" + self() + ".empty()"; }
  bool has_value_checks() const override { return true; }
  void value_checks(Printer& p) const override {
    const auto& f = *field_.field;
    std::string types = "{}";
    if (!f.content_types.empty()) {
      std::string list;
      for (const auto& t : f.content_types) list += (list.empty() ? "" : ", ") + lit(t);
      p.line("static constexpr std::string_view kContentTypes[] = {$list$};", {{"list", list}});
      types = "kContentTypes";
    }
    p.line("check.documents($json$, $label$, $self$, /*max_count=*/$count$, /*max_size=*/$size$, $types$);",
           {{"json", lit(field_.json)},
            {"label", lit(field_.label)},
            {"self", self()},
            {"count", std::to_string(f.max_count)},
            {"size", f.max_size ? std::to_string(*f.max_size) : "-1"},
            {"types", types}});
  }
};

}  // namespace

void FieldEmitter::fail(Printer& p, std::string_view code, const std::string& message) const {
  p.line("check.fail($json$, $code$, $message$);", {{"json", lit(field_.json)}, {"code", lit(code)}, {"message", lit(message)}});
}

std::string FieldEmitter::prefill(const nlohmann::ordered_json& v) const {
  const std::string target = self();
  if (v.is_null()) {
    return field_.storage == Storage::TextList || field_.storage == Storage::Documents ? target + ".clear();"
                                                                                       : target + ".reset();";
  }
  switch (field_.storage) {
    case Storage::Text: {
      const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      return target + " = " + lit(text) + ";";
    }
    case Storage::Integer: {
      if (v.is_number_integer()) return target + " = " + std::to_string(v.get<std::int64_t>()) + ";";
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        std::int64_t n = 0;
        bool ok = !s.empty() && s.size() <= 16;
        std::size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
        if (i == s.size()) ok = false;
        for (; ok && i < s.size(); ++i) {
          if (s[i] < '0' || s[i] > '9') ok = false;
          else n = n * 10 + (s[i] - '0');
        }
        if (ok) return target + " = " + std::to_string(s[0] == '-' ? -n : n) + ";";
      }
      return "";
    }
    case Storage::Boolean: {
      if (v.is_boolean()) return target + (v.get<bool>() ? " = true;" : " = false;");
      if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s == "1" || s == "on" || s == "true") return target + " = true;";
        if (s == "0" || s == "false") return target + " = false;";
      }
      return "";
    }
    case Storage::Date: {
      if (!v.is_string()) return "";
      const auto d = rt::parse_date(v.get<std::string>());
      return d ? target + " = " + date_literal(*d) + ";" : "";
    }
    case Storage::TextList: {
      if (!v.is_array()) return "";
      // DataPass's array setter stores lists sorted and without repeats.
      std::set<std::string> items;
      for (const auto& item : v) items.insert(item.is_string() ? item.get<std::string>() : item.dump());
      std::string list;
      for (const auto& item : items) list += (list.empty() ? "" : ", ") + lit(item);
      return target + " = {" + list + "};";
    }
    case Storage::Documents: return "";
  }
  return "";
}

std::unique_ptr<FieldEmitter> make_field_emitter(const ClassLayout& layout, const FieldLayout& field) {
  if (field.builtin) return std::make_unique<CheckboxEmitter>(layout, field);
  switch (field.field->type) {
    case FieldType::Integer: return std::make_unique<IntegerEmitter>(layout, field);
    case FieldType::Date: return std::make_unique<DateEmitter>(layout, field);
    case FieldType::Checkbox: return std::make_unique<CheckboxEmitter>(layout, field);
    case FieldType::Select:
    case FieldType::Radio:
      if (field.field->integer_options) return std::make_unique<IntegerChoiceEmitter>(layout, field);
      return std::make_unique<ChoiceEmitter>(layout, field);
    case FieldType::Multiselect: return std::make_unique<MultiselectEmitter>(layout, field);
    case FieldType::Scopes: return std::make_unique<ScopesEmitter>(layout, field);
    case FieldType::Document: return std::make_unique<DocumentEmitter>(layout, field);
    default: return std::make_unique<TextEmitter>(layout, field);
  }
}

}  // namespace formc::gen::cpp
