-- Image IDs compare as bytes (UTF-8), the order staging sorts them in, so that --changed-only reads the images of a
-- batch as one range of the key. (H2 compares them as Java strings: the same order but for characters beyond the
-- Basic Multilingual Plane.)
ALTER TABLE synced_image ALTER COLUMN image_id TYPE VARCHAR(500) COLLATE "C";
