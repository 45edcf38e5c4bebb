package io.tagsync.job;

import io.tagsync.cli.RunCommand;
import io.tagsync.run.RunParameters;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whole-job tests: the real job on a real H2 repository against a sandbox on loopback, driven through the
 * same {@link RunCommand} as the command line.
 */
@SpringBootTest(
        properties = {
            "tagsync.cli.enabled=false",
            "spring.datasource.url=jdbc:h2:mem:tagsync-jobs;DB_CLOSE_DELAY=-1",
            "tagsync.api.key=" + JobTestSupport.SECRET,
            "tagsync.api.initial-backoff=10ms",
            "tagsync.api.max-backoff=40ms",
            // the fault mix injects a transient fault into 7% of calls: with 3 attempts, 1 run in about 100 failed on
            // three in a row (0.07^3 a call); with 6 that is about 1 in 10 million calls
            "tagsync.api.max-attempts=6",
            "tagsync.api.read-timeout=5s",
            "tagsync.await.first-poll=50ms",
            "tagsync.await.max-poll-interval=200ms",
            // sandbox tasks take at most 150 ms: only a stuck one is still open after a second
            "tagsync.await.task-timeout=1s",
            "tagsync.report-dir=target/test-reports",
            // small enough that most job tests merge through sorted runs on disk
            "tagsync.staging.buffer-rows=5000"
        })
public abstract class JobTestSupport {

    public static final String SECRET = "sk-live-7Hq2Zx9Lw3Pc8Vb1";
    protected static final String WORKSPACE = "acme-vision";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    protected RunCommand runCommand;

    @Autowired
    protected JdbcTemplate jdbc;

    @TempDir
    protected Path dir;

    protected SandboxServer sandbox;
    protected ImageStore store;

    @BeforeEach
    void startSandbox() throws IOException {
        store = new ImageStore();
        sandbox = SandboxServer.start(
                new SandboxSettings().workspace(WORKSPACE).apiKey(SECRET).taskMillis(20, 150), store, 0);
    }

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    protected int run(Path input, String runKey) {
        return run(input, WORKSPACE, runKey);
    }

    protected int run(Path input, String workspace, String runKey) {
        return runCommand.run(new RunParameters(input, workspace, runKey, sandbox.url(), 4, reportDir(runKey)));
    }

    protected Path reportDir(String runKey) {
        return dir.resolve("reports").resolve(runKey);
    }

    protected long instanceOf(Path input, String runKey) {
        return jdbc.queryForObject("""
                SELECT e.JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p
                  ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'input'
                JOIN BATCH_JOB_EXECUTION_PARAMS k
                  ON k.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND k.PARAMETER_NAME = 'runKey'
                WHERE p.PARAMETER_VALUE = ? AND k.PARAMETER_VALUE = ?
                FETCH FIRST 1 ROWS ONLY""", Long.class, input.toString(), runKey);
    }

    /** An image's expected state: metadata values normalized as {@link ImageStore.Image} holds them. */
    public record State(Map<String, Object> metadata, TreeSet<String> tags) {

        public State() {
            this(new LinkedHashMap<>(), new TreeSet<>());
        }

        static State of(ImageStore.Image image) {
            return new State(new LinkedHashMap<>(image.metadata()), new TreeSet<>(image.tags()));
        }
    }

    protected Map<String, State> actualState(Collection<String> imageIds) {
        Map<String, State> actual = new TreeMap<>();
        for (String id : imageIds) {
            store.image(id).ifPresent(image -> actual.put(id, State.of(image)));
        }
        return actual;
    }

    protected static Map<String, State> expectedState(Path json) throws IOException {
        Map<String, State> expected = new TreeMap<>();
        JsonNode root = JSON.readTree(json.toFile());
        for (Map.Entry<String, JsonNode> image : root.properties()) {
            State state = new State();
            for (Map.Entry<String, JsonNode> entry :
                    image.getValue().get("metadata").properties()) {
                JsonNode value = entry.getValue();
                state.metadata()
                        .put(
                                entry.getKey(),
                                value.isString()
                                        ? value.stringValue()
                                        : value.isBoolean()
                                                ? (Object) value.booleanValue()
                                                : ImageStore.normalize(value.numberValue()));
            }
            image.getValue().get("tags").forEach(tag -> state.tags().add(tag.stringValue()));
            expected.put(image.getKey(), state);
        }
        return expected;
    }
}
