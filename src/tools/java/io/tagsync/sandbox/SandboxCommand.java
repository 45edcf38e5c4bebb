package io.tagsync.sandbox;

import io.tagsync.run.OptionNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run.sh sandbox [--port=8089] [--workspace=demo] [--api-key=K] [--images=FILE] [--latency-ms=N]
 * [--task-ms=MIN-MAX] [--rate-limit-share=X] [--server-error-share=X] [--task-failure-share=X]
 * [--shape=docs|lean] [--html-errors=true] [--max-body-bytes=N] [--refuse-conflicts=true]
 * [--refuse-duplicates=true] [--unknown-status-share=X] [--unknown-status=cancelled] [--stuck-task-share=X]
 * [--no-task-id-share=X] [--capacity=N]}: runs the sandbox until the process is stopped. Without {@code --images} (one image ID
 * a line) every image ID exists. {@code PUT /_sandbox/capacity/N} changes the capacity while it runs.
 */
public final class SandboxCommand {

    private static final Set<String> OPTIONS = Set.of(
            "port",
            "workspace",
            "api-key",
            "images",
            "latency-ms",
            "task-ms",
            "rate-limit-share",
            "server-error-share",
            "task-failure-share",
            "shape",
            "html-errors",
            "max-body-bytes",
            "refuse-conflicts",
            "refuse-duplicates",
            "unknown-status-share",
            "unknown-status",
            "stuck-task-share",
            "no-task-id-share",
            "capacity");

    private SandboxCommand() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                System.err.println("sandbox: unknown argument '" + arg + "' (options are --name=value)");
                System.exit(64);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Optional<String> unknown = OptionNames.unknown("sandbox", OPTIONS, options.keySet());
        if (unknown.isPresent()) {
            System.err.println("sandbox: " + unknown.get());
            System.exit(64);
        }
        SandboxSettings settings = new SandboxSettings()
                .workspace(options.getOrDefault("workspace", "demo"))
                .apiKey(options.getOrDefault(
                        "api-key", System.getenv().getOrDefault("ROBOFLOW_API_KEY", "sandbox-key")))
                .latencyMillis(Long.parseLong(options.getOrDefault("latency-ms", "0")))
                .rateLimitShare(Double.parseDouble(options.getOrDefault("rate-limit-share", "0")), 1)
                .serverErrorShare(Double.parseDouble(options.getOrDefault("server-error-share", "0")))
                .taskFailureShare(Double.parseDouble(options.getOrDefault("task-failure-share", "0")))
                .shape(SandboxSettings.Shape.valueOf(
                        options.getOrDefault("shape", "docs").toUpperCase(Locale.ROOT)))
                .htmlErrors(Boolean.parseBoolean(options.getOrDefault("html-errors", "false")))
                .maxBodyBytes(Long.parseLong(options.getOrDefault("max-body-bytes", "0")))
                .refuseConflicts(Boolean.parseBoolean(options.getOrDefault("refuse-conflicts", "false")))
                .refuseDuplicateImages(Boolean.parseBoolean(options.getOrDefault("refuse-duplicates", "false")))
                .unknownStatusShare(
                        Double.parseDouble(options.getOrDefault("unknown-status-share", "0")),
                        options.getOrDefault("unknown-status", "cancelled"))
                .stuckShare(Double.parseDouble(options.getOrDefault("stuck-task-share", "0")))
                .capacity(Integer.parseInt(options.getOrDefault("capacity", "0")))
                .noTaskIdShare(Double.parseDouble(options.getOrDefault("no-task-id-share", "0")));
        String[] taskMillis = options.getOrDefault("task-ms", "50-200").split("-");
        settings.taskMillis(Long.parseLong(taskMillis[0]), Long.parseLong(taskMillis[taskMillis.length - 1]));
        ImageStore store = new ImageStore();
        String images = options.get("images");
        if (images == null) {
            settings.openStore(true);
        } else {
            try (var lines = Files.lines(Path.of(images))) {
                store.seed(
                        lines.map(String::strip).filter(line -> !line.isEmpty()).toList());
            }
        }
        SandboxServer server =
                SandboxServer.start(settings, store, Integer.parseInt(options.getOrDefault("port", "8089")));
        System.out.println("tagsync sandbox listening on " + server.url() + " (workspace '" + settings.workspace()
                + "', " + (images == null ? "any image ID" : store.size() + " images") + ")");
        System.out.println("  state:  GET " + server.url() + "/_sandbox/images/{imageId}   stats: GET " + server.url()
                + "/_sandbox/stats");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }
}
