package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.sandbox.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A run that fails mid-way and is rerun with the same command. */
class RestartTest extends JobTestSupport {

    @Test
    void rerunAfterAnOutageSendsOnlyWhatWasNotAcknowledgedAndEndsExact() throws IOException {
        Path input = dir.resolve("outage.csv");
        GeneratedInput generated = GeneratedInput.write(input, 10_000, 1, 2, 7);
        store.seed(generated.imageIds);
        sandbox.settings().outageAfterBatches(3);

        int first = run(input, "outage");

        assertThat(first).isEqualTo(ExitCodes.FAILED);
        long instance = instanceOf(input, "outage");
        long acknowledged =
                count("SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status <> 'PENDING'", instance);
        long acceptedBeforeRestart = sandbox.stats().acceptedBatches();
        assertThat(acknowledged).isBetween(3L, 9L).isEqualTo(acceptedBeforeRestart);
        assertThat(count("SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ?", instance))
                .isEqualTo(10);

        sandbox.settings().outage(false);
        int second = run(input, "outage");

        assertThat(second).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted exactly once")
                .isEqualTo(10);
        assertThat(count("SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ?", instance))
                .as("nothing staged twice")
                .isEqualTo(10);
        assertThat(count(
                        "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status = 'COMPLETED'",
                        instance))
                .isEqualTo(10);
        assertThat(count("""
                SELECT COUNT(*) FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e
                  ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE e.JOB_INSTANCE_ID = ? AND s.STEP_NAME = 'stage'""", instance)).as("staged once").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?", instance))
                .isEqualTo(2);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(generated.imageIds)
                .allSatisfy(id -> assertThat(store.image(id).map(ImageStore.Image::updates))
                        .contains(1));
    }

    /**
     * A database restart while a step commits leaves the execution and the step {@code UNKNOWN}, which Spring
     * Batch refuses to restart; the requests' rows say what was sent, and the rerun goes on from them.
     */
    @Test
    void aRunWhoseEndCouldNotBeRecordedIsResumedFromItsRequests() throws IOException {
        Path input = dir.resolve("unknown-end.csv");
        GeneratedInput generated = GeneratedInput.write(input, 10_000, 1, 2, 8);
        store.seed(generated.imageIds);
        sandbox.settings().outageAfterBatches(3);
        assertThat(run(input, "unknown-end")).isEqualTo(ExitCodes.FAILED);
        long instance = instanceOf(input, "unknown-end");
        jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN' WHERE JOB_INSTANCE_ID = ?", instance);
        jdbc.update("""
                UPDATE BATCH_STEP_EXECUTION SET STATUS = 'UNKNOWN' WHERE STATUS = 'FAILED' AND JOB_EXECUTION_ID IN
                  (SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?)""", instance);
        sandbox.settings().outage(false);

        int second = run(input, "unknown-end");

        assertThat(second).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted exactly once")
                .isEqualTo(10);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void failedTasksAreResubmittedUntilTheyComplete() throws IOException {
        Path input = dir.resolve("flaky-tasks.csv");
        GeneratedInput generated = GeneratedInput.write(input, 5_000, 1, 3, 11);
        store.seed(generated.imageIds);
        sandbox.settings().failNextTasks(3);

        int exit = run(input, "flaky-tasks");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("5 requests, 3 of them twice")
                .isEqualTo(8);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        long instance = instanceOf(input, "flaky-tasks");
        assertThat(count("SELECT COALESCE(SUM(attempts), 0) FROM batch_request WHERE job_instance_id = ?", instance))
                .isEqualTo(8);
    }

    @Test
    void aRequestWhoseTaskFailsOnEveryAttemptIsSplitDownToTheSingleImageEndpoint() throws IOException {
        Path input = dir.resolve("poison-task.csv");
        GeneratedInput generated = GeneratedInput.write(input, 1_500, 1, 1, 5);
        store.seed(generated.imageIds);
        sandbox.settings().failTasksWith(Set.of("gen-000017"));

        int exit = run(input, "poison-task");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        long instance = instanceOf(input, "poison-task");
        // 1000 → 500 → 250 → 125 → 63 → 32 → 16 → 8 → 4 → 2: ten splits; the last two halves go alone to the
        // single-image endpoint, which applies them
        assertThat(count("SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status = 'SPLIT'", instance))
                .isEqualTo(10);
        assertThat(sandbox.stats().singleUpdates()).isEqualTo(2);
        assertThat(Files.readString(reportDir("poison-task").resolve("summary.json")))
                .contains("\"staged\" : 1500")
                .contains("\"succeeded\" : 1500");
    }

    private long count(String sql, long instance) {
        return jdbc.queryForObject(sql, Long.class, instance);
    }
}
