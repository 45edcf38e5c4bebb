package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The input formats: each names itself for {@code --format}, owns the file extensions it is known by, and makes the
 * reader of one of its files. A new format is one {@link FileRowReader} and one constant here.
 */
public enum Format {
    CSV(List.of("csv"), List.of(".csv", ".tsv"), true, CsvUpdateReader::new),
    JSON_LINES(
            List.of("jsonl", "json", "ndjson"),
            List.of(".jsonl", ".ndjson", ".json"),
            true,
            JsonLinesUpdateReader::new),
    PARQUET(List.of("parquet"), List.of(".parquet"), false, ParquetUpdateReader::new);

    /** Makes the reader of one file of the format. */
    @FunctionalInterface
    interface ReaderFactory {
        FileRowReader reader(
                InputPart file, String source, TagsyncProperties.Input settings, PartitionColumns partitions);
    }

    private final List<String> names;
    private final List<String> extensions;
    private final boolean gzip;
    private final ReaderFactory factory;

    Format(List<String> names, List<String> extensions, boolean gzip, ReaderFactory factory) {
        this.names = names;
        this.extensions = extensions;
        this.gzip = gzip;
        this.factory = factory;
    }

    /** A {@code --format} value; null or blank: none, each file's extension says. */
    public static Format parse(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Format format : values()) {
            if (format.names.contains(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException("--format takes "
                + Arrays.stream(values()).map(format -> format.names.get(0)).collect(Collectors.joining(", "))
                + " (or another name of one: "
                + Arrays.stream(values())
                        .flatMap(format -> format.names.stream().skip(1))
                        .collect(Collectors.joining(", "))
                + "), not " + name);
    }

    /** The format of a file by its extension, {@code .gz} after it where the format allows. */
    public static Format of(Path file) {
        return of(InputPart.local(file));
    }

    /** The format of a file of an input, local or stored, by its name's extension. */
    static Format of(InputPart file) {
        String name = file.name().toLowerCase(Locale.ROOT);
        boolean gzipped = name.endsWith(".gz");
        String bare = gzipped ? name.substring(0, name.length() - 3) : name;
        for (Format format : values()) {
            if ((!gzipped || format.gzip) && format.extensions.stream().anyMatch(bare::endsWith)) {
                return format;
            }
        }
        throw new InputException(file + ": unsupported input format (expected " + known() + "; --format="
                + Arrays.stream(values()).map(format -> format.names.get(0)).collect(Collectors.joining("|"))
                + " reads files of any name)");
    }

    private static String known() {
        return Arrays.stream(values())
                .map(format -> String.join(", ", format.extensions) + (format.gzip ? " (each also .gz)" : ""))
                .collect(Collectors.joining("; "));
    }

    FileRowReader reader(InputPart file, String source, TagsyncProperties.Input settings, PartitionColumns partitions) {
        return factory.reader(file, source, settings, partitions);
    }
}
