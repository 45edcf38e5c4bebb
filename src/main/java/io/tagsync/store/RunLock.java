package io.tagsync.store;

import io.tagsync.run.Fence;
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
import org.springframework.dao.DataAccessResourceFailureException;

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
    private static final long CONFIRM_AFTER_NANOS = 1_000_000_000L;

    private Connection connection;
    private volatile boolean closed;
    private volatile boolean lost;
    private volatile long confirmedAt = System.nanoTime();

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
     * Checks the lock every so often (a database restart drops it with this process's connection), taking it again
     * when it was dropped; an outage is waited out by the next check.
     */
    public void retake() {
        try {
            confirm();
        } catch (RuntimeException e) {
            if (!RepositoryOutages.unreachable(e)) {
                log.warn("Cannot take the run's lock again: {}", e.getMessage());
            } // else the database is still away: the next check tries again
        }
    }

    /**
     * True while this process holds the lock, taking it again if the database dropped it with this process's
     * connection; false, from then on, once another process took it meanwhile (one started while the database
     * restarted). Throws a failure that {@link RepositoryOutages#unreachable} recognises while the database is away.
     */
    public synchronized boolean confirm() {
        if (lost || closed) {
            return !lost;
        }
        long asked = System.nanoTime();
        try {
            if (connection.isValid(5)) {
                confirmedAt = asked;
                return true;
            }
        } catch (SQLException invalid) {
            // taken again below
        }
        release();
        Optional<Connection> again;
        try {
            again = lock(dataSource, hash);
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot take the run's lock again: " + e.getMessage(), e);
        }
        if (again.isPresent()) {
            connection = again.get();
            confirmedAt = asked;
            log.info("The run's lock, dropped with the database connection, is held again");
            return true;
        }
        lost = true;
        log.warn("Another tagsync process took this run's lock while the job repository was out of reach; this "
                + "process sends nothing more and leaves the run to it");
        return false;
    }

    /**
     * The fence of the run's own process: a send goes out only if the lock was confirmed less than a second before,
     * so that once another process has taken the run over (the database dropped this one's lock, and the other was
     * started before it was taken again), this one sends nothing more. Waits out an outage of the repository.
     */
    public Fence fence(RepositoryOutages outages) {
        return new Fence() {
            @Override
            public void hold() {
                if (!lost && System.nanoTime() - confirmedAt > CONFIRM_AFTER_NANOS) {
                    synchronized (RunLock.this) {
                        if (!lost && System.nanoTime() - confirmedAt > CONFIRM_AFTER_NANOS) {
                            outages.rideOutsideTransactions("confirming the run's lock", RunLock.this::confirm);
                        }
                    }
                }
                if (lost) {
                    throw new LostException("another tagsync process took this run over while the job repository was "
                            + "out of reach (the database dropped this process's lock with its connection)");
                }
            }

            @Override
            public boolean lost() {
                return lost;
            }
        };
    }

    /** True once another process took the lock: this process no longer works on the run. */
    public boolean lost() {
        return lost;
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
