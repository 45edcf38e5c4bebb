package io.tagsync.input;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads updates and metadata objects written as JSON, in the API's shape. Thread-safe. */
final class JsonUpdates {

    /** Reads decimals as written, so that one too precise for a double still arrives exactly. */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonUpdates() {}

    /** A row's reason to be rejected. */
    static final class RowProblem extends Exception {
        RowProblem(String message) {
            super(message, null, false, false);
        }
    }

    static JsonNode parse(String text) throws RowProblem {
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new RowProblem("not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /**
     * One update from a JSON object whose fields are named as the columns of a CSV header or a Parquet schema are,
     * under the same mapping and ignore rules ({@link JsonFields}): in the API's shape, {@code {"imageId",
     * "metadata", "removeMetadata", "addTags", "removeTags"}}, or with {@code metadata.KEY} fields, or with an
     * engine's own names mapped. A {@code null} field changes nothing.
     */
    static ImageUpdate update(JsonNode node, JsonFields fields, String separator) throws RowProblem {
        if (node == null || !node.isObject()) {
            throw new RowProblem("not a JSON object");
        }
        String imageId = null;
        Map<String, Object> metadata = new SmallMap<>();
        Set<String> removeMetadata = new SmallSet<>();
        Set<String> addTags = new SmallSet<>();
        Set<String> removeTags = new SmallSet<>();
        int kindsSeen = 0;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            ColumnMeaning meaning = fields.meaning(name);
            JsonNode value = field.getValue();
            if (meaning.kind() == ColumnMeaning.Kind.IGNORED) {
                continue;
            }
            if (meaning.kind() != ColumnMeaning.Kind.METADATA_VALUE) {
                int bit = 1 << meaning.kind().ordinal();
                if ((kindsSeen & bit) != 0) {
                    throw new RowProblem(
                            "field '" + name + "' means " + meaning.describe() + ", as another field of the row does");
                }
                kindsSeen |= bit;
            }
            if (value.isNull()) {
                continue;
            }
            switch (meaning.kind()) {
                case IMAGE_ID -> {
                    if (!value.isString()) {
                        throw new RowProblem(name + " must be a string");
                    }
                    imageId = value.stringValue().strip();
                }
                case METADATA -> mergeMetadata(value.isString() ? parse(value.stringValue()) : value, metadata);
                case METADATA_VALUE -> {
                    Object typed = typed(name, value, meaning.type());
                    if (metadata.put(meaning.key(), typed) != null) {
                        throw new RowProblem("metadata key '" + meaning.key() + "' is set twice");
                    }
                }
                case REMOVE_METADATA -> strings(value, name, separator, removeMetadata);
                case ADD_TAGS -> strings(value, name, separator, addTags);
                case REMOVE_TAGS -> strings(value, name, separator, removeTags);
                case IGNORED -> {}
            }
        }
        return new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags);
    }

    /** A {@code metadata.KEY[:type]} field's value: a JSON scalar as it is, or a string parsed as its type. */
    private static Object typed(String name, JsonNode value, ColumnMeaning.ValueType type) throws RowProblem {
        if (value.isString() && type != ColumnMeaning.ValueType.STRING) {
            try {
                return CsvUpdateReader.typed(value.stringValue(), type);
            } catch (IllegalArgumentException e) {
                throw new RowProblem("field '" + name + "': " + e.getMessage());
            }
        }
        Object scalar = scalar(value);
        boolean fits = scalar != null
                && switch (type) {
                    case STRING -> true;
                    case NUMBER -> scalar instanceof Number;
                    case BOOLEAN -> scalar instanceof Boolean;
                };
        if (!fits) {
            throw new RowProblem("field '" + name + "' must be a " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + (type == ColumnMeaning.ValueType.STRING ? ", number or boolean" : ""));
        }
        return scalar;
    }

    /**
     * Puts a JSON object's scalar values into {@code metadata}; a key already there is a problem. A {@code null}
     * value leaves its key alone, as engines write a column with nothing in it.
     */
    static void mergeMetadata(JsonNode object, Map<String, Object> metadata) throws RowProblem {
        if (!object.isObject()) {
            throw new RowProblem("metadata must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            if (entry.getValue().isNull()) {
                continue;
            }
            Object value = scalar(entry.getValue());
            if (value == null) {
                throw new RowProblem("metadata key '" + entry.getKey() + "' must be a string, number or boolean");
            }
            if (metadata.put(entry.getKey(), value) != null) {
                throw new RowProblem("metadata key '" + entry.getKey() + "' is set twice");
            }
        }
    }

    /** A JSON scalar as a metadata value, or null for anything else. */
    static Object scalar(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isBigDecimal()) {
            return exact(value.decimalValue());
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return null;
    }

    /** A decimal as a {@code double} when that holds it exactly, else as the decimal itself. */
    static Number exact(BigDecimal decimal) {
        double number = decimal.doubleValue();
        return Double.isFinite(number) && new BigDecimal(Double.toString(number)).compareTo(decimal) == 0
                ? (Number) number
                : decimal;
    }

    /** A JSON array of strings (nulls left out), or a string of items joined by the list separator. */
    private static void strings(JsonNode node, String field, String separator, Set<String> values) throws RowProblem {
        if (node.isString()) {
            CsvUpdateReader.split(node.stringValue(), separator, values);
            return;
        }
        if (!node.isArray()) {
            throw new RowProblem(field + " must be an array of strings");
        }
        for (JsonNode item : node) {
            if (item.isNull()) {
                continue; // an engine's empty list element: no change
            }
            if (!item.isString()) {
                throw new RowProblem(field + " must be an array of strings");
            }
            String value = item.stringValue().strip();
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
    }
}
