package io.tagsync.store;

public record RejectedRow(String source, long row, long line, String imageId, String reason) {}
