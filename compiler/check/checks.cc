#include "check/checks.h"

#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "check/formats.h"
#include "gen/cpp/namer.h"
#include "gen/json_schema/json_schema_generator.h"
#include "support/html.h"
#include "support/text.h"

namespace formc::check {
namespace {

using model::Definition;
using model::FieldType;
using model::Form;
using model::Module;
using support::DiagCode;
using support::Span;

class Checker {
 public:
  Checker(const Module& module, support::DiagnosticEngine& diags) : m_(module), diags_(diags) {}

  void run() {
    for (const auto& def : m_.definitions) check_definition(def);
    for (const auto& form : m_.forms) check_form(form);
    check_defaults();
    check_eligibility();
    check_service_providers();
    check_identifier_collisions();
  }

  // Names that the C++ generator would turn into one identifier: found here,
  // before any code is generated.
  void check_identifier_collisions() {
    for (const auto& c : gen::cpp::find_cpp_collisions(m_)) {
      diags_.report(DiagCode::IdentifierCollision, c.second_span, c.message());
      if (c.first_span.valid()) diags_.note(c.first_span, fmt::format("'{}' is here", c.first));
    }
  }

 private:
  // Each kind of text is checked against the allow-list it is rendered with
  // (support/html.h), so the warning names only what DataPass would not show.
  void html(const std::string& text, Span span, std::string_view what, support::HtmlContext context) {
    if (text.empty()) return;
    const auto result = support::sanitize_html(text, context);
    if (result.removed.empty()) return;
    diags_.report(DiagCode::HtmlNotAllowed, span,
                  fmt::format("{} contains HTML outside the allowlist, which will be removed: {}", what,
                              support::join(result.removed, ", ")));
  }

  void url(const std::optional<std::string>& value, Span span, std::string_view what, bool allow_relative = true) {
    if (!value || value->empty()) return;
    if (!is_valid_url(*value, allow_relative)) {
      diags_.report(DiagCode::MalformedUrl, span,
                    fmt::format("{} {} is not an absolute http(s) URL{}", what, support::quote(*value),
                                allow_relative ? " nor an application path starting with '/'" : ""));
    }
  }

  void placeholders(const std::string& text, Span span, std::string_view what, const std::set<std::string>& allowed) {
    static const std::regex re(R"(%\{([^}]*)\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1].str();
      if (!allowed.count(name)) {
        diags_.report(DiagCode::MalformedPlaceholder, span,
                      fmt::format("{} uses placeholder '%{{{}}}', which DataPass cannot fill here (it would fail at run time){}",
                                  what, name, allowed.empty() ? "" : "; allowed: " + list(allowed)));
      }
    }
  }

  static std::string list(const std::set<std::string>& names) {
    std::vector<std::string> v;
    for (const auto& n : names) v.push_back("%{" + n + "}");
    return support::join(v, ", ");
  }

  void check_definition(const Definition& def) {
    url(def.link, def.span_of("link"), "'link'");
    url(def.cgu_link, def.span_of("cgu_link"), "'cgu_link'");
    if (def.access_link) {
      placeholders(*def.access_link, def.span_of("access_link"), "'access_link'", {"external_provider_id"});
      url(std::regex_replace(*def.access_link, std::regex(R"(%\{[^}]*\})"), "x"), def.span_of("access_link"), "'access_link'");
    }
    if (def.support_email && !def.support_email->empty() && !is_valid_email(*def.support_email)) {
      diags_.report(DiagCode::MalformedEmail, def.span_of("support_email"), fmt::format("'support_email' {} is not an email address", support::quote(*def.support_email)));
    }
    if (def.introduction) html(*def.introduction, def.span_of("introduction"), "the definition's introduction", support::HtmlContext::Introduction);
    for (const auto& s : def.scopes) {
      if (!s.link.empty()) url(s.link, s.value_spans.of("link"), "scope 'link'");
      if (s.deprecated_since && !is_valid_date(*s.deprecated_since)) {
        diags_.report(DiagCode::MalformedDate, s.value_spans.of("deprecated.since"),
                      fmt::format("'deprecated.since' {} is not a date YYYY-MM-DD", support::quote(*s.deprecated_since)));
      }
    }
    for (const auto& b : def.blocks) {
      html(b.introduction, b.value_spans.of("introduction"), fmt::format("block '{}' introduction", b.name),
           support::HtmlContext::Introduction);
      for (const auto& f : b.fields) html(f.hint, f.value_spans.of("hint"), fmt::format("the hint of '{}'", f.name), support::HtmlContext::Hint);
    }
    if (def.stage) {
      if (def.stage->next) check_stage_link(*def.stage->next, "stage.next");
      if (def.stage->previous) check_stage_link(*def.stage->previous, "stage.previous");
    }
    // What the JSON Schemas cannot say is left to the C++ validator: say so.
    for (const auto& gap : gen::json_schema::schema_gaps(def)) {
      diags_.report(DiagCode::ExprNotInSchema, gap.span, gap.message);
    }
    if (m_.forms_of(def.id).empty() && !m_.forms.empty()) {
      diags_.report(DiagCode::DefinitionWithoutForm, def.span,
                    fmt::format("definition '{}' has no form; applicants cannot request it", def.id));
    }
  }

  void check_stage_link(const model::StageLink& link, std::string_view what) {
    if (!m_.find_definition(link.id.value)) {
      diags_.report(DiagCode::UnresolvedStage, link.id.span, fmt::format("{} names definition '{}', which does not exist", what, link.id.value));
      suggest_definition(link.id);
      return;
    }
    const Form* form = m_.find_form(link.form_id.value);
    if (!form) {
      diags_.report(DiagCode::UnresolvedStage, link.form_id.span, fmt::format("{} names form '{}', which does not exist", what, link.form_id.value));
    } else if (form->definition_id != link.id.value) {
      diags_.report(DiagCode::UnresolvedStage, link.form_id.span,
                    fmt::format("{} names form '{}', which belongs to '{}', not to '{}'", what, link.form_id.value,
                                form->definition_id, link.id.value));
    }
  }

  void suggest_definition(const model::Located& ref) {
    std::vector<std::string> ids;
    for (const auto& d : m_.definitions) ids.push_back(d.id);
    if (auto s = support::closest_match(ref.value, ids)) diags_.note(ref.span, fmt::format("did you mean '{}'?", *s));
  }

  void check_form(const Form& form) {
    if (form.introduction) {
      html(*form.introduction, form.span_of("introduction"), fmt::format("form '{}' introduction", form.uid),
           support::HtmlContext::Introduction);
      placeholders(*form.introduction, form.span_of("introduction"), fmt::format("form '{}' introduction", form.uid),
                   {"service_provider_name", "form_name"});
    }
    if (form.service_provider_id) {
      const bool found = std::any_of(m_.service_providers.begin(), m_.service_providers.end(),
                                     [&](const auto& sp) { return sp.id == *form.service_provider_id; });
      if (!found) {
        diags_.report(DiagCode::UnresolvedServiceProvider, form.span_of("service_provider_id"),
                      fmt::format("form '{}' names service provider '{}', which is not in service_providers.yml", form.uid,
                                  *form.service_provider_id));
        std::vector<std::string> ids;
        for (const auto& sp : m_.service_providers) ids.push_back(sp.id);
        if (auto s = support::closest_match(*form.service_provider_id, ids)) diags_.note(form.span_of("service_provider_id"), fmt::format("did you mean '{}'?", *s));
      }
    }
    if (form.previous_form_uid && !m_.find_form(form.previous_form_uid->value)) {
      diags_.report(DiagCode::UnresolvedStage, form.previous_form_uid->span,
                    fmt::format("'stage.previous_form_uid' names form '{}', which does not exist", form.previous_form_uid->value));
    }
    const Definition* def = m_.find_definition(form.definition_id);
    if (!def) return;  // already reported by the builder
    check_form_blocks(form, *def);
    check_scopes_config(form, *def);
    check_prefill(form, *def);
  }

  void check_form_blocks(const Form& form, const Definition& def) {
    std::set<std::string> steps;
    for (const auto& s : form.steps) steps.insert(s.value);
    for (const auto* list : {&form.steps, &form.static_blocks}) {
      for (const auto& b : *list) {
        const bool in_definition = std::any_of(def.block_names.begin(), def.block_names.end(),
                                               [&](const auto& n) { return n.value == b.value; });
        if (!def.find_block(b.value)) {
          diags_.report(DiagCode::UnresolvedBlock, b.span, fmt::format("no block named '{}' in the block library", b.value));
          std::vector<std::string> names;
          for (const auto& n : def.block_names) names.push_back(n.value);
          if (auto s = support::closest_match(b.value, names)) diags_.note(b.span, fmt::format("did you mean '{}'?", *s));
        } else if (!in_definition) {
          diags_.report(DiagCode::StepNotInBlocks, b.span,
                        fmt::format("block '{}' is not among the blocks of definition '{}': it is filled but never shown "
                                    "in the summary (DataPass tolerates this)",
                                    b.value, def.id));
        }
      }
    }
    for (const auto& s : form.static_blocks) {
      if (steps.count(s.value)) {
        diags_.report(DiagCode::BlockStaticAndStep, s.span,
                      fmt::format("block '{}' is both a step and a static block of form '{}'; it stays editable as a step",
                                  s.value, form.uid));
      }
    }
  }

  void scope_ref(const model::Located& ref, const Definition& def, std::string_view what) {
    if (def.find_scope(ref.value)) return;
    diags_.report(DiagCode::UnresolvedScope, ref.span, fmt::format("{} names scope '{}', which definition '{}' does not declare", what, ref.value, def.id));
    std::vector<std::string> values;
    for (const auto& s : def.scopes) values.push_back(s.value);
    if (auto s = support::closest_match(ref.value, values)) diags_.note(ref.span, fmt::format("did you mean '{}'?", *s));
  }

  void check_scopes_config(const Form& form, const Definition& def) {
    const auto& c = form.scopes_config;
    if (c.displayed) {
      for (const auto& s : *c.displayed) scope_ref(s, def, "'scopes_config.displayed'");
    }
    for (const auto& s : c.hide) scope_ref(s, def, "'scopes_config.hide'");
    for (const auto& s : c.disabled) scope_ref(s, def, "'scopes_config.disabled'");
  }

  void check_prefill(const Form& form, const Definition& def) {
    for (const auto& p : form.initialize_with) {
      const model::Field* field = def.find_field(p.field);
      if (!field) {
        diags_.report(DiagCode::UnresolvedField, p.span,
                      fmt::format("'initialize_with' sets '{}', which is not a field of definition '{}'", p.field, def.id));
        std::vector<std::string> names;
        for (const auto& b : def.blocks) {
          for (const auto& f : b.fields) names.push_back(f.name);
        }
        if (auto s = support::closest_match(p.field, names)) diags_.note(p.span, fmt::format("did you mean '{}'?", *s));
        continue;
      }
      check_prefill_value(p, *field, def);
    }
  }

  void wrong_prefill(const model::Prefill& p, const model::Field& f, std::string_view expected) {
    diags_.report(DiagCode::PrefillWrongType, p.span,
                  fmt::format("'{}' is a field of type '{}' and expects {}, not {}", f.name, model::to_string(f.type), expected,
                              p.value.dump()));
  }

  void check_prefill_value(const model::Prefill& p, const model::Field& f, const Definition& def) {
    const auto& v = p.value;
    if (v.is_null()) return;
    switch (f.type) {
      case FieldType::Scopes:
      case FieldType::Multiselect: {
        if (!v.is_array()) {
          wrong_prefill(p, f, "a list");
          return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string value = v[i].get<std::string>();
          const Span span = i < p.item_spans.size() ? p.item_spans[i] : p.span;
          if (f.type == FieldType::Scopes) {
            scope_ref(model::Located{value, span}, def, fmt::format("'initialize_with.{}'", f.name));
          } else if (!f.options.empty() && !has_option(f, value)) {
            invalid_option(p, f, value, span);
          }
        }
        return;
      }
      case FieldType::Integer:
        if (v.is_number_integer()) return;
        if (v.is_string() && std::regex_match(v.get<std::string>(), std::regex(R"(^-?[0-9]{1,15}$)"))) return;
        wrong_prefill(p, f, "an integer");
        return;
      case FieldType::Checkbox:
        if (v.is_boolean()) return;
        if (v.is_string() && (v == "1" || v == "0" || v == "on" || v == "true" || v == "false")) return;
        wrong_prefill(p, f, "a boolean");
        return;
      case FieldType::Document: wrong_prefill(p, f, "nothing (documents cannot be prefilled)"); return;
      default: break;
    }
    if (v.is_array()) {
      wrong_prefill(p, f, "a single value");
      return;
    }
    const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if ((f.type == FieldType::Select || f.type == FieldType::Radio) && !has_option(f, text)) {
      invalid_option(p, f, text);
      return;
    }
    if (text.empty()) return;
    if (f.type == FieldType::Email && !is_valid_email(text)) {
      diags_.report(DiagCode::PrefillFailsValidation, p.value_span, fmt::format("'{}' is not an email address: {}", f.name, support::quote(text)));
    } else if (f.type == FieldType::Url && !is_valid_url(text, false)) {
      diags_.report(DiagCode::PrefillFailsValidation, p.value_span, fmt::format("'{}' is not a URL: {}", f.name, support::quote(text)));
    } else if (f.type == FieldType::Phone && !is_valid_french_phone(text, f.mobile)) {
      diags_.report(DiagCode::PrefillFailsValidation, p.value_span, fmt::format("'{}' is not a French {}phone number: {}", f.name, f.mobile ? "mobile " : "", support::quote(text)));
    } else if (f.type == FieldType::Date && !is_valid_date(text)) {
      diags_.report(DiagCode::PrefillFailsValidation, p.value_span, fmt::format("'{}' is not a date YYYY-MM-DD: {}", f.name, support::quote(text)));
    }
  }

  static bool has_option(const model::Field& f, const std::string& value) {
    return std::any_of(f.options.begin(), f.options.end(), [&](const auto& o) { return o.value == value; });
  }

  void invalid_option(const model::Prefill& p, const model::Field& f, const std::string& value) {
    invalid_option(p, f, value, p.value_span);
  }

  void invalid_option(const model::Prefill& p, const model::Field& f, const std::string& value, Span span) {
    (void)p;
    std::vector<std::string> values;
    for (const auto& o : f.options) values.push_back(o.value);
    diags_.report(DiagCode::PrefillInvalidOption, span,
                  fmt::format("{} is not an option of '{}' (options: {})", support::quote(value), f.name, support::join(values, ", ")));
    if (auto s = support::closest_match(value, values)) diags_.note(span, fmt::format("did you mean '{}'?", *s));
  }

  void check_defaults() {
    std::map<std::string, const Form*> first_default;
    for (const auto& form : m_.forms) {
      if (!form.is_default || form.definition_id.empty()) continue;
      const auto [it, inserted] = first_default.emplace(form.definition_id, &form);
      if (!inserted) {
        diags_.report(DiagCode::MultipleDefaultForms, form.span,
                      fmt::format("definition '{}' already has a default form, '{}'; DataPass uses the first", form.definition_id,
                                  it->second->uid));
        diags_.note(it->second->span, "first default form");
      }
    }
  }

  void check_eligibility() {
    for (const auto& rule : m_.eligibility_rules) {
      if (!rule.definition_id.empty() && !m_.find_definition(rule.definition_id)) {
        diags_.report(DiagCode::UnresolvedEligibilityDefinition, rule.span,
                      fmt::format("eligibility rule {} is for definition '{}', which does not exist", rule.id, rule.definition_id));
        suggest_definition(model::Located{rule.definition_id, rule.span});
      }
      for (const auto& o : rule.options) {
        html(o.body, o.value_spans.of("body"), fmt::format("the body for '{}'", o.type), support::HtmlContext::EligibilityBody);
        if (o.cta) url(o.cta->url, o.value_spans.of("cta"), "'cta.url'");
      }
      for (const auto& o : rule.outcomes) {
        html(o.body, o.value_spans.of("body"), "an outcome body", support::HtmlContext::EligibilityBody);
        if (o.cta) url(o.cta->url, o.value_spans.of("cta"), "'cta.url'");
      }
    }
  }

  void check_service_providers() {
    for (const auto& sp : m_.service_providers) {
      if (sp.siret && !is_valid_siret(*sp.siret)) {
        diags_.report(DiagCode::MalformedSiret, sp.value_spans.of("siret"),
                      fmt::format("service provider '{}' has SIRET {}, which is not 14 digits passing the Luhn check", sp.id,
                                  support::quote(*sp.siret)));
      }
      for (std::size_t i = 0; i < sp.already_integrated.size(); ++i) {
        const std::string& d = sp.already_integrated[i];
        if (!m_.definitions.empty() && !m_.find_definition(d)) {
          diags_.report(DiagCode::UnresolvedDefinition, sp.already_integrated_spans[i],
                        fmt::format("service provider '{}' lists '{}' in already_integrated, which is no definition", sp.id, d));
        }
      }
    }
  }

  const Module& m_;
  support::DiagnosticEngine& diags_;
};

}  // namespace

void run_checks(const model::Module& module, support::DiagnosticEngine& diags) { Checker(module, diags).run(); }

}  // namespace formc::check
