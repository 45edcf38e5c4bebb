package io.tagsync.input;

import java.nio.file.Path;

import io.tagsync.TagsyncProperties;

/** Picks the reader for an input by its extension. */
public final class UpdateReaders {

    private UpdateReaders() {
    }

    public static UpdateReader open(Path input, TagsyncProperties.Input settings) {
        String name = input.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            return new CsvUpdateReader(input, settings);
        }
        throw new InputException(input + ": unsupported input format (expected .csv or .csv.gz)");
    }
}
