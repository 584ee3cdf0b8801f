#include <algorithm>
#include <unordered_set>

#include "formc/runtime/checks.h"
#include "formc/runtime/json_io.h"
#include "formc/runtime/messages.h"
#include "formc/runtime/strings.h"
#include "formc/runtime/validation.h"

namespace formc::rt {

// ---- Context / ValidationResult ------------------------------------------------

std::optional<Context> Context::parse(std::string_view text) {
  if (text == "draft") return draft();
  if (text == "submit") return submit();
  if (text.size() > 5 && text.substr(0, 5) == "step:") return at_step(text.substr(5));
  return std::nullopt;
}

std::string Context::to_string() const {
  switch (kind) {
    case Kind::Draft: return "draft";
    case Kind::Step: return "step:" + step;
    case Kind::Submit: break;
  }
  return "submit";
}

const Error* ValidationResult::find(std::string_view field) const noexcept {
  for (const auto& e : errors) {
    if (e.field == field) return &e;
  }
  return nullptr;
}

const Error* ValidationResult::find(std::string_view field, std::string_view code) const noexcept {
  for (const auto& e : errors) {
    if (e.field == field && e.code == code) return &e;
  }
  return nullptr;
}

// ---- InputErrors -----------------------------------------------------------------

void InputErrors::add(int slot, When when, Error error) { entries_.push_back(Entry{slot, when, std::move(error)}); }

void InputErrors::add_unknown(std::string_view key) {
  entries_.push_back(Entry{kUnknown, When::WithDocument, Error{std::string(key), "unknown_field", msg::unknown_field(key)}});
}

void InputErrors::clear(int slot) noexcept {
  if (entries_.empty()) return;
  std::erase_if(entries_, [slot](const Entry& e) { return e.slot == slot; });
}

void InputErrors::report_document(std::vector<Error>& out) const {
  std::vector<const Entry*> head;
  for (const auto& e : entries_) {
    if (e.slot == kDocument) out.push_back(e.error);
    else if (e.when == When::WithDocument) head.push_back(&e);
  }
  // std::string's ordering compares bytes as unsigned char: the order of the
  // keys of a nlohmann::json object, which the interpreter walks.
  std::stable_sort(head.begin(), head.end(), [](const Entry* a, const Entry* b) { return a->error.field < b->error.field; });
  for (const Entry* e : head) out.push_back(e->error);
}

void InputErrors::report(int slot, bool visible, std::vector<Error>& out) const {
  for (const auto& e : entries_) {
    if (e.slot != slot || e.when == When::WithDocument) continue;
    if (e.when == When::IfVisible && !visible) continue;
    out.push_back(e.error);
  }
}

std::vector<Error> InputErrors::all() const {
  std::vector<Error> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.error);
  return out;
}

namespace detail {

void type_error(const Slot& slot, int index, std::string_view expected, InputErrors& errors) {
  errors.add(index, slot.type_errors, Error{std::string(slot.name), "type", msg::type(slot.label, expected)});
}

void date_error(const Slot& slot, int index, InputErrors& errors) {
  errors.add(index, InputErrors::When::IfVisible, Error{std::string(slot.name), "format_date", msg::format_date(slot.label)});
}

}  // namespace detail

// ---- Checker ---------------------------------------------------------------------

void Checker::not_an_option(std::string_view field, std::string_view label, std::string_view value) {
  fail(field, "not_an_option", msg::not_an_option(label, value));
}

namespace {

// Calls visit(value, repeated) for each item in order, `repeated` when an
// earlier item is equal. Linear: pairwise only while that is bounded by a
// constant (Checker::kPairwiseItems), a hash set of views into `values` above.
template <class Visit>
void for_each_item(const std::vector<std::string>& values, Visit visit) {
  if (values.size() <= Checker::kPairwiseItems) {
    for (auto it = values.begin(); it != values.end(); ++it) visit(*it, std::find(values.begin(), it, *it) != it);
    return;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(values.size());
  for (const auto& v : values) visit(v, !seen.insert(v).second);
}

}  // namespace

bool Checker::too_many(std::string_view field, std::string_view label, std::size_t count, std::int64_t max_items) {
  if (static_cast<std::int64_t>(count) <= max_items) return false;
  fail(field, "too_many_items", msg::too_many_items(label, max_items));
  return true;
}

void Checker::items(std::string_view field, std::string_view label, const std::vector<std::string>& values,
                    bool (*is_option)(std::string_view), std::int64_t max_items) {
  if (too_many(field, label, values.size(), max_items)) return;
  for_each_item(values, [&](const std::string& v, bool repeated) {
    if (repeated) fail(field, "duplicate", msg::duplicate(label, v));
    if (is_option && !is_option(v)) not_an_option(field, label, v);
  });
}

void Checker::scopes(std::string_view field, std::string_view label, const std::vector<std::string>& values,
                     int (*scope_index)(std::string_view), std::span<const bool> allowed) {
  if (too_many(field, label, values.size(), static_cast<std::int64_t>(allowed.size()))) return;
  for_each_item(values, [&](const std::string& v, bool repeated) {
    if (repeated) fail(field, "duplicate", msg::duplicate(label, v));
    const int index = scope_index ? scope_index(v) : -1;
    if (index < 0 || static_cast<std::size_t>(index) >= allowed.size() || !allowed[static_cast<std::size_t>(index)]) {
      fail(field, "not_an_option", msg::not_a_scope(v));
    }
  });
}

void Checker::documents(std::string_view field, std::string_view label, const std::vector<Document>& files,
                        std::int64_t max_count, std::int64_t max_size, std::span<const std::string_view> content_types) {
  if (static_cast<std::int64_t>(files.size()) > max_count) {
    // One error for the list: checking each file would let the request choose how many errors it gets.
    fail(field, "too_many_files", msg::too_many_files(label, max_count));
    return;
  }
  for (const auto& f : files) {
    if (max_size >= 0 && f.size > max_size) fail(field, "file_too_large", msg::file_too_large(label));
    if (!content_types.empty() &&
        std::find(content_types.begin(), content_types.end(), std::string_view(f.content_type)) == content_types.end()) {
      fail(field, "content_type", msg::content_type(label));
    }
  }
}

void Checker::date_min(std::string_view field, std::string_view label, Date value, Date bound) {
  if (value < bound) fail(field, "min", msg::date_min(label, format_date(bound)));
}

void Checker::date_max(std::string_view field, std::string_view label, Date value, Date bound) {
  if (value > bound) fail(field, "max", msg::date_max(label, format_date(bound)));
}

void merge_sorted_unique(std::vector<std::string>& list, std::initializer_list<std::string_view> values) {
  for (const auto v : values) list.emplace_back(v);
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

std::optional<std::uint64_t> validated_blocks(const Context& context, const FormInfo& form, const DefinitionInfo& definition,
                                              std::vector<Error>& out) {
  if (form.definition != &definition) {
    out.push_back(Error{"", "unknown_form", msg::unknown_form(form.uid, definition.id)});
    return std::nullopt;
  }
  switch (context.kind) {
    case Context::Kind::Draft: return std::uint64_t{0};
    case Context::Kind::Submit: return form.submit_blocks;
    case Context::Kind::Step: break;
  }
  for (const auto& step : form.steps) {
    if (step.block == context.step) return step.validated_blocks;
  }
  out.push_back(Error{"", "unknown_step", msg::unknown_step(form.uid, context.step)});
  return std::nullopt;
}

}  // namespace formc::rt
