package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.LimitHistory;
import io.tagsync.run.RunParameters;
import io.tagsync.store.ConcurrencyHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code --concurrency=auto} against a sandbox of limited capacity (calls beyond it queue, beyond twice it get
 * {@code 429}): the run ends exact, and far fewer calls are refused than at a fixed concurrency well above the
 * capacity.
 */
class AdaptiveConcurrencyTest extends JobTestSupport {

    @Autowired
    ConcurrencyHistory history;

    @Autowired
    ApiClientFactory clients;

    @Test
    void autoStaysNearTheServersCapacityWhereAFixedGuessOverrunsIt() throws Exception {
        Path input = dir.resolve("capacity.csv");
        GeneratedInput generated = GeneratedInput.write(input, 60_000, 1, 1, 31);
        store.seed(generated.imageIds);
        sandbox.settings().capacity(4).latencyMillis(40);

        int fixedExit =
                runCommand.run(new RunParameters(input, WORKSPACE, "fixed-32", sandbox.url(), 32, reportDir("f")));
        assertThat(fixedExit).isEqualTo(ExitCodes.OK);
        long fixedRefused = sandbox.stats().overCapacity();
        long fixedCalls = sandbox.stats().apiCalls();
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);

        assertThat(runCommand.run(new RunParameters(
                        input, WORKSPACE, "auto", sandbox.url(), RunParameters.AUTO, reportDir("a"), null, false, 32)))
                .isEqualTo(ExitCodes.OK);
        long autoRefused = sandbox.stats().overCapacity() - fixedRefused;
        long autoCalls = sandbox.stats().apiCalls() - fixedCalls;

        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(fixedRefused).as("a fixed 32 overruns a capacity of 4").isPositive();
        assertThat(autoRefused)
                .as(
                        "auto: %d of %d calls refused; fixed 32: %d of %d",
                        autoRefused, autoCalls, fixedRefused, fixedCalls)
                .isLessThan(fixedRefused / 2);

        // the summary and the report say where it settled and how it moved
        String summary = Files.readString(reportDir("a").resolve("summary.txt"));
        assertThat(summary).containsPattern("concurrency auto: settled at \\d+ calls at once \\(moved between");
        String json = Files.readString(reportDir("a").resolve("summary.json"));
        assertThat(json).contains("\"mode\" : \"auto\"");
        assertThat(Files.readString(reportDir("a").resolve("report.html"))).contains("calls at once (auto)");
        assertThat(Files.readString(reportDir("f").resolve("summary.txt")))
                .contains("concurrency 32 calls at once (fixed)");
    }

    /** A run against the same API and workspace starts where the last one settled, not from the bottom. */
    @Test
    void aRunStartsWhereTheLastRunAgainstTheSameApiSettled() throws Exception {
        Path input = dir.resolve("history.csv");
        GeneratedInput generated = GeneratedInput.write(input, 40_000, 1, 1, 41);
        store.seed(generated.imageIds);
        sandbox.settings().capacity(16).latencyMillis(100);
        assertThat(runCommand.run(auto(input, "night-1"))).isEqualTo(ExitCodes.OK);
        List<ConcurrencyPoint> first = points(instanceOf(input, "night-1"));
        // where the first ended, or where it held for half its time if that is higher
        int ended = Math.max(
                ConcurrencyPoint.settled(first), first.get(first.size() - 1).calls());
        assertThat(ended).as("the first run's limit: %s", first).isGreaterThan(LimitHistory.FIRST_START);

        RunParameters next = auto(input, "night-2");
        assertThat(history.start(next)).as("the next run's start").isEqualTo(ended);
        assertThat(clients.limits(Long.MAX_VALUE, next).calls().limit())
                .as("the limit the next run's clients share, before any call")
                .isEqualTo(ended);
    }

    private RunParameters auto(Path input, String runKey) {
        return new RunParameters(
                input, WORKSPACE, runKey, sandbox.url(), RunParameters.AUTO, reportDir(runKey), null, false, 64);
    }

    private List<ConcurrencyPoint> points(long instanceId) {
        return jdbc.query(
                "SELECT at, calls FROM concurrency_sample WHERE job_instance_id = ? ORDER BY at",
                (rs, i) -> new ConcurrencyPoint(rs.getTimestamp(1).toInstant(), rs.getInt(2)),
                instanceId);
    }

    /**
     * The server's capacity drops from 16 to 4 a third of the way through a run and comes back to 16 at two
     * thirds: the limit comes down to where the server no longer refuses calls, then grows again, and few calls
     * are refused on the way.
     */
    @Test
    void followsTheServerWhenItsCapacityChangesMidRun() throws Exception {
        Path input = dir.resolve("changing.csv");
        GeneratedInput generated = GeneratedInput.write(input, 300_000, 1, 1, 37);
        store.seed(generated.imageIds);
        sandbox.settings().capacity(16).latencyMillis(100);
        AtomicReference<Instant> back = new AtomicReference<>();
        Thread changer = new Thread(() -> {
            try {
                while (sandbox.stats().acceptedBatches() < 100) {
                    Thread.sleep(10);
                }
                sandbox.settings().capacity(4);
                while (sandbox.stats().acceptedBatches() < 200) {
                    Thread.sleep(10);
                }
                back.set(Instant.now());
                sandbox.settings().capacity(16);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        changer.start();
        int exit = runCommand.run(new RunParameters(
                input, WORKSPACE, "changing", sandbox.url(), RunParameters.AUTO, reportDir("c"), null, false, 64));
        changer.join(5_000);

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        List<ConcurrencyPoint> limits = points(instanceOf(input, "changing"));
        // A point is the last limit of its second: the last one a second or more before the capacity came back
        // ends the seconds of capacity 4, and the limit is then within what the server takes without refusing.
        Instant lowEnds = back.get().minusSeconds(1);
        int low = limits.stream()
                .filter(point -> !point.at().isAfter(lowEnds))
                .reduce((first, second) -> second)
                .orElseThrow()
                .calls();
        assertThat(low).as("the limit at the end of capacity 4: %s", limits).isBetween(1, 8);
        assertThat(limits.stream()
                        .filter(point -> point.at().isAfter(back.get()))
                        .mapToInt(ConcurrencyPoint::calls)
                        .max()
                        .orElse(0))
                .as("the limit after capacity 16 came back: %s", limits)
                .isGreaterThanOrEqualTo(16);
        long refused = sandbox.stats().overCapacity();
        assertThat(refused)
                .as(
                        "refused of %d calls; the limit over the run: %s",
                        sandbox.stats().apiCalls(), limits)
                .isLessThan(sandbox.stats().apiCalls() / 20);
    }
}
