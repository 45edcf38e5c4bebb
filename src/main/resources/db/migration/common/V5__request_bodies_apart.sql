-- Request bodies live apart from the request rows: recording a status then rewrites a small row, not one
-- that carries tens of kilobytes of body (H2 rewrites whole pages on every commit). A completed request's
-- body row is deleted.
CREATE TABLE request_body (
    request_id BIGINT PRIMARY KEY,
    payload    BYTEA  NOT NULL,
    image_rows BYTEA  NOT NULL,
    CONSTRAINT request_body_request_fk FOREIGN KEY (request_id) REFERENCES batch_request (id) ON DELETE CASCADE
);

INSERT INTO request_body (request_id, payload, image_rows)
SELECT id, payload, image_rows FROM batch_request WHERE status <> 'COMPLETED';

ALTER TABLE batch_request DROP COLUMN payload;
ALTER TABLE batch_request DROP COLUMN image_rows;
