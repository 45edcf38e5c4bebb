package io.tagsync.polling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.tagsync.TagsyncProperties;
import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.ApiException;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskRef;
import io.tagsync.api.TaskStatus;
import io.tagsync.job.RunParameters;
import io.tagsync.reporting.ProgressLog;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SubmittedRequest;
import io.tagsync.submission.RefusedRequests;
import io.tagsync.submission.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Polls every {@code SUBMITTED} task until it is final, many at once. Each task is polled on its own
 * schedule: first shortly after submission, then at an interval estimated from its reported progress, or
 * growing when it reports none, never longer than {@code max-poll-interval}. A completed task records its
 * failed items; a failed task is resubmitted up to {@code max-task-attempts} times. Every outcome is its own
 * transaction, so a restart polls only the tasks still open.
 */
public class AwaitTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(AwaitTasklet.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final RequestStore store;
    private final ApiClientFactory clients;
    private final RefusedRequests refused;
    private final TagsyncProperties.Await settings;

    public AwaitTasklet(RequestStore store, ApiClientFactory clients, RefusedRequests refused,
            TagsyncProperties.Await settings) {
        this.store = store;
        this.clients = clients;
        this.refused = refused;
        this.settings = settings;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        RunParameters run = RunParameters.of(contribution.getStepExecution());
        List<SubmittedRequest> open = store.submitted(run.instanceId());
        if (open.isEmpty()) {
            log.info("No tasks to wait for");
            return RepeatStatus.FINISHED;
        }
        RoboflowClient client = clients.create(run);
        DelayQueue<Poll> queue = new DelayQueue<>();
        long now = System.nanoTime();
        for (SubmittedRequest request : open) {
            Duration sinceSubmit = Duration.between(request.submittedAt(), Instant.now());
            long wait = Math.max(0, settings.firstPoll().minus(sinceSubmit).toNanos());
            queue.add(new Poll(request.id(), request.taskId(), request.attempts(), now - sinceSubmit.toNanos(),
                    now + wait, settings.firstPoll().toNanos()));
        }
        CountDownLatch remaining = new CountDownLatch(open.size());
        AtomicReference<Exception> fatal = new AtomicReference<>();
        AtomicLong statusCalls = new AtomicLong();
        ProgressLog progress = new ProgressLog(log, "Tasks finished", open.size());
        int pollers = Math.max(1, Math.min(settings.pollers(), open.size()));
        log.info("Waiting for {} tasks with {} pollers", open.size(), pollers);
        ExecutorService pool = Executors.newFixedThreadPool(pollers, Threads.named("await"));
        try {
            for (int i = 0; i < pollers; i++) {
                pool.execute(() -> {
                    while (fatal.get() == null && remaining.getCount() > 0) {
                        Poll poll;
                        try {
                            poll = queue.poll(200, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        if (poll == null) {
                            continue;
                        }
                        try {
                            statusCalls.incrementAndGet();
                            Poll next = advance(run, client, poll);
                            if (next == null) {
                                remaining.countDown();
                                progress.add(1);
                            } else {
                                queue.add(next);
                            }
                        } catch (ApiException e) {
                            fatal.compareAndSet(null, e);
                        } catch (RuntimeException e) {
                            fatal.compareAndSet(null, e);
                        }
                    }
                });
            }
            while (!remaining.await(1, TimeUnit.SECONDS) && fatal.get() == null) {
                progress.add(0);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        log.info("{} tasks finished after {} status requests ({} per task)", progress.done(), statusCalls.get(),
                String.format("%.2f", statusCalls.get() / (double) Math.max(1, progress.done())));
        if (fatal.get() != null) {
            throw fatal.get();
        }
        return RepeatStatus.FINISHED;
    }

    /** Polls once; returns the next poll, or null when the request is finished. */
    private Poll advance(RunParameters run, RoboflowClient client, Poll poll) {
        TaskStatus status;
        try {
            status = client.taskStatus(poll.taskId);
        } catch (ApiException e) {
            if (e.kind() != ApiException.Kind.NOT_FOUND) {
                throw e;
            }
            return retryOrFail(run, client, poll, "task " + poll.taskId + " not found");
        }
        if (!status.isFinal()) {
            return poll.later(nextInterval(poll, status));
        }
        if (status.isCompleted()) {
            TaskStatus.Result result = status.result();
            List<TaskStatus.FailedItem> failed = result == null ? List.of() : result.failedItems();
            store.finish(run.instanceId(), poll.requestId, RequestStatus.COMPLETED,
                    result == null ? 0 : result.succeeded(), null, failedItems(poll, failed));
            return null;
        }
        return retryOrFail(run, client, poll, status.errorText());
    }

    private Poll retryOrFail(RunParameters run, RoboflowClient client, Poll poll, String reason) {
        if (poll.attempts < settings.maxTaskAttempts()) {
            log.warn("Task {} of request {} failed ({}); resubmitting, attempt {} of {}", poll.taskId, poll.requestId,
                    reason, poll.attempts + 1, settings.maxTaskAttempts());
            TaskRef task;
            try {
                task = client.submitBatch(RequestPayloads.body(store.payload(poll.requestId)));
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.BAD_REQUEST) {
                    refused.record(run.instanceId(), poll.requestId, e.getMessage());
                    return null;
                }
                throw e;
            }
            store.markSubmitted(poll.requestId, task.taskId(), task.url());
            long now = System.nanoTime();
            return new Poll(poll.requestId, task.taskId(), poll.attempts + 1, now, now + settings.firstPoll().toNanos(),
                    settings.firstPoll().toNanos());
        }
        log.warn("Task {} of request {} failed on all {} attempts: {}", poll.taskId, poll.requestId, poll.attempts,
                reason);
        refused.recordFailedTask(run.instanceId(), poll.requestId, poll.taskId, reason);
        return null;
    }

    private List<FailedItem> failedItems(Poll poll, List<TaskStatus.FailedItem> failed) {
        if (failed.isEmpty()) {
            return List.of();
        }
        Map<String, String> rows = new HashMap<>();
        for (RequestPayloads.ImageRows image : RequestPayloads.imageRows(store.imageRows(poll.requestId))) {
            rows.put(image.imageId(), image.rows());
        }
        List<FailedItem> items = new ArrayList<>(failed.size());
        for (TaskStatus.FailedItem item : failed) {
            items.add(new FailedItem(item.imageId(), rows.getOrDefault(item.imageId(), ""), poll.taskId,
                    item.error() == null ? "failed" : item.error()));
        }
        return items;
    }

    /**
     * With progress, the time left at the rate seen so far; without, twice the last interval. Clamped to
     * [100 ms, max-poll-interval].
     */
    private long nextInterval(Poll poll, TaskStatus status) {
        long max = settings.maxPollInterval().toNanos();
        long interval;
        TaskStatus.Progress progress = status.progress();
        if (progress != null && progress.current() > 0 && progress.total() > progress.current()) {
            long elapsed = System.nanoTime() - poll.submittedNanos;
            interval = (long) (elapsed * (double) (progress.total() - progress.current()) / progress.current());
        } else {
            interval = poll.intervalNanos * 2;
        }
        return Math.max(MIN_INTERVAL.toNanos(), Math.min(max, interval));
    }

    private static final class Poll implements Delayed {
        final long requestId;
        final String taskId;
        final int attempts;
        final long submittedNanos;
        final long dueNanos;
        final long intervalNanos;

        Poll(long requestId, String taskId, int attempts, long submittedNanos, long dueNanos, long intervalNanos) {
            this.requestId = requestId;
            this.taskId = taskId;
            this.attempts = attempts;
            this.submittedNanos = submittedNanos;
            this.dueNanos = dueNanos;
            this.intervalNanos = intervalNanos;
        }

        Poll later(long interval) {
            return new Poll(requestId, taskId, attempts, submittedNanos, System.nanoTime() + interval, interval);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Poll) other).dueNanos);
        }
    }
}
