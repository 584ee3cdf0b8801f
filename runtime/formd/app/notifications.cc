#include "app/notifications.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include "app/email_templates.h"
#include "domain/roles.h"
#include "formc/runtime/strings.h"
#include "notify/address.h"

namespace formd::app {

namespace {

namespace mustache = kainjow::mustache;

constexpr std::size_t kMaxSubjectCharacters = 150;

// A template split into its subject line and its body (both still mustache).
struct EmailTemplate {
  std::string subject, body;
};

bool has_template(const std::string& name) {
  for (const auto& file : email_templates()) {
    if (file.path == name) return true;
  }
  return false;
}

// The template of `event` for `audience`; during an update, its
// reopening_ variant when there is one.
EmailTemplate find_template(std::string_view event, std::string_view audience, bool reopening) {
  std::string name = std::string(event) + "." + std::string(audience) + ".txt";
  if (reopening && has_template("reopening_" + name)) name = "reopening_" + name;
  for (const auto& file : email_templates()) {
    if (file.path != name) continue;
    constexpr std::string_view kPrefix = "Subject: ";
    const auto end_of_subject = file.text.find('\n');
    if (!file.text.starts_with(kPrefix) || end_of_subject == std::string_view::npos ||
        file.text.substr(end_of_subject + 1, 1) != "\n") {
      throw std::logic_error("email template " + name + " does not start with 'Subject: …' and a blank line");
    }
    return {std::string(file.text.substr(kPrefix.size(), end_of_subject - kPrefix.size())),
            std::string(file.text.substr(end_of_subject + 2))};
  }
  throw std::logic_error("no email template " + name);
}

std::string render(const std::string& text, const mustache::data& values, std::string_view what) {
  mustache::mustache tmpl(text);
  // These are text/plain emails: mustache's default HTML escaping would show
  // the reader "&amp;" and "&#39;" for what the instructor typed. Nothing
  // here is ever HTML, and headers are protected by email.h (and the subject
  // by subject_line below), so values go in exactly as written, whether a
  // template says {{x}} or {{{x}}}.
  tmpl.set_custom_escape([](const std::string& value) { return value; });
  if (!tmpl.is_valid()) throw std::logic_error("email template " + std::string(what) + ": " + tmpl.error_message());
  std::string out = tmpl.render(values);
  if (!tmpl.is_valid()) throw std::logic_error("email template " + std::string(what) + ": " + tmpl.error_message());
  return out;
}

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for a stray
// continuation byte: the text comes from JSON and is valid anyway).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

// One header line: control characters (C0, DEL, C1: email.h refuses them in
// a subject) become spaces, runs of spaces one space, and the line is cut to
// kMaxSubjectCharacters characters: an `intitule` of 20,000 bytes or with a
// line break must not make the email unsendable.
std::string subject_line(std::string_view rendered) {
  std::string clean;
  std::vector<std::size_t> starts;  // where each character of `clean` starts
  for (std::size_t i = 0; i < rendered.size();) {
    const auto c = static_cast<unsigned char>(rendered[i]);
    const std::size_t length = std::min(sequence_length(c), rendered.size() - i);
    std::string_view piece = rendered.substr(i, length);
    const bool c1 = c == 0xc2 && length == 2 && static_cast<unsigned char>(rendered[i + 1]) < 0xa0;
    if (c < 0x20 || c == 0x7f || c1) piece = " ";
    i += length;
    if (piece == " " && (clean.empty() || clean.back() == ' ')) continue;
    starts.push_back(clean.size());
    clean += piece;
  }
  while (!clean.empty() && clean.back() == ' ') {
    clean.pop_back();
    starts.pop_back();
  }
  if (starts.size() <= kMaxSubjectCharacters) return clean;
  clean.resize(starts[kMaxSubjectCharacters - 1]);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  return clean + "…";
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A string attribute of the request, trimmed, if it has text.
std::optional<std::string> attribute(const nlohmann::json& data, const char* name) {
  if (!data.is_object()) return std::nullopt;
  const auto it = data.find(name);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  std::string value = trimmed(it->get_ref<const std::string&>());
  if (value.empty()) return std::nullopt;
  return value;
}

struct Recipient {
  std::string address;
  std::string audience;  // template audience and payload "audience"
  std::string role;      // GDPR contacts: the role(s) they were named in
};

class Builder {
 public:
  explicit Builder(const NotificationFacts& facts) : facts_(facts) {
    // The stored data is JSON formd wrote; unreadable data only loses the
    // project name and the GDPR contacts, never the email itself.
    data_ = nlohmann::json::parse(facts.request.data_json, nullptr, false);
    std::string base = facts.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    base_url_ = base;
  }

  [[nodiscard]] const nlohmann::json& data() const { return data_; }

  void add(const Recipient& recipient) {
    if (!notify::is_valid_address(recipient.address)) return;
    const std::string key = recipient.audience + " " + lower(recipient.address);
    if (const auto seen = index_.find(key); seen != index_.end()) {
      // Named twice in one role family (a DPO who is also the controller).
      auto& earlier = recipients_[seen->second];
      if (!recipient.role.empty() && earlier.role != recipient.role) earlier.role += " et " + recipient.role;
      return;
    }
    index_.emplace(key, recipients_.size());
    recipients_.push_back(recipient);
  }

  [[nodiscard]] std::vector<storage::OutboxMessage> messages() const {
    std::vector<storage::OutboxMessage> out;
    for (const auto& recipient : recipients_) out.push_back(message_for(recipient));
    return out;
  }

 private:
  [[nodiscard]] storage::OutboxMessage message_for(const Recipient& recipient) const {
    const auto& request = facts_.request;
    mustache::data values;
    values.set("numero", std::to_string(request.id));
    values.set("definition", facts_.definition_name);
    if (const auto intitule = attribute(data_, "intitule")) values.set("intitule", *intitule);
    values.set("demandeur", display_name(facts_.applicant));
    values.set("demandeur_email", facts_.applicant.email);
    if (facts_.previous_applicant) {
      values.set("ancien_demandeur", display_name(*facts_.previous_applicant));
      values.set("ancien_demandeur_email", facts_.previous_applicant->email);
    }
    if (facts_.habilitation_id) values.set("habilitation", std::to_string(*facts_.habilitation_id));
    values.set("siret", request.organization_siret);
    const std::string path = recipient.audience == "instructor" ? "/instruction/demandes/" : "/demandes/";
    values.set("lien", base_url_ + path + std::to_string(request.id));
    if (facts_.reason && formc::rt::has_text(*facts_.reason)) {
      values.set(facts_.event == "approve" ? "message" : "raison", *facts_.reason);
    }
    if (!recipient.role.empty()) values.set("role", recipient.role);

    const std::string what = facts_.event + "." + recipient.audience;
    const EmailTemplate tmpl = find_template(facts_.event, recipient.audience, facts_.reopening);
    const std::string subject = subject_line(render(tmpl.subject, values, what));
    const std::string text = render(tmpl.body, values, what);
    const nlohmann::json payload = {{"to", {recipient.address}},  {"subject", subject},
                                    {"text", text},               {"event", facts_.event},
                                    {"request_id", request.id},   {"audience", recipient.audience}};
    // replace: a stray invalid byte must not make the whole change fail.
    return {"email", payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  static std::string display_name(const storage::User& user) {
    return formc::rt::has_text(user.name) ? trimmed(user.name) : user.email;
  }

  const NotificationFacts& facts_;
  nlohmann::json data_;
  std::string base_url_;
  std::vector<Recipient> recipients_;
  std::map<std::string, std::size_t> index_;
};

bool sends_emails(std::string_view event) {
  return event == "submit" || event == "approve" || event == "refuse" || event == "request_changes" ||
         event == "revoke" || event == "transfer" || event == "applicant_message" || event == "instructor_message";
}

}  // namespace

std::vector<storage::OutboxMessage> notification_emails(const NotificationFacts& facts) {
  if (!sends_emails(facts.event)) return {};
  Builder builder(facts);
  // The applicant's own message goes to the instructors only.
  if (facts.event != "applicant_message") builder.add({facts.applicant.email, "applicant", ""});
  // An admin may move a request to its applicant's new organisation: one email then.
  if (facts.event == "transfer" && facts.previous_applicant &&
      lower(facts.previous_applicant->email) != lower(facts.applicant.email)) {
    builder.add({facts.previous_applicant->email, "previous_applicant", ""});
  }
  if (facts.event == "submit" || facts.event == "applicant_message") {
    for (const auto& email : facts.instructor_emails) builder.add({email, "instructor", ""});
  }
  if (facts.event == "approve") {
    // DataPass's GDPRContactMailer: the DPO, then the controller.
    constexpr std::pair<const char*, const char*> kGdprContacts[] = {
        {"delegue_protection_donnees_email", "Délégué à la protection des données"},
        {"responsable_traitement_email", "Responsable de traitement"},
    };
    for (const auto& [attribute_name, role] : kGdprContacts) {
      if (const auto email = attribute(builder.data(), attribute_name)) builder.add({*email, "gdpr_contact", role});
    }
  }
  return builder.messages();
}

std::vector<std::string> instructor_emails(storage::RoleRepository& roles, std::string_view provider,
                                           std::string_view definition_id) {
  std::map<std::int64_t, std::pair<std::string, std::vector<domain::Role>>> by_user;
  for (const auto& grant : roles.list_role_grants()) {
    auto role = domain::parse_role(grant.role);
    // Admin alone does not make an instructor to notify (see the header).
    if (!role || role->admin) continue;
    auto& entry = by_user[grant.user.id];
    entry.first = grant.user.email;
    entry.second.push_back(std::move(*role));
  }
  std::vector<std::string> out;
  for (auto& [id, entry] : by_user) {
    const domain::Roles held(std::move(entry.second));
    if (held.has(domain::RoleKind::Instructor, provider, definition_id) && notify::is_valid_address(entry.first)) {
      out.push_back(entry.first);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<storage::OutboxMessage> emails_for_event(storage::Store& store, const catalog::Catalog& catalog,
                                                     std::string_view event, const storage::Request& request,
                                                     const std::optional<std::string>& reason,
                                                     std::string_view public_url, const EventContext& context) {
  if (!sends_emails(event)) return {};
  const auto applicant = store.find_user(request.user_id);
  if (!applicant) return {};
  NotificationFacts facts;
  facts.event = std::string(event);
  facts.request = request;
  facts.applicant = *applicant;
  facts.definition_name = request.definition_id;
  std::string provider;
  if (const auto* definition = catalog.module().find_definition(request.definition_id)) {
    facts.definition_name = definition->name;
    provider = definition->provider;
  }
  if ((event == "submit" || event == "applicant_message") && !provider.empty()) facts.instructor_emails = instructor_emails(store, provider, request.definition_id);
  facts.reason = reason;
  facts.public_url = std::string(public_url);
  facts.reopening = context.reopening;
  facts.habilitation_id = context.habilitation_id;
  if (context.previous_applicant_id) facts.previous_applicant = store.find_user(*context.previous_applicant_id);
  return notification_emails(facts);
}

}  // namespace formd::app
