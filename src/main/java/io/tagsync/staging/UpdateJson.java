package io.tagsync.staging;

import io.tagsync.input.ImageUpdate;
import io.tagsync.input.SmallMap;
import io.tagsync.input.SmallSet;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * One update as the JSON object a request body holds, written once when its row is read: an image with a
 * single row (most of them) goes into its request as these bytes, and only an image with several rows is read
 * back to be folded. Reading back keeps numbers as they were written (see {@link JsonNumber}), so a folded
 * update sends the same values. Not thread-safe: one per merger.
 */
final class UpdateJson {

    private byte[] out = new byte[512];
    private int size;

    /**
     * A row as the merge buffers and spills it: its row reference and change counts, then its JSON object
     * (see {@link #single} for the layout's reader).
     */
    byte[] row(ImageUpdate update, String rowRef) {
        byte[] ref = rowRef.getBytes(StandardCharsets.UTF_8);
        int header = 4 + ref.length + 16;
        byte[] row = write(
                header,
                update.imageId(),
                update.metadata(),
                update.removeMetadata(),
                update.addTags(),
                update.removeTags());
        putInt(row, 0, ref.length);
        System.arraycopy(ref, 0, row, 4, ref.length);
        int at = 4 + ref.length;
        putInt(row, at, update.metadata().size());
        putInt(row, at + 4, update.removeMetadata().size());
        putInt(row, at + 8, update.addTags().size());
        putInt(row, at + 12, update.removeTags().size());
        return row;
    }

    /**
     * Several rows of one image folded, as a spill file holds them (a run folds each image's rows before it is
     * written): like {@link #row}, but its row reference's length is written complemented and followed by the place
     * of the last row folded in and the number of row references left out.
     */
    byte[] folded(MergedUpdate merged) {
        byte[] ref = merged.rowsShown().getBytes(StandardCharsets.UTF_8);
        int header = 4 + ref.length + 16 + 16;
        byte[] row = write(
                header,
                merged.imageId(),
                merged.metadata(),
                merged.removeMetadata(),
                merged.addTags(),
                merged.removeTags());
        putInt(row, 0, ~ref.length);
        System.arraycopy(ref, 0, row, 4, ref.length);
        int at = 4 + ref.length;
        putLong(row, at, merged.lastRow());
        putLong(row, at + 8, merged.rowsLeftOut());
        putInt(row, at + 16, merged.metadata().size());
        putInt(row, at + 20, merged.removeMetadata().size());
        putInt(row, at + 24, merged.addTags().size());
        putInt(row, at + 28, merged.removeTags().size());
        return row;
    }

    /** True for a row that holds several rows folded ({@link #folded}). */
    static boolean isFolded(byte[] row) {
        return getInt(row, 0) < 0;
    }

    /** The place of the last row in {@code row}; {@code ordinal} is the place of its first. */
    static long lastOrdinal(byte[] row, long ordinal) {
        int length = getInt(row, 0);
        return length >= 0 ? ordinal : getLong(row, 4 + ~length);
    }

    /** How many row references a folded row leaves out. */
    static long rowsLeftOut(byte[] row) {
        int length = getInt(row, 0);
        return length >= 0 ? 0 : getLong(row, 4 + ~length + 8);
    }

    /** The update of an image from one row of the merge, {@code ordinal} its place in the input: the row's own bytes. */
    static StagedUpdate single(String imageId, long ordinal, byte[] row) {
        int counts = jsonOffset(row) - 16;
        return new StagedUpdate(
                imageId,
                row,
                jsonOffset(row),
                MergedUpdate.rowsText(rowRef(row), rowsLeftOut(row)),
                ordinal,
                lastOrdinal(row, ordinal),
                getInt(row, counts),
                getInt(row, counts + 4),
                getInt(row, counts + 8),
                getInt(row, counts + 12));
    }

    /** The update a row holds, for folding. */
    static ImageUpdate update(byte[] row) {
        return read(row, jsonOffset(row));
    }

    /** The row reference a row holds (the references shown, for a folded row). */
    static String rowRef(byte[] row) {
        int length = getInt(row, 0);
        return new String(row, 4, length >= 0 ? length : ~length, StandardCharsets.UTF_8);
    }

    /** Where a row's JSON object starts: after its row reference's length and bytes, and four counts. */
    private static int jsonOffset(byte[] row) {
        int length = getInt(row, 0);
        return length >= 0 ? 4 + length + 16 : 4 + ~length + 16 + 16;
    }

    /** The update of an image with several rows, folded. */
    StagedUpdate merged(MergedUpdate merged) {
        byte[] json = write(
                0, merged.imageId(), merged.metadata(), merged.removeMetadata(), merged.addTags(), merged.removeTags());
        return new StagedUpdate(
                merged.imageId(),
                json,
                0,
                merged.rows(),
                merged.firstRow(),
                merged.lastRow(),
                merged.metadata().size(),
                merged.removeMetadata().size(),
                merged.addTags().size(),
                merged.removeTags().size());
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private static void putLong(byte[] bytes, int at, long value) {
        putInt(bytes, at, (int) (value >>> 32));
        putInt(bytes, at + 4, (int) value);
    }

    private static long getLong(byte[] bytes, int at) {
        return ((long) getInt(bytes, at) << 32) | (getInt(bytes, at + 4) & 0xFFFFFFFFL);
    }

    private static int getInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    /**
     * {@code header} bytes left for the caller, then the update's JSON object in the API's shape; the fields
     * without a change are left out.
     */
    private byte[] write(
            int header,
            String imageId,
            Map<String, Object> metadata,
            Set<String> removeMetadata,
            Set<String> addTags,
            Set<String> removeTags) {
        size = 0;
        ascii("{\"imageId\":");
        string(imageId);
        if (!metadata.isEmpty()) {
            ascii(",\"metadata\":{");
            boolean first = true;
            for (String key : sorted(metadata.keySet())) {
                if (!first) {
                    ascii(",");
                }
                first = false;
                string(key);
                ascii(":");
                scalar(metadata.get(key));
            }
            ascii("}");
        }
        list(",\"removeMetadata\":[", removeMetadata);
        list(",\"addTags\":[", addTags);
        list(",\"removeTags\":[", removeTags);
        ascii("}");
        byte[] result = new byte[header + size];
        System.arraycopy(out, 0, result, header, size);
        return result;
    }

    private void list(String opening, Set<String> values) {
        if (values.isEmpty()) {
            return;
        }
        ascii(opening);
        boolean first = true;
        for (String value : sorted(values)) {
            if (!first) {
                ascii(",");
            }
            first = false;
            string(value);
        }
        ascii("]");
    }

    /**
     * Names in order, so that equal updates are written as equal bytes whatever the order of their input's columns
     * and lists: {@code --changed-only} compares updates by their bytes.
     */
    private static Iterable<String> sorted(Set<String> names) {
        if (names.size() < 2) {
            return names;
        }
        String previous = null;
        boolean ascending = true;
        for (String name : names) {
            if (previous != null && previous.compareTo(name) > 0) {
                ascending = false;
                break;
            }
            previous = name;
        }
        if (ascending) {
            return names;
        }
        String[] inOrder = names.toArray(new String[0]);
        Arrays.sort(inOrder);
        return Arrays.asList(inOrder);
    }

    private void scalar(Object value) {
        if (value instanceof String text) {
            string(text);
        } else if (value instanceof Boolean flag) {
            ascii(flag ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("not a JSON number: " + number);
            }
            ascii(Double.toString(number));
        } else if (value instanceof Number number) {
            // Long and the smaller integers, BigInteger, BigDecimal and JsonNumber all print as JSON numbers
            ascii(number.toString());
        } else {
            throw new IllegalArgumentException("not a metadata value: " + value);
        }
    }

    /** Text known to be ASCII (names, punctuation, numbers). */
    private void ascii(String text) {
        int length = text.length();
        ensure(length);
        text.getBytes(0, length, out, size);
        size += length;
    }

    /** A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8. */
    private void string(String text) {
        int length = text.length();
        ensure(6 * length + 2); // the most any character takes: 6 bytes as an escape, 3 as UTF-8
        byte[] out = this.out;
        int at = size;
        out[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out[at++] = (byte) c;
            } else {
                size = at;
                i = special(text, i);
                at = size;
            }
        }
        out[at++] = '"';
        size = at;
    }

    /** Writes the character at {@code i} that needs more than a byte (with the rest of its run); returns the last index written. */
    private int special(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x80) {
            escape(c);
            return i;
        }
        int end = i + 1;
        while (end < text.length() && text.charAt(end) >= 0x80) {
            end++;
        }
        byte[] utf8 = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, out, size, utf8.length);
        size += utf8.length;
        return end - 1;
    }

    private void escape(char c) {
        switch (c) {
            case '"' -> ascii("\\\"");
            case '\\' -> ascii("\\\\");
            case '\n' -> ascii("\\n");
            case '\r' -> ascii("\\r");
            case '\t' -> ascii("\\t");
            default -> ascii(String.format("\\u%04X", (int) c));
        }
    }

    private void ensure(int more) {
        if (out.length - size < more) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }

    /** The update whose JSON object is {@code bytes[offset..]}. */
    static ImageUpdate read(byte[] bytes, int offset) {
        Map<String, Object> metadata = new SmallMap<>();
        Set<String> removeMetadata = new SmallSet<>();
        Set<String> addTags = new SmallSet<>();
        Set<String> removeTags = new SmallSet<>();
        String imageId = null;
        try (JsonParser parser = RequestPayloads.JSON.createParser(bytes, offset, bytes.length - offset)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "imageId" -> imageId = parser.getString();
                    case "metadata" -> {
                        expect(value, JsonToken.START_OBJECT);
                        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                            String key = parser.currentName();
                            metadata.put(key, scalar(parser, parser.nextToken()));
                        }
                    }
                    case "removeMetadata" -> strings(parser, value, removeMetadata);
                    case "addTags" -> strings(parser, value, addTags);
                    case "removeTags" -> strings(parser, value, removeTags);
                    default -> throw new IllegalStateException("corrupt staged update: field " + field);
                }
            }
        }
        return new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags);
    }

    private static Object scalar(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> parser.getString();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue()
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> new JsonNumber(parser.getText());
            default -> throw new IllegalStateException("corrupt staged update: metadata value " + token);
        };
    }

    private static void strings(JsonParser parser, JsonToken token, Set<String> into) {
        expect(token, JsonToken.START_ARRAY);
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
            into.add(parser.getString());
        }
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw new IllegalStateException("corrupt staged update: " + token + " where " + expected + " belongs");
        }
    }

    /**
     * A number with a fraction or exponent, as its JSON text: written back as that text, so a value read
     * from a staged update (a {@code double} or a {@code BigDecimal} of any precision) is sent unchanged.
     */
    static final class JsonNumber extends Number {

        private final String text;

        JsonNumber(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        @Override
        public int intValue() {
            return (int) doubleValue();
        }

        @Override
        public long longValue() {
            return (long) doubleValue();
        }

        @Override
        public float floatValue() {
            return (float) doubleValue();
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof JsonNumber number && number.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
