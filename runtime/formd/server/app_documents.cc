// Documents (issue 12): uploads through the JSON API and the wizard's step
// form, removals, downloads. The bytes go to the content-addressed store
// (documents/blob_store.h) before their metadata row is written (a crash in
// between leaves orphan bytes for `formd gc`, never a row without bytes);
// the row and the request's data entries are written in one transaction
// (DocumentRepository::write_documents).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

#include "documents/file_name.h"
#include "documents/uploads.h"
#include "http/body.h"
#include "http/messages.h"
#include "http/multipart.h"
#include "http/strict_server.h"
#include "pages/request_views.h"
#include "render/slot_filler.h"
#include "server/app.h"
#include "server/page_support.h"

namespace formd {

namespace {

using Json = nlohmann::json;

// The editable document field `name` of the form (a part named "F" or "F[]").
const formc::model::Field* document_field(const catalog::FormEntry& form, std::string_view name,
                                          const catalog::Page* only_page = nullptr) {
  if (name.size() > 2 && name.substr(name.size() - 2) == "[]") name.remove_suffix(2);
  for (const auto& page : form.pages) {
    if (page.read_only || (only_page && &page != only_page)) continue;
    for (const auto* f : pages::page_fields(*form.definition, page)) {
      if (f->name == name && f->type == formc::model::FieldType::Document) return f;
    }
  }
  return nullptr;
}

Json document_json(const storage::Document& d) {
  return {{"id", d.id},          {"field", d.field},   {"name", d.name},
          {"content_type", d.content_type}, {"size", d.size}, {"sha256", d.sha256},
          {"href", "/documents/" + std::to_string(d.id)}};
}

std::size_t count_of(const std::vector<storage::Document>& documents, std::string_view field) {
  std::size_t n = 0;
  for (const auto& d : documents) n += d.field == field;
  return n;
}

}  // namespace

storage::DocumentWriteResult App::write_request_documents(const storage::Request& request, nlohmann::json data,
                                                          std::vector<storage::NewDocument> add,
                                                          std::vector<std::int64_t> remove, std::int64_t actor) {
  // The entries of every touched field, rebuilt from what the rows will be.
  auto current = store_.documents_of(request.id);
  std::set<std::string> touched;
  std::vector<storage::Document> after;
  for (const auto& d : current) {
    if (std::find(remove.begin(), remove.end(), d.id) != remove.end()) {
      touched.insert(d.field);
      continue;
    }
    after.push_back(d);
  }
  for (const auto& n : add) {
    touched.insert(n.field);
    storage::Document d;
    d.field = n.field;
    d.name = n.name;
    d.content_type = n.content_type;
    d.size = n.size;
    after.push_back(d);
  }
  if (!data.is_object()) data = Json::object();
  for (const auto& field : touched) {
    Json list = documents::entries(after, field);
    if (list.empty()) data.erase(field);
    else data[field] = std::move(list);
  }
  storage::DocumentWrite write;
  write.request_id = request.id;
  write.organization_siret = request.organization_siret;
  write.expected_version = request.version;
  write.data_json = data.dump();
  write.add = std::move(add);
  write.remove = std::move(remove);
  write.actor_user_id = actor;
  return store_.write_documents(write);
}

// Every document field of the definition (read-only pages included: their
// entries are the copies of rows too), whatever value is posted (null too).
std::vector<formc::rt::Error> App::document_keys_refused(const catalog::FormEntry& form, const nlohmann::json& posted) {
  std::vector<formc::rt::Error> out;
  if (!posted.is_object()) return out;
  for (const auto& [key, value] : posted.items()) {
    const auto* field = form.definition->find_field(key);
    if (field && field->type == formc::model::FieldType::Document) {
      out.push_back({key, "document_upload_required",
                     "« " + key + " » est un champ de document : ses fichiers se déposent un par un avec POST "
                     "/api/v1/requests/{id}/documents/" + key + " (multipart/form-data, une partie « file ») "
                     "et se retirent avec DELETE, jamais dans « data »."});
    }
  }
  return out;
}

void App::install_documents(http::Router& router) {
  if (!options_.documents_dir.empty()) {
    try {
      blobs_ = std::make_unique<documents::BlobStore>(options_.documents_dir);
      blobs_->clear_temporary(std::chrono::seconds(60));
    } catch (const std::exception& e) {
      std::cerr << "formd: documents disabled: " << e.what() << "\n";
    }
  }
  const std::size_t upload_limit = std::max(options_.max_upload_bytes, options_.max_body_bytes);

  // POST /api/v1/requests/{id}/documents/{field}: one part named `file`.
  router.post_stream(
      R"(/api/v1/requests/(\d{1,18})/documents/([a-z0-9_]{1,100}))",
      [this, upload_limit](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        const Caller caller = identify(req);
        // Refusals before reading close the connection: the body stays unread.
        auto refuse = [&](int status, std::string_view message) {
          http::StrictServer::close_after_response(res);
          http::send_json_error(res, status, message);
        };
        if (!check_api_identity(req, res, caller, true)) return http::StrictServer::close_after_response(res);
        if (!blobs_) return refuse(503, "Le dépôt de documents n’est pas configuré sur ce serveur.");
        const auto id = server::parse_id(req.matches[1].str());
        const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
        if (!found) return refuse(404, "Demande introuvable.");
        const auto catalog = catalogs_.current();
        const auto* entry = catalog->find_form(found->form_uid);
        if (!entry) return refuse(410, "Le formulaire de cette demande n’est plus proposé.");
        switch (may(domain::Action::Edit, *found, caller)) {
          case domain::Verdict::Allowed: break;
          case domain::Verdict::WrongState: return refuse(409, "La demande n’est plus un brouillon.");
          default: return refuse(403, "Seul le demandeur peut modifier cette demande.");
        }
        const std::string field_name = req.matches[2].str();
        const auto* field = document_field(*entry, field_name);
        if (!field) return refuse(404, "Ce formulaire n’a pas de champ de document « " + field_name + " ».");
        if (!http::is_multipart(req)) return refuse(415, "Envoyez le fichier en multipart/form-data, dans une partie nommée « file ».");
        if (count_of(store_.documents_of(found->id), field->name) >= static_cast<std::size_t>(field->max_count)) {
          return refuse(422, documents::too_many_files_message(*field));
        }
        documents::UploadCollector collector(
            *blobs_, [field](std::string_view part) { return part == "file" ? field : nullptr; }, 4096);
        switch (http::read_multipart(req, res, reader, upload_limit, collector.handler())) {
          case http::MultipartStatus::Ok: break;
          case http::MultipartStatus::TooLarge:
            return http::send_json_error(res, 413, "Le fichier dépasse la taille maximale d’un envoi.");
          default: return http::send_json_error(res, 400, "Le corps multipart/form-data est invalide.");
        }
        if (collector.files.size() != 1 || !collector.unexpected_files.empty()) {
          return http::send_json_error(res, 400, "Envoyez exactement un fichier, dans une partie nommée « file ».");
        }
        auto stored = documents::store_file(collector.files.front());
        if (!stored.ok) return http::send_json_error(res, stored.status, stored.message, {{"field", field->name}});
        // The version may move under us (another tab): read again and retry.
        for (int attempt = 0; attempt < 3; ++attempt) {
          const auto request = store_.find_request(found->id, found->organization_siret);
          if (!request) return http::send_json_error(res, 404, "Demande introuvable.");
          if (count_of(store_.documents_of(request->id), field->name) >= static_cast<std::size_t>(field->max_count)) {
            return http::send_json_error(res, 422, documents::too_many_files_message(*field));
          }
          const auto written = write_request_documents(*request, server::parse_object(request->data_json), {stored.document},
                                                       {}, caller.user->id);
          switch (written.outcome) {
            case storage::WriteOutcome::Ok: {
              res.set_header("ETag", "\"" + std::to_string(written.request->version) + "\"");
              res.set_header("Location", "/documents/" + std::to_string(written.added.front().id));
              return http::send_json(res, 201, document_json(written.added.front()));
            }
            case storage::WriteOutcome::Stale: continue;
            case storage::WriteOutcome::NotFound: return http::send_json_error(res, 404, "Demande introuvable.");
            case storage::WriteOutcome::WrongState: return http::send_json_error(res, 409, "La demande n’est plus un brouillon.");
          }
        }
        http::send_json_error(res, 409, "La demande a été modifiée entre-temps : recommencez.");
      },
      upload_limit);

  // DELETE /api/v1/requests/{id}/documents/{field}/{document_id}
  router.del(R"(/api/v1/requests/(\d{1,18})/documents/([a-z0-9_]{1,100})/(\d{1,18}))",
             api(ApiAccess::SignedInWithCsrf, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               const auto id = server::parse_id(req.matches[1].str());
               const auto document_id = server::parse_id(req.matches[3].str());
               const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
               if (!found) return http::send_json_error(res, 404, "Demande introuvable.");
               switch (may(domain::Action::Edit, *found, caller)) {
                 case domain::Verdict::Allowed: break;
                 case domain::Verdict::WrongState: return http::send_json_error(res, 409, "La demande n’est plus un brouillon.");
                 default: return http::send_json_error(res, 403, "Seul le demandeur peut modifier cette demande.");
               }
               const auto document = document_id ? store_.find_document(*document_id) : std::nullopt;
               if (!document || document->request_id != found->id || document->habilitation_id ||
                   document->field != req.matches[2].str()) {
                 return http::send_json_error(res, 404, "Document introuvable.");
               }
               const auto written = write_request_documents(*found, server::parse_object(found->data_json), {},
                                                            {document->id}, caller.user->id);
               switch (written.outcome) {
                 case storage::WriteOutcome::Ok:
                   res.set_header("ETag", "\"" + std::to_string(written.request->version) + "\"");
                   res.status = 204;
                   return;
                 case storage::WriteOutcome::NotFound: return http::send_json_error(res, 404, "Document introuvable.");
                 case storage::WriteOutcome::Stale:
                   return http::send_json_error(res, 409, "La demande a été modifiée entre-temps : recommencez.");
                 case storage::WriteOutcome::WrongState:
                   return http::send_json_error(res, 409, "La demande n’est plus un brouillon.");
               }
             }));

  // GET /api/v1/requests/{id}/documents: the current documents.
  router.get(R"(/api/v1/requests/(\d{1,18})/documents)",
             api(ApiAccess::SignedIn, [this](const httplib::Request& req, httplib::Response& res, const Caller& caller) {
               const auto id = server::parse_id(req.matches[1].str());
               const auto found = id ? visible_request(*id, *caller.user) : std::nullopt;
               if (!found) return http::send_json_error(res, 404, "Demande introuvable.");
               Json list = Json::array();
               for (const auto& d : store_.documents_of(found->id)) list.push_back(document_json(d));
               http::send_json(res, 200, {{"documents", std::move(list)}});
             }));

  // GET /documents/{id}: whoever may see the request (its habilitation's
  // copy too); always an attachment, in the stored type, never sniffed.
  router.get(R"(/documents/(\d{1,18}))", [this](const httplib::Request& req, httplib::Response& res) {
    const Caller caller = identify(req);
    if (!caller.logged_in()) return http::redirect(res, "/connexion?suite=" + http::url_encode(req.path));
    const auto id = server::parse_id(req.matches[1].str());
    const auto document = id ? store_.find_document(*id) : std::nullopt;
    const auto path = document && blobs_ ? blobs_->path_of(document->sha256) : std::nullopt;
    if (!document || !visible_request(document->request_id, *caller.user) || !path) {
      return send_error_page(res, 404, "Document introuvable", "Ce document n’existe pas ou ne vous est pas accessible.", caller);
    }
    auto file = std::make_shared<std::ifstream>(*path, std::ios::binary);
    if (!*file) return send_error_page(res, 404, "Document introuvable", "Ce document n’est plus disponible.", caller);
    // Never inline, never HTML: a stored type that could render is served as bytes.
    std::string type = document->content_type;
    if (type.empty() || type.find("html") != std::string::npos || type.find("xml") != std::string::npos ||
        type.find("javascript") != std::string::npos) {
      type = "application/octet-stream";
    }
    res.set_header("Content-Disposition", documents::attachment_disposition(document->name));
    // X-Content-Type-Options: nosniff comes with every answer (http::apply_security_headers).
    res.set_header("Cache-Control", "private, no-store");
    res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
    const auto size = static_cast<std::size_t>(document->size);
    res.set_content_provider(size, type, [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
      char buffer[64 * 1024];
      file->seekg(static_cast<std::streamoff>(offset));
      const auto n = std::min(length, sizeof buffer);
      file->read(buffer, static_cast<std::streamsize>(n));
      const auto got = file->gcount();
      if (got <= 0) return false;
      sink.write(buffer, static_cast<std::size_t>(got));
      return true;
    });
  });
}

// The wizard's step form: urlencoded as before, or multipart when its page
// has a document field. Files are streamed to temporary files while the
// body is read; each is then checked against its field, and the step (its
// other fields, the accepted files, the removals) is saved as one write.
void App::save_step_stream(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  if (!http::is_multipart(req)) {
    http::Body body = http::read_body(req, res, reader, options_.max_body_bytes);
    if (body.status != http::BodyStatus::Ok) {
      res.status = body.status == http::BodyStatus::TooLarge ? 413 : 400;
      return;
    }
    httplib::Request with = req;
    with.body = std::move(body.bytes);
    return save_step(with, res);
  }
  const Caller caller = identify(req);
  auto unread = [&] { http::StrictServer::close_after_response(res); };
  if (!caller.logged_in()) {
    unread();
    return http::redirect(res, "/connexion");
  }
  if (!blobs_) {
    unread();
    return send_error_page(res, 503, "Service indisponible", "Le dépôt de documents n’est pas configuré sur ce serveur.", caller);
  }
  const auto catalog = catalogs_.current();
  auto owned = load_owned(req.matches[1].str(), res, caller, *catalog);
  if (!owned) return unread();
  const catalog::Page* page = nullptr;
  for (const auto& p : owned->form->pages) {
    if (p.key == req.matches[2].str()) page = &p;
  }
  if (!page) {
    unread();
    return send_error_page(res, 404, "Étape introuvable", "Cette étape n’existe pas pour ce formulaire.", caller);
  }
  const auto* form = owned->form;
  documents::UploadCollector collector(
      *blobs_, [form, page](std::string_view part) { return document_field(*form, part, page); }, options_.max_body_bytes);
  switch (http::read_multipart(req, res, reader, std::max(options_.max_upload_bytes, options_.max_body_bytes),
                               collector.handler())) {
    case http::MultipartStatus::Ok: break;
    case http::MultipartStatus::TooLarge:
      return send_error_page(res, 413, "Requête refusée", "L’envoi dépasse la taille maximale acceptée.", caller);
    default: return send_error_page(res, 400, "Requête refusée", "Le formulaire envoyé est invalide.", caller);
  }
  if (!collector.unexpected_files.empty()) {
    return send_error_page(res, 400, "Requête refusée", "Un fichier a été envoyé pour un champ qui n’en accepte pas.", caller);
  }
  StepFiles files{std::move(collector.files)};
  save_step_posted(req, res, caller, collector.pairs, &files);
}

// Decides on the files and removals of a step post: accepted files are
// committed to the blob store and returned as rows to add; refusals become
// errors at their field.
App::StepDocuments App::step_documents(const OwnedRequest& owned, const std::vector<const formc::model::Field*>& fields,
                                       const std::vector<std::pair<std::string, std::string>>& pairs, StepFiles* files) {
  StepDocuments out;
  const auto current = store_.documents_of(owned.request.id);
  auto on_page = [&](std::string_view name) -> const formc::model::Field* {
    for (const auto* f : fields) {
      if (f->name == name && f->type == formc::model::FieldType::Document) return f;
    }
    return nullptr;
  };
  std::map<std::string, std::size_t> counts;
  for (const auto& d : current) ++counts[d.field];
  for (const auto& [name, value] : pairs) {
    if (name != "_remove_document") continue;
    const auto id = server::parse_id(value);
    for (const auto& d : current) {
      if (id && d.id == *id && on_page(d.field) &&
          std::find(out.remove.begin(), out.remove.end(), d.id) == out.remove.end()) {
        out.remove.push_back(d.id);
        --counts[d.field];
      }
    }
  }
  if (!files) return out;
  for (auto& file : files->received) {
    const auto& field = *file.field;
    if (counts[field.name] >= static_cast<std::size_t>(field.max_count)) {
      out.errors.push_back({field.name, "too_many_files", documents::too_many_files_message(field)});
      continue;
    }
    auto stored = documents::store_file(file);
    if (!stored.ok) {
      out.errors.push_back({field.name, "document_refused", stored.message});
      continue;
    }
    ++counts[field.name];
    out.add.push_back(std::move(stored.document));
  }
  return out;
}

}  // namespace formd
