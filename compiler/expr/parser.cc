#include "expr/parser.h"

#include <charconv>
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "FormcExprLexer.h"
#include "FormcExprParser.h"
#include "antlr4-runtime.h"
#include "formc/runtime/expr_runtime.h"

namespace formc::expr {
namespace {

using support::DiagCode;
using Lexer = formc_expr_antlr::FormcExprLexer;
using Parser = formc_expr_antlr::FormcExprParser;

// Reports into the engine through the caller's mapper, remembering failure.
class Reporter {
 public:
  Reporter(const OffsetMapper& map, support::DiagnosticEngine& diags) : map_(map), diags_(diags) {}
  void error(DiagCode code, TextRange r, std::string message) {
    diags_.report(code, map_(r.begin, r.end), std::move(message));
    failed_ = true;
  }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  const OffsetMapper& map_;
  support::DiagnosticEngine& diags_;
  bool failed_ = false;
};

// ANTLR's input stream decodes UTF-8 and throws on malformed input, and its
// token positions count code points; both are handled here, before ANTLR runs.
// Returns the byte offset of the first malformed sequence, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::vector<std::size_t> offsets;
  const std::vector<char32_t> cps = rt::Regex::decode(s, &offsets);
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == 0xFFFD && s.substr(offsets[i], 3) != "\xEF\xBF\xBD") return offsets[i];
  }
  return std::string_view::npos;
}

// Byte offset of every code point index from byte `first` on, plus one past the end.
std::vector<std::uint32_t> code_point_offsets(std::string_view s, std::uint32_t first) {
  std::vector<std::uint32_t> out;
  out.reserve(s.size() + 1);
  for (std::uint32_t i = first; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(static_cast<std::uint32_t>(s.size()));
  return out;
}

// ANTLR's UTF-8 decoder silently drops a leading byte order mark, which would
// shift every token position by one; formc skips it explicitly instead.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Stops at the first syntax error and records it; ANTLR's recovery would only
// add cascading errors for a one-line expression.
class StopAtFirstError final : public antlr4::DefaultErrorStrategy {
 public:
  struct Error {
    antlr4::Token* token = nullptr;
    std::vector<std::size_t> expected;
  };
  std::optional<Error> error;

  void reportError(antlr4::Parser*, const antlr4::RecognitionException& e) override {
    if (error) return;
    Error err;
    err.token = e.getOffendingToken();
    for (const auto t : e.getExpectedTokens().toList()) err.expected.push_back(t);
    error = std::move(err);
  }
  void recover(antlr4::Parser*, std::exception_ptr) override { throw antlr4::ParseCancellationException(); }
  antlr4::Token* recoverInline(antlr4::Parser* parser) override {
    antlr4::InputMismatchException e(parser);
    reportError(parser, e);
    throw antlr4::ParseCancellationException();
  }
  void sync(antlr4::Parser*) override {}
};

std::string describe_token_type(const antlr4::dfa::Vocabulary& vocabulary, std::size_t type) {
  switch (type) {
    case antlr4::Token::EOF: return "end of expression";
    case Lexer::IDENT: return "a name";
    case Lexer::STRING: return "a string";
    case Lexer::INTEGER:
    case Lexer::DECIMAL: return "a number";
    default: break;
  }
  const std::string literal = vocabulary.getLiteralName(type);
  return literal.empty() ? vocabulary.getSymbolicName(type) : literal;
}

std::string quote_token_text(std::string_view text) {
  constexpr std::size_t kMax = 30;
  if (text.size() <= kMax) return fmt::format("'{}'", text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("'{}…'", text.substr(0, cut));
}

std::string describe_char(std::string_view text) {
  const std::vector<char32_t> cps = rt::Regex::decode(text);
  const char32_t c = cps.empty() ? 0 : cps[0];
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
    return fmt::format("U+{:04X}", static_cast<std::uint32_t>(c));
  }
  return fmt::format("'{}'", text);
}

class Builder {
 public:
  Builder(std::string_view text, const std::vector<std::uint32_t>& cp, Reporter& reporter)
      : text_(text), cp_(cp), reporter_(reporter), ast_(std::string(text)) {}

  TextRange range(const antlr4::Token* first, const antlr4::Token* last) const {
    const std::size_t b = std::min(first->getStartIndex(), cp_.size() - 1);
    const std::size_t e = std::min(last->getStopIndex() + 1, cp_.size() - 1);
    return TextRange{cp_[b], std::max(cp_[b], cp_[e])};
  }
  TextRange range(const antlr4::Token* t) const { return range(t, t); }

  // Builds the AST bottom-up with an explicit stack: ANTLR's parse tree of a
  // long left-associative chain is as deep as the chain is long.
  std::optional<Ast> build(Parser::ExprContext* root) {
    // A frame is first expanded (its sub-expressions pushed), then, once they
    // are built, completed from the last `pending` results.
    struct Frame {
      Parser::ExprContext* ctx;
      bool expanded;
      std::size_t pending;
    };
    std::vector<Frame> stack{{root, false, 0}};
    std::vector<NodeId> results;
    std::vector<Parser::ExprContext*> subs;
    std::vector<NodeId> kids;
    while (!stack.empty()) {
      const Frame frame = stack.back();
      stack.pop_back();
      if (!frame.expanded) {
        sub_expressions(frame.ctx, subs);
        stack.push_back({frame.ctx, true, subs.size()});
        for (auto it = subs.rbegin(); it != subs.rend(); ++it) stack.push_back({*it, false, 0});
        continue;
      }
      kids.assign(results.end() - static_cast<std::ptrdiff_t>(frame.pending), results.end());
      results.resize(results.size() - frame.pending);
      results.push_back(make_node(frame.ctx, kids));
    }
    if (reporter_.failed()) return std::nullopt;
    return std::move(ast_);
  }

 private:
  static void sub_expressions(antlr4::ParserRuleContext* ctx, std::vector<Parser::ExprContext*>& out) {
    out.clear();
    for (auto* child : ctx->children) {
      if (auto* e = dynamic_cast<Parser::ExprContext*>(child)) out.push_back(e);
    }
  }

  NodeId make_node(Parser::ExprContext* ctx, const std::vector<NodeId>& kids) {
    Node node;
    node.range = range(ctx->getStart(), ctx->getStop());
    if (dynamic_cast<Parser::ParenContext*>(ctx)) {
      ast_.mutable_node(kids[0]).parenthesized = true;
      return kids[0];
    }
    if (auto* lit = dynamic_cast<Parser::LitContext*>(ctx)) return make_literal(lit->literal()->getStart(), node);
    if (auto* list = dynamic_cast<Parser::ListContext*>(ctx)) {
      node.kind = NodeKind::List;
      node.token = range(list->LBRACK()->getSymbol());
      return ast_.add(std::move(node), kids);
    }
    if (auto* call = dynamic_cast<Parser::CallContext*>(ctx)) {
      node.kind = NodeKind::Call;
      node.token = range(call->IDENT()->getSymbol());
      node.text = call->IDENT()->getSymbol()->getText();
      return ast_.add(std::move(node), kids);
    }
    if (auto* field = dynamic_cast<Parser::FieldContext*>(ctx)) {
      node.kind = NodeKind::Field;
      node.token = range(field->IDENT()->getSymbol());
      node.text = field->IDENT()->getSymbol()->getText();
      return ast_.add(std::move(node), kids);
    }
    antlr4::Token* op = nullptr;
    if (auto* c = dynamic_cast<Parser::NegateContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::NotContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::MultiplicativeContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::AdditiveContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::ComparisonContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::AndContext*>(ctx)) op = c->op;
    else if (auto* c = dynamic_cast<Parser::OrContext*>(ctx)) op = c->op;
    node.token = range(op);
    node.op = op_of(op->getType());
    node.kind = kids.size() == 1 ? NodeKind::Unary : NodeKind::Binary;
    if (node.kind == NodeKind::Unary && node.op == Op::Sub) node.op = Op::Neg;
    if (is_comparison(node.op)) {
      for (const NodeId k : kids) {
        const Node& kid = ast_.node(k);
        if (kid.kind == NodeKind::Binary && is_comparison(kid.op) && !kid.parenthesized) {
          reporter_.error(DiagCode::ExprSyntax, node.token,
                          fmt::format("comparisons cannot be chained: '{}' follows '{}'; use 'and' or parentheses",
                                      op_spelling(node.op), op_spelling(kid.op)));
          break;
        }
      }
    }
    return ast_.add(std::move(node), kids);
  }

  static Op op_of(std::size_t type) {
    switch (type) {
      case Lexer::MINUS: return Op::Sub;  // fixed to Neg by the caller for unary
      case Lexer::NOT: return Op::Not;
      case Lexer::STAR: return Op::Mul;
      case Lexer::SLASH: return Op::Div;
      case Lexer::PERCENT: return Op::Mod;
      case Lexer::PLUS: return Op::Add;
      case Lexer::EQ: return Op::Eq;
      case Lexer::NE: return Op::Ne;
      case Lexer::LT: return Op::Lt;
      case Lexer::LE: return Op::Le;
      case Lexer::GT: return Op::Gt;
      case Lexer::GE: return Op::Ge;
      case Lexer::IN: return Op::In;
      case Lexer::CONTAINS: return Op::Contains;
      case Lexer::AND: return Op::And;
      case Lexer::OR: return Op::Or;
      default: return Op::None;
    }
  }

  NodeId make_literal(antlr4::Token* token, Node node) {
    node.token = range(token);
    const std::string_view spelling = ast_.text_of(node.token);
    switch (token->getType()) {
      case Lexer::NULL_KW: node.kind = NodeKind::Null; break;
      case Lexer::TRUE_KW: node.kind = NodeKind::Boolean, node.boolean = true; break;
      case Lexer::FALSE_KW: node.kind = NodeKind::Boolean, node.boolean = false; break;
      case Lexer::INTEGER: {
        node.kind = NodeKind::Integer;
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
        if (ec != std::errc() || end != spelling.data() + spelling.size() || value > rt::kMaxSafeInteger) {
          reporter_.error(DiagCode::ExprInvalidLiteral, node.token,
                          fmt::format("integer literal {} is out of range: formc integers are exact only within "
                                      "±9007199254740991 (2^53 − 1), like JavaScript numbers",
                                      quote_token_text(spelling)));
        }
        node.integer = value;
        break;
      }
      case Lexer::DECIMAL: {
        node.kind = NodeKind::Decimal;
        double value = 0;
        const auto [end, ec] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
        if (ec != std::errc() || end != spelling.data() + spelling.size() || !std::isfinite(value)) {
          reporter_.error(DiagCode::ExprInvalidLiteral, node.token,
                          fmt::format("decimal literal {} is out of range", quote_token_text(spelling)));
        }
        node.decimal = value;
        // Canonical spelling, valid in C++, JavaScript (no leading zeros: 007.5
        // is a syntax error in strict JavaScript) and JSON.
        std::size_t zeros = 0;
        while (zeros + 1 < spelling.size() && spelling[zeros] == '0' && spelling[zeros + 1] != '.') ++zeros;
        node.text = std::string(spelling.substr(zeros));
        break;
      }
      case Lexer::STRING:
        node.kind = NodeKind::String;
        node.text = unescape(spelling, node.token.begin);
        break;
      default: break;
    }
    return ast_.add(std::move(node), {});
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  static void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  // Decodes a quoted literal (quotes included in `s`, which starts at byte
  // `base` of the expression); bad escapes are reported at the backslash.
  std::string unescape(std::string_view s, std::uint32_t base) {
    std::string out;
    const std::size_t end = s.size() - 1;  // the closing quote
    for (std::size_t i = 1; i < end; ++i) {
      const char c = s[i];
      if (c == '\0') {
        invalid(base, i, i + 1, "a string literal cannot contain a NUL character");
        continue;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = s[i + 1];  // the grammar guarantees a character after '\'
      std::size_t next = i + 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t value = 0;
          bool ok = true;
          if (next < end && s[next] == '{') {
            std::size_t j = next + 1, digits = 0;
            while (j < end && hex_value(s[j]) >= 0 && digits < 7) value = value * 16 + static_cast<std::uint32_t>(hex_value(s[j++])), ++digits;
            ok = digits >= 1 && digits <= 6 && j < end && s[j] == '}';
            next = ok ? j + 1 : j;
          } else {
            std::size_t j = next;
            while (j < end && j < next + 4 && hex_value(s[j]) >= 0) value = value * 16 + static_cast<std::uint32_t>(hex_value(s[j++]));
            ok = j == next + 4;
            next = j;
          }
          if (!ok) {
            invalid(base, i, next, "malformed \\u escape: write \\uXXXX (4 hex digits) or \\u{X…} (1 to 6)");
          } else if (value == 0) {
            invalid(base, i, next, "a string literal cannot contain a NUL character");
          } else if (value >= 0xD800 && value <= 0xDFFF) {
            invalid(base, i, next, "\\u escape of a surrogate; write the character itself or \\u{…} with its code point");
          } else if (value > 0x10FFFF) {
            invalid(base, i, next, "\\u escape beyond U+10FFFF");
          } else {
            append_utf8(out, value);
          }
          break;
        }
        default: {
          // Skip the whole (possibly multi-byte) escaped character.
          while (next < end && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
          invalid(base, i, next,
                  fmt::format("unknown escape '{}' in string literal; valid escapes are \\\" \\' \\\\ \\/ \\n \\r \\t "
                              "\\uXXXX \\u{{…}}",
                              s.substr(i, next - i)));
          break;
        }
      }
      i = next - 1;
    }
    return out;
  }

  void invalid(std::uint32_t base, std::size_t from, std::size_t to, std::string message) {
    reporter_.error(DiagCode::ExprInvalidLiteral,
                    TextRange{base + static_cast<std::uint32_t>(from), base + static_cast<std::uint32_t>(to)},
                    std::move(message));
  }

  std::string_view text_;
  const std::vector<std::uint32_t>& cp_;
  Reporter& reporter_;
  Ast ast_;
};

// Tokens that exist only to produce a precise message (see FormcExpr.g4).
bool report_lexical_error(const antlr4::Token* t, TextRange r, std::string_view spelling, Reporter& reporter) {
  switch (t->getType()) {
    case Lexer::UNTERMINATED_STRING:
      reporter.error(DiagCode::ExprSyntax, r, "unterminated string literal");
      return true;
    case Lexer::MISTAKE_AND:
      reporter.error(DiagCode::ExprSyntax, r, "unexpected '&&'; write 'and'");
      return true;
    case Lexer::MISTAKE_OR:
      reporter.error(DiagCode::ExprSyntax, r, "unexpected '||'; write 'or'");
      return true;
    case Lexer::MISTAKE_NOT:
      reporter.error(DiagCode::ExprSyntax, r, "unexpected '!'; write 'not' (or '!=' to compare)");
      return true;
    case Lexer::MISTAKE_ASSIGN:
      reporter.error(DiagCode::ExprSyntax, r, "unexpected '='; write '==' to compare");
      return true;
    case Lexer::UNEXPECTED_CHAR: {
      // A visible non-ASCII character is most likely an accent in a field name.
      const std::string shown = describe_char(spelling);
      const bool visible_non_ascii = static_cast<unsigned char>(spelling[0]) >= 0x80 && shown[0] == '\'';
      reporter.error(DiagCode::ExprSyntax, r,
                     fmt::format("unexpected character {}{}", shown,
                                 visible_non_ascii ? "; field names are ASCII letters, digits and '_'" : ""));
      return true;
    }
    default: return false;
  }
}

bool is_operand_end(std::size_t type) {
  return type == Lexer::IDENT || type == Lexer::INTEGER || type == Lexer::DECIMAL || type == Lexer::STRING ||
         type == Lexer::TRUE_KW || type == Lexer::FALSE_KW || type == Lexer::NULL_KW || type == Lexer::RPAREN ||
         type == Lexer::RBRACK;
}

// An upper bound of ANTLR's recursion depth, computed on tokens: open groups
// plus prefix operators whose operand is not finished yet.
std::optional<std::size_t> first_too_deep(const std::vector<antlr4::Token*>& tokens, std::uint32_t limit) {
  std::vector<std::uint32_t> saved;  // pending prefix operators of each enclosing group
  std::uint32_t saved_total = 0, pending = 0;
  std::size_t prev = antlr4::Token::INVALID_TYPE;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t type = tokens[i]->getType();
    if (type == Lexer::LPAREN || type == Lexer::LBRACK) {
      saved.push_back(pending);
      saved_total += pending;
      pending = 0;
      if (saved.size() + saved_total > limit) return i;
    } else if (type == Lexer::RPAREN || type == Lexer::RBRACK) {
      if (!saved.empty()) {
        saved_total -= saved.back();
        saved.pop_back();
      }
      pending = 0;
    } else if (type == Lexer::NOT || (type == Lexer::MINUS && !is_operand_end(prev))) {
      ++pending;
      if (saved.size() + saved_total + pending > limit) return i;
    } else if (is_operand_end(type)) {
      pending = 0;
    }
    prev = type;
  }
  return std::nullopt;
}

std::optional<Ast> parse_checked_utf8(std::string_view text, Reporter& reporter, const ParseOptions& options) {
  const std::uint32_t first = text.starts_with(kByteOrderMark) ? static_cast<std::uint32_t>(kByteOrderMark.size()) : 0;
  const std::vector<std::uint32_t> cp = code_point_offsets(text, first);
  antlr4::ANTLRInputStream input(text.data() + first, text.size() - first);
  if (input.size() + 1 != cp.size()) {
    // Positions would not line up with the text; never report a wrong column.
    reporter.error(DiagCode::ExprSyntax, TextRange{0, static_cast<std::uint32_t>(text.size())},
                   "internal parser error: the expression's characters could not be decoded consistently");
    return std::nullopt;
  }
  Lexer lexer(&input);
  lexer.removeErrorListeners();  // the catch-all token rule means the lexer never reports
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  const std::vector<antlr4::Token*> all = tokens.getTokens();

  Builder builder(text, cp, reporter);
  for (const antlr4::Token* t : all) {
    if (t->getType() == antlr4::Token::EOF) break;
    const TextRange r = builder.range(t);
    if (report_lexical_error(t, r, text.substr(r.begin, r.end - r.begin), reporter)) return std::nullopt;
  }
  if (const auto deep = first_too_deep(all, options.max_nesting)) {
    reporter.error(DiagCode::ExprTooComplex, builder.range(all[*deep]),
                   fmt::format("expression nested too deeply: more than {} levels of parentheses, brackets, calls "
                               "or prefix operators",
                               options.max_nesting));
    return std::nullopt;
  }

  Parser parser(&tokens);
  parser.removeErrorListeners();
  auto strategy = std::make_shared<StopAtFirstError>();
  parser.setErrorHandler(strategy);
  Parser::RootContext* root = nullptr;
  try {
    root = parser.root();
  } catch (const antlr4::ParseCancellationException&) {
    // The strategy recorded the error.
  }
  if (strategy->error || root == nullptr) {
    const auto& err = strategy->error;
    antlr4::Token* t = err ? err->token : nullptr;
    if (t == nullptr) t = all.back();
    std::string message;
    TextRange r = builder.range(t);
    if (t->getType() == antlr4::Token::EOF) {
      // Point just after the last token, not after trailing newlines of a block scalar.
      const std::uint32_t end = all.size() >= 2 ? builder.range(all[all.size() - 2]).end : 0;
      r = TextRange{end, end};
      message = all.size() == 1 ? "empty expression" : "unexpected end of expression";
    } else {
      message = fmt::format("unexpected {}", quote_token_text(t->getText()));
    }
    if (err && all.size() > 1) {
      const auto& ex = err->expected;
      if (std::find(ex.begin(), ex.end(), antlr4::Token::EOF) != ex.end() && t->getType() != antlr4::Token::EOF) {
        message += "; expected an operator or the end of the expression";
      } else if (!ex.empty() && ex.size() <= 3) {
        std::vector<std::string> names;
        for (const auto type : ex) names.push_back(describe_token_type(parser.getVocabulary(), type));
        message += "; expected ";
        for (std::size_t i = 0; i < names.size(); ++i) message += (i ? " or " : "") + names[i];
      } else if (t->getType() == antlr4::Token::EOF || t->getType() == Lexer::RPAREN ||
                 t->getType() == Lexer::RBRACK || t->getType() == Lexer::COMMA) {
        message += "; expected an operand";
      }
    }
    reporter.error(DiagCode::ExprSyntax, r, std::move(message));
    return std::nullopt;
  }
  return builder.build(root->expr());
}

}  // namespace

std::optional<Ast> parse(std::string_view text, const OffsetMapper& map, support::DiagnosticEngine& diags,
                         const ParseOptions& options) {
  Reporter reporter(map, diags);
  if (text.size() >= UINT32_MAX) {
    reporter.error(DiagCode::ExprTooComplex, TextRange{0, 0}, "expression longer than 4 GiB");
    return std::nullopt;
  }
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    const auto at = static_cast<std::uint32_t>(bad);
    reporter.error(DiagCode::ExprSyntax, TextRange{at, at + 1}, "invalid UTF-8 in expression");
    return std::nullopt;
  }
  try {
    return parse_checked_utf8(text, reporter, options);
  } catch (const std::exception& e) {
    // ANTLR is not supposed to throw past the strategy; never let it escape.
    reporter.error(DiagCode::ExprSyntax, TextRange{0, static_cast<std::uint32_t>(text.size())},
                   fmt::format("internal parser error: {}", e.what()));
  } catch (...) {
    reporter.error(DiagCode::ExprSyntax, TextRange{0, static_cast<std::uint32_t>(text.size())},
                   "internal parser error");
  }
  return std::nullopt;
}

}  // namespace formc::expr
