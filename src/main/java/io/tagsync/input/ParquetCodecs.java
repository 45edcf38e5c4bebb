package io.tagsync.input;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop's codec classes: Snappy (raw blocks, as Parquet writes them) through
 * snappy-java, ZSTD through zstd-jni, GZIP through the JDK, LZ4_RAW (raw LZ4 blocks) and LZ4 (Hadoop's framing
 * of LZ4 blocks, or raw blocks as some writers put under that name) through aircompressor. Other codecs (Brotli,
 * LZO) are refused by name when the file is opened. Thread-safe.
 */
public final class ParquetCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        supported(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(ParquetCodecs.compress(codec, bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        supported(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                return BytesInput.from(ParquetCodecs.decompress(codec, bytes.toByteArray(), uncompressedSize));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] compressed = new byte[compressedSize];
                input.get(compressed);
                output.put(ParquetCodecs.decompress(codec, compressed, uncompressedSize));
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public void release() {}

    private static final String SUPPORTED = "SNAPPY, ZSTD, GZIP, LZ4_RAW, LZ4 or none";

    private static boolean isSupported(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4 -> true;
            default -> false;
        };
    }

    private static void supported(CompressionCodecName codec) {
        if (!isSupported(codec)) {
            throw new UnsupportedOperationException(
                    "Parquet codec " + codec + " is not supported (use " + SUPPORTED + ")");
        }
    }

    /** Refuses a file whose columns named in {@code used} are compressed with a codec tagsync cannot read. */
    static void checkCodecs(
            InputPart file, org.apache.parquet.hadoop.metadata.ParquetMetadata footer, Set<String> used) {
        for (var block : footer.getBlocks()) {
            for (var chunk : block.getColumns()) {
                if (used.contains(chunk.getPath().toArray()[0]) && !isSupported(chunk.getCodec())) {
                    throw new InputException(file + ": column '"
                            + chunk.getPath().toArray()[0] + "' is compressed with " + chunk.getCodec()
                            + ", which tagsync cannot read; write the file with " + SUPPORTED);
                }
            }
        }
    }

    static byte[] compress(CompressionCodecName codec, byte[] bytes) throws IOException {
        return switch (codec) {
            case SNAPPY -> Snappy.compress(bytes);
            case ZSTD -> Zstd.compress(bytes);
            case LZ4_RAW -> lz4Block(bytes);
            case LZ4 -> hadoopLz4(bytes);
            case GZIP -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    gzip.write(bytes);
                }
                yield out.toByteArray();
            }
            default -> bytes;
        };
    }

    static byte[] decompress(CompressionCodecName codec, byte[] bytes, int uncompressedSize) throws IOException {
        return switch (codec) {
            case SNAPPY -> Snappy.uncompress(bytes);
            case ZSTD -> Zstd.decompress(bytes, uncompressedSize);
            case LZ4_RAW -> lz4Unblock(bytes, 0, bytes.length, uncompressedSize);
            case LZ4 -> {
                byte[] framed = unframeHadoopLz4(bytes, uncompressedSize);
                yield framed != null ? framed : lz4Unblock(bytes, 0, bytes.length, uncompressedSize);
            }
            case GZIP -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    yield gzip.readNBytes(uncompressedSize);
                }
            }
            default -> bytes;
        };
    }

    /** One Hadoop LZ4 block: the uncompressed length, then one chunk: its compressed length and an LZ4 block. */
    private static byte[] hadoopLz4(byte[] bytes) {
        byte[] block = lz4Block(bytes);
        return ByteBuffer.allocate(8 + block.length)
                .putInt(bytes.length)
                .putInt(block.length)
                .put(block)
                .array();
    }

    /**
     * Hadoop's LZ4 framing: blocks of a big-endian uncompressed length followed by chunks of a big-endian
     * compressed length and an LZ4 block. Null when {@code bytes} are not so framed.
     */
    private static byte[] unframeHadoopLz4(byte[] bytes, int uncompressedSize) {
        byte[] out = new byte[uncompressedSize];
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int written = 0;
        try {
            while (in.remaining() >= 8) {
                int blockSize = in.getInt();
                int blockEnd = written + blockSize;
                if (blockSize < 0 || blockEnd > uncompressedSize) {
                    return null;
                }
                while (written < blockEnd) {
                    int chunk = in.getInt();
                    if (chunk <= 0 || chunk > in.remaining()) {
                        return null;
                    }
                    written += new Lz4Decompressor()
                            .decompress(bytes, in.position(), chunk, out, written, blockEnd - written);
                    in.position(in.position() + chunk);
                }
            }
        } catch (RuntimeException notFramed) {
            return null;
        }
        return in.hasRemaining() || written != uncompressedSize ? null : out;
    }

    private static byte[] lz4Block(byte[] bytes) {
        Lz4Compressor compressor = new Lz4Compressor();
        byte[] out = new byte[compressor.maxCompressedLength(bytes.length)];
        int length = compressor.compress(bytes, 0, bytes.length, out, 0, out.length);
        return Arrays.copyOf(out, length);
    }

    private static byte[] lz4Unblock(byte[] bytes, int offset, int length, int uncompressedSize) throws IOException {
        byte[] out = new byte[uncompressedSize];
        try {
            int written = new Lz4Decompressor().decompress(bytes, offset, length, out, 0, uncompressedSize);
            if (written != uncompressedSize) {
                throw new IOException("LZ4 page holds " + written + " bytes, not " + uncompressedSize);
            }
        } catch (RuntimeException e) {
            throw new IOException("corrupt LZ4 page (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
