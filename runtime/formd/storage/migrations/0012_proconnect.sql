-- 0012: ProConnect (issue 13). Users are identified by their OpenID
-- Connect issuer and subject (an email may change); each user has
-- organisations (DataPass's "organisation link"), one of which is current
-- (users.organization_siret, which every "same organisation" rule already
-- reads); sessions get an idle expiry and keep the id_token that ProConnect's
-- logout asks back as id_token_hint.
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_sub TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_issuer, oidc_sub) WHERE oidc_sub IS NOT NULL;

CREATE TABLE organizations (
  siret TEXT PRIMARY KEY CHECK (length(siret) = 14),
  name TEXT,  -- NULL until a login's claims give one
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE user_organizations (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  siret TEXT NOT NULL REFERENCES organizations (siret),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, siret)
);

-- Existing users: their organisation becomes their first organisation link.
INSERT INTO organizations (siret, name, created_at, updated_at)
  SELECT DISTINCT organization_siret, NULL, strftime('%s', 'now'), strftime('%s', 'now')
  FROM users WHERE length(organization_siret) = 14;
INSERT INTO user_organizations (user_id, siret, added_at)
  SELECT id, organization_siret, updated_at FROM users WHERE length(organization_siret) = 14;

-- Idle expiry: a session unused for idle_seconds is over (NULL: no idle limit).
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;
ALTER TABLE sessions ADD COLUMN idle_seconds INTEGER;
-- The login's id_token, for end_session's id_token_hint (NULL for the dev login).
ALTER TABLE sessions ADD COLUMN id_token TEXT;
CREATE INDEX sessions_user ON sessions (user_id);
