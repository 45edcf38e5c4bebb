-- One row per run (a hash of its identifying parameters). A live process holds the row locked in an open
-- transaction for as long as it works on the run; the lock goes with the process's connection, so a run
-- whose process was killed can be recovered at once, while a second live process is refused.
CREATE TABLE run_lock (
    run_hash   VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP   NOT NULL
);

-- A request the server refused (or whose task kept failing) is split into halves, recursively, down to
-- single images; the halves point at the request they came from, which ends with status SPLIT.
ALTER TABLE batch_request ADD COLUMN parent_id BIGINT;
