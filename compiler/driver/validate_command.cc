#include "driver/validate_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "validate/validator.h"

namespace formc::driver {

int run_validate(const ValidateOptions& options) {
  const auto context = validate::Context::parse(options.context);
  if (!context) {
    std::cerr << fmt::format("formc: invalid --context '{}': expected draft, submit or step:<block>\n", options.context);
    return 2;
  }
  std::optional<rt::Date> today = rt::today();
  if (!options.today.empty()) {
    today = rt::parse_date(options.today);
    if (!today) {
      std::cerr << fmt::format("formc: invalid --today '{}': expected YYYY-MM-DD\n", options.today);
      return 2;
    }
  }
  std::ifstream in(options.data_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    std::cerr << fmt::format("formc: '{}' is not well-formed JSON\n", options.data_file);
    return 2;
  }
  Session session(options.common);
  const bool ok = session.load();
  if (!ok) {
    session.print_diagnostics();
    return 1;
  }
  const model::Form* form = session.module().find_form(options.form_uid);
  if (!form) {
    std::cerr << fmt::format("formc: no form '{}' in the given definitions\n", options.form_uid);
    return 2;
  }
  const model::Definition* def = session.module().find_definition(form->definition_id);
  std::string problem;
  const auto errors = validate::validate(*def, *form, document, *context, *today, problem);
  if (!errors) {
    std::cerr << "formc: " << problem << "\n";
    return 2;
  }
  if (session.options().format == "json") {
    nlohmann::ordered_json out;
    out["valid"] = errors->empty();
    out["errors"] = nlohmann::ordered_json::array();
    for (const auto& e : *errors) out["errors"].push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& e : *errors) std::cout << fmt::format("{}: {} [{}]\n", e.field.empty() ? "(formulaire)" : e.field, e.message, e.code);
    std::cout << (errors->empty() ? "valid\n" : fmt::format("invalid: {} error(s)\n", errors->size()));
  }
  return errors->empty() ? 0 : 1;
}

}  // namespace formc::driver
