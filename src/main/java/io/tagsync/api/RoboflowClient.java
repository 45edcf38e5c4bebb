package io.tagsync.api;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.Fence;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.run.TagsyncProperties.AuthMode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * The API as tagsync uses it: one workspace, the key added to every request for the API's own origin, and
 * retries by the classes of docs/api.md — transient failures back off with jitter, {@code 429} closes the
 * shared {@link RateGate}, and everything else is thrown as an {@link ApiException} at once. Answers are read by
 * {@link Answers}. Thread-safe: one client serves all the threads of a step.
 */
public final class RoboflowClient {

    private static final Logger log = LoggerFactory.getLogger(RoboflowClient.class);

    private final RoboflowApi api;
    private final String workspace;
    private final TagsyncProperties.Api settings;
    private final String apiKey;
    private final String authority;
    private final URI base;
    private final Origin apiOrigin;
    private final AtomicBoolean foreignUrlSeen = new AtomicBoolean();
    private final RateGate gate;
    private final ApiLimits limits;
    private final CallLimit callLimit;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Fence fence;

    private RoboflowClient(
            RoboflowApi api,
            String workspace,
            TagsyncProperties.Api settings,
            String apiKey,
            URI baseUrl,
            RunLimits shared,
            Fence fence) {
        this.api = api;
        this.fence = fence;
        this.gate = shared.gate();
        this.limits = shared.limits();
        this.callLimit = shared.calls();
        this.authority = baseUrl.getAuthority();
        this.base = baseUrl.getRawPath() != null && baseUrl.getRawPath().endsWith("/")
                ? baseUrl
                : URI.create(baseUrl + "/");
        this.apiOrigin = Origin.of(baseUrl);
        this.workspace = workspace;
        this.settings = settings;
        this.apiKey = apiKey;
    }

    /** A client for at most {@code connections} calls at once (submissions and status requests together). */
    public static RoboflowClient create(
            TagsyncProperties.Api settings,
            String apiKey,
            URI baseUrl,
            String workspace,
            int connections,
            RunLimits shared) {
        return create(settings, apiKey, baseUrl, workspace, connections, shared, Fence.NONE);
    }

    /**
     * A client that sends an update only while {@code fence} holds: it is checked right before each attempt of a
     * call that changes images, after any wait for a permit or the rate gate.
     */
    public static RoboflowClient create(
            TagsyncProperties.Api settings,
            String apiKey,
            URI baseUrl,
            String workspace,
            int connections,
            RunLimits shared,
            Fence fence) {
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                .setSocketTimeout(Timeout.of(settings.readTimeout()))
                // a kept-alive connection the server may have closed is checked before it is used again
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .build();
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(Math.max(2, connections))
                .setMaxConnPerRoute(Math.max(2, connections))
                .setDefaultConnectionConfig(connection)
                .setDefaultSocketConfig(
                        SocketConfig.custom().setTcpNoDelay(true).build())
                .setTlsSocketStrategy(Tls.forUrl(baseUrl))
                .build();
        // Retries are this class's: the library's own would hide calls from its counts and its backoff.
        CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(pool)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                // answers are a few hundred bytes of JSON: not worth a decompressing step on every call
                .disableContentCompression()
                .build();
        HttpComponentsClientHttpRequestFactory factory = new HttpComponentsClientHttpRequestFactory(http);
        factory.setReadTimeout(settings.readTimeout());
        RestClient restClient = RestClient.builder()
                .baseUrl(baseUrl.toString())
                .requestFactory(factory)
                .requestInterceptor(authentication(settings.auth(), apiKey, Origin.of(baseUrl)))
                .build();
        RoboflowApi api = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(restClient))
                .build()
                .createClient(RoboflowApi.class);
        return new RoboflowClient(api, workspace, settings, apiKey, baseUrl, shared, fence);
    }

    /**
     * Sends a batch and returns its task. A {@code 2xx} answer without a task ID is retried like a transient
     * failure: the updates are idempotent, and without the ID the task could never be followed.
     */
    public TaskRef submitBatch(byte[] body) {
        String what = "POST /" + workspace + "/images/metadata";
        return call(what, () -> {
            fence.hold();
            ResponseEntity<byte[]> answer = api.batchUpdate(workspace, body);
            TaskRef task = Answers.taskRef(success(what, answer));
            if (task.taskId() == null) {
                throw new ApiException(
                        ApiException.Kind.TRANSIENT,
                        answer.getStatusCode().value(),
                        what + " answered " + answer.getStatusCode().value() + " without a taskId",
                        null);
            }
            return task;
        });
    }

    /**
     * A task's status, polled at {@code url} (the one its {@code 202} gave) when that is relative or on the
     * API's own scheme, host and port, else at the path built from its ID: the key goes to no other host.
     */
    public TaskStatus taskStatus(String taskId, String url) {
        URI target = sameOrigin(url);
        String what = "GET " + (target == null ? "/" + workspace + "/asynctasks/" + taskId : target.getRawPath());
        return call(what, () -> {
            ResponseEntity<byte[]> answer =
                    target == null ? api.taskStatus(workspace, taskId) : api.taskStatusAt(target);
            try {
                return Answers.taskStatus(success(what, answer));
            } catch (IllegalArgumentException unreadable) {
                throw new ApiException(
                        ApiException.Kind.TRANSIENT,
                        answer.getStatusCode().value(),
                        what + " answered " + answer.getStatusCode().value() + " without a task's status ("
                                + redact(unreadable.getMessage()) + ")",
                        null);
            }
        });
    }

    /** {@code url} made absolute if it is relative or on the API's own origin; {@code null} otherwise. */
    private URI sameOrigin(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI target;
        try {
            target = url.startsWith("/") || !url.contains("://") ? base.resolve(url) : new URI(url);
        } catch (URISyntaxException | IllegalArgumentException malformed) {
            return null;
        }
        if (Origin.of(target).equals(apiOrigin)) {
            return target;
        }
        if (foreignUrlSeen.compareAndSet(false, true)) {
            log.warn(
                    "The API gives task URLs on another host ({}); tasks are polled at {} instead, and the key goes "
                            + "to no other host",
                    Origin.of(target),
                    apiOrigin);
        }
        return null;
    }

    /**
     * Sends one update to the single-image endpoint. Applied means answered {@code "success": true}; {@code false}
     * is a refusal with the server's reason, and any other answer is retried like a transient failure.
     */
    public void updateSingle(String imageId, byte[] body) {
        String what = "POST /" + workspace + "/images/" + imageId + "/metadata";
        call(what, () -> {
            fence.hold();
            ResponseEntity<byte[]> answer = api.singleUpdate(workspace, imageId, body);
            byte[] text = success(what, answer);
            Boolean applied = Answers.singleApplied(text);
            int status = answer.getStatusCode().value();
            if (applied == null) {
                throw new ApiException(
                        ApiException.Kind.TRANSIENT,
                        status,
                        what + " answered " + status + " without \"success\": true ("
                                + redact(Answers.errorReason(
                                        text == null ? "" : new String(text, StandardCharsets.UTF_8)))
                                + ")",
                        null);
            }
            if (!applied) {
                String reason = redact(Answers.errorReason(new String(text, StandardCharsets.UTF_8)));
                throw new ApiException(
                        ApiException.Kind.BAD_REQUEST,
                        status,
                        what + " answered " + status + ": " + reason,
                        null,
                        reason);
            }
            return null;
        });
    }

    /**
     * The body of an answer whose status says it succeeded (2xx). A 1xx or 3xx is no answer the API gives: tagsync
     * follows no redirect, so nothing was applied, and the run stops saying where it was sent.
     */
    private byte[] success(String what, ResponseEntity<byte[]> answer) {
        int status = answer.getStatusCode().value();
        if (status >= 200 && status < 300) {
            return answer.getBody();
        }
        URI location = answer.getHeaders().getLocation();
        String to = location == null
                ? ""
                : " to "
                        + redact((location.getScheme() == null ? "" : location.getScheme() + "://")
                                + (location.getHost() == null ? "" : location.getHost())
                                + (location.getPort() < 0 ? "" : ":" + location.getPort())
                                + (location.getRawPath() == null ? "" : location.getRawPath()));
        throw new ApiException(
                ApiException.Kind.NOT_THE_API,
                status,
                what + " answered " + status + (status >= 300 ? " (a redirect" + to + ")" : "")
                        + ", which the API does not answer: tagsync follows no redirect, so nothing was applied",
                null,
                "HTTP " + status);
    }

    /** The run's limit on calls at once now (with {@code --concurrency=auto}, where it has moved to). */
    public int callLimit() {
        return callLimit.limit();
    }

    /** For progress lines: where an adaptive limit on calls at once is now; nothing for a fixed one. */
    public String limitNow() {
        return callLimit instanceof AdaptiveCallLimit ? ", " + callLimit.limit() + " calls at once (auto)" : "";
    }

    /** With {@code --concurrency=auto}: where the limit moved since the last call, and where it is now. */
    public List<ConcurrencyPoint> takeConcurrencyTrace() {
        return callLimit.takeTrace();
    }

    /** What this client has learned the server refuses. */
    /** What says whether this client may still send updates. */
    public Fence fence() {
        return fence;
    }

    public ApiLimits limits() {
        return limits;
    }

    /** HTTP requests made, retries included. */
    public long calls() {
        return calls.get();
    }

    public long retries() {
        return retries.get();
    }

    private <T> T call(String what, Supplier<T> request) {
        int failures = 0;
        int rateLimited = 0;
        while (true) {
            CallLimit.Permit permit = null;
            try {
                gate.awaitOpen();
                permit = callLimit.acquire();
                if (!gate.isOpen()) {
                    // closed while this call waited for its permit: it waits at the gate again, or every caller
                    // waiting for a permit would be refused in turn as the refused give theirs back
                    permit.ignore();
                    permit = null;
                    continue;
                }
                calls.incrementAndGet();
                T answer = request.get();
                permit.success();
                return answer;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(ApiException.Kind.TRANSIENT, 0, what + " interrupted", null);
            } catch (RestClientException | ApiException e) {
                ApiException failure = e instanceof ApiException api ? api : classify(what, (RestClientException) e);
                ApiException.Action action = failure.kind().action();
                boolean retry = action == ApiException.Action.CLOSE_RATE_GATE
                        ? ++rateLimited <= settings.maxAttempts() * 10
                        : action == ApiException.Action.RETRY && ++failures < settings.maxAttempts();
                if (retry && action == ApiException.Action.CLOSE_RATE_GATE) {
                    // closed before the permit goes back: the caller it wakes must find the gate closed, or every
                    // caller waiting for a permit is sent and refused in turn before this thread closes it
                    // (without a usable Retry-After the whole run backs off as for a transient failure)
                    gate.closeFor(failure.retryAfter() != null ? failure.retryAfter() : backoff(rateLimited));
                }
                if (permit != null) {
                    // a 429 or a transient failure (a timeout, a 5xx) says the server is loaded; others do not
                    if (action == ApiException.Action.CLOSE_RATE_GATE || action == ApiException.Action.RETRY) {
                        permit.dropped();
                    } else {
                        permit.ignore();
                    }
                }
                if (!retry) {
                    throw failure;
                }
                if (action == ApiException.Action.RETRY) {
                    sleep(backoff(failures));
                }
                retries.incrementAndGet();
            } catch (RuntimeException unexpected) {
                // an answer that could not be read, say: the permit goes back, or an adaptive limit would shrink
                if (permit != null) {
                    permit.ignore();
                }
                throw unexpected;
            }
        }
    }

    private Duration backoff(int failures) {
        long base = settings.initialBackoff().toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.TRANSIENT, 0, "interrupted", null);
        }
    }

    private ApiException classify(String what, RestClientException e) {
        if (e instanceof RestClientResponseException response) {
            int status = response.getStatusCode().value();
            String reason = redact(Answers.errorReason(response.getResponseBodyAsString()));
            String message = what + " answered " + status + (reason.isBlank() ? "" : ": " + reason);
            ApiException.Kind kind = ApiException.Kind.ofStatus(status);
            Duration retryAfter =
                    kind == ApiException.Kind.RATE_LIMITED ? retryAfter(response.getResponseHeaders()) : null;
            return new ApiException(kind, status, message, retryAfter, reason.isBlank() ? "HTTP " + status : reason);
        }
        Throwable cause = e instanceof ResourceAccessException && e.getCause() != null ? e.getCause() : e;
        String reason;
        if (causedBy(cause, ConnectException.class)) {
            reason = "cannot connect to " + authority + " (connection refused or unreachable)";
        } else if (causedBy(cause, ConnectTimeoutException.class)) {
            reason = "cannot connect to " + authority + " within " + readable(settings.connectTimeout());
        } else if (causedBy(cause, SocketTimeoutException.class)) {
            reason = "no answer from " + authority + " within " + readable(settings.readTimeout());
        } else if (cause instanceof IOException || cause instanceof ResourceAccessException) {
            reason = cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + redact(cause.getMessage()));
        } else {
            reason = "unreadable answer (" + cause.getClass().getSimpleName() + ")";
        }
        return new ApiException(ApiException.Kind.TRANSIENT, 0, what + " failed: " + reason, null);
    }

    private static String readable(Duration timeout) {
        return timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s";
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Duration retryAfter(HttpHeaders headers) {
        return Answers.retryAfter(
                headers == null ? null : headers.getFirst(HttpHeaders.RETRY_AFTER), ZonedDateTime.now());
    }

    private String redact(String text) {
        if (apiKey == null || apiKey.isEmpty() || text == null) {
            return text == null ? "" : text;
        }
        return text.replace(apiKey, "****").replace(URLEncoder.encode(apiKey, StandardCharsets.UTF_8), "****");
    }

    /**
     * Adds the key to requests for the API's own origin, and to no other: as a bearer token, or as the
     * {@code api_key} query parameter, which is added below the layer that builds exception messages, so that
     * they never show it.
     */
    private static ClientHttpRequestInterceptor authentication(AuthMode mode, String apiKey, Origin api) {
        if (mode == AuthMode.BEARER) {
            return (request, body, execution) -> {
                if (Origin.of(request.getURI()).equals(api)) {
                    request.getHeaders().setBearerAuth(apiKey);
                }
                return execution.execute(request, body);
            };
        }
        String parameter = "api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
        return (request, body, execution) -> {
            URI plain = request.getURI();
            if (!Origin.of(plain).equals(api)) {
                return execution.execute(request, body);
            }
            URI withKey = URI.create(plain + (plain.getRawQuery() == null ? "?" : "&") + parameter);
            HttpRequest keyed = new HttpRequestWrapper(request) {
                @Override
                public URI getURI() {
                    return withKey;
                }
            };
            return execution.execute(keyed, body);
        };
    }

    /** Scheme, host and port, with the scheme's default port filled in: what "the API's own host" means. */
    record Origin(String scheme, String host, int port) {

        static Origin of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port =
                    uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            return new Origin(scheme, host, port);
        }

        @Override
        public String toString() {
            return scheme + "://" + host + ":" + port;
        }
    }
}
