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
public final class CsvUpdateReader extends FileRowReader {

    private final TagsyncProperties.CsvEscape escape;
    private final TagsyncProperties.Input settings;
    private final String separator;
    private CsvText text;
    private CSVParser parser;
    private Iterator<CSVRecord> records;
    private ColumnMeaning[] columns;
    private List<String> headers;
    private long row;

    public CsvUpdateReader(Path file, TagsyncProperties.Input settings) {
        this(InputPart.local(file), file.getFileName().toString(), settings, PartitionColumns.NONE);
    }

    CsvUpdateReader(InputPart file, String source, TagsyncProperties.Input settings, PartitionColumns partitions) {
        super(file, source, partitions);
        this.separator = settings.listSeparator();
        this.escape = settings.csvEscape();
        this.settings = settings;
    }

    @Override
    protected void doOpen() {
        String delimiter = delimiter(file, settings.csvDelimiter());
        try {
            if (!file.exists()) {
                throw new InputException(file + ": no such file");
            }
            if (file.size() == 0) {
                throw new InputException(file + ": the file is empty (0 bytes); a CSV input needs a header row");
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
        }
        Reader reader = null;
        try {
            reader = text = new CsvText(file.openText(), escape, delimiter, settings.maxRowChars());
            parser = CSVFormat.RFC4180
                    .builder()
                    .setDelimiter(delimiter)
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
        headers = parser.getHeaderNames();
        try {
            columns = layout(settings);
        } catch (InputException e) {
            doClose();
            throw e;
        }
        records = parser.iterator();
    }

    /** {@code csv-delimiter} as set ({@code tab} or {@code \t} for a tab), else a tab for .tsv and a comma. */
    static String delimiter(InputPart file, String setting) {
        if (setting != null && !setting.isEmpty()) {
            return setting.equalsIgnoreCase("tab") || setting.equals("\\t") ? "\t" : setting;
        }
        String name = file.name().toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tsv.gz") ? "\t" : ",";
    }

    private ColumnMeaning[] layout(TagsyncProperties.Input settings) {
        if (headers.isEmpty()) {
            throw new InputException(file + ": line 1: no header row (a CSV input needs one, even with no rows)");
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
    protected InputRow doRead() {
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
                    file + ": line " + (bad > 0 ? bad + ": not valid UTF-8" : line + ": " + message(e) + hint(line)),
                    e);
        }
        row++;
        for (int i = 0; text.hasCut() && i < record.size(); i++) {
            if (record.get(i).indexOf(CsvText.CUT) >= 0) {
                String imageId = imageIdOf(record);
                throw new RejectedRowException(
                        source,
                        row,
                        line,
                        imageId == null || imageId.indexOf(CsvText.CUT) >= 0 ? null : imageId,
                        "the row is " + text.cutLength() + " characters long, more than "
                                + TagsyncProperties.Input.MAX_ROW_SIZE + " (" + settings.maxRowSizeText() + ")");
            }
        }
        if (record.size() != columns.length) {
            String imageId = record.size() > 0 ? imageIdOf(record) : null;
            throw new RejectedRowException(
                    source, row, line, imageId, "has " + record.size() + " fields, the header has " + columns.length);
        }
        return toRow(record, line);
    }

    /**
     * What a parse error likely means: a file written with backslash-escaped quotes (as Spark writes CSV unless
     * told {@code escape='"'}) read as RFC 4180, or the other way round.
     */
    private String hint(long line) {
        String text = lineText(line);
        if (escape == TagsyncProperties.CsvEscape.DOUBLE_QUOTE && text.contains("\\\"")) {
            return " (the line holds \\\", a quote escaped with a backslash, as Spark writes CSV by default: "
                    + "set tagsync.input.csv-escape=backslash to read such a file)";
        }
        if (escape == TagsyncProperties.CsvEscape.BACKSLASH && text.contains("\"\"")) {
            return " (the line holds \"\", a quote doubled as RFC 4180 writes it, and tagsync.input.csv-escape is "
                    + "backslash: set it to double-quote for such a file)";
        }
        return "";
    }

    /** The start of one line of the file, up to 4,096 characters; empty if it cannot be read. */
    private String lineText(long wanted) {
        try (Reader lines = file.openText()) {
            char[] buffer = new char[1 << 16];
            StringBuilder text = new StringBuilder();
            long at = 1;
            for (int n = lines.read(buffer); n > 0 && text.length() < 4096; n = lines.read(buffer)) {
                for (int i = 0; i < n && text.length() < 4096; i++) {
                    if (buffer[i] == '\n') {
                        if (at++ == wanted) {
                            return text.toString();
                        }
                    } else if (at == wanted) {
                        text.append(buffer[i]);
                    }
                }
            }
            return text.toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
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
                        throw new RejectedRowException(
                                source,
                                row,
                                line,
                                imageId(record),
                                "column '" + headers.get(i) + "': " + e.getMessage());
                    }
                    if (metadata.put(column.key(), value) != null) {
                        throw new RejectedRowException(
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
                        throw new RejectedRowException(
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
        return partitions.row(
                source, row, line, new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags), separator);
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

    /**
     * The CSV library's words without its own line numbers ({@code (line 2)}, {@code (startline 2)},
     * {@code at line: 3, position: 59}), which count differently from the line the message already names.
     */
    private static String message(Exception e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (cause.getMessage() == null) {
            return cause.getClass().getSimpleName();
        }
        return cause.getMessage()
                .replaceAll("\\((start)?line \\d+\\)\\s*", "")
                .replaceAll("\\s*at line: \\d+, position: \\d+", "")
                .strip();
    }

    @Override
    protected void doClose() {
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
