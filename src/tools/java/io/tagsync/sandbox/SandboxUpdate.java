package io.tagsync.sandbox;

/**
 * One update as the sandbox received it and checked it: {@code metadata} holds key, value, key, value… with
 * values as an {@link ImageStore.Image} holds them; {@code imageId} is null for the single-image endpoint,
 * whose path names the image.
 */
record SandboxUpdate(
        String imageId, Object[] metadata, String[] removeMetadata, String[] addTags, String[] removeTags) {}
