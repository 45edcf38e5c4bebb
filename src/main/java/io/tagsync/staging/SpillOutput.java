package io.tagsync.staging;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes spill records through a buffer of its own: {@link java.io.DataOutputStream} over a buffered stream
 * takes a lock per byte of every number, which made spilling the slowest part of staging. Not thread-safe.
 */
final class SpillOutput implements AutoCloseable {

    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int position;

    SpillOutput(OutputStream out) {
        this.out = out;
    }

    void writeInt(int value) throws IOException {
        ensure(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    void writeLong(long value) throws IOException {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }

    void writeBytes(byte[] bytes) throws IOException {
        writeInt(bytes.length);
        writeRaw(bytes, 0, bytes.length);
    }

    /** Writes {@code length} bytes as they are, without a length before them. */
    void writeRaw(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length - position) {
            flush();
            if (length > buffer.length) {
                out.write(bytes, offset, length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, position, length);
        position += length;
    }

    private void ensure(int bytes) throws IOException {
        if (buffer.length - position < bytes) {
            flush();
        }
    }

    private void flush() throws IOException {
        out.write(buffer, 0, position);
        position = 0;
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
