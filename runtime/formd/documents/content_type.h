// What a file is, by its bytes: Debian's libmagic (the `file` command's
// database), never the name or the type a client declares.
//
// Contract: sniff_file() answers the MIME type libmagic gives for the file
// (e.g. "application/pdf", "application/x-dosexec"), or "" when it cannot
// tell. accepts() says whether a sniffed type satisfies a field's declared
// content types: equal, or a known equivalent (CSV is often sniffed as
// text/plain; old Office files as application/CDFV2). Thread-safe (one
// libmagic handle behind a mutex: libmagic handles are not).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace formd::documents {

[[nodiscard]] std::string sniff_file(const std::filesystem::path& file);

[[nodiscard]] bool accepts(const std::vector<std::string>& declared, std::string_view sniffed);

// "PDF", "ODS, XLS, XLSX, CSV": the formats named in a refusal message.
[[nodiscard]] std::string format_names(const std::vector<std::string>& declared);

}  // namespace formd::documents
