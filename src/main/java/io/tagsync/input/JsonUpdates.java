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

    private static final Set<String> FIELDS = Set.of("imageId", "metadata", "removeMetadata", "addTags", "removeTags");

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

    /** One API-shaped update: {@code {"imageId", "metadata", "removeMetadata", "addTags", "removeTags"}}. */
    static ImageUpdate update(JsonNode node) throws RowProblem {
        if (node == null || !node.isObject()) {
            throw new RowProblem("not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new RowProblem("unknown field '" + field.getKey() + "'");
            }
        }
        JsonNode imageId = node.get("imageId");
        if (imageId != null && !imageId.isNull() && !imageId.isString()) {
            throw new RowProblem("imageId must be a string");
        }
        Map<String, Object> metadata = new SmallMap<>();
        JsonNode object = node.get("metadata");
        if (object != null && !object.isNull()) {
            mergeMetadata(object, metadata);
        }
        return new ImageUpdate(
                imageId == null || imageId.isNull()
                        ? null
                        : imageId.stringValue().strip(),
                metadata,
                strings(node.get("removeMetadata"), "removeMetadata"),
                strings(node.get("addTags"), "addTags"),
                strings(node.get("removeTags"), "removeTags"));
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

    private static Set<String> strings(JsonNode node, String field) throws RowProblem {
        Set<String> values = new SmallSet<>();
        if (node == null || node.isNull()) {
            return values;
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
        return values;
    }
}
