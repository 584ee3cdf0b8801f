// Shared fixtures for the expression tests: a DataPass-like field scope, and
// a helper that registers an expression as an in-memory file so diagnostics
// can be located with SourceManager::locate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "expr/expr.h"
#include "support/diagnostics.h"
#include "support/source.h"

namespace formc::expr::testing {

// Fields of the block library (DATAPASS.md §2.4) plus a few for coverage.
inline SimpleFieldScope datapass_scope() {
  using K = Type::Kind;
  SimpleFieldScope s;
  s.add({"intitule", Type::string(), {}});
  s.add({"description", Type::string(), {}});
  s.add({"duree_conservation_donnees_caractere_personnel", Type::integer(), {}});
  s.add({"duree_conservation_donnees_caractere_personnel_justification", Type::string(), {}});
  s.add({"cadre_juridique_nature", Type::string(), {}});
  s.add({"cadre_juridique_url", Type::string(), {}});
  s.add({"cadre_juridique_document", Type::document(), {}});
  s.add({"contact_technique_type", Type::string(), {"person", "organization"}});
  s.add({"contact_technique_email", Type::string(), {}});
  s.add({"technical_team_type", Type::string(), {"editor", "internal", "other"}});
  s.add({"technical_team_value", Type::string(), {}});
  s.add({"scopes", Type::list(K::String),
         {"dgfip_annee_n_moins_1", "dgfip_annee_n_moins_2", "dgfip_IndLep", "cnaf_quotient_familial"}});
  s.add({"modalities", Type::list(K::String), {"params", "formulaire_qf", "france_connect"}});
  s.add({"volumetrie_appels_par_minute", Type::integer(), {"50", "200", "1000"}});
  s.add({"volumetrie_justification", Type::string(), {}});
  s.add({"safety_certification_begin_date", Type::date(), {}});
  s.add({"safety_certification_end_date", Type::date(), {}});
  s.add({"date_prevue_mise_en_production", Type::date(), {}});
  s.add({"operational_acceptance_done", Type::boolean(), {}});
  s.add({"specific_requirements", Type::boolean(), {}});
  s.add({"france_connect_eidas", Type::string(), {"eidas_1", "eidas_2"}});
  s.add({"adresse_ligne_2", Type::string(), {}});
  s.add({"tags", Type::list(K::String), {}});
  s.add({"nombre_1", Type::integer(), {}});
  s.add({"nombre_2", Type::integer(), {}});
  return s;
}

// One expression compiled from an in-memory file holding exactly its text.
struct Compiled {
  support::SourceManager sources;
  support::DiagnosticEngine diags;
  support::FileId file = support::kNoFile;
  std::shared_ptr<const CheckedExpr> expr;

  // "line:col code: message" for every diagnostic, notes as "  note line:col: message".
  [[nodiscard]] std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& d : diags.all()) {
      const auto loc = sources.locate(d.span);
      out.push_back(fmt::format("{}:{} {}: {}", loc.line, loc.column, support::info(d.code).code, d.message));
      for (const auto& n : d.notes) {
        const auto nl = sources.locate(n.span);
        out.push_back(fmt::format("  note {}:{}: {}", nl.line, nl.column, n.message));
      }
    }
    return out;
  }
  [[nodiscard]] std::string first() const {
    const auto all = messages();
    return all.empty() ? std::string("<no diagnostic>") : all.front();
  }
};

inline std::unique_ptr<Compiled> compile_text(std::string_view text, Type expected = Type::boolean()) {
  static const SimpleFieldScope scope = datapass_scope();
  auto c = std::make_unique<Compiled>();
  c->file = c->sources.add("<expr>", std::string(text));
  c->expr = compile(text, verbatim_mapper(c->file), scope, c->diags, expected);
  return c;
}

// The AST as an S-expression, e.g. "(or a (and b c))". Recursive: test inputs are small.
inline std::string sexpr(const Ast& ast, NodeId id) {
  const Node& n = ast.node(id);
  switch (n.kind) {
    case NodeKind::Null: return "null";
    case NodeKind::Boolean: return n.boolean ? "true" : "false";
    case NodeKind::Integer: return std::to_string(n.integer);
    case NodeKind::Decimal: return n.text;
    case NodeKind::String: return "\"" + n.text + "\"";
    case NodeKind::Field: return n.text;
    default: break;
  }
  std::string head = n.kind == NodeKind::List   ? "list"
                     : n.kind == NodeKind::Call ? n.text
                     : n.op == Op::Neg          ? "neg"
                                                : std::string(op_spelling(n.op));
  std::string out = "(" + head;
  for (const NodeId k : ast.children(id)) out += " " + sexpr(ast, k);
  return out + ")";
}

inline std::string sexpr(const Ast& ast) { return sexpr(ast, ast.root()); }

}  // namespace formc::expr::testing
