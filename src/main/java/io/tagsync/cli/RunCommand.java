package io.tagsync.cli;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.input.Format;
import io.tagsync.input.InputException;
import io.tagsync.input.InputFingerprint;
import io.tagsync.input.InputReader;
import io.tagsync.input.S3Store;
import io.tagsync.job.Fences;
import io.tagsync.job.GracefulShutdown;
import io.tagsync.job.RunOutcome;
import io.tagsync.job.TagsyncJobConfiguration;
import io.tagsync.metrics.Pushgateway;
import io.tagsync.reporting.ReportTasklet;
import io.tagsync.reporting.RunNotifier;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.run.Steps;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.Threads;
import io.tagsync.store.RepositoryOutages;
import io.tagsync.store.RunLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * {@code run}: starts the run named by input, workspace and run key, or restarts it when its last execution
 * failed or was stopped, and turns the outcome into an exit code.
 */
@Component
public class RunCommand {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job tagsyncJob;
    private final ApiClientFactory clients;
    private final DataSource dataSource;
    private final GracefulShutdown gracefulShutdown;
    private final Pushgateway pushgateway;
    private final RunNotifier notifier;
    private final TagsyncProperties.Input input;
    private final Fences fences;
    private final RepositoryOutages outages;
    private final S3Store s3;

    public RunCommand(
            JobOperator jobOperator,
            JobRepository jobRepository,
            Job tagsyncJob,
            ApiClientFactory clients,
            DataSource dataSource,
            GracefulShutdown gracefulShutdown,
            Pushgateway pushgateway,
            RunNotifier notifier,
            Fences fences,
            RepositoryOutages outages,
            S3Store s3,
            TagsyncProperties properties) {
        this.s3 = s3;
        this.fences = fences;
        this.outages = outages;
        this.pushgateway = pushgateway;
        this.notifier = notifier;
        this.input = properties.input();
        this.dataSource = dataSource;
        this.gracefulShutdown = gracefulShutdown;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.tagsyncJob = tagsyncJob;
        this.clients = clients;
    }

    public int run(RunParameters run) {
        return run(run, System.out, System.err);
    }

    /** Runs, printing the run's summary to {@code out} and what went wrong, with the next step, to {@code err}. */
    public int run(RunParameters run, PrintStream out, PrintStream err) {
        if (!clients.hasKey() && !run.dryRun()) {
            err.println("tagsync: no API key: set ROBOFLOW_API_KEY (or tagsync.api.key-file)");
            return ExitCodes.BAD_KEY;
        }
        Format.parse(input.format());
        if (!run.dryRun()) {
            clients.prepare(run.apiUrl());
        }
        JobParameters parameters = run.toJobParameters();
        String named = "input " + run.input() + ", workspace " + run.workspace() + ", run key " + run.runKey();
        Optional<RunLock> lock;
        try {
            lock = RunLock.tryAcquire(
                    dataSource,
                    run.input() + "\n" + run.workspace() + "\n" + run.runKey() + (run.dryRun() ? "\ndry-run" : ""));
        } catch (SQLException e) {
            err.println("tagsync: cannot reach the job repository: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (lock.isEmpty()) {
            err.println("tagsync: the run (" + named + ") is being worked on by another live process; "
                    + "wait for it to end, or stop it (SIGTERM) and rerun this command");
            return ExitCodes.FAILED;
        }
        // a database restart drops the lock with its connection: it is checked, and taken again, every 10 s
        ScheduledExecutorService lockCheck = Executors.newSingleThreadScheduledExecutor(Threads.named("run-lock"));
        try (RunLock held = lock.get()) {
            lockCheck.scheduleWithFixedDelay(held::retake, 10, 10, TimeUnit.SECONDS);
            // every send checks the lock first: once another process has taken the run over, this one stops
            fences.running(held.fence(outages));
            int exitCode = launch(run, parameters, out, err);
            return held.lost() ? ExitCodes.FAILED : exitCode;
        } finally {
            fences.runEnded();
            lockCheck.shutdownNow();
        }
    }

    private int launch(RunParameters run, JobParameters parameters, PrintStream out, PrintStream err) {
        JobExecution last = jobRepository.getLastJobExecution(TagsyncJobConfiguration.JOB_NAME, parameters);
        if (last != null) {
            if (last.getStatus().isRunning()) {
                // We hold the run's lock, so the process that left it running is gone (kill -9, a lost host).
                log.warn(
                        "Execution {} of run {} was left {} by a process that is gone; recovering it",
                        last.getId(),
                        last.getJobInstance().getInstanceId(),
                        last.getStatus());
                jobOperator.recover(last);
                last = jobRepository.getJobExecution(last.getId());
            }
            if (last.getStatus() == BatchStatus.UNKNOWN) {
                log.warn(
                        "Execution {} of run {} could not record how it ended (the job repository was out of reach); "
                                + "resuming from what its requests recorded",
                        last.getId(),
                        last.getJobInstance().getInstanceId());
                last = failUnknown(last);
            }
            if (last.getStatus() == BatchStatus.COMPLETED) {
                out.println("Run " + last.getJobInstance().getInstanceId() + " (run key " + run.runKey()
                        + ") already completed; use another --run-key to apply the input again.");
                printSavedSummary(last, out);
                return RunOutcome.EXIT_CODES.intValue(last.getExitStatus().getExitCode());
            }
            String changed = inputChange(last, run);
            if (changed != null) {
                err.println("tagsync: " + changed);
                return ExitCodes.FAILED;
            }
            log.info(
                    "Restarting run {} after execution {} ended {}",
                    last.getJobInstance().getInstanceId(),
                    last.getId(),
                    last.getStatus());
        }
        JobExecution execution;
        long started = System.nanoTime();
        try {
            execution = start(parameters);
            log.info(
                    "Run {} ended {} after {} s",
                    execution.getJobInstance().getInstanceId(),
                    execution.getStatus(),
                    String.format("%.3f", (System.nanoTime() - started) / 1e9));
        } catch (Exception e) {
            // the job repository could not record the run's start or end: the run resumes from what it did record
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("tagsync: the run could not start or end cleanly: " + e.getMessage()
                    + (root == e ? "" : " (" + root + ")"));
            String next = RunOutcome.nextStepAfterLaunch(e, fences.runTakenOver());
            err.println("tagsync: " + next);
            return ExitCodes.FAILED;
        } finally {
            gracefulShutdown.release();
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            printSavedSummary(execution, out);
        }
        int code = RunOutcome.EXIT_CODES.intValue(execution.getExitStatus().getExitCode());
        pushgateway.push(run.workspace(), run.runKey(), code);
        String problem = null;
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            String failure = RunOutcome.failure(execution.getExitStatus());
            String next = RunOutcome.nextStep(execution.getExitStatus());
            err.println("tagsync: run " + execution.getJobInstance().getInstanceId() + " "
                    + execution.getStatus().toString().toLowerCase() + ": " + failure);
            err.println("tagsync: " + next);
            problem = failure + ". Next: " + next;
        }
        notifier.announce(run, execution, code, problem, reportDir(execution));
        return code;
    }

    /**
     * Starts or restarts the run. A process that lost the run to this one (its lock was dropped and taken here) may
     * record its execution's end, {@code UNKNOWN}, after this one recovered it and before the restart: this process
     * holds the run's lock, so that end is stale, and the restart goes on from the requests' statuses.
     */
    private JobExecution start(JobParameters parameters) throws Exception {
        try {
            return jobOperator.start(tagsyncJob, parameters);
        } catch (JobRestartException refused) {
            JobExecution last = jobRepository.getLastJobExecution(TagsyncJobConfiguration.JOB_NAME, parameters);
            if (last == null || last.getStatus() != BatchStatus.UNKNOWN) {
                throw refused;
            }
            log.warn(
                    "Execution {} of run {} was recorded UNKNOWN by the process this one took the run over from; "
                            + "resuming from what its requests recorded",
                    last.getId(),
                    last.getJobInstance().getInstanceId());
            failUnknown(last);
            return jobOperator.start(tagsyncJob, parameters);
        }
    }

    /**
     * Marks an execution that ended {@code UNKNOWN}, and its steps left {@code UNKNOWN} or running, {@code FAILED},
     * so that it restarts. Spring Batch refuses to restart from {@code UNKNOWN} because a step's work may have been
     * half committed; tagsync's steps record each request's progress in a transaction of its own, so the requests'
     * rows say what was done and the restart goes on from them, as after a {@code kill -9}.
     */
    private JobExecution failUnknown(JobExecution last) {
        JobExecution execution = jobRepository.getJobExecution(last.getId());
        LocalDateTime now = LocalDateTime.now();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(ExitStatus.FAILED);
                if (step.getEndTime() == null) {
                    step.setEndTime(now);
                }
                jobRepository.update(step);
            }
        }
        execution.setStatus(BatchStatus.FAILED);
        execution.setExitStatus(ExitStatus.FAILED);
        if (execution.getEndTime() == null) {
            execution.setEndTime(now);
        }
        jobRepository.update(execution);
        return jobRepository.getJobExecution(execution.getId());
    }

    /** Why the run must not restart on this input, or null when the input is what was staged. */
    private String inputChange(JobExecution last, RunParameters run) {
        StepExecution stage = jobRepository.getLastStepExecution(last.getJobInstance(), Steps.STAGE);
        if (stage == null || stage.getStatus() != BatchStatus.COMPLETED) {
            return null; // nothing staged yet: staging will read the input as it is now
        }
        String staged = last.getExecutionContext().getString(StepResults.FINGERPRINT, null);
        if (staged == null) {
            return null;
        }
        String now;
        try {
            now = InputReader.of(run.input(), s3::objects, input).fingerprint().toString();
        } catch (InputException e) {
            now = "unreadable: " + e.getMessage();
        }
        if (staged.equals(now)) {
            return null;
        }
        long instance = last.getJobInstance().getInstanceId();
        return "the input changed since run " + instance + " staged it (then "
                + InputFingerprint.parse(staged).describe()
                + "; now "
                + (now.startsWith("unreadable")
                        ? now
                        : InputFingerprint.parse(now).describe()) + "). "
                + "Restarting would send what was staged from the old input. To apply the input as it is now, start "
                + "a new run: add --run-key=" + run.runKey() + "-2 (or another new key).";
    }

    private static String reportDir(JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            String dir = step.getExecutionContext().getString(ReportTasklet.REPORT_DIR, null);
            if (dir != null) {
                return dir;
            }
        }
        return null;
    }

    private void printSavedSummary(JobExecution execution, PrintStream out) {
        for (StepExecution step : execution.getStepExecutions()) {
            String dir = step.getExecutionContext().getString(ReportTasklet.REPORT_DIR, null);
            if (dir != null) {
                try {
                    out.print(Files.readString(Path.of(dir, "summary.txt")));
                } catch (IOException e) {
                    out.println("Reports: " + dir);
                }
            }
        }
    }
}
