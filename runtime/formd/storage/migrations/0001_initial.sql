-- 0001: users, sessions, authorization requests and their events.
--
-- How migrations work (see migrations.h): files are named NNNN_name.sql,
-- numbered from 0001 without gaps, and embedded into formd at build time.
-- formd applies each missing one in its own BEGIN IMMEDIATE transaction, with
-- foreign keys disabled and `PRAGMA foreign_key_check` run before COMMIT, so
-- a migration must not contain BEGIN/COMMIT itself. A migration that is in a
-- release is never edited again: fix it with a new one.
--
-- Times are unix seconds (INTEGER). JSON is stored as TEXT.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,  -- lower-cased by the caller
  name TEXT NOT NULL,
  organization_siret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token TEXT PRIMARY KEY,
  csrf_token TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,  -- NULL: anonymous visitor
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
-- delete_expired_sessions() scans by expiry.
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The state CHECK lists DataPass's states formd knows today. SQLite cannot
-- alter a CHECK in place: the migration that adds the instruction states
-- (changes_requested, validated, refused, ...) rebuilds the table with the
-- documented procedure (https://sqlite.org/lang_altertable.html#otheralter):
--   CREATE TABLE authorization_requests_new (... CHECK (state IN (..., 'validated')) ...);
--   INSERT INTO authorization_requests_new SELECT * FROM authorization_requests;
--   DROP TABLE authorization_requests;
--   ALTER TABLE authorization_requests_new RENAME TO authorization_requests;
--   CREATE INDEX ... (indexes are dropped with the old table);
-- The runner keeps foreign keys off during a migration, so dropping the old
-- table does not cascade into authorization_request_events, and it checks
-- every reference before committing. The constraint is named so that the
-- rebuild is a one-line change.
CREATE TABLE authorization_requests (
  id INTEGER PRIMARY KEY,
  form_uid TEXT NOT NULL,
  definition_id TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT authorization_requests_state CHECK (state IN ('draft', 'submitted')),
  data TEXT NOT NULL CHECK (json_valid(data)),  -- the flat DataPass attribute object
  user_id INTEGER NOT NULL REFERENCES users (id),
  organization_siret TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_at INTEGER  -- NULL until submitted
);
-- list_requests(): one organisation, newest first.
CREATE INDEX authorization_requests_organization ON authorization_requests (organization_siret, id DESC);

-- The request's history, written in the same transaction as each write of
-- the request. The instruction workflow and webhooks build on it; new kinds
-- extend the CHECK with the same rebuild procedure as above.
CREATE TABLE authorization_request_events (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES authorization_requests (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CONSTRAINT authorization_request_events_kind CHECK (kind IN ('created', 'updated', 'submitted')),
  user_id INTEGER REFERENCES users (id),  -- the actor; NULL when the write did not name one
  created_at INTEGER NOT NULL
);
CREATE INDEX authorization_request_events_request ON authorization_request_events (request_id, id);
