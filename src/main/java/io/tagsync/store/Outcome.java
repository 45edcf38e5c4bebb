package io.tagsync.store;

import java.util.List;

/**
 * A request's final state as {@link RequestStore#finish(long, List)} records it. A completed request's
 * succeeded count is its updates less its failed items: the server's own counts are not needed.
 */
public record Outcome(long requestId, RequestStatus status, String error, List<FailedItem> items) {}
