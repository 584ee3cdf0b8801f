-- 0007: the instructors' list stays fast on large databases
-- (tests/bench/bench_instruction.sh, 10,000 requests):
--   * project_name: the request's `intitule`, a virtual column (computed from
--     data, never written) whose index holds it, so a search by project name
--     reads that index instead of every request's JSON;
--   * the unfiltered list (a definition, newest first) reads its page from an
--     index in order instead of sorting every request of the definition.
ALTER TABLE authorization_requests ADD COLUMN project_name TEXT
  GENERATED ALWAYS AS (json_extract(data, '$.intitule')) VIRTUAL;
CREATE INDEX authorization_requests_definition_project ON authorization_requests (definition_id, project_name, state);
CREATE INDEX authorization_requests_definition_newest ON authorization_requests (definition_id, id DESC);
