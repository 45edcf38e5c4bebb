package io.tagsync.tools;

import io.tagsync.TagsyncApplication;
import io.tagsync.cli.RunCommand;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code demo}: starts the sandbox in-process with the images of {@code sample-data/images.txt}, runs the job
 * on the same changes as CSV, JSON Lines and Parquet against it (each a run of its own; the updates are
 * idempotent, so the state after each is the same), and shows the result. The job runs in this JVM on its
 * embedded defaults, with the sandbox's throwaway key given as a property (never on a command line).
 */
final class DemoCommand {

    private static final List<String> INPUTS = List.of("changes.csv", "changes.jsonl", "changes.parquet");

    private DemoCommand() {}

    static int main(String[] args) throws IOException {
        Path sampleData = Path.of("sample-data");
        for (String arg : args) {
            if (arg.startsWith("--sample-data=")) {
                sampleData = Path.of(arg.substring("--sample-data=".length()));
            }
        }
        return run(sampleData, System.out, System.err);
    }

    static int run(Path sampleData, PrintStream out, PrintStream err) throws IOException {
        List<String> images = Files.readAllLines(sampleData.resolve("images.txt")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
        ImageStore store = new ImageStore();
        store.seed(images);
        String key = UUID.randomUUID().toString();
        SandboxSettings settings =
                new SandboxSettings().workspace("demo").apiKey(key).taskMillis(200, 1200);
        try (SandboxServer sandbox = SandboxServer.start(settings, store, 0);
                ConfigurableApplicationContext job = SpringApplication.run(
                        TagsyncApplication.class, "--tagsync.cli.enabled=false", "--tagsync.api.key=" + key)) {
            out.println("Sandbox API at " + sandbox.url() + " with " + store.size() + " images in workspace 'demo'");
            RunCommand runCommand = job.getBean(RunCommand.class);
            int concurrency = RunParameters.concurrency(
                    job.getBean(TagsyncProperties.class).submit().concurrency());
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            long started = System.nanoTime();
            int code = ExitCodes.OK;
            for (String name : INPUTS) {
                Path input = sampleData.resolve(name).toAbsolutePath().normalize();
                String format = name.substring(name.indexOf('.') + 1);
                int exit = runCommand.run(
                        new RunParameters(
                                input, "demo", "demo-" + stamp + "-" + format, sandbox.url(), concurrency, null),
                        out,
                        err);
                code = Math.max(code, exit);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            SandboxServer.Stats stats = sandbox.stats();
            out.printf(
                    "Sandbox served %d batch requests and %d status requests; %d runs took %.1f s%n",
                    stats.acceptedBatches(), stats.statusCalls(), INPUTS.size(), seconds);
            out.println("A few images as the sandbox now holds them:");
            images.stream()
                    .limit(3)
                    .forEach(id -> store.image(id)
                            .ifPresent(image -> out.println(
                                    "  " + id + "  metadata=" + image.metadata() + "  tags=" + image.tags())));
            out.println("Exit code " + code + (code == 0 ? " (every row applied)" : ""));
            return code;
        }
    }
}
