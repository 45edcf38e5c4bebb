package io.tagsync.job;

import io.tagsync.api.RunLimits;
import io.tagsync.api.RunLimitsSharing;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.Threads;
import io.tagsync.store.RateGates;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * One 429 gate for a remote run across its workers: a pause the server asks of one worker is written to
 * {@code rate_gate}, and every process working on the run reads the gates of its runs every {@link #POLL} and holds
 * its own gate closed as long. So all workers pause together, as the threads of one process do. Thread-safe.
 */
@Component
@ConditionalOnProperty(name = "tagsync.partition.remote", havingValue = "true")
public class SharedRateGates implements RunLimitsSharing, DisposableBean {

    static final Duration POLL = Duration.ofMillis(250);
    private static final Logger log = LoggerFactory.getLogger(SharedRateGates.class);

    private final RateGates gates;
    private final Map<Long, RunLimits> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poll =
            Executors.newSingleThreadScheduledExecutor(Threads.named("rate-gate"));

    public SharedRateGates(RateGates gates, TagsyncProperties properties) {
        this.gates = gates;
        poll.scheduleWithFixedDelay(this::read, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void share(long instanceId, RunLimits limits) {
        limits.gate().onClose(pause -> {
            try {
                gates.closeUntil(instanceId, Instant.now().plus(pause));
            } catch (RuntimeException e) {
                log.warn("The 429 pause of run {} was not shared with its other workers: {}", instanceId, e.toString());
            }
        });
        runs.put(instanceId, limits);
    }

    private void read() {
        try {
            Instant now = Instant.now();
            gates.closed(runs.keySet())
                    .forEach(
                            (instanceId, openAt) -> runs.get(instanceId).gate().holdFor(Duration.between(now, openAt)));
        } catch (RuntimeException e) {
            log.debug("Shared 429 gates not read: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        poll.shutdownNow();
    }
}
