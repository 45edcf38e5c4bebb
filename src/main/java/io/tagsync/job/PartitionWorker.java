package io.tagsync.job;

import io.tagsync.run.ProcessName;
import io.tagsync.run.Threads;
import io.tagsync.store.PartitionLeases;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * A worker process's side of remote partitions: runs the partition a step-execution request names, with Spring
 * Batch's {@link StepExecutionRequestHandler}, under a lease with a heartbeat. The broker hands a request to
 * another worker when its worker's connection dies (kill -9, a lost host) before it acknowledged it, which it does
 * only once the partition has ended; that worker waits until the dead one's heartbeat is older than the worker
 * timeout, takes the lease, and runs the same step execution again, which picks up from the requests' statuses. A
 * request for a partition that already completed, or of a run no longer running, is acknowledged and dropped.
 * Never throws: a request that fails is logged and acknowledged, so that no request goes round the queue forever.
 * Thread-safe: the broker's consumers call it at once.
 */
public class PartitionWorker {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

    private final JobRepository jobRepository;
    private final StepExecutionRequestHandler handler;
    private final PartitionLeases leases;
    private final Duration heartbeat;
    private final Duration timeout;
    private final String name = ProcessName.current();
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Threads.named("heartbeat"));

    public PartitionWorker(
            JobRepository jobRepository,
            StepExecutionRequestHandler handler,
            PartitionLeases leases,
            Duration heartbeat,
            Duration timeout) {
        this.jobRepository = jobRepository;
        this.handler = handler;
        this.leases = leases;
        this.heartbeat = heartbeat;
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    public void execute(StepExecutionRequest request) {
        try {
            run(request);
        } catch (RuntimeException | InterruptedException e) {
            log.error("Partition {} failed on this worker", request, e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(StepExecutionRequest request) throws InterruptedException {
        StepExecution step = jobRepository.getStepExecution(request.getStepExecutionId());
        if (step == null) {
            log.warn("No partition {} in the job repository; dropped", request);
            return;
        }
        long instanceId = step.getJobExecution().getJobInstance().getInstanceId();
        if (step.getStatus() == BatchStatus.COMPLETED
                || !step.getJobExecution().getStatus().isRunning()) {
            log.info(
                    "Partition {} of run {} is {} (run {}); dropped",
                    step.getStepName(),
                    instanceId,
                    step.getStatus(),
                    step.getJobExecution().getStatus());
            return;
        }
        long deadline = System.nanoTime() + timeout.multipliedBy(3).toNanos();
        while (!leases.take(step.getId(), instanceId, step.getStepName(), name, timeout)) {
            if (System.nanoTime() > deadline) {
                log.warn(
                        "Partition {} of run {} is held by another live worker; left to it",
                        step.getStepName(),
                        instanceId);
                return;
            }
            Thread.sleep(heartbeat.toMillis());
        }
        log.info("Worker {} runs partition {} of run {}", name, step.getStepName(), instanceId);
        ScheduledFuture<?> beats = heartbeats.scheduleAtFixedRate(
                () -> beat(step, instanceId), heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        try {
            StepExecution ended = handler.handle(request);
            log.info("Partition {} of run {} ended {}", step.getStepName(), instanceId, ended.getStatus());
        } finally {
            beats.cancel(false);
            leases.release(step.getId(), name);
        }
    }

    private void beat(StepExecution step, long instanceId) {
        try {
            if (!leases.beat(step.getId(), name)) {
                log.error(
                        "Partition {} of run {} was given to another worker after this one fell silent; both may "
                                + "send its pending requests, which the API's idempotent updates make harmless",
                        step.getStepName(),
                        instanceId);
            }
        } catch (RuntimeException e) {
            log.warn("Heartbeat of partition {} not recorded: {}", step.getStepName(), e.toString());
        }
    }
}
