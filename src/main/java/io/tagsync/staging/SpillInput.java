package io.tagsync.staging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads what {@link SpillOutput} wrote, through a buffer of its own. Not thread-safe. */
final class SpillInput {

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    SpillInput(InputStream in) {
        this.in = in;
    }

    private void require(int bytes) throws IOException {
        if (limit - position >= bytes) {
            return;
        }
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        while (limit < bytes) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                throw new EOFException();
            }
            limit += read;
        }
    }

    int readInt() throws IOException {
        require(4);
        int value = ((buffer[position] & 0xFF) << 24)
                | ((buffer[position + 1] & 0xFF) << 16)
                | ((buffer[position + 2] & 0xFF) << 8)
                | (buffer[position + 3] & 0xFF);
        position += 4;
        return value;
    }

    long readLong() throws IOException {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    byte[] readBytes() throws IOException {
        int length = readInt();
        if (length <= buffer.length) {
            require(length);
            byte[] bytes = Arrays.copyOfRange(buffer, position, position + length);
            position += length;
            return bytes;
        }
        byte[] bytes = new byte[length];
        int copied = limit - position;
        System.arraycopy(buffer, position, bytes, 0, copied);
        position = limit;
        while (copied < length) {
            int read = in.read(bytes, copied, length - copied);
            if (read < 0) {
                throw new EOFException();
            }
            copied += read;
        }
        return bytes;
    }

    void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read to the end already
        }
    }
}
