-- Where an adaptive concurrency limit moved (--concurrency=auto): from at on, process let calls of the run's API
-- calls be in flight at once. At most one row a second a process.
CREATE TABLE concurrency_sample (
    job_instance_id BIGINT       NOT NULL,
    process         VARCHAR(200) NOT NULL,
    at              TIMESTAMP    NOT NULL,
    calls           INT          NOT NULL
);
CREATE INDEX concurrency_sample_ix ON concurrency_sample (job_instance_id, at);
