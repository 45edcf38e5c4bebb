package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a run ends for the people who were not watching: the webhook it announces its end to (a receiver on
 * loopback), and the next step its failure message gives, which works.
 */
class RunEndTest extends JobTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> received = new CopyOnWriteArrayList<>();
    /** The statuses the receiver answers, in turn; 200 once they run out. */
    private static final Queue<Integer> answers = new ConcurrentLinkedQueue<>();

    private static final HttpServer receiver = startReceiver();

    private static HttpServer startReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks/T123/secret", exchange -> {
                received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Integer status = answers.poll();
                exchange.sendResponseHeaders(status == null ? 200 : status, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void webhook(DynamicPropertyRegistry registry) {
        registry.add(
                "tagsync.notify.webhook-url",
                () -> "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/T123/secret");
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @BeforeEach
    void clearReceiver() {
        received.clear();
        answers.clear();
    }

    @Test
    void aCompletedRunIsAnnouncedOnceTheWebhookAnswersAndNeverCarriesTheKey() throws Exception {
        Path input = dir.resolve("announced.csv");
        GeneratedInput generated = GeneratedInput.write(input, 3_000, 1, 2, 11);
        store.seed(generated.imageIds);
        answers.add(503);

        assertThat(run(input, "announced")).isEqualTo(ExitCodes.OK);

        assertThat(received).as("one 503, then the same body again").hasSize(2);
        assertThat(received.get(0)).isEqualTo(received.get(1));
        JsonNode body = JSON.readTree(received.get(1));
        assertThat(body.get("outcome").asString()).isEqualTo("COMPLETED");
        assertThat(body.get("exitCode").asInt()).isZero();
        assertThat(body.get("runKey").asString()).isEqualTo("announced");
        assertThat(body.get("counts").get("rowsRead").asLong()).isEqualTo(generated.rows);
        assertThat(body.get("counts").get("imagesUpdated").asLong()).isEqualTo(3_000);
        assertThat(body.get("counts").get("imagesFailed").asLong()).isZero();
        assertThat(Path.of(body.get("reportDir").asString()).resolve("summary.json"))
                .exists();
        assertThat(body.get("text").asString())
                .startsWith("tagsync run ")
                .contains("(workspace " + WORKSPACE + ", run key announced) completed, exit 0")
                .contains("3000 of 3000 images updated");
        assertThat(received.get(1)).doesNotContain(SECRET);
    }

    @Test
    void aWebhookThatIsDownNeverChangesTheRunsOutcome() throws Exception {
        Path input = dir.resolve("unheard.csv");
        GeneratedInput generated = GeneratedInput.write(input, 500, 1, 1, 12);
        store.seed(generated.imageIds);
        answers.addAll(List.of(500, 500, 500, 500));

        assertThat(run(input, "unheard")).isEqualTo(ExitCodes.OK);

        assertThat(received).as("tried three times, then given up").hasSize(3);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void aFatalInputErrorSaysFixTheInputAndAfterTheFixTheSameCommandGoesOn() throws Exception {
        Path input = dir.resolve("typo.csv");
        Files.writeString(input, "imageId,addTagz\nimg-1,night\nimg-2,rain\n");
        store.seed(List.of("img-1", "img-2"));
        RunParameters command = new RunParameters(input, WORKSPACE, "typo", sandbox.url(), 4, reportDir("typo"));
        Ended first = runShowingErrors(command);

        assertThat(first.exit()).isEqualTo(ExitCodes.FAILED);
        String message = first.errors();
        assertThat(message)
                .contains("typo.csv: line 1: unknown column 'addTagz'")
                .contains("fix the input where the message says, then run the same command again")
                .doesNotContain("resume where it stopped");
        JsonNode announced = JSON.readTree(received.get(received.size() - 1));
        assertThat(announced.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(announced.get("exitCode").asInt()).isEqualTo(ExitCodes.FAILED);
        assertThat(announced.get("problem").asString())
                .contains("unknown column")
                .contains("fix the input");

        Files.writeString(input, "imageId,addTags\nimg-1,night\nimg-2,rain\n");
        assertThat(runCommand.run(command))
                .as("the same command, after the fix")
                .isEqualTo(ExitCodes.OK);
        assertThat(store.image("img-1").orElseThrow().tags()).containsExactly("night");
        assertThat(store.image("img-2").orElseThrow().tags()).containsExactly("rain");
    }

    @Test
    void aRefusedKeySaysCheckTheKeyAndWithTheRightKeyTheSameCommandResumes() throws Exception {
        Path input = dir.resolve("key.csv");
        GeneratedInput generated = GeneratedInput.write(input, 1_000, 1, 1, 13);
        store.seed(generated.imageIds);
        sandbox.settings().apiKey("the-workspace-key");
        RunParameters command = new RunParameters(input, WORKSPACE, "key", sandbox.url(), 4, reportDir("key"));
        Ended first = runShowingErrors(command);

        assertThat(first.exit()).isEqualTo(ExitCodes.BAD_KEY);
        assertThat(first.errors())
                .contains("check the key: it must be the workspace's private API key with the image:tag scope")
                .doesNotContain(SECRET);
        sandbox.settings().apiKey(SECRET);
        assertThat(runCommand.run(command))
                .as("the same command, with the right key")
                .isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void anUnknownWorkspaceSaysCheckTheWorkspaceAndTheRightOneWorks() throws Exception {
        Path input = dir.resolve("workspace.csv");
        GeneratedInput generated = GeneratedInput.write(input, 500, 1, 1, 17);
        store.seed(generated.imageIds);
        Ended first = runShowingErrors(new RunParameters(input, "acme-typo", "ws", sandbox.url(), 4, reportDir("ws")));

        assertThat(first.exit()).isEqualTo(ExitCodes.NO_WORKSPACE);
        assertThat(first.errors()).contains("check --workspace=acme-typo (the workspace's URL name) and --api-url");
        assertThat(runCommand.run(new RunParameters(input, WORKSPACE, "ws", sandbox.url(), 4, reportDir("ws"))))
                .as("the command with the right workspace")
                .isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void aServerOutageSaysRunTheSameCommandAgainAndItResumes() throws Exception {
        Path input = dir.resolve("server-down.csv");
        GeneratedInput generated = GeneratedInput.write(input, 5_000, 1, 1, 19);
        store.seed(generated.imageIds);
        sandbox.settings().outageAfterBatches(2);
        RunParameters command =
                new RunParameters(input, WORKSPACE, "server-down", sandbox.url(), 4, reportDir("server-down"));
        Ended first = runShowingErrors(command);

        assertThat(first.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(first.errors()).contains("run the same command again to resume where it stopped");
        sandbox.settings().outage(false);
        assertThat(runCommand.run(command)).as("the same command").isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted once")
                .isEqualTo(5);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void aPlanLimitSaysRaiseItAndOnceRaisedTheSameCommandResumes() throws Exception {
        Path input = dir.resolve("plan.csv");
        GeneratedInput generated = GeneratedInput.write(input, 5_000, 1, 1, 23);
        store.seed(generated.imageIds);
        sandbox.settings().planLimitAfterBatches(2);
        RunParameters command = new RunParameters(input, WORKSPACE, "plan", sandbox.url(), 1, reportDir("plan"));
        Ended first = runShowingErrors(command);

        assertThat(first.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(first.errors())
                .contains("a plan limit was reached")
                .contains("raise the workspace's plan limit or wait for it to reset, then run the same command again");
        sandbox.settings().planLimitAfterBatches(-1);
        assertThat(runCommand.run(command)).as("the same command").isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().acceptedBatches())
                .as("each request accepted once")
                .isEqualTo(5);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    /**
     * A server in front of the API that refuses the batch ({@code 400}) and redirects the single update elsewhere
     * ({@code 302}): nothing was applied, so the run fails, says so and where it was sent, and does not say every row
     * was applied.
     */
    @Test
    void aRedirectIsNoSuccessTheRunFailsSayingNothingWasApplied() throws Exception {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().endsWith("/images/metadata")) {
                byte[] refusal = "{\"error\":\"Invalid request\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, refusal.length);
                exchange.getResponseBody().write(refusal);
            } else {
                exchange.getResponseHeaders().set("Location", "https://sso.example.com/login");
                exchange.sendResponseHeaders(302, -1);
            }
            exchange.close();
        });
        proxy.start();
        try {
            Path input = Files.writeString(dir.resolve("redirected.csv"), "imageId,addTags\nimg-1,night\n");
            Ended ended = runShowingErrors(new RunParameters(
                    input,
                    WORKSPACE,
                    "redirected",
                    java.net.URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()),
                    1,
                    reportDir("redirected")));

            assertThat(ended.exit()).isEqualTo(ExitCodes.FAILED);
            assertThat(ended.errors())
                    .contains("/images/img-1/metadata answered 302 (a redirect to https://sso.example.com/login)")
                    .contains("nothing was applied")
                    .contains("check --api-url");
            JsonNode announced = JSON.readTree(received.get(received.size() - 1));
            assertThat(announced.get("outcome").asString()).isEqualTo("FAILED");
        } finally {
            proxy.stop(0);
        }
    }

    private record Ended(int exit, String errors) {}

    /** The run command as a user runs it, with what it printed to standard error. */
    private Ended runShowingErrors(RunParameters command) {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = runCommand.run(command, System.out, new PrintStream(errors, true, StandardCharsets.UTF_8));
        return new Ended(exit, errors.toString(StandardCharsets.UTF_8));
    }
}
