#include "documents/gc_command.h"

#include <filesystem>
#include <set>

#include "documents/blob_store.h"
#include "storage/sqlite_store.h"

namespace formd::cli {

int run_gc_command(const GcCommand& command, std::ostream& out, std::ostream& err) {
  try {
    const std::filesystem::path data(command.data_dir);
    if (!std::filesystem::is_regular_file(data / storage::SqliteStore::kFileName)) {
      err << "formd gc: error: no formd database in " << data.string() << "\n";
      return 1;
    }
    auto store = storage::SqliteStore::open(data);
    documents::BlobStore blobs(data / "documents");
    const auto referenced = store->referenced_blobs();
    const std::set<std::string> keep(referenced.begin(), referenced.end());
    const auto result = blobs.collect(keep, std::chrono::seconds(command.min_age_seconds));
    out << "formd gc: " << result.removed << " fichier(s) orphelin(s) supprimé(s), " << result.kept
        << " conservé(s), " << result.temporary_removed << " fichier(s) temporaire(s) supprimé(s)\n";
    return 0;
  } catch (const std::exception& e) {
    err << "formd gc: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace formd::cli
