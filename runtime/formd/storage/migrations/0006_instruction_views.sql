-- 0006: what the instruction pages read.
--   * submitted_data: the data as last submitted, so that a resubmission
--     after a request for changes can list what changed (DataPass's
--     changelog, "Le champ … a changé de « … » en « … »");
--   * the instructors' list filters by definition and state, newest first;
--   * an organisation's habilitations are listed on its dashboard.
ALTER TABLE authorization_requests ADD COLUMN submitted_data TEXT CHECK (submitted_data IS NULL OR json_valid(submitted_data));
UPDATE authorization_requests SET submitted_data = data WHERE state <> 'draft';
CREATE INDEX authorization_requests_definition_state ON authorization_requests (definition_id, state, id DESC);
CREATE INDEX habilitations_organization ON habilitations (organization_siret, id DESC);
