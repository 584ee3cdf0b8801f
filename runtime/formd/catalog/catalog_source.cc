#include "catalog/catalog_source.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "driver/session.h"

namespace formd::catalog {
namespace fs = std::filesystem;

namespace {

// Every regular file under `dir`: "path\tsize\tmtime" lines, sorted. Errors
// (a file removed while listing) only make the fingerprint differ, which
// triggers one more reload: harmless.
void list_files(const std::string& dir, std::vector<std::string>& lines) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const auto size = it->file_size(fec);
    const auto mtime = it->last_write_time(fec).time_since_epoch().count();
    lines.push_back(fmt::format("{}\t{}\t{}", it->path().string(), size, mtime));
  }
}

}  // namespace

std::unique_ptr<CatalogSource> CatalogSource::open(LoadOptions options, bool watch, std::chrono::milliseconds poll,
                                                   std::string& error) {
  std::unique_ptr<CatalogSource> source(new CatalogSource());
  source->options_ = std::move(options);
  // The library formc's Session will load: --library, the definitions root's own library/, or formc's.
  source->library_dir_ = formc::driver::resolve_library({source->options_.definitions_dir}, source->options_.library_dir);
  source->fingerprint_ = source->fingerprint();
  LoadResult loaded = load_catalog(source->options_);
  if (!loaded.catalog) {
    error = loaded.error + (loaded.diagnostics.empty() ? "" : "\n" + loaded.diagnostics);
    return nullptr;
  }
  source->current_ = std::move(loaded.catalog);
  source->status_ = SourceStatus{1, "", loaded.diagnostics};
  if (watch) source->watcher_ = std::thread([raw = source.get(), poll] { raw->watch_loop(poll); });
  return source;
}

CatalogSource::~CatalogSource() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

std::shared_ptr<const Catalog> CatalogSource::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

SourceStatus CatalogSource::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::string CatalogSource::fingerprint() const {
  std::vector<std::string> lines;
  list_files(options_.definitions_dir, lines);
  list_files(library_dir_, lines);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

void CatalogSource::watch_loop(std::chrono::milliseconds poll) {
  for (;;) {
    {
      std::unique_lock lock(stop_mutex_);
      if (stop_cv_.wait_for(lock, poll, [this] { return stopping_; })) return;
    }
    std::string now = fingerprint();
    if (now == fingerprint_) continue;
    fingerprint_ = std::move(now);
    LoadResult loaded = load_catalog(options_);
    std::lock_guard lock(mutex_);
    if (loaded.catalog) {
      current_ = std::move(loaded.catalog);
      status_ = SourceStatus{status_.generation + 1, "", loaded.diagnostics};
      std::cerr << "formd: definitions reloaded (generation " << status_.generation << ")\n";
    } else {
      status_.error = loaded.error;
      status_.diagnostics = loaded.diagnostics;
      std::cerr << "formd: reload failed, still serving the previous definitions: " << loaded.error << "\n"
                << loaded.diagnostics;
    }
  }
}

}  // namespace formd::catalog
