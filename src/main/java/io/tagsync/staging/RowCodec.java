package io.tagsync.staging;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import io.tagsync.input.ImageUpdate;
import io.tagsync.input.SmallMap;
import io.tagsync.input.SmallSet;

/**
 * A row's update and row reference as compact bytes, so that the merge buffer holds one small array per row
 * instead of a graph of maps and sets (which made garbage collection the largest cost of staging). Not
 * thread-safe: one codec per merger.
 */
final class RowCodec {

    private byte[] buffer = new byte[256];
    private int position;

    byte[] encode(ImageUpdate update, String rowRef) {
        position = 0;
        putString(rowRef);
        putInt(update.metadata().size());
        for (Map.Entry<String, Object> entry : update.metadata().entrySet()) {
            putString(entry.getKey());
            Object value = entry.getValue();
            if (value instanceof String text) {
                putByte('S');
                putString(text);
            } else if (value instanceof Boolean flag) {
                putByte(flag ? 'T' : 'F');
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                putByte('L');
                putLong(((Number) value).longValue());
            } else if (value instanceof BigInteger || value instanceof BigDecimal) {
                putByte(value instanceof BigInteger ? 'I' : 'M');
                putString(value.toString());
            } else {
                putByte('D');
                putLong(Double.doubleToRawLongBits(((Number) value).doubleValue()));
            }
        }
        putStrings(update.removeMetadata());
        putStrings(update.addTags());
        putStrings(update.removeTags());
        return Arrays.copyOf(buffer, position);
    }

    /** The update of {@code imageId} that {@link #encode} wrote, and its row reference. */
    static Decoded decode(String imageId, byte[] bytes) {
        Reader in = new Reader(bytes);
        String rowRef = in.string();
        int size = in.integer();
        Map<String, Object> metadata = new SmallMap<>();
        for (int i = 0; i < size; i++) {
            String key = in.string();
            byte type = bytes[in.position++];
            Object value = switch (type) {
                case 'S' -> in.string();
                case 'T' -> Boolean.TRUE;
                case 'F' -> Boolean.FALSE;
                case 'L' -> in.longValue();
                case 'I' -> new BigInteger(in.string());
                case 'M' -> new BigDecimal(in.string());
                case 'D' -> Double.longBitsToDouble(in.longValue());
                default -> throw new IllegalStateException("corrupt staged row: value type " + type);
            };
            metadata.put(key, value);
        }
        Set<String> removeMetadata = in.strings();
        Set<String> addTags = in.strings();
        Set<String> removeTags = in.strings();
        return new Decoded(new ImageUpdate(imageId, metadata, removeMetadata, addTags, removeTags), rowRef);
    }

    record Decoded(ImageUpdate update, String rowRef) {
    }

    private void putStrings(Set<String> values) {
        putInt(values.size());
        for (String value : values) {
            putString(value);
        }
    }

    private void putString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        putInt(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void putByte(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
    }

    private void putInt(int value) {
        ensure(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    private void ensure(int bytes) {
        if (buffer.length - position < bytes) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + bytes));
        }
    }

    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int integer() {
            int value = ((bytes[position] & 0xFF) << 24) | ((bytes[position + 1] & 0xFF) << 16)
                    | ((bytes[position + 2] & 0xFF) << 8) | (bytes[position + 3] & 0xFF);
            position += 4;
            return value;
        }

        long longValue() {
            return ((long) integer() << 32) | (integer() & 0xFFFFFFFFL);
        }

        String string() {
            int length = integer();
            String text = new String(bytes, position, length, StandardCharsets.UTF_8);
            position += length;
            return text;
        }

        Set<String> strings() {
            int size = integer();
            Set<String> values = new SmallSet<>();
            for (int i = 0; i < size; i++) {
                values.add(string());
            }
            return values;
        }
    }
}
