-- 0005: what instruction writes, each in the transaction of the state change
-- it belongs to (storage/repository.h, StateChange):
--   * the request history uses DataPass's event names (create, update,
--     submit, approve, …) and keeps the reason of a refusal or of a request
--     for changes, the changelog of a resubmission and the habilitation an
--     approval issued; the 0001 kinds are renamed (created → create,
--     updated → update, submitted → submit);
--   * habilitations: immutable snapshots H<id> of an approved request;
--   * the outbox: notifications (emails) to send once the change commits.
CREATE TABLE authorization_request_events_new (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES authorization_requests (id) ON DELETE CASCADE,
  name TEXT NOT NULL CONSTRAINT authorization_request_events_name CHECK (name IN (
    'create', 'update', 'submit', 'approve', 'refuse', 'request_changes', 'archive', 'reopen', 'cancel_reopening',
    'start_next_stage', 'cancel_next_stage', 'revoke', 'transfer', 'applicant_message', 'instructor_message')),
  user_id INTEGER REFERENCES users (id),  -- the actor; NULL when the write did not name one
  reason TEXT,                            -- refusal, requested changes, revocation, approval message
  changes TEXT CHECK (changes IS NULL OR json_valid(changes)),  -- [{field, label, from, to}] on a resubmission
  habilitation_id INTEGER REFERENCES habilitations (id),
  created_at INTEGER NOT NULL
);
INSERT INTO authorization_request_events_new (id, request_id, name, user_id, created_at)
  SELECT id, request_id,
         CASE kind WHEN 'created' THEN 'create' WHEN 'updated' THEN 'update' ELSE 'submit' END,
         user_id, created_at
  FROM authorization_request_events;
DROP TABLE authorization_request_events;
ALTER TABLE authorization_request_events_new RENAME TO authorization_request_events;
CREATE INDEX authorization_request_events_request ON authorization_request_events (request_id, id);

CREATE TABLE habilitations (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES authorization_requests (id),
  state TEXT NOT NULL CHECK (state IN ('active', 'obsolete', 'revoked')),
  data TEXT NOT NULL CHECK (json_valid(data)),  -- the request's data when approved, never edited
  form_uid TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  applicant_user_id INTEGER NOT NULL REFERENCES users (id),
  organization_siret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX habilitations_request ON habilitations (request_id, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('email')),
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,       -- NULL until delivered
  abandoned_at INTEGER   -- set when the retries are exhausted
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL AND abandoned_at IS NULL;
