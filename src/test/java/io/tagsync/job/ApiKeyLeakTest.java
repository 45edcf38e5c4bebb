package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The API key appears in no log line, message, table or report — after good runs and failed ones. */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyLeakTest extends JobTestSupport {

    @Test
    void theKeyAppearsNowhere(CapturedOutput output) throws IOException {
        store.seed(BASIC_IMAGES);
        assertThat(run(fixture("basic.csv"), "leak-ok")).isEqualTo(ExitCodes.PARTIAL);

        sandbox.settings().apiKey("the-sandbox-wants-another-key");
        assertThat(run(fixture("basic.csv"), "leak-bad-key")).isEqualTo(ExitCodes.BAD_KEY);
        sandbox.settings().apiKey(SECRET);

        sandbox.settings().outage(true);
        assertThat(run(fixture("basic.csv"), "leak-outage")).isEqualTo(ExitCodes.FAILED);
        sandbox.settings().outage(false);

        assertThat(run(fixture("basic.csv"), WORKSPACE + "-typo", "leak-workspace"))
                .isEqualTo(ExitCodes.NO_WORKSPACE);

        assertThat(output.getAll()).isNotEmpty().doesNotContain(SECRET);
        assertThat(output.getAll()).contains("the API key was refused");
        for (String text : databaseText()) {
            assertThat(text).doesNotContain(SECRET);
        }
        try (Stream<Path> files = Files.walk(dir.resolve("reports"))) {
            List<Path> reports = files.filter(Files::isRegularFile).toList();
            assertThat(reports).hasSizeGreaterThanOrEqualTo(4);
            for (Path report : reports) {
                assertThat(Files.readString(report)).as(report.toString()).doesNotContain(SECRET);
            }
        }
    }

    /** Every value of every table in the repository, as text; gzip-compressed columns decompressed. */
    private List<String> databaseText() {
        List<String> tables = jdbc.queryForList(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'", String.class);
        assertThat(tables).contains("BATCH_JOB_EXECUTION_PARAMS", "BATCH_REQUEST", "FAILED_ITEM");
        List<String> values = new ArrayList<>();
        for (String table : tables) {
            jdbc.query("SELECT * FROM \"" + table + "\"", rs -> {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    values.add(value instanceof byte[] bytes ? text(bytes) : String.valueOf(value));
                }
            });
        }
        assertThat(values).isNotEmpty();
        return values;
    }

    private static String text(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException notGzip) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
