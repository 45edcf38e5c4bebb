package io.tagsync.run;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * A tasklet that Spring Batch's {@code JobOperator.stop} can stop: the operator calls {@link #stop(StepExecution)}
 * on the running step's tasklet from another thread (the shutdown hook's, on SIGTERM), and the tasklet checks
 * {@link #stopRequested()} at its safe points — between requests, between polls —
 * then ends with the step marked terminate-only, so the job ends {@code STOPPED} and a rerun resumes. The operator
 * reaches only the job's own steps, not the partitions of a partitioned step, and not a worker in another process,
 * so a tasklet also takes its job execution marked stopping in the repository as a stop, read at most
 * twice a second. The steps are step-scoped, so each step execution starts unstopped. Thread-safe.
 */
public abstract class StoppableStep implements StoppableTasklet {

    private static final long CHECK_NANOS = 500_000_000L;

    private final JobRepository jobs;
    private final AtomicLong lastCheck = new AtomicLong();
    private volatile boolean stopRequested;
    private volatile JobExecution job;

    protected StoppableStep(JobRepository jobs) {
        this.jobs = jobs;
    }

    /** Not final: the step scope's proxy must reach it. */
    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        job = contribution.getStepExecution().getJobExecution();
        lastCheck.set(System.nanoTime());
        return work(contribution);
    }

    /** The step's work. */
    protected abstract RepeatStatus work(StepContribution contribution) throws Exception;

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

    /** {@code JobOperator.stop} marks a running execution {@code STOPPING}, and in Spring Batch 6.0 at once {@code STOPPED}. */
    private static boolean stopping(JobExecution execution) {
        return execution.getStatus() == BatchStatus.STOPPING || execution.getStatus() == BatchStatus.STOPPED;
    }

    protected boolean stopRequested() {
        JobExecution running = job;
        if (stopRequested || running == null) {
            return stopRequested;
        }
        if (stopping(running)) {
            stopRequested = true;
        }
        long last = lastCheck.get();
        long now = System.nanoTime();
        if (now - last >= CHECK_NANOS && lastCheck.compareAndSet(last, now)) {
            try {
                JobExecution stored = jobs.getJobExecution(running.getId());
                if (stored != null && stopping(stored)) {
                    stopRequested = true;
                }
            } catch (DataAccessException | TransactionException unreachable) {
                // the repository is out of reach: the step's own writes wait for it; look again at the next check
            }
        }
        return stopRequested;
    }
}
