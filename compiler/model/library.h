// The block library as data: declarations read from blocks/*.yml,
// contact_kinds.yml and definition_extensions/*.yml, before they are
// instantiated for a definition.
//
// Contract: declarations keep pointers to their YAML nodes (the builder owns
// the documents for the whole build) so that expressions are compiled per
// definition, against that definition's fields, with exact source columns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/ir.h"
#include "support/diagnostics.h"
#include "yaml/tree.h"

namespace formc::model {

struct FieldDecl {
  Field field;                          // conditions not compiled yet
  const yaml::Node* required_if = nullptr;
  const yaml::Node* visible_if = nullptr;
  bool is_contact = false;              // type: contact, to be expanded
};

struct RuleDecl {
  Rule rule;                            // conditions not compiled yet
  const yaml::Node* check = nullptr;
  const yaml::Node* when = nullptr;
};

struct BlockDecl {
  std::string name;
  Span span;
  std::string title, slug, introduction;
  std::vector<FieldDecl> fields;
  std::vector<RuleDecl> rules;
  std::vector<FieldDecl> contact_fields;  // template with {kind}
  std::vector<RuleDecl> contact_rules;    // template with {kind}
  ValueSpans value_spans;
  int layer = 0;
};

struct ContactKindDecl {
  std::string kind, label, hint;
  bool fillable_with_applicant_data = false;
  bool required_personal_email = false;
  bool mobile_phone = false;
  std::vector<std::string> except;
  Span span;
};

// Per-definition extension keys (schema/README.md §2), from the definition
// itself or from a definition_extensions/ file.
struct ExtensionDecl {
  std::optional<std::vector<ContactKindRef>> contacts;
  std::optional<std::vector<Option>> modalities;
  std::optional<std::vector<Option>> volumetries;
  std::vector<std::pair<Located, std::vector<FieldDecl>>> extra_fields;  // block -> fields
  std::vector<FieldDecl> extra_checkboxes;
  std::vector<RuleDecl> rules;
  Span span;
};

struct Library {
  std::map<std::string, BlockDecl, std::less<>> blocks;
  std::map<std::string, ContactKindDecl, std::less<>> contact_kinds;
  std::map<std::string, ExtensionDecl, std::less<>> extensions;  // by definition id
};

void read_blocks_file(const yaml::Node& root, int layer, Library& library, support::DiagnosticEngine& diags);
void read_contact_kinds_file(const yaml::Node& root, Library& library, support::DiagnosticEngine& diags);
void read_extensions_file(const yaml::Node& root, Library& library, support::DiagnosticEngine& diags);

// Parsing helpers shared with the definition reader.
[[nodiscard]] std::optional<FieldDecl> read_field(const yaml::Node& node, support::DiagnosticEngine& diags);
[[nodiscard]] std::vector<FieldDecl> read_fields(const yaml::Node& node, std::string_view what,
                                                 support::DiagnosticEngine& diags);
[[nodiscard]] std::vector<RuleDecl> read_rules(const yaml::Node& node, support::DiagnosticEngine& diags);
[[nodiscard]] std::vector<Option> read_options(const yaml::Node& node, bool& integer_values,
                                               support::DiagnosticEngine& diags);
// Reads the extension keys present on `reader`'s mapping into `out`.
class MapReader;
void read_extension_keys(MapReader& reader, ExtensionDecl& out, support::DiagnosticEngine& diags);
[[nodiscard]] const std::vector<std::string>& extension_key_names();

}  // namespace formc::model
