package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * Reads JSON updates (plain or gzip) as engines write JSON: one object per line (JSON Lines, what DuckDB and
 * Spark write as {@code .json}), or one array of objects, streamed, when the file's first character is {@code [}.
 * Fields are named as columns are ({@link JsonFields}). A JSON {@code null} — a field, a metadata value, a list
 * element — means "no change". A line (or array element) that is not a valid update is a rejected row with its
 * line number, and so is a line longer than {@code tagsync.input.max-row-size}, which is read past without being
 * kept; blank lines are skipped, and an empty file has no rows. Rows are numbered 1, 2, ... over the updates. Not
 * thread-safe.
 */
public final class JsonLinesUpdateReader extends FileRowReader {

    private final TagsyncProperties.Input settings;
    private final String separator;
    private final int maxChars;
    private final String maxSize;
    private JsonFields fields;
    private Reader reader;
    private JsonParser array;
    private final char[] buffer = new char[1 << 16];
    /** The line being read, kept from one line to the next (and let go after a long one). */
    private StringBuilder text = new StringBuilder();

    private int position;
    private int end;
    private long line;
    private long row;

    public JsonLinesUpdateReader(Path file, TagsyncProperties.Input settings) {
        this(InputPart.local(file), file.getFileName().toString(), settings, PartitionColumns.NONE);
    }

    /** {@code source} names the file in rejected rows and reports (its path within a directory input). */
    JsonLinesUpdateReader(
            InputPart file, String source, TagsyncProperties.Input settings, PartitionColumns partitions) {
        super(file, source, partitions);
        this.settings = settings;
        this.separator = settings.listSeparator();
        this.maxChars = settings.maxRowChars();
        this.maxSize = settings.maxRowSizeText();
    }

    @Override
    protected void doOpen() {
        fields = new JsonFields(file, settings);
        PushbackReader text = new PushbackReader(file.openText(), 1);
        reader = text;
        array = startsWithArray(text) ? JsonUpdates.JSON.createParser(text) : null;
        if (array != null) {
            try {
                array.nextToken(); // the array's start
            } catch (JacksonException e) {
                doClose();
                throw new InputException(
                        file + ": line " + lineOf(e) + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
        }
    }

    /**
     * True when the first character that is not white space is {@code [}; the white space before it is read (its
     * line breaks counted) and that character is left to be read.
     */
    private boolean startsWithArray(PushbackReader text) {
        try {
            int c;
            do {
                c = text.read();
                if (c == '\n') {
                    line++;
                }
            } while (c != -1 && Character.isWhitespace(c));
            if (c != -1) {
                text.unread(c);
            }
            return c == '[';
        } catch (IOException e) {
            doClose();
            throw unreadable(e, line + 1);
        }
    }

    @Override
    protected InputRow doRead() {
        return array != null ? nextInArray() : nextLine();
    }

    private InputRow nextLine() {
        if (text.capacity() > 1 << 20) {
            text = new StringBuilder();
        }
        StringBuilder text = this.text;
        while (true) {
            text.setLength(0);
            long length;
            try {
                length = readLine(text);
            } catch (IOException e) {
                throw unreadable(e, line + 1);
            }
            if (length < 0) {
                return null;
            }
            line++;
            if (length > maxChars) {
                row++;
                throw new RejectedRowException(
                        source,
                        row,
                        line,
                        null,
                        "the line is " + length + " characters long, more than " + TagsyncProperties.Input.MAX_ROW_SIZE
                                + " (" + maxSize + ")");
            }
            String json = text.toString();
            if (json.isBlank()) {
                continue;
            }
            row++;
            try {
                return row(JsonUpdates.parse(json), line);
            } catch (JsonUpdates.RowProblem problem) {
                throw new RejectedRowException(source, row, line, null, problem.getMessage());
            }
        }
    }

    /**
     * Reads one line into {@code text}, without its line break, keeping at most {@code maxChars} of it; returns
     * its length, or -1 at the end of the file.
     */
    private long readLine(StringBuilder text) throws IOException {
        long length = 0;
        while (true) {
            if (position == end) {
                int n = reader.read(buffer, 0, buffer.length);
                if (n < 0) {
                    return length == 0 && text.isEmpty() ? -1 : length;
                }
                position = 0;
                end = n;
            }
            int start = position;
            while (position < end && buffer[position] != '\n') {
                position++;
            }
            int taken = position - start;
            if (length + taken <= maxChars) {
                text.append(buffer, start, taken);
            } else if (!text.isEmpty()) {
                text.setLength(0); // too long: only its length is kept
                text.append(' ');
            }
            length += taken;
            if (position < end) {
                position++; // the line break
                if (length <= maxChars && !text.isEmpty() && text.charAt(text.length() - 1) == '\r') {
                    text.setLength(text.length() - 1);
                    length--;
                }
                return length;
            }
        }
    }

    /**
     * The next element of the array. A syntax error inside it leaves no way to find the next element, so it
     * fails the run naming the line, as a malformed file does.
     */
    private InputRow nextInArray() {
        JsonNode node;
        long at;
        try {
            JsonToken token = array.nextToken();
            if (token == null || token == JsonToken.END_ARRAY) {
                return null;
            }
            at = line + array.currentTokenLocation().getLineNr();
            node = array.readValueAsTree();
        } catch (JacksonException e) {
            Throwable cause = e.getCause() instanceof IOException io ? io : e;
            long bad = InputFiles.utf8Line(cause);
            if (bad > 0) {
                throw new InputException(file + ": line " + bad + ": not valid UTF-8", e);
            }
            throw new InputException(
                    file + ": line " + lineOf(e) + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        row++;
        return row(node, at);
    }

    /** Where a parse error is: its own location, or where the parser is (a limit's error has no location). */
    private long lineOf(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        if (location == null && array != null) {
            location = array.currentLocation();
        }
        return line + (location == null ? 1 : Math.max(1, location.getLineNr()));
    }

    private InputRow row(JsonNode node, long at) {
        ImageUpdate update;
        try {
            update = JsonUpdates.update(node, fields, separator);
        } catch (JsonUpdates.RowProblem problem) {
            throw new RejectedRowException(source, row, at, null, problem.getMessage());
        }
        return partitions.row(source, row, at, update, separator);
    }

    private InputException unreadable(IOException e, long at) {
        long bad = InputFiles.utf8Line(e);
        if (bad > 0) {
            return new InputException(file + ": line " + bad + ": not valid UTF-8", e);
        }
        return new InputException(file + ": line " + at + ": " + e.getMessage(), e);
    }

    @Override
    protected void doClose() {
        try {
            if (array != null) {
                array.close();
            }
            if (reader != null) {
                reader.close();
            }
        } catch (IOException | JacksonException e) {
            throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
        }
    }
}
