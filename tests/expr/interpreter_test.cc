// The interpreter and the JSON reading rules (most semantics are pinned by
// cases.json; these are the parts a table does not show well).
#include <catch2/catch.hpp>

#include "test_support.h"

namespace formc::expr {
namespace {

using testing::compile_text;
using json = nlohmann::json;

const rt::Date kToday = rt::date(2024, 6, 15);

Value run(std::string_view text, const json& doc, Type expected = Type::any()) {
  const auto c = compile_text(text, expected);
  INFO(text << ": " << c->first());
  REQUIRE(c->expr);
  return evaluate(*c->expr, doc, kToday);
}

TEST_CASE("read_field: the JSON reading rules") {
  const json doc = json::parse(R"({
    "s": "x", "i": 36, "f": 36.0, "g": 36.5, "big": 9007199254740992, "neg": -9007199254740991,
    "b": true, "d": "2024-02-29", "bad_d": "2023-02-29", "l": ["a", "b"], "mixed": ["a", 1],
    "docs": [{"name": "a.pdf", "content_type": "application/pdf", "size": 12}], "n": null })");
  CHECK(read_field(doc, "s", Type::string()) == Value::string("x"));
  CHECK(read_field(doc, "i", Type::integer()) == Value::integer(36));
  CHECK(read_field(doc, "f", Type::integer()) == Value::integer(36));
  CHECK(read_field(doc, "g", Type::integer()).is_null());
  CHECK(read_field(doc, "big", Type::integer()).is_null());
  CHECK(read_field(doc, "neg", Type::integer()) == Value::integer(-9007199254740991));
  CHECK(read_field(doc, "s", Type::integer()).is_null());
  CHECK(read_field(doc, "b", Type::boolean()) == Value::boolean(true));
  CHECK(read_field(doc, "i", Type::boolean()).is_null());
  CHECK(read_field(doc, "d", Type::date()) == Value::date(rt::date(2024, 2, 29)));
  CHECK(read_field(doc, "bad_d", Type::date()).is_null());
  CHECK(read_field(doc, "l", Type::list(Type::Kind::String)) ==
        Value::list({Value::string("a"), Value::string("b")}));
  CHECK(read_field(doc, "mixed", Type::list(Type::Kind::String)) == Value::list({}));
  CHECK(read_field(doc, "missing", Type::list(Type::Kind::String)) == Value::list({}));
  CHECK(read_field(doc, "docs", Type::document()) ==
        Value::documents({rt::Document{"a.pdf", "application/pdf", 12}}));
  CHECK(read_field(doc, "n", Type::string()).is_null());
  CHECK(read_field(json::array({1}), "s", Type::string()).is_null());  // not an object: every field is null
}

TEST_CASE("interpreter: a boolean result is never null") {
  CHECK(run("operational_acceptance_done", json::object(), Type::boolean()) == Value::boolean(false));
  CHECK(run("operational_acceptance_done", json{{"operational_acceptance_done", true}}) == Value::boolean(true));
}

TEST_CASE("interpreter: values render as JSON") {
  CHECK(run("date(\"2024-01-31\") + 1", json::object()).to_json() == "2024-02-01");
  CHECK(run("7 / 2", json::object()).to_json() == 3.5);
  CHECK(run("scopes", json{{"scopes", {"a"}}}).to_json() == json::array({"a"}));
  CHECK(run("cadre_juridique_document", json{{"cadre_juridique_document", {{{"name", "a"}}}}}).to_string() ==
        R"([{"content_type":"","name":"a","size":0}])");
  CHECK(run("nombre_1 + 1", json::object()).to_string() == "null");
}

TEST_CASE("interpreter: evaluate_node evaluates one subtree") {
  const auto c = compile_text("nombre_1 > 1 + 2");
  REQUIRE(c->expr);
  const Ast& ast = c->expr->ast();
  const NodeId sum = ast.child(ast.root(), 1);
  CHECK(evaluate_node(*c->expr, sum, json::object(), kToday) == Value::integer(3));
}

TEST_CASE("interpreter: 100,000-term expressions evaluate without recursion") {
  std::string sum = "nombre_1";
  std::string ors = "nombre_1 == 0";
  for (int i = 1; i < 100000; ++i) {
    sum += " + 1";
    ors += " or nombre_1 == " + std::to_string(i);
  }
  CHECK(run(sum, json{{"nombre_1", 1}}) == Value::integer(100000));
  CHECK(run(ors, json{{"nombre_1", 99999}}) == Value::boolean(true));
  CHECK(run(ors, json{{"nombre_1", 100000}}) == Value::boolean(false));
}

}  // namespace
}  // namespace formc::expr
