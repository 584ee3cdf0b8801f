#include "gen/units.h"

#include "model/ir_digest.h"
#include "support/digest.h"

namespace formc::gen {

UnitFingerprints::UnitFingerprints(const model::Module& module) : module_(module) {
  for (const auto& sp : module.service_providers) providers_[sp.id].push_back(&sp);
}

std::string UnitFingerprints::fingerprint(std::size_t definition_index) const {
  const model::Definition& def = module_.definitions[definition_index];
  support::Digest d;
  model::digest(d, def);
  const auto forms = module_.forms_of(def.id);
  d.add_int(static_cast<std::int64_t>(forms.size()));
  for (const model::Form* form : forms) {
    model::digest(d, *form);
    const auto it = form->service_provider_id ? providers_.find(*form->service_provider_id) : providers_.end();
    d.add_int(it == providers_.end() ? 0 : static_cast<std::int64_t>(it->second.size()));
    if (it != providers_.end()) {
      for (const model::ServiceProvider* sp : it->second) model::digest(d, *sp);
    }
  }
  const model::EligibilityRule* rule = module_.first_eligibility_rule(def.id);
  d.add(rule != nullptr);
  if (rule) model::digest(d, *rule);
  return d.hex();
}

}  // namespace formc::gen
