package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code key=value} folders above a file of a partitioned export (as Spark, DuckDB and Hive write them):
 * columns whose value is the same for every row of the files below, read as a cell of that column would be,
 * under the same mapping and ignore rules. Values are percent-decoded; Hive's and Spark's
 * {@code __HIVE_DEFAULT_PARTITION__} and DuckDB's {@code NULL} are a null, which changes nothing. An unknown key fails the run like an
 * unknown column. Thread-safe.
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
            String key = URLDecoder.decode(name.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(name.substring(eq + 1), StandardCharsets.UTF_8);
            if (settings.ignoreColumns().contains(key)) {
                continue;
            }
            ColumnMeaning meaning;
            try {
                meaning = ColumnMeaning.parse(file, "", key, settings.columns().getOrDefault(key, key), "");
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

    boolean isEmpty() {
        return columns.isEmpty();
    }

    /**
     * The row with the partition columns applied, checked again as a whole; a rejected row stays as it is. A
     * metadata key the row sets as well rejects the row, as two columns setting it would.
     */
    InputRow apply(InputRow row, String separator) {
        if (!(row instanceof InputRow.Valid valid) || columns.isEmpty()) {
            return row;
        }
        ImageUpdate update = valid.update();
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
                        return rejected(valid, "partition column '" + column.name() + "': " + e.getMessage());
                    }
                    if (metadata.put(column.meaning().key(), value) != null) {
                        return rejected(
                                valid,
                                "metadata key '" + column.meaning().key() + "' is set by a column and by "
                                        + "the partition folder '" + column.name() + "=" + column.value() + "'");
                    }
                }
                case REMOVE_METADATA -> CsvUpdateReader.split(column.value(), separator, removeMetadata);
                case ADD_TAGS -> CsvUpdateReader.split(column.value(), separator, addTags);
                case REMOVE_TAGS -> CsvUpdateReader.split(column.value(), separator, removeTags);
                default -> {}
            }
        }
        ImageUpdate applied = new ImageUpdate(update.imageId(), metadata, removeMetadata, addTags, removeTags);
        return UpdateRules.violation(applied)
                .<InputRow>map(reason -> rejected(valid, reason))
                .orElseGet(() -> new InputRow.Valid(valid.source(), valid.row(), valid.line(), applied));
    }

    private static InputRow rejected(InputRow.Valid row, String reason) {
        return new InputRow.Rejected(
                row.source(), row.row(), row.line(), row.update().imageId(), reason);
    }
}
