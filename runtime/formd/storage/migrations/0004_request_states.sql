-- 0004: every DataPass request state (domain/states.h): the state CHECK of
-- 0001 knew only draft and submitted. SQLite cannot alter a CHECK in place:
-- the table is rebuilt by the documented procedure
-- (https://sqlite.org/lang_altertable.html#otheralter), rows unchanged.
CREATE TABLE authorization_requests_new (
  id INTEGER PRIMARY KEY,
  form_uid TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT authorization_requests_state CHECK (
    state IN ('draft', 'submitted', 'changes_requested', 'validated', 'refused', 'archived', 'revoked')),
  data TEXT NOT NULL CHECK (json_valid(data)),  -- the flat DataPass attribute object
  user_id INTEGER NOT NULL REFERENCES users (id),
  organization_siret TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_at INTEGER  -- NULL until submitted
);
INSERT INTO authorization_requests_new SELECT * FROM authorization_requests;
DROP TABLE authorization_requests;
ALTER TABLE authorization_requests_new RENAME TO authorization_requests;
-- list_requests(): one organisation, newest first.
CREATE INDEX authorization_requests_organization ON authorization_requests (organization_siret, id DESC);
