-- What --changed-only compares tonight's updates with: per API and workspace (a scope), the digest of the last update
-- the API confirmed for each image (the first 16 bytes of SHA-256 over the update's JSON object as it was sent, as
-- two numbers), the run that applied it and when. An image whose update is sent loses its row until the API confirms
-- the new one, so a failed, unknown or never-finished update is sent again by the next run.
CREATE TABLE sync_scope (
    id           BIGINT        NOT NULL PRIMARY KEY,
    api_url      VARCHAR(1000) NOT NULL,
    workspace    VARCHAR(500)  NOT NULL,
    last_full_at TIMESTAMP,
    UNIQUE (api_url, workspace)
);
CREATE TABLE synced_image (
    scope_id         BIGINT       NOT NULL,
    image_id         VARCHAR(500) NOT NULL,
    digest_high      BIGINT       NOT NULL,
    digest_low       BIGINT       NOT NULL,
    applied_instance BIGINT       NOT NULL,
    applied_at       TIMESTAMP    NOT NULL,
    -- image first: the images of a range of IDs in one scope are one range of the key
    PRIMARY KEY (image_id, scope_id)
);
-- by age alone: an index led by scope_id would tempt H2 into scanning a whole scope for a range of image IDs
CREATE INDEX synced_image_age_ix ON synced_image (applied_at);
