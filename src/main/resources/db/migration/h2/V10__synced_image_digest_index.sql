-- What --changed-only reads for a range of image IDs, in one index: H2 answers the range from the index's pages
-- alone, without reading each row from the table.
CREATE INDEX synced_image_digest ON synced_image (image_id, scope_id, digest_high, digest_low, applied_instance);
