package io.tagsync.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which worker holds each partition of a remote run ({@code partition_lease}), and the heartbeats that keep a hold
 * alive. A worker takes a partition only when nobody holds it or its holder has been silent for longer than the
 * worker timeout; a holder that finds its lease taken knows it was given up for dead. Times are the workers' clocks,
 * which need to agree to well within the timeout (NTP does). Thread-safe.
 */
@Component
public class PartitionLeases {

    /** A partition's holder and its last heartbeat. */
    public record Lease(long stepExecutionId, String partition, String worker, Instant heartbeatAt) {}

    private final JdbcTemplate jdbc;

    public PartitionLeases(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes the partition for {@code worker}: true if it was free, already this worker's, or its holder silent. */
    public boolean take(long stepExecutionId, long instanceId, String partition, String worker, Duration timeout) {
        Instant now = Instant.now();
        try {
            jdbc.update("""
                    INSERT INTO partition_lease (step_execution_id, job_instance_id, partition_name, worker, heartbeat_at)
                    VALUES (?, ?, ?, ?, ?)""", stepExecutionId, instanceId, partition, worker, Timestamp.from(now));
            return true;
        } catch (DuplicateKeyException held) {
            return jdbc.update(
                            """
                            UPDATE partition_lease SET worker = ?, heartbeat_at = ?
                            WHERE step_execution_id = ? AND (worker = ? OR heartbeat_at < ?)""",
                            worker,
                            Timestamp.from(now),
                            stepExecutionId,
                            worker,
                            Timestamp.from(now.minus(timeout)))
                    == 1;
        }
    }

    /** Says the worker is alive; false when the lease is no longer this worker's. */
    public boolean beat(long stepExecutionId, String worker) {
        return jdbc.update(
                        "UPDATE partition_lease SET heartbeat_at = ? WHERE step_execution_id = ? AND worker = ?",
                        Timestamp.from(Instant.now()),
                        stepExecutionId,
                        worker)
                == 1;
    }

    public void release(long stepExecutionId, String worker) {
        jdbc.update("DELETE FROM partition_lease WHERE step_execution_id = ? AND worker = ?", stepExecutionId, worker);
    }

    public List<Lease> of(long instanceId) {
        return jdbc.query(
                """
                SELECT step_execution_id, partition_name, worker, heartbeat_at FROM partition_lease
                WHERE job_instance_id = ? ORDER BY partition_name""",
                (rs, i) -> new Lease(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()),
                instanceId);
    }
}
