package io.tagsync.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Keeps what tagsync writes its owner's alone, whatever the umask: its folders {@code rwx------}, its files
 * {@code rw-------}. A folder that is shared (writable by others, as {@code /tmp} is) or that another user owns is
 * left as it is: tagsync then works in a folder of its own inside it. On a file system without POSIX
 * permissions there is nothing to set. Thread-safe.
 */
public final class OwnerOnly {

    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /**
     * Creates {@code folder} if missing (and its missing parents, each owner-only from its creation) and makes it
     * owner-only. The current folder, the home folder and {@code /} are never changed: a repository file put
     * straight into one of them is kept owner-only by its own permissions.
     */
    public static Path folder(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        createMissing(absolute);
        if (!absolute.equals(
                        Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize())
                && !absolute.equals(Path.of(System.getProperty("user.home"))
                        .toAbsolutePath()
                        .normalize())
                && absolute.getParent() != null) {
            restrict(absolute, FOLDER);
        }
        return folder;
    }

    private static void createMissing(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        if (folder.getParent() != null) {
            createMissing(folder.getParent());
        }
        try {
            Files.createDirectory(folder, folderAttributes());
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // created meanwhile
        }
    }

    /** Makes {@code file} owner-only, if it exists. */
    public static void file(Path file) {
        if (Files.isRegularFile(file)) {
            try {
                restrict(file, FILE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Makes the files in {@code folder} whose names match {@code glob} ({@code tagsync.*db}) owner-only. */
    public static void files(Path folder, String glob) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
            for (Path file : files) {
                file(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Attributes for a new file: owner-only from its creation, not after. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] folderAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER)} : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
        if (now.equals(permissions) || now.contains(PosixFilePermission.OTHERS_WRITE) || !ownedByMe(path)) {
            return;
        }
        Files.setPosixFilePermissions(path, permissions);
    }

    private static boolean ownedByMe(Path path) throws IOException {
        UserPrincipal owner = Files.getOwner(path);
        return owner.getName().equals(System.getProperty("user.name"));
    }
}
