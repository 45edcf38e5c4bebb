package io.tagsync.staging;

import io.tagsync.run.ChangeCounts;
import io.tagsync.run.StepResults;
import io.tagsync.store.RequestStore;
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

    public StoreRequestsTasklet(UpdateMerger merger, RequestStore store) {
        this.merger = merger;
        this.store = store;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        StepExecution step = contribution.getStepExecution();
        long started = System.nanoTime();
        final long images;
        final int requests;
        final ChangeCounts changes;
        try (RequestWriter writer =
                new RequestWriter(store, step.getJobExecution().getJobInstance().getInstanceId(), REQUEST_SIZE)) {
            images = merger.finish(update -> {
                try {
                    writer.add(update);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("staging interrupted", e);
                }
            });
            requests = writer.finish();
            changes = writer.changes();
        } finally {
            merger.close();
        }
        StagingSteps.results(step, results -> {
            results.putLong(StepResults.IMAGES, images);
            results.putLong(StepResults.REQUESTS, requests);
            changes.writeTo(results);
        });
        contribution.incrementWriteCount(requests);
        if (merger.spills() > 0) {
            log.info("Merged repeated image IDs through {} sorted runs on disk", merger.spills());
        }
        log.info(
                "Stored {} requests for {} images in {} s",
                requests,
                images,
                String.format("%.2f", (System.nanoTime() - started) / 1e9));
        return RepeatStatus.FINISHED;
    }
}
