// Fingerprints of IR entities: what formc compile compares to decide that an
// output need not be generated again (driver/compile_units.h).
//
// Contract: digest(d, x) feeds `d` with every member of `x` that can reach an
// output — every member except source spans (outputs never cite a line or a
// column), recursively, in declaration order. A compiled condition is fed as
// its source text and whether it compiled: the checked expression is a
// function of that text and of the fields and scopes it sees, which belong to
// the same definition and are fed with it. Two entities that feed the same
// bytes generate the same outputs.
//
// Completeness is checked by the compiler: each digest unpacks its struct with
// a structured binding, which stops compiling when a member is added to ir.h
// until the new member is fed here (or declared irrelevant, with a reason).
#pragma once

#include "model/ir.h"
#include "support/digest.h"

namespace formc::model {

void digest(support::Digest& d, const Definition& definition);
void digest(support::Digest& d, const Form& form);
void digest(support::Digest& d, const EligibilityRule& rule);
void digest(support::Digest& d, const ServiceProvider& provider);

}  // namespace formc::model
