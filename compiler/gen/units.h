// The unit of regeneration: one definition, with everything a generator may
// read to write its outputs (gen/generator.h).
//
// Contract: fingerprint(i) is a digest of module.definitions[i] as
// instantiated (so it covers the library blocks, contact kinds and extensions
// it uses), of its forms in module order, of its first eligibility rule, and
// of the service providers its forms name, with model::digest(). When two
// compiles by the same formc give a definition the same fingerprint, every
// generator writes the same outputs for it; any change to what it reads
// changes the fingerprint. Fingerprints of different definitions are
// independent and can be computed on every core at once.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/ir.h"

namespace formc::gen {

class UnitFingerprints {
 public:
  explicit UnitFingerprints(const model::Module& module);
  [[nodiscard]] std::string fingerprint(std::size_t definition_index) const;

 private:
  const model::Module& module_;
  // Service providers by id (a form names one; the list is read once, not per form).
  std::map<std::string, std::vector<const model::ServiceProvider*>, std::less<>> providers_;
};

}  // namespace formc::gen
