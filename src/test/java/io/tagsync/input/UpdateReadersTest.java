package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding an input's files: natural order, folders, hidden files, formats by extension or by --format. */
class UpdateReadersTest {

    @TempDir
    Path dir;

    @Test
    void partFilesAreReadInNaturalOrderAcrossFolders() throws IOException {
        for (String name : List.of(
                "data_10.jsonl",
                "data_2.jsonl",
                "data_1.jsonl",
                "day=10/a.jsonl",
                "day=9/a.jsonl",
                "_SUCCESS",
                ".part-0.crc",
                "_temporary/x.jsonl")) {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{}\n");
        }

        List<String> names = InputReader.files(dir).stream()
                .map(file -> dir.relativize(file).toString())
                .toList();

        assertThat(names)
                .containsExactly("data_1.jsonl", "data_2.jsonl", "data_10.jsonl", "day=9/a.jsonl", "day=10/a.jsonl");
    }

    @Test
    void naturalOrderComparesRunsOfDigitsByValue() {
        assertThat(InputReader.naturalOrder("part-2", "part-10")).isNegative();
        assertThat(InputReader.naturalOrder("part-00002", "part-2")).isNotZero();
        assertThat(InputReader.naturalOrder("a", "b")).isNegative();
        assertThat(InputReader.naturalOrder("x99999999999999999999999", "x100000000000000000000000"))
                .isNegative();
    }

    @Test
    void extensionsOrAGivenFormat() throws IOException {
        for (String name : List.of("a.json", "a.ndjson", "a.jsonl.gz", "a.json.gz")) {
            assertThat(Format.of(dir.resolve(name))).as(name).isEqualTo(Format.JSON_LINES);
        }
        Path plain = Files.writeString(dir.resolve("part-00000"), "{}\n");
        assertThatThrownBy(() -> InputReader.files(plain)).hasMessageContaining("--format=csv|jsonl|parquet");
        assertThat(InputReader.files(plain, Format.parse("json"))).containsExactly(plain);
        assertThatThrownBy(() -> Format.parse("xml")).hasMessageContaining("--format takes csv");
    }
}
