package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A run on an H2 repository file, as by default, with the process's umask letting others read what it creates
 * (022): the repository's folder and files, the reports and the spill files are its owner's alone all the same.
 */
class PrivateFilesTest extends JobTestSupport {

    private static final Path WORK = createWork();

    private static Path createWork() {
        try {
            return Files.createTempDirectory("tagsync-private-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void fileRepository(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:file:" + WORK.resolve("data/tagsync") + ";DB_CLOSE_ON_EXIT=FALSE");
        registry.add("tagsync.staging.spill-dir", () -> WORK.resolve("spill").toString());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theRepositoryReportsAndSpillFilesAreTheOwnersAlone() throws IOException {
        Path input = dir.resolve("private.csv");
        GeneratedInput generated = GeneratedInput.write(input, 6_000, 1, 2, 41);
        store.seed(generated.imageIds);

        assertThat(run(input, "private")).isEqualTo(ExitCodes.OK);

        assertThat(mode(WORK.resolve("data"))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(WORK.resolve("data"))) {
            assertThat(files.filter(Files::isRegularFile).toList())
                    .isNotEmpty()
                    .allSatisfy(
                            file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
        assertThat(mode(WORK.resolve("spill"))).isEqualTo("rwx------");
        assertThat(mode(reportDir("private"))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(reportDir("private"))) {
            assertThat(files.toList())
                    .isNotEmpty()
                    .allSatisfy(
                            file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }
}
