// Turns an HTML form submission (application/x-www-form-urlencoded) into the
// flat DataPass attribute object the validators read.
//
// Contract: only the fields of the page being posted are read; each gets the
// JSON type its field type asks for, so a wizard step can be validated by the
// same generated class as a JSON API call:
//   text, textarea, email, phone, url, date, select, radio   string; blank: key removed
//   integer        number when the trimmed text is a decimal int64, else the text
//                  as posted (the validator then reports `type`); blank: removed
//   checkbox       true when posted as "1", false when absent
//   multiselect, scopes   posted as "F[]": array of strings in posted order,
//                  without repeats; absent: removed. Disabled controls post
//                  nothing, so for `scopes`: the definition's `included` scopes
//                  are always added, and the form's scopes_config.disabled ones
//                  keep their state from `base` (posted values for them ignored).
//   document       not read (uploads are not supported yet): the stored value is kept
// Names starting with '_' are the page's own controls (_csrf, _version,
// _action) and are skipped. Any other name that is not a field of the page,
// a value posted twice for a single-valued field, or a value longer than
// `max_value_bytes` is a ProblemList entry: the caller answers 400 and
// stores nothing. At most kMaxPostProblems are listed (the others counted),
// and the work is linear in the size of the post.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/ir.h"

namespace formd::render {

struct PostProblem {
  std::string name;     // the posted name
  std::string message;  // French, e.g. « Champ inconnu : foo »
};

inline constexpr std::size_t kMaxPostProblems = 20;

struct PostResult {
  nlohmann::json data;  // `base` with the page's fields replaced
  std::vector<PostProblem> problems;  // the first kMaxPostProblems
  std::size_t omitted_problems = 0;   // problems beyond those
  [[nodiscard]] bool ok() const { return problems.empty(); }
};

// `params`: the posted pairs in order (names as posted, "F[]" included).
// `page_fields`: the fields shown on the page (static blocks excluded).
[[nodiscard]] PostResult apply_form_post(const formc::model::Definition& definition,
                                         const formc::model::Form& form,
                                         const std::vector<const formc::model::Field*>& page_fields,
                                         const std::vector<std::pair<std::string, std::string>>& params,
                                         nlohmann::json base, std::size_t max_value_bytes);

}  // namespace formd::render
