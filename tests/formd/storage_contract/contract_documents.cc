// Storage contract: documents (issue 12). write_documents adds and removes a
// draft's files with its data, version and `update` event in one
// transaction, or writes nothing (unknown or foreign request, wrong state,
// stale version, a document that is not the request's); an issued
// habilitation keeps a copy of the files; restoring from it brings them
// back; removing a draft's file keeps the habilitation's copy (and so its
// bytes referenced).
#include <algorithm>
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;

namespace {

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

NewDocument pdf(const std::string& name, const std::string& hash, std::int64_t size = 1234) {
  return NewDocument{"cadre_juridique_document", name, "application/pdf", hash, size};
}

DocumentWrite adding(const Request& r, std::vector<NewDocument> add, const std::string& data,
                     std::optional<std::int64_t> actor = std::nullopt) {
  DocumentWrite w;
  w.request_id = r.id;
  w.organization_siret = r.organization_siret;
  w.expected_version = r.version;
  w.data_json = data;
  w.add = std::move(add);
  w.actor_user_id = actor;
  return w;
}

std::string documents_footprint(Store& store, std::int64_t request_id) {
  std::string out = footprint(store, request_id);
  for (const auto& d : store.documents_of(request_id)) {
    out += "; doc " + std::to_string(d.id) + " " + d.field + " " + d.name + " " + d.sha256.substr(0, 4);
  }
  return out;
}

}  // namespace

FORMD_CONTRACT_CASE("documents are stored with the data, one version and one update event") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = store.create_request(new_request(applicant.id, kSiretA));
  const auto events_before = store.events_of(r.id).size();
  clock.advance(10);
  const auto result = store.write_documents(adding(r, {pdf("cadre.pdf", kHashA), pdf("annexe.pdf", kHashB, 99)},
                                                   R"({"a":1,"cadre_juridique_document":[1,2]})", applicant.id));
  REQUIRE(result.outcome == WriteOutcome::Ok);
  REQUIRE(result.added.size() == 2);
  CHECK(result.added[0].name == "cadre.pdf");
  CHECK(result.added[1].size == 99);
  CHECK(result.added[0].uploaded_by == applicant.id);
  CHECK(result.added[0].created_at == kStartTime + 10);
  CHECK_FALSE(result.added[0].habilitation_id.has_value());
  CHECK(result.request->version == r.version + 1);
  CHECK(result.request->data_json == R"({"a":1,"cadre_juridique_document":[1,2]})");
  const auto events = store.events_of(r.id);
  REQUIRE(events.size() == events_before + 1);
  CHECK(events.front().name == "update");
  CHECK(events.front().user_id == applicant.id);
  const auto found = store.find_document(result.added[1].id);
  REQUIRE(found);
  CHECK(found->sha256 == kHashB);
  CHECK(found->request_id == r.id);
  CHECK(store.documents_of(r.id).size() == 2);
  CHECK(store.referenced_blobs() == std::vector<std::string>{kHashA, kHashB});
}

FORMD_CONTRACT_CASE("a refused document write changes nothing") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = store.create_request(new_request(applicant.id, kSiretA));
  const auto first = store.write_documents(adding(r, {pdf("a.pdf", kHashA)}, R"({"x":1})"));
  REQUIRE(first.outcome == WriteOutcome::Ok);
  const auto current = *first.request;
  const std::string before = documents_footprint(store, r.id);

  // Another organisation: not found.
  auto foreign = adding(current, {pdf("b.pdf", kHashB)}, R"({"x":2})");
  foreign.organization_siret = kSiretB;
  CHECK(store.write_documents(foreign).outcome == WriteOutcome::NotFound);
  // A stale version.
  CHECK(store.write_documents(adding(r, {pdf("b.pdf", kHashB)}, R"({"x":2})")).outcome == WriteOutcome::Stale);
  // Removing something that is not one of its documents, even with an addition before it.
  auto wrong = adding(current, {pdf("b.pdf", kHashB)}, R"({"x":2})");
  wrong.remove = {first.added[0].id + 1000};
  CHECK(store.write_documents(wrong).outcome == WriteOutcome::NotFound);
  // An unknown request.
  auto unknown = adding(current, {}, "{}");
  unknown.request_id = current.id + 1000;
  CHECK(store.write_documents(unknown).outcome == WriteOutcome::NotFound);
  CHECK(documents_footprint(store, r.id) == before);

  // Submitted: WrongState.
  const auto submitted = store.submit(current.id, kSiretA, current.version, current.data_json, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  const std::string after_submit = documents_footprint(store, r.id);
  CHECK(store.write_documents(adding(*submitted.request, {pdf("b.pdf", kHashB)}, "{}")).outcome == WriteOutcome::WrongState);
  CHECK(documents_footprint(store, r.id) == after_submit);
}

FORMD_CONTRACT_CASE("removing a document keeps the other ones and moves the version") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r = store.create_request(new_request(applicant.id, kSiretA));
  const auto first = store.write_documents(adding(r, {pdf("a.pdf", kHashA), pdf("b.pdf", kHashB)}, "{}"));
  REQUIRE(first.outcome == WriteOutcome::Ok);
  auto removal = adding(*first.request, {}, R"({"left":1})");
  removal.remove = {first.added[0].id};
  const auto removed = store.write_documents(removal);
  REQUIRE(removed.outcome == WriteOutcome::Ok);
  CHECK(removed.request->version == first.request->version + 1);
  const auto left = store.documents_of(r.id);
  REQUIRE(left.size() == 1);
  CHECK(left[0].name == "b.pdf");
  CHECK_FALSE(store.find_document(first.added[0].id).has_value());
  CHECK(store.referenced_blobs() == std::vector<std::string>{kHashB});
}

FORMD_CONTRACT_CASE("a habilitation keeps its documents and an update restoring from it brings them back") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.upsert_user("i@example.fr", "I", kSiretB);
  const auto r = store.create_request(new_request(applicant.id, kSiretA));
  const auto with_file = store.write_documents(adding(r, {pdf("a.pdf", kHashA)}, R"({"d":"a"})"));
  REQUIRE(with_file.outcome == WriteOutcome::Ok);
  const auto submitted = store.submit(r.id, kSiretA, with_file.request->version, with_file.request->data_json, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  const auto approved = store.change_state(approve(*submitted.request, instructor.id));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  const auto h = *approved.habilitation;
  const auto kept = store.documents_of_habilitation(h.id);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].sha256 == kHashA);
  CHECK(kept[0].habilitation_id == h.id);
  CHECK(kept[0].id != with_file.added[0].id);

  // Reopen, remove the file, add another.
  auto reopen = state_change(*approved.request, S::Draft, "reopen", applicant.id);
  reopen.start_reopening = true;
  reopen.habilitation_id = h.id;
  const auto reopened = store.change_state(reopen);
  REQUIRE(reopened.outcome == WriteOutcome::Ok);
  auto edit = adding(*reopened.request, {pdf("b.pdf", kHashB)}, R"({"d":"b"})");
  edit.remove = {with_file.added[0].id};
  const auto edited = store.write_documents(edit);
  REQUIRE(edited.outcome == WriteOutcome::Ok);
  REQUIRE(store.documents_of(r.id).size() == 1);
  // The habilitation still names the removed file's bytes.
  CHECK(store.referenced_blobs() == std::vector<std::string>{kHashA, kHashB});
  CHECK(store.documents_of_habilitation(h.id).size() == 1);

  // Cancelled: data and documents back from the habilitation.
  auto cancel = state_change(*edited.request, S::Validated, "cancel_reopening", applicant.id);
  cancel.data_json = h.data_json;
  cancel.habilitation_id = h.id;
  cancel.restore_documents_from = h.id;
  const auto cancelled = store.change_state(cancel);
  REQUIRE(cancelled.outcome == WriteOutcome::Ok);
  const auto back = store.documents_of(r.id);
  REQUIRE(back.size() == 1);
  CHECK(back[0].name == "a.pdf");
  CHECK(back[0].sha256 == kHashA);
  CHECK_FALSE(back[0].habilitation_id.has_value());
  CHECK(store.documents_of_habilitation(h.id).size() == 1);
  CHECK(store.referenced_blobs() == std::vector<std::string>{kHashA});
}

FORMD_CONTRACT_CASE("restoring only some fields from a habilitation replaces those fields' documents and keeps the others") {
  const auto applicant = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto instructor = store.upsert_user("i@example.fr", "I", kSiretB);
  const auto r = store.create_request(new_request(applicant.id, kSiretA));
  auto homologation = pdf("homologation.pdf", kHashB);
  homologation.field = "safety_certification_document";
  const auto with_files = store.write_documents(adding(r, {pdf("cadre.pdf", kHashA), homologation}, R"({"d":1})"));
  REQUIRE(with_files.outcome == WriteOutcome::Ok);
  const auto submitted = store.submit(r.id, kSiretA, with_files.request->version, with_files.request->data_json, applicant.id);
  REQUIRE(submitted.outcome == WriteOutcome::Ok);
  const auto approved = store.change_state(approve(*submitted.request, instructor.id));
  REQUIRE(approved.outcome == WriteOutcome::Ok);
  const auto h = *approved.habilitation;

  // The request changes its files (an update: the legal basis replaced, the homologation removed)...
  auto reopen = state_change(*approved.request, S::Draft, "reopen", applicant.id);
  reopen.start_reopening = true;
  reopen.habilitation_id = h.id;
  const auto reopened = store.change_state(reopen);
  REQUIRE(reopened.outcome == WriteOutcome::Ok);
  auto edit = adding(*reopened.request, {pdf("cadre-2.pdf", std::string(64, 'c'))}, R"({"d":2})");
  for (const auto& d : store.documents_of(r.id)) edit.remove.push_back(d.id);
  const auto edited = store.write_documents(edit);
  REQUIRE(edited.outcome == WriteOutcome::Ok);

  // ...then only the homologation comes back from the habilitation; the new legal basis stays.
  auto carry = state_change(*edited.request, S::Draft, "update", applicant.id);
  carry.restore_documents_from = h.id;
  carry.restore_document_fields = {"safety_certification_document"};
  const auto carried = store.change_state(carry);
  REQUIRE(carried.outcome == WriteOutcome::Ok);
  std::vector<std::string> now;
  for (const auto& d : store.documents_of(r.id)) now.push_back(d.field + " " + d.name);
  CHECK(now == std::vector<std::string>{"cadre_juridique_document cadre-2.pdf", "safety_certification_document homologation.pdf"});
  CHECK(store.documents_of_habilitation(h.id).size() == 2);
}
