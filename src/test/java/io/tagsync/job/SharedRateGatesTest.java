package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.api.RunLimits;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.RateGates;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The 429 gate of a remote run, shared through the job repository: two "workers" (two sharing components on one
 * database, as two processes would be) each with the run's limits; a pause the server asks of one holds the other.
 */
class SharedRateGatesTest extends JobTestSupport {

    @Autowired
    TagsyncProperties properties;

    @Test
    void aPauseAskedOfOneWorkerHoldsTheOthers() throws Exception {
        SharedRateGates first = new SharedRateGates(new RateGates(jdbc), properties);
        SharedRateGates second = new SharedRateGates(new RateGates(jdbc), properties);
        try {
            long instanceId = 987_654_321L;
            RunLimits one = RunLimits.of(4);
            RunLimits other = RunLimits.of(4);
            first.share(instanceId, one);
            second.share(instanceId, other);
            RunLimits unrelated = RunLimits.of(4);
            second.share(instanceId + 1, unrelated);

            one.gate().closeFor(Duration.ofMillis(1500));
            Thread.sleep(SharedRateGates.POLL.toMillis() * 3);

            long waited = System.nanoTime();
            other.gate().awaitOpen();
            assertThat(Duration.ofNanos(System.nanoTime() - waited))
                    .as("the other worker waits out the pause")
                    .isGreaterThan(Duration.ofMillis(500));
            long free = System.nanoTime();
            unrelated.gate().awaitOpen();
            assertThat(Duration.ofNanos(System.nanoTime() - free))
                    .as("another run is not held")
                    .isLessThan(Duration.ofMillis(100));
        } finally {
            first.destroy();
            second.destroy();
        }
    }
}
