package io.tagsync.input;

import io.tagsync.run.InputLocation;
import io.tagsync.run.S3Location;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Reads an input — one file, or a directory of part files read as one input — row by row, each file with the
 * reader of its {@link Format}: valid rows are items, and a row that is not a valid update throws a
 * {@link RejectedRowException}. The format comes from the file extension, or from {@code --format} for all the
 * files of the input. A directory is read recursively, in natural order ({@code part-2} before {@code part-10}, as
 * engines number their parts), leaving out names that start with {@code .} or {@code _} ({@code _SUCCESS},
 * {@code .crc}), with the columns of its {@code key=value} folders ({@link PartitionColumns}).
 *
 * <p>{@link #open} checks every file's header or schema before the first row is read, so that a bad last file fails
 * the run early. Up to {@value #FILES_AHEAD} files are then parsed at once, each on a thread of its own
 * ({@link ReadAheadReader}); rows come out exactly as a one-file-at-a-time reading gives them, so row numbers, and
 * which of two rows for one image comes last, do not change. Restartable: its position is its count of rows read,
 * rejected ones included (see
 * {@link RowReader}). Not thread-safe: one caller.
 */
public class InputReader extends RowReader {

    static final int FILES_AHEAD = 4;

    private final String input;
    private final List<Path> files;
    private final Function<Path, InputPart> parts;
    private final Supplier<InputFingerprint> fingerprint;
    private final TagsyncProperties.Input settings;
    private final Format format;
    private final Path folder;
    private final Path root;
    private final Deque<Open> ahead = new ArrayDeque<>();
    private int opened;
    /** The rows of the files read to their end, and the last row number seen in the file being read. */
    private long rowsBefore;

    private long lastRow;

    /** The reader of {@code input}, whose files are listed at once: a missing or empty input fails here. */
    public InputReader(Path input, TagsyncProperties.Input settings) {
        this(input, files(input, Format.parse(settings.format())), settings);
    }

    /** The reader of {@code files}, of {@code input} (a file or a folder of them). */
    public InputReader(Path input, List<Path> files, TagsyncProperties.Input settings) {
        this(
                input.toString(),
                files,
                Files.isDirectory(input) ? input : null,
                InputPart::local,
                () -> InputFingerprint.of(files),
                settings);
    }

    /**
     * The reader of {@code files} of {@code input}, read through {@code parts}; {@code root} is the folder whose
     * {@code key=value} subfolders are partition columns, null for a one-file input; {@code fingerprint} takes the
     * input's fingerprint.
     */
    private InputReader(
            String input,
            List<Path> files,
            Path root,
            Function<Path, InputPart> parts,
            Supplier<InputFingerprint> fingerprint,
            TagsyncProperties.Input settings) {
        this.input = input;
        this.files = files;
        this.parts = parts;
        this.settings = settings;
        this.format = Format.parse(settings.format());
        this.root = root;
        this.folder = root != null ? root : commonFolder(files);
        this.fingerprint = fingerprint;
        setName("input");
    }

    /**
     * The reader of an {@code s3://} input: one object, or those under a prefix, listed now with the rules of a
     * local folder ({@link S3Objects#list}), its {@code key=value} folders partition columns as a local folder's.
     * Each object is read as the version listed.
     */
    public static InputReader of(S3Location input, S3Objects store, TagsyncProperties.Input settings) {
        Map<Path, InputPart> parts = new LinkedHashMap<>();
        List<S3Objects.StoredObject> listed = store.list(input);
        for (S3Objects.StoredObject object : listed) {
            parts.put(Path.of(input.bucket(), object.location().key()), new InputPart.Stored(store, object));
        }
        List<Path> files = List.copyOf(parts.keySet());
        Path root = input.isPrefix() ? Path.of(input.bucket(), input.key()) : null;
        Format format = Format.parse(settings.format());
        if (format == null) {
            parts.values().forEach(Format::of); // an object of no known format fails now, named by its s3:// location
        }
        if (root != null) {
            requireOneFormat(input + ": the prefix", root, files, format);
        }
        return new InputReader(
                input.toString(), files, root, parts::get, () -> InputFingerprint.ofObjects(listed), settings);
    }

    /**
     * The reader of a run's input, wherever it is; {@code store} gives the object store's client, made only for an
     * {@code s3://} input.
     */
    public static InputReader of(InputLocation input, Supplier<S3Objects> store, TagsyncProperties.Input settings) {
        if (input instanceof S3Location s3) {
            return of(s3, store.get(), settings);
        }
        return new InputReader(((InputLocation.Local) input).path(), settings);
    }

    /**
     * What a restart compares to tell whether the input changed: of local files their bytes, of objects their keys,
     * sizes and ETags as listed.
     */
    public InputFingerprint fingerprint() {
        return fingerprint.get();
    }

    /** The files read, in reading order. */
    public List<Path> files() {
        return files;
    }

    /** The input as given: a path, or an {@code s3://} location. */
    public String input() {
        return input;
    }

    /** The files read, in reading order, as their readers read them. */
    public List<InputPart> parts() {
        return files.stream().map(parts).toList();
    }

    /** A file's reader, and the thread that reads ahead of the caller in it. */
    private record Open(FileRowReader reader, ReadAheadReader rows) {
        void close() {
            rows.close();
            reader.close();
        }
    }

    private FileRowReader reader(Path file) {
        InputPart part = parts.apply(file);
        return (format != null ? format : Format.of(part))
                .reader(
                        part,
                        files.size() == 1 && root == null
                                ? file.getFileName().toString()
                                : folder == null
                                        ? file.getFileName().toString()
                                        : folder.relativize(file).toString(),
                        settings,
                        root == null ? PartitionColumns.NONE : PartitionColumns.of(root, file, settings));
    }

    @Override
    protected void doOpen() {
        opened = 0;
        rowsBefore = 0;
        lastRow = 0;
        if (files.size() > 1) {
            for (Path file : files) {
                FileRowReader reader = reader(file);
                reader.open(new ExecutionContext());
                reader.close();
            }
        }
        fill();
    }

    /** Starts reading the next files, up to {@value #FILES_AHEAD} at once. */
    private void fill() {
        while (ahead.size() < FILES_AHEAD && opened < files.size()) {
            Path file = files.get(opened++);
            if (parts.apply(file) instanceof InputPart.Local) {
                requireRegular(file);
            }
            FileRowReader reader = reader(file);
            reader.open(new ExecutionContext());
            ahead.addLast(new Open(reader, new ReadAheadReader(reader, "stage-file-" + opened)));
        }
    }

    @Override
    protected InputRow doRead() throws Exception {
        while (!ahead.isEmpty()) {
            InputRow row;
            try {
                row = ahead.peekFirst().rows().read();
            } catch (RejectedRowException rejected) {
                lastRow = rejected.row();
                throw rejected;
            }
            if (row != null) {
                lastRow = row.row();
                return row.after(rowsBefore);
            }
            ahead.removeFirst().close();
            rowsBefore += lastRow;
            lastRow = 0;
            fill();
        }
        return null;
    }

    @Override
    protected void doClose() {
        while (!ahead.isEmpty()) {
            ahead.removeFirst().close();
        }
    }

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
            formatOf(input, format);
            return List.of(input);
        }
        List<Path> files;
        try (Stream<Path> entries = Files.walk(input)) {
            files = entries.filter(entry -> visible(input.relativize(entry)))
                    .filter(entry -> !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                    .peek(InputReader::requireRegular)
                    .sorted(InputReader::naturalOrder)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new InputException(input + ": cannot list the directory: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InputException(input + ": the directory holds no input files");
        }
        requireOneFormat(input + ": the directory", input, files, format);
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

    /** Fails when {@code files}, under {@code root}, are not all of one format; {@code what} names the input. */
    private static void requireOneFormat(String what, Path root, List<Path> files, Format format) {
        Format first = formatOf(files.get(0), format);
        for (Path file : files) {
            if (formatOf(file, format) != first) {
                throw new InputException(what + " mixes formats (" + root.relativize(files.get(0)) + " and "
                        + root.relativize(file) + "); one input holds one format");
            }
        }
    }

    /** A file's format: {@code given} (from {@code --format}) when there is one, else its extension's. */
    private static Format formatOf(Path file, Format given) {
        return given != null ? given : Format.of(file);
    }
}
