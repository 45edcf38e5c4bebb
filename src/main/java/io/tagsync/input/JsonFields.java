package io.tagsync.input;

import io.tagsync.run.TagsyncProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * What the top-level fields of a JSON update mean, by the rules of CSV headers and Parquet fields: a name in
 * {@code tagsync.input.ignore-columns} is left out, one in {@code tagsync.input.columns} is read as its target,
 * and any other must be a tagsync column. A JSON input has no header, so an unknown field rejects its row rather
 * than the file. Names are resolved once and kept (up to a bound, for files whose rows all differ). Not
 * thread-safe.
 */
final class JsonFields {

    private static final int KEPT = 1024;

    private final InputPart file;
    private final TagsyncProperties.Input settings;
    private final Map<String, ColumnMeaning> meanings = new HashMap<>();

    JsonFields(InputPart file, TagsyncProperties.Input settings) {
        this.file = file;
        this.settings = settings;
    }

    ColumnMeaning meaning(String name) throws JsonUpdates.RowProblem {
        ColumnMeaning meaning = meanings.get(name);
        if (meaning != null) {
            return meaning;
        }
        if (settings.ignoreColumns().contains(name)) {
            meaning = ColumnMeaning.IGNORED;
        } else {
            try {
                meaning = ColumnMeaning.parse(
                        file.toString(), "", name, settings.columns().getOrDefault(name, name), "");
            } catch (InputException unknown) {
                throw new JsonUpdates.RowProblem("unknown field '" + name + "' (expected imageId, "
                        + "metadata.KEY[:string|:number|:boolean], metadata, removeMetadata, addTags, removeTags; "
                        + "map or ignore other fields in tagsync.input)");
            }
        }
        if (meanings.size() < KEPT) {
            meanings.put(name, meaning);
        }
        return meaning;
    }
}
