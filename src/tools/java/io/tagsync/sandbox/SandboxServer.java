package io.tagsync.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tagsync.run.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for Roboflow's batch metadata API (docs/api.md): a real HTTP server on loopback with
 * the API's validation, key check, asynchronous tasks that finish in any order, an {@link ImageStore} whose
 * state can be read back, and fault knobs in {@link SandboxSettings}. Besides the API it answers
 * {@code GET /_sandbox/images/{id}} and {@code GET /_sandbox/stats} without a key. Thread-safe.
 */
public final class SandboxServer implements AutoCloseable {

    static {
        // Without it every answer waits ~40 ms on Nagle's algorithm.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Reads kept bodies with their numbers as sent: a decimal of any precision stays exact. */
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /** Set while a request is worked on whose answer will be dropped (exchange attributes are per context). */
    private static final ThreadLocal<Boolean> ANSWER_LOST = new ThreadLocal<>();

    private final SandboxSettings settings;
    private final ImageStore store;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService clock;
    private final Map<String, SandboxTask> tasks = new ConcurrentHashMap<>();
    private final AtomicLong apiCalls = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong overCapacity = new AtomicLong();
    private final AtomicLong acceptedBatches = new AtomicLong();
    private final AtomicLong statusCalls = new AtomicLong();
    private final AtomicLong singleUpdates = new AtomicLong();
    private final AtomicLong faultsInjected = new AtomicLong();
    private final AtomicLong batchWorkNanos = new AtomicLong();
    private volatile SandboxTask lastTask;
    private final Queue<JsonNode> acceptedBodies = new ConcurrentLinkedQueue<>();
    private final Queue<String> requestLines = new ConcurrentLinkedQueue<>();
    private volatile long firstCallNanos;

    private SandboxServer(SandboxSettings settings, ImageStore store, int port) throws IOException {
        this.settings = settings;
        this.store = store;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.handlers = Executors.newFixedThreadPool(64, Threads.named("sandbox-http"));
        this.clock = Executors.newScheduledThreadPool(2, Threads.named("sandbox-tasks"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /** Starts a sandbox on the port (0: any free one). */
    public static SandboxServer start(SandboxSettings settings, ImageStore store, int port) throws IOException {
        SandboxServer sandbox = new SandboxServer(settings, store, port);
        sandbox.server.start();
        return sandbox;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The bodies of the batch requests accepted, when {@link SandboxSettings#keepBodies} is on. */
    public List<JsonNode> acceptedBodies() {
        return List.copyOf(acceptedBodies);
    }

    /** Every API request line (method and URI with its query), when {@link SandboxSettings#keepRequestLines} is on. */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    public SandboxSettings settings() {
        return settings;
    }

    public ImageStore store() {
        return store;
    }

    public Stats stats() {
        long seen = 0;
        long seenSum = 0;
        long seenMax = 0;
        long lastSeen = 0;
        for (SandboxTask task : tasks.values()) {
            lastSeen = Math.max(lastSeen, task.seenAtNanos());
            long late = task.seenLateNanos();
            if (late >= 0) {
                seen++;
                seenSum += late;
                seenMax = Math.max(seenMax, late);
            }
        }
        SandboxTask last = lastTask;
        return new Stats(
                apiCalls.get(),
                acceptedBatches.get(),
                statusCalls.get(),
                singleUpdates.get(),
                faultsInjected.get(),
                tasks.values().stream().filter(task -> !task.isFinal()).count(),
                seen == 0 ? 0 : seenSum / seen / 1_000_000,
                seenMax / 1_000_000,
                last == null ? 0 : last.durationNanos() / 1_000_000,
                firstCallNanos,
                batchWorkNanos.get() / Math.max(1, acceptedBatches.get()) / 1000,
                lastSeen,
                overCapacity.get());
    }

    /**
     * What the sandbox has served. {@code openTasks} are tasks not yet final; {@code meanSeenLateMillis} and
     * {@code maxSeenLateMillis} tell how long final tasks waited for a client to see them;
     * {@code lastTaskMillis} is the duration of the last task accepted; {@code firstCallNanos} the
     * {@link System#nanoTime()} of the first API call (0 before it); {@code meanBatchWorkMicros} the sandbox's own
     * CPU time per accepted batch (reading, parsing and validating the body, answering, and applying the task);
     * {@code lastSeenNanos} the {@link System#nanoTime()} at which the last task to be seen final was (0 before).
     */
    public record Stats(
            long apiCalls,
            long acceptedBatches,
            long statusCalls,
            long singleUpdates,
            long faultsInjected,
            long openTasks,
            long meanSeenLateMillis,
            long maxSeenLateMillis,
            long lastTaskMillis,
            long firstCallNanos,
            long meanBatchWorkMicros,
            long lastSeenNanos,
            long overCapacity) {}

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        clock.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String[] parts = path.substring(1).split("/", -1);
            if (parts.length >= 1 && parts[0].equals("_sandbox")) {
                inspect(exchange, parts);
                return;
            }
            if (apiCalls.getAndIncrement() == 0) {
                firstCallNanos = System.nanoTime();
            }
            if (settings.keepRequestLines) {
                requestLines.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            }
            int calls = inFlight.incrementAndGet();
            try {
                int capacity = settings.capacity;
                if (capacity > 0 && calls > 2 * capacity) {
                    overCapacity.incrementAndGet();
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    refuse(exchange, 429, "Too many requests");
                    return;
                }
                long latency = settings.latencyMillis;
                if (capacity > 0 && calls > capacity) {
                    latency = latency * calls / capacity;
                }
                if (latency > 0) {
                    Thread.sleep(latency);
                }
            } finally {
                inFlight.decrementAndGet();
            }
            if (!authorized(exchange)) {
                refuse(exchange, 401, "Unauthorized: invalid or missing api_key");
                return;
            }
            if (injectFault(exchange)) {
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (settings.dropShare > 0 && random.nextDouble() < settings.dropShare) {
                faultsInjected.incrementAndGet();
                if (random.nextBoolean()) {
                    ANSWER_LOST.set(Boolean.TRUE); // do the work, lose the answer
                    try {
                        route(exchange, parts, path);
                    } finally {
                        ANSWER_LOST.remove();
                    }
                }
                drop(exchange);
                return;
            }
            if (settings.slowShare > 0 && random.nextDouble() < settings.slowShare) {
                faultsInjected.incrementAndGet();
                Thread.sleep(settings.slowMillis);
            }
            route(exchange, parts, path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            refuse(exchange, 500, "sandbox error: " + e);
        }
    }

    private void route(HttpExchange exchange, String[] parts, String path) throws IOException {
        {
            String method = exchange.getRequestMethod();
            if (parts.length >= 3 && !parts[0].equals(settings.workspace)) {
                refuse(exchange, 404, "Workspace not found");
            } else if (method.equals("POST")
                    && parts.length == 3
                    && parts[1].equals("images")
                    && parts[2].equals("metadata")) {
                batchUpdate(exchange);
            } else if (method.equals("POST")
                    && parts.length == 4
                    && parts[1].equals("images")
                    && parts[3].equals("metadata")) {
                singleUpdate(exchange, URLDecoder.decode(parts[2], StandardCharsets.UTF_8));
            } else if (method.equals("GET") && parts.length == 3 && parts[1].equals("asynctasks")) {
                taskStatus(exchange, URLDecoder.decode(parts[2], StandardCharsets.UTF_8));
            } else {
                refuse(exchange, 404, "Not found: " + method + " " + path);
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String expected = settings.apiKey;
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0
                        && pair.substring(0, eq).equals("api_key")
                        && URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)
                                .equals(expected)) {
                    return true;
                }
            }
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        return authorization != null && authorization.equals("Bearer " + expected);
    }

    private boolean injectFault(HttpExchange exchange) throws IOException {
        long limit = settings.planLimitAfterBatches;
        if (limit >= 0 && acceptedBatches.get() >= limit) {
            faultsInjected.incrementAndGet();
            refuse(exchange, 402, "Plan limit reached: upgrade your plan");
            return true;
        }
        long after = settings.outageAfterBatches;
        if (settings.outage || (after >= 0 && acceptedBatches.get() >= after)) {
            faultsInjected.incrementAndGet();
            refuse(exchange, 503, "Service unavailable");
            return true;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (settings.rateLimitShare > 0 && random.nextDouble() < settings.rateLimitShare) {
            faultsInjected.incrementAndGet();
            if (!settings.htmlErrors) {
                exchange.getResponseHeaders()
                        .set(
                                "Retry-After",
                                settings.shape == SandboxSettings.Shape.LEAN
                                        ? DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                                                .plusNanos((long) (settings.retryAfterSeconds * 1e9)))
                                        : String.valueOf(settings.retryAfterSeconds));
            }
            refuse(exchange, 429, "Too many requests");
            return true;
        }
        if (settings.serverErrorShare > 0 && random.nextDouble() < settings.serverErrorShare) {
            faultsInjected.incrementAndGet();
            refuse(exchange, random.nextBoolean() ? 500 : 502, "Internal server error");
            return true;
        }
        return false;
    }

    private void batchUpdate(HttpExchange exchange) throws IOException {
        long started = cpuNanos();
        byte[] body = readBody(exchange);
        if (settings.maxBodyBytes > 0 && body.length > settings.maxBodyBytes) {
            refuse(
                    exchange,
                    413,
                    "Request body too large: " + body.length + " bytes, at most " + settings.maxBodyBytes);
            return;
        }
        UpdateParser.Result parsed = UpdateParser.batch(body, settings.refusedTags);
        String problem = parsed.problem() != null
                ? parsed.problem()
                : UpdateParser.batchProblem(parsed.updates(), settings.refuseDuplicateImages, settings.refuseConflicts);
        if (problem != null) {
            refuse(exchange, 400, problem);
            return;
        }
        String taskId = UUID.randomUUID().toString();
        long min = settings.taskMinMillis;
        long duration = min + ThreadLocalRandom.current().nextLong(settings.taskMaxMillis - min + 1);
        SandboxTask.Fate fate = fate(parsed.updates());
        SandboxTask task =
                new SandboxTask(taskId, parsed.updates(), System.nanoTime(), duration * 1_000_000L, settings.shape);
        tasks.put(taskId, task);
        lastTask = task;
        if (settings.keepBodies) {
            acceptedBodies.add(EXACT.readTree(body));
        }
        acceptedBatches.incrementAndGet();
        if (fate != SandboxTask.Fate.STUCK) {
            String unknownStatus = settings.unknownStatus;
            clock.schedule(() -> finish(task, fate, unknownStatus), duration, TimeUnit.MILLISECONDS);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (settings.noTaskIdShare > 0 && ThreadLocalRandom.current().nextDouble() < settings.noTaskIdShare) {
            faultsInjected.incrementAndGet();
            answer.put("status", "queued");
        } else {
            answer.put("taskId", taskId);
            answer.put("url", taskUrl(taskId));
        }
        respond(exchange, 202, answer);
        batchWorkNanos.addAndGet(cpuNanos() - started);
    }

    /** How a new task ends, by the knobs: those naming images first, then the next-N counters, then the shares. */
    private SandboxTask.Fate fate(List<SandboxUpdate> updates) {
        if (holdsAny(updates, settings.stuckTasksWith)) {
            return SandboxTask.Fate.STUCK;
        }
        if (holdsAny(updates, settings.unknownStatusWith)) {
            return SandboxTask.Fate.UNKNOWN;
        }
        if (holdsAny(updates, settings.failTasksWith)) {
            return SandboxTask.Fate.FAIL;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (settings.stuckNextTasks.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                || (settings.stuckShare > 0 && random.nextDouble() < settings.stuckShare)) {
            return SandboxTask.Fate.STUCK;
        }
        if (settings.unknownNextTasks.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                || (settings.unknownStatusShare > 0 && random.nextDouble() < settings.unknownStatusShare)) {
            return SandboxTask.Fate.UNKNOWN;
        }
        if (settings.failNextTasks.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                || (settings.taskFailureShare > 0 && random.nextDouble() < settings.taskFailureShare)) {
            return SandboxTask.Fate.FAIL;
        }
        return SandboxTask.Fate.APPLY;
    }

    /** A task's URL: relative in the docs' shape, absolute in the lean one, or on the host the knob names. */
    private String taskUrl(String taskId) {
        String path = "/" + settings.workspace + "/asynctasks/" + taskId;
        URI base = settings.taskUrlBase;
        if (base != null) {
            return base.getScheme() + "://" + base.getRawAuthority() + path;
        }
        return settings.shape == SandboxSettings.Shape.LEAN ? url() + path : path;
    }

    private static boolean holdsAny(List<SandboxUpdate> updates, Set<String> imageIds) {
        if (imageIds.isEmpty()) {
            return false;
        }
        for (SandboxUpdate update : updates) {
            if (imageIds.contains(update.imageId())) {
                return true;
            }
        }
        return false;
    }

    private void finish(SandboxTask task, SandboxTask.Fate fate, String unknownStatus) {
        if (settings.holdTasks) {
            clock.schedule(() -> finish(task, fate, unknownStatus), 50, TimeUnit.MILLISECONDS);
            return;
        }
        long started = cpuNanos();
        try {
            finishNow(task, fate, unknownStatus);
        } finally {
            batchWorkNanos.addAndGet(cpuNanos() - started);
        }
    }

    private void finishNow(SandboxTask task, SandboxTask.Fate fate, String unknownStatus) {
        if (fate == SandboxTask.Fate.FAIL) {
            task.fail("Task failed: worker lost");
            return;
        }
        if (fate == SandboxTask.Fate.UNKNOWN) {
            task.endIn(unknownStatus);
            return;
        }
        List<String> failedImages = new ArrayList<>();
        for (SandboxUpdate update : task.updates()) {
            String imageId = update.imageId();
            if (!store.apply(update, imageId, settings.openStore)) {
                failedImages.add(imageId);
            }
        }
        task.complete(failedImages, "Image not found");
    }

    private void singleUpdate(HttpExchange exchange, String imageId) throws IOException {
        UpdateParser.Result parsed = UpdateParser.single(readBody(exchange), settings.refusedTags);
        if (parsed.problem() != null) {
            refuse(exchange, 400, parsed.problem());
            return;
        }
        singleUpdates.incrementAndGet();
        if (!store.apply(parsed.updates().get(0), imageId, settings.openStore)) {
            refuse(exchange, 404, "Image not found");
            return;
        }
        respond(exchange, 200, Map.of("success", true));
    }

    private void taskStatus(HttpExchange exchange, String taskId) throws IOException {
        statusCalls.incrementAndGet();
        SandboxTask task = tasks.get(taskId);
        if (task == null) {
            refuse(exchange, 404, "Task not found");
            return;
        }
        respond(exchange, 200, task.view(System.nanoTime()));
    }

    private void inspect(HttpExchange exchange, String[] parts) throws IOException {
        if (parts.length == 3 && parts[1].equals("images")) {
            String imageId = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            var image = store.image(imageId);
            if (image.isEmpty()) {
                respond(exchange, 404, Map.of("error", "Image not found"));
            } else {
                respond(exchange, 200, image.get());
            }
        } else if (parts.length == 2 && parts[1].equals("stats")) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("images", store.size());
            stats.put("stats", stats());
            respond(exchange, 200, stats);
        } else if (parts.length == 3
                && parts[1].equals("capacity")
                && exchange.getRequestMethod().equals("PUT")) {
            // the server's capacity changes in the middle of a run: PUT /_sandbox/capacity/4 (0: unlimited)
            try {
                settings.capacity(Math.max(0, Integer.parseInt(parts[2])));
                respond(exchange, 200, Map.of("capacity", settings.capacity));
            } catch (NumberFormatException e) {
                respond(exchange, 400, Map.of("error", "capacity is a number of calls"));
            }
        } else {
            respond(exchange, 404, Map.of("error", "Not found"));
        }
    }

    /**
     * Cuts the connection without an answer: an exchange that ends before sending headers makes the server
     * close its connection, and the client sees the connection end.
     */
    private static void drop(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.close();
    }

    /**
     * Reads what is left of the request body, as a server that answers before reading it does (nginx's lingering
     * close): the JDK's server drains at most 64 KB itself and otherwise closes a connection with the rest of the
     * body unread, which resets it, and the client sees a dropped connection instead of the answer.
     */
    private static void drain(HttpExchange exchange) {
        try {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        } catch (IOException alreadyRead) {
            // the handler read and closed the body
        }
    }

    /** CPU time of this thread: what the sandbox spends, not what it waits for a core. */
    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /**
     * An error answer in the shape set: {@code {"error":"…"}} in the docs' shape; in the lean one
     * {@code {"message":"…"}} or {@code {"error":{"message":"…"}}} in turn; a gateway's HTML page for 413, 429
     * and 5xx when {@link SandboxSettings#htmlErrors} is on.
     */
    private void refuse(HttpExchange exchange, int status, String message) throws IOException {
        drain(exchange);
        if (settings.htmlErrors && (status == 413 || status == 429 || status >= 500)) {
            if (ANSWER_LOST.get() != null) {
                return;
            }
            byte[] page = ("<html>\r\n<head><title>" + status + " " + reasonPhrase(status) + "</title></head>\r\n"
                            + "<body>\r\n<center><h1>" + status + " " + reasonPhrase(status) + "</h1></center>\r\n"
                            + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(status, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
            return;
        }
        Object body = settings.shape == SandboxSettings.Shape.DOCS
                ? Map.of("error", message)
                : ThreadLocalRandom.current().nextBoolean()
                        ? Map.of("message", message)
                        : Map.of("error", Map.of("message", message, "status", status));
        respond(exchange, status, body);
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 413 -> "Request Entity Too Large";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Temporarily Unavailable";
            default -> "Internal Server Error";
        };
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        if (ANSWER_LOST.get() != null) {
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
