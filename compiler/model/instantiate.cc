// Instantiates library blocks for each definition: contacts expanded from the
// contact template, extension keys applied, expressions compiled against the
// definition's own fields (so a rule may name a field of another block).

#include <map>
#include <set>

#include <fmt/format.h>

#include "model/conditions.h"
#include "model/library.h"
#include "support/text.h"

namespace formc::model {
namespace {

using support::DiagCode;

struct PendingField {
  std::size_t block;  // index in definition.blocks, or npos for extra checkboxes
  std::size_t field;
  const FieldDecl* decl;
  std::string kind;
};

struct PendingRule {
  std::size_t block;  // npos: definition-wide rule
  std::size_t rule;
  const RuleDecl* decl;
  std::string kind;
};

constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);

ExtensionDecl merged_extensions(const std::string& id, const Library& library,
                                const std::map<std::string, ExtensionDecl, std::less<>>& own) {
  ExtensionDecl out;
  const auto lib = library.extensions.find(id);
  const auto mine = own.find(id);
  auto take = [&](const ExtensionDecl& e) {
    if (e.contacts) out.contacts = e.contacts;
    if (e.modalities) out.modalities = e.modalities;
    if (e.volumetries) out.volumetries = e.volumetries;
    if (!e.extra_fields.empty()) out.extra_fields = e.extra_fields;
    if (!e.extra_checkboxes.empty()) out.extra_checkboxes = e.extra_checkboxes;
    if (!e.rules.empty()) out.rules = e.rules;
  };
  if (lib != library.extensions.end()) take(lib->second);
  if (mine != own.end()) take(mine->second);  // the definition's own keys win
  return out;
}

std::string kind_suffix(const std::string& templ) {
  const auto pos = templ.find("{kind}_");
  return pos == std::string::npos ? std::string() : templ.substr(pos + 7);
}

class Instantiator {
 public:
  Instantiator(Definition& def, const Library& library, const ExtensionDecl& ext, support::DiagnosticEngine& diags)
      : def_(def), library_(library), ext_(ext), diags_(diags) {}

  void run(const std::vector<Located>& extra_block_names) {
    // The definition's contact kinds: extension key, else the contacts block's defaults.
    resolve_contacts();
    std::set<std::string> done;
    for (const auto& name : def_.block_names) {
      done.insert(name.value);
      add_block(name, true);
    }
    for (const auto& name : extra_block_names) {
      if (done.insert(name.value).second) add_block(name, false);
    }
    for (const auto& [block, fields] : ext_.extra_fields) {
      const auto index = block_index(block.value);
      if (index == kNoBlock) {
        diags_.report(DiagCode::UnresolvedBlock, block.span,
                      fmt::format("'extra_fields' adds fields to block '{}', which definition '{}' does not use", block.value, def_.id));
        continue;
      }
      for (const auto& f : fields) add_field(index, f, "");
    }
    for (const auto& f : ext_.extra_checkboxes) {
      Field field = f.field;
      field.block = "";
      def_.extra_checkboxes.push_back(field);
      pending_fields_.push_back({kNoBlock, def_.extra_checkboxes.size() - 1, &f, ""});
    }
    for (const auto& r : ext_.rules) {
      def_.rules.push_back(r.rule);
      pending_rules_.push_back({kNoBlock, def_.rules.size() - 1, &r, ""});
    }
    check_duplicate_fields();
    compile_conditions();
  }

 private:
  void resolve_contacts() {
    const auto block = library_.blocks.find("contacts");
    if (ext_.contacts) {
      def_.contacts = *ext_.contacts;
    } else if (block != library_.blocks.end()) {
      for (const auto& f : block->second.fields) {
        if (f.is_contact) {
          ContactKindRef ref;
          ref.kind = f.field.name;
          ref.span = f.field.span;
          def_.contacts.push_back(std::move(ref));
        }
      }
    }
    for (auto& ref : def_.contacts) {
      const auto kind = library_.contact_kinds.find(ref.kind);
      if (kind == library_.contact_kinds.end()) {
        diags_.report(DiagCode::UnresolvedContactKind, ref.span, fmt::format("unknown contact kind '{}'", ref.kind));
        std::vector<std::string> names;
        for (const auto& [k, v] : library_.contact_kinds) names.push_back(k);
        if (auto s = support::closest_match(ref.kind, names)) diags_.note(ref.span, fmt::format("did you mean '{}'?", *s));
        continue;
      }
      ref.label = kind->second.label;
      ref.hint = kind->second.hint;
      ref.fillable_with_applicant_data = kind->second.fillable_with_applicant_data;
      // Kind-level defaults, unless the definition says otherwise.
      if (ref.except.empty()) ref.except = kind->second.except;
      ref.mobile_phone = ref.mobile_phone || kind->second.mobile_phone;
      ref.required_personal_email = ref.required_personal_email || kind->second.required_personal_email;
    }
  }

  std::size_t block_index(std::string_view name) const {
    for (std::size_t i = 0; i < def_.blocks.size(); ++i) {
      if (def_.blocks[i].name == name) return i;
    }
    return kNoBlock;
  }

  void add_block(const Located& name, bool report_missing) {
    const auto found = library_.blocks.find(name.value);
    if (found == library_.blocks.end()) {
      if (report_missing) {
        diags_.report(DiagCode::UnresolvedBlock, name.span, fmt::format("no block named '{}' in the block library", name.value));
        std::vector<std::string> names;
        for (const auto& [k, v] : library_.blocks) names.push_back(k);
        if (auto s = support::closest_match(name.value, names)) diags_.note(name.span, fmt::format("did you mean '{}'?", *s));
      }
      return;
    }
    const BlockDecl& decl = found->second;
    Block block;
    block.name = decl.name;
    block.span = decl.span;
    block.title = decl.title;
    block.slug = decl.slug;
    block.introduction = decl.introduction;
    block.value_spans = decl.value_spans;
    def_.blocks.push_back(std::move(block));
    const std::size_t index = def_.blocks.size() - 1;
    bool contacts_done = false;
    for (const auto& f : decl.fields) {
      if (!f.is_contact) {
        add_field(index, f, "");
        continue;
      }
      // The contact fields of a block are the definition's contact kinds, in order.
      if (contacts_done) continue;
      contacts_done = true;
      for (const auto& ref : def_.contacts) expand_contact(index, decl, ref);
    }
    for (const auto& r : decl.rules) {
      def_.blocks[index].rules.push_back(r.rule);
      pending_rules_.push_back({index, def_.blocks[index].rules.size() - 1, &r, ""});
    }
    if (contacts_done) {
      for (const auto& ref : def_.contacts) {
        for (const auto& r : decl.contact_rules) {
          Rule rule = r.rule;
          rule.code = substitute_kind(rule.code, ref.kind);
          for (auto& f : rule.fields) f = substitute_kind(f, ref.kind);
          def_.blocks[index].rules.push_back(std::move(rule));
          pending_rules_.push_back({index, def_.blocks[index].rules.size() - 1, &r, ref.kind});
        }
      }
    }
  }

  void expand_contact(std::size_t index, const BlockDecl& decl, const ContactKindRef& ref) {
    for (const auto& t : decl.contact_fields) {
      const std::string suffix = kind_suffix(t.field.name);
      if (std::find(ref.except.begin(), ref.except.end(), suffix) != ref.except.end()) continue;
      FieldDecl copy = t;
      copy.field.name = substitute_kind(t.field.name, ref.kind);
      copy.field.contact_kind = ref.kind;
      copy.field.prefillable = false;  // never from query parameters: anti-impersonation
      if (copy.field.type == FieldType::Phone && ref.mobile_phone) copy.field.mobile = true;
      add_field_decl(index, std::move(copy), &t, ref.kind);
    }
  }

  void add_field(std::size_t index, const FieldDecl& decl, const std::string& kind) {
    add_field_decl(index, decl, &decl, kind);
  }

  void add_field_decl(std::size_t index, FieldDecl decl, const FieldDecl* source, const std::string& kind) {
    Field field = std::move(decl.field);
    field.block = def_.blocks[index].name;
    if (field.name == "modalities" && ext_.modalities) {
      field.options = *ext_.modalities;
    }
    if (field.name == "volumetrie_appels_par_minute" && ext_.volumetries) {
      field.options = *ext_.volumetries;
      field.integer_options = true;
    }
    if (field.type == FieldType::Scopes) {
      field.options.clear();
      for (const auto& s : def_.scopes) field.options.push_back(Option{s.value, s.name, s.group, s.span});
    }
    def_.blocks[index].fields.push_back(std::move(field));
    pending_fields_.push_back({index, def_.blocks[index].fields.size() - 1, source, kind});
  }

  void check_duplicate_fields() {
    std::map<std::string, Span> seen;
    auto visit = [&](const Field& f) {
      auto [it, inserted] = seen.emplace(f.name, f.span);
      if (!inserted && it->second != f.span) {
        diags_.report(DiagCode::DuplicateField, f.span,
                      fmt::format("field '{}' is declared twice in definition '{}'", f.name, def_.id));
        diags_.note(it->second, "first declared here");
      }
    };
    for (const auto& b : def_.blocks) {
      for (const auto& f : b.fields) visit(f);
    }
    for (const auto& f : def_.extra_checkboxes) visit(f);
  }

  void compile_conditions() {
    for (const auto& p : pending_fields_) {
      Field& f = p.block == kNoBlock ? def_.extra_checkboxes[p.field] : def_.blocks[p.block].fields[p.field];
      if (p.decl->required_if) f.required_if = compile_condition({p.decl->required_if, p.kind}, def_, diags_);
      if (p.decl->visible_if) f.visible_if = compile_condition({p.decl->visible_if, p.kind}, def_, diags_);
    }
    for (const auto& p : pending_rules_) {
      Rule& r = p.block == kNoBlock ? def_.rules[p.rule] : def_.blocks[p.block].rules[p.rule];
      if (p.decl->check) r.check = compile_condition({p.decl->check, p.kind}, def_, diags_);
      if (p.decl->when) r.when = compile_condition({p.decl->when, p.kind}, def_, diags_);
      for (const auto& name : r.fields) {
        if (!def_.find_field(name)) {
          diags_.report(DiagCode::UnresolvedField, p.decl->rule.span,
                        fmt::format("rule '{}' names field '{}', which definition '{}' does not have", r.code, name, def_.id));
        }
      }
    }
  }

  Definition& def_;
  const Library& library_;
  const ExtensionDecl& ext_;
  support::DiagnosticEngine& diags_;
  std::vector<PendingField> pending_fields_;
  std::vector<PendingRule> pending_rules_;
};

}  // namespace

void instantiate_definitions(Module& module, const Library& library,
                             const std::map<std::string, ExtensionDecl, std::less<>>& own_extensions,
                             support::DiagnosticEngine& diags) {
  for (auto& def : module.definitions) {
    // Blocks that forms use as steps without the definition listing them
    // (DataPass tolerates it: formulaire-qf's personal_data) still need fields.
    std::vector<Located> extra;
    for (const Form* form : module.forms_of(def.id)) {
      for (const auto* list : {&form->steps, &form->static_blocks}) {
        for (const auto& b : *list) extra.push_back(b);
      }
    }
    const ExtensionDecl ext = merged_extensions(def.id, library, own_extensions);
    Instantiator(def, library, ext, diags).run(extra);
  }
}

}  // namespace formc::model
