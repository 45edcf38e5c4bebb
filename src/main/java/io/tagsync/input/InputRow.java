package io.tagsync.input;

/**
 * One valid data record of an input: an update, and where it came from. {@code row} is the 1-based record number
 * (the header does not count), {@code line} the physical line where the record starts, and {@code ordinal} its place among all the records of
 * the input (of all its files, in reading order), which orders an image's rows. A record that is not a valid
 * update is not an {@code InputRow}: reading or validating it throws a {@link RejectedRowException}.
 */
public record InputRow(String source, long row, long line, ImageUpdate update, long ordinal) {

    /** A row of a file read alone, or of the first file of an input: its place in the input is its row number. */
    public InputRow(String source, long row, long line, ImageUpdate update) {
        this(source, row, line, update, row);
    }

    /** The row, placed {@code rowsBefore} rows into the input (the rows of the files before its own). */
    InputRow after(long rowsBefore) {
        return rowsBefore == 0 ? this : new InputRow(source, row, line, update, rowsBefore + row);
    }
}
