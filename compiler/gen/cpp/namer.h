// Namer: the C++ identifiers formc derives from definitions (flatbuffers'
// Namer), and the collisions the checker reports as `identifier-collision`.
//
// Contract — the mangling is predictable, documented here, and the same for
// every name of a kind:
//   1. Non-ASCII letters are folded to ASCII (é→e, ç→c, œ→oe, ß→ss, ...);
//      any other non-ASCII code point becomes `uXXXX` (hex).
//   2. snake_case names (namespaces, members) keep their letters, digits and
//      `_`; every other character becomes `_`; `__` collapses to `_`; a
//      leading digit gets an `n_` prefix; a C++ keyword, a standard macro
//      name or a name the generated class already uses (validate, to_json,
//      std, ...) gets a trailing `_` (`class` → `class_`).
//   3. CamelCase names (classes, enums, enumerators) split the name on every
//      character that is not a letter or digit and capitalise each part's
//      first letter (`api-pro-sante-connect` → `ApiProSanteConnect`,
//      `eidas_1` → `Eidas1`, `dgfip_IndLep` → `DgfipIndLep`); a leading digit
//      gets a `V` prefix (`50` → `V50`); an empty result is `Unnamed`.
//   4. A definition's class is its DataPass class name (Definition::class_name,
//      e.g. `APIProSanteConnect`) through rule 3, else the CamelCase of its id.
// Two different source names may still meet (`eidas-1` and `eidas_1`):
// find_cpp_collisions() lists every such pair with both spans, before any
// code is generated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/ir.h"
#include "support/source.h"

namespace formc::gen::cpp {

class Namer {
 public:
  // Rule 1 alone.
  [[nodiscard]] static std::string fold_to_ascii(std::string_view utf8);
  // Rule 2: a namespace or data member name.
  [[nodiscard]] static std::string snake(std::string_view name);
  // Rule 3.
  [[nodiscard]] static std::string camel(std::string_view name);
  // Rule 4.
  [[nodiscard]] static std::string class_name(const model::Definition& definition);
  // The namespace of a provider's classes, inside `formc_generated`.
  [[nodiscard]] static std::string provider_namespace(std::string_view provider);
  [[nodiscard]] static bool is_reserved(std::string_view identifier);
};

// Two names of the input that map to one C++ identifier in the same scope.
struct Collision {
  std::string identifier;  // the C++ identifier both become
  std::string scope;       // e.g. "enum 'formc_generated::dinum::APIParticulier::Modalities'"
  std::string first, second;               // the source names
  support::Span first_span, second_span;   // first_span is invalid for a name formc itself generates
  // "'eidas-1' and 'eidas_1' both become the C++ identifier 'Eidas1' in <scope>"
  [[nodiscard]] std::string message() const;
};

// Every collision of the generated C++ of `module`, in IR order.
[[nodiscard]] std::vector<Collision> find_cpp_collisions(const model::Module& module);

// A C++ string literal for UTF-8 text, readable: printable UTF-8 is kept as
// is; quotes, backslashes, control characters, bidirectional-control
// characters (which GCC's -Wbidi-chars rejects) and invalid bytes are escaped.
[[nodiscard]] std::string string_literal(std::string_view utf8);
// Text safe inside a `//` comment: on one line (line feeds, carriage returns
// — which end a comment for GCC — and Unicode line separators become
// spaces), no trailing backslash (a line splice), no "??" (a trigraph
// prefix), no control or bidirectional-control characters, valid UTF-8; at
// most `max_points` code points. Every definition text or name that goes into
// a generated comment passes here.
[[nodiscard]] std::string comment_text(std::string_view utf8, std::size_t max_points = 160);

}  // namespace formc::gen::cpp
