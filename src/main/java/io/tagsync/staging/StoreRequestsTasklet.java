package io.tagsync.staging;

import io.tagsync.run.ChangeCounts;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.run.SyncMode;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SyncState;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Merges the rows the read-rows step sorted into one update per image, in image-ID order, and stores them as
 * {@code PENDING} requests of {@value #REQUEST_SIZE} updates, numbered from 1. A tasklet, not a chunk-oriented step:
 * the merge is one pass over the sorted runs, and a {@link RequestWriter} thread compresses and stores the requests
 * while the merge goes on, which a chunk-oriented step would do one after the other on one thread. It runs right
 * after the read-rows step, in the same process (the sorted rows are that process's); a failure fails the stage step,
 * and its restart reads the input again.
 */
public class StoreRequestsTasklet implements Tasklet {

    public static final int REQUEST_SIZE = 1000;

    private static final Logger log = LoggerFactory.getLogger(StoreRequestsTasklet.class);

    private final UpdateMerger merger;
    private final RequestStore store;
    private final SyncState sync;
    private final RunParameters run;
    private final TagsyncProperties.Sync settings;

    public StoreRequestsTasklet(
            UpdateMerger merger,
            RequestStore store,
            SyncState sync,
            RunParameters run,
            TagsyncProperties.Sync settings) {
        this.merger = merger;
        this.store = store;
        this.sync = sync;
        this.run = run;
        this.settings = settings;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        StepExecution step = contribution.getStepExecution();
        long started = System.nanoTime();
        final long images;
        final int requests;
        final ChangeCounts changes;
        ChangedOnly changedOnly = null;
        ChangedOnly forgetting = null;
        try (RequestWriter writer =
                new RequestWriter(store, step.getJobExecution().getJobInstance().getInstanceId(), REQUEST_SIZE)) {
            Consumer<StagedUpdate> toRequests = update -> {
                try {
                    writer.add(update);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("staging interrupted", e);
                }
            };
            if (run.sync() != SyncMode.OFF) {
                changedOnly = changedOnly(toRequests);
            } else if (!run.dryRun()) {
                // what this run sends replaces what sync runs recorded for those images: forget it
                OptionalLong scope = sync.existingScope(run.apiUrl(), run.workspace());
                if (scope.isPresent()) {
                    forgetting = new ChangedOnly(sync, scope.getAsLong(), true, true, toRequests);
                }
            }
            ChangedOnly filter = changedOnly != null ? changedOnly : forgetting;
            images = merger.finish(filter != null ? filter : toRequests);
            if (filter != null) {
                filter.flush();
            }
            requests = writer.finish();
            changes = writer.changes();
        } finally {
            merger.close();
            if (changedOnly != null) {
                changedOnly.close();
            }
            if (forgetting != null) {
                forgetting.close();
            }
        }
        ChangedOnly compared = changedOnly;
        StagingSteps.results(step, results -> {
            results.putLong(StepResults.IMAGES, images);
            results.putLong(StepResults.REQUESTS, requests);
            changes.writeTo(results);
            if (compared != null) {
                results.putLong(StepResults.IMAGES_UNCHANGED, compared.unchanged());
                results.putLong(StepResults.UNCHANGED_SINCE, compared.since());
                results.putString(
                        StepResults.SYNC,
                        compared.full() ? SyncMode.FULL.label() : run.sync().label());
            }
        });
        if (compared != null) {
            log.info(
                    compared.full()
                            ? "Sending every image ({} of them), as a full run"
                            : "{} images changed or new since the updates the API last confirmed; {} unchanged, left out",
                    images - compared.unchanged(),
                    compared.unchanged());
            if (compared.full() && !run.dryRun()) {
                sync.fullSent(compared.scope(), Instant.now());
            }
        }
        contribution.incrementWriteCount(requests);
        if (merger.spills() > 0) {
            log.info("Merged repeated image IDs through {} sorted runs on disk", merger.spills());
        }
        log.info(
                "Stored {} requests for {} images in {} s",
                requests,
                compared == null ? images : images - compared.unchanged(),
                String.format("%.2f", (System.nanoTime() - started) / 1e9));
        return RepeatStatus.FINISHED;
    }

    /**
     * The filter of a sync run: a full one when asked for, or when the workspace's last full send is older than
     * {@code tagsync.sync.full-every}. What was applied longer ago than {@code forget-after} is forgotten first.
     */
    private ChangedOnly changedOnly(Consumer<StagedUpdate> next) {
        // a dry run makes no scope: without one, every image is new to it
        long scope = run.dryRun()
                ? sync.existingScope(run.apiUrl(), run.workspace()).orElse(-1)
                : sync.scope(run.apiUrl(), run.workspace());
        Instant now = Instant.now();
        boolean full = run.sync() == SyncMode.FULL;
        if (!full && !settings.fullEvery().isZero()) {
            Instant last = sync.lastFull(scope);
            full = last == null || last.isBefore(now.minus(settings.fullEvery()));
        }
        if (!run.dryRun() && !settings.forgetAfter().isZero()) {
            int forgotten = sync.prune(scope, now.minus(settings.forgetAfter()));
            if (forgotten > 0) {
                log.info("Forgot what was applied to {} images more than {} ago", forgotten, settings.forgetAfter());
            }
        }
        return new ChangedOnly(sync, scope, full, !run.dryRun(), next);
    }
}
