-- Sessions are no longer indexed by expiry. Every refresh moved the session in that index (a
-- delete at a random place, an insert at the end): a third random page written per write, and
-- nearly half the file at a million sessions. The purge now finds expired sessions with a
-- scan on a read connection (about 60 ms per million sessions, off the writer) and deletes
-- them by key.
DROP INDEX IF EXISTS presence_sessions_by_expiry;
