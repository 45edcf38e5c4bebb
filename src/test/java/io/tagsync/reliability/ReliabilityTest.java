package io.tagsync.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tagsync.job.GeneratedInput;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The reliability suite: real processes killed with {@code kill -9} or stopped with SIGTERM at
 * chosen moments and rerun with the same command, against a sandbox that outlives them. Each scenario checks
 * the final image state against the input applied row by row, counts requests sent twice, and at the end
 * the API key is searched for in every log, report and the repository's files. Writes its table to
 * {@code target/reliability/results.md}. Run with {@code mvn test -Preliability}.
 */
@Tag("reliability")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTest {

    private static final String KEY = "rk-live-" + Long.toHexString(new Random().nextLong());
    private static final String WORKSPACE = "reliability";
    private static final int ROWS = 20_000;
    private static final int CONCURRENCY = 8;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);
    /** For a run whose tasks a test holds (SandboxSettings.holdTasks): they are not given up on meanwhile. */
    private static final List<String> HELD = List.of("--tagsync.await.task-timeout=120s");

    private static final Path WORK = Path.of("target", "reliability").toAbsolutePath();
    private static final List<String> RESULTS = new ArrayList<>();

    private static long seed = 1;

    /**
     * Where the processes keep the job repository: the default H2 file under the work folder, or a schema of
     * its own on the PostgreSQL at 127.0.0.1:5432.
     */
    private record Repository(String name, String url, String user, List<String> arguments) {

        static final Repository H2 = new Repository("H2", JobProcess.databaseUrl(WORK), "sa", List.of());

        static Repository postgres(String schema) {
            String url = POSTGRES + "?currentSchema=" + schema;
            return new Repository(
                    "PostgreSQL",
                    url,
                    "postgres",
                    List.of("--spring.datasource.url=" + url, "--spring.datasource.username=postgres"));
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, "");
        }
    }

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @BeforeAll
    static void clean() throws IOException {
        if (Files.exists(WORK)) {
            try (Stream<Path> files = Files.walk(WORK)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(WORK.resolve("logs"));
        RESULTS.add("| scenario | runs | exact runs | duplicate sends | retries (HTTP) | wall time |");
        RESULTS.add("|---|---|---|---|---|---|");
    }

    @AfterAll
    static void writeResults() throws IOException {
        Files.write(WORK.resolve("results.md"), RESULTS, StandardCharsets.UTF_8);
        System.out.println(String.join("\n", RESULTS));
    }

    private record Scenario(GeneratedInput input, SandboxServer sandbox, ImageStore store, Path file) {}

    private static Scenario scenario(String name, SandboxSettings settings) throws IOException {
        Path file = WORK.resolve(name + ".csv");
        GeneratedInput input = GeneratedInput.write(file, ROWS / 2, 1, 3, seed++);
        ImageStore store = new ImageStore();
        store.seed(input.imageIds);
        SandboxServer sandbox =
                SandboxServer.start(settings.workspace(WORKSPACE).apiKey(KEY), store, 0);
        return new Scenario(input, sandbox, store, file);
    }

    private static JobProcess start(Scenario scenario, String runKey, String logName) throws IOException {
        return start(scenario, runKey, logName, Repository.H2);
    }

    private static JobProcess start(Scenario scenario, String runKey, String logName, Repository repository)
            throws IOException {
        return start(scenario, runKey, logName, CONCURRENCY, repository.arguments());
    }

    private static JobProcess start(
            Scenario scenario, String runKey, String logName, int concurrency, List<String> extra) throws IOException {
        return JobProcess.start(
                WORK,
                scenario.file(),
                WORKSPACE,
                runKey,
                scenario.sandbox().url(),
                KEY,
                concurrency,
                WORK.resolve("logs").resolve(logName + ".log"),
                extra);
    }

    private static boolean exact(Scenario scenario) {
        for (String id : scenario.input().imageIds) {
            ImageStore.Image image = scenario.store().image(id).orElseThrow();
            var expected = scenario.input().expected.get(id);
            if (!image.metadata().equals(expected.metadata()) || !image.tags().equals(expected.tags())) {
                return false;
            }
        }
        return true;
    }

    /** Requests the sandbox accepted beyond one per request that finally completed. */
    private static long duplicateSends(Scenario scenario, String runKey) throws SQLException {
        return duplicateSends(scenario, runKey, Repository.H2);
    }

    private static long duplicateSends(Scenario scenario, String runKey, Repository repository) throws SQLException {
        long completed = query("""
                SELECT COUNT(*) FROM batch_request r WHERE r.status = 'COMPLETED' AND r.update_count > 1
                  AND r.job_instance_id = (SELECT MAX(e.JOB_INSTANCE_ID) FROM BATCH_JOB_EXECUTION e
                    JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                    WHERE p.PARAMETER_NAME = 'runKey' AND p.PARAMETER_VALUE = '""" + runKey + "')", repository);
        return scenario.sandbox().stats().acceptedBatches() - completed;
    }

    private static long query(String sql, Repository repository) throws SQLException {
        try (Connection connection = repository.connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String lastStatus(String runKey, Repository repository) throws SQLException {
        try (Connection connection = repository.connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("""
                     SELECT e.STATUS FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p
                       ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                     WHERE p.PARAMETER_NAME = 'runKey' AND p.PARAMETER_VALUE = '""" + runKey + """
                     ' ORDER BY e.JOB_EXECUTION_ID DESC FETCH FIRST 1 ROWS ONLY""")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    @Test
    @Order(1)
    void killNineAtTenMomentsThenRerun() throws Exception {
        killTrials("kill", Repository.H2);
    }

    /** The same trials with the repository on PostgreSQL; with {@code CI=true} an unreachable server fails. */
    @Test
    @Order(2)
    void killNineAtTenMomentsThenRerunOnPostgres() throws Exception {
        requirePostgres();
        String schema = createSchema();
        try {
            killTrials("pg-kill", Repository.postgres(schema));
        } finally {
            dropSchema(schema);
        }
    }

    private static void requirePostgres() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 2000);
        } catch (IOException e) {
            String message = "PostgreSQL at 127.0.0.1:5432 is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message + "; start it to run this test");
        }
    }

    private static String createSchema() throws SQLException {
        String schema = "tagsync_reliability_" + Long.toHexString(System.nanoTime());
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    private static void dropSchema(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private void killTrials(String name, Repository repository) throws Exception {
        String[] triggers = {
            "Staging",
            "Staging",
            "Staging",
            "Submitting",
            "Submitting",
            "Submitting",
            "Waiting for",
            "Waiting for",
            "Waiting for",
            "Submitting"
        };
        long[] maxDelays = {60, 150, 250, 100, 300, 600, 200, 900, 1600, 20};
        Random random = new Random(2026);
        int exactRuns = 0;
        long duplicates = 0;
        long maxDuplicates = 0;
        long started = System.nanoTime();
        List<String> notes = new ArrayList<>();
        for (int trial = 0; trial < triggers.length; trial++) {
            Scenario scenario = scenario(
                    name + "-" + trial, new SandboxSettings().latencyMillis(150).taskMillis(400, 2000));
            String runKey = name + "-" + trial;
            try (SandboxServer ignored = scenario.sandbox()) {
                JobProcess first = start(scenario, runKey, runKey + "-1", repository);
                assertThat(first.awaitLog(triggers[trial], RUN_LIMIT))
                        .as("trial %d reached %s", trial, triggers[trial])
                        .isTrue();
                Thread.sleep(random.nextLong(maxDelays[trial] + 1));
                boolean killed = first.isAlive();
                first.kill();
                String left = lastStatus(runKey, repository);
                int exit = start(scenario, runKey, runKey + "-2", repository).await(RUN_LIMIT);
                boolean exact = exact(scenario);
                long dup = duplicateSends(scenario, runKey, repository);
                notes.add(String.format(
                        "trial %d: killed after '%s' (+≤%d ms)%s, left %s; rerun exit %d, exact %s, " + "sent twice %d",
                        trial,
                        triggers[trial],
                        maxDelays[trial],
                        killed ? "" : " (already done)",
                        left,
                        exit,
                        exact,
                        dup));
                assertThat(exit).as(notes.get(notes.size() - 1)).isZero();
                assertThat(exact).as(notes.get(notes.size() - 1)).isTrue();
                assertThat(dup).as("sent twice, at most the in-flight window").isBetween(0L, (long) CONCURRENCY);
                exactRuns++;
                duplicates += dup;
                maxDuplicates = Math.max(maxDuplicates, dup);
            }
        }
        notes.forEach(System.out::println);
        Files.write(WORK.resolve(name + "-trials.txt"), notes);
        RESULTS.add(String.format(
                "| kill -9 at 10 moments (staging, submitting, polling), rerun; repository on %s | %d | %d | %d (max %d per kill, window %d) | - | %.0f s |",
                repository.name(),
                triggers.length,
                exactRuns,
                duplicates,
                maxDuplicates,
                CONCURRENCY,
                (System.nanoTime() - started) / 1e9));
    }

    @Test
    @Order(3)
    void faultMixCompletesUnattended() throws Exception {
        Scenario scenario = scenario(
                "faults",
                new SandboxSettings()
                        .taskMillis(200, 1000)
                        .rateLimitShare(0.10, 1)
                        .serverErrorShare(0.05)
                        .dropShare(0.02)
                        .taskFailureShare(0.05));
        long started = System.nanoTime();
        try (SandboxServer sandbox = scenario.sandbox()) {
            int exit = start(scenario, "faults", "faults").await(RUN_LIMIT);
            assertThat(exit).isZero();
            assertThat(exact(scenario)).isTrue();
            SandboxServer.Stats stats = sandbox.stats();
            String log = Files.readString(WORK.resolve("logs").resolve("faults.log"));
            RESULTS.add(String.format(
                    "| 10%% 429, 5%% 500, 2%% drops, 5%% failed tasks | 1 | 1 | - | %d API calls for %d requests, %d faults injected | %.0f s |",
                    stats.apiCalls(),
                    ROWS / 2 / 1000 + (ROWS / 2 % 1000 == 0 ? 0 : 1),
                    stats.faultsInjected(),
                    (System.nanoTime() - started) / 1e9));
            assertThat(log).contains("Submitted");
        }
    }

    @Test
    @Order(4)
    void faultMixInTheLeanShapeCompletesUnattended() throws Exception {
        Scenario scenario = scenario(
                "faults-lean",
                new SandboxSettings()
                        .taskMillis(200, 1000)
                        .shape(SandboxSettings.Shape.LEAN)
                        .htmlErrors(true)
                        .refuseDuplicateImages(true)
                        .rateLimitShare(0.10, 1)
                        .serverErrorShare(0.05)
                        .dropShare(0.02)
                        .taskFailureShare(0.05)
                        .noTaskIdShare(0.05)
                        .stuckNextTasks(1)
                        .unknownStatusNext(1, "cancelled"));
        long started = System.nanoTime();
        try (SandboxServer sandbox = scenario.sandbox()) {
            int exit = start(scenario, "faults-lean", "faults-lean").await(RUN_LIMIT);
            assertThat(exit).isZero();
            assertThat(exact(scenario)).isTrue();
            SandboxServer.Stats stats = sandbox.stats();
            RESULTS.add(String.format(
                    "| lean answers, HTML error pages: 10%% 429 (Retry-After dates), 5%% 5xx, 2%% drops, "
                            + "5%% failed tasks, 5%% 202s without a taskId, 1 stuck task, 1 cancelled task | 1 | 1 | - | %d API calls "
                            + "for %d requests, %d faults injected | %.0f s |",
                    stats.apiCalls(),
                    ROWS / 2 / 1000 + (ROWS / 2 % 1000 == 0 ? 0 : 1),
                    stats.faultsInjected(),
                    (System.nanoTime() - started) / 1e9));
        }
    }

    @Test
    @Order(5)
    void sigtermWhileSubmittingStopsAndRerunResumes() throws Exception {
        Scenario scenario =
                scenario("sigterm", new SandboxSettings().latencyMillis(300).taskMillis(300, 1000));
        long started = System.nanoTime();
        try (SandboxServer sandbox = scenario.sandbox()) {
            JobProcess first = start(scenario, "sigterm", "sigterm-1");
            assertThat(first.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            Thread.sleep(350);
            first.terminate(Duration.ofSeconds(60));
            String stopped = lastStatus("sigterm", Repository.H2);
            assertThat(stopped).isEqualTo("STOPPED");
            long acceptedAtStop = sandbox.stats().acceptedBatches();
            int exit = start(scenario, "sigterm", "sigterm-2").await(RUN_LIMIT);
            assertThat(exit).isZero();
            assertThat(exact(scenario)).isTrue();
            long dup = duplicateSends(scenario, "sigterm");
            assertThat(dup)
                    .as("a graceful stop records every acknowledged request")
                    .isZero();
            RESULTS.add(String.format(
                    "| SIGTERM while submitting (%d accepted at the stop, status %s), rerun | 1 | 1 | %d | - | %.0f s |",
                    acceptedAtStop, stopped, dup, (System.nanoTime() - started) / 1e9));
        }
    }

    @Test
    @Order(6)
    void aSecondLiveProcessOnTheSameRunIsRefused() throws Exception {
        Scenario scenario =
                scenario("twice", new SandboxSettings().latencyMillis(200).taskMillis(1000, 2000));
        try (SandboxServer sandbox = scenario.sandbox()) {
            // the first run's tasks are held until the second process has ended, so that the first is alive when
            // the second asks for the run, however slowly the second starts
            sandbox.settings().holdTasks(true);
            JobProcess first = start(scenario, "twice", "twice-1", CONCURRENCY, HELD);
            assertThat(first.awaitLog("Waiting for", RUN_LIMIT)).isTrue();
            int second = start(scenario, "twice", "twice-2", CONCURRENCY, HELD).await(RUN_LIMIT);
            sandbox.settings().holdTasks(false);
            assertThat(second).isEqualTo(1);
            // the second process reaches the repository through the first, whose run lock refuses it
            assertThat(Files.readString(WORK.resolve("logs").resolve("twice-2.log")))
                    .contains("uses it through that one")
                    .contains("another live process");
            assertThat(first.await(RUN_LIMIT)).isZero();
            assertThat(exact(scenario)).isTrue();
            RESULTS.add("| second live process on the same run | 1 | 1 | 0 | - | refused with exit 1 |");
        }
    }

    @Test
    @Order(7)
    void statusAndARunOfAnotherInputBesideALiveRunOnTheDefaultH2() throws Exception {
        // the first run is slow enough (3 s a request, 4 s a task) to be live while the others start
        Scenario first =
                scenario("beside-1", new SandboxSettings().latencyMillis(3000).taskMillis(3000, 4000));
        Scenario second =
                scenario("beside-2", new SandboxSettings().latencyMillis(200).taskMillis(1000, 2000));
        long started = System.nanoTime();
        try (SandboxServer a = first.sandbox();
                SandboxServer b = second.sandbox()) {
            // and its tasks are held until the second has ended, however slowly the others start
            a.settings().holdTasks(true);
            JobProcess one = start(first, "beside-1", "beside-1", CONCURRENCY, HELD);
            assertThat(one.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            Path statusLog = WORK.resolve("logs").resolve("beside-status.log");
            assertThat(JobProcess.tagsync(WORK, KEY, statusLog, List.of("status"))
                            .await(RUN_LIMIT))
                    .isZero();
            assertThat(Files.readString(statusLog)).contains("beside-1").contains("STARTED");
            JobProcess two = start(second, "beside-2", "beside-2");
            assertThat(two.await(RUN_LIMIT)).isZero();
            assertThat(one.isAlive()).as("the first run outlasts the second").isTrue();
            a.settings().holdTasks(false);
            assertThat(one.await(RUN_LIMIT)).isZero();
            assertThat(Files.readString(WORK.resolve("logs").resolve("beside-2.log")))
                    .contains("uses it through that one");
            assertThat(exact(first)).isTrue();
            assertThat(exact(second)).isTrue();
            assertThat(lastStatus("beside-1", Repository.H2)).isEqualTo("COMPLETED");
            assertThat(lastStatus("beside-2", Repository.H2)).isEqualTo("COMPLETED");
            assertThat(WORK.resolve("data").resolve("tagsync.server")).doesNotExist();
            RESULTS.add(String.format(
                    "| status, then a run of another input, beside a live run; default H2 repository | 2 | 2 | %d | - | %.0f s |",
                    duplicateSends(first, "beside-1") + duplicateSends(second, "beside-2"),
                    (System.nanoTime() - started) / 1e9));
        }
    }

    /**
     * Two slow runs side by side on the default H2 file, both sending: the first opened the file and serves it
     * to the second. Each has a sandbox of its own, which the caller closes.
     */
    private record SideBySide(Scenario first, Scenario second, JobProcess serving, JobProcess served) {

        /**
         * Both runs' tasks are held (the sandboxes share one settings object) until {@link #release}, so that
         * both are live whatever the machine's load; the caller releases them when the runs may end.
         */
        static SideBySide start(String name) throws IOException, InterruptedException {
            SandboxSettings slow = new SandboxSettings()
                    .latencyMillis(1500)
                    .taskMillis(1000, 2000)
                    .holdTasks(true);
            Scenario first = scenario(name + "-1", slow);
            Scenario second = scenario(name + "-2", slow);
            JobProcess serving = ReliabilityTest.start(first, name + "-1", name + "-1", 2, HELD);
            assertThat(serving.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            JobProcess served = ReliabilityTest.start(second, name + "-2", name + "-2", 2, HELD);
            assertThat(served.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            assertThat(serving.isAlive()).isTrue();
            return new SideBySide(first, second, serving, served);
        }

        /** Lets both runs' tasks end. */
        void release() {
            first.sandbox().settings().holdTasks(false);
        }

        /** Reruns of both, each to exit 0, then exact; the requests the two sent twice in all. */
        long rerunBothExact(String name) throws Exception {
            release();
            assertThat(ReliabilityTest.start(first, name + "-1", name + "-1-rerun")
                            .await(RUN_LIMIT))
                    .isZero();
            assertThat(ReliabilityTest.start(second, name + "-2", name + "-2-rerun")
                            .await(RUN_LIMIT))
                    .isZero();
            assertThat(exact(first)).isTrue();
            assertThat(exact(second)).isTrue();
            return duplicateSends(first, name + "-1") + duplicateSends(second, name + "-2");
        }
    }

    /**
     * Both runs side by side on the default H2 file get SIGTERM, the serving one first (a machine shutting down):
     * the serving one waits for the other to stop before it exits, so both record where they stopped.
     */
    @Test
    @Order(7)
    void sigtermToTwoRunsBesideEachOtherStopsBoth() throws Exception {
        long started = System.nanoTime();
        SideBySide runs = SideBySide.start("stop-both");
        try (SandboxServer a = runs.first().sandbox();
                SandboxServer b = runs.second().sandbox()) {
            runs.serving().signal();
            runs.served().terminate(Duration.ofSeconds(60));
            runs.serving().terminate(Duration.ofSeconds(90));
            assertThat(lastStatus("stop-both-1", Repository.H2)).isEqualTo("STOPPED");
            assertThat(lastStatus("stop-both-2", Repository.H2)).isEqualTo("STOPPED");
            long dup = runs.rerunBothExact("stop-both");
            assertThat(dup)
                    .as("a graceful stop records every acknowledged request")
                    .isZero();
            RESULTS.add(String.format(
                    "| SIGTERM to two runs side by side on the default H2 file, the serving one first; both STOPPED, rerun | 2 | 2 | %d | - | %.0f s |",
                    dup, (System.nanoTime() - started) / 1e9));
        }
    }

    /**
     * The run that serves the default H2 file is killed while another run goes on through it: the other finds
     * the file again, opens it itself, and goes on (or, if a write of Spring Batch's own was cut, ends with
     * exit 1 and resumes when run again).
     */
    @Test
    @Order(7)
    void killingTheServingRunLeavesTheFileToTheOther() throws Exception {
        long started = System.nanoTime();
        SideBySide runs = SideBySide.start("take-over");
        try (SandboxServer a = runs.first().sandbox();
                SandboxServer b = runs.second().sandbox()) {
            runs.serving().kill();
            runs.release();
            int exit = runs.served().await(RUN_LIMIT);
            String log = Files.readString(WORK.resolve("logs").resolve("take-over-2.log"));
            assertThat(log).contains("The tagsync process that served the job repository is gone");
            String outcome = "went on, exit 0";
            if (exit != 0) {
                assertThat(exit).as(log).isEqualTo(1);
                outcome = "exit 1";
            }
            long dup = runs.rerunBothExact("take-over");
            assertThat(dup).as("at most the requests in flight in each, 2").isBetween(0L, 4L);
            RESULTS.add(String.format(
                    "| kill -9 to the run serving the default H2 file while another goes on through it: the other %s; both rerun | 2 | 2 | %d | - | %.0f s |",
                    outcome, dup, (System.nanoTime() - started) / 1e9));
        }
    }

    @Test
    @Order(8)
    void postgresStoppedForThirtySecondsWhileSubmitting() throws Exception {
        // 10 requests two at a time, 1.5 s each: the outage begins with about half of them sent
        postgresOutage(
                "pg-outage-submit",
                "submitting",
                new SandboxSettings().latencyMillis(1500).taskMillis(400, 2000));
    }

    @Test
    @Order(9)
    void postgresStoppedForThirtySecondsWhilePolling() throws Exception {
        // every request sent within a second; the tasks take 20-25 s, so the outage begins while they are polled
        postgresOutage(
                "pg-outage-poll",
                "polling",
                new SandboxSettings().latencyMillis(50).taskMillis(20_000, 25_000));
    }

    /**
     * Stops the machine's PostgreSQL (pg_ctlcluster, as root) for 30 s in the middle of a run whose repository
     * is there, then starts it: the run either rides the outage out or ends with exit 1 and says to run the same
     * command again; either way the state ends exact, with at most the requests in flight sent twice.
     */
    private void postgresOutage(String name, String phase, SandboxSettings settings) throws Exception {
        requirePostgres();
        if (postgresCluster("status") != 0) {
            String message = "cannot control the PostgreSQL cluster with pg_ctlcluster (needs root)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        String schema = createSchema();
        Repository repository = Repository.postgres(schema);
        Scenario scenario = scenario(name, settings);
        // tasks of 20-25 s are not stuck: the suite's 5 s task timeout would resubmit them
        List<String> extra = new ArrayList<>(repository.arguments());
        extra.add("--tagsync.await.task-timeout=120s");
        long started = System.nanoTime();
        try (SandboxServer sandbox = scenario.sandbox()) {
            JobProcess first = start(scenario, name, name + "-1", 2, extra);
            if (phase.equals("submitting")) {
                long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
                while (sandbox.stats().acceptedBatches() < 4 && first.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(sandbox.stats().acceptedBatches()).isBetween(4L, 9L);
            } else {
                assertThat(first.awaitLog("Waiting for", RUN_LIMIT)).isTrue();
            }
            long acceptedAtStop = sandbox.stats().acceptedBatches();
            try {
                assertThat(postgresCluster("stop -m fast")).isZero();
                Thread.sleep(30_000);
            } finally {
                assertThat(postgresCluster("start")).isZero();
            }
            int exit = first.await(RUN_LIMIT.plusSeconds(120));
            String log = Files.readString(WORK.resolve("logs").resolve(name + "-1.log"));
            String outcome;
            if (exit == 0) {
                // a write that waits less than the pool's 10 s for its connection rides it out without a word
                outcome = log.contains("The job repository is out of reach")
                        ? "rode it out, saying so"
                        : "rode it out within the pool's wait";
            } else {
                assertThat(exit).as(log).isEqualTo(1);
                assertThat(log).contains("run the same command again");
                int rerun = start(scenario, name, name + "-2", 2, extra).await(RUN_LIMIT);
                assertThat(rerun).isZero();
                outcome = "exit 1, rerun exit 0";
            }
            assertThat(exact(scenario)).isTrue();
            long dup = duplicateSends(scenario, name, repository);
            assertThat(dup).as("sent twice, at most the requests in flight").isBetween(0L, 2L);
            RESULTS.add(String.format(
                    "| PostgreSQL stopped 30 s while %s (%d of 10 requests accepted), then started: %s | 1 | 1 | %d | - | %.0f s |",
                    phase, acceptedAtStop, outcome, dup, (System.nanoTime() - started) / 1e9));
        } finally {
            dropSchema(schema);
        }
    }

    /**
     * Two processes for one run after the database dropped the first one's lock: the first is paused (SIGSTOP) with
     * requests in flight while its lock's backend is terminated, as a database restart would end it, so that a second
     * process started for the same run takes the lock first and resumes the run. The first, resumed, finds the lock
     * taken before its next send, sends nothing more and exits 1 saying so; the second ends the run exact, and only
     * the first one's requests in flight are sent twice.
     */
    @Test
    @Order(9)
    void aProcessWhoseLockTheDatabaseDroppedStopsWhenAnotherTookTheRun() throws Exception {
        requirePostgres();
        String name = "pg-lock-taken";
        String schema = createSchema();
        Repository repository = Repository.postgres(schema);
        // 10 requests two at a time, 1.5 s each
        Scenario scenario =
                scenario(name, new SandboxSettings().latencyMillis(1500).taskMillis(400, 2000));
        long started = System.nanoTime();
        try (SandboxServer sandbox = scenario.sandbox()) {
            JobProcess first = start(scenario, name, name + "-1", 2, repository.arguments());
            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            while (sandbox.stats().acceptedBatches() < 2 && first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            first.pause();
            long acceptedAtPause = sandbox.stats().acceptedBatches();
            try {
                terminateRunLockBackends(schema);
                JobProcess second = start(scenario, name, name + "-2", 2, repository.arguments());
                assertThat(second.awaitLog("recovering it", RUN_LIMIT)).isTrue();
                first.resume();
                int firstExit = first.await(RUN_LIMIT);
                int secondExit = second.await(RUN_LIMIT);
                assertThat(firstExit).as(first.output()).isEqualTo(1);
                assertThat(first.output())
                        .contains("another tagsync process took this run over")
                        .contains("leave the run to the process that took it over")
                        .doesNotContain("Unexpected failure");
                assertThat(secondExit).as(second.output()).isZero();
            } finally {
                if (first.isAlive()) {
                    first.resume();
                }
            }
            assertThat(exact(scenario)).isTrue();
            long dup = duplicateSends(scenario, name, repository);
            assertThat(dup)
                    .as("sent twice, at most the first process's requests in flight")
                    .isBetween(0L, 2L);
            RESULTS.add(String.format(
                    "| PostgreSQL dropped a run's lock (its backend terminated) while the run was paused with %d of 10 "
                            + "requests accepted; a second process took the run, the first resumed, found the lock "
                            + "taken, sent nothing more and exited 1 | 1 | 1 | %d | - | %.0f s |",
                    acceptedAtPause, dup, (System.nanoTime() - started) / 1e9));
        } finally {
            dropSchema(schema);
        }
    }

    /** Ends the backends that hold run locks in {@code schema}, as a database restart would, and waits for them. */
    private static void terminateRunLockBackends(String schema) throws Exception {
        try (Connection admin = DriverManager.getConnection(POSTGRES, "postgres", "");
                Statement statement = admin.createStatement()) {
            List<Integer> backends = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("""
                    SELECT pid FROM pg_stat_activity
                    WHERE state = 'idle in transaction' AND query LIKE '%FROM run_lock%FOR UPDATE NOWAIT%'""")) {
                while (rows.next()) {
                    backends.add(rows.getInt(1));
                }
            }
            assertThat(backends).as("the run lock's backend").hasSize(1);
            statement.execute("SELECT pg_terminate_backend(" + backends.get(0) + ")");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = " + backends.get(0))) {
                    rows.next();
                    if (rows.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the run lock's backend did not exit");
        }
    }

    /** {@code pg_ctlcluster VERSION main ACTION} for the machine's one cluster; its exit code. */
    private static int postgresCluster(String action) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        "bash",
                        "-c",
                        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql 2>/dev/null | head -1) main "
                                + action)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        WORK.resolve("logs").resolve("pg_ctlcluster.log").toFile()))
                .start();
        return process.waitFor();
    }

    @Test
    @Order(10)
    void aFullSpillFolderFailsStagingWithNothingSent() throws Exception {
        Scenario scenario = scenario("full-spill", new SandboxSettings().taskMillis(200, 500));
        long started = System.nanoTime();
        try (Tmpfs tiny = Tmpfs.mount(WORK.resolve("tiny-spill"), "256k");
                SandboxServer sandbox = scenario.sandbox()) {
            // 500 rows a sorted run: the staging of 20,000 rows spills more than 256 KB
            List<String> spillThere =
                    List.of("--tagsync.staging.spill-dir=" + tiny.folder(), "--tagsync.staging.buffer-rows=500");
            int exit = start(scenario, "full-spill", "full-spill-1", CONCURRENCY, spillThere)
                    .await(RUN_LIMIT);
            String log = Files.readString(WORK.resolve("logs").resolve("full-spill-1.log"));
            assertThat(exit).as(log).isEqualTo(1);
            assertThat(log)
                    .contains("staging's spill folder " + tiny.folder() + " (tagsync.staging.spill-dir) is short of "
                            + "space: the next sorted run needs up to ")
                    .contains("Free space there, or set tagsync.staging.spill-dir to a disk with more room")
                    .contains("free space on the disk the message names")
                    .doesNotContain("No space left on device");
            assertThat(sandbox.stats().acceptedBatches()).as("nothing sent").isZero();
            // with room to spill, the same run goes on
            int rerun = start(scenario, "full-spill", "full-spill-2").await(RUN_LIMIT);
            assertThat(rerun).isZero();
            assertThat(exact(scenario)).isTrue();
            RESULTS.add(String.format(
                    "| staging's spill folder short of space (256 KB tmpfs): exit 1 naming it and the space it needs before the disk is full, nothing sent; rerun with room | 1 | 1 | %d | - | %.0f s |",
                    duplicateSends(scenario, "full-spill"), (System.nanoTime() - started) / 1e9));
        }
    }

    @Test
    @Order(11)
    void aFullRepositoryDiskFailsTheRunWithNothingSent() throws Exception {
        Scenario scenario = scenario("full-repo", new SandboxSettings().taskMillis(200, 500));
        long started = System.nanoTime();
        try (Tmpfs disk = Tmpfs.mount(WORK.resolve("repo-disk"), "64m");
                SandboxServer sandbox = scenario.sandbox()) {
            String url = "jdbc:h2:file:" + disk.folder().resolve("tagsync")
                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;RETENTION_TIME=1000;PAGE_SIZE=4096;CACHE_SIZE=8192";
            Repository repository =
                    new Repository("H2 on a full disk", url, "sa", List.of("--spring.datasource.url=" + url));
            List<String> run = new ArrayList<>(List.of(
                    "run",
                    "--input=" + scenario.file(),
                    "--workspace=" + WORKSPACE,
                    "--run-key=full-repo",
                    "--api-url=" + sandbox.url(),
                    "--report-dir=" + WORK.resolve("reports").resolve("full-repo")));
            run.addAll(repository.arguments());
            // the repository exists (status creates its tables); then its disk fills up, but for 64 KB
            List<String> status = new ArrayList<>(List.of("status"));
            status.addAll(repository.arguments());
            assertThat(JobProcess.tagsync(WORK, KEY, WORK.resolve("logs").resolve("full-repo-0.log"), status)
                            .await(RUN_LIMIT))
                    .isZero();
            Path filler = disk.fillLeaving(64 * 1024);
            Path firstLog = WORK.resolve("logs").resolve("full-repo-1.log");
            int exit = JobProcess.tagsync(WORK, KEY, firstLog, run).await(RUN_LIMIT);
            String log = Files.readString(firstLog);
            assertThat(exit).as(log).isEqualTo(1);
            assertThat(log).contains("No space left on device").contains("free space on the job repository's disk");
            assertThat(sandbox.stats().acceptedBatches()).as("nothing sent").isZero();
            // with the space freed, the same command goes on
            Files.delete(filler);
            int rerun = JobProcess.tagsync(WORK, KEY, WORK.resolve("logs").resolve("full-repo-2.log"), run)
                    .await(RUN_LIMIT);
            assertThat(rerun).isZero();
            assertThat(exact(scenario)).isTrue();
            RESULTS.add(String.format(
                    "| H2 repository's disk full (64 KB left): exit 1 naming it, nothing sent; rerun after freeing space | 1 | 1 | %d | - | %.0f s |",
                    duplicateSends(scenario, "full-repo", repository), (System.nanoTime() - started) / 1e9));
        }
    }

    /**
     * A --changed-only run killed while it sends: the next night's run sends exactly the images whose updates the
     * killed one had not seen confirmed (their tasks may well have completed), and the night after sends nothing.
     */
    @Test
    @Order(11)
    void aKilledChangedOnlyRunLeavesTheNextOneWhatTheApiHadNotConfirmed() throws Exception {
        Scenario scenario = scenario(
                "sync-kill",
                new SandboxSettings().latencyMillis(150).taskMillis(400, 2000).keepBodies(true));
        long started = System.nanoTime();
        List<String> changedOnly = new ArrayList<>(Repository.H2.arguments());
        changedOnly.add("--changed-only");
        try (SandboxServer sandbox = scenario.sandbox()) {
            JobProcess first = start(scenario, "sync-kill-1", "sync-kill-1", CONCURRENCY, changedOnly);
            assertThat(first.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            Thread.sleep(1500);
            first.kill();
            Set<String> confirmed = new HashSet<>();
            try (Connection connection = Repository.H2.connect();
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT image_id FROM synced_image")) {
                while (rs.next()) {
                    confirmed.add(rs.getString(1));
                }
            }
            int sentBeforeKill = sandbox.acceptedBodies().size();

            int exit = start(scenario, "sync-kill-2", "sync-kill-2", CONCURRENCY, changedOnly)
                    .await(RUN_LIMIT);

            assertThat(exit).isZero();
            assertThat(exact(scenario)).isTrue();
            Set<String> sentAgain = imagesIn(sandbox.acceptedBodies()
                    .subList(sentBeforeKill, sandbox.acceptedBodies().size()));
            Set<String> unconfirmed = new HashSet<>(scenario.input().expected.keySet());
            unconfirmed.removeAll(confirmed);
            assertThat(sentAgain).isEqualTo(unconfirmed);
            int sentBeforeThird = sandbox.acceptedBodies().size();
            assertThat(start(scenario, "sync-kill-3", "sync-kill-3", CONCURRENCY, changedOnly)
                            .await(RUN_LIMIT))
                    .isZero();
            assertThat(sandbox.acceptedBodies()).hasSize(sentBeforeThird);
            RESULTS.add(String.format(
                    "| --changed-only run killed while sending (%d of %d images confirmed), next night's run, the "
                            + "night after | 1 | 1 | %d images sent again, 0 the night after | - | %.0f s |",
                    confirmed.size(),
                    scenario.input().expected.size(),
                    sentAgain.size(),
                    (System.nanoTime() - started) / 1e9));
        }
    }

    private static Set<String> imagesIn(List<JsonNode> bodies) {
        Set<String> images = new HashSet<>();
        for (JsonNode body : bodies) {
            body.get("updates")
                    .forEach(update -> images.add(update.get("imageId").stringValue()));
        }
        return images;
    }

    @Test
    @Order(12)
    void theKeyAppearsInNoLogReportOrDatabaseFile() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(WORK)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(path ->
                            !path.toString().endsWith(".csv") || path.toString().contains("reports"))
                    .toList();
        }
        assertThat(files).anyMatch(path -> path.toString().endsWith(".mv.db"));
        assertThat(files).anyMatch(path -> path.toString().endsWith(".log"));
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            assertThat(indexOf(content, key)).as(file.toString()).isNegative();
        }
        RESULTS.add(String.format(
                "| API key searched in %d logs, reports and database files | - | - | - | - | found nowhere |",
                files.size()));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
