package io.tagsync.job;

import io.tagsync.run.RunConcurrency;
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

    private final TagsyncProperties properties;
    private final Map<Long, Semaphore> slots = new ConcurrentHashMap<>();

    public PartitionSlots(TagsyncProperties properties) {
        this.properties = properties;
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
        return slots.computeIfAbsent(
                step.getJobExecution().getJobInstance().getInstanceId(),
                id -> new Semaphore(RunConcurrency.of(RunParameters.of(step.getJobParameters()), properties)
                        .partitionsAtOnce()));
    }
}
