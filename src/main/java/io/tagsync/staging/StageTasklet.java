package io.tagsync.staging;

import io.tagsync.input.InputFingerprint;
import io.tagsync.input.InputRow;
import io.tagsync.input.ReadAheadReader;
import io.tagsync.input.UpdateReader;
import io.tagsync.input.UpdateReaders;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.ChangeCounts;
import io.tagsync.run.ProgressLog;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.run.StoppableStep;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.RejectedRow;
import io.tagsync.store.RequestStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Reads the whole input, rejects invalid rows, folds repeated image IDs into one update each (in image-ID
 * order, through {@link UpdateMerger}) and stores 1,000-update requests as {@code PENDING}. Nothing is sent.
 * Rows are stored in small transactions as they come, so memory and transactions stay small whatever the
 * input's size; a staging that does not complete (a failure, a kill, a stop request) is cleared and starts
 * over on restart, and a completed one is never repeated. The input's fingerprint is recorded for restarts
 * to check.
 */
public class StageTasklet extends StoppableStep {

    public static final int REQUEST_SIZE = 1000;

    private static final Logger log = LoggerFactory.getLogger(StageTasklet.class);
    private static final int REJECT_FLUSH = 1000;

    private static final int STOP_CHECK = 1 << 16;

    private final RunParameters run;
    private final long instanceId;
    private final RequestStore store;
    private final TagsyncProperties.Input settings;
    private final TagsyncProperties.Staging staging;
    private final TagsyncMetrics metrics;

    public StageTasklet(
            JobRepository jobs,
            RunParameters run,
            long instanceId,
            RequestStore store,
            TagsyncProperties.Input settings,
            TagsyncProperties.Staging staging,
            TagsyncMetrics metrics) {
        super(jobs);
        this.run = run;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.store = store;
        this.settings = settings;
        this.staging = staging;
    }

    @Override
    protected RepeatStatus work(StepContribution contribution) throws JobInterruptedException, InterruptedException {
        StepExecution step = contribution.getStepExecution();
        long started = System.nanoTime();
        store.clearStaged(instanceId);
        UpdateReaders.Format format = UpdateReaders.Format.parse(settings.format());
        List<Path> files = UpdateReaders.files(run.input(), format);
        log.info("Staging {} ({} file{})", run.input(), files.size(), files.size() == 1 ? "" : "s");
        InputFingerprint fingerprint = InputFingerprint.of(files);
        boolean manyFiles = files.size() > 1;

        long rows = 0;
        long rejected = 0;
        long images;
        int requests;
        ChangeCounts changes;
        try (UpdateMerger merger = new UpdateMerger(staging.spillDirOrTemp(), staging.bufferRows());
                UpdateReader reader =
                        new ReadAheadReader(UpdateReaders.open(run.input(), files, settings, format), "stage-reader")) {
            List<RejectedRow> rejects = new ArrayList<>();
            ProgressLog progress = new ProgressLog(log, "Rows read", -1);
            for (InputRow row = reader.next(); row != null; row = reader.next()) {
                rows++;
                if ((rows & (STOP_CHECK - 1)) == 0) {
                    progress.set(rows);
                    if (stopRequested()) {
                        step.setTerminateOnly();
                        throw new JobInterruptedException(
                                "staging stopped at row " + rows + "; it starts over on restart");
                    }
                }
                if (row instanceof InputRow.Valid valid) {
                    merger.add(
                            valid.update(),
                            rows,
                            manyFiles ? valid.source() + ":" + valid.row() : Long.toString(valid.row()));
                } else {
                    InputRow.Rejected reject = (InputRow.Rejected) row;
                    rejects.add(new RejectedRow(
                            reject.source(), reject.row(), reject.line(), reject.imageId(), reject.reason()));
                    rejected++;
                    if (rejects.size() == REJECT_FLUSH) {
                        store.insertRejects(instanceId, rejects);
                        rejects.clear();
                    }
                }
            }
            if (!rejects.isEmpty()) {
                store.insertRejects(instanceId, rejects);
            }

            long readDone = System.nanoTime();
            try (RequestWriter writer = new RequestWriter(store, instanceId, REQUEST_SIZE)) {
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
            }
            log.info(
                    "Read {} rows in {} s, merged and stored them in {} s",
                    rows,
                    String.format("%.2f", (readDone - started) / 1e9),
                    String.format("%.2f", (System.nanoTime() - readDone) / 1e9));
            if (merger.spills() > 0) {
                log.info("Merged repeated image IDs through {} sorted runs on disk", merger.spills());
            }
        } catch (UpdateMerger.SpillSpaceException e) {
            throw new UpdateMerger.SpillSpaceException(
                    "Staging " + run.input() + " stopped after " + rows + " rows: " + e.getMessage());
        }

        metrics.staged(rows, rejected);
        ExecutionContext context = step.getExecutionContext();
        context.putLong(StepResults.ROWS_READ, rows);
        context.putLong(StepResults.ROWS_REJECTED, rejected);
        context.putLong(StepResults.IMAGES, images);
        context.putLong(StepResults.REQUESTS, requests);
        context.putString(StepResults.FINGERPRINT, fingerprint.toString());
        changes.writeTo(context);
        contribution.incrementWriteCount(requests);
        double seconds = (System.nanoTime() - started) / 1e9;
        log.info(
                "Staged {} rows ({} rejected) as {} requests for {} images in {} s ({} rows/s)",
                rows,
                rejected,
                requests,
                images,
                String.format("%.2f", seconds),
                Math.round(rows / Math.max(seconds, 1e-9)));
        return RepeatStatus.FINISHED;
    }
}
