package io.tagsync.job;

import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Lets at most {@code tagsync.partition.at-once} partitions of a run work at once in this process, and never more
 * than there are partitions or than the run's concurrency: a partition beyond that waits for a slot before it starts. With a concurrency of 1
 * the partitions run one after another, as one step would. Thread-safe.
 */
@Component
public class PartitionSlots implements StepExecutionListener {

    private final int atOnce;
    private final int count;
    private final Map<Long, Semaphore> slots = new ConcurrentHashMap<>();

    public PartitionSlots(TagsyncProperties properties) {
        this.atOnce = Math.max(1, properties.partition().atOnce());
        this.count = properties.partition().partitions();
    }

    /** How many partitions a run has. */
    public int partitions() {
        return count;
    }

    /**
     * How many partitions of a run with this concurrency work at once here, at most: they share the run's senders
     * and pollers.
     */
    public int atOnce(int concurrency) {
        return Math.max(1, Math.min(Math.min(atOnce, count), concurrency));
    }

    @Override
    public void beforeStep(StepExecution step) {
        try {
            slots(step).acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to start " + step.getStepName(), e);
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        slots(step).release();
        return null;
    }

    private Semaphore slots(StepExecution step) {
        int concurrency = RunParameters.of(step.getJobParameters()).width();
        return slots.computeIfAbsent(
                step.getJobExecution().getJobInstance().getInstanceId(), id -> new Semaphore(atOnce(concurrency)));
    }
}
