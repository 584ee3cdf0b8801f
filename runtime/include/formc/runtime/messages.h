// The French error messages of generated validators (and of formc, which
// builds the constant ones at generation time with these same functions).
//
// Contract: one wording per error code, DataPass's where DataPass has one
// (activerecord.fr.yml: "doit être rempli(e)", "n'est pas un lien valide",
// "doit être un numéro de téléphone français. Exemple : 0199001234 ou
// +33199001234."), prefixed by the field's label in « » like DataPass's full
// messages. `formc validate` (compiler/validate) prints the same texts; keep
// them identical.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace formc::rt::msg {

// What a `type` error says the value must be.
inline constexpr std::string_view kExpectText = "une chaîne de caractères";
inline constexpr std::string_view kExpectInteger = "un nombre entier";
inline constexpr std::string_view kExpectBoolean = "vrai ou faux";
inline constexpr std::string_view kExpectDate = "une date (AAAA-MM-JJ)";
inline constexpr std::string_view kExpectList = "une liste";
inline constexpr std::string_view kExpectTextList = "une liste de chaînes de caractères";
inline constexpr std::string_view kExpectDocuments = "une liste de documents";
inline constexpr std::string_view kExpectDocumentObjects = "une liste de documents {name, content_type, size}";

inline constexpr std::string_view kNotAnObject = "Le document doit être un objet JSON.";
inline constexpr std::string_view kTermsOfService = "Vous devez accepter les conditions générales d'utilisation.";
inline constexpr std::string_view kDataProtectionOfficer =
    "Vous devez confirmer que le délégué à la protection des données est informé de votre demande.";

// "« label » " (or "" for an empty label), the subject of most messages.
[[nodiscard]] std::string subject(std::string_view label);

[[nodiscard]] std::string type(std::string_view label, std::string_view expected);  // "« L » doit être <expected>."
[[nodiscard]] std::string invalid_json(std::size_t offset);
[[nodiscard]] std::string unknown_field(std::string_view key);
[[nodiscard]] std::string required(std::string_view label);
[[nodiscard]] std::string must_be_checked(std::string_view label);
[[nodiscard]] std::string too_long(std::string_view label, std::int64_t max);
[[nodiscard]] std::string too_short(std::string_view label, std::int64_t min);
[[nodiscard]] std::string format_email(std::string_view label);
[[nodiscard]] std::string format_phone(std::string_view label, bool mobile);
[[nodiscard]] std::string format_url(std::string_view label);
[[nodiscard]] std::string format_date(std::string_view label);
[[nodiscard]] std::string pattern(std::string_view label);
[[nodiscard]] std::string min(std::string_view label, std::int64_t bound);
[[nodiscard]] std::string max(std::string_view label, std::int64_t bound);
[[nodiscard]] std::string date_min(std::string_view label, std::string_view date);  // date as YYYY-MM-DD
[[nodiscard]] std::string date_max(std::string_view label, std::string_view date);
[[nodiscard]] std::string not_an_option(std::string_view label, std::string_view value);
[[nodiscard]] std::string not_a_scope(std::string_view value);
[[nodiscard]] std::string duplicate(std::string_view label, std::string_view value);
[[nodiscard]] std::string too_many_items(std::string_view label, std::int64_t max);  // "« L » : au plus N éléments."
[[nodiscard]] std::string too_many_files(std::string_view label, std::int64_t max);
[[nodiscard]] std::string file_too_large(std::string_view label);
[[nodiscard]] std::string content_type(std::string_view label);
[[nodiscard]] std::string unknown_step(std::string_view form_uid, std::string_view step);
[[nodiscard]] std::string unknown_form(std::string_view form_uid, std::string_view definition_id);

}  // namespace formc::rt::msg
