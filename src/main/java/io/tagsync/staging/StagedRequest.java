package io.tagsync.staging;

/**
 * One batch request as staged: the request body ready to send and, per update, the image and the input
 * rows it folds in ({@code imageId TAB rows} lines), both gzip-compressed.
 */
public record StagedRequest(int seq, long firstRow, long lastRow, int updateCount, byte[] payload, byte[] imageRows) {
}
