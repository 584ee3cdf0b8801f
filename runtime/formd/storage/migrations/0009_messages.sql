-- 0009: messaging between a request's applicant and the instructors of its
-- definition (LIFECYCLE.md §2.7), written by MessageRepository::post_message
-- in one transaction with its history event (applicant_message or
-- instructor_message, already allowed by 0005) and its emails (outbox).
--   * authorization_request_messages: the conversation, oldest first by id;
--     a message is never edited.
--   * authorization_request_message_counters: per request, how many messages
--     each side has not read yet. A message of one side adds 1 to the other
--     side's counter; reading the conversation as a side resets its own to 0.
--     A request without a row has nothing unread. A separate table (not
--     columns of authorization_requests) so that rebuilding that table in a
--     later migration does not have to carry the counters.
CREATE TABLE authorization_request_messages (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES authorization_requests (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id),  -- the author
  from_party TEXT NOT NULL CHECK (from_party IN ('applicant', 'instructor')),
  body TEXT NOT NULL CHECK (length(body) > 0),
  created_at INTEGER NOT NULL
);
CREATE INDEX authorization_request_messages_request ON authorization_request_messages (request_id, id);

CREATE TABLE authorization_request_message_counters (
  request_id INTEGER PRIMARY KEY REFERENCES authorization_requests (id) ON DELETE CASCADE,
  applicant_unread INTEGER NOT NULL DEFAULT 0 CHECK (applicant_unread >= 0),
  instructor_unread INTEGER NOT NULL DEFAULT 0 CHECK (instructor_unread >= 0)
);
