#include "documents/content_type.h"

#include <magic.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

namespace formd::documents {

namespace {

class Magic {
 public:
  Magic() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) {
    if (cookie_ && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~Magic() {
    if (cookie_) magic_close(cookie_);
  }
  std::string sniff(const std::filesystem::path& file) {
    std::lock_guard lock(mutex_);
    if (!cookie_) return {};
    const char* type = magic_file(cookie_, file.c_str());
    return type ? std::string(type) : std::string();
  }

 private:
  magic_t cookie_;
  std::mutex mutex_;
};

// Types libmagic reports for formats DataPass names otherwise.
const std::pair<std::string_view, std::string_view> kEquivalents[] = {
    {"text/csv", "text/plain"},
    {"text/csv", "application/csv"},
    {"application/vnd.ms-excel", "application/CDFV2"},
    {"application/vnd.ms-excel", "application/x-ole-storage"},
    {"application/msword", "application/CDFV2"},
};

std::string_view short_name(std::string_view type) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"application/pdf", "PDF"},
      {"application/vnd.oasis.opendocument.spreadsheet", "ODS"},
      {"application/vnd.oasis.opendocument.text", "ODT"},
      {"application/vnd.ms-excel", "XLS"},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"},
      {"application/msword", "DOC"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"},
      {"application/vnd.sun.xml.calc", "SXC"},
      {"text/csv", "CSV"},
      {"image/jpeg", "JPEG"},
      {"image/png", "PNG"},
  };
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return type;
}

}  // namespace

std::string sniff_file(const std::filesystem::path& file) {
  static Magic magic;
  return magic.sniff(file);
}

bool accepts(const std::vector<std::string>& declared, std::string_view sniffed) {
  if (sniffed.empty()) return false;
  if (declared.empty()) return true;
  for (const auto& type : declared) {
    if (type == sniffed) return true;
    for (const auto& [name, alias] : kEquivalents) {
      if (type == name && sniffed == alias) return true;
    }
  }
  return false;
}

std::string format_names(const std::vector<std::string>& declared) {
  std::string out;
  for (const auto& type : declared) {
    const std::string name(short_name(type));
    if (out.find(name) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace formd::documents
