package io.tagsync.polling;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.RoboflowClient;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.Fence;
import io.tagsync.run.Partition;
import io.tagsync.run.ProcessName;
import io.tagsync.run.ProgressLog;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StoppableStep;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.ConcurrencyHistory;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SubmittedRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Waits for every task still open after the submit step (whose own poller follows tasks while it sends),
 * or recorded by an earlier execution of the run, until each is final. Requests left {@code PENDING} by an
 * interrupted split are sent first. A stop request ends the step {@code STOPPED} at once; a partition this process no
 * longer holds, or hands back, ends without sending more.
 *
 * <p>A tasklet, not a chunk-oriented step: tasks end on the server's time, in any order, and each is polled on its
 * own schedule by a pool of threads, so the step's unit of work is the whole wait, not a chunk of items.
 */
public class AwaitTasklet extends StoppableStep {

    private static final Logger log = LoggerFactory.getLogger(AwaitTasklet.class);

    private final Partition partition;
    private final RunParameters run;
    private final long instanceId;
    private final int part;
    private final RequestStore store;
    private final ConcurrencyHistory history;
    private final ApiClientFactory clients;
    private final Resubmission sender;
    private final TagsyncProperties.Await settings;
    private final TagsyncMetrics metrics;

    public AwaitTasklet(
            JobRepository jobs,
            Partition partition,
            RequestStore store,
            ConcurrencyHistory history,
            ApiClientFactory clients,
            Resubmission sender,
            TagsyncProperties.Await settings,
            TagsyncMetrics metrics) {
        super(jobs);
        this.partition = partition;
        this.run = partition.run();
        this.instanceId = partition.instanceId();
        this.part = partition.part();
        this.metrics = metrics;
        this.store = store;
        this.history = history;
        this.clients = clients;
        this.sender = sender;
        this.settings = settings;
    }

    /** A stop was asked for, or the partition is no longer this process's to send for. */
    private boolean halted() {
        return stopRequested() || partition.fence().lost();
    }

    @Override
    protected RepeatStatus work(StepContribution contribution) throws Exception {
        if (run.dryRun()) {
            return RepeatStatus.FINISHED;
        }
        List<Long> pending = store.requestIds(instanceId, part, RequestStatus.PENDING);
        List<SubmittedRequest> open = store.submitted(instanceId, part);
        if (open.isEmpty() && pending.isEmpty()) {
            log.info("{}All tasks final", partition.who());
            return RepeatStatus.FINISHED;
        }
        RoboflowClient client = clients.create(partition);
        log.info("{}Waiting for {} tasks", partition.who(), open.size() + pending.size());
        ProgressLog progress = new ProgressLog(
                log, partition.who() + "Tasks finished", open.size() + pending.size(), client::limitNow);
        boolean done;
        try (TaskPoller poller = new TaskPoller(
                run,
                instanceId,
                client,
                store,
                sender,
                this::halted,
                settings,
                partition.concurrency().awaitPollers(),
                metrics)) {
            open.forEach(poller::track);
            for (long requestId : pending) {
                if (!halted()) {
                    sender.send(client, instanceId, requestId, poller);
                }
            }
            done = poller.awaitAll((finished, left) -> progress.set(finished));
            log.info(
                    "{}{} tasks finished after {} status requests",
                    partition.who(),
                    poller.finished(),
                    poller.statusCalls());
        } catch (Fence.LostException e) {
            if (!partition.fence().handedBack()) {
                throw e;
            }
            done = false;
        } finally {
            metrics.requestsSent(0, client.retries());
            history.append(instanceId, ProcessName.current(), client.takeConcurrencyTrace());
        }
        if (!done) {
            if (partition.fence().handedBack()) {
                log.warn("{}Handing the partition back: its open tasks are recorded", partition.who());
                return RepeatStatus.FINISHED;
            }
            partition.fence().hold(); // throws when the partition is no longer this process's
            contribution.getStepExecution().setTerminateOnly();
        }
        return RepeatStatus.FINISHED;
    }
}
