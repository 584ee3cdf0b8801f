#include "model/conditions.h"

#include <fmt/format.h>

#include "expr/expr.h"

namespace formc::model {
namespace {

expr::Type expression_type(const Field& f) {
  switch (f.type) {
    case FieldType::Integer: return expr::Type::integer();
    case FieldType::Date: return expr::Type::date();
    case FieldType::Checkbox: return expr::Type::boolean();
    case FieldType::Multiselect:
    case FieldType::Scopes: return expr::Type::list(expr::Type::Kind::String);
    case FieldType::Document: return expr::Type::document();
    case FieldType::Select:
      return f.integer_options ? expr::Type::integer() : expr::Type::string();
    default: return expr::Type::string();
  }
}

// The fields of one definition, as the expression checker sees them.
class DefinitionScope final : public expr::FieldScope {
 public:
  explicit DefinitionScope(const Definition& def) {
    auto add = [&](const Field& f) {
      expr::FieldSignature sig{f.name, expression_type(f), {}};
      if (f.type != FieldType::Select || !f.integer_options) {
        for (const auto& o : f.options) sig.options.push_back(o.value);
      }
      fields_.push_back(std::move(sig));
    };
    for (const auto& b : def.blocks) {
      for (const auto& f : b.fields) add(f);
    }
    for (const auto& f : def.extra_checkboxes) add(f);
  }
  const expr::FieldSignature* find(std::string_view name) const override {
    for (const auto& f : fields_) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& f : fields_) out.push_back(f.name);
    return out;
  }

 private:
  std::vector<expr::FieldSignature> fields_;
};

// The answers of an eligibility questionnaire: `type` and each question id.
class EligibilityScope final : public expr::FieldScope {
 public:
  explicit EligibilityScope(const EligibilityRule& rule) {
    expr::FieldSignature type{"type", expr::Type::string(),
                              {"particulier", "entreprise_ou_association", "collectivite_ou_administration", "editeur_logiciel"}};
    fields_.push_back(std::move(type));
    for (const auto& q : rule.questions) {
      expr::FieldSignature sig{q.id, expr::Type::string(), {}};
      for (const auto& o : q.options) sig.options.push_back(o.value);
      fields_.push_back(std::move(sig));
    }
  }
  const expr::FieldSignature* find(std::string_view name) const override {
    for (const auto& f : fields_) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& f : fields_) out.push_back(f.name);
    return out;
  }

 private:
  std::vector<expr::FieldSignature> fields_;
};

struct Substituted {
  std::string text;
  std::vector<std::uint32_t> origin;  // origin[i]: offset in the original text of text[i]; one extra for the end
};

Substituted substitute_with_origins(std::string_view text, std::string_view kind) {
  Substituted out;
  constexpr std::string_view kPlaceholder = "{kind}";
  std::size_t i = 0;
  while (i < text.size()) {
    if (!kind.empty() && text.substr(i, kPlaceholder.size()) == kPlaceholder) {
      for (std::size_t k = 0; k < kind.size(); ++k) out.origin.push_back(static_cast<std::uint32_t>(i));
      out.text += kind;
      i += kPlaceholder.size();
      continue;
    }
    out.text += text[i];
    out.origin.push_back(static_cast<std::uint32_t>(i));
    ++i;
  }
  out.origin.push_back(static_cast<std::uint32_t>(text.size()));
  return out;
}

Condition compile_with(const ConditionSource& source, const expr::FieldScope& scope, support::DiagnosticEngine& diags) {
  const yaml::Node& node = *source.node;
  Condition c;
  c.span = node.span;
  if (!node.is_scalar() || node.is_null()) {
    diags.report(support::DiagCode::WrongType, node.span, fmt::format("an expression must be a string, not {}", node.kind_name()));
    return c;
  }
  const Substituted sub = substitute_with_origins(node.value, source.kind);
  c.source = sub.text;
  const expr::OffsetMapper mapper = [&](std::uint32_t begin, std::uint32_t end) {
    const auto clamp = [&](std::uint32_t v) { return std::min<std::size_t>(v, sub.origin.size() - 1); };
    const std::uint32_t b = sub.origin[clamp(begin)];
    const std::uint32_t e = end > begin ? sub.origin[clamp(end - 1)] + 1 : b;
    return node.value_span(b, std::max(b, e));
  };
  c.expr = expr::compile(sub.text, mapper, scope, diags, expr::Type::boolean());
  return c;
}

}  // namespace

std::string substitute_kind(std::string_view text, std::string_view kind) { return substitute_with_origins(text, kind).text; }

Condition compile_condition(const ConditionSource& source, const Definition& definition, support::DiagnosticEngine& diags) {
  const DefinitionScope scope(definition);
  return compile_with(source, scope, diags);
}

Condition compile_eligibility_condition(const ConditionSource& source, const EligibilityRule& rule,
                                        support::DiagnosticEngine& diags) {
  const EligibilityScope scope(rule);
  return compile_with(source, scope, diags);
}

}  // namespace formc::model
