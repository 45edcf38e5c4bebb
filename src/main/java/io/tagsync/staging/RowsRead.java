package io.tagsync.staging;

import io.tagsync.input.InputReader;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.ProgressLog;
import io.tagsync.run.StepResults;
import io.tagsync.store.RequestStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * The read-rows step's start and end. Before the first row: clears what an earlier attempt of staging stored (staging
 * starts over on a restart: its sort buffer lived in memory) and records the input's fingerprint for restarts to
 * check. As it goes: logs the rows read. After the last row: leaves the counts of rows read and rejected in the
 * job's execution context for the steps, reports and commands after it. Not thread-safe: one step thread.
 */
public class RowsRead implements StepExecutionListener, ChunkListener<Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(RowsRead.class);

    private final InputReader input;
    private final RequestStore store;
    private final TagsyncMetrics metrics;
    private StepExecution step;
    private ProgressLog progress;

    public RowsRead(InputReader input, RequestStore store, TagsyncMetrics metrics) {
        this.input = input;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public void beforeStep(StepExecution step) {
        this.step = step;
        store.clearStaged(step.getJobExecution().getJobInstance().getInstanceId());
        log.info(
                "Staging {} ({} file{})",
                input.input(),
                input.files().size(),
                input.files().size() == 1 ? "" : "s");
        String fingerprint = input.fingerprint().toString();
        StagingSteps.results(step, results -> results.putString(StepResults.FINGERPRINT, fingerprint));
        progress = new ProgressLog(log, "Rows read", -1);
    }

    @Override
    public void afterChunk(Chunk<Object> chunk) {
        progress.set(rows(step));
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        if (step.getStatus() == BatchStatus.COMPLETED) {
            long rows = rows(step);
            long rejected = step.getReadSkipCount() + step.getProcessSkipCount();
            StagingSteps.results(step, results -> {
                results.putLong(StepResults.ROWS_READ, rows);
                results.putLong(StepResults.ROWS_REJECTED, rejected);
            });
            metrics.staged(rows, rejected);
        }
        return null;
    }

    private static long rows(StepExecution step) {
        return step.getReadCount() + step.getReadSkipCount();
    }
}
