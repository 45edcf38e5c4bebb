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

/**
 * The manager's watch over a remote partitioned step, every heartbeat: a partition whose worker has been silent for
 * longer than the worker timeout is reported (the broker gives its request to another worker, which takes the
 * partition over); one that no worker has taken over after three more timeouts is marked {@code FAILED}, so that
 * the step ends and the run can be rerun rather than wait for ever. A partition no worker has started after four
 * worker timeouts is reported too: is a worker running?
 */
public class PartitionWatch implements StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(PartitionWatch.class);

    private final JobRepository jobRepository;
    private final PartitionLeases leases;
    private final Duration heartbeat;
    private final Duration timeout;
    private final Set<String> reported = new HashSet<>();
    private ScheduledExecutorService watch;

    public PartitionWatch(JobRepository jobRepository, PartitionLeases leases, Duration heartbeat, Duration timeout) {
        this.jobRepository = jobRepository;
        this.leases = leases;
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
            Map<Long, PartitionLeases.Lease> held = leases.of(instanceId).stream()
                    .collect(Collectors.toMap(PartitionLeases.Lease::stepExecutionId, Function.identity()));
            Instant now = Instant.now();
            for (StepExecution partition : job.getStepExecutions()) {
                if (!partition.getStepName().contains(":")
                        || !partition.getStatus().isRunning()) {
                    continue;
                }
                PartitionLeases.Lease lease = held.get(partition.getId());
                if (lease == null) {
                    Instant created = partition.getCreateTime() == null
                            ? now
                            : partition
                                    .getCreateTime()
                                    .atZone(ZoneId.systemDefault())
                                    .toInstant();
                    if (Duration.between(created, now).compareTo(timeout) > 0
                            && reported.add("waiting " + partition.getId())) {
                        log.warn(
                                "No worker has taken partition {} yet: is a worker running (./run.sh worker)?",
                                partition.getStepName());
                    }
                    continue;
                }
                Duration silent = Duration.between(lease.heartbeatAt(), now);
                if (silent.compareTo(timeout) > 0 && reported.add("silent " + partition.getId() + lease.worker())) {
                    log.warn(
                            "Worker {} of partition {} has been silent for {} s: taken for dead; the partition goes to "
                                    + "another worker",
                            lease.worker(),
                            partition.getStepName(),
                            silent.toSeconds());
                }
                if (silent.compareTo(timeout.multipliedBy(4)) > 0) {
                    giveUp(partition, lease.worker(), silent);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Partition watch: {}", e.toString());
        }
    }

    private void giveUp(StepExecution partition, String worker, Duration silent) {
        String reason = "worker " + worker + " lost (silent for " + silent.toSeconds()
                + " s) and no other worker took the partition over; rerun the same command to resume";
        log.error("Partition {}: {}", partition.getStepName(), reason);
        partition.setStatus(BatchStatus.FAILED);
        partition.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
        partition.setEndTime(LocalDateTime.now());
        jobRepository.update(partition);
    }
}
