package io.tagsync.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.api.ApiException;
import io.tagsync.input.InputException;
import io.tagsync.job.RunParameters;
import io.tagsync.job.TagsyncJobConfiguration;
import io.tagsync.reporting.ReportTasklet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
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

    public RunCommand(JobOperator jobOperator, JobRepository jobRepository, Job tagsyncJob, ApiClientFactory clients) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.tagsyncJob = tagsyncJob;
        this.clients = clients;
    }

    public int run(RunOptions options) {
        if (!clients.hasKey()) {
            System.err.println("tagsync: no API key: set ROBOFLOW_API_KEY (or tagsync.api.key-file)");
            return ExitCodes.BAD_KEY;
        }
        JobParameters parameters = RunParameters.toJobParameters(options.input().toString(), options.workspace(),
                options.runKey(), options.apiUrl(), options.concurrency(), options.reportDir());
        JobExecution last = jobRepository.getLastJobExecution(TagsyncJobConfiguration.JOB_NAME, parameters);
        if (last != null) {
            if (last.getStatus().isRunning()) {
                System.err.println("tagsync: run " + last.getJobInstance().getInstanceId() + " (input " + options.input()
                        + ", workspace " + options.workspace() + ", run key " + options.runKey()
                        + ") is already running as execution " + last.getId() + ", started " + last.getStartTime());
                return ExitCodes.FAILED;
            }
            if (last.getStatus() == BatchStatus.COMPLETED) {
                System.out.println("Run " + last.getJobInstance().getInstanceId() + " (run key " + options.runKey()
                        + ") already completed; use another --run-key to apply the input again.");
                printSavedSummary(last);
                return exitCode(last);
            }
            log.info("Restarting run {} after execution {} ended {}", last.getJobInstance().getInstanceId(), last.getId(),
                    last.getStatus());
        }
        JobExecution execution;
        try {
            execution = jobOperator.start(tagsyncJob, parameters);
        } catch (Exception e) {
            System.err.println("tagsync: cannot start the run: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        int code = exitCode(execution);
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            System.err.println("tagsync: run " + execution.getJobInstance().getInstanceId() + " " + execution.getStatus()
                    .toString().toLowerCase() + ": " + failureMessage(execution));
            if (code == ExitCodes.FAILED) {
                System.err.println("tagsync: rerun the same command to resume where it stopped.");
            }
        }
        return code;
    }

    /** 0 or 4 for a completed run, otherwise by the failure's cause. */
    public static int exitCode(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            for (StepExecution step : execution.getStepExecutions()) {
                if (step.getStepName().equals("report")
                        && step.getExitStatus().getExitCode().equals(ReportTasklet.COMPLETED_WITH_FAILURES)) {
                    return ExitCodes.PARTIAL;
                }
            }
            return ExitCodes.OK;
        }
        ApiException api = cause(execution, ApiException.class);
        if (api != null && api.kind() == ApiException.Kind.AUTH) {
            return ExitCodes.BAD_KEY;
        }
        if (api != null && api.kind() == ApiException.Kind.NOT_FOUND) {
            return ExitCodes.NO_WORKSPACE;
        }
        return ExitCodes.FAILED;
    }

    private static String failureMessage(JobExecution execution) {
        ApiException api = cause(execution, ApiException.class);
        if (api != null) {
            return switch (api.kind()) {
                case AUTH -> "the API key was refused (" + api.getMessage()
                        + "); it needs the image:tag scope of the workspace";
                case NOT_FOUND -> "workspace not found (" + api.getMessage() + ")";
                case PLAN_LIMIT -> "a plan limit was reached (" + api.getMessage() + ")";
                default -> api.getMessage();
            };
        }
        InputException input = cause(execution, InputException.class);
        if (input != null) {
            return input.getMessage();
        }
        for (Throwable failure : execution.getAllFailureExceptions()) {
            log.error("Unexpected failure", failure);
            return String.valueOf(failure.getMessage());
        }
        return execution.getExitStatus().getExitDescription();
    }

    private static <T extends Throwable> T cause(JobExecution execution, Class<T> type) {
        for (Throwable failure : execution.getAllFailureExceptions()) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (type.isInstance(t)) {
                    return type.cast(t);
                }
            }
        }
        return null;
    }

    private void printSavedSummary(JobExecution last) {
        for (StepExecution step : last.getStepExecutions()) {
            String dir = step.getExecutionContext().getString(ReportTasklet.REPORT_DIR, null);
            if (dir != null) {
                try {
                    System.out.print(Files.readString(Path.of(dir, "summary.txt")));
                } catch (IOException e) {
                    System.out.println("Reports: " + dir);
                }
            }
        }
    }
}
