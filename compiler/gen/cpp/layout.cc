#include "gen/cpp/layout.h"

#include <algorithm>

#include "gen/cpp/namer.h"

namespace formc::gen::cpp {

using model::FieldType;

Storage storage_of(const model::Field& f) {
  switch (f.type) {
    case FieldType::Integer: return Storage::Integer;
    case FieldType::Date: return Storage::Date;
    case FieldType::Checkbox: return Storage::Boolean;
    case FieldType::Select:
    case FieldType::Radio: return f.integer_options ? Storage::Integer : Storage::Text;
    case FieldType::Multiselect:
    case FieldType::Scopes: return Storage::TextList;
    case FieldType::Document: return Storage::Documents;
    default: return Storage::Text;
  }
}

const char* storage_member_type(Storage s) {
  switch (s) {
    case Storage::Text: return "std::optional<std::string>";
    case Storage::Integer: return "std::optional<std::int64_t>";
    case Storage::Boolean: return "std::optional<bool>";
    case Storage::Date: return "std::optional<formc::rt::Date>";
    case Storage::TextList: return "std::vector<std::string>";
    case Storage::Documents: return "std::vector<formc::rt::Document>";
  }
  return "";
}

const char* storage_shape(Storage s) {
  switch (s) {
    case Storage::Text: return "formc::rt::Shape::Text";
    case Storage::Integer: return "formc::rt::Shape::Integer";
    case Storage::Boolean: return "formc::rt::Shape::Boolean";
    case Storage::Date: return "formc::rt::Shape::Date";
    case Storage::TextList: return "formc::rt::Shape::TextList";
    case Storage::Documents: return "formc::rt::Shape::Documents";
  }
  return "";
}

namespace {

bool has_enum(const model::Field& f) {
  switch (f.type) {
    case FieldType::Select:
    case FieldType::Radio:
    case FieldType::Multiselect: return !f.options.empty();
    default: return false;
  }
}

EnumLayout options_enum(std::string cpp, std::string source, const model::Field& f) {
  EnumLayout e;
  e.cpp = std::move(cpp);
  e.source = std::move(source);
  e.integer = f.integer_options;
  e.span = f.span;
  for (const auto& o : f.options) e.values.push_back(EnumValue{o.value, Namer::camel(o.value), o.label, o.span});
  return e;
}

}  // namespace

ClassLayout make_layout(const model::Module& module, const model::Definition& def) {
  ClassLayout l;
  l.definition = &def;
  l.provider_namespace = Namer::provider_namespace(def.provider);
  l.class_name = Namer::class_name(def);
  int scopes_enum = -1;

  auto add_field = [&](const model::Field& f, int block) {
    FieldLayout fl;
    fl.field = &f;
    fl.block = block;
    fl.json = f.name;
    fl.label = f.label.empty() ? f.name : f.label;
    // A contact's sub-field names its contact in messages: « Email (Contact technique) ».
    for (const auto& k : def.contacts) {
      if (!f.contact_kind.empty() && k.kind == f.contact_kind && !k.label.empty()) fl.label += " (" + k.label + ")";
    }
    fl.storage = storage_of(f);
    const std::string prefix = f.contact_kind + "_";
    if (!f.contact_kind.empty() && f.name.size() > prefix.size() && f.name.compare(0, prefix.size(), prefix) == 0) {
      auto it = std::find_if(l.contacts.begin(), l.contacts.end(), [&](const ContactLayout& c) { return c.kind == f.contact_kind; });
      if (it == l.contacts.end()) {
        ContactLayout c;
        c.kind = f.contact_kind;
        c.member = Namer::snake(f.contact_kind);
        c.span = f.span;
        for (const auto& k : def.contacts) {
          if (k.kind == f.contact_kind) c.label = k.label;
        }
        l.contacts.push_back(std::move(c));
        l.members.push_back(MemberLayout{true, static_cast<int>(l.contacts.size() - 1)});
        it = std::prev(l.contacts.end());
      }
      fl.contact = static_cast<int>(it - l.contacts.begin());
      const std::string suffix = f.name.substr(prefix.size());
      auto cm = std::find_if(l.contact_members.begin(), l.contact_members.end(),
                             [&](const ContactMemberLayout& m) { return m.suffix == suffix; });
      if (cm == l.contact_members.end()) {
        ContactMemberLayout m;
        m.suffix = suffix;
        m.cpp = Namer::snake(suffix);
        m.storage = fl.storage;
        m.label = f.label;
        if (has_enum(f)) {
          l.enums.push_back(options_enum(Namer::camel("contact_" + suffix), "{kind}_" + suffix, f));
          m.enum_index = static_cast<int>(l.enums.size() - 1);
        }
        l.contact_members.push_back(std::move(m));
        cm = std::prev(l.contact_members.end());
      }
      fl.member = it->member + "." + cm->cpp;
      fl.enum_index = cm->enum_index;
      // The same sub-field of every kind comes from one template: same storage.
      if (cm->storage != fl.storage) fl.member.clear();
    }
    if (fl.member.empty()) {
      fl.contact = -1;
      fl.member = Namer::snake(f.name);
      if (has_enum(f)) {
        l.enums.push_back(options_enum(Namer::camel(f.name), f.name, f));
        fl.enum_index = static_cast<int>(l.enums.size() - 1);
      } else if (f.type == FieldType::Scopes && !def.scopes.empty()) {
        if (scopes_enum < 0) {
          EnumLayout e;
          e.cpp = "Scope";
          e.source = f.name;
          e.scopes = true;
          e.span = def.span_of("scopes");
          for (const auto& s : def.scopes) e.values.push_back(EnumValue{s.value, Namer::camel(s.value), s.name, s.span});
          l.enums.push_back(std::move(e));
          scopes_enum = static_cast<int>(l.enums.size() - 1);
        }
        fl.enum_index = scopes_enum;
      }
      l.fields.push_back(std::move(fl));
      l.members.push_back(MemberLayout{false, static_cast<int>(l.fields.size() - 1)});
      return;
    }
    l.fields.push_back(std::move(fl));
  };

  for (std::size_t b = 0; b < def.blocks.size(); ++b) {
    for (const auto& f : def.blocks[b].fields) add_field(f, static_cast<int>(b));
  }
  for (const auto& f : def.extra_checkboxes) add_field(f, -1);

  l.has_cgu = def.cgu_link.has_value() && !def.cgu_link->empty();
  l.has_dpo = std::any_of(def.contacts.begin(), def.contacts.end(),
                          [](const model::ContactKindRef& c) { return c.kind == "delegue_protection_donnees"; });
  auto add_builtin = [&](const char* name) {
    FieldLayout fl;
    fl.block = -1;
    fl.member = name;
    fl.json = name;
    fl.storage = Storage::Boolean;
    fl.builtin = true;
    l.fields.push_back(std::move(fl));
    l.members.push_back(MemberLayout{false, static_cast<int>(l.fields.size() - 1)});
    return static_cast<int>(l.fields.size() - 1);
  };
  l.terms_slot = add_builtin("terms_of_service_accepted");
  l.dpo_slot = add_builtin("data_protection_officer_informed");

  for (const model::Form* form : module.forms_of(def.id)) l.forms.push_back(FormEnumerator{form, Namer::camel(form->uid)});
  return l;
}

}  // namespace formc::gen::cpp
