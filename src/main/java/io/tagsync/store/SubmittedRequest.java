package io.tagsync.store;

import java.time.Instant;

public record SubmittedRequest(long id, int seq, String taskId, int attempts, Instant submittedAt) {
}
