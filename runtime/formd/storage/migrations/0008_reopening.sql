-- 0008: updates of a habilitation ("Mettre à jour", LIFECYCLE.md §2.3).
--   * reopened_at: when the applicant reopened the request to update its
--     habilitation, kept while the update is in progress (draft, submitted,
--     changes_requested) and cleared when it ends (approved, refused,
--     cancelled, revoked): DataPass's `reopening` flag, stored. The CHECK
--     keeps an update from outliving those states.
--   * A request that holds a habilitation and is back in one of those
--     states was being updated (formd showed it as `reopening` before this
--     column existed): it keeps that flag, dated from its last write.
ALTER TABLE authorization_requests ADD COLUMN reopened_at INTEGER
  CONSTRAINT authorization_requests_reopened_at
  CHECK (reopened_at IS NULL OR state IN ('draft', 'submitted', 'changes_requested'));
UPDATE authorization_requests SET reopened_at = updated_at
  WHERE state IN ('draft', 'submitted', 'changes_requested')
    AND EXISTS (SELECT 1 FROM habilitations h WHERE h.request_id = authorization_requests.id);
