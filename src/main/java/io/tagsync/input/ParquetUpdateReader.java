package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet file as engines write it (DuckDB, Spark, Arrow, parquet-avro), straight from its columns,
 * without a Hadoop cluster client. Columns (after {@code tagsync.input.columns} mapping), of any name a table
 * can have: {@code imageId} text; {@code metadata} as a map or a struct of scalars, or a JSON string (or JSON
 * column); {@code removeMetadata}, {@code addTags}, {@code removeTags} as lists of strings (the standard
 * three-level layout or the legacy two-level one) or {@code |}-joined strings; {@code metadata.KEY[:type]}
 * scalar columns. Values are decoded by {@link ParquetValues}. A null — a column, a map value, a list element
 * — means "no change". Only the columns used are read. The schema is checked when the reader opens: an
 * unknown column, or a used one of a type tagsync cannot send, fails the run before anything is sent, naming
 * the column, its type and a cast. Rows are numbered from 1; a Parquet row has no line, so {@code line}
 * repeats the row. Not thread-safe.
 */
public final class ParquetUpdateReader extends FileRowReader {

    private enum Kind {
        IMAGE_ID,
        METADATA_OBJECT,
        METADATA_JSON,
        METADATA_VALUE,
        REMOVE_METADATA,
        ADD_TAGS,
        REMOVE_TAGS
    }

    private record Column(String name, Kind kind, String key, ColumnMeaning.ValueType parseAs, boolean json) {}

    private final TagsyncProperties.Input settings;
    private final String separator;
    private final List<Column> columns = new ArrayList<>();
    private final List<Type> projected = new ArrayList<>();
    private ParquetFileReader reader;
    private MessageColumnIO columnIO;
    private RowMaterializer materializer;
    private RecordReader<Object[]> records;
    private long rowsLeftInGroup;
    private long row;

    public ParquetUpdateReader(Path file, TagsyncProperties.Input settings) {
        this(InputPart.local(file), file.getFileName().toString(), settings, PartitionColumns.NONE);
    }

    ParquetUpdateReader(InputPart file, String source, TagsyncProperties.Input settings, PartitionColumns partitions) {
        super(file, source, partitions);
        this.settings = settings;
        this.separator = settings.listSeparator();
    }

    @Override
    protected void doOpen() {
        columns.clear();
        projected.clear();
        try {
            if (file.size() == 0) {
                throw new InputException(file + ": the file is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
        }
        try {
            reader = ParquetFileReader.open(
                    file.parquetFile(),
                    ParquetReadOptions.builder(new PlainParquetConfiguration())
                            .withCodecFactory(new ParquetCodecs())
                            .build());
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": not a readable Parquet file (" + e.getMessage() + ")", e);
        }
        try {
            MessageType schema = reader.getFileMetaData().getSchema();
            layout(schema, settings);
            ParquetCodecs.checkCodecs(
                    file,
                    reader.getFooter(),
                    projected.stream().map(Type::getName).collect(Collectors.toSet()));
            MessageType projection = new MessageType(schema.getName(), projected);
            reader.setRequestedSchema(projection);
            columnIO = new ColumnIOFactory().getColumnIO(projection, schema);
            materializer = new RowMaterializer(projected);
        } catch (RuntimeException e) {
            doClose();
            throw e;
        }
    }

    private void layout(MessageType schema, TagsyncProperties.Input settings) {
        ColumnLayout layout = new ColumnLayout(file, "", settings);
        for (Type field : schema.getFields()) {
            ColumnMeaning meaning = layout.add(field.getName(), " of type " + ParquetValues.describe(field));
            Column column = switch (meaning.kind()) {
                case IGNORED -> null;
                case IMAGE_ID -> {
                    requireScalar(field, true);
                    yield new Column(field.getName(), Kind.IMAGE_ID, null, null, false);
                }
                case METADATA -> metadataColumn(field);
                case REMOVE_METADATA -> listColumn(field, Kind.REMOVE_METADATA);
                case ADD_TAGS -> listColumn(field, Kind.ADD_TAGS);
                case REMOVE_TAGS -> listColumn(field, Kind.REMOVE_TAGS);
                case METADATA_VALUE -> valueColumn(field, meaning);
            };
            if (column != null) {
                columns.add(column);
                projected.add(field);
            }
        }
        layout.requireImageId();
    }

    private Column metadataColumn(Type field) {
        if (field.isPrimitive()) {
            PrimitiveType type = requireScalar(field, true);
            return new Column(field.getName(), Kind.METADATA_JSON, null, null, ParquetValues.isJson(type));
        }
        GroupType group = field.asGroupType();
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
            GroupType entry = mapEntry(group);
            if (entry == null
                    || !entry.getType(0).isPrimitive()
                    || !ParquetValues.isText(entry.getType(0).asPrimitiveType())) {
                throw unsupported(field.getName(), field, "a map of string keys to scalars");
            }
            requireScalar(entry.getType(1), false, field.getName() + " (its values)");
            return new Column(field.getName(), Kind.METADATA_OBJECT, null, null, false);
        }
        if (logical != null || group.isRepetition(Type.Repetition.REPEATED)) {
            throw unsupported(field.getName(), field, "a map, a struct of scalars or a JSON string");
        }
        for (Type member : group.getFields()) {
            requireScalar(member, false, field.getName() + "." + member.getName());
        }
        return new Column(field.getName(), Kind.METADATA_OBJECT, null, null, false);
    }

    private Column listColumn(Type field, Kind kind) {
        Type element = field.isRepetition(Type.Repetition.REPEATED) ? field : listElement(field);
        if (element == null && field.isPrimitive()) {
            requireText(field, "a list of strings or a string");
            return new Column(field.getName(), kind, null, null, false);
        }
        if (element == null || !element.isPrimitive() || !ParquetValues.isText(element.asPrimitiveType())) {
            throw unsupported(field.getName(), field, "a list of strings or a string");
        }
        return new Column(field.getName(), kind, null, null, false);
    }

    /** Text is typed as its column's name says ({@code metadata.KEY:number}); other types keep their own. */
    private Column valueColumn(Type field, ColumnMeaning meaning) {
        PrimitiveType type = requireScalar(field, false);
        boolean text = ParquetValues.isText(type);
        return new Column(
                field.getName(),
                Kind.METADATA_VALUE,
                meaning.key(),
                text && meaning.type() != ColumnMeaning.ValueType.STRING ? meaning.type() : null,
                ParquetValues.isJson(type));
    }

    private PrimitiveType requireScalar(Type field, boolean textOnly) {
        return requireScalar(field, textOnly, field.getName());
    }

    private PrimitiveType requireScalar(Type field, boolean textOnly, String name) {
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
            throw unsupported(name, field, "a single " + (textOnly ? "string" : "string, number or boolean"));
        }
        PrimitiveType type = field.asPrimitiveType();
        if (textOnly) {
            return requireText(field, "a string");
        }
        if (ParquetValues.decoder(type) == null) {
            throw unsupported(name, field, "a string, number, boolean, date or time");
        }
        return type;
    }

    private PrimitiveType requireText(Type field, String expected) {
        if (!field.isPrimitive() || !ParquetValues.isText(field.asPrimitiveType())) {
            throw unsupported(field.getName(), field, expected);
        }
        return field.asPrimitiveType();
    }

    private InputException unsupported(String name, Type type, String expected) {
        return new InputException(file + ": column '" + name + "' has type " + ParquetValues.describe(type)
                + "; tagsync reads it as " + expected + ": cast it to " + ParquetValues.castFor(type));
    }

    /**
     * The element of a LIST column, by Parquet's rules for the standard three-level layout and the legacy ones;
     * null when the column is not a list.
     */
    static Type listElement(Type field) {
        if (field.isPrimitive()
                || !(field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
            return null;
        }
        GroupType list = field.asGroupType();
        if (list.getFieldCount() != 1 || !list.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            return null;
        }
        Type repeated = list.getType(0);
        if (repeated.isPrimitive()) {
            return repeated; // two-level: repeated binary element
        }
        GroupType inner = repeated.asGroupType();
        if (inner.getFieldCount() != 1
                || inner.getName().equals("array")
                || inner.getName().equals(list.getName() + "_tuple")) {
            return repeated; // legacy: the repeated group is the element
        }
        return inner.getType(0); // three-level: list.element
    }

    private static GroupType mapEntry(GroupType map) {
        if (map.getFieldCount() != 1
                || map.getType(0).isPrimitive()
                || !map.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            return null;
        }
        GroupType entry = map.getType(0).asGroupType();
        return entry.getFieldCount() == 2 ? entry : null;
    }

    @Override
    protected InputRow doRead() {
        Object[] values;
        try {
            while (rowsLeftInGroup == 0) {
                PageReadStore pages = reader.readNextRowGroup();
                if (pages == null) {
                    return null;
                }
                rowsLeftInGroup = pages.getRowCount();
                records = columnIO.getRecordReader(pages, materializer);
            }
            values = records.read();
            rowsLeftInGroup--;
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": row " + (row + 1) + ": cannot be read (" + e.getMessage() + ")", e);
        }
        row++;
        String imageId = null;
        Map<String, Object> metadata = new SmallMap<>();
        Set<String> removeMetadata = new SmallSet<>();
        Set<String> addTags = new SmallSet<>();
        Set<String> removeTags = new SmallSet<>();
        try {
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                Object value = values[i];
                if (value == null) {
                    continue;
                }
                checkSendable(column.name(), value);
                switch (column.kind()) {
                    case IMAGE_ID -> imageId = value.toString().strip();
                    case METADATA_OBJECT -> {
                        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                            if (entry.getKey() != null && entry.getValue() != null) {
                                put(metadata, entry.getKey().toString(), entry.getValue());
                            }
                        }
                    }
                    case METADATA_JSON -> {
                        String json = value.toString();
                        if (!json.isBlank()) {
                            JsonUpdates.mergeMetadata(JsonUpdates.parse(json), metadata);
                        }
                    }
                    case METADATA_VALUE -> metadataValue(column, value, metadata);
                    case REMOVE_METADATA -> strings(value, removeMetadata);
                    case ADD_TAGS -> strings(value, addTags);
                    case REMOVE_TAGS -> strings(value, removeTags);
                }
            }
        } catch (JsonUpdates.RowProblem problem) {
            throw new RejectedRowException(source, row, row, imageId, problem.getMessage());
        }
        return partitions.row(
                source, row, row, new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags), separator);
    }

    private void metadataValue(Column column, Object value, Map<String, Object> metadata)
            throws JsonUpdates.RowProblem {
        Object plain = value;
        if (column.json()) {
            var node = JsonUpdates.parse(value.toString());
            if (node.isNull()) {
                return;
            }
            plain = JsonUpdates.scalar(node);
            if (plain == null) {
                throw new JsonUpdates.RowProblem("column '" + column.name() + "': a metadata value must be a string, "
                        + "number or boolean, not " + node.getNodeType().name().toLowerCase(Locale.ROOT));
            }
        } else if (column.parseAs() != null) {
            try {
                plain = CsvUpdateReader.typed(value.toString(), column.parseAs());
            } catch (IllegalArgumentException e) {
                throw new JsonUpdates.RowProblem("column '" + column.name() + "': " + e.getMessage());
            }
        }
        if (!(plain instanceof String text && text.isEmpty())) {
            put(metadata, column.key(), plain);
        }
    }

    /** Rejects the row when a value, or one inside a list or map, cannot be sent (NaN, say). */
    private static void checkSendable(String column, Object value) throws JsonUpdates.RowProblem {
        if (value instanceof ParquetValues.Problem problem) {
            throw new JsonUpdates.RowProblem("column '" + column + "': " + problem.reason());
        }
        if (value instanceof Map<?, ?> map) {
            for (Object item : map.values()) {
                checkSendable(column, item);
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                checkSendable(column, item);
            }
        }
    }

    private static void put(Map<String, Object> metadata, String key, Object value) throws JsonUpdates.RowProblem {
        if (metadata.put(key, value) != null) {
            throw new JsonUpdates.RowProblem("metadata key '" + key + "' is set twice");
        }
    }

    private void strings(Object value, Set<String> into) {
        if (value instanceof String text) {
            CsvUpdateReader.split(text, separator, into);
            return;
        }
        for (Object item : (List<?>) value) {
            if (item != null) {
                String text = item.toString().strip();
                if (!text.isEmpty()) {
                    into.add(text);
                }
            }
        }
    }

    @Override
    protected void doClose() {
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException ignored) {
            // read-only
        }
    }

    /**
     * Assembles each row of the projected columns into one value a column: scalars as {@link ParquetValues}
     * decodes them, lists as {@link List}s (null elements left out), maps and structs as {@link Map}s (null
     * values kept, for the caller to leave out).
     */
    private static final class RowMaterializer extends RecordMaterializer<Object[]> {

        private final Object[][] current = new Object[1][];
        private final GroupConverter root;

        RowMaterializer(List<Type> fields) {
            int count = fields.size();
            Converter[] children = new Converter[count];
            for (int i = 0; i < count; i++) {
                int index = i;
                Type field = fields.get(i);
                if (field.isRepetition(Type.Repetition.REPEATED)) {
                    // a bare repeated column: a list of its values
                    children[i] = converter(field, value -> {
                        if (current[0][index] == null) {
                            current[0][index] = new ArrayList<>();
                        }
                        if (value != null) {
                            @SuppressWarnings("unchecked")
                            List<Object> list = (List<Object>) current[0][index];
                            list.add(value);
                        }
                    });
                } else {
                    children[i] = converter(field, value -> current[0][index] = value);
                }
            }
            root = group(fieldIndex -> children[fieldIndex], () -> current[0] = new Object[count], () -> {});
        }

        @Override
        public Object[] getCurrentRecord() {
            return current[0];
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }

        /** A converter for a field of {@code type} that hands each value it assembles to {@code sink}. */
        private static Converter converter(Type type, Consumer<Object> sink) {
            if (type.isPrimitive()) {
                return new ScalarConverter(ParquetValues.decoder(type.asPrimitiveType()), sink);
            }
            GroupType group = type.asGroupType();
            LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
            if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && listElement(group) != null) {
                return list(group, sink);
            }
            if ((logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                            || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
                    && mapEntry(group) != null) {
                return map(group, sink);
            }
            return struct(group, sink);
        }

        /**
         * A LIST group, as a {@link List} without its null elements: its repeated field is the element
         * (two-level) or a group around it (three-level).
         */
        private static Converter list(GroupType list, Consumer<Object> sink) {
            Slot<List<Object>> items = new Slot<>();
            Type element = listElement(list);
            Converter elements = converter(element, value -> {
                if (value != null) {
                    items.value.add(value);
                }
            });
            Converter repeated = element == list.getType(0) ? elements : group(i -> elements, () -> {}, () -> {});
            return group(i -> repeated, () -> items.value = new ArrayList<>(), () -> sink.accept(items.value));
        }

        /** A MAP group, as a {@link Map}: a repeated group of key and value; an entry without a key is left out. */
        private static Converter map(GroupType group, Consumer<Object> sink) {
            Object[] entry = new Object[2];
            Slot<Map<String, Object>> map = new Slot<>();
            GroupType entryType = mapEntry(group);
            Converter key = converter(entryType.getType(0), item -> entry[0] = item);
            Converter value = converter(entryType.getType(1), item -> entry[1] = item);
            Converter entries = group(
                    i -> i == 0 ? key : value,
                    () -> {
                        entry[0] = null;
                        entry[1] = null;
                    },
                    () -> {
                        if (entry[0] != null) {
                            map.value.put(entry[0].toString(), entry[1]);
                        }
                    });
            return group(i -> entries, () -> map.value = new LinkedHashMap<>(), () -> sink.accept(map.value));
        }

        /** A struct, as a {@link Map} of its fields by name, in the schema's order. */
        private static Converter struct(GroupType group, Consumer<Object> sink) {
            Slot<Map<String, Object>> struct = new Slot<>();
            Converter[] fields = new Converter[group.getFieldCount()];
            for (int i = 0; i < fields.length; i++) {
                String name = group.getType(i).getName();
                fields[i] = converter(group.getType(i), item -> struct.value.put(name, item));
            }
            return group(i -> fields[i], () -> struct.value = new LinkedHashMap<>(), () -> sink.accept(struct.value));
        }

        private static GroupConverter group(IntFunction<Converter> children, Runnable start, Runnable end) {
            return new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return children.apply(fieldIndex);
                }

                @Override
                public void start() {
                    start.run();
                }

                @Override
                public void end() {
                    end.run();
                }
            };
        }
    }

    /** What a group converter is assembling: one value at a time. */
    private static final class Slot<T> {
        T value;
    }

    private static final class ScalarConverter extends PrimitiveConverter {

        private final ParquetValues.Decoder decoder;
        private final Consumer<Object> sink;

        ScalarConverter(ParquetValues.Decoder decoder, Consumer<Object> sink) {
            this.decoder = decoder;
            this.sink = sink;
        }

        @Override
        public void addBinary(Binary value) {
            sink.accept(decoder.fromBinary(value));
        }

        @Override
        public void addBoolean(boolean value) {
            sink.accept(decoder.fromBoolean(value));
        }

        @Override
        public void addDouble(double value) {
            sink.accept(decoder.fromDouble(value));
        }

        @Override
        public void addFloat(float value) {
            sink.accept(decoder.fromFloat(value));
        }

        @Override
        public void addInt(int value) {
            sink.accept(decoder.fromInt(value));
        }

        @Override
        public void addLong(long value) {
            sink.accept(decoder.fromLong(value));
        }
    }
}
