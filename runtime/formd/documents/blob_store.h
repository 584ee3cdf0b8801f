// The content-addressed store of document bytes: <dir>/<sha256>, one file
// per distinct content (two uploads of the same bytes are stored once).
//
// Contract:
//   - A file appears under its final name only complete and durable: bytes
//     go to <dir>/tmp/<random> (O_EXCL, 0600), which is fsync'd, renamed to
//     <dir>/<sha256>, and the directory fsync'd. A crash leaves at most a
//     file under tmp/, never a partial <sha256>; the server clears tmp/
//     when it starts (clear_temporary()).
//   - The name is the SHA-256 of the bytes as written (computed while
//     streaming): nothing a client sends ever becomes a path.
//   - Writers never hold more than one chunk in memory.
//   - collect() removes the files whose digest is not in `keep` and older
//     than `min_age` (so a file just committed, whose metadata row is being
//     written, is never collected), and stale tmp/ files.
// Thread-safe: writers are independent; rename is atomic.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <stdexcept>
#include <string_view>

namespace formd::documents {

class BlobError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BlobStore;

// One file being written. Destroyed without commit(): its temporary file is removed.
class BlobWriter {
 public:
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  void write(const char* data, std::size_t size);  // throws BlobError
  [[nodiscard]] std::uint64_t size() const { return size_; }
  // The temporary file (for content sniffing before commit).
  [[nodiscard]] const std::filesystem::path& temp_path() const { return temp_; }
  // fsync, digest, rename, fsync of the directory; returns the digest.
  std::string commit();

 private:
  friend class BlobStore;
  BlobWriter(const BlobStore& store, std::filesystem::path temp, int fd);
  struct Digest;
  const BlobStore& store_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::unique_ptr<Digest> digest_;
  bool committed_ = false;
};

struct CollectResult {
  std::size_t removed = 0, kept = 0, temporary_removed = 0;
};

class BlobStore {
 public:
  // Creates <dir> and <dir>/tmp (0700) if needed. Throws BlobError.
  explicit BlobStore(std::filesystem::path dir);
  // Removes the temporary files not written for `idle` (what a crash
  // left; an upload in flight in another process writes all the time).
  // The server calls it when it starts. Returns how many.
  std::size_t clear_temporary(std::chrono::seconds idle) const;

  [[nodiscard]] std::unique_ptr<BlobWriter> begin() const;
  // The path of a stored file, or nullopt if `sha256` is not 64 hex digits or absent.
  [[nodiscard]] std::optional<std::filesystem::path> path_of(std::string_view sha256) const;
  CollectResult collect(const std::set<std::string>& keep, std::chrono::seconds min_age) const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

[[nodiscard]] bool is_sha256_hex(std::string_view text);

}  // namespace formd::documents
