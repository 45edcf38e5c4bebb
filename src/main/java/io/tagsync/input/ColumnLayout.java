package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.util.HashSet;
import java.util.Set;

/**
 * A file's columns as the CSV and Parquet readers lay them out: each name ignored ({@code tagsync.input.ignore-columns})
 * or mapped ({@code tagsync.input.columns}) to one {@link ColumnMeaning}, no meaning twice, and an image ID among
 * them. {@code where} places a problem in the file ({@code "line 1: "} for a CSV header).
 */
final class ColumnLayout {

    private final InputPart file;
    private final String where;
    private final TagsyncProperties.Input settings;
    private final Set<String> seen = new HashSet<>();
    private boolean hasImageId;

    ColumnLayout(InputPart file, String where, TagsyncProperties.Input settings) {
        this.file = file;
        this.where = where;
        this.settings = settings;
    }

    /** The column's meaning, or {@link ColumnMeaning#IGNORED}; {@code typeNote} adds its type to an error. */
    ColumnMeaning add(String name, String typeNote) {
        if (settings.ignoreColumns().contains(name)) {
            return ColumnMeaning.IGNORED;
        }
        String target = settings.columns().getOrDefault(name, name);
        ColumnMeaning meaning = ColumnMeaning.parse(file.toString(), where, name, target, typeNote);
        String identity = meaning.kind() == ColumnMeaning.Kind.METADATA_VALUE
                ? "metadata." + meaning.key()
                : meaning.kind().name();
        if (!seen.add(identity)) {
            throw new InputException(file + ": " + where + "duplicate column '" + name + "'"
                    + (target.equals(name) ? "" : " (mapped to " + target + ")"));
        }
        hasImageId |= meaning.kind() == ColumnMeaning.Kind.IMAGE_ID;
        return meaning;
    }

    void requireImageId() {
        if (!hasImageId) {
            throw new InputException(file + ": " + where + "no imageId column (map one with tagsync.input.columns)");
        }
    }
}
