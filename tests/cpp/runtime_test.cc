// formc_runtime on its own: the JSON text reader against nlohmann (same
// language, same values), the writers, InputErrors and the messages.
#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/abi.h"
#include "formc/runtime/checks.h"
#include "formc/runtime/json_io.h"
#include "formc/runtime/messages.h"
#include "formc/runtime/strings.h"
#include "formc/runtime/validation.h"

FORMC_RUNTIME_REQUIRE_ABI(1);

using formc::rt::Error;
using formc::rt::InputErrors;
using formc::rt::Shape;
using formc::rt::Slot;

namespace {

// One member of each shape.
struct Record {
  std::optional<std::string> text;
  std::optional<std::int64_t> number;
  std::optional<bool> flag;
  std::optional<formc::rt::Date> day;
  std::vector<std::string> list;
  std::vector<formc::rt::Document> files;
  InputErrors errors;
  friend bool operator==(const Record&, const Record&) = default;
};

constexpr Slot kSlots[] = {
    {"text", "Texte", Shape::Text, InputErrors::When::Always},
    {"number", "Nombre", Shape::Integer, InputErrors::When::Always},
    {"flag", "", Shape::Boolean, InputErrors::When::WithDocument},
    {"day", "Jour", Shape::Date, InputErrors::When::Always},
    {"list", "Liste", Shape::TextList, InputErrors::When::Always},
    {"files", "Fichiers", Shape::Documents, InputErrors::When::Always},
};

int find_slot(std::string_view key) noexcept {
  for (int i = 0; i < 6; ++i) {
    if (kSlots[i].name == key) return i;
  }
  return -1;
}

struct TestBinding {
  explicit TestBinding(Record& r) : pointers{&r.text, &r.number, &r.flag, &r.day, &r.list, &r.files} {}
  formc::rt::Binding binding(bool* seen = nullptr) const { return {kSlots, &find_slot, pointers, seen}; }
  std::array<void*, 6> pointers;
};

struct Read {
  bool ok = false;
  Record record;
  std::vector<Error> errors;  // document-level (sorted) then per slot
};

std::vector<Error> ordered(const Record& r) {
  std::vector<Error> out;
  r.errors.report_document(out);
  for (int i = 0; i < 6; ++i) r.errors.report(i, true, out);
  return out;
}

Read read_text(const std::string& text) {
  Read out;
  const TestBinding b(out.record);
  out.ok = formc::rt::read_json_text(text, b.binding(), out.record.errors);
  out.errors = ordered(out.record);
  out.record.errors.clear();
  return out;
}

Read read_dom(const std::string& text) {
  Read out;
  if (!nlohmann::json::accept(text)) return out;
  out.ok = true;
  const TestBinding b(out.record);
  formc::rt::read_json_value(nlohmann::json::parse(text), b.binding(), out.record.errors);
  out.errors = ordered(out.record);
  out.record.errors.clear();
  return out;
}

void same(const std::string& text) {
  INFO("input: " << text);
  const Read a = read_text(text);
  const Read b = read_dom(text);
  REQUIRE(a.ok == b.ok);
  if (!a.ok) return;
  CHECK(a.record == b.record);
  CHECK(a.errors == b.errors);
}

// Random JSON, biased towards what the reader special-cases.
class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}

  std::string document() {
    std::string out = "{";
    const int n = pick(0, 7);
    static const char* kKeys[] = {"text", "number", "flag", "day", "list", "files", "other", "t\\u0065xt", "number"};
    for (int i = 0; i < n; ++i) {
      if (i) out += ",";
      out += ws() + "\"" + kKeys[pick(0, 8)] + "\"" + ws() + ":" + ws() + value(0) + ws();
    }
    return out + "}";
  }

  std::string mutate(std::string s) {
    const int edits = pick(1, 3);
    for (int i = 0; i < edits && !s.empty(); ++i) {
      const auto at = static_cast<std::size_t>(pick(0, static_cast<int>(s.size()) - 1));
      static const char kBytes[] = "{}[]\",:\\0123456789eE.-+ tfnu\x80\xc3\xff";
      const char c = kBytes[pick(0, sizeof(kBytes) - 2)];
      switch (pick(0, 2)) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(at, 1, c); break;
        default: s[at] = c;
      }
    }
    return s;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string ws() {
    static const char* kWs[] = {"", "", " ", "\n\t", "\r\n  "};
    return kWs[pick(0, 4)];
  }
  std::string string() {
    static const char* kStrings[] = {"\"\"", "\"abc\"", "\"  \"", "\"2024-02-29\"", "\"2023-02-29\"", "\"0000-01-01\"",
                                     "\"été\"", "\"\\u00e9t\\u00E9\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
                                     "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\"", "\"\\x\"", "\"tab\there\"", "\"\xc3\xa9\"",
                                     "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\\u0000\"", "\"application/pdf\""};
    return kStrings[pick(0, 17)];
  }
  std::string number() {
    static const char* kNumbers[] = {"0", "-0", "36", "36.0", "36.5", "-12", "1e2", "1E+2", "2.5e-1", "9007199254740991",
                                     "9007199254740992", "9223372036854775807", "9223372036854775808",
                                     "18446744073709551615", "18446744073709551616", "-9223372036854775808",
                                     "-9223372036854775809", "1e400", "1e-400", "-1e400", "0.0000001e-400",
                                     "01", "1.", ".5", "-", "1e", "123456789012345678901234567890"};
    return kNumbers[pick(0, 26)];
  }
  std::string value(int depth) {
    switch (pick(0, depth > 3 ? 3 : 6)) {
      case 0: return string();
      case 1: return number();
      case 2: {
        static const char* kLiterals[] = {"true", "false", "null", "tru", "nul"};
        return kLiterals[pick(0, 4)];
      }
      case 3: return pick(0, 1) ? string() : number();
      case 4: {
        std::string out = "[" + ws();
        const int n = pick(0, 3);
        for (int i = 0; i < n; ++i) out += (i ? "," : "") + ws() + value(depth + 1) + ws();
        return out + "]";
      }
      case 5: {
        // A document-like object.
        std::string out = "{";
        static const char* kKeys[] = {"name", "content_type", "size", "extra"};
        const int n = pick(0, 4);
        for (int i = 0; i < n; ++i) out += std::string(i ? "," : "") + "\"" + kKeys[pick(0, 3)] + "\":" + value(depth + 1);
        return out + "}";
      }
      default: {
        std::string out = "[";
        const int n = pick(0, 3);
        for (int i = 0; i < n; ++i) {
          out += std::string(i ? "," : "") + "{\"name\":" + string() + ",\"content_type\":\"application/pdf\",\"size\":" + number() + "}";
        }
        return out + "]";
      }
    }
  }

  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("the text reader fills members like the DOM reader") {
  same(R"({"text": "Bonjour", "number": 42, "flag": true, "day": "2024-02-29", "list": ["a", "b"],
           "files": [{"name": "a.pdf", "content_type": "application/pdf", "size": 12}]})");
  same(R"({"text": null, "number": 36.0, "flag": null, "day": "", "list": null, "files": null})");
  same(R"({"text": 1, "number": "1", "flag": "1", "day": 20240229, "list": "a", "files": {}})");
  same(R"({"list": ["a", 1], "files": [{"name": "a"}], "day": "2023-02-29", "other": {"x": [1, {"y": null}]}})");
  same(R"({"text": "a", "text": 2, "number": 1, "number": 2, "other": 1, "other": 2})");
  same("\xEF\xBB\xBF{\"text\": \"bom\"}");
  same(R"([1, 2])");
  same(R"("just a string")");
}

TEST_CASE("malformed documents are a type error and keep what expr::read_field reads") {
  using formc::rt::Document;
  const std::vector<std::pair<std::string, std::vector<Document>>> cases = {
      // an entry missing `size`: the entry stays, with size 0
      {R"({"files": [{"name": "a.pdf", "content_type": "application/pdf"}]})", {{"a.pdf", "application/pdf", 0}}},
      // a closed object: an extra key is a type error, the entry stays
      {R"({"files": [{"name": "a", "content_type": "t", "size": 3, "x": 1}]})", {{"a", "t", 3}}},
      // ill-typed keys read as "" and 0 (last key wins)
      {R"({"files": [{"name": 1, "content_type": "t", "size": "3"}, {"name": "b", "name": null, "size": 2}]})",
       {{"", "t", 0}, {"", "", 2}}},
      // an entry that is not an object: the empty list
      {R"({"files": [{"name": "a", "content_type": "t", "size": 3}, 1]})", {}},
  };
  for (const auto& [text, files] : cases) {
    INFO("input: " << text);
    same(text);
    const Read r = read_text(text);
    CHECK(r.record.files == files);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "files");
    CHECK(r.errors[0].code == "type");
  }
}

TEST_CASE("a blank date is absent, a non-blank invalid one is format_date") {
  for (const char* text : {R"({"day": ""})", R"({"day": " \t\n"})"}) {
    INFO("input: " << text);
    same(text);
    const Read r = read_text(text);
    CHECK_FALSE(r.record.day.has_value());
    CHECK(r.errors.empty());
  }
  const Read r = read_text(R"({"day": " 2024-01-01"})");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == "format_date");
}

TEST_CASE("the text reader accepts exactly what nlohmann accepts") {
  for (const char* bad : {"", "{", "}", "{\"text\":}", "{\"text\" \"a\"}", "{\"text\":\"a\",}", "{\"text\":\"a\"} x",
                          "{'text':'a'}", "{\"text\":\"\\ud800\"}", "{\"text\":\"\\udc00\"}", "{\"number\":01}",
                          "{\"number\":1e400}", "{\"text\":\"\x01\"}", "{\"text\":\"\xc0\xaf\"}", "[1,]", "nul", "{\"a\":[}"}) {
    same(bad);
    CHECK_FALSE(read_text(bad).ok);
  }
  Gen gen(20261121);
  for (int i = 0; i < 20000; ++i) {
    const std::string doc = gen.document();
    same(doc);
    same(gen.mutate(doc));
  }
}

TEST_CASE("reading into a reused object empties what the new document does not set") {
  Record r;
  const TestBinding b(r);
  std::array<bool, 6> seen{};
  REQUIRE(formc::rt::read_json_text(R"({"text": "a long enough text to allocate", "number": 1, "list": ["x"]})",
                                    b.binding(seen.data()), r.errors));
  formc::rt::reset_unseen(b.binding(seen.data()));
  seen = {};
  REQUIRE(formc::rt::read_json_text(R"({"text": "shorter", "flag": true})", b.binding(seen.data()), r.errors));
  formc::rt::reset_unseen(b.binding(seen.data()));
  CHECK(r.text == "shorter");
  CHECK_FALSE(r.number.has_value());
  CHECK(r.list.empty());
  CHECK(r.flag == true);
}

TEST_CASE("both readers report a repeated unknown key once") {
  for (const auto& read : {read_text, read_dom}) {
    const Read r = read(R"({"zeta": 1, "alpha": 2, "zeta": 3, "text": "x"})");
    REQUIRE(r.ok);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].field == "alpha");
    CHECK(r.errors[1].field == "zeta");
    CHECK(r.errors[1].code == "unknown_field");
  }
}

TEST_CASE("many unknown keys and repeated known keys are read in linear time") {
  // 40,000 unknown keys, then 40,000 repeats of a known key (each repeat
  // forgets the previous value's errors): quadratic before, when unknown
  // keys sat among the field errors that every repeat walked.
  std::string text = "{";
  for (int i = 0; i < 40000; ++i) text += "\"k" + std::to_string(i) + "\": 1, ";
  for (int i = 0; i < 40000; ++i) text += "\"number\": \"not a number\", ";
  text += "\"text\": \"x\"}";
  const Read r = read_text(text);
  REQUIRE(r.ok);
  std::size_t unknown = 0, type = 0;
  for (const auto& e : r.errors) {
    if (e.code == "unknown_field") ++unknown;
    if (e.code == "type") ++type;
  }
  CHECK(unknown == 40000);
  CHECK(type == 1);  // the last value of "number" only
}

TEST_CASE("invalid JSON after unknown keys is still one invalid_json error") {
  Record r;
  const TestBinding b(r);
  CHECK_FALSE(formc::rt::read_json_text("{\"zzz\": 1, \"text\": \"a\", \"number\": }", b.binding(), r.errors));
  const auto all = r.errors.all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].code == "invalid_json");
}

TEST_CASE("invalid JSON is one invalid_json error") {
  Record r;
  const TestBinding b(r);
  CHECK_FALSE(formc::rt::read_json_text("{\"text\": \"a\", \"number\": }", b.binding(), r.errors));
  const auto all = r.errors.all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].code == "invalid_json");
  CHECK(all[0].field.empty());
}

TEST_CASE("InputErrors: unknown keys sorted with the document-level ones") {
  InputErrors e;
  e.add_unknown("zeta");
  e.add_unknown("alpha");
  e.add(2, InputErrors::When::WithDocument, Error{"flag", "type", "doit être vrai ou faux."});
  e.add(3, InputErrors::When::IfVisible, Error{"day", "format_date", "x"});
  std::vector<Error> head;
  e.report_document(head);
  REQUIRE(head.size() == 3);
  CHECK(head[0].field == "alpha");
  CHECK(head[1].field == "flag");
  CHECK(head[2].field == "zeta");
  std::vector<Error> hidden, shown;
  e.report(3, false, hidden);
  e.report(3, true, shown);
  CHECK(hidden.empty());
  CHECK(shown.size() == 1);
  e.clear(3);
  CHECK_FALSE(e.has(3));
}

// ---- Checker's list checks: linear, and bounded by the definition -----------------

namespace {

using formc::rt::Checker;

bool is_abc(std::string_view v) { return v == "a" || v == "b" || v == "c"; }

// What Checker::items reported before it used a hash set (it compared every
// item with every earlier one): the reference for which errors, in which order.
std::vector<Error> pairwise_items(const std::vector<std::string>& values, bool (*is_option)(std::string_view)) {
  namespace msg = formc::rt::msg;
  std::vector<Error> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (values[j] == values[i]) {
        out.push_back(Error{"liste", "duplicate", msg::duplicate("Liste", values[i])});
        break;
      }
    }
    if (is_option && !is_option(values[i])) out.push_back(Error{"liste", "not_an_option", msg::not_an_option("Liste", values[i])});
  }
  return out;
}

std::vector<Error> check_items(const std::vector<std::string>& values, bool (*is_option)(std::string_view),
                               std::int64_t max_items = Checker::kNoItemLimit) {
  std::vector<Error> out;
  const InputErrors none;
  Checker(out, none).items("liste", "Liste", values, is_option, max_items);
  return out;
}

std::vector<std::string> distinct_items(std::size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back("element_" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("Checker::items: the same duplicate and option errors, in the same order, as the pairwise scan") {
  std::mt19937 rng(20260115);
  const std::vector<std::string> alphabet = {"a", "b", "c", "d", "", "é", "a ", "A"};
  // Lengths on both sides of kPairwiseItems (pairwise below, hash set above).
  for (std::size_t n = 0; n <= 3 * Checker::kPairwiseItems; ++n) {
    for (int round = 0; round < 20; ++round) {
      std::vector<std::string> values;
      const std::size_t letters = 1 + static_cast<std::size_t>(round) % alphabet.size();
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = std::uniform_int_distribution<std::size_t>(0, letters - 1)(rng);
        values.push_back(round % 5 == 4 ? "x" + std::to_string(k * 7 + i % 3) : alphabet[k]);
      }
      INFO("n=" << n << " round=" << round);
      CHECK(check_items(values, &is_abc) == pairwise_items(values, &is_abc));
      CHECK(check_items(values, nullptr) == pairwise_items(values, nullptr));
    }
  }
  // The first occurrence is not flagged; every later one is, then its option error.
  const auto errors = check_items({"a", "z", "a", "z", "a"}, &is_abc);
  REQUIRE(errors.size() == 5);
  CHECK(errors[0].code == "not_an_option");
  CHECK(errors[1].code == "duplicate");
  CHECK(errors[2].code == "duplicate");
  CHECK(errors[3].code == "not_an_option");
  CHECK(errors[4].code == "duplicate");
}

TEST_CASE("a list longer than its bound is one too_many_items and its items are not checked") {
  CHECK(check_items({"a", "b", "c"}, &is_abc, 3).empty());
  const auto over = check_items({"a", "a", "z", "b"}, &is_abc, 3);
  REQUIRE(over.size() == 1);
  CHECK(over[0].field == "liste");
  CHECK(over[0].code == "too_many_items");
  CHECK(over[0].message == "« Liste » : au plus 3 éléments.");

  // 80,000 distinct items: one error (the bound), or none without options nor bound (the hash set).
  const auto many = distinct_items(80000);
  CHECK(check_items(many, &is_abc, 3).size() == 1);
  CHECK(check_items(many, nullptr).empty());
  auto repeated = many;
  repeated.push_back("element_0");
  const auto one_repeat = check_items(repeated, nullptr);
  REQUIRE(one_repeat.size() == 1);
  CHECK(one_repeat[0].code == "duplicate");
}

TEST_CASE("scopes: at most one item per definition scope, then one too_many_items") {
  static constexpr bool kAllowed[] = {true, false};  // two definition scopes, the second not offered
  auto index = [](std::string_view v) { return v == "idnat" ? 0 : v == "rpps" ? 1 : -1; };
  auto check = [&](const std::vector<std::string>& values) {
    std::vector<Error> out;
    const InputErrors none;
    Checker(out, none).scopes("scopes", "Les données", values, +index, kAllowed);
    return out;
  };
  CHECK(check({"idnat"}).empty());
  const auto two = check({"idnat", "idnat"});
  REQUIRE(two.size() == 1);
  CHECK(two[0].code == "duplicate");
  const auto hidden = check({"rpps"});
  REQUIRE(hidden.size() == 1);
  CHECK(hidden[0].code == "not_an_option");
  const auto three = check({"idnat", "rpps", "x"});
  REQUIRE(three.size() == 1);
  CHECK(three[0].code == "too_many_items");
  CHECK(three[0].message == "« Les données » : au plus 2 éléments.");
  CHECK(check(distinct_items(80000)).size() == 1);
}

TEST_CASE("documents over max_count: one too_many_files, the files are not checked one by one") {
  static constexpr std::string_view kPdf[] = {"application/pdf"};
  auto check = [](const std::vector<formc::rt::Document>& files) {
    std::vector<Error> out;
    const InputErrors none;
    Checker(out, none).documents("pieces", "Pièces", files, /*max_count=*/6, /*max_size=*/100, kPdf);
    return out;
  };
  const formc::rt::Document bad{"x.exe", "application/x-msdownload", 1000};
  CHECK(check(std::vector<formc::rt::Document>(2, bad)).size() == 4);  // within the count: each file's size and type
  const auto over = check(std::vector<formc::rt::Document>(80000, bad));
  REQUIRE(over.size() == 1);
  CHECK(over[0].code == "too_many_files");
  CHECK(over[0].message == "« Pièces » accepte au plus 6 fichier(s).");
}

TEST_CASE("writers print compact JSON that nlohmann reads back") {
  std::string out;
  formc::rt::JsonTextWriter w(out);
  w.begin();
  w.put("a", std::optional<std::string>("é\"\\\n\x01 \xff"));
  w.put("b", std::optional<std::int64_t>(-5));
  w.put("c", std::optional<bool>());
  w.put("d", std::optional<formc::rt::Date>(formc::rt::date(2024, 2, 29)));
  w.put("e", std::vector<std::string>{"x", "y"});
  w.put("f", std::vector<formc::rt::Document>{{"a.pdf", "application/pdf", 3}});
  w.end();
  const auto j = nlohmann::json::parse(out);
  CHECK(j["a"] == "é\"\\\n\x01 \xEF\xBF\xBD");
  CHECK(j["b"] == -5);
  CHECK_FALSE(j.contains("c"));
  CHECK(j["d"] == "2024-02-29");
  CHECK(j["e"] == nlohmann::json::array({"x", "y"}));
  CHECK(j["f"][0]["size"] == 3);
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  formc::rt::put(o, "a", std::optional<std::string>("\xff"));
  CHECK_NOTHROW(o.dump());
}

TEST_CASE("strings: code points, presence, quoting, UTF-8") {
  CHECK(formc::rt::code_points("été") == 3);
  CHECK(formc::rt::code_points("😀") == 1);
  CHECK_FALSE(formc::rt::has_text(" \t\n\v\f\r"));
  CHECK(formc::rt::has_text("\u00a0x"));
  CHECK_FALSE(formc::rt::has_text(std::optional<std::string>()));
  CHECK(formc::rt::quote("a\nb") == "'a\\nb'");
  CHECK(formc::rt::quote(std::string(70, 'x')) == "'" + std::string(60, 'x') + "…'");
  CHECK(formc::rt::is_valid_utf8("été 😀"));
  CHECK_FALSE(formc::rt::is_valid_utf8("\xc3"));
  CHECK_FALSE(formc::rt::is_valid_utf8("\xed\xa0\x80"));
}

TEST_CASE("contexts parse and print as formc validate writes them") {
  CHECK(formc::rt::Context::parse("draft")->kind == formc::rt::Context::Kind::Draft);
  CHECK(formc::rt::Context::parse("submit")->kind == formc::rt::Context::Kind::Submit);
  const auto step = formc::rt::Context::parse("step:legal");
  REQUIRE(step);
  CHECK(step->step == "legal");
  CHECK(step->to_string() == "step:legal");
  CHECK_FALSE(formc::rt::Context::parse("step:").has_value());
  CHECK_FALSE(formc::rt::Context::parse("review").has_value());
  formc::rt::Context fixed = formc::rt::Context::submit();
  fixed.today = formc::rt::date(2025, 1, 2);
  formc::rt::LazyToday today(fixed);
  CHECK(today() == formc::rt::date(2025, 1, 2));
}

TEST_CASE("messages use DataPass's wording") {
  namespace msg = formc::rt::msg;
  CHECK(msg::required("Nom") == "« Nom » doit être rempli(e).");
  CHECK(msg::format_url("URL") == "« URL » n'est pas un lien valide.");
  CHECK(msg::format_phone("Tél", false) == "« Tél » doit être un numéro de téléphone français. Exemple : 0199001234 ou +33199001234.");
  CHECK(msg::not_an_option("Type", "x") == "« Type » : 'x' ne fait pas partie des choix possibles.");
  CHECK(msg::file_too_large("Doc") == "« Doc » : un fichier dépasse la taille maximale.");
  CHECK(msg::too_many_items("Données", 2) == "« Données » : au plus 2 éléments.");
  CHECK(msg::too_many_items("Choix", 1) == "« Choix » : au plus 1 élément.");
  CHECK(msg::type("", "vrai ou faux") == "doit être vrai ou faux.");
}
