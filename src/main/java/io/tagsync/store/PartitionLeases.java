package io.tagsync.store;

import io.tagsync.run.Fence;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which worker holds each part of a remote run ({@code partition_lease}), and the heartbeats that keep a hold
 * alive. A worker takes a part only when nobody holds it or its holder has been silent for longer than the worker
 * timeout; every take, release and revocation moves the lease to a new generation, so a holder that lost its part
 * finds its {@link Fence.Token} stale at its next heartbeat, send or record of a send. Times are the workers' clocks,
 * which need to agree to well within the timeout (NTP does). Thread-safe.
 */
@Component
public class PartitionLeases {

    /** A part's lease: its holder ({@code ""} when free), the step execution it was last taken for, its last beat. */
    public record Lease(
            long instanceId,
            int part,
            long stepExecutionId,
            String partition,
            String worker,
            long generation,
            Instant heartbeatAt) {

        public boolean free() {
            return worker.isEmpty();
        }
    }

    private final JdbcTemplate jdbc;

    public PartitionLeases(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the part for {@code worker} to run step execution {@code stepExecutionId}: the lease's new token if it
     * was free or its holder silent for longer than {@code timeout}; empty while a live holder has it.
     */
    public Optional<Fence.Token> take(
            long instanceId, int part, long stepExecutionId, String partition, String worker, Duration timeout) {
        Instant now = Instant.now();
        try {
            jdbc.update("""
                    INSERT INTO partition_lease
                        (job_instance_id, part, step_execution_id, partition_name, worker, generation, heartbeat_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?)""", instanceId, part, stepExecutionId, partition, worker, Timestamp.from(now));
            return Optional.of(new Fence.Token(instanceId, part, worker, 1));
        } catch (DuplicateKeyException held) {
            Optional<Lease> lease = lease(instanceId, part);
            if (lease.isEmpty()) {
                return Optional.empty(); // gone in between: the caller tries again
            }
            long generation = lease.get().generation();
            int taken = jdbc.update(
                    """
                    UPDATE partition_lease
                    SET worker = ?, step_execution_id = ?, partition_name = ?, generation = ?, heartbeat_at = ?
                    WHERE job_instance_id = ? AND part = ? AND generation = ? AND (worker = '' OR heartbeat_at < ?)""",
                    worker,
                    stepExecutionId,
                    partition,
                    generation + 1,
                    Timestamp.from(now),
                    instanceId,
                    part,
                    generation,
                    Timestamp.from(now.minus(timeout)));
            return taken == 1
                    ? Optional.of(new Fence.Token(instanceId, part, worker, generation + 1))
                    : Optional.empty();
        }
    }

    /** Says the holder is alive; false when the lease has moved on from {@code token}. */
    public boolean renew(Fence.Token token) {
        return jdbc.update(
                        """
                        UPDATE partition_lease SET heartbeat_at = ?
                        WHERE job_instance_id = ? AND part = ? AND worker = ? AND generation = ?""",
                        Timestamp.from(Instant.now()),
                        token.instanceId(),
                        token.part(),
                        token.worker(),
                        token.generation())
                == 1;
    }

    /** Gives the part up (it ended, or is handed back): free for the next taker at once. */
    public boolean release(Fence.Token token) {
        return jdbc.update(
                        """
                        UPDATE partition_lease SET worker = '', generation = generation + 1, heartbeat_at = ?
                        WHERE job_instance_id = ? AND part = ? AND worker = ? AND generation = ?""",
                        Timestamp.from(Instant.now()),
                        token.instanceId(),
                        token.part(),
                        token.worker(),
                        token.generation())
                == 1;
    }

    /**
     * The manager's take-back of a part whose holder has been silent for longer than {@code timeout}: true if this
     * call revoked it (a holder that beat in the meantime keeps it).
     */
    public boolean revoke(Lease lease, Duration timeout) {
        Instant now = Instant.now();
        return jdbc.update(
                        """
                        UPDATE partition_lease SET worker = '', generation = generation + 1, heartbeat_at = ?
                        WHERE job_instance_id = ? AND part = ? AND worker = ? AND generation = ?
                          AND heartbeat_at < ?""",
                        Timestamp.from(now),
                        lease.instanceId(),
                        lease.part(),
                        lease.worker(),
                        lease.generation(),
                        Timestamp.from(now.minus(timeout)))
                == 1;
    }

    public Optional<Lease> lease(long instanceId, int part) {
        return jdbc.query("""
                        SELECT job_instance_id, part, step_execution_id, partition_name, worker, generation, heartbeat_at
                        FROM partition_lease WHERE job_instance_id = ? AND part = ?""", (rs, i) -> lease(rs), instanceId, part).stream().findFirst();
    }

    /** Every part's lease of a run, held or free. */
    public List<Lease> of(long instanceId) {
        return jdbc.query("""
                SELECT job_instance_id, part, step_execution_id, partition_name, worker, generation, heartbeat_at
                FROM partition_lease WHERE job_instance_id = ? ORDER BY part""", (rs, i) -> lease(rs), instanceId);
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(
                rs.getLong(1),
                rs.getInt(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getTimestamp(7).toInstant());
    }
}
