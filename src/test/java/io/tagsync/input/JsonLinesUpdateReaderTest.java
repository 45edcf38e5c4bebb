package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures.ReadRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesUpdateReaderTest {

    @TempDir
    Path dir;

    private static List<ReadRow> readAll(Path file) {
        return io.tagsync.Fixtures.readAll(new JsonLinesUpdateReader(file, io.tagsync.Fixtures.defaultInput()));
    }

    @Test
    void readsApiShapedUpdatesAndRejectsBadLinesWithTheirLineNumbers() throws IOException {
        Path file = Files.writeString(dir.resolve("changes.jsonl"), """
                {"imageId":"a","metadata":{"camera":"north","n":3,"ok":true},"addTags":["x"]}

                {"imageId":"b","removeMetadata":["camera"],"removeTags":["x"]}
                {"imageId":"c","addTags":["x"]
                {"imageId":"d","colour":"red"}
                {"imageId":"e","metadata":{"nested":{"a":1}}}
                {"imageId":"f"}
                """);

        List<ReadRow> rows = readAll(file);

        assertThat(rows).hasSize(6);
        ImageUpdate a = ((ReadRow.Valid) rows.get(0)).update();
        assertThat(a.metadata())
                .containsEntry("camera", "north")
                .containsEntry("n", 3)
                .containsEntry("ok", true);
        assertThat(rows.get(1).row()).isEqualTo(2);
        assertThat(rows.get(1).line()).isEqualTo(3);
        assertThat(rows.subList(2, 6)).allMatch(ReadRow.Rejected.class::isInstance);
        assertThat(rows.subList(2, 6)).extracting(ReadRow::line).containsExactly(4L, 5L, 6L, 7L);
        assertThat(((ReadRow.Rejected) rows.get(2)).reason()).startsWith("not valid JSON");
        assertThat(((ReadRow.Rejected) rows.get(3)).reason())
                .startsWith("unknown field 'colour' (expected imageId, ")
                .endsWith("map or ignore other fields in tagsync.input)");
        assertThat(((ReadRow.Rejected) rows.get(4)).reason()).contains("must be a string, number or boolean");
        assertThat(((ReadRow.Rejected) rows.get(5)).reason()).startsWith("no change");
    }

    @Test
    void readsGzip() throws IOException {
        Path file = dir.resolve("changes.jsonl.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("{\"imageId\":\"a\",\"addTags\":[\"x\"]}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(readAll(file))
                .singleElement()
                .satisfies(row ->
                        assertThat(((ReadRow.Valid) row).update().addTags()).containsExactly("x"));
    }

    @Test
    void invalidUtf8FailsNamingTheLine() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, new byte[] {'{', '}', '\n', '{', '"', (byte) 0xC3, '"', '}', '\n'});
        assertThatThrownBy(() -> readAll(file))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("bad.jsonl: line 2: not valid UTF-8");
    }

    @Test
    void metadataValuesKeepTheirJsonTypes() throws IOException {
        Path file = Files.writeString(dir.resolve("types.jsonl"), "{\"imageId\":\"a\",\"metadata\":{\"f\":1.25}}\n");
        assertThat(((ReadRow.Valid) readAll(file).get(0)).update().metadata()).containsExactly(Map.entry("f", 1.25));
    }
}
