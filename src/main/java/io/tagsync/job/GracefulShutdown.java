package io.tagsync.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Stops a run at a safe point when the JVM is asked to shut down (SIGTERM from systemd or Kubernetes, Ctrl-C),
 * through Spring Batch's {@code JobOperator.stop}, which marks the execution {@code STOPPING} and stops the
 * running step's tasklet (each is a {@code StoppableStep}): the steps finish the requests in flight, record them,
 * and end {@code STOPPED}, so that rerunning the same command resumes the run. The hook waits for the job to end
 * (at most {@code GRACE}), because the JVM halts as soon as its shutdown hooks return. Spring Boot's own shutdown hook is off (see application.yml): it
 * would close the database under the stopping job.
 */
@Component
public class GracefulShutdown implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Duration GRACE = Duration.ofSeconds(120);

    private final JobOperator jobOperator;
    private volatile Thread hook;
    private volatile CountDownLatch ended;

    public GracefulShutdown(JobOperator jobOperator) {
        this.jobOperator = jobOperator;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        CountDownLatch latch = new CountDownLatch(1);
        ended = latch;
        Thread thread = new Thread(() -> stop(execution, latch), "tagsync-shutdown");
        hook = thread;
        Runtime.getRuntime().addShutdownHook(thread);
    }

    @Override
    public void afterJob(JobExecution execution) {
        release();
    }

    /** The launch is over, however it ended: a waiting shutdown hook may let the JVM halt. */
    public void release() {
        CountDownLatch latch = ended;
        if (latch != null) {
            latch.countDown();
        }
        Thread thread = hook;
        hook = null;
        if (thread != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is waiting for this very moment
            }
        }
    }

    private void stop(JobExecution execution, CountDownLatch latch) {
        log.warn(
                "Shutdown requested: stopping run {} after the requests in flight; rerun the same command to resume",
                execution.getJobInstance().getInstanceId());
        try {
            jobOperator.stop(execution);
        } catch (Exception e) {
            log.warn(
                    "Run {} could not be stopped: {}",
                    execution.getJobInstance().getInstanceId(),
                    e.toString());
        }
        try {
            if (!latch.await(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                log.warn(
                        "Run {} did not stop within {} s; the next launch will recover it",
                        execution.getJobInstance().getInstanceId(),
                        GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
