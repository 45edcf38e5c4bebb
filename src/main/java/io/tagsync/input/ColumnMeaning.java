package io.tagsync.input;

/**
 * What one column of an input means, parsed from its (mapped) name: the same names in CSV headers, Parquet fields
 * and partition folders. {@code where} places a problem in the file ({@code "line 1: "} for a CSV header).
 */
record ColumnMeaning(Kind kind, String key, ValueType type) {

    enum Kind {
        IMAGE_ID,
        METADATA_VALUE,
        METADATA,
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

    static final ColumnMeaning IGNORED = new ColumnMeaning(Kind.IGNORED, null, null);

    /** The tagsync column this meaning is: {@code imageId}, {@code metadata.KEY}, ... */
    String describe() {
        return switch (kind) {
            case IMAGE_ID -> "imageId";
            case METADATA_VALUE -> "metadata." + key;
            case METADATA -> "metadata";
            case REMOVE_METADATA -> "removeMetadata";
            case ADD_TAGS -> "addTags";
            case REMOVE_TAGS -> "removeTags";
            case IGNORED -> "nothing";
        };
    }

    static ColumnMeaning parse(String file, String where, String header, String target, String typeNote) {
        switch (target) {
            case "imageId":
                return new ColumnMeaning(Kind.IMAGE_ID, null, null);
            case "metadata":
                return new ColumnMeaning(Kind.METADATA, null, null);
            case "removeMetadata":
                return new ColumnMeaning(Kind.REMOVE_METADATA, null, null);
            case "addTags":
                return new ColumnMeaning(Kind.ADD_TAGS, null, null);
            case "removeTags":
                return new ColumnMeaning(Kind.REMOVE_TAGS, null, null);
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
                        throw new InputException(file + ": " + where + "column '" + header + "' has an unknown type ':"
                                + suffix + "' (use :string, :number or :boolean)");
                };
                spec = spec.substring(0, colon);
            }
            if (spec.isEmpty()) {
                throw new InputException(file + ": " + where + "column '" + header + "' names no metadata key");
            }
            return new ColumnMeaning(Kind.METADATA_VALUE, spec, type);
        }
        throw new InputException(
                file + ": " + where + "unknown column '" + header + "'" + typeNote + " (expected imageId, "
                        + "metadata.KEY[:string|:number|:boolean], metadata, removeMetadata, addTags, removeTags; "
                        + "map or ignore other columns in tagsync.input)");
    }
}
