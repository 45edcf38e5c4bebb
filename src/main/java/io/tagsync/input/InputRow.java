package io.tagsync.input;

/**
 * One data record of an input. {@code row} is the 1-based record number (the header does not count),
 * {@code line} the physical line where the record starts.
 */
public sealed interface InputRow {

    String source();

    long row();

    long line();

    record Valid(String source, long row, long line, ImageUpdate update) implements InputRow {}

    record Rejected(String source, long row, long line, String imageId, String reason) implements InputRow {}
}
