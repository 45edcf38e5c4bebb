package io.tagsync.job;

import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.staging.RequestPayloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DryRunTest extends JobTestSupport {

    @Test
    void aDryRunSendsNothingAndStagesExactlyWhatTheRealRunThenSends() throws IOException {
        Path input = dir.resolve("dry.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_500, 1, 6, 77);
        store.seed(generated.imageIds);
        sandbox.settings().keepBodies(true);

        int dry = runCommand.run(
                new RunParameters(input, WORKSPACE, "nightly", sandbox.url(), 4, reportDir("dry"), null, true));

        assertThat(dry).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().apiCalls()).isZero();
        String summary = Files.readString(reportDir("dry").resolve("summary.json"));
        assertThat(summary)
                .contains("\"dryRun\" : true")
                .contains("\"staged\" : 2500")
                .contains("\"total\" : 3")
                .contains("\"PENDING\" : 3")
                .contains("\"keysSet\" :")
                .contains("\"tagsAdded\" :");

        int real = runCommand.run(new RunParameters(input, WORKSPACE, "nightly", sandbox.url(), 4, reportDir("real")));

        assertThat(real).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(3);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(jdbc.queryForObject("""
                SELECT COUNT(*) FROM request_body b JOIN batch_request r ON r.id = b.request_id
                WHERE r.status = 'COMPLETED'""", Long.class))
                .as("bodies of completed requests")
                .isZero();
        JsonMapper json = JsonMapper.builder().build();
        long dryInstance = jdbc.queryForObject("""
                SELECT e.JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p
                  ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'dryRun'
                JOIN BATCH_JOB_EXECUTION_PARAMS i ON i.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND i.PARAMETER_NAME = 'input'
                WHERE i.PARAMETER_VALUE = ?""", Long.class, input.toString());
        List<JsonNode> staged = bodies(dryInstance).stream().map(json::readTree).toList();
        assertThat(staged).hasSize(3);
        assertThat(sandbox.acceptedBodies()).containsExactlyInAnyOrderElementsOf(staged);
        String realSummary = Files.readString(reportDir("real").resolve("summary.json"));
        assertThat(realSummary.substring(realSummary.indexOf("\"changes\""), realSummary.indexOf("\"dryRun\"")))
                .isEqualTo(summary.substring(summary.indexOf("\"changes\""), summary.indexOf("\"dryRun\"")));
    }

    @Test
    void aDryRunWithRejectsExitsFour() {
        store.seed(List.of("img-001"));
        assertThat(runCommand.run(new RunParameters(
                        fixture("basic.csv"),
                        WORKSPACE,
                        "dry-basic",
                        sandbox.url(),
                        4,
                        reportDir("dry-basic"),
                        null,
                        true)))
                .isEqualTo(ExitCodes.PARTIAL);
        assertThat(sandbox.stats().apiCalls()).isZero();
    }

    private List<String> bodies(long instance) {
        return jdbc.queryForList("""
                SELECT b.payload FROM request_body b JOIN batch_request r ON r.id = b.request_id
                WHERE r.job_instance_id = ? ORDER BY r.seq""", byte[].class, instance).stream()
                .map(bytes -> new String(RequestPayloads.body(bytes)))
                .toList();
    }
}
