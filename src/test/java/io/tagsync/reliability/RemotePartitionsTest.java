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
 * 127.0.0.1:5672 (a queue of its own), a manager and two worker JVMs. One worker is killed with {@code kill -9} while
 * it holds a partition; the run must still end exact, with every partition {@code COMPLETED} and no more requests
 * sent twice than the killed worker had in flight. With {@code CI=true} an unreachable server fails the test;
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

    @Test
    void aWorkerKilledWhileItHoldsAPartitionCostsOnlyItsRequestsInFlight() throws Exception {
        Path input = WORK.resolve("remote-" + suffix + ".csv");
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
        JobProcess first = start("worker-1", List.of("worker"));
        JobProcess second = start("worker-2", List.of("worker"));
        assertThat(first.awaitLog("worker listening", Duration.ofSeconds(60))).isTrue();
        assertThat(second.awaitLog("worker listening", Duration.ofSeconds(60))).isTrue();

        JobProcess manager = start(
                "manager",
                List.of(
                        "run",
                        "--remote",
                        "--input=" + input,
                        "--workspace=" + WORKSPACE,
                        "--run-key=remote",
                        "--api-url=" + sandbox.url(),
                        "--concurrency=" + CONCURRENCY,
                        "--report-dir=" + WORK.resolve("reports-" + suffix)));

        // kill -9 the worker that holds a partition, once it has had a request accepted
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String holder = null;
        while (holder == null && System.nanoTime() < deadline && manager.isAlive()) {
            if (sandbox.stats().acceptedBatches() >= 1) {
                holder = query("SELECT MIN(worker) FROM partition_lease", String.class);
            }
            Thread.sleep(20);
        }
        assertThat(holder).as("a worker took a partition").isNotNull();
        long pid = Long.parseLong(holder.substring(holder.lastIndexOf(':') + 1));
        JobProcess victim = first.pid() == pid ? first : second;
        assertThat(victim.pid()).isEqualTo(pid);
        long acceptedAtKill = sandbox.stats().acceptedBatches();
        victim.kill();
        long killedAt = System.nanoTime();

        int exit = manager.await(Duration.ofSeconds(180));
        double runSeconds = (System.nanoTime() - started) / 1e9;
        double afterKill = (System.nanoTime() - killedAt) / 1e9;

        assertThat(exit).as("the manager's exit code").isZero();
        for (String id : generated.imageIds) {
            ImageStore.Image image = store.image(id).orElseThrow();
            var expected = generated.expected.get(id);
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
        long completedRequests = query("SELECT COUNT(*) FROM batch_request WHERE status = 'COMPLETED'", Long.class);
        long sentTwice = sandbox.stats().acceptedBatches() - completedRequests;
        assertThat(sentTwice)
                .as("requests sent twice, at most the killed worker's requests in flight")
                .isBetween(0L, (long) CONCURRENCY);
        try (var files = Files.list(WORK)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as("the key in " + file).doesNotContain(KEY);
            }
        }
        String row = String.format(
                "| remote partitions: 2 workers on RabbitMQ + PostgreSQL, 20,000 rows, one worker killed with kill -9 "
                        + "holding a partition (%d accepted at the kill) | 1 | 1 | %d (window %d) | - | %.0f s (%.0f s "
                        + "after the kill) |%n",
                acceptedAtKill, sentTwice, CONCURRENCY, runSeconds, afterKill);
        Files.writeString(WORK.resolve("results.md"), row);
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
