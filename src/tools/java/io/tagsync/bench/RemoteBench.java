package io.tagsync.bench;

import com.rabbitmq.client.ConnectionFactory;
import io.tagsync.run.Steps;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Remote partitions, measured: a manager and {@code workers} worker JVMs on the PostgreSQL server at 127.0.0.1:5432
 * (database {@code test}, a schema per run) and RabbitMQ at 127.0.0.1:5672 (a queue per run), against a sandbox with
 * 100 ms of latency a call. The figure is the requests sent per second of the submit and await steps, as the
 * repository times them.
 */
final class RemoteBench {

    private static final String SERVER =
            System.getProperty("tagsync.bench.postgres-url", "jdbc:postgresql://127.0.0.1:5432/test");

    private final Path work;
    private final List<String> launcher;
    private final List<String> jvm;
    private int runs;

    RemoteBench(Path work, List<String> launcher, List<String> jvm) {
        this.work = work;
        this.launcher = launcher;
        this.jvm = jvm;
    }

    /** Which server is missing, or null when both answer. */
    String missingServers() {
        URI server = URI.create(SERVER.substring("jdbc:".length()));
        for (var entry : List.of(
                new InetSocketAddress(server.getHost(), server.getPort()), new InetSocketAddress("127.0.0.1", 5672))) {
            try (Socket socket = new Socket()) {
                socket.connect(entry, 2000);
            } catch (IOException e) {
                return (entry.getPort() == 5672 ? "RabbitMQ" : "PostgreSQL") + " does not answer at " + entry;
            }
        }
        return null;
    }

    double requestsPerSecond(Path input, int workers, int concurrency) throws Exception {
        String name = "tagsync_bench_" + Long.toHexString(System.nanoTime()) + "_" + (++runs);
        String queue = name.replace('_', '.');
        String key = UUID.randomUUID().toString();
        execute(SERVER, "CREATE SCHEMA " + name);
        List<String> shared = List.of(
                "--spring.datasource.url=" + SERVER + "?currentSchema=" + name,
                "--spring.datasource.username=postgres",
                "--spring.flyway.schemas=" + name,
                "--tagsync.partition.queue=" + queue);
        List<Process> started = new ArrayList<>();
        ImageStore store = new ImageStore();
        SandboxSettings settings = new SandboxSettings()
                .workspace("bench")
                .apiKey(key)
                .openStore(true)
                .latencyMillis(100)
                .taskMillis(300, 1000);
        try (SandboxServer sandbox = SandboxServer.start(settings, store, 0)) {
            for (int i = 1; i <= workers; i++) {
                List<String> arguments = new ArrayList<>(List.of("worker"));
                arguments.addAll(shared);
                Path log = work.resolve(name + "-worker-" + i + ".log");
                started.add(start(arguments, key, log));
                awaitLog(log, "worker listening");
            }
            List<String> arguments = new ArrayList<>(List.of(
                    "run",
                    "--remote",
                    "--input=" + input,
                    "--workspace=bench",
                    "--run-key=" + name,
                    "--api-url=" + sandbox.url(),
                    "--concurrency=" + concurrency,
                    "--tagsync.partition.count=8",
                    "--report-dir=" + work.resolve("reports").resolve(name),
                    "--tagsync.staging.spill-dir=" + work.resolve("spill")));
            arguments.addAll(shared);
            Path log = work.resolve(name + "-manager.log");
            Process manager = start(arguments, key, log);
            started.add(manager);
            if (!manager.waitFor(30, TimeUnit.MINUTES) || manager.exitValue() != 0) {
                throw new IllegalStateException("the remote run " + name + " did not end well; see " + log);
            }
            double seconds = sendingSeconds(SERVER + "?currentSchema=" + name);
            return sandbox.stats().acceptedBatches() / seconds;
        } finally {
            for (Process process : started) {
                process.destroyForcibly().waitFor();
            }
            execute(SERVER, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
            ConnectionFactory rabbit = new ConnectionFactory();
            rabbit.setHost("127.0.0.1");
            try (var connection = rabbit.newConnection();
                    var channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        }
    }

    private Process start(List<String> arguments, String key, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsun.net.httpserver.nodelay=true"));
        command.addAll(jvm);
        command.addAll(launcher);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(work.toFile());
        builder.environment().put("ROBOFLOW_API_KEY", key);
        return builder.start();
    }

    private static void awaitLog(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no '" + text + "' in " + log);
            }
            Thread.sleep(100);
        }
    }

    /** The submit and await steps' time: the job's less the stage and report steps'. */
    private static double sendingSeconds(String url) throws SQLException {
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT MIN(START_TIME), MAX(END_TIME) FROM BATCH_STEP_EXECUTION "
                        + "WHERE STEP_NAME IN ('" + Steps.SUBMIT + "', '" + Steps.AWAIT + "')")) {
            rows.next();
            return Duration.between(
                                    rows.getTimestamp(1).toInstant(),
                                    rows.getTimestamp(2).toInstant())
                            .toNanos()
                    / 1e9;
        }
    }

    private static void execute(String url, String statement) throws SQLException {
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
                Statement sql = db.createStatement()) {
            sql.execute(statement);
        }
    }
}
