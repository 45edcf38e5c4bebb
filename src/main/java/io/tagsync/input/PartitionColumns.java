package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code key=value} folders above a file of a partitioned export (as Spark, DuckDB and Hive write them):
 * columns whose value is the same for every row of the files below, read as a cell of that column would be,
 * under the same mapping and ignore rules, applied to each row before it is judged, so that a row whose only
 * change is its folder's is a valid update. Names and values are unescaped as the engines escape them: {@code %XX}
 * only, so that {@code site=gate+1} is {@code gate+1}; Hive's and Spark's {@code __HIVE_DEFAULT_PARTITION__} and
 * DuckDB's {@code NULL} are a null, which changes nothing. An unknown key fails the run like an unknown column.
 * Thread-safe.
 */
final class PartitionColumns {

    private static final Set<String> NULL_PARTITIONS = Set.of("__HIVE_DEFAULT_PARTITION__", "NULL");
    static final PartitionColumns NONE = new PartitionColumns(List.of());

    private record Column(String name, ColumnMeaning meaning, String value) {}

    private final List<Column> columns;

    private PartitionColumns(List<Column> columns) {
        this.columns = columns;
    }

    /** The partition columns of {@code file} within the input folder {@code root}. */
    static PartitionColumns of(Path root, Path file, TagsyncProperties.Input settings) {
        if (root == null
                || !file.startsWith(root)
                || file.getParent() == null
                || file.getParent().equals(root)) {
            return NONE;
        }
        List<Column> columns = new ArrayList<>();
        for (Path folder : root.relativize(file.getParent())) {
            String name = folder.toString();
            int eq = name.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = unescape(name.substring(0, eq));
            String value = unescape(name.substring(eq + 1));
            if (settings.ignoreColumns().contains(key)) {
                continue;
            }
            ColumnMeaning meaning;
            try {
                meaning = ColumnMeaning.parse(
                        file.toString(), "", key, settings.columns().getOrDefault(key, key), "");
            } catch (InputException unknown) {
                throw new InputException(
                        file.getParent() + ": folder '" + name + "' is partition "
                                + "column '" + key
                                + "', which is not a tagsync column (expected imageId, metadata.KEY[:type], "
                                + "removeMetadata, addTags, removeTags; map or ignore it in tagsync.input)",
                        unknown);
            }
            if (meaning.kind() == ColumnMeaning.Kind.IMAGE_ID || meaning.kind() == ColumnMeaning.Kind.METADATA) {
                throw new InputException(file.getParent() + ": partition column '" + key + "' cannot be "
                        + (meaning.kind() == ColumnMeaning.Kind.IMAGE_ID ? "imageId" : "metadata"));
            }
            if (!NULL_PARTITIONS.contains(value) && !value.isEmpty()) {
                columns.add(new Column(key, meaning, value));
            }
        }
        return columns.isEmpty() ? NONE : new PartitionColumns(List.copyOf(columns));
    }

    /**
     * A folder name's text as Spark, Hive and DuckDB escape it: each {@code %XX} is the byte XX of the UTF-8 text,
     * and every other character, {@code +} among them, is itself. A {@code %} without two hex digits after it is
     * itself too, as Hive reads it.
     */
    static String unescape(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return escaped;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); ) {
            char c = escaped.charAt(i);
            if (c == '%' && hex(escaped, i + 1) >= 0 && hex(escaped, i + 2) >= 0) {
                bytes.write(hex(escaped, i + 1) * 16 + hex(escaped, i + 2));
                i += 3;
            } else {
                int end = i + Character.charCount(escaped.codePointAt(i));
                bytes.writeBytes(escaped.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(String text, int at) {
        return at < text.length() ? Character.digit(text.charAt(at), 16) : -1;
    }

    /**
     * What a reader's {@code update} makes as a row once the folder's columns are applied. A metadata key the row
     * sets as well rejects the row, as two columns setting it would.
     */
    InputRow row(String source, long row, long line, ImageUpdate update, String separator) {
        if (columns.isEmpty()) {
            return new InputRow(source, row, line, update);
        }
        try {
            return new InputRow(source, row, line, apply(update, separator));
        } catch (JsonUpdates.RowProblem problem) {
            throw new RejectedRowException(source, row, line, update.imageId(), problem.getMessage());
        }
    }

    private ImageUpdate apply(ImageUpdate update, String separator) throws JsonUpdates.RowProblem {
        Map<String, Object> metadata = new SmallMap<>();
        metadata.putAll(update.metadata());
        Set<String> removeMetadata = new SmallSet<>();
        removeMetadata.addAll(update.removeMetadata());
        Set<String> addTags = new SmallSet<>();
        addTags.addAll(update.addTags());
        Set<String> removeTags = new SmallSet<>();
        removeTags.addAll(update.removeTags());
        for (Column column : columns) {
            switch (column.meaning().kind()) {
                case METADATA_VALUE -> {
                    Object value;
                    try {
                        value = CsvUpdateReader.typed(
                                column.value(), column.meaning().type());
                    } catch (IllegalArgumentException e) {
                        throw new JsonUpdates.RowProblem("partition column '" + column.name() + "': " + e.getMessage());
                    }
                    if (metadata.put(column.meaning().key(), value) != null) {
                        throw new JsonUpdates.RowProblem(
                                "metadata key '" + column.meaning().key()
                                        + "' is set by a column and by the partition folder '" + column.name() + "="
                                        + column.value() + "'");
                    }
                }
                case REMOVE_METADATA -> CsvUpdateReader.split(column.value(), separator, removeMetadata);
                case ADD_TAGS -> CsvUpdateReader.split(column.value(), separator, addTags);
                case REMOVE_TAGS -> CsvUpdateReader.split(column.value(), separator, removeTags);
                default -> {}
            }
        }
        return new ImageUpdate(update.imageId(), metadata, removeMetadata, addTags, removeTags);
    }
}
