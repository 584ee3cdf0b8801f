// What an expression can see: the fields in scope, and where its text is.
//
// Contract: the model (the caller of compile()) implements FieldScope over its
// IR; SimpleFieldScope is a ready-made vector-backed scope for tests, tools and
// small callers. A FieldSignature's `options` are the allowed values of a
// select, radio or multiselect field (for an integer select, their decimal
// spelling, e.g. "50"); empty means free input. OffsetMapper turns a byte
// range of the expression text into a span of the YAML file; the loader builds
// it, handling plain, quoted and block scalars.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/types.h"
#include "support/source.h"

namespace formc::expr {

struct FieldSignature {
  std::string name;
  Type type;
  std::vector<std::string> options;
};

class FieldScope {
 public:
  virtual ~FieldScope() = default;
  // The field called `name`, or nullptr.
  [[nodiscard]] virtual const FieldSignature* find(std::string_view name) const = 0;
  // Every name in scope, for "did you mean" suggestions.
  [[nodiscard]] virtual std::vector<std::string> names() const = 0;
};

// Maps the expression byte range [begin, end) to a span of the source file.
using OffsetMapper = std::function<support::Span(std::uint32_t begin, std::uint32_t end)>;

// An OffsetMapper for an expression that is the whole text of `file`, or that
// starts at byte `base` of it and is copied verbatim (no escapes, no folding).
[[nodiscard]] OffsetMapper verbatim_mapper(support::FileId file, std::uint32_t base = 0);

class SimpleFieldScope final : public FieldScope {
 public:
  SimpleFieldScope() = default;
  SimpleFieldScope(std::initializer_list<FieldSignature> fields) : fields_(fields) {}
  void add(FieldSignature field) { fields_.push_back(std::move(field)); }
  [[nodiscard]] const FieldSignature* find(std::string_view name) const override;
  [[nodiscard]] std::vector<std::string> names() const override;

 private:
  std::vector<FieldSignature> fields_;
};

}  // namespace formc::expr
