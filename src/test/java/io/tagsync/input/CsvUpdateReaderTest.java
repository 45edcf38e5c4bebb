package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvUpdateReaderTest {

    @TempDir
    Path dir;

    private static List<ReadRow> readAll(Path file, TagsyncProperties.Input settings) {
        return Fixtures.readAll(new CsvUpdateReader(file, settings));
    }

    @Test
    void readsTypedColumnsJsonMetadataAndListsAfterAByteOrderMark() {
        List<ReadRow> rows = readAll(fixture("basic.csv"), defaultInput());

        assertThat(rows).hasSize(16);
        ImageUpdate first = ((ReadRow.Valid) rows.get(0)).update();
        assertThat(first.imageId()).isEqualTo("img-001");
        assertThat(first.metadata())
                .containsExactly(
                        Map.entry("camera", "north-01"), Map.entry("exposure_ms", 16L), Map.entry("reviewed", true));
        assertThat(first.addTags()).containsExactly("night", "truck");

        ImageUpdate second = ((ReadRow.Valid) rows.get(1)).update();
        assertThat(second.metadata())
                .containsEntry("camera", "south, gate 2")
                .containsEntry("exposure_ms", 8.5)
                .containsEntry("reviewed", false)
                .containsEntry("lux", 120)
                .containsEntry("hdr", true);
        assertThat(second.removeMetadata()).containsExactly("legacy");
        assertThat(second.removeTags()).containsExactly("todo");
    }

    @Test
    void numbersRowsFromOneAndLinesWhereTheRecordStarts() {
        List<ReadRow> rows = readAll(fixture("basic.csv"), defaultInput());

        ReadRow multiLine = rows.get(9);
        assertThat(multiLine.row()).isEqualTo(10);
        assertThat(multiLine.line()).isEqualTo(11);
        assertThat(((ReadRow.Valid) multiLine).update().metadata()).containsEntry("camera", "dock\nthree");
        assertThat(rows.get(10).row()).isEqualTo(11);
        assertThat(rows.get(10).line()).isEqualTo(13);
    }

    @Test
    void rejectsEachInvalidRowWithItsReason() throws IOException {
        List<ReadRow.Rejected> rejected = readAll(fixture("basic.csv"), defaultInput()).stream()
                .filter(ReadRow.Rejected.class::isInstance)
                .map(ReadRow.Rejected.class::cast)
                .toList();

        List<String> expected = Files.readAllLines(fixture("basic.rejects.csv")).subList(1, 9);
        assertThat(rejected).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] fields = expected.get(i).split(",", 3);
            assertThat(rejected.get(i).row()).as("row of reject %d", i).isEqualTo(Long.parseLong(fields[0]));
            assertThat(rejected.get(i).line()).as("line of reject %d", i).isEqualTo(Long.parseLong(fields[1]));
            assertThat(rejected.get(i).reason()).contains(fields[2]);
            assertThat(rejected.get(i).source()).isEqualTo("basic.csv");
        }
    }

    @Test
    void headerOnlyFileHasNoRows() {
        assertThat(readAll(fixture("header-only.csv"), defaultInput())).isEmpty();
    }

    @Test
    void mapsAndIgnoresColumnsByConfiguration() {
        TagsyncProperties.Input mapped = new TagsyncProperties.Input(
                "|",
                Map.of("image_id", "imageId", "cam", "metadata.camera:string"),
                List.of("notes"),
                null,
                null,
                null,
                null);

        List<ReadRow> rows = readAll(fixture("mapped-columns.csv"), mapped);

        ImageUpdate update = ((ReadRow.Valid) rows.get(0)).update();
        assertThat(update.imageId()).isEqualTo("img-001");
        assertThat(update.metadata()).containsExactly(Map.entry("camera", "north"));
    }

    @Test
    void readsGzip() throws IOException {
        Path gz = dir.resolve("changes.csv.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture("basic.csv")));
        }
        assertThat(readAll(gz, defaultInput())).hasSize(16);
    }

    @Test
    void failsOnAnUnknownColumnNamingFileAndColumn() {
        assertThatThrownBy(() -> readAll(fixture("unknown-column.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("unknown-column.csv: line 1: unknown column 'tagz'");
    }

    @Test
    void failsWithoutAnImageIdColumn() {
        assertThatThrownBy(() -> readAll(fixture("no-image-id.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("no-image-id.csv: line 1: unknown column 'image'");
    }

    @Test
    void failsOnADuplicateColumn() {
        assertThatThrownBy(() -> readAll(fixture("duplicate-column.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("duplicate-column.csv: line 1")
                .hasMessageContaining("addTags");
    }

    @Test
    void failsOnAnUnterminatedQuoteNamingTheLine() {
        assertThatThrownBy(() -> readAll(fixture("unterminated-quote.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("unterminated-quote.csv: line 2");
    }

    @Test
    void failsOnInvalidUtf8() {
        assertThatThrownBy(() -> readAll(fixture("invalid-utf8.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("invalid-utf8.csv: line 2: not valid UTF-8");
    }

    @Test
    void failsOnAMissingOrEmptyFile() throws IOException {
        assertThatThrownBy(() -> readAll(dir.resolve("absent.csv"), defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("absent.csv: no such file");
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertThatThrownBy(() -> readAll(empty, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("empty.csv: the file is empty");
    }

    @Test
    void failsOnGzipThatIsNotGzip() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.csv.gz"), "imageId,addTags\nimg-1,a\n");
        assertThatThrownBy(() -> readAll(fake, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("fake.csv.gz: not a gzip file");
    }
}
