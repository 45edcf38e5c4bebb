package io.tagsync.store;

import io.tagsync.run.TagsyncProperties;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rides out a job repository that cannot be reached for a while (a database restart, a failover, a network
 * blip): an operation that fails because the database is out of reach is tried again, each time in a
 * transaction and on a connection of its own, with a pause that grows to 5 s, for up to
 * {@code tagsync.repository.outage-grace}; after that it fails with {@link RepositoryUnreachableException}.
 * Only operations that can be repeated safely go through here: reads, and writes that leave the same rows
 * however often they run (a commit whose answer was lost is then simply done again). Thread-safe: an outage
 * is logged once when it begins and once when it ends, however many threads wait on it.
 */
@Component
public class RepositoryOutages {

    private static final Logger log = LoggerFactory.getLogger(RepositoryOutages.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final TransactionTemplate ownTransaction;
    private final Duration grace;
    private final AtomicLong outageSince = new AtomicLong();

    @Autowired
    public RepositoryOutages(PlatformTransactionManager transactionManager, TagsyncProperties properties) {
        this(transactionManager, properties.repository().outageGrace());
    }

    public RepositoryOutages(PlatformTransactionManager transactionManager, Duration grace) {
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.grace = grace;
    }

    /** {@code operation}'s result, once the repository answers; {@code what} names it in the error. */
    public <T> T ride(String what, Supplier<T> operation) {
        return waitOut(what, () -> ownTransaction.execute(tx -> operation.get()));
    }

    /** As {@link #ride(String, Supplier)}, for an operation on a connection of its own: no transaction is begun. */
    public <T> T rideOutsideTransactions(String what, Supplier<T> operation) {
        return waitOut(what, operation);
    }

    private <T> T waitOut(String what, Supplier<T> operation) {
        long deadline = 0;
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                T result = operation.get();
                ended();
                return result;
            } catch (RuntimeException e) {
                if (!unreachable(e)) {
                    throw e;
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + grace.toNanos();
                }
                began(e);
                if (now - deadline > 0) {
                    throw new RepositoryUnreachableException(
                            "the job repository has been out of reach for " + grace.toSeconds() + " s (while " + what
                                    + "): " + rootMessage(e),
                            e);
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    public void ride(String what, Runnable operation) {
        ride(what, () -> {
            operation.run();
            return null;
        });
    }

    /** True when {@code failure} says the database could not be reached, not that the statement was wrong. */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RepositoryUnreachableException) {
                return false; // waited for already
            }
            if (String.valueOf(cause.getMessage()).contains("No space left on device")) {
                return false; // a full disk: H2 closed the database, and waiting does not free space
            }
            if (cause instanceof DataAccessResourceFailureException
                    || cause instanceof CannotCreateTransactionException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            // 08: connection exceptions; 57P01-57P03: the server is shutting down or starting up (PostgreSQL)
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private void began(RuntimeException e) {
        if (outageSince.compareAndSet(0, System.nanoTime())) {
            log.warn(
                    "The job repository is out of reach ({}); waiting for it for up to {} s",
                    rootMessage(e),
                    grace.toSeconds());
        }
    }

    private void ended() {
        long since = outageSince.get();
        if (since != 0 && outageSince.compareAndSet(since, 0)) {
            log.info("The job repository answers again, after {} s", (System.nanoTime() - since) / 1_000_000_000);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RepositoryUnreachableException("interrupted while waiting for the job repository", null);
        }
    }

    /** The repository stayed out of reach for longer than the grace. */
    public static final class RepositoryUnreachableException extends DataAccessResourceFailureException {
        public RepositoryUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
