#include "notify/eml_directory_transport.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <system_error>

#include "notify/utc_time.h"

namespace formd::notify {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIdInName = 100;

std::string errno_text(const std::string& what, int error) { return what + ": " + std::strerror(error); }

// Closes the file and removes the temporary path unless the rename happened.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string path_template) : path_(std::move(path_template)) {
    fd_ = mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) path_.clear();
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  // Closes now, reporting the error a deferred write may only show here.
  [[nodiscard]] int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }
  // After a successful rename the path belongs to the final file.
  void release() { path_.clear(); }

 private:
  std::string path_;
  int fd_ = -1;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// Makes a rename in `directory` survive a crash.
int fsync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  const int result = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return result;
}

}  // namespace

EmlDirectoryTransport::EmlDirectoryTransport(fs::path directory, UnixClock clock)
    : directory_(std::move(directory)), clock_(std::move(clock)) {
  if (!clock_) throw std::invalid_argument("EmlDirectoryTransport: no clock");
  if (!fs::exists(directory_)) {
    fs::create_directories(directory_);
    // Emails hold personal data: only formd's user reads them.
    fs::permissions(directory_, fs::perms::owner_all, fs::perm_options::replace);
  } else if (!fs::is_directory(directory_)) {
    throw fs::filesystem_error("not a directory", directory_, std::make_error_code(std::errc::not_a_directory));
  }
}

std::string EmlDirectoryTransport::file_name(std::int64_t unix_time, std::string_view message_id) {
  std::string id(message_id.substr(0, kMaxIdInName));
  for (char& c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    if (!keep) c = '_';
  }
  return compact_utc_timestamp(unix_time) + "-" + id + ".eml";
}

SendResult EmlDirectoryTransport::send(const Email& email) {
  std::string message;
  std::string name;
  try {
    const std::int64_t now = clock_();
    message = render_rfc5322(email, now);
    name = file_name(now, email.message_id);
  } catch (const InvalidEmail& e) {
    return SendResult::permanent(std::string("not written, invalid email: ") + e.what());
  } catch (const std::exception& e) {
    return SendResult::temporary(std::string("not written: ") + e.what());
  }
  const fs::path target = directory_ / name;

  TemporaryFile temporary((directory_ / ".tmp-XXXXXX").string());
  if (temporary.fd() < 0) {
    const int error = errno;
    return SendResult::temporary(errno_text("cannot create a file in " + directory_.string(), error));
  }
  // mkostemp already creates 0600; fchmod states it whatever the umask.
  if (::fchmod(temporary.fd(), S_IRUSR | S_IWUSR) != 0 || !write_all(temporary.fd(), message) ||
      ::fsync(temporary.fd()) != 0 || temporary.close() != 0) {
    const int error = errno;
    return SendResult::temporary(errno_text("cannot write " + temporary.path(), error));
  }
  if (::rename(temporary.path().c_str(), target.c_str()) != 0) {
    const int error = errno;
    return SendResult::temporary(errno_text("cannot rename to " + target.string(), error));
  }
  temporary.release();
  // The file is complete and visible: that is "sent". Retrying because the
  // rename might not survive a crash would write a second copy.
  if (fsync_directory(directory_) != 0) {
    const int error = errno;
    return SendResult::sent("written to " + target.string() + errno_text(" (directory not synced", error) + ")");
  }
  return SendResult::sent("written to " + target.string());
}

}  // namespace formd::notify
