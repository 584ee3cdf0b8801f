// The interpreter on every case of cases.json (the C++ and JavaScript targets
// are checked on the same table by expr_cases_cpp and check_cases.js).
#include <fstream>

#include <catch2/catch.hpp>

#include "test_support.h"

namespace formc::expr {
namespace {

nlohmann::json load_cases() {
  std::ifstream in(FORMC_EXPR_CASES);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

TEST_CASE("cases.json: the interpreter produces every expected value") {
  const nlohmann::json table = load_cases();
  const auto today = rt::parse_date(table.at("today").get<std::string>());
  REQUIRE(today);
  REQUIRE(table.at("cases").size() >= 200);
  std::size_t index = 0;
  for (const auto& c : table.at("cases")) {
    ++index;
    const std::string text = c.at("expr").get<std::string>();
    INFO("case " << index << ": " << text << "  doc " << c.at("doc").dump());
    const auto compiled = testing::compile_text(text, Type::any());
    INFO(compiled->first());
    REQUIRE(compiled->expr);
    const Value v = evaluate(*compiled->expr, c.at("doc"), *today);
    // nlohmann compares numbers by value across integer and float storage.
    CHECK(v.to_json() == c.at("expected"));
  }
}

}  // namespace
}  // namespace formc::expr
