-- 0011: the files a request carries (issue 12). The bytes live in the
-- content-addressed store under <data>/documents (documents/blob_store.h),
-- named by their SHA-256; this table holds what the database knows of them.
--   * A row with habilitation_id NULL is one of the request's current
--     documents (its draft, or what it was submitted with); the request's
--     data holds the same entries ({name, content_type, size}, by field, in
--     id order), written in the same transaction.
--   * A row with habilitation_id set belongs to that habilitation's
--     snapshot: copied from the request's current documents when the
--     habilitation is issued, never changed afterwards, copied back when an
--     update is cancelled or refused (LIFECYCLE.md §2.3).
-- Deleting a row never deletes bytes: `formd gc` removes the files no row
-- names any more, so a draft's deletion keeps what a habilitation still needs.
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES authorization_requests (id) ON DELETE CASCADE,
  habilitation_id INTEGER REFERENCES habilitations (id) ON DELETE CASCADE,
  field TEXT NOT NULL CHECK (length(field) > 0),
  name TEXT NOT NULL CHECK (length(name) > 0),
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  uploaded_by INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL
);
CREATE INDEX documents_request ON documents (request_id, habilitation_id, field, id);
CREATE INDEX documents_habilitation ON documents (habilitation_id);
CREATE INDEX documents_sha256 ON documents (sha256);
