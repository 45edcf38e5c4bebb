package io.tagsync.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.ConnectionFactory;
import io.tagsync.job.GeneratedInput;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Remote partitions on the real servers: PostgreSQL at 127.0.0.1:5432 (a schema of its own) and RabbitMQ at
 * 127.0.0.1:5672 (a queue of its own), a manager and two worker JVMs. The worker that holds a partition is killed
 * with {@code kill -9}, paused with SIGSTOP past its lease, or sent SIGTERM; the run must still end exact, with every
 * partition {@code COMPLETED} and no more requests sent twice than the worker had in flight (none after SIGTERM).
 * Each test writes its row of the table to {@code target/reliability-remote/results-*.md}. With {@code CI=true} an unreachable server fails the test;
 * elsewhere it is skipped with a message.
 */
@Tag("reliability")
class RemotePartitionsTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String KEY = "rp-live-" + Long.toHexString(new Random().nextLong());
    private static final String WORKSPACE = "acme-vision";
    private static final int CONCURRENCY = 2;
    private static final Path WORK = Path.of("target", "reliability-remote").toAbsolutePath();

    private final String suffix = Long.toHexString(System.nanoTime());
    private final String schema = "tagsync_remote_" + suffix;
    private final String queue = "tagsync.test." + suffix;
    private final List<JobProcess> processes = new ArrayList<>();
    private SandboxServer sandbox;

    @BeforeEach
    void servers() throws IOException {
        requireReachable("PostgreSQL", 5432);
        requireReachable("RabbitMQ", 5672);
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("cannot create a schema on " + SERVER + ": " + e.getMessage());
        }
        Files.createDirectories(WORK);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (JobProcess process : processes) {
            if (process.isAlive()) {
                process.kill();
            }
        }
        if (sandbox != null) {
            sandbox.close();
        }
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (var connection = factory.newConnection();
                var channel = connection.createChannel()) {
            channel.queueDelete(queue);
        }
    }

    /** A remote run under way: the sandbox, two workers and the manager, and the worker that holds a partition. */
    private record Remote(
            GeneratedInput input,
            ImageStore store,
            JobProcess manager,
            JobProcess holder,
            JobProcess other,
            long acceptedAtHolding,
            long started) {}

    /** Starts two workers and a manager; returns once a worker holds a partition and a request was accepted. */
    private Remote startRemoteRun(String name) throws Exception {
        Path input = WORK.resolve(name + "-" + suffix + ".csv");
        GeneratedInput generated = GeneratedInput.write(input, 20_000, 1, 1, 17);
        ImageStore store = new ImageStore();
        store.seed(generated.imageIds);
        sandbox = SandboxServer.start(
                new SandboxSettings()
                        .workspace(WORKSPACE)
                        .apiKey(KEY)
                        .latencyMillis(400)
                        .taskMillis(300, 1000),
                store,
                0);
        long started = System.nanoTime();
        JobProcess first = start(name + "-worker-1", List.of("worker"));
        JobProcess second = start(name + "-worker-2", List.of("worker"));
        assertThat(first.awaitLog("worker listening", Duration.ofSeconds(60))).isTrue();
        assertThat(second.awaitLog("worker listening", Duration.ofSeconds(60))).isTrue();

        JobProcess manager = start(
                name + "-manager",
                List.of(
                        "run",
                        "--remote",
                        "--input=" + input,
                        "--workspace=" + WORKSPACE,
                        "--run-key=remote",
                        "--api-url=" + sandbox.url(),
                        "--concurrency=" + CONCURRENCY,
                        "--report-dir=" + WORK.resolve("reports-" + suffix)));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String holder = null;
        while (holder == null && System.nanoTime() < deadline && manager.isAlive()) {
            if (sandbox.stats().acceptedBatches() >= 1) {
                holder = query("SELECT MIN(worker) FROM partition_lease WHERE worker <> ''", String.class);
            }
            Thread.sleep(20);
        }
        assertThat(holder).as("a worker took a partition").isNotNull();
        long pid = Long.parseLong(holder.substring(holder.lastIndexOf(':') + 1));
        JobProcess victim = first.pid() == pid ? first : second;
        assertThat(victim.pid()).isEqualTo(pid);
        return new Remote(
                generated,
                store,
                manager,
                victim,
                victim == first ? second : first,
                sandbox.stats().acceptedBatches(),
                started);
    }

    /** The run ended exact, every partition completed; returns the requests the sandbox accepted twice. */
    private long assertExact(Remote remote) throws Exception {
        int exit = remote.manager().await(Duration.ofSeconds(180));
        assertThat(exit).as("the manager's exit code").isZero();
        for (String id : remote.input().imageIds) {
            ImageStore.Image image = remote.store().image(id).orElseThrow();
            var expected = remote.input().expected.get(id);
            assertThat(image.metadata()).as(id).isEqualTo(expected.metadata());
            assertThat(image.tags()).as(id).isEqualTo(expected.tags());
        }
        long partitions = query("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '%:%'", Long.class);
        long completedPartitions = query(
                "SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '%:%' AND STATUS = 'COMPLETED'",
                Long.class);
        assertThat(completedPartitions)
                .as("every partition COMPLETED")
                .isEqualTo(partitions)
                .isPositive();
        try (var files = Files.list(WORK)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as("the key in " + file).doesNotContain(KEY);
            }
        }
        long completedRequests = query("SELECT COUNT(*) FROM batch_request WHERE status = 'COMPLETED'", Long.class);
        return sandbox.stats().acceptedBatches() - completedRequests;
    }

    private static void result(String name, String row) throws IOException {
        Files.writeString(WORK.resolve("results-" + name + ".md"), row);
    }

    @Test
    void aWorkerKilledWhileItHoldsAPartitionCostsOnlyItsRequestsInFlight() throws Exception {
        Remote remote = startRemoteRun("kill");
        remote.holder().kill();
        long killedAt = System.nanoTime();

        long sentTwice = assertExact(remote);
        assertThat(sentTwice)
                .as("requests sent twice, at most the killed worker's requests in flight")
                .isBetween(0L, (long) CONCURRENCY);
        result(
                "1-kill",
                String.format(
                        "| remote partitions: 2 workers on RabbitMQ + PostgreSQL, 20,000 rows, one worker killed with "
                                + "kill -9 holding a partition (%d accepted at the kill) | 1 | 1 | %d (window %d) | - | "
                                + "%.0f s (%.0f s after the kill) |%n",
                        remote.acceptedAtHolding(),
                        sentTwice,
                        CONCURRENCY,
                        (System.nanoTime() - remote.started()) / 1e9,
                        (System.nanoTime() - killedAt) / 1e9));
    }

    /**
     * A worker paused (SIGSTOP) past its lease: the manager revokes the lease and offers the partition again, the
     * other worker takes it over, and the paused one, resumed, sends and records nothing more for it.
     */
    @Test
    void aWorkerPausedPastItsLeaseSendsNothingMoreWhenItResumes() throws Exception {
        Remote remote = startRemoteRun("pause");
        remote.holder().pause();
        long pausedAt = System.nanoTime();
        long acceptedAtPause = sandbox.stats().acceptedBatches();
        assertThat(remote.manager().awaitLog("its lease is revoked", Duration.ofSeconds(30)))
                .as("the manager revokes the silent worker's lease")
                .isTrue();
        Thread.sleep(4_000); // the other worker takes the partition over while this one is still paused
        remote.holder().resume();
        double pausedSeconds = (System.nanoTime() - pausedAt) / 1e9;

        long sentTwice = assertExact(remote);
        String resumed = remote.holder().output();
        assertThat(resumed).contains("is no longer this worker's");
        long refusedRecords = resumed.lines()
                .filter(line -> line.contains("after its partition was no longer this worker's"))
                .count();
        assertThat(sentTwice)
                .as("requests sent twice: at most those the paused worker had in flight")
                .isBetween(0L, (long) CONCURRENCY);
        assertThat(remote.manager().output()).doesNotContain("taken for dead");
        assertThat(remote.other().output()).contains("runs partition");
        result(
                "2-pause",
                String.format(
                        "| remote partitions: a worker holding a partition paused with SIGSTOP for %.0f s (worker "
                                + "timeout 3 s; %d accepted at the pause), then resumed: its lease revoked, the "
                                + "partition taken over by the other worker; records refused after the resume: %d | 1 "
                                + "| 1 | %d (window %d) | - | %.0f s |%n",
                        pausedSeconds,
                        acceptedAtPause,
                        refusedRecords,
                        sentTwice,
                        CONCURRENCY,
                        (System.nanoTime() - remote.started()) / 1e9));
    }

    /**
     * SIGTERM to a worker with requests in flight: it stops sending, waits for the answers, records them, gives its
     * lease up and puts the partition back on the queue; the other worker ends the run without sending anything
     * twice.
     */
    @Test
    void sigtermToAWorkerHandsItsPartitionBackWithoutResends() throws Exception {
        Remote remote = startRemoteRun("sigterm");
        long signalled = System.nanoTime();
        int workerExit = remote.holder().terminate(Duration.ofSeconds(90));
        double stopSeconds = (System.nanoTime() - signalled) / 1e9;

        long sentTwice = assertExact(remote);
        assertThat(remote.holder().output()).contains("handed partition");
        assertThat(sentTwice).as("requests sent twice after a SIGTERM").isZero();
        result(
                "3-sigterm",
                String.format(
                        "| remote partitions: SIGTERM to a worker holding a partition (%d accepted at the signal): it "
                                + "recorded its requests in flight and handed the partition back in %.1f s (exit %d) "
                                + "| 1 | 1 | %d | - | %.0f s |%n",
                        remote.acceptedAtHolding(),
                        stopSeconds,
                        workerExit,
                        sentTwice,
                        (System.nanoTime() - remote.started()) / 1e9));
    }

    private JobProcess start(String name, List<String> command) throws IOException {
        List<String> arguments = new ArrayList<>(command);
        arguments.addAll(List.of(
                "--spring.datasource.url=" + SERVER + "?currentSchema=" + schema,
                "--spring.datasource.username=postgres",
                "--spring.flyway.schemas=" + schema,
                "--tagsync.partition.queue=" + queue,
                "--tagsync.partition.heartbeat=500ms",
                "--tagsync.partition.worker-timeout=3s",
                "--tagsync.api.initial-backoff=20ms",
                "--tagsync.api.max-backoff=200ms",
                "--tagsync.await.first-poll=200ms",
                "--tagsync.await.max-poll-interval=500ms",
                "--tagsync.await.task-timeout=10s"));
        JobProcess process = JobProcess.tagsync(WORK, KEY, WORK.resolve(name + "-" + suffix + ".log"), arguments);
        processes.add(process);
        return process;
    }

    private <T> T query(String sql, Class<T> type) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER + "?currentSchema=" + schema, "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, type);
        }
    }

    private static void requireReachable(String server, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        } catch (IOException e) {
            String message = server + " at 127.0.0.1:" + port + " is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message + "; start it to run this test");
        }
    }
}
