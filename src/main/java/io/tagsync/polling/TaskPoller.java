package io.tagsync.polling;

import io.tagsync.api.ApiException;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskStatus;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.Threads;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.staging.UpdateDigests;
import io.tagsync.store.FailedItem;
import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SubmittedRequest;
import io.tagsync.store.SyncState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls tasks until they are final, with a pool of threads over one delay queue. Each task is polled on its
 * own schedule: first {@code first-poll} after submission, then at an interval estimated from its reported
 * progress (the time left at the rate seen so far), or doubling when it reports none, within
 * [100 ms, {@code max-poll-interval}]. A completed task records its failed items; a failed one is resubmitted
 * up to {@code max-task-attempts} times and then split (through {@link Resubmission}). Completed tasks are
 * recorded in batches ({@link OutcomeBatch}: up to 100 tasks or 250 ms, at once when nothing else is being
 * polled), and a task counts as finished only once recorded; polling can stop at any moment, and a later step
 * or run polls again the tasks still {@code SUBMITTED}. Thread-safe: requests may be tracked while the pollers
 * run.
 */
public final class TaskPoller implements Resubmission.Tracker, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskPoller.class);
    private static final long MIN_INTERVAL = Duration.ofMillis(100).toNanos();
    private static final int BATCH_SIZE = 100;
    private static final long BATCH_AGE = Duration.ofMillis(250).toNanos();

    private final RunParameters run;
    private final long instanceId;
    private final RoboflowClient client;
    private final RequestStore store;
    private final Resubmission sender;
    private final BooleanSupplier stopRequested;
    private final TagsyncProperties.Await settings;
    private final DelayQueue<Poll> queue = new DelayQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong statusCalls = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final OutcomeBatch completed = new OutcomeBatch(BATCH_SIZE, BATCH_AGE);
    private final ExecutorService pool;
    private volatile boolean closing;
    private volatile Long scope;

    private final TagsyncMetrics metrics;

    public TaskPoller(
            RunParameters run,
            long instanceId,
            RoboflowClient client,
            RequestStore store,
            Resubmission sender,
            BooleanSupplier stopRequested,
            TagsyncProperties.Await settings,
            int pollers,
            TagsyncMetrics metrics) {
        this.metrics = metrics;
        this.run = run;
        this.instanceId = instanceId;
        this.client = client;
        this.store = store;
        this.sender = sender;
        this.stopRequested = stopRequested;
        this.settings = settings;
        this.pool = Executors.newFixedThreadPool(Math.max(1, pollers), Threads.named("poll"));
        for (int i = 0; i < Math.max(1, pollers); i++) {
            pool.execute(this::pollLoop);
        }
    }

    /** A request just acknowledged: first polled after {@code first-poll}. */
    @Override
    public void accept(Resubmission.Submitted submitted) {
        track(submitted);
    }

    /** A request just acknowledged: first polled after {@code first-poll}. */
    public void track(Resubmission.Submitted submitted) {
        long now = System.nanoTime();
        open.incrementAndGet();
        queue.add(new Poll(
                submitted.requestId(),
                submitted.taskId(),
                submitted.taskUrl(),
                submitted.attempts(),
                now,
                now + settings.firstPoll().toNanos(),
                settings.firstPoll().toNanos()));
    }

    /** A request acknowledged earlier (by a step or run before this one). */
    public void track(SubmittedRequest request) {
        long now = System.nanoTime();
        long since = Math.max(
                0, Duration.between(request.submittedAt(), Instant.now()).toNanos());
        long wait = Math.max(0, settings.firstPoll().toNanos() - since);
        open.incrementAndGet();
        queue.add(new Poll(
                request.id(),
                request.taskId(),
                request.taskUrl(),
                request.attempts(),
                now - since,
                now + wait,
                settings.firstPoll().toNanos()));
    }

    /**
     * Waits until every tracked task is final (true), or the run is asked to stop (false); throws what
     * stopped a poller.
     */
    public boolean awaitAll(ProgressCallback progress) throws InterruptedException {
        while (open.get() > 0) {
            RuntimeException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            if (stopRequested.getAsBoolean()) {
                return false;
            }
            Thread.sleep(50);
            progress.report(finished.get(), open.get());
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return true;
    }

    /** Receives the count of finished and open tasks now and then. */
    @FunctionalInterface
    public interface ProgressCallback {
        void report(long finished, long open);
    }

    public RuntimeException failure() {
        return failure.get();
    }

    public long statusCalls() {
        return statusCalls.get();
    }

    public long finished() {
        return finished.get();
    }

    /**
     * Stops polling after the polls in progress and records the completed tasks not yet recorded; tasks still
     * open stay {@code SUBMITTED} for later.
     */
    @Override
    public void close() {
        closing = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            recordCompleted(true);
        } catch (RuntimeException e) {
            log.warn("Completed tasks could not be recorded ({}); a rerun polls them again", e.getMessage());
        }
    }

    private void pollLoop() {
        while (!closing && failure.get() == null && !stopRequested.getAsBoolean()) {
            Poll poll;
            try {
                poll = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (poll != null && !advance(poll)) {
                    open.decrementAndGet();
                }
                recordCompleted(queue.isEmpty());
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** Records the batch of completed tasks when it is due, or now; each then counts as finished. */
    private void recordCompleted(boolean now) {
        List<Outcome> outcomes = completed.take(now);
        if (outcomes.isEmpty()) {
            return;
        }
        store.finish(instanceId, outcomes, applied(outcomes));
        finished.addAndGet(outcomes.size());
        open.addAndGet(-outcomes.size());
        outcomes.forEach(outcome -> metrics.taskCompleted());
    }

    /**
     * What a sync run's completed tasks applied: each update of their requests' bodies but their failed items'. Read
     * before the outcomes are recorded, which drops the bodies.
     */
    @Override
    public RequestStore.Applied applied(List<Outcome> outcomes) {
        if (run.sync() == SyncMode.OFF) {
            return null;
        }
        UpdateDigests digests = new UpdateDigests();
        List<SyncState.AppliedImage> images = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.status() != RequestStatus.COMPLETED) {
                continue;
            }
            byte[] payload = store.payloadIfKept(outcome.requestId());
            if (payload == null) {
                continue;
            }
            Set<String> failed = new HashSet<>();
            outcome.items().forEach(item -> failed.add(item.imageId()));
            for (SyncState.AppliedImage image : digests.ofPayload(payload)) {
                if (!failed.contains(image.imageId())) {
                    images.add(image);
                }
            }
        }
        return new RequestStore.Applied(syncScope(), images);
    }

    private long syncScope() {
        Long scope = this.scope;
        if (scope == null) {
            scope = store.syncScope(run.apiUrl(), run.workspace());
            this.scope = scope;
        }
        return scope;
    }

    /**
     * Polls once; true when the task completed and waits in {@link #completed} to be recorded, which then
     * counts it done. Every poll this adds (the same task later, a resubmitted or split request) is counted
     * open before the one taken is counted done, so {@code open} reaches zero only when all is final and
     * recorded.
     */
    private boolean advance(Poll poll) {
        TaskStatus status;
        statusCalls.incrementAndGet();
        try {
            status = client.taskStatus(poll.taskId, poll.taskUrl);
        } catch (ApiException e) {
            if (e.kind() != ApiException.Kind.NOT_FOUND) {
                throw e;
            }
            retryOrSplit(poll, "task " + poll.taskId + " not found");
            return false;
        }
        switch (status.phase()) {
            case WAITING -> {
                long age = System.nanoTime() - poll.submittedNanos;
                if (age <= settings.taskTimeout().toNanos()) {
                    open.incrementAndGet();
                    queue.add(poll.later(nextInterval(poll, status)));
                } else {
                    metrics.taskFailed();
                    retryOrGiveUp(
                            poll,
                            "task " + poll.taskId + " still '" + status.status() + "' after " + settings.taskTimeout());
                }
                return false;
            }
            case COMPLETED -> {
                completed.add(new Outcome(
                        poll.requestId, RequestStatus.COMPLETED, null, failedItems(poll, status.failedItems())));
                return true;
            }
            case FAILED -> {
                metrics.taskFailed();
                retryOrSplit(poll, status.error() == null ? "task failed without a reason" : status.error());
                return false;
            }
            default -> {
                metrics.taskFailed();
                log.warn(
                        "Task {} is in status '{}', which tagsync does not know; handling it as a failed task",
                        poll.taskId,
                        status.status());
                retryOrSplit(
                        poll,
                        "task " + poll.taskId + " ended in unknown status '" + status.status() + "'"
                                + (status.error() == null ? "" : ": " + status.error()));
                return false;
            }
        }
    }

    private void retryOrSplit(Poll poll, String reason) {
        if (poll.attempts < settings.maxTaskAttempts()) {
            log.warn(
                    "Task {} failed ({}); resubmitting, attempt {} of {}",
                    poll.taskId,
                    reason,
                    poll.attempts + 1,
                    settings.maxTaskAttempts());
            sender.send(client, instanceId, poll.requestId, this);
        } else {
            sender.sendAfterFailedTask(client, instanceId, poll.requestId, reason, this);
        }
    }

    /**
     * A task that outlived the timeout is resubmitted like a failed one, and after the last attempt given up
     * unsplit: each level of a split would wait the whole timeout again.
     */
    private void retryOrGiveUp(Poll poll, String reason) {
        if (poll.attempts < settings.maxTaskAttempts()) {
            log.warn("{}; resubmitting, attempt {} of {}", reason, poll.attempts + 1, settings.maxTaskAttempts());
            sender.send(client, instanceId, poll.requestId, this);
        } else {
            log.warn(
                    "{} on the last of {} attempts; its images are reported failed",
                    reason,
                    settings.maxTaskAttempts());
            sender.giveUp(instanceId, poll.requestId, reason + " on each of " + poll.attempts + " attempts");
        }
    }

    private List<FailedItem> failedItems(Poll poll, List<TaskStatus.FailedItem> failed) {
        if (failed.isEmpty()) {
            return List.of();
        }
        Map<String, String> rows = new HashMap<>();
        for (RequestPayloads.ImageRows image :
                RequestPayloads.imageRows(store.payload(poll.requestId), store.imageRows(poll.requestId))) {
            rows.put(image.imageId(), image.rows());
        }
        List<FailedItem> items = new ArrayList<>(failed.size());
        for (TaskStatus.FailedItem item : failed) {
            items.add(
                    new FailedItem(item.imageId(), rows.getOrDefault(item.imageId(), ""), poll.taskId, item.reason()));
        }
        return items;
    }

    private long nextInterval(Poll poll, TaskStatus status) {
        long interval;
        TaskStatus.Progress progress = status.progress();
        if (progress != null && progress.done() > 0 && progress.total() > progress.done()) {
            long elapsed = System.nanoTime() - poll.submittedNanos;
            interval = (long) (elapsed * (double) (progress.total() - progress.done()) / progress.done());
        } else {
            interval = poll.intervalNanos * 2;
        }
        return Math.max(MIN_INTERVAL, Math.min(settings.maxPollInterval().toNanos(), interval));
    }

    private static final class Poll implements Delayed {
        final long requestId;
        final String taskId;
        final String taskUrl;
        final int attempts;
        final long submittedNanos;
        final long dueNanos;
        final long intervalNanos;

        Poll(
                long requestId,
                String taskId,
                String taskUrl,
                int attempts,
                long submittedNanos,
                long dueNanos,
                long intervalNanos) {
            this.requestId = requestId;
            this.taskId = taskId;
            this.taskUrl = taskUrl;
            this.attempts = attempts;
            this.submittedNanos = submittedNanos;
            this.dueNanos = dueNanos;
            this.intervalNanos = intervalNanos;
        }

        Poll later(long interval) {
            return new Poll(
                    requestId, taskId, taskUrl, attempts, submittedNanos, System.nanoTime() + interval, interval);
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
