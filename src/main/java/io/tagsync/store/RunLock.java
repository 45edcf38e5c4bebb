package io.tagsync.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof that this process is the one working on a run: a row of {@code run_lock} held by
 * {@code SELECT ... FOR UPDATE NOWAIT} in a transaction left open on a connection of its own. The database
 * releases it when the connection ends — on {@link #close()}, or when the process dies, however it dies —
 * so an execution left {@code STARTED} by a killed process can be told from one that is still running,
 * without guessing from timestamps. Works alike on H2 and PostgreSQL. Thread-safe.
 */
public final class RunLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLock.class);

    private final DataSource dataSource;
    private final String hash;
    private Connection connection;
    private boolean closed;

    private RunLock(DataSource dataSource, String hash, Connection connection) {
        this.dataSource = dataSource;
        this.hash = hash;
        this.connection = connection;
    }

    /** The lock, or empty when another live process holds it. */
    public static Optional<RunLock> tryAcquire(DataSource dataSource, String runIdentity) throws SQLException {
        String hash = hash(runIdentity);
        return lock(dataSource, hash).map(connection -> new RunLock(dataSource, hash, connection));
    }

    /**
     * Takes the lock again if the database dropped it with this process's connection (a database restart, a
     * failover), so that a process started for the same run from now on is refused. One started while the
     * database was away may have taken it: that is logged, and the two finish the run between them, sending
     * at most some requests twice.
     */
    public synchronized void retake() {
        if (closed) {
            return;
        }
        try {
            if (connection.isValid(5)) {
                return;
            }
        } catch (SQLException invalid) {
            // taken again below
        }
        release();
        try {
            Optional<Connection> again = lock(dataSource, hash);
            if (again.isPresent()) {
                connection = again.get();
                log.info("The run's lock, dropped with the database connection, is held again");
            } else {
                closed = true; // said once; the other process holds it now
                log.warn("Another tagsync process took this run's lock while the job repository was out of reach; "
                        + "both work on the run now, and some requests may be sent twice");
            }
        } catch (SQLException | RuntimeException e) {
            if (!RepositoryOutages.unreachable(e)) {
                log.warn("Cannot take the run's lock again: {}", e.getMessage());
            } // else the database is still away: the next check tries again
        }
    }

    private static Optional<Connection> lock(DataSource dataSource, String hash) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO run_lock (run_hash, created_at) SELECT ?, ? WHERE NOT EXISTS "
                            + "(SELECT 1 FROM run_lock WHERE run_hash = ?)")) {
                insert.setString(1, hash);
                insert.setTimestamp(2, Timestamp.from(Instant.now()));
                insert.setString(3, hash);
                insert.executeUpdate();
            } catch (SQLException raced) {
                // another process inserted the same row at the same moment; the row exists either way
            }
            connection.setAutoCommit(false);
            try (PreparedStatement lock =
                    connection.prepareStatement("SELECT run_hash FROM run_lock WHERE run_hash = ? FOR UPDATE NOWAIT")) {
                lock.setString(1, hash);
                lock.executeQuery().close();
            } catch (SQLException held) {
                connection.rollback();
                connection.close();
                return Optional.empty();
            }
            return Optional.of(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        release();
    }

    private void release() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is going away; so is the lock
        }
        try {
            connection.setAutoCommit(true);
            connection.close();
        } catch (SQLException ignored) {
            // as above
        }
    }

    private static String hash(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
