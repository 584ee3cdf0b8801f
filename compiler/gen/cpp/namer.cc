#include "gen/cpp/namer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "gen/cpp/layout.h"

namespace formc::gen::cpp {
namespace {

// Decodes one code point at s[i]; invalid bytes give U+FFFD (and advance by one).
char32_t decode(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const char32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Latin-1 letters U+00C0..U+00FF folded to ASCII ("" for × and ÷).
constexpr std::array<const char*, 64> kLatin1 = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // C0
    "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",  // D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0
};

// Spaces and punctuation outside ASCII act as word separators.
bool is_separator(char32_t cp) {
  return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xFFFD ||
         cp == 0x3000;
}

bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// C++20 keywords and alternative tokens, the contextual identifiers, and
// macros the standard library may define.
constexpr std::string_view kKeywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
    "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr", "constinit",
    "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
    "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "requires", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq", "final", "override", "import", "module",
    // macros
    "assert", "errno", "NULL", "EOF", "stdin", "stdout", "stderr", "offsetof", "setjmp", "va_arg", "va_start", "va_end",
    "unix", "linux",
};

// Names the generated class (or its namespace) already uses.
constexpr std::string_view kGeneratedNames[] = {
    "std", "formc", "formc_generated", "nlohmann",
    "from_json", "from_json_text", "to_json", "to_json_text", "validate", "validate_json_text", "prefill",
    "definition", "forms", "form", "find_form", "default_form", "input_errors", "clear_input_errors", "input_errors_",
    "to_string", "from_string", "slot_of", "binder", "kSlots",
};

}  // namespace

std::string Namer::fold_to_ascii(std::string_view utf8) {
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    const char32_t cp = decode(utf8, i);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      const char* folded = kLatin1[cp - 0xC0];
      out += *folded ? folded : " ";
    } else if (cp == 0x152) {
      out += "OE";
    } else if (cp == 0x153) {
      out += "oe";
    } else if (cp == 0x178) {
      out += "Y";
    } else if (is_separator(cp)) {
      out += ' ';
    } else {
      out += fmt::format("u{:04X}", static_cast<std::uint32_t>(cp));
    }
  }
  return out;
}

bool Namer::is_reserved(std::string_view identifier) {
  return std::find(std::begin(kKeywords), std::end(kKeywords), identifier) != std::end(kKeywords) ||
         std::find(std::begin(kGeneratedNames), std::end(kGeneratedNames), identifier) != std::end(kGeneratedNames);
}

std::string Namer::snake(std::string_view name) {
  const std::string ascii = fold_to_ascii(name);
  std::string out;
  for (const char c : ascii) {
    const char mapped = is_alnum(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;  // `__` is reserved in C++
    out += mapped;
  }
  if (out.empty()) out = "unnamed";
  if (is_digit(out.front())) out = "n_" + out;
  if (is_reserved(out)) out += '_';
  if (out.size() >= 2 && out[out.size() - 2] == '_' && out.back() == '_') out.pop_back();  // never end with `__`
  return out;
}

std::string Namer::camel(std::string_view name) {
  const std::string ascii = fold_to_ascii(name);
  std::string out;
  bool word_start = true;
  for (const char c : ascii) {
    if (!is_alnum(c)) {
      word_start = true;
      continue;
    }
    out += word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    word_start = false;
  }
  if (out.empty()) return "Unnamed";
  if (is_digit(out.front())) out = "V" + out;
  return out;
}

std::string Namer::class_name(const model::Definition& definition) {
  return camel(definition.class_name.empty() ? definition.id : definition.class_name);
}

std::string Namer::provider_namespace(std::string_view provider) { return snake(provider.empty() ? "unknown" : provider); }

std::string Collision::message() const {
  if (!first_span.valid()) {
    return fmt::format("'{}' becomes the C++ identifier '{}', which formc already uses in {}", second, identifier, scope);
  }
  return fmt::format("'{}' and '{}' both become the C++ identifier '{}' in {}", first, second, identifier, scope);
}

namespace {

class CollisionScope {
 public:
  CollisionScope(std::string description, std::vector<Collision>& out) : description_(std::move(description)), out_(out) {}

  void add(const std::string& identifier, const std::string& source, support::Span span) {
    const auto it = seen_.find(identifier);
    if (it == seen_.end()) {
      seen_.emplace(identifier, Entry{source, span});
      return;
    }
    // The very same name twice is a duplicate, which other checks report.
    if (it->second.source == source) return;
    out_.push_back(Collision{identifier, description_, it->second.source, source, it->second.span, span});
  }
  void builtin(const std::string& identifier) { seen_.emplace(identifier, Entry{"(generated by formc)", support::Span{}}); }

 private:
  struct Entry {
    std::string source;
    support::Span span;
  };
  std::string description_;
  std::vector<Collision>& out_;
  std::map<std::string, Entry> seen_;
};

}  // namespace

std::vector<Collision> find_cpp_collisions(const model::Module& module) {
  std::vector<Collision> out;
  std::vector<ClassLayout> layouts;
  layouts.reserve(module.definitions.size());
  for (const auto& def : module.definitions) layouts.push_back(make_layout(module, def));

  // Classes of one provider namespace (two provider slugs may share one).
  std::map<std::string, std::unique_ptr<CollisionScope>> namespaces;
  for (const auto& l : layouts) {
    auto& scope = namespaces[l.provider_namespace];
    if (!scope) scope = std::make_unique<CollisionScope>(fmt::format("namespace 'formc_generated::{}'", l.provider_namespace), out);
    scope->add(l.class_name, l.definition->id, l.definition->span);
    // The namespace of the .cc's internals (it matters when generated .cc
    // files share a translation unit).
    scope->add(Namer::snake(l.definition->id) + "_impl", l.definition->id, l.definition->span);
  }

  for (const auto& l : layouts) {
    const std::string qualified = fmt::format("formc_generated::{}::{}", l.provider_namespace, l.class_name);
    CollisionScope members(fmt::format("class '{}'", qualified), out);
    for (const auto& f : l.fields) {
      if (f.builtin) members.builtin(f.member);
    }
    for (const auto& m : l.members) {
      if (m.is_contact) {
        const auto& c = l.contacts[static_cast<std::size_t>(m.index)];
        members.add(c.member, c.kind, c.span);
      } else {
        const auto& f = l.fields[static_cast<std::size_t>(m.index)];
        if (!f.builtin) members.add(f.member, f.field->name, f.field->span);
      }
    }
    CollisionScope types(fmt::format("class '{}' (nested types)", qualified), out);
    types.builtin(l.class_name);
    types.builtin("Form");
    if (!l.contacts.empty()) types.builtin("Contact");
    for (const auto& e : l.enums) types.add(e.cpp, e.source, e.span);

    if (!l.contacts.empty()) {
      CollisionScope contact(fmt::format("struct '{}::Contact'", qualified), out);
      for (const auto& cm : l.contact_members) {
        support::Span span;
        for (const auto& f : l.fields) {
          if (f.contact >= 0 && f.member == l.contacts[static_cast<std::size_t>(f.contact)].member + "." + cm.cpp) {
            span = f.field->span;
            break;
          }
        }
        contact.add(cm.cpp, cm.suffix, span);
      }
    }
    for (const auto& e : l.enums) {
      CollisionScope values(fmt::format("enum '{}::{}'", qualified, e.cpp), out);
      for (const auto& v : e.values) values.add(v.cpp, v.value, v.span);
    }
    CollisionScope forms(fmt::format("enum '{}::Form'", qualified), out);
    for (const auto& f : l.forms) forms.add(f.cpp, f.form->uid, f.form->span);
  }
  return out;
}

std::string string_literal(std::string_view utf8) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::size_t start = i;
    const char32_t cp = decode(utf8, i);
    const bool invalid = cp == 0xFFFD && !(i - start == 3 && utf8.substr(start, 3) == "\xEF\xBF\xBD");
    if (invalid) {
      out += fmt::format("\\{:03o}", static_cast<unsigned char>(utf8[start]));
      continue;
    }
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      out += fmt::format("\\{:03o}", static_cast<unsigned>(cp));
    } else if (cp == '?' && !out.empty() && out.back() == '?') {
      out += "\\?";  // no trigraph-looking sequences, even where trigraphs are gone
    } else if (is_bidi_control(cp) || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
      // Octal escapes of the UTF-8 bytes: at most three digits each, so a
      // following digit is never swallowed.
      for (std::size_t k = start; k < i; ++k) out += fmt::format("\\{:03o}", static_cast<unsigned char>(utf8[k]));
    } else {
      append_utf8(out, cp);
    }
  }
  out += '"';
  return out;
}

std::string comment_text(std::string_view utf8, std::size_t max_points) {
  std::string out;
  std::size_t i = 0, points = 0;
  while (i < utf8.size()) {
    const char32_t cp = decode(utf8, i);
    if (++points > max_points) {
      out += "…";
      break;
    }
    if (cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 || cp == 0x2029) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (cp == '?' || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || is_bidi_control(cp) || cp == 0xFFFD) {
      // Controls and invalid bytes show as '?'. "??/" is a trigraph to
      // compilers that still read them (-trigraphs): at a line's end it would
      // splice the next line into the comment, and -Wtrigraphs flags "??"
      // sequences everywhere. A space keeps two question marks apart.
      if (!out.empty() && out.back() == '?') out += ' ';
      out += '?';
    } else {
      append_utf8(out, cp);
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\\')) out.pop_back();
  return out;
}

}  // namespace formc::gen::cpp
