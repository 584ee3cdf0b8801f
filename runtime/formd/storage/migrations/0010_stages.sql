-- 0010: stages sandbox → production (LIFECYCLE.md §2.10, DATAPASS.md §6.5).
--   * next_stage_from: the habilitation of the earlier stage (the sandbox's)
--     from which the applicant started the request's next stage ("Démarrer
--     ma demande d’habilitation en production"), kept while that stage is in
--     progress (draft, submitted, changes_requested) and cleared when it ends
--     (approved, refused, cancelled, revoked, archived). Cancelling the stage
--     ("Annuler la demande de production") brings that habilitation's form,
--     definition and data back. The CHECK keeps it from outliving those states.
--   * The stage of a habilitation is its definition's (definition_id, already
--     stored): an approval makes obsolete only the active habilitations of the
--     same definition, so a sandbox habilitation stays active beside the
--     production one. Nothing to migrate: no request has started a stage yet.
ALTER TABLE authorization_requests ADD COLUMN next_stage_from INTEGER
  REFERENCES habilitations (id)
  CONSTRAINT authorization_requests_next_stage_from
  CHECK (next_stage_from IS NULL OR state IN ('draft', 'submitted', 'changes_requested'));
