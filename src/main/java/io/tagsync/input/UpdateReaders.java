package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens an input — one file, or a directory of part files read as one input — with the reader its format
 * needs. The format comes from the file extension, or from {@code --format} for all the files of the input.
 * A directory is read recursively, in natural order ({@code part-2} before {@code part-10}, as engines number
 * their parts), leaving out names that start with {@code .} or {@code _} ({@code _SUCCESS}, {@code .crc}).
 */
public final class UpdateReaders {

    public enum Format {
        CSV,
        JSON_LINES,
        PARQUET;

        /** {@code csv}, {@code jsonl} (also {@code json}, {@code ndjson}) or {@code parquet}; null or blank: none. */
        public static Format parse(String name) {
            if (name == null || name.isBlank()) {
                return null;
            }
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> CSV;
                case "jsonl", "json", "ndjson" -> JSON_LINES;
                case "parquet" -> PARQUET;
                default ->
                    throw new IllegalArgumentException(
                            "--format takes csv, jsonl (or json, ndjson) or parquet, not " + name);
            };
        }
    }

    private static final String EXTENSIONS = ".csv, .tsv, .jsonl, .ndjson, .json (each also .gz) or .parquet";

    private UpdateReaders() {}

    /** The files of an input, in reading order, by their extensions. */
    public static List<Path> files(Path input) {
        return files(input, null);
    }

    /**
     * The files of an input, in reading order; fails on an empty directory or one that mixes formats. With a
     * {@code format}, every file is taken to be of it, whatever its name.
     */
    public static List<Path> files(Path input, Format format) {
        if (!Files.isDirectory(input)) {
            if (!Files.exists(input)) {
                throw new InputException(input + ": no such file or directory");
            }
            requireRegular(input);
            format(input, format);
            return List.of(input);
        }
        List<Path> files;
        try (Stream<Path> entries = Files.walk(input)) {
            files = entries.filter(entry -> visible(input.relativize(entry)))
                    .filter(entry -> !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                    .peek(UpdateReaders::requireRegular)
                    .sorted(UpdateReaders::naturalOrder)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new InputException(input + ": cannot list the directory: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InputException(input + ": the directory holds no input files");
        }
        Format first = format(files.get(0), format);
        for (Path file : files) {
            if (format(file, format) != first) {
                throw new InputException(input + ": the directory mixes formats (" + input.relativize(files.get(0))
                        + " and " + input.relativize(file) + "); one input holds one format");
            }
        }
        return files;
    }

    /**
     * Refuses what is not a regular file once links are followed: a device, a pipe or a socket never ends or cannot
     * be read twice, and a run must read its input twice (its fingerprint, then its rows) and again on a restart.
     */
    private static void requireRegular(Path file) {
        if (!Files.isRegularFile(file)) {
            String what = Files.isDirectory(file)
                    ? "a link to a directory"
                    : Files.exists(file) ? "a device, pipe or socket" : "a link to nothing";
            throw new InputException(file + ": not a regular file (" + what + "); tagsync reads regular files only");
        }
    }

    /** False for a path with a part that starts with {@code .} or {@code _}. */
    private static boolean visible(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Paths compared part by part, and within a name runs of digits by their value: {@code part-2} before
     * {@code part-10}, {@code day=9/} before {@code day=10/}.
     */
    static int naturalOrder(Path a, Path b) {
        int parts = Math.min(a.getNameCount(), b.getNameCount());
        for (int i = 0; i < parts; i++) {
            int order = naturalOrder(a.getName(i).toString(), b.getName(i).toString());
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.getNameCount(), b.getNameCount());
    }

    static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int endX = i;
                while (endX < a.length() && Character.isDigit(a.charAt(endX))) {
                    endX++;
                }
                int endY = j;
                while (endY < b.length() && Character.isDigit(b.charAt(endY))) {
                    endY++;
                }
                BigInteger numberX = new BigInteger(a.substring(i, endX));
                BigInteger numberY = new BigInteger(b.substring(j, endY));
                int order = numberX.compareTo(numberY);
                if (order != 0) {
                    return order;
                }
                i = endX;
                j = endY;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int order = Integer.compare(a.length() - i, b.length() - j);
        return order != 0 ? order : a.compareTo(b);
    }

    public static Format format(Path file) {
        return format(file, null);
    }

    private static Format format(Path file, Format given) {
        if (given != null) {
            return given;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Format.JSON_LINES;
        }
        if (name.endsWith(".parquet") && !file.getFileName().toString().endsWith(".gz")) {
            return Format.PARQUET;
        }
        throw new InputException(file + ": unsupported input format (expected " + EXTENSIONS
                + "; --format=csv|jsonl|parquet reads files of any name)");
    }

    /** A reader over all the files of the input, one after the other. */
    public static UpdateReader open(List<Path> files, TagsyncProperties.Input settings) {
        return open(null, files, settings, null);
    }

    /**
     * A reader over all the files of {@code input}, one after the other; for a directory, with the columns of
     * its {@code key=value} folders ({@link PartitionColumns}).
     */
    public static UpdateReader open(Path input, List<Path> files, TagsyncProperties.Input settings, Format format) {
        Path root = input != null && Files.isDirectory(input) ? input : null;
        if (files.size() == 1 && root == null) {
            return open(files.get(0), settings, format);
        }
        return new SequenceReader(root, files, settings, format);
    }

    public static UpdateReader open(Path file, TagsyncProperties.Input settings) {
        return open(file, settings, null);
    }

    public static UpdateReader open(Path file, TagsyncProperties.Input settings, Format format) {
        return open(file, file.getFileName().toString(), settings, format, PartitionColumns.NONE);
    }

    private static UpdateReader open(
            Path file, String source, TagsyncProperties.Input settings, Format format, PartitionColumns partitions) {
        if (!Files.exists(file)) {
            throw new InputException(file + ": no such file");
        }
        requireRegular(file);
        return switch (format(file, format)) {
            case CSV -> new CsvUpdateReader(file, source, settings, partitions);
            case JSON_LINES -> new JsonLinesUpdateReader(file, source, settings, partitions);
            case PARQUET -> new ParquetUpdateReader(file, source, settings, partitions);
        };
    }

    /** The folder all {@code files} are in, at the deepest: what their sources are named from. */
    private static Path commonFolder(List<Path> files) {
        Path common = files.get(0).getParent();
        for (Path file : files) {
            while (common != null && !file.startsWith(common)) {
                common = common.getParent();
            }
        }
        return common;
    }

    /**
     * Reads the files of a folder one after another, in order, but parses up to {@link #FILES_AHEAD} of them at once,
     * each on a thread of its own ({@link ReadAheadReader}): while the rows of one file are handed out, the next
     * files are already being read. Rows come out exactly as a one-file-at-a-time reading would give them, so row
     * numbers, and which of two rows for one image comes last, do not change.
     */
    private static final class SequenceReader implements UpdateReader {

        private static final int FILES_AHEAD =
                Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

        private final List<Path> files;
        private final TagsyncProperties.Input settings;
        private final Format format;
        private final Path folder;
        private final Path root;
        private final Deque<UpdateReader> ahead = new ArrayDeque<>();
        private int opened;

        SequenceReader(Path root, List<Path> files, TagsyncProperties.Input settings, Format format) {
            this.files = files;
            this.settings = settings;
            this.format = format;
            this.root = root;
            this.folder = root != null ? root : commonFolder(files);
            // Check every header and partition folder before the first row is read, so that a bad last file
            // fails the run early.
            for (Path file : files) {
                reader(file).close();
            }
            fill();
        }

        private UpdateReader reader(Path file) {
            return UpdateReaders.open(
                    file,
                    folder == null
                            ? file.getFileName().toString()
                            : folder.relativize(file).toString(),
                    settings,
                    format,
                    PartitionColumns.of(root, file, settings));
        }

        /** Starts reading the next files, up to {@link #FILES_AHEAD} at once. */
        private void fill() {
            while (ahead.size() < FILES_AHEAD && opened < files.size()) {
                Path file = files.get(opened++);
                ahead.addLast(new ReadAheadReader(reader(file), "stage-file-" + opened));
            }
        }

        @Override
        public InputRow next() {
            while (!ahead.isEmpty()) {
                InputRow row = ahead.peekFirst().next();
                if (row != null) {
                    return row;
                }
                ahead.removeFirst().close();
                fill();
            }
            return null;
        }

        @Override
        public void close() {
            while (!ahead.isEmpty()) {
                ahead.removeFirst().close();
            }
        }
    }
}
