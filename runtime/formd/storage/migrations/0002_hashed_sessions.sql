-- 0002: sessions keep only the SHA-256 digest of their token; CSRF tokens
-- are derived from the session token and never stored; visitors who are not
-- signed in have no session row. A table of server-wide secrets (the key
-- that signs the login form's CSRF token), shared by every formd process
-- using this database.
--
-- The sessions of 0001 held their tokens in clear: they are dropped, and
-- everyone signs in again.
DROP TABLE sessions;

CREATE TABLE sessions (
  token_digest TEXT PRIMARY KEY CHECK (length(token_digest) = 64),
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
-- delete_expired_sessions() scans by expiry.
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
