package io.tagsync.polling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.tagsync.TagsyncProperties;
import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.ApiException;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskStatus;
import io.tagsync.job.RunParameters;
import io.tagsync.job.StopSignal;
import io.tagsync.reporting.ProgressLog;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SubmittedRequest;
import io.tagsync.submission.RequestSender;
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
 * failed items; a failed task is resubmitted up to {@code max-task-attempts} times, then split. Requests
 * left {@code PENDING} by an interrupted split are sent first. Every outcome is its own transaction, so a
 * restart polls only the tasks still open; a stop request ends the step {@code STOPPED} at once.
 */
public class AwaitTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(AwaitTasklet.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final RequestStore store;
    private final ApiClientFactory clients;
    private final RequestSender sender;
    private final StopSignal stopSignal;
    private final TagsyncProperties.Await settings;

    public AwaitTasklet(RequestStore store, ApiClientFactory clients, RequestSender sender, StopSignal stopSignal,
            TagsyncProperties.Await settings) {
        this.store = store;
        this.clients = clients;
        this.sender = sender;
        this.stopSignal = stopSignal;
        this.settings = settings;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        RunParameters run = RunParameters.of(contribution.getStepExecution());
        if (run.dryRun()) {
            return RepeatStatus.FINISHED;
        }
        List<Long> pending = store.requestIds(run.instanceId(), RequestStatus.PENDING);
        List<SubmittedRequest> open = store.submitted(run.instanceId());
        if (open.isEmpty() && pending.isEmpty()) {
            log.info("No tasks to wait for");
            return RepeatStatus.FINISHED;
        }
        RoboflowClient client = clients.create(run);
        DelayQueue<Poll> queue = new DelayQueue<>();
        AtomicInteger remaining = new AtomicInteger();
        long now = System.nanoTime();
        for (SubmittedRequest request : open) {
            Duration sinceSubmit = Duration.between(request.submittedAt(), Instant.now());
            long wait = Math.max(0, settings.firstPoll().minus(sinceSubmit).toNanos());
            remaining.incrementAndGet();
            queue.add(new Poll(request.id(), request.taskId(), request.attempts(), now - sinceSubmit.toNanos(),
                    now + wait, settings.firstPoll().toNanos()));
        }
        for (long requestId : pending) {
            sender.send(client, run.instanceId(), requestId, submitted -> {
                remaining.incrementAndGet();
                queue.add(firstPoll(submitted));
            });
        }
        AtomicReference<Exception> fatal = new AtomicReference<>();
        AtomicLong statusCalls = new AtomicLong();
        ProgressLog progress = new ProgressLog(log, "Tasks finished", remaining.get());
        int pollers = Math.max(1, Math.min(settings.pollers(), remaining.get()));
        log.info("Waiting for {} tasks with {} pollers", remaining.get(), pollers);
        ExecutorService pool = Executors.newFixedThreadPool(pollers, Threads.named("await"));
        try {
            for (int i = 0; i < pollers; i++) {
                pool.execute(() -> {
                    while (fatal.get() == null && remaining.get() > 0 && !stopSignal.isStopRequested()) {
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
                            if (advance(run, client, poll, queue, remaining)) {
                                progress.add(1);
                            }
                            remaining.decrementAndGet();
                        } catch (RuntimeException e) {
                            fatal.compareAndSet(null, e);
                        }
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
        log.info("Tasks done after {} status requests ({} retried HTTP calls)", statusCalls.get(), client.retries());
        if (fatal.get() != null) {
            throw fatal.get();
        }
        if (stopSignal.isStopRequested() && remaining.get() > 0) {
            contribution.getStepExecution().setTerminateOnly();
        }
        return RepeatStatus.FINISHED;
    }

    /**
     * Polls once; true when the request is finished. The poll it took is always counted done by the caller;
     * every poll this adds (the same task later, a resubmitted or split request) is added to
     * {@code remaining} first, so that {@code remaining} reaches zero only when all is final.
     */
    private boolean advance(RunParameters run, RoboflowClient client, Poll poll, DelayQueue<Poll> queue,
            AtomicInteger remaining) {
        TaskStatus status;
        try {
            status = client.taskStatus(poll.taskId);
        } catch (ApiException e) {
            if (e.kind() != ApiException.Kind.NOT_FOUND) {
                throw e;
            }
            retryOrSplit(run, client, poll, "task " + poll.taskId + " not found", queue, remaining);
            return false;
        }
        if (!status.isFinal()) {
            remaining.incrementAndGet();
            queue.add(poll.later(nextInterval(poll, status)));
            return false;
        }
        if (status.isCompleted()) {
            TaskStatus.Result result = status.result();
            List<TaskStatus.FailedItem> failed = result == null ? List.of() : result.failedItems();
            store.finish(run.instanceId(), poll.requestId, RequestStatus.COMPLETED,
                    result == null ? 0 : result.succeeded(), null, failedItems(poll, failed));
            return true;
        }
        retryOrSplit(run, client, poll, status.errorText(), queue, remaining);
        return false;
    }

    private void retryOrSplit(RunParameters run, RoboflowClient client, Poll poll, String reason,
            DelayQueue<Poll> queue, AtomicInteger remaining) {
        java.util.function.Consumer<RequestSender.Submitted> track = submitted -> {
            remaining.incrementAndGet();
            queue.add(firstPoll(submitted));
        };
        if (poll.attempts < settings.maxTaskAttempts()) {
            log.warn("Task {} failed ({}); resubmitting, attempt {} of {}", poll.taskId, reason, poll.attempts + 1,
                    settings.maxTaskAttempts());
            sender.send(client, run.instanceId(), poll.requestId, track);
        } else {
            sender.sendAfterFailedTask(client, run.instanceId(), poll.requestId, reason, track);
        }
    }

    private Poll firstPoll(RequestSender.Submitted submitted) {
        long now = System.nanoTime();
        return new Poll(submitted.requestId(), submitted.taskId(), submitted.attempts(), now,
                now + settings.firstPoll().toNanos(), settings.firstPoll().toNanos());
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
