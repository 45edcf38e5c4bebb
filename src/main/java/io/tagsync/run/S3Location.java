package io.tagsync.run;

/**
 * An input in object storage, {@code s3://bucket/key}: one object, or every object under a prefix when the key is
 * empty or ends with {@code /}.
 */
public record S3Location(String bucket, String key) implements InputLocation {

    public static final String SCHEME = "s3://";

    public static boolean isS3(String input) {
        return input != null && input.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** {@code s3://bucket/key}; a bucket is required. */
    public static S3Location parse(String input) {
        if (!isS3(input)) {
            throw new IllegalArgumentException(input + ": not an s3:// location");
        }
        String rest = input.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException(input + ": no bucket (s3://bucket/key or s3://bucket/prefix/)");
        }
        return new S3Location(bucket, key);
    }

    /** True when the location names every object under a prefix. */
    public boolean isPrefix() {
        return key.isEmpty() || key.endsWith("/");
    }

    /** The location of an object of this bucket. */
    public S3Location object(String objectKey) {
        return new S3Location(bucket, objectKey);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
