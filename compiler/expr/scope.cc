#include "expr/scope.h"

namespace formc::expr {

OffsetMapper verbatim_mapper(support::FileId file, std::uint32_t base) {
  return [file, base](std::uint32_t begin, std::uint32_t end) { return support::Span{file, base + begin, base + end}; };
}

const FieldSignature* SimpleFieldScope::find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> SimpleFieldScope::names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& f : fields_) out.push_back(f.name);
  return out;
}

}  // namespace formc::expr
