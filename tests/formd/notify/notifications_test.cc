// app/notifications.h: which emails each event sends, to whom, and what
// they say (the French templates compiled into formd), plus who counts as an
// instructor of a definition (roles in a real SQLite store).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/email_templates.h"
#include "app/notifications.h"
#include "storage/sqlite_store.h"
#include "test_support.h"

using formd::app::NotificationFacts;
using formd::app::notification_emails;
using nlohmann::json;

namespace {

const json kData = {
    {"intitule", "Téléconsultation de l’hôpital"},
    {"delegue_protection_donnees_email", "dpo@exemple.fr"},
    {"responsable_traitement_email", "jeanne.dupont@exemple.fr"},
    {"contact_technique_email", "tech@exemple.fr"},
};

NotificationFacts facts(const std::string& event, json data = kData) {
  NotificationFacts f;
  f.event = event;
  f.request.id = 42;
  f.request.definition_id = "api_pro_sante_connect";
  f.request.organization_siret = "13002526500013";
  f.request.data_json = data.dump();
  f.applicant.id = 7;
  f.applicant.email = "demandeur@exemple.fr";
  f.applicant.name = "Élise Martin";
  f.definition_name = "API Pro Santé Connect";
  f.instructor_emails = {"instructrice@ans.fr", "manager@ans.fr"};
  f.public_url = "https://datapass.exemple.fr/";
  return f;
}

std::vector<json> payloads(const NotificationFacts& f) {
  std::vector<json> out;
  for (const auto& message : notification_emails(f)) {
    CHECK(message.kind == "email");
    out.push_back(json::parse(message.payload_json));
  }
  return out;
}

// "audience:address" of each message, in order.
std::vector<std::string> recipients(const std::vector<json>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    REQUIRE(m["to"].size() == 1);
    out.push_back(m["audience"].get<std::string>() + ":" + m["to"][0].get<std::string>());
  }
  return out;
}

bool contains(const json& text, const std::string& part) {
  return text.get<std::string>().find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("every template starts with a subject line and a blank line", "[notifications]") {
  std::set<std::string> names;
  for (const auto& file : formd::app::email_templates()) {
    INFO(file.path);
    names.insert(std::string(file.path));
    CHECK(file.text.starts_with("Subject: "));
    const auto end = file.text.find('\n');
    REQUIRE(end != std::string_view::npos);
    CHECK(file.text.substr(end, 2) == "\n\n");
  }
  CHECK(names == std::set<std::string>{"approve.applicant.txt", "approve.gdpr_contact.txt", "refuse.applicant.txt",
                                       "request_changes.applicant.txt", "submit.applicant.txt",
                                       "submit.instructor.txt", "reopening_approve.applicant.txt",
                                       "reopening_refuse.applicant.txt", "reopening_request_changes.applicant.txt",
                                       "reopening_submit.applicant.txt", "reopening_submit.instructor.txt",
                                       "revoke.applicant.txt", "transfer.applicant.txt",
                                       "transfer.previous_applicant.txt", "applicant_message.instructor.txt",
                                       "instructor_message.applicant.txt"});
}

TEST_CASE("messages: the applicant's to each instructor, an instructor's to the applicant, linking to the conversation",
          "[notifications][messaging]") {
  const auto from_applicant = payloads(facts("applicant_message"));
  CHECK(recipients(from_applicant) ==
        std::vector<std::string>{"instructor:instructrice@ans.fr", "instructor:manager@ans.fr"});
  for (const auto& m : from_applicant) {
    CHECK(m["event"] == "applicant_message");
    CHECK(m["subject"] == "Nouveau message concernant la demande d’habilitation n°42 – API Pro Santé Connect");
    CHECK(contains(m["text"], "https://datapass.exemple.fr/instruction/demandes/42/messagerie\n"));
    CHECK(contains(m["text"], "Élise Martin"));
  }
  const auto from_instructor = payloads(facts("instructor_message"));
  CHECK(recipients(from_instructor) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
  CHECK(from_instructor[0]["subject"] ==
        "Vous avez reçu un nouveau message concernant votre demande d’habilitation n°42");
  CHECK(contains(from_instructor[0]["text"], "https://datapass.exemple.fr/demandes/42/messagerie\n"));
  CHECK(contains(from_instructor[0]["text"], "« Téléconsultation de l’hôpital »"));
  // No instructor to tell: no email (never the applicant instead).
  auto alone = facts("applicant_message");
  alone.instructor_emails.clear();
  CHECK(payloads(alone).empty());
}

TEST_CASE("submit: the applicant and each instructor, with their own links", "[notifications]") {
  const auto messages = payloads(facts("submit"));
  CHECK(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr",
                                                          "instructor:instructrice@ans.fr", "instructor:manager@ans.fr"});
  const json& applicant = messages[0];
  CHECK(applicant["event"] == "submit");
  CHECK(applicant["request_id"] == 42);
  CHECK(applicant["subject"] == "Votre demande d’habilitation n°42 à API Pro Santé Connect a bien été soumise");
  CHECK(contains(applicant["text"], "« Téléconsultation de l’hôpital »"));
  CHECK(contains(applicant["text"], "https://datapass.exemple.fr/demandes/42\n"));
  const json& instructor = messages[1];
  CHECK(instructor["subject"] == "Nouvelle demande d’habilitation n°42 à instruire – API Pro Santé Connect");
  CHECK(contains(instructor["text"], "https://datapass.exemple.fr/instruction/demandes/42\n"));
  CHECK(contains(instructor["text"], "Élise Martin"));
  CHECK(contains(instructor["text"], "13002526500013"));
}

TEST_CASE("approve: the applicant, then the DPO and the controller named in the request", "[notifications]") {
  auto f = facts("approve");
  f.reason = "Bienvenue dans le dispositif.";
  const auto messages = payloads(f);
  CHECK(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr",
                                                          "gdpr_contact:dpo@exemple.fr",
                                                          "gdpr_contact:jeanne.dupont@exemple.fr"});
  CHECK(messages[0]["subject"] == "Votre habilitation numéro 42 vient d’être validée – API Pro Santé Connect");
  CHECK(contains(messages[0]["text"], "Message complémentaire de l’instructeur :\nBienvenue dans le dispositif.\n"));
  CHECK(contains(messages[1]["text"], "Élise Martin vous a désigné(e) comme Délégué à la protection des données"));
  CHECK(contains(messages[2]["text"], "comme Responsable de traitement pour la démarche « Téléconsultation"));
  CHECK(contains(messages[1]["subject"], "Délégué à la protection des données"));
  // No instructor is told of an approval.
  for (const auto& m : messages) CHECK(m["audience"] != "instructor");
}

TEST_CASE("approve without a message has no message section, nor an empty line for it", "[notifications]") {
  const auto messages = payloads(facts("approve"));
  const std::string text = messages[0]["text"];
  CHECK(text.find("Message complémentaire") == std::string::npos);
  CHECK(text.find("\n\n\n") == std::string::npos);
}

TEST_CASE("GDPR contacts: absent, blank or invalid are skipped, the same person gets one email", "[notifications]") {
  json data = kData;
  data.erase("responsable_traitement_email");
  data["delegue_protection_donnees_email"] = "   ";
  CHECK(recipients(payloads(facts("approve", data))) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});

  data["delegue_protection_donnees_email"] = "pas une adresse";
  data["responsable_traitement_email"] = "x@y.fr\r\nBcc: victime@exemple.fr";
  CHECK(recipients(payloads(facts("approve", data))) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});

  data["delegue_protection_donnees_email"] = "Anne@Exemple.fr";
  data["responsable_traitement_email"] = "anne@exemple.fr";
  const auto messages = payloads(facts("approve", data));
  CHECK(recipients(messages) ==
        std::vector<std::string>{"applicant:demandeur@exemple.fr", "gdpr_contact:Anne@Exemple.fr"});
  CHECK(contains(messages[1]["text"], "Délégué à la protection des données et Responsable de traitement"));

  // Not a string, or data that is not an object: no contact, still the applicant's email.
  data["delegue_protection_donnees_email"] = 12;
  data.erase("responsable_traitement_email");
  CHECK(payloads(facts("approve", data)).size() == 1);
  auto broken = facts("approve");
  broken.request.data_json = "not json";
  CHECK(recipients(payloads(broken)) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
}

TEST_CASE("refuse and request_changes: the applicant alone, with the reason in the body", "[notifications]") {
  auto refuse = facts("refuse");
  refuse.reason = "Le cadre juridique ne couvre pas ce traitement.";
  auto messages = payloads(refuse);
  REQUIRE(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
  CHECK(messages[0]["subject"] == "Votre demande d’habilitation n°42 à API Pro Santé Connect a été refusée");
  CHECK(contains(messages[0]["text"], "Raison du refus :\nLe cadre juridique ne couvre pas ce traitement.\n"));

  auto changes = facts("request_changes");
  changes.reason = "Précisez la durée de conservation.";
  messages = payloads(changes);
  REQUIRE(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
  CHECK(contains(messages[0]["subject"], "requiert des modifications"));
  CHECK(contains(messages[0]["text"], "Raison de la demande de modification :\nPrécisez la durée de conservation.\n"));
  CHECK(contains(messages[0]["text"], "https://datapass.exemple.fr/demandes/42"));
}

TEST_CASE("other events send nothing", "[notifications]") {
  for (const char* event : {"archive", "create", "update", "reopen", "cancel_reopening", ""}) {
    INFO(event);
    CHECK(notification_emails(facts(event)).empty());
  }
}

TEST_CASE("values are plain text: no HTML escaping, no mustache in values", "[notifications]") {
  auto f = facts("refuse", {{"intitule", "R&D <Santé> \"pilote\" l'an 2"}});
  f.reason = "<b>Non</b> & c'est \"définitif\" {{numero}}";
  const auto messages = payloads(f);
  const std::string text = messages[0]["text"];
  CHECK(text.find("<b>Non</b> & c'est \"définitif\" {{numero}}") != std::string::npos);
  CHECK(text.find("R&D <Santé> \"pilote\" l'an 2") != std::string::npos);
  CHECK(text.find("&amp;") == std::string::npos);
  CHECK(text.find("&lt;") == std::string::npos);
  CHECK(text.find("&#39;") == std::string::npos);
}

TEST_CASE("a project name cannot break or bloat the subject", "[notifications]") {
  auto f = facts("submit", {{"intitule", "ligne 1\r\nBcc: x@y.fr\tfin"}});
  f.definition_name = "Définition\nsur deux lignes\x7f et \xc2\x85 C1";
  for (const auto& m : payloads(f)) {
    const std::string subject = m["subject"];
    INFO(subject);
    CHECK(std::none_of(subject.begin(), subject.end(), [](char c) { return c == '\n' || c == '\r' || c == '\x7f'; }));
    CHECK(subject.find("\xc2\x85") == std::string::npos);
    CHECK(subject.find("Définition sur deux lignes et C1") != std::string::npos);
  }
  auto long_name = facts("refuse");
  long_name.reason = "x";
  long_name.definition_name = std::string(300, 'e');
  const std::string subject = payloads(long_name)[0]["subject"];
  CHECK(subject.ends_with("…"));
  // 149 characters and the ellipsis.
  std::size_t characters = 0;
  for (unsigned char c : subject) characters += (c & 0xc0) != 0x80;
  CHECK(characters == 150);
}

TEST_CASE("recipients that are not addresses are skipped, links never get a double slash", "[notifications]") {
  auto f = facts("submit");
  f.applicant.email = "";
  f.instructor_emails = {"ok@ans.fr", "pas-une-adresse", "Nom <nom@ans.fr>"};
  f.public_url = "http://localhost:8080";
  const auto messages = payloads(f);
  REQUIRE(recipients(messages) == std::vector<std::string>{"instructor:ok@ans.fr"});
  CHECK(contains(messages[0]["text"], "http://localhost:8080/instruction/demandes/42\n"));
}

TEST_CASE("the applicant's name falls back to their email", "[notifications]") {
  auto f = facts("submit");
  f.applicant.name = "  ";
  CHECK(contains(payloads(f)[1]["text"], "soumise par demandeur@exemple.fr"));
}

TEST_CASE("instructors of a definition: instructor or manager, on it or on its provider, not admin alone",
          "[notifications]") {
  formd::notify::testing::TempDir temp;
  auto store = formd::storage::SqliteStore::open(temp.path());
  auto grant = [&](const std::string& email, const std::string& role) {
    CHECK(store->grant_role(store->ensure_user(email).id, role));
  };
  grant("instructrice@ans.fr", "ans:api_pro_sante_connect:instructor");
  grant("manager@ans.fr", "ans:*:manager");
  grant("reporter@ans.fr", "ans:api_pro_sante_connect:reporter");
  grant("developpeur@ans.fr", "ans:api_pro_sante_connect:developer");
  grant("autre@ans.fr", "ans:autre_api:instructor");
  grant("dgfip@finances.fr", "dgfip:*:instructor");
  grant("admin@beta.gouv.fr", "admin");
  grant("admin-instructeur@beta.gouv.fr", "admin");
  grant("admin-instructeur@beta.gouv.fr", "ans:api_pro_sante_connect:instructor");
  grant("deux-roles@ans.fr", "ans:api_pro_sante_connect:instructor");
  grant("deux-roles@ans.fr", "ans:*:instructor");

  CHECK(formd::app::instructor_emails(*store, "ans", "api_pro_sante_connect") ==
        std::vector<std::string>{"admin-instructeur@beta.gouv.fr", "deux-roles@ans.fr", "instructrice@ans.fr",
                                 "manager@ans.fr"});
  CHECK(formd::app::instructor_emails(*store, "ans", "autre_api") ==
        std::vector<std::string>{"autre@ans.fr", "deux-roles@ans.fr", "manager@ans.fr"});
  CHECK(formd::app::instructor_emails(*store, "inconnu", "api_pro_sante_connect").empty());
}

TEST_CASE("an update of a habilitation: the reopening variants, and the plain ones where there are none",
          "[notifications][reopening]") {
  auto submit = facts("submit");
  submit.reopening = true;
  auto messages = payloads(submit);
  REQUIRE(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr",
                                                            "instructor:instructrice@ans.fr", "instructor:manager@ans.fr"});
  CHECK(messages[0]["subject"] ==
        "Votre demande de modification d’habilitation n°42 à API Pro Santé Connect a bien été soumise");
  CHECK(contains(messages[0]["text"], "Votre habilitation restera valide quelque soit l’issue de la demande de mise à jour."));
  CHECK(contains(messages[1]["subject"], "Demande de réouverture d’habilitation sur DataPass"));
  CHECK(contains(messages[1]["text"], "https://datapass.exemple.fr/instruction/demandes/42\n"));

  auto approve = facts("approve");
  approve.reopening = true;
  messages = payloads(approve);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0]["subject"] == "Votre réouverture d’habilitation numéro 42 vient d’être validée – API Pro Santé Connect");
  // GDPR contacts have no variant: the plain email.
  CHECK(contains(messages[1]["text"], "vous a désigné(e) comme Délégué à la protection des données"));

  auto refuse = facts("refuse");
  refuse.reopening = true;
  refuse.reason = "Le contact technique n’a pas de compte.";
  messages = payloads(refuse);
  REQUIRE(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
  CHECK(contains(messages[0]["subject"], "Votre réouverture d’habilitation numéro 42 a été refusée"));
  CHECK(contains(messages[0]["text"], "Raison du refus :\nLe contact technique n’a pas de compte.\n"));
  CHECK(contains(messages[0]["text"], "votre habilitation reste valide"));

  auto changes = facts("request_changes");
  changes.reopening = true;
  changes.reason = "Précisez.";
  messages = payloads(changes);
  CHECK(contains(messages[0]["subject"], "Votre demande de mise à jour de l’habilitation n°42"));
  CHECK(contains(messages[0]["text"], "nécessite des modifications avant d’être validée"));
  CHECK(contains(messages[0]["text"], "Raison de la demande de modification :\nPrécisez.\n"));
}

TEST_CASE("revoke: the applicant, with the reasons, and the habilitation when one alone is revoked",
          "[notifications][revocation]") {
  auto whole = facts("revoke");
  whole.reason = "Fin de la convention.";
  auto messages = payloads(whole);
  REQUIRE(recipients(messages) == std::vector<std::string>{"applicant:demandeur@exemple.fr"});
  CHECK(messages[0]["subject"] == "Votre habilitation à API Pro Santé Connect a été révoquée");
  CHECK(contains(messages[0]["text"], "Votre demande d’habilitation n°42 à API Pro Santé Connect"));
  CHECK(contains(messages[0]["text"], "Motifs de la révocation :\nFin de la convention.\n"));
  CHECK(contains(messages[0]["text"], "https://datapass.exemple.fr/demandes/42\n"));

  auto one = facts("revoke");
  one.reason = "Abus.";
  one.habilitation_id = 7;
  messages = payloads(one);
  CHECK(messages[0]["subject"] == "Votre habilitation H7 à API Pro Santé Connect a été révoquée");
  CHECK(contains(messages[0]["text"], "L’habilitation H7, issue de votre demande n°42"));
}

TEST_CASE("transfer: the new applicant and the previous one, each told who has it now", "[notifications][transfer]") {
  auto f = facts("transfer");
  f.applicant.email = "collegue@exemple.fr";
  f.applicant.name = "Paul Collègue";
  f.previous_applicant = formd::storage::User{7, "demandeur@exemple.fr", "Élise Martin", "13002526500013"};
  auto messages = payloads(f);
  REQUIRE(recipients(messages) ==
          std::vector<std::string>{"applicant:collegue@exemple.fr", "previous_applicant:demandeur@exemple.fr"});
  for (const auto& m : messages) {
    CHECK(m["subject"] == "Transfert de la demande d’habilitation n°42 réussie");
    CHECK(m["event"] == "transfer");
    CHECK(contains(m["text"], "transférée avec succès"));
  }
  CHECK(contains(messages[0]["text"], "sur votre compte (collegue@exemple.fr). Elle était auparavant au nom de Élise Martin"));
  CHECK(contains(messages[1]["text"], "à Paul Collègue (collegue@exemple.fr)"));
  // The same person (an admin moved the request to their new organisation): one email.
  f.previous_applicant->email = "Collegue@Exemple.fr";
  CHECK(recipients(payloads(f)) == std::vector<std::string>{"applicant:collegue@exemple.fr"});
  // No previous applicant known: the new one alone.
  f.previous_applicant.reset();
  messages = payloads(f);
  REQUIRE(messages.size() == 1);
  CHECK(contains(messages[0]["text"], "sur votre compte (collegue@exemple.fr).\n"));
}
