#include "model/builder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "model/class_names.h"
#include "model/conditions.h"
#include "model/inputs.h"
#include "model/library.h"
#include "model/reader.h"
#include "support/parallel.h"
#include "support/text.h"

namespace formc::model {
namespace {

namespace fs = std::filesystem;
using support::DiagCode;

const std::vector<std::string>& definition_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {"name",         "description", "provider", "kind",     "link",
                                  "cgu_link",     "access_link", "support_email", "public", "unique",
                                  "startable_by_applicant",      "features", "stage",    "blocks",
                                  "scopes",       "introduction"};
    for (const auto& e : extension_key_names()) k.push_back(e);
    return k;
  }();
  return keys;
}

const std::vector<std::string>& form_keys() {
  static const std::vector<std::string> keys = {
      "authorization_request", "name",          "description",      "introduction",  "default",
      "public",                "startable_by_applicant",            "use_case",      "service_provider_id",
      "steps",                 "static_blocks", "single_page_view", "scopes_config", "initialize_with",
      "stage",                 "scopes"};
  return keys;
}

// Keeps what the whole build needs alive: documents own the nodes that
// declarations and pending conditions point to.
struct BuildState {
  support::SourceManager& sources;
  support::DiagnosticEngine& diags;
  std::vector<std::unique_ptr<yaml::Document>> documents;
  Library library;
  std::map<std::string, ExtensionDecl, std::less<>> own_extensions;  // from definitions themselves
  std::map<std::string, Span, std::less<>> definition_spans, form_spans;
  Module module;
};

std::optional<std::string> read_file(const std::string& path, std::size_t limit, std::string& error) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (size > limit) {
    error = fmt::format("file is {} bytes, more than the {} bytes formc accepts", size, limit);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open file";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// ---------------------------------------------------------------------------
// Definitions

void read_scopes(const yaml::Node& node, Definition& def, support::DiagnosticEngine& diags) {
  if (!expect_sequence(node, "'scopes'", diags)) return;
  std::vector<yaml::NodePtr> items;
  std::size_t budget = 100'000;
  for (const auto& item : node.items) flatten(item, items, budget);  // api_particulier nests anchored lists
  if (budget == 0) {
    diags.report(DiagCode::YamlTooDeep, node.span, "'scopes' expands to more than 100,000 entries through aliases");
    return;
  }
  std::map<std::string, Span> first_span;
  for (const auto& item : items) {
    if (!expect_mapping(*item, "a scope", diags)) continue;
    MapReader r(*item, "a scope",
                {"name", "value", "group", "link", "included", "disabled", "deprecated", "feature_flag", "description"}, diags);
    r.ignore_unknown_keys();
    Scope s;
    s.span = item->span;
    auto value = r.located_string("value");
    if (!value) {
      diags.report(DiagCode::MissingKey, item->span, "a scope needs a 'value'");
      r.accept_known();
      r.finish();
      continue;
    }
    s.value = value->value;
    s.span = value->span;
    s.value_spans = r.value_spans(s.span);
    s.name = r.string("name", true).value_or(s.value);
    s.group = r.string("group", true).value_or("");
    s.link = r.url("link").value_or("");
    s.description = r.string("description").value_or("");
    s.feature_flag = r.string("feature_flag").value_or("");
    s.included = r.boolean("included").value_or(false);
    s.disabled = r.boolean("disabled").value_or(false);
    if (const auto* dep = r.get("deprecated"); dep && !dep->is_null() && expect_mapping(*dep, "'deprecated'", diags)) {
      MapReader d(*dep, "'deprecated'", {"since", "writable"}, diags);
      d.ignore_unknown_keys();
      if (const auto* since = d.get("since"); since && !since->is_null()) {
        s.value_spans.spans["deprecated.since"] = since->span;
        if (since->is_plain()) {
          diags.report(DiagCode::DeprecatedScopeDateNotString, since->span,
                       "unquoted date: YAML 1.1 reads it as a Date and DataPass then ignores the deprecation; quote it");
        }
        // Ruby's Date.parse skips surrounding whitespace.
        s.deprecated_since = normalize_trimmed(since->value, since->span, "'deprecated.since'", diags);
      }
      s.deprecated_writable = d.boolean("writable").value_or(true);  // DataPass's code default
      d.finish();
    }
    r.finish();
    if (const auto [first, inserted] = first_span.emplace(s.value, s.span); !inserted) {
      diags.report(DiagCode::DuplicateScope, s.span, fmt::format("scope '{}' is declared twice in '{}'", s.value, def.id));
      diags.note(first->second, "first declared here");
      continue;
    }
    def.scopes.push_back(std::move(s));
  }
}

std::optional<StageLink> read_stage_link(const yaml::Node& node, std::string_view what, support::DiagnosticEngine& diags) {
  if (!expect_mapping(node, what, diags)) return std::nullopt;
  MapReader r(node, std::string(what), {"id", "form_id"}, diags);
  r.ignore_unknown_keys();
  auto id = r.located_string("id");
  auto form = r.located_string("form_id");
  r.finish();
  if (!id || !form) {
    diags.report(DiagCode::MissingKey, node.span, fmt::format("{} needs 'id' and 'form_id'", what));
    return std::nullopt;
  }
  return StageLink{*id, *form};
}

void read_definition(BuildState& st, const yaml::MapEntry& entry, const std::string& file) {
  auto& diags = st.diags;
  const std::string& id = entry.key->value;
  if (const auto prev = st.definition_spans.find(id); prev != st.definition_spans.end()) {
    // DataPass concatenates a folder's files before parsing them: the later
    // definition replaces the earlier one, and so does formc.
    diags.report(DiagCode::RedefinedId, entry.key->span,
                 fmt::format("definition '{}' is defined again; the later definition replaces the earlier one, as in DataPass", id));
    diags.note(prev->second, "first defined here");
    auto& defs = st.module.definitions;
    defs.erase(std::remove_if(defs.begin(), defs.end(), [&](const Definition& d) { return d.id == id; }), defs.end());
    st.own_extensions.erase(id);
    prev->second = entry.key->span;
  } else {
    st.definition_spans.emplace(id, entry.key->span);
  }
  if (!expect_mapping(*entry.value, fmt::format("definition '{}'", id), diags)) return;
  MapReader r(*entry.value, fmt::format("definition '{}'", id), definition_keys(), diags);
  r.ignore_unknown_keys();  // AuthorizationDefinition.build reads its keys and skips the rest
  Definition def;
  def.id = id;
  def.span = entry.key->span;
  def.source_file = file;
  def.class_name = class_name_for(id);
  for (const auto& e : entry.value->entries) def.value_spans[e.key->value] = e.value->span;
  def.name = r.string("name", true).value_or("");
  def.description = r.string("description", true).value_or("");
  def.provider = r.string("provider").value_or("");
  if (auto kind = r.located_string("kind")) {
    if (kind->value != "api" && kind->value != "service") {
      diags.report(DiagCode::InvalidValue, kind->span, fmt::format("'kind' must be 'api' or 'service', not {}", support::quote(kind->value)));
    } else {
      def.kind = kind->value;
    }
  }
  def.link = r.url("link");
  def.cgu_link = r.url("cgu_link");
  def.access_link = r.url("access_link");
  def.support_email = r.email("support_email");
  def.introduction = r.string("introduction");
  def.is_public = r.boolean("public").value_or(true);
  def.unique = r.boolean("unique").value_or(false);
  def.startable_by_applicant = r.boolean("startable_by_applicant").value_or(true);
  if (const auto* f = r.get("features"); f && !f->is_null() && expect_mapping(*f, "'features'", diags)) {
    for (const auto& e : f->entries) {
      const auto value = read_bool(*e.value, fmt::format("feature '{}'", e.key->value), diags);
      const std::string& k = e.key->value;
      if (k == "messaging") def.features.messaging = value.value_or(true);
      else if (k == "message_templates") def.features.message_templates = value.value_or(true);
      else if (k == "reopening") def.features.reopening = value.value_or(true);
      else if (k == "transfer") def.features.transfer = value.value_or(true);
      else if (k == "instructor_drafts") def.features.instructor_drafts = value.value_or(false);
      else {
        diags.report(DiagCode::UnknownFeature, e.key->span, fmt::format("unknown feature '{}' (DataPass ignores it)", k));
        if (auto s = support::closest_match(k, {"messaging", "message_templates", "reopening", "transfer", "instructor_drafts"})) {
          diags.note(e.key->span, fmt::format("did you mean '{}'?", *s));
        }
      }
    }
  }
  if (const auto* s = r.get("stage"); s && !s->is_null() && expect_mapping(*s, "'stage'", diags)) {
    MapReader sr(*s, "'stage'", {"type", "next", "previous"}, diags);
    sr.ignore_unknown_keys();
    Stage stage;
    if (auto type = sr.located_string("type")) {
      if (type->value != "sandbox" && type->value != "production") {
        diags.report(DiagCode::InvalidValue, type->span, fmt::format("stage 'type' must be 'sandbox' or 'production', not {}", support::quote(type->value)));
      }
      stage.type = type->value;
    }
    if (const auto* n = sr.get("next"); n && !n->is_null()) stage.next = read_stage_link(*n, "'stage.next'", diags);
    if (const auto* p = sr.get("previous"); p && !p->is_null()) stage.previous = read_stage_link(*p, "'stage.previous'", diags);
    sr.finish();
    def.stage = std::move(stage);
  }
  if (auto blocks = r.name_list("blocks")) {
    std::set<std::string> seen;
    for (auto& b : *blocks) {
      if (!seen.insert(b.value).second) {
        diags.report(DiagCode::DuplicateBlockEntry, b.span, fmt::format("block '{}' is listed twice", b.value));
        continue;
      }
      def.block_names.push_back(std::move(b));
    }
  }
  if (const auto* sc = r.get("scopes"); sc && !sc->is_null()) read_scopes(*sc, def, diags);
  ExtensionDecl own;
  own.span = def.span;
  read_extension_keys(r, own, diags);
  r.finish();
  st.own_extensions.emplace(id, std::move(own));
  st.module.definitions.push_back(std::move(def));
}

// ---------------------------------------------------------------------------
// Forms

std::optional<nlohmann::ordered_json> read_prefill_value(const yaml::Node& node, support::DiagnosticEngine& diags) {
  if (node.is_null()) return nlohmann::ordered_json(nullptr);
  if (node.is_sequence()) {
    auto list = nlohmann::ordered_json::array();
    std::vector<yaml::NodePtr> items;
    std::size_t budget = 10'000;
    for (const auto& item : node.items) flatten(item, items, budget);
    for (const auto& item : items) {
      if (!item->is_scalar()) {
        diags.report(DiagCode::WrongType, item->span, "a prefilled list may only hold strings");
        return std::nullopt;
      }
      list.push_back(support::trim(item->value));
    }
    return list;
  }
  if (!node.is_scalar()) {
    diags.report(DiagCode::WrongType, node.span, "a prefilled value must be a string, a number, a boolean or a list");
    return std::nullopt;
  }
  if (node.is_plain()) {
    if (auto i = node.as_int()) return nlohmann::ordered_json(*i);
    if (auto b = node.as_bool()) return nlohmann::ordered_json(*b);
  }
  // DataPass's clean_data strips top-level strings (so "|+" trailing newlines vanish).
  return nlohmann::ordered_json(support::trim(node.value));
}

void read_form(BuildState& st, const yaml::MapEntry& entry, const std::string& file) {
  auto& diags = st.diags;
  const std::string& uid = entry.key->value;
  if (const auto prev = st.form_spans.find(uid); prev != st.form_spans.end()) {
    diags.report(DiagCode::RedefinedId, entry.key->span,
                 fmt::format("form '{}' is defined again; the later form replaces the earlier one, as in DataPass", uid));
    diags.note(prev->second, "first defined here");
    auto& forms = st.module.forms;
    forms.erase(std::remove_if(forms.begin(), forms.end(), [&](const Form& f) { return f.uid == uid; }), forms.end());
    prev->second = entry.key->span;
  } else {
    st.form_spans.emplace(uid, entry.key->span);
  }
  if (!expect_mapping(*entry.value, fmt::format("form '{}'", uid), diags)) return;
  MapReader r(*entry.value, fmt::format("form '{}'", uid), form_keys(), diags);
  r.ignore_unknown_keys();  // AuthorizationRequestForm.build reads its keys and skips the rest
  Form form;
  form.uid = uid;
  form.span = entry.key->span;
  form.source_file = file;
  for (const auto& e : entry.value->entries) form.value_spans[e.key->value] = e.value->span;
  if (auto ar = r.located_string("authorization_request")) {
    form.authorization_request = *ar;
  } else if (!r.node().find("authorization_request")) {
    diags.report(DiagCode::MissingKey, entry.key->span, fmt::format("form '{}' needs 'authorization_request' (the definition's class name)", uid));
  }
  form.name = r.string("name", true);
  form.description = r.string("description", true);
  form.introduction = r.string("introduction", true);
  form.is_default = r.boolean("default").value_or(false);
  form.is_public = r.boolean("public").value_or(true);
  form.startable_by_applicant = r.boolean("startable_by_applicant");
  form.use_case = r.string("use_case", true);
  form.service_provider_id = r.string("service_provider_id");
  form.single_page_view = r.string("single_page_view");
  if (auto steps = r.name_list("steps")) form.steps = std::move(*steps);
  if (auto statics = r.name_list("static_blocks")) form.static_blocks = std::move(*statics);
  for (const auto* list : {&form.steps, &form.static_blocks}) {
    std::set<std::string> seen;
    for (const auto& b : *list) {
      if (!seen.insert(b.value).second) {
        diags.report(DiagCode::DuplicateBlockEntry, b.span, fmt::format("block '{}' is listed twice", b.value));
      }
    }
  }
  if (const auto* sc = r.get("scopes_config"); sc && !sc->is_null() && expect_mapping(*sc, "'scopes_config'", diags)) {
    MapReader s(*sc, "'scopes_config'", {"displayed", "hide", "disabled"}, diags);
    s.ignore_unknown_keys();
    if (s.node().find("displayed")) form.scopes_config.displayed = s.string_list("displayed").value_or(std::vector<Located>{});
    form.scopes_config.hide = s.string_list("hide").value_or(std::vector<Located>{});
    form.scopes_config.disabled = s.string_list("disabled").value_or(std::vector<Located>{});
    s.finish();
  }
  if (const auto* iw = r.get("initialize_with"); iw && !iw->is_null() && expect_mapping(*iw, "'initialize_with'", diags)) {
    for (const auto& e : iw->entries) {
      if (auto value = read_prefill_value(*e.value, diags)) {
        Prefill p{e.key->value, e.key->span, e.value->span, {}, std::move(*value)};
        if (e.value->is_sequence()) {
          std::vector<yaml::NodePtr> items;
          std::size_t budget = 10'000;
          for (const auto& item : e.value->items) flatten(item, items, budget);
          for (const auto& item : items) p.item_spans.push_back(item->span);
        }
        form.initialize_with.push_back(std::move(p));
      }
    }
  }
  if (const auto* s = r.get("stage"); s && !s->is_null() && expect_mapping(*s, "'stage'", diags)) {
    MapReader sr(*s, "'stage'", {"previous_form_uid"}, diags);
    sr.ignore_unknown_keys();
    form.previous_form_uid = sr.located_string("previous_form_uid");
    sr.finish();
  }
  r.ignore("scopes", "DataPass reads the scopes of a form's definition, never of the form");
  r.finish();
  if (form.single_page_view && !form.steps.empty()) {
    const auto* e = entry.value->find("single_page_view");
    diags.report(DiagCode::SinglePageViewIgnored, e->key->span, "'single_page_view' is ignored because the form has 'steps'");
  }
  st.module.forms.push_back(std::move(form));
}

// ---------------------------------------------------------------------------
// Eligibility rules, service providers, locales

const std::map<std::string, std::string>& eligibility_types() {
  static const std::map<std::string, std::string> types = {
      {"particulier", "Un particulier"},
      {"entreprise_ou_association", "Une entreprise ou une association"},
      {"collectivite_ou_administration", "Une collectivité ou une administration"},
      {"editeur_logiciel", "Un éditeur de logiciels"},
  };
  return types;
}

std::optional<std::string> read_eligible(const yaml::Node& node, support::DiagnosticEngine& diags) {
  if (node.is_plain() && node.as_bool()) {
    diags.report(DiagCode::WrongType, node.span,
                 fmt::format("'eligible: {}' is read as a boolean by YAML 1.1; write it quoted: '{}'", node.value,
                             *node.as_bool() ? "yes" : "no"));
    return std::nullopt;
  }
  auto s = read_string(node, "'eligible'", diags);
  if (!s) return std::nullopt;
  if (*s != "yes" && *s != "no" && *s != "maybe") {
    diags.report(DiagCode::InvalidValue, node.span, fmt::format("'eligible' must be 'yes', 'no' or 'maybe', not {}", support::quote(*s)));
    return std::nullopt;
  }
  return s;
}

std::optional<Cta> read_cta(const yaml::Node& node, support::DiagnosticEngine& diags) {
  if (!expect_mapping(node, "'cta'", diags)) return std::nullopt;
  MapReader r(node, "'cta'", {"content", "url"}, diags);
  Cta cta{r.string("content", true).value_or(""), r.url("url").value_or("")};
  r.finish();
  return cta;
}

struct PendingEligibility {
  std::size_t rule_index;
  std::vector<std::pair<std::size_t, const yaml::Node*>> question_conditions;
  std::vector<std::pair<std::size_t, const yaml::Node*>> outcome_conditions;
};

void read_eligibility_file(BuildState& st, const yaml::Node& root, std::vector<PendingEligibility>& pending) {
  auto& diags = st.diags;
  if (!expect_sequence(root, "eligibility_rules.yml", diags)) return;
  std::map<std::int64_t, Span> ids;
  std::map<std::string, Span> definitions;
  for (const auto& item : root.items) {
    if (!expect_mapping(*item, "an eligibility rule", diags)) continue;
    MapReader r(*item, "an eligibility rule", {"id", "definition_id", "title", "options", "questions", "outcomes"}, diags);
    EligibilityRule rule;
    rule.span = item->span;
    rule.id = r.integer("id").value_or(0);
    if (const auto* idn = item->find("id")) {
      if (auto [it, inserted] = ids.emplace(rule.id, idn->value->span); !inserted) {
        diags.report(DiagCode::DuplicateId, idn->value->span, fmt::format("eligibility rule id {} is used twice", rule.id));
        diags.note(it->second, "first used here");
      }
    }
    if (auto def = r.located_string("definition_id")) {
      rule.definition_id = def->value;
      rule.span = def->span;
      if (auto [it, inserted] = definitions.emplace(def->value, def->span); !inserted) {
        diags.report(DiagCode::DuplicateId, def->span, fmt::format("definition '{}' has two eligibility rules", def->value));
        diags.note(it->second, "first rule here");
      }
    } else {
      diags.report(DiagCode::MissingKey, item->span, "an eligibility rule needs a 'definition_id'");
    }
    rule.title = r.string("title").value_or("");
    PendingEligibility p{st.module.eligibility_rules.size(), {}, {}};
    if (const auto* opts = r.get("options"); opts && expect_sequence(*opts, "'options'", diags)) {
      std::set<std::string> seen;
      for (const auto& o : opts->items) {
        if (!expect_mapping(*o, "an eligibility option", diags)) continue;
        MapReader orr(*o, "an eligibility option", {"type", "eligible", "body", "cta"}, diags);
        EligibilityOption opt;
        opt.span = o->span;
        opt.value_spans = orr.value_spans(o->span);
        if (auto type = orr.located_string("type")) {
          opt.type = type->value;
          opt.span = type->span;
          const auto known = eligibility_types().find(type->value);
          if (known == eligibility_types().end()) {
            diags.report(DiagCode::InvalidValue, type->span, fmt::format("unknown visitor type {}", support::quote(type->value)));
            std::vector<std::string> names;
            for (const auto& [k, v] : eligibility_types()) names.push_back(k);
            if (auto s = support::closest_match(type->value, names)) diags.note(type->span, fmt::format("did you mean '{}'?", *s));
          } else {
            opt.label = known->second;
          }
          if (!seen.insert(type->value).second) {
            diags.report(DiagCode::DuplicateId, type->span, fmt::format("visitor type '{}' is listed twice", type->value));
          }
        } else {
          diags.report(DiagCode::MissingKey, o->span, "an eligibility option needs a 'type'");
        }
        if (const auto* el = orr.get("eligible")) opt.eligible = read_eligible(*el, diags).value_or("");
        else diags.report(DiagCode::MissingKey, o->span, "an eligibility option needs 'eligible'");
        opt.body = orr.string("body", true).value_or("");
        if (const auto* c = orr.get("cta"); c && !c->is_null()) {
          opt.cta = read_cta(*c, diags);
          if (const auto* url = c->find("url")) opt.value_spans.spans["cta"] = url->value->span;
        }
        orr.finish();
        rule.options.push_back(std::move(opt));
      }
    }
    if (const auto* qs = r.get("questions"); qs && !qs->is_null() && expect_sequence(*qs, "'questions'", diags)) {
      for (const auto& q : qs->items) {
        if (!expect_mapping(*q, "a question", diags)) continue;
        MapReader qr(*q, "a question", {"id", "label", "options", "visible_if"}, diags);
        EligibilityQuestion question;
        question.span = q->span;
        if (auto id = qr.located_string("id")) {
          question.id = id->value;
          question.span = id->span;
        } else {
          diags.report(DiagCode::MissingKey, q->span, "a question needs an 'id'");
        }
        question.label = qr.string("label").value_or("");
        bool ints = false;
        if (const auto* o = qr.get("options")) question.options = read_options(*o, ints, diags);
        else diags.report(DiagCode::MissingKey, q->span, "a question needs 'options'");
        if (const auto* v = qr.get("visible_if")) p.question_conditions.emplace_back(rule.questions.size(), v);
        qr.finish();
        rule.questions.push_back(std::move(question));
      }
    }
    if (const auto* os = r.get("outcomes"); os && !os->is_null() && expect_sequence(*os, "'outcomes'", diags)) {
      for (const auto& o : os->items) {
        if (!expect_mapping(*o, "an outcome", diags)) continue;
        MapReader orr(*o, "an outcome", {"if", "eligible", "body", "cta"}, diags);
        EligibilityOutcome outcome;
        outcome.span = o->span;
        outcome.value_spans = orr.value_spans(o->span);
        if (const auto* cond = orr.get("if")) p.outcome_conditions.emplace_back(rule.outcomes.size(), cond);
        else diags.report(DiagCode::MissingKey, o->span, "an outcome needs an 'if' expression");
        if (const auto* el = orr.get("eligible")) outcome.eligible = read_eligible(*el, diags).value_or("");
        else diags.report(DiagCode::MissingKey, o->span, "an outcome needs 'eligible'");
        outcome.body = orr.string("body", true).value_or("");
        if (const auto* c = orr.get("cta"); c && !c->is_null()) {
          outcome.cta = read_cta(*c, diags);
          if (const auto* url = c->find("url")) outcome.value_spans.spans["cta"] = url->value->span;
        }
        orr.finish();
        rule.outcomes.push_back(std::move(outcome));
      }
    }
    r.finish();
    st.module.eligibility_rules.push_back(std::move(rule));
    pending.push_back(std::move(p));
  }
}

void read_service_providers_file(BuildState& st, const yaml::Node& root, const std::string& environment) {
  auto& diags = st.diags;
  if (!expect_mapping(root, "service_providers.yml", diags)) return;
  std::map<std::string, Span> seen;
  for (const auto& section : root.entries) {
    // Rails config_for: `shared` plus the section of the current environment.
    if (section.key->value != "shared" && section.key->value != environment) continue;
    if (!expect_mapping(*section.value, fmt::format("'{}'", section.key->value), diags)) continue;
    for (const auto& e : section.value->entries) {
      if (!expect_mapping(*e.value, fmt::format("service provider '{}'", e.key->value), diags)) continue;
      MapReader r(*e.value, fmt::format("service provider '{}'", e.key->value),
                  {"type", "name", "siret", "already_integrated", "fc_certified", "apipfc_enabled"}, diags);
      r.ignore_unknown_keys();  // Rails config_for: a hash DataPass reads keys from
      ServiceProvider sp;
      sp.id = e.key->value;
      sp.span = e.key->span;
      sp.value_spans = r.value_spans(sp.span);
      if (auto type = r.located_string("type")) {
        if (type->value != "editor" && type->value != "saas") {
          diags.report(DiagCode::InvalidValue, type->span, fmt::format("service provider 'type' must be 'editor' or 'saas', not {}", support::quote(type->value)));
        }
        sp.type = type->value;
      }
      sp.name = r.string("name", true).value_or(sp.id);
      sp.siret = r.string("siret", true);
      if (auto list = r.string_list("already_integrated")) {
        for (const auto& d : *list) {
          sp.already_integrated.push_back(d.value);
          sp.already_integrated_spans.push_back(d.span);
        }
      }
      sp.fc_certified = r.boolean("fc_certified").value_or(false);
      sp.apipfc_enabled = r.boolean("apipfc_enabled").value_or(false);
      r.finish();
      if (auto [it, inserted] = seen.emplace(sp.id, sp.span); !inserted) {
        diags.report(DiagCode::DuplicateId, sp.span, fmt::format("service provider '{}' is defined twice", sp.id));
        diags.note(it->second, "first defined here");
        continue;
      }
      st.module.service_providers.push_back(std::move(sp));
    }
  }
}

void flatten_locale(const yaml::Node& node, const std::string& prefix, int depth, std::map<std::string, std::string>& out) {
  if (depth > 32) return;
  if (node.is_mapping()) {
    for (const auto& e : node.entries) {
      flatten_locale(*e.value, prefix.empty() ? e.key->value : prefix + "." + e.key->value, depth + 1, out);
    }
  } else if (node.is_scalar()) {
    out[prefix] = node.value;
  }
}

}  // namespace

// Defined in instantiate.cc.
void instantiate_definitions(Module& module, const Library& library,
                             const std::map<std::string, ExtensionDecl, std::less<>>& own_extensions,
                             support::DiagnosticEngine& diags);

Module build(const BuildOptions& options, support::SourceManager& sources, support::DiagnosticEngine& diags) {
  BuildState st{sources, diags, {}, {}, {}, {}, {}, {}};
  std::vector<InputFile> files;
  if (!options.standard_library.empty()) collect_inputs(options.standard_library, 0, files, diags);
  for (const auto& dir : options.block_dirs) collect_inputs(dir, 1, files, diags);
  for (const auto& path : options.paths) collect_inputs(path, 2, files, diags);
  order_inputs(files);

  // Every file is read and registered first, then parsed on every core (each
  // into a diagnostics engine of its own), then its diagnostics and contents
  // are taken in input order, as if it had been parsed here: the IR and the
  // diagnostics are those of parsing one file after the other.
  struct Parsed {
    support::FileId id = support::kNoFile;
    std::string read_error;
    support::DiagnosticEngine diags;
    std::unique_ptr<yaml::Document> doc;
  };
  std::vector<Parsed> parsed(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto text = read_file(files[i].canonical_path, options.max_file_size, parsed[i].read_error);
    if (text) parsed[i].id = sources.add(files[i].display_path, std::move(*text));
  }
  const support::SourceManager& read_only = sources;
  support::run_parallel(files.size(), [&](std::size_t i) {
    if (parsed[i].id != support::kNoFile) parsed[i].doc = yaml::load(read_only, parsed[i].id, options.load, parsed[i].diags);
  });

  std::vector<PendingEligibility> pending_eligibility;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& input = files[i];
    st.module.inputs.push_back(input.canonical_path);
    if (parsed[i].id == support::kNoFile) {
      const std::string& error = parsed[i].read_error;
      diags.report(error.find("more than") != std::string::npos ? DiagCode::InputTooLarge : DiagCode::InputNotFound, {},
                   fmt::format("{}: {}", input.display_path, error));
      continue;
    }
    diags.append(std::move(parsed[i].diags));
    auto doc = std::move(parsed[i].doc);
    if (doc->root && !doc->root->is_null()) {
      const yaml::Node& root = *doc->root;
      switch (input.kind) {
        case InputKind::Blocks: read_blocks_file(root, input.layer, st.library, diags); break;
        case InputKind::ContactKinds: read_contact_kinds_file(root, st.library, diags); break;
        case InputKind::DefinitionExtensions: read_extensions_file(root, st.library, diags); break;
        case InputKind::ServiceProviders: read_service_providers_file(st, root, options.load.erb.environment); break;
        case InputKind::Definitions:
          if (expect_mapping(root, "a definitions file", diags)) {
            for (const auto& e : root.entries) {
              if (e.key->value != "$schema") read_definition(st, e, input.relative_path);
            }
          }
          break;
        case InputKind::Forms:
          if (expect_mapping(root, "a forms file", diags)) {
            for (const auto& e : root.entries) {
              if (e.key->value != "$schema") read_form(st, e, input.relative_path);
            }
          }
          break;
        case InputKind::EligibilityRules: read_eligibility_file(st, root, pending_eligibility); break;
        case InputKind::Locales: flatten_locale(root, "", 0, st.module.locale); break;
      }
    }
    st.documents.push_back(std::move(doc));
  }
  std::sort(st.module.inputs.begin(), st.module.inputs.end());

  // Forms → definitions by DataPass class name (or by id).
  ClassNameIndex index;
  for (const auto& def : st.module.definitions) index.add(def.id);
  for (auto& form : st.module.forms) {
    const auto& ref = form.authorization_request;
    if (ref.value.empty()) continue;
    if (auto id = index.resolve(ref.value)) {
      form.definition_id = *id;
      continue;
    }
    diags.report(DiagCode::UnresolvedDefinition, ref.span,
                 fmt::format("form '{}' refers to '{}', which is no definition's class name or id", form.uid, ref.value));
    if (auto s = support::closest_match(ref.value, index.class_names())) diags.note(ref.span, fmt::format("did you mean '{}'?", *s));
  }

  // Every definition and form is known: index them for the lookups below and after.
  st.module.reindex();
  instantiate_definitions(st.module, st.library, st.own_extensions, diags);

  // Eligibility conditions need their rule's questions, complete.
  for (const auto& p : pending_eligibility) {
    auto& rule = st.module.eligibility_rules[p.rule_index];
    for (const auto& [qi, node] : p.question_conditions) {
      rule.questions[qi].visible_if = compile_eligibility_condition({node, ""}, rule, diags);
    }
    for (const auto& [oi, node] : p.outcome_conditions) {
      rule.outcomes[oi].condition = compile_eligibility_condition({node, ""}, rule, diags);
    }
  }

  for (const auto& def : st.module.definitions) {
    auto it = std::find_if(st.module.providers.begin(), st.module.providers.end(),
                           [&](const Provider& p) { return p.slug == def.provider; });
    if (it == st.module.providers.end()) {
      st.module.providers.push_back(Provider{def.provider, {}});
      it = std::prev(st.module.providers.end());
    }
    it->definition_ids.push_back(def.id);
  }
  st.module.reindex();
  return std::move(st.module);
}

}  // namespace formc::model
