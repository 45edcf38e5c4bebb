package io.tagsync.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads update payloads as the API does (docs/api.md): validates them and turns them into {@link SandboxUpdate}s
 * in one pass over the body's tokens, without building a JSON tree, so that a 1,000-update batch costs the
 * sandbox little more than reading its bytes. A refused body gets the reason the API gives; of several
 * problems, the one a check of the whole body in the order below finds first. Thread-safe.
 */
final class UpdateParser {

    static final int MAX_UPDATES = 1000;
    static final String NOT_JSON = "body is not valid JSON";
    private static final String BATCH_SHAPE = "body must be an object with an 'updates' array";
    private static final String[] ABSENT = {};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private UpdateParser() {}

    /** The updates of a batch body, or the reason the whole batch is refused. */
    record Result(List<SandboxUpdate> updates, String problem) {
        static Result refused(String problem) {
            return new Result(List.of(), problem);
        }
    }

    /** A batch body: {@code {"updates": [ ... ]}}, 1 to {@value #MAX_UPDATES} updates, each with its imageId. */
    static Result batch(byte[] body, Set<String> refusedTags) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return refusedAfterReading(parser, BATCH_SHAPE);
            }
            List<SandboxUpdate> updates = null;
            String itemProblem = null;
            int count = 0;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!name.equals("updates")) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    updates = null;
                    continue;
                }
                updates = new ArrayList<>(MAX_UPDATES);
                itemProblem = null;
                count = 0;
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    Object parsed = update(parser, item, true, refusedTags);
                    if (parsed instanceof String problem) {
                        if (itemProblem == null) {
                            itemProblem = "updates[" + count + "]: " + problem;
                        }
                    } else if (itemProblem == null) {
                        updates.add((SandboxUpdate) parsed);
                    }
                    count++;
                }
            }
            if (parser.nextToken() != null) {
                return Result.refused(NOT_JSON);
            }
            if (updates == null) {
                return Result.refused(BATCH_SHAPE);
            }
            if (count == 0 || count > MAX_UPDATES) {
                return Result.refused("updates must hold 1 to " + MAX_UPDATES + " items, not " + count);
            }
            return itemProblem != null ? Result.refused(itemProblem) : new Result(updates, null);
        } catch (JacksonException e) {
            return Result.refused(NOT_JSON);
        }
    }

    /**
     * What a stricter server refuses in a batch of valid updates: one image named twice, or (when
     * {@code refuseConflicts}) a key or tag that one update sets or adds and another removes. Null when neither.
     */
    static String batchProblem(List<SandboxUpdate> updates, boolean refuseDuplicates, boolean refuseConflicts) {
        if (refuseDuplicates) {
            Set<String> seen = new HashSet<>();
            for (SandboxUpdate update : updates) {
                if (!seen.add(update.imageId())) {
                    return "image '" + update.imageId() + "' appears more than once in one batch";
                }
            }
        }
        if (refuseConflicts) {
            Map<String, String> setBy = new HashMap<>();
            Map<String, String> removedBy = new HashMap<>();
            for (SandboxUpdate update : updates) {
                for (int i = 0; i < update.metadata().length; i += 2) {
                    setBy.putIfAbsent("metadata key '" + update.metadata()[i] + "'", update.imageId());
                }
                for (String key : update.removeMetadata()) {
                    removedBy.putIfAbsent("metadata key '" + key + "'", update.imageId());
                }
                for (String tag : update.addTags()) {
                    setBy.putIfAbsent("tag '" + tag + "'", update.imageId());
                }
                for (String tag : update.removeTags()) {
                    removedBy.putIfAbsent("tag '" + tag + "'", update.imageId());
                }
            }
            for (Map.Entry<String, String> set : setBy.entrySet()) {
                String remover = removedBy.get(set.getKey());
                if (remover != null) {
                    return set.getKey() + " is set for image '" + set.getValue() + "' and removed for image '" + remover
                            + "' in one batch";
                }
            }
        }
        return null;
    }

    /** A single-image body: one update without imageId (the image is in the path). */
    static Result single(byte[] body, Set<String> refusedTags) {
        try (JsonParser parser = JSON.createParser(body)) {
            Object parsed = update(parser, parser.nextToken(), false, refusedTags);
            if (parser.nextToken() != null) {
                return Result.refused(NOT_JSON);
            }
            return parsed instanceof String problem
                    ? Result.refused(problem)
                    : new Result(List.of((SandboxUpdate) parsed), null);
        } catch (JacksonException e) {
            return Result.refused(NOT_JSON);
        }
    }

    private static Result refusedAfterReading(JsonParser parser, String problem) {
        parser.skipChildren();
        while (parser.nextToken() != null) {
            parser.skipChildren(); // a syntax error further on still makes the body "not valid JSON"
        }
        return Result.refused(problem);
    }

    /**
     * Reads one update whose first token is {@code first}, leaving the parser on its last token; returns the
     * {@link SandboxUpdate}, or the reason it is refused as a {@link String}.
     */
    private static Object update(JsonParser parser, JsonToken first, boolean needsImageId, Set<String> refusedTags) {
        if (first != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return "an update must be an object";
        }
        String unknown = null;
        String imageId = null;
        Object[] metadata = null;
        String metadataProblem = null;
        String[] removeMetadata = ABSENT;
        String[] addTags = ABSENT;
        String[] removeTags = ABSENT;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "imageId" -> {
                    if (!needsImageId && unknown == null) {
                        unknown = field;
                    }
                    imageId = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    parser.skipChildren();
                }
                case "metadata" -> {
                    metadataProblem = null;
                    metadata = null;
                    if (value != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        metadataProblem = "metadata must be an object";
                    } else {
                        metadata = new Object[0];
                        int size = 0;
                        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                            String key = parser.currentName();
                            Object plain = scalar(parser, parser.nextToken());
                            if (plain == null) {
                                parser.skipChildren();
                                if (metadataProblem == null) {
                                    metadataProblem =
                                            "metadata value of '" + key + "' must be a string, number or boolean";
                                }
                                continue;
                            }
                            metadata = grow(metadata, size);
                            size = put(metadata, size, key, plain);
                        }
                        metadata = Arrays.copyOf(metadata, 2 * size);
                    }
                }
                case "removeMetadata" -> removeMetadata = strings(parser, value);
                case "addTags" -> addTags = strings(parser, value);
                case "removeTags" -> removeTags = strings(parser, value);
                default -> {
                    if (unknown == null) {
                        unknown = field;
                    }
                    parser.skipChildren();
                }
            }
        }
        if (unknown != null) {
            return "unknown field '" + unknown + "'";
        }
        if (needsImageId && (imageId == null || imageId.isBlank())) {
            return "imageId is required";
        }
        if (metadataProblem != null) {
            return metadataProblem;
        }
        if (removeMetadata == null) {
            return "removeMetadata must be an array of strings";
        }
        if (addTags == null) {
            return "addTags must be an array of strings";
        }
        if (removeTags == null) {
            return "removeTags must be an array of strings";
        }
        Object[] pairs = metadata == null ? new Object[0] : metadata;
        if (pairs.length == 0 && removeMetadata.length == 0 && addTags.length == 0 && removeTags.length == 0) {
            return "an update needs at least one of metadata, removeMetadata, addTags, removeTags";
        }
        for (String key : removeMetadata) {
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i].equals(key)) {
                    return "metadata key '" + key + "' is both set and removed";
                }
            }
        }
        for (String tag : addTags) {
            for (String removed : removeTags) {
                if (removed.equals(tag)) {
                    return "tag '" + tag + "' is both added and removed";
                }
            }
        }
        for (String tag : addTags) {
            if (tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace) || refusedTags.contains(tag)) {
                return "Invalid tag '" + tag + "'";
            }
        }
        return new SandboxUpdate(needsImageId ? imageId : null, pairs, removeMetadata, addTags, removeTags);
    }

    /** A metadata value as the plain Java value the store keeps, or null when it is not a JSON scalar. */
    private static Object scalar(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> parser.getString();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT, LONG -> parser.getLongValue();
                    default -> ImageStore.normalize(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT -> ImageStore.normalize(parser.getDoubleValue());
            default -> null;
        };
    }

    private static Object[] grow(Object[] pairs, int size) {
        return 2 * size < pairs.length ? pairs : Arrays.copyOf(pairs, Math.max(4, 2 * pairs.length));
    }

    /** Sets {@code key} in the pairs (a repeated key keeps its first place and its last value); the new size. */
    private static int put(Object[] pairs, int size, String key, Object value) {
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equals(key)) {
                pairs[2 * i + 1] = value;
                return size;
            }
        }
        pairs[2 * size] = key;
        pairs[2 * size + 1] = value;
        return size + 1;
    }

    /** The strings of an array, or null when the value is not an array of strings (the parser then skips it). */
    private static String[] strings(JsonParser parser, JsonToken value) {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        List<String> items = new ArrayList<>(4);
        boolean allStrings = true;
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
            if (item == JsonToken.VALUE_STRING) {
                items.add(parser.getString());
            } else {
                allStrings = false;
                parser.skipChildren();
            }
        }
        return allStrings ? items.toArray(String[]::new) : null;
    }
}
