// validate_request FILE.json [CONTEXT]
//
// Validates a request for the tutorial's "api-tutoriel" form with the class
// formc generated from definitions/. CONTEXT is draft, submit (default) or
// step:<block>. Prints each error as "field: message [code]"; exit status 0
// when valid, 1 when not, 2 on usage errors.
#include <fstream>
#include <iostream>
#include <sstream>

#include "dinum/api_tutoriel.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: validate_request FILE.json [draft|submit|step:<block>]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "validate_request: cannot read " << argv[1] << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto context = formc::rt::Context::parse(argc == 3 ? argv[2] : "submit");
  if (!context) {
    std::cerr << "validate_request: unknown context '" << argv[2] << "'\n";
    return 2;
  }
  using formc_generated::dinum::APITutoriel;
  const auto result = APITutoriel::validate_json_text(text.str(), *context, APITutoriel::default_form());
  for (const auto& e : result.errors) std::cout << e.field << ": " << e.message << " [" << e.code << "]\n";
  std::cout << (result.valid() ? "valide" : "invalide") << "\n";
  return result.valid() ? 0 : 1;
}
