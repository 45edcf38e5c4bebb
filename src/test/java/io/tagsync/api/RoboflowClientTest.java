package io.tagsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.TagsyncProperties.AuthMode;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the sandbox: authentication, the API's validation, and the retry classes. */
class RoboflowClientTest {

    private static final String KEY = "k-" + Long.toHexString(System.nanoTime());

    private SandboxServer sandbox;
    private ImageStore store;

    @BeforeEach
    void start() throws IOException {
        store = new ImageStore();
        store.seed(List.of("a", "b"));
        sandbox = SandboxServer.start(
                new SandboxSettings().workspace("ws").apiKey(KEY).taskMillis(10, 30), store, 0);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private RoboflowClient client(AuthMode auth, String key, String workspace) {
        return client(auth, key, workspace, Duration.ofSeconds(5), 3);
    }

    private RoboflowClient client(AuthMode auth, String key, String workspace, Duration readTimeout, int attempts) {
        TagsyncProperties.Api settings = new TagsyncProperties.Api(
                URI.create("https://unused"),
                key,
                null,
                auth,
                Duration.ofSeconds(2),
                readTimeout,
                attempts,
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                false);
        return RoboflowClient.create(settings, key, sandbox.url(), workspace, 8, RunLimits.of(8));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void batchTaskCompletesWithFailedItemsForUnknownImages() throws InterruptedException {
        for (AuthMode auth : AuthMode.values()) {
            RoboflowClient client = client(auth, KEY, "ws");
            TaskRef task = client.submitBatch(json("""
                    {"updates":[{"imageId":"a","metadata":{"n":1},"addTags":["x"]},{"imageId":"zz","addTags":["x"]}]}"""));
            assertThat(task.url()).endsWith("/ws/asynctasks/" + task.taskId());

            TaskStatus status = awaitFinal(client, task);

            assertThat(status.phase()).isEqualTo(TaskStatus.Phase.COMPLETED);
            assertThat(status.failedItems()).containsExactly(new TaskStatus.FailedItem("zz", "Image not found"));
        }
        assertThat(store.image("a").orElseThrow().tags()).containsExactly("x");
    }

    @Test
    void wrongOrMissingKeyIsAnAuthFailureWithoutTheKeyInTheMessage() {
        assertThatThrownBy(() -> client(AuthMode.QUERY, "wrong-key", "ws").taskStatus("t", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ApiException.Kind.AUTH);
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).doesNotContain("wrong-key");
                });
    }

    @Test
    void theServerRefusesAWholeBatchForOneInvalidUpdate() {
        RoboflowClient client = client(AuthMode.QUERY, KEY, "ws");
        for (String body : List.of(
                "{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"x\"]},{\"imageId\":\"b\",\"addTags\":[\"two words\"]}]}",
                "{\"updates\":[{\"imageId\":\"a\",\"metadata\":{\"k\":1},\"removeMetadata\":[\"k\"]}]}",
                "{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t\"],\"removeTags\":[\"t\"]}]}",
                "{\"updates\":[{\"imageId\":\"a\"}]}",
                "{\"updates\":[{\"imageId\":\"a\",\"metadata\":{\"k\":[1]}}]}",
                "{\"updates\":[]}")) {
            assertThatThrownBy(() -> client.submitBatch(json(body)))
                    .as(body)
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.BAD_REQUEST));
        }
        assertThat(sandbox.stats().acceptedBatches()).isZero();
        assertThat(store.image("a").orElseThrow().updates()).isZero();
    }

    @Test
    void singleUpdateAppliesAtOnceAndAnswers404ForAnUnknownImage() {
        RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
        client.updateSingle("b", json("{\"metadata\":{\"reviewed\":true}}"));
        assertThat(store.image("b").orElseThrow().metadata()).containsEntry("reviewed", true);

        assertThatThrownBy(() -> client.updateSingle("nope", json("{\"addTags\":[\"x\"]}")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.NOT_FOUND));
    }

    @Test
    void anotherWorkspaceIsNotFound() {
        assertThatThrownBy(() -> client(AuthMode.QUERY, KEY, "other")
                        .submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"x\"]}]}")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.NOT_FOUND));
    }

    @Test
    void serverErrorsAreRetriedUntilTheAttemptsRunOut() {
        RoboflowClient client = client(AuthMode.QUERY, KEY, "ws");
        sandbox.settings().outage(true);

        assertThatThrownBy(() -> client.taskStatus("t", null))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.TRANSIENT));
        assertThat(client.calls()).isEqualTo(3);
        assertThat(client.retries()).isEqualTo(2);
    }

    @Test
    void rateLimitingPausesForRetryAfterAndThenSucceeds() throws InterruptedException {
        RoboflowClient client = client(AuthMode.QUERY, KEY, "ws");
        sandbox.settings().rateLimitShare(0.5, 0.05);

        for (int i = 0; i < 20; i++) {
            TaskRef task = client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t" + i + "\"]}]}"));
            assertThat(task.taskId()).isNotBlank();
        }
        assertThat(client.retries()).isPositive();
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(20);
    }

    @Test
    void aDroppedConnectionFailsAtOnceNotAfterTheReadTimeout() {
        RoboflowClient client = client(AuthMode.QUERY, KEY, "ws", Duration.ofSeconds(30), 1);
        sandbox.settings().dropShare(1.0);
        long started = System.nanoTime();

        assertThatThrownBy(() -> client.taskStatus("t", null)).isInstanceOf(ApiException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anUnreachableServerAndASilentOneAreNamedInTheMessage() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TagsyncProperties.Api settings = new TagsyncProperties.Api(
                URI.create("https://unused"),
                KEY,
                null,
                AuthMode.QUERY,
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                1,
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                false);
        RoboflowClient unreachable = RoboflowClient.create(
                settings, KEY, URI.create("http://127.0.0.1:" + closedPort), "ws", 8, RunLimits.of(8));
        assertThatThrownBy(() -> unreachable.taskStatus("t", null))
                .hasMessage("GET /ws/asynctasks/t failed: cannot connect to 127.0.0.1:" + closedPort
                        + " (connection refused or unreachable)");

        RoboflowClient impatient = client(AuthMode.QUERY, KEY, "ws", Duration.ofMillis(200), 1);
        sandbox.settings().slowShare(1.0, 1_000);
        assertThatThrownBy(() -> impatient.taskStatus("t", null))
                .hasMessage("GET /ws/asynctasks/t failed: no answer from "
                        + sandbox.url().getAuthority() + " within 200 ms");
    }

    @Test
    void droppedConnectionsAndSlowAnswersAreRetried() {
        RoboflowClient client = client(AuthMode.QUERY, KEY, "ws", Duration.ofMillis(300), 10);
        sandbox.settings().dropShare(0.3).slowShare(0.1, 1_000);

        for (int i = 0; i < 30; i++) {
            assertThat(client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t\"]}]}"))
                            .taskId())
                    .isNotBlank();
        }
        assertThat(client.retries()).isPositive();
        assertThat(sandbox.stats().faultsInjected()).isEqualTo(client.retries());
    }

    @Test
    void runParametersCarryNoKey() {
        assertThat(new RunParameters(Path.of("/in.csv"), "ws", "2026-11-29", sandbox.url(), 8, null)
                        .toJobParameters()
                        .toString())
                .doesNotContain(KEY);
    }

    @Test
    void everyShapeOfTheSandboxEndsInTheSameTasksAndFailedItems() throws InterruptedException {
        for (SandboxSettings.Shape shape : SandboxSettings.Shape.values()) {
            sandbox.settings().shape(shape);
            RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
            TaskRef task = client.submitBatch(json("""
                    {"updates":[{"imageId":"a","addTags":["s"]},{"imageId":"x1","addTags":["s"]},
                    {"imageId":"x2","addTags":["s"]},{"imageId":"x3","addTags":["s"]}]}"""));

            TaskStatus status = awaitFinal(client, task);

            assertThat(status.phase()).as(shape.name()).isEqualTo(TaskStatus.Phase.COMPLETED);
            assertThat(status.failedItems())
                    .as(shape.name())
                    .extracting(TaskStatus.FailedItem::imageId)
                    .containsExactly("x1", "x2", "x3");
            assertThat(status.failedItems())
                    .as(shape.name())
                    .allSatisfy(item -> assertThat(item.reason()).contains("Image not found"));
        }
    }

    @Test
    void failedTasksAndUnknownStatusesInEveryShape() throws InterruptedException {
        for (SandboxSettings.Shape shape : SandboxSettings.Shape.values()) {
            sandbox.settings().shape(shape).failNextTasks(1);
            RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
            TaskStatus failed = awaitFinal(
                    client, client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"f\"]}]}")));
            assertThat(failed.phase()).as(shape.name()).isEqualTo(TaskStatus.Phase.FAILED);
            assertThat(failed.error()).as(shape.name()).isEqualTo("Task failed: worker lost");

            sandbox.settings().unknownStatusNext(1, "cancelled");
            TaskStatus cancelled = awaitFinal(
                    client, client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"c\"]}]}")));
            assertThat(cancelled.phase()).as(shape.name()).isEqualTo(TaskStatus.Phase.UNKNOWN);
            assertThat(cancelled.status()).isEqualTo("cancelled");
        }
    }

    @Test
    void htmlErrorPagesAndRetryAfterDatesAreReadAndRetried() {
        sandbox.settings().shape(SandboxSettings.Shape.LEAN).htmlErrors(true).outage(true);
        RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
        assertThatThrownBy(() -> client.taskStatus("t", null))
                .hasMessage("GET /ws/asynctasks/t answered 503: 503 Service Temporarily Unavailable");
        sandbox.settings().outage(false).htmlErrors(false).rateLimitShare(0.5, 0.05);

        for (int i = 0; i < 10; i++) {
            assertThat(client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"r" + i + "\"]}]}"))
                            .taskId())
                    .isNotBlank();
        }
        assertThat(client.retries()).isPositive();
    }

    @Test
    void anAcceptedBatchWithoutATaskIdIsSentAgain() {
        sandbox.settings().noTaskIdShare(0.5);
        RoboflowClient client = client(AuthMode.BEARER, KEY, "ws", Duration.ofSeconds(5), 20);
        // 40 submissions: with none of them answered without a task ID (0.5^40) the test would say nothing
        for (int i = 0; i < 40; i++) {
            assertThat(client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"n\"]}]}"))
                            .taskId())
                    .isNotBlank();
        }
        assertThat(client.retries()).isEqualTo(sandbox.stats().faultsInjected()).isPositive();

        sandbox.settings().noTaskIdShare(1.0);
        RoboflowClient patient = client(AuthMode.BEARER, KEY, "ws", Duration.ofSeconds(5), 3);
        assertThatThrownBy(() -> patient.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"n\"]}]}")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ApiException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).isEqualTo("POST /ws/images/metadata answered 202 without a taskId");
                });
        assertThat(patient.calls()).isEqualTo(3);
    }

    @Test
    void aBodyAboveTheServersLimitIsTooLarge() {
        sandbox.settings().maxBodyBytes(60);
        RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
        assertThatThrownBy(() -> client.submitBatch(
                        json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"" + "t".repeat(60) + "\"]}]}")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.TOO_LARGE));
        assertThat(client.calls()).isEqualTo(1);
    }

    @Test
    void byDefaultTheKeyGoesInAHeaderAndNoRequestLineCarriesIt() throws InterruptedException {
        TagsyncProperties defaults = new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource())
                .bindOrCreate("tagsync", TagsyncProperties.class);
        assertThat(defaults.api().auth()).isEqualTo(AuthMode.BEARER);

        sandbox.settings().keepRequestLines(true).shape(SandboxSettings.Shape.LEAN);
        RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
        awaitFinal(client, client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"h\"]}]}")));
        client.updateSingle("b", json("{\"addTags\":[\"h\"]}"));

        assertThat(sandbox.requestLines())
                .hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(line -> line.contains(KEY))
                .noneMatch(line -> line.contains("api_key"));
        assertThat(store.image("a").orElseThrow().tags()).contains("h");
    }

    @Test
    void aTaskUrlOnAnotherHostIsNeverCalledAndGetsNoKey() throws IOException, InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer other =
                com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().entrySet());
            byte[] answer = "{\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        other.start();
        try {
            URI otherUrl = URI.create("http://127.0.0.1:" + other.getAddress().getPort());
            sandbox.settings().taskUrlBase(otherUrl);
            for (AuthMode auth : AuthMode.values()) {
                RoboflowClient client = client(auth, KEY, "ws");
                TaskRef task = client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"o\"]}]}"));
                assertThat(task.url()).startsWith(otherUrl.toString());

                TaskStatus status = awaitFinal(client, task);

                assertThat(status.phase()).isEqualTo(TaskStatus.Phase.COMPLETED);
            }
            assertThat(seen).isEmpty();
            assertThat(sandbox.stats().statusCalls()).isPositive();

            // a relative URL, and an absolute one on the API's own origin, are followed
            sandbox.settings()
                    .taskUrlBase(null)
                    .shape(SandboxSettings.Shape.LEAN)
                    .keepRequestLines(true);
            RoboflowClient client = client(AuthMode.BEARER, KEY, "ws");
            TaskRef task = client.submitBatch(json("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"p\"]}]}"));
            assertThat(awaitFinal(client, task).phase()).isEqualTo(TaskStatus.Phase.COMPLETED);
            assertThat(client.taskStatus(task.taskId(), "/ws/asynctasks/" + task.taskId())
                            .phase())
                    .isEqualTo(TaskStatus.Phase.COMPLETED);
        } finally {
            other.stop(0);
        }
    }

    private TaskStatus awaitFinal(RoboflowClient client, TaskRef task) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            TaskStatus status = client.taskStatus(task.taskId(), task.url());
            if (status.isFinal()) {
                return status;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("task " + task.taskId() + " never finished");
    }
}
