package io.tagsync.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Reads JSON updates (plain or gzip) in the API's shape, as engines write JSON: one object per line (JSON
 * Lines, what DuckDB and Spark write as {@code .json}), or one array of objects, streamed, when the file's
 * first character is {@code [}. A JSON {@code null} — a field, a metadata value, a list element — means "no
 * change". A line (or array element) that is not a valid update is a rejected row with its line number; blank
 * lines are skipped. Rows are numbered 1, 2, ... over the updates. Not thread-safe.
 */
public final class JsonLinesUpdateReader implements UpdateReader {

    private final Path file;
    private final String source;
    private final BufferedReader reader;
    private final JsonParser array;
    private long line;
    private long row;

    public JsonLinesUpdateReader(Path file) {
        this(file, file.getFileName().toString());
    }

    /** {@code source} names the file in rejected rows and reports (its path within a directory input). */
    public JsonLinesUpdateReader(Path file, String source) {
        this.file = file;
        this.source = source;
        this.reader = new BufferedReader(InputFiles.openText(file), 1 << 16);
        this.array = startsWithArray() ? JsonUpdates.JSON.createParser(reader) : null;
        if (array != null) {
            try {
                array.nextToken(); // the array's start
            } catch (JacksonException e) {
                close();
                throw new InputException(file + ": line 1: not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
        }
    }

    /** True when the first character that is not white space is {@code [}; the reader is left where it was. */
    private boolean startsWithArray() {
        try {
            reader.mark(1 << 16);
            int c;
            do {
                c = reader.read();
            } while (c != -1 && Character.isWhitespace(c));
            reader.reset();
            return c == '[';
        } catch (IOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public InputRow next() {
        return array != null ? nextInArray() : nextLine();
    }

    private InputRow nextLine() {
        String text;
        do {
            try {
                text = reader.readLine();
            } catch (IOException e) {
                throw unreadable(e, line + 1);
            }
            if (text == null) {
                return null;
            }
            line++;
        } while (text.isBlank());
        row++;
        try {
            return row(JsonUpdates.parse(text), line);
        } catch (JsonUpdates.RowProblem problem) {
            return new InputRow.Rejected(source, row, line, null, problem.getMessage());
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
            at = array.currentTokenLocation().getLineNr();
            node = array.readValueAsTree();
        } catch (JacksonException e) {
            Throwable cause = e.getCause() instanceof IOException io ? io : e;
            long bad = InputFiles.utf8Line(cause);
            if (bad > 0) {
                throw new InputException(file + ": line " + bad + ": not valid UTF-8", e);
            }
            throw new InputException(
                    file + ": line " + e.getLocation().getLineNr() + ": not valid JSON (" + e.getOriginalMessage()
                            + ")",
                    e);
        }
        row++;
        return row(node, at);
    }

    private InputRow row(JsonNode node, long at) {
        ImageUpdate update;
        try {
            update = JsonUpdates.update(node);
        } catch (JsonUpdates.RowProblem problem) {
            return new InputRow.Rejected(source, row, at, null, problem.getMessage());
        }
        Optional<String> violation = UpdateRules.violation(update);
        return violation
                .<InputRow>map(reason -> new InputRow.Rejected(source, row, at, update.imageId(), reason))
                .orElseGet(() -> new InputRow.Valid(source, row, at, update));
    }

    private InputException unreadable(IOException e, long at) {
        long bad = InputFiles.utf8Line(e);
        if (bad > 0) {
            return new InputException(file + ": line " + bad + ": not valid UTF-8", e);
        }
        return new InputException(file + ": line " + at + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            if (array != null) {
                array.close();
            }
            reader.close();
        } catch (IOException | JacksonException e) {
            throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
        }
    }
}
