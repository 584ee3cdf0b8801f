// ClassLayout: the shape of one generated class, computed once from the IR
// and shared by the generator and find_cpp_collisions() (so the names the
// checker vets are exactly the names the generator prints).
//
// Contract: members follow IR order (the blocks' fields, then the extra
// checkboxes, then terms_of_service_accepted and data_protection_officer_
// informed); the sub-fields of one contact kind become one `Contact` member
// at the place of the kind's first sub-field. Every JSON attribute has a
// slot (its index in `fields`, the two final checkboxes last).
#pragma once

#include <string>
#include <vector>

#include "model/ir.h"

namespace formc::gen::cpp {

enum class Storage { Text, Integer, Boolean, Date, TextList, Documents };

struct EnumValue {
  std::string value;  // as written (integer options: decimal text)
  std::string cpp;    // enumerator
  std::string label;
  support::Span span;
};

struct EnumLayout {
  std::string cpp;     // type name
  std::string source;  // the field (or contact sub-field suffix) it enumerates
  bool integer = false;
  bool scopes = false;
  std::vector<EnumValue> values;
  support::Span span;
};

struct FieldLayout {
  const model::Field* field = nullptr;
  int block = -1;         // index in Definition::blocks; -1: final checkbox
  std::string member;     // C++ path from the object: "intitule", "contact_technique.email"
  std::string json;       // the JSON key
  std::string label;      // label for messages (the name when the label is empty)
  Storage storage = Storage::Text;
  int enum_index = -1;    // options as an enum
  int contact = -1;       // index in contacts
  bool builtin = false;   // terms_of_service_accepted / data_protection_officer_informed
};

struct ContactMemberLayout {
  std::string suffix;  // family_name (the JSON key is <kind>_<suffix>)
  std::string cpp;
  Storage storage = Storage::Text;
  std::string label;
  int enum_index = -1;
};

struct ContactLayout {
  std::string kind;
  std::string member;  // C++ member of the class
  std::string label;   // from contact_kinds.yml
  support::Span span;  // of the kind's first sub-field
};

struct MemberLayout {
  bool is_contact = false;
  int index = 0;  // into fields or contacts
};

struct FormEnumerator {
  const model::Form* form = nullptr;
  std::string cpp;
};

struct ClassLayout {
  const model::Definition* definition = nullptr;
  std::string provider_namespace;  // inside formc_generated
  std::string class_name;
  std::vector<FieldLayout> fields;  // = slots
  std::vector<ContactLayout> contacts;
  std::vector<ContactMemberLayout> contact_members;  // struct Contact
  std::vector<EnumLayout> enums;
  std::vector<MemberLayout> members;  // declaration order
  std::vector<FormEnumerator> forms;
  bool has_cgu = false, has_dpo = false;
  int terms_slot = -1, dpo_slot = -1;
};

[[nodiscard]] ClassLayout make_layout(const model::Module& module, const model::Definition& definition);

[[nodiscard]] const char* storage_member_type(Storage s);  // "std::optional<std::string>", ...
[[nodiscard]] const char* storage_shape(Storage s);        // "formc::rt::Shape::Text", ...
[[nodiscard]] Storage storage_of(const model::Field& f);

}  // namespace formc::gen::cpp
