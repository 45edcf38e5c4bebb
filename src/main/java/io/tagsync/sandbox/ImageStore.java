package io.tagsync.sandbox;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

/**
 * The sandbox workspace's images and their metadata and tags. Updates to one image are applied atomically.
 * Thread-safe.
 */
public final class ImageStore {

    private final Map<String, ImageState> images = new ConcurrentHashMap<>();

    public void seed(Collection<String> imageIds) {
        for (String id : imageIds) {
            images.computeIfAbsent(id, ignored -> new ImageState());
        }
    }

    boolean exists(String imageId) {
        return images.containsKey(imageId);
    }

    /** Applies one validated update; false when the image does not exist and the store is not open. */
    boolean apply(JsonNode update, String imageId, boolean create) {
        ImageState state = create ? images.computeIfAbsent(imageId, ignored -> new ImageState()) : images.get(imageId);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            JsonNode remove = update.get("removeMetadata");
            if (remove != null) {
                remove.forEach(key -> state.metadata.remove(key.stringValue()));
            }
            JsonNode metadata = update.get("metadata");
            if (metadata != null) {
                for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                    state.metadata.put(entry.getKey(), plain(entry.getValue()));
                }
            }
            JsonNode removeTags = update.get("removeTags");
            if (removeTags != null) {
                removeTags.forEach(tag -> state.tags.remove(tag.stringValue()));
            }
            JsonNode addTags = update.get("addTags");
            if (addTags != null) {
                addTags.forEach(tag -> state.tags.add(tag.stringValue()));
            }
            state.updates++;
        }
        return true;
    }

    /** The image's state, or empty for an unknown image. */
    public Optional<Image> image(String imageId) {
        ImageState state = images.get(imageId);
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            return Optional.of(new Image(imageId, new TreeMap<>(state.metadata), new TreeSet<>(state.tags), state.updates));
        }
    }

    /** Every image, sorted by ID. */
    public Map<String, Image> snapshot() {
        Map<String, Image> result = new TreeMap<>();
        for (String id : images.keySet()) {
            image(id).ifPresent(image -> result.put(id, image));
        }
        return result;
    }

    public int size() {
        return images.size();
    }

    /**
     * One image: metadata values are {@link String}, {@link Boolean}, {@link Long} (whole numbers) or
     * {@link Double}; {@code updates} counts the updates applied to it.
     */
    public record Image(String imageId, Map<String, Object> metadata, SortedSet<String> tags, int updates) {
    }

    /** A JSON scalar as the plain Java value an {@link Image} holds. */
    static Object plain(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.canConvertToLong() && value.isIntegralNumber()) {
            return value.longValue();
        }
        return normalize(value.numberValue());
    }

    /** Whole numbers as {@link Long}, others as {@link Double}, so that 3 and 3.0 compare equal. */
    public static Object normalize(Number number) {
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            return number.longValue();
        }
        if (number instanceof Double || number instanceof Float) {
            double value = number.doubleValue();
            if (value == Math.rint(value) && Math.abs(value) < 9.0e15) {
                return (long) value;
            }
            return value;
        }
        BigDecimal decimal = new BigDecimal(number.toString());
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notWhole) {
            return decimal.doubleValue();
        }
    }

    private static final class ImageState {
        final Map<String, Object> metadata = new LinkedHashMap<>();
        final SortedSet<String> tags = new TreeSet<>();
        int updates;
    }
}
