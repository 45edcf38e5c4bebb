package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.Steps;
import io.tagsync.sandbox.ImageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;

/** Spring Batch's stop ({@code JobOperator.stop}, as on SIGTERM) ends a run at a safe point, and a rerun resumes. */
class StopTest extends JobTestSupport {

    @Autowired
    JobOperator jobOperator;

    @Autowired
    JobRepository jobRepository;

    @Test
    void aRunStoppedWhileSubmittingEndsStoppedAndTheRerunSendsOnlyTheRest() throws Exception {
        Path input = dir.resolve("stop.csv");
        GeneratedInput generated = GeneratedInput.write(input, 30_000, 1, 1, 11);
        store.seed(generated.imageIds);
        sandbox.settings().latencyMillis(300);

        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> run(input, "stop"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sandbox.stats().acceptedBatches() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<Long> running = jdbc.queryForList(
                "SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION WHERE STATUS = 'STARTED' AND JOB_INSTANCE_ID = ?",
                Long.class,
                instanceOf(input, "stop"));
        assertThat(running).hasSize(1);
        JobExecution execution = jobRepository.getJobExecution(running.get(0));
        long stopAsked = System.nanoTime();
        assertThat(jobOperator.stop(execution)).isTrue();

        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCodes.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - stopAsked))
                .as("stopped after the requests in flight")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(jobRepository.getJobExecution(running.get(0)).getStatus()).isEqualTo(BatchStatus.STOPPED);
        long acceptedAtStop = sandbox.stats().acceptedBatches();
        assertThat(acceptedAtStop).as("not all sent before the stop").isLessThan(30);

        sandbox.settings().latencyMillis(0);
        assertThat(run(input, "stop")).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted exactly once")
                .isEqualTo(30);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(generated.imageIds)
                .allSatisfy(id -> assertThat(store.image(id).map(ImageStore.Image::updates))
                        .contains(1));
    }

    @Test
    void aRunStoppedWhileStagingEndsStoppedHavingSentNothingAndTheRerunStagesFromTheStart() throws Exception {
        Path input = dir.resolve("stop-staging.csv");
        GeneratedInput generated = GeneratedInput.write(input, 150_000, 1, 1, 12);
        store.seed(generated.imageIds);

        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> run(input, "stop-staging"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Long running = null;
        while (running == null && System.nanoTime() < deadline) {
            // a chunk of rows committed: the read-rows step is under way
            running = jdbc.queryForList("""
                            SELECT s.JOB_EXECUTION_ID FROM BATCH_STEP_EXECUTION s
                            JOIN BATCH_JOB_EXECUTION j ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                            WHERE s.STEP_NAME = ? AND s.STATUS = 'STARTED' AND s.READ_COUNT > 0""", Long.class, Steps.READ_ROWS).stream()
                    .findFirst()
                    .orElse(null);
            Thread.sleep(2);
        }
        assertThat(running).as("the read-rows step under way").isNotNull();
        assertThat(jobOperator.stop(jobRepository.getJobExecution(running))).isTrue();

        assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCodes.FAILED);
        assertThat(jobRepository.getJobExecution(running).getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(jdbc.queryForObject(
                        "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? AND STEP_NAME = ?",
                        String.class,
                        running,
                        Steps.READ_ROWS))
                .isEqualTo("STOPPED");
        assertThat(sandbox.stats().apiCalls()).as("nothing sent").isZero();

        assertThat(run(input, "stop-staging")).isEqualTo(ExitCodes.OK);
        assertThat(jdbc.queryForObject("""
                        SELECT READ_COUNT FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = ?
                        AND JOB_EXECUTION_ID = (SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_STEP_EXECUTION
                                                WHERE STEP_NAME = ?)""", Long.class, Steps.READ_ROWS, Steps.READ_ROWS))
                .as("the rerun read every row again")
                .isEqualTo(150_000L);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(150);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }
}
