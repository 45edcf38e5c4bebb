package io.tagsync.cli;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** {@code status}: the recent runs, read from the job repository alone. */
@Component
public class StatusCommand {

    private final JdbcTemplate jdbc;

    public StatusCommand(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record RunLine(long run, long execution, String runKey, String workspace, String input, String status,
            String exitCode, Timestamp started, Timestamp ended, long requests, long pending, long submitted,
            long completed, long failed, long rejected) {
    }

    public List<RunLine> recentRuns(int limit) {
        return jdbc.query("""
                SELECT i.JOB_INSTANCE_ID, e.JOB_EXECUTION_ID, e.STATUS, e.EXIT_CODE, e.START_TIME, e.END_TIME,
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'runKey'),
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'workspace'),
                  (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                    WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'input'),
                  (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = i.JOB_INSTANCE_ID),
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
                        rs.getString(3), rs.getString(4), rs.getTimestamp(5), rs.getTimestamp(6), rs.getLong(10),
                        rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15)),
                limit);
    }

    public int print(PrintStream out, int limit) {
        List<RunLine> runs = recentRuns(limit);
        if (runs.isEmpty()) {
            out.println("No runs yet.");
            return ExitCodes.OK;
        }
        TextTable table = new TextTable("RUN", "RUN KEY", "WORKSPACE", "STATE", "STARTED", "DURATION", "REQUESTS",
                "PENDING", "SUBMITTED", "COMPLETED", "FAILED", "REJECTED", "INPUT").rightAlign(0, 5, 6, 7, 8, 9, 10, 11);
        for (RunLine run : runs) {
            String state = "COMPLETED".equals(run.status()) && !"COMPLETED".equals(run.exitCode())
                    ? run.exitCode() : run.status();
            String started = run.started() == null ? null : run.started().toLocalDateTime().withNano(0).toString();
            String duration = run.started() == null ? null : format(Duration.between(run.started().toInstant(),
                    run.ended() == null ? java.time.Instant.now() : run.ended().toInstant()));
            table.add(run.run(), run.runKey(), run.workspace(), state, started, duration, run.requests(), run.pending(),
                    run.submitted(), run.completed(), run.failed(), run.rejected(), run.input());
        }
        table.print(out);
        return ExitCodes.OK;
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
    }
}
