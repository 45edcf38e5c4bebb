package io.tagsync.sandbox;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/** The server's validation of update payloads (DESIGN §1), as the sandbox applies it. */
final class ApiValidation {

    static final int MAX_UPDATES = 1000;
    private static final Set<String> FIELDS = Set.of("imageId", "metadata", "removeMetadata", "addTags", "removeTags");

    private ApiValidation() {
    }

    /** Null when the batch body is valid, else the reason the whole batch is refused. */
    static String batchProblem(JsonNode body, Set<String> refusedTags) {
        if (body == null || !body.isObject() || !body.has("updates") || !body.get("updates").isArray()) {
            return "body must be an object with an 'updates' array";
        }
        JsonNode updates = body.get("updates");
        if (updates.isEmpty() || updates.size() > MAX_UPDATES) {
            return "updates must hold 1 to " + MAX_UPDATES + " items, not " + updates.size();
        }
        for (int i = 0; i < updates.size(); i++) {
            String problem = updateProblem(updates.get(i), true, refusedTags);
            if (problem != null) {
                return "updates[" + i + "]: " + problem;
            }
        }
        return null;
    }

    /** Null when the update is valid, else why not. */
    static String updateProblem(JsonNode update, boolean needsImageId, Set<String> refusedTags) {
        if (update == null || !update.isObject()) {
            return "an update must be an object";
        }
        for (Map.Entry<String, JsonNode> field : update.properties()) {
            if (!FIELDS.contains(field.getKey()) || (!needsImageId && field.getKey().equals("imageId"))) {
                return "unknown field '" + field.getKey() + "'";
            }
        }
        if (needsImageId) {
            JsonNode imageId = update.get("imageId");
            if (imageId == null || !imageId.isString() || imageId.stringValue().isBlank()) {
                return "imageId is required";
            }
        }
        int changes = 0;
        JsonNode metadata = update.get("metadata");
        if (metadata != null) {
            if (!metadata.isObject()) {
                return "metadata must be an object";
            }
            for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                JsonNode value = entry.getValue();
                if (!(value.isString() || value.isNumber() || value.isBoolean())) {
                    return "metadata value of '" + entry.getKey() + "' must be a string, number or boolean";
                }
            }
            changes += metadata.size();
        }
        Set<String> removedKeys = new HashSet<>();
        String problem = strings(update.get("removeMetadata"), "removeMetadata", removedKeys);
        if (problem != null) {
            return problem;
        }
        Set<String> added = new HashSet<>();
        problem = strings(update.get("addTags"), "addTags", added);
        if (problem != null) {
            return problem;
        }
        Set<String> removed = new HashSet<>();
        problem = strings(update.get("removeTags"), "removeTags", removed);
        if (problem != null) {
            return problem;
        }
        changes += removedKeys.size() + added.size() + removed.size();
        if (changes == 0) {
            return "an update needs at least one of metadata, removeMetadata, addTags, removeTags";
        }
        for (String key : removedKeys) {
            if (metadata != null && metadata.has(key)) {
                return "metadata key '" + key + "' is both set and removed";
            }
        }
        for (String tag : added) {
            if (removed.contains(tag)) {
                return "tag '" + tag + "' is both added and removed";
            }
        }
        for (String tag : added) {
            if (tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace) || refusedTags.contains(tag)) {
                return "Invalid tag '" + tag + "'";
            }
        }
        return null;
    }

    private static String strings(JsonNode node, String name, Set<String> into) {
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            return name + " must be an array of strings";
        }
        for (JsonNode item : node) {
            if (!item.isString()) {
                return name + " must be an array of strings";
            }
            into.add(item.stringValue());
        }
        return null;
    }
}
