package io.tagsync.submission;

import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Before the submit step sends anything (before it splits the requests into partitions), fails it when staging
 * rejected more rows than {@code --max-rejects} allows, with the rejects file written for the user to read.
 */
public class RejectLimitCheck implements StepExecutionListener {

    private final RejectsFile rejectsFile;

    public RejectLimitCheck(RejectsFile rejectsFile) {
        this.rejectsFile = rejectsFile;
    }

    @Override
    public void beforeStep(StepExecution step) {
        RunParameters run = RunParameters.of(step.getJobParameters());
        RejectLimit limit = RejectLimit.parse(run.maxRejects());
        ExecutionContext staged = step.getJobExecution().getExecutionContext();
        long rows = staged.getLong(StepResults.ROWS_READ, 0L);
        long rejected = staged.getLong(StepResults.ROWS_REJECTED, 0L);
        if (limit.exceededBy(rejected, rows)) {
            Path rejects;
            try {
                rejects = rejectsFile.write(
                        run, step.getJobExecution().getJobInstance().getInstanceId());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new RejectLimitExceededException(String.format(
                    "%d of %d rows rejected, above --max-rejects=%s; nothing was sent. See %s; fix the input and "
                            + "start a new run, or rerun this command with a higher --max-rejects to send the valid rows",
                    rejected, rows, limit, rejects));
        }
    }

    /** More rows were rejected than the run allows. */
    public static class RejectLimitExceededException extends RuntimeException {
        public RejectLimitExceededException(String message) {
            super(message);
        }
    }
}
