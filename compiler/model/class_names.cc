#include "model/class_names.h"

#include <array>
#include <cctype>
#include <regex>
#include <utility>

namespace formc::model {
namespace {

// config/initializers/inflections.rb in DataPass v2.
const std::map<std::string, std::string, std::less<>>& acronyms() {
  static const std::map<std::string, std::string, std::less<>> table = {
      {"api", "API"},   {"dgfip", "DGFIP"}, {"gdpr", "GDPR"},     {"qf", "QF"},         {"hubee", "HubEE"},
      {"dc", "DC"},     {"captchetat", "CaptchEtat"},             {"ensu", "ENSU"},     {"cesu", "CESU"},
      {"sfip", "SFiP"}, {"infinoe", "INFINOE"},                   {"r2p", "R2P"},       {"cnam", "CNAM"},
      {"gfe", "GFE"},   {"apim", "APIM"},
  };
  return table;
}

// DataPass's monkey-patched String#classify: ids whose plain classify would
// singularise the last word.
const std::map<std::string, std::string, std::less<>>& classify_exceptions() {
  static const std::map<std::string, std::string, std::less<>> table = {
      {"annuaire_des_entreprises", "AnnuaireDesEntreprises"},
      {"api_e_contacts", "APIEContacts"},
      {"api_ensu_documents", "APIENSUDocuments"},
      {"api_gfe_echange_collectivites", "APIGFEEchangeCollectivites"},
      {"api_gfe_echange_editeurs_restauration", "APIGFEEchangeEditeursRestauration"},
      {"api_ingres", "APIIngres"},
      {"api_sfip_r2p", "APISFiPR2P"},
      {"api_sfip_r2p_sandbox", "APISFiPR2PSandbox"},
  };
  return table;
}

struct SingularRule {
  std::regex pattern;
  std::string replacement;
};

// Rails' English inflections (activesupport/lib/active_support/inflections.rb),
// most specific last, applied in reverse order like Rails does.
const std::vector<SingularRule>& singular_rules() {
  static const std::vector<SingularRule> rules = [] {
    const std::vector<std::pair<const char*, const char*>> raw = {
        {"s$", ""},
        {"(ss)$", "$1"},
        {"(n)ews$", "$1ews"},
        {"([ti])a$", "$1um"},
        {"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$", "$1sis"},
        {"(^analy)(sis|ses)$", "$1sis"},
        {"([^f])ves$", "$1fe"},
        {"(hive)s$", "$1"},
        {"(tive)s$", "$1"},
        {"([lr])ves$", "$1f"},
        {"([^aeiouy]|qu)ies$", "$1y"},
        {"(s)eries$", "$1eries"},
        {"(m)ovies$", "$1ovie"},
        {"(x|ch|ss|sh)es$", "$1"},
        {"^(m|l)ice$", "$1ouse"},
        {"(bus)(es)?$", "$1"},
        {"(o)es$", "$1"},
        {"(shoe)s$", "$1"},
        {"(cris|test)(is|es)$", "$1is"},
        {"^(a)x[ie]s$", "$1xis"},
        {"(octop|vir)(us|i)$", "$1us"},
        {"(alias|status)(es)?$", "$1"},
        {"^(ox)en", "$1"},
        {"(vert|ind)ices$", "$1ex"},
        {"(matr)ices$", "$1ix"},
        {"(quiz)zes$", "$1"},
        {"(database)s$", "$1"},
    };
    std::vector<SingularRule> out;
    for (auto it = raw.rbegin(); it != raw.rend(); ++it) {
      out.push_back({std::regex(it->first, std::regex::icase), it->second});
    }
    return out;
  }();
  return rules;
}

}  // namespace

std::string singularize(std::string_view word) {
  static const std::array<std::string_view, 10> uncountable = {"equipment", "information", "rice",  "money", "species",
                                                               "series",    "fish",        "sheep", "jeans", "police"};
  std::string w(word);
  if (w.size() > 200) return w;
  for (auto u : uncountable) {
    if (w.size() >= u.size() && w.compare(w.size() - u.size(), u.size(), u) == 0) return w;
  }
  for (const auto& rule : singular_rules()) {
    if (std::regex_search(w, rule.pattern)) return std::regex_replace(w, rule.pattern, rule.replacement);
  }
  return w;
}

std::string camelize(std::string_view snake) {
  std::string out;
  std::size_t start = 0;
  while (start <= snake.size()) {
    std::size_t end = snake.find('_', start);
    if (end == std::string_view::npos) end = snake.size();
    std::string word(snake.substr(start, end - start));
    std::string lower = word;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto found = acronyms().find(lower);
    if (found != acronyms().end()) {
      out += found->second;
    } else if (!word.empty()) {
      word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
      out += word;
    }
    start = end + 1;
  }
  return out;
}

std::string class_name_for(std::string_view definition_id) {
  const auto found = classify_exceptions().find(definition_id);
  if (found != classify_exceptions().end()) return found->second;
  return camelize(singularize(definition_id));
}

void ClassNameIndex::add(const std::string& definition_id) {
  by_class_.emplace(class_name_for(definition_id), definition_id);
  // Also the name without Rails' singularisation: DataPass patches classify
  // for such ids one by one, and a new one must not break resolution here.
  by_class_.emplace(camelize(definition_id), definition_id);
  by_id_.emplace(definition_id, definition_id);
}

std::optional<std::string> ClassNameIndex::resolve(std::string_view reference) const {
  if (auto it = by_class_.find(reference); it != by_class_.end()) return it->second;
  if (auto it = by_id_.find(reference); it != by_id_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> ClassNameIndex::class_names() const {
  std::vector<std::string> out;
  for (const auto& [name, id] : by_class_) out.push_back(name);
  return out;
}

}  // namespace formc::model
