// Validation results and contexts of generated form classes.
//
// Contract:
// - An Error names the flat DataPass attribute it is about (`field`, "" for
//   the document itself), a stable `code` (required, type, format_email, ...,
//   or a rule's own code) and a French `message` in DataPass's wording.
// - A Context says how much of a form is validated (DataPass's
//   need_complete_validation?):
//     draft   types and formats of the values given, nothing required;
//     step    additionally, completeness of every block of the form's steps up
//             to and including `step`, static blocks excluded;
//     submit  everything: every block (static ones included), the definition's
//             rules and the final checkboxes (CGU, DPO, extra checkboxes).
//   `today` fixes the date that today() and "today" bounds read (default: the
//   current UTC date).
// - InputErrors are the problems found while reading JSON into a generated
//   object (a value of the wrong JSON type, an unreadable date, an unknown
//   key, text that is not JSON). The object keeps them so that validate()
//   reports them in place, in the same order as formc validate.
// Nothing here allocates unless there is an error to report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formc/runtime/expr_runtime.h"

namespace formc::rt {

struct Error {
  std::string field;
  std::string code;
  std::string message;
  friend bool operator==(const Error&, const Error&) = default;
};

struct Context {
  enum class Kind : std::uint8_t { Draft, Step, Submit };

  Kind kind = Kind::Submit;
  std::string step;           // a block name, for Kind::Step
  std::optional<Date> today;  // unset: the current UTC date

  [[nodiscard]] static Context draft() { return Context{Kind::Draft, {}, std::nullopt}; }
  [[nodiscard]] static Context submit() { return Context{Kind::Submit, {}, std::nullopt}; }
  [[nodiscard]] static Context at_step(std::string_view block) { return Context{Kind::Step, std::string(block), std::nullopt}; }
  // "draft", "submit" or "step:<block>" (what `formc validate --context` takes).
  [[nodiscard]] static std::optional<Context> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] Date today_or_now() const { return today ? *today : rt::today(); }
};

// Generated validate_json_text() reuses one object per thread (no
// allocation for documents shaped like the previous one), except after a
// document longer than this, whose buffers it releases.
inline constexpr std::size_t kReusedObjectTextLimit = 64 * 1024;

struct ValidationResult {
  std::vector<Error> errors;  // in a deterministic order: document, then fields in IR order, then rules

  [[nodiscard]] bool valid() const noexcept { return errors.empty(); }
  explicit operator bool() const noexcept { return valid(); }
  // The first error about `field`, or nullptr.
  [[nodiscard]] const Error* find(std::string_view field) const noexcept;
  [[nodiscard]] const Error* find(std::string_view field, std::string_view code) const noexcept;
};

// What from_json() returns: the object, and every problem of the input.
// `value` holds whatever could be read (a wrongly typed value is left empty).
template <class T>
struct FromJsonResult {
  T value;
  std::vector<Error> errors;
  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

class InputErrors {
 public:
  static constexpr int kDocument = -1;  // about the whole document (not JSON, not an object)
  static constexpr int kUnknown = -2;   // a key that is not a field

  enum class When : std::uint8_t {
    Always,        // a wrongly typed value: reported whether the field is shown or not
    IfVisible,     // a value problem (unreadable date): like other value checks, only for a shown field
    WithDocument,  // reported first, with the unknown keys (terms_of_service_accepted, ...)
  };

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] bool has(int slot) const noexcept {
    if (entries_.empty()) return false;
    for (const auto& e : entries_) {
      if (e.slot == slot) return true;
    }
    return false;
  }
  void add(int slot, When when, Error error);
  // An unknown key. Readers call it once per key (a JSON object may repeat
  // a key: they keep the first), after the object's known keys are read, so
  // that clear() never walks them.
  void add_unknown(std::string_view key);
  // Forgets the errors of `slot` (the key was repeated: the last value wins).
  void clear(int slot) noexcept;
  void clear() noexcept { entries_.clear(); }

  // Appends the document-level errors, the unknown keys and the WithDocument
  // errors, sorted by field name (the interpreter's key order).
  void report_document(std::vector<Error>& out) const;
  // Appends the errors of `slot` (IfVisible ones only when `visible`).
  void report(int slot, bool visible, std::vector<Error>& out) const;
  // Every error, in the order they were found.
  [[nodiscard]] std::vector<Error> all() const;

  friend bool operator==(const InputErrors&, const InputErrors&) = default;

 private:
  struct Entry {
    int slot;
    When when;
    Error error;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> entries_;
};

}  // namespace formc::rt
