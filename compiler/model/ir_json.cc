#include "model/ir_json.h"

namespace formc::model {
namespace {

using json = nlohmann::ordered_json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json located_list(const std::vector<Located>& list) {
  json out = json::array();
  for (const auto& l : list) out.push_back(l.value);
  return out;
}

json condition(const std::optional<Condition>& c) { return c ? json(c->source) : json(nullptr); }

json rule_json(const Rule& r) {
  json o;
  o["code"] = r.code;
  o["check"] = r.check.source;
  o["when"] = condition(r.when);
  o["message"] = r.message;
  o["fields"] = r.fields;
  return o;
}

json options_json(const std::vector<Option>& options) {
  json out = json::array();
  for (const auto& o : options) out.push_back(json{{"value", o.value}, {"label", o.label}, {"hint", o.hint}});
  return out;
}

}  // namespace

json to_json(const Field& f) {
  json o;
  o["name"] = f.name;
  o["type"] = to_string(f.type);
  o["block"] = f.block;
  if (!f.contact_kind.empty()) o["contact_kind"] = f.contact_kind;
  o["label"] = f.label;
  if (!f.hint.empty()) o["hint"] = f.hint;
  if (!f.placeholder.empty()) o["placeholder"] = f.placeholder;
  o["required"] = f.required;
  if (f.submit_only) o["submit_only"] = true;
  if (f.required_if) o["required_if"] = f.required_if->source;
  if (f.visible_if) o["visible_if"] = f.visible_if->source;
  if (f.min) o["min"] = *f.min;
  if (f.max) o["max"] = *f.max;
  if (f.min_date) o["min_date"] = *f.min_date;
  if (f.max_date) o["max_date"] = *f.max_date;
  if (f.min_length) o["min_length"] = *f.min_length;
  if (f.max_length) o["max_length"] = *f.max_length;
  if (f.pattern) o["pattern"] = *f.pattern;
  if (f.pattern_message) o["pattern_message"] = *f.pattern_message;
  if (f.mobile) o["mobile"] = true;
  if (!f.options.empty()) {
    o["options"] = options_json(f.options);
    if (f.integer_options) o["integer_options"] = true;
  }
  if (f.type == FieldType::Document) {
    o["content_types"] = f.content_types;
    o["max_size"] = opt(f.max_size);
    o["max_count"] = f.max_count;
  }
  if (f.max_items) o["max_items"] = *f.max_items;
  if (!f.autocomplete.empty()) o["autocomplete"] = f.autocomplete;
  if (!f.prefillable) o["prefillable"] = false;
  return o;
}

json to_json(const Module& m) {
  json root;
  json providers = json::array();
  for (const auto& p : m.providers) providers.push_back(json{{"slug", p.slug}, {"definitions", p.definition_ids}});
  root["providers"] = providers;

  json defs = json::array();
  for (const auto& d : m.definitions) {
    json o;
    o["id"] = d.id;
    o["class_name"] = d.class_name;
    o["source"] = d.source_file;
    o["name"] = d.name;
    o["description"] = d.description;
    o["provider"] = d.provider;
    o["kind"] = d.kind;
    o["link"] = opt(d.link);
    o["cgu_link"] = opt(d.cgu_link);
    o["access_link"] = opt(d.access_link);
    o["support_email"] = opt(d.support_email);
    o["introduction"] = opt(d.introduction);
    o["public"] = d.is_public;
    o["unique"] = d.unique;
    o["startable_by_applicant"] = d.startable_by_applicant;
    o["features"] = json{{"messaging", d.features.messaging},
                         {"message_templates", d.features.message_templates},
                         {"reopening", d.features.reopening},
                         {"transfer", d.features.transfer},
                         {"instructor_drafts", d.features.instructor_drafts}};
    if (d.stage) {
      json s;
      s["type"] = d.stage->type;
      auto link = [](const std::optional<StageLink>& l) {
        return l ? json{{"id", l->id.value}, {"form_id", l->form_id.value}} : json(nullptr);
      };
      s["next"] = link(d.stage->next);
      s["previous"] = link(d.stage->previous);
      o["stage"] = s;
    } else {
      o["stage"] = nullptr;
    }
    json scopes = json::array();
    for (const auto& s : d.scopes) {
      json so;
      so["value"] = s.value;
      so["name"] = s.name;
      so["group"] = s.group;
      if (!s.link.empty()) so["link"] = s.link;
      if (!s.description.empty()) so["description"] = s.description;
      so["included"] = s.included;
      so["disabled"] = s.disabled;
      if (s.deprecated_since) so["deprecated"] = json{{"since", *s.deprecated_since}, {"writable", s.deprecated_writable}};
      if (!s.feature_flag.empty()) so["feature_flag"] = s.feature_flag;
      scopes.push_back(so);
    }
    o["scopes"] = scopes;
    json contacts = json::array();
    for (const auto& c : d.contacts) {
      contacts.push_back(json{{"kind", c.kind},
                              {"label", c.label},
                              {"hint", c.hint},
                              {"fillable_with_applicant_data", c.fillable_with_applicant_data},
                              {"except", c.except},
                              {"mobile_phone", c.mobile_phone},
                              {"required_personal_email", c.required_personal_email}});
    }
    o["contacts"] = contacts;
    json blocks = json::array();
    for (const auto& b : d.blocks) {
      json bo;
      bo["name"] = b.name;
      bo["title"] = b.title;
      bo["slug"] = b.slug;
      if (!b.introduction.empty()) bo["introduction"] = b.introduction;
      json fields = json::array();
      for (const auto& f : b.fields) fields.push_back(to_json(f));
      bo["fields"] = fields;
      json rules = json::array();
      for (const auto& r : b.rules) rules.push_back(rule_json(r));
      bo["rules"] = rules;
      blocks.push_back(bo);
    }
    o["blocks"] = blocks;
    json checks = json::array();
    for (const auto& f : d.extra_checkboxes) checks.push_back(to_json(f));
    o["extra_checkboxes"] = checks;
    json rules = json::array();
    for (const auto& r : d.rules) rules.push_back(rule_json(r));
    o["rules"] = rules;
    defs.push_back(o);
  }
  root["definitions"] = defs;

  json forms = json::array();
  for (const auto& f : m.forms) {
    json o;
    o["uid"] = f.uid;
    o["source"] = f.source_file;
    o["authorization_request"] = f.authorization_request.value;
    o["definition"] = f.definition_id;
    o["name"] = opt(f.name);
    o["description"] = opt(f.description);
    o["introduction"] = opt(f.introduction);
    o["default"] = f.is_default;
    o["public"] = f.is_public;
    o["startable_by_applicant"] = opt(f.startable_by_applicant);
    o["use_case"] = opt(f.use_case);
    o["service_provider_id"] = opt(f.service_provider_id);
    o["single_page_view"] = opt(f.single_page_view);
    o["steps"] = located_list(f.steps);
    o["static_blocks"] = located_list(f.static_blocks);
    json sc;
    sc["displayed"] = f.scopes_config.displayed ? located_list(*f.scopes_config.displayed) : json(nullptr);
    sc["hide"] = located_list(f.scopes_config.hide);
    sc["disabled"] = located_list(f.scopes_config.disabled);
    o["scopes_config"] = sc;
    json init = json::object();
    for (const auto& p : f.initialize_with) init[p.field] = p.value;
    o["initialize_with"] = init;
    o["previous_form_uid"] = f.previous_form_uid ? json(f.previous_form_uid->value) : json(nullptr);
    forms.push_back(o);
  }
  root["forms"] = forms;

  json rules = json::array();
  for (const auto& r : m.eligibility_rules) {
    json o;
    o["id"] = r.id;
    o["definition_id"] = r.definition_id;
    if (!r.title.empty()) o["title"] = r.title;
    json options = json::array();
    for (const auto& opt_ : r.options) {
      json oo{{"type", opt_.type}, {"label", opt_.label}, {"eligible", opt_.eligible}, {"body", opt_.body}};
      if (opt_.cta) oo["cta"] = json{{"content", opt_.cta->content}, {"url", opt_.cta->url}};
      options.push_back(oo);
    }
    o["options"] = options;
    json questions = json::array();
    for (const auto& q : r.questions) {
      questions.push_back(json{{"id", q.id}, {"label", q.label}, {"options", options_json(q.options)}, {"visible_if", condition(q.visible_if)}});
    }
    o["questions"] = questions;
    json outcomes = json::array();
    for (const auto& oc : r.outcomes) {
      json oo{{"if", oc.condition.source}, {"eligible", oc.eligible}, {"body", oc.body}};
      if (oc.cta) oo["cta"] = json{{"content", oc.cta->content}, {"url", oc.cta->url}};
      outcomes.push_back(oo);
    }
    o["outcomes"] = outcomes;
    rules.push_back(o);
  }
  root["eligibility_rules"] = rules;

  json sps = json::array();
  for (const auto& sp : m.service_providers) {
    sps.push_back(json{{"id", sp.id},
                       {"type", sp.type},
                       {"name", sp.name},
                       {"siret", opt(sp.siret)},
                       {"already_integrated", sp.already_integrated},
                       {"fc_certified", sp.fc_certified},
                       {"apipfc_enabled", sp.apipfc_enabled}});
  }
  root["service_providers"] = sps;
  return root;
}

}  // namespace formc::model
