package io.tagsync.cli;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tagsync.reporting.ReportTasklet;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
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

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final JdbcTemplate jdbc;
    private final JobRepository jobRepository;

    public StatusCommand(JdbcTemplate jdbc, JobRepository jobRepository) {
        this.jdbc = jdbc;
        this.jobRepository = jobRepository;
    }

    public record RunLine(long run, long execution, String runKey, String workspace, String input, boolean dryRun,
            String status, String exitCode, Instant started, Instant ended, long requests, long pending, long submitted,
            long completed, long failed, long rejected) {
    }

    public record RequestLine(int seq, String status, int updates, String taskId, int attempts, Instant submittedAt,
            Instant finishedAt, Integer succeeded, Integer failed, String error) {
    }

    public record RunDetail(RunLine run, List<Map<String, Object>> executions, Map<String, Long> requestsByStatus,
            List<RequestLine> openRequests, String reportDir) {
    }

    public List<RunLine> recentRuns(int limit, String workspace) {
        return jdbc.query("""
                SELECT i.JOB_INSTANCE_ID, e.JOB_EXECUTION_ID, e.STATUS, e.EXIT_CODE, e.START_TIME, e.END_TIME,
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'runKey'),
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'workspace'),
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'input'),
                  (SELECT COUNT(*) FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'dryRun'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID AND r.status <> 'SPLIT'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID AND r.status = 'PENDING'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID AND r.status = 'SUBMITTED'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID AND r.status = 'COMPLETED'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID AND r.status IN ('FAILED', 'REFUSED')),
                  (SELECT COUNT(*) FROM rejected_row j WHERE j.job_instance_id = i.JOB_INSTANCE_ID)
                FROM BATCH_JOB_INSTANCE i
                JOIN BATCH_JOB_EXECUTION e ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID
                WHERE e.JOB_EXECUTION_ID = (SELECT MAX(x.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION x
                                            WHERE x.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID)
                ORDER BY i.JOB_INSTANCE_ID DESC
                FETCH FIRST ? ROWS ONLY""",
                (rs, n) -> new RunLine(rs.getLong(1), rs.getLong(2), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getLong(10) > 0, rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5)),
                        instant(rs.getTimestamp(6)), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14),
                        rs.getLong(15), rs.getLong(16)),
                limit).stream().filter(run -> workspace == null || workspace.equals(run.workspace())).toList();
    }

    public RunDetail detail(long runId) {
        RunLine run = recentRuns(Integer.MAX_VALUE, null).stream().filter(line -> line.run() == runId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in the job repository"));
        List<Map<String, Object>> executions = jdbc.query("""
                SELECT JOB_EXECUTION_ID, STATUS, EXIT_CODE, START_TIME, END_TIME FROM BATCH_JOB_EXECUTION
                WHERE JOB_INSTANCE_ID = ? ORDER BY JOB_EXECUTION_ID""", (rs, n) -> {
            Map<String, Object> execution = new LinkedHashMap<>();
            execution.put("execution", rs.getLong(1));
            execution.put("status", rs.getString(2));
            execution.put("exitCode", rs.getString(3));
            execution.put("started", instant(rs.getTimestamp(4)));
            execution.put("ended", instant(rs.getTimestamp(5)));
            return execution;
        }, runId);
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (String status : List.of("PENDING", "SUBMITTED", "COMPLETED", "FAILED", "REFUSED", "SPLIT")) {
            byStatus.put(status, jdbc.queryForObject(
                    "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status = ?", Long.class, runId, status));
        }
        List<RequestLine> open = jdbc.query("""
                SELECT seq, status, update_count, task_id, attempts, submitted_at, finished_at, succeeded, failed, error
                FROM batch_request WHERE job_instance_id = ? AND status IN ('PENDING', 'SUBMITTED', 'FAILED', 'REFUSED')
                ORDER BY seq FETCH FIRST 50 ROWS ONLY""",
                (rs, n) -> new RequestLine(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                        instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), (Integer) rs.getObject(8),
                        (Integer) rs.getObject(9), rs.getString(10)),
                runId);
        StepExecution report = jobRepository.getLastStepExecution(jobRepository.getJobInstance(runId), "report");
        String reportDir = report == null ? null : report.getExecutionContext().getString(ReportTasklet.REPORT_DIR, null);
        return new RunDetail(run, executions, byStatus, open, reportDir);
    }

    public int printRuns(PrintStream out, int limit, String workspace, boolean json) throws Exception {
        List<RunLine> runs = recentRuns(limit, workspace);
        if (json) {
            out.println(JSON.writeValueAsString(runs));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            out.println("No runs yet.");
            return ExitCodes.OK;
        }
        TextTable table = new TextTable("RUN", "RUN KEY", "WORKSPACE", "STATE", "STARTED", "DURATION", "REQUESTS",
                "PENDING", "SUBMITTED", "COMPLETED", "FAILED", "REJECTED", "INPUT").rightAlign(0, 5, 6, 7, 8, 9, 10, 11);
        for (RunLine run : runs) {
            table.add(run.run(), run.runKey() + (run.dryRun() ? " (dry run)" : ""), run.workspace(), state(run),
                    run.started() == null ? null : run.started().toString().replace('T', ' ').substring(0, 19),
                    duration(run), run.requests(), run.pending(), run.submitted(), run.completed(), run.failed(),
                    run.rejected(), run.input());
        }
        table.print(out);
        return ExitCodes.OK;
    }

    /** Runs whose last execution did not complete, as {@code input TAB run key} lines, oldest first. */
    public int printUnfinished(PrintStream out, String workspace) {
        List<RunLine> runs = recentRuns(50, workspace);
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
        out.printf("Run %d%s: %s, workspace %s, run key %s%n", run.run(), run.dryRun() ? " (dry run)" : "", state(run),
                run.workspace(), run.runKey());
        out.printf("  input      %s%n", run.input());
        out.printf("  requests   %s%n", String.join(", ", detail.requestsByStatus().entrySet().stream()
                .map(entry -> entry.getValue() + " " + entry.getKey().toLowerCase()).toList()));
        out.printf("  rejected   %d rows%n", run.rejected());
        out.printf("  reports    %s%n", detail.reportDir() == null ? "(not written yet)" : detail.reportDir());
        out.println("  executions");
        for (Map<String, Object> execution : detail.executions()) {
            out.printf("    %-6s %-10s %-24s started %s%n", execution.get("execution"), execution.get("status"),
                    execution.get("exitCode"), execution.get("started"));
        }
        if (!detail.openRequests().isEmpty()) {
            out.println("  requests not completed (first 50)");
            TextTable table = new TextTable("SEQ", "STATUS", "UPDATES", "ATTEMPTS", "TASK", "SUBMITTED", "ERROR")
                    .rightAlign(0, 2, 3);
            for (RequestLine request : detail.openRequests()) {
                table.add(request.seq(), request.status(), request.updates(), request.attempts(), request.taskId(),
                        request.submittedAt(), request.error());
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
        long seconds = Duration.between(run.started(), run.ended() == null ? Instant.now() : run.ended()).toSeconds();
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
