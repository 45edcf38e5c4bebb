package io.tagsync.input;

import io.tagsync.run.S3Location;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * A Parquet file in object storage, read with ranged GETs: the footer, then the column chunks the reader asks for,
 * each run of consecutive chunks one GET, never the whole object. Every GET names the object's ETag, so an object
 * replaced while it is read fails the read (412) instead of mixing two versions. Small reads are served from a
 * block of {@value #BLOCK} bytes read at once. Thread-safe for the byte count; each stream is one reader's.
 */
public final class S3InputFile implements InputFile {

    static final int BLOCK = 64 * 1024;

    private final S3Client s3;
    private final S3Location object;
    private final long length;
    private final String eTag;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong storeBytes;

    /** {@code storeBytes} counts the bytes read as well (the store's count of all its ranged reads). */
    S3InputFile(S3Client s3, S3Location object, long length, String eTag, AtomicLong storeBytes) {
        this.s3 = s3;
        this.object = object;
        this.length = length;
        this.eTag = eTag;
        this.storeBytes = storeBytes;
    }

    @Override
    public long getLength() {
        return length;
    }

    /** Bytes fetched from the store so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Ranged GETs made so far. */
    public long gets() {
        return gets.get();
    }

    @Override
    public SeekableInputStream newStream() {
        return new RangedStream();
    }

    /** Reads {@code length} bytes at {@code position} into {@code into}, in one GET. */
    private void fetch(long position, byte[] into, int offset, int count) throws IOException {
        if (count == 0) {
            return;
        }
        GetObjectRequest request = GetObjectRequest.builder()
                .bucket(object.bucket())
                .key(object.key())
                .range("bytes=" + position + "-" + (position + count - 1))
                .ifMatch(eTag)
                .build();
        gets.incrementAndGet();
        try (InputStream in = s3.getObject(request)) {
            int done = 0;
            while (done < count) {
                int n = in.read(into, offset + done, count - done);
                if (n < 0) {
                    throw new EOFException(object + ": ended at byte " + (position + done) + " of " + length);
                }
                done += n;
            }
            bytesRead.addAndGet(count);
            storeBytes.addAndGet(count);
        } catch (SdkException e) {
            throw new IOException(object + ": " + S3Objects.describe(e), e);
        }
    }

    private final class RangedStream extends SeekableInputStream {

        private long position;
        private final byte[] block = new byte[BLOCK];
        private long blockStart = -1;
        private int blockLength;

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void seek(long newPosition) throws IOException {
            if (newPosition < 0 || newPosition > length) {
                throw new EOFException(object + ": no byte " + newPosition + " in " + length);
            }
            position = newPosition;
        }

        @Override
        public int read() throws IOException {
            if (position >= length) {
                return -1;
            }
            if (!inBlock(position, 1)) {
                fillBlock();
            }
            return block[(int) (position++ - blockStart)] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            readFully(bytes, offset, n);
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int offset, int count) throws IOException {
            if (position + count > length) {
                throw new EOFException(
                        object + ": " + count + " bytes at " + position + " run past its end (" + length + ")");
            }
            if (inBlock(position, count)) {
                System.arraycopy(block, (int) (position - blockStart), bytes, offset, count);
            } else if (count < BLOCK / 2) {
                fillBlock();
                System.arraycopy(block, 0, bytes, offset, count);
            } else {
                fetch(position, bytes, offset, count);
            }
            position += count;
        }

        @Override
        public int read(ByteBuffer buffer) throws IOException {
            int count = (int) Math.min(buffer.remaining(), length - position);
            if (count <= 0) {
                return buffer.hasRemaining() ? -1 : 0;
            }
            ByteBuffer slice = buffer.slice();
            slice.limit(count);
            readFully(slice);
            buffer.position(buffer.position() + count);
            return count;
        }

        @Override
        public void readFully(ByteBuffer buffer) throws IOException {
            int count = buffer.remaining();
            if (buffer.hasArray()) {
                // straight into the buffer's array: a column chunk is not copied twice
                readFully(buffer.array(), buffer.arrayOffset() + buffer.position(), count);
                buffer.position(buffer.position() + count);
                return;
            }
            byte[] bytes = new byte[count];
            readFully(bytes, 0, count);
            buffer.put(bytes);
        }

        private boolean inBlock(long at, int count) {
            return blockStart >= 0 && at >= blockStart && at + count <= blockStart + blockLength;
        }

        private void fillBlock() throws IOException {
            blockLength = (int) Math.min(BLOCK, length - position);
            fetch(position, block, 0, blockLength);
            blockStart = position;
        }
    }
}
