-- A partition's lease belongs to the part of the run's requests, whichever step execution works on it, and each
-- take of it is a generation: a worker records a send only while the generation it took is current, so one that
-- was paused past its lease, or whose run was failed and rerun meanwhile, sends and records nothing more. A lease
-- given back (worker '') keeps its row, so that generations only grow.
DROP TABLE partition_lease;
CREATE TABLE partition_lease (
    job_instance_id   BIGINT       NOT NULL,
    part              INT          NOT NULL,
    step_execution_id BIGINT       NOT NULL,
    partition_name    VARCHAR(100) NOT NULL,
    worker            VARCHAR(200) NOT NULL,
    generation        BIGINT       NOT NULL,
    heartbeat_at      TIMESTAMP    NOT NULL,
    PRIMARY KEY (job_instance_id, part)
);
