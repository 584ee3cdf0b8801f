-- 0003: users' roles, in DataPass's format ("<provider>:<definition>:<role>",
-- "<provider>:*:<role>", "admin"; parsed by domain/roles.h before they are
-- stored). A user may be created by email before their first login (to
-- receive a role): name and organisation are then empty until they log in.
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (length(role) BETWEEN 5 AND 250),
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, role)
);
