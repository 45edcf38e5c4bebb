package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV input: RFC 4180 with a header row, UTF-8 with or without a byte-order mark, plain
 * or gzip. The header is checked when the reader opens, so an unknown column fails the run before anything
 * is staged or sent.
 */
public final class CsvUpdateReader implements UpdateReader {

    private final Path file;
    private final String source;
    private final String separator;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final ColumnMeaning[] columns;
    private final List<String> headers;
    private long row;

    public CsvUpdateReader(Path file, TagsyncProperties.Input settings) {
        this(file, file.getFileName().toString(), settings);
    }

    /** {@code source} names the file in rejected rows and reports (its path within a directory input). */
    public CsvUpdateReader(Path file, String source, TagsyncProperties.Input settings) {
        this.file = file;
        this.source = source;
        this.separator = settings.listSeparator();
        Reader reader = InputFiles.openText(file);
        try {
            this.parser = CSVFormat.RFC4180
                    .builder()
                    .setDelimiter(delimiter(file, settings.csvDelimiter()))
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .setIgnoreEmptyLines(true)
                    .setAllowMissingColumnNames(true)
                    .get()
                    .parse(reader);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            close(reader);
            long bad = InputFiles.utf8Line(e);
            throw new InputException(
                    file + ": line "
                            + (bad > 0 ? bad + ": not valid UTF-8" : "1: cannot read the header: " + message(e)),
                    e);
        }
        this.headers = parser.getHeaderNames();
        try {
            this.columns = layout(settings);
        } catch (InputException e) {
            close();
            throw e;
        }
        this.records = parser.iterator();
    }

    /** {@code csv-delimiter} as set ({@code tab} or {@code \t} for a tab), else a tab for .tsv and a comma. */
    static String delimiter(Path file, String setting) {
        if (setting != null && !setting.isEmpty()) {
            return setting.equalsIgnoreCase("tab") || setting.equals("\\t") ? "\t" : setting;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tsv.gz") ? "\t" : ",";
    }

    private ColumnMeaning[] layout(TagsyncProperties.Input settings) {
        if (headers.isEmpty()) {
            throw new InputException(file + ": line 1: no header row");
        }
        ColumnMeaning[] layout = new ColumnMeaning[headers.size()];
        ColumnLayout columns = new ColumnLayout(file, "line 1: ", settings);
        for (int i = 0; i < headers.size(); i++) {
            String header = headers.get(i).strip();
            if (header.isEmpty()) {
                throw new InputException(file + ": line 1: column " + (i + 1) + " has no name");
            }
            layout[i] = columns.add(header, "");
        }
        columns.requireImageId();
        return layout;
    }

    @Override
    public InputRow next() {
        long line = parser.getCurrentLineNumber() + 1;
        CSVRecord record;
        try {
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (UncheckedIOException | IllegalStateException e) {
            long bad = InputFiles.utf8Line(e);
            throw new InputException(
                    file + ": line " + (bad > 0 ? bad + ": not valid UTF-8" : line + ": " + message(e)), e);
        }
        row++;
        if (record.size() != columns.length) {
            String imageId = record.size() > 0 ? imageIdOf(record) : null;
            return new InputRow.Rejected(
                    source, row, line, imageId, "has " + record.size() + " fields, the header has " + columns.length);
        }
        return toRow(record, line);
    }

    private String imageIdOf(CSVRecord record) {
        for (int i = 0; i < columns.length && i < record.size(); i++) {
            if (columns[i].kind() == ColumnMeaning.Kind.IMAGE_ID) {
                return record.get(i).strip();
            }
        }
        return null;
    }

    private InputRow toRow(CSVRecord record, long line) {
        String imageId = null;
        Map<String, Object> metadata = new SmallMap<>();
        Set<String> removeMetadata = new SmallSet<>();
        Set<String> addTags = new SmallSet<>();
        Set<String> removeTags = new SmallSet<>();
        for (int i = 0; i < columns.length; i++) {
            ColumnMeaning column = columns[i];
            String cell = record.get(i);
            switch (column.kind()) {
                case IMAGE_ID -> imageId = cell.strip();
                case METADATA_VALUE -> {
                    if (cell.isEmpty()) {
                        continue;
                    }
                    Object value;
                    try {
                        value = typed(cell, column.type());
                    } catch (IllegalArgumentException e) {
                        return new InputRow.Rejected(
                                source,
                                row,
                                line,
                                imageId(record),
                                "column '" + headers.get(i) + "': " + e.getMessage());
                    }
                    if (metadata.put(column.key(), value) != null) {
                        return new InputRow.Rejected(
                                source,
                                row,
                                line,
                                imageId(record),
                                "metadata key '" + column.key() + "' is set by two columns");
                    }
                }
                case METADATA -> {
                    if (cell.isBlank()) {
                        continue;
                    }
                    try {
                        JsonUpdates.mergeMetadata(JsonUpdates.parse(cell), metadata);
                    } catch (JsonUpdates.RowProblem problem) {
                        return new InputRow.Rejected(
                                source,
                                row,
                                line,
                                imageId(record),
                                "column '" + headers.get(i) + "': " + problem.getMessage());
                    }
                }
                case REMOVE_METADATA -> split(cell, removeMetadata);
                case ADD_TAGS -> split(cell, addTags);
                case REMOVE_TAGS -> split(cell, removeTags);
                case IGNORED -> {}
            }
        }
        ImageUpdate update = new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags);
        return UpdateRules.violation(update)
                .<InputRow>map(reason -> new InputRow.Rejected(source, row, line, update.imageId(), reason))
                .orElseGet(() -> new InputRow.Valid(source, row, line, update));
    }

    private String imageId(CSVRecord record) {
        return imageIdOf(record);
    }

    static Object typed(String cell, ColumnMeaning.ValueType type) {
        return switch (type) {
            case STRING -> cell;
            case BOOLEAN -> {
                String value = cell.strip();
                if (value.equalsIgnoreCase("true")) {
                    yield Boolean.TRUE;
                }
                if (value.equalsIgnoreCase("false")) {
                    yield Boolean.FALSE;
                }
                throw new IllegalArgumentException("'" + cell + "' is not a boolean (true or false)");
            }
            case NUMBER -> {
                String value = cell.strip();
                try {
                    yield Long.parseLong(value);
                } catch (NumberFormatException notLong) {
                    try {
                        yield JsonUpdates.exact(new BigDecimal(value));
                    } catch (NumberFormatException notNumber) {
                        throw new IllegalArgumentException("'" + cell + "' is not a number");
                    }
                }
            }
        };
    }

    private void split(String cell, Set<String> into) {
        split(cell, separator, into);
    }

    /**
     * Adds the items of a {@code separator}-joined list, stripped, leaving out empty ones. A cell in brackets is
     * a list as engines write list columns to text: a JSON array ({@code ["a","b"]}, nulls left out), else
     * items joined by a comma and a space as DuckDB writes them ({@code [a, b]}), each perhaps in single quotes
     * as pandas writes them ({@code ['a', 'b']}).
     */
    static void split(String cell, String separator, Set<String> into) {
        if (cell.isEmpty()) {
            return;
        }
        if (cell.startsWith("[") && cell.endsWith("]")) {
            if (!jsonArray(cell, into)) {
                for (String item : cell.substring(1, cell.length() - 1).split(", ")) {
                    String text = item.strip();
                    if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
                        text = text.substring(1, text.length() - 1);
                    }
                    if (!text.isEmpty() && !text.equals("NULL")) {
                        into.add(text);
                    }
                }
            }
            return;
        }
        int start = 0;
        while (start <= cell.length()) {
            int end = cell.indexOf(separator, start);
            if (end < 0) {
                end = cell.length();
            }
            String item = cell.substring(start, end).strip();
            if (!item.isEmpty()) {
                into.add(item);
            }
            start = end + separator.length();
        }
    }

    /** Adds the items of a JSON array; false (adding nothing) when {@code cell} is not one. */
    private static boolean jsonArray(String cell, Set<String> into) {
        tools.jackson.databind.JsonNode array;
        try {
            array = JsonUpdates.JSON.readTree(cell);
        } catch (tools.jackson.core.JacksonException notJson) {
            return false;
        }
        if (!array.isArray()) {
            return false;
        }
        for (tools.jackson.databind.JsonNode item : array) {
            if (item.isNull()) {
                continue;
            }
            String text = (item.isString() ? item.stringValue() : item.toString()).strip();
            if (!text.isEmpty()) {
                into.add(text);
            }
        }
        return true;
    }

    private static String message(Exception e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close() {
        close(parser);
    }

    private static void close(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // nothing more to read
        }
    }

    /** For tests and diagnostics: the column names as read. */
    List<String> headers() {
        return new ArrayList<>(headers);
    }
}
