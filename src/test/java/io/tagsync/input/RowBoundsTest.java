package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.TagsyncProperties.CsvEscape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.unit.DataSize;

/**
 * Rows longer than {@code tagsync.input.max-row-size} are rejected with their line and length and read past
 * without being kept; the rows around them, and their line numbers, are as if they were not there.
 */
class RowBoundsTest {

    @TempDir
    Path dir;

    private static TagsyncProperties.Input bound(CsvEscape escape) {
        return new TagsyncProperties.Input("|", Map.of(), List.of(), null, null, escape, DataSize.ofKilobytes(1));
    }

    /** A cell of {@code n} characters with quotes, delimiters and line breaks in it, quoted as {@code escape} does. */
    private static String longCell(int n, CsvEscape escape) {
        String quote = escape == CsvEscape.BACKSLASH ? "\\\"" : "\"\"";
        StringBuilder cell = new StringBuilder("\"");
        while (cell.length() < n) {
            cell.append("word, ").append(quote).append("quoted").append(quote).append("\nnext line ");
        }
        return cell.append(quote).append("\"").toString();
    }

    @ParameterizedTest
    @EnumSource(CsvEscape.class)
    void aCsvRecordOverTheBoundIsRejectedWithItsLengthAndTheNextRowsKeepTheirLines(CsvEscape escape)
            throws IOException {
        String cell = longCell(50_000, escape);
        long lines = cell.chars().filter(c -> c == '\n').count();
        Path file = Files.writeString(
                dir.resolve("long.csv"),
                "imageId,metadata.note,addTags\n"
                        + "a,\"short, " + (escape == CsvEscape.BACKSLASH ? "\\\"" : "\"\"") + "ok\",x\n"
                        + "b," + cell + ",y\n"
                        + "c,plain,z\n");

        List<ReadRow> rows = Fixtures.readAll(new CsvUpdateReader(file, bound(escape)));

        assertThat(rows).hasSize(3);
        assertThat(((ReadRow.Valid) rows.get(0)).update().metadata()).isEqualTo(Map.of("note", "short, \"ok"));
        ReadRow.Rejected rejected = (ReadRow.Rejected) rows.get(1);
        assertThat(rejected.row()).isEqualTo(2);
        assertThat(rejected.line()).isEqualTo(3);
        assertThat(rejected.imageId()).isEqualTo("b");
        assertThat(rejected.reason())
                .isEqualTo("the row is " + ("b,".length() + cell.length() + ",y".length())
                        + " characters long, more than tagsync.input.max-row-size (1KB)");
        ReadRow.Valid last = (ReadRow.Valid) rows.get(2);
        assertThat(last.update().imageId()).isEqualTo("c");
        assertThat(last.row()).isEqualTo(3);
        assertThat(last.line()).isEqualTo(4 + lines);
    }

    @Test
    void aRecordCutWhereAQuoteEndsItsCellIsStillReadPast() throws IOException {
        // the bound falls right after a quote that might be the first of two ("") or the cell's end
        String cell = "\"" + "x".repeat(1020) + "\"\"" + "y".repeat(3000) + "\"";
        Path file = Files.writeString(dir.resolve("edge.csv"), "imageId,metadata.note\nb," + cell + "\nc,ok\n");

        List<ReadRow> rows = Fixtures.readAll(new CsvUpdateReader(file, bound(CsvEscape.DOUBLE_QUOTE)));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isInstanceOf(ReadRow.Rejected.class);
        assertThat(((ReadRow.Valid) rows.get(1)).update().metadata()).isEqualTo(Map.of("note", "ok"));
        assertThat(rows.get(1).line()).isEqualTo(3);
    }

    @Test
    void backslashEscapesAreReadAsSparkWritesThemAndNowhereElse() throws IOException {
        Path file = Files.writeString(
                dir.resolve("spark.csv"),
                "imageId,metadata.a,metadata.b\n"
                        + "a,\"quai \\\"B\\\", 2\",C:\\temp\\new\n"
                        + "b,\"a\\\\\\\"b\",\"back\\\\slash\"\n"
                        + "c,\"\\\"\",\"\"\n"
                        + "d,\"\\n stays\",ends with \\\n");

        List<ReadRow> rows = Fixtures.readAll(new CsvUpdateReader(file, bound(CsvEscape.BACKSLASH)));

        assertThat(rows).allMatch(ReadRow.Valid.class::isInstance);
        assertThat(rows.stream().map(row -> ((ReadRow.Valid) row).update().metadata()))
                .containsExactly(
                        Map.of("a", "quai \"B\", 2", "b", "C:\\temp\\new"),
                        Map.of("a", "a\\\"b", "b", "back\\slash"),
                        Map.of("a", "\""),
                        Map.of("a", "\\n stays", "b", "ends with \\"));
    }

    @Test
    void aJsonLineOverTheBoundIsRejectedWithItsLengthAndTheNextLinesAreRead() throws IOException {
        String big = "{\"imageId\":\"b\",\"addTags\":[\"" + "t".repeat(100_000) + "\"]}";
        Path file = Files.writeString(
                dir.resolve("long.jsonl"),
                "{\"imageId\":\"a\",\"addTags\":[\"x\"]}\n" + big + "\r\n\n{\"imageId\":\"c\",\"addTags\":[\"z\"]}");

        List<ReadRow> rows = Fixtures.readAll(new JsonLinesUpdateReader(file, bound(CsvEscape.DOUBLE_QUOTE)));

        assertThat(rows).hasSize(3);
        ReadRow.Rejected rejected = (ReadRow.Rejected) rows.get(1);
        assertThat(rejected.line()).isEqualTo(2);
        assertThat(rejected.reason())
                .isEqualTo("the line is " + (big.length() + 1)
                        + " characters long, more than tagsync.input.max-row-size (1KB)");
        assertThat(rows.get(2).line()).isEqualTo(4);
        assertThat(((ReadRow.Valid) rows.get(2)).update().addTags()).containsExactly("z");
    }
}
