package io.tagsync.job;

import io.tagsync.run.Threads;
import io.tagsync.store.PartitionLeases;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;

/**
 * The manager's watch over a remote partitioned step, every heartbeat. The leases decide who runs a partition, not
 * the broker (which hands a request on only when a worker's connection dies, and a paused worker's does not): a
 * partition whose worker has been silent for longer than the worker timeout has its lease revoked, so that worker
 * can send and record nothing more for it, and the partition is offered to the workers again; a lease still held for
 * a step of an earlier execution of the run is revoked at once. A partition freed so, and not taken again for three
 * worker timeouts while no worker is live on the run, is marked {@code FAILED}, so that the step ends and the run can
 * be rerun rather than wait for ever. A partition no worker has started after one worker timeout is reported: is a worker running?
 */
public class PartitionWatch implements StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(PartitionWatch.class);

    private final JobRepository jobRepository;
    private final PartitionLeases leases;
    private final String workerStep;
    private final Consumer<StepExecutionRequest> offer;
    private final Duration heartbeat;
    private final Duration timeout;
    private final Set<String> reported = new HashSet<>();
    private ScheduledExecutorService watch;

    public PartitionWatch(
            JobRepository jobRepository,
            PartitionLeases leases,
            String workerStep,
            Consumer<StepExecutionRequest> offer,
            Duration heartbeat,
            Duration timeout) {
        this.jobRepository = jobRepository;
        this.leases = leases;
        this.workerStep = workerStep;
        this.offer = offer;
        this.heartbeat = heartbeat;
        this.timeout = timeout;
    }

    @Override
    public void beforeStep(StepExecution manager) {
        watch = Executors.newSingleThreadScheduledExecutor(Threads.named("partition-watch"));
        watch.scheduleWithFixedDelay(
                () -> check(manager), heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ExitStatus afterStep(StepExecution manager) {
        watch.shutdownNow();
        return null;
    }

    private void check(StepExecution manager) {
        try {
            JobExecution job = jobRepository.getJobExecution(manager.getJobExecutionId());
            long instanceId = job.getJobInstance().getInstanceId();
            Map<Long, PartitionLeases.Lease> byStep = leases.of(instanceId).stream()
                    .collect(Collectors.toMap(PartitionLeases.Lease::stepExecutionId, Function.identity()));
            Set<Long> current =
                    job.getStepExecutions().stream().map(StepExecution::getId).collect(Collectors.toSet());
            Instant now = Instant.now();
            boolean workerAlive = byStep.values().stream()
                    .anyMatch(lease -> !lease.free()
                            && Duration.between(lease.heartbeatAt(), now).compareTo(timeout) <= 0);
            for (PartitionLeases.Lease lease : byStep.values()) {
                if (!lease.free()
                        && !current.contains(lease.stepExecutionId())
                        && leases.revoke(lease, Duration.ZERO)) {
                    log.warn(
                            "Worker {} still held part {} for an earlier execution of run {}: its lease is revoked, so "
                                    + "it sends nothing more, and a worker of this execution takes the part",
                            lease.worker(),
                            lease.part(),
                            instanceId);
                }
            }
            for (StepExecution partition : job.getStepExecutions()) {
                if (!partition.getStepName().contains(":")
                        || !partition.getStatus().isRunning()) {
                    continue;
                }
                PartitionLeases.Lease lease = byStep.get(partition.getId());
                if (lease == null) {
                    notTakenYet(partition, now);
                } else if (lease.free()) {
                    Duration free = Duration.between(lease.heartbeatAt(), now);
                    if (!workerAlive && free.compareTo(timeout.multipliedBy(3)) > 0) {
                        giveUp(partition, free);
                    }
                } else {
                    Duration silent = Duration.between(lease.heartbeatAt(), now);
                    if (silent.compareTo(timeout) > 0 && leases.revoke(lease, timeout)) {
                        log.warn(
                                "Worker {} of partition {} has been silent for {} s: its lease is revoked, so it sends "
                                        + "and records nothing more for the partition, and the partition is offered "
                                        + "to the workers again",
                                lease.worker(),
                                partition.getStepName(),
                                silent.toSeconds());
                        offer.accept(new StepExecutionRequest(workerStep, partition.getId()));
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Partition watch: {}", e.toString());
        }
    }

    private void notTakenYet(StepExecution partition, Instant now) {
        Instant created = partition.getCreateTime() == null
                ? now
                : partition.getCreateTime().atZone(ZoneId.systemDefault()).toInstant();
        if (Duration.between(created, now).compareTo(timeout) > 0 && reported.add("waiting " + partition.getId())) {
            log.warn(
                    "No worker has taken partition {} yet: is a worker running (./run.sh worker)?",
                    partition.getStepName());
        }
    }

    private void giveUp(StepExecution partition, Duration free) {
        String reason = "no worker took the partition over in the " + free.toSeconds()
                + " s since its last worker gave it up or was taken for lost; rerun the same command to resume";
        log.error("Partition {}: {}", partition.getStepName(), reason);
        partition.setStatus(BatchStatus.FAILED);
        partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
        partition.setEndTime(LocalDateTime.now());
        jobRepository.update(partition);
    }
}
