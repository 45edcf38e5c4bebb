package io.tagsync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders and files made their owner's alone whatever the umask, and shared folders left as they are. */
class OwnerOnlyTest {

    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void foldersItCreatesOrOwnsBecomeOwnerOnlyAndSharedOnesStayAsTheyAre() throws IOException {
        OwnerOnly.folder(dir.resolve("a/b"));
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");

        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        OwnerOnly.folder(open);
        assertThat(mode(open)).isEqualTo("rwx------");

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        OwnerOnly.folder(shared);
        assertThat(mode(shared)).as("a folder others write to, as /tmp").isEqualTo("rwxrwxrwx");
    }

    @Test
    void filesThatMatchBecomeOwnerOnly() throws IOException {
        for (String name : new String[] {"tagsync.mv.db", "tagsync.trace.db", "tagsync-input.csv", "other.txt"}) {
            Files.setPosixFilePermissions(
                    Files.createFile(dir.resolve(name)), PosixFilePermissions.fromString("rw-r--r--"));
        }

        OwnerOnly.files(dir, "tagsync.*db");

        assertThat(mode(dir.resolve("tagsync.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("tagsync.trace.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("tagsync-input.csv"))).isEqualTo("rw-r--r--");
        assertThat(mode(dir.resolve("other.txt"))).isEqualTo("rw-r--r--");
        assertThat(mode(Files.createFile(dir.resolve("new"), OwnerOnly.fileAttributes())))
                .isEqualTo("rw-------");
    }
}
