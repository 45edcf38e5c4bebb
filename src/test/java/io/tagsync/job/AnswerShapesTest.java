package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.sandbox.SandboxSettings.Shape;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole job against the sandbox in each of the API's answer shapes, with its faults: every run ends in the
 * exact state, with the documented exit code and the server's reasons in {@code failed-items.csv}.
 */
class AnswerShapesTest extends JobTestSupport {

    @ParameterizedTest
    @EnumSource(Shape.class)
    void theFaultMixEndsExactInEveryShapeWithTheServersReasons(Shape shape) throws IOException {
        Path input = dir.resolve("mix-" + shape + ".csv");
        GeneratedInput generated = GeneratedInput.write(input, 5_000, 1, 2, 31);
        List<String> unknown = generated.imageIds.subList(0, 25);
        store.seed(generated.imageIds.subList(25, generated.imageIds.size()));
        sandbox.settings()
                .shape(shape)
                .htmlErrors(shape == Shape.LEAN)
                .keepRequestLines(true)
                .refuseDuplicateImages(true)
                // about 20 calls in all: shares high enough that a run without a fault is 1 in 10,000
                .rateLimitShare(0.25, 0.05)
                .serverErrorShare(0.08)
                .dropShare(0.02)
                .taskFailureShare(0.05)
                .noTaskIdShare(0.03)
                .unknownStatusShare(0.03, "cancelled");

        int exit = runCommand.run(
                new RunParameters(input, WORKSPACE, "mix-" + shape, sandbox.url(), 8, reportDir("mix-" + shape)));

        assertThat(exit).isEqualTo(ExitCodes.PARTIAL);
        Map<String, State> expected = new TreeMap<>(generated.expected);
        unknown.forEach(expected::remove);
        assertThat(actualState(generated.imageIds)).isEqualTo(expected);
        List<String> failed = Files.readAllLines(reportDir("mix-" + shape).resolve("failed-items.csv"));
        assertThat(failed.get(0)).isEqualTo("imageId,taskId,error,rows");
        assertThat(failed.subList(1, failed.size()).stream()
                        .map(line -> line.substring(0, line.indexOf(',')))
                        .collect(Collectors.toSet()))
                .isEqualTo(Set.copyOf(unknown));
        assertThat(failed.subList(1, failed.size()))
                .allSatisfy(line -> assertThat(line).contains("Image not found"));
        assertThat(sandbox.stats().faultsInjected()).isPositive();
        assertThat(sandbox.requestLines())
                .isNotEmpty()
                .noneMatch(line -> line.contains(SECRET) || line.contains("api_key"));
    }

    @Test
    void aStuckTaskIsResubmittedAfterTheTimeoutAndApplied() throws IOException {
        Path input = dir.resolve("stuck-once.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_500, 1, 1, 5);
        store.seed(generated.imageIds);
        sandbox.settings().stuckNextTasks(1);

        assertThat(run(input, "stuck-once")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(4);
        assertThat(sandbox.stats().openTasks()).isEqualTo(1);
    }

    @Test
    void aTaskStuckOnEveryAttemptIsReportedAndTheRunEndsWithinTheTimeoutsOfItsAttempts() throws IOException {
        Path input = dir.resolve("stuck.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_500, 1, 1, 6);
        store.seed(generated.imageIds);
        String poison = generated.imageIds.get(1_700);
        sandbox.settings().stuckTasksWith(Set.of(poison));
        long started = System.nanoTime();

        int exit = run(input, "stuck");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(exit).isEqualTo(ExitCodes.PARTIAL);
        assertThat(took)
                .as("3 attempts of 1 s each, and the rest of the run")
                .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(8));
        List<String> failed = Files.readAllLines(reportDir("stuck").resolve("failed-items.csv"));
        List<String> reported = failed.subList(1, failed.size()).stream()
                .map(line -> line.substring(0, line.indexOf(',')))
                .toList();
        assertThat(reported).contains(poison).hasSize(1_000);
        assertThat(failed.get(1)).contains("still 'running' after PT1S on each of 3 attempts");
        Map<String, State> applied = new TreeMap<>(generated.expected);
        reported.forEach(applied::remove);
        assertThat(actualState(applied.keySet())).isEqualTo(applied);
        assertThat(reported)
                .allSatisfy(id ->
                        assertThat(store.image(id).orElseThrow().updates()).isZero());
    }

    @Test
    void aTaskInAnUnknownStatusIsHandledAsFailedAndItsUpdatesStillApplied() throws IOException {
        Path input = dir.resolve("cancelled.csv");
        GeneratedInput generated = GeneratedInput.write(input, 40, 1, 1, 8);
        store.seed(generated.imageIds);
        sandbox.settings().shape(Shape.LEAN).unknownStatusWith(Set.of(generated.imageIds.get(17)), "cancelled");

        assertThat(run(input, "cancelled")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(sandbox.stats().singleUpdates())
                .as("the image whose tasks the server cancels goes alone")
                .isEqualTo(1);
    }

    @Test
    void aServerThatRefusesConflictsBetweenUpdatesGetsConflictFreeBatches() throws IOException {
        Path input = dir.resolve("conflicts.csv");
        List<String> images = new ArrayList<>();
        Map<String, State> expected = new TreeMap<>();
        try (Writer out = Files.newBufferedWriter(input)) {
            out.write("imageId,metadata.reviewed:boolean,removeMetadata,addTags,removeTags\n");
            for (int i = 0; i < 3_000; i++) {
                String id = String.format("rv-%05d", i);
                images.add(id);
                State state = new State();
                if (i % 2 == 0) {
                    out.write(id + ",true,,ok,\n");
                    state.metadata().put("reviewed", true);
                    state.tags().add("ok");
                } else {
                    out.write(id + ",,reviewed,,ok\n");
                }
                expected.put(id, state);
            }
        }
        store.seed(images);
        sandbox.settings().refuseConflicts(true);

        // one request at a time, so that exactly one is refused before the run learns: at concurrency N, the
        // requests already in flight are refused too
        assertThat(runCommand.run(
                        new RunParameters(input, WORKSPACE, "conflicts", sandbox.url(), 1, reportDir("conflicts"))))
                .isEqualTo(ExitCodes.OK);

        assertThat(actualState(images)).isEqualTo(expected);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request as two groups")
                .isEqualTo(6);
        assertThat(sandbox.stats().apiCalls() - sandbox.stats().statusCalls())
                .as("one refusal, then no more")
                .isEqualTo(7);
    }

    @Test
    void aBodyTooLargeForTheServerIsHalvedAndLaterOnesHalvedBeforeSending() throws IOException {
        Path input = dir.resolve("large.csv");
        GeneratedInput generated = GeneratedInput.write(input, 3_000, 1, 1, 9);
        store.seed(generated.imageIds);
        sandbox.settings().maxBodyBytes(50_000).shape(Shape.LEAN).htmlErrors(true);

        assertThat(runCommand.run(new RunParameters(input, WORKSPACE, "large", sandbox.url(), 1, reportDir("large"))))
                .isEqualTo(ExitCodes.OK);

        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(6);
        // a body at least as large as one refused is halved before it is sent; a smaller one may be refused once
        assertThat(sandbox.stats().apiCalls() - sandbox.stats().statusCalls())
                .as("at most one 413 a request")
                .isBetween(7L, 9L);
    }
}
