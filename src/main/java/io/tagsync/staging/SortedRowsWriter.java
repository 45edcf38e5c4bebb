package io.tagsync.staging;

import io.tagsync.input.InputRow;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Staging's writer: hands each valid row to the run's {@link UpdateMerger}, which sorts the rows by image and spills
 * sorted runs to disk as its buffer fills; the store-requests step merges them. Rows are named in reports by their
 * row number, and by file and row number when the input has several files. Not thread-safe: one step thread.
 */
public class SortedRowsWriter implements ItemWriter<InputRow> {

    private final UpdateMerger merger;
    private final boolean manyFiles;

    public SortedRowsWriter(UpdateMerger merger, boolean manyFiles) {
        this.merger = merger;
        this.manyFiles = manyFiles;
    }

    @Override
    public void write(Chunk<? extends InputRow> rows) {
        for (InputRow row : rows) {
            merger.add(
                    row.update(), row.ordinal(), manyFiles ? row.source() + ":" + row.row() : Long.toString(row.row()));
        }
    }
}
