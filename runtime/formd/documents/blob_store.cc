#include "documents/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

#include "auth/tokens.h"

namespace formd::documents {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) { throw BlobError(what + ": " + std::strerror(errno)); }

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("opening " + dir.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("syncing " + dir.string());
}

}  // namespace

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct BlobWriter::Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Digest() { EVP_MD_CTX_free(ctx); }
};

BlobWriter::BlobWriter(const BlobStore& store, fs::path temp, int fd)
    : store_(store), temp_(std::move(temp)), fd_(fd), digest_(std::make_unique<Digest>()) {
  if (!digest_->ctx || EVP_DigestInit_ex(digest_->ctx, EVP_sha256(), nullptr) != 1) {
    throw BlobError("SHA-256 unavailable");
  }
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void BlobWriter::write(const char* data, std::size_t size) {
  if (fd_ < 0) throw BlobError("write after commit");
  EVP_DigestUpdate(digest_->ctx, data, size);
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing " + temp_.string());
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    size_ += static_cast<std::uint64_t>(n);
  }
}

std::string BlobWriter::commit() {
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest_->ctx, bytes, &length);
  static const char* hex = "0123456789abcdef";
  std::string sha256;
  for (unsigned int i = 0; i < length; ++i) {
    sha256 += hex[bytes[i] >> 4];
    sha256 += hex[bytes[i] & 15];
  }
  if (::fsync(fd_) != 0) fail("syncing " + temp_.string());
  ::close(fd_);
  fd_ = -1;
  const fs::path target = store_.dir() / sha256;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    // Same bytes already stored: keep that file (it is complete and durable).
    fs::remove(temp_, ec);
  } else {
    if (::rename(temp_.c_str(), target.c_str()) != 0) fail("renaming " + temp_.string());
    fsync_directory(store_.dir());
  }
  committed_ = true;
  return sha256;
}

BlobStore::BlobStore(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_ / "tmp", ec);
  if (ec) throw BlobError("creating " + (dir_ / "tmp").string() + ": " + ec.message());
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  fs::permissions(dir_ / "tmp", fs::perms::owner_all, fs::perm_options::replace, ec);
}

std::size_t BlobStore::clear_temporary(std::chrono::seconds idle) const {
  std::size_t removed = 0;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / "tmp", ec)) {
    std::error_code e;
    const auto when = fs::last_write_time(entry.path(), e);
    if (!e && now - when >= idle && fs::remove(entry.path(), e)) ++removed;
  }
  return removed;
}

std::unique_ptr<BlobWriter> BlobStore::begin() const {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const fs::path temp = dir_ / "tmp" / (auth::new_token() + ".part");
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) return std::unique_ptr<BlobWriter>(new BlobWriter(*this, temp, fd));
    if (errno != EEXIST) fail("creating " + temp.string());
  }
  throw BlobError("could not create a temporary file in " + (dir_ / "tmp").string());
}

std::optional<fs::path> BlobStore::path_of(std::string_view sha256) const {
  if (!is_sha256_hex(sha256)) return std::nullopt;
  fs::path path = dir_ / std::string(sha256);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

CollectResult BlobStore::collect(const std::set<std::string>& keep, std::chrono::seconds min_age) const {
  CollectResult result;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  auto old_enough = [&](const fs::path& p) {
    std::error_code e;
    const auto when = fs::last_write_time(p, e);
    return !e && now - when >= min_age;
  };
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_sha256_hex(name)) continue;  // tmp/ and anything else: not ours to judge here
    if (keep.count(name) || !old_enough(entry.path())) {
      ++result.kept;
      continue;
    }
    std::error_code e;
    if (fs::remove(entry.path(), e)) ++result.removed;
  }
  for (const auto& entry : fs::directory_iterator(dir_ / "tmp", ec)) {
    if (!old_enough(entry.path())) continue;
    std::error_code e;
    if (fs::remove(entry.path(), e)) ++result.temporary_removed;
  }
  return result;
}

}  // namespace formd::documents
