// formd's handlers served in-process (StrictServer::serve_in_memory): the
// same connection loop, framing checks, router, handlers and error handler
// as on a socket, with a real catalogue (definitions/, compiled validators),
// a SQLite store in a temporary directory and a clock the tests move.
//
// The DSFR assets are a one-file stub in that directory (App::install only
// needs dsfr.min.css), so these tests need no npm install.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog_source.h"
#include "formc/runtime/formats.h"
#include "formc_registry.h"
#include "http/memory_stream.h"
#include "http/strict_server.h"
#include "inproc/client.h"
#include "server/app.h"
#include "storage/clock.h"
#include "storage/sqlite_store.h"
#include "../temp_dir.h"

namespace fs = std::filesystem;
using formd::inproc::Client;
using formd::inproc::ParseError;
using formd::inproc::Request;
using formd::inproc::Response;
using Json = nlohmann::json;

namespace {

constexpr std::int64_t kStart = 1'700'000'000;
constexpr long kSessionTtl = 3600;
constexpr const char* kForm = "api-pro-sante-connect";
constexpr const char* kInstructorRole = "ans:api_pro_sante_connect:instructor";

// A 14-digit SIRET that passes the Luhn check, distinct per `n`.
std::string siret(int n) {
  std::string body = "4" + std::to_string(100000000000 + n).substr(0, 12);
  int sum = 0;
  for (std::size_t i = 0; i < 13; ++i) {
    int d = body[i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + std::to_string((10 - sum % 10) % 10);
}

// The catalogue every test serves: loaded once (it is immutable without watch).
formd::catalog::CatalogSource& catalogs() {
  static const std::unique_ptr<formd::catalog::CatalogSource> source = [] {
    formd::catalog::LoadOptions load;
    load.definitions_dir = FORMD_INPROC_DEFINITIONS;
    load.validator = formd::catalog::ValidatorKind::Compiled;
    load.registry = formc_generated::registry();
    std::string error;
    auto opened = formd::catalog::CatalogSource::open(load, false, std::chrono::milliseconds(200), error);
    if (!opened) throw std::runtime_error("loading " FORMD_INPROC_DEFINITIONS ": " + error);
    return opened;
  }();
  return *source;
}

class TempDir : public formd::testing::TempDir {
 public:
  TempDir() : formd::testing::TempDir("formd-inproc") {}
};

fs::path stub_assets(const fs::path& dir) {
  const fs::path assets = dir / "assets";
  fs::create_directories(assets);
  std::ofstream(assets / "dsfr.min.css") << "/* dsfr stub */\n";
  return assets;
}

struct Options {
  bool dev_login = true;
  formd::http::ServerLimits limits{};
};

// One formd, in-process: catalogue, store, App installed on a StrictServer.
struct Formd {
  explicit Formd(Options o = {})
      : clock(std::make_shared<formd::storage::ManualClock>(kStart)),
        store(formd::storage::SqliteStore::open(dir.path() / "data", clock)),
        server(o.limits) {
    formd::AppOptions options;
    options.assets_dir = stub_assets(dir.path()).string();
    options.session_ttl_seconds = kSessionTtl;
    options.dev_login = o.dev_login;
    app = std::make_unique<formd::App>(catalogs(), *store, options);
    REQUIRE(app->install(server));
  }

  [[nodiscard]] Client client() { return Client(server); }

  // A signed-in user of organisation `org`, with `role` granted in the store first.
  Client login(const std::string& email, int org, const std::string& role = "") {
    if (!role.empty()) {
      const auto user = store->ensure_user(email);
      REQUIRE(store->grant_role(user.id, role));
    }
    Client c(server);
    c.login(email, "Agent Test", siret(org));
    return c;
  }

  [[nodiscard]] std::size_t outbox_size() { return store->due_outbox(100000).size(); }

  TempDir dir;
  std::shared_ptr<formd::storage::ManualClock> clock;
  std::unique_ptr<formd::storage::SqliteStore> store;
  formd::http::StrictServer server;
  std::unique_ptr<formd::App> app;
};

// What tests/formd/client.js sends as a complete Pro Santé Connect request.
Json valid_document() {
  return {{"intitule", "Téléconsultation de l’hôpital"},
          {"description", "Permettre aux médecins de se connecter avec leur carte CPS."},
          {"cadre_juridique_nature", "Arrêté du 24 mars 2021"},
          {"cadre_juridique_url", "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043290292"},
          {"destinataire_donnees_caractere_personnel", "Les médecins de l’établissement"},
          {"duree_conservation_donnees_caractere_personnel", 12},
          {"scopes", {"idnat", "donnees_sectorielles"}},
          {"responsable_traitement_type", "person"},
          {"responsable_traitement_family_name", "Dupont"},
          {"responsable_traitement_given_name", "Jeanne"},
          {"responsable_traitement_email", "jeanne.dupont@exemple.fr"},
          {"responsable_traitement_phone_number", "0123456789"},
          {"responsable_traitement_job_title", "Directrice"},
          {"delegue_protection_donnees_type", "person"},
          {"delegue_protection_donnees_family_name", "Martin"},
          {"delegue_protection_donnees_given_name", "Anne"},
          {"delegue_protection_donnees_email", "dpo@exemple.fr"},
          {"delegue_protection_donnees_phone_number", "01 23 45 67 89"},
          {"delegue_protection_donnees_job_title", "DPO"},
          {"contact_technique_type", "person"},
          {"contact_technique_family_name", "Durand"},
          {"contact_technique_given_name", "Paul"},
          {"contact_technique_email", "tech@exemple.fr"},
          {"contact_technique_phone_number", "+33 1 23 45 67 89"},
          {"contact_technique_job_title", "Responsable technique"},
          {"terms_of_service_accepted", true},
          {"data_protection_officer_informed", true}};
}

// A draft of `applicant`'s organisation; its id.
std::int64_t draft(Client& applicant, const Json& data = valid_document()) {
  const Response created = applicant.post_json("/api/v1/requests", Json{{"form_uid", kForm}, {"data", data}});
  REQUIRE(created.status == 201);
  return created.json().at("id").get<std::int64_t>();
}

// A submitted request of `applicant`'s organisation; its id.
std::int64_t submitted(Client& applicant) {
  const std::int64_t id = draft(applicant);
  const Response submit = applicant.post_json("/api/v1/requests/" + std::to_string(id) + "/submit", Json{{"version", 1}});
  INFO(submit.body);
  REQUIRE(submit.status == 200);
  REQUIRE(submit.json().at("state") == "submitted");
  return id;
}

// The request as its applicant reads it (every field, habilitations
// included), its history, and the store's pending emails.
struct Snapshot {
  Json request, events;
  std::size_t outbox = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot(Formd& formd, Client& reader, std::int64_t id) {
  const std::string path = "/api/v1/requests/" + std::to_string(id);
  const Response request = reader.get(path);
  REQUIRE(request.status == 200);
  const Response events = reader.get(path + "/events");
  REQUIRE(events.status == 200);
  return {request.json(), events.json(), formd.outbox_size()};
}

std::string json_error_message(const Response& r) { return r.json().at("error").at("message").get<std::string>(); }

}  // namespace

// ---- The connection loop and the router, in memory ---------------------------------

TEST_CASE("GET /healthz answers 200 JSON through the whole server") {
  Formd formd;
  Client client = formd.client();
  const Response r = client.get("/healthz");
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
  const Json body = r.json();
  CHECK(body.at("status") == "ok");
  CHECK(body.at("forms").get<int>() >= 1);
  CHECK(body.at("validator") == "compiled");
  CHECK(body.at("schema_version").get<int>() >= 1);
  // The post-routing handler ran: every answer carries the security headers.
  CHECK(r.header("X-Content-Type-Options") == "nosniff");
  CHECK(r.header("Cache-Control") == "no-store");
  CHECK(r.has_header("Content-Security-Policy"));
}

TEST_CASE("an unknown path answers the 404 page, an unknown API path a JSON 404") {
  Formd formd;
  Client client = formd.client();
  const Response page = client.get("/nulle-part");
  REQUIRE(page.status == 404);
  CHECK(page.header("Content-Type").rfind("text/html", 0) == 0);
  CHECK(page.body.find("Page introuvable") != std::string::npos);
  CHECK(page.body.find("Cette page n’existe pas.") != std::string::npos);

  const Response api = client.get("/api/v1/nulle-part");
  REQUIRE(api.status == 404);
  CHECK(api.header("Content-Type").rfind("application/json", 0) == 0);
  CHECK(api.json().at("error").at("status") == 404);
}

TEST_CASE("a wrong method answers 405 with Allow") {
  Formd formd;
  Client client = formd.client();
  const Response api = client.send(Request{"PUT", "/healthz", {}, ""});
  REQUIRE(api.status == 405);
  CHECK(api.header("Allow") == "GET, HEAD");
  CHECK(api.json().at("error").at("status") == 405);

  const Response page = client.send(Request{"DELETE", "/demandes", {}, ""});
  REQUIRE(page.status == 405);
  CHECK(page.header("Allow") == "GET, HEAD");
  CHECK(page.header("Content-Type").rfind("text/html", 0) == 0);

  // POST and GET on one path: both named.
  const Response both = client.send(Request{"PUT", "/api/v1/requests", {}, ""});
  REQUIRE(both.status == 405);
  CHECK(both.header("Allow") == "GET, HEAD, POST");
}

TEST_CASE("framing errors answer 400 through the socket's path and end the connection") {
  Formd formd;
  Client client = formd.client();
  const std::string next = "GET /healthz HTTP/1.1\r\nHost: formd.test\r\n\r\n";
  std::string refused;
  SECTION("duplicate Content-Length") {
    refused = "POST /api/v1/session HTTP/1.1\r\nHost: formd.test\r\nContent-Type: application/json\r\n"
              "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}";
  }
  SECTION("Content-Length and Transfer-Encoding") {
    refused = "POST /api/v1/session HTTP/1.1\r\nHost: formd.test\r\nContent-Length: 5\r\n"
              "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  }
  SECTION("a Transfer-Encoding other than chunked") {
    refused = "POST /api/v1/session HTTP/1.1\r\nHost: formd.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n";
  }
  SECTION("a body on GET") {
    refused = "GET /api/v1/forms HTTP/1.1\r\nHost: formd.test\r\nContent-Length: 3\r\n\r\nabc";
  }
  SECTION("two Host headers") {
    refused = "GET /api/v1/forms HTTP/1.1\r\nHost: formd.test\r\nHost: evil.test\r\n\r\n";
  }
  const std::string out = client.raw(refused + next);
  // One answer only: the pipelined request after a refused one is never read.
  const auto answers = formd::inproc::parse_responses(out);
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].status == 400);
  CHECK(answers[0].header("Connection") == "close");
  // Through the error handler: the API's JSON error, no handler ran.
  CHECK(answers[0].json().at("error").at("status") == 400);
  CHECK(json_error_message(answers[0]) == "La requête est invalide.");
  // Nobody was signed in by the refused POST.
  CHECK(answers[0].headers_named("Set-Cookie").empty());
}

TEST_CASE("a connection in memory serves pipelined requests in order, up to max_requests") {
  formd::http::ServerLimits limits;
  limits.max_requests = 2;
  Formd formd({true, limits});
  Client client = formd.client();
  const std::string out = client.raw(
      "GET /healthz HTTP/1.1\r\nHost: formd.test\r\n\r\n"
      "GET /nulle-part HTTP/1.1\r\nHost: formd.test\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: formd.test\r\n\r\n");
  const auto answers = formd::inproc::parse_responses(out);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].status == 200);
  CHECK(answers[0].header("Connection") != "close");
  CHECK(answers[1].status == 404);
  CHECK(answers[1].header("Connection") == "close");

  // serve_connection on a MemoryStream says what was left unread.
  const std::string three = "GET /healthz HTTP/1.1\r\nHost: formd.test\r\n\r\n";
  const std::string input = three + three + three;
  formd::http::MemoryStream stream(input, formd.server.limits());
  formd.server.serve_connection(stream);
  CHECK(formd::inproc::parse_responses(stream.output()).size() == 2);
  CHECK(stream.unread() == three.size());
  CHECK_FALSE(stream.lingered());  // an orderly close, not an early one
}

TEST_CASE("a head over max_head_bytes or cut short is treated as on a socket") {
  formd::http::ServerLimits limits;
  limits.max_head_bytes = 1024;
  Formd formd({true, limits});
  Client client = formd.client();

  SECTION("over the bound: 400, the rest is never read") {
    const std::string input = "GET /healthz HTTP/1.1\r\nHost: formd.test\r\nX-Pad: " + std::string(2000, 'a') +
                              "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: formd.test\r\n\r\n";
    formd::http::MemoryStream stream(input, formd.server.limits());
    formd.server.serve_connection(stream);
    const auto answers = formd::inproc::parse_responses(stream.output());
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
    CHECK(stream.lingered());
    CHECK(stream.unread() > 0);
  }
  SECTION("just under the bound: served") {
    const std::string head_start = "GET /healthz HTTP/1.1\r\nHost: formd.test\r\nX-Pad: ";
    const std::string input = head_start + std::string(1024 - head_start.size() - 4, 'a') + "\r\n\r\n";
    REQUIRE(input.size() == 1024);
    const auto answers = formd::inproc::parse_responses(client.raw(input));
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 200);
  }
  SECTION("the request line cut short: no answer at all") {
    CHECK(client.raw("GET /heal").empty());
  }
  SECTION("the headers cut short: 400") {
    const auto answers = formd::inproc::parse_responses(client.raw("GET /healthz HTTP/1.1\r\nHost: formd.test\r\n"));
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
  }
  SECTION("a body shorter than its Content-Length: 400, no handler runs") {
    const auto answers = formd::inproc::parse_responses(client.raw(
        "POST /api/v1/session HTTP/1.1\r\nHost: formd.test\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"email\":"));
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].status == 400);
    CHECK(answers[0].headers_named("Set-Cookie").empty());
  }
}

TEST_CASE("static files of a mount point are served in memory") {
  Formd formd;
  Client client = formd.client();
  const Response css = client.get("/static/dsfr/dsfr.min.css");
  REQUIRE(css.status == 200);
  CHECK(css.body == "/* dsfr stub */\n");
  CHECK(css.header("Content-Type").rfind("text/css", 0) == 0);
  CHECK(css.header("Cache-Control") == "public, max-age=86400");
  CHECK(client.get("/static/dsfr/absent.css").status == 404);
}

TEST_CASE("serve_in_memory serves several threads at once, each its own connection") {
  Formd formd;
  constexpr int kThreads = 4, kRounds = 5;
  // Catch2's assertions are not thread-safe: each thread records, the test checks.
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Client c = formd.client();
        c.login("thread" + std::to_string(t) + "@exemple.fr", "Agent", siret(10 + t));
        for (int i = 0; i < kRounds; ++i) {
          const Response created = c.post_json("/api/v1/requests", Json{{"form_uid", kForm}, {"data", Json::object()}});
          if (created.status != 201) failures[t] += "create " + std::to_string(created.status) + "; ";
        }
        const Response list = c.get("/api/v1/requests");
        if (list.status != 200 || list.json().at("requests").size() != kRounds) {
          failures[t] += "list " + std::to_string(list.status) + " " + list.body.substr(0, 200);
        }
      } catch (const std::exception& e) {
        failures[t] += e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(failures[t].empty());
  }
}

// ---- Sessions and CSRF --------------------------------------------------------------

TEST_CASE("POST /api/v1/session signs in and GET /api/v1/session knows the caller") {
  Formd formd;
  Client client = formd.client();
  REQUIRE(client.get("/api/v1/session").status == 401);

  const Response login = client.post_json("/api/v1/session",
                                          Json{{"email", "Jeanne@Exemple.fr"}, {"name", "Jeanne Dupont"}, {"siret", siret(1)}},
                                          false);
  REQUIRE(login.status == 200);
  const auto cookies = login.headers_named("Set-Cookie");
  REQUIRE(cookies.size() == 1);
  CHECK(cookies[0].rfind("formd_session=", 0) == 0);
  CHECK(cookies[0].find("HttpOnly") != std::string::npos);
  CHECK(cookies[0].find("Max-Age=" + std::to_string(kSessionTtl)) != std::string::npos);
  const Json signed_in = login.json();
  CHECK(signed_in.at("user").at("email") == "jeanne@exemple.fr");
  const std::string csrf = signed_in.at("csrf_token").get<std::string>();
  CHECK_FALSE(csrf.empty());

  const Response me = client.get("/api/v1/session");
  REQUIRE(me.status == 200);
  CHECK(me.json().at("user").at("email") == "jeanne@exemple.fr");
  CHECK(me.json().at("user").at("organization_siret") == siret(1));
  CHECK(me.json().at("csrf_token") == csrf);

  // Another client (no cookie) is nobody.
  CHECK(formd.client().get("/api/v1/session").status == 401);
  // An invalid identity is refused, and no session is made.
  Client other = formd.client();
  const Response bad = other.post_json("/api/v1/session", Json{{"email", "x"}, {"name", "X"}, {"siret", "123"}}, false);
  CHECK(bad.status == 422);
  CHECK(other.cookies.empty());
}

TEST_CASE("a mutating API call without the right X-CSRF-Token answers 403 and writes nothing") {
  Formd formd;
  Client applicant = formd.login("applicant@exemple.fr", 1);
  const Json body{{"form_uid", kForm}, {"data", valid_document()}};
  auto count = [&] {
    const Response list = applicant.get("/api/v1/requests");
    REQUIRE(list.status == 200);
    return list.json().at("requests").size();
  };

  const Response missing = applicant.post_json("/api/v1/requests", body, false);
  CHECK(missing.status == 403);
  CHECK(json_error_message(missing).find("X-CSRF-Token") != std::string::npos);
  CHECK(count() == 0);

  const std::string right = applicant.csrf;
  applicant.csrf = std::string(right.size(), 'A');
  const Response wrong = applicant.post_json("/api/v1/requests", body);
  CHECK(wrong.status == 403);
  CHECK(count() == 0);

  // Another session's token is as wrong as any other.
  Client colleague = formd.login("colleague@exemple.fr", 1);
  applicant.csrf = colleague.csrf;
  CHECK(applicant.post_json("/api/v1/requests", body).status == 403);
  CHECK(count() == 0);

  applicant.csrf = right;
  const std::int64_t id = submitted(applicant);
  CHECK(count() == 1);

  // The instruction API too: nothing happens without the token.
  Client instructor = formd.login("instructor@exemple.fr", 2, kInstructorRole);
  const Snapshot before = snapshot(formd, applicant, id);
  const std::string approve = "/api/v1/requests/" + std::to_string(id) + "/approve";
  CHECK(instructor.post_json(approve, Json::object(), false).status == 403);
  instructor.csrf = colleague.csrf;
  CHECK(instructor.post_json(approve, Json::object()).status == 403);
  CHECK(snapshot(formd, applicant, id) == before);
}

TEST_CASE("a session stops authenticating once the clock passes its TTL") {
  Formd formd;
  Client client = formd.login("jeanne@exemple.fr", 1);
  REQUIRE(client.get("/api/v1/session").status == 200);
  formd.clock->advance(kSessionTtl - 1);
  CHECK(client.get("/api/v1/session").status == 200);
  formd.clock->advance(1);
  const Response expired = client.get("/api/v1/session");
  CHECK(expired.status == 401);
  CHECK(expired.json().at("error").at("status") == 401);
  CHECK(client.get("/api/v1/requests").status == 401);
  // A mutating call with the old token and cookie: 401, nothing written.
  CHECK(client.post_json("/api/v1/requests", Json{{"form_uid", kForm}}).status == 401);
  CHECK(formd.app->purge_expired_sessions() == 1);
  // Signing in again works at the new time.
  client.login("jeanne@exemple.fr", "Jeanne", siret(1));
  const Response again = client.get("/api/v1/requests");
  REQUIRE(again.status == 200);
  CHECK(again.json().at("requests").empty());
}

TEST_CASE("without dev_login the development login does not exist") {
  Formd formd({false, {}});
  Client client = formd.client();
  const Response api = client.post_json("/api/v1/session",
                                        Json{{"email", "jeanne@exemple.fr"}, {"name", "Jeanne"}, {"siret", siret(1)}}, false);
  CHECK(api.status == 404);
  CHECK(api.headers_named("Set-Cookie").empty());
  CHECK(client.get("/connexion").status == 404);
  CHECK(client.send(Request{"POST", "/connexion", {{"Content-Type", "application/x-www-form-urlencoded"}}, "email=x"}).status == 404);
  CHECK(formd.store->find_user_by_email("jeanne@exemple.fr") == std::nullopt);
  CHECK(client.get("/healthz").status == 200);
}

// ---- Instruction: who may act ------------------------------------------------------

namespace {

struct Cast {
  Client applicant, colleague, reporter, other_definition, stranger, instructor, manager;
};

Cast cast(Formd& formd) {
  return {formd.login("applicant@exemple.fr", 1),
          formd.login("colleague@exemple.fr", 1),
          formd.login("reporter@exemple.fr", 2, "ans:api_pro_sante_connect:reporter"),
          formd.login("other.instructor@exemple.fr", 3, "ans:autre_api:instructor"),
          formd.login("stranger@exemple.fr", 4),
          formd.login("instructor@exemple.fr", 5, kInstructorRole),
          formd.login("manager@exemple.fr", 6, "ans:api_pro_sante_connect:manager")};
}

const std::vector<std::string> kVerbs = {"approve", "refuse", "request_changes", "archive"};

std::optional<Json> body_of(const std::string& verb) {
  if (verb == "archive") return std::nullopt;
  if (verb == "approve") return Json::object();
  return Json{{"reason", "Précisez la durée de conservation."}};
}

}  // namespace

TEST_CASE("instruction API: every refusal of a submitted request changes nothing") {
  Formd formd;
  Cast c = cast(formd);
  const std::int64_t id = submitted(c.applicant);
  const std::string base = "/api/v1/requests/" + std::to_string(id);
  const Snapshot before = snapshot(formd, c.applicant, id);
  REQUIRE(before.request.at("state") == "submitted");

  struct Row {
    const char* who;
    Client* client;
    int approve, refuse, request_changes, archive;
    bool sees;
  };
  const std::vector<Row> rows = {
      // The applicant instructs nothing; archiving is theirs, but not once submitted.
      {"applicant", &c.applicant, 403, 403, 403, 409, true},
      {"colleague of the same organisation", &c.colleague, 403, 403, 403, 403, true},
      {"reporter of the definition", &c.reporter, 403, 403, 403, 403, true},
      {"instructor of another definition", &c.other_definition, 404, 404, 404, 404, false},
      {"user of another organisation", &c.stranger, 404, 404, 404, 404, false},
      // Instructors delete drafts only.
      {"instructor of the definition", &c.instructor, 200, 200, 200, 409, true},
      {"manager of the definition", &c.manager, 200, 200, 200, 409, true},
  };
  for (const auto& row : rows) {
    const int expected[] = {row.approve, row.refuse, row.request_changes, row.archive};
    for (std::size_t v = 0; v < kVerbs.size(); ++v) {
      if (expected[v] == 200) continue;  // the next test case
      INFO(row.who << " " << kVerbs[v]);
      const Response r = row.client->post_json(base + "/" + kVerbs[v], body_of(kVerbs[v]));
      CHECK(r.status == expected[v]);
      CHECK(r.json().at("error").at("status") == expected[v]);
      CHECK(snapshot(formd, c.applicant, id) == before);
    }
    INFO(row.who << " reads the request");
    CHECK(row.client->get(base).status == (row.sees ? 200 : 404));
    CHECK(row.client->get(base + "/events").status == (row.sees ? 200 : 404));
  }

  // 422: an instructor refusing or asking for changes without a reason.
  for (Client* who : {&c.instructor, &c.manager}) {
    for (const std::string verb : {"refuse", "request_changes"}) {
      INFO(verb << " without a reason");
      const Response none = who->post_json(base + "/" + verb, Json::object());
      CHECK(none.status == 422);
      CHECK(json_error_message(none).find("raison") != std::string::npos);
      CHECK(who->post_json(base + "/" + verb, Json{{"reason", " \n\t "}}).status == 422);
      CHECK(snapshot(formd, c.applicant, id) == before);
    }
  }
  // The policy comes before the reason: a reporter without one is still 403.
  CHECK(c.reporter.post_json(base + "/refuse", Json::object()).status == 403);
  CHECK(c.stranger.post_json(base + "/refuse", Json::object()).status == 404);
  // An unknown request is 404 for everyone, instructors included.
  CHECK(c.instructor.post_json("/api/v1/requests/999999/approve", Json::object()).status == 404);
  CHECK(snapshot(formd, c.applicant, id) == before);
}

TEST_CASE("instruction API: what instructors and managers may do, and its history") {
  Formd formd;
  Cast c = cast(formd);
  struct Allowed {
    std::string verb;
    std::string state;
  };
  const std::vector<Allowed> allowed = {
      {"approve", "validated"}, {"refuse", "refused"}, {"request_changes", "changes_requested"}};
  for (auto* who : {&c.instructor, &c.manager}) {
    const std::string email = who == &c.instructor ? "instructor@exemple.fr" : "manager@exemple.fr";
    for (const auto& [verb, state] : allowed) {
      INFO(email << " " << verb);
      const std::int64_t id = submitted(c.applicant);
      const std::string base = "/api/v1/requests/" + std::to_string(id);
      const Snapshot before = snapshot(formd, c.applicant, id);
      const Response r = who->post_json(base + "/" + verb, body_of(verb));
      REQUIRE(r.status == 200);
      const Json out = r.json();
      CHECK(out.at("state") == state);
      CHECK(out.at("version") == before.request.at("version").get<int>() + 1);
      CHECK(out.at("applicant").at("email") == "applicant@exemple.fr");
      const Snapshot after = snapshot(formd, c.applicant, id);
      CHECK(after.request.at("state") == state);
      REQUIRE(after.events.size() == before.events.size() + 1);
      CHECK(after.events[0].at("name") == verb);
      CHECK(after.events[0].at("actor_email") == email);
      CHECK(after.outbox > before.outbox);  // the emails it sends (the applicant's at least)
      if (verb == "approve") {
        CHECK(out.at("habilitation").at("state") == "active");
        CHECK(after.events[0].at("habilitation_id") == out.at("habilitation").at("id"));
        // Now validated: nothing more to approve (409), whoever asks.
        CHECK(who->post_json(base + "/approve", Json::object()).status == 409);
        CHECK(c.applicant.post_json(base + "/approve", Json::object()).status == 403);
      } else {
        CHECK(after.events[0].at("reason") == "Précisez la durée de conservation.");
        CHECK(out.at("habilitations").empty());
      }
    }
  }
  // Archive: an instructor deletes a draft (200) but not a submitted request
  // (409); the applicant deletes their own draft, their colleague may not.
  const std::int64_t d1 = draft(c.applicant);
  CHECK(c.instructor.post_json("/api/v1/requests/" + std::to_string(d1) + "/archive", std::nullopt).status == 200);
  CHECK(c.applicant.get("/api/v1/requests/" + std::to_string(d1)).json().at("state") == "archived");
  const std::int64_t d2 = draft(c.applicant);
  CHECK(c.colleague.post_json("/api/v1/requests/" + std::to_string(d2) + "/archive", std::nullopt).status == 403);
  CHECK(c.applicant.post_json("/api/v1/requests/" + std::to_string(d2) + "/archive", std::nullopt).status == 200);
  // Approving a draft is the wrong state for an instructor.
  const std::int64_t d3 = draft(c.applicant);
  const Snapshot before = snapshot(formd, c.applicant, d3);
  CHECK(c.instructor.post_json("/api/v1/requests/" + std::to_string(d3) + "/approve", Json::object()).status == 409);
  CHECK(snapshot(formd, c.applicant, d3) == before);
}

// ---- The test client itself ---------------------------------------------------------

TEST_CASE("the test client parses chunked answers and refuses malformed ones") {
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
      "5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Trailer: yes\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
  const auto answers = formd::inproc::parse_responses(chunked);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].chunked);
  CHECK(answers[0].body == "hello, world!!!");
  CHECK(answers[0].header("x-trailer") == "yes");
  CHECK(answers[1].status == 204);
  CHECK(answers[1].reason == "No Content");

  std::size_t pos = 0;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  CHECK(formd::inproc::parse_response(head, pos, true).body.empty());
  CHECK(pos == head.size());

  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhey"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\nContent-Length: 0\n\n"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/2 200 OK\r\n\r\n"), ParseError);
  CHECK_THROWS_AS(formd::inproc::parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                  ParseError);

  // The request side: Host and Content-Length are added, not doubled.
  const std::string bytes = Request{"POST", "/x", {{"Content-Type", "application/json"}}, "{}"}.serialize();
  CHECK(bytes == "POST /x HTTP/1.1\r\nHost: formd.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  CHECK(Request{"GET", "/", {{"Host", "a"}}, ""}.serialize() == "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  // The test identities are valid SIRETs, distinct per organisation.
  CHECK(formc::rt::is_valid_siret(siret(1)));
  CHECK(formc::rt::is_valid_siret(siret(6)));
  CHECK(siret(1) != siret(2));
}
