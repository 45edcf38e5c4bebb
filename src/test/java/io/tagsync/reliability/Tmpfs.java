package io.tagsync.reliability;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a folder of the tests (a disk that fills up for real); needs root, as CI runs. With
 * {@code CI=true} a mount that fails fails the test; elsewhere the test is skipped with the reason.
 */
final class Tmpfs implements AutoCloseable {

    private final Path folder;

    private Tmpfs(Path folder) {
        this.folder = folder;
    }

    static Tmpfs mount(Path folder, String size) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes()).strip();
        if (mount.waitFor() != 0) {
            String message = "cannot mount a tmpfs on " + folder + " (needs root): " + output;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        return new Tmpfs(folder);
    }

    Path folder() {
        return folder;
    }

    /** Fills the disk but for {@code free} bytes; returns the filler, so that deleting it frees the space. */
    Path fillLeaving(long free) throws IOException {
        Path filler = fill();
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            channel.truncate(Math.max(0, channel.size() - free));
        }
        return filler;
    }

    /** Writes a file until the disk is full; returns it, so that deleting it frees the space again. */
    Path fill() throws IOException {
        Path filler = folder.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", folder.toString())
                .inheritIO()
                .start()
                .waitFor();
    }
}
