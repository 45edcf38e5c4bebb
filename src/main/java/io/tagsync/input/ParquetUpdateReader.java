package io.tagsync.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tagsync.TagsyncProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads a Parquet file through parquet-avro, without a Hadoop cluster client. Columns (after
 * {@code tagsync.input.columns} mapping): {@code imageId} string; {@code metadata} as a map or a struct of
 * scalars (integers and floats become numbers, booleans booleans) or a JSON string; {@code removeMetadata},
 * {@code addTags}, {@code removeTags} as lists of strings or {@code |}-joined strings; {@code metadata.KEY}
 * scalar columns. Nulls mean "no change". The schema is checked when the reader opens: an unknown column, or
 * a known one of a type tagsync cannot read, fails the run before anything is sent, naming the column and
 * its type. Rows are numbered from 1; a Parquet row has no line, so {@code line} repeats the row.
 */
public final class ParquetUpdateReader implements UpdateReader {

    private enum Kind { IMAGE_ID, METADATA_MAP, METADATA_STRUCT, METADATA_JSON, METADATA_VALUE, REMOVE_METADATA,
        ADD_TAGS, REMOVE_TAGS }

    private record Column(String name, Kind kind, String key, CsvColumn.ValueType parseAs) {
    }

    private final Path file;
    private final String source;
    private final String separator;
    private final List<Column> columns = new ArrayList<>();
    private final ParquetReader<GenericRecord> reader;
    private long row;
    private Schema positionsSchema;
    private int[] positions;

    public ParquetUpdateReader(Path file, TagsyncProperties.Input settings) {
        this.file = file;
        this.source = file.getFileName().toString();
        this.separator = settings.listSeparator();
        try {
            if (java.nio.file.Files.size(file) == 0) {
                throw new InputException(file + ": the file is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
        }
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        LocalInputFile input = new LocalInputFile(file);
        Schema schema;
        try (ParquetFileReader footer = ParquetFileReader.open(input,
                ParquetReadOptions.builder(conf).withCodecFactory(new ParquetCodecs()).build())) {
            schema = new AvroSchemaConverter(conf).convert(footer.getFileMetaData().getSchema());
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": not a readable Parquet file (" + e.getMessage() + ")", e);
        }
        layout(schema, settings);
        try {
            this.reader = AvroParquetReader.<GenericRecord>builder(input, conf)
                    .withDataModel(GenericData.get())
                    .withCodecFactory(new ParquetCodecs())
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": not a readable Parquet file (" + e.getMessage() + ")", e);
        }
    }

    private void layout(Schema schema, TagsyncProperties.Input settings) {
        Set<String> ignored = new HashSet<>(settings.ignoreColumns());
        Set<String> seen = new HashSet<>();
        boolean hasImageId = false;
        for (Schema.Field field : schema.getFields()) {
            String name = field.name();
            if (ignored.contains(name)) {
                continue;
            }
            String target = settings.columns().getOrDefault(name, name);
            Schema type = nonNull(field.schema());
            Column column = switch (target) {
                case "imageId" -> require(name, type, type.getType() == Schema.Type.STRING, "a string",
                        new Column(name, Kind.IMAGE_ID, null, null));
                case "metadata" -> metadataColumn(name, type);
                case "removeMetadata" -> listColumn(name, type, Kind.REMOVE_METADATA);
                case "addTags" -> listColumn(name, type, Kind.ADD_TAGS);
                case "removeTags" -> listColumn(name, type, Kind.REMOVE_TAGS);
                default -> valueColumn(name, target, type);
            };
            String identity = column.kind() == Kind.METADATA_VALUE ? "metadata." + column.key() : column.kind().name();
            if (!seen.add(identity)) {
                throw new InputException(file + ": column '" + name + "' duplicates another column's meaning ("
                        + target + ")");
            }
            hasImageId |= column.kind() == Kind.IMAGE_ID;
            columns.add(column);
        }
        if (!hasImageId) {
            throw new InputException(file + ": no imageId column (map one with tagsync.input.columns)");
        }
    }

    private Column metadataColumn(String name, Schema type) {
        return switch (type.getType()) {
            case MAP -> require(name, type, isScalar(nonNull(type.getValueType())), "a map of scalars",
                    new Column(name, Kind.METADATA_MAP, null, null));
            case RECORD -> {
                for (Schema.Field field : type.getFields()) {
                    if (!isScalar(nonNull(field.schema()))) {
                        throw unsupported(name + "." + field.name(), field.schema(), "a scalar");
                    }
                }
                yield new Column(name, Kind.METADATA_STRUCT, null, null);
            }
            case STRING -> new Column(name, Kind.METADATA_JSON, null, null);
            default -> throw unsupported(name, type, "a map, a struct or a JSON string");
        };
    }

    private Column listColumn(String name, Schema type, Kind kind) {
        boolean ok = type.getType() == Schema.Type.STRING
                || (type.getType() == Schema.Type.ARRAY && nonNull(type.getElementType()).getType() == Schema.Type.STRING);
        return require(name, type, ok, "a list of strings or a string", new Column(name, kind, null, null));
    }

    private Column valueColumn(String name, String target, Schema type) {
        if (!target.startsWith("metadata.") || target.length() == "metadata.".length()) {
            throw new InputException(file + ": unknown column '" + name + "' of type " + describe(type)
                    + " (expected imageId, metadata, removeMetadata, addTags, removeTags; map or ignore other "
                    + "columns in tagsync.input)");
        }
        CsvColumn spec = CsvColumn.parse(file, name, target);
        if (!isScalar(type)) {
            throw unsupported(name, type, "a string, number or boolean");
        }
        CsvColumn.ValueType parseAs = type.getType() == Schema.Type.STRING && target.contains(":") ? spec.type() : null;
        return new Column(name, Kind.METADATA_VALUE, spec.key(), parseAs);
    }

    private Column require(String name, Schema type, boolean ok, String expected, Column column) {
        if (!ok) {
            throw unsupported(name, type, expected);
        }
        return column;
    }

    private InputException unsupported(String name, Schema type, String expected) {
        return new InputException(file + ": column '" + name + "' has type " + describe(type) + "; tagsync reads it as "
                + expected);
    }

    private static String describe(Schema type) {
        Schema plain = nonNull(type);
        return switch (plain.getType()) {
            case ARRAY -> "list<" + describe(plain.getElementType()) + ">";
            case MAP -> "map<string," + describe(plain.getValueType()) + ">";
            case RECORD -> "struct";
            default -> plain.getLogicalType() != null ? plain.getLogicalType().getName()
                    : plain.getType().getName();
        };
    }

    private static boolean isScalar(Schema type) {
        return switch (type.getType()) {
            case STRING, INT, LONG, FLOAT, DOUBLE, BOOLEAN -> type.getLogicalType() == null
                    || type.getType() == Schema.Type.STRING;
            default -> false;
        };
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> types = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
            if (types.size() == 1) {
                return types.get(0);
            }
        }
        return schema;
    }

    @Override
    public InputRow next() {
        GenericRecord record;
        try {
            record = reader.read();
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": row " + (row + 1) + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (record == null) {
            return null;
        }
        row++;
        String imageId = null;
        Map<String, Object> metadata = new SmallMap<>();
        Set<String> removeMetadata = new SmallSet<>();
        Set<String> addTags = new SmallSet<>();
        Set<String> removeTags = new SmallSet<>();
        try {
            int[] positions = positions(record.getSchema());
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                Object value = positions[i] < 0 ? null : record.get(positions[i]);
                if (value == null) {
                    continue;
                }
                switch (column.kind()) {
                    case IMAGE_ID -> imageId = value.toString().strip();
                    case METADATA_MAP -> {
                        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                            if (entry.getValue() != null) {
                                put(metadata, entry.getKey().toString(), plain(entry.getValue()));
                            }
                        }
                    }
                    case METADATA_STRUCT -> {
                        GenericRecord struct = (GenericRecord) value;
                        for (Schema.Field field : struct.getSchema().getFields()) {
                            Object fieldValue = struct.get(field.pos());
                            if (fieldValue != null) {
                                put(metadata, field.name(), plain(fieldValue));
                            }
                        }
                    }
                    case METADATA_JSON -> {
                        String json = value.toString();
                        if (!json.isBlank()) {
                            JsonUpdates.mergeMetadata(JsonUpdates.parse(json), metadata);
                        }
                    }
                    case METADATA_VALUE -> {
                        Object plain = plain(value);
                        if (column.parseAs() != null) {
                            try {
                                plain = CsvUpdateReader.typed(plain.toString(), column.parseAs());
                            } catch (IllegalArgumentException e) {
                                throw new JsonUpdates.RowProblem("column '" + column.name() + "': " + e.getMessage());
                            }
                        }
                        if (!(plain instanceof String text && text.isEmpty())) {
                            put(metadata, column.key(), plain);
                        }
                    }
                    case REMOVE_METADATA -> strings(value, removeMetadata);
                    case ADD_TAGS -> strings(value, addTags);
                    case REMOVE_TAGS -> strings(value, removeTags);
                }
            }
        } catch (JsonUpdates.RowProblem problem) {
            return new InputRow.Rejected(source, row, row, imageId, problem.getMessage());
        }
        ImageUpdate update = new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags);
        String owner = imageId;
        return UpdateRules.violation(update)
                .<InputRow>map(reason -> new InputRow.Rejected(source, row, row, owner, reason))
                .orElseGet(() -> new InputRow.Valid(source, row, row, update));
    }

    /** Where each column is in records of {@code schema}: looked up once per file, not once per row. */
    private int[] positions(Schema schema) {
        if (schema != positionsSchema) {
            positions = new int[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                Schema.Field field = schema.getField(columns.get(i).name());
                positions[i] = field == null ? -1 : field.pos();
            }
            positionsSchema = schema;
        }
        return positions;
    }

    private static void put(Map<String, Object> metadata, String key, Object value) throws JsonUpdates.RowProblem {
        if (metadata.put(key, value) != null) {
            throw new JsonUpdates.RowProblem("metadata key '" + key + "' is set twice");
        }
    }

    /** An Avro scalar as a metadata value: text as String, whole numbers as Long, others as Double. */
    private static Object plain(Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Boolean || value instanceof ByteBuffer) {
            return value instanceof Boolean ? value : null;
        }
        return value.toString();
    }

    private void strings(Object value, Set<String> into) {
        if (value instanceof CharSequence text) {
            CsvUpdateReader.split(text.toString(), separator, into);
            return;
        }
        for (Object item : (Iterable<?>) value) {
            if (item != null) {
                String text = item.toString().strip();
                if (!text.isEmpty()) {
                    into.add(text);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
