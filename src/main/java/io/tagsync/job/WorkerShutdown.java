package io.tagsync.job;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * A worker's stop at SIGTERM, run by the process's shutdown hook before the application context closes (the
 * context's closing would stop logging and the database under a partition still running): cancels the consumers at
 * once, so that no new request comes, and hands the running partitions back ({@link PartitionWorker#handBack}),
 * waiting at most the grace for them.
 */
public class WorkerShutdown {

    private static final Logger log = LoggerFactory.getLogger(WorkerShutdown.class);

    private final PartitionWorker worker;
    private final SimpleMessageListenerContainer consumers;
    private final Duration grace;

    public WorkerShutdown(PartitionWorker worker, SimpleMessageListenerContainer consumers, Duration grace) {
        this.worker = worker;
        this.consumers = consumers;
        this.grace = grace;
    }

    public void stop() {
        log.info("Shutdown requested: this worker takes no new partition");
        // the container's stop cancels its consumers, then waits for those still running a partition
        Thread stopping = new Thread(consumers::stop, "stop-consumers");
        stopping.start();
        try {
            worker.handBack(grace);
            stopping.join(grace.plusSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Worker stopped");
    }
}
