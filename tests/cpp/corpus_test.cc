// Every generated class of a corpus (the shared DataPass corpus, or
// definitions/), driven through the registry that generate_cpp writes:
//  - metadata matches the IR, every form's prefill round-trips and passes draft;
//  - scopes_config: a scope the form hides is not an option;
//  - differential: on random and mutated requests, the generated validator
//    and the interpreter (`formc validate`, compiler/validate) report the same
//    errors (field, code, message) in every context of every form.
// Exit code 77 (skipped) when the corpus directory is absent.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/session.h"
#include "registry.h"
#include "validate/validator.h"

using json = nlohmann::json;

namespace {

const formc::model::Module* g_module = nullptr;

const formc_test::GeneratedClass* find_class(std::string_view id) {
  for (const auto& c : formc_test::generated_classes()) {
    if (c.definition_id == id) return &c;
  }
  return nullptr;
}

using ErrorKey = std::tuple<std::string, std::string, std::string>;

std::vector<ErrorKey> sorted(const std::vector<formc::rt::Error>& errors) {
  std::vector<ErrorKey> out;
  for (const auto& e : errors) out.emplace_back(e.field, e.code, e.message);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ErrorKey> sorted(const std::vector<formc::validate::Error>& errors) {
  std::vector<ErrorKey> out;
  for (const auto& e : errors) out.emplace_back(e.field, e.code, e.message);
  std::sort(out.begin(), out.end());
  return out;
}

// Random requests built from the IR: valid values, blanks, bad formats,
// wrong JSON types, options that do not exist, repeated list items.
class RequestGen {
 public:
  // Scopes come from those the form allows (`allowed`): on the others the
  // interpreter, which accepts every scope of the definition, and the
  // generated code, which honours scopes_config like the JSON Schema, differ
  // by design (the scopes_config test covers them).
  RequestGen(const formc::model::Definition& def, std::span<const bool> allowed, std::uint32_t seed)
      : def_(def), rng_(seed) {
    for (std::size_t i = 0; i < def.scopes.size(); ++i) {
      if (i < allowed.size() && allowed[i]) scopes_.push_back(def.scopes[i].value);
    }
  }

  json request() {
    json doc = json::object();
    for (const auto& b : def_.blocks) {
      for (const auto& f : b.fields) maybe_set(doc, f);
    }
    for (const auto& f : def_.extra_checkboxes) maybe_set(doc, f);
    for (const char* cb : {"terms_of_service_accepted", "data_protection_officer_informed"}) {
      const int r = pick(0, 9);
      if (r < 6) doc[cb] = true;
      else if (r == 6) doc[cb] = false;
      else if (r == 7) doc[cb] = "yes";
    }
    if (pick(0, 19) == 0) doc["not_a_field"] = 1;
    return doc;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  void maybe_set(json& doc, const formc::model::Field& f) {
    const int r = pick(0, 99);
    if (r < 20) return;                      // absent
    if (r < 23) {
      doc[f.name] = nullptr;
      return;
    }
    // A wrong JSON type, except on fields that may be hidden: the
    // interpreter skips hidden fields entirely, the generated code (like the
    // JSON Schema) still reports a value it cannot store. Known difference.
    if (r < 27 && !f.visible_if) {
      doc[f.name] = f.type == formc::model::FieldType::Integer ? json("douze") : json(12.5);
      if (f.type == formc::model::FieldType::Checkbox) doc[f.name] = "1";
      return;
    }
    doc[f.name] = value(f, r >= 85);
  }

  json text(bool bad, const char* good, const char* wrong) {
    if (pick(0, 9) == 0) return "   ";
    return bad ? wrong : good;
  }

  json value(const formc::model::Field& f, bool bad) {
    using T = formc::model::FieldType;
    switch (f.type) {
      case T::Email: return text(bad, "jeanne.dupont@example.fr", "jeanne@");
      case T::Phone: return text(bad, pick(0, 1) ? "0199001234" : "06 12 34 56 78", "12 34");
      case T::Url: return text(bad, "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292", "pas une url");
      case T::Integer: {
        if (bad && f.min) return *f.min - 1;
        static const int kValues[] = {0, 12, 24, 36, 37, 48, 120};
        return kValues[pick(0, 6)];
      }
      case T::Date: return text(bad, "2025-06-30", pick(0, 1) ? "2025-02-30" : "30/06/2025");
      case T::Checkbox: return !bad;
      case T::Select:
      case T::Radio: {
        if (bad || f.options.empty()) return f.integer_options ? json(7) : json("autre_chose");
        const auto& o = f.options[static_cast<std::size_t>(pick(0, static_cast<int>(f.options.size()) - 1))];
        if (f.integer_options) return std::stoll(o.value);
        return o.value;
      }
      case T::Multiselect:
      case T::Scopes: {
        std::vector<std::string> pool;
        if (f.type == T::Scopes) {
          pool = scopes_;
        } else {
          for (const auto& o : f.options) pool.push_back(o.value);
        }
        json list = json::array();
        const int n = pick(0, 3);
        for (int i = 0; i < n && !pool.empty(); ++i) list.push_back(pool[static_cast<std::size_t>(pick(0, static_cast<int>(pool.size()) - 1))]);
        if (bad) list.push_back(pick(0, 1) || list.empty() ? json("inexistant") : list[0]);
        return list;
      }
      case T::Document: {
        json list = json::array();
        const int n = bad ? pick(0, 8) : pick(0, 2);
        for (int i = 0; i < n; ++i) {
          list.push_back({{"name", "piece.pdf"},
                          {"content_type", bad && pick(0, 1) ? "image/png" : "application/pdf"},
                          {"size", bad && pick(0, 1) ? 20000000 : 1000}});
        }
        return list;
      }
      default: {
        if (f.pattern) return text(bad, "12345", "abc");
        if (bad && f.max_length) return std::string(static_cast<std::size_t>(*f.max_length + 1), 'x');
        return text(bad, "Une valeur", "Une valeur");
      }
    }
  }

  const formc::model::Definition& def_;
  std::mt19937 rng_;
  std::vector<std::string> scopes_;
};

std::vector<formc::rt::Context> contexts_of(const formc::rt::FormInfo& form) {
  std::vector<formc::rt::Context> out = {formc::rt::Context::draft(), formc::rt::Context::submit()};
  for (const auto& s : form.steps) out.push_back(formc::rt::Context::at_step(s.block));
  for (auto& c : out) c.today = formc::rt::date(2026, 1, 15);
  return out;
}

formc::validate::Context interpreter_context(const formc::rt::Context& c) {
  return *formc::validate::Context::parse(c.to_string());
}

}  // namespace

TEST_CASE("every definition has a generated class whose metadata matches the IR") {
  REQUIRE(formc_test::generated_classes().size() == g_module->definitions.size());
  for (const auto& def : g_module->definitions) {
    INFO(def.id);
    const auto* cls = find_class(def.id);
    REQUIRE(cls);
    const auto& info = cls->definition();
    CHECK(info.id == def.id);
    CHECK(info.blocks.size() == def.blocks.size());
    CHECK(info.scopes.size() == def.scopes.size());
    const auto forms = g_module->forms_of(def.id);
    REQUIRE(cls->forms().size() == forms.size());
    for (std::size_t i = 0; i < forms.size(); ++i) {
      CHECK(cls->forms()[i].uid == forms[i]->uid);
      CHECK(cls->forms()[i].index == i);
    }
  }
}

TEST_CASE("every form's prefill round-trips and has the right types") {
  for (const auto& c : formc_test::generated_classes()) {
    for (const auto& form : c.forms()) {
      INFO(c.definition_id << " / " << form.uid);
      const std::string text = c.prefilled(form);
      std::vector<formc::rt::Error> errors;
      CHECK(c.round_trip(text, errors) == text);
      CHECK(errors.empty());
      CHECK(json::parse(c.round_trip_dom(text, errors)) == json::parse(text));
      formc::rt::Context draft = formc::rt::Context::draft();
      const auto r = c.validate_json_text(text, draft, form);
      // Formats may fail: upstream data prefills e.g. a landline where a
      // mobile is required (france-connect-collectivite-epermis).
      for (const auto& e : r.errors) {
        INFO(e.field << " " << e.code << " " << e.message);
        CHECK((e.code != "type" && e.code != "not_an_option" && e.code != "unknown_field" && e.code != "duplicate"));
      }
    }
  }
}

TEST_CASE("scopes_config: a scope the form does not show is not an option") {
  int restricted = 0;
  for (const auto& c : formc_test::generated_classes()) {
    const auto& def = c.definition();
    for (const auto& form : c.forms()) {
      for (std::size_t i = 0; i < form.allowed_scopes.size(); ++i) {
        const std::string doc = json{{"scopes", json::array({std::string(def.scopes[i].value)})}}.dump();
        const auto r = c.validate_json_text(doc, formc::rt::Context::draft(), form);
        INFO(c.definition_id << " / " << form.uid << " / " << def.scopes[i].value);
        CHECK(r.valid() == form.allowed_scopes[i]);
        if (!form.allowed_scopes[i]) {
          ++restricted;
          REQUIRE(r.errors.size() == 1);
          CHECK(r.errors[0].code == "not_an_option");
        }
      }
    }
  }
  INFO("restricted scopes found: " << restricted);
  CHECK(true);
}

TEST_CASE("unknown steps and forms of another definition are reported") {
  const auto classes = formc_test::generated_classes();
  for (const auto& c : classes) {
    const auto r = c.validate_json_text("{}", formc::rt::Context::at_step("no_such_step"), c.default_form());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == "unknown_step");
  }
  if (classes.size() >= 2) {
    const auto r = classes[0].validate_json_text("{}", formc::rt::Context::submit(), classes[1].default_form());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == "unknown_form");
  }
}

TEST_CASE("lists over their bound: the generated class and the interpreter report one error, the same") {
  // 80,000 distinct items, what a hostile client can send to a public server.
  // Timing lives in the benchmark (tests/bench/validator, bench_lists); here:
  // the errors are bounded and both engines agree on them.
  constexpr int kItems = 80000;
  json strings = json::array(), files = json::array();
  for (int i = 0; i < kItems; ++i) {
    strings.push_back("element_" + std::to_string(i));
    files.push_back({{"name", "piece_" + std::to_string(i) + ".pdf"}, {"content_type", "application/pdf"}, {"size", 1}});
  }
  std::size_t lists = 0;
  for (const auto& def : g_module->definitions) {
    const auto* cls = find_class(def.id);
    REQUIRE(cls);
    const auto& form = *g_module->forms_of(def.id).front();
    const auto& info = cls->forms().front();
    for (const auto& block : def.blocks) {
      for (const auto& f : block.fields) {
        if (!formc::model::list_bound(f, def)) continue;
        const bool documents = f.type == formc::model::FieldType::Document;
        const json doc = {{f.name, documents ? files : strings}};
        formc::rt::Context draft = formc::rt::Context::draft();
        draft.today = formc::rt::date(2026, 1, 15);
        std::string problem;
        const auto interpreted = formc::validate::validate(def, form, doc, interpreter_context(draft), *draft.today, problem);
        REQUIRE(interpreted);
        const auto generated = cls->validate_json_text(doc.dump(), draft, info);
        INFO(def.id << " / " << f.name);
        CHECK(sorted(*interpreted) == sorted(generated.errors));
        // A field hidden by visible_if is not checked (no error); a shown one gets exactly one.
        REQUIRE(generated.errors.size() <= 1);
        if (!f.visible_if) {
          REQUIRE(generated.errors.size() == 1);
          CHECK(generated.errors[0].field == f.name);
          CHECK(generated.errors[0].code == (documents ? "too_many_files" : "too_many_items"));
        }
        ++lists;
      }
    }
  }
  WARN(lists << " list fields given " << kItems << " items");
  CHECK(lists > 0);
}

TEST_CASE("differential: generated validators agree with the interpreter") {
  std::size_t documents = 0, compared = 0, errors = 0;
  for (const auto& def : g_module->definitions) {
    const auto* cls = find_class(def.id);
    REQUIRE(cls);
    const auto forms = g_module->forms_of(def.id);
    for (std::size_t fi = 0; fi < forms.size(); ++fi) {
      const auto& form = *forms[fi];
      const auto& info = cls->forms()[fi];
      RequestGen gen(def, info.allowed_scopes, static_cast<std::uint32_t>(std::hash<std::string>{}(form.uid)));
      for (int n = 0; n < 60; ++n) {
        const json doc = gen.request();
        const std::string text = doc.dump();
        ++documents;
        for (const auto& ctx : contexts_of(info)) {
          std::string problem;
          const auto expected = formc::validate::validate(def, form, doc, interpreter_context(ctx), *ctx.today, problem);
          const auto actual = cls->validate_json_text(text, ctx, info);
          if (!expected) continue;  // a step the interpreter rejects is a usage error there
          const auto want = sorted(*expected), got = sorted(actual.errors);
          ++compared;
          errors += got.size();
          INFO(def.id << " / " << form.uid << " / " << ctx.to_string() << "\n" << doc.dump(1));
          if (want != got) {
            for (const auto& [f, c, m] : want) UNSCOPED_INFO("interpreter: " << f << " " << c << " " << m);
            for (const auto& [f, c, m] : got) UNSCOPED_INFO("generated:   " << f << " " << c << " " << m);
          }
          REQUIRE(want == got);
        }
      }
    }
  }
  WARN(documents << " documents, " << compared << " validations compared, " << errors << " errors agreed on");
  CHECK(compared > 0);
}

int main(int argc, char** argv) {
  const std::string root = FORMC_TEST_CORPUS;
  if (!std::filesystem::exists(root)) {
    std::printf("corpus %s absent: skipped\n", root.c_str());
    return 77;
  }
  formc::driver::CommonOptions options;
  options.paths = {root};
  options.library = FORMC_STANDARD_LIBRARY;
  formc::driver::Session session(options);
  if (!session.load()) {
    session.print_diagnostics();
    return 1;
  }
  g_module = &session.module();
  return Catch::Session().run(argc, argv);
}
