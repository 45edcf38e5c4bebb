package io.tagsync.input;

/**
 * A record of an input that is not a valid update: where it is, its image ID when it has one, and why. Staging skips
 * it (a skip of its chunk-oriented step) and lists it in {@code rejects.csv}; the rest of the input is read on. It
 * carries no stack trace: it says what is wrong with a row, not with the program.
 */
public class RejectedRowException extends RuntimeException {

    private final String source;
    private final long row;
    private final long line;
    private final String imageId;
    private final String reason;

    public RejectedRowException(String source, long row, long line, String imageId, String reason) {
        super(source + ": row " + row + " (line " + line + "): " + reason, null, false, false);
        this.source = source;
        this.row = row;
        this.line = line;
        this.imageId = imageId;
        this.reason = reason;
    }

    public RejectedRowException(InputRow row, String reason) {
        this(row.source(), row.row(), row.line(), row.update().imageId(), reason);
    }

    public String source() {
        return source;
    }

    public long row() {
        return row;
    }

    public long line() {
        return line;
    }

    public String imageId() {
        return imageId;
    }

    public String reason() {
        return reason;
    }
}
