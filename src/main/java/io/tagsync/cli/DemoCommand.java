package io.tagsync.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import io.tagsync.api.ApiClientFactory;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import org.springframework.stereotype.Component;

/**
 * {@code demo}: starts the sandbox in-process with the images of {@code sample-data/images.txt}, runs the job
 * on the same changes as CSV, JSON Lines and Parquet against it (each a run of its own; the updates are
 * idempotent, so the state after each is the same), and shows the result.
 */
@Component
public class DemoCommand {

    private final RunCommand runCommand;
    private final ApiClientFactory clients;
    private final TagsyncProperties properties;

    public DemoCommand(RunCommand runCommand, ApiClientFactory clients, TagsyncProperties properties) {
        this.runCommand = runCommand;
        this.clients = clients;
        this.properties = properties;
    }

    private static final List<String> INPUTS = List.of("changes.csv", "changes.jsonl", "changes.parquet");

    public int run(Path sampleData, PrintStream out, PrintStream err) throws IOException {
        List<String> images = Files.readAllLines(sampleData.resolve("images.txt")).stream()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();
        ImageStore store = new ImageStore();
        store.seed(images);
        String key = UUID.randomUUID().toString();
        SandboxSettings settings = new SandboxSettings().workspace("demo").apiKey(key).taskMillis(200, 1200);
        try (SandboxServer sandbox = SandboxServer.start(settings, store, 0)) {
            out.println("Sandbox API at " + sandbox.url() + " with " + store.size() + " images in workspace 'demo'");
            clients.overrideKey(key);
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            long started = System.nanoTime();
            int code = ExitCodes.OK;
            for (String name : INPUTS) {
                Path input = sampleData.resolve(name).toAbsolutePath().normalize();
                String format = name.substring(name.indexOf('.') + 1);
                int exit = runCommand.run(new RunOptions(input, "demo", "demo-" + stamp + "-" + format, sandbox.url(),
                        properties.submit().concurrency(), null), out, err);
                code = Math.max(code, exit);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            SandboxServer.Stats stats = sandbox.stats();
            out.printf("Sandbox served %d batch requests and %d status requests; %d runs took %.1f s%n",
                    stats.acceptedBatches(), stats.statusCalls(), INPUTS.size(), seconds);
            out.println("A few images as the sandbox now holds them:");
            images.stream().limit(3).forEach(id -> store.image(id).ifPresent(image ->
                    out.println("  " + id + "  metadata=" + image.metadata() + "  tags=" + image.tags())));
            out.println("Exit code " + code + (code == 0 ? " (every row applied)" : ""));
            return code;
        }
    }
}
