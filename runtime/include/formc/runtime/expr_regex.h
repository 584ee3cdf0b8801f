// formc::rt::Regex — the regular expressions of `matches(x, "pattern")`.
//
// Contract:
// - Accepts only the portable subset documented in schema/EXPRESSIONS.md
//   ("Regular expressions"): literals, `.`, classes `[a-z]` / `[^...]`, the
//   escapes \d \w \s \D \W \S \t \n \r \f \v and escaped punctuation, groups
//   `(...)` / `(?:...)`, `|`, the quantifiers * + ? {n} {n,} {n,m} (lazy forms
//   accepted, they do not change whether a match exists), anchors ^ and $.
//   Anything else (backreferences, lookaround, \b, \A, \z, \uXXXX, flags…) is
//   rejected with a message, so a pattern never silently means two things.
// - canonical() is the same pattern rewritten so that ECMAScript with the `u`
//   flag (ajv's JSON Schema `pattern`, formc-expr.js) gives exactly the same
//   answers as search(): \d \w \s are spelled out as ASCII classes, groups are
//   non-capturing, every syntax character is escaped.
// - search() is true when the pattern matches somewhere in the subject (use ^
//   and $ to anchor). It works on code points (invalid UTF-8 bytes read as
//   U+FFFD), runs a Pike VM in O(subject × program) time and never recurses,
//   so no pattern/subject pair can backtrack catastrophically or overflow the
//   stack. Program size and repetition counts are bounded at construction.
// - Standard library only; never throws for any input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace formc::rt {

class Regex {
 public:
  static constexpr std::size_t kMaxProgram = 20000;  // instructions after expanding {n,m}
  static constexpr int kMaxRepeat = 1000;            // largest n or m in {n,m}
  static constexpr int kMaxNesting = 64;             // group nesting

  explicit Regex(std::string_view pattern) { compile(pattern); }

  [[nodiscard]] bool ok() const { return error_.empty(); }
  // Why the pattern was rejected, and the byte offset in the pattern where.
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::size_t error_offset() const { return error_offset_; }
  [[nodiscard]] const std::string& canonical() const { return canonical_; }

  // A pattern (in canonical syntax) that matches `text` literally.
  static std::string escape_literal(std::string_view text) {
    std::string out;
    for (const char32_t c : decode(text)) append_char(out, c, false);
    return out;
  }

  // True when some substring of `subject` matches. A rejected pattern matches nothing.
  [[nodiscard]] bool search(std::string_view subject) const {
    if (!ok()) return false;
    const std::vector<char32_t> text = decode(subject);
    Runner runner(*this, text.size());
    return runner.run(text);
  }

  // Decodes UTF-8; each byte of an invalid sequence becomes U+FFFD.
  static std::vector<char32_t> decode(std::string_view s, std::vector<std::size_t>* offsets = nullptr) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      if (offsets) offsets->push_back(i);
      const auto b0 = static_cast<unsigned char>(s[i]);
      std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
      char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
      bool valid = len != 0 && i + len <= s.size();
      for (std::size_t k = 1; valid && k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) valid = false;
        cp = (cp << 6) | (b & 0x3Fu);
      }
      if (valid) {
        // Reject overlong forms, surrogates and values beyond U+10FFFF.
        const char32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) valid = false;
      }
      if (!valid) {
        out.push_back(0xFFFD);
        i += 1;
      } else {
        out.push_back(cp);
        i += len;
      }
    }
    if (offsets) offsets->push_back(s.size());
    return out;
  }

 private:
  // ---- parsed form -------------------------------------------------------
  enum class Kind : std::uint8_t { Empty, Char, Class, Any, Begin, End, Concat, Alt, Group, Repeat };
  struct Node {
    Kind kind = Kind::Empty;
    char32_t ch = 0;
    int cls = -1;               // index into classes_
    int min = 0, max = 0;       // Repeat; max < 0 means unbounded
    std::vector<int> kids;      // Concat, Alt, Group (1), Repeat (1)
  };
  struct CharClass {
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;
    [[nodiscard]] bool contains(char32_t c) const {
      bool in = false;
      for (const auto& r : ranges) {
        if (c >= r.first && c <= r.second) {
          in = true;
          break;
        }
      }
      return in != negated;
    }
  };

  // ---- program -------------------------------------------------------------
  enum class Op : std::uint8_t { Char, Class, Any, Begin, End, Split, Jmp, Match };
  struct Inst {
    Op op = Op::Match;
    char32_t ch = 0;
    int x = 0, y = 0;  // Class: x = class index; Split: x, y; Jmp: x
  };

  // A sparse set of program counters (Russ Cox's "Regular Expression Matching: the Virtual Machine Approach").
  struct ThreadList {
    std::vector<int> dense;
    std::vector<int> sparse;
    explicit ThreadList(std::size_t n) : sparse(n, -1) { dense.reserve(n); }
    bool insert(int pc) {
      const int at = sparse[static_cast<std::size_t>(pc)];
      if (at >= 0 && static_cast<std::size_t>(at) < dense.size() && dense[static_cast<std::size_t>(at)] == pc) return false;
      sparse[static_cast<std::size_t>(pc)] = static_cast<int>(dense.size());
      dense.push_back(pc);
      return true;
    }
    void clear() { dense.clear(); }
  };

  class Runner {
   public:
    Runner(const Regex& re, std::size_t length)
        : re_(re), length_(length), a_(re.prog_.size()), b_(re.prog_.size()) {}

    bool run(const std::vector<char32_t>& text) {
      ThreadList* cur = &a_;
      ThreadList* next = &b_;
      for (std::size_t pos = 0;; ++pos) {
        add(*cur, 0, pos);  // a new attempt starts at every position: search, not full match
        if (matched_) return true;
        if (pos == length_) return false;
        const char32_t c = text[pos];
        next->clear();
        for (const int pc : cur->dense) {
          const Inst& in = re_.prog_[static_cast<std::size_t>(pc)];
          bool step = false;
          switch (in.op) {
            case Op::Char: step = in.ch == c; break;
            case Op::Class: step = re_.classes_[static_cast<std::size_t>(in.x)].contains(c); break;
            case Op::Any: step = !is_line_terminator(c); break;
            default: break;
          }
          if (step) add(*next, pc + 1, pos + 1);
          if (matched_) return true;
        }
        std::swap(cur, next);
      }
    }

   private:
    // Follows epsilon edges with an explicit stack (no recursion).
    void add(ThreadList& list, int start, std::size_t pos) {
      stack_.clear();
      stack_.push_back(start);
      while (!stack_.empty()) {
        const int pc = stack_.back();
        stack_.pop_back();
        if (!list.insert(pc)) continue;
        const Inst& in = re_.prog_[static_cast<std::size_t>(pc)];
        switch (in.op) {
          case Op::Jmp: stack_.push_back(in.x); break;
          case Op::Split:
            stack_.push_back(in.y);
            stack_.push_back(in.x);
            break;
          case Op::Begin:
            if (pos == 0) stack_.push_back(pc + 1);
            break;
          case Op::End:
            if (pos == length_) stack_.push_back(pc + 1);
            break;
          case Op::Match: matched_ = true; break;
          default: break;
        }
      }
    }

    const Regex& re_;
    std::size_t length_;
    ThreadList a_, b_;
    std::vector<int> stack_;
    bool matched_ = false;
  };

  static bool is_line_terminator(char32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }
  static bool is_syntax(char32_t c) {
    return c == '^' || c == '$' || c == '\\' || c == '.' || c == '*' || c == '+' || c == '?' || c == '(' ||
           c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '/';
  }

  // ---- parser ----------------------------------------------------------------
  void compile(std::string_view pattern) {
    cps_ = decode(pattern, &offsets_);
    for (std::size_t i = 0; i < cps_.size(); ++i) {
      if (cps_[i] == 0xFFFD && pattern.substr(offsets_[i], 3) != "\xEF\xBF\xBD") return fail(i, "invalid UTF-8");
    }
    pos_ = 0;
    const int root = parse_alt(0);
    if (!ok()) return;
    if (pos_ < cps_.size()) {
      // parse_alt stops only at ')' without an opening parenthesis.
      return fail(pos_, "unmatched ')'");
    }
    canonical_ = serialize(root);
    const std::size_t size = program_size(root) + 1;
    if (size > kMaxProgram) return fail(0, "pattern too large once repetitions are expanded");
    prog_.reserve(size);
    emit(root);
    prog_.push_back(Inst{Op::Match, 0, 0, 0});
  }

  void fail(std::size_t cp_index, std::string message) {
    if (!error_.empty()) return;
    error_ = std::move(message);
    error_offset_ = cp_index < offsets_.size() ? offsets_[cp_index] : 0;
    nodes_.clear();
    classes_.clear();
    canonical_.clear();
  }

  [[nodiscard]] bool at_end() const { return pos_ >= cps_.size(); }
  [[nodiscard]] char32_t peek(std::size_t ahead = 0) const {
    return pos_ + ahead < cps_.size() ? cps_[pos_ + ahead] : char32_t{0};
  }
  int add_node(Node n) {
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size()) - 1;
  }

  int parse_alt(int depth) {
    std::vector<int> branches{parse_concat(depth)};
    while (ok() && !at_end() && peek() == '|') {
      ++pos_;
      branches.push_back(parse_concat(depth));
    }
    if (!ok()) return -1;
    if (branches.size() == 1) return branches[0];
    Node n;
    n.kind = Kind::Alt;
    n.kids = std::move(branches);
    return add_node(std::move(n));
  }

  int parse_concat(int depth) {
    std::vector<int> items;
    while (ok() && !at_end() && peek() != '|' && peek() != ')') {
      const int item = parse_repeat(depth);
      if (!ok()) return -1;
      items.push_back(item);
    }
    if (!ok()) return -1;
    if (items.size() == 1) return items[0];
    Node n;
    n.kind = items.empty() ? Kind::Empty : Kind::Concat;
    n.kids = std::move(items);
    return add_node(std::move(n));
  }

  bool parse_count(int& out) {
    if (at_end() || peek() < '0' || peek() > '9') return false;
    long value = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      value = value * 10 + static_cast<long>(peek() - '0');
      if (value > kMaxRepeat) {
        fail(pos_, "repetition count above " + std::to_string(kMaxRepeat));
        return false;
      }
      ++pos_;
    }
    out = static_cast<int>(value);
    return true;
  }

  int parse_repeat(int depth) {
    const std::size_t atom_at = pos_;
    const int atom = parse_atom(depth);
    if (!ok()) return -1;
    if (at_end()) return atom;
    int min = 0, max = 0;
    const char32_t c = peek();
    if (c == '*') {
      min = 0, max = -1;
      ++pos_;
    } else if (c == '+') {
      min = 1, max = -1;
      ++pos_;
    } else if (c == '?') {
      min = 0, max = 1;
      ++pos_;
    } else if (c == '{') {
      const std::size_t open = pos_;
      ++pos_;
      if (!parse_count(min)) {
        if (ok()) fail(open, "'{' must be escaped as '\\{' when it is not a repetition {n,m}");
        return -1;
      }
      max = min;
      if (!at_end() && peek() == ',') {
        ++pos_;
        max = -1;
        if (!at_end() && peek() != '}' && !parse_count(max)) {
          if (ok()) fail(pos_, "malformed repetition {n,m}");
          return -1;
        }
      }
      if (at_end() || peek() != '}') {
        fail(open, "malformed repetition {n,m}");
        return -1;
      }
      ++pos_;
      if (max >= 0 && max < min) {
        fail(open, "repetition {n,m} with m smaller than n");
        return -1;
      }
    } else {
      return atom;
    }
    const Kind k = nodes_[static_cast<std::size_t>(atom)].kind;
    if (k == Kind::Begin || k == Kind::End || k == Kind::Empty) {
      fail(atom_at, "nothing to repeat");
      return -1;
    }
    if (!at_end() && peek() == '?') ++pos_;  // lazy: same match existence
    if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) {
      fail(pos_, "nothing to repeat (a quantifier cannot follow another; use a group)");
      return -1;
    }
    Node n;
    n.kind = Kind::Repeat;
    n.min = min;
    n.max = max;
    n.kids = {atom};
    return add_node(std::move(n));
  }

  int single_class(std::vector<std::pair<char32_t, char32_t>> ranges, bool negated) {
    CharClass cls;
    cls.negated = negated;
    cls.ranges = std::move(ranges);
    classes_.push_back(std::move(cls));
    Node n;
    n.kind = Kind::Class;
    n.cls = static_cast<int>(classes_.size()) - 1;
    return add_node(std::move(n));
  }

  static std::vector<std::pair<char32_t, char32_t>> class_escape_ranges(char32_t c) {
    switch (c) {
      case 'd': case 'D': return {{'0', '9'}};
      case 'w': case 'W': return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
      default: return {{'\t', '\r'}, {' ', ' '}};  // s, S: \t \n \v \f \r and space
    }
  }

  // Reads the escape after a backslash at pos_ (pos_ points at the backslash).
  // Returns the literal code point, or sets `class_letter` for \d \w \s \D \W \S.
  bool parse_escape(bool in_class, char32_t& literal, char32_t& class_letter) {
    const std::size_t at = pos_;
    ++pos_;
    if (at_end()) {
      fail(at, "pattern ends with a lone backslash");
      return false;
    }
    const char32_t c = peek();
    ++pos_;
    class_letter = 0;
    switch (c) {
      case 'd': case 'w': case 's': case 'D': case 'W': case 'S':
        if (in_class && (c == 'D' || c == 'W' || c == 'S')) {
          fail(at, "negated class escapes (\\D \\W \\S) are not supported inside [...]");
          return false;
        }
        class_letter = c;
        return true;
      case 't': literal = '\t'; return true;
      case 'n': literal = '\n'; return true;
      case 'r': literal = '\r'; return true;
      case 'f': literal = '\f'; return true;
      case 'v': literal = '\v'; return true;
      case '-': literal = '-'; return true;
      case 'A': case 'z': case 'Z':
        fail(at, "\\A, \\z and \\Z are Ruby anchors; use ^ and $");
        return false;
      default: break;
    }
    if (is_syntax(c)) {
      literal = c;
      return true;
    }
    fail(at, std::string("unsupported escape '\\") + (c < 0x80 ? std::string(1, static_cast<char>(c)) : "…") +
                 "' (formc accepts \\d \\w \\s \\D \\W \\S \\t \\n \\r \\f \\v and escaped punctuation)");
    return false;
  }

  int parse_class() {
    const std::size_t open = pos_;
    ++pos_;  // '['
    bool negated = false;
    if (!at_end() && peek() == '^') {
      negated = true;
      ++pos_;
    }
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool first = true;
    while (true) {
      if (at_end()) {
        fail(open, "unterminated character class");
        return -1;
      }
      char32_t c = peek();
      if (c == ']') {
        if (first) {
          fail(open, "empty character class");
          return -1;
        }
        ++pos_;
        break;
      }
      first = false;
      if (c == '[') {
        fail(pos_, "'[' inside a character class must be escaped as '\\['");
        return -1;
      }
      char32_t lo = 0;
      if (c == '\\') {
        char32_t letter = 0;
        if (!parse_escape(true, lo, letter)) return -1;
        if (letter != 0) {
          for (const auto& r : class_escape_ranges(letter)) ranges.push_back(r);
          if (!at_end() && peek() == '-' && peek(1) != ']' && pos_ + 1 < cps_.size()) {
            fail(pos_, "a range cannot start or end with a class escape");
            return -1;
          }
          continue;
        }
      } else {
        lo = c;
        ++pos_;
      }
      char32_t hi = lo;
      if (!at_end() && peek() == '-' && pos_ + 1 < cps_.size() && peek(1) != ']') {
        const std::size_t dash = pos_;
        ++pos_;
        const char32_t h = peek();
        if (h == '\\') {
          char32_t letter = 0;
          if (!parse_escape(true, hi, letter)) return -1;
          if (letter != 0) {
            fail(dash, "a range cannot start or end with a class escape");
            return -1;
          }
        } else if (h == '[') {
          fail(pos_, "'[' inside a character class must be escaped as '\\['");
          return -1;
        } else {
          hi = h;
          ++pos_;
        }
        if (hi < lo) {
          fail(dash, "character range out of order");
          return -1;
        }
      }
      ranges.emplace_back(lo, hi);
    }
    return single_class(std::move(ranges), negated);
  }

  int parse_atom(int depth) {
    const char32_t c = peek();
    Node n;
    switch (c) {
      case '(': {
        const std::size_t open = pos_;
        if (depth + 1 > kMaxNesting) {
          fail(open, "groups nested too deeply");
          return -1;
        }
        ++pos_;
        if (peek() == '?') {
          if (peek(1) == ':') {
            pos_ += 2;
          } else {
            fail(open, "only plain groups (...) and (?:...) are supported (no lookaround, no named groups)");
            return -1;
          }
        }
        const int inner = parse_alt(depth + 1);
        if (!ok()) return -1;
        if (at_end() || peek() != ')') {
          fail(open, "unmatched '('");
          return -1;
        }
        ++pos_;
        n.kind = Kind::Group;
        n.kids = {inner};
        return add_node(std::move(n));
      }
      case '[': return parse_class();
      case '.': ++pos_; n.kind = Kind::Any; return add_node(std::move(n));
      case '^': ++pos_; n.kind = Kind::Begin; return add_node(std::move(n));
      case '$': ++pos_; n.kind = Kind::End; return add_node(std::move(n));
      case '\\': {
        char32_t literal = 0, letter = 0;
        if (!parse_escape(false, literal, letter)) return -1;
        if (letter != 0) {
          const bool negated = letter == 'D' || letter == 'W' || letter == 'S';
          const char32_t lower = negated ? static_cast<char32_t>(letter + ('a' - 'A')) : letter;
          return single_class(class_escape_ranges(lower), negated);
        }
        n.kind = Kind::Char;
        n.ch = literal;
        return add_node(std::move(n));
      }
      case '*': case '+': case '?':
        fail(pos_, "nothing to repeat");
        return -1;
      case '{':
        fail(pos_, "'{' must be escaped as '\\{'");
        return -1;
      case '}': case ']':
        fail(pos_, std::string("'") + static_cast<char>(c) + "' must be escaped");
        return -1;
      default:
        ++pos_;
        n.kind = Kind::Char;
        n.ch = c;
        return add_node(std::move(n));
    }
  }

  // ---- canonical form ----------------------------------------------------------
  static void append_utf8(std::string& out, char32_t c) {
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

  static void append_char(std::string& out, char32_t c, bool in_class) {
    switch (c) {
      case '\t': out += "\\t"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\f': out += "\\f"; return;
      case '\v': out += "\\v"; return;
      default: break;
    }
    if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
      return;
    }
    const bool escape = in_class ? (c == '\\' || c == ']' || c == '[' || c == '^' || c == '-') : is_syntax(c);
    if (escape) out += '\\';
    append_utf8(out, c);
  }

  // Recursion depth is bounded by kMaxNesting (groups are the only nesting).
  std::string serialize(int id) const {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    std::string out;
    switch (n.kind) {
      case Kind::Empty: break;
      case Kind::Char: append_char(out, n.ch, false); break;
      case Kind::Any: out = "."; break;
      case Kind::Begin: out = "^"; break;
      case Kind::End: out = "$"; break;
      case Kind::Class: {
        const CharClass& cls = classes_[static_cast<std::size_t>(n.cls)];
        out = cls.negated ? "[^" : "[";
        for (const auto& r : cls.ranges) {
          append_char(out, r.first, true);
          if (r.second != r.first) {
            out += '-';
            append_char(out, r.second, true);
          }
        }
        out += ']';
        break;
      }
      case Kind::Concat:
        for (const int k : n.kids) out += serialize(k);
        break;
      case Kind::Alt:
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
          if (i) out += '|';
          out += serialize(n.kids[i]);
        }
        break;
      case Kind::Group: out = "(?:" + serialize(n.kids[0]) + ")"; break;
      case Kind::Repeat:
        out = serialize(n.kids[0]);
        if (n.min == 0 && n.max < 0) out += '*';
        else if (n.min == 1 && n.max < 0) out += '+';
        else if (n.min == 0 && n.max == 1) out += '?';
        else if (n.max < 0) out += "{" + std::to_string(n.min) + ",}";
        else if (n.max == n.min) out += "{" + std::to_string(n.min) + "}";
        else out += "{" + std::to_string(n.min) + "," + std::to_string(n.max) + "}";
        break;
    }
    return out;
  }

  // ---- code generation ---------------------------------------------------------
  static std::size_t sat_add(std::size_t a, std::size_t b) { return a > kMaxProgram || b > kMaxProgram ? kMaxProgram + 1 : a + b; }
  static std::size_t sat_mul(std::size_t a, std::size_t b) {
    if (a == 0 || b == 0) return 0;
    return a > (kMaxProgram + 1) / b ? kMaxProgram + 1 : std::min(a * b, kMaxProgram + 1);
  }

  std::size_t program_size(int id) const {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    switch (n.kind) {
      case Kind::Empty: return 0;
      case Kind::Char: case Kind::Class: case Kind::Any: case Kind::Begin: case Kind::End: return 1;
      case Kind::Group: return program_size(n.kids[0]);
      case Kind::Concat: {
        std::size_t total = 0;
        for (const int k : n.kids) total = sat_add(total, program_size(k));
        return total;
      }
      case Kind::Alt: {
        std::size_t total = 0;
        for (const int k : n.kids) total = sat_add(total, sat_add(program_size(k), 2));
        return total;
      }
      case Kind::Repeat: {
        const std::size_t s = program_size(n.kids[0]);
        std::size_t total = sat_mul(s, static_cast<std::size_t>(n.min));
        if (n.max < 0) return sat_add(total, sat_add(s, 2));
        return sat_add(total, sat_mul(sat_add(s, 1), static_cast<std::size_t>(n.max - n.min)));
      }
    }
    return 0;
  }

  int here() const { return static_cast<int>(prog_.size()); }

  void emit(int id) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    switch (n.kind) {
      case Kind::Empty: return;
      case Kind::Char: prog_.push_back(Inst{Op::Char, n.ch, 0, 0}); return;
      case Kind::Class: prog_.push_back(Inst{Op::Class, 0, n.cls, 0}); return;
      case Kind::Any: prog_.push_back(Inst{Op::Any, 0, 0, 0}); return;
      case Kind::Begin: prog_.push_back(Inst{Op::Begin, 0, 0, 0}); return;
      case Kind::End: prog_.push_back(Inst{Op::End, 0, 0, 0}); return;
      case Kind::Group: emit(n.kids[0]); return;
      case Kind::Concat:
        for (const int k : n.kids) emit(k);
        return;
      case Kind::Alt: {
        // split L1, next; L1: a; jmp end; next: split L2, next2; ... last branch plain.
        std::vector<std::size_t> jumps;
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            const std::size_t split = prog_.size();
            prog_.push_back(Inst{Op::Split, 0, here() + 1, 0});
            emit(n.kids[i]);
            jumps.push_back(prog_.size());
            prog_.push_back(Inst{Op::Jmp, 0, 0, 0});
            prog_[split].y = here();
          } else {
            emit(n.kids[i]);
          }
        }
        for (const std::size_t j : jumps) prog_[j].x = here();
        return;
      }
      case Kind::Repeat: {
        const int child = n.kids[0];
        for (int i = 0; i < n.min; ++i) emit(child);
        if (n.max < 0) {
          const int loop = here();
          prog_.push_back(Inst{Op::Split, 0, loop + 1, 0});
          emit(child);
          prog_.push_back(Inst{Op::Jmp, 0, loop, 0});
          prog_[static_cast<std::size_t>(loop)].y = here();
        } else {
          for (int i = n.min; i < n.max; ++i) {
            const std::size_t split = prog_.size();
            prog_.push_back(Inst{Op::Split, 0, here() + 1, 0});
            emit(child);
            prog_[split].y = here();
          }
        }
        return;
      }
    }
  }

  // Parsing state (cleared of meaning once compiled).
  std::vector<char32_t> cps_;
  std::vector<std::size_t> offsets_;
  std::size_t pos_ = 0;
  std::vector<Node> nodes_;
  // Compiled state.
  std::vector<CharClass> classes_;
  std::vector<Inst> prog_;
  std::string canonical_;
  std::string error_;
  std::size_t error_offset_ = 0;
};

}  // namespace formc::rt
