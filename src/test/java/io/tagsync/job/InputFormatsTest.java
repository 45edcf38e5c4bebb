package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static io.tagsync.ParquetFiles.change;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.ParquetFiles;
import io.tagsync.run.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

/** Each input format, end to end against the sandbox, to the exact final image state. */
class InputFormatsTest extends JobTestSupport {

    @Test
    void jsonLines() throws IOException {
        store.seed(BASIC_IMAGES);

        assertThat(run(fixture("basic.jsonl"), "jsonl")).isEqualTo(ExitCodes.PARTIAL);

        assertThat(actualState(BASIC_IMAGES)).isEqualTo(expectedState(fixture("basic.expected.json")));
        List<String> rejects = Files.readAllLines(reportDir("jsonl").resolve("rejects.csv"));
        assertThat(rejects).hasSize(5);
        assertThat(rejects.get(1)).startsWith("4,4,,missing imageId");
        assertThat(rejects.get(2)).startsWith("5,5,img-004,\"no change");
        assertThat(rejects.get(3)).startsWith("6,6,img-007,invalid tag 'a tag'");
        assertThat(rejects.get(4)).startsWith("9,10,,not valid JSON");
        assertThat(Files.readAllLines(reportDir("jsonl").resolve("failed-items.csv")))
                .contains("img-missing,%s,Image not found,10".formatted(failedTask("jsonl")));
    }

    @Test
    void gzippedCsv() throws IOException {
        store.seed(BASIC_IMAGES);
        Path gz = dir.resolve("basic.csv.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture("basic.csv")));
        }

        assertThat(run(gz, "csv-gz")).isEqualTo(ExitCodes.PARTIAL);

        assertThat(actualState(BASIC_IMAGES)).isEqualTo(expectedState(fixture("basic.expected.json")));
    }

    @Test
    void parquetWithStructMetadataListTagsNullsAndRepeatedIds() throws IOException {
        store.seed(List.of("a", "b", "c"));
        Path file = dir.resolve("changes.parquet");
        ParquetFiles.write(
                file,
                ParquetFiles.STRUCT_METADATA,
                CompressionCodecName.SNAPPY,
                List.of(
                        change("a", new Object[] {"north", 16, 1.5, true}, null, List.of("night", "truck"), null),
                        change("b", new Object[] {"south", null, null, null}, List.of("legacy"), List.of("x"), null),
                        change("a", new Object[] {null, 33, null, null}, List.of("camera"), null, List.of("night")),
                        change("c", null, null, null, null),
                        change("b", null, null, List.of("y"), List.of("x")),
                        change("a", new Object[] {"east", null, null, false}, null, List.of("night"), null)));

        assertThat(run(file, "parquet")).isEqualTo(ExitCodes.PARTIAL);

        assertThat(actualState(List.of("a", "b", "c")))
                .isEqualTo(Map.of(
                        "a",
                                state(
                                        Map.of("camera", "east", "exposure_ms", 33L, "gain", 1.5, "reviewed", false),
                                        "night",
                                        "truck"),
                        "b", state(Map.of("camera", "south"), "y"),
                        "c", state(Map.of())));
        assertThat(Files.readAllLines(reportDir("parquet").resolve("rejects.csv")))
                .containsExactly(
                        "row,line,imageId,reason,file",
                        "4,4,c,\"no change: the row sets, removes, adds and removes nothing\",changes.parquet");
    }

    @Test
    void aDirectoryOfPartFilesIsOneInputInNameOrder() throws IOException {
        store.seed(List.of("a", "b", "c"));
        Path parts = Files.createDirectories(dir.resolve("export"));
        ParquetFiles.write(
                parts.resolve("part-00002.parquet"),
                ParquetFiles.STRUCT_METADATA,
                CompressionCodecName.ZSTD,
                List.of(
                        change("a", new Object[] {"third", null, null, null}, null, null, List.of("t1")),
                        change("", new Object[] {"x", null, null, null}, null, null, null)));
        ParquetFiles.write(
                parts.resolve("part-00000.parquet"),
                ParquetFiles.STRUCT_METADATA,
                CompressionCodecName.SNAPPY,
                List.of(
                        change("a", new Object[] {"first", null, null, null}, null, List.of("t1", "t2"), null),
                        change("b", null, null, List.of("t1"), null)));
        ParquetFiles.write(
                parts.resolve("part-00001.parquet"),
                ParquetFiles.STRUCT_METADATA,
                CompressionCodecName.GZIP,
                List.of(
                        change("a", new Object[] {"second", 7, null, null}, null, null, List.of("t2")),
                        change("c", null, null, List.of("t3"), null)));
        Files.writeString(parts.resolve("_SUCCESS"), "");

        assertThat(run(parts, "parts")).isEqualTo(ExitCodes.PARTIAL);

        assertThat(actualState(List.of("a", "b", "c")))
                .isEqualTo(Map.of(
                        "a", state(Map.of("camera", "third", "exposure_ms", 7L)),
                        "b", state(Map.of(), "t1"),
                        "c", state(Map.of(), "t3")));
        assertThat(Files.readAllLines(reportDir("parts").resolve("rejects.csv")))
                .containsExactly("row,line,imageId,reason,file", "2,2,,missing imageId,part-00002.parquet");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ?",
                        Long.class,
                        instanceOf(parts, "parts")))
                .isEqualTo(1);
    }

    private String failedTask(String runKey) {
        return jdbc.queryForObject(
                "SELECT task_id FROM failed_item WHERE job_instance_id = ?",
                String.class,
                instanceOf(fixture("basic.jsonl"), runKey));
    }

    private static State state(Map<String, Object> metadata, String... tags) {
        return new State(new TreeMap<>(metadata), new TreeSet<>(List.of(tags)));
    }
}
