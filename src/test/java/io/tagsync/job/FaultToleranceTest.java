package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.sandbox.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Faulty networks, refused updates, changed inputs and too many rejects, each against the sandbox. */
@ExtendWith(OutputCaptureExtension.class)
class FaultToleranceTest extends JobTestSupport {

    @Test
    void anUpdateTheServerRefusesIsIsolatedAndEveryOtherUpdateApplied() throws IOException {
        Path input = dir.resolve("one-bad.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_000, 1, 1, 21);
        store.seed(generated.imageIds);
        List<String> lines = Files.readAllLines(input);
        String bad = lines.get(777);
        String badImage = bad.substring(0, bad.indexOf(','));
        lines.set(777, badImage + ",,,,,forbidden,");
        Files.write(input, lines);
        generated.expected.remove(badImage);
        sandbox.settings().refuseTags(Set.of("forbidden"));

        int exit = run(input, "one-bad");

        assertThat(exit).isEqualTo(ExitCodes.PARTIAL);
        generated.expected.forEach((id, state) ->
                assertThat(State.of(store.image(id).orElseThrow())).as(id).isEqualTo(state));
        assertThat(store.image(badImage).orElseThrow().updates()).isZero();
        List<String> failed = Files.readAllLines(reportDir("one-bad").resolve("failed-items.csv"));
        assertThat(failed).containsExactly("imageId,taskId,error,rows", badImage + ",,Invalid tag 'forbidden',777");
        // the refused request sets keys and tags in some updates that others remove: it goes as conflict-free
        // groups first, and only the group holding the bad update is halved, about log2(its size) times
        long instance = instanceOf(input, "one-bad");
        List<String> splits = jdbc.queryForList(
                "SELECT error FROM batch_request WHERE job_instance_id = ? AND "
                        + "status = 'SPLIT' AND error LIKE '%conflict-free groups%'",
                String.class, instance);
        assertThat(splits).hasSize(1);
        int groups = Integer.parseInt(splits.get(0).replaceAll(".*split into (\\d+) conflict-free groups.*", "$1"));
        long sent = sandbox.stats().acceptedBatches() + sandbox.stats().singleUpdates();
        assertThat(sent).as("the groups, and about log2(1000) halves of one").isBetween(groups + 4L, groups + 14L);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND error LIKE "
                                + "'%before sending%'",
                        Integer.class, instance))
                .as("the run did not take the bad update for a conflict")
                .isZero();
    }

    @Test
    void aFaultMixOfRateLimitsServerErrorsDropsAndFailedTasksEndsExactUnattended() throws IOException {
        Path input = dir.resolve("faults.csv");
        GeneratedInput generated = GeneratedInput.write(input, 20_000, 1, 2, 99);
        store.seed(generated.imageIds);
        sandbox.settings()
                .rateLimitShare(0.10, 0.05)
                .serverErrorShare(0.05)
                .dropShare(0.02)
                .taskFailureShare(0.05);

        int exit = runCommand.run(new RunParameters(input, WORKSPACE, "faults", sandbox.url(), 8, reportDir("faults")));

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(sandbox.stats().faultsInjected()).isPositive();
    }

    @Test
    void aRestartOnAChangedInputIsRefused(CapturedOutput output) throws IOException {
        Path input = dir.resolve("changing.csv");
        GeneratedInput generated = GeneratedInput.write(input, 3_000, 1, 1, 8);
        store.seed(generated.imageIds);
        sandbox.settings().outage(true);
        assertThat(run(input, "changing")).isEqualTo(ExitCodes.FAILED);
        sandbox.settings().outage(false);

        Files.writeString(input, "img-new,,,,,late,\n", StandardOpenOption.APPEND);

        assertThat(run(input, "changing")).isEqualTo(ExitCodes.FAILED);
        assertThat(output.getErr()).contains("the input changed since run").contains("--run-key=changing-2");
        assertThat(sandbox.stats().acceptedBatches()).isZero();
    }

    @Test
    void tooManyRejectsFailBeforeSendingAndAHigherLimitGoesOn(CapturedOutput output) throws IOException {
        store.seed(BASIC_IMAGES);
        Path input = fixture("basic.csv");

        int strict = runCommand.run(
                new RunParameters(input, WORKSPACE, "limit", sandbox.url(), 4, reportDir("limit"), "10%", false));

        assertThat(strict).isEqualTo(ExitCodes.FAILED);
        assertThat(sandbox.stats().apiCalls()).isZero();
        assertThat(output.getErr())
                .contains("8 of 16 rows rejected, above --max-rejects=10.0%")
                .contains("or run the same command with a higher --max-rejects to send the valid rows");
        assertThat(Files.readAllLines(reportDir("limit").resolve("rejects.csv")))
                .hasSize(9);

        int relaxed = runCommand.run(
                new RunParameters(input, WORKSPACE, "limit", sandbox.url(), 4, reportDir("limit"), "8", false));

        assertThat(relaxed).isEqualTo(ExitCodes.PARTIAL);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(1);
        // the restart skipped the stage step: its counts came over in the job's execution context
        assertThat(reportDir("limit").resolve("summary.txt")).content().contains("16 read, 8 valid, 8 rejected");
        assertThat(store.image("img-001").map(ImageStore.Image::tags).orElseThrow())
                .containsExactly("truck");
    }
}
