package io.tagsync.staging;

import java.nio.file.Path;

/**
 * A job execution's sorted rows: the {@link UpdateMerger} the read-rows step writes into and the store-requests step
 * merges. Job-scoped; its steps ask for the merger once each, so that rows reach it without going through the
 * scope's proxy. Its spill files are deleted when the job execution ends, however it ends.
 */
public class SortedRows implements AutoCloseable {

    private final UpdateMerger merger;

    public SortedRows(Path spillParent, int bufferRows) {
        this.merger = new UpdateMerger(spillParent, bufferRows);
    }

    public UpdateMerger merger() {
        return merger;
    }

    @Override
    public void close() {
        merger.close();
    }
}
