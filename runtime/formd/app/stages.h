// Stages sandbox → production (LIFECYCLE.md §2.10, DATAPASS.md §6.5): the
// stage rules every page and API call shares, and the two use cases.
//
// A definition is in a stage when it declares `stage` (DGFiP's pairs); its
// habilitations are in its stage (a habilitation stores its definition).
// The same request moves between the two definitions:
//
//   start_next_stage(D)   the applicant, on a validated request whose
//                         definition has `stage.next`: the request switches
//                         to the next definition and its form
//                         (`stage.next.form_id`), goes back to draft, its
//                         final checkboxes (CGU, DPO, the definition's extra
//                         ones) are unticked, and the data of its latest
//                         production habilitation (the fields of the blocks
//                         only production has) comes back when it had one,
//                         which makes it an update ("Mise à jour"). The
//                         sandbox habilitation stays active. No email.
//   cancel_next_stage(D)  the applicant (production request in draft or
//                         changes_requested) or an instructor (submitted):
//                         validated again, on the form, definition and data
//                         of the sandbox habilitation the stage started
//                         from. No email.
//
// Contract: as app/instruction.h. Nothing is written unless the outcome is
// Ok; NotFound 404 (absent or not visible), Forbidden 403 (visible, not
// theirs to do), WrongState 409 (not in a state or stage that allows it),
// Stale 409 (another write came first). Ok carries the request as it is now.
// Each change is one transaction with its history event (start_next_stage,
// cancel_next_stage; DataPass fires no webhook for them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/instruction.h"

namespace formd::app {

enum class Stage { None, Sandbox, Production };

// The stage of a definition of the catalogue (None: single-stage or unknown).
[[nodiscard]] Stage stage_of(const catalog::Catalog& catalog, std::string_view definition_id);
// DataPass's badges: "Bac à sable", "Production"; "" for None.
[[nodiscard]] std::string_view stage_label(Stage stage);
// "sandbox", "production", "" (JSON API).
[[nodiscard]] std::string_view stage_name(Stage stage);

// The stage facts of the policy's view (view_of): has_next_stage (the
// definition names a next stage the catalogue has, with its form),
// in_later_stage (a stage started from the sandbox is in progress: the
// stored next_stage_from), and reopenable per stage (below).
void set_stage_facts(domain::RequestFacts& facts, const storage::Request& request,
                     const std::vector<storage::Habilitation>& habilitations, const catalog::Catalog& catalog);

// "Mettre à jour" on `habilitation` (LIFECYCLE.md §2.3, §2.2): active, the
// latest of its stage (of its definition), no update in progress; and for
// multi-stage definitions: a production habilitation only if the request's
// newest habilitation is not a sandbox one, a sandbox habilitation only
// while the request is validated. `all`: the request's habilitations,
// oldest first. The request's state rule (validated) is the table's.
[[nodiscard]] bool stage_reopenable(const storage::Habilitation& habilitation, const std::vector<storage::Habilitation>& all,
                                    const storage::Request& request, const catalog::Catalog& catalog);

// The habilitation "Démarrer ma demande d'habilitation en production"
// continues from: the request's latest active habilitation of its current
// definition, when the definition has a next stage (nullopt otherwise).
// Pages show the button on it, the dashboard on its card.
[[nodiscard]] std::optional<storage::Habilitation> stage_origin(const storage::Request& request,
                                                                const std::vector<storage::Habilitation>& habilitations,
                                                                const catalog::Catalog& catalog);

class Stages {
 public:
  Stages(storage::Store& store, catalog::CatalogSource& catalogs) : store_(store), catalogs_(catalogs) {}

  Outcome start_next_stage(const domain::Actor& actor, std::int64_t request_id);
  Outcome cancel_next_stage(const domain::Actor& actor, std::int64_t request_id);

 private:
  Outcome commit(const storage::StateChange& change);

  storage::Store& store_;
  catalog::CatalogSource& catalogs_;
};

}  // namespace formd::app
