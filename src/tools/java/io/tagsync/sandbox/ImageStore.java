package io.tagsync.sandbox;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox workspace's images and their metadata and tags. Updates to one image are applied atomically.
 * Thread-safe.
 */
public final class ImageStore {

    private static final int SHARED_LIMIT = 100_000;

    private final Map<String, ImageState> images = new ConcurrentHashMap<>(1 << 16);
    private final Map<String, String> sharedStrings = new ConcurrentHashMap<>();

    public void seed(Collection<String> imageIds) {
        for (String id : imageIds) {
            images.computeIfAbsent(id, ignored -> new ImageState());
        }
    }

    boolean exists(String imageId) {
        return images.containsKey(imageId);
    }

    /** Applies one validated update; false when the image does not exist and the store is not open. */
    boolean apply(SandboxUpdate update, String imageId, boolean create) {
        ImageState state = create ? images.computeIfAbsent(imageId, ignored -> new ImageState()) : images.get(imageId);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            for (String key : update.removeMetadata()) {
                state.removeMetadata(key);
            }
            Object[] metadata = update.metadata();
            for (int i = 0; i < metadata.length; i += 2) {
                state.putMetadata(shared((String) metadata[i]), shared(metadata[i + 1]));
            }
            for (String tag : update.removeTags()) {
                state.removeTag(tag);
            }
            for (String tag : update.addTags()) {
                state.addTag(shared(tag));
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
            Map<String, Object> metadata = new TreeMap<>();
            for (int i = 0; i < state.metadataSize; i++) {
                metadata.put((String) state.metadata[2 * i], state.metadata[2 * i + 1]);
            }
            SortedSet<String> tags = new TreeSet<>(Arrays.asList(state.tags).subList(0, state.tagCount));
            return Optional.of(new Image(imageId, metadata, tags, state.updates));
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
    public record Image(String imageId, Map<String, Object> metadata, SortedSet<String> tags, int updates) {}

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

    /**
     * One copy of each metadata key, tag and short string value that many images share, so that a store of
     * millions of images stays small; values stop being shared once {@value #SHARED_LIMIT} are held.
     */
    private <T> T shared(T value) {
        if (!(value instanceof String text) || text.length() > 32) {
            return value;
        }
        @SuppressWarnings("unchecked")
        T known = (T) sharedStrings.get(text);
        if (known != null) {
            return known;
        }
        if (sharedStrings.size() < SHARED_LIMIT) {
            sharedStrings.putIfAbsent(text, text);
        }
        return value;
    }

    /** Metadata as key-value pairs in one array and tags as a sorted array: a few dozen bytes an image. */
    private static final class ImageState {
        private static final Object[] NO_METADATA = {};
        private static final String[] NO_TAGS = {};

        Object[] metadata = NO_METADATA;
        int metadataSize;
        String[] tags = NO_TAGS;
        int tagCount;
        int updates;

        void putMetadata(String key, Object value) {
            for (int i = 0; i < metadataSize; i++) {
                if (metadata[2 * i].equals(key)) {
                    metadata[2 * i + 1] = value;
                    return;
                }
            }
            if (2 * metadataSize == metadata.length) {
                metadata = Arrays.copyOf(metadata, Math.max(4, metadata.length * 2));
            }
            metadata[2 * metadataSize] = key;
            metadata[2 * metadataSize + 1] = value;
            metadataSize++;
        }

        void removeMetadata(String key) {
            for (int i = 0; i < metadataSize; i++) {
                if (metadata[2 * i].equals(key)) {
                    System.arraycopy(metadata, 2 * i + 2, metadata, 2 * i, 2 * (metadataSize - i - 1));
                    metadataSize--;
                    metadata[2 * metadataSize] = null;
                    metadata[2 * metadataSize + 1] = null;
                    return;
                }
            }
        }

        void addTag(String tag) {
            int at = Arrays.binarySearch(tags, 0, tagCount, tag);
            if (at >= 0) {
                return;
            }
            int insert = -at - 1;
            if (tagCount == tags.length) {
                tags = Arrays.copyOf(tags, Math.max(2, tags.length * 2));
            }
            System.arraycopy(tags, insert, tags, insert + 1, tagCount - insert);
            tags[insert] = tag;
            tagCount++;
        }

        void removeTag(String tag) {
            int at = Arrays.binarySearch(tags, 0, tagCount, tag);
            if (at >= 0) {
                System.arraycopy(tags, at + 1, tags, at, tagCount - at - 1);
                tags[--tagCount] = null;
            }
        }
    }
}
