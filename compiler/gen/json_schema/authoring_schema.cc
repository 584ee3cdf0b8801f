// The authoring schema, written as data. It mirrors what the loader reads
// (model/builder.cc, model/library.cc): the same keys, and a closed mapping
// wherever a MapReader reports unknown keys. Values that formc reads as "null
// means fall back" (`link:` with nothing after it) accept null.
//
// Top level: files cannot say which kind they are (the folder does), so the
// root tells them apart by content with if/then/else: a list is
// eligibility_rules.yml; a `contact_kinds` key is contact_kinds.yml; locale
// codes (`fr`) are a locales file; Rails environments (`shared`) are
// service_providers.yml; otherwise a map of entries where every entry has
// `authorization_request` (forms) or `fields` (blocks), else definitions (or
// definition extensions, a subset of the definition keys). Each kind is also
// in `definitions`, for editors that map a schema per folder.

#include "gen/json_schema/authoring_schema.h"

#include <string>
#include <utility>
#include <vector>

namespace formc::gen::json_schema {
namespace {

using Json = nlohmann::ordered_json;
using Props = std::vector<std::pair<std::string, Json>>;

Json ref(const std::string& name) { return Json{{"$ref", "#/definitions/" + name}}; }

// draft-07 ignores keywords next to $ref: a description goes beside an allOf.
Json ref(const std::string& name, const std::string& description) {
  return Json{{"description", description}, {"allOf", Json::array({ref(name)})}};
}

Json typed(const char* type, const std::string& description) { return Json{{"description", description}, {"type", type}}; }
Json str(const std::string& d) { return typed("string", d); }
Json boolean(const std::string& d) { return typed("boolean", d); }
Json integer(const std::string& d) { return typed("integer", d); }

// "key:" with no value means "not set" to formc (and DataPass).
Json nullable(Json s) {
  if (s.contains("type") && s["type"].is_string()) {
    s["type"] = Json::array({s["type"], "null"});
    if (s.contains("enum")) s["enum"].push_back(nullptr);
    return s;
  }
  Json out = Json{{"description", s.value("description", std::string())}};
  s.erase("description");
  out["anyOf"] = Json::array({std::move(s), Json{{"type", "null"}}});
  return out;
}

Json enumeration(const std::string& d, std::vector<std::string> values) {
  return Json{{"description", d}, {"type", "string"}, {"enum", Json(std::move(values))}};
}

Json list(const std::string& d, Json items) { return Json{{"description", d}, {"type", "array"}, {"items", std::move(items)}}; }

// A closed mapping: formc reports any other key (except `$schema`).
Json object(const std::string& d, const Props& props, std::vector<std::string> required = {}) {
  Json out = Json{{"description", d}, {"type", "object"}};
  Json p = Json::object();
  for (const auto& [k, v] : props) p[k] = v;
  out["properties"] = std::move(p);
  if (!required.empty()) out["required"] = Json(std::move(required));
  out["additionalProperties"] = false;
  return out;
}

// A mapping from ids to entries, as the top level of most files.
Json map_of(const std::string& d, Json entry, bool top_level) {
  Json out = Json{{"description", d}, {"type", "object"}};
  if (top_level) {
    out["properties"] = Json{{"$schema", str("The JSON Schema of this file, for editors (yaml-language-server). formc ignores it.")}};
  }
  out["additionalProperties"] = std::move(entry);
  return out;
}

Json any_of(const std::string& d, std::vector<Json> alternatives) {
  return Json{{"description", d}, {"anyOf", Json(std::move(alternatives))}};
}

const char* kExpressionHelp =
    "An expression of the formc expression language (schema/EXPRESSIONS.md) over the definition's fields, e.g. "
    "`duree_conservation_donnees_caractere_personnel > 36` or `\"france_connect\" in modalities`.";

// ---- shared pieces ------------------------------------------------------------

Json definitions_section() {
  Json defs = Json::object();

  defs["expression"] = Json{{"description", kExpressionHelp},
                            {"anyOf", Json::array({Json{{"type", "string"}, {"minLength", 1}}, Json{{"type", "boolean"}}})}};

  defs["block_ref"] = any_of(
      "A block, by name: `{name: basic_infos}` as DataPass writes it (a bare name is accepted too).",
      {Json{{"type", "string"}},
       object("A block reference.", {{"name", str("The block name (a file of the block library, e.g. `basic_infos`).")}}, {"name"})});

  defs["string_list"] = Json{
      {"description", "A list of strings (nested lists, such as anchored sub-lists, are flattened)."},
      {"type", "array"},
      {"items", Json{{"anyOf", Json::array({Json{{"type", "string"}}, ref("string_list")})}}}};

  defs["option"] = any_of(
      "A choice of a select, radio or multiselect field: `{value, label, hint}` (a bare value is accepted too).",
      {Json{{"type", "string"}}, Json{{"type", "integer"}},
       object("A choice.",
              {{"value", any_of("The stored value: a string, or an integer for integer selects (volumetries).",
                                {Json{{"type", "string"}}, Json{{"type", "integer"}}})},
               {"label", str("The French label shown to the applicant (defaults to the value).")},
               {"hint", str("A French help text shown under the choice.")}},
              {"value"})});

  const char* field_types[] = {"text",  "textarea", "email",       "phone",    "url",    "integer", "date",
                               "checkbox", "select", "radio", "multiselect", "document", "scopes", "contact"};
  std::vector<std::string> types(std::begin(field_types), std::end(field_types));
  defs["field"] = object(
      "A field of a block (schema/README.md §4.1): DataPass's flat attribute `name`, its type, French wording and "
      "constraints.",
      {{"name", Json{{"description",
                      "The attribute name as DataPass stores it (flat snake_case, unique in a definition). In "
                      "`contact_fields`, `{kind}` stands for the contact kind."},
                     {"type", "string"},
                     {"pattern", "^[a-z_{][a-z0-9_{}]*$"}}},
       {"type", enumeration("The field type; `scopes` lists the definition's scopes, `contact` expands into the "
                            "`contact_fields` of the contacts block for the contact kind named `name`.",
                            types)},
       {"label", nullable(str("The French label."))},
       {"hint", nullable(str("A French help text; may hold allowlisted HTML (b, i, strong, em, p, br, ul, ol, li, a)."))},
       {"placeholder", nullable(str("A French placeholder (text types only)."))},
       {"required", nullable(boolean("Whether the field must be filled in (default true: DSFR marks optional fields); a "
                                     "required checkbox must be checked. Ignored when `required_if` is set."))},
       {"required_if", ref("expression", "Required only when this expression is true (`required` is then ignored).")},
       {"visible_if", ref("expression", "Shown, and validated, only when this expression is true.")},
       {"submit_only", nullable(boolean("Required only on submit, not when a step is saved (DataPass `on: :submit`)."))},
       {"min", any_of("The lower bound: an integer for integer fields; a date `YYYY-MM-DD` or `today` for date fields.",
                      {Json{{"type", "integer"}}, Json{{"type", "string"}}, Json{{"type", "null"}}})},
       {"max", any_of("The upper bound: an integer for integer fields; a date `YYYY-MM-DD` or `today` for date fields.",
                      {Json{{"type", "integer"}}, Json{{"type", "string"}}, Json{{"type", "null"}}})},
       {"min_length", nullable(Json{{"description", "The minimum length in code points (text types)."},
                                    {"type", "integer"}, {"minimum", 0}})},
       {"max_length", nullable(Json{{"description", "The maximum length in code points (text types)."},
                                    {"type", "integer"}, {"minimum", 0}})},
       {"pattern", nullable(str("A regular expression the value must match somewhere (anchor it with ^ and $), in the "
                                "portable subset of schema/EXPRESSIONS.md (text types)."))},
       {"pattern_message", nullable(str("The French error message when `pattern` does not match."))},
       {"mobile", nullable(boolean("Accept French mobile numbers only (phone fields)."))},
       {"options", list("The choices of a select, radio or multiselect field.", ref("option"))},
       {"content_types", nullable(Json{{"description", "The accepted MIME types of a document field (e.g. `application/pdf`)."},
                                       {"type", "array"},
                                       {"items", Json{{"type", "string"}}}})},
       {"max_size", nullable(Json{{"description", "The maximum size of one file in bytes (document fields), e.g. 10485760."},
                                  {"type", "integer"}, {"minimum", 0}})},
       {"max_count", nullable(Json{{"description", "The maximum number of files (document fields, default 6)."},
                                   {"type", "integer"}, {"minimum", 1}})},
       {"max_items", nullable(Json{{"description", "The maximum number of items of a multiselect field: below the number of "
                                                   "options, \"choose at most N\"; without options, the bound of the free list "
                                                   "(default 100)."},
                                   {"type", "integer"}, {"minimum", 1}})},
       {"autocomplete", nullable(str("The HTML autocomplete token (`email`, `tel`, `given-name`, `family-name`, …)."))},
       {"prefillable", nullable(boolean("Whether query parameters may prefill the field (default true; contact fields "
                                        "never are)."))}},
      {"name", "type"});

  defs["rule"] = object(
      "A validation rule (schema/README.md §4.3): when `check` is false, `message` is reported on each of `fields`.",
      {{"check", ref("expression", "The condition that must hold.")},
       {"when", ref("expression", "The rule applies only when this expression is true.")},
       {"message", str("The French error message.")},
       {"fields", ref("string_list", "The fields the message is reported on.")},
       {"code", str("A stable error code (snake_case), for the API and the tests.")}},
      {"check", "message", "code"});

  defs["contact_ref"] = any_of(
      "A contact kind of the contacts block: its name, or `{kind, except, mobile_phone, required_personal_email}`.",
      {Json{{"type", "string"}},
       object("A contact kind with options.",
              {{"kind", str("The contact kind (a key of contact_kinds.yml), e.g. `contact_technique`.")},
               {"except", Json{{"description", "Sub-fields this contact does not have."},
                               {"type", "array"},
                               {"items", Json{{"type", "string"}, {"enum", Json::array({"phone_number", "job_title"})}}}}},
               {"mobile_phone", nullable(boolean("The phone number must be a French mobile number."))},
               {"required_personal_email",
                nullable(boolean("The email must be a personal (nominative) address, not a generic one."))}},
              {"kind"})});

  // The formc extension keys, shared by definitions and definition_extensions files.
  const Props extension_keys = {
      {"contacts", nullable(list("The contact kinds of the contacts block, in order (default: responsable_traitement, "
                                 "delegue_protection_donnees, contact_technique).",
                                 ref("contact_ref")))},
      {"modalities", nullable(list("The options of the `modalities` field (DataPass's MODALITIES constant).", ref("option")))},
      {"volumetries", nullable(list("The options of `volumetrie_appels_par_minute`, integer values (DataPass's VOLUMETRIES).",
                                    ref("option")))},
      {"extra_fields", nullable(Json{{"description", "Fields appended to blocks: block name → list of fields."},
                                     {"type", "object"},
                                     {"additionalProperties", list("The fields added to this block.", ref("field"))}})},
      {"extra_checkboxes", nullable(list("Extra checkboxes of the final step, required (checked) on submit "
                                         "(DataPass `add_checkbox`).",
                                         ref("field")))},
      {"rules", nullable(list("Definition-wide validation rules.", ref("rule")))},
  };

  Props scope_props = {
      {"name", nullable(str("The French label of the scope."))},
      {"value", str("The technical value stored in `scopes`.")},
      {"group", nullable(str("The French heading the scope is grouped under."))},
      {"link", nullable(str("A link to the scope's documentation."))},
      {"included", nullable(boolean("Always granted: shown checked and disabled, and prefilled."))},
      {"disabled", nullable(boolean("Shown greyed out (not toggleable)."))},
      {"deprecated", nullable(object("The scope is deprecated.",
                                     {{"since", nullable(str("The date (quoted, \"YYYY-MM-DD\") after which entities "
                                                             "created later no longer see the scope."))},
                                      {"writable", nullable(boolean("Whether the scope can still be requested (default true)."))}}))},
      {"feature_flag", nullable(str("The scope is shown only when this feature flag is enabled."))},
      {"description", nullable(str("A help text (kept by formc as the scope's hint; not read by DataPass)."))},
  };
  defs["scope"] = object("A scope (data item) the applicant can request.", scope_props, {"value"});
  defs["scope_list"] = Json{
      {"description", "Scopes; items may be nested (anchored) lists of scopes, which are flattened."},
      {"type", "array"},
      {"items", Json{{"anyOf", Json::array({ref("scope"), ref("scope_list")})}}}};

  defs["stage_link"] = object("A link to the definition of the other stage.",
                              {{"id", str("The definition id of the other stage.")},
                               {"form_id", str("The form uid of the other stage.")}},
                              {"id", "form_id"});

  Props definition_props = {
      {"name", nullable(str("The display name (French), e.g. `API Entreprise`."))},
      {"description", nullable(str("The French description shown in the index."))},
      {"provider", nullable(str("The data provider slug, e.g. `dinum`, `dgfip`."))},
      {"kind", nullable(enumeration("The kind of product (a wording switch).", {"api", "service"}))},
      {"link", nullable(str("The \"en savoir plus\" URL."))},
      {"cgu_link", nullable(str("The terms of use (CGU) URL or application path; when set, the CGU checkbox is required "
                                "on submit."))},
      {"access_link", nullable(str("The token page URL (`%{external_provider_id}` is replaced)."))},
      {"support_email", nullable(str("The support email address."))},
      {"public", nullable(boolean("Listed in the public index (default true)."))},
      {"unique", nullable(boolean("One active request per organisation (default false)."))},
      {"startable_by_applicant", nullable(boolean("Can be started from the user interface (default true)."))},
      {"features", nullable(object("Feature toggles.",
                                   {{"messaging", nullable(boolean("Messaging between applicant and instructors (default true)."))},
                                    {"message_templates", nullable(boolean("Message templates for instructors (default true)."))},
                                    {"reopening", nullable(boolean("Validated requests can be reopened (default true)."))},
                                    {"transfer", nullable(boolean("Requests can be transferred (default true)."))},
                                    {"instructor_drafts", nullable(boolean("Instructors can prepare drafts (default false)."))}}))},
      {"stage", nullable(object("The sandbox → production link (DGFIP).",
                                {{"type", enumeration("The stage of this definition.", {"sandbox", "production"})},
                                 {"next", nullable(ref("stage_link", "On a sandbox definition: the production definition and form."))},
                                 {"previous", nullable(ref("stage_link", "On a production definition: the sandbox definition and form."))}}))},
      {"blocks", nullable(list("The blocks of the request, in summary order.", ref("block_ref")))},
      {"scopes", nullable(ref("scope_list", "The scopes (data items) the applicant can request."))},
      {"introduction", nullable(str("An introduction (allowlisted HTML) shown before the form."))},
  };
  for (const auto& p : extension_keys) definition_props.push_back(p);
  defs["definition"] = object("A definition (one API or service): DataPass's keys plus formc's extension keys "
                              "(schema/README.md §2).",
                              definition_props);

  defs["definition_extensions"] = object("formc extension keys for a definition written elsewhere (schema/README.md §2).",
                                         extension_keys);

  Json prefill_value = any_of("A prefilled value: a string, a number, a boolean or a list of strings.",
                              {Json{{"type", "string"}}, Json{{"type", "number"}}, Json{{"type", "boolean"}},
                               Json{{"type", "null"}}, ref("string_list")});
  defs["form"] = object(
      "A form (use case) of a definition (schema/README.md §3).",
      {{"authorization_request", str("The definition: DataPass class name (`APIParticulier`, `HubEECertDC`) or definition id.")},
       {"name", nullable(str("The French title (defaults to the definition's name)."))},
       {"description", nullable(str("The French description (defaults to the definition's)."))},
       {"introduction", nullable(str("The introduction page (allowlisted HTML; `%{service_provider_name}` and `%{form_name}` "
                                     "are replaced)."))},
       {"default", nullable(boolean("The default form of its definition."))},
       {"public", nullable(boolean("Listed among the forms (default true)."))},
       {"startable_by_applicant", nullable(boolean("Can be started by an applicant (default: the definition's)."))},
       {"use_case", nullable(str("A use-case tag for filtering (`?use_case=`).") )},
       {"service_provider_id", nullable(str("The editor or SaaS provider (an entry of config/service_providers.yml)."))},
       {"steps", nullable(list("The wizard steps, in order; none means a single-page form.", ref("block_ref")))},
       {"static_blocks", nullable(list("Blocks shown prefilled and read-only.", ref("block_ref")))},
       {"single_page_view", nullable(str("The template of a single-page form (ignored when `steps` is set)."))},
       {"scopes_config", nullable(object("Which scopes this form shows.",
                                         {{"displayed", nullable(ref("string_list", "Only these scope values are shown."))},
                                          {"hide", nullable(ref("string_list", "These scope values are hidden (wins over `displayed`)."))},
                                          {"disabled", nullable(ref("string_list", "These scope values are shown but not toggleable."))}}))},
       {"initialize_with", nullable(Json{{"description", "Prefilled values at creation: field name → value (`scopes` and "
                                                         "`modalities` as lists)."},
                                         {"type", "object"},
                                         {"additionalProperties", prefill_value}})},
       {"stage", nullable(object("Stage settings of a production form.",
                                 {{"previous_form_uid", nullable(str("The sandbox form that precedes this one."))}}))},
       {"scopes", Json{{"description", "Ignored: DataPass reads the scopes of the form's definition, never of the form "
                                       "(warning `ignored-key`)."}}}},
      {"authorization_request"});

  defs["block"] = object(
      "A block of the library (schema/README.md §4): a step of the form, with its fields and rules.",
      {{"title", nullable(str("The French step title."))},
       {"slug", nullable(str("The URL segment of the step (kebab-case)."))},
       {"introduction", nullable(str("An introduction (allowlisted HTML) shown at the top of the step."))},
       {"fields", nullable(list("The fields of the block, in order.", ref("field")))},
       {"rules", nullable(list("The validation rules of the block.", ref("rule")))},
       {"contact_fields", nullable(list("The contacts block's template of sub-fields per contact kind (`{kind}_email`, …).",
                                        ref("field")))},
       {"contact_rules", nullable(list("The contacts block's rules per contact kind (`{kind}` is replaced).", ref("rule")))}},
      {"fields"});

  defs["contact_kind"] = object(
      "A contact kind.",
      {{"label", nullable(str("The French title of the contact card."))},
       {"hint", nullable(str("The French description of the role (allowlisted HTML)."))},
       {"fillable_with_applicant_data", nullable(boolean("Show the \"C'est moi\" button that copies the applicant's identity."))},
       {"required_personal_email", nullable(boolean("The email must be a personal (nominative) address."))},
       {"mobile_phone", nullable(boolean("The phone number must be a French mobile number."))},
       {"except", nullable(Json{{"description", "Sub-fields this kind does not have."},
                                {"type", "array"},
                                {"items", Json{{"type", "string"}, {"enum", Json::array({"phone_number", "job_title"})}}}})}});

  defs["service_provider"] = object(
      "An editor or SaaS provider.",
      {{"type", enumeration("The kind of provider.", {"editor", "saas"})},
       {"name", nullable(str("The display name (defaults to the id)."))},
       {"siret", nullable(Json{{"description", "The SIRET number (14 digits, quoted)."}, {"type", "string"}})},
       {"already_integrated", nullable(ref("string_list", "The definition ids this provider has already integrated."))},
       {"fc_certified", nullable(boolean("Certified to integrate FranceConnect."))},
       {"apipfc_enabled", nullable(boolean("API Particulier with FranceConnect enabled."))}});

  Json cta = object("A call to action.", {{"content", str("The French button text.")}, {"url", str("The link of the button (absolute URL or application path).")}});
  Json eligible = Json{{"description", "The outcome: 'yes', 'no' or 'maybe' (quote 'yes' and 'no': YAML 1.1 reads them as "
                                       "booleans)."},
                       {"type", "string"},
                       {"enum", Json::array({"yes", "no", "maybe"})}};
  defs["eligibility_rule"] = object(
      "The eligibility questionnaire of a definition (schema/README.md §5).",
      {{"id", integer("A unique number.")},
       {"definition_id", str("The definition id.")},
       {"title", nullable(str("The French title of the questionnaire."))},
       {"options", list("One answer per visitor type.",
                        object("The answer for one visitor type.",
                               {{"type", enumeration("The visitor type.", {"particulier", "collectivite_ou_administration",
                                                                          "entreprise_ou_association", "editeur_logiciel"})},
                                {"eligible", eligible},
                                {"body", nullable(str("The French explanation (allowlisted HTML)."))},
                                {"cta", nullable(cta)}},
                               {"type", "eligible"}))},
       {"questions", nullable(list("Follow-up questions.",
                                   object("A follow-up question.",
                                          {{"id", str("The answer's name in expressions.")},
                                           {"label", str("The French question.")},
                                           {"options", list("The possible answers.", ref("option"))},
                                           {"visible_if", ref("expression", "Asked only when this expression (over `type` "
                                                                            "and earlier answers) is true.")}},
                                          {"id", "options"})))},
       {"outcomes", nullable(list("Outcomes by answers; the first matching one wins.",
                                  object("An outcome.",
                                         {{"if", ref("expression", "The condition over `type` and the answers.")},
                                          {"eligible", eligible},
                                          {"body", nullable(str("The French explanation (allowlisted HTML)."))},
                                          {"cta", nullable(cta)}},
                                         {"if", "eligible"})))}},
      {"definition_id"});

  defs["locale_tree"] = Json{
      {"description", "Nested French wording keys (Rails i18n)."},
      {"type", "object"},
      {"additionalProperties",
       Json{{"description", "A wording (string) or a nested group of wordings."},
            {"anyOf", Json::array({Json{{"type", "string"}}, Json{{"type", "number"}}, Json{{"type", "boolean"}},
                                   Json{{"type", "null"}}, Json{{"type", "array"}}, ref("locale_tree")})}}}};

  // ---- the file kinds -------------------------------------------------------------
  defs["definitions_file"] = map_of("authorization_definitions/*.yml: definition id (snake_case) → definition.",
                                    ref("definition", "A definition, keyed by its id."), true);
  defs["forms_file"] = map_of("authorization_request_forms/*.yml: form uid (kebab-case) → form.",
                              ref("form", "A form, keyed by its uid."), true);
  defs["blocks_file"] = map_of("blocks/*.yml (formc block library): block name → block.",
                               ref("block", "A block, keyed by its name."), true);
  defs["definition_extensions_file"] =
      map_of("definition_extensions/*.yml: definition id → formc extension keys.",
             ref("definition_extensions", "The extension keys of the definition with this id."), true);
  defs["contact_kinds_file"] = object(
      "contact_kinds.yml: the contact kinds.",
      {{"$schema", str("The JSON Schema of this file, for editors (yaml-language-server). formc ignores it.")},
       {"contact_kinds", map_of("Contact kind name → contact kind.", ref("contact_kind", "A contact kind, keyed by its name."),
                                false)}},
      {"contact_kinds"});
  defs["service_providers_file"] = Json{
      {"description", "config/service_providers.yml: Rails environment (`shared`, `production`, …) → provider id → provider."},
      {"type", "object"},
      {"properties", Json{{"$schema", str("The JSON Schema of this file, for editors (yaml-language-server). formc ignores it.")}}},
      {"additionalProperties",
       nullable(map_of("The providers of one environment: provider id → provider.",
                       ref("service_provider", "A provider, keyed by its id."), false))}};
  defs["eligibility_rules_file"] = list("db_data/eligibility_rules.yml: the eligibility questionnaires.", ref("eligibility_rule"));
  defs["locales_file"] = Json{
      {"description", "locales/*.yml: Rails i18n wording, under a locale code (`fr:`)."},
      {"type", "object"},
      {"properties", Json{{"$schema", str("The JSON Schema of this file, for editors (yaml-language-server). formc ignores it.")}}},
      {"additionalProperties", ref("locale_tree", "The wording of one locale.")}};
  return defs;
}

// A map whose every entry (other than `$schema`) has `key`.
Json every_entry_has(const std::string& key) {
  return Json{{"type", "object"},
              {"minProperties", 1},
              {"properties", Json{{"$schema", true}}},
              {"additionalProperties",
               Json{{"type", "object"}, {"properties", Json{{key, true}}}, {"required", Json::array({key})}}}};
}

}  // namespace

nlohmann::ordered_json authoring_schema() {
  Json root = Json::object();
  root["$schema"] = "http://json-schema.org/draft-07/schema#";
  root["$id"] = "urn:datapass-forms:formc-definitions";
  root["$comment"] = "Generated by formc schema. DO NOT EDIT.";
  root["title"] = "formc definition files";
  root["description"] =
      "DataPass configuration files as formc reads them (schema/README.md): definitions, forms, eligibility rules, "
      "service providers, locales, and formc's block library, contact kinds and definition extensions.";
  // Told apart by content (see the comment at the top of this file).
  const Json locale_codes = Json{
      {"type", "object"},
      {"minProperties", 1},
      {"propertyNames", Json{{"pattern", "^(?:\\$schema|[a-z]{2}(?:[-_][A-Za-z]{2})?)$"}}}};
  const Json environments = Json{
      {"type", "object"},
      {"minProperties", 1},
      {"propertyNames",
       Json{{"enum", Json::array({"$schema", "shared", "development", "test", "staging", "sandbox", "production"})}}}};
  Json maps = Json{{"if", every_entry_has("authorization_request")},
                   {"then", ref("forms_file")},
                   {"else", Json{{"if", every_entry_has("fields")},
                                 {"then", ref("blocks_file")},
                                 {"else", Json{{"anyOf", Json::array({ref("definitions_file"),
                                                                      ref("definition_extensions_file")})}}}}}};
  root["if"] = Json{{"type", "array"}};
  root["then"] = ref("eligibility_rules_file");
  root["else"] = Json{
      {"if", Json{{"type", "object"}, {"properties", Json{{"contact_kinds", true}}}, {"required", Json::array({"contact_kinds"})}}},
      {"then", ref("contact_kinds_file")},
      {"else", Json{{"if", locale_codes},
                    {"then", ref("locales_file")},
                    {"else", Json{{"if", environments}, {"then", ref("service_providers_file")}, {"else", maps}}}}}};
  root["definitions"] = definitions_section();
  return root;
}

}  // namespace formc::gen::json_schema
