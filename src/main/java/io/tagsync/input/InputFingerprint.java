package io.tagsync.input;

import java.io.IOException;
import java.io.InputStream;
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

    public static InputFingerprint parse(String text) {
        String[] parts = text.split(":");
        return new InputFingerprint(Long.parseLong(parts[0]), parts[1]);
    }

    @Override
    public String toString() {
        return size + ":" + crc32c;
    }

    public String describe() {
        return size + " bytes, CRC-32C " + crc32c;
    }
}
