// Storage contract: the instructors' list (search_requests): the caller's
// definitions only, a state, a request number or words of the project
// name, one page newest first and the total.
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;
using S = formd::domain::RequestState;

namespace {

// A submitted request of `definition_id` named `intitule`.
Request submitted_of(Store& store, const User& applicant, const std::string& definition_id,
                     const std::string& intitule = "Projet") {
  const std::string data = R"({"intitule":")" + intitule + R"("})";
  const auto created = store.create_request(new_request(applicant.id, applicant.organization_siret, data, definition_id));
  return *store.submit(created.id, applicant.organization_siret, 1, data, applicant.id).request;
}

std::vector<std::int64_t> ids_of(const RequestPage& page) {
  std::vector<std::int64_t> ids;
  for (const auto& r : page.requests) ids.push_back(r.id);
  return ids;
}

RequestSearch search_of(std::vector<std::string> definitions, std::string text = "") {
  RequestSearch search;
  search.definition_ids = std::move(definitions);
  search.text = std::move(text);
  return search;
}

}  // namespace

FORMD_CONTRACT_CASE("search_requests finds the requests of the definitions asked for, every organisation's, newest first") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto b = store.upsert_user("b@example.fr", "B", kSiretB);
  const auto p1 = submitted_of(store, a, "api_particulier");
  const auto e1 = submitted_of(store, b, "api_entreprise");
  const auto f1 = submitted_of(store, a, "franceconnect");
  const auto p2 = submitted_of(store, b, "api_particulier");

  const auto both = store.search_requests(search_of({"api_particulier", "api_entreprise"}));
  CHECK(ids_of(both) == std::vector<std::int64_t>{p2.id, e1.id, p1.id});
  CHECK(both.total == 3);
  CHECK(both.requests[0].organization_siret == kSiretB);
  CHECK(both.requests[0].data_json == p2.data_json);
  CHECK(both.requests[0].state == S::Submitted);
  CHECK(both.requests[0].version == p2.version);

  const auto one = store.search_requests(search_of({"franceconnect"}));
  CHECK(ids_of(one) == std::vector<std::int64_t>{f1.id});
  CHECK(one.total == 1);
  CHECK(store.search_requests(search_of({"unknown"})).total == 0);
  // No definition: nothing at all, whatever else is asked.
  const auto none = store.search_requests(search_of({}));
  CHECK(none.requests.empty());
  CHECK(none.total == 0);
  CHECK(store.search_requests(search_of({}, std::to_string(p1.id))).requests.empty());
  CHECK(store.search_requests(search_of({}, "Projet")).total == 0);
}

FORMD_CONTRACT_CASE("search_requests filters by state") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r1 = submitted_of(store, a, "api_particulier");
  const auto r2 = submitted_of(store, a, "api_particulier");
  const auto r3 = submitted_of(store, a, "api_particulier");
  REQUIRE(store.change_state(approve(r2, a.id)).outcome == WriteOutcome::Ok);
  REQUIRE(store.change_state(state_change(r3, S::Refused, "refuse")).outcome == WriteOutcome::Ok);

  auto search = search_of({"api_particulier"});
  search.state = S::Submitted;
  CHECK(ids_of(store.search_requests(search)) == std::vector<std::int64_t>{r1.id});
  search.state = S::Validated;
  const auto validated = store.search_requests(search);
  CHECK(ids_of(validated) == std::vector<std::int64_t>{r2.id});
  CHECK(validated.total == 1);
  CHECK(validated.requests[0].state == S::Validated);
  search.state = S::Archived;
  CHECK(store.search_requests(search).total == 0);
  search.state.reset();
  CHECK(store.search_requests(search).total == 3);
}

FORMD_CONTRACT_CASE("search_requests finds a request by its number, written as instructors write it") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto r1 = submitted_of(store, a, "api_particulier");
  const auto r2 = submitted_of(store, a, "api_particulier");
  const auto other = submitted_of(store, a, "franceconnect");
  const std::string n = std::to_string(r1.id);
  for (const std::string& text : {n, "n°" + n, "N°" + n, "N° " + n, "#" + n, "  " + n + "  "}) {
    INFO("text: '" << text << "'");
    const auto page = store.search_requests(search_of({"api_particulier"}, text));
    CHECK(ids_of(page) == std::vector<std::int64_t>{r1.id});
    CHECK(page.total == 1);
  }
  CHECK(ids_of(store.search_requests(search_of({"api_particulier"}, std::to_string(r2.id)))) ==
        std::vector<std::int64_t>{r2.id});
  // A number outside the definitions asked for, or of no request: nothing.
  CHECK(store.search_requests(search_of({"api_particulier"}, std::to_string(other.id))).total == 0);
  CHECK(store.search_requests(search_of({"api_particulier"}, std::to_string(other.id + 100))).total == 0);
  // A number with a state that does not match: nothing.
  auto search = search_of({"api_particulier"}, n);
  search.state = S::Validated;
  CHECK(store.search_requests(search).total == 0);
}

FORMD_CONTRACT_CASE("search_requests finds words of the project name, ignoring ASCII case") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto alpha = submitted_of(store, a, "api_particulier", "Projet ALPHA de la Ville");
  const auto beta = submitted_of(store, a, "api_particulier", "Portail beta");
  const auto percent = submitted_of(store, a, "api_particulier", "Remise 50% sur_place");
  const auto plain = submitted_of(store, a, "api_particulier", "Remise 50 sur place");
  const auto unnamed = store.create_request(new_request(a.id, kSiretA, R"({"autre":"alpha"})"));
  REQUIRE(store.submit(unnamed.id, kSiretA, 1, unnamed.data_json, a.id).outcome == WriteOutcome::Ok);

  auto found = [&](const std::string& text) { return ids_of(store.search_requests(search_of({"api_particulier"}, text))); };
  CHECK(found("alpha") == std::vector<std::int64_t>{alpha.id});
  CHECK(found("Alpha") == std::vector<std::int64_t>{alpha.id});
  CHECK(found("projet alpha") == std::vector<std::int64_t>{alpha.id});
  CHECK(found("  BETA ") == std::vector<std::int64_t>{beta.id});
  CHECK(found("gamma").empty());
  // Only the project name: other attributes are not searched.
  CHECK(found("autre").empty());
  // The text is text, not a pattern: % and _ match themselves only.
  CHECK(found("50%") == std::vector<std::int64_t>{percent.id});
  CHECK(found("sur_place") == std::vector<std::int64_t>{percent.id});
  CHECK(found("%") == std::vector<std::int64_t>{percent.id});
  CHECK(found("Remise") == std::vector<std::int64_t>{plain.id, percent.id});
  // Empty text: all of them, the unnamed one included.
  CHECK(store.search_requests(search_of({"api_particulier"}, "")).total == 5);
  CHECK(store.search_requests(search_of({"api_particulier"}, "   ")).total == 5);
  const auto page = store.search_requests(search_of({"api_particulier"}, "remise"));
  CHECK(page.total == 2);
}

FORMD_CONTRACT_CASE("search_requests gives one page and how many match in all") {
  const auto a = store.upsert_user("a@example.fr", "A", kSiretA);
  std::vector<std::int64_t> newest_first;
  for (int i = 0; i < 5; ++i) newest_first.insert(newest_first.begin(), submitted_of(store, a, "api_particulier").id);
  submitted_of(store, a, "franceconnect");

  auto search = search_of({"api_particulier"});
  search.limit = 2;
  const auto first = store.search_requests(search);
  CHECK(ids_of(first) == std::vector<std::int64_t>{newest_first[0], newest_first[1]});
  CHECK(first.total == 5);
  search.offset = 2;
  const auto second = store.search_requests(search);
  CHECK(ids_of(second) == std::vector<std::int64_t>{newest_first[2], newest_first[3]});
  CHECK(second.total == 5);
  search.offset = 4;
  const auto last = store.search_requests(search);
  CHECK(ids_of(last) == std::vector<std::int64_t>{newest_first[4]});
  CHECK(last.total == 5);
  search.offset = 10;
  const auto past = store.search_requests(search);
  CHECK(past.requests.empty());
  CHECK(past.total == 5);
  // The default page holds them all here.
  const auto all = store.search_requests(search_of({"api_particulier"}));
  CHECK(ids_of(all) == newest_first);
  CHECK(all.total == 5);
}
