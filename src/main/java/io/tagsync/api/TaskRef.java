package io.tagsync.api;

/** A batch request's task, as a {@code 202} answered it: its ID and, if the server gave one, its URL. */
public record TaskRef(String taskId, String url) {}
