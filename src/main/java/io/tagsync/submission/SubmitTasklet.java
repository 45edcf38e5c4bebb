package io.tagsync.submission;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.ApiException;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskRef;
import io.tagsync.job.RunParameters;
import io.tagsync.reporting.ProgressLog;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Sends every {@code PENDING} request, up to {@code concurrency} at once, and records each task ID the
 * moment it is acknowledged, in a transaction of its own. A restart sends only what is still
 * {@code PENDING}: at most the requests in flight when a run died are sent twice, which the API's
 * idempotent updates make harmless. A fatal answer (bad key, unknown workspace, plan limit, retries
 * exhausted) stops new sends, lets those in flight finish and fails the step.
 */
public class SubmitTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(SubmitTasklet.class);

    private final RequestStore store;
    private final ApiClientFactory clients;
    private final RefusedRequests refused;

    public SubmitTasklet(RequestStore store, ApiClientFactory clients, RefusedRequests refused) {
        this.store = store;
        this.clients = clients;
        this.refused = refused;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        RunParameters run = RunParameters.of(contribution.getStepExecution());
        List<Long> pending = store.requestIds(run.instanceId(), RequestStatus.PENDING);
        if (pending.isEmpty()) {
            log.info("Nothing to submit");
            return RepeatStatus.FINISHED;
        }
        RoboflowClient client = clients.create(run);
        int concurrency = Math.max(1, Math.min(run.concurrency(), pending.size()));
        log.info("Submitting {} requests, {} at a time", pending.size(), concurrency);
        ProgressLog progress = new ProgressLog(log, "Requests submitted", pending.size());
        AtomicReference<ApiException> fatal = new AtomicReference<>();
        AtomicInteger refusedCount = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, Threads.named("submit"));
        try {
            for (long requestId : pending) {
                pool.execute(() -> {
                    if (fatal.get() != null || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    try {
                        byte[] body = RequestPayloads.body(store.payload(requestId));
                        TaskRef task = client.submitBatch(body);
                        store.markSubmitted(requestId, task.taskId(), task.url());
                        progress.add(1);
                    } catch (ApiException e) {
                        if (e.kind() == ApiException.Kind.BAD_REQUEST) {
                            refused.record(run.instanceId(), requestId, e.getMessage());
                            refusedCount.incrementAndGet();
                        } else {
                            fatal.compareAndSet(null, e);
                        }
                    } catch (RuntimeException e) {
                        fatal.compareAndSet(null, new ApiException(ApiException.Kind.TRANSIENT, 0,
                                "request " + requestId + " could not be submitted: " + e, null));
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
        contribution.incrementWriteCount(progress.done());
        log.info("Submitted {} requests ({} refused) with {} HTTP calls, {} retries", progress.done(),
                refusedCount.get(), client.calls(), client.retries());
        if (fatal.get() != null) {
            throw fatal.get();
        }
        return RepeatStatus.FINISHED;
    }
}
