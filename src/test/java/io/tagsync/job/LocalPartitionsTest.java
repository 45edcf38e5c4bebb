package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The API work in four partitions on this process's threads: exact under faults, and a restart redoes only what did not complete. */
@TestPropertySource(properties = "tagsync.partition.count=4")
class LocalPartitionsTest extends JobTestSupport {

    @Test
    void fourPartitionsUnderFaultsEndExact() throws Exception {
        Path input = dir.resolve("faults.csv");
        GeneratedInput generated = GeneratedInput.write(input, 12_000, 1, 2, 21);
        store.seed(generated.imageIds);
        sandbox.settings().rateLimitShare(0.1, 0.05).serverErrorShare(0.05).taskFailureShare(0.05);

        assertThat(run(input, "faults")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        long instance = instanceOf(input, "faults");
        List<Map<String, Object>> partitions = jdbc.queryForList("""
                SELECT s.STEP_NAME, s.STATUS FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e
                  ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE e.JOB_INSTANCE_ID = ? AND s.STEP_NAME LIKE '%:part%' ORDER BY s.STEP_NAME""", instance);
        assertThat(partitions)
                .hasSize(8)
                .allSatisfy(row -> assertThat(row.get("STATUS")).isEqualTo("COMPLETED"));
        assertThat(partitions.stream().map(row -> row.get("STEP_NAME")))
                .contains("submitPartition:part0", "submitPartition:part3", "awaitPartition:part2");
    }

    @Test
    void aRestartRedoesOnlyThePartitionsThatDidNotComplete() throws Exception {
        Path input = dir.resolve("outage.csv");
        GeneratedInput generated = GeneratedInput.write(input, 12_000, 1, 1, 22);
        store.seed(generated.imageIds);
        sandbox.settings().outageAfterBatches(7);

        assertThat(run(input, "outage")).isEqualTo(ExitCodes.FAILED);
        long instance = instanceOf(input, "outage");
        long completedBefore = count("""
                SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e
                  ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE e.JOB_INSTANCE_ID = ? AND s.STEP_NAME LIKE 'submitPartition:%' AND s.STATUS = 'COMPLETED'""", instance);

        sandbox.settings().outage(false);
        assertThat(run(input, "outage")).isEqualTo(ExitCodes.OK);

        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted once")
                .isEqualTo(12);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        long submitPartitionsRun = count("""
                SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e
                  ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE e.JOB_INSTANCE_ID = ? AND s.STEP_NAME LIKE 'submitPartition:%'""", instance);
        assertThat(submitPartitionsRun)
                .as("the rerun ran only the submit partitions that had not completed")
                .isEqualTo(4 + (4 - completedBefore));
    }

    private long count(String sql, long instance) {
        return jdbc.queryForObject(sql, Long.class, instance);
    }
}
