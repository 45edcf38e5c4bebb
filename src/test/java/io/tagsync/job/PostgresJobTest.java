package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.Fence;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import io.tagsync.store.ImageDigest;
import io.tagsync.store.Outcome;
import io.tagsync.store.RepositoryOutages;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.RunLock;
import io.tagsync.store.SyncState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole job and a restart on the PostgreSQL server at 127.0.0.1:5432 (database {@code test}), in a
 * schema of its own that the migrations create from nothing. With {@code CI=true} an unreachable server
 * fails the test; elsewhere it is skipped with a message.
 */
class PostgresJobTest extends JobTestSupport {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA = "tagsync_it_" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void createSchema() {
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + SERVER + " is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message + "; start it to run this test");
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> SERVER + "?currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
    }

    @Autowired
    private DataSource dataSource;

    @Autowired
    private RequestStore requestStore;

    @Autowired
    private SyncState syncState;

    @Test
    void runsAndRestartsOnPostgres() throws IOException {
        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class)).isEqualTo(SCHEMA);
        Path input = dir.resolve("pg.csv");
        GeneratedInput generated = GeneratedInput.write(input, 3_000, 1, 4, 3);
        store.seed(generated.imageIds);
        sandbox.settings().outageAfterBatches(1);

        assertThat(run(input, "pg")).isEqualTo(ExitCodes.FAILED);
        sandbox.settings().outage(false);
        assertThat(run(input, "pg")).isEqualTo(ExitCodes.OK);

        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(3);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        long instance = instanceOf(input, "pg");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM batch_request WHERE job_instance_id = ? AND status = 'COMPLETED'",
                        Long.class,
                        instance))
                .isEqualTo(3);
    }

    @Test
    void aChangedOnlyRunOnPostgresSendsOnlyWhatTheLastRunsDidNotApply() throws IOException {
        Path input = dir.resolve("pg-sync.csv");
        GeneratedInput generated = GeneratedInput.write(input, 3_000, 1, 4, 3);
        store.seed(generated.imageIds);
        RunParameters run = new RunParameters(input, WORKSPACE, "pg-sync-1", sandbox.url(), 4, reportDir("pg-sync-1"))
                .withSync(SyncMode.CHANGED_ONLY);
        assertThat(runCommand.run(run)).isEqualTo(ExitCodes.OK);
        long batches = sandbox.stats().acceptedBatches();
        long tracked = jdbc.queryForObject(
                "SELECT COUNT(*) FROM synced_image i JOIN sync_scope s ON s.id = i.scope_id WHERE s.api_url = ?",
                Long.class,
                sandbox.url().toString());
        assertThat(tracked).isEqualTo(generated.expected.size());

        RunParameters again = new RunParameters(input, WORKSPACE, "pg-sync-2", sandbox.url(), 4, reportDir("pg-sync-2"))
                .withSync(SyncMode.CHANGED_ONLY);
        assertThat(runCommand.run(again)).isEqualTo(ExitCodes.OK);

        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(batches);
        assertThat(Files.readString(reportDir("pg-sync-2").resolve("summary.txt")))
                .contains(tracked + " images unchanged since run " + instanceOf(input, "pg-sync-1"));
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    /**
     * Two runs of one workspace that confirm the same image at once: the second's insert meets the first's row once
     * that commits, and its outcomes are recorded again, replacing it, rather than failing the run.
     */
    @Test
    void anImageTwoRunsConfirmAtOnceIsRecordedByTheLastWithoutAFailure() throws Exception {
        long scope = syncState.scope(URI.create("http://race.example"), WORKSPACE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            try (Statement insert = first.createStatement()) {
                insert.executeUpdate(
                        "INSERT INTO synced_image VALUES (" + scope + ", 'race-img', 1, 2, 99, CURRENT_TIMESTAMP)");
            }
            Future<?> second = other.submit(() -> requestStore.finish(
                    777,
                    List.of(new Outcome(-1, RequestStatus.COMPLETED, null, List.of())),
                    new RequestStore.Applied(
                            scope, List.of(new SyncState.AppliedImage("race-img", new ImageDigest(3, 4))))));
            Thread.sleep(500);
            assertThat(second).as("waiting on the first run's row").isNotDone();
            first.commit();
            second.get(30, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertThat(
                        jdbc.queryForMap(
                                "SELECT digest_high, digest_low, applied_instance FROM synced_image WHERE image_id = 'race-img'"))
                .containsEntry("digest_high", 3L)
                .containsEntry("digest_low", 4L)
                .containsEntry("applied_instance", 777L);
    }

    /** A database restart ends the lock's connection, and the lock with it; the run takes it again. */
    @Test
    void aRunLockThatTheDatabaseDroppedIsTakenAgain() throws SQLException {
        try (RunLock held = RunLock.tryAcquire(dataSource, "restart-lock").orElseThrow()) {
            terminateLockBackends();
            Optional<RunLock> meanwhile = RunLock.tryAcquire(dataSource, "restart-lock");
            assertThat(meanwhile).as("dropped with the connection").isPresent();
            meanwhile.get().close();

            held.retake();

            assertThat(RunLock.tryAcquire(dataSource, "restart-lock"))
                    .as("held again")
                    .isEmpty();
            assertThat(held.lost()).isFalse();
        }
        Optional<RunLock> after = RunLock.tryAcquire(dataSource, "restart-lock");
        assertThat(after).isPresent();
        after.get().close();
    }

    /**
     * A process started for the same run while the database had dropped the first one's lock takes the run over; the
     * first, before its next send, finds the lock taken and sends nothing more.
     */
    @Test
    void aProcessWhoseDroppedLockAnotherTookSendsNothingMore() throws Exception {
        RepositoryOutages outages =
                new RepositoryOutages(new DataSourceTransactionManager(dataSource), Duration.ofSeconds(5));
        try (RunLock first = RunLock.tryAcquire(dataSource, "taken-lock").orElseThrow()) {
            Fence fence = first.fence(outages);
            fence.hold();
            terminateLockBackends();
            try (RunLock second = RunLock.tryAcquire(dataSource, "taken-lock").orElseThrow()) {
                Thread.sleep(1_100); // the fence confirms a lock older than a second before a send
                assertThatThrownBy(fence::hold)
                        .isInstanceOf(Fence.LostException.class)
                        .hasMessageContaining("took this run over");
                assertThat(first.lost()).isTrue();
                assertThat(fence.lost()).isTrue();
                assertThat(second.fence(outages).lost()).isFalse();
            }
        }
    }

    /** Ends the backends that hold run locks, as a database restart would, and waits until they have exited. */
    private static void terminateLockBackends() throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER, "postgres", "");
                Statement statement = admin.createStatement()) {
            List<Integer> backends = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("""
                    SELECT pid FROM pg_stat_activity
                    WHERE state = 'idle in transaction' AND query LIKE '%FROM run_lock%FOR UPDATE NOWAIT%'""")) {
                while (rows.next()) {
                    backends.add(rows.getInt(1));
                }
            }
            assertThat(backends).as("the lock's backend").isNotEmpty();
            for (int pid : backends) {
                statement.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            // pg_terminate_backend only signals the backend: its locks go when it has exited
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String alive = "SELECT count(*) FROM pg_stat_activity WHERE pid IN ("
                    + backends.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
            while (true) {
                try (ResultSet rows = statement.executeQuery(alive)) {
                    rows.next();
                    if (rows.getInt(1) == 0) {
                        break;
                    }
                }
                assertThat(System.nanoTime()).as("the backend exits").isLessThan(deadline);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
