package io.tagsync.input;

/** Streams the rows of one input in order. Not thread-safe. */
public interface UpdateReader extends AutoCloseable {

    /** The next row, valid or rejected, or {@code null} at the end of the input. */
    InputRow next();

    @Override
    void close();
}
