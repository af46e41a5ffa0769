-- One row the writer rewrites to learn whether writes can commit: at start (a database that
-- cannot be written is refused) and, after a failed commit, whenever /healthz is asked. Its
-- 64 KiB blob makes the probe need the disk space a batch of writes needs: a one-row probe
-- would fit where a batch does not, and call a full disk healthy.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL,
    room BLOB NOT NULL
);
