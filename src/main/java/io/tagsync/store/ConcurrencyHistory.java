package io.tagsync.store;

import io.tagsync.run.ConcurrencyPoint;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Where each process's adaptive concurrency limit moved during a run ({@code concurrency_sample}). Thread-safe. */
@Component
public class ConcurrencyHistory {

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
