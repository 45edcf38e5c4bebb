package io.tagsync.job;

import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.step.Step;

/**
 * How the partitions of the submit and await steps run: on this process's threads ({@link LocalPartitions}, the
 * default), or on worker processes over RabbitMQ ({@code RemotePartitions}, with {@code tagsync.partition.remote}).
 */
public interface PartitionDispatch {

    PartitionHandler handler(Step worker);

    /** What watches the partitions of the step whose worker step is {@code workerStep}, or null. */
    default PartitionWatch watch(String workerStep) {
        return null;
    }
}
