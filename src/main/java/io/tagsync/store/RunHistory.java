package io.tagsync.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What the job repository knows of past and current runs, read for {@code status}: Spring Batch's tables and
 * tagsync's together. Read-only; thread-safe.
 */
@Repository
public class RunHistory {

    private final JdbcTemplate jdbc;

    public RunHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record RunLine(
            long run,
            long execution,
            String runKey,
            String workspace,
            String input,
            boolean dryRun,
            String status,
            String exitCode,
            Instant started,
            Instant ended,
            long requests,
            long pending,
            long submitted,
            long completed,
            long failed,
            long rejected) {}

    public record RequestLine(
            int seq,
            String status,
            int updates,
            String taskId,
            int attempts,
            Instant submittedAt,
            Instant finishedAt,
            Integer succeeded,
            Integer failed,
            String error) {}

    /** One execution of a run. */
    public record Execution(long execution, String status, String exitCode, Instant started, Instant ended) {}

    /**
     * A partition of a run's submit or await step, in its latest step execution: its status, its requests still
     * open, and the worker holding it with its last heartbeat (remote runs only).
     */
    public record PartitionLine(
            String partition,
            String status,
            Instant started,
            Instant ended,
            long openRequests,
            String worker,
            Instant heartbeat) {}

    /** The last execution of each of the most recent runs, newest first, with their requests by status. */
    public List<RunLine> recentRuns(int limit, String workspace) {
        return jdbc
                .query(
                        """
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
                        (rs, n) -> new RunLine(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getString(9),
                                rs.getLong(10) > 0,
                                rs.getString(3),
                                rs.getString(4),
                                instant(rs.getTimestamp(5)),
                                instant(rs.getTimestamp(6)),
                                rs.getLong(11),
                                rs.getLong(12),
                                rs.getLong(13),
                                rs.getLong(14),
                                rs.getLong(15),
                                rs.getLong(16)),
                        limit)
                .stream()
                .filter(run -> workspace == null || workspace.equals(run.workspace()))
                .toList();
    }

    public List<Execution> executions(long runId) {
        return jdbc.query(
                """
                SELECT JOB_EXECUTION_ID, STATUS, EXIT_CODE, START_TIME, END_TIME FROM BATCH_JOB_EXECUTION
                WHERE JOB_INSTANCE_ID = ? ORDER BY JOB_EXECUTION_ID""",
                (rs, n) -> new Execution(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        instant(rs.getTimestamp(4)),
                        instant(rs.getTimestamp(5))),
                runId);
    }

    public List<PartitionLine> partitions(long runId) {
        return jdbc.query(
                """
                SELECT s.STEP_NAME, s.STATUS, s.START_TIME, s.END_TIME,
                       (SELECT COUNT(*) FROM batch_request r WHERE r.job_instance_id = e.JOB_INSTANCE_ID
                          AND r.part = CAST(SUBSTRING(s.STEP_NAME, POSITION(':part' IN s.STEP_NAME) + 5) AS INT)
                          AND r.status IN ('PENDING', 'SUBMITTED')),
                       l.worker, l.heartbeat_at
                FROM BATCH_STEP_EXECUTION s
                JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                LEFT JOIN partition_lease l ON l.step_execution_id = s.STEP_EXECUTION_ID AND l.worker <> ''
                WHERE e.JOB_INSTANCE_ID = ? AND s.STEP_NAME LIKE '%:part%'
                  AND s.STEP_EXECUTION_ID = (SELECT MAX(t.STEP_EXECUTION_ID) FROM BATCH_STEP_EXECUTION t
                    JOIN BATCH_JOB_EXECUTION f ON f.JOB_EXECUTION_ID = t.JOB_EXECUTION_ID
                    WHERE f.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID AND t.STEP_NAME = s.STEP_NAME)
                ORDER BY s.STEP_EXECUTION_ID""",
                (rs, n) -> new PartitionLine(
                        rs.getString(1),
                        rs.getString(2),
                        instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4)),
                        rs.getLong(5),
                        rs.getString(6),
                        instant(rs.getTimestamp(7))),
                runId);
    }

    public Map<String, Long> requestsByStatus(long runId) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (RequestStatus status : RequestStatus.values()) {
            byStatus.put(
                    status.name(),
                    jdbc.queryForObject(
                            "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status = ?",
                            Long.class,
                            runId,
                            status.name()));
        }
        return byStatus;
    }

    /** The first 50 requests not completed. */
    public List<RequestLine> openRequests(long runId) {
        return jdbc.query(
                """
                SELECT seq, status, update_count, task_id, attempts, submitted_at, finished_at, succeeded, failed, error
                FROM batch_request WHERE job_instance_id = ? AND status IN ('PENDING', 'SUBMITTED', 'FAILED', 'REFUSED')
                ORDER BY seq FETCH FIRST 50 ROWS ONLY""",
                (rs, n) -> new RequestLine(
                        rs.getInt(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getInt(5),
                        instant(rs.getTimestamp(6)),
                        instant(rs.getTimestamp(7)),
                        (Integer) rs.getObject(8),
                        (Integer) rs.getObject(9),
                        rs.getString(10)),
                runId);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
