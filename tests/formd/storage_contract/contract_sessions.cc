// Storage contract: sessions, their expiry by the store's clock, and server
// secrets (SessionRepository).
#include <limits>
#include <string>

#include "contract.h"

using namespace formd::storage;
using namespace formd::storage::contract;

FORMD_CONTRACT_CASE("sessions are stored by digest and found until they expire") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto other = store.upsert_user("b@example.fr", "B", kSiretA);

  const auto first = store.create_session(digest_of(1), user.id, 3600);
  const auto second = store.create_session(digest_of(2), other.id, 3600);
  REQUIRE(first.token_digest == digest_of(1));
  REQUIRE(first.user_id == user.id);
  REQUIRE(first.expires_at == kStartTime + 3600);

  const auto found = store.find_session(digest_of(1));
  REQUIRE(found);
  REQUIRE(found->token_digest == digest_of(1));
  REQUIRE(found->user_id == user.id);
  REQUIRE(found->expires_at == first.expires_at);
  REQUIRE(store.find_session(digest_of(2))->user_id == other.id);

  REQUIRE_FALSE(store.find_session(digest_of(3)));
  REQUIRE_FALSE(store.find_session(""));
  // A digest is the session's key: the same one twice is a storage error, not a second session.
  REQUIRE_THROWS_AS(store.create_session(digest_of(1), other.id, 3600), StorageError);
  REQUIRE(store.find_session(digest_of(1))->user_id == user.id);
  // Not a digest (64 hex digits): refused.
  REQUIRE_THROWS_AS(store.create_session("short", user.id, 3600), StorageError);
  REQUIRE_FALSE(store.find_session("short"));

  store.delete_session(digest_of(1));
  REQUIRE_FALSE(store.find_session(digest_of(1)));
  REQUIRE(store.find_session(second.token_digest));
  // Deleting what does not exist (any more) is no error.
  store.delete_session(digest_of(1));
  store.delete_session(digest_of(9));
  REQUIRE(store.find_session(second.token_digest));
}

FORMD_CONTRACT_CASE("expired sessions are not found and delete_expired_sessions removes only them") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  store.create_session(digest_of(1), user.id, -1);
  store.create_session(digest_of(2), user.id, 0);
  store.create_session(digest_of(3), user.id, 600);
  REQUIRE_FALSE(store.find_session(digest_of(1)));
  REQUIRE_FALSE(store.find_session(digest_of(2)));
  REQUIRE(store.find_session(digest_of(3)));

  // The two expired ones were stored, and only they are removed.
  REQUIRE(store.delete_expired_sessions() == 2);
  REQUIRE(store.find_session(digest_of(3)));
  REQUIRE(store.delete_expired_sessions() == 0);
  // Their digests are free again.
  REQUIRE(store.create_session(digest_of(1), user.id, 60).expires_at == kStartTime + 60);
  REQUIRE(store.find_session(digest_of(1)));
}

FORMD_CONTRACT_CASE("sessions expire when the store's clock passes them, and only then") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto session = store.create_session(digest_of(1), user.id, 3600);
  REQUIRE(session.expires_at == kStartTime + 3600);
  clock.advance(3599);
  REQUIRE(store.find_session(digest_of(1)));
  REQUIRE(store.delete_expired_sessions() == 0);
  clock.advance(1);
  REQUIRE_FALSE(store.find_session(digest_of(1)));
  REQUIRE(store.delete_expired_sessions() == 1);
  REQUIRE(store.delete_expired_sessions() == 0);
}

FORMD_CONTRACT_CASE("a session's lifetime counts from the store's clock when it is created") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  clock.advance(1000);
  const auto session = store.create_session(digest_of(1), user.id, 60);
  REQUIRE(session.expires_at == kStartTime + 1060);
  REQUIRE(store.find_session(digest_of(1))->expires_at == kStartTime + 1060);
}

FORMD_CONTRACT_CASE("an absurd session TTL saturates instead of overflowing") {
  const auto user = store.upsert_user("a@example.fr", "A", kSiretA);
  const auto session = store.create_session(digest_of(1), user.id, std::numeric_limits<std::int64_t>::max());
  REQUIRE(session.expires_at == std::numeric_limits<std::int64_t>::max());
  REQUIRE(store.find_session(digest_of(1)));
  REQUIRE(store.find_session(digest_of(1))->expires_at == std::numeric_limits<std::int64_t>::max());
  clock.advance(100LL * 365 * 24 * 3600);
  REQUIRE(store.delete_expired_sessions() == 0);
  REQUIRE(store.find_session(digest_of(1)));

  // The other way: long expired, never found.
  const auto past = store.create_session(digest_of(2), user.id, std::numeric_limits<std::int64_t>::min());
  REQUIRE(past.expires_at < clock.now());
  REQUIRE_FALSE(store.find_session(digest_of(2)));
  REQUIRE(store.delete_expired_sessions() == 1);
}

FORMD_CONTRACT_CASE("a session of a user that does not exist is refused") {
  REQUIRE_THROWS_AS(store.create_session(digest_of(1), 424242, 60), StorageError);
  REQUIRE_FALSE(store.find_session(digest_of(1)));
  REQUIRE(store.delete_expired_sessions() == 0);
}

FORMD_CONTRACT_CASE("a server secret is the first value stored under its name, for every caller") {
  REQUIRE(store.server_secret("login", "first") == "first");
  REQUIRE(store.server_secret("login", "second") == "first");
  REQUIRE(store.server_secret("other", "x") == "x");
  REQUIRE(store.server_secret("login", "") == "first");
  clock.advance(365LL * 24 * 3600);
  REQUIRE(store.server_secret("login", "later") == "first");  // secrets do not expire
  REQUIRE(store.server_secret("other", "y") == "x");
}

FORMD_CONTRACT_CROSS_CONNECTION_CASE("another store on the same database agrees on the server secret") {
  REQUIRE(store.server_secret("login", "first") == "first");
  auto again = database.open_second();
  REQUIRE(again->server_secret("login", "third") == "first");
  REQUIRE(again->server_secret("fresh", "from-the-second") == "from-the-second");
  REQUIRE(store.server_secret("fresh", "from-the-first") == "from-the-second");
}
