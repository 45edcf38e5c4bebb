package io.tagsync.store;

import java.time.Instant;

/** A request acknowledged by the API: its task, the URL the answer gave for it (or null), and when. */
public record SubmittedRequest(long id, int seq, String taskId, String taskUrl, int attempts, Instant submittedAt) {}
