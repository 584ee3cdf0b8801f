// The generated classes of one corpus behind type-erased entry points, so
// tests can drive every class without naming it. generate_cpp writes the
// table (at the end of its unity.cc); tests link that translation unit.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/metadata.h"
#include "formc/runtime/validation.h"

namespace formc_test {

struct GeneratedClass {
  std::string_view definition_id;
  const formc::rt::DefinitionInfo& (*definition)();
  std::span<const formc::rt::FormInfo> (*forms)();
  const formc::rt::FormInfo& (*default_form)();
  // from_json_text + validate.
  formc::rt::ValidationResult (*validate_json_text)(std::string_view text, const formc::rt::Context& context,
                                                    const formc::rt::FormInfo& form);
  // from_json_text, then to_json_text of what was read; `errors` gets from_json's errors.
  std::string (*round_trip)(std::string_view text, std::vector<formc::rt::Error>& errors);
  // The same through nlohmann: from_json(json::parse(text)).to_json().dump().
  std::string (*round_trip_dom)(std::string_view text, std::vector<formc::rt::Error>& errors);
  // A new request prefilled by `form`, as JSON text.
  std::string (*prefilled)(const formc::rt::FormInfo& form);
};

std::span<const GeneratedClass> generated_classes();

template <class T>
GeneratedClass entry(std::string_view id) {
  return GeneratedClass{
      id,
      &T::definition,
      &T::forms,
      &T::default_form,
      &T::validate_json_text,
      [](std::string_view text, std::vector<formc::rt::Error>& errors) {
        auto r = T::from_json_text(text);
        errors = r.errors;
        return r.value.to_json_text();
      },
      [](std::string_view text, std::vector<formc::rt::Error>& errors) {
        auto r = T::from_json(nlohmann::json::parse(text));
        errors = r.errors;
        return r.value.to_json().dump();
      },
      [](const formc::rt::FormInfo& form) {
        T object;
        object.prefill(form);
        return object.to_json_text();
      },
  };
}

}  // namespace formc_test
