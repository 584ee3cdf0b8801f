#include "model/ir_digest.h"

namespace formc::model {
namespace {

using support::Digest;

// Declared first: feed_list() finds them whatever their order below.
void feed(Digest& d, const Field& f);
void feed(Digest& d, const Rule& r);
void feed(Digest& d, const Block& b);
void feed(Digest& d, const Scope& s);
void feed(Digest& d, const ContactKindRef& c);
void feed(Digest& d, const Prefill& p);
void feed(Digest& d, const EligibilityOption& o);
void feed(Digest& d, const EligibilityQuestion& q);
void feed(Digest& d, const EligibilityOutcome& o);

// Spans and value spans locate diagnostics only: they are never fed.
void feed(Digest& d, const Located& l) {
  [[maybe_unused]] const auto& [value, span] = l;
  d.add(value);
}

void feed(Digest& d, const std::vector<Located>& list) {
  d.add_int(static_cast<std::int64_t>(list.size()));
  for (const auto& l : list) feed(d, l);
}

void feed(Digest& d, const std::optional<Located>& l) {
  d.add(l.has_value());
  if (l) feed(d, *l);
}

void feed(Digest& d, const Condition& c) {
  [[maybe_unused]] const auto& [source, span, expr] = c;
  d.add(source).add(expr != nullptr);
}

void feed(Digest& d, const std::optional<Condition>& c) {
  d.add(c.has_value());
  if (c) feed(d, *c);
}

void feed(Digest& d, const Option& o) {
  [[maybe_unused]] const auto& [value, label, hint, span] = o;
  d.add(value).add(label).add(hint);
}

template <typename T>
void feed_list(Digest& d, const std::vector<T>& list) {
  d.add_int(static_cast<std::int64_t>(list.size()));
  for (const auto& item : list) feed(d, item);
}

void feed(Digest& d, const Field& f) {
  [[maybe_unused]] const auto& [name, span, type, block, contact_kind, label, hint, placeholder, required, submit_only,
                                required_if, visible_if, min, max, min_date, max_date, min_length, max_length, pattern,
                                pattern_message, mobile, integer_options, options, content_types, max_size, max_count,
                                max_items, autocomplete, prefillable, value_spans] = f;
  d.add(name).add_int(static_cast<std::int64_t>(type)).add(block).add(contact_kind).add(label).add(hint).add(placeholder);
  d.add(required).add(submit_only);
  feed(d, required_if);
  feed(d, visible_if);
  d.add(min).add(max).add(min_date).add(max_date).add(min_length).add(max_length).add(pattern).add(pattern_message);
  d.add(mobile).add(integer_options);
  feed_list(d, options);
  d.add(content_types).add(max_size).add_int(max_count).add(max_items).add(autocomplete).add(prefillable);
}

void feed(Digest& d, const Rule& r) {
  [[maybe_unused]] const auto& [span, check, when, message, fields, code] = r;
  feed(d, check);
  feed(d, when);
  d.add(message).add(fields).add(code);
}

void feed(Digest& d, const Block& b) {
  [[maybe_unused]] const auto& [name, span, title, slug, introduction, fields, rules, value_spans] = b;
  d.add(name).add(title).add(slug).add(introduction);
  feed_list(d, fields);
  feed_list(d, rules);
}

void feed(Digest& d, const Scope& s) {
  [[maybe_unused]] const auto& [name, value, group, link, description, feature_flag, included, disabled, deprecated_since,
                                deprecated_writable, span, value_spans] = s;
  d.add(name).add(value).add(group).add(link).add(description).add(feature_flag).add(included).add(disabled);
  d.add(deprecated_since).add(deprecated_writable);
}

void feed(Digest& d, const std::optional<StageLink>& link) {
  d.add(link.has_value());
  if (!link) return;
  const auto& [id, form_id] = *link;
  feed(d, id);
  feed(d, form_id);
}

void feed(Digest& d, const Stage& s) {
  const auto& [type, next, previous] = s;
  d.add(type);
  feed(d, next);
  feed(d, previous);
}

void feed(Digest& d, const Features& f) {
  const auto& [messaging, message_templates, reopening, transfer, instructor_drafts] = f;
  d.add(messaging).add(message_templates).add(reopening).add(transfer).add(instructor_drafts);
}

void feed(Digest& d, const ContactKindRef& c) {
  [[maybe_unused]] const auto& [kind, span, label, hint, fillable_with_applicant_data, except, mobile_phone,
                                required_personal_email] = c;
  d.add(kind).add(label).add(hint).add(fillable_with_applicant_data).add(except).add(mobile_phone).add(required_personal_email);
}

void feed(Digest& d, const ScopesConfig& s) {
  const auto& [displayed, hide, disabled] = s;
  d.add(displayed.has_value());
  if (displayed) feed(d, *displayed);
  feed(d, hide);
  feed(d, disabled);
}

void feed(Digest& d, const Prefill& p) {
  [[maybe_unused]] const auto& [field, span, value_span, item_spans, value] = p;
  d.add(field).add(value.dump());
}

void feed(Digest& d, const std::optional<Cta>& cta) {
  d.add(cta.has_value());
  if (!cta) return;
  const auto& [content, url] = *cta;
  d.add(content).add(url);
}

void feed(Digest& d, const EligibilityOption& o) {
  [[maybe_unused]] const auto& [type, label, eligible, body, cta, span, value_spans] = o;
  d.add(type).add(label).add(eligible).add(body);
  feed(d, cta);
}

void feed(Digest& d, const EligibilityQuestion& q) {
  [[maybe_unused]] const auto& [id, label, options, visible_if, span] = q;
  d.add(id).add(label);
  feed_list(d, options);
  feed(d, visible_if);
}

void feed(Digest& d, const EligibilityOutcome& o) {
  [[maybe_unused]] const auto& [condition, eligible, body, cta, span, value_spans] = o;
  feed(d, condition);
  d.add(eligible).add(body);
  feed(d, cta);
}

}  // namespace

void digest(Digest& d, const Definition& def) {
  [[maybe_unused]] const auto& [id, span, source_file, class_name, name, description, provider, kind, link, cgu_link,
                                access_link, support_email, introduction, is_public, unique, startable_by_applicant,
                                features, stage, block_names, scopes, contacts, blocks, extra_checkboxes, rules,
                                value_spans] = def;
  d.add("definition").add(id).add(source_file).add(class_name).add(name).add(description).add(provider).add(kind);
  d.add(link).add(cgu_link).add(access_link).add(support_email).add(introduction);
  d.add(is_public).add(unique).add(startable_by_applicant);
  feed(d, features);
  d.add(stage.has_value());
  if (stage) feed(d, *stage);
  feed(d, block_names);
  feed_list(d, scopes);
  feed_list(d, contacts);
  feed_list(d, blocks);
  feed_list(d, extra_checkboxes);
  feed_list(d, rules);
}

void digest(Digest& d, const Form& form) {
  [[maybe_unused]] const auto& [uid, span, source_file, authorization_request, definition_id, name, description,
                                introduction, is_default, is_public, startable_by_applicant, use_case,
                                service_provider_id, single_page_view, steps, static_blocks, scopes_config,
                                initialize_with, previous_form_uid, value_spans] = form;
  d.add("form").add(uid).add(source_file);
  feed(d, authorization_request);
  d.add(definition_id).add(name).add(description).add(introduction).add(is_default).add(is_public);
  d.add(startable_by_applicant).add(use_case).add(service_provider_id).add(single_page_view);
  feed(d, steps);
  feed(d, static_blocks);
  feed(d, scopes_config);
  feed_list(d, initialize_with);
  feed(d, previous_form_uid);
}

void digest(Digest& d, const EligibilityRule& rule) {
  [[maybe_unused]] const auto& [id, definition_id, title, span, options, questions, outcomes] = rule;
  d.add("eligibility rule").add_int(id).add(definition_id).add(title);
  feed_list(d, options);
  feed_list(d, questions);
  feed_list(d, outcomes);
}

void digest(Digest& d, const ServiceProvider& provider) {
  [[maybe_unused]] const auto& [id, type, name, siret, already_integrated, already_integrated_spans, fc_certified,
                                apipfc_enabled, span, value_spans] = provider;
  d.add("service provider").add(id).add(type).add(name).add(siret).add(already_integrated).add(fc_certified);
  d.add(apipfc_enabled);
}

}  // namespace formc::model
