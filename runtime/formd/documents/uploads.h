// Receiving documents: the parts of a multipart body, the files streamed
// into the blob store's temporary files, each checked against its field
// (size, count, the content type its bytes show), and the request data's
// entries rebuilt from the stored documents.
//
// Contract:
//   - UploadCollector never holds a file in memory: each file part goes to a
//     BlobWriter as it arrives. Past its field's max_size a file stops being
//     written (too_large) and the rest of its bytes are dropped. Field parts
//     (text) are kept as pairs, at most `max_field_bytes` in all (Aborted past it).
//   - store_file() decides on one received file: refused (French message,
//     nothing stored) or committed to the blob store (content-addressed:
//     the same bytes are stored once) with its metadata to record.
//   - entries() is what the validators read in a request's data for a
//     document field: [{name, content_type, size}] in upload order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "documents/blob_store.h"
#include "http/multipart.h"
#include "model/ir.h"
#include "storage/repository.h"

namespace formd::documents {

struct ReceivedFile {
  const formc::model::Field* field = nullptr;
  std::string name;  // sanitised
  std::unique_ptr<BlobWriter> writer;
  std::uint64_t size = 0;
  bool too_large = false;
};

class UploadCollector {
 public:
  // `field_of`: the document field a file part named so uploads to (null:
  // a file part there is a problem, reported by problems()).
  UploadCollector(const BlobStore& blobs, std::function<const formc::model::Field*(std::string_view)> field_of,
                  std::size_t max_field_bytes);
  [[nodiscard]] http::MultipartHandler handler();

  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<ReceivedFile> files;
  std::vector<std::string> unexpected_files;  // part names of file parts no field takes

 private:
  const BlobStore& blobs_;
  std::function<const formc::model::Field*(std::string_view)> field_of_;
  std::size_t max_field_bytes_, field_bytes_ = 0;
  enum class Target { None, Pair, File } target_ = Target::None;
};

struct StoredFile {
  bool ok = false;
  int status = 422;      // when refused: 413 (too large) or 422
  std::string message;   // French, when refused
  storage::NewDocument document;
};

// Size, emptiness, then the bytes' type; commits the bytes when accepted.
[[nodiscard]] StoredFile store_file(ReceivedFile& file);

// "10 Mo", "512 Ko": sizes as the forms show them.
[[nodiscard]] std::string format_size(std::int64_t bytes);

// The refusal when a field would hold more than its max_count files.
[[nodiscard]] std::string too_many_files_message(const formc::model::Field& field);

// The field's files as a list with their size and download link (and a
// "Supprimer ce fichier" checkbox named _remove_document when `removable`),
// every text escaped (templates/document_list.mustache); "" when the field
// has none. A document without id (the preview's example) has no link.
[[nodiscard]] std::string list_html(const std::vector<storage::Document>& documents, std::string_view field,
                                    bool removable);

[[nodiscard]] nlohmann::json entries(const std::vector<storage::Document>& documents, std::string_view field);

}  // namespace formd::documents
