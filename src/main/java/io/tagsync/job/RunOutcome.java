package io.tagsync.job;

import io.tagsync.api.ApiException;
import io.tagsync.input.InputException;
import io.tagsync.reporting.ReportTasklet;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.Fence;
import io.tagsync.run.RunParameters;
import io.tagsync.staging.UpdateMerger;
import io.tagsync.store.RepositoryOutages;
import io.tagsync.submission.RejectLimitCheck;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.launch.support.ExitCodeMapper;
import org.springframework.batch.core.launch.support.SimpleJvmExitCodeMapper;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Decides, once, how a run ended: the job execution's exit status gets an exit code that {@link #EXIT_CODES} maps to
 * the process's, and, for a run that did not complete, a description of two lines: what went wrong, and the next step
 * that works for it. The launcher prints them, the webhook carries them, and {@code status} shows the exit code.
 */
public class RunOutcome implements JobExecutionListener {

    public static final String BAD_KEY = "BAD_KEY";
    public static final String NO_WORKSPACE = "NO_WORKSPACE";

    /** The process exit code of each exit status a run ends with (as the README's table gives them). */
    public static final ExitCodeMapper EXIT_CODES = exitCodes();

    static final String TAKEN_OVER = "leave the run to the process that took it over: this one stopped "
            + "sending, and that one finishes it (./run.sh status follows it).";

    private static final Logger log = LoggerFactory.getLogger(RunOutcome.class);
    private static final String RESUME = "run the same command again to resume where it stopped.";
    private static final String DISK_FULL_STEP = "free space on the disk the message names (or point "
            + "tagsync.staging.spill-dir, or the job repository, at a disk with room), then run the same command "
            + "again; it resumes where it stopped.";

    private static ExitCodeMapper exitCodes() {
        SimpleJvmExitCodeMapper mapper = new SimpleJvmExitCodeMapper();
        mapper.setMapping(Map.of(
                ExitStatus.COMPLETED.getExitCode(),
                ExitCodes.OK,
                ReportTasklet.COMPLETED_WITH_FAILURES,
                ExitCodes.PARTIAL,
                ExitStatus.FAILED.getExitCode(),
                ExitCodes.FAILED,
                ExitStatus.STOPPED.getExitCode(),
                ExitCodes.FAILED,
                ExitStatus.UNKNOWN.getExitCode(),
                ExitCodes.FAILED,
                BAD_KEY,
                ExitCodes.BAD_KEY,
                NO_WORKSPACE,
                ExitCodes.NO_WORKSPACE));
        return mapper;
    }

    @Override
    public void afterJob(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            for (StepExecution step : execution.getStepExecutions()) {
                if (step.getExitStatus().getExitCode().equals(ReportTasklet.COMPLETED_WITH_FAILURES)) {
                    execution.setExitStatus(step.getExitStatus());
                }
            }
            return;
        }
        RunParameters run = RunParameters.of(execution.getJobParameters());
        ApiException api = cause(execution, ApiException.class);
        String code = api == null
                ? execution.getStatus() == BatchStatus.STOPPED
                        ? ExitStatus.STOPPED.getExitCode()
                        : ExitStatus.FAILED.getExitCode()
                : switch (api.kind()) {
                    case AUTH -> BAD_KEY;
                    case NOT_FOUND -> NO_WORKSPACE;
                    default -> ExitStatus.FAILED.getExitCode();
                };
        execution.setExitStatus(new ExitStatus(code, failure(execution) + "\n" + nextStep(execution, run)));
    }

    /** What went wrong, from the exit status's description. */
    public static String failure(ExitStatus status) {
        String description = status.getExitDescription();
        int end = description.indexOf('\n');
        return end < 0 ? description : description.substring(0, end);
    }

    /** The next step that works, from the exit status's description. */
    public static String nextStep(ExitStatus status) {
        String description = status.getExitDescription();
        int end = description.indexOf('\n');
        return end < 0 ? RESUME : description.substring(end + 1);
    }

    private static String failure(JobExecution execution) {
        ApiException api = cause(execution, ApiException.class);
        if (api != null) {
            return switch (api.kind()) {
                case AUTH ->
                    "the API key was refused (" + api.getMessage() + "); it needs the image:tag scope of the workspace";
                case NOT_FOUND -> "workspace not found (" + api.getMessage() + ")";
                case PLAN_LIMIT -> "a plan limit was reached (" + api.getMessage() + ")";
                default -> api.getMessage();
            };
        }
        InputException input = cause(execution, InputException.class);
        if (input != null) {
            return input.getMessage();
        }
        RejectLimitCheck.RejectLimitExceededException rejects =
                cause(execution, RejectLimitCheck.RejectLimitExceededException.class);
        if (rejects != null) {
            return rejects.getMessage();
        }
        if (execution.getStatus() == BatchStatus.STOPPED) {
            return "stopped at a safe point";
        }
        Fence.LostException taken = cause(execution, Fence.LostException.class);
        if (taken != null) {
            return taken.getMessage();
        }
        // a step's own failure says more than the job's "Partition handler returned an unsuccessful step"
        Throwable shown = null;
        for (Throwable failure : execution.getAllFailureExceptions()) {
            if (shown == null || shown instanceof JobExecutionException) {
                shown = failure;
            }
        }
        for (StepExecution step : execution.getStepExecutions()) {
            for (Throwable failure : step.getFailureExceptions()) {
                if (shown == null || shown instanceof JobExecutionException) {
                    shown = failure;
                }
            }
        }
        if (shown != null) {
            log.error("Unexpected failure", shown);
            return String.valueOf(shown.getMessage());
        }
        return execution.getExitStatus().getExitDescription();
    }

    /** What to do about a run that did not complete, in words that work for that failure. */
    private static String nextStep(JobExecution execution, RunParameters run) {
        if (cause(execution, Fence.LostException.class) != null) {
            return TAKEN_OVER;
        }
        ApiException api = cause(execution, ApiException.class);
        if (api != null) {
            return switch (api.kind()) {
                case AUTH ->
                    "check the key: it must be the workspace's private API key with the image:tag scope; then run "
                            + "the same command again, and it resumes where it stopped.";
                case NOT_FOUND ->
                    "check --workspace=" + run.workspace() + " (the workspace's URL name) and --api-url, then run "
                            + "the command with the right ones.";
                case PLAN_LIMIT ->
                    "raise the workspace's plan limit or wait for it to reset, then run the same command again; it "
                            + "resumes where it stopped.";
                case NOT_THE_API ->
                    "check --api-url: it must be the API's own https URL, reached without a proxy that redirects or "
                            + "answers for it; then run the same command again, and it resumes where it stopped.";
                default -> RESUME;
            };
        }
        if (cause(execution, InputException.class) != null) {
            return "fix the input where the message says, then run the same command again: staging starts over on "
                    + "the fixed input.";
        }
        if (cause(execution, RejectLimitCheck.RejectLimitExceededException.class) != null) {
            return "rejects.csv lists the rejected rows: fix them and start a new run (add --run-key=" + run.runKey()
                    + "-2), or run the same command with a higher --max-rejects to send the valid rows.";
        }
        if (diskFull(execution.getAllFailureExceptions())
                || cause(execution, UpdateMerger.SpillSpaceException.class) != null) {
            return DISK_FULL_STEP;
        }
        if (cause(execution, RepositoryOutages.RepositoryUnreachableException.class) != null) {
            return "when the job repository answers again (see spring.datasource.url), run the same command again; "
                    + "it resumes where it stopped.";
        }
        return RESUME;
    }

    /**
     * The next step after a launch the job repository could not record the start or the end of: the run resumes from
     * what its requests recorded.
     */
    public static String nextStepAfterLaunch(Throwable failure, boolean takenOver) {
        if (diskFull(java.util.List.of(failure))) {
            return "free space on the job repository's disk (the folder of spring.datasource.url; data/ by "
                    + "default), then run the same command again; it resumes where it stopped.";
        }
        if (takenOver) {
            return TAKEN_OVER;
        }
        if (repositoryFailure(failure)) {
            return "when the job repository works again, run the same command again; it resumes where it stopped.";
        }
        return "correct what the message says, then run the command again.";
    }

    private static boolean repositoryFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessException || t instanceof TransactionException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean diskFull(Iterable<? extends Throwable> failures) {
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (String.valueOf(t.getMessage()).contains("No space left on device")) {
                    return true;
                }
            }
        }
        return false;
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
}
