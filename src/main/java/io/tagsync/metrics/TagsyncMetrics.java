package io.tagsync.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * tagsync's own counters, beside Spring Batch's job and step timers in the same {@link MeterRegistry}. They
 * count what this process did (a restarted run counts again from zero). Thread-safe.
 */
@Component
public class TagsyncMetrics {

    private final MeterRegistry registry;
    private final Counter rowsStaged;
    private final Counter rowsRejected;
    private final Counter requestsSent;
    private final Counter retries;
    private final Counter tasksCompleted;
    private final Counter tasksFailed;

    public TagsyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rowsStaged = registry.counter("tagsync.rows.staged");
        this.rowsRejected = registry.counter("tagsync.rows.rejected");
        this.requestsSent = registry.counter("tagsync.requests.sent");
        this.retries = registry.counter("tagsync.http.retries");
        this.tasksCompleted = registry.counter("tagsync.tasks.completed");
        this.tasksFailed = registry.counter("tagsync.tasks.failed");
    }

    public void staged(long rows, long rejected) {
        rowsStaged.increment(rows);
        rowsRejected.increment(rejected);
    }

    public void requestsSent(long requests, long retried) {
        requestsSent.increment(requests);
        retries.increment(retried);
    }

    public void taskCompleted() {
        tasksCompleted.increment();
    }

    public void taskFailed() {
        tasksFailed.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Every counter's count and every timer's count and total seconds, by name, for reports. */
    public Map<String, Double> snapshot() {
        Map<String, Double> values = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            String step = meter.getId().getTag("spring.batch.step.name");
            String key = step == null ? name : name + "{" + step + "}";
            if (meter instanceof Counter counter) {
                values.merge(key, counter.count(), Double::sum);
            } else if (meter instanceof Timer timer) {
                values.merge(key + ".count", (double) timer.count(), Double::sum);
                values.merge(key + ".seconds", timer.totalTime(TimeUnit.SECONDS), Double::sum);
            }
        }
        return values;
    }
}
