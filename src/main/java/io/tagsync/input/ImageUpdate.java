package io.tagsync.input;

import java.util.Map;
import java.util.Set;

/**
 * One row's change to one image, in the shape of the API's update: metadata values are {@link String},
 * {@link Number} or {@link Boolean}; collections keep the order of the input.
 */
public record ImageUpdate(
        String imageId,
        Map<String, Object> metadata,
        Set<String> removeMetadata,
        Set<String> addTags,
        Set<String> removeTags) {

    public boolean isEmpty() {
        return metadata.isEmpty() && removeMetadata.isEmpty() && addTags.isEmpty() && removeTags.isEmpty();
    }
}
