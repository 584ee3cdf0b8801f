// "Sends" emails by writing them as .eml files into a directory: what formd
// does without --smtp-url, so development and tests see every email.
//
// Contract:
//   - the constructor creates the directory (and its parents) with mode 0700
//     when missing; it throws std::filesystem::filesystem_error if it cannot,
//     or if the path exists and is not a directory;
//   - send() writes render_rfc5322(email, clock()) to
//     <dir>/<compact UTC time>-<sanitised Message-ID>.eml (see file_name),
//     mode 0600, through a temporary file in the same directory that is
//     written, fsync'ed, then renamed, and the directory fsync'ed: a reader
//     sees the complete file or none, also after a crash. Temporary files are
//     named ".tmp-XXXXXX" (never *.eml) and removed when anything fails;
//   - the same email sent twice within one second replaces its file (same
//     name); a second later it is a second file;
//   - an I/O error before the rename is a temporary failure (a full disk gets
//     emptied); an invalid email is a permanent one. A failed fsync of the
//     directory after the rename still counts as sent (the file is there),
//     with the error in the message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "notify/transport.h"

namespace formd::notify {

class EmlDirectoryTransport final : public MailTransport {
 public:
  explicit EmlDirectoryTransport(std::filesystem::path directory, UnixClock clock = system_unix_time);

  [[nodiscard]] SendResult send(const Email& email) override;

  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }

  // "20240201T090500Z-<id>.eml" where <id> is the Message-ID with every
  // character other than letters, digits, '.', '-' and '_' replaced by '_',
  // cut to 100 characters: safe in any file system, sorted by time.
  [[nodiscard]] static std::string file_name(std::int64_t unix_time, std::string_view message_id);

 private:
  std::filesystem::path directory_;
  UnixClock clock_;
};

}  // namespace formd::notify
