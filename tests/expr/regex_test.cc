// formc::rt::Regex: the portable subset, its canonical form, and a matcher
// that cannot backtrack catastrophically or overflow the stack.
#include <chrono>

#include <catch2/catch.hpp>

#include "formc/runtime/expr_regex.h"

namespace formc::rt {
namespace {

std::string canonical(std::string_view p) {
  const Regex re(p);
  return re.ok() ? re.canonical() : "error: " + re.error();
}
bool search(std::string_view p, std::string_view s) {
  const Regex re(p);
  REQUIRE(re.ok());
  return re.search(s);
}

TEST_CASE("regex: the canonical form spells out classes and escapes syntax characters") {
  CHECK(canonical("^\\d{5}$") == "^[0-9]{5}$");
  CHECK(canonical("\\w+@\\w+") == "[0-9A-Z_a-z]+@[0-9A-Z_a-z]+");
  CHECK(canonical("\\s\\S\\D\\W") == "[\\t-\\r ][^\\t-\\r ][^0-9][^0-9A-Z_a-z]");
  CHECK(canonical("[\\d.-]") == "[0-9.\\-]");
  CHECK(canonical("(ab|cd)+") == "(?:ab|cd)+");
  CHECK(canonical("a*?b+?c??d{2}?") == "a*b+c?d{2}");
  CHECK(canonical("a{2,}b{1,3}") == "a{2,}b{1,3}");
  CHECK(canonical("\\.\\/\\-\\(\\)\\[\\]\\{\\}\\|\\^\\$\\*\\+\\?\\\\") == "\\.\\/-\\(\\)\\[\\]\\{\\}\\|\\^\\$\\*\\+\\?\\\\");
  CHECK(canonical("[\\]\\[\\\\^-]") == "[\\]\\[\\\\\\^\\-]");
  CHECK(canonical("\\t\\n\\r\\f\\v") == "\\t\\n\\r\\f\\v");
  CHECK(canonical("é😀") == "é😀");
  CHECK(canonical("a\x01") == "a\\u0001");
  CHECK(canonical("") == "");
  CHECK(canonical("a|") == "a|");
  CHECK(canonical("()") == "(?:)");
  CHECK(Regex::escape_literal("a.b*(c)/é") == "a\\.b\\*\\(c\\)\\/é");
}

TEST_CASE("regex: constructs outside the portable subset are rejected with a reason") {
  CHECK(canonical("\\Ahttps\\z") == "error: \\A, \\z and \\Z are Ruby anchors; use ^ and $");
  CHECK(canonical("(?=a)") == "error: only plain groups (...) and (?:...) are supported (no lookaround, no named groups)");
  CHECK(canonical("(?<n>a)") == canonical("(?=a)"));
  CHECK(canonical("\\b") .rfind("error: unsupported escape '\\b'", 0) == 0);
  CHECK(canonical("\\1").rfind("error: unsupported escape", 0) == 0);
  CHECK(canonical("\\u00e9").rfind("error: unsupported escape", 0) == 0);
  CHECK(canonical("\\x41").rfind("error: unsupported escape", 0) == 0);
  CHECK(canonical("a{") == "error: '{' must be escaped as '\\{' when it is not a repetition {n,m}");
  CHECK(canonical("{") == "error: '{' must be escaped as '\\{'");
  CHECK(canonical("a}") == "error: '}' must be escaped");
  CHECK(canonical("a]") == "error: ']' must be escaped");
  CHECK(canonical("a{3,2}") == "error: repetition {n,m} with m smaller than n");
  CHECK(canonical("a{2,x}") == "error: malformed repetition {n,m}");
  CHECK(canonical("a{1001}") == "error: repetition count above 1000");
  CHECK(canonical("*a") == "error: nothing to repeat");
  CHECK(canonical("^*") == "error: nothing to repeat");
  CHECK(canonical("a**") == "error: nothing to repeat (a quantifier cannot follow another; use a group)");
  CHECK(canonical("(a") == "error: unmatched '('");
  CHECK(canonical("a)") == "error: unmatched ')'");
  CHECK(canonical("[a") == "error: unterminated character class");
  CHECK(canonical("[]") == "error: empty character class");
  CHECK(canonical("[z-a]") == "error: character range out of order");
  CHECK(canonical("[\\d-z]") == "error: a range cannot start or end with a class escape");
  CHECK(canonical("[a-\\d]") == "error: a range cannot start or end with a class escape");
  CHECK(canonical("[\\D]") == "error: negated class escapes (\\D \\W \\S) are not supported inside [...]");
  CHECK(canonical("[[]") == "error: '[' inside a character class must be escaped as '\\['");
  CHECK(canonical("a\\") == "error: pattern ends with a lone backslash");
  CHECK(canonical(std::string(65, '(') + std::string(65, ')')) == "error: groups nested too deeply");
  CHECK(canonical("((a{1000}){1000}){1000}") == "error: pattern too large once repetitions are expanded");
  CHECK(canonical("a\xFF") == "error: invalid UTF-8");
  const Regex bad("ab(?=c)");
  CHECK(bad.error_offset() == 2);
  CHECK_FALSE(bad.search("abc"));  // a rejected pattern never matches
}

TEST_CASE("regex: search semantics") {
  CHECK(search("b", "abc"));
  CHECK_FALSE(search("^b", "abc"));
  CHECK(search("c$", "abc"));
  CHECK_FALSE(search("b$", "abc\n"));  // $ is the end of the string only
  CHECK(search("", ""));
  CHECK(search("^$", ""));
  CHECK_FALSE(search("^$", "a"));
  CHECK(search("^.$", "\xF0\x9F\x98\x80"));  // one code point
  CHECK_FALSE(search(".", "\n"));
  CHECK_FALSE(search(".", "\r"));
  CHECK_FALSE(search(".", "\xE2\x80\xA8"));  // U+2028
  CHECK(search("^[^a]$", "\xC3\xA9"));
  CHECK(search("^\\W$", "\xC3\xA9"));
  CHECK(search("^(a|ab)(c|bcd)(d*)$", "abcd"));
  CHECK(search("^(a*)*$", "aaaa"));
  CHECK(search("^(?:)*$", ""));
  CHECK(search("^a{0}$", ""));
  CHECK(search("^x{2,3}y?$", "xxxy"));
  CHECK_FALSE(search("^x{2,3}y?$", "xxxxy"));
  CHECK(search("^[a-c]+$", "abcabc"));
  CHECK(search("\xC3\xA9", "caf\xC3\xA9"));
  CHECK(search("^\xEF\xBF\xBD$", "\xFF"));  // an invalid byte reads as U+FFFD
}

TEST_CASE("regex: linear time and no recursion on long subjects") {
  const std::string as(1'000'000, 'a');
  CHECK(search("^(a|aa)*$", as));
  CHECK_FALSE(search("^(a+)+b$", as));  // exponential for a backtracking engine
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(search("^(a*)*(a*)*(a*)*c$", std::string(20'000, 'a')));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

}  // namespace
}  // namespace formc::rt
