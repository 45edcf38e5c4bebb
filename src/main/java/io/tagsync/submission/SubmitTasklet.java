package io.tagsync.submission;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.RoboflowClient;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.polling.TaskPoller;
import io.tagsync.run.Partition;
import io.tagsync.run.ProcessName;
import io.tagsync.run.ProgressLog;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StoppableStep;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.Threads;
import io.tagsync.store.ConcurrencyHistory;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Sends every {@code PENDING} request, up to {@code concurrency} at once, and records each task ID the
 * moment it is acknowledged, in a transaction of its own. A restart sends only what is still
 * {@code PENDING}: at most the requests in flight when a run died are sent twice, which the API's
 * idempotent updates make harmless. A partition this process no longer holds ({@code Partition.fence()}) sends
 * nothing more; one it hands back ends after what is in flight is recorded, for another worker to go on with.
 * A fatal answer (bad key, unknown workspace, plan limit, retries
 * exhausted) stops new sends, lets those in flight finish and fails the step; a stop request does the same
 * and ends the step {@code STOPPED}. While it sends,
 * a {@link TaskPoller} follows the acknowledged tasks; those still open when sending ends are left to the
 * await step.
 *
 * <p>A tasklet, not a chunk-oriented step: requests are sent concurrently and their answers come back in any order,
 * each recorded in its own transaction the moment it arrives, so no chunk's commit could stand for what was sent.
 */
public class SubmitTasklet extends StoppableStep {

    private static final Logger log = LoggerFactory.getLogger(SubmitTasklet.class);

    private final Partition partition;
    private final RunParameters run;
    private final long instanceId;
    private final int part;
    private final RequestStore store;
    private final ConcurrencyHistory history;
    private final ApiClientFactory clients;
    private final RequestSender sender;
    private final TagsyncProperties.Await awaitSettings;
    private final TagsyncMetrics metrics;

    public SubmitTasklet(
            JobRepository jobs,
            Partition partition,
            RequestStore store,
            ConcurrencyHistory history,
            ApiClientFactory clients,
            RequestSender sender,
            TagsyncProperties.Await awaitSettings,
            TagsyncMetrics metrics) {
        super(jobs);
        this.partition = partition;
        this.run = partition.run();
        this.instanceId = partition.instanceId();
        this.part = partition.part();
        this.metrics = metrics;
        this.awaitSettings = awaitSettings;
        this.store = store;
        this.history = history;
        this.clients = clients;
        this.sender = sender;
    }

    /** A stop was asked for, or the partition is no longer this process's to send for. */
    private boolean halted() {
        return stopRequested() || partition.fence().lost();
    }

    @Override
    protected RepeatStatus work(StepContribution contribution) throws Exception {
        StepExecution step = contribution.getStepExecution();
        if (run.dryRun()) {
            log.info("Dry run: nothing is sent");
            return RepeatStatus.FINISHED;
        }
        List<Long> pending = store.requestIds(instanceId, part, RequestStatus.PENDING);
        if (pending.isEmpty()) {
            log.info("{}Nothing to submit", partition.who());
            return RepeatStatus.FINISHED;
        }
        RoboflowClient client = clients.create(partition);
        int concurrency = Math.max(1, Math.min(partition.concurrency().senders(), pending.size()));
        log.info("{}Submitting {} requests, {} at a time", partition.who(), pending.size(), concurrency);
        ProgressLog progress =
                new ProgressLog(log, partition.who() + "Requests submitted", pending.size(), client::limitNow);
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        // Tasks are followed while the rest is sent, so that the await step finds little left to do.
        try (TaskPoller poller = new TaskPoller(
                run,
                instanceId,
                client,
                store,
                sender,
                this::halted,
                awaitSettings,
                partition.concurrency().pollers(),
                metrics)) {
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, Threads.named("submit"));
            try {
                for (long requestId : pending) {
                    pool.execute(() -> {
                        if (fatal.get() != null || poller.failure() != null || halted()) {
                            return;
                        }
                        try {
                            sender.send(client, instanceId, requestId, poller);
                            progress.add(1);
                        } catch (RuntimeException e) {
                            fatal.compareAndSet(null, e);
                        }
                    });
                }
                pool.shutdown();
                while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    progress.add(0);
                }
            } finally {
                pool.shutdownNow();
            }
            if (poller.failure() != null) {
                fatal.compareAndSet(null, poller.failure());
            }
            contribution.incrementWriteCount(progress.done());
            metrics.requestsSent(progress.done(), client.retries());
            log.info(
                    "{}Submitted {} of {} requests with {} HTTP calls ({} retries); {} tasks already final",
                    partition.who(),
                    progress.done(),
                    pending.size(),
                    client.calls(),
                    client.retries(),
                    poller.finished());
        }
        if (run.adaptive()) {
            log.info("{}Concurrency (auto) now {} calls at once", partition.who(), client.callLimit());
            history.append(instanceId, ProcessName.current(), client.takeConcurrencyTrace());
        }
        if (partition.fence().handedBack()) {
            log.warn(
                    "{}Handing the partition back: nothing more is sent, and the {} requests this worker sent are "
                            + "recorded",
                    partition.who(),
                    progress.done());
            return RepeatStatus.FINISHED;
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        if (stopRequested()) {
            step.setTerminateOnly();
        }
        return RepeatStatus.FINISHED;
    }
}
