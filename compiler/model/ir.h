// The IR: one immutable, checked model of everything formc read.
//
// Contract: built by model::build() from source trees, after which nothing
// mutates it. Generators and the interpreter take `const Module&` and never
// see YAML. Order is the input order (files sorted by path, entries in file
// order), never hash order, so everything derived from it is deterministic.
// Every entity keeps the span of its id for later diagnostics.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/source.h"

namespace formc::expr {
class CheckedExpr;
}

namespace formc::model {

using support::Span;
using ExprPtr = std::shared_ptr<const expr::CheckedExpr>;

struct Located {
  std::string value;
  Span span;
};

// Spans of the values of a YAML mapping's keys, for diagnostics that point at
// one value ("this URL") rather than at the entity that holds it.
struct ValueSpans {
  std::map<std::string, Span> spans;
  Span fallback;
  [[nodiscard]] Span of(const std::string& key) const {
    const auto it = spans.find(key);
    return it == spans.end() ? fallback : it->second;
  }
};

// A compiled expression with the source text it came from.
struct Condition {
  std::string source;
  Span span;
  ExprPtr expr;  // null only when the expression had errors
};

enum class FieldType {
  Text, Textarea, Email, Phone, Url, Integer, Date, Checkbox, Select, Radio, Multiselect, Document, Scopes
};
[[nodiscard]] const char* to_string(FieldType type);
[[nodiscard]] std::optional<FieldType> field_type_from_string(std::string_view name);

struct Option {
  std::string value;  // integer options keep their decimal text here
  std::string label;
  std::string hint;
  Span span;
};

struct Field {
  std::string name;  // DataPass's flat attribute name
  Span span;
  FieldType type = FieldType::Text;
  std::string block;         // owning block
  std::string contact_kind;  // set on the sub-fields of a contact
  std::string label, hint, placeholder;
  bool required = true;
  bool submit_only = false;
  std::optional<Condition> required_if;
  std::optional<Condition> visible_if;
  std::optional<std::int64_t> min, max;              // integer bounds
  std::optional<std::string> min_date, max_date;     // "YYYY-MM-DD" or "today"
  std::optional<std::int64_t> min_length, max_length;
  std::optional<std::string> pattern, pattern_message;
  bool mobile = false;
  bool integer_options = false;
  std::vector<Option> options;
  std::vector<std::string> content_types;
  std::optional<std::int64_t> max_size;
  std::int64_t max_count = 6;
  std::optional<std::int64_t> max_items;  // multiselect, as written (see list_bound())
  std::string autocomplete;
  bool prefillable = true;
  ValueSpans value_spans;
};

struct Rule {
  Span span;
  Condition check;                 // the rule holds when true
  std::optional<Condition> when;   // applies only when true
  std::string message;             // French
  std::vector<std::string> fields;
  std::string code;
};

// A block as instantiated for one definition: contacts expanded, extension
// fields appended, expressions checked against the definition's fields.
struct Block {
  std::string name;
  Span span;  // of the library declaration
  std::string title, slug, introduction;
  std::vector<Field> fields;
  std::vector<Rule> rules;
  ValueSpans value_spans;
};

struct Scope {
  std::string name, value, group, link, description, feature_flag;
  bool included = false;
  bool disabled = false;
  std::optional<std::string> deprecated_since;
  bool deprecated_writable = true;
  Span span;
  ValueSpans value_spans;  // "link", "deprecated.since", ...
};

struct StageLink {
  Located id;
  Located form_id;
};

struct Stage {
  std::string type;  // sandbox | production
  std::optional<StageLink> next, previous;
};

struct Features {
  bool messaging = true, message_templates = true, reopening = true, transfer = true, instructor_drafts = false;
};

struct ContactKindRef {
  std::string kind;
  Span span;
  std::string label, hint;  // from contact_kinds.yml
  bool fillable_with_applicant_data = false;
  std::vector<std::string> except;  // phone_number, job_title
  bool mobile_phone = false;
  bool required_personal_email = false;
};

struct Definition {
  std::string id;
  Span span;
  std::string source_file;  // path inside its root, e.g. authorization_definitions/x.yml
  std::string class_name;
  std::string name, description, provider, kind = "api";
  std::optional<std::string> link, cgu_link, access_link, support_email, introduction;
  bool is_public = true, unique = false, startable_by_applicant = true;
  Features features;
  std::optional<Stage> stage;
  std::vector<Located> block_names;  // as listed in `blocks`
  std::vector<Scope> scopes;         // flattened
  std::vector<ContactKindRef> contacts;
  std::vector<Block> blocks;         // instantiated, in `blocks` order, then extra blocks forms use
  std::vector<Field> extra_checkboxes;
  std::vector<Rule> rules;
  std::map<std::string, Span> value_spans;  // top-level key -> span of its value

  // The span of a top-level key's value, else the definition's id.
  [[nodiscard]] Span span_of(const std::string& key) const;
  [[nodiscard]] const Block* find_block(std::string_view name) const;
  [[nodiscard]] const Field* find_field(std::string_view name) const;
  [[nodiscard]] const Scope* find_scope(std::string_view value) const;
};

// The `max_items` of a multiselect without options (a free list of strings)
// that does not set it: generous for a hand-typed list, small enough that a
// request cannot make the validators work or report in proportion to it.
inline constexpr std::int64_t kDefaultFreeListItems = 100;

// The most items a list field accepts, nullopt for a field that is not a list:
//   multiselect with options  the number of options (or `max_items` if lower):
//                             more items cannot all be distinct options;
//   multiselect without       `max_items`, default kDefaultFreeListItems;
//   scopes                    the number of the definition's scopes (each
//                             scope at most once);
//   document                  `max_count`.
// The generated C++, the interpreter and the JSON Schema (maxItems) apply it
// alike: a longer list is one error (too_many_items, or too_many_files for
// documents) and its items are not checked one by one, so the errors of a
// request are bounded by its definition.
[[nodiscard]] std::optional<std::int64_t> list_bound(const Field& field, const Definition& definition);

struct ScopesConfig {
  std::optional<std::vector<Located>> displayed;
  std::vector<Located> hide, disabled;
};

struct Prefill {
  std::string field;
  Span span;                     // of the key
  Span value_span;
  std::vector<Span> item_spans;  // of each list item
  nlohmann::ordered_json value;  // string, integer, boolean or list of strings
};

struct Form {
  std::string uid;
  Span span;
  std::string source_file;
  Located authorization_request;  // as written
  std::string definition_id;      // resolved
  std::optional<std::string> name, description, introduction;
  bool is_default = false, is_public = true;
  std::optional<bool> startable_by_applicant;
  std::optional<std::string> use_case, service_provider_id, single_page_view;
  std::vector<Located> steps, static_blocks;
  ScopesConfig scopes_config;
  std::vector<Prefill> initialize_with;
  std::optional<Located> previous_form_uid;
  std::map<std::string, Span> value_spans;  // top-level key -> span of its value

  [[nodiscard]] Span span_of(const std::string& key) const;
};

struct Cta {
  std::string content, url;
};

struct EligibilityOption {
  std::string type;      // particulier | collectivite_ou_administration | entreprise_ou_association | editeur_logiciel
  std::string label;     // French label of the type
  std::string eligible;  // yes | no | maybe
  std::string body;      // sanitised HTML
  std::optional<Cta> cta;
  Span span;
  ValueSpans value_spans;  // "body", "cta"
};

struct EligibilityQuestion {
  std::string id, label;
  std::vector<Option> options;
  std::optional<Condition> visible_if;
  Span span;
};

struct EligibilityOutcome {
  Condition condition;
  std::string eligible, body;
  std::optional<Cta> cta;
  Span span;
  ValueSpans value_spans;
};

struct EligibilityRule {
  std::int64_t id = 0;
  std::string definition_id;
  std::string title;
  Span span;
  std::vector<EligibilityOption> options;
  std::vector<EligibilityQuestion> questions;
  std::vector<EligibilityOutcome> outcomes;
};

struct ServiceProvider {
  std::string id, type, name;
  std::optional<std::string> siret;
  std::vector<std::string> already_integrated;
  std::vector<Span> already_integrated_spans;
  bool fc_certified = false, apipfc_enabled = false;
  Span span;
  ValueSpans value_spans;
};

struct Provider {
  std::string slug;
  std::vector<std::string> definition_ids;
};

struct Module {
  std::vector<Definition> definitions;
  std::vector<Form> forms;
  std::vector<EligibilityRule> eligibility_rules;
  std::vector<ServiceProvider> service_providers;
  std::vector<Provider> providers;  // derived from definitions, by first appearance
  std::map<std::string, std::string> locale;  // flattened "fr.a.b.c" -> text
  std::vector<std::string> inputs;  // every file read, absolute paths, sorted (for depfiles)

  [[nodiscard]] const Definition* find_definition(std::string_view id) const;
  [[nodiscard]] const Form* find_form(std::string_view uid) const;
  [[nodiscard]] std::vector<const Form*> forms_of(std::string_view definition_id) const;
  // The first eligibility rule of a definition (the one rendered), or null.
  [[nodiscard]] const EligibilityRule* first_eligibility_rule(std::string_view definition_id) const;

  // Lookups above are answered from an index that reindex() builds (model::build
  // calls it once the module is complete): without it, every generator and
  // check that looks up a definition per form made a compile quadratic in the
  // corpus. The index holds positions, not pointers, so copies and moves keep
  // it valid. A module changed since (or never indexed: modules built by hand
  // in tests) is still answered right, by a scan: the index is used only while
  // the sizes it was built for still hold, and every hit is verified.
  void reindex();

  struct Index {
    std::size_t definitions = 0, forms = 0, eligibility_rules = 0;  // the sizes indexed
    std::map<std::string, std::size_t, std::less<>> definition_by_id, form_by_uid, rule_by_definition;
    std::map<std::string, std::vector<std::size_t>, std::less<>> forms_by_definition;
  };
  Index index;  // see reindex()

 private:
  [[nodiscard]] bool indexed() const;
};

}  // namespace formc::model
