#include "formc/runtime/messages.h"

#include "formc/runtime/strings.h"

namespace formc::rt::msg {
namespace {

// "« L » <rest>" or "<rest>" without a label.
std::string about(std::string_view label, std::string_view rest) {
  std::string out = subject(label);
  out += rest;
  return out;
}

}  // namespace

std::string subject(std::string_view label) {
  if (label.empty()) return {};
  std::string out = "« ";
  out += label;
  out += " » ";
  return out;
}

std::string type(std::string_view label, std::string_view expected) {
  std::string out = about(label, "doit être ");
  out += expected;
  out += '.';
  return out;
}

std::string invalid_json(std::size_t offset) {
  return "Le document n'est pas un JSON valide (octet " + std::to_string(offset) + ").";
}

std::string unknown_field(std::string_view key) {
  std::string out = "« ";
  out += key;
  out += " » n'est pas un champ de ce formulaire.";
  return out;
}

std::string required(std::string_view label) { return about(label, "doit être rempli(e)."); }
std::string must_be_checked(std::string_view label) { return about(label, "doit être coché(e)."); }
std::string too_long(std::string_view label, std::int64_t max) {
  return about(label, "est trop long (pas plus de " + std::to_string(max) + " caractères).");
}
std::string too_short(std::string_view label, std::int64_t min) {
  return about(label, "est trop court (au moins " + std::to_string(min) + " caractères).");
}
std::string format_email(std::string_view label) { return about(label, "n'est pas une adresse email valide."); }
std::string format_phone(std::string_view label, bool mobile) {
  return about(label, mobile ? "doit être un numéro de téléphone mobile français. Exemple : 0639981234 ou +33639981234."
                             : "doit être un numéro de téléphone français. Exemple : 0199001234 ou +33199001234.");
}
std::string format_url(std::string_view label) { return about(label, "n'est pas un lien valide."); }
std::string format_date(std::string_view label) { return about(label, "n'est pas une date valide (AAAA-MM-JJ)."); }
std::string pattern(std::string_view label) { return about(label, "n'a pas le format attendu."); }
std::string min(std::string_view label, std::int64_t bound) {
  return about(label, "doit être supérieur ou égal à " + std::to_string(bound) + ".");
}
std::string max(std::string_view label, std::int64_t bound) {
  return about(label, "doit être inférieur ou égal à " + std::to_string(bound) + ".");
}
std::string date_min(std::string_view label, std::string_view date) {
  return about(label, "doit être au plus tôt le " + std::string(date) + ".");
}
std::string date_max(std::string_view label, std::string_view date) {
  return about(label, "doit être au plus tard le " + std::string(date) + ".");
}
std::string not_an_option(std::string_view label, std::string_view value) {
  std::string out = subject(label);
  if (!out.empty()) out.insert(out.size() - 1, " :");  // "« L » : 'v' ne fait pas partie des choix possibles."
  out += quote(value);
  out += " ne fait pas partie des choix possibles.";
  return out;
}
std::string not_a_scope(std::string_view value) {
  std::string out = "« ";
  out += value;
  out += " » n'est pas une donnée disponible.";
  return out;
}
std::string duplicate(std::string_view label, std::string_view value) {
  return about(label, "contient " + quote(value) + " plusieurs fois.");
}
std::string too_many_items(std::string_view label, std::int64_t max) {
  std::string out = subject(label);
  if (!out.empty()) out.insert(out.size() - 1, " :");  // "« L » : au plus 3 éléments."
  out += "au plus " + std::to_string(max) + (max > 1 ? " éléments." : " élément.");
  return out;
}
std::string too_many_files(std::string_view label, std::int64_t max) {
  return about(label, "accepte au plus " + std::to_string(max) + " fichier(s).");
}
std::string file_too_large(std::string_view label) {
  std::string out = subject(label);
  if (!out.empty()) out.insert(out.size() - 1, " :");
  out += "un fichier dépasse la taille maximale.";
  return out;
}
std::string content_type(std::string_view label) {
  std::string out = subject(label);
  if (!out.empty()) out.insert(out.size() - 1, " :");
  out += "ce format de fichier n'est pas accepté.";
  return out;
}
std::string unknown_step(std::string_view form_uid, std::string_view step) {
  return "Le formulaire « " + std::string(form_uid) + " » n'a pas d'étape « " + std::string(step) + " ».";
}
std::string unknown_form(std::string_view form_uid, std::string_view definition_id) {
  return "Le formulaire « " + std::string(form_uid) + " » n'appartient pas à « " + std::string(definition_id) + " ».";
}

}  // namespace formc::rt::msg
