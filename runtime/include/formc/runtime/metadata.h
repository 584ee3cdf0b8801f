// Static metadata of generated definitions and forms.
//
// Contract: generated .cc files define these as constexpr data (no static
// initialisation order issues, no allocation); generated classes hand out
// references to them (definition(), forms(), form(), find_form()). Every
// string is UTF-8; an empty string_view means "not set". Lists keep the
// order of the YAML files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace formc::rt {

struct BlockInfo {
  std::string_view name;   // basic_infos, legal, ...
  std::string_view title;  // French step title
  std::string_view slug;   // URL segment (informations-de-base)
};

struct FieldInfo {
  std::string_view name;  // flat DataPass attribute name (JSON key)
  std::string_view type;  // text, textarea, email, ..., scopes
  std::string_view block;         // owning block ("" for the final checkboxes)
  std::string_view contact_kind;  // set on contact sub-fields
  std::string_view label, hint;
  bool required = false;         // `required` as written (required_if overrides it)
  bool submit_only = false;
  std::string_view required_if;  // expression source, "" when none
  std::string_view visible_if;   // expression source, "" when none
  bool prefillable = true;
};

struct ScopeInfo {
  std::string_view value, name, group, link, description, feature_flag;
  bool included = false;  // always checked
  bool disabled = false;  // shown, not toggleable
  std::string_view deprecated_since;  // "YYYY-MM-DD" or ""
};

struct ContactKindInfo {
  std::string_view kind;  // contact_technique, ...
  std::string_view label, hint;
};

struct StageLinkInfo {
  std::string_view definition;  // definition id
  std::string_view form;        // form uid
};

struct StageInfo {
  std::string_view type;  // "" (no stage), sandbox or production
  StageLinkInfo next, previous;
};

struct DefinitionInfo {
  std::string_view id, class_name, name, description, provider, kind;
  std::string_view link, cgu_link, access_link, support_email;
  bool is_public = true, unique = false, startable_by_applicant = true;
  StageInfo stage;
  std::span<const BlockInfo> blocks;  // IR order; bit i of a block mask is blocks[i]
  std::span<const FieldInfo> fields;  // every field, IR order, then the final checkboxes
  std::span<const ScopeInfo> scopes;
  std::span<const ContactKindInfo> contacts;
  std::string_view source_file;
};

struct StepInfo {
  std::string_view block;         // as listed in the form's steps
  std::uint64_t validated_blocks;  // blocks completely validated at this step (static ones excluded)
};

struct ScopesConfigInfo {
  bool has_displayed = false;  // `displayed` given: only those are shown
  std::span<const std::string_view> displayed, hide, disabled;
};

struct FormInfo {
  std::size_t index = 0;  // position in the class's forms()
  std::string_view uid, name, description, introduction;
  bool is_default = false, is_public = true, startable_by_applicant = true;
  std::string_view use_case, service_provider_id, single_page_view, previous_form_uid;
  // The wizard steps (the definition's blocks for a single-page form).
  std::span<const StepInfo> steps;
  std::span<const std::string_view> static_blocks;
  ScopesConfigInfo scopes_config;
  // allowed_scopes[i]: definition scope i may be submitted with this form
  // (shown by scopes_config, included, or prefilled).
  std::span<const bool> allowed_scopes;
  std::uint64_t submit_blocks = 0;    // blocks completely validated on submit
  std::string_view initialize_with;  // the prefill as a JSON object text
  std::string_view source_file;
  const DefinitionInfo* definition = nullptr;
};

}  // namespace formc::rt
