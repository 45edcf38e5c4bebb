package io.tagsync.staging;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.tagsync.input.ImageUpdate;

/**
 * Folds the rows of an input into one update per image, in order of each image's first row. Holds every
 * distinct image of the input in memory: this is the current limit on input size (a few million images in
 * the default heap). Not thread-safe.
 */
public final class UpdateMerger {

    private final Map<String, MergedUpdate> byImage = new LinkedHashMap<>();

    public void add(ImageUpdate update, long ordinal, String rowRef) {
        byImage.computeIfAbsent(update.imageId(), MergedUpdate::new).apply(update, ordinal, rowRef);
    }

    public Collection<MergedUpdate> updates() {
        return byImage.values();
    }

    public int size() {
        return byImage.size();
    }
}
