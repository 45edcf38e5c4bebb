package io.tagsync.api;

import java.util.List;

/**
 * A task's status as tagsync needs it, read from whichever shape the server answered in
 * ({@link Answers#taskStatus}). {@code status} is the server's own word; {@code phase} what it means.
 * {@code failedItems} are the images of a completed task the server could not update; {@code error} the
 * reason a task failed.
 */
public record TaskStatus(String status, Phase phase, Progress progress, List<FailedItem> failedItems, String error) {

    public TaskStatus {
        failedItems = failedItems == null ? List.of() : List.copyOf(failedItems);
    }

    /** What a status means to tagsync. */
    public enum Phase {
        /** {@code created}, {@code pending}, {@code queued}, {@code running}, {@code in_progress}: poll again. */
        WAITING,
        COMPLETED,
        FAILED,
        /** A status outside the known list: handled as a failed task. */
        UNKNOWN
    }

    public boolean isFinal() {
        return phase != Phase.WAITING;
    }

    /** How far a running task is, when the server says: {@code done} of {@code total} images. */
    public record Progress(long done, long total) {}

    /** An image the server could not update, and its reason. */
    public record FailedItem(String imageId, String reason) {}
}
