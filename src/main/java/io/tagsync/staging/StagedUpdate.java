package io.tagsync.staging;

import io.tagsync.input.ImageUpdate;
import java.nio.charset.StandardCharsets;

/**
 * One image's update as staging hands it to a request: its JSON object, {@code bytes[jsonOffset..]}, ready to
 * go into a request body; the input rows folded into it ({@code rows}, comma-separated, in input order, and the
 * first and last by place in the input); and how many keys and tags it sets, removes, adds and removes.
 * {@code bytes} is not copied: nothing may change it.
 */
public record StagedUpdate(
        String imageId,
        byte[] bytes,
        int jsonOffset,
        String rows,
        long firstRow,
        long lastRow,
        int keysSet,
        int keysRemoved,
        int tagsAdded,
        int tagsRemoved) {

    /** The update read back from its JSON. */
    public ImageUpdate update() {
        return UpdateJson.read(bytes, jsonOffset);
    }

    /** The JSON object as text. */
    public String json() {
        return new String(bytes, jsonOffset, bytes.length - jsonOffset, StandardCharsets.UTF_8);
    }
}
