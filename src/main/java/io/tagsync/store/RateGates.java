package io.tagsync.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The 429 gates of remote runs ({@code rate_gate}): until when each run's workers must not send. Thread-safe. */
@Component
public class RateGates {

    private final JdbcTemplate jdbc;

    public RateGates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Closes the run's gate until {@code openAt}, unless it is closed for longer already. */
    public void closeUntil(long instanceId, Instant openAt) {
        Timestamp until = Timestamp.from(openAt);
        if (jdbc.update(
                        "UPDATE rate_gate SET open_at = ? WHERE job_instance_id = ? AND open_at < ?",
                        until,
                        instanceId,
                        until)
                == 0) {
            jdbc.update("""
                    INSERT INTO rate_gate (job_instance_id, open_at)
                    SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM rate_gate WHERE job_instance_id = ?)""", instanceId, until, instanceId);
        }
    }

    /** The runs' gates that are closed now, and until when. */
    public Map<Long, Instant> closed(Collection<Long> instanceIds) {
        Map<Long, Instant> closed = new HashMap<>();
        if (instanceIds.isEmpty()) {
            return closed;
        }
        String marks = String.join(", ", instanceIds.stream().map(id -> "?").toList());
        Object[] arguments = instanceIds.toArray();
        jdbc.query(
                "SELECT job_instance_id, open_at FROM rate_gate WHERE job_instance_id IN (" + marks + ")",
                rs -> {
                    Instant openAt = rs.getTimestamp(2).toInstant();
                    if (openAt.isAfter(Instant.now())) {
                        closed.put(rs.getLong(1), openAt);
                    }
                },
                arguments);
        return closed;
    }
}
