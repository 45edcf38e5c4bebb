package io.tagsync.store;

/** Where a staged batch request stands. */
public enum RequestStatus {
    /** Staged, not yet acknowledged by the API. */
    PENDING,
    /** Acknowledged: its task ID is recorded. */
    SUBMITTED,
    /** Its task completed; images the server could not update are failed items. */
    COMPLETED,
    /** Its task failed on every attempt; all its images are failed items. */
    FAILED,
    /** The server refused the request ({@code 400}); all its images are failed items. */
    REFUSED,
    /** Split into two requests (which point back at it) to isolate updates the server refuses. */
    SPLIT
}
