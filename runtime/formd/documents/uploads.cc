#include "documents/uploads.h"
#include "web/view.h"

#include "documents/content_type.h"
#include "documents/file_name.h"

namespace formd::documents {

UploadCollector::UploadCollector(const BlobStore& blobs,
                                 std::function<const formc::model::Field*(std::string_view)> field_of,
                                 std::size_t max_field_bytes)
    : blobs_(blobs), field_of_(std::move(field_of)), max_field_bytes_(max_field_bytes) {}

http::MultipartHandler UploadCollector::handler() {
  http::MultipartHandler h;
  h.begin = [this](const http::PartHead& head) {
    if (!head.is_file) {
      pairs.emplace_back(head.name, std::string());
      target_ = Target::Pair;
      return true;
    }
    target_ = Target::None;
    // A file input left empty posts a part with no filename and no bytes.
    if (head.filename.empty()) return true;
    const formc::model::Field* field = field_of_(head.name);
    if (!field) {
      unexpected_files.push_back(head.name);
      return true;
    }
    files.push_back(ReceivedFile{field, sanitize_file_name(head.filename), blobs_.begin(), 0, false});
    target_ = Target::File;
    return true;
  };
  h.data = [this](const char* data, std::size_t size) {
    switch (target_) {
      case Target::None: return true;
      case Target::Pair:
        field_bytes_ += size;
        if (field_bytes_ > max_field_bytes_) return false;
        pairs.back().second.append(data, size);
        return true;
      case Target::File: {
        auto& file = files.back();
        file.size += size;
        if (file.too_large) return true;
        const auto max = file.field->max_size;
        if (max && file.size > static_cast<std::uint64_t>(*max)) {
          file.too_large = true;
          file.writer.reset();  // its temporary file goes now
          return true;
        }
        file.writer->write(data, size);
        return true;
      }
    }
    return true;
  };
  return h;
}

std::string format_size(std::int64_t bytes) {
  constexpr std::int64_t kKo = 1024, kMo = 1024 * 1024;
  auto with_unit = [](std::int64_t value, std::int64_t unit, const char* name) {
    std::string s = std::to_string(value / unit);
    const std::int64_t tenth = (value % unit) * 10 / unit;
    if (tenth) s += "," + std::to_string(tenth);
    return s + " " + name;
  };
  if (bytes >= kMo) return with_unit(bytes, kMo, "Mo");
  if (bytes >= kKo) return with_unit(bytes, kKo, "Ko");
  return std::to_string(bytes) + " octets";
}

std::string too_many_files_message(const formc::model::Field& field) {
  if (field.max_count <= 1) return "Un seul fichier est accepté pour ce champ : supprimez d’abord le fichier joint.";
  return "Vous ne pouvez pas joindre plus de " + std::to_string(field.max_count) + " fichiers à ce champ.";
}

StoredFile store_file(ReceivedFile& file) {
  StoredFile out;
  const auto& field = *file.field;
  const std::string quoted = "« " + file.name + " »";
  if (file.too_large) {
    out.status = 413;
    out.message = "Le fichier " + quoted + " dépasse la taille maximale de " + format_size(*field.max_size) + ".";
    return out;
  }
  if (file.size == 0 || !file.writer) {
    out.message = "Le fichier " + quoted + " est vide.";
    return out;
  }
  const std::string sniffed = sniff_file(file.writer->temp_path());
  if (!accepts(field.content_types, sniffed)) {
    out.message = "Le fichier " + quoted + " n’est pas au format " + format_names(field.content_types) + ".";
    return out;
  }
  // Declared types are what the definition names; store the declared one
  // the bytes matched, so the validators (enum of content types) agree.
  std::string type = sniffed;
  for (const auto& declared : field.content_types) {
    if (accepts({declared}, sniffed)) {
      type = declared;
      break;
    }
  }
  const std::string sha256 = file.writer->commit();
  out.ok = true;
  out.document = storage::NewDocument{field.name, file.name, type, sha256, static_cast<std::int64_t>(file.size)};
  return out;
}

std::string list_html(const std::vector<storage::Document>& documents, std::string_view field, bool removable) {
  // templates/document_list.mustache escapes every value.
  web::List items;
  for (const auto& d : documents) {
    if (d.field != field) continue;
    web::Data item;
    item.set("id", std::to_string(d.id));
    item.set("linked", d.id != 0);  // 0: the preview's example, nothing to download
    item.set("name", d.name);
    item.set("size", format_size(d.size));
    item.set("removable", removable);
    items.push_back(item);
  }
  if (items.empty()) return "";
  web::Data data;
  data.set("has_documents", true);
  data.set("documents", items);
  return web::render("document_list", data);
}

nlohmann::json entries(const std::vector<storage::Document>& documents, std::string_view field) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : documents) {
    if (d.field == field) out.push_back({{"name", d.name}, {"content_type", d.content_type}, {"size", d.size}});
  }
  return out;
}

}  // namespace formd::documents
