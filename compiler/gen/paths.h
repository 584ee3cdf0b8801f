// Where each artefact lives inside the output directory. The one place that
// knows the layout: generators, the manifest and formd all ask here.
//
//   schemas/<form uid>.schema.json           JSON Schema 2020-12 of a form
//   html/forms/<form uid>/<block>.html       one fragment per step
//   html/forms/<form uid>/summary.html       the summary of all blocks
//   html/forms/<form uid>/submit.html        CGU / DPO checkboxes (+ extra ones)
//   html/forms/<form uid>/introduction.html  the form's introduction
//   html/forms/<form uid>/conditions.js      visible_if / required_if for formc-forms.js
//   html/definitions/<id>/eligibility.html   the eligibility questionnaire
//   html/definitions/<id>/eligibility.js     its follow-up questions and outcomes
//   cpp/<provider>/<definition id>.h|.cc     the C++ form class of a definition
//   cpp/formc_registry.h|.cc                 every class, for programs hosting them all
//   cpp/formc_all.cc                         every generated source in one unit
//   static/formc-expr.js                     client-side conditions runtime
//   static/formc-forms.js                    page glue of the fragments
//   manifest.json                            index of all of the above
#pragma once

#include <string>
#include <string_view>

namespace formc::gen::paths {

inline std::string schema(std::string_view form_uid) { return "schemas/" + std::string(form_uid) + ".schema.json"; }
inline std::string html_step(std::string_view form_uid, std::string_view block) {
  return "html/forms/" + std::string(form_uid) + "/" + std::string(block) + ".html";
}
inline std::string html_summary(std::string_view form_uid) { return "html/forms/" + std::string(form_uid) + "/summary.html"; }
inline std::string html_submit(std::string_view form_uid) { return "html/forms/" + std::string(form_uid) + "/submit.html"; }
inline std::string html_introduction(std::string_view form_uid) {
  return "html/forms/" + std::string(form_uid) + "/introduction.html";
}
inline std::string html_conditions_js(std::string_view form_uid) {
  return "html/forms/" + std::string(form_uid) + "/conditions.js";
}
inline std::string html_eligibility(std::string_view definition_id) {
  return "html/definitions/" + std::string(definition_id) + "/eligibility.html";
}
inline std::string html_eligibility_js(std::string_view definition_id) {
  return "html/definitions/" + std::string(definition_id) + "/eligibility.js";
}
inline constexpr std::string_view kExprJs = "static/formc-expr.js";
inline constexpr std::string_view kFormsJs = "static/formc-forms.js";
inline std::string cpp_header(std::string_view provider, std::string_view definition_id) {
  return "cpp/" + std::string(provider.empty() ? "unknown" : provider) + "/" + std::string(definition_id) + ".h";
}
inline std::string cpp_source(std::string_view provider, std::string_view definition_id) {
  return "cpp/" + std::string(provider.empty() ? "unknown" : provider) + "/" + std::string(definition_id) + ".cc";
}
inline constexpr std::string_view kCppRegistryHeader = "cpp/formc_registry.h";
inline constexpr std::string_view kCppRegistrySource = "cpp/formc_registry.cc";
inline constexpr std::string_view kCppUnity = "cpp/formc_all.cc";
inline constexpr std::string_view kManifest = "manifest.json";

}  // namespace formc::gen::paths
