// One emitter per kind of field (protoc's FieldGenerator): what "present"
// means for its member, the value checks validate() runs on a present value,
// and how an `initialize_with` value is written as C++.
//
// Contract: emitters print statements into the body of the generated
// validate(), where `check` (formc::rt::Checker), `today`
// (formc::rt::LazyToday), `form` (formc::rt::FormInfo) and the member itself
// (through `this->`) are in scope. The checks and their order are the
// interpreter's (compiler/validate/validator.cc) so that generated code and
// `formc validate` agree error for error.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "gen/cpp/layout.h"
#include "gen/cpp/printer.h"

namespace formc::gen::cpp {

class FieldEmitter {
 public:
  FieldEmitter(const ClassLayout& layout, const FieldLayout& field) : layout_(layout), field_(field) {}
  virtual ~FieldEmitter() = default;

  // A C++ bool expression: the member holds a value that counts as filled in.
  [[nodiscard]] virtual std::string present() const = 0;
  [[nodiscard]] virtual bool has_value_checks() const { return false; }
  // Statements run when present() holds.
  virtual void value_checks(Printer& /*p*/) const {}
  // The code of the error when a required field is not present.
  [[nodiscard]] virtual bool is_checkbox() const { return false; }
  // Statements assigning an initialize_with value to the member ("" when it cannot).
  [[nodiscard]] virtual std::string prefill(const nlohmann::ordered_json& value) const;

  [[nodiscard]] const FieldLayout& field() const { return field_; }
  // "this->intitule"
  [[nodiscard]] std::string self() const { return "this->" + field_.member; }

 protected:
  // check.fail(<json>, <code>, <message literal>);
  void fail(Printer& p, std::string_view code, const std::string& message) const;

  const ClassLayout& layout_;
  const FieldLayout& field_;
};

[[nodiscard]] std::unique_ptr<FieldEmitter> make_field_emitter(const ClassLayout& layout, const FieldLayout& field);

}  // namespace formc::gen::cpp
