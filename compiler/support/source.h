// Source files and spans.
//
// Contract: every piece of user input the compiler reads is registered once in
// a SourceManager, which owns its bytes. A Span names a byte range [begin, end)
// of one file. Byte offsets are converted to 1-based line and column in exactly
// one place, SourceManager::locate(); columns count Unicode code points so a
// caret printed under the source line lines up with accented French text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace formc::support {

using FileId = std::uint32_t;  // 0 means "no file"
inline constexpr FileId kNoFile = 0;

struct Span {
  FileId file = kNoFile;
  std::uint32_t begin = 0;  // byte offset, inclusive
  std::uint32_t end = 0;    // byte offset, exclusive

  [[nodiscard]] bool valid() const { return file != kNoFile; }
  friend bool operator==(const Span&, const Span&) = default;
};

struct Location {
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in code points
};

class SourceFile {
 public:
  SourceFile(std::string display_path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] Location locate(std::uint32_t offset) const;
  // The text of the 1-based line `line`, without its line terminator.
  [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
  [[nodiscard]] std::uint32_t line_start(std::uint32_t line) const;

 private:
  void build_line_table() const;

  std::string path_;
  std::string text_;
  mutable std::vector<std::uint32_t> line_starts_;  // computed lazily
};

class SourceManager {
 public:
  // Registers a file; `display_path` is what diagnostics print.
  FileId add(std::string display_path, std::string text);
  [[nodiscard]] const SourceFile& file(FileId id) const;
  [[nodiscard]] Location locate(const Span& span) const;
  [[nodiscard]] std::size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace formc::support
