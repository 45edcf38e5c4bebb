package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --concurrency=auto} against a sandbox of limited capacity (calls beyond it queue, beyond twice it get
 * {@code 429}): the run ends exact, and far fewer calls are refused than at a fixed concurrency well above the
 * capacity.
 */
class AdaptiveConcurrencyTest extends JobTestSupport {

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
    }
}
