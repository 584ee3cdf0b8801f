// libFuzzer target for the expression language: the ANTLR adapter, the type
// checker, and every back end on whatever compiles.
//
// Invariants checked beyond "no crash, no hang, no sanitizer report":
// - every diagnostic's span lies inside the input and can be located;
// - compile() returns an expression exactly when it reported no error;
// - a boolean expression evaluates to a boolean.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "expr/expr.h"

namespace {

using formc::expr::FieldSignature;
using formc::expr::Type;

const formc::expr::SimpleFieldScope& scope() {
  static const formc::expr::SimpleFieldScope s = {
      {"intitule", Type::string(), {}},
      {"duree_conservation_donnees_caractere_personnel", Type::integer(), {}},
      {"cadre_juridique_url", Type::string(), {}},
      {"cadre_juridique_document", Type::document(), {}},
      {"contact_technique_type", Type::string(), {"person", "organization"}},
      {"technical_team_type", Type::string(), {"editor", "internal", "other"}},
      {"scopes", Type::list(Type::Kind::String), {"dgfip_annee_n_moins_1", "dgfip_IndLep"}},
      {"modalities", Type::list(Type::Kind::String), {"params", "formulaire_qf", "france_connect"}},
      {"volumetrie_appels_par_minute", Type::integer(), {"50", "200", "1000"}},
      {"safety_certification_begin_date", Type::date(), {}},
      {"safety_certification_end_date", Type::date(), {}},
      {"operational_acceptance_done", Type::boolean(), {}},
      {"nombre_1", Type::integer(), {}},
  };
  return s;
}

const nlohmann::json& document() {
  static const nlohmann::json d = nlohmann::json::parse(R"({
    "intitule": "Démarche 😀", "duree_conservation_donnees_caractere_personnel": 40,
    "cadre_juridique_url": "https://x.fr", "cadre_juridique_document": [{"name": "a.pdf"}],
    "contact_technique_type": "person", "technical_team_type": "other", "scopes": ["dgfip_IndLep"],
    "modalities": ["params"], "volumetrie_appels_par_minute": 200,
    "safety_certification_begin_date": "2024-01-01", "safety_certification_end_date": "2024-02-29",
    "operational_acceptance_done": true, "nombre_1": 9007199254740991 })");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  formc::support::SourceManager sources;
  formc::support::DiagnosticEngine diags;
  const auto file = sources.add("<fuzz>", std::string(text));
  const auto expr = formc::expr::compile(text, formc::expr::verbatim_mapper(file), scope(), diags, Type::any());

  for (const auto& d : diags.all()) {
    if (d.span.file != file || d.span.begin > d.span.end || d.span.end > size) __builtin_trap();
    (void)sources.locate(d.span);
  }
  if ((expr != nullptr) == diags.has_errors()) __builtin_trap();
  if (!expr) return 0;

  const auto value = formc::expr::evaluate(*expr, document(), formc::rt::date(2024, 6, 15));
  if (expr->type().is(Type::Kind::Boolean) && value.get<bool>() == nullptr) __builtin_trap();
  (void)value.to_json().dump();
  formc::expr::CppNaming naming;
  naming.field = [](const FieldSignature& f) { return "self." + f.name; };
  (void)formc::expr::to_cpp(*expr, naming);
  (void)formc::expr::to_js(*expr);
  if (const auto schema = formc::expr::to_json_schema(*expr)) (void)schema->dump();
  (void)formc::expr::referenced_fields(*expr);
  return 0;
}
