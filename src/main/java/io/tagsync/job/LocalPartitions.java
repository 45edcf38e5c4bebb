package io.tagsync.job;

import io.tagsync.run.TagsyncProperties;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.Step;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Runs a step's partitions on threads of this process, {@code tagsync.partition.at-once} at a time; they share the
 * run's concurrency.
 */
@Component
@ConditionalOnProperty(name = "tagsync.partition.remote", havingValue = "false", matchIfMissing = true)
public class LocalPartitions implements PartitionDispatch {

    private final TagsyncProperties.Partition settings;

    public LocalPartitions(TagsyncProperties properties) {
        this.settings = properties.partition();
    }

    @Override
    public PartitionHandler handler(Step worker) {
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor(worker.getName() + "-");
        threads.setConcurrencyLimit(Math.max(1, settings.atOnce()));
        TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
        handler.setStep(worker);
        handler.setGridSize(settings.partitions());
        handler.setTaskExecutor(threads);
        return handler;
    }
}
