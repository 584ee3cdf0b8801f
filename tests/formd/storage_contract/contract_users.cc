// Storage contract: a fresh store, users (UserRepository) and roles
// (RoleRepository).
#include <string>
#include <vector>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;

// ---- A fresh store ---------------------------------------------------------------

FORMD_CONTRACT_CASE("a fresh store is empty and reports a stable schema version") {
  const int version = store.schema_version();
  REQUIRE(version >= 1);
  REQUIRE(store.schema_version() == version);

  REQUIRE_FALSE(store.find_user(1));
  REQUIRE_FALSE(store.find_user_by_email("a@example.fr"));
  REQUIRE(store.list_role_grants().empty());
  REQUIRE_FALSE(store.find_session(digest_of(1)));
  REQUIRE(store.delete_expired_sessions() == 0);
  REQUIRE_FALSE(store.find_request(1, kSiretA));
  REQUIRE_FALSE(store.find_request_by_id(1));
  REQUIRE(store.list_requests(kSiretA).empty());
  REQUIRE_FALSE(store.find_habilitation(1));
  REQUIRE(store.habilitations_of_organization(kSiretA).empty());
  REQUIRE(store.due_outbox(10).empty());
  RequestSearch everything;
  everything.definition_ids = {"api_particulier"};
  const auto page = store.search_requests(everything);
  REQUIRE(page.requests.empty());
  REQUIRE(page.total == 0);
}

// ---- Users -------------------------------------------------------------------------

FORMD_CONTRACT_CASE("upsert_user creates, then updates name and SIRET by email") {
  const auto created = store.upsert_user("jeanne@example.fr", "Jeanne", kSiretA);
  REQUIRE(created.id > 0);
  REQUIRE(created.email == "jeanne@example.fr");
  REQUIRE(created.name == "Jeanne");
  REQUIRE(created.organization_siret == kSiretA);

  const auto updated = store.upsert_user("jeanne@example.fr", "Jeanne D.", kSiretB);
  REQUIRE(updated.id == created.id);
  REQUIRE(updated.email == "jeanne@example.fr");
  REQUIRE(updated.name == "Jeanne D.");
  REQUIRE(updated.organization_siret == kSiretB);

  const auto found = store.find_user(created.id);
  REQUIRE(found);
  REQUIRE(found->email == "jeanne@example.fr");
  REQUIRE(found->name == "Jeanne D.");
  REQUIRE(found->organization_siret == kSiretB);

  const auto other = store.upsert_user("paul@example.fr", "Paul", kSiretA);
  REQUIRE(other.id != created.id);
  REQUIRE_FALSE(store.find_user(created.id + other.id + 100));

  // One user per email: the update did not make a second one.
  REQUIRE(store.find_user_by_email("jeanne@example.fr")->id == created.id);
  REQUIRE(store.find_user_by_email("jeanne@example.fr")->name == "Jeanne D.");
  REQUIRE(store.find_user_by_email("paul@example.fr")->id == other.id);
  REQUIRE_FALSE(store.find_user_by_email("pierre@example.fr"));
}

FORMD_CONTRACT_CASE("user text round-trips exactly, quotes and UTF-8 included") {
  const std::string name = "Zoé O'Brien \"'); DROP TABLE users; --";
  const std::string email = "zoé.o'brien@example.fr";
  const auto user = store.upsert_user(email, name, "");
  REQUIRE(user.name == name);
  REQUIRE(store.find_user(user.id)->name == name);
  REQUIRE(store.find_user(user.id)->email == email);
  REQUIRE(store.find_user(user.id)->organization_siret.empty());
  REQUIRE(store.find_user_by_email(email)->id == user.id);
  // Text is compared exactly, not as a pattern.
  REQUIRE_FALSE(store.find_user_by_email("zo%"));
  REQUIRE_FALSE(store.find_user_by_email("zo_.o'brien@example.fr"));
}

FORMD_CONTRACT_CASE("a user is created by email before their first login, then filled by it") {
  REQUIRE_FALSE(store.find_user_by_email("new@example.fr"));
  const auto created = store.ensure_user("new@example.fr");
  REQUIRE(created.id > 0);
  REQUIRE(created.email == "new@example.fr");
  REQUIRE(created.name.empty());
  REQUIRE(created.organization_siret.empty());
  REQUIRE(store.ensure_user("new@example.fr").id == created.id);  // once
  REQUIRE(store.find_user(created.id)->email == "new@example.fr");

  const auto logged_in = store.upsert_user("new@example.fr", "Nouvelle Instructrice", kSiretA);
  REQUIRE(logged_in.id == created.id);
  REQUIRE(store.find_user_by_email("new@example.fr")->organization_siret == kSiretA);
  // Ensuring an existing user changes nothing of them.
  const auto again = store.ensure_user("new@example.fr");
  REQUIRE(again.id == created.id);
  REQUIRE(again.name == "Nouvelle Instructrice");
  REQUIRE(again.organization_siret == kSiretA);
}

// ---- Roles -------------------------------------------------------------------------

FORMD_CONTRACT_CASE("roles are granted once, revoked, listed, and go with their user") {
  const auto a = store.ensure_user("a@example.fr");
  const auto b = store.ensure_user("b@example.fr");
  REQUIRE(store.grant_role(a.id, "ans:api_pro_sante_connect:instructor"));
  REQUIRE_FALSE(store.grant_role(a.id, "ans:api_pro_sante_connect:instructor"));
  REQUIRE(store.grant_role(a.id, "admin"));
  REQUIRE(store.grant_role(b.id, "ans:*:reporter"));
  REQUIRE(store.roles_of(a.id) == std::vector<std::string>{"admin", "ans:api_pro_sante_connect:instructor"});
  REQUIRE(store.roles_of(b.id) == std::vector<std::string>{"ans:*:reporter"});
  REQUIRE(store.roles_of(a.id + b.id + 100).empty());

  // By email, then role.
  const auto grants = store.list_role_grants();
  REQUIRE(grants.size() == 3);
  REQUIRE(grants[0].user.email == "a@example.fr");
  REQUIRE(grants[0].user.id == a.id);
  REQUIRE(grants[0].role == "admin");
  REQUIRE(grants[1].user.email == "a@example.fr");
  REQUIRE(grants[1].role == "ans:api_pro_sante_connect:instructor");
  REQUIRE(grants[2].user.id == b.id);
  REQUIRE(grants[2].role == "ans:*:reporter");

  REQUIRE(store.revoke_role(a.id, "admin"));
  REQUIRE_FALSE(store.revoke_role(a.id, "admin"));
  REQUIRE_FALSE(store.revoke_role(b.id, "admin"));  // never had it
  REQUIRE(store.roles_of(a.id) == std::vector<std::string>{"ans:api_pro_sante_connect:instructor"});
  REQUIRE(store.roles_of(b.id) == std::vector<std::string>{"ans:*:reporter"});
  REQUIRE(store.list_role_grants().size() == 2);
  // Revoked, then granted again.
  REQUIRE(store.grant_role(a.id, "admin"));
  REQUIRE(store.roles_of(a.id).size() == 2);

  REQUIRE_THROWS_AS(store.grant_role(424242, "admin"), StorageError);  // no such user
  REQUIRE(store.list_role_grants().size() == 3);
}

FORMD_CONTRACT_CASE("a grant records when it was made and who it was made to") {
  const auto user = store.upsert_user("i@example.fr", "Instructrice", kSiretA);
  clock.advance(120);
  REQUIRE(store.grant_role(user.id, "dinum:*:instructor"));
  clock.advance(60);
  REQUIRE_FALSE(store.grant_role(user.id, "dinum:*:instructor"));  // the first grant stays
  const auto grants = store.list_role_grants();
  REQUIRE(grants.size() == 1);
  REQUIRE(grants[0].granted_at == kStartTime + 120);
  REQUIRE(grants[0].user.id == user.id);
  REQUIRE(grants[0].user.name == "Instructrice");
  REQUIRE(grants[0].user.organization_siret == kSiretA);
}
