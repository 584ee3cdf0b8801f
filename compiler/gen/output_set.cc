#include "gen/output_set.h"

#include <cassert>

namespace formc::gen {

void OutputSet::add(std::string relative_path, std::string content) {
  const auto [it, inserted] = files_.emplace(std::move(relative_path), std::move(content));
  assert(inserted && "two generators produced the same output path");
  (void)it;
  (void)inserted;
}

void OutputSet::merge(OutputSet&& other) {
  for (auto& [path, content] : other.files_) add(path, std::move(content));
  other.files_.clear();
}

}  // namespace formc::gen
