package io.tagsync.store;

import java.util.List;

/** A request's final state as {@link RequestStore#finish(long, List)} records it. */
public record Outcome(long requestId, RequestStatus status, long succeeded, String error, List<FailedItem> items) {
}
