// Where formd gets its current Catalog, and dev-mode hot reload.
//
// Contract: current() returns the catalogue to serve a request with; it is
// cheap (a shared_ptr copy under a mutex) and thread-safe. Without `watch`
// the catalogue is loaded once. With `watch` (formd --dev) a background
// thread fingerprints the definitions and block library directories (path,
// size, modification time of every file) every `poll` interval and reloads
// through the interpreter when anything changed: an author sees a saved edit
// on the next page load, well within a second. A reload that fails keeps the
// previous catalogue and exposes formc's diagnostics through status(), which
// the preview pages show.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/catalog.h"

namespace formd::catalog {

struct SourceStatus {
  std::uint64_t generation = 0;  // +1 at every successful (re)load
  std::string error;             // last failed reload ("" when the current catalogue is up to date)
  std::string diagnostics;       // formc's diagnostics of the last load attempt
};

class CatalogSource {
 public:
  // Loads once; on failure returns null and sets `error` (with the diagnostics).
  static std::unique_ptr<CatalogSource> open(LoadOptions options, bool watch, std::chrono::milliseconds poll,
                                             std::string& error);
  ~CatalogSource();
  CatalogSource(const CatalogSource&) = delete;
  CatalogSource& operator=(const CatalogSource&) = delete;

  [[nodiscard]] std::shared_ptr<const Catalog> current() const;
  [[nodiscard]] SourceStatus status() const;
  [[nodiscard]] bool watching() const { return watcher_.joinable(); }

 private:
  CatalogSource() = default;
  void watch_loop(std::chrono::milliseconds poll);
  [[nodiscard]] std::string fingerprint() const;

  LoadOptions options_;
  std::string library_dir_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Catalog> current_;
  SourceStatus status_;
  std::string fingerprint_;
  std::thread watcher_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace formd::catalog
