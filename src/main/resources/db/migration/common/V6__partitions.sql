-- The API work runs in partitions: each request belongs to one (part), assigned after staging as ranges of
-- its sequence; a request split later stays in its parent's partition.
ALTER TABLE batch_request ADD COLUMN part INT;
CREATE INDEX batch_request_part_ix ON batch_request (job_instance_id, part, status);

-- Which worker holds a partition's step execution, and when it last said it was alive. A worker takes a
-- partition only when no other worker's heartbeat is fresh; the manager watches the heartbeats.
CREATE TABLE partition_lease (
    step_execution_id BIGINT       PRIMARY KEY,
    job_instance_id   BIGINT       NOT NULL,
    partition_name    VARCHAR(100) NOT NULL,
    worker            VARCHAR(200) NOT NULL,
    heartbeat_at      TIMESTAMP    NOT NULL
);

-- The run's 429 gate, shared by its workers: no worker sends before open_at.
CREATE TABLE rate_gate (
    job_instance_id BIGINT    PRIMARY KEY,
    open_at         TIMESTAMP NOT NULL
);
