// The catalogue formd serves: definitions, forms, their HTML fragments and
// schemas, and how to validate and prefill a request.
//
// Contract: a Catalog is an immutable snapshot, built once by load_catalog()
// and shared read-only by every HTTP worker (shared_ptr<const Catalog>; the
// dev-mode reloader swaps in a new one, requests in flight keep the old).
// It is always built from the definitions directory through formc's front end
// (the IR: labels, fields, eligibility) and formc's generators, in memory
// (the same fragments `formc compile` writes). What differs is the validator:
//   ValidatorKind::Compiled     the C++ classes linked into formd
//                               (formc_generated::registry()); load fails when
//                               a definition on disk is not the one compiled
//                               (content hash), so pages and validation never
//                               disagree;
//   ValidatorKind::Interpreted  formc's interpreter (dev mode: edits apply
//                               without rebuilding formd).
// Both give the same errors (the differential tests prove it).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/registry.h"
#include "formc/runtime/validation.h"
#include "gen/output_set.h"
#include "model/ir.h"

namespace formc::driver {
class Session;
}

namespace formd::catalog {

enum class ValidatorKind { Compiled, Interpreted };

// One page of a form's wizard: a step (one block) or, for a single-page
// form, every editable block at once.
struct Page {
  std::string key;                  // URL segment: the block name, or "formulaire" for a single page
  std::string title;                // French
  std::vector<std::string> blocks;  // blocks shown, in order
  bool read_only = false;           // a static block shown as a step
  std::string validate_step;        // block for the "step:<block>" context ("" : draft only)
};

struct FormEntry {
  const formc::model::Form* form = nullptr;
  const formc::model::Definition* definition = nullptr;
  std::vector<Page> pages;  // wizard order
  bool single_page = false;
  bool startable = false;    // public, and an applicant may start it (form, else definition)
  std::string display_name;  // the form's name, else the definition's
};

struct LoadOptions {
  std::string definitions_dir;
  std::string library_dir;  // "" : formc's standard library
  ValidatorKind validator = ValidatorKind::Compiled;
  // The compiled classes (formc_generated::registry()); needed for Compiled.
  std::span<const formc::rt::CompiledDefinition> registry;
};

struct LoadResult;

class Catalog {
 public:
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  [[nodiscard]] const formc::model::Module& module() const;
  [[nodiscard]] ValidatorKind validator_kind() const { return validator_; }
  [[nodiscard]] const FormEntry* find_form(std::string_view uid) const;
  [[nodiscard]] std::span<const FormEntry> forms() const { return forms_; }
  [[nodiscard]] const formc::model::Definition* find_definition(std::string_view id) const;
  [[nodiscard]] const formc::model::EligibilityRule* eligibility_rule(std::string_view definition_id) const;
  // Content hash of a definition (gen/cpp/registry.h), "" if unknown.
  [[nodiscard]] std::string definition_hash(std::string_view definition_id) const;
  // A generated file (path relative to formc's output directory, gen/paths.h), or null.
  [[nodiscard]] const std::string* file(std::string_view path) const;
  [[nodiscard]] const std::string* step_fragment(const FormEntry& form, std::string_view block) const;

  // Every error of `data` (a flat attribute object) for `form` in `context`.
  [[nodiscard]] std::vector<formc::rt::Error> validate(const FormEntry& form, const nlohmann::json& data,
                                                       const formc::rt::Context& context) const;
  // A new request's data: initialize_with and the included scopes.
  [[nodiscard]] nlohmann::json prefill(const FormEntry& form) const;
  // visible_if of a field over `data` (true when it has none).
  [[nodiscard]] bool field_visible(const formc::model::Field& field, const nlohmann::json& data) const;

 private:
  friend LoadResult load_catalog(const LoadOptions& options);
  Catalog() = default;

  std::unique_ptr<formc::driver::Session> session_;
  formc::gen::OutputSet outputs_;
  std::vector<FormEntry> forms_;
  std::map<std::string, std::string, std::less<>> hashes_;
  std::map<std::string, const formc::rt::CompiledDefinition*, std::less<>> compiled_;
  ValidatorKind validator_ = ValidatorKind::Compiled;
};

struct LoadResult {
  std::shared_ptr<const Catalog> catalog;  // null on errors
  std::string diagnostics;                 // formc's diagnostics, rendered as text ("" when none)
  std::string error;                       // why loading failed (French-free: for logs and the dev banner)
};

[[nodiscard]] LoadResult load_catalog(const LoadOptions& options);

}  // namespace formd::catalog
