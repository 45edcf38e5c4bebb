package io.tagsync.store;

public record StoredRequest(
        long id, int seq, int updateCount, int attempts, long firstRow, long lastRow, RequestStatus status) {}
