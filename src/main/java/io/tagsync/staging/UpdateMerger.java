package io.tagsync.staging;

import io.tagsync.input.ImageUpdate;
import io.tagsync.run.OwnerOnly;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Folds the rows of an input into one update per image, equal to applying its rows in input order, for
 * inputs of any size: an external merge sort. Rows are buffered up to {@code bufferRows} rows or
 * {@value #BUFFER_BYTES} bytes (a {@link SortBuffer}), sorted by image ID (each image's rows in input order)
 * and spilled to a run file when the next row finds the buffer full; at the end the runs and the last buffer,
 * which stays in memory, are merged and each image's rows folded as they meet. Memory holds one buffer,
 * whatever the input's size; an input that fits in one buffer never touches the disk. Image IDs are ordered
 * by their UTF-8 bytes. Runs are merged in tiers of at most
 * {@value #FAN_IN} (when a tier fills up, its runs become one run of the next), so the files open at once,
 * and their read buffers, stay bounded too. Updates come out in image-ID order. Not thread-safe.
 */
public final class UpdateMerger implements AutoCloseable {

    private static final Comparator<Pending> BY_IMAGE_THEN_ROW = (a, b) -> {
        int byImage = Arrays.compareUnsigned(a.key(), b.key());
        return byImage != 0 ? byImage : Long.compare(a.ordinal(), b.ordinal());
    };
    static final int FAN_IN = 64;
    static final long BUFFER_BYTES = 64L << 20;

    private final int bufferRows;
    private final Path spillParent;
    private final SortBuffer buffer = new SortBuffer();
    /** Run files by tier: a run of tier {@code t + 1} merges {@value #FAN_IN} runs of tier {@code t}. */
    private final List<List<Path>> tiers = new ArrayList<>();

    private int runsWritten;
    private final UpdateJson json = new UpdateJson();
    private Path spillDir;
    private long images;

    public UpdateMerger(Path spillParent, int bufferRows) {
        this.spillParent = spillParent;
        this.bufferRows = Math.max(1, bufferRows);
    }

    /** A row, in input order: {@code ordinal} is its place in the input, {@code rowRef} how reports name it. */
    public void add(ImageUpdate update, long ordinal, String rowRef) {
        if (buffer.size() >= bufferRows || buffer.bytes() >= BUFFER_BYTES) {
            spill();
        }
        buffer.add(update.imageId().getBytes(StandardCharsets.UTF_8), ordinal, json.row(update, rowRef));
    }

    /** Emits one update per image, in image-ID order; returns how many. */
    public long finish(Consumer<StagedUpdate> sink) {
        Folder folder = new Folder(
                alone -> {
                    images++;
                    sink.accept(UpdateJson.single(alone.imageId(), alone.ordinal(), alone.encoded()));
                },
                merged -> {
                    images++;
                    sink.accept(json.merged(merged));
                });
        buffer.sort();
        if (runsWritten == 0) {
            for (int i = 0; i < buffer.size(); i++) {
                folder.accept(buffer.get(i));
            }
        } else {
            merge(tiers.stream().flatMap(List::stream).toList(), buffer, folder);
        }
        buffer.release();
        folder.emit();
        return images;
    }

    /**
     * Reads the run files and a sorted buffer together and hands their rows on in image-ID order, each image's
     * rows in input order.
     */
    private static void merge(List<Path> files, SortBuffer sorted, Consumer<Pending> next) {
        PriorityQueue<Run> heads = new PriorityQueue<>(Comparator.comparing(Run::head, BY_IMAGE_THEN_ROW));
        List<Run> readers = new ArrayList<>();
        try {
            for (Path file : files) {
                readers.add(new FileRun(file));
            }
            if (sorted != null) {
                readers.add(new BufferRun(sorted));
            }
            for (Run reader : readers) {
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            while (!heads.isEmpty()) {
                Run reader = heads.poll();
                next.accept(reader.head());
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a staging spill file", e);
        } finally {
            readers.forEach(Run::close);
        }
    }

    /** Run files written so far, tiers' merges included. */
    public int spills() {
        return runsWritten;
    }

    /**
     * Takes the rows in image-ID order and hands on each image's: its row as it is when it has one ({@code alone}),
     * else its rows read back and folded ({@code folded}).
     */
    private static final class Folder implements Consumer<Pending> {
        private final Consumer<Pending> alone;
        private final Consumer<MergedUpdate> folded;
        private Pending first;
        private MergedUpdate merged;

        Folder(Consumer<Pending> alone, Consumer<MergedUpdate> folded) {
            this.alone = alone;
            this.folded = folded;
        }

        @Override
        public void accept(Pending row) {
            if (first != null && Arrays.equals(first.key(), row.key())) {
                if (merged == null) {
                    merged = new MergedUpdate(first.imageId());
                    fold(merged, first);
                }
                fold(merged, row);
                return;
            }
            emit();
            first = row;
        }

        void emit() {
            if (first == null) {
                return;
            }
            if (merged == null) {
                alone.accept(first);
            } else {
                folded.accept(merged);
            }
            first = null;
            merged = null;
        }
    }

    /** Folds a row of the merge, a single one or several already folded, into {@code merged}. */
    private static void fold(MergedUpdate merged, Pending row) {
        byte[] encoded = row.encoded();
        merged.apply(
                UpdateJson.update(encoded),
                row.ordinal(),
                UpdateJson.lastOrdinal(encoded, row.ordinal()),
                UpdateJson.rowRef(encoded),
                UpdateJson.rowsLeftOut(encoded));
    }

    /** Writes an image's rows folded into one record, at the place of its first row. */
    private void writeFolded(SpillOutput out, MergedUpdate merged) throws IOException {
        write(
                out,
                new Pending(merged.imageId().getBytes(StandardCharsets.UTF_8), merged.firstRow(), json.folded(merged)));
    }

    /**
     * Writes the buffer, sorted, as a run file, each image's rows folded into one record: a file of many rows for
     * few images spills little.
     */
    private void spill() {
        buffer.sort();
        Path run = newRun();
        ensureRoom(buffer.bytes());
        try (SpillOutput out = new SpillOutput(create(run))) {
            int size = buffer.size();
            for (int i = 0; i < size; ) {
                int end = i + 1;
                while (end < size && buffer.sameKey(i, end)) {
                    end++;
                }
                if (end - i == 1) {
                    buffer.writeRecord(i, out);
                } else {
                    Pending first = buffer.get(i);
                    MergedUpdate merged = new MergedUpdate(first.imageId());
                    fold(merged, first);
                    for (int k = i + 1; k < end; k++) {
                        fold(merged, buffer.get(k));
                    }
                    writeFolded(out, merged);
                }
                i = end;
            }
        } catch (IOException e) {
            throw writeFailure(e);
        }
        buffer.clear();
        addRun(0, run);
    }

    /**
     * Refuses to write {@code bytes} more where that would leave less than {@link #keptFree} of the spill folder's
     * disk free: staging stops with the space it needs named, before the disk is full for everything else on it.
     */
    private void ensureRoom(long bytes) {
        long usable;
        long kept;
        try {
            FileStore disk = Files.getFileStore(spillDir);
            usable = disk.getUsableSpace();
            kept = keptFree(disk.getTotalSpace());
        } catch (IOException e) {
            return; // the write itself says what is wrong
        }
        if (usable - bytes < kept) {
            throw new SpillSpaceException("staging's spill folder " + spillParent
                    + " (tagsync.staging.spill-dir) is short of space: the next sorted run needs up to "
                    + readable(bytes) + ", the disk has " + readable(usable) + " free, and " + readable(kept)
                    + " of it is left free for the rest of the machine; " + readable(spilledBytes())
                    + " spilled so far in " + runsWritten + " runs. Free space there, or set "
                    + "tagsync.staging.spill-dir to a disk with more room");
        }
    }

    /** What staging leaves free on the spill folder's disk: 5% of it, at most 1 GiB. */
    static long keptFree(long total) {
        return Math.min(1L << 30, total / 20);
    }

    private long spilledBytes() {
        long bytes = 0;
        for (List<Path> runs : tiers) {
            for (Path run : runs) {
                try {
                    bytes += Files.size(run);
                } catch (IOException ignored) {
                    // gone: nothing to count
                }
            }
        }
        return bytes;
    }

    private static String readable(long bytes) {
        if (bytes < 1L << 20) {
            return (bytes >> 10) + " KB";
        }
        if (bytes < 1L << 30) {
            return (bytes >> 20) + " MB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }

    /** Staging stopped before the spill folder's disk was full. */
    public static final class SpillSpaceException extends RuntimeException {
        public SpillSpaceException(String message) {
            super(message);
        }
    }

    private void addRun(int tier, Path run) {
        while (tiers.size() <= tier) {
            tiers.add(new ArrayList<>());
        }
        List<Path> runs = tiers.get(tier);
        runs.add(run);
        if (runs.size() < FAN_IN) {
            return;
        }
        Path merged = newRun();
        long tierBytes = 0;
        for (Path file : runs) {
            try {
                tierBytes += Files.size(file);
            } catch (IOException ignored) {
                // the merge's read says what is wrong
            }
        }
        ensureRoom(tierBytes);
        try (SpillOutput out = new SpillOutput(create(merged))) {
            Folder folder = new Folder(
                    row -> {
                        try {
                            write(out, row);
                        } catch (IOException e) {
                            throw writeFailure(e);
                        }
                    },
                    folded -> {
                        try {
                            writeFolded(out, folded);
                        } catch (IOException e) {
                            throw writeFailure(e);
                        }
                    });
            merge(runs, null, folder);
            folder.emit();
        } catch (IOException e) {
            throw writeFailure(e);
        }
        deleteAll(runs);
        runs.clear();
        addRun(tier + 1, merged);
    }

    private UncheckedIOException writeFailure(IOException e) {
        return new UncheckedIOException(
                "cannot write a staging spill file under " + spillParent + " (tagsync.staging.spill-dir): " + e, e);
    }

    /** A new run file, its owner's alone (in a folder that is too: {@code createTempDirectory} makes it so). */
    private static java.io.OutputStream create(Path run) throws IOException {
        return Files.newOutputStream(Files.createFile(run, OwnerOnly.fileAttributes()));
    }

    private Path newRun() {
        try {
            if (spillDir == null) {
                OwnerOnly.folder(spillParent);
                spillDir = Files.createTempDirectory(spillParent, "tagsync-stage-");
            }
        } catch (IOException e) {
            throw writeFailure(e);
        }
        return spillDir.resolve("run-" + runsWritten++ + ".bin");
    }

    private static void deleteAll(List<Path> runs) {
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans its temp folder
            }
        }
    }

    @Override
    public void close() {
        buffer.release();
        tiers.forEach(UpdateMerger::deleteAll);
        tiers.clear();
        try {
            if (spillDir != null) {
                Files.deleteIfExists(spillDir);
            }
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans its temp folder
        }
    }

    /** A row in the merge: its image ID in UTF-8 (the sort key), and the rest as {@link UpdateJson#row} bytes. */
    record Pending(byte[] key, long ordinal, byte[] encoded) {

        String imageId() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    private static void write(SpillOutput out, Pending row) throws IOException {
        out.writeBytes(row.key());
        out.writeLong(row.ordinal());
        out.writeBytes(row.encoded());
    }

    /** Sorted rows read one at a time: {@link #head} is the current row, after an {@link #advance} that found one. */
    private interface Run {
        Pending head();

        boolean advance() throws IOException;

        void close();
    }

    /** The last buffer, sorted, merged from memory. */
    private static final class BufferRun implements Run {
        private final SortBuffer rows;
        private int next;
        private Pending head;

        BufferRun(SortBuffer sorted) {
            rows = sorted;
        }

        @Override
        public Pending head() {
            return head;
        }

        @Override
        public boolean advance() {
            head = next < rows.size() ? rows.get(next++) : null;
            return head != null;
        }

        @Override
        public void close() {}
    }

    /** A run file read back, row by row. */
    private static final class FileRun implements Run {
        private final SpillInput in;
        private Pending head;

        FileRun(Path run) throws IOException {
            in = new SpillInput(Files.newInputStream(run));
        }

        @Override
        public Pending head() {
            return head;
        }

        @Override
        public boolean advance() throws IOException {
            byte[] key;
            try {
                key = in.readBytes();
            } catch (EOFException end) {
                head = null;
                return false;
            }
            head = new Pending(key, in.readLong(), in.readBytes());
            return true;
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
