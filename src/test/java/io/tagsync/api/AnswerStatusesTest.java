package io.tagsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.TagsyncProperties.AuthMode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every status class on every endpoint, from a server that answers each call with one status, body and headers:
 * only the documented success is one ({@code 202} with a task ID, {@code 200} with {@code "success": true}, a task
 * with a status); every other answer is a failure of a known kind, and a {@code 3xx} stops at once.
 */
class AnswerStatusesTest {

    enum Endpoint {
        BATCH(client -> client.submitBatch("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t\"]}]}".getBytes())),
        SINGLE(client -> client.updateSingle("a", "{\"addTags\":[\"t\"]}".getBytes())),
        STATUS(client -> client.taskStatus("t-1", null));

        final Consumer<RoboflowClient> call;

        Endpoint(Consumer<RoboflowClient> call) {
            this.call = call;
        }
    }

    private static final String OK = "success";

    private HttpServer server;
    private volatile int status;
    private volatile String body;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().set("Location", "https://login.example.com/sso?next=%2Fws");
            }
            if (status == 429) {
                exchange.getResponseHeaders().set("Retry-After", "0");
            }
            exchange.getResponseHeaders().set("Content-Type", body.startsWith("<") ? "text/html" : "application/json");
            exchange.sendResponseHeaders(status, status == 204 || status == 304 ? -1 : bytes.length);
            if (status != 204 && status != 304) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static Stream<Arguments> answers() {
        List<Arguments> cases = new ArrayList<>();
        String task = "{\"taskId\":\"t-1\",\"url\":\"/ws/asynctasks/t-1\"}";
        String done = "{\"taskId\":\"t-1\",\"status\":\"completed\",\"result\":{\"failedItems\":[]}}";
        cases.add(Arguments.of(Endpoint.BATCH, 202, task, OK));
        cases.add(Arguments.of(Endpoint.SINGLE, 200, "{\"success\":true}", OK));
        cases.add(Arguments.of(Endpoint.STATUS, 200, done, OK));
        cases.add(Arguments.of(Endpoint.SINGLE, 200, "{\"success\":false,\"error\":\"Invalid tag\"}", "BAD_REQUEST"));
        for (Endpoint endpoint : Endpoint.values()) {
            // a 2xx that is not the documented answer: retried, then the run fails
            cases.add(Arguments.of(endpoint, 200, "{}", "TRANSIENT"));
            cases.add(Arguments.of(endpoint, 200, "<html><title>Sign in</title></html>", "TRANSIENT"));
            cases.add(Arguments.of(endpoint, 204, "", "TRANSIENT"));
            for (int redirect : new int[] {301, 302, 303, 304, 307, 308}) {
                cases.add(Arguments.of(endpoint, redirect, "", "NOT_THE_API"));
            }
            cases.add(Arguments.of(endpoint, 400, "{\"error\":\"bad\"}", "BAD_REQUEST"));
            cases.add(Arguments.of(endpoint, 401, "{\"error\":\"no\"}", "AUTH"));
            cases.add(Arguments.of(endpoint, 402, "{\"error\":\"plan\"}", "PLAN_LIMIT"));
            cases.add(Arguments.of(endpoint, 404, "{\"error\":\"none\"}", "NOT_FOUND"));
            cases.add(Arguments.of(endpoint, 413, "{\"error\":\"large\"}", "TOO_LARGE"));
            cases.add(Arguments.of(endpoint, 429, "{\"error\":\"slow\"}", "RATE_LIMITED"));
            cases.add(Arguments.of(endpoint, 503, "<html><title>503</title></html>", "TRANSIENT"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @MethodSource("answers")
    void onlyTheDocumentedSuccessIsOne(Endpoint endpoint, int status, String body, String expected) {
        this.status = status;
        this.body = body;
        RoboflowClient client = client();

        ApiException failure = catchThrowableOfType(ApiException.class, () -> endpoint.call.accept(client));

        if (expected.equals(OK)) {
            assertThat(failure).isNull();
            return;
        }
        assertThat(failure).as("a failure of a known kind").isNotNull();
        assertThat(failure.kind().name()).isEqualTo(expected);
        assertThat(failure.status()).isEqualTo(status);
        if (expected.equals("NOT_THE_API")) {
            assertThat(calls.get()).as("a redirect is not retried").isEqualTo(1);
            assertThat(failure.getMessage())
                    .contains("answered " + status)
                    .contains("nothing was applied")
                    .doesNotContain("next=");
        }
    }

    private RoboflowClient client() {
        TagsyncProperties.Api settings = new TagsyncProperties.Api(
                URI.create("https://unused"),
                "key",
                null,
                AuthMode.BEARER,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                2,
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                false);
        return RoboflowClient.create(
                settings,
                "key",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "ws",
                2,
                RunLimits.of(2));
    }
}
