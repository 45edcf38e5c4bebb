package io.tagsync.store;

import java.util.Map;

/** What one run staged and what became of it, read from tagsync's tables. */
public record RunCounts(
        long requests,
        long updates,
        Map<RequestStatus, Long> requestsByStatus,
        long rejectedRows,
        long succeededImages,
        long failedImages) {

    public long requests(RequestStatus status) {
        return requestsByStatus.getOrDefault(status, 0L);
    }
}
