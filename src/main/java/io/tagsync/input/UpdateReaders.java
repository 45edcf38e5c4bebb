package io.tagsync.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.tagsync.TagsyncProperties;

/**
 * Opens an input — one file, or a directory of part files read in name order as one input — with the reader
 * its format needs. The format comes from the file extension.
 */
public final class UpdateReaders {

    public enum Format { CSV, JSON_LINES, PARQUET }

    private UpdateReaders() {
    }

    /** The files of an input, in reading order; fails on an empty directory or one that mixes formats. */
    public static List<Path> files(Path input) {
        if (!Files.isDirectory(input)) {
            if (!Files.exists(input)) {
                throw new InputException(input + ": no such file or directory");
            }
            format(input);
            return List.of(input);
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(input)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith(".")
                            && !file.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InputException(input + ": cannot list the directory: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InputException(input + ": the directory holds no input files");
        }
        Format first = format(files.get(0));
        for (Path file : files) {
            if (format(file) != first) {
                throw new InputException(input + ": the directory mixes formats (" + files.get(0).getFileName() + " and "
                        + file.getFileName() + "); one input holds one format");
            }
        }
        return files;
    }

    public static Format format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".ndjson")) {
            return Format.JSON_LINES;
        }
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        throw new InputException(file + ": unsupported input format (expected .csv, .csv.gz, .jsonl, .jsonl.gz or .parquet)");
    }

    /** A reader over all the files of the input, one after the other. */
    public static UpdateReader open(List<Path> files, TagsyncProperties.Input settings) {
        if (files.size() == 1) {
            return open(files.get(0), settings);
        }
        return new SequenceReader(files, settings);
    }

    public static UpdateReader open(Path file, TagsyncProperties.Input settings) {
        return switch (format(file)) {
            case CSV -> new CsvUpdateReader(file, settings);
            case JSON_LINES -> new JsonLinesUpdateReader(file);
            case PARQUET -> {
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new InputException(file + ": no such file");
                }
                yield new ParquetUpdateReader(file, settings);
            }
        };
    }

    /** Reads files one after another; each is opened (and its header checked) when the previous ends. */
    private static final class SequenceReader implements UpdateReader {

        private final List<Path> files;
        private final TagsyncProperties.Input settings;
        private int next;
        private UpdateReader current;

        SequenceReader(List<Path> files, TagsyncProperties.Input settings) {
            this.files = files;
            this.settings = settings;
            // Check every header before the first row is read, so that a bad last file fails the run early.
            for (Path file : files) {
                open(file, settings).close();
            }
        }

        @Override
        public InputRow next() {
            while (true) {
                if (current == null) {
                    if (next == files.size()) {
                        return null;
                    }
                    current = open(files.get(next++), settings);
                }
                InputRow row = current.next();
                if (row != null) {
                    return row;
                }
                current.close();
                current = null;
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
            }
        }
    }
}
