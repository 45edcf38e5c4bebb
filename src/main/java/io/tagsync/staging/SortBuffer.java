package io.tagsync.staging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows {@link UpdateMerger} sorts in memory, each stored as the record a run file holds (its image ID's
 * UTF-8 bytes, its place in the input and its {@link UpdateJson#row} bytes, each byte array after its length)
 * in blocks of {@value #BLOCK} bytes that are kept and reused from one buffer to the next. So a full buffer
 * is a few dozen arrays rather than several objects a row: the collector copies the blocks until they settle
 * in the old generation, and then no more, instead of copying every buffered row again at each collection.
 * Not thread-safe.
 */
final class SortBuffer {

    static final int BLOCK = 1 << 20;

    /** Blocks in use, then blocks kept from earlier buffers; a record larger than a block gets one of its own. */
    private final List<byte[]> blocks = new ArrayList<>();

    private int block = -1;
    private int position = BLOCK;
    private long bytes;
    /** Where each row's record starts: block index in the high half, offset in the low half. */
    private long[] handles = new long[1024];

    private long[] scratch = new long[0];
    private int size;

    /** Appends a row; {@code key} is its image ID in UTF-8. */
    void add(byte[] key, long ordinal, byte[] row) {
        int length = 4 + key.length + 8 + 4 + row.length;
        byte[] target = room(length);
        int at = position;
        putInt(target, at, key.length);
        System.arraycopy(key, 0, target, at + 4, key.length);
        at += 4 + key.length;
        putLong(target, at, ordinal);
        putInt(target, at + 8, row.length);
        System.arraycopy(row, 0, target, at + 12, row.length);
        if (size == handles.length) {
            handles = Arrays.copyOf(handles, size * 2);
        }
        handles[size++] = ((long) block << 32) | position;
        position += length;
        bytes += length;
    }

    private byte[] room(int length) {
        if (block >= 0 && BLOCK - position >= length && blocks.get(block).length == BLOCK) {
            return blocks.get(block);
        }
        block++;
        position = 0;
        if (length > BLOCK) {
            blocks.add(block, new byte[length]);
        } else if (block == blocks.size()) {
            blocks.add(new byte[BLOCK]);
        }
        return blocks.get(block);
    }

    int size() {
        return size;
    }

    /** Bytes of the records held. */
    long bytes() {
        return bytes;
    }

    /** Sorts the rows by image ID (UTF-8 bytes, unsigned), each image's rows in the order they were added. */
    void sort() {
        if (scratch.length < size) {
            scratch = new long[handles.length];
        }
        System.arraycopy(handles, 0, scratch, 0, size);
        mergeSort(scratch, handles, 0, size);
    }

    /** Sorts {@code from..to} of {@code source} into {@code target}; both start with the same contents. */
    private void mergeSort(long[] source, long[] target, int from, int to) {
        if (to - from < 16) {
            for (int i = from + 1; i < to; i++) {
                long handle = target[i];
                int j = i - 1;
                while (j >= from && compare(target[j], handle) > 0) {
                    target[j + 1] = target[j];
                    j--;
                }
                target[j + 1] = handle;
            }
            return;
        }
        int middle = (from + to) >>> 1;
        mergeSort(target, source, from, middle);
        mergeSort(target, source, middle, to);
        if (compare(source[middle - 1], source[middle]) <= 0) {
            System.arraycopy(source, from, target, from, to - from);
            return;
        }
        for (int i = from, left = from, right = middle; i < to; i++) {
            if (right >= to || left < middle && compare(source[left], source[right]) <= 0) {
                target[i] = source[left++];
            } else {
                target[i] = source[right++];
            }
        }
    }

    /** Image IDs first; equal ones by handle, which grows with each row added. */
    private int compare(long a, long b) {
        byte[] blockA = blocks.get((int) (a >>> 32));
        byte[] blockB = blocks.get((int) (b >>> 32));
        int atA = (int) a;
        int atB = (int) b;
        int lengthA = getInt(blockA, atA);
        int lengthB = getInt(blockB, atB);
        int byKey = Arrays.compareUnsigned(blockA, atA + 4, atA + 4 + lengthA, blockB, atB + 4, atB + 4 + lengthB);
        return byKey != 0 ? byKey : Long.compare(a, b);
    }

    /** True when the {@code i}-th and {@code j}-th rows in the current order have the same image ID. */
    boolean sameKey(int i, int j) {
        byte[] blockA = blocks.get((int) (handles[i] >>> 32));
        byte[] blockB = blocks.get((int) (handles[j] >>> 32));
        int atA = (int) handles[i];
        int atB = (int) handles[j];
        return Arrays.equals(
                blockA, atA + 4, atA + 4 + getInt(blockA, atA), blockB, atB + 4, atB + 4 + getInt(blockB, atB));
    }

    /** Writes the {@code i}-th row in the current order as a run file holds it. */
    void writeRecord(int i, SpillOutput out) throws IOException {
        byte[] source = blocks.get((int) (handles[i] >>> 32));
        int at = (int) handles[i];
        int keyLength = getInt(source, at);
        int length = 4 + keyLength + 8 + 4 + getInt(source, at + 4 + keyLength + 8);
        out.writeRaw(source, at, length);
    }

    /** The {@code index}-th row in the current order. */
    UpdateMerger.Pending get(int index) {
        byte[] source = blocks.get((int) (handles[index] >>> 32));
        int at = (int) handles[index];
        int keyLength = getInt(source, at);
        byte[] key = Arrays.copyOfRange(source, at + 4, at + 4 + keyLength);
        at += 4 + keyLength;
        long ordinal = getLong(source, at);
        int rowLength = getInt(source, at + 8);
        return new UpdateMerger.Pending(key, ordinal, Arrays.copyOfRange(source, at + 12, at + 12 + rowLength));
    }

    /** Empties the buffer; its blocks of the usual size are kept for the next rows. */
    void clear() {
        blocks.removeIf(candidate -> candidate.length != BLOCK);
        block = -1;
        position = BLOCK;
        bytes = 0;
        size = 0;
    }

    /** Empties the buffer and lets its blocks go. */
    void release() {
        clear();
        blocks.clear();
        handles = new long[0];
        scratch = new long[0];
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

    private static int getInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    private static long getLong(byte[] bytes, int at) {
        return ((long) getInt(bytes, at) << 32) | (getInt(bytes, at + 4) & 0xFFFFFFFFL);
    }
}
