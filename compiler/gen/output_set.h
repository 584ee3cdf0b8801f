// The outputs of one compilation, in memory.
//
// Contract: generators add files here (path relative to the output
// directory, full content); nothing touches the disk until
// driver/compile_units.h writes it (gen/commit.h), and only if no error was
// reported. Paths are unique and ordered, so iteration is deterministic.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace formc::gen {

class OutputSet {
 public:
  // Adds a file; a second file at the same path is a generator bug (asserts).
  void add(std::string relative_path, std::string content);
  // Moves every file of `other` here (generators run in parallel into sets
  // of their own; merged, the set is the same whatever finished first).
  void merge(OutputSet&& other);
  [[nodiscard]] const std::map<std::string, std::string>& files() const { return files_; }
  [[nodiscard]] bool contains(std::string_view path) const { return files_.count(std::string(path)) != 0; }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace formc::gen
