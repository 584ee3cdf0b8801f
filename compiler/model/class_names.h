// DataPass class names ↔ definition ids.
//
// Contract: a form names its definition by Ruby class, as DataPass does
// (`authorization_request: APISFiPR2P`). DataPass derives the class from the
// definition id with Rails `classify` (singularize the last word, camelize
// with the acronym table of config/initializers/inflections.rb) and patches
// `String#classify` for a handful of ids. class_name_for() reproduces that;
// ClassNameIndex resolves a class name (or a plain definition id) to an id.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace formc::model {

// Rails `singularize` for the English rules DataPass ids can meet.
[[nodiscard]] std::string singularize(std::string_view word);
// Rails `camelize` with DataPass's acronyms (api -> API, hubee -> HubEE, ...).
[[nodiscard]] std::string camelize(std::string_view snake);
// DataPass's `classify`: the exceptions table first, else camelize(singularize(id)).
[[nodiscard]] std::string class_name_for(std::string_view definition_id);

class ClassNameIndex {
 public:
  void add(const std::string& definition_id);
  // Finds the definition for a class name or a definition id.
  [[nodiscard]] std::optional<std::string> resolve(std::string_view reference) const;
  // Every class name, for "did you mean".
  [[nodiscard]] std::vector<std::string> class_names() const;

 private:
  std::map<std::string, std::string, std::less<>> by_class_;
  std::map<std::string, std::string, std::less<>> by_id_;
};

}  // namespace formc::model
