package io.tagsync.store;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.LimitHistory;
import io.tagsync.run.RunParameters;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where each process's adaptive concurrency limit moved during a run ({@code concurrency_sample}), and where the next
 * run against the same API starts from. Thread-safe.
 */
@Component
public class ConcurrencyHistory implements LimitHistory {

    /** History older than this is not used: the API, or the workspace's plan, may have changed since. */
    static final Duration FORGET_AFTER = Duration.ofDays(30);
    /** A start learned from history halves with every week since, down to {@link #FIRST_START}. */
    static final Duration HALF_LIFE = Duration.ofDays(7);

    private final JdbcTemplate jdbc;
    private final RepositoryOutages outages;

    public ConcurrencyHistory(JdbcTemplate jdbc, RepositoryOutages outages) {
        this.jdbc = jdbc;
        this.outages = outages;
    }

    public void append(long instanceId, String process, List<ConcurrencyPoint> points) {
        if (points.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(points.size());
        for (ConcurrencyPoint point : points) {
            rows.add(new Object[] {instanceId, process, Timestamp.from(point.at()), point.calls()});
        }
        // a point written twice, by a commit whose answer an outage lost, only repeats a point of the chart
        outages.ride(
                "recording the concurrency limit",
                () -> jdbc.batchUpdate(
                        "INSERT INTO concurrency_sample (job_instance_id, process, at, calls) VALUES (?, ?, ?, ?)",
                        rows));
    }

    /**
     * Where the last run against the same base URL and workspace ended (its limit at the end, or the one it held for
     * half its time if that is higher; the highest of its processes), less as it ages: from a week on, halved with each week, but
     * not below {@link #FIRST_START} unless the server itself was smaller; after {@link #FORGET_AFTER} as a first run.
     */
    @Override
    public int start(RunParameters run) {
        Map<String, List<ConcurrencyPoint>> last = new LinkedHashMap<>();
        jdbc.query(
                """
                SELECT process, at, calls FROM concurrency_sample WHERE job_instance_id = (
                    SELECT s.job_instance_id FROM concurrency_sample s
                    JOIN BATCH_JOB_EXECUTION e ON e.JOB_INSTANCE_ID = s.job_instance_id
                    JOIN BATCH_JOB_EXECUTION_PARAMS u ON u.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                      AND u.PARAMETER_NAME = ? AND u.PARAMETER_VALUE = ?
                    JOIN BATCH_JOB_EXECUTION_PARAMS w ON w.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                      AND w.PARAMETER_NAME = ? AND w.PARAMETER_VALUE = ?
                    WHERE s.at > ?
                    ORDER BY s.at DESC FETCH FIRST 1 ROWS ONLY)
                ORDER BY at, process""",
                rs -> {
                    last.computeIfAbsent(rs.getString(1), key -> new ArrayList<>())
                            .add(new ConcurrencyPoint(rs.getTimestamp(2).toInstant(), rs.getInt(3)));
                },
                RunParameters.API_URL,
                run.apiUrl().toString(),
                RunParameters.WORKSPACE,
                run.workspace(),
                Timestamp.from(Instant.now().minus(FORGET_AFTER)));
        return start(run, last, Instant.now());
    }

    static int start(RunParameters run, Map<String, List<ConcurrencyPoint>> last, Instant now) {
        int first = NONE.start(run);
        if (last.isEmpty()) {
            return first;
        }
        int settled = 0;
        Instant ended = Instant.MIN;
        for (List<ConcurrencyPoint> points : last.values()) {
            // where it ended, unless it ended lower than it held most of the run (backing off at the very end)
            settled = Math.max(
                    settled,
                    Math.max(
                            ConcurrencyPoint.settled(points),
                            points.get(points.size() - 1).calls()));
            ended = ended.isAfter(points.get(points.size() - 1).at())
                    ? ended
                    : points.get(points.size() - 1).at();
        }
        Duration age = Duration.between(ended, now);
        if (age.compareTo(FORGET_AFTER) > 0) {
            return first;
        }
        double weeks = Math.max(0, age.toMillis() / (double) HALF_LIFE.toMillis() - 1);
        int decayed = (int) Math.round(settled / Math.pow(2, weeks));
        int start = settled < FIRST_START ? settled : Math.max(FIRST_START, decayed);
        return Math.max(1, Math.min(start, run.width()));
    }

    /** Each process's points, in time order. */
    public Map<String, List<ConcurrencyPoint>> read(long instanceId) {
        Map<String, List<ConcurrencyPoint>> byProcess = new LinkedHashMap<>();
        jdbc.query(
                "SELECT process, at, calls FROM concurrency_sample WHERE job_instance_id = ? ORDER BY at, process",
                rs -> {
                    byProcess
                            .computeIfAbsent(rs.getString(1), key -> new ArrayList<>())
                            .add(new ConcurrencyPoint(rs.getTimestamp(2).toInstant(), rs.getInt(3)));
                },
                instanceId);
        return byProcess;
    }
}
