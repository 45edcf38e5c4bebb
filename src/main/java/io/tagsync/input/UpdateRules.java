package io.tagsync.input;

import java.util.Optional;

/**
 * What makes an update acceptable to the API (docs/api.md), checked on every row of every format so that a
 * row the server would refuse is rejected here, with its row number, instead of failing a whole batch.
 */
public final class UpdateRules {

    private UpdateRules() {}

    /** The reason the update would be refused, or empty when it is valid. */
    public static Optional<String> violation(ImageUpdate update) {
        String imageId = update.imageId();
        if (imageId == null || imageId.isBlank()) {
            return Optional.of("missing imageId");
        }
        if (!isPlainToken(imageId) || imageId.indexOf('/') >= 0) {
            return Optional.of("invalid imageId '" + imageId + "': no spaces, control characters or '/'");
        }
        if (update.isEmpty()) {
            return Optional.of("no change: the row sets, removes, adds and removes nothing");
        }
        for (String key : update.metadata().keySet()) {
            if (key.isEmpty()) {
                return Optional.of("empty metadata key");
            }
            if (update.removeMetadata().contains(key)) {
                return Optional.of("metadata key '" + key + "' is both set and removed");
            }
        }
        for (String key : update.removeMetadata()) {
            if (key.isEmpty()) {
                return Optional.of("empty metadata key in removeMetadata");
            }
        }
        for (String tag : update.addTags()) {
            if (update.removeTags().contains(tag)) {
                return Optional.of("tag '" + tag + "' is both added and removed");
            }
            if (!isPlainToken(tag)) {
                return Optional.of("invalid tag '" + tag + "': tags cannot contain spaces");
            }
        }
        for (String tag : update.removeTags()) {
            if (!isPlainToken(tag)) {
                return Optional.of("invalid tag '" + tag + "': tags cannot contain spaces");
            }
        }
        return Optional.empty();
    }

    private static boolean isPlainToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }
}
