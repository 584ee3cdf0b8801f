#include "validate/validator.h"

#include <algorithm>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "expr/expr.h"
#include "formc/runtime/expr_regex.h"
#include "formc/runtime/formats.h"
#include "formc/runtime/messages.h"
#include "formc/runtime/strings.h"
#include "gen/json_schema/json_schema_generator.h"
#include "support/text.h"

namespace formc::validate {
namespace {

using model::Field;
using model::FieldType;
using json = nlohmann::json;

bool is_integral(const json& v) {
  if (v.is_number_integer()) return true;
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return std::isfinite(d) && d == static_cast<double>(static_cast<std::int64_t>(d)) && std::abs(d) <= 9007199254740991.0;
  }
  return false;
}

std::int64_t as_integer(const json& v) {
  return v.is_number_integer() ? v.get<std::int64_t>() : static_cast<std::int64_t>(v.get<double>());
}


// A closed object: exactly name, content_type and size (a non-negative
// integer). One lookup per key: a request may hold many files.
bool is_document(const json& d) {
  if (!d.is_object() || d.size() != 3) return false;
  const auto name = d.find("name"), type = d.find("content_type"), size = d.find("size");
  return name != d.end() && name->is_string() && type != d.end() && type->is_string() && size != d.end() &&
         is_integral(*size) && as_integer(*size) >= 0;
}

class Validator {
 public:
  Validator(const model::Definition& def, const model::Form& form, const json& doc, const Context& ctx, rt::Date today)
      : def_(def), form_(form), doc_(doc), ctx_(ctx), today_(today) {}

  // The field's label; a contact's sub-field also names its contact.
  std::string label_of(const Field& f) const {
    std::string label = f.label.empty() ? f.name : f.label;
    if (f.contact_kind.empty()) return label;
    for (const auto& c : def_.contacts) {
      if (c.kind == f.contact_kind && !c.label.empty()) return label + " (" + c.label + ")";
    }
    return label;
  }

  bool run(std::vector<Error>& out, std::string& problem) {
    if (!doc_.is_object()) {
      add("", "type", "Le document doit être un objet JSON.");
      out = std::move(errors_);
      return true;
    }
    const std::vector<std::string> blocks = form_blocks(form_, def_);
    std::set<std::string> complete;  // blocks validated completely (required fields, rules)
    if (ctx_.kind == Context::Kind::Submit) {
      complete.insert(blocks.begin(), blocks.end());
    } else if (ctx_.kind == Context::Kind::Step) {
      const auto& steps = step_names();
      const auto it = std::find(steps.begin(), steps.end(), ctx_.step);
      if (it == steps.end()) {
        problem = fmt::format("le formulaire '{}' n'a pas d'étape '{}'", form_.uid, ctx_.step);
        return false;
      }
      std::set<std::string> statics;
      for (const auto& s : form_.static_blocks) statics.insert(s.value);
      for (auto s = steps.begin(); s != std::next(it); ++s) {
        if (!statics.count(*s)) complete.insert(*s);
      }
    }
    check_unknown_keys();
    for (const auto& b : def_.blocks) {
      const bool full = complete.count(b.name) > 0;
      for (const auto& f : b.fields) check_field(f, full);
      if (full) {
        for (const auto& r : b.rules) check_rule(r);
      }
    }
    const bool submit = ctx_.kind == Context::Kind::Submit;
    for (const auto& f : def_.extra_checkboxes) check_field(f, submit);
    check_checkbox("terms_of_service_accepted", submit && def_.cgu_link.has_value() && !def_.cgu_link->empty(),
                   "Vous devez accepter les conditions générales d'utilisation.");
    const bool has_dpo = std::any_of(def_.contacts.begin(), def_.contacts.end(),
                                     [](const auto& c) { return c.kind == "delegue_protection_donnees"; });
    check_checkbox("data_protection_officer_informed", submit && has_dpo,
                   "Vous devez confirmer que le délégué à la protection des données est informé de votre demande.");
    if (submit) {
      for (const auto& r : def_.rules) check_rule(r);
    }
    out = std::move(errors_);
    return true;
  }

 private:
  std::vector<std::string> step_names() const {
    std::vector<std::string> out;
    if (!form_.steps.empty()) {
      for (const auto& s : form_.steps) out.push_back(s.value);
    } else {
      for (const auto& b : def_.block_names) out.push_back(b.value);
    }
    return out;
  }

  void add(const std::string& field, const std::string& code, std::string message) {
    errors_.push_back(Error{field, code, std::move(message)});
  }

  void check_unknown_keys() {
    for (const auto& [key, value] : doc_.items()) {
      if (key == "terms_of_service_accepted" || key == "data_protection_officer_informed") {
        if (!value.is_null() && !value.is_boolean()) add(key, "type", "doit être vrai ou faux.");
        continue;
      }
      if (!def_.find_field(key)) add(key, "unknown_field", fmt::format("« {} » n'est pas un champ de ce formulaire.", key));
    }
  }

  bool visible(const Field& f) const {
    if (!f.visible_if || !f.visible_if->expr) return true;
    return expr::evaluate(*f.visible_if->expr, doc_, today_).truthy();
  }

  bool required(const Field& f) const {
    if (f.required_if) return f.required_if->expr && expr::evaluate(*f.required_if->expr, doc_, today_).truthy();
    return f.required;
  }

  void check_checkbox(const std::string& name, bool must, const std::string& message) {
    if (!must) return;
    const auto it = doc_.find(name);
    if (it == doc_.end() || !it->is_boolean() || !it->get<bool>()) add(name, "must_be_checked", message);
  }

  // Validates one field: its JSON type and format whenever it has a value;
  // presence (and a checked checkbox) only when its block is complete.
  void check_field(const Field& f, bool full) {
    const auto it = doc_.find(f.name);
    if (!visible(f)) {
      // A hidden field is not validated, but a value of the wrong JSON type
      // is still an error (the generated code and the schema say so too).
      if (it != doc_.end() && !it->is_null()) check_type_only(f, *it);
      return;
    }
    const bool has = it != doc_.end() && !it->is_null();
    bool present = false;
    if (has) present = check_value(f, *it);
    if (!full || present) return;
    if (f.submit_only && ctx_.kind != Context::Kind::Submit) return;
    if (!required(f)) return;
    if (has && type_error_reported_) return;
    if (f.type == FieldType::Checkbox) {
      add(f.name, "must_be_checked", fmt::format("« {} » doit être coché(e).", label_of(f)));
    } else {
      add(f.name, "required", fmt::format("« {} » doit être rempli(e).", label_of(f)));
    }
  }

  void check_type_only(const Field& f, const json& v) {
    const std::size_t before = errors_.size();
    check_value(f, v);
    // Keep only the type errors of what check_value() found.
    std::vector<Error> kept(errors_.begin(), errors_.begin() + static_cast<std::ptrdiff_t>(before));
    for (auto e = errors_.begin() + static_cast<std::ptrdiff_t>(before); e != errors_.end(); ++e) {
      if (e->code == "type") kept.push_back(*e);
    }
    errors_ = std::move(kept);
  }

  // Returns whether the value counts as present; reports type/format errors.
  bool check_value(const Field& f, const json& v) {
    type_error_reported_ = false;
    auto type_error = [&](const char* expected) {
      type_error_reported_ = true;
      add(f.name, "type", fmt::format("« {} » doit être {}.", label_of(f), expected));
      return false;
    };
    switch (f.type) {
      case FieldType::Integer: {
        if (!is_integral(v)) return type_error("un nombre entier");
        const std::int64_t n = as_integer(v);
        if (f.min && n < *f.min) add(f.name, "min", fmt::format("« {} » doit être supérieur ou égal à {}.", label_of(f), *f.min));
        if (f.max && n > *f.max) add(f.name, "max", fmt::format("« {} » doit être inférieur ou égal à {}.", label_of(f), *f.max));
        return true;
      }
      case FieldType::Checkbox:
        if (!v.is_boolean()) return type_error("vrai ou faux");
        return v.get<bool>();
      case FieldType::Date: {
        if (!v.is_string()) return type_error("une date (AAAA-MM-JJ)");
        const auto s = v.get<std::string>();
        if (!rt::has_text(s)) return false;  // a blank date is no date, as in the schema
        const auto d = rt::parse_date(s);
        if (!d) {
          add(f.name, "format_date", fmt::format("« {} » n'est pas une date valide (AAAA-MM-JJ).", label_of(f)));
          return true;
        }
        check_date_bound(f, *d, f.min_date, true);
        check_date_bound(f, *d, f.max_date, false);
        return true;
      }
      case FieldType::Select:
      case FieldType::Radio: {
        if (f.integer_options) {
          if (!is_integral(v)) return type_error("un nombre entier");
          check_option(f, std::to_string(as_integer(v)));
          return true;
        }
        if (!v.is_string()) return type_error("une chaîne de caractères");
        const auto s = v.get<std::string>();
        if (!rt::has_text(s)) return false;
        check_option(f, s);
        return true;
      }
      case FieldType::Multiselect:
      case FieldType::Scopes: {
        if (!v.is_array()) return type_error("une liste");
        for (const auto& item : v) {
          if (!item.is_string()) return type_error("une liste de chaînes de caractères");
        }
        if (too_many_items(f, v.size())) return true;
        std::unordered_set<std::string_view> seen;  // views into `v`, which outlives the loop
        seen.reserve(v.size());
        for (const auto& item : v) {
          const auto& s = item.get_ref<const std::string&>();
          if (!seen.insert(s).second) {
            add(f.name, "duplicate", fmt::format("« {} » contient {} plusieurs fois.", label_of(f), support::quote(s)));
          }
          if (!f.options.empty() || f.type == FieldType::Scopes) check_option(f, s);
        }
        return !v.empty();
      }
      case FieldType::Document: {
        if (!v.is_array()) return type_error("une liste de documents");
        for (const auto& d : v) {
          if (!is_document(d)) return type_error("une liste de documents {name, content_type, size}");
        }
        if (static_cast<std::int64_t>(v.size()) > f.max_count) {
          // One error for the list, as for too_many_items: the files are not checked one by one.
          add(f.name, "too_many_files", fmt::format("« {} » accepte au plus {} fichier(s).", label_of(f), f.max_count));
          return true;
        }
        for (const auto& d : v) {
          if (f.max_size && as_integer(d["size"]) > *f.max_size) {
            add(f.name, "file_too_large", fmt::format("« {} » : un fichier dépasse la taille maximale.", label_of(f)));
          }
          if (!f.content_types.empty() &&
              std::find(f.content_types.begin(), f.content_types.end(), d["content_type"].get<std::string>()) == f.content_types.end()) {
            add(f.name, "content_type", fmt::format("« {} » : ce format de fichier n'est pas accepté.", label_of(f)));
          }
        }
        return !v.empty();
      }
      default: break;
    }
    // Text kinds.
    if (!v.is_string()) return type_error("une chaîne de caractères");
    const auto s = v.get<std::string>();
    if (!rt::has_text(s)) return false;
    const std::size_t length = support::count_code_points(s);
    if (f.max_length && static_cast<std::int64_t>(length) > *f.max_length) {
      add(f.name, "too_long", fmt::format("« {} » est trop long (pas plus de {} caractères).", label_of(f), *f.max_length));
    }
    if (f.min_length && static_cast<std::int64_t>(length) < *f.min_length) {
      add(f.name, "too_short", fmt::format("« {} » est trop court (au moins {} caractères).", label_of(f), *f.min_length));
    }
    switch (f.type) {
      case FieldType::Email:
        if (!rt::is_valid_email(s)) add(f.name, "format_email", fmt::format("« {} » n'est pas une adresse email valide.", label_of(f)));
        break;
      case FieldType::Phone:
        if (!rt::is_valid_french_phone(s, f.mobile)) {
          add(f.name, "format_phone",
              f.mobile ? fmt::format("« {} » doit être un numéro de téléphone mobile français. Exemple : 0639981234 ou +33639981234.", label_of(f))
                       : fmt::format("« {} » doit être un numéro de téléphone français. Exemple : 0199001234 ou +33199001234.", label_of(f)));
        }
        break;
      case FieldType::Url:
        if (!rt::is_valid_url(s)) add(f.name, "format_url", fmt::format("« {} » n'est pas un lien valide.", label_of(f)));
        break;
      default: break;
    }
    if (f.pattern && !matches_pattern(*f.pattern, s)) {
      add(f.name, "pattern", f.pattern_message ? *f.pattern_message : fmt::format("« {} » n'a pas le format attendu.", label_of(f)));
    }
    return true;
  }

  static bool matches_pattern(const std::string& pattern, const std::string& s) {
    // JSON Schema semantics (searched, not anchored), on code points like
    // ajv's `u` flag: the runtime's matcher, the one generated code uses.
    return rt::regex(pattern).search(s);
  }

  void check_date_bound(const Field& f, rt::Date d, const std::optional<std::string>& bound, bool is_min) {
    if (!bound) return;
    const auto limit = *bound == "today" ? std::optional<rt::Date>(today_) : rt::parse_date(*bound);
    if (!limit) return;
    if (is_min && d < *limit) {
      add(f.name, "min", fmt::format("« {} » doit être au plus tôt le {}.", label_of(f), rt::format_date(*limit)));
    } else if (!is_min && d > *limit) {
      add(f.name, "max", fmt::format("« {} » doit être au plus tard le {}.", label_of(f), rt::format_date(*limit)));
    }
  }

  // A list longer than the field's bound (model::list_bound) is one error and
  // nothing else: the errors of a request stay bounded by its definition.
  bool too_many_items(const Field& f, std::size_t count) {
    const auto bound = model::list_bound(f, def_);
    if (!bound || static_cast<std::int64_t>(count) <= *bound) return false;
    add(f.name, "too_many_items", rt::msg::too_many_items(label_of(f), *bound));
    return true;
  }

  void check_option(const Field& f, const std::string& value) {
    if (f.type == FieldType::Scopes) {
      // The scopes this form offers (scopes_config, included, prefilled).
      if (!allowed_scopes_) allowed_scopes_ = gen::json_schema::allowed_scopes(def_, form_);
      if (std::find(allowed_scopes_->begin(), allowed_scopes_->end(), value) == allowed_scopes_->end()) {
        add(f.name, "not_an_option", fmt::format("« {} » n'est pas une donnée disponible.", value));
      }
      return;
    }
    const bool ok = std::any_of(f.options.begin(), f.options.end(), [&](const auto& o) { return o.value == value; });
    if (!ok) add(f.name, "not_an_option", fmt::format("« {} » : {} ne fait pas partie des choix possibles.", label_of(f), support::quote(value)));
  }

  void check_rule(const model::Rule& r) {
    if (!r.check.expr) return;
    if (r.when && (!r.when->expr || !expr::evaluate(*r.when->expr, doc_, today_).truthy())) return;
    if (expr::evaluate(*r.check.expr, doc_, today_).truthy()) return;
    for (const auto& field : r.fields) add(field, r.code, r.message);
    if (r.fields.empty()) add("", r.code, r.message);
  }

  const model::Definition& def_;
  const model::Form& form_;
  const json& doc_;
  const Context& ctx_;
  rt::Date today_;
  std::vector<Error> errors_;
  bool type_error_reported_ = false;
  std::optional<std::vector<std::string>> allowed_scopes_;
};

}  // namespace

std::optional<Context> Context::parse(std::string_view text) {
  if (text == "draft") return Context{Kind::Draft, ""};
  if (text == "submit") return Context{Kind::Submit, ""};
  if (text.substr(0, 5) == "step:" && text.size() > 5) return Context{Kind::Step, std::string(text.substr(5))};
  return std::nullopt;
}

std::vector<std::string> form_blocks(const model::Form& form, const model::Definition& definition) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end() && definition.find_block(name)) out.push_back(name);
  };
  if (!form.steps.empty()) {
    for (const auto& s : form.steps) add(s.value);
  } else {
    for (const auto& b : definition.block_names) add(b.value);
  }
  for (const auto& s : form.static_blocks) add(s.value);
  // Blocks of the definition the form does not show are still submitted data
  // (DataPass validates every concern on submit).
  for (const auto& b : definition.block_names) add(b.value);
  return out;
}

std::optional<std::vector<Error>> validate(const model::Definition& definition, const model::Form& form,
                                           const nlohmann::json& document, const Context& context, rt::Date today,
                                           std::string& problem) {
  std::vector<Error> errors;
  Validator v(definition, form, document, context, today);
  if (!v.run(errors, problem)) return std::nullopt;
  return errors;
}

}  // namespace formc::validate
