package io.tagsync.cli;

import io.tagsync.reporting.ReportTasklet;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.Steps;
import io.tagsync.store.RunHistory;
import io.tagsync.store.RunHistory.Execution;
import io.tagsync.store.RunHistory.PartitionLine;
import io.tagsync.store.RunHistory.RequestLine;
import io.tagsync.store.RunHistory.RunLine;
import io.tagsync.store.SyncState;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code status}: what the job repository knows of recent runs ({@code status}), of one run
 * ({@code status --run=ID}), or which runs did not complete ({@code status --unfinished}); {@code --json} for
 * machines. Reads the repository only.
 */
@Component
public class StatusCommand {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final RunHistory history;
    private final JobRepository jobRepository;
    private final SyncState sync;

    public StatusCommand(RunHistory history, JobRepository jobRepository, SyncState sync) {
        this.history = history;
        this.jobRepository = jobRepository;
        this.sync = sync;
    }

    public record RunDetail(
            RunLine run,
            List<Execution> executions,
            Map<String, Long> requestsByStatus,
            List<RequestLine> openRequests,
            List<PartitionLine> partitions,
            String reportDir) {}

    public RunDetail detail(long runId) {
        RunLine run = history.recentRuns(Integer.MAX_VALUE, null).stream()
                .filter(line -> line.run() == runId)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in the job repository"));
        StepExecution report = jobRepository.getLastStepExecution(jobRepository.getJobInstance(runId), Steps.REPORT);
        String reportDir =
                report == null ? null : report.getExecutionContext().getString(ReportTasklet.REPORT_DIR, null);
        return new RunDetail(
                run,
                history.executions(runId),
                history.requestsByStatus(runId),
                history.openRequests(runId),
                history.partitions(runId),
                reportDir);
    }

    public int printRuns(PrintStream out, int limit, String workspace, boolean json) throws Exception {
        List<RunLine> runs = history.recentRuns(limit, workspace);
        if (json) {
            out.println(JSON.writeValueAsString(runs));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            out.println("No runs yet.");
            return ExitCodes.OK;
        }
        TextTable table = new TextTable(
                        "RUN",
                        "RUN KEY",
                        "WORKSPACE",
                        "STATE",
                        "STARTED",
                        "DURATION",
                        "REQUESTS",
                        "PENDING",
                        "SUBMITTED",
                        "COMPLETED",
                        "FAILED",
                        "REJECTED",
                        "INPUT")
                .rightAlign(0, 5, 6, 7, 8, 9, 10, 11);
        for (RunLine run : runs) {
            table.add(
                    run.run(),
                    run.runKey() + (run.dryRun() ? " (dry run)" : ""),
                    run.workspace(),
                    state(run),
                    run.started() == null
                            ? null
                            : run.started().toString().replace('T', ' ').substring(0, 19),
                    duration(run),
                    run.requests(),
                    run.pending(),
                    run.submitted(),
                    run.completed(),
                    run.failed(),
                    run.rejected(),
                    run.input());
        }
        table.print(out);
        printTracked(out, workspace);
        return ExitCodes.OK;
    }

    /** The images each workspace's --changed-only runs track, when any do. */
    private void printTracked(PrintStream out, String workspace) {
        List<SyncState.Tracked> tracked = sync.tracked().stream()
                .filter(scope -> workspace == null || scope.workspace().equals(workspace))
                .toList();
        if (tracked.isEmpty()) {
            return;
        }
        out.println();
        out.println("Images whose last confirmed update --changed-only runs compare with:");
        TextTable table = new TextTable("WORKSPACE", "IMAGES", "LAST FULL SEND", "API").rightAlign(1);
        for (SyncState.Tracked scope : tracked) {
            table.add(
                    scope.workspace(),
                    scope.images(),
                    scope.lastFull() == null
                            ? "never"
                            : scope.lastFull().toString().replace('T', ' ').substring(0, 19),
                    scope.apiUrl());
        }
        table.print(out);
    }

    /** Runs whose last execution did not complete, as {@code input TAB run key} lines, oldest first. */
    public int printUnfinished(PrintStream out, String workspace) {
        List<RunLine> runs = history.recentRuns(50, workspace);
        for (int i = runs.size() - 1; i >= 0; i--) {
            RunLine run = runs.get(i);
            if (!run.dryRun() && !"COMPLETED".equals(run.status()) && !"ABANDONED".equals(run.status())) {
                out.println(run.input() + "\t" + run.runKey());
            }
        }
        return ExitCodes.OK;
    }

    public int printRun(PrintStream out, long runId, boolean json) throws Exception {
        RunDetail detail = detail(runId);
        if (json) {
            out.println(JSON.writeValueAsString(detail));
            return ExitCodes.OK;
        }
        RunLine run = detail.run();
        out.printf(
                "Run %d%s: %s, workspace %s, run key %s%n",
                run.run(), run.dryRun() ? " (dry run)" : "", state(run), run.workspace(), run.runKey());
        out.printf("  input      %s%n", run.input());
        out.printf(
                "  requests   %s%n",
                String.join(
                        ", ",
                        detail.requestsByStatus().entrySet().stream()
                                .map(entry ->
                                        entry.getValue() + " " + entry.getKey().toLowerCase())
                                .toList()));
        out.printf("  rejected   %d rows%n", run.rejected());
        out.printf("  reports    %s%n", detail.reportDir() == null ? "(not written yet)" : detail.reportDir());
        out.println("  executions");
        for (Execution execution : detail.executions()) {
            out.printf(
                    "    %-6s %-10s %-24s started %s%n",
                    execution.execution(), execution.status(), execution.exitCode(), execution.started());
        }
        if (!detail.partitions().isEmpty()) {
            out.println("  partitions");
            TextTable table =
                    new TextTable("PARTITION", "STATUS", "OPEN REQUESTS", "WORKER", "HEARTBEAT").rightAlign(2);
            for (PartitionLine partition : detail.partitions()) {
                table.add(
                        partition.partition(),
                        partition.status(),
                        partition.openRequests(),
                        partition.worker() == null
                                ? (partition.status().equals("STARTED") ? "this host" : null)
                                : partition.worker(),
                        partition.heartbeat() == null
                                ? null
                                : Duration.between(partition.heartbeat(), Instant.now())
                                                .toSeconds() + " s ago");
            }
            table.print(out);
        }
        if (!detail.openRequests().isEmpty()) {
            out.println("  requests not completed (first 50)");
            TextTable table = new TextTable("SEQ", "STATUS", "UPDATES", "ATTEMPTS", "TASK", "SUBMITTED", "ERROR")
                    .rightAlign(0, 2, 3);
            for (RequestLine request : detail.openRequests()) {
                table.add(
                        request.seq(),
                        request.status(),
                        request.updates(),
                        request.attempts(),
                        request.taskId(),
                        request.submittedAt(),
                        request.error());
            }
            table.print(out);
        }
        return ExitCodes.OK;
    }

    private static String state(RunLine run) {
        return "COMPLETED".equals(run.status()) && !"COMPLETED".equals(run.exitCode()) ? run.exitCode() : run.status();
    }

    private static String duration(RunLine run) {
        if (run.started() == null) {
            return null;
        }
        long seconds = Duration.between(run.started(), run.ended() == null ? Instant.now() : run.ended())
                .toSeconds();
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
    }
}
