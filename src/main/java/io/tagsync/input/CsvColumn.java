package io.tagsync.input;

import java.nio.file.Path;

/** What one CSV column means, parsed from its (mapped) header name. */
record CsvColumn(Kind kind, String key, ValueType type) {

    enum Kind {
        IMAGE_ID,
        METADATA_VALUE,
        METADATA_JSON,
        REMOVE_METADATA,
        ADD_TAGS,
        REMOVE_TAGS,
        IGNORED
    }

    enum ValueType {
        STRING,
        NUMBER,
        BOOLEAN
    }

    static final CsvColumn IGNORED = new CsvColumn(Kind.IGNORED, null, null);

    static CsvColumn parse(Path file, String header, String target) {
        switch (target) {
            case "imageId":
                return new CsvColumn(Kind.IMAGE_ID, null, null);
            case "metadata":
                return new CsvColumn(Kind.METADATA_JSON, null, null);
            case "removeMetadata":
                return new CsvColumn(Kind.REMOVE_METADATA, null, null);
            case "addTags":
                return new CsvColumn(Kind.ADD_TAGS, null, null);
            case "removeTags":
                return new CsvColumn(Kind.REMOVE_TAGS, null, null);
            default:
                break;
        }
        if (target.startsWith("metadata.") && target.length() > "metadata.".length()) {
            String spec = target.substring("metadata.".length());
            ValueType type = ValueType.STRING;
            int colon = spec.lastIndexOf(':');
            if (colon >= 0) {
                String suffix = spec.substring(colon + 1);
                type = switch (suffix) {
                    case "string" -> ValueType.STRING;
                    case "number" -> ValueType.NUMBER;
                    case "boolean" -> ValueType.BOOLEAN;
                    default ->
                        throw new InputException(file + ": line 1: column '" + header + "' has an unknown type ':"
                                + suffix + "' (use :string, :number or :boolean)");
                };
                spec = spec.substring(0, colon);
            }
            if (spec.isEmpty()) {
                throw new InputException(file + ": line 1: column '" + header + "' names no metadata key");
            }
            return new CsvColumn(Kind.METADATA_VALUE, spec, type);
        }
        throw new InputException(file + ": line 1: unknown column '" + header + "' (expected imageId, "
                + "metadata.KEY[:string|:number|:boolean], metadata, removeMetadata, addTags, removeTags; "
                + "map or ignore other columns in tagsync.input)");
    }
}
