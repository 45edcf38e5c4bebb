package io.tagsync.staging;

import io.tagsync.store.ImageDigest;
import io.tagsync.store.SyncState.AppliedImage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The digest of an image's update: the first 16 bytes of SHA-256 over its JSON object as the request body holds it,
 * which staging writes the same way for equal updates ({@link UpdateJson}). Not thread-safe: one per thread.
 */
public final class UpdateDigests {

    private final MessageDigest sha256;

    public UpdateDigests() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    ImageDigest of(StagedUpdate update) {
        return of(update.bytes(), update.jsonOffset(), update.bytes().length - update.jsonOffset());
    }

    private ImageDigest of(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest());
        return new ImageDigest(digest.getLong(), digest.getLong());
    }

    /** Each update of a stored request's body, with its digest, in order. */
    public List<AppliedImage> ofPayload(byte[] storedPayload) {
        byte[] body = RequestPayloads.body(storedPayload);
        List<AppliedImage> images = new ArrayList<>();
        RequestPayloads.forEachUpdate(body, (imageId, start, end) -> {
            if (imageId != null) {
                images.add(new AppliedImage(imageId, of(body, start, end - start)));
            }
        });
        return images;
    }
}
