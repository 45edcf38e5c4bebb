package io.tagsync.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Size and CRC-32C of an input (of all its files, in order, for a directory), recorded when a run is staged
 * so that a restart can refuse an input that changed since.
 */
public record InputFingerprint(long size, String crc32c) {

    public static InputFingerprint of(List<Path> files) {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    crc.update(buffer, 0, n);
                    size += n;
                }
            } catch (IOException e) {
                throw new InputException(file + ": cannot be read: " + e.getMessage(), e);
            }
        }
        return new InputFingerprint(size, HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    /**
     * The fingerprint of an {@code s3://} input's objects as listed: their total size, and a CRC-32C over each
     * object's key, size and ETag (which changes with the object's bytes), so nothing is read to take it.
     */
    public static InputFingerprint ofObjects(List<S3Objects.StoredObject> objects) {
        CRC32C crc = new CRC32C();
        long size = 0;
        for (S3Objects.StoredObject object : objects) {
            crc.update((object.location().key() + "\n" + object.size() + "\n" + object.eTag() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            size += object.size();
        }
        return new InputFingerprint(size, "objects-" + HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    public static InputFingerprint parse(String text) {
        String[] parts = text.split(":");
        return new InputFingerprint(Long.parseLong(parts[0]), parts[1]);
    }

    @Override
    public String toString() {
        return size + ":" + crc32c;
    }

    public String describe() {
        return crc32c.startsWith("objects-")
                ? size + " bytes, objects' keys, sizes and ETags " + crc32c.substring("objects-".length())
                : size + " bytes, CRC-32C " + crc32c;
    }
}
