// The ANTLR adapter: precedence, literals, syntax errors, limits.
#include <catch2/catch.hpp>

#include "expr/parser.h"
#include "test_support.h"

namespace formc::expr {
namespace {

using testing::sexpr;

struct Parsed {
  support::SourceManager sources;
  support::DiagnosticEngine diags;
  std::optional<Ast> ast;

  std::string tree() const { return ast ? sexpr(*ast) : "<error>"; }
  std::string error() const {
    if (diags.all().empty()) return "<no error>";
    const auto& d = diags.all().front();
    const auto loc = sources.locate(d.span);
    return fmt::format("{}:{} {}: {}", loc.line, loc.column, support::info(d.code).code, d.message);
  }
};

std::unique_ptr<Parsed> parse_text(std::string_view text, ParseOptions options = {}) {
  auto p = std::make_unique<Parsed>();
  const auto file = p->sources.add("<expr>", std::string(text));
  p->ast = parse(text, verbatim_mapper(file), p->diags, options);
  return p;
}

TEST_CASE("parser: precedence from loosest (or) to tightest (unary minus)") {
  CHECK(parse_text("a or b and c")->tree() == "(or a (and b c))");
  CHECK(parse_text("a and b or c")->tree() == "(or (and a b) c)");
  CHECK(parse_text("not a and b")->tree() == "(and (not a) b)");
  CHECK(parse_text("not a == b")->tree() == "(not (== a b))");
  CHECK(parse_text("a == b + c * d")->tree() == "(== a (+ b (* c d)))");
  CHECK(parse_text("a + b * c - d")->tree() == "(- (+ a (* b c)) d)");
  CHECK(parse_text("-a * b")->tree() == "(* (neg a) b)");
  CHECK(parse_text("a % b / c")->tree() == "(/ (% a b) c)");
  CHECK(parse_text("x in [1, 2] or y contains \"z\"")->tree() == "(or (in x (list 1 2)) (contains y \"z\"))");
  CHECK(parse_text("(a or b) and c")->tree() == "(and (or a b) c)");
  CHECK(parse_text("a or b and not c == d + e * -f")->tree() ==
        "(or a (and b (not (== c (+ d (* e (neg f)))))))");
}

TEST_CASE("parser: binary operators associate to the left") {
  CHECK(parse_text("a - b - c")->tree() == "(- (- a b) c)");
  CHECK(parse_text("a / b / c")->tree() == "(/ (/ a b) c)");
  CHECK(parse_text("a or b or c")->tree() == "(or (or a b) c)");
  CHECK(parse_text("- - a")->tree() == "(neg (neg a))");
  CHECK(parse_text("not not a")->tree() == "(not (not a))");
}

TEST_CASE("parser: literals, lists, calls and field names") {
  CHECK(parse_text("[]")->tree() == "(list)");
  CHECK(parse_text("[\"a\", 'b', 1, 2.5, true, false, null]")->tree() ==
        "(list \"a\" \"b\" 1 2.5 true false null)");
  CHECK(parse_text("today()")->tree() == "(today)");
  CHECK(parse_text("matches(x, \"^a$\")")->tree() == "(matches x \"^a$\")");
  CHECK(parse_text("adresse_ligne_2 == _x9")->tree() == "(== adresse_ligne_2 _x9)");
  CHECK(parse_text("AND")->tree() == "AND");  // keywords are case-sensitive
  CHECK(parse_text("  a\n  or\tb\r\n")->tree() == "(or a b)");
}

TEST_CASE("parser: string escapes are decoded") {
  const auto p = parse_text(R"("q\"u\'o\\t\/e\n\t\r \u00e9\u{1F600} é")");
  REQUIRE(p->ast);
  CHECK(p->ast->node(p->ast->root()).text == "q\"u'o\\t/e\n\t\r \xC3\xA9\xF0\x9F\x98\x80 \xC3\xA9");
  CHECK(parse_text("'it\\'s'")->ast->node(0).text == "it's");
}

TEST_CASE("parser: integer and decimal literals") {
  CHECK(parse_text("9007199254740991")->ast->node(0).integer == 9007199254740991);
  CHECK(parse_text("007")->ast->node(0).integer == 7);
  CHECK(parse_text("007.50")->ast->node(0).text == "7.50");
  CHECK(parse_text("00.5")->ast->node(0).text == "0.5");
  CHECK(parse_text("0.1")->ast->node(0).decimal == 0.1);
  CHECK(parse_text("9007199254740992")->error() ==
        "1:1 expr-invalid-literal: integer literal '9007199254740992' is out of range: formc integers are exact "
        "only within ±9007199254740991 (2^53 − 1), like JavaScript numbers");
  CHECK(parse_text("x > 99999999999999999999999")->error().rfind("1:5 expr-invalid-literal", 0) == 0);
  CHECK_FALSE(parse_text(std::string(400, '9') + ".5")->ast);
}

TEST_CASE("parser: bad escapes are reported at the backslash") {
  CHECK(parse_text(R"(x == "ab\qc")")->error() ==
        R"(1:9 expr-invalid-literal: unknown escape '\q' in string literal; valid escapes are \" \' \\ \/ \n \r \t \uXXXX \u{…})");
  CHECK(parse_text(R"("\u12")")->error().rfind("1:2 expr-invalid-literal: malformed \\u escape", 0) == 0);
  CHECK(parse_text(R"("\uD800")")->error().rfind("1:2 expr-invalid-literal: \\u escape of a surrogate", 0) == 0);
  CHECK(parse_text(R"("\u{110000}")")->error().rfind("1:2 expr-invalid-literal: \\u escape beyond", 0) == 0);
  CHECK(parse_text(R"("\u0000")")->error() == "1:2 expr-invalid-literal: a string literal cannot contain a NUL character");
  CHECK(parse_text(std::string("\"a\0b\"", 5))->error() ==
        "1:3 expr-invalid-literal: a string literal cannot contain a NUL character");
  // Every bad escape is reported, not only the first.
  const auto p = parse_text(R"("\q" == "\z")");
  CHECK(p->diags.all().size() == 2);
}

TEST_CASE("parser: syntax errors point at the offending token") {
  CHECK(parse_text("a and")->error() == "1:6 expr-syntax: unexpected end of expression; expected an operand");
  CHECK(parse_text("")->error() == "1:1 expr-syntax: empty expression");
  CHECK(parse_text("   \n ")->error() == "1:1 expr-syntax: empty expression");
  CHECK(parse_text("(a or b")->error() == "1:8 expr-syntax: unexpected end of expression; expected ')'");
  CHECK(parse_text("a b")->error() ==
        "1:3 expr-syntax: unexpected 'b'; expected an operator or the end of the expression");
  CHECK(parse_text("a == )")->error().rfind("1:6 expr-syntax: unexpected ')'", 0) == 0);
  CHECK(parse_text("f(a,)")->error().rfind("1:5 expr-syntax: unexpected ')'", 0) == 0);
  CHECK(parse_text("[1, 2")->error() == "1:6 expr-syntax: unexpected end of expression; expected ']'");
  CHECK(parse_text("a and\n  or b")->error().rfind("2:3 expr-syntax: unexpected 'or'", 0) == 0);
  // Only the first syntax error is reported: later ones are usually echoes.
  CHECK(parse_text("a b c d")->diags.all().size() == 1);
}

TEST_CASE("parser: tailored messages for common mistakes") {
  CHECK(parse_text("a && b")->error() == "1:3 expr-syntax: unexpected '&&'; write 'and'");
  CHECK(parse_text("a || b")->error() == "1:3 expr-syntax: unexpected '||'; write 'or'");
  CHECK(parse_text("!a")->error() == "1:1 expr-syntax: unexpected '!'; write 'not' (or '!=' to compare)");
  CHECK(parse_text("a = 1")->error() == "1:3 expr-syntax: unexpected '='; write '==' to compare");
  CHECK(parse_text("x == \"abc")->error() == "1:6 expr-syntax: unterminated string literal");
  CHECK(parse_text("x == 'abc\\")->error() == "1:6 expr-syntax: unterminated string literal");
  CHECK(parse_text("x # 1")->error() == "1:3 expr-syntax: unexpected character '#'");
  CHECK(parse_text("durée > 1")->error() ==
        "1:4 expr-syntax: unexpected character 'é'; field names are ASCII letters, digits and '_'");
  CHECK(parse_text("a\tb\x01")->error() == "1:4 expr-syntax: unexpected character U+0001");
}

TEST_CASE("parser: comparisons do not chain") {
  CHECK(parse_text("a < b < c")->error() ==
        "1:7 expr-syntax: comparisons cannot be chained: '<' follows '<'; use 'and' or parentheses");
  CHECK(parse_text("a == b != c")->error().rfind("1:8 expr-syntax: comparisons cannot be chained", 0) == 0);
  CHECK(parse_text("(a < b) == c")->ast);
  CHECK(parse_text("a < b and b < c")->ast);
}

TEST_CASE("parser: invalid UTF-8 is reported at its byte, before ANTLR sees it") {
  CHECK(parse_text("x == \"a\xC3\"")->error() == "1:8 expr-syntax: invalid UTF-8 in expression");
  CHECK(parse_text("\xFF")->error() == "1:1 expr-syntax: invalid UTF-8 in expression");
  CHECK(parse_text("\xED\xA0\x80")->error() == "1:1 expr-syntax: invalid UTF-8 in expression");  // surrogate
  CHECK(parse_text("\xC0\xAF")->error() == "1:1 expr-syntax: invalid UTF-8 in expression");      // overlong
}

TEST_CASE("parser: a leading byte order mark is skipped, positions stay exact") {
  // Found by expr_fuzz: ANTLR drops a leading BOM, which used to shift tokens.
  const auto p = parse_text("\xEF\xBB\xBF\"a\" == intitule");
  REQUIRE(p->ast);
  CHECK(p->ast->node(0).text == "a");
  CHECK(p->ast->node(0).token.begin == 3);
  CHECK(parse_text("\xEF\xBB\xBF\"eer[\\\\p(t01\"")->ast->node(0).text == "eer[\\p(t01");
  // SourceManager counts the BOM as one column, like any code point.
  CHECK(parse_text("\xEF\xBB\xBF  a b")->error().rfind("1:6 expr-syntax: unexpected 'b'", 0) == 0);
  // Elsewhere U+FEFF is an ordinary character: inside strings fine, outside an error.
  CHECK(parse_text("\"\xEF\xBB\xBF\"")->ast->node(0).text == "\xEF\xBB\xBF");
  CHECK(parse_text("a \xEF\xBB\xBF")->error() == "1:3 expr-syntax: unexpected character U+FEFF");
}

TEST_CASE("parser: nesting is limited before ANTLR recurses") {
  const auto nested = [](std::size_t depth, std::string_view open, std::string_view close) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) s += open;
    s += "a";
    for (std::size_t i = 0; i < depth; ++i) s += close;
    return s;
  };
  CHECK(parse_text(nested(256, "(", ")"))->ast);
  CHECK(parse_text(nested(257, "(", ")"))->error() ==
        "1:257 expr-too-complex: expression nested too deeply: more than 256 levels of parentheses, brackets, "
        "calls or prefix operators");
  CHECK(parse_text(nested(256, "not ", ""))->ast);
  CHECK(parse_text(nested(257, "not ", ""))->error().rfind("1:1025 expr-too-complex", 0) == 0);
  CHECK(parse_text(nested(200, "-(", ")"))->error().rfind("1:257 expr-too-complex", 0) == 0);
  CHECK(parse_text(nested(128, "-(", ")"))->ast);
  CHECK(parse_text(nested(300, "[", "]"))->error().rfind("1:257 expr-too-complex", 0) == 0);
  CHECK(parse_text(nested(100000, "(", ")"))->error().rfind("1:257 expr-too-complex", 0) == 0);
  // Sequences of prefix operators on separate operands do not add up.
  std::string flat = "-a";
  for (int i = 0; i < 1000; ++i) flat += " + -a";
  CHECK(parse_text(flat)->ast);
  CHECK(parse_text("((a))", ParseOptions{1})->error().rfind("1:2 expr-too-complex", 0) == 0);
}

TEST_CASE("parser: long left-associative chains build without deep recursion") {
  for (const std::size_t terms : {10000u, 100000u}) {
    std::string sum = "a";
    std::string ors = "x > 0";
    for (std::size_t i = 1; i < terms; ++i) {
      sum += " + a";
      ors += " or x > " + std::to_string(i);
    }
    const auto p = parse_text(sum);
    REQUIRE(p->ast);
    CHECK(p->ast->size() == 2 * terms - 1);
    const auto q = parse_text(ors);
    REQUIRE(q->ast);
    CHECK(q->ast->node(q->ast->root()).op == Op::Or);
  }
}

TEST_CASE("parser: spans are byte ranges of the expression text") {
  const auto p = parse_text("é == \"x\"", {});  // a lexical error, then a clean one
  const auto q = parse_text("\"é\" == intitule");
  REQUIRE(q->ast);
  const Ast& ast = *q->ast;
  const Node& root = ast.node(ast.root());
  CHECK(root.token.begin == 5);  // "é" is 2 bytes: the quote, 2 bytes, the quote, a space
  CHECK(root.token.end == 7);
  CHECK(ast.node(ast.child(ast.root(), 1)).token.begin == 8);
  CHECK(ast.node(ast.child(ast.root(), 1)).token.end == 16);
  CHECK(root.range.begin == 0);
  CHECK(root.range.end == 16);
  CHECK(p->error().rfind("1:1 expr-syntax: unexpected character 'é'", 0) == 0);
}

}  // namespace
}  // namespace formc::expr
