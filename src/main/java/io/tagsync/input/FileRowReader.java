package io.tagsync.input;

/**
 * Reads the rows of one input file of one {@link Format}. The file is opened by {@link #open}, which checks its header
 * or schema, so that a bad file fails before anything is read. Not thread-safe.
 */
public abstract class FileRowReader extends RowReader {

    protected final InputPart file;
    protected final String source;
    protected final PartitionColumns partitions;

    /** {@code source} names the file in rejected rows and reports (its path within a directory input). */
    FileRowReader(InputPart file, String source, PartitionColumns partitions) {
        this.file = file;
        this.source = source;
        this.partitions = partitions;
        setName(getClass().getSimpleName());
    }
}
