package io.tagsync.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads JSON Lines (plain or gzip): one API-shaped update per line. A line that is not a valid update is a
 * rejected row with its line number; blank lines are skipped. Rows are numbered 1, 2, ... over the non-blank
 * lines.
 */
public final class JsonLinesUpdateReader implements UpdateReader {

    private final Path file;
    private final String source;
    private final BufferedReader reader;
    private long line;
    private long row;

    public JsonLinesUpdateReader(Path file) {
        this.file = file;
        this.source = file.getFileName().toString();
        this.reader = new BufferedReader(InputFiles.openText(file), 1 << 16);
    }

    @Override
    public InputRow next() {
        String text;
        do {
            try {
                text = reader.readLine();
            } catch (IOException e) {
                long bad = InputFiles.utf8Line(e);
                if (bad > 0) {
                    throw new InputException(file + ": line " + bad + ": not valid UTF-8", e);
                }
                throw new InputException(file + ": line " + (line + 1) + ": " + e.getMessage(), e);
            }
            if (text == null) {
                return null;
            }
            line++;
        } while (text.isBlank());
        row++;
        ImageUpdate update;
        try {
            update = JsonUpdates.update(JsonUpdates.parse(text));
        } catch (JsonUpdates.RowProblem problem) {
            return new InputRow.Rejected(source, row, line, null, problem.getMessage());
        }
        Optional<String> violation = UpdateRules.violation(update);
        return violation.<InputRow>map(reason -> new InputRow.Rejected(source, row, line, update.imageId(), reason))
                .orElseGet(() -> new InputRow.Valid(source, row, line, update));
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
