package io.tagsync.run;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;

/**
 * A tasklet that Spring Batch's {@code JobOperator.stop} can stop: the operator calls {@link #stop(StepExecution)}
 * on the running step's tasklet from another thread (the shutdown hook's, on SIGTERM), and the tasklet checks
 * {@link #stopRequested()} at its safe points — between requests, between polls, every so many staged rows —
 * then ends with the step marked terminate-only, so the job ends {@code STOPPED} and a rerun resumes. The steps
 * are step-scoped, so each step execution starts unstopped. Thread-safe.
 */
public abstract class StoppableStep implements StoppableTasklet {

    private volatile boolean stopRequested;

    @Override
    public void stop(StepExecution stepExecution) {
        stopRequested = true;
    }

    /** Spring Batch 6 calls {@link #stop(StepExecution)}; this one remains in the interface until 7. */
    @Override
    @Deprecated(since = "6.0", forRemoval = true)
    public void stop() {
        stopRequested = true;
    }

    protected boolean stopRequested() {
        return stopRequested;
    }
}
