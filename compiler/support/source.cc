#include "support/source.h"

#include <algorithm>
#include <cassert>

namespace formc::support {

SourceFile::SourceFile(std::string display_path, std::string text)
    : path_(std::move(display_path)), text_(std::move(text)) {}

void SourceFile::build_line_table() const {
  if (!line_starts_.empty()) return;
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Location SourceFile::locate(std::uint32_t offset) const {
  build_line_table();
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line_index = static_cast<std::uint32_t>(it - line_starts_.begin()) - 1;
  const std::uint32_t start = line_starts_[line_index];
  // Count code points: every byte that is not a UTF-8 continuation byte.
  std::uint32_t column = 1;
  for (std::uint32_t i = start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return Location{line_index + 1, column};
}

std::uint32_t SourceFile::line_start(std::uint32_t line) const {
  build_line_table();
  if (line == 0 || line > line_starts_.size()) return static_cast<std::uint32_t>(text_.size());
  return line_starts_[line - 1];
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  build_line_table();
  if (line == 0 || line > line_starts_.size()) return {};
  const std::uint32_t start = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<std::uint32_t>(text_.size());
  while (end > start && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(start, end - start);
}

FileId SourceManager::add(std::string display_path, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(display_path), std::move(text)));
  return static_cast<FileId>(files_.size());
}

const SourceFile& SourceManager::file(FileId id) const {
  assert(id != kNoFile && id <= files_.size());
  return *files_[id - 1];
}

Location SourceManager::locate(const Span& span) const {
  if (!span.valid()) return {};
  return file(span.file).locate(span.begin);
}

}  // namespace formc::support
