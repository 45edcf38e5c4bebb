package io.tagsync.store;

/**
 * One batch request as staged: the request body ready to send and, per update, the image and the input
 * rows it folds in (one line of rows per update), both compressed (see
 * {@link RequestPayloads}).
 */
public record StagedRequest(int seq, long firstRow, long lastRow, int updateCount, byte[] payload, byte[] imageRows) {}
