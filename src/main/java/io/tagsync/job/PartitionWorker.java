package io.tagsync.job;

import io.tagsync.run.Fence;
import io.tagsync.run.ProcessName;
import io.tagsync.run.Steps;
import io.tagsync.run.Threads;
import io.tagsync.store.LeaseFence;
import io.tagsync.store.PartitionLeases;
import io.tagsync.store.RepositoryOutages;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * A worker process's side of remote partitions: runs the partition a step-execution request names, with Spring
 * Batch's {@link StepExecutionRequestHandler}, under a lease with a heartbeat ({@link PartitionLeases}). The lease,
 * not the broker, decides who runs a partition: a worker takes it only when it is free or its holder has been silent
 * for longer than the worker timeout, and every send and every record of a send checks it ({@link LeaseFence}), so a
 * worker that lost its partition (paused past its lease, then revoked by the manager or taken by another worker)
 * stops and says so, and leaves the partition {@code STARTED} for its holder. The broker hands a request to another
 * worker when its worker's connection dies before it acknowledged it, which it does only once the partition has
 * ended; the manager offers a revoked partition again. A request for a partition that already completed, or of a run
 * no longer running, is acknowledged and dropped.
 *
 * <p>At shutdown ({@link #handBack(Duration)}, on SIGTERM) the worker takes no new request, stops sending, waits for
 * the requests in flight to be answered and recorded, gives its leases up and puts each partition back on the queue
 * for another worker. Never throws: a request that fails is logged and acknowledged, so that no request goes round
 * the queue forever. Thread-safe: the broker's consumers call it at once.
 */
public class PartitionWorker {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

    private final JobRepository jobRepository;
    private final StepExecutionRequestHandler handler;
    private final PartitionLeases leases;
    private final RepositoryOutages outages;
    private final Fences fences;
    private final Consumer<StepExecutionRequest> requeue;
    private final Duration heartbeat;
    private final Duration timeout;
    private final String name = ProcessName.current();
    private final Set<LeaseFence> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Threads.named("heartbeat"));
    private volatile boolean closing;

    public PartitionWorker(
            JobRepository jobRepository,
            StepExecutionRequestHandler handler,
            PartitionLeases leases,
            RepositoryOutages outages,
            Fences fences,
            Consumer<StepExecutionRequest> requeue,
            Duration heartbeat,
            Duration timeout) {
        this.jobRepository = jobRepository;
        this.handler = handler;
        this.leases = leases;
        this.outages = outages;
        this.fences = fences;
        this.requeue = requeue;
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
        if (closing) {
            requeue.accept(request); // taken while this worker shuts down: another worker runs it
            return;
        }
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
        int part = step.getExecutionContext().getInt(Steps.PART);
        long deadline = System.nanoTime() + timeout.multipliedBy(3).toNanos();
        Optional<Fence.Token> token;
        while ((token = leases.take(instanceId, part, step.getId(), step.getStepName(), name, timeout)).isEmpty()) {
            if (closing) {
                requeue.accept(request);
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn(
                        "Partition {} of run {} is held by another live worker; left to it",
                        step.getStepName(),
                        instanceId);
                return;
            }
            Thread.sleep(heartbeat.toMillis());
        }
        if (closing) {
            leases.release(token.get());
            requeue.accept(request);
            return;
        }
        LeaseFence fence = new LeaseFence(leases, outages, token.get(), step.getStepName(), timeout);
        fences.leased(step.getId(), fence);
        running.add(fence);
        if (closing) {
            fence.handBack(); // shutdown began after the check above: handBack may have missed this one
        }
        log.info(
                "Worker {} runs partition {} of run {} (lease generation {})",
                name,
                step.getStepName(),
                instanceId,
                token.get().generation());
        ScheduledFuture<?> beats = heartbeats.scheduleAtFixedRate(
                () -> beat(fence, step, instanceId), heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        try {
            StepExecution ended = handler.handle(request);
            beats.cancel(false);
            if (fence.lostBecause() != null) {
                log.error(
                        "Worker {} stopped partition {} of run {}: {}. It sent nothing more once it knew, and "
                                + "recorded no request after the lease moved on; the partition is its holder's",
                        name,
                        step.getStepName(),
                        instanceId,
                        fence.lostBecause());
            } else if (fence.handedBack()) {
                leases.release(token.get());
                requeue.accept(request);
                log.warn(
                        "Worker {} handed partition {} of run {} back: the requests it had in flight are answered and "
                                + "recorded, its lease is given up, and the partition is back on the queue for "
                                + "another worker",
                        name,
                        step.getStepName(),
                        instanceId);
            } else {
                leases.release(token.get());
                log.info("Partition {} of run {} ended {}", step.getStepName(), instanceId, ended.getStatus());
            }
        } finally {
            beats.cancel(false);
            fences.ended(step.getId());
            running.remove(fence);
        }
    }

    private void beat(LeaseFence fence, StepExecution step, long instanceId) {
        if (fence.lostBecause() != null) {
            return; // said once
        }
        try {
            if (!fence.beat()) {
                log.warn(
                        "Partition {} of run {}: {}; this worker sends nothing more for it",
                        step.getStepName(),
                        instanceId,
                        fence.lostBecause());
            }
        } catch (RuntimeException e) {
            log.warn("Heartbeat of partition {} not recorded: {}", step.getStepName(), e.toString());
        }
    }

    /**
     * Shutdown: takes no new partition, hands back those running (each ends once its requests in flight are
     * recorded), and waits for them for at most {@code grace}. True when every partition was handed back in time.
     */
    public boolean handBack(Duration grace) throws InterruptedException {
        closing = true;
        if (running.isEmpty()) {
            return true;
        }
        log.warn("Shutdown requested: handing {} partitions back after their requests in flight", running.size());
        running.forEach(LeaseFence::handBack);
        long deadline = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn(
                        "{} partitions did not end within {} s; their leases lapse and another worker takes them over",
                        running.size(),
                        grace.toSeconds());
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
