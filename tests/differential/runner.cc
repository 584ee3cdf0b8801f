// The C++ half of the differential test (tests/differential/differential.js
// drives it and adds ajv's verdicts).
//
//   differential_runner generate LIBRARY ROOT PER_FORM SEED DOCS FORMS
//       Loads ROOT's IR once and writes, for every form, PER_FORM documents
//       (deterministic in SEED) to DOCS, one "<form uid>\t<JSON text>" per
//       line, and FORMS: [{uid, definition, gaps:[...]}] where gaps are
//       formc::gen::json_schema::schema_gaps() of the form's definition (what
//       the checker reports as expr-not-in-schema).
//   differential_runner verdicts LIBRARY ROOT TODAY DOCS OUT
//       Reads DOCS and writes OUT, one JSON line per document:
//       {"cpp":[[field,code],...],"interp":[[field,code],...]} (sorted) where
//       cpp is the generated class's validate_json_text (from the `formc
//       compile` output linked in) and interp is formc::validate::validate()
//       (what `formc validate` runs), both in the submit context at TODAY.
//
// Documents: a third "valid" (every field of the definition filled with a
// value its type, options, bounds, formats and file limits accept; the
// allowed scopes; checkboxes ticked), a sixth random (each field absent,
// null, blank, of the wrong JSON type, valid or invalid), the rest mutated
// valid documents (1 to 3 of: drop a field, blank it, null, wrong type,
// bad email/phone/url/date, integer out of bounds, too long, pattern
// mismatch, option not allowed, scope the form hides, duplicate list item,
// list longer than its bound, too many files (some bad), wrong content type, file too big, malformed file object,
// unknown key, unticked checkbox).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "driver/session.h"
#include "gen/json_schema/json_schema_generator.h"
#include "registry.h"
#include "validate/validator.h"

using json = nlohmann::json;
using formc::model::Field;
using T = formc::model::FieldType;

namespace {

std::vector<const Field*> all_fields(const formc::model::Definition& def) {
  std::vector<const Field*> out;
  for (const auto& b : def.blocks)
    for (const auto& f : b.fields) out.push_back(&f);
  for (const auto& f : def.extra_checkboxes) out.push_back(&f);
  return out;
}

class DocGen {
 public:
  DocGen(const formc::model::Definition& def, const formc::model::Form& form, std::uint32_t seed)
      : def_(def), rng_(seed), fields_(all_fields(def)) {
    allowed_ = formc::gen::json_schema::allowed_scopes(def, form);
    for (const auto& s : def.scopes)
      if (std::find(allowed_.begin(), allowed_.end(), s.value) == allowed_.end()) hidden_.push_back(s.value);
  }

  json next(int n) {
    const int kind = n % 6;
    if (kind == 0 || kind == 3) return valid();
    if (kind == 5) return random_doc();
    json doc = valid();
    const int mutations = pick(1, 3);
    for (int i = 0; i < mutations; ++i) mutate(doc);
    return doc;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <class V>
  const auto& any(const V& v) { return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size()) - 1))]; }

  json valid() {
    json doc = json::object();
    for (const auto* f : fields_) doc[f->name] = good(*f);
    doc["terms_of_service_accepted"] = true;
    doc["data_protection_officer_informed"] = true;
    // Optional fields sometimes left out, so that conditionals vary.
    for (const auto* f : fields_)
      if ((!f->required || f->required_if || f->visible_if) && pick(0, 2) == 0) doc.erase(f->name);
    return doc;
  }

  json random_doc() {
    json doc = json::object();
    for (const auto* f : fields_) {
      const int r = pick(0, 99);
      if (r < 25) continue;
      if (r < 30) doc[f->name] = nullptr;
      else if (r < 35) doc[f->name] = "  ";
      else if (r < 40) doc[f->name] = wrong_type(*f);
      else if (r < 75) doc[f->name] = good(*f);
      else doc[f->name] = bad(*f);
    }
    for (const char* cb : {"terms_of_service_accepted", "data_protection_officer_informed"}) {
      const int r = pick(0, 9);
      if (r < 6) doc[cb] = true;
      else if (r == 6) doc[cb] = false;
      else if (r == 7) doc[cb] = "yes";
    }
    if (pick(0, 9) == 0) doc["champ_inconnu"] = "x";
    return doc;
  }

  std::string date_between(const Field& f) {
    // today is fixed at 2026-01-15 by the test; stay clear of both bounds.
    if (f.max_date && *f.max_date == "today") return "2025-06-30";
    if (f.min_date && *f.min_date == "today") return "2026-06-30";
    if (f.min_date && f.max_date) return *f.min_date;
    if (f.min_date) return *f.min_date;
    if (f.max_date) return *f.max_date;
    return pick(0, 1) ? "2025-06-30" : "2024-02-29";
  }

  json good(const Field& f) {
    switch (f.type) {
      case T::Email: return pick(0, 1) ? "jeanne.dupont@example.fr" : "a.b+c@sous-domaine.gouv.fr";
      case T::Phone: {
        static const char* kMobile[] = {"06 12 34 56 78", "0712345678", "+33 6 12 34 56 78"};
        static const char* kAny[] = {"0199001234", "01 23 45 67 89", "+33 1 23 45 67 89", "06.12.34.56.78"};
        return f.mobile ? kMobile[pick(0, 2)] : kAny[pick(0, 3)];
      }
      case T::Url: return pick(0, 1) ? "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292" : "www.example.fr";
      case T::Integer: {
        std::int64_t lo = f.min.value_or(0), hi = f.max.value_or(std::max<std::int64_t>(lo, 0) + 120);
        if (hi < lo) hi = lo;
        const std::int64_t cands[] = {lo, hi, lo + (hi - lo) / 2, std::clamp<std::int64_t>(36, lo, hi), std::clamp<std::int64_t>(37, lo, hi)};
        return cands[pick(0, 4)];
      }
      case T::Date: return date_between(f);
      case T::Checkbox: return true;
      case T::Select:
      case T::Radio: {
        if (f.options.empty()) return "x";
        const auto& o = any(f.options);
        if (f.integer_options) return std::stoll(o.value);
        return o.value;
      }
      case T::Multiselect:
      case T::Scopes: {
        std::vector<std::string> pool;
        if (f.type == T::Scopes) pool = allowed_;
        else
          for (const auto& o : f.options) pool.push_back(o.value);
        std::shuffle(pool.begin(), pool.end(), rng_);
        json list = json::array();
        const int n = std::min<int>(static_cast<int>(pool.size()), pick(1, 3));
        for (int i = 0; i < n; ++i) {
          if (f.integer_options) list.push_back(std::stoll(pool[static_cast<std::size_t>(i)]));
          else list.push_back(pool[static_cast<std::size_t>(i)]);
        }
        return list;
      }
      case T::Document: {
        json list = json::array();
        const int n = pick(1, static_cast<int>(std::min<std::int64_t>(2, f.max_count)));
        for (int i = 0; i < n; ++i) list.push_back(file(f, false));
        return list;
      }
      default: {
        if (f.pattern) return pick(0, 1) ? "75001" : "12345";
        std::string s = pick(0, 1) ? "Une valeur" : "Élève à l’école — données";
        if (f.min_length && static_cast<std::int64_t>(s.size()) < *f.min_length) s.append(static_cast<std::size_t>(*f.min_length), 'x');
        if (f.max_length && static_cast<std::int64_t>(s.size()) > *f.max_length) s = std::string(static_cast<std::size_t>(*f.max_length), 'y');
        return s;
      }
    }
  }

  json file(const Field& f, bool bad_one) {
    std::string type = f.content_types.empty() ? "application/pdf" : any(f.content_types);
    std::int64_t size = f.max_size ? std::min<std::int64_t>(*f.max_size, 1000) : 1000;
    if (bad_one) {
      switch (pick(0, 3)) {
        case 0: type = "application/x-msdownload"; break;
        case 1: size = f.max_size ? *f.max_size + 1 : -1; break;
        case 2: return json{{"name", "piece.pdf"}, {"content_type", type}};
        default: return json{{"name", "piece.pdf"}, {"content_type", type}, {"size", size}, {"extra", 1}};
      }
    }
    return json{{"name", "pièce jointe.pdf"}, {"content_type", type}, {"size", size}};
  }

  json wrong_type(const Field& f) {
    switch (f.type) {
      case T::Integer: return pick(0, 1) ? json("douze") : json(12.5);
      case T::Checkbox: return pick(0, 1) ? json("1") : json(1);
      case T::Multiselect:
      case T::Scopes:
      case T::Document: return pick(0, 1) ? json("valeur") : json::object();
      default: return pick(0, 1) ? json(12) : json::array({"a"});
    }
  }

  json bad(const Field& f) {
    switch (f.type) {
      case T::Email: return pick(0, 1) ? "jeanne@" : "jeanne dupont@example.fr";
      case T::Phone: return f.mobile && pick(0, 1) ? "0199001234" : "12 34";
      case T::Url: return pick(0, 1) ? "pas une url" : "ftp://example.fr";
      case T::Integer:
        if (f.min && pick(0, 1)) return *f.min - 1;
        if (f.max) return *f.max + 1;
        return pick(0, 1) ? json(-5) : json(9007199254740993.0);
      case T::Date: {
        static const char* kBad[] = {"2025-02-30", "30/06/2025", "2025-6-1", "1800-01-01", "2999-12-31"};
        return kBad[pick(0, 4)];
      }
      case T::Checkbox: return false;
      case T::Select:
      case T::Radio: return f.integer_options ? json(987654) : json("autre_chose");
      case T::Multiselect:
      case T::Scopes: {
        json list = good(f);
        const int r = pick(0, 3);
        if (r == 0 && f.type == T::Scopes && !hidden_.empty()) list.push_back(any(hidden_));
        else if (r == 1 && !list.empty()) list.push_back(list[0]);
        else if (r == 2) return too_long(f);
        else list.push_back(f.integer_options ? json(987654) : json("inexistant"));
        return list;
      }
      case T::Document: {
        json list = json::array();
        if (pick(0, 1)) {
          // Too many files, sometimes one of them bad too (its type error still shows; the others are not checked).
          for (std::int64_t i = 0; i <= f.max_count; ++i) list.push_back(file(f, pick(0, 4) == 0));
        } else {
          list.push_back(file(f, true));
        }
        return list;
      }
      default:
        if (f.pattern && pick(0, 1)) return "abc";
        if (f.max_length && pick(0, 1)) return std::string(static_cast<std::size_t>(*f.max_length + 1), 'e');
        if (f.min_length && *f.min_length > 1) return "x";
        return pick(0, 1) ? "\t\n" : "";
    }
  }

  // A list over the field's bound (formc::model::list_bound): the allowed
  // values first, then distinct made-up ones, 1 to 3 past the bound.
  json too_long(const Field& f) {
    std::vector<std::string> pool = f.type == T::Scopes ? allowed_ : std::vector<std::string>{};
    for (const auto& o : f.options) pool.push_back(o.value);
    const auto bound = static_cast<std::size_t>(*formc::model::list_bound(f, def_));
    const std::size_t n = bound + static_cast<std::size_t>(pick(1, 3));
    json list = json::array();
    for (std::size_t i = 0; i < n; ++i) list.push_back(i < pool.size() ? pool[i] : "element_" + std::to_string(i));
    return list;
  }

  void mutate(json& doc) {
    const auto& f = *any(fields_);
    switch (pick(0, 9)) {
      case 0: doc.erase(f.name); break;
      case 1: doc[f.name] = pick(0, 1) ? "" : " \t"; break;
      case 2: doc[f.name] = nullptr; break;
      case 3: doc[f.name] = wrong_type(f); break;
      case 4:
      case 5:
      case 6: doc[f.name] = bad(f); break;
      case 7: doc[pick(0, 1) ? "champ_inconnu" : "Intitule"] = "x"; break;
      case 8: doc[pick(0, 1) ? "terms_of_service_accepted" : "data_protection_officer_informed"] = pick(0, 1) ? json(false) : json("true"); break;
      default: {
        // The scopes field, when there is one, gets the most attention.
        for (const auto* g : fields_)
          if (g->type == T::Scopes) {
            doc[g->name] = bad(*g);
            return;
          }
        doc[f.name] = bad(f);
      }
    }
  }

  const formc::model::Definition& def_;
  std::mt19937 rng_;
  std::vector<const Field*> fields_;
  std::vector<std::string> allowed_, hidden_;
};

bool load(formc::driver::Session& session) {
  if (!session.load()) {
    session.print_diagnostics();
    return false;
  }
  return true;
}

formc::driver::CommonOptions options_for(const char* library, const char* root) {
  formc::driver::CommonOptions options;
  options.library = library;
  options.paths = {root};
  return options;
}

int generate(char** argv) {
  formc::driver::Session session(options_for(argv[2], argv[3]));
  if (!load(session)) return 1;
  const int per_form = std::stoi(argv[4]);
  const std::uint32_t seed = static_cast<std::uint32_t>(std::stoul(argv[5]));
  std::ofstream docs(argv[6], std::ios::binary);
  json forms = json::array();
  for (const auto& def : session.module().definitions) {
    json gaps = json::array();
    for (const auto& g : formc::gen::json_schema::schema_gaps(def)) gaps.push_back(g.message);
    for (const auto* form : session.module().forms_of(def.id)) {
      forms.push_back({{"uid", form->uid}, {"definition", def.id}, {"gaps", gaps}});
      // Seeded by the form uid (FNV-1a, stable across platforms) and SEED.
      std::uint32_t h = 2166136261u ^ seed;
      for (unsigned char c : form->uid) h = (h ^ c) * 16777619u;
      DocGen gen(def, *form, h);
      for (int n = 0; n < per_form; ++n) docs << form->uid << '\t' << gen.next(n).dump() << '\n';
    }
  }
  std::ofstream(argv[7], std::ios::binary) << forms.dump(1) << '\n';
  return docs ? 0 : 1;
}

template <class E>
json sorted_pairs(const std::vector<E>& errors) {
  std::vector<std::pair<std::string, std::string>> v;
  for (const auto& e : errors) v.emplace_back(e.field, e.code);
  std::sort(v.begin(), v.end());
  json out = json::array();
  for (const auto& [f, c] : v) out.push_back({f, c});
  return out;
}

int verdicts(char** argv) {
  formc::driver::Session session(options_for(argv[2], argv[3]));
  if (!load(session)) return 1;
  int y = 0, m = 0, d = 0;
  if (std::sscanf(argv[4], "%d-%d-%d", &y, &m, &d) != 3) return 2;
  const formc::rt::Date today = formc::rt::date(y, m, d);
  formc::rt::Context cpp_context = formc::rt::Context::submit();
  cpp_context.today = today;
  const auto interp_context = *formc::validate::Context::parse("submit");

  // uid -> (class, FormInfo, Definition, Form)
  struct Target {
    const formc_test::GeneratedClass* cls = nullptr;
    const formc::rt::FormInfo* info = nullptr;
    const formc::model::Definition* def = nullptr;
    const formc::model::Form* form = nullptr;
  };
  std::map<std::string, Target, std::less<>> targets;
  for (const auto& c : formc_test::generated_classes()) {
    const auto* def = [&]() -> const formc::model::Definition* {
      for (const auto& x : session.module().definitions)
        if (x.id == c.definition_id) return &x;
      return nullptr;
    }();
    if (!def) {
      std::cerr << "no definition " << c.definition_id << " in the IR\n";
      return 1;
    }
    const auto forms = session.module().forms_of(def->id);
    for (std::size_t i = 0; i < forms.size(); ++i) targets[forms[i]->uid] = {&c, &c.forms()[i], def, forms[i]};
  }

  std::ifstream in(argv[5], std::ios::binary);
  std::ofstream out(argv[6], std::ios::binary);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    const std::string_view uid(line.data(), tab), text(line.data() + tab + 1, line.size() - tab - 1);
    const auto it = targets.find(uid);
    if (it == targets.end()) {
      std::cerr << "unknown form " << uid << "\n";
      return 1;
    }
    const auto& t = it->second;
    const auto generated = t.cls->validate_json_text(text, cpp_context, *t.info);
    std::string problem;
    const auto interpreted = formc::validate::validate(*t.def, *t.form, json::parse(text), interp_context, today, problem);
    if (!interpreted) {
      std::cerr << "interpreter: " << problem << "\n";
      return 1;
    }
    out << json{{"cpp", sorted_pairs(generated.errors)}, {"interp", sorted_pairs(*interpreted)}}.dump() << '\n';
    ++n;
  }
  std::cerr << "differential_runner: " << n << " documents validated by the generated C++ and the interpreter\n";
  return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "generate" && argc == 8) return generate(argv);
  if (mode == "verdicts" && argc == 7) return verdicts(argv);
  std::cerr << "usage: differential_runner generate LIBRARY ROOT PER_FORM SEED DOCS FORMS\n"
               "       differential_runner verdicts LIBRARY ROOT TODAY DOCS OUT\n";
  return 2;
}
