package io.tagsync.staging;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

import io.tagsync.input.ImageUpdate;

/**
 * Folds the rows of an input into one update per image, equal to applying its rows in input order, for
 * inputs of any size: an external merge sort. Rows are buffered up to {@code bufferRows}, sorted by image ID
 * (a stable sort, so each image's rows keep their input order) and spilled to a run file; at the end the runs
 * are merged and each image's rows folded as they meet. Memory holds one buffer, whatever the input's size;
 * an input that fits in one buffer never touches the disk. Updates come out in image-ID order. Not
 * thread-safe.
 */
public final class UpdateMerger implements AutoCloseable {

    private static final Comparator<Pending> BY_IMAGE = Comparator.comparing(Pending::imageId);
    private static final Comparator<Pending> BY_IMAGE_THEN_ROW = BY_IMAGE.thenComparingLong(Pending::ordinal);

    private final int bufferRows;
    private final Path spillParent;
    private final List<Pending> buffer;
    private final List<Path> runs = new ArrayList<>();
    private Path spillDir;
    private long images;

    public UpdateMerger(Path spillParent, int bufferRows) {
        this.spillParent = spillParent;
        this.bufferRows = Math.max(1, bufferRows);
        this.buffer = new ArrayList<>(Math.min(this.bufferRows, 1 << 16));
    }

    /** A row, in input order: {@code ordinal} is its place in the input, {@code rowRef} how reports name it. */
    public void add(ImageUpdate update, long ordinal, String rowRef) {
        buffer.add(new Pending(update.imageId(), ordinal, rowRef, update));
        if (buffer.size() >= bufferRows) {
            spill();
        }
    }

    /** Emits one merged update per image, in image-ID order; returns how many. */
    public long finish(Consumer<MergedUpdate> sink) {
        if (runs.isEmpty()) {
            buffer.sort(BY_IMAGE);
            MergedUpdate current = null;
            for (Pending row : buffer) {
                current = fold(current, row, sink);
            }
            buffer.clear();
            emit(current, sink);
            return images;
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        PriorityQueue<RunReader> heads = new PriorityQueue<>(Comparator.comparing(RunReader::head, BY_IMAGE_THEN_ROW));
        List<RunReader> readers = new ArrayList<>();
        try {
            for (Path run : runs) {
                RunReader reader = new RunReader(run);
                readers.add(reader);
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            MergedUpdate current = null;
            while (!heads.isEmpty()) {
                RunReader reader = heads.poll();
                current = fold(current, reader.head(), sink);
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            emit(current, sink);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a staging spill file", e);
        } finally {
            readers.forEach(RunReader::close);
        }
        return images;
    }

    /** Run files written so far. */
    public int spills() {
        return runs.size();
    }

    private MergedUpdate fold(MergedUpdate current, Pending row, Consumer<MergedUpdate> sink) {
        if (current == null || !current.imageId().equals(row.imageId())) {
            emit(current, sink);
            current = new MergedUpdate(row.imageId());
        }
        current.apply(row.update(), row.ordinal(), row.rowRef());
        return current;
    }

    private void emit(MergedUpdate update, Consumer<MergedUpdate> sink) {
        if (update != null) {
            images++;
            sink.accept(update);
        }
    }

    private void spill() {
        buffer.sort(BY_IMAGE);
        try {
            if (spillDir == null) {
                Files.createDirectories(spillParent);
                spillDir = Files.createTempDirectory(spillParent, "tagsync-stage-");
            }
            Path run = spillDir.resolve("run-" + runs.size() + ".bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (Pending row : buffer) {
                    write(out, row);
                }
            }
            runs.add(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a staging spill file under " + spillParent, e);
        }
        buffer.clear();
    }

    @Override
    public void close() {
        buffer.clear();
        try {
            for (Path run : runs) {
                Files.deleteIfExists(run);
            }
            if (spillDir != null) {
                Files.deleteIfExists(spillDir);
            }
        } catch (IOException ignored) {
            // temporary files; the OS cleans its temp folder
        }
    }

    private record Pending(String imageId, long ordinal, String rowRef, ImageUpdate update) {
    }

    private static void write(DataOutputStream out, Pending row) throws IOException {
        writeString(out, row.imageId());
        out.writeLong(row.ordinal());
        writeString(out, row.rowRef());
        ImageUpdate update = row.update();
        out.writeInt(update.metadata().size());
        for (Map.Entry<String, Object> entry : update.metadata().entrySet()) {
            writeString(out, entry.getKey());
            Object value = entry.getValue();
            if (value instanceof String text) {
                out.writeByte('S');
                writeString(out, text);
            } else if (value instanceof Boolean flag) {
                out.writeByte('B');
                out.writeBoolean(flag);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                out.writeByte('L');
                out.writeLong(((Number) value).longValue());
            } else if (value instanceof BigInteger || value instanceof BigDecimal) {
                out.writeByte(value instanceof BigInteger ? 'I' : 'M');
                writeString(out, value.toString());
            } else {
                out.writeByte('D');
                out.writeDouble(((Number) value).doubleValue());
            }
        }
        writeStrings(out, update.removeMetadata());
        writeStrings(out, update.addTags());
        writeStrings(out, update.removeTags());
    }

    private static void writeStrings(DataOutputStream out, Set<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads one run file back, row by row. */
    private static final class RunReader {
        private final DataInputStream in;
        private Pending head;

        RunReader(Path run) throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
        }

        Pending head() {
            return head;
        }

        boolean advance() throws IOException {
            String imageId;
            try {
                imageId = readString(in);
            } catch (EOFException end) {
                head = null;
                return false;
            }
            long ordinal = in.readLong();
            String rowRef = readString(in);
            int metadataSize = in.readInt();
            Map<String, Object> metadata = new LinkedHashMap<>(Math.max(4, metadataSize * 2));
            for (int i = 0; i < metadataSize; i++) {
                String key = readString(in);
                byte type = in.readByte();
                Object value = switch (type) {
                    case 'S' -> readString(in);
                    case 'B' -> in.readBoolean();
                    case 'L' -> in.readLong();
                    case 'I' -> new BigInteger(readString(in));
                    case 'M' -> new BigDecimal(readString(in));
                    case 'D' -> in.readDouble();
                    default -> throw new IOException("corrupt spill file: value type " + type);
                };
                metadata.put(key, value);
            }
            head = new Pending(imageId, ordinal, rowRef,
                    new ImageUpdate(imageId, metadata, readStrings(in), readStrings(in), readStrings(in)));
            return true;
        }

        private static Set<String> readStrings(DataInputStream in) throws IOException {
            int size = in.readInt();
            Set<String> values = new LinkedHashSet<>(Math.max(4, size * 2));
            for (int i = 0; i < size; i++) {
                values.add(readString(in));
            }
            return values;
        }

        private static String readString(DataInputStream in) throws IOException {
            int length = in.readInt();
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new EOFException();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read to the end already
            }
        }
    }
}
