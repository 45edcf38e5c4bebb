-- What --changed-only reads for a range of image IDs, in one index: an index-only scan answers the range.
CREATE INDEX synced_image_digest ON synced_image (image_id, scope_id) INCLUDE (digest_high, digest_low, applied_instance);
