package io.tagsync.run;

/**
 * Keys of what the stage step leaves for the steps, reports and commands after it: counts of rows, images,
 * requests and changes, and the fingerprint of the input it staged. The stage step writes them to its own
 * execution context and to the job's, which a restart carries over.
 */
public final class StepResults {

    public static final String ROWS_READ = "tagsync.rowsRead";
    public static final String ROWS_REJECTED = "tagsync.rowsRejected";
    public static final String IMAGES = "tagsync.images";
    public static final String REQUESTS = "tagsync.requests";
    public static final String FINGERPRINT = "tagsync.inputFingerprint";
    public static final String KEYS_SET = "tagsync.keysSet";
    public static final String KEYS_REMOVED = "tagsync.keysRemoved";
    public static final String TAGS_ADDED = "tagsync.tagsAdded";
    public static final String TAGS_REMOVED = "tagsync.tagsRemoved";
    /** With {@code --changed-only}: images whose update equals the last one the API confirmed, left out. */
    public static final String IMAGES_UNCHANGED = "tagsync.imagesUnchanged";
    /** With {@code --changed-only}: the latest run that applied an image left out as unchanged (0: none). */
    public static final String UNCHANGED_SINCE = "tagsync.unchangedSince";
    /** With {@code --changed-only}: {@code changed-only}, or {@code full} when every image was sent. */
    public static final String SYNC = "tagsync.sync";

    /** Every key, for the promotion listener. */
    public static final String[] ALL = {
        ROWS_READ,
        ROWS_REJECTED,
        IMAGES,
        REQUESTS,
        FINGERPRINT,
        KEYS_SET,
        KEYS_REMOVED,
        TAGS_ADDED,
        TAGS_REMOVED,
        IMAGES_UNCHANGED,
        UNCHANGED_SINCE,
        SYNC
    };

    private StepResults() {}
}
