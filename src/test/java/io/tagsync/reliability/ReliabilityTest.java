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
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
        return JobProcess.start(
                WORK,
                scenario.file(),
                WORKSPACE,
                runKey,
                scenario.sandbox().url(),
                KEY,
                CONCURRENCY,
                WORK.resolve("logs").resolve(logName + ".log"),
                repository.arguments());
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
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 2000);
        } catch (IOException e) {
            String message = "PostgreSQL at 127.0.0.1:5432 is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message + "; start it to run this test");
        }
        String schema = "tagsync_reliability_" + Long.toHexString(System.nanoTime());
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        try {
            killTrials("pg-kill", Repository.postgres(schema));
        } finally {
            try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
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
            JobProcess first = start(scenario, "twice", "twice-1");
            assertThat(first.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            int second = start(scenario, "twice", "twice-2").await(RUN_LIMIT);
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
            JobProcess one = start(first, "beside-1", "beside-1");
            assertThat(one.awaitLog("Submitting", RUN_LIMIT)).isTrue();
            Path statusLog = WORK.resolve("logs").resolve("beside-status.log");
            assertThat(JobProcess.tagsync(WORK, KEY, statusLog, List.of("status"))
                            .await(RUN_LIMIT))
                    .isZero();
            assertThat(Files.readString(statusLog)).contains("beside-1").contains("STARTED");
            JobProcess two = start(second, "beside-2", "beside-2");
            assertThat(two.await(RUN_LIMIT)).isZero();
            assertThat(one.isAlive()).as("the first run outlasts the second").isTrue();
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

    @Test
    @Order(8)
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
