package io.tagsync.store;

public record FailedItem(String imageId, String inputRows, String taskId, String error) {}
