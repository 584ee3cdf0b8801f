#include "gen/cpp/cpp_generator.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include <fmt/format.h>

#include "expr/cpp_emitter.h"
#include "formc/runtime/messages.h"
#include "gen/cpp/field_emitters.h"
#include "gen/cpp/layout.h"
#include "gen/cpp/namer.h"
#include "gen/cpp/printer.h"
#include "gen/cpp/registry.h"
#include "gen/paths.h"

namespace formc::gen::cpp {
namespace {

using model::FieldType;

std::string lit(std::string_view s) { return string_literal(s); }

// Words of `text` in lines of at most `width` code points (for comments).
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  const std::string clean = comment_text(text, 1000);
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_points = 0;
  std::size_t i = 0;
  auto points = [](std::string_view w) {
    std::size_t n = 0;
    for (const char c : w) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
  };
  while (i < clean.size()) {
    const std::size_t sp = clean.find(' ', i);
    const std::string_view word = std::string_view(clean).substr(i, sp == std::string::npos ? std::string::npos : sp - i);
    i = sp == std::string::npos ? clean.size() : sp + 1;
    if (word.empty()) continue;
    const std::size_t wp = points(word);
    if (!line.empty() && line_points + 1 + wp > width) {
      lines.push_back(line);
      line.clear();
      line_points = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_points;
    }
    line += word;
    line_points += wp;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// True when `e` has an operator outside parentheses and string literals
// (the emitters put spaces around binary operators and nowhere else).
bool needs_parens(std::string_view e) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (c == ' ' && depth == 0) return true;
  }
  return false;
}
std::string paren(const std::string& e) { return needs_parens(e) ? "(" + e + ")" : e; }
std::string negate(const std::string& e) {
  if (e.size() > 1 && e[0] == '!' && !needs_parens(e)) return e.substr(1);
  return "!" + paren(e);
}

std::string bit(int index) { return fmt::format("(std::uint64_t{{1}} << {})", index); }

class DefinitionGenerator {
 public:
  DefinitionGenerator(const model::Module& module, const model::Definition& def)
      : module_(module), def_(def), layout_(make_layout(module, def)) {
    for (const auto& f : layout_.fields) emitters_.push_back(make_field_emitter(layout_, f));
    for (std::size_t b = 0; b < def_.blocks.size(); ++b) block_index_[def_.blocks[b].name] = static_cast<int>(b);
    assert(def_.blocks.size() <= 64 && "block masks are 64 bits wide");
    naming_.field = [this](const expr::FieldSignature& sig) { return field_read(sig.name); };
    naming_.today = "today()";
    impl_ = Namer::snake(def_.id) + "_impl";
  }

  GeneratedFiles run() {
    GeneratedFiles files;
    {
      Printer p(files.header);
      header(p);
    }
    {
      Printer p(files.source);
      source(p);
    }
    return files;
  }

 private:
  // ---- helpers ----------------------------------------------------------------

  const std::string& cls() const { return layout_.class_name; }

  std::string field_read(const std::string& name) const {
    for (const auto& f : layout_.fields) {
      if (f.json != name || f.builtin) continue;
      if (f.field->type == FieldType::Radio && f.field->integer_options) return "formc::rt::integer_text(this->" + f.member + ")";
      return "this->" + f.member;
    }
    assert(false && "an expression reads a field the layout does not have");
    return "std::nullopt";
  }

  // A boolean C++ expression for a condition; `fallback` when it did not compile.
  std::string condition(const model::Condition& c, const char* fallback) const {
    if (!c.expr) return fallback;
    return expr::to_cpp(*c.expr, naming_);
  }

  std::string type_comment(const FieldLayout& f) const {
    std::string out = model::to_string(f.field->type);
    if (f.enum_index >= 0) out += ": " + layout_.enums[static_cast<std::size_t>(f.enum_index)].cpp;
    if (f.field->required_if) {
      out += ", required if " + f.field->required_if->source;
    } else if (!f.field->required) {
      out += ", optional";
    }
    if (f.field->submit_only) out += ", on submit";
    if (f.field->visible_if) out += ", shown if " + f.field->visible_if->source;
    return comment_text(out, 200);
  }

  std::string builtin_label(const FieldLayout& f) const {
    if (f.json == "terms_of_service_accepted") return "J’ai pris connaissance des conditions générales d’utilisation et je les valide.";
    return "Je confirme que le délégué à la protection des données de mon organisation est informé de ma demande.";
  }

  std::vector<const model::Form*> forms() const { return module_.forms_of(def_.id); }

  const model::Form* default_form() const {
    const auto fs = forms();
    for (const auto* f : fs) {
      if (f->is_default) return f;
    }
    return fs.empty() ? nullptr : fs.front();
  }

  // ---- header -------------------------------------------------------------------

  void header(Printer& p) {
    p.line("// Generated by formc from $source$. DO NOT EDIT.", {{"source", comment_text(def_.source_file)}});
    p.line("//");
    p.line("// $name$ — definition `$id$` of provider `$provider$`.",
           {{"name", comment_text(def_.name)}, {"id", comment_text(def_.id)}, {"provider", comment_text(def_.provider)}});
    for (const auto& l : wrap(def_.description, 100)) p.line("// $l$", {{"l", l}});
    const auto fs = forms();
    if (!fs.empty()) {
      std::string uids;
      for (const auto* f : fs) uids += (uids.empty() ? "" : ", ") + f->uid;
      for (const auto& l : wrap("Forms: " + uids + ".", 100)) p.line("// $l$", {{"l", l}});
    }
    p.emit(R"cc(
      //
      // One class per definition: a typed member per field (JSON names are
      // DataPass's flat attribute names), from_json/to_json, validate() in the
      // draft, step and submit contexts, the forms' metadata and prefill().
      // Types and semantics: runtime/include/formc/runtime/ (validation.h,
      // json_io.h, metadata.h, checks.h).
      #pragma once

      #include <cstdint>
      #include <optional>
      #include <span>
      #include <string>
      #include <string_view>
      #include <vector>

      #include <nlohmann/json_fwd.hpp>

      #include "formc/runtime/abi.h"
      #include "formc/runtime/expr_runtime.h"
      #include "formc/runtime/metadata.h"
      #include "formc/runtime/validation.h"

      static_assert(FORMC_RUNTIME_ABI_VERSION == 1,
                    "this file was generated by formc for formc_runtime ABI 1: regenerate it or use the matching runtime");
    )cc");
    p.blank_line();
    p.line("namespace formc_generated::$ns$ {", {{"ns", layout_.provider_namespace}});
    p.blank_line();
    p.line("// $name$", {{"name", comment_text(def_.name)}});
    p.line("class $cls$ final {", {{"cls", cls()}});
    p.line(" public:");
    {
      auto indent = p.indent();
      enums(p);
      contact_struct(p);
      form_enum(p);
      members(p);
      functions(p);
    }
    p.line(" private:");
    {
      auto indent = p.indent();
      p.line("formc::rt::InputErrors input_errors_;");
    }
    p.line("};");
    p.blank_line();
    p.line("}  // namespace formc_generated::$ns$", {{"ns", layout_.provider_namespace}});
  }

  void enums(Printer& p) {
    if (layout_.enums.empty()) return;
    p.line("// ---- Options (to_string / from_string are found by ADL; formc/runtime/checks.h has as_enum) ----");
    p.blank_line();
    for (const auto& e : layout_.enums) {
      if (e.scopes) {
        p.line("// The definition's scopes (values of `$field$`).", {{"field", comment_text(e.source)}});
      } else {
        p.line("// Options of `$field$`.", {{"field", comment_text(e.source)}});
      }
      const char* underlying = e.integer ? "std::int64_t" : e.values.size() <= 256 ? "std::uint8_t" : "std::uint16_t";
      p.line("enum class $name$ : $type$ {", {{"name", e.cpp}, {"type", underlying}});
      {
        auto indent = p.indent();
        for (const auto& v : e.values) {
          const std::string comment = comment_text(v.label.empty() ? v.value : lit(v.value) + " — " + v.label, 120);
          if (e.integer) {
            // The model writes integer options in decimal (model/library.cc): never text.
            assert(!v.value.empty() && v.value.find_first_not_of("-0123456789") == std::string::npos);
            p.line("$name$ = $value$,  // $comment$", {{"name", v.cpp}, {"value", v.value}, {"comment", comment}});
          } else {
            p.line("$name$,  // $comment$", {{"name", v.cpp}, {"comment", comment}});
          }
        }
      }
      p.line("};");
      p.line("friend std::string_view to_string($name$ value);", {{"name", e.cpp}});
      p.line("friend bool from_string(std::string_view text, $name$& value);", {{"name", e.cpp}});
      p.blank_line();
    }
  }

  void contact_struct(Printer& p) {
    if (layout_.contacts.empty()) return;
    std::string kinds;
    for (const auto& c : layout_.contacts) kinds += (kinds.empty() ? "" : ", ") + c.kind;
    p.emit({{"kinds", kinds}}, R"cc(
      // ---- Contacts ($kinds$) ----
      // Each kind is one Contact member; its JSON attributes stay flat:
      // <kind>_<member> (contact_technique_email, ...).
      struct Contact {
    )cc");
    {
      auto indent = p.indent();
      for (const auto& m : layout_.contact_members) {
        std::string comment = m.label.empty() ? m.suffix : m.label;
        if (m.enum_index >= 0) comment += " (" + layout_.enums[static_cast<std::size_t>(m.enum_index)].cpp + ")";
        p.line("$type$ $name$;  // $comment$",
               {{"type", storage_member_type(m.storage)}, {"name", m.cpp}, {"comment", comment_text(comment, 100)}});
      }
      p.line("friend bool operator==(const Contact&, const Contact&) = default;");
    }
    p.line("};");
    p.blank_line();
  }

  void form_enum(Printer& p) {
    if (layout_.forms.empty()) return;
    p.line("// ---- Forms of this definition (form(Form) gives their metadata) ----");
    p.line("enum class Form : std::uint16_t {");
    {
      auto indent = p.indent();
      for (const auto& f : layout_.forms) {
        p.line("$name$,  // $uid$$default$",
               {{"name", f.cpp}, {"uid", comment_text(f.form->uid)}, {"default", f.form->is_default ? " (default)" : ""}});
      }
    }
    p.line("};");
    p.blank_line();
  }

  int member_block(const MemberLayout& m) const {
    if (!m.is_contact) return layout_.fields[static_cast<std::size_t>(m.index)].block;
    for (const auto& f : layout_.fields) {
      if (f.contact == m.index) return f.block;
    }
    return -1;
  }

  void members(Printer& p) {
    p.line("// ---- Fields, in form order ----");
    int current = -2;
    for (const auto& m : layout_.members) {
      const int block = member_block(m);
      if (block != current) {
        current = block;
        p.blank_line();
        if (block >= 0) {
          const auto& b = def_.blocks[static_cast<std::size_t>(block)];
          p.line("// Block $name$: $title$", {{"name", comment_text(b.name)}, {"title", comment_text(b.title.empty() ? b.name : b.title)}});
        } else {
          p.line("// Final step: checkboxes");
        }
      }
      if (m.is_contact) {
        const auto& c = layout_.contacts[static_cast<std::size_t>(m.index)];
        p.line("// $label$ (JSON: $kind$_*)", {{"label", comment_text(c.label.empty() ? c.kind : c.label, 80)}, {"kind", comment_text(c.kind)}});
        p.line("Contact $name$;", {{"name", c.member}});
        continue;
      }
      const auto& f = layout_.fields[static_cast<std::size_t>(m.index)];
      if (f.builtin) {
        p.line("// $label$ (checkbox, required on submit $when$)",
               {{"label", comment_text(builtin_label(f), 120)},
                {"when", f.json == "terms_of_service_accepted" ? (layout_.has_cgu ? "since the definition has cgu_link" : "never: no cgu_link")
                                                                : (layout_.has_dpo ? "since a DPO contact is asked" : "never: no DPO contact")}});
      } else {
        p.line("// $label$ ($type$)", {{"label", comment_text(f.field->label.empty() ? f.json : f.field->label, 120)},
                                        {"type", type_comment(f)}});
      }
      if (f.member != f.json) {
        p.line("$type$ $name$;  // JSON: $json$", {{"type", storage_member_type(f.storage)}, {"name", f.member}, {"json", comment_text(f.json)}});
      } else {
        p.line("$type$ $name$;", {{"type", storage_member_type(f.storage)}, {"name", f.member}});
      }
    }
    p.blank_line();
  }

  void functions(Printer& p) {
    p.emit({{"cls", cls()}}, R"cc(
      // ---- JSON, with DataPass's flat attribute names ----
      // Reads a request and never throws: a value of the wrong JSON type is
      // left empty and reported (code `type`), as are unreadable dates
      // (`format_date`) and unknown keys (`unknown_field`). The object keeps
      // these problems and validate() reports them too.
      [[nodiscard]] static formc::rt::FromJsonResult<$cls$> from_json(const nlohmann::json& json);
      [[nodiscard]] static formc::rt::FromJsonResult<$cls$> from_json(const nlohmann::ordered_json& json);
      // The same from JSON text, without building a DOM (text that is not
      // JSON gives one `invalid_json` error).
      [[nodiscard]] static formc::rt::FromJsonResult<$cls$> from_json_text(std::string_view text);
      // The flat object, fields in form order, absent values left out.
      [[nodiscard]] nlohmann::ordered_json to_json() const;
      [[nodiscard]] std::string to_json_text() const;

      // ---- Validation ----
      // Every error of this request in `context` (draft: types and formats;
      // step: also completeness of the form's steps up to that one, static
      // blocks excluded; submit: everything, checkboxes included) for `form`
      // (default: default_form()). Hidden fields (visible_if) are not checked.
      [[nodiscard]] formc::rt::ValidationResult validate(const formc::rt::Context& context) const;
      [[nodiscard]] formc::rt::ValidationResult validate(const formc::rt::Context& context,
                                                         const formc::rt::FormInfo& form) const;
      // from_json_text() then validate(), for servers answering a submission.
      [[nodiscard]] static formc::rt::ValidationResult validate_json_text(std::string_view text,
                                                                          const formc::rt::Context& context,
                                                                          const formc::rt::FormInfo& form);
      [[nodiscard]] const formc::rt::InputErrors& input_errors() const { return input_errors_; }
      void clear_input_errors() { input_errors_.clear(); }

      // ---- Metadata (constexpr data: blocks, fields, scopes, forms, stage links) ----
      [[nodiscard]] static const formc::rt::DefinitionInfo& definition();
      [[nodiscard]] static std::span<const formc::rt::FormInfo> forms();
      [[nodiscard]] static const formc::rt::FormInfo* find_form(std::string_view uid);
      // The form marked `default: true` (else the first; else the definition's blocks as one form).
      [[nodiscard]] static const formc::rt::FormInfo& default_form();
    )cc");
    if (!layout_.forms.empty()) p.line("[[nodiscard]] static const formc::rt::FormInfo& form(Form id);");
    p.emit({{"cls", cls()}}, R"cc(

      // ---- Prefill (DataPass's CreateAuthorizationRequestModel, step 1) ----
      // Applies the form's initialize_with, then adds the definition's
      // included scopes to `scopes` (lists sorted, without repeats).
      void prefill(const formc::rt::FormInfo& form);

      friend bool operator==(const $cls$&, const $cls$&) = default;
    )cc");
    p.blank_line();
  }

  // ---- source ---------------------------------------------------------------------

  bool needs_std_regex() const {
    for (const auto& f : layout_.fields) {
      if (!f.builtin && f.field->pattern && !rt::Regex(*f.field->pattern).ok()) return true;
    }
    return false;
  }

  void source(Printer& p) {
    p.line("// Generated by formc from $source$. DO NOT EDIT.", {{"source", comment_text(def_.source_file)}});
    p.line("#include \"$id$.h\"", {{"id", def_.id}});
    p.blank_line();
    p.line("#include <array>");
    p.line("#include <cstdint>");
    if (needs_std_regex()) p.line("#include <regex>");
    p.line("#include <string>");
    p.line("#include <string_view>");
    p.emit(R"cc(

      #include "formc/runtime/checks.h"
      #include "formc/runtime/formats.h"
      #include "formc/runtime/json_io.h"
      #include "formc/runtime/strings.h"
    )cc");
    p.blank_line();
    p.line("namespace formc_generated::$ns$ {", {{"ns", layout_.provider_namespace}});
    // Internals in a namespace of their own: several generated .cc files may
    // share a translation unit (unity builds) without clashing.
    p.line("namespace {");
    p.line("namespace $impl$ {", {{"impl", impl_}});
    p.blank_line();
    metadata(p);
    slots(p);
    p.line("}  // namespace $impl$", {{"impl", impl_}});
    p.line("}  // namespace");
    p.blank_line();
    enum_functions(p);
    json_functions(p);
    validate_function(p);
    metadata_functions(p);
    prefill_function(p);
    p.line("}  // namespace formc_generated::$ns$", {{"ns", layout_.provider_namespace}});
  }

  // ---- metadata --------------------------------------------------------------------

  static std::string opt(const std::optional<std::string>& s) { return lit(s.value_or("")); }

  void string_array(Printer& p, const std::string& name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + lit(v);
    p.line("constexpr std::string_view $name$[] = {$list$};", {{"name", name}, {"list", list}});
  }

  void metadata(Printer& p) {
    p.line("// ---- Metadata ----");
    p.blank_line();
    if (!def_.blocks.empty()) {
      p.line("constexpr formc::rt::BlockInfo kBlocks[] = {");
      {
        auto indent = p.indent();
        for (const auto& b : def_.blocks) {
          p.line("{.name = $name$, .title = $title$, .slug = $slug$},",
                 {{"name", lit(b.name)}, {"title", lit(b.title)}, {"slug", lit(b.slug)}});
        }
      }
      p.line("};");
      p.blank_line();
    }
    p.line("constexpr formc::rt::FieldInfo kFields[] = {");
    {
      auto indent = p.indent();
      for (const auto& f : layout_.fields) {
        if (f.builtin) {
          const bool required = f.json == "terms_of_service_accepted" ? layout_.has_cgu : layout_.has_dpo;
          p.line("{.name = $name$, .type = \"checkbox\", .block = \"\", .contact_kind = \"\",", {{"name", lit(f.json)}});
          p.line(" .label = $label$, .hint = \"\",", {{"label", lit(builtin_label(f))}});
          p.line(" .required = $required$, .submit_only = true, .required_if = \"\", .visible_if = \"\", .prefillable = false},",
                 {{"required", required ? "true" : "false"}});
          continue;
        }
        const auto& m = *f.field;
        p.line("{.name = $name$, .type = \"$type$\", .block = $block$, .contact_kind = $kind$,",
               {{"name", lit(m.name)}, {"type", model::to_string(m.type)}, {"block", lit(m.block)}, {"kind", lit(m.contact_kind)}});
        p.line(" .label = $label$, .hint = $hint$,", {{"label", lit(m.label)}, {"hint", lit(m.hint)}});
        p.line(" .required = $required$, .submit_only = $submit$, .required_if = $rif$, .visible_if = $vif$, .prefillable = $pre$},",
               {{"required", m.required ? "true" : "false"},
                {"submit", m.submit_only ? "true" : "false"},
                {"rif", lit(m.required_if ? m.required_if->source : "")},
                {"vif", lit(m.visible_if ? m.visible_if->source : "")},
                {"pre", m.prefillable ? "true" : "false"}});
      }
    }
    p.line("};");
    p.blank_line();
    if (!def_.scopes.empty()) {
      p.line("constexpr formc::rt::ScopeInfo kScopes[] = {");
      {
        auto indent = p.indent();
        for (const auto& s : def_.scopes) {
          p.line("{.value = $value$, .name = $name$, .group = $group$, .link = $link$,",
                 {{"value", lit(s.value)}, {"name", lit(s.name)}, {"group", lit(s.group)}, {"link", lit(s.link)}});
          p.line(" .description = $d$, .feature_flag = $ff$, .included = $inc$, .disabled = $dis$, .deprecated_since = $dep$},",
                 {{"d", lit(s.description)},
                  {"ff", lit(s.feature_flag)},
                  {"inc", s.included ? "true" : "false"},
                  {"dis", s.disabled ? "true" : "false"},
                  {"dep", opt(s.deprecated_since)}});
        }
      }
      p.line("};");
      p.blank_line();
    }
    if (!def_.contacts.empty()) {
      p.line("constexpr formc::rt::ContactKindInfo kContactKinds[] = {");
      {
        auto indent = p.indent();
        for (const auto& c : def_.contacts) {
          p.line("{.kind = $kind$, .label = $label$, .hint = $hint$},",
                 {{"kind", lit(c.kind)}, {"label", lit(c.label)}, {"hint", lit(c.hint)}});
        }
      }
      p.line("};");
      p.blank_line();
    }
    std::string stage = "{}";
    if (def_.stage) {
      auto link = [](const std::optional<model::StageLink>& l) {
        if (!l) return std::string("{}");
        return fmt::format("{{.definition = {}, .form = {}}}", lit(l->id.value), lit(l->form_id.value));
      };
      stage = fmt::format("{{.type = {}, .next = {}, .previous = {}}}", lit(def_.stage->type), link(def_.stage->next),
                          link(def_.stage->previous));
    }
    p.emit({{"id", lit(def_.id)},
            {"class_name", lit(def_.class_name)},
            {"name", lit(def_.name)},
            {"description", lit(def_.description)},
            {"provider", lit(def_.provider)},
            {"kind", lit(def_.kind)},
            {"link", opt(def_.link)},
            {"cgu", opt(def_.cgu_link)},
            {"access", opt(def_.access_link)},
            {"support", opt(def_.support_email)},
            {"public", def_.is_public ? "true" : "false"},
            {"unique", def_.unique ? "true" : "false"},
            {"startable", def_.startable_by_applicant ? "true" : "false"},
            {"stage", stage},
            {"blocks", def_.blocks.empty() ? "{}" : "kBlocks"},
            {"scopes", def_.scopes.empty() ? "{}" : "kScopes"},
            {"contacts", def_.contacts.empty() ? "{}" : "kContactKinds"},
            {"source", lit(def_.source_file)}},
           R"cc(
             constexpr formc::rt::DefinitionInfo kDefinition = {
                 .id = $id$,
                 .class_name = $class_name$,
                 .name = $name$,
                 .description = $description$,
                 .provider = $provider$,
                 .kind = $kind$,
                 .link = $link$,
                 .cgu_link = $cgu$,
                 .access_link = $access$,
                 .support_email = $support$,
                 .is_public = $public$,
                 .unique = $unique$,
                 .startable_by_applicant = $startable$,
                 .stage = $stage$,
                 .blocks = $blocks$,
                 .fields = kFields,
                 .scopes = $scopes$,
                 .contacts = $contacts$,
                 .source_file = $source$,
             };
           )cc");
    p.blank_line();
    const auto fs = forms();
    for (std::size_t i = 0; i < fs.size(); ++i) form_data(p, *fs[i], std::to_string(i));
    if (!fs.empty()) {
      p.line("constexpr formc::rt::FormInfo kForms[] = {");
      {
        auto indent = p.indent();
        for (std::size_t i = 0; i < fs.size(); ++i) form_info(p, fs[i], i, std::to_string(i));
      }
      p.line("};");
    } else {
      form_data(p, model::Form{}, "Definition");
      p.line("// No form uses this definition: its blocks, in order, as one form.");
      p.line("constexpr formc::rt::FormInfo kDefinitionForm =");
      {
        auto indent = p.indent();
        form_info(p, nullptr, 0, "Definition");
      }
    }
    p.blank_line();
  }

  std::vector<std::string> step_names(const model::Form& form) const {
    std::vector<std::string> out;
    if (!form.steps.empty()) {
      for (const auto& s : form.steps) out.push_back(s.value);
    } else {
      for (const auto& b : def_.block_names) out.push_back(b.value);
    }
    return out;
  }

  std::uint64_t mask_of(const std::string& block) const {
    const auto it = block_index_.find(block);
    return it == block_index_.end() ? 0 : std::uint64_t{1} << it->second;
  }

  static std::string mask_literal(std::uint64_t mask) { return fmt::format("0x{:x}", mask); }

  // The scopes a form may submit: shown by scopes_config, included, or
  // prefilled (the JSON Schema generator's allowed_scopes()).
  std::vector<bool> allowed_scopes(const model::Form& form) const {
    std::set<std::string> hidden, displayed, prefilled;
    for (const auto& h : form.scopes_config.hide) hidden.insert(h.value);
    if (form.scopes_config.displayed) {
      for (const auto& d : *form.scopes_config.displayed) displayed.insert(d.value);
    }
    for (const auto& pf : form.initialize_with) {
      if (pf.field != "scopes") continue;
      if (pf.value.is_array()) {
        for (const auto& v : pf.value) {
          if (v.is_string()) prefilled.insert(v.get<std::string>());
        }
      } else if (pf.value.is_string()) {
        prefilled.insert(pf.value.get<std::string>());
      }
    }
    std::vector<bool> out;
    for (const auto& s : def_.scopes) {
      const bool shown = !hidden.count(s.value) && (!form.scopes_config.displayed || displayed.count(s.value));
      out.push_back(shown || s.included || prefilled.count(s.value) > 0);
    }
    return out;
  }

  // The arrays a FormInfo points to, suffixed by `tag`.
  void form_data(Printer& p, const model::Form& form, const std::string& tag) {
    if (!form.uid.empty()) p.line("// Form $uid$", {{"uid", comment_text(form.uid)}});
    const auto steps = step_names(form);
    std::set<std::string> statics;
    for (const auto& s : form.static_blocks) statics.insert(s.value);
    if (!steps.empty()) {
      p.line("constexpr formc::rt::StepInfo kSteps$tag$[] = {", {{"tag", tag}});
      {
        auto indent = p.indent();
        std::uint64_t mask = 0;
        for (const auto& s : steps) {
          if (!statics.count(s)) mask |= mask_of(s);
          p.line("{.block = $block$, .validated_blocks = $mask$},", {{"block", lit(s)}, {"mask", mask_literal(mask)}});
        }
      }
      p.line("};");
    }
    std::vector<std::string> static_names;
    for (const auto& s : form.static_blocks) static_names.push_back(s.value);
    string_array(p, "kStaticBlocks" + tag, static_names);
    const auto& sc = form.scopes_config;
    std::vector<std::string> displayed, hide, disabled;
    if (sc.displayed) {
      for (const auto& d : *sc.displayed) displayed.push_back(d.value);
    }
    for (const auto& h : sc.hide) hide.push_back(h.value);
    for (const auto& d : sc.disabled) disabled.push_back(d.value);
    string_array(p, "kDisplayedScopes" + tag, displayed);
    string_array(p, "kHiddenScopes" + tag, hide);
    string_array(p, "kDisabledScopes" + tag, disabled);
    if (!def_.scopes.empty()) {
      std::string list;
      for (const bool b : allowed_scopes(form)) list += std::string(list.empty() ? "" : ", ") + (b ? "true" : "false");
      p.line("constexpr bool kAllowedScopes$tag$[] = {$list$};", {{"tag", tag}, {"list", list}});
    }
    p.blank_line();
  }

  void form_info(Printer& p, const model::Form* form, std::size_t index, const std::string& tag) {
    model::Form empty;
    const model::Form& f = form ? *form : empty;
    const auto steps = step_names(f);
    // Submit: the form's steps, its static blocks, then every block of the definition.
    std::uint64_t submit = 0;
    for (const auto& s : steps) submit |= mask_of(s);
    for (const auto& s : f.static_blocks) submit |= mask_of(s.value);
    for (const auto& b : def_.block_names) submit |= mask_of(b.value);
    nlohmann::ordered_json prefill = nlohmann::ordered_json::object();
    for (const auto& pf : f.initialize_with) prefill[pf.field] = pf.value;
    const bool startable = f.startable_by_applicant.value_or(def_.startable_by_applicant);
    const auto& sc = f.scopes_config;
    p.emit({{"index", std::to_string(index)},
            {"uid", lit(f.uid)},
            {"name", lit(form ? f.name.value_or("") : def_.name)},
            {"description", lit(form ? f.description.value_or("") : def_.description)},
            {"introduction", opt(f.introduction)},
            {"default", f.is_default || !form ? "true" : "false"},
            {"public", f.is_public ? "true" : "false"},
            {"startable", startable ? "true" : "false"},
            {"use_case", opt(f.use_case)},
            {"sp", opt(f.service_provider_id)},
            {"single", opt(f.single_page_view)},
            {"previous", lit(f.previous_form_uid ? f.previous_form_uid->value : "")},
            {"steps", steps.empty() ? "{}" : "kSteps" + tag},
            {"statics", f.static_blocks.empty() ? "{}" : "kStaticBlocks" + tag},
            {"has_displayed", sc.displayed ? "true" : "false"},
            {"displayed", sc.displayed && !sc.displayed->empty() ? "kDisplayedScopes" + tag : "{}"},
            {"hide", sc.hide.empty() ? "{}" : "kHiddenScopes" + tag},
            {"disabled", sc.disabled.empty() ? "{}" : "kDisabledScopes" + tag},
            {"allowed", def_.scopes.empty() ? "{}" : "kAllowedScopes" + tag},
            {"submit", mask_literal(submit)},
            {"prefill", lit(prefill.dump())},
            {"source", lit(f.source_file)}},
           R"cc(
             {
                 .index = $index$,
                 .uid = $uid$,
                 .name = $name$,
                 .description = $description$,
                 .introduction = $introduction$,
                 .is_default = $default$,
                 .is_public = $public$,
                 .startable_by_applicant = $startable$,
                 .use_case = $use_case$,
                 .service_provider_id = $sp$,
                 .single_page_view = $single$,
                 .previous_form_uid = $previous$,
                 .steps = $steps$,
                 .static_blocks = $statics$,
                 .scopes_config = {.has_displayed = $has_displayed$, .displayed = $displayed$, .hide = $hide$, .disabled = $disabled$},
                 .allowed_scopes = $allowed$,
                 .submit_blocks = $submit$,
                 .initialize_with = $prefill$,
                 .source_file = $source$,
                 .definition = &kDefinition,
             },
           )cc");
  }

  // ---- JSON slots ----------------------------------------------------------------------

  void slots(Printer& p) {
    p.line("// ---- JSON attributes (slot i = kFields[i]) ----");
    p.blank_line();
    p.line("constexpr formc::rt::Slot kSlots[] = {");
    {
      auto indent = p.indent();
      for (const auto& f : layout_.fields) {
        p.line("{$name$, $label$, $shape$, formc::rt::InputErrors::When::$when$},",
               {{"name", lit(f.json)},
                {"label", lit(f.builtin ? "" : f.label)},
                {"shape", storage_shape(f.storage)},
                {"when", f.builtin ? "WithDocument" : "Always"}});
      }
    }
    p.line("};");
    p.blank_line();
    // One switch on the key's length, then a few comparisons: no hashing, no allocation.
    std::map<std::size_t, std::vector<std::size_t>> by_length;
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) by_length[layout_.fields[i].json.size()].push_back(i);
    p.line("int slot_of(std::string_view key) noexcept {");
    {
      auto indent = p.indent();
      p.line("switch (key.size()) {");
      {
        auto indent2 = p.indent();
        for (const auto& [length, slots] : by_length) {
          p.line("case $n$:", {{"n", std::to_string(length)}});
          auto indent3 = p.indent();
          for (const std::size_t i : slots) {
            p.line("if (key == $name$) return $i$;", {{"name", lit(layout_.fields[i].json)}, {"i", std::to_string(i)}});
          }
          p.line("break;");
        }
        p.line("default:");
        p.line("  break;");
      }
      p.line("}");
      p.line("return -1;");
    }
    p.line("}");
    p.blank_line();
    std::string pointers;
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      pointers += fmt::format("{}&self.{}", i ? ",\n" : "", layout_.fields[i].member);
    }
    p.emit({{"cls", cls()}, {"pointers", pointers}, {"count", std::to_string(layout_.fields.size())}}, R"cc(
      constexpr std::size_t kSlotCount = $count$;

      // Where the runtime's JSON readers put each slot's value.
      struct Members {
        explicit Members($cls$& self)
            : pointers{
                  $pointers$,
              } {}
        [[nodiscard]] formc::rt::Binding binding(bool* seen = nullptr) const { return {kSlots, &slot_of, pointers, seen}; }
        std::array<void*, kSlotCount> pointers;
      };
    )cc");
    p.blank_line();
  }

  // ---- enums -----------------------------------------------------------------------------

  void enum_functions(Printer& p) {
    for (const auto& e : layout_.enums) {
      const std::string type = cls() + "::" + e.cpp;
      p.line("std::string_view to_string($type$ value) {", {{"type", type}});
      {
        auto indent = p.indent();
        p.line("switch (value) {");
        for (const auto& v : e.values) {
          p.line("  case $type$::$name$: return $value$;", {{"type", type}, {"name", v.cpp}, {"value", lit(v.value)}});
        }
        p.line("}");
        p.line("return {};");
      }
      p.line("}");
      p.blank_line();
      p.line("bool from_string(std::string_view text, $type$& value) {", {{"type", type}});
      {
        auto indent = p.indent();
        std::map<std::size_t, std::vector<const EnumValue*>> by_length;
        for (const auto& v : e.values) by_length[v.value.size()].push_back(&v);
        p.line("switch (text.size()) {");
        {
          auto indent2 = p.indent();
          for (const auto& [length, values] : by_length) {
            p.line("case $n$:", {{"n", std::to_string(length)}});
            auto indent3 = p.indent();
            for (const EnumValue* v : values) {
              p.line("if (text == $value$) {", {{"value", lit(v->value)}});
              p.line("  value = $type$::$name$;", {{"type", type}, {"name", v->cpp}});
              p.line("  return true;");
              p.line("}");
            }
            p.line("break;");
          }
          p.line("default:");
          p.line("  break;");
        }
        p.line("}");
        p.line("return false;");
      }
      p.line("}");
      p.blank_line();
    }
  }

  // ---- from_json / to_json -----------------------------------------------------------------

  void json_functions(Printer& p) {
    p.emit({{"cls", cls()}, {"impl", impl_}}, R"cc(
      formc::rt::FromJsonResult<$cls$> $cls$::from_json(const nlohmann::json& json) {
        formc::rt::FromJsonResult<$cls$> result;
        formc::rt::read_json_value(json, $impl$::Members(result.value).binding(), result.value.input_errors_);
        result.errors = result.value.input_errors_.all();
        return result;
      }

      formc::rt::FromJsonResult<$cls$> $cls$::from_json(const nlohmann::ordered_json& json) {
        formc::rt::FromJsonResult<$cls$> result;
        formc::rt::read_json_value(json, $impl$::Members(result.value).binding(), result.value.input_errors_);
        result.errors = result.value.input_errors_.all();
        return result;
      }

      formc::rt::FromJsonResult<$cls$> $cls$::from_json_text(std::string_view text) {
        formc::rt::FromJsonResult<$cls$> result;
        if (!formc::rt::read_json_text(text, $impl$::Members(result.value).binding(), result.value.input_errors_)) {
          // Not JSON: nothing of what was read counts.
          $cls$ empty;
          empty.input_errors_ = std::move(result.value.input_errors_);
          result.value = std::move(empty);
        }
        result.errors = result.value.input_errors_.all();
        return result;
      }

      nlohmann::ordered_json $cls$::to_json() const {
        nlohmann::ordered_json out = nlohmann::ordered_json::object();
    )cc");
    {
      auto indent = p.indent();
      for (const auto& f : layout_.fields) {
        p.line("formc::rt::put(out, $json$, $member$);", {{"json", lit(f.json)}, {"member", f.member}});
      }
      p.line("return out;");
    }
    p.line("}");
    p.blank_line();
    p.line("std::string $cls$::to_json_text() const {", {{"cls", cls()}});
    {
      auto indent = p.indent();
      p.line("std::string out;");
      p.line("formc::rt::JsonTextWriter writer(out);");
      p.line("writer.begin();");
      for (const auto& f : layout_.fields) {
        p.line("writer.put($json$, $member$);", {{"json", lit(f.json)}, {"member", f.member}});
      }
      p.line("writer.end();");
      p.line("return out;");
    }
    p.line("}");
    p.blank_line();
    p.emit({{"cls", cls()}, {"impl", impl_}}, R"cc(
      formc::rt::ValidationResult $cls$::validate_json_text(
          std::string_view text, const formc::rt::Context& context, const formc::rt::FormInfo& form) {
        // One object per thread, reused: its strings keep their capacity, so
        // a request shaped like the previous one is read without allocating.
        // What this document does not set is emptied after reading.
        thread_local $cls$ object;
        std::array<bool, $impl$::kSlotCount> seen{};
        const $impl$::Members members(object);
        const formc::rt::Binding binding = members.binding(seen.data());
        object.input_errors_.clear();
        formc::rt::ValidationResult result;
        if (formc::rt::read_json_text(text, binding, object.input_errors_)) {
          formc::rt::reset_unseen(binding);
          result = object.validate(context, form);
        } else {
          result.errors = object.input_errors_.all();
        }
        // A large document leaves large buffers in the reused object (list
        // items, one error per unknown key): give them back, so that hostile
        // documents cannot pin megabytes in every thread.
        if (text.size() > formc::rt::kReusedObjectTextLimit) object = $cls${};
        return result;
      }
    )cc");
    p.blank_line();
  }

  // ---- validate -------------------------------------------------------------------------------

  // The statements checking one field (IR order, as the interpreter does).
  void field_check(Printer& p, std::size_t slot, const std::string& complete) {
    const FieldLayout& fl = layout_.fields[slot];
    const FieldEmitter& e = *emitters_[slot];
    const model::Field& f = *fl.field;
    p.line("// $json$: $label$", {{"json", comment_text(fl.json)}, {"label", comment_text(fl.label, 100)}});

    // Required: required_if overrides `required`; submit_only waits for submit.
    std::string required;
    if (f.required_if) {
      required = f.required_if->expr ? paren(condition(*f.required_if, "false")) : "";
    } else if (f.required) {
      required = "true";
    }
    std::string when;  // the condition under which a missing value is an error
    if (!required.empty()) {
      when = complete;
      if (f.submit_only) when += " && submit";
      if (required != "true") when += " && " + required;
    }
    const std::string missing_code = e.is_checkbox() ? "must_be_checked" : "required";
    const std::string missing_message =
        e.is_checkbox() ? rt::msg::must_be_checked(fl.label) : rt::msg::required(fl.label);
    const std::string slot_text = std::to_string(slot);

    const bool visible_if = f.visible_if && f.visible_if->expr;
    auto body = [&] {
      const std::string input =
          visible_if ? "!check.input(" + slot_text + ", visible) && visible" : "!check.input(" + slot_text + ")";
      if (!e.has_value_checks() && when.empty()) {
        // Nothing to check but what reading the JSON found.
        p.line("check.input($args$);", {{"args", visible_if ? slot_text + ", visible" : slot_text}});
      } else if (!e.has_value_checks()) {
        p.line("if ($input$ && $when$ && $missing$) {", {{"input", input}, {"when", when}, {"missing", negate(e.present())}});
        p.line("  check.fail($json$, $code$, $message$);",
               {{"json", lit(fl.json)}, {"code", lit(missing_code)}, {"message", lit(missing_message)}});
        p.line("}");
      } else {
        p.line("if ($input$) {", {{"input", input}});
        {
          auto indent = p.indent();
          p.line("if ($present$) {", {{"present", e.present()}});
          {
            auto indent2 = p.indent();
            e.value_checks(p);
          }
          if (!when.empty()) {
            p.line("} else if ($when$) {", {{"when", when}});
            p.line("  check.fail($json$, $code$, $message$);",
                   {{"json", lit(fl.json)}, {"code", lit(missing_code)}, {"message", lit(missing_message)}});
          }
          p.line("}");
        }
        p.line("}");
      }
    };
    if (!visible_if) {
      body();
      return;
    }
    p.line("{");
    {
      auto indent = p.indent();
      p.line("const bool visible = $cond$;", {{"cond", condition(*f.visible_if, "true")}});
      body();
    }
    p.line("}");
  }

  void rule_check(Printer& p, const model::Rule& r, const std::string& complete) {
    if (!r.check.expr) return;  // did not compile (then nothing is generated anyway)
    if (r.when && !r.when->expr) return;
    p.line("// Rule $code$: $check$", {{"code", comment_text(r.code)}, {"check", comment_text(r.check.source, 140)}});
    std::string cond = complete;
    if (r.when) cond += " && " + paren(condition(*r.when, "false"));
    p.line("if ($cond$ && $fails$) {", {{"cond", cond}, {"fails", negate(condition(r.check, "true"))}});
    {
      auto indent = p.indent();
      if (r.fields.empty()) {
        p.line("check.fail(\"\", $code$, $message$);", {{"code", lit(r.code)}, {"message", lit(r.message)}});
      }
      for (const auto& field : r.fields) {
        p.line("check.fail($field$, $code$, $message$);", {{"field", lit(field)}, {"code", lit(r.code)}, {"message", lit(r.message)}});
      }
    }
    p.line("}");
  }

  void validate_function(Printer& p) {
    p.emit({{"cls", cls()}, {"impl", impl_}}, R"cc(
      formc::rt::ValidationResult $cls$::validate(const formc::rt::Context& context) const {
        return validate(context, default_form());
      }

      formc::rt::ValidationResult $cls$::validate(const formc::rt::Context& context, const formc::rt::FormInfo& form) const {
        formc::rt::ValidationResult result;
        const std::optional<std::uint64_t> blocks = formc::rt::validated_blocks(context, form, $impl$::kDefinition, result.errors);
        if (!blocks) return result;
        formc::rt::Checker check(result.errors, input_errors_);
        [[maybe_unused]] formc::rt::LazyToday today(context);
        [[maybe_unused]] const bool submit = context.kind == formc::rt::Context::Kind::Submit;
        check.document();
    )cc");
    {
      auto indent = p.indent();
      std::size_t slot = 0;
      for (std::size_t b = 0; b < def_.blocks.size(); ++b) {
        const auto& block = def_.blocks[b];
        p.blank_line();
        p.line("// ---- Block $name$: $title$ ----", {{"name", comment_text(block.name)}, {"title", comment_text(block.title, 80)}});
        p.line("{");
        {
          auto indent2 = p.indent();
          p.line("[[maybe_unused]] const bool complete = (*blocks & $bit$) != 0;", {{"bit", bit(static_cast<int>(b))}});
          for (std::size_t k = 0; k < block.fields.size(); ++k, ++slot) field_check(p, slot, "complete");
          for (const auto& r : block.rules) rule_check(p, r, "complete");
        }
        p.line("}");
      }
      if (!def_.extra_checkboxes.empty()) {
        p.blank_line();
        p.line("// ---- Final step: the definition's own checkboxes (required on submit) ----");
        for (std::size_t k = 0; k < def_.extra_checkboxes.size(); ++k, ++slot) field_check(p, slot, "submit");
      }
      if (layout_.has_cgu || layout_.has_dpo) {
        p.blank_line();
        p.line("// ---- Final step: CGU and DPO checkboxes ----");
      }
      if (layout_.has_cgu) {
        p.line("if (submit && !this->terms_of_service_accepted.value_or(false)) {");
        p.line("  check.fail(\"terms_of_service_accepted\", \"must_be_checked\", $m$);", {{"m", lit(rt::msg::kTermsOfService)}});
        p.line("}");
      }
      if (layout_.has_dpo) {
        p.line("if (submit && !this->data_protection_officer_informed.value_or(false)) {");
        p.line("  check.fail(\"data_protection_officer_informed\", \"must_be_checked\", $m$);",
               {{"m", lit(rt::msg::kDataProtectionOfficer)}});
        p.line("}");
      }
      if (!def_.rules.empty()) {
        p.blank_line();
        p.line("// ---- The definition's rules (checked on submit) ----");
        for (const auto& r : def_.rules) rule_check(p, r, "submit");
      }
      p.line("return result;");
    }
    p.line("}");
    p.blank_line();
  }

  // ---- metadata functions, prefill -----------------------------------------------------------

  void metadata_functions(Printer& p) {
    const auto fs = forms();
    const model::Form* def_form = default_form();
    std::size_t default_index = 0;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      if (fs[i] == def_form) default_index = i;
    }
    p.emit({{"cls", cls()},
            {"forms", fs.empty() ? "{}" : impl_ + "::kForms"},
            {"default", fs.empty() ? impl_ + "::kDefinitionForm" : impl_ + "::kForms[" + std::to_string(default_index) + "]"},
            {"impl", impl_}},
           R"cc(
             const formc::rt::DefinitionInfo& $cls$::definition() { return $impl$::kDefinition; }

             std::span<const formc::rt::FormInfo> $cls$::forms() { return $forms$; }

             const formc::rt::FormInfo* $cls$::find_form(std::string_view uid) {
               for (const auto& f : forms()) {
                 if (f.uid == uid) return &f;
               }
               return nullptr;
             }

             const formc::rt::FormInfo& $cls$::default_form() { return $default$; }
           )cc");
    if (!fs.empty()) {
      p.blank_line();
      p.line("const formc::rt::FormInfo& $cls$::form(Form id) { return $impl$::kForms[static_cast<std::size_t>(id)]; }",
             {{"cls", cls()}, {"impl", impl_}});
    }
    p.blank_line();
  }

  const FieldEmitter* emitter_of(const std::string& name) const {
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      if (!layout_.fields[i].builtin && layout_.fields[i].json == name) return emitters_[i].get();
    }
    return nullptr;
  }

  void prefill_function(Printer& p) {
    const auto fs = forms();
    const FieldEmitter* scopes = nullptr;
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      const auto& f = layout_.fields[i];
      if (!f.builtin && f.field->type == FieldType::Scopes) {
        scopes = emitters_[i].get();
        break;
      }
    }
    std::string included;
    for (const auto& s : def_.scopes) {
      if (s.included) included += (included.empty() ? "" : ", ") + lit(s.value);
    }
    bool any_prefill = false;
    for (const auto* f : fs) any_prefill = any_prefill || !f->initialize_with.empty();
    p.line("void $cls$::prefill(const formc::rt::FormInfo& form) {", {{"cls", cls()}});
    {
      auto indent = p.indent();
      p.line("if (form.definition != &$impl$::kDefinition) return;", {{"impl", impl_}});
      if (any_prefill) {
        p.line("switch (form.index) {");
        for (std::size_t i = 0; i < fs.size(); ++i) {
          if (fs[i]->initialize_with.empty()) continue;
          p.line("  case $i$:  // $uid$", {{"i", std::to_string(i)}, {"uid", comment_text(fs[i]->uid)}});
          auto indent2 = p.indent(2);
          for (const auto& pf : fs[i]->initialize_with) {
            const FieldEmitter* e = emitter_of(pf.field);
            const std::string statement = e ? e->prefill(pf.value) : "";
            if (statement.empty()) {
              p.line("// initialize_with.$field$ is not applied: $value$",
                     {{"field", comment_text(pf.field)}, {"value", comment_text(pf.value.dump(), 80)}});
            } else {
              p.line("$s$", {{"s", statement}});
            }
          }
          p.line("break;");
        }
        p.line("  default:");
        p.line("    break;");
        p.line("}");
      }
      if (scopes) {
        p.line("formc::rt::merge_sorted_unique($self$, {$included$});", {{"self", scopes->self()}, {"included", included}});
      }
    }
    p.line("}");
    p.blank_line();
  }

  const model::Module& module_;
  const model::Definition& def_;
  ClassLayout layout_;
  std::vector<std::unique_ptr<FieldEmitter>> emitters_;
  std::map<std::string, int> block_index_;
  expr::CppNaming naming_;
  std::string impl_;  // namespace of the .cc's internals
};

}  // namespace

GeneratedFiles generate_definition(const model::Module& module, const model::Definition& definition) {
  return DefinitionGenerator(module, definition).run();
}

void CppGenerator::generate_definition(const model::Module& module, std::size_t index, std::size_t part, std::size_t parts,
                                       OutputSet& out) const {
  (void)parts;
  if (part != 0) return;
  const auto& def = module.definitions[index];
  GeneratedFiles files = cpp::generate_definition(module, def);  // the free function, not this member
  out.add(paths::cpp_header(def.provider, def.id), std::move(files.header));
  out.add(paths::cpp_source(def.provider, def.id), std::move(files.source));
}

std::string CppGenerator::note(const model::Module& module, std::size_t index, const OutputSet& outputs) const {
  // The registry names each definition's hash: the hash of its two files.
  const auto& def = module.definitions[index];
  const auto& files = outputs.files();
  const auto header = files.find(paths::cpp_header(def.provider, def.id));
  const auto source = files.find(paths::cpp_source(def.provider, def.id));
  assert(header != files.end() && source != files.end());
  return content_hash(GeneratedFiles{header->second, source->second});
}

void CppGenerator::finish(const model::Module& module, const std::vector<std::string>& notes, OutputSet& out) const {
  add_registry(module, notes, out);
}

}  // namespace formc::gen::cpp
