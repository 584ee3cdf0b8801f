// Reading and writing the flat DataPass JSON object of a generated class.
//
// Contract:
// - A generated class describes its JSON attributes as Slots (name, label,
//   Shape) and hands the readers a Binding: for slot i, a pointer to the
//   member whose type the shape gives. The readers fill the members and
//   record every problem in InputErrors; they never throw (std::bad_alloc
//   aside) whatever the input.
// - Shapes and what they accept (JSON null always means "absent"):
//     Text       a string
//     Integer    an integer, or a number with an integral value within
//                ±(2^53 − 1) (36.0 is 36)
//     Boolean    true or false
//     Date       a "YYYY-MM-DD" string of a real calendar day; "" is absent;
//                other strings are kept out and reported (format_date)
//     TextList   an array of strings
//     Documents  an array of {name: string, content_type: string, size: integer}
//   Anything else is a `type` error on that attribute; the member stays empty.
// - read_json_text() is a strict RFC 8259 parser (UTF-8 checked, no trailing
//   data; a leading BOM is skipped) that accepts exactly what
//   nlohmann::json::parse accepts, reading straight into the members without
//   building a DOM. A repeated key: the last value wins. Text that is not
//   JSON gives one error {"", "invalid_json", ...} and returns false.
// - Writers print members in the order they are called (IR order), absent
//   values omitted; JsonTextWriter output is compact and never throws
//   (invalid UTF-8 in a member is written as U+FFFD).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formc/runtime/expr_runtime.h"
#include "formc/runtime/messages.h"
#include "formc/runtime/validation.h"

namespace formc::rt {

enum class Shape : std::uint8_t { Text, Integer, Boolean, Date, TextList, Documents };

struct Slot {
  std::string_view name;   // the JSON key
  std::string_view label;  // for messages ("" : the message has no subject)
  Shape shape = Shape::Text;
  InputErrors::When type_errors = InputErrors::When::Always;
};

// The member type of each shape.
template <Shape S> struct member_type;
template <> struct member_type<Shape::Text> { using type = std::optional<std::string>; };
template <> struct member_type<Shape::Integer> { using type = std::optional<std::int64_t>; };
template <> struct member_type<Shape::Boolean> { using type = std::optional<bool>; };
template <> struct member_type<Shape::Date> { using type = std::optional<Date>; };
template <> struct member_type<Shape::TextList> { using type = std::vector<std::string>; };
template <> struct member_type<Shape::Documents> { using type = std::vector<Document>; };

// What a reader needs to fill one object: members[i] points to the member of
// slots[i], of type member_type<slots[i].shape>. `seen`, when given, has one
// flag per slot, set when the slot's key is read.
struct Binding {
  std::span<const Slot> slots;
  int (*find)(std::string_view key) noexcept = nullptr;  // the slot of a key, or -1
  std::span<void* const> members;
  bool* seen = nullptr;

  template <Shape S>
  [[nodiscard]] typename member_type<S>::type& member(int index) const noexcept {
    return *static_cast<typename member_type<S>::type*>(members[static_cast<std::size_t>(index)]);
  }
};

// Reads JSON text into the bound members. Returns false (with one
// invalid_json error, members unspecified) when `text` is not JSON.
bool read_json_text(std::string_view text, const Binding& binding, InputErrors& errors);

// Empties the member of every slot whose `seen` flag is false (reading into
// a reused object: what the new document does not set must not survive).
void reset_unseen(const Binding& binding) noexcept;

// Empties the member of one slot.
void reset_member(const Binding& binding, int index) noexcept;

// ---- reading a nlohmann DOM (json or ordered_json) ----------------------------

namespace detail {

inline constexpr double kMaxSafeIntegerDouble = 9007199254740991.0;

// The integer value of a JSON number, as the interpreter reads it.
template <class Json>
std::optional<std::int64_t> integral_value(const Json& v) {
  if (v.is_number_unsigned()) return static_cast<std::int64_t>(v.template get<std::uint64_t>());
  if (v.is_number_integer()) return v.template get<std::int64_t>();
  if (v.is_number_float()) {
    const double d = v.template get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= kMaxSafeIntegerDouble) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

void type_error(const Slot& slot, int index, std::string_view expected, InputErrors& errors);
void date_error(const Slot& slot, int index, InputErrors& errors);

template <class Json>
void assign(const Binding& binding, int index, const Json& v, InputErrors& errors) {
  const Slot& slot = binding.slots[static_cast<std::size_t>(index)];
  switch (slot.shape) {
    case Shape::Text: {
      auto* m = &binding.member<Shape::Text>(index);
      if (v.is_string()) {
        *m = v.template get_ref<const std::string&>();
      } else {
        m->reset();
        if (!v.is_null()) type_error(slot, index, msg::kExpectText, errors);
      }
      return;
    }
    case Shape::Integer: {
      auto* m = &binding.member<Shape::Integer>(index);
      m->reset();
      if (v.is_null()) return;
      if (const auto n = integral_value(v)) {
        *m = *n;
      } else {
        type_error(slot, index, msg::kExpectInteger, errors);
      }
      return;
    }
    case Shape::Boolean: {
      auto* m = &binding.member<Shape::Boolean>(index);
      m->reset();
      if (v.is_boolean()) {
        *m = v.template get<bool>();
      } else if (!v.is_null()) {
        type_error(slot, index, msg::kExpectBoolean, errors);
      }
      return;
    }
    case Shape::Date: {
      auto* m = &binding.member<Shape::Date>(index);
      m->reset();
      if (v.is_string()) {
        const std::string& s = v.template get_ref<const std::string&>();
        if (!has_non_space(s)) return;  // a blank date is absent
        if (const auto d = parse_date(s)) {
          *m = *d;
        } else {
          date_error(slot, index, errors);
        }
      } else if (!v.is_null()) {
        type_error(slot, index, msg::kExpectDate, errors);
      }
      return;
    }
    case Shape::TextList: {
      auto* m = &binding.member<Shape::TextList>(index);
      m->clear();
      if (v.is_null()) return;
      if (!v.is_array()) return type_error(slot, index, msg::kExpectList, errors);
      for (const auto& item : v) {
        if (!item.is_string()) {
          m->clear();
          return type_error(slot, index, msg::kExpectTextList, errors);
        }
        m->push_back(item.template get<std::string>());
      }
      return;
    }
    case Shape::Documents: {
      auto* m = &binding.member<Shape::Documents>(index);
      m->clear();
      if (v.is_null()) return;
      if (!v.is_array()) return type_error(slot, index, msg::kExpectDocuments, errors);
      // A malformed list is a type error, and the member keeps what the
      // expression language reads for it (expr::read_field): every object
      // entry with its well-typed keys (others default to "" and 0), or the
      // empty list when an entry is not an object.
      bool bad = false;
      for (const auto& item : v) {
        if (!item.is_object()) {
          m->clear();
          return type_error(slot, index, msg::kExpectDocumentObjects, errors);
        }
        Document d;
        const auto name = item.find("name");
        const auto type = item.find("content_type");
        const auto sz = item.find("size");
        std::optional<std::int64_t> size;
        if (sz != item.end()) size = integral_value(*sz);
        const bool has_name = name != item.end() && name->is_string();
        const bool has_type = type != item.end() && type->is_string();
        if (has_name) d.name = name->template get<std::string>();
        if (has_type) d.content_type = type->template get<std::string>();
        d.size = size.value_or(0);
        // A closed object: exactly name, content_type and size (a byte count, never negative).
        if (!has_name || !has_type || !size || *size < 0 || item.size() != 3) bad = true;
        m->push_back(std::move(d));
      }
      if (bad) type_error(slot, index, msg::kExpectDocumentObjects, errors);
      return;
    }
  }
}

}  // namespace detail

// Reads a parsed JSON document into the bound members.
template <class Json>
void read_json_value(const Json& document, const Binding& binding, InputErrors& errors) {
  if (!document.is_object()) {
    errors.add(InputErrors::kDocument, InputErrors::When::Always, Error{"", "type", std::string(msg::kNotAnObject)});
    return;
  }
  // Unknown keys join the errors after the known ones are read, as the text
  // reader does (a JSON object here has each key once).
  std::vector<const std::string*> unknown;
  for (auto it = document.begin(); it != document.end(); ++it) {
    const int index = binding.find(it.key());
    if (index < 0) {
      unknown.push_back(&it.key());
      continue;
    }
    errors.clear(index);
    if (binding.seen) binding.seen[index] = true;
    detail::assign(binding, index, it.value(), errors);
  }
  for (const std::string* key : unknown) errors.add_unknown(*key);
}

// ---- writing -------------------------------------------------------------------

// put(json, key, member): sets json[key] when the member has a value.
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<std::string>& value);
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<std::int64_t>& value);
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<bool>& value);
void put(nlohmann::ordered_json& out, std::string_view key, const std::optional<Date>& value);
void put(nlohmann::ordered_json& out, std::string_view key, const std::vector<std::string>& value);
void put(nlohmann::ordered_json& out, std::string_view key, const std::vector<Document>& value);

// Compact JSON text of one flat object: begin() ... put() ... end().
class JsonTextWriter {
 public:
  explicit JsonTextWriter(std::string& out) : out_(out) {}
  void begin() { out_ += '{'; }
  void end() { out_ += '}'; }
  void put(std::string_view key, const std::optional<std::string>& value);
  void put(std::string_view key, const std::optional<std::int64_t>& value);
  void put(std::string_view key, const std::optional<bool>& value);
  void put(std::string_view key, const std::optional<Date>& value);
  void put(std::string_view key, const std::vector<std::string>& value);
  void put(std::string_view key, const std::vector<Document>& value);

  // A JSON string literal (quotes included) for UTF-8 text.
  static void write_string(std::string& out, std::string_view text);

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
};

}  // namespace formc::rt
