// expr_bench: parse + type-check time of expressions, and how it scales.
//
//   expr_bench [--quick]
//
// Part 1 times compile() (parse + check) on the rules of the block library,
// per expression. Part 2 times parse, check, evaluation and the three
// emitters on generated expressions of 1,000 / 10,000 / 100,000 terms; the
// "ns/term" columns staying flat as the size grows tenfold is the evidence
// that nothing is quadratic (and nothing recurses: a 100,000-term chain would
// overflow the stack otherwise). Plain std::chrono, best of several runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "expr/checker.h"
#include "expr/expr.h"

namespace {

using namespace formc::expr;  // a benchmark program, not a header
using Clock = std::chrono::steady_clock;

SimpleFieldScope scope() {
  SimpleFieldScope s;
  s.add({"duree_conservation_donnees_caractere_personnel", Type::integer(), {}});
  s.add({"cadre_juridique_url", Type::string(), {}});
  s.add({"cadre_juridique_document", Type::document(), {}});
  s.add({"safety_certification_begin_date", Type::date(), {}});
  s.add({"safety_certification_end_date", Type::date(), {}});
  s.add({"contact_technique_type", Type::string(), {"person", "organization"}});
  s.add({"technical_team_type", Type::string(), {"editor", "internal", "other"}});
  s.add({"modalities", Type::list(Type::Kind::String), {"params", "formulaire_qf", "france_connect"}});
  s.add({"scopes", Type::list(Type::Kind::String), {"dgfip_IndLep", "dgfip_annee_n_moins_1"}});
  s.add({"volumetrie_appels_par_minute", Type::integer(), {"50", "200", "1000"}});
  s.add({"x", Type::integer(), {}});
  s.add({"a", Type::integer(), {}});
  return s;
}

// Best wall time of `runs` calls, in seconds.
double best_of(int runs, const std::function<void()>& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

struct Harness {
  SimpleFieldScope fields = scope();
  formc::support::SourceManager sources;
  OffsetMapper map = verbatim_mapper(sources.add("<bench>", ""));  // offsets only; never located

  std::optional<Ast> parse_one(const std::string& text) {
    formc::support::DiagnosticEngine diags;
    auto ast = parse(text, map, diags);
    if (!ast) std::fprintf(stderr, "does not parse: %.60s\n", text.c_str());
    return ast;
  }
  std::shared_ptr<const CheckedExpr> compile_one(const std::string& text) {
    formc::support::DiagnosticEngine diags;
    auto e = compile(text, map, fields, diags);
    if (!e) std::fprintf(stderr, "does not compile: %.60s\n", text.c_str());
    return e;
  }
};

void typical_rules(Harness& h, int iterations) {
  const std::vector<std::string> rules = {
      "duree_conservation_donnees_caractere_personnel > 36",
      "present(cadre_juridique_url) or count(cadre_juridique_document) > 0",
      "safety_certification_end_date > safety_certification_begin_date",
      "contact_technique_type == \"person\"",
      "technical_team_type in [\"editor\", \"other\"]",
      "\"france_connect\" in modalities",
      "volumetrie_appels_par_minute > 50",
      "not (\"dgfip_IndLep\" in scopes) or count(scopes) == 1",
      "matches(cadre_juridique_url, \"^https?://[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}(/.*)?$\")",
      "safety_certification_end_date - safety_certification_begin_date <= 365 and safety_certification_end_date > today()",
  };
  std::printf("Part 1: compile() = parse + check, typical rules (best of 5 x %d iterations)\n\n", iterations);
  std::printf("  %-70s %10s\n", "expression", "us/expr");
  double total = 0;
  for (const auto& r : rules) {
    const double t = best_of(5, [&] {
      for (int i = 0; i < iterations; ++i) h.compile_one(r);
    }) / iterations;
    total += t;
    std::printf("  %-70.70s %10.2f\n", r.c_str(), t * 1e6);
  }
  std::printf("  %-70s %10.2f\n\n", "mean", total / static_cast<double>(rules.size()) * 1e6);
}

void scaling(Harness& h, const std::vector<int>& sizes) {
  const formc::rt::Date today = formc::rt::date(2024, 6, 15);
  const nlohmann::json doc = {{"a", 1}, {"x", 7}};
  CppNaming naming;
  naming.field = [](const FieldSignature& f) { return "self." + f.name; };
  struct Shape {
    const char* name;
    std::function<std::string(int)> make;
  };
  const std::vector<Shape> shapes = {
      {"a + a + ... > 0", [](int n) {
         std::string s = "a";
         for (int i = 1; i < n; ++i) s += " + a";
         return s + " > 0";
       }},
      {"x > 1 or x > 2 or ...", [](int n) {
         std::string s = "x > 1";
         for (int i = 2; i <= n; ++i) s += " or x > " + std::to_string(i);
         return s;
       }},
      {"x in [1, 2, ...]", [](int n) {
         std::string s = "x in [1";
         for (int i = 2; i <= n; ++i) s += ", " + std::to_string(i);
         return s + "]";
       }},
  };
  std::printf("Part 2: scaling (best of 3; ns/term should stay flat as terms grow tenfold)\n\n");
  std::printf("  %-24s %8s %9s %9s %9s %9s %9s | %8s %8s %8s %8s %8s\n", "shape", "terms", "bytes", "parse ms",
              "check ms", "eval ms", "emit ms", "parse", "check", "eval", "emit", "ns/term");
  for (const auto& shape : shapes) {
    for (const int n : sizes) {
      const std::string text = shape.make(n);
      std::optional<Ast> ast;
      const double parse_s = best_of(3, [&] { ast = h.parse_one(text); });
      std::shared_ptr<const CheckedExpr> checked;
      const double check_s = best_of(3, [&] {
        formc::support::DiagnosticEngine diags;
        checked = check(*ast, h.fields, h.map, diags);
      });
      if (!checked) return;
      const double eval_s = best_of(3, [&] { (void)evaluate(*checked, doc, today); });
      const double emit_s = best_of(3, [&] {
        (void)to_cpp(*checked, naming);
        (void)to_js(*checked);
        (void)to_json_schema(*checked);
      });
      const double per = 1e9 / n;
      std::printf("  %-24s %8d %9zu %9.2f %9.2f %9.2f %9.2f | %8.0f %8.0f %8.0f %8.0f %8.0f\n", shape.name, n,
                  text.size(), parse_s * 1e3, check_s * 1e3, eval_s * 1e3, emit_s * 1e3, parse_s * per,
                  check_s * per, eval_s * per, emit_s * per, (parse_s + check_s) * per);
    }
  }
  std::printf("\n  (ns/term columns: parse, check, eval, emit = to_cpp + to_js + to_json_schema; last = parse + check)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  Harness h;
  typical_rules(h, quick ? 50 : 1000);
  scaling(h, quick ? std::vector<int>{1000, 10000} : std::vector<int>{1000, 10000, 100000});
  return 0;
}
